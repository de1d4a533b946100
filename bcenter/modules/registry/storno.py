"""Storno of a period's charges («сторно начислений»): the posted entries are reversed, never edited or deleted.

``storno_charges(db, period, reason=…, account=None)`` reverses every CHARGE and RECALC entry posted into the
open period ``period`` (for one account, or all) that is not reversed yet: a STORNO entry per entry, in the same
period, naming it (``storno_of``), with each of its lines repeated with the opposite amount and excess and the
same account, service, supplier, kind and corrected period — so every total (charged, recalculated, quality, per
period corrected) nets to zero, and the ЕПД and ``charges`` show both. A storno is not reversed again.

The next ``calc`` then calculates the reversed houses afresh: the storno makes them «dirty» from the earliest
period it corrects (``dirty.py``), their fingerprints are forgotten, and an account whose every entry of the
period is reversed gets a new CHARGE entry (not recalculation lines). Typical use: the month was calculated
before the readings arrived — reverse it, load the readings, calculate again.

Only an open period takes a storno (ARCHITECTURE.md §3: nothing is posted into a closed period; a closed period
is corrected by recalculation in the open one).
"""
from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from bcenter.core.errors import NotFound, UsageError
from bcenter.core.ids import uuid7
from bcenter.core.period import Period
from bcenter.modules.registry import periods
from bcenter.modules.registry.month import ENTRY_COLUMNS, LINE_COLUMNS
from db.dialect import param_mark
from db.models import ChargeLine, JournalEntry
from db.uow import UnitOfWork, utc_now_iso

STORNO_BATCH = 5_000
FORGOTTEN = "storno"
"""The fingerprint a reversed house × period gets: it matches no basis, so the next run calculates it."""


@dataclass
class StornoResult:
    entries: int = 0
    lines: int = 0
    amount: int = 0  # kopecks reversed (the sum of the original lines)


def storno_charges(db: pw.Database, period: Period, *, reason: str, account: str | None = None,
                   actor: str | None = None) -> StornoResult:
    """Reverse the period's charge and recalculation entries (all, or of the account with this number)."""
    reason = (reason or "").strip()
    if not reason:
        raise UsageError("Укажите причину сторно: --reason «текст»")
    periods.require_open(period)
    mark = param_mark(db)
    where = f'e.period = {mark} AND e.kind IN (\'CHARGE\', \'RECALC\') AND NOT EXISTS (SELECT 1 FROM "journal_entry" s ' \
            f'WHERE s.storno_of_id = e.id)'
    params: list = [str(period)]
    if account is not None:
        found = db.execute_sql(f'SELECT id FROM "account" WHERE number = {mark}', (account,)).fetchone()
        if found is None:
            raise NotFound(what="лицевой счёт", key=account)
        where += f" AND e.account_id = {mark}"
        params.append(str(found[0]))
    entries = db.execute_sql(f'SELECT e.id, e.account_id, e.corrects_period FROM "journal_entry" e WHERE {where} '
                             'ORDER BY e.id', tuple(params)).fetchall()
    result = StornoResult()
    today, now = period.last_day.isoformat(), utc_now_iso()
    for start in range(0, len(entries), STORNO_BATCH):
        chunk = entries[start:start + STORNO_BATCH]
        with UnitOfWork(action="registry.storno", actor=actor, db=db,
                        details={"period": str(period), "reason": reason, "account": account}) as uow:
            new_entries, new_lines = [], []
            by_original = {}
            for original, acc, corrects in chunk:
                uid = uuid7()
                by_original[str(original)] = uid
                new_entries.append((uid, "STORNO", str(period), today, now, str(acc), None, corrects,
                                    f"сторно: {reason}", str(original), None))
            marks = ", ".join([mark] * len(chunk))
            for row in db.execute_sql(
                    f'SELECT entry_id, account_id, service_id, supplier_id, kind, method, volume, tariff, coefficient, '
                    f'amount, excess, corrects_period, derivation FROM "charge_line" WHERE entry_id IN ({marks}) '
                    'ORDER BY id', tuple(str(e[0]) for e in chunk)):
                entry, acc, service, supplier, kind, method, volume, tariff, coefficient, amount, excess, corrects, \
                    derivation = row
                new_lines.append((uuid7(), by_original[str(entry)], str(period), str(acc), str(service),
                                  str(supplier), kind, method, volume, tariff, coefficient, -amount,
                                  None if excess is None else -excess, corrects, f"сторно: {reason}", derivation))
                result.amount += amount
            uow.insert_rows(JournalEntry, ENTRY_COLUMNS, new_entries)
            uow.insert_rows(ChargeLine, LINE_COLUMNS, new_lines)
            result.entries += len(new_entries)
            result.lines += len(new_lines)
            _forget(db, chunk, period)
    return result


def _forget(db: pw.Database, entries: list[tuple], period: Period) -> None:
    """The reversed houses × periods are calculated afresh by the next run."""
    mark = param_mark(db)
    house_of: dict[str, str] = {}
    accounts = sorted({str(acc) for _, acc, _ in entries})
    for start in range(0, len(accounts), 900):
        chunk = accounts[start:start + 900]
        for acc, house in db.execute_sql(
                f'SELECT a.id, p.house_id FROM "account" a JOIN "premises" p ON p.id = a.premises_id '
                f'WHERE a.id IN ({", ".join([mark] * len(chunk))})', tuple(chunk)):
            house_of[str(acc)] = str(house)
    forgotten: set[tuple[str, str]] = set()
    for _, acc, corrects in entries:
        forgotten.add((house_of[str(acc)], str(corrects or period)))
    for house, month in sorted(forgotten):
        db.execute_sql(f'UPDATE "calc_state" SET basis_hash = {mark} WHERE house_id = {mark} AND period = {mark}',
                       (FORGOTTEN, house, month))
