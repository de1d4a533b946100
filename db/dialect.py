"""What differs between the two databases bcenter runs on (SQLite, PostgreSQL), in one place.

Portable SQL lives in ``db/`` (ARCHITECTURE.md §4); raw statements ask here for the driver's placeholder and the
driver's fastest batch insert.
"""
from __future__ import annotations

import sqlite3
import uuid
from datetime import date
from typing import Any, Iterable, Sequence

import peewee as pw

# Keys (ARCHITECTURE.md §2, Identity): a UUIDv7 is the canonical 36-character string in Python and 16 bytes in the
# database — a BLOB on SQLite (declared type UUID, schema step 8), native ``uuid`` on PostgreSQL. A key is bound as a
# ``uuid.UUID`` (``db_id``); the drivers adapt it (sqlite3: its 16 bytes; psycopg2: a ``uuid`` literal). Reading,
# SQLite converts a column declared UUID back to the string (``db.connection``); psycopg2 returns ``uuid`` as text.
sqlite3.register_adapter(uuid.UUID, lambda u: u.bytes)


def db_id(value: str | uuid.UUID | None) -> uuid.UUID | None:
    """A key to bind in raw SQL (``WHERE id = ?``) on either database: a text id compared with a 16-byte key
    matches nothing on SQLite, so every id bound in raw SQL goes through here."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(value)


def db_ids(values: Iterable[str | uuid.UUID | None]) -> tuple:
    """Keys to bind for an ``IN (…)`` list."""
    return tuple(db_id(v) for v in values)


def id_to_storage(db: pw.Database):
    """The fastest conversion of a text id to what the database stores, for bulk inserts: 16 bytes on SQLite,
    the text itself on PostgreSQL (its driver casts text to ``uuid``)."""
    if is_postgres(db):
        return _same
    return _blob


def _same(value):
    return value


def _blob(value):
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, uuid.UUID):
        return value.bytes
    return bytes.fromhex(value.replace("-", ""))


def db_date(value) -> date | None:
    """A date read by raw SQL as a ``date``: SQLite gives the stored text («2026-10-15», a timestamp's first ten
    characters), PostgreSQL a ``date`` already; None stays None."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def is_postgres(db: pw.Database) -> bool:
    return isinstance(db, pw.PostgresqlDatabase)


def register_postgres_adapters() -> None:
    """psycopg2 binds a ``uuid.UUID`` as a ``uuid`` literal (reads stay text: no type caster is registered)."""
    from psycopg2.extensions import register_adapter
    from psycopg2.extras import UUID_adapter

    register_adapter(uuid.UUID, UUID_adapter)


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
