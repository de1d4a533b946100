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


def town_arguments(description: str) -> argparse.Namespace:
    """The options of a bench that measures the shared town: --accounts, --until, --dir, --rebuild (the folder made)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--until", default="2026-10")
    parser.add_argument("--dir", type=Path, default=ROOT / ".bench")
    parser.add_argument("--rebuild", action="store_true", help="build the town again")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    return args


def copy_to_postgres(source: Path, base_url: str) -> tuple[str, Callable[[], None]]:
    """Every row of the SQLite file ``source`` in a new schema of the PostgreSQL at ``base_url``, migrated by
    bcenter: keys from their 16 bytes to ``uuid``, booleans from 0/1, the sequences moved past the copied rows.
    Returns the schema's URL and a function that drops the schema."""
    import sqlite3
    import uuid

    import psycopg2
    from psycopg2.extras import execute_values

    from db.connection import make_database
    from db.migrations import migrate

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
    migrate(db)
    src = sqlite3.connect(source)
    tables = [name for (name,) in src.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE "
        "'account_search%' AND name <> 'schema_migration' ORDER BY rowid")] + ["account_search"]
    with db.atomic():
        db.execute_sql("SET LOCAL session_replication_role = replica")  # foreign keys: the copy is whole
        for table in tables:
            types = {name: kind for name, kind, generated in db.execute_sql(
                "SELECT column_name, data_type, is_generated FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s", (table,)) if generated == "NEVER"}
            cursor = src.execute(f'SELECT * FROM "{table}"')
            names = [d[0] for d in cursor.description]
            keep = [(i, types[n]) for i, n in enumerate(names) if n in types]

            def value(v, kind):
                if v is None:
                    return None
                if kind == "uuid" and isinstance(v, bytes):
                    return str(uuid.UUID(bytes=v))
                if kind == "boolean":
                    return bool(v)
                return v

            columns = ", ".join(f'"{names[i]}"' for i, _ in keep)
            while rows := cursor.fetchmany(20000):
                with db.cursor() as cur:
                    execute_values(cur, f'INSERT INTO "{table}" ({columns}) VALUES %s',
                                   [tuple(value(row[i], kind) for i, kind in keep) for row in rows], page_size=5000)
        for table, column in db.execute_sql(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND column_default LIKE 'nextval%%'").fetchall():
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                           f"COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)")
    db.close()
    src.close()
    return url, drop
