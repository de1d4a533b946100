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

from bcenter.core.errors import UsageError
from bcenter.core.period import Period
from bcenter.modules.registry import periods
from db.dialect import db_id, db_ids, marks, param_mark
from db.ledger import LINE_FROM, LINE_SELECT, LedgerWriter, entry_row, read_line, reversed_line
from db.queries import account_id, houses_of
from db.uow import UnitOfWork

STORNO_BATCH = 5_000
FORGOTTEN = "storno"
"""The fingerprint a reversed house × period gets: it matches no basis, so the next run calculates it."""


@dataclass(frozen=True)
class StornoResult:
    """What a storno reversed: entries, lines and the kopecks of the original lines."""

    entries: int = 0
    lines: int = 0
    amount: int = 0


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
        where += f" AND e.account_id = {mark}"
        params.append(db_id(account_id(db, account)))
    entries = db.execute_sql(f'SELECT e.id, e.account_id, e.corrects_period FROM "journal_entry" e WHERE {where} '
                             'ORDER BY e.id', tuple(params)).fetchall()
    counts = {"entries": 0, "lines": 0, "amount": 0}
    text = f"сторно: {reason}"
    for start in range(0, len(entries), STORNO_BATCH):
        chunk = entries[start:start + STORNO_BATCH]
        with UnitOfWork(action="registry.storno", actor=actor, db=db,
                        details={"period": str(period), "reason": reason, "account": account}) as uow:
            by_original = {str(original): entry_row("STORNO", period, account=str(acc), corrects=corrects,
                                                    reason=text, storno_of=str(original))
                           for original, acc, corrects in chunk}
            new_lines = []
            for row in db.execute_sql(
                    f'SELECT {LINE_SELECT} {LINE_FROM} WHERE c.entry_id IN ({marks(db, len(chunk))}) '
                    'ORDER BY c.entry_id, c.line_no', db_ids(e[0] for e in chunk)):
                line = read_line(row)
                new_lines.append(reversed_line(line, by_original[str(line.entry_id)], text))
                counts["amount"] += line.amount
            LedgerWriter(uow).write(by_original.values(), new_lines)
            counts["entries"] += len(by_original)
            counts["lines"] += len(new_lines)
            _forget(db, chunk, period)
    return StornoResult(**counts)


def _forget(db: pw.Database, entries: list[tuple], period: Period) -> None:
    """The reversed houses × periods are calculated afresh by the next run."""
    mark = param_mark(db)
    house_of = houses_of(db, [str(acc) for _, acc, _ in entries])
    forgotten = {(house_of[str(acc)], str(corrects or period)) for _, acc, corrects in entries}
    for house, month in sorted(forgotten):
        db.execute_sql(f'UPDATE "calc_state" SET basis_hash = {mark} WHERE house_id = {mark} AND period = {mark}',
                       (FORGOTTEN, db_id(house), month))
