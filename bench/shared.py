"""What the benchmarks share: the demo town they measure, built once per size.

``.bench/town-<accounts>.db`` — ``demo --ledger``: every month of the history calculated and closed, the last one
calculated and open (bills.py prints from it, close.py copies it, storage.py measures it).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def table_counts(db: Path, tables: tuple[str, ...]) -> dict[str, int]:
    """Rows of each table of an SQLite file (what a run wrote is the difference of two counts)."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def timed_inserts(conn, batches: list[tuple[str, list[tuple]]]) -> float:
    """Seconds to ``executemany`` each (sql, rows) of ``batches`` in one transaction of an SQLite connection
    (``isolation_level=None``) — the raw limit the benches compare with; rolled back after, so nothing stays."""
    started = time.perf_counter()
    conn.execute("BEGIN")
    for sql, rows in batches:
        conn.executemany(sql, rows)
    conn.execute("ROLLBACK")  # measured, then undone
    return time.perf_counter() - started


def shared_town(folder: Path, accounts: int, until: str, rebuild: bool = False) -> Path:
    """The town's file, built when missing (or when ``rebuild``)."""
    path = folder / f"town-{accounts}.db"
    if rebuild:
        for suffix in ("", "-wal", "-shm", "-ledger.lock"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        print(f"building the town: {accounts} accounts, history up to {until} (demo --ledger) …", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bcenter.cli", "--db", f"sqlite:///{path}", "demo", "--accounts",
                        str(accounts), "--until", until, "--ledger"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"  built in {time.perf_counter() - started:.0f} s")
    return path


def town_arguments(description: str, *, repeat: bool = False,
                   extra: Callable[[argparse.ArgumentParser], None] | None = None) -> argparse.Namespace:
    """The options of a bench that measures the shared town: --accounts, --until, --dir, --rebuild (the folder made);
    with ``repeat``, --repeat N: each figure the best of N runs; ``extra`` adds a bench's own."""
    parser = argparse.ArgumentParser(description=description)
    if repeat:
        parser.add_argument("--repeat", type=int, default=2, help="each figure the best of this many runs")
    if extra is not None:
        extra(parser)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--until", default="2026-10")
    parser.add_argument("--dir", type=Path, default=ROOT / ".bench")
    parser.add_argument("--rebuild", action="store_true", help="build the town again")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    return args


def copy_to_postgres(source: Path, base_url: str) -> tuple[str, Callable[[], None]]:
    """Every row of the SQLite file ``source`` in a new schema of the PostgreSQL at ``base_url``
    (``db.transfer.copy_sqlite_to_postgres``). Returns the schema's URL and a function that drops the schema."""
    import uuid

    import psycopg2

    from db.connection import make_database
    from db.transfer import copy_sqlite_to_postgres

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(base_url.split("?")[0])
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{base_url}{'&' if '?' in base_url else '?'}schema={schema}"

    def drop() -> None:
        with admin.cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()

    db = make_database(url)
    db.connect()
    copy_sqlite_to_postgres(source, db)
    db.close()
    return url, drop
