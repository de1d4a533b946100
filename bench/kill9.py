"""A kill -9 campaign: start a job, kill it at a random moment, and check it left all or nothing — then rerun it and
check the result equals an uninterrupted run's. For a maintainer after touching a writer (not run by CI).

    .venv/bin/python bench/kill9.py                 # every job, 6 kills each, a 300-account town
    .venv/bin/python bench/kill9.py --jobs calc close --kills 20 --accounts 1000

Jobs: import (a whole town document into an empty database), calc (a month), close (a month), bills (one PDF of a
month), restore (a backup over a database). What «all or nothing» means for each:
* import, close, restore — the database's content is exactly as before or exactly as after an uninterrupted run;
* calc — each house's lines are all there or none (a batch of houses is one transaction), and a rerun gives the
  uninterrupted run's ledger;
* bills — the PDF is absent or whole (the uninterrupted run's pages), and a rerun leaves no hidden work folder.
Prints one line per kill and a summary; exits 1 if any kill broke the promise.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNTIL, MONTH = "2025-10", "2025-09"
BOOKKEEPING = {"calc_run", "job_lock", "sqlite_sequence"}


def bcenter(db: Path, *args: str, wait: bool = True) -> subprocess.Popen | int:
    proc = subprocess.Popen([sys.executable, "-m", "bcenter.cli", "--db", f"sqlite:///{db}", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    if not wait:
        return proc
    _, err = proc.communicate()
    if "Traceback" in err:
        raise SystemExit(f"bcenter {' '.join(args)}: traceback\n{err}")
    return proc.returncode


def content(db: Path, tables: tuple[str, ...] | None = None) -> str:
    """A digest of the rows of ``tables`` (default: all but bookkeeping), ids left out of nothing."""
    conn = sqlite3.connect(db)
    try:
        names = tables or tuple(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") if r[0] not in BOOKKEEPING
            and not r[0].startswith("account_search"))
        digest = hashlib.sha256()
        for name in names:
            digest.update(name.encode())
            for row in sorted(map(repr, conn.execute(f'SELECT * FROM "{name}"').fetchall())):
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        conn.close()


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for (t,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'") if t not in BOOKKEEPING}
    finally:
        conn.close()


def exported(db: Path, work: Path) -> str:
    """The database as an exchange document (its content without bcenter's own ids and timestamps)."""
    target = work / "state.json"
    assert bcenter(db, "export", str(target)) == 0
    return hashlib.sha256(target.read_bytes()).hexdigest()


def money(db: Path) -> list:
    """What closing writes, as a person reads it: periods and their states, balances, penalties posted."""
    conn = sqlite3.connect(db)
    try:
        return [sorted(conn.execute('SELECT period, state FROM billing_period')),
                sorted(balances(conn)),
                sorted(conn.execute('SELECT a.number, x.advance, x.last_paid_on FROM account_snapshot x '
                                    'JOIN account a ON a.id = x.account_id')),
                sorted(conn.execute('SELECT ledger_account, period, amount FROM posting'))]
    finally:
        conn.close()


def balances(conn: sqlite3.Connection) -> list:
    """The closed periods' balances (packed a row per account and period, ``db.snapshots``)."""
    sys.path.insert(0, str(ROOT))
    from db.snapshots import unpack

    number = dict(conn.execute("SELECT id, number FROM account"))
    service = dict(conn.execute("SELECT k.id, s.ext_id FROM balance_key k JOIN service s ON s.id = k.service_id"))
    return [(number[account], service[key], period, *money)
            for period, account, data in conn.execute("SELECT period, account_id, data FROM balance_snapshot")
            for key, money in unpack(data)]


def ledger(db: Path) -> list:
    """The ledger as a person reads it (no ids, no timestamps)."""
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute(
            'SELECT a.number, s.ext_id, e.period, c.kind, c.method, c.volume, c.amount, e.corrects_period, e.reason '
            'FROM charge_line c JOIN journal_entry e ON e.id = c.entry_id JOIN account a ON a.id = e.account_id JOIN service s ON s.id = c.service_id'))
    finally:
        conn.close()


def houses_whole(db: Path, reference: list) -> bool:
    """Every house's lines all there or none, compared with the uninterrupted run's."""
    conn = sqlite3.connect(db)
    try:
        house = dict(conn.execute('SELECT number, house_id FROM account_house'))
    finally:
        conn.close()
    by_house: dict[str, set] = {}
    for row in reference:
        by_house.setdefault(house[row[0]], set()).add(row)
    got: dict[str, set] = {}
    for row in ledger(db):
        got.setdefault(house[row[0]], set()).add(row)
    return all(rows == by_house.get(h) for h, rows in got.items())


class Campaign:
    def __init__(self, work: Path, accounts: int, rng: random.Random):
        self.work, self.rng = work, rng
        self.town = work / "town.db"
        print(f"building a {accounts}-account town …", flush=True)
        assert bcenter(self.town, "demo", "--accounts", str(accounts), "--seed", "3", "--until", UNTIL) == 0
        self.document = work / "town.json"
        assert bcenter(self.town, "export", str(self.document)) == 0
        self.calculated = work / "calculated.db"
        shutil.copy(self.town, self.calculated)
        assert bcenter(self.calculated, "calc", "--period", MONTH) == 0
        self.failures = 0

    def copy(self, source: Path, name: str) -> Path:
        target = self.work / name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        assert bcenter(source, "backup", str(target)) == 0
        return target

    def timed(self, db: Path, *args: str) -> float:
        started = time.perf_counter()
        assert bcenter(db, *args) == 0, args
        return time.perf_counter() - started

    def kill(self, db: Path, args: tuple[str, ...], duration: float) -> None:
        proc = bcenter(db, *args, wait=False)
        time.sleep(self.rng.uniform(0.05, max(0.1, duration)))  # a moment during the job: the point of the campaign
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def report(self, job: str, n: int, ok: bool, what: str) -> None:
        self.failures += not ok
        print(f"  {job:<8} kill {n + 1:>2}: {'ok ' if ok else 'BROKEN'} {what}", flush=True)

    # --- the jobs --------------------------------------------------------------------------------------------
    def import_(self, kills: int) -> None:
        empty = self.work / "empty.db"
        assert bcenter(empty, "init") == 0
        done = self.copy(empty, "import-done.db")
        duration = self.timed(done, "import", str(self.document))
        before, after = counts(empty), (counts(done), exported(done, self.work))
        for n in range(kills):
            db = self.copy(empty, "import.db")
            self.kill(db, ("import", str(self.document)), duration)
            nothing = counts(db) == before
            ok = nothing or (counts(db), exported(db, self.work)) == after
            self.report("import", n, ok, "nothing" if nothing else "all")

    def calc(self, kills: int) -> None:
        done = self.copy(self.town, "calc-done.db")
        duration = self.timed(done, "calc", "--period", MONTH)
        reference = ledger(done)
        for n in range(kills):
            db = self.copy(self.town, "calc.db")
            self.kill(db, ("calc", "--period", MONTH), duration)
            whole = houses_whole(db, reference)
            assert bcenter(db, "calc", "--period", MONTH) == 0
            self.report("calc", n, whole and ledger(db) == reference, "whole houses; rerun identical")

    def close(self, kills: int) -> None:
        done = self.copy(self.calculated, "close-done.db")
        duration = self.timed(done, "close", "--period", MONTH)
        before, after = money(self.calculated), money(done)
        for n in range(kills):
            db = self.copy(self.calculated, "close.db")
            self.kill(db, ("close", "--period", MONTH), duration)
            state = money(db)
            rerun = state == after or bcenter(db, "close", "--period", MONTH) == 0
            self.report("close", n, state in (before, after) and rerun and money(db) == after,
                        "nothing" if state == before else "all")

    def bills(self, kills: int) -> None:
        out = self.work / "bills" / "month.pdf"
        args = ("bills", "--period", MONTH, "--out", str(out), "--workers", "1")
        duration = self.timed(self.calculated, *args)
        size = out.stat().st_size
        for n in range(kills):
            shutil.rmtree(out.parent)
            self.kill(self.calculated, args, duration)
            state = "none" if not out.exists() else ("whole" if out.stat().st_size == size else "PART")
            rerun = bcenter(self.calculated, *args) == 0 and out.stat().st_size == size
            hidden = list(out.parent.glob(".*"))  # a killed run's work folder is cleaned by the next
            self.report("bills", n, state != "PART" and rerun and not hidden, f"file {state}; rerun whole, nothing hidden")

    def restore(self, kills: int) -> None:
        backup = self.copy(self.calculated, "backup.db")
        done = self.copy(self.town, "restore-done.db")
        duration = self.timed(done, "restore", str(backup), "--yes")
        before, after = content(self.town), content(done)
        for n in range(kills):
            db = self.copy(self.town, "restore.db")
            self.kill(db, ("restore", str(backup), "--yes"), duration)
            state = content(db)
            self.report("restore", n, state in (before, after), "nothing" if state == before else "all")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", nargs="+", default=["import", "calc", "close", "bills", "restore"])
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        campaign = Campaign(Path(tmp), args.accounts, random.Random(args.seed))
        for job in args.jobs:
            getattr(campaign, "import_" if job == "import" else job)(args.kills)
        total = args.kills * len(args.jobs)
        print(f"\n{total - campaign.failures} of {total} kills left all or nothing and reran to the same result")
        return 1 if campaign.failures else 0


if __name__ == "__main__":
    sys.exit(main())
