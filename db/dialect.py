"""What differs between the two databases bcenter runs on (SQLite, PostgreSQL), in one place.

Portable SQL lives in ``db/`` (ARCHITECTURE.md §4); raw statements ask here for the driver's placeholder and the
driver's fastest batch insert.
"""
from __future__ import annotations

import re
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


def integrity_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a constraint of the database raises, through peewee or straight from a driver
    (``raw_insert``): sqlite3's, psycopg2's (when installed) and peewee's."""
    types: list[type[BaseException]] = [sqlite3.IntegrityError, pw.IntegrityError]
    try:
        import psycopg2
    except ImportError:  # pragma: no cover — PostgreSQL's driver is an optional dependency
        pass
    else:
        types.append(psycopg2.IntegrityError)
    return tuple(types)


_CONSTRAINT_FORMS = (
    # (pattern, kind) — SQLite's and PostgreSQL's wording of the same refusals
    (re.compile(r"UNIQUE constraint failed: (?P<columns>.+)"), "unique"),
    (re.compile(r'duplicate key value violates unique constraint "(?P<name>[^"]+)"'
                r'(?:.*?Key \((?P<columns>[^)]*)\))?', re.S), "unique"),
    (re.compile(r"FOREIGN KEY constraint failed"), "foreign"),
    (re.compile(r'violates foreign key constraint "(?P<name>[^"]+)"'), "foreign"),
    (re.compile(r"NOT NULL constraint failed: (?P<columns>.+)"), "not_null"),
    (re.compile(r'null value in column "(?P<columns>[^"]+)"'), "not_null"),
    (re.compile(r"CHECK constraint failed: (?P<name>.+)"), "check"),
    (re.compile(r'violates check constraint "(?P<name>[^"]+)"'), "check"),
)


def constraint_refusal(exc: BaseException) -> str:
    """What a constraint of the database refused, in words for people (the import's last line of defence: a rule
    its checks do not mirror names its columns or its constraint rather than ending in a traceback)."""
    text = str(exc).strip()
    for pattern, kind in _CONSTRAINT_FORMS:
        found = pattern.search(text)
        if found is None:
            continue
        parts = found.groupdict()
        columns = ", ".join(c.strip().rpartition(".")[2] for c in (parts.get("columns") or "").split(",") if c.strip())
        name = parts.get("name")
        if kind == "unique":
            what = f"такое значение полей ({columns})" if columns else "такое значение"
            return f"{what} уже есть" + (f" (ограничение {name})" if name else "")
        if kind == "foreign":
            return "ссылается на запись, которой нет" + (f" (ограничение {name})" if name else "")
        if kind == "not_null":
            return f"не заполнено поле {columns}"
        return f"нарушено условие {name}"
    return f"ограничение базы данных: {text.splitlines()[0] if text else type(exc).__name__}"
