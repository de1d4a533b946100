"""The unit of work: one transaction that writes the domain change, its outbox rows and its audit record.

Every writer of domain tables uses it (ARCHITECTURE.md §4): the registry import, the demo town, the month
run, the cash desk. Peewee's own write paths on domain models refuse to run outside a unit of work
(`db.models.base`), and the bulk path here writes an outbox row for every batch it inserts — so a domain
write without an outbox record cannot happen.

Bulk inserts go straight to the driver (`executemany` on SQLite, `execute_values` on PostgreSQL) with
values already in their storage form (ISO dates, canonical decimal text, integer kopecks).
"""
from __future__ import annotations

import contextvars
import getpass
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Sequence

import peewee as pw

from bcenter.core.ids import uuid7
from db.connection import database, is_postgres

_current: contextvars.ContextVar["UnitOfWork | None"] = contextvars.ContextVar("bcenter_uow", default=None)


def current_unit_of_work() -> "UnitOfWork | None":
    return _current.get()


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # pragma: no cover - no user database in some containers
        return "cli"


def insert_sql(db: pw.Database, table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    if is_postgres(db):
        return f'INSERT INTO "{table}" ({cols}) VALUES %s'
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'


def raw_insert(db: pw.Database, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert rows with the driver's fastest batch call (no outbox: callers are the unit of work and benches)."""
    if not rows:
        return
    sql = insert_sql(db, table, columns)
    if is_postgres(db):
        from psycopg2.extras import execute_values

        with db.cursor() as cursor:
            execute_values(cursor, sql, rows, page_size=2000)
    else:
        db.connection().executemany(sql, rows)


class UnitOfWork:
    """``with UnitOfWork(action="import", actor=...) as uow:`` — commit on success, roll back on error."""

    def __init__(self, *, action: str, actor: str | None = None, site_id: str | None = None,
                 details: dict | None = None, db: pw.Database | None = None):
        self.action = action
        self.actor = actor or default_actor()
        self.site_id = site_id
        self.details = dict(details or {})
        self.db = db
        self.id = uuid7()
        self.counts: Counter[str] = Counter()
        self._tx = None
        self._token = None
        self._outbox: list[tuple] = []

    # --- context ------------------------------------------------------------------------------
    def __enter__(self) -> "UnitOfWork":
        if _current.get() is not None:
            raise RuntimeError("UnitOfWork cannot be nested: pass the open unit of work down instead")
        self.db = self.db or database.obj
        if self.db is None:
            raise RuntimeError("database is not open")
        if self.site_id is None:
            self.site_id = local_site_id(self.db)
        self._tx = self.db.atomic()
        self._tx.__enter__()
        self._token = _current.set(self)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                self._flush_outbox()
                self._write_audit_summary()
        except BaseException:
            _current.reset(self._token)
            self._tx.__exit__(*__import__("sys").exc_info())
            raise
        _current.reset(self._token)
        return bool(self._tx.__exit__(exc_type, exc, tb))

    # --- writes -------------------------------------------------------------------------------
    def insert_rows(self, model: type[pw.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert rows (first column ``id``) in one batch call and record them in the outbox."""
        self._check_open()
        if not rows:
            return 0
        if columns[0] != "id":
            raise ValueError("the first column of a bulk insert must be id")
        table = model._meta.table_name
        raw_insert(self.db, table, columns, rows)
        self._record(table, "insert", [r[0] for r in rows], None)
        self.counts[table] += len(rows)
        return len(rows)

    def insert(self, model: type[pw.Model], **values: Any) -> str:
        """Insert one row through peewee (its field conversions apply); returns its id."""
        self._check_open()
        values.setdefault("id", uuid7())
        model.insert(**values).execute()
        table = model._meta.table_name
        self._record(table, "insert", [values["id"]], None)
        self.counts[table] += 1
        return values["id"]

    def update(self, model: type[pw.Model], row_id: str, **changes: Any) -> None:
        """Edit master data fields of one row; outbox gets the changed fields, audit gets before/after."""
        self._check_open()
        row = model.get_by_id(row_id)
        before = {k: _plain(getattr(row, k)) for k in changes}
        model.update(**changes).where(model._meta.primary_key == row_id).execute()
        after = {k: _plain(v) for k, v in changes.items()}
        table = model._meta.table_name
        self._record(table, "update", [row_id], after)
        self.counts[table] += 1
        from db.models.system import AuditLog

        AuditLog.insert(id=uuid7(), unit_id=self.id, at=utc_now_iso(), actor=self.actor, site_id=self.site_id,
                        action=f"{self.action}:update", table_name=table, row_id=row_id,
                        before=before, after=after).execute()

    def delete_rows(self, model: type[pw.Model], row_ids: Sequence[str]) -> int:
        """Remove master-data rows (e.g. a service link replaced by a re-import); audit keeps what they held.

        Facts are never deleted (storno instead); this is for links and attributes of master data only.
        """
        self._check_open()
        if not row_ids:
            return 0
        table = model._meta.table_name
        from db.models.system import AuditLog

        for row in model.select().where(model._meta.primary_key.in_(list(row_ids))).dicts():
            AuditLog.insert(id=uuid7(), unit_id=self.id, at=utc_now_iso(), actor=self.actor, site_id=self.site_id,
                            action=f"{self.action}:delete", table_name=table, row_id=str(row["id"]),
                            before={k: _plain(v) for k, v in row.items()}, after=None).execute()
        count = model.delete().where(model._meta.primary_key.in_(list(row_ids))).execute()
        self._record(table, "delete", list(row_ids), None)
        self.counts[table] += count
        return count

    def note(self, **details: Any) -> None:
        """Add details (file name, counts) to the audit summary of this unit."""
        self.details.update(details)

    # --- internals ----------------------------------------------------------------------------
    def _check_open(self) -> None:
        if _current.get() is not self:
            raise RuntimeError("this unit of work is not open")

    def _record(self, table: str, op: str, row_ids: list, changes: dict | None) -> None:
        import json

        self._outbox.append((uuid7(), self.id, table, op, json.dumps(row_ids),
                             None if changes is None else json.dumps(changes, ensure_ascii=False, sort_keys=True),
                             self.site_id, utc_now_iso()))
        if len(self._outbox) >= 500:
            self._flush_outbox()

    def _flush_outbox(self) -> None:
        if self._outbox:
            raw_insert(self.db, "outbox",
                       ("id", "unit_id", "table_name", "op", "row_ids", "changes", "site_id", "created_at"),
                       self._outbox)
            self._outbox = []

    def _write_audit_summary(self) -> None:
        if not self.counts:
            return
        from db.models.system import AuditLog

        AuditLog.insert(id=uuid7(), unit_id=self.id, at=utc_now_iso(), actor=self.actor, site_id=self.site_id,
                        action=self.action, summary={"rows": dict(self.counts), **self.details}).execute()


def _plain(value: Any) -> Any:
    from datetime import date
    from decimal import Decimal

    if isinstance(value, Decimal):
        from bcenter.core.quantity import canonical

        return canonical(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, pw.Model):
        return value.get_id()
    return value


def local_site_id(db: pw.Database) -> str | None:
    """This database's own site id (set by ``bcenter init``), or None before init."""
    try:
        cursor = db.execute_sql("SELECT value FROM local_setting WHERE key = 'site_id'")
        row = cursor.fetchone()
    except Exception:
        return None
    return row[0] if row else None

