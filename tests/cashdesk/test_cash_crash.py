"""Issue 14's acceptance: the cash process is killed between sending the sale and receiving the register's answer;
restarted, its journal reconciles with the register — one payment, one fiscal document, one receipt.

The register and the printer are simulators behind TCP sockets in this process (``socket://``); ``bcenter cash`` runs
as a separate process. The register, on closing the receipt, takes the sale, tells the test (an event: no sleeping),
and holds its answer; the test kills the process there (SIGKILL — nothing runs after it)."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading

import pytest

from drivers.sim.escpos_printer import EscposModel
from drivers.sim.hosts import SocketHost
from drivers.sim.shtrih_kkt import ShtrihModel

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


class HoldingRegister(ShtrihModel):
    """Sells, then goes silent before its answer leaves — the moment the test kills the cash process."""

    def __init__(self) -> None:
        super().__init__()
        self.sold = threading.Event()

    def _execute(self, message: bytes) -> bytes:
        answer = super()._execute(message)
        if message[:2] == b"\xff\x45" and answer[2] == 0:
            self.lose_answers = 1
            self.silent = True
            self.sold.set()
        return answer


def _cli(url: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "BCENTER_LOCK_WAIT": "30"}
    return subprocess.Popen([sys.executable, "-m", "bcenter.cli", "--db", url, "cash", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def _run(url: str, *args: str) -> str:
    proc = _cli(url, *args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def test_killed_between_the_sale_and_its_answer_the_journal_reconciles(cash_town_file, tmp_path):
    path = tmp_path / "town.db"
    shutil.copy(cash_town_file, path)
    url = f"sqlite:///{path}"
    register, printer = HoldingRegister(), EscposModel()
    with SocketHost(register) as kkt, SocketHost(printer) as slip:
        devices = ("--register", kkt.url, "--printer", slip.url)
        _run(url, "open", "--cashier", "Иванова М. П.", *devices)
        proc = _cli(url, "pay", "--account", "1000010247", "--amount", "777.00", "--given", "1000",
                    "--key", "kiosk-crash-1", *devices)
        assert register.sold.wait(timeout=60), "the register never got the sale"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        assert [d.kind for d in register.documents] == [2, 3]  # sold, the answer never delivered

        register.silent = False  # the register is back; its held answer is still waiting
        status = json.loads(_run(url, "status", "--json", *devices))
        assert (status["pending"], status["payments"], status["cash"]) == (0, 1, "777.00")
        again = json.loads(_run(url, "pay", "--account", "1000010247", "--amount", "777.00", "--given", "1000",
                                "--key", "kiosk-crash-1", "--json", *devices))
        assert again["repeated"] and again["fiscal_document"] == register.documents[1].number

    assert [d.kind for d in register.documents] == [2, 3]  # one fiscal document
    slips = [line for line in printer.lines() if line.startswith("КВИТАНЦИЯ")]
    assert slips == ["КВИТАНЦИЯ № S01-1-1"]  # one receipt, printed after the reconciliation
    import sqlite3

    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT amount, channel FROM payment WHERE shift_id IS NOT NULL").fetchall()
        states = conn.execute("SELECT state, fiscal_document FROM cash_operation").fetchall()
    assert rows == [(77700, "cash")]  # one payment
    assert states == [("done", register.documents[1].number)]
