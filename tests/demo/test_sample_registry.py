"""The demo writes a day's bank registry beside its database, in the `sber` layout: it loads as a newcomer is told
(thirty payments and one line to the suspense queue), and a second load is refused."""
from __future__ import annotations

from bcenter.app import App
from bcenter.cli import main


def test_the_demo_registry_loads_and_shows_the_suspense_queue(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'var' / 'demo.db'}"
    assert main(["--db", url, "demo", "--accounts", "60", "--until", "2026-10"]) == 0
    out = capsys.readouterr().out
    path = tmp_path / "var" / "demo-sber.txt"
    assert path.exists() and f"bcenter payments import {path} --profile sber" in out
    assert main(["--db", url, "payments", "import", str(path), "--profile", "sber"]) == 0
    assert "платежей на лицевые счета: 30" in capsys.readouterr().out
    with App.open(url) as app:
        (waiting,) = app.payments.suspense()
        assert waiting.account_number == "9000000001" and waiting.line_no == 31
    assert main(["--db", url, "payments", "import", str(path), "--profile", "sber"]) == 1
    assert "уже загружен" in capsys.readouterr().err
