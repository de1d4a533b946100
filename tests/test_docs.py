"""Docs are tested (as in sqlite-utils): every `bcenter` command and option appears in docs/cli.md, and the
README's two quick-start commands are what .ci/run and the Makefile provide."""
from __future__ import annotations

import re
from pathlib import Path

import click

from bcenter.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_command_and_option_is_documented():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = []
    commands = {}
    for name, command in cli.commands.items():
        commands[name] = command
        if isinstance(command, click.Group):  # `bcenter payments import` …: each subcommand and its options
            commands.update({f"{name} {sub}": c for sub, c in command.commands.items()})
    for name, command in commands.items():
        if f"bcenter {name}" not in text:
            missing.append(f"command {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    if opt.startswith("--") and opt != "--help" and opt not in text:
                        missing.append(f"{name} {opt}")
    for param in cli.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in text:
                missing.append(f"bcenter {opt}")
    assert missing == []


def test_readme_gives_the_two_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make demo\b", readme, re.M) and re.search(r"^make test\b", readme, re.M)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_cli_help_everywhere(capsys):
    from bcenter.cli import main

    assert main(["--help"]) == 0
    for name in cli.commands:
        assert main([name, "--help"]) == 0
    assert "bcenter" in capsys.readouterr().out
