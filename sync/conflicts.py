"""Master data merged per field at the server (ARCHITECTURE.md §5; SymmetricDS's conflict classes).

A site's edit travels with the **before-image** of every field it changed (``UnitOfWork.update`` records both). At
the server, a field whose value is still the site's «before» takes the site's «after» — nobody else changed it; a
field already at the «after» needs nothing. Otherwise two edits met, and the field's class decides:

* ``centre`` — legally significant fields (names, documents, shares, areas, dates, tariffs: everything not named
  below): **the centre's value stays** and the clash waits in the queue (``sync_conflict``, state ``open``) with
  the base, the site's value and the centre's, for a person to keep or take (``resolve``);
* ``newer`` — contacts and free text (phones, e-mail, addresses of organisations, a route's reader, a request's
  text): **the later edit by the hybrid logical clock wins** (``db.hlc``; the field's last write is stamped in
  ``sync_field_clock``); the loser is kept in the queue as history (state ``auto``);
* ``add`` — flags (boolean fields): **add-wins** — a flag either side set stays set (state ``auto``);
* ``owner`` — the lifecycle of a site's own facts (a cash desk's shifts and operations, a route's stops): only the
  site that made them writes them, its value is taken.

A site whose edit lost gets the value kept back: the row is recorded as changed by the server (``UnitOfWork.touch``)
and the site pulls its current content. A delete against an edit (the row no longer as the deleting site saw it) is
not applied: the row stays, the clash is queued (field ``*``). Money and facts never merge: a fact is inserted once
and never edited (``sync.push``).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import peewee as pw

from db.context import bound
from db.dialect import db_id, param_mark
from db.fields import QuantityField
from db.hlc import later
from db.models import SyncConflict
from db.uow import UnitOfWork
from sync.rows import check_values, decode, model_of, read_rows

OWNED = frozenset({"cash_shift", "cash_operation", "route_stop"})
"""Tables whose rows only their owner writes (``sync.push`` checks who that is: a shift's and its operations' desk —
the ``cashdesk:<its code>`` of the row; a route's stops — a site holding the route's scope)."""

FACTS: dict[str, frozenset[str]] = {
    "payment": frozenset(), "payment_service_split": frozenset(), "supplier_transfer": frozenset(),
    "meter_reading": frozenset({"status", "checks"}),  # accepted, confirmed by a person (meters.readings)
    "house_reading": frozenset(), "meter_verification": frozenset(), "meter_event": frozenset(),
    "registration": frozenset(), "ownership": frozenset(), "absence": frozenset(), "quality_event": frozenset(),
    "cash_shift": frozenset({"closed_at", "closed_on", "counted", "expected"}),  # the close (cashdesk.desk)
    "cash_operation": frozenset({"state", "reason", "fiscal_document", "fiscal_sign", "payment_id", "printed_at"}),
    "suspense_payment": frozenset({"resolved_payment_id", "returned"}),  # matched later or sent back
    "journal_entry": frozenset(), "court_recovery": frozenset(), "court_case_event": frozenset(),
    "claim_event": frozenset(), "payment_document": frozenset(),
}
"""Facts (ARCHITECTURE.md §2): never edited nor deleted through a push — a correction is a new fact naming the old
one (storno, ``corrects``, ``supersedes``). Per table, the lifecycle columns the application itself moves on a fact
it made (a reading confirmed, a desk's operation done, its shift closed): the only columns a pushed edit may name."""
NEWER_COLUMNS = frozenset({"phone", "email", "site"})
NEWER = frozenset({("organization", "address"), ("supplier", "address"), ("route", "reader"), ("claim", "text"),
                   ("person", "sealed")})
"""``person.sealed`` (birth date, document, СНИЛС, phone, e-mail — one sealed value, issue 18): the later edit wins,
the other kept as history; a clash queued for a person would show them only ciphertext."""


def policy(table: str, column: str) -> str:
    """The conflict class of a field: ``owner``, ``newer``, ``add`` or ``centre``."""
    if table in OWNED:
        return "owner"
    if column in NEWER_COLUMNS or (table, column) in NEWER:
        return "newer"
    field = model_of(table)._meta.columns.get(column)
    if isinstance(field, pw.BooleanField):
        return "add"
    return "centre"


def _norm(field: pw.Field, value: Any) -> Any:
    """A value as the field holds it, whatever its travelling form (text dates, decimal text, JSON)."""
    if value is None:
        return None
    if isinstance(field, QuantityField | pw.DecimalField):
        return Decimal(str(value))
    if isinstance(field, pw.DateTimeField):
        return str(value)
    if isinstance(field, pw.DateField):
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if isinstance(field, pw.BooleanField):
        return bool(value)
    if isinstance(field, pw.IntegerField):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def same(model: type[pw.Model], column: str, a: Any, b: Any) -> bool:
    field = model._meta.columns[column]
    return _norm(field, a) == _norm(field, b)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _clock(db: pw.Database, table: str, row_id: str, column: str) -> str:
    m = param_mark(db)
    row = db.execute_sql(f'SELECT hlc FROM "sync_field_clock" WHERE table_name = {m} AND row_id = {m} AND field = {m}',
                         (table, db_id(row_id), column)).fetchone()
    return row[0] if row else ""


def _queue(db: pw.Database, *, site_id: str, batch_id: str, table: str, row_id: str, column: str, rule: str,
           base: Any, theirs: Any, ours: Any, state: str, taken: bool = False) -> None:
    """Queue a clash (``open``) or keep a settled one as history (``auto``: ``resolved_by`` says whether the
    policy took the site's value or kept the centre's)."""
    with bound(db):
        SyncConflict.insert(id=str(uuid.uuid4()), site_id=site_id, batch_id=batch_id, table_name=table, row_id=row_id,
                            field=column, policy=rule, base=json.dumps(base, ensure_ascii=False),
                            theirs=json.dumps(theirs, ensure_ascii=False), ours=json.dumps(ours, ensure_ascii=False),
                            state=state, raised_at=_now(),
                            resolved_at=_now() if state == "auto" else None,
                            resolved_by=(f"policy:{'taken' if taken else 'kept'}" if state == "auto" else None)
                            ).execute()


@dataclass
class Merged:
    applied: int = 0      # fields taken from the site
    kept: int = 0         # fields where the centre's value stayed (queued or by the clock)
    bounced: bool = False  # the site must get the row back


def merge_update(uow: UnitOfWork, table: str, row: dict, *, hlc: str, site_id: str, batch_id: str,
                 results: dict) -> Merged:
    """Merge one pushed edit ``{"id", "before", "after"}`` (columns → travelling values) into the server's row."""
    db = uow.db
    model = model_of(table)
    rid = str(row["id"])
    merged = Merged()
    current = read_rows(db, model, [rid]).get(rid)
    after, before = row.get("after") or {}, row.get("before") or {}
    if current is None:  # deleted at the server meanwhile: the edit waits for a person, the row stays deleted
        _queue(db, site_id=site_id, batch_id=batch_id, table=table, row_id=rid, column="*", rule="centre",
               base=before, theirs=after, ours=None, state="open")
        results["conflicts"] += 1
        return merged
    check_values(model, after)  # an unknown column, a value not of its column's type: refused by name (sync.rows)
    decode(model, after)
    take: dict[str, Any] = {}
    for column, theirs in sorted(after.items()):
        ours = current.get(column)
        if same(model, column, ours, theirs):
            continue
        if column in before and same(model, column, ours, before[column]):
            take[column] = theirs
            continue
        rule = policy(table, column)
        if rule == "owner":
            take[column] = theirs
        elif rule in ("add", "newer"):  # settled by the rule, kept as history
            won = (bool(theirs) and not bool(ours)) if rule == "add" else later(hlc, _clock(db, table, rid, column))
            if won:
                take[column] = theirs
            else:
                merged.bounced = True
            _queue(db, site_id=site_id, batch_id=batch_id, table=table, row_id=rid, column=column, rule=rule,
                   base=before.get(column), theirs=theirs, ours=ours, state="auto", taken=won)
        else:
            merged.bounced = True
            merged.kept += 1
            results["conflicts"] += 1
            _queue(db, site_id=site_id, batch_id=batch_id, table=table, row_id=rid, column=column, rule=rule,
                   base=before.get(column), theirs=theirs, ours=ours, state="open")
    if take:
        fields = decode(model, take)
        uow.update(model, rid, **fields)
        merged.applied += len(take)
    return merged


def merge_delete(uow: UnitOfWork, table: str, rid: str, image: dict | None, *, site_id: str, batch_id: str,
                 results: dict) -> bool:
    """Delete a row the site deleted — when the server's row is still as the site saw it; else keep it and queue the
    clash (the site gets the row back). Returns whether the site must get the row back."""
    db = uow.db
    model = model_of(table)
    current = read_rows(db, model, [rid]).get(rid)
    if current is None:
        return False
    if image is not None and all(same(model, c, current.get(c), v) for c, v in image.items() if c in current):
        uow.delete_rows(model, [rid])
        return False
    _queue(db, site_id=site_id, batch_id=batch_id, table=table, row_id=rid, column="*", rule="centre",
           base=image, theirs=None, ours=current, state="open")
    results["conflicts"] += 1
    return True


@dataclass(frozen=True)
class Conflict:
    id: str
    site_id: str
    table: str
    row_id: str
    field: str
    policy: str
    base: Any
    theirs: Any
    ours: Any
    state: str
    raised_at: str
    resolved_by: str | None = None  # a person's name, or policy:taken / policy:kept


def listed(db: pw.Database, *, open_only: bool = True, limit: int = 200) -> list[Conflict]:
    with bound(db):
        query = SyncConflict.select().order_by(SyncConflict.raised_at)
        if open_only:
            query = query.where(SyncConflict.state == "open")
        ids = [c.id for c in query.limit(limit)]
    return [_one(db, i) for i in ids]


def resolve(db: pw.Database, conflict_id: str, *, take: str, actor: str) -> Conflict:
    """Settle an open conflict: ``ours`` keeps the centre's value, ``theirs`` writes the site's (a unit of work at
    the server: every site of the row's scopes pulls it). Raises LookupError / ValueError."""
    if take not in ("ours", "theirs"):
        raise ValueError(f"--take: «{take}» — ours (оставить значение центра) или theirs (принять значение площадки)")
    with bound(db):
        found = SyncConflict.get_or_none(SyncConflict.id == conflict_id)
    if found is None or found.state != "open":
        raise LookupError(f"Конфликт {conflict_id} не найден среди нерешённых")
    with UnitOfWork(action="sync.resolve", actor=actor, db=db, details={"conflict": conflict_id, "take": take}) as uow:
        model = model_of(found.table_name)
        theirs = json.loads(found.theirs or "null")
        if take == "theirs":
            if found.field == "*":
                if theirs is None:  # a delete the centre refused: delete it now
                    uow.delete_rows(model, [found.row_id])
                else:  # an edit of a row deleted at the centre: it stays deleted — nothing to take
                    raise ValueError("Строка удалена в центре: принять правку нельзя, её можно только внести заново")
            else:
                uow.update(model, found.row_id, **decode(model, {found.field: theirs}))
        elif found.field != "*":
            uow.touch(model, [found.row_id])  # the site that lost gets the centre's value (again)
        SyncConflict.update(state="taken" if take == "theirs" else "kept", resolved_at=_now(),
                            resolved_by=actor).where(SyncConflict.id == conflict_id).execute()
    return _one(db, conflict_id)


def _one(db: pw.Database, conflict_id: str) -> Conflict:
    with bound(db):
        c = SyncConflict.get(SyncConflict.id == conflict_id)
    return Conflict(c.id, c.site_id, c.table_name, c.row_id, c.field, c.policy, json.loads(c.base or "null"),
                    json.loads(c.theirs or "null"), json.loads(c.ours or "null"), c.state, c.raised_at,
                    c.resolved_by)


__all__ = ["Conflict", "FACTS", "Merged", "NEWER", "OWNED", "listed", "merge_delete", "merge_update", "policy",
           "resolve", "same"]
