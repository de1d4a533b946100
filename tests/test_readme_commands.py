"""What we print must work: every `bcenter` command the README's «Командная строка» and `make demo`'s hints
suggest runs on a freshly built demo town (its history ending last month, as `make demo` builds it) and finds
something — exit code 0, something printed, never «Ничего не найдено»."""
from __future__ import annotations

import re
import shlex
from datetime import date
from pathlib import Path

import pytest

from bcenter.cli import main
from bcenter.core.period import Period

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
LAST_MONTH = str(Period.of(date.today()) - 1)


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Командная строка", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith(".venv/bin/bcenter")]


def makefile_hints() -> list[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r'@echo ".*?(\$\(BIN\)/bcenter[^"#]*)', text)]


def _args(line: str, workdir: Path) -> list[str]:
    line = (line.replace("$(date +%F)", date.today().isoformat()).replace("$P", LAST_MONTH)
            .replace("$(LAST_MONTH)", LAST_MONTH).replace("$PWD", str(workdir)))
    return shlex.split(line, comments=True)[1:]


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("readme")
    url = f"sqlite:///{workdir / 'var' / 'demo.db'}"
    assert main(["--db", url, "demo", "--accounts", "300", "--until", LAST_MONTH, "--ledger"]) == 0
    return workdir, url


def test_the_readme_and_make_demo_suggest_commands():
    assert len(readme_commands()) >= 10 and len(makefile_hints()) >= 5


def _makes_what_it_reads(line: str, workdir: Path) -> None:
    """A command reading a file an earlier suggested command writes (``import var/town.json`` after ``export``) runs
    after that one: each line is its own test, and the tests of one README may run in different worker processes."""
    lines = readme_commands() + makefile_hints()
    for token in _args(line, workdir):
        if "/" in token and "." in token.rsplit("/", 1)[-1] and not (workdir / token).exists():
            for earlier in lines[:lines.index(line)]:
                if token in _args(earlier, workdir):
                    assert main(_args(earlier, workdir)) == 0, earlier
                    break


@pytest.mark.parametrize("line", readme_commands() + makefile_hints())
def test_a_suggested_command_works_on_the_demo_town(line, town, capsys, monkeypatch):
    workdir, url = town
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("BCENTER_DB", url)
    _makes_what_it_reads(line, workdir)
    args = _args(line, workdir)
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, f"{line}\n{err}"
    assert out.strip() and "Ничего не найдено" not in out
    if "storno" in args:  # the README calculates the month again right after (its next line): so do we, before the
        assert main(["calc", "--period", LAST_MONTH]) == 0  # town's next test, in this worker, prints its bills
