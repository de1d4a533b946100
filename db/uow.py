"""The unit of work: one transaction that writes the domain change, its outbox rows and its audit record.

Every writer of domain tables uses it (ARCHITECTURE.md §4): the registry import, the demo town, the month
run, the cash desk. Peewee's own write paths on domain models refuse to run (`db.models.base`); the unit writes
through its methods only, each recording what it wrote in the outbox — so a domain write without an outbox record
cannot happen. The unit owns its database: it never writes through the models' proxy.

Bulk inserts go straight to the driver (`executemany` on SQLite, `execute_values` on PostgreSQL) with
values already in their storage form (ISO dates, canonical decimal text, integer kopecks).
"""
from __future__ import annotations

import getpass
import json
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Sequence

import peewee as pw

from bcenter.core.access import masked
from bcenter.core.ids import uuid7
from bcenter.core.quantity import canonical
from db.context import bound, enter_unit, leave_unit
from db.dialect import id_to_storage, insert_sql, is_postgres, param_mark, raw_insert
from db.fields import IdField
from db.models.system import AuditLog
from db.packed_ids import pack_ids


PARENT_TABLES = frozenset({"journal_entry"})
"""Tables whose rows have parts recorded through them (``Meta.outbox_by`` of the parts' models)."""


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # pragma: no cover - no user database in some containers
        return "cli"


class UnitOfWork:
    """``with UnitOfWork(action="import", actor=..., db=db) as uow:`` — commit on success, roll back on error.

    The unit owns its database: every row it writes — domain, outbox, audit — goes to ``db`` and nowhere else,
    and while it is open the models of this context are bound to ``db`` too (``db.context``)."""

    def __init__(self, *, action: str, db: pw.Database, actor: str | None = None, site_id: str | None = None,
                 details: dict | None = None, outbox: bool = True):
        if db is None or isinstance(db, pw.DatabaseProxy):
            raise TypeError("UnitOfWork needs its own database (not the proxy)")
        self.action = action
        self.actor = actor or default_actor()
        self.site_id = site_id
        self.details = dict(details or {})
        self.db = db
        self.recording = outbox  # False: rows pulled from the server (sync.pull) — theirs, not to be pushed back
        self.hlc: str | None = None  # the unit's hybrid logical clock stamp (db.hlc), taken when first needed
        self.id = uuid7()
        self.counts: Counter[str] = Counter()
        self._tx = None
        self._token = None
        self._binding = None
        self._outbox: list[tuple] = []
        self._parents: dict[str, set[str]] = {}  # ids inserted into tables whose rows have parts (PARENT_TABLES)
        self._groups: dict[str, set[str]] = defaultdict(set)  # outbox_by values recorded, per table
        self._keys: dict = {}  # keys in storage form, converted once per unit (a close's entries, accounts, services)

    # --- context ------------------------------------------------------------------------------
    def __enter__(self) -> "UnitOfWork":
        self._token = enter_unit(self)
        try:
            if self.site_id is None:
                self.site_id = local_site_id(self.db)
            self._binding = bound(self.db)
            self._binding.__enter__()
            self._tx = self.db.atomic()
            self._tx.__enter__()
        except BaseException:
            if self._binding is not None:
                self._binding.__exit__(*sys.exc_info())
            leave_unit(self._token)
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            try:
                if exc_type is None:
                    self._flush_outbox()
                    self._write_audit_summary()
            except BaseException:
                self._tx.__exit__(*sys.exc_info())
                raise
            return bool(self._tx.__exit__(exc_type, exc, tb))
        finally:
            self._binding.__exit__(None, None, None)
            leave_unit(self._token)
            self._tx = self._binding = None

    # --- writes -------------------------------------------------------------------------------
    def insert_rows(self, model: type[pw.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert rows (first column ``id``) in one batch call and record them in the outbox — by their ids, or as
        the model's ``Meta.outbox_by`` says (ARCHITECTURE.md §4, «Outbox granularity» in docs/design.md):

        * a reference column (``entry_id``): the rows are parts of a parent this unit inserted (a journal entry's
          lines and postings); the parent's outbox row stands for them — sync ships the entry whole;
        * another column (``period``): one outbox row per value, «the rows of this table with period = P written
          by this unit» (the balance snapshots, written once by close)."""
        self._check_open()
        if not rows:
            return 0
        table = model._meta.table_name
        by = getattr(model._meta, "outbox_by", None)
        if by is None and columns[0] != "id":
            raise ValueError("the first column of a bulk insert must be id")
        if by is not None and by in key_columns(model):
            parents = self._parents.get(model._meta.columns[by].rel_model._meta.table_name, set())
            position = list(columns).index(by)
            orphans = {_key_text(v) for v in {r[position] for r in rows}} - parents  # an entry's lines: one key
            if orphans:
                raise ValueError(f"{table}: rows of {len(orphans)} {by} not inserted by this unit of work")
        if len(self._keys) > 1_000_000:  # a bound, not a cache of the town
            self._keys.clear()
        raw_insert(self.db, table, columns, _stored(self.db, model, columns, rows, self._keys))
        if by is None:
            self._record(table, "insert", [r[0] for r in rows], None)
        elif by not in key_columns(model):
            position = list(columns).index(by)
            for value in sorted({str(r[position]) for r in rows} - self._groups[table]):
                self._groups[table].add(value)
                self._record(table, "insert", [], {"where": {by: value}})
        if table in PARENT_TABLES:
            self._parents.setdefault(table, set()).update(str(r[0]) for r in rows)
        self.counts[table] += len(rows)
        return len(rows)

    def insert(self, model: type[pw.Model], **values: Any) -> str:
        """Insert one row through peewee (its field conversions apply); returns its id."""
        self._check_open()
        _keyed_by_id(model, "insert")
        values.setdefault("id", uuid7())
        model.unit_insert(**values).execute(self.db)
        table = model._meta.table_name
        self._record(table, "insert", [values["id"]], None)
        self.counts[table] += 1
        return values["id"]

    def update(self, model: type[pw.Model], row_id: str, **changes: Any) -> None:
        """Edit master data fields of one row; outbox gets the changed fields, audit gets before/after (personal
        fields — documents, СНИЛС, phones — masked there: the audit says they changed, not what they were)."""
        self._check_open()
        _keyed_by_id(model, "update")
        pk = model._meta.primary_key
        row = model.select().where(pk == row_id).get(self.db)
        before = {k: _plain(getattr(row, k)) for k in changes}
        model.unit_update(**changes).where(pk == row_id).execute(self.db)
        after = {k: _plain(v) for k, v in changes.items()}
        table = model._meta.table_name
        column = {k: model._meta.fields[k].column_name for k in changes}
        self._record(table, "update", [row_id], {"after": {column[k]: v for k, v in after.items()},
                                                  "before": {column[k]: v for k, v in before.items()}})  # sync merges
        self._stamp_fields(table, row_id, [model._meta.fields[k].column_name for k in changes])
        self.counts[table] += 1
        self._audit(f"{self.action}:update", table, row_id, before=masked(table, before), after=masked(table, after))

    def delete_rows(self, model: type[pw.Model], row_ids: Sequence[str]) -> int:
        """Remove master-data rows (e.g. a service link replaced by a re-import); audit keeps what they held.

        Facts are never deleted (storno instead); this is for links and attributes of master data only.
        """
        self._check_open()
        _keyed_by_id(model, "delete_rows")
        if not row_ids:
            return 0
        table = model._meta.table_name
        pk = model._meta.primary_key
        images = {}
        for row in model.select().where(pk.in_(list(row_ids))).dicts().execute(self.db):
            image = {k: _plain(v) for k, v in row.items()}
            images[str(row["id"])] = {model._meta.fields[k].column_name: v for k, v in image.items()}
            self._audit(f"{self.action}:delete", table, str(row["id"]), before=masked(table, image), after=None)
        count = model.unit_delete().where(pk.in_(list(row_ids))).execute(self.db)
        self._record(table, "delete", list(row_ids), {"before": images})  # a delete against an edit: sync.conflicts
        self.counts[table] += count
        return count

    def upsert_rows(self, model: type[pw.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
        """Insert rows keyed by id (first column), or overwrite every given column of those that exist — how a
        site takes the server's current master data (``sync.pull``, in a unit that records no outbox)."""
        self._check_open()
        _keyed_by_id(model, "upsert_rows")
        if not rows:
            return 0
        if columns[0] != "id":
            raise ValueError("the first column of an upsert must be id")
        table = model._meta.table_name
        sql = insert_sql(self.db, table, columns) + ' ON CONFLICT ("id") DO UPDATE SET ' + ", ".join(
            f'"{c}" = excluded."{c}"' for c in columns[1:])
        stored = _stored(self.db, model, columns, rows, self._keys)
        if is_postgres(self.db):
            from psycopg2.extras import execute_values

            with self.db.cursor() as cursor:
                execute_values(cursor, sql, stored, page_size=2000)
        else:
            self.db.connection().executemany(sql, stored)
        self._record(table, "update", [r[0] for r in rows], None)
        if table in PARENT_TABLES:
            self._parents.setdefault(table, set()).update(str(r[0]) for r in rows)
        self.counts[table] += len(rows)
        return len(rows)

    def touch(self, model: type[pw.Model], row_ids: Sequence[str]) -> None:
        """Record rows as changed without changing them: the sites that pull them get their current content (the
        server answering a site whose edit lost: the value kept travels back)."""
        self._check_open()
        _keyed_by_id(model, "touch")
        if row_ids:
            self._record(model._meta.table_name, "update", list(row_ids), {"touched": True})

    def clock(self) -> str:
        """The unit's hybrid logical clock stamp (``db.hlc``): taken once, when first needed."""
        if self.hlc is None:
            from db.hlc import tick

            self.hlc = tick(self.db)
        return self.hlc

    def _stamp_fields(self, table: str, row_id: str, columns: Sequence[str]) -> None:
        """When these fields were written, by the unit's clock (``sync_field_clock``: «newer wins» compares it)."""
        stamp = self.clock()
        m = param_mark(self.db)
        key = id_to_storage(self.db)(row_id)
        for column in columns:
            self.db.execute_sql(
                f'INSERT INTO "sync_field_clock" (table_name, row_id, field, hlc) VALUES ({m}, {m}, {m}, {m}) '
                f'ON CONFLICT (table_name, row_id, field) DO UPDATE SET hlc = excluded.hlc', (table, key, column, stamp))

    def viewed(self, table: str, row_ids: Sequence[str], **details: Any) -> None:
        """Record that the actor saw personal data of these rows (152-ФЗ ст. 19: who viewed what, when; issue 18) —
        an audit record only: nothing changed, nothing to sync. No ids: one record for the whole table (an export)."""
        self._check_open()
        for row_id in list(row_ids) or [None]:
            AuditLog.insert(id=uuid7(), unit_id=self.id, at=utc_now_iso(), actor=self.actor, site_id=self.site_id,
                            action=self.action, table_name=table, row_id=None if row_id is None else str(row_id),
                            summary={"viewed": True, **details}).execute(self.db)

    def note(self, **details: Any) -> None:
        """Add details (file name, counts) to the audit summary of this unit."""
        self.details.update(details)

    # --- internals ----------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._tx is None or self._binding is None:
            raise RuntimeError("this unit of work is not open")

    def _audit(self, action: str, table: str, row_id: str, *, before: dict | None, after: dict | None) -> None:
        AuditLog.insert(id=uuid7(), unit_id=self.id, at=utc_now_iso(), actor=self.actor, site_id=self.site_id,
                        action=action, table_name=table, row_id=row_id, before=before, after=after).execute(self.db)

    def _record(self, table: str, op: str, row_ids: list, changes: dict | None) -> None:
        if not self.recording:
            return
        self._outbox.append((uuid7(), self.id, table, op, pack_ids(row_ids),
                             None if changes is None else json.dumps(changes, ensure_ascii=False, sort_keys=True),
                             self.site_id, utc_now_iso()))
        if len(self._outbox) >= 500:
            self._flush_outbox()

    def _flush_outbox(self) -> None:
        if self._outbox:
            to_key = id_to_storage(self.db)
            stamp = self.clock()
            raw_insert(self.db, "outbox",
                       ("id", "unit_id", "table_name", "op", "packed_ids", "changes", "site_id", "created_at", "hlc"),
                       [(to_key(i), to_key(u), t, o, r, c, to_key(site), at, stamp)
                        for i, u, t, o, r, c, site, at in self._outbox])
            self._outbox = []

    def _write_audit_summary(self) -> None:
        if not self.counts:
            return
        AuditLog.insert(id=uuid7(), unit_id=self.id, at=utc_now_iso(), actor=self.actor, site_id=self.site_id,
                        action=self.action, summary={"rows": dict(self.counts), **self.details}).execute(self.db)


def _keyed_by_id(model: type[pw.Model], what: str) -> None:
    """``insert``, ``update`` and ``delete_rows`` name a row by its UUID and record it by that id: the ledger's
    parts and snapshots (``Meta.outbox_by``) have none — they are written by ``insert_rows`` only, never changed."""
    if getattr(model._meta, "outbox_by", None) is not None or not isinstance(model._meta.primary_key, IdField):
        raise TypeError(f"{model._meta.table_name}: {what} — only insert_rows writes this table (rows without ids)")


def key_columns(model: type[pw.Model]) -> frozenset[str]:
    """The model's columns that hold keys (its id and its references)."""
    found = _KEY_COLUMNS.get(model)
    if found is None:
        found = _KEY_COLUMNS[model] = frozenset(
            f.column_name for f in model._meta.sorted_fields
            if isinstance(f.rel_field if isinstance(f, pw.ForeignKeyField) else f, IdField))
    return found


_KEY_COLUMNS: dict[type, frozenset[str]] = {}


def _stored(db: pw.Database, model: type[pw.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]],
            memo: dict | None = None):
    """Rows with their key columns in the database's storage form (16 bytes on SQLite); ``memo`` keeps the keys
    converted (the unit of work's, across its batches)."""
    to_key = id_to_storage(db)
    keys = key_columns(model)
    positions = [i for i, c in enumerate(columns) if c in keys]
    if not positions or is_postgres(db):
        return rows
    out = []  # the same keys recur row after row (services, suppliers, an entry's parts): convert once
    memo = {} if memo is None else memo
    for row in rows:
        row = list(row)
        for i in positions:
            value = row[i]
            found = memo.get(value)
            if found is None:
                found = memo[value] = to_key(value)
            row[i] = found
        out.append(row)
    return out


def _key_text(value: Any) -> Any:
    """A key as its UUID text, whether given as text or already in SQLite's 16 bytes (``sync`` stores so)."""
    if isinstance(value, (bytes, memoryview)) and len(value) == 16:
        h = bytes(value).hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return str(value) if value is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
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
