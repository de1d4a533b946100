"""Benchmark: loading a bank's payment registry (issue 12) against a raw insert of the same rows.

Prints, for a ``sber`` registry of ``--lines`` payments (default 100 000) to the accounts of the demo town, one in a
hundred to an account that does not exist (the suspense queue):
* the load as shipped (``app.payments.import_registry``: the file read and checked, the footer reconciled, accounts
  matched, keys of earlier loads looked up, payments and suspense lines written with their outbox and audit in one
  transaction): lines/s and peak memory;
* the limit: ``executemany`` of as many rows of each table as the load wrote (copies of the rows it wrote, with new
  keys) into the same database, same run, one transaction;
* the ratio (target ≥ 0.25).

Usage: python bench/registry_import.py [--accounts 2000] [--lines 100000] [--dir .bench] [--rebuild]
The town is the shared one (``demo --ledger``, bench/shared.py).
"""
from __future__ import annotations

import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import shared_town, table_counts, timed_inserts, town_arguments  # noqa: E402  (bench/shared.py)

TABLES = ("payment", "suspense_payment")
DAY = date(2026, 12, 4)


def registry(path: Path, numbers: list[str], lines: int) -> int:
    """A ``sber`` registry of ``lines`` payments (every hundredth to an unknown account); returns its total."""
    rng = random.Random(7)
    rows, total, fee_total = [], 0, 0
    for n in range(1, lines + 1):
        account = f"9{n:09d}" if n % 100 == 0 else rng.choice(numbers)
        kop = rng.randrange(10_000, 900_000)
        fee = kop // 100
        total, fee_total = total + kop, fee_total + fee
        rows.append(f"{DAY:%d-%m-%Y};{n // 3600 % 24:02d}-{n // 60 % 60:02d}-{n % 60:02d};8607;0123;{n:09d};{account};"
                    f"ПЛАТЕЛЬЩИК {n};г. Демо;1126;{kop // 100}.{kop % 100:02d};{(kop - fee) // 100}."
                    f"{(kop - fee) % 100:02d};{fee // 100}.{fee % 100:02d}")
    money = lambda k: f"{k // 100}.{k % 100:02d}"  # noqa: E731
    rows.append(f"={lines};{money(total)};{money(total - fee_total)};{money(fee_total)};1;{DAY:%d-%m-%Y}")
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1251"))
    return total


def raw_limit(db: Path, written: dict[str, int]) -> float:
    """Seconds to executemany, in one transaction, as many rows of each table as the load wrote — copies of its
    rows with new keys and new unique texts — into the same database; rolled back after (bench/shared.py)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    batches = []
    for prefix, table in enumerate(TABLES):
        n = written[table]
        if not n:
            continue
        cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        unique = "ext_id" if table == "payment" else "line_key"
        sample = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid DESC LIMIT {n}').fetchall()
        key, other = cols.index("id"), cols.index(unique)
        rows = [tuple(((0xF0 + prefix) << 120 | j).to_bytes(16, "big") if i == key else
                      f"bench:{j}" if i == other else v for i, v in enumerate(sample[j % len(sample)]))
                for j in range(n)]
        batches.append((f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})', rows))
    elapsed = timed_inserts(conn, batches)
    conn.close()
    return elapsed


def main() -> None:
    args = town_arguments(__doc__.splitlines()[0], extra=lambda parser: parser.add_argument(
        "--lines", type=int, default=100_000, help="payments in the registry (default 100 000)"))
    town = shared_town(Path(args.dir), args.accounts, args.until, args.rebuild)
    from bcenter.app import App
    from bcenter.core.clock import FixedClock

    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        db = Path(work) / "registry.db"
        shutil.copy(town, db)
        conn = sqlite3.connect(db)
        numbers = [r[0] for r in conn.execute('SELECT number FROM "account"')]
        conn.close()
        path = Path(work) / "sber.txt"
        total = registry(path, numbers, args.lines)
        before = table_counts(db, TABLES)
        with App.open(f"sqlite:///{db}", clock=FixedClock(datetime(2026, 12, 5, 12, tzinfo=timezone.utc))) as app:
            started = time.perf_counter()
            result = app.payments.import_registry(path, profile="sber")
            elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        after = table_counts(db, TABLES)
        written = {t: after[t] - before[t] for t in TABLES}
        assert result.total == total and written["payment"] + written["suspense_payment"] == args.lines
        limit = raw_limit(db, written)
        size = path.stat().st_size
    print(f"registry of {args.lines} lines ({size / 2 ** 20:.1f} MB, {args.accounts} accounts): "
          f"{result.payments} payments, {result.suspense} to suspense")
    print(f"  bcenter payments import  {elapsed:8.2f} s  {args.lines / elapsed:9.0f} lines/s  peak RSS {peak:.0f} MB")
    print(f"  limit: executemany of the same rows  {limit:6.2f} s  {args.lines / limit:9.0f} rows/s")
    print(f"  ratio import / raw = {limit / elapsed:.2f} (issue 12: ≥ 0.25)")


if __name__ == "__main__":
    main()
