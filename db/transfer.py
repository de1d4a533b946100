"""Copying a SQLite database into PostgreSQL: every table's rows into a schema that bcenter's migrations made.

For an office that outgrows its laptop and moves to the settlement centre's server, for the benchmarks' PostgreSQL
legs (`bench/month.py --pg`), and for the migration tests (a database of an earlier release copied as that release
stored it, then migrated by today's code). Keys stored in 16 bytes become ``uuid``, booleans 0/1 become booleans;
foreign keys are not checked while copying (the source is whole, as a restore); the sequences are moved past the
copied rows; the tables are analysed after (the planner's statistics, as after any bulk load). All in one
transaction, a table at a time in batches: memory stays bounded.
"""
from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import peewee as pw

from db.migrations import migrate

__all__ = ["copy_sqlite_to_postgres", "require_empty"]

BATCH = 20_000


def require_empty(db: pw.Database, where: str) -> None:
    """Refuse a PostgreSQL database (its current schema) that holds any table: a copy goes into an empty one only,
    never over another database's data."""
    from bcenter.core.errors import ConfigError

    found = db.execute_sql("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                           "ORDER BY table_name LIMIT 3").fetchall()
    if found:
        raise ConfigError(f"База {where} не пуста (таблицы {', '.join(r[0] for r in found)}, …): база переносится "
                          "только в пустую базу PostgreSQL — создайте новую (createdb) и укажите её")


def copy_sqlite_to_postgres(source: Path, db: pw.Database, *, release: int | None = None) -> None:
    """Migrate the (empty) PostgreSQL database ``db`` to ``release`` (the latest when None) and copy every row of the
    SQLite file ``source`` into it."""
    from psycopg2.extras import execute_values

    migrate(db, target=release) if release is not None else migrate(db)
    src = sqlite3.connect(source)
    try:
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
                keep = [(i, types[n]) for i, n in enumerate(names) if n in types and types[n] != "xid8"]  # the
                # copying transaction's id instead (SQLite's 0 means «one writer»: sync/pull.py)
                columns = ", ".join(f'"{names[i]}"' for i, _ in keep)
                while rows := cursor.fetchmany(BATCH):
                    with db.cursor() as cur:
                        execute_values(cur, f'INSERT INTO "{table}" ({columns}) VALUES %s',
                                       [tuple(_value(row[i], kind) for i, kind in keep) for row in rows],
                                       page_size=5000)
            for table, column in db.execute_sql(  # serial and identity columns: their sequences go on
                    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND (column_default LIKE 'nextval%%' OR is_identity = 'YES')").fetchall():
                db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                               f"COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)")
        for table in tables:  # the planner's statistics of the copied rows (PostgreSQL: «run ANALYZE after a bulk
            db.execute_sql(f'ANALYZE "{table}"')  # load»); else the first hours plan from the empty tables
    finally:
        src.close()


def _value(value, kind: str):
    if value is None:
        return None
    if kind == "uuid" and isinstance(value, bytes):
        return str(uuid.UUID(bytes=value))
    if kind == "boolean":
        return bool(value)
    return value
