"""The import rules of ARCHITECTURE.md §1, checked by parsing every module's imports."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


def test_views_and_ui_never_touch_db_or_engine():
    bad = []
    for folder in ("bcenter/ui", "bcenter/modules"):
        for path in _files(folder):
            if folder == "bcenter/modules" and path.name != "views.py":
                continue
            for name in _ours(_imports(path)):
                if name.startswith(("db", "bcenter.engine")):
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bad == []
