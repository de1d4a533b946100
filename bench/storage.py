"""Benchmark: what the demo town costs on disk — bytes per account-month, and which tables and indexes hold them.

    .venv/bin/python bench/storage.py                       # build a 2 000-account town (demo --ledger), measure
    .venv/bin/python bench/storage.py --db var/demo.db      # measure an existing SQLite database

The figure issue 11 aims at is ≤ 4 KB per account-month (measured 2026-12 on the landed code: 22 KB — charge lines
carry text UUIDs and their derivation JSON, balance snapshots and their indexes, the outbox). SQLite's ``dbstat``
table gives the pages of every table and index; the account-months are the accounts × the months that have charges.
"""
from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build(path: Path, accounts: int, until: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bcenter.cli", "--db", f"sqlite:///{path}", "demo", "--accounts",
                    str(accounts), "--until", until, "--ledger"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    print(f"built {accounts} accounts to {until} in {time.perf_counter() - started:.0f} s")


def measure(path: Path, top: int) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
        accounts = conn.execute("SELECT COUNT(*) FROM account").fetchone()[0]
        line_columns = {r[1] for r in conn.execute('PRAGMA table_info("charge_line")')}
        months = conn.execute(  # a line's period is its entry's since schema step 12
            "SELECT COUNT(DISTINCT period) FROM charge_line" if "period" in line_columns else
            "SELECT COUNT(DISTINCT e.period) FROM journal_entry e WHERE EXISTS "
            "(SELECT 1 FROM charge_line c WHERE c.entry_id = e.id)").fetchone()[0]
        lines = conn.execute("SELECT COUNT(*) FROM charge_line").fetchone()[0]
    finally:
        conn.close()
    total = sum(size for _, size in sizes)
    account_months = max(1, accounts * months)
    print(f"{path}: {total / 1e6:.1f} MB, {accounts} accounts × {months} months, {lines} charge lines")
    print(f"bytes per account-month: {total / account_months:,.0f} (target ≤ 4 096)".replace(",", " "))
    print(f"bytes per charge line (all tables): {total / max(1, lines):,.0f}".replace(",", " "))
    print(f"\n{'table or index':<48} {'MB':>8} {'B/acc-month':>12} {'share':>6}")
    for name, size in sizes[:top]:
        print(f"{name:<48} {size / 1e6:8.1f} {size / account_months:12.0f} {size / total:6.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing SQLite database to measure")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--until", default="2026-10")
    parser.add_argument("--top", type=int, default=20, help="how many tables and indexes to list")
    args = parser.parse_args()
    if args.db:
        measure(args.db, args.top)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "town.db"
        build(path, args.accounts, args.until)
        measure(path, args.top)


if __name__ == "__main__":
    main()
