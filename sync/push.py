"""Push: a site's outbox in numbered batches, applied at the server exactly once (ARCHITECTURE.md §5).

**The batch** (``next_batch``, at the site): the outbox rows after the site's last acknowledged sequence number,
whole units of work only (a unit is never split across batches, however large), each unit with its hybrid clock
stamp (``db.hlc``)::

    {"site_id", "batch_id", "from_seq", "to_seq", "schema_version",
     "units": [{"unit": id, "hlc": stamp, "ops": [
         {"table", "op": "insert", "rows": [{column: value}], "parts": {…}},   # parts: a journal entry's
         {"table", "op": "update", "rows": [{"id", "before": {…}, "after": {…}}]},
         {"table", "op": "delete", "ids": [...], "before": {id: {column: value}}}]}]}

An inserted row is read now and shipped **as it stood at its unit**: a field edited by a later unit takes the
before-image of that edit (a cash operation inserted «pending» travels pending, then its edit to «done» travels as
an edit) — so every row names only rows that exist at the server by then. ``from_seq`` is the previous batch's
``to_seq`` + 1 (sequence numbers may have holes; the chain may not).

**The answer** (``apply_push``, at the server), the first one stored per ``(site, batch_id)`` and replayed to
every repeat — errors included (Stripe's idempotency keys): 200 with what each row became; 409 with
``expected_from_seq`` when a batch does not follow the last one applied (a gap or an overlap); 409 when the
schemas differ; 403 when a row lies outside the site's scopes (``sync.scopes``, checked in the transaction after
the rows are in); 422 for a table, column or operation this server does not know (refused loudly, never skipped)
or a broken constraint. A batch is applied in one transaction with its stored answer: it lands whole or not at all.

**Facts** are inserted if absent; a pushed id that exists answers ``exists`` when every column matches, else
``exists_with_different_<column>`` and an integrity alarm (``sync_alarm``) — the stored row is never overwritten
(TigerBeetle's rule). A journal entry comes with its postings, lines and derivations (``sync.entries``).
**Edits and deletes** merge per field by the field's class (``sync.conflicts``); what a site must get back (its
edit lost, its delete refused) is recorded as the server's change, so the site pulls it (``sync.pull``).
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

import peewee as pw

from db.context import bound
from db.dialect import db_id, param_mark
from db.hlc import observe
from db.migrations import current_version
from db.models import LocalSetting, SyncAlarm, SyncBatch
from db.packed_ids import unpack_ids
from db.uow import PARENT_TABLES, UnitOfWork, local_site_id
from sync.conflicts import FACTS, OWNED, merge_delete, merge_update
from sync.entries import read_parts, write_parts
from sync.errors import Refused
from sync.rows import BadValue, UnknownColumn, check_values, model_of, read_rows, storage_rows
from sync.scopes import EVERYTHING, REF, UnknownScope, enrolled, in_scope, resolve, scopes_of, writable

PUSHED = "sync.pushed_to_seq"
"""The site's last sequence number the server acknowledged (a ``local_setting``)."""
MAX_ROWS = 5000


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def pushed_to(db: pw.Database) -> int:
    with bound(db):
        row = LocalSetting.get_or_none(LocalSetting.key == PUSHED)
    return int(row.value) if row else 0


def acknowledge(db: pw.Database, to_seq: int) -> None:
    """The server applied everything up to ``to_seq``: the next batch starts after it."""
    with bound(db), db.atomic():
        LocalSetting.insert(key=PUSHED, value=str(to_seq)).on_conflict(
            conflict_target=[LocalSetting.key], update={LocalSetting.value: str(to_seq)}).execute()


def waiting(db: pw.Database) -> tuple[int, int]:
    """(outbox rows, units of work) not yet acknowledged."""
    rows, units = db.execute_sql(f'SELECT COUNT(*), COUNT(DISTINCT unit_id) FROM "outbox" WHERE seq > {param_mark(db)}',
                                 (pushed_to(db),)).fetchone()
    return int(rows), int(units)


def next_batch(db: pw.Database, *, max_rows: int = MAX_ROWS) -> dict | None:
    """The next batch of this site's outbox (None when nothing waits): whole units, about ``max_rows`` outbox rows
    (a larger unit goes alone). It names the database's own site — whoever carries it."""
    site_id = local_site_id(db)
    after = pushed_to(db)
    m = param_mark(db)
    rows: list[tuple] = []
    cursor = db.execute_sql(f'SELECT seq, unit_id, table_name, op, packed_ids, changes, hlc FROM "outbox" '
                            f'WHERE seq > {m} ORDER BY seq', (after,))
    unit = None
    for seq, unit_id, table, op, packed, changes, hlc in cursor:
        unit_id = str(uuid.UUID(bytes=unit_id)) if isinstance(unit_id, bytes) else str(unit_id)
        if unit_id != unit and len(rows) >= max_rows:
            break  # a whole unit is in; the next one waits for the next batch
        unit = unit_id
        rows.append((seq, unit_id, table, op, bytes(packed), changes, hlc))
    if not rows:
        return None
    later = _later_edits(db, after)
    units: list[dict] = []
    for seq, unit_id, table, op, packed, changes, hlc in rows:
        if not units or units[-1]["unit"] != unit_id:
            units.append({"unit": unit_id, "hlc": hlc, "ops": []})
        ids = [str(i) for i in unpack_ids(packed)]
        model = model_of(table)
        changes = json.loads(changes) if changes else None
        if op == "insert" and getattr(model._meta, "outbox_by", None) is None:
            found = read_rows(db, model, ids)
            shipped = {"table": table, "op": op, "rows": [_as_of(found[i], later.get((table, i)), seq)
                                                          for i in ids if i in found]}
            if table in PARENT_TABLES:
                shipped["parts"] = read_parts(db, ids)
            units[-1]["ops"].append(shipped)
        elif op == "insert" and getattr(model._meta, "outbox_by", None) == "period":  # a close's snapshots
            from sync.pull import period_rows

            shipped = period_rows(db, model, (changes or {}).get("where", {}).get("period"), None)
            if shipped is not None:
                units[-1]["ops"].append(shipped)
        elif op == "update" and changes and changes.get("touched"):
            continue  # «get this row again»: the server's note to sites, nothing of this site's to push
        elif op == "update" and changes:
            if "after" not in changes:  # recorded before step 31: the new values only, no before-image
                changes = {"after": changes, "before": {}}
            units[-1]["ops"].append({"table": table, "op": op, "rows": [
                {"id": i, "before": changes.get("before") or {}, "after": changes["after"]} for i in ids]})
        elif op == "delete":
            units[-1]["ops"].append({"table": table, "op": op, "ids": ids,
                                     "before": (changes or {}).get("before") or {}})
        else:
            units[-1]["ops"].append({"table": table, "op": op, "ids": ids, "changes": changes})
    return {"site_id": site_id, "batch_id": f"{after + 1}-{rows[-1][0]}-{uuid.uuid4().hex[:8]}",
            "from_seq": after + 1, "to_seq": rows[-1][0], "schema_version": current_version(db), "units": units}


def _later_edits(db: pw.Database, after: int) -> dict[tuple[str, str], list[tuple[int, dict]]]:
    """The edits waiting to be pushed, by (table, id): (seq, before-image) in order — to ship a row as it was
    inserted (a row is read now; the edits after its insert travel as edits, each with its own before-image)."""
    m = param_mark(db)
    found: dict[tuple[str, str], list[tuple[int, dict]]] = {}
    for seq, table, packed, changes in db.execute_sql(
            f'SELECT seq, table_name, packed_ids, changes FROM "outbox" WHERE seq > {m} AND op = {m} ORDER BY seq',
            (after, "update")):
        before = (json.loads(changes) if changes else {}).get("before")
        if before:
            for rid in unpack_ids(bytes(packed)):
                found.setdefault((table, str(rid)), []).append((seq, before))
    return found


def _as_of(row: dict, edits: list[tuple[int, dict]] | None, seq: int) -> dict:
    """The row as it stood at outbox ``seq``: each field changed later takes the before-image of its first change
    after ``seq`` (a cash operation inserted pending, made done by a later unit, travels pending, then the edit)."""
    if not edits:
        return row
    out = dict(row)
    seen: set[str] = set()
    for at, before in edits:
        if at <= seq:
            continue
        for column, value in before.items():
            if column not in seen and column in out:
                out[column] = value
                seen.add(column)
    return out


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    replayed: bool = False


def _stored(db: pw.Database, site_id: str, batch_id: str) -> Answer | None:
    m = param_mark(db)
    row = db.execute_sql(f'SELECT status, response FROM "sync_batch" WHERE site_id = {m} AND batch_id = {m}',
                         (db_id(site_id), batch_id)).fetchone()
    return Answer(row[0], json.loads(row[1]), replayed=True) if row else None


def follow_gap(db: pw.Database, body: dict) -> bool:
    """At the site, a 409 gap: start the chain again where the server asks — back (the server does not hold what
    this site believes it acknowledged: a server restored from a backup) or forward past the site's enrolment only
    (``enrolled``: the outbox rows before it are the centre's own, copied with its database) — never forward on
    trust otherwise (a site restored from a backup re-pushes from its own acknowledged point; the server skips the
    units it holds). Returns whether the push may go on."""
    expected = int(body["expected_from_seq"])
    if expected - 1 <= pushed_to(db) or body.get("enrolled"):
        acknowledge(db, expected - 1)
        return True
    return False


def _enrolled_after(db: pw.Database, site_id: str) -> int:
    """Where the site's chain began (``start_chain``): the outbox rows at or before it are not the site's own."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT to_seq FROM "sync_batch" WHERE site_id = {m} AND batch_id = {m}',
                         (db_id(site_id), "enrolled")).fetchone()
    return int(row[0]) if row else 0


UNIT_MARK = "unit:"
"""``sync_batch`` rows ``unit:<unit id>``: the units of a site the server applied (a batch overlapping what the
server holds — a site restored from a backup, a lost acknowledgement — skips them)."""


def _held(db: pw.Database, site_id: str, unit: str) -> bool:
    m = param_mark(db)
    return db.execute_sql(f'SELECT 1 FROM "sync_batch" WHERE site_id = {m} AND batch_id = {m}',
                          (db_id(site_id), UNIT_MARK + unit)).fetchone() is not None


def _hold(db: pw.Database, site_id: str, unit: str, batch: dict) -> None:
    with bound(db):
        SyncBatch.insert(site_id=site_id, batch_id=UNIT_MARK + unit, from_seq=int(batch.get("from_seq") or 0),
                         to_seq=int(batch.get("to_seq") or 0), status=0, response="{}", received_at=_now()
                         ).on_conflict_ignore().execute()


def expected_from(db: pw.Database, site_id: str) -> int:
    """The sequence number the site's next batch must start from: after its last batch applied."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT MAX(to_seq) FROM "sync_batch" WHERE site_id = {m} AND status = 200',
                         (db_id(site_id),)).fetchone()
    return int(row[0] or 0) + 1


def start_chain(db: pw.Database, site_id: str, *, after_seq: int) -> None:
    """At the server: the site's pushes begin after ``after_seq`` — what enrolment records (a site made from a copy
    of the centre's database has the centre's rows in its outbox already; its own begin after them)."""
    with bound(db), db.atomic():
        SyncBatch.insert(site_id=site_id, batch_id="enrolled", from_seq=0, to_seq=after_seq, status=200,
                         response=json.dumps({"enrolled": after_seq}), received_at=_now()).execute()


def _insert_facts(db: pw.Database, uow: UnitOfWork, op: dict, *, site_id: str, batch_id: str,
                  results: dict) -> None:
    model = model_of(op["table"])
    if getattr(model._meta, "outbox_by", None) is not None:
        raise Refused(422, {"error": "unsupported_op", "table": op["table"], "op": op["op"]})
    rows = op.get("rows") or []
    ids = [str(r["id"]) for r in rows]
    if op["table"] in PARENT_TABLES and "parts" not in op:
        raise Refused(422, {"error": "no_parts", "table": op["table"]})  # an entry travels whole (sync.entries)
    try:
        for row in rows:
            check_values(model, row)
        existing = read_rows(db, model, ids)
        if op["table"] == "meter_reading":
            held = _rival_readings(db, [r for r, i in zip(rows, ids) if i not in existing])
            for rid in held:
                results["_bounce"].setdefault("meter_reading", set()).add(rid)  # the site gets it back held
        columns, stored = storage_rows(db, model, rows)
    except UnknownColumn as exc:
        raise Refused(422, {"error": "unknown_column", "table": exc.table, "column": exc.column}) from exc
    fresh = [row for row, i in zip(stored, ids) if i not in existing]
    if fresh:  # in one batch through the server's own unit of work: its outbox is what other sites will pull
        uow.insert_rows(model, columns, fresh)
        new_ids = {i for i in ids if i not in existing}
        results["_fresh"].setdefault(op["table"], []).extend(sorted(new_ids))
        if op["table"] in PARENT_TABLES:
            parts = op["parts"] or {}
            write_parts(uow, {t: ([r for r in rows if str(r.get("entry_id")) in new_ids] if t != "derivation"
                                  else rows) for t, rows in parts.items()})
    results["inserted"] += len(fresh)
    other_parts = _other_parts(db, op, [i for i in ids if i in existing]) if op["table"] in PARENT_TABLES else set()
    for row, rid in zip(rows, ids):
        ours = existing.get(rid)
        if ours is None:
            continue
        differ = sorted(k for k in set(row) | set(ours) if row.get(k) != ours.get(k))
        if rid in other_parts:
            differ.append("parts")
        if not differ:
            results["exists"] += 1
            continue
        results["alarms"].append({"table": op["table"], "id": rid,
                                  "result": "exists_with_different_" + "_".join(differ)})
        with bound(db):
            SyncAlarm.insert(id=str(uuid.uuid4()), site_id=site_id, batch_id=batch_id, table_name=op["table"],
                             row_id=rid, fields=",".join(differ), theirs={k: row.get(k) for k in differ},
                             ours={k: ours.get(k) for k in differ}, raised_at=_now()).execute()


def _other_parts(db: pw.Database, op: dict, entry_ids: list[str]) -> set[str]:
    """The entries among ``entry_ids`` (held by the server) whose pushed parts — postings, charge lines — are not
    the server's: an entry is one fact with its parts, compared whole (its row alone hid a changed posting)."""
    if not entry_ids:
        return set()
    ours = read_parts(db, entry_ids)
    theirs = op.get("parts") or {}
    differ = set()
    for table in ("posting", "charge_line"):
        def grouped(rows):
            out: dict[str, list[str]] = {}
            for r in rows or ():
                out.setdefault(str(r.get("entry_id")), []).append(json.dumps(r, sort_keys=True, default=str))
            return {k: sorted(v) for k, v in out.items()}
        mine, pushed = grouped(ours.get(table)), grouped(theirs.get(table))
        differ.update(e for e in entry_ids if mine.get(e, []) != pushed.get(e, []))
    return differ


_COUNTED = ("accepted", "confirmed")
_ZONES = ("total", "day", "night", "peak", "half_peak")


def _rival_readings(db: pw.Database, rows: list[dict]) -> list[str]:
    """Two sites reading one meter on one day with different values must not both count: a pushed reading whose
    meter already has a counted reading of that day with other values is kept ``unconfirmed``, with a verdict saying
    why (a person confirms one: ``meters.readings``). Changes ``rows`` in place; returns the ids held."""
    m = param_mark(db)
    held = []
    for row in rows:
        if row.get("status", "accepted") not in _COUNTED or not row.get("meter_id") or not row.get("date"):
            continue
        found = db.execute_sql(
            f'SELECT {", ".join(_ZONES)} FROM "meter_reading" WHERE meter_id = {m} AND date = {m} AND status IN '
            f'({m}, {m})', (db_id(str(row["meter_id"])), str(row["date"]), *_COUNTED)).fetchall()
        ours = [tuple(None if v is None else Decimal(str(v)) for v in values) for values in found]
        theirs = tuple(None if row.get(z) is None else Decimal(str(row[z])) for z in _ZONES)
        rivals = [values for values in ours if values != theirs]
        if not rivals:
            continue
        said = ", ".join(str(v) for v in rivals[0] if v is not None)
        checks = row.get("checks") if isinstance(row.get("checks"), dict) else {}
        verdict = ["same_day_other_site", "confirm",
                   f"за {row['date']} у этого счётчика уже учтено другое показание ({said}), пришедшее с другой "
                   f"площадки: учитывается одно — подтвердите верное"]
        row["status"] = "unconfirmed"
        row["checks"] = {**checks, "verdicts": [*(checks.get("verdicts") or []), verdict]}
        held.append(str(row["id"]))
    return held


def _edit(db: pw.Database, uow: UnitOfWork, op: dict, *, site_id: str, batch_id: str, hlc: str, results: dict,
          allowed: set[str], code: str = "") -> None:
    """An edit or a delete of master data (or of a site's own fact's lifecycle), merged per field
    (``sync.conflicts``). Refused: a fact deleted, or edited beyond its lifecycle columns (422 ``fact_immutable``,
    ``sync.conflicts.FACTS``); a row the site may not write as the server holds it (403, ``sync.scopes.writable``);
    a row of a desk or route the site does not own (403 ``not_owner``). The edited rows are checked again after the
    merge (an edit may not move a row out of the site's scopes)."""
    table = op["table"]
    model = model_of(table)
    if getattr(model._meta, "outbox_by", None) is not None or table in PARENT_TABLES:
        raise Refused(422, {"error": "unsupported_op", "table": table, "op": op["op"]})
    ids = [str(r["id"]) for r in op.get("rows") or ()] if op["op"] == "update" else [str(i) for i in op["ids"]]
    _refuse_fact_edit(table, op, ids)
    found = scopes_of(db, table, ids)
    for rid in ids:
        if rid in found:
            _check_writable(table, rid, found[rid], allowed, site_id=site_id, code=code)
            _check_owner(table, rid, found[rid], allowed, code=code)
    if op["op"] == "update":
        for row in op.get("rows") or ():
            merged = merge_update(uow, table, row, hlc=hlc, site_id=site_id, batch_id=batch_id, results=results)
            results["updated"] += merged.applied
            if merged.bounced:
                results["_bounce"].setdefault(table, set()).add(str(row["id"]))
            if merged.applied:
                results["_edited"].setdefault(table, set()).add(str(row["id"]))
    else:
        images = op.get("before") or {}
        for rid in ids:
            if merge_delete(uow, table, rid, images.get(rid), site_id=site_id, batch_id=batch_id, results=results):
                results["_bounce"].setdefault(table, set()).add(rid)
            else:
                results["deleted"] += 1


def _refuse_fact_edit(table: str, op: dict, ids: list[str]) -> None:
    """A fact is never deleted, and edited in its lifecycle columns only (``sync.conflicts.FACTS``): else 422
    ``fact_immutable`` naming the table (and the column)."""
    if table not in FACTS:
        return
    if op["op"] == "delete":
        raise Refused(422, {"error": "fact_immutable", "table": table, "id": ids[0] if ids else None,
                             "detail": f"«{table}» — факт: его не удаляют, ошибочный исправляют новым фактом "
                                       f"(сторно, исправляющее показание)"})
    lifecycle = FACTS[table]
    for row in op.get("rows") or ():
        named = sorted((set(row.get("after") or {}) | set(row.get("before") or {})) - lifecycle)
        if named:
            raise Refused(422, {"error": "fact_immutable", "table": table, "id": str(row.get("id")),
                                 "column": named[0],
                                 "detail": f"«{table}.{named[0]}» — факт не правят: ошибочный исправляют новым "
                                           f"фактом (сторно, исправляющее показание)"})


def _check_writable(table: str, rid: str, row_scopes: set[str], allowed: set[str], *, site_id: str,
                    code: str) -> None:
    """403 when the site may not write this row (``sync.scopes.writable``): ``ref_read_only`` for reference data,
    users and roles (written at the centre), else ``out_of_scope``."""
    if writable(table, rid, row_scopes, allowed, site_id=site_id, code=code):
        return
    if row_scopes <= {REF}:
        detail = ("пользователей и их роли заводят и меняют только в центре" if table in ("app_user", "user_role")
                  else "справочные данные площадка только получает: их меняют в центре")
        raise Refused(403, {"error": "ref_read_only", "table": table, "id": rid, "scopes": sorted(row_scopes),
                             "detail": f"«{table}»: {detail}"})
    raise Refused(403, {"error": "out_of_scope", "table": table, "id": rid, "scopes": sorted(row_scopes),
                         "detail": f"«{table}»: строка вне областей площадки"})


def _check_owner(table: str, rid: str, row_scopes: set[str], allowed: set[str], *, code: str) -> None:
    """Only its owner writes a row of ``sync.conflicts.OWNED``: a shift and its operations — the desk of the
    shift's site code; a route's stops — a site holding the route (403 ``not_owner``)."""
    if table not in OWNED or EVERYTHING in allowed:
        return
    if table in ("cash_shift", "cash_operation"):
        owns = f"cashdesk:{code}" in row_scopes
    else:
        owns = any(s.startswith("route:") and s in allowed for s in row_scopes)
    if not owns:
        raise Refused(403, {"error": "not_owner", "table": table, "id": rid, "scopes": sorted(row_scopes),
                             "detail": f"«{table}»: строку меняет только площадка, которой она принадлежит "
                                       f"(касса смены, планшет обхода)"})


def _integrity_errors() -> tuple[type[Exception], ...]:
    """A constraint broken, as peewee, sqlite3 and psycopg2 say it (bulk inserts go to the driver directly)."""
    found: list[type[Exception]] = [pw.IntegrityError, sqlite3.IntegrityError]
    try:
        import psycopg2

        found.append(psycopg2.IntegrityError)
    except ImportError:  # pragma: no cover - PostgreSQL support not installed
        pass
    return tuple(found)


_INTEGRITY = _integrity_errors()


def _period(db: pw.Database, uow: UnitOfWork, op: dict, *, results: dict, allowed: set[str]) -> None:
    """A close's snapshots (a centre replaying its outbox into a new server): the accounts must be in scope."""
    from sync.pull import write_period

    model = model_of(op["table"])
    if getattr(model._meta, "outbox_by", None) != "period":
        raise Refused(422, {"error": "unsupported_op", "table": op["table"], "op": op["op"]})
    rows = op.get("rows") or []
    accounts = sorted({r[0] if isinstance(r, list) else r["account_id"] for r in rows})
    found = scopes_of(db, "account", accounts)
    for account in accounts:
        if not in_scope(found.get(account, set()), allowed):
            raise Refused(403, {"error": "out_of_scope", "table": op["table"], "id": account,
                                 "scopes": sorted(found.get(account, set()))})
    results["inserted"] += write_period(uow, model, str(op["period"]), rows)


def _apply_op(db: pw.Database, uow: UnitOfWork, op: dict, *, site_id: str, batch_id: str, results: dict,
              hlc: str = "", allowed: set[str] = frozenset(), code: str = "") -> None:
    if op.get("op") not in ("insert", "update", "delete", "period"):
        raise Refused(422, {"error": "unsupported_op", "table": op.get("table"), "op": op.get("op")})
    try:
        if op["op"] == "period":
            _period(db, uow, op, results=results, allowed=allowed)
            return
        if op["op"] != "insert":
            _edit(db, uow, op, site_id=site_id, batch_id=batch_id, hlc=hlc, results=results, allowed=allowed,
                  code=code)
            return
        _insert_facts(db, uow, op, site_id=site_id, batch_id=batch_id, results=results)
    except UnknownColumn as exc:
        raise Refused(422, {"error": "unknown_column", "table": exc.table, "column": exc.column}) from exc
    except BadValue as exc:
        raise Refused(422, {"error": "bad_value", "table": exc.table, "column": exc.column,
                             "detail": f"«{exc.table}.{exc.column}»: нужно — {exc.reason}"}) from exc
    except _INTEGRITY as exc:  # a row naming what this server does not have, or breaking a constraint
        raise Refused(422, {"error": "integrity", "table": op.get("table"),
                             "detail": str(exc).splitlines()[0]}) from exc


def _observe(db: pw.Database, hlc: str, *, site_id: str, batch_id: str, unit_id: str, results: dict) -> None:
    """The unit's clock observed (``db.hlc.observe``): a stamp more than ``db.hlc.MAX_AHEAD`` past the server's wall
    clock is believed only that far and raises an alarm (``clock_ahead``: the site's clock is wrong) — the unit
    still applies, its edits keep their own stamp."""
    try:
        believed = observe(db, hlc)
    except ValueError as exc:
        raise Refused(422, {"error": "bad_clock", "hlc": hlc}) from exc
    if believed:
        return
    results["alarms"].append({"table": "hlc", "id": unit_id, "result": "clock_ahead"})
    try:
        row_id = str(uuid.UUID(unit_id))
    except ValueError:
        row_id = str(uuid.uuid4())
    with bound(db):
        SyncAlarm.insert(id=str(uuid.uuid4()), site_id=site_id, batch_id=batch_id, table_name="hlc", row_id=row_id,
                         fields="hlc", theirs={"hlc": hlc}, ours={"now": _now()}, raised_at=_now()).execute()


def _scopes(db: pw.Database, site_id: str) -> set[str]:
    try:
        return resolve(db, enrolled(db, site_id))
    except UnknownScope as exc:
        raise Refused(409, {"error": "unknown_scope", "scope": str(exc)}) from exc


def _code(db: pw.Database, site_id: str) -> str:
    """The enrolled site's short code (its desk's ``cashdesk:<code>``)."""
    row = db.execute_sql(f'SELECT code FROM "sync_site" WHERE site_id = {param_mark(db)}', (db_id(site_id),)).fetchone()
    return row[0] if row else ""


def _check_scopes(db: pw.Database, fresh: dict[str, list[str]], allowed: set[str], *, site_id: str, code: str,
                  edited: dict[str, set[str]] | None = None) -> None:
    """Every row a push wrote is one the site may write (``sync.scopes.writable``: in one of its scopes, ``ref``
    pull-only) — checked in the push's transaction, after its rows are in (a new account's payment finds the account
    pushed beside it; an edited row where the edit put it): else 403 and nothing of the batch stays."""
    for table, ids in fresh.items():
        found = scopes_of(db, table, ids)
        for rid in ids:
            _check_writable(table, rid, found.get(rid, set()), allowed, site_id=site_id, code=code)
    for table, ids in (edited or {}).items():
        found = scopes_of(db, table, sorted(ids))
        for rid, row_scopes in found.items():  # a row deleted later in the batch is gone: nothing to check
            _check_writable(table, rid, row_scopes, allowed, site_id=site_id, code=code)


def _apply_unit(db: pw.Database, unit: dict, *, site_id: str, batch_id: str, allowed: set[str], code: str) -> dict:
    """One unit of work of a batch through the server's own unit of work, its rows checked against the site's scopes
    when they are in (``_check_scopes``); returns its counts (``Refused`` for the whole unit)."""
    unit_id = str(unit.get("unit") or "")
    results = {"inserted": 0, "exists": 0, "updated": 0, "deleted": 0, "conflicts": 0, "alarms": [],
               "_fresh": {}, "_bounce": {}, "_edited": {}}
    hlc = str(unit.get("hlc") or "")
    _observe(db, hlc, site_id=site_id, batch_id=batch_id, unit_id=unit_id, results=results)
    with UnitOfWork(action="sync.push", actor=f"sync:{site_id}", site_id=site_id, db=db,
                    details={"batch": batch_id, "unit": unit.get("unit")}) as uow:
        uow.hlc = hlc or None  # the site's edit keeps its own time (newer wins compares it)
        for op in unit.get("ops") or []:
            _apply_op(db, uow, op, site_id=site_id, batch_id=batch_id, results=results, hlc=hlc,
                      allowed=allowed, code=code)
    _check_scopes(db, results.pop("_fresh"), allowed, site_id=site_id, code=code, edited=results.pop("_edited"))
    return results


PARKED = frozenset({"out_of_scope", "ref_read_only", "not_owner", "fact_immutable", "bad_value", "unknown_column",
                    "unsupported_op", "no_parts"})
"""Refusals of one unit that no retry changes (a row the site may not write, a fact edited, a value of the wrong
type, a table or column this server does not know): the unit is **parked** — kept at the server for a person
(``sync_alarm``, fields ``parked:<error>``, the unit and the reason) and left out, the batch's other units applied
and acknowledged. A broken constraint is parked too, except for a centre replaying its outbox (``_parkable``);
anything else (the server busy, a gap) refuses the whole batch, which the site sends again later."""


def _parkable(refused: Refused, allowed: set[str]) -> bool:
    """A unit refused for good is parked. A broken constraint too, for a site: its rows can name only what it wrote
    or pulled from this server, so a row missing here is one a parked unit held (a storno of a parked payment) and a
    clash is a duplicate (one bank line resolved at two desks) — no retry mends either, and refusing the batch
    blocked every later payment of the site for good. A centre replaying its outbox (``*``) is refused instead: its
    operator mends the clash and sends again."""
    error = refused.body.get("error")
    return refused.status in (403, 422) and (error in PARKED or (error == "integrity" and EVERYTHING not in allowed))


def _park(db: pw.Database, unit: dict, refused: Refused, *, site_id: str, batch_id: str) -> dict:
    """Keep a refused unit at the server (``sync_alarm``) and say what was refused."""
    unit_id = str(unit.get("unit") or "")
    said = {"unit": unit_id, "status": refused.status, **refused.body}
    row = str(refused.body.get("id") or unit_id)
    try:
        row = str(uuid.UUID(row))
    except ValueError:
        row = str(uuid.uuid4())
    with bound(db):
        SyncAlarm.insert(id=str(uuid.uuid4()), site_id=site_id, batch_id=batch_id,
                         table_name=str(refused.body.get("table") or "-"), row_id=row,
                         fields=f"parked:{refused.body.get('error')}", theirs={"unit": unit},
                         ours={"refused": said}, raised_at=_now()).execute()
    return said


def parked_list(db: pw.Database, *, limit: int = 200) -> list[dict]:
    """The units parked at this server (``_park``), newest first: when, the site's code, table, error, reason."""
    out = []
    for raised, code, site, table, fields, ours in db.execute_sql(
            'SELECT a.raised_at, s.code, a.site_id, a.table_name, a.fields, a.ours FROM "sync_alarm" a '
            'LEFT JOIN "sync_site" s ON s.site_id = a.site_id '
            f'WHERE a.fields LIKE {param_mark(db)} ORDER BY a.raised_at DESC LIMIT {int(limit)}', ("parked:%",)):
        said = ours if isinstance(ours, dict) else json.loads(ours or "{}")
        refused = said.get("refused") or {}
        out.append({"at": str(raised), "site": code or str(site), "table": table, "error": fields.split(":", 1)[1],
                    "unit": refused.get("unit"), "detail": refused.get("detail") or refused.get("error")})
    return out


def apply_push(db: pw.Database, batch: dict, *, site_id: str) -> Answer:
    """Apply a batch pushed by the authenticated site ``site_id``; the answer is stored with it (or replayed)."""
    if str(batch.get("site_id")) != str(site_id):
        return Answer(403, {"error": "wrong_site", "site_id": str(batch.get("site_id"))})
    batch_id = str(batch.get("batch_id") or "")
    if not batch_id or batch_id.startswith(UNIT_MARK) or batch_id == "enrolled":
        return Answer(400, {"error": "no_batch_id"})
    with db.atomic():
        stored = _stored(db, site_id, batch_id)
        if stored is not None:
            return stored
        status, body = 200, {"batch_id": batch_id, "to_seq": batch.get("to_seq")}
        try:
            if batch.get("schema_version") != current_version(db):
                raise Refused(409, {"error": "schema", "server": current_version(db),
                                     "site": batch.get("schema_version")})
            expected = expected_from(db, site_id)
            start, floor = batch.get("from_seq"), _enrolled_after(db, site_id)
            if not isinstance(start, int) or isinstance(start, bool) or start > expected:
                raise Refused(409, {"error": "gap", "expected_from_seq": expected})
            if start <= floor:
                raise Refused(409, {"error": "gap", "expected_from_seq": floor + 1, "enrolled": True})
            overlap = start < expected  # the site re-pushes what it may have pushed: units held are skipped
            allowed = _scopes(db, site_id)
            code = _code(db, site_id)
            results = {"inserted": 0, "exists": 0, "updated": 0, "deleted": 0, "conflicts": 0, "held": 0,
                       "alarms": [], "parked": []}
            bounce: dict[str, set[str]] = {}
            with db.atomic():  # the rows of the batch, whole or none; the refusal is stored without them
                for unit in batch.get("units") or []:
                    unit_id = str(unit.get("unit") or "")
                    if overlap and unit_id and _held(db, site_id, unit_id):
                        results["held"] += 1
                        continue
                    try:
                        with db.atomic():  # the unit, whole or none
                            done = _apply_unit(db, unit, site_id=site_id, batch_id=batch_id, allowed=allowed,
                                               code=code)
                    except Refused as refused:
                        if not _parkable(refused, allowed):
                            raise
                        results["parked"].append(_park(db, unit, refused, site_id=site_id, batch_id=batch_id))
                        continue
                    if unit_id:
                        _hold(db, site_id, unit_id, batch)
                    for key in ("inserted", "exists", "updated", "deleted", "conflicts"):
                        results[key] += done[key]
                    results["alarms"] += done["alarms"]
                    for table, ids in done["_bounce"].items():
                        bounce.setdefault(table, set()).update(ids)
                if bounce:  # what the site must get back: recorded as the server's, so the site pulls it
                    with UnitOfWork(action="sync.bounce", actor=f"sync:{site_id}", db=db,
                                    details={"batch": batch_id}) as uow:
                        for table, ids in sorted(bounce.items()):
                            uow.touch(model_of(table), sorted(ids))
            body.update(results)
        except Refused as refused:
            status, body = refused.status, {"batch_id": batch_id, **refused.body}
        _store_answer(db, site_id, batch_id, batch, status, body)
    return Answer(status, body)


def _store_answer(db: pw.Database, site_id: str, batch_id: str, batch: dict, status: int, body: dict) -> None:
    """The first answer to ``(site, batch)``, in the transaction that applied the batch (replayed to repeats)."""
    with bound(db):
        SyncBatch.insert(site_id=site_id, batch_id=batch_id, from_seq=int(batch.get("from_seq") or 0),
                         to_seq=int(batch.get("to_seq") or 0), status=status,
                         response=json.dumps(body, ensure_ascii=False, sort_keys=True),
                         received_at=_now()).execute()


__all__ = ["Answer", "MAX_ROWS", "acknowledge", "apply_push", "expected_from", "follow_gap", "next_batch",
           "pushed_to", "start_chain", "waiting"]
