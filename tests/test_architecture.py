"""The import rules of ARCHITECTURE.md §1 and docs/design.md «Layers», checked by parsing every module's imports
(those inside functions and under ``TYPE_CHECKING`` too): no cycles anywhere, the faces stand on ``bcenter.app``,
the engine and the core stay pure, settings have one home."""
from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bcenter", "db", "drivers", "sync")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _ours(names: set[str]) -> set[str]:
    return {n for n in names if n.split(".")[0] in ("bcenter", "db", "drivers", "sync")}


def _files(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


def _check(folder: str, allowed: tuple[str, ...], *, skip=lambda p: False) -> list[str]:
    bad = []
    for path in _files(folder):
        if skip(path):
            continue
        for name in _ours(_imports(path)):
            if not name.startswith(allowed):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    return bad


def test_core_imports_nothing_of_ours():
    assert _check("bcenter/core", ("bcenter.core",)) == []


def test_engine_imports_only_core():
    assert _check("bcenter/engine", ("bcenter.core", "bcenter.engine")) == []


def test_drivers_import_only_core():
    assert _check("drivers", ("bcenter.core", "drivers")) == []


def test_db_imports_only_core():
    assert _check("db", ("bcenter.core", "db")) == []


def test_sync_imports_db_and_core_never_ui():
    assert _check("sync", ("bcenter.core", "db", "sync")) == []


def test_services_never_import_views():
    bad = [b for b in _check("bcenter/modules", ("bcenter", "db", "drivers"), skip=lambda p: p.name == "views.py")
           if ".views" in b or "bcenter.ui" in b]
    assert bad == []


FACE_ALLOWED = ("bcenter.app", "bcenter.cli", "bcenter.ui", "bcenter.core.money", "bcenter.core.period",
                "bcenter.core.text", "bcenter.core.vocabulary", "bcenter.core.quantity", "bcenter.core.dates")
"""What a face (the CLI, views, the shell) may import of ours: the application and presentation helpers."""


def test_views_and_ui_stand_on_the_application_only():
    bad = []
    for folder in ("bcenter/ui", "bcenter/modules"):
        for path in _files(folder):
            if folder == "bcenter/modules" and path.name != "views.py":
                continue
            for name in _ours(_imports(path)):
                if not name.startswith(FACE_ALLOWED):
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []


def test_cli_imports_the_application_and_presentation_helpers_only():
    """cli/ formats what bcenter.app returns; a service, db or the engine reached from it fails here."""
    paths = _files("bcenter/cli")
    assert paths, "bcenter/cli is missing"
    bad = [f"{path.relative_to(ROOT)} imports {name}" for path in paths for name in _ours(_imports(path))
           if not name.startswith(FACE_ALLOWED)]
    assert bad == []


def test_the_application_layer_is_the_only_way_to_the_services():
    """Nothing but bcenter.app (and the modules themselves) imports a module's service from outside."""
    bad = []
    for package in ("bcenter/cli", "bcenter/ui", "sync", "drivers"):
        for path in _files(package):
            bad += [f"{path.relative_to(ROOT)} imports {n}" for n in _ours(_imports(path))
                    if n.startswith("bcenter.modules")]
    assert bad == []


# --- no import cycles ----------------------------------------------------------------------------------------
def _module_map() -> dict[str, Path]:
    mods = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).with_suffix("")
            mods[".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)] = path
    return mods


def _targets(module: str, path: Path, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".")
        parts = parts if path.name == "__init__.py" else parts[:-1]
        parts = parts[:len(parts) - (node.level - 1)]
        base = ".".join(parts + ([base] if base else []))
    return [base] + [f"{base}.{alias.name}" for alias in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module → the modules of ours it imports, anywhere in its body (functions and TYPE_CHECKING blocks too)."""
    mods = _module_map()

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for module, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or getattr(node, "module", None) == "__future__":
                continue
            for target in _targets(module, path, node):
                found = owner(target)
                if found and found != module and not module.startswith(found + "."):
                    graph[module].add(found)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles_anywhere():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# --- the engine stays pure -----------------------------------------------------------------------------------
CLOCK_READS = {"now", "today", "utcnow", "time", "time_ns", "monotonic", "perf_counter"}


def test_engine_uses_the_standard_library_and_core_only_and_does_no_io():
    bad = []
    for path in _files("bcenter/engine"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                if root not in sys.stdlib_module_names and root != "__future__" and \
                        not name.startswith(("bcenter.core", "bcenter.engine")):
                    bad.append(f"{path.name} imports {name}")
                if root in ("os", "sqlite3", "socket", "subprocess", "pathlib", "io", "shutil", "tempfile"):
                    bad.append(f"{path.name} imports {name} (I/O)")
            if isinstance(node, ast.Attribute) and node.attr in CLOCK_READS and isinstance(node.value, ast.Name) \
                    and node.value.id in ("datetime", "date", "time"):
                bad.append(f"{path.name}:{node.lineno} reads the clock ({node.attr})")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("open", "print"):
                bad.append(f"{path.name}:{node.lineno} does I/O")
    assert bad == []


# --- settings have one home ----------------------------------------------------------------------------------
def test_no_setting_is_read_with_a_default_of_its_own():
    """Every setting's default lives in bcenter/core/settings.py; nobody reads a raw mapping of settings with
    ``.get("key", default)`` beside it."""
    from bcenter.core.settings import Settings

    keys = "|".join(Settings.__dataclass_fields__)
    pattern = re.compile(rf"""\.get\(\s*["']({keys})["']""")
    bad = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "settings.py" or "demo" in path.parts:  # the demo writes a document's settings
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert bad == []


# --- every use case names its permission -----------------------------------------------------------------------
def test_every_use_case_checks_a_permission():
    from bcenter.app.application import App
    from bcenter.app.base import UseCases

    app = App(db=_Dummy(), url="sqlite://")
    groups = [getattr(app, name) for name in App.GROUPS]
    assert len(groups) >= 7 and all(isinstance(g, UseCases) for g in groups)
    unchecked = []
    for group in groups:
        for name in dir(type(group)):
            if name.startswith("_") or name in ("db", "app", "ensure_initialized"):
                continue
            if not hasattr(getattr(type(group), name), "permission"):
                unchecked.append(f"{type(group).__name__}.{name}")
    assert unchecked == []


class _Dummy:
    def is_closed(self) -> bool:
        return True


def test_the_command_line_starts_without_the_printing_and_the_screens():
    """``import bcenter.cli`` loads neither reportlab nor flet nor a module of ours past the application layer's
    own: every command pays its imports — and so does every worker process of ``calc`` and ``close``, which imports
    the command line as its main module (spawn). The debtors' criteria once brought reportlab's platypus along:
    0.54 s of start instead of 0.25."""
    import subprocess

    probe = ("import sys, bcenter.cli; print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('reportlab', 'flet', 'PIL', 'xlsxwriter') or m.startswith('bcenter.modules.'))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.split()
    assert loaded == []
