"""Pull: the server's change log read by sites in pages, per scope, with a resumable cursor (ARCHITECTURE.md §5).

**The change log** is the server's outbox: every unit of work at the server — its own (a calculation, a close, a
tariff) and each site's pushed units (applied through the server's unit of work, ``site_id`` naming their origin) —
writes its rows there. A site does not get back the facts it pushed; its edits come back as the rows the merge
made. A site restored from a backup asks for its own rows too (``own``) until a pull completes: what it pushed
after the backup was made.

**The snapshot rule** (PostgreSQL): a row's ``seq`` is taken when it is written, not when its transaction commits,
so a transaction that started earlier may commit a smaller ``seq`` after a later one is already read. Every outbox
row carries the id of its transaction (``xid``, default ``pg_current_xact_id()``, schema step 31); a page reads only
rows whose ``xid`` is below the current snapshot's ``xmin`` — every such transaction is over, committed or not —
ordered by ``(xid, seq)``, and the cursor is the last ``(xid, seq)`` read. A transaction still running holds the
feed back (``up_to_date`` false, the client waits and asks again); no wall-clock gap timeout ever guesses. On
SQLite one writer at a time commits in ``seq`` order: ``xid`` is 0 and the same query holds.

**A page** (``page``, at the server) holds whole units of work (never a unit split across pages): each outbox row
becomes an op with the rows' **current** content (master data: the newest value is the one to hold; a row deleted
since is left to its delete op), an entry with its parts (``sync.entries``), a closed period's snapshots for the
scope's accounts, or the ids deleted (sent to every scope: a deleted row's house is no longer known; deleting an
absent id changes nothing). ``up_to_date``: nothing more below the horizon; ``must_refetch``: the cursor is not one
this server gave (a server restored from an older backup — the cursor's row, ``xid:seq:mark``, is another row now or
none —, a broken cursor) — the site starts the scope over (every op is an upsert or a replacement, so pulling a row
again changes nothing).

**At the site** (``apply_page``) a page is applied in one local transaction with the cursor's advance, through a unit
of work that records no outbox (the rows are the server's, not to be pushed back).
"""
from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from datetime import datetime, timezone

import peewee as pw

from db.backup import RESTORED
from db.context import bound
from db.dialect import db_id, is_postgres, param_mark
from db.hlc import last_stamp, observe
from db.migrations import current_version
from db.models import AccountSnapshot, BalanceSnapshot, SyncCursor
from db.packed_ids import unpack_ids
from db.snapshots import COLUMNS, VERSION, numbered, pack
from db.uow import PARENT_TABLES, UnitOfWork
from sync.entries import read_parts, write_parts
from sync.errors import Refused
from sync.rows import model_of, read_rows, storage_rows
from sync.scopes import REF, UnknownScope, enrolled, in_scope, resolve, scopes_of

log = logging.getLogger("bcenter.sync")
MAX_ROWS = 2000
"""Outbox rows a page reads (a unit larger than this comes whole, alone)."""
START = "0:0"


class SchemaMismatch(Exception):
    """A page from a server whose schema differs from the site's: nothing applied."""

    def __init__(self, message: str, *, server: int, site: int):
        super().__init__(message)
        self.server, self.site = server, site


def _text(value) -> str:
    return str(uuid.UUID(bytes=bytes(value))) if isinstance(value, (bytes, memoryview)) else str(value)


MARK = 12
"""Hex digits of the id of the outbox row a cursor stands on, kept in the cursor (``xid:seq:mark``)."""


def _parse(cursor: str | None) -> tuple[int, int, str | None] | None:
    """(xid, seq, mark) of a cursor; a cursor of an older release has no mark (``xid:seq``)."""
    parts = (cursor or START).split(":")
    if len(parts) not in (2, 3) or (len(parts) == 3 and not parts[2]):
        return None
    try:
        xid, seq = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    return (xid, seq, parts[2] if len(parts) == 3 else None) if xid >= 0 and seq >= 0 else None


def _mark(db: pw.Database, seq: int) -> str | None:
    """The first hex digits of the id of the outbox row ``seq`` (None: no such row)."""
    row = db.execute_sql(f'SELECT id FROM "outbox" WHERE seq = {param_mark(db)}', (seq,)).fetchone()
    return None if row is None else _text(row[0]).replace("-", "")[:MARK]


def _cursor(db: pw.Database, end: tuple[int, int]) -> str:
    """The cursor standing on outbox row ``end``: its (xid, seq) and the mark of the row there — a server restored
    from a backup numbers its new rows with numbers its sites have passed: the row at a cursor's number is then
    another (or none), and the site is told to start the scope over (``must_refetch``)."""
    mark = _mark(db, end[1]) if end[1] else None
    return f"{end[0]}:{end[1]}" + (f":{mark}" if mark else "")


def _outbox(db: pw.Database, after: tuple[int, int], limit: int, unit: str | None = None) -> list[tuple]:
    """Outbox rows after the cursor, below the horizon, in (xid, seq) order (of one unit when ``unit``)."""
    m = param_mark(db)
    if is_postgres(db):
        after_sql = f"(xid, seq) > ({m}::text::xid8, {m})"
        horizon = " AND xid < pg_snapshot_xmin(pg_current_snapshot())"
        xid_sql = "xid::text"
    else:
        after_sql, horizon, xid_sql = f"(xid, seq) > ({m}, {m})", "", "xid"
    params: list = [str(after[0]) if is_postgres(db) else after[0], after[1]]
    where = after_sql + horizon
    if unit is not None:
        where += f" AND unit_id = {m}"
        params.append(db_id(unit))
    sql = (f'SELECT {xid_sql}, seq, unit_id, table_name, op, packed_ids, changes, site_id FROM "outbox" '
           f"WHERE {where} ORDER BY xid, seq LIMIT {int(limit)}")
    return [(int(x), int(s), _text(u), t, o, bytes(p), c, None if site is None else _text(site))
            for x, s, u, t, o, p, c, site in db.execute_sql(sql, tuple(params))]


def page(db: pw.Database, *, site_id: str, scope: str, cursor: str | None, limit: int = MAX_ROWS,
         own: bool = False) -> dict:
    """The next page of ``scope`` after ``cursor`` for the authenticated site (``Refused`` for a scope it is not
    enrolled in). ``own``: the site's own facts and deletes too — a site restored from a backup gets back what it
    pushed after the backup was made (``restored``)."""
    if scope not in enrolled(db, site_id):
        raise Refused(403, {"error": "scope_not_enrolled", "scope": scope})
    try:
        allowed = resolve(db, [scope])
    except UnknownScope as exc:
        raise Refused(409, {"error": "unknown_scope", "scope": str(exc)}) from exc
    parsed = _parse(cursor)
    top = db.execute_sql('SELECT MAX(seq) FROM "outbox"').fetchone()[0] or 0
    if parsed is None or parsed[1] > top or (parsed[2] is not None and parsed[1] and _mark(db, parsed[1]) != parsed[2]):
        return {"scope": scope, "cursor": START, "units": [], "up_to_date": False, "must_refetch": True}
    after = parsed[:2]
    with db.atomic():  # one snapshot for the rows and what they name (PostgreSQL: REPEATABLE READ not needed —
        rows = _outbox(db, after, limit)  # the rows read are of finished transactions and facts do not change)
        full = len(rows) == limit
        if full:
            last = rows[-1]
            rows += _outbox(db, (last[0], last[1]), 10 ** 9, unit=last[2])  # the rest of the last unit
        units = _units(db, rows, site_id=None if own else site_id, allowed=allowed)
        end = (rows[-1][0], rows[-1][1]) if rows else after
        held = not full and is_postgres(db) and _committed_after(db, end)
    return {"scope": scope, "cursor": _cursor(db, end) if rows else (cursor or START), "units": units,
            "up_to_date": not full and not held,
            "must_refetch": False, "outbox_rows": len(rows), "clock": last_stamp(db),
            "schema_version": current_version(db)}


def _committed_after(db: pw.Database, end: tuple[int, int]) -> bool:
    """Committed rows after ``end`` that the horizon holds back (a transaction below them still runs)."""
    m = param_mark(db)
    return db.execute_sql(f'SELECT 1 FROM "outbox" WHERE (xid, seq) > ({m}::text::xid8, {m}) LIMIT 1',
                          (str(end[0]), end[1])).fetchone() is not None


def _units(db: pw.Database, rows: list[tuple], *, site_id: str | None, allowed: set[str]) -> list[dict]:
    units: list[dict] = []
    for _xid, _seq, unit_id, table, op, packed, changes, origin in rows:
        if origin == site_id and op != "update":
            continue  # the site's own facts and deletes: it has them. Its own edits come back: merged at the
            # server with others', the row as the server holds it may differ from the site's (a pull between the
            # edit and its push put the server's value there; the edit then won)
        ids = [str(i) for i in unpack_ids(packed)]
        shipped = _op(db, table, op, ids, json.loads(changes) if changes else None, allowed=allowed)
        if shipped is None:
            continue
        if not units or units[-1]["unit"] != unit_id:
            units.append({"unit": unit_id, "origin": origin, "ops": []})
        units[-1]["ops"].append(shipped)
    return units


def _op(db: pw.Database, table: str, op: str, ids: list[str], changes: dict | None, *,
        allowed: set[str]) -> dict | None:
    model = model_of(table)
    if op == "delete":
        return {"table": table, "op": "delete", "ids": ids} if ids else None
    by = getattr(model._meta, "outbox_by", None)
    if by == "period":
        return period_rows(db, model, (changes or {}).get("where", {}).get("period"), allowed)
    if by is not None:
        raise ValueError(f"{table}: parts travel with their entry, not on their own")
    found = scopes_of(db, table, ids)
    keep = [i for i in ids if in_scope(found.get(i, set()), allowed)]
    current = read_rows(db, model, keep)
    rows = [current[i] for i in keep if i in current]
    if not rows:
        return None
    shipped = {"table": table, "op": "upsert", "rows": rows}
    if table in PARENT_TABLES:
        shipped["parts"] = read_parts(db, [r["id"] for r in rows])
    return shipped


def period_rows(db: pw.Database, model: type[pw.Model], period: str | None, allowed: set[str] | None) -> dict | None:
    """A closed period's snapshots of the scope's accounts: balances as (account, service, supplier, money) — a
    database's own numbering of (service, supplier) never travels (``db.snapshots``) — and the accounts' rows."""
    if period is None:
        return None
    m = param_mark(db)
    table = model._meta.table_name
    accounts = [_text(a) for (a,) in db.execute_sql(f'SELECT account_id FROM "{table}" WHERE period = {m}',
                                                    (period,))]
    if allowed is None:  # all of them (a centre pushing its closes: sync.push)
        keep = set(accounts)
    else:
        found = scopes_of(db, "account", accounts)
        keep = {a for a in accounts if in_scope(found.get(a, set()), allowed)}
    if not keep:
        return None
    if model is BalanceSnapshot:
        from db.snapshots import read_snapshots

        rows = [[a, s, p, list(money)] for a, s, p, money in read_snapshots(db, period) if a in keep]
    else:
        with bound(db):
            query = AccountSnapshot.select().where(AccountSnapshot.period == period).dicts()
            rows = [{"account_id": str(r["account"]), "advance": r["advance"],
                     "last_paid_on": None if r["last_paid_on"] is None else str(r["last_paid_on"])}
                    for r in query if str(r["account"]) in keep]
    return {"table": table, "op": "period", "period": period, "rows": rows}


# --- at the site ------------------------------------------------------------------------------------------------
def restored(db: pw.Database) -> bool:
    """Whether this database was restored from a backup since its last complete pull (``db.backup.RESTORED``): its
    pulls ask for its own rows too, until one completes."""
    m = param_mark(db)
    return db.execute_sql(f"SELECT 1 FROM local_setting WHERE key = {m}", (RESTORED,)).fetchone() is not None


def caught_up(db: pw.Database) -> None:
    """A complete pull after a restore: the site holds again everything it had pushed."""
    m = param_mark(db)
    with db.atomic():
        db.execute_sql(f"DELETE FROM local_setting WHERE key = {m}", (RESTORED,))


def cursor_of(db: pw.Database, scope: str) -> str:
    with bound(db):
        row = SyncCursor.get_or_none(SyncCursor.scope == scope)
    return row.cursor if row else START


def cursors(db: pw.Database) -> dict[str, str]:
    with bound(db):
        return {r.scope: r.cursor for r in SyncCursor.select()}


def _set_cursor(db: pw.Database, scope: str, cursor: str) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with bound(db):
        SyncCursor.insert(scope=scope, cursor=cursor, updated_at=now).on_conflict(
            conflict_target=[SyncCursor.scope],
            update={SyncCursor.cursor: cursor, SyncCursor.updated_at: now}).execute()


def apply_page(db: pw.Database, got: dict) -> dict:
    """Apply a page in one transaction with the cursor's advance; returns counts by table. A page that says
    ``must_refetch`` resets the scope's cursor to the start (nothing else changes)."""
    scope = got["scope"]
    theirs, ours = got.get("schema_version"), current_version(db)
    if theirs is not None and theirs != ours:
        raise SchemaMismatch(f"Схема базы сервера — версия {theirs}, а этой площадки — {ours}: "
                             + ("обновите bcenter на площадке" if theirs > ours else "обновите bcenter на сервере")
                             + "; полученное не применено", server=theirs, site=ours)
    counts: dict[str, int] = defaultdict(int)
    with _references_unchecked(db), UnitOfWork(action="sync.pull", actor="sync", db=db, outbox=False,
                                               details={"scope": scope, "cursor": got["cursor"]}) as uow:
        if not observe(db, got.get("clock")):
            log.warning("sync pull %s: the server's clock %s is more than an hour ahead of this site's — "
                        "believed an hour ahead only", scope, got.get("clock"))
        for unit in got.get("units") or []:
            for op in unit["ops"]:
                table = op["table"]
                model = model_of(table)
                if op["op"] == "delete":
                    counts[table] += uow.delete_rows(model, op["ids"]) if op["ids"] else 0
                elif op["op"] == "upsert":
                    columns, values = storage_rows(db, model, op["rows"])
                    counts[table] += uow.upsert_rows(model, columns, values)
                    if "parts" in op:
                        counts["parts"] += write_parts(uow, op["parts"], replace=[r["id"] for r in op["rows"]])
                elif op["op"] == "period":
                    counts[table] += write_period(uow, model, op["period"], op["rows"])
                else:
                    raise ValueError(f"{table}: операция «{op['op']}» неизвестна этой версии bcenter")
        _set_cursor(db, scope, got["cursor"] if not got.get("must_refetch") else START)
    return dict(counts)


class _references_unchecked:
    """A page applies the server's rows as they are now, in the order the server wrote them: a row may name one
    that a later page brings (its content was edited after that one was made), or one in another scope pulled
    next. The site mirrors what the server's own constraints already hold, so a page is applied with SQLite's
    reference checks off on this connection and the whole database is checked when the pull is over
    (``dangling``)."""

    def __init__(self, db: pw.Database):
        self.db = db
        self.sqlite = not is_postgres(db)

    def __enter__(self):
        if self.sqlite:
            self.db.execute_sql("PRAGMA foreign_keys = OFF")  # outside any transaction: SQLite ignores it inside
        return self

    def __exit__(self, *exc):
        if self.sqlite:
            self.db.execute_sql("PRAGMA foreign_keys = ON")
        return False


def dangling(db: pw.Database) -> list[tuple[str, int, str]]:
    """Rows naming a row this database does not have: (table, rowid, table named) — none after a complete pull."""
    if is_postgres(db):
        return []
    return [(t, r, p) for t, r, p, _ in db.execute_sql("PRAGMA foreign_key_check")]


def write_period(uow: UnitOfWork, model: type[pw.Model], period: str, rows: list) -> int:
    db = uow.db
    m = param_mark(db)
    table = model._meta.table_name
    accounts = sorted({r[0] if model is BalanceSnapshot else r["account_id"] for r in rows})
    for start in range(0, len(accounts), 500):
        chunk = accounts[start:start + 500]
        db.execute_sql(f'DELETE FROM "{table}" WHERE period = {m} AND account_id IN ({", ".join([m] * len(chunk))})',
                       (period, *(db_id(a) for a in chunk)))
    if model is BalanceSnapshot:
        numbers = numbered(db, {(s, p) for _a, s, p, _money in rows})
        by_account: dict[str, list] = defaultdict(list)
        for account, service, supplier, money in rows:
            by_account[account].append((numbers[(service, supplier)], tuple(money)))
        values = [(period, a, pack(sorted(parts), version=1 if len(parts[0][1]) == len(COLUMNS) else VERSION))
                  for a, parts in sorted(by_account.items())]  # a format-1 row (an older release's) stays one
        for start in range(0, len(values), 5000):
            uow.insert_rows(BalanceSnapshot, ("period", "account_id", "data"), values[start:start + 5000])
        return len(values)
    values = [(period, r["account_id"], r["advance"], r["last_paid_on"]) for r in rows]
    for start in range(0, len(values), 5000):
        uow.insert_rows(AccountSnapshot, ("period", "account_id", "advance", "last_paid_on"), values[start:start + 5000])
    return len(values)


__all__ = ["MAX_ROWS", "REF", "Refused", "START", "SchemaMismatch", "apply_page", "caught_up", "cursor_of", "cursors",
           "dangling", "page", "period_rows", "restored", "write_period"]
