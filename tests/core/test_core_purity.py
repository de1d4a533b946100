"""bcenter.core stays pure (ARCHITECTURE.md §1): it imports only the standard library and itself, reads no clock
outside clock.py (and the uuid7 timestamp in ids.py), opens no files, and never builds money from float."""

import ast
import sys
from pathlib import Path

import pytest

import bcenter.core

CORE = Path(bcenter.core.__file__).parent
MODULES = sorted(CORE.glob("*.py"))
CLOCK_READS = {"now", "today", "utcnow", "time", "time_ns", "monotonic", "perf_counter"}
CLOCK_ALLOWED = {"clock.py": {"now"}, "ids.py": {"time_ns"}}


def imported_roots(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_itself(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in imported_roots(tree):
        root = name.split(".")[0]
        assert root in sys.stdlib_module_names or root == "__future__" or name.startswith("bcenter.core"), (
            f"{path.name} imports {name}"
        )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_core_reads_no_clock_and_opens_no_files(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = CLOCK_ALLOWED.get(path.name, set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in CLOCK_READS:
            assert node.attr in allowed, f"{path.name}:{node.lineno} reads the clock ({node.attr})"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "input", "print"}, f"{path.name}:{node.lineno} does I/O"


@pytest.mark.parametrize("name", ["money.py", "quantity.py", "period.py", "dates.py"])
def test_no_float_in_money_and_quantities(name):
    tree = ast.parse((CORE / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), f"{name}:{node.lineno}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "float", f"{name}:{node.lineno} calls float()"


def test_the_package_re_exports_the_main_names():
    for name in bcenter.core.__all__:
        assert hasattr(bcenter.core, name), name
    assert {"allocate", "Period", "uuid7", "InvalidValue", "FixedClock", "DateInterval"} <= set(bcenter.core.__all__)
