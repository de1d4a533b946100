"""What differs between the two databases bcenter runs on (SQLite, PostgreSQL), in one place.

Portable SQL lives in ``db/`` (ARCHITECTURE.md §4); raw statements ask here for the driver's placeholder and the
driver's fastest batch insert.
"""
from __future__ import annotations

from typing import Any, Sequence

import peewee as pw


def is_postgres(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def param_mark(db: pw.Database) -> str:
    """The driver's placeholder in raw SQL: ``%s`` for psycopg2, ``?`` for sqlite3."""
    return "%s" if is_postgres(db) else "?"


def marks(db: pw.Database, n: int) -> str:
    """``?, ?, ?`` (or ``%s, …``) for an ``IN (…)`` list of ``n`` values."""
    return ", ".join([param_mark(db)] * n)


def insert_sql(db: pw.Database, table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    if is_postgres(db):
        return f'INSERT INTO "{table}" ({cols}) VALUES %s'
    return f'INSERT INTO "{table}" ({cols}) VALUES ({marks(db, len(columns))})'


def raw_insert(db: pw.Database, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows with the driver's fastest batch call (no outbox: the callers are the unit of work, derived
    tables such as the search index, and benches)."""
    if not rows:
        return
    sql = insert_sql(db, table, columns)
    if is_postgres(db):
        from psycopg2.extras import execute_values

        with db.cursor() as cursor:
            execute_values(cursor, sql, rows, page_size=2000)
    else:
        db.connection().executemany(sql, rows)
