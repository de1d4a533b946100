"""Debts and penalties of accounts as of a day: what ``bcenter debts`` and ``bcenter penalties`` show.

Each account's position (``Finance``) is applied by the engine — payments to periods (ст. 319.1 ГК РФ), within a
period in proportion to the bill (п. 118 ПП 354) — and its penalties computed (ч. 14, 14.1 ст. 155 ЖК РФ). The
reports are typed: kopecks, dates and periods; the faces format them. Services and suppliers are named by the id
they were imported with (EXCHANGE.md), accounts by their number.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.errors import NotFound
from bcenter.core.jobs import Job
from bcenter.engine import payments as pay
from bcenter.engine.payments import DebtLine
from bcenter.engine.penalties import PenaltyRow, penalty_total
from bcenter.modules.finance.position import Finance, Position

__all__ = ["AccountDebts", "AccountPenalties", "DebtReport", "PenaltyReport", "debts", "penalties"]


@dataclass(frozen=True, slots=True)
class AccountDebts:
    """An account's debt: the total and each period × service still owed (``DebtLine``, with the service and
    supplier named by their exchange ids)."""

    account: str
    total: int
    periods: tuple[DebtLine, ...]


@dataclass(frozen=True, slots=True)
class DebtReport:
    """Accounts with a debt as of ``as_of`` (payments up to and including that day applied)."""

    as_of: date
    accounts: tuple[AccountDebts, ...]
    note: str | None = None
    """Why there are no accounts, for a person (set by the use case)."""


@dataclass(frozen=True, slots=True)
class AccountPenalties:
    """An account's penalties: the total accrued, the intervals (``PenaltyRow``, the service by its exchange id) and
    what payments paid of them (``bcenter.engine.payments`` rule 6)."""

    account: str
    total: int
    rows: tuple[PenaltyRow, ...]
    paid: int = 0


@dataclass(frozen=True, slots=True)
class PenaltyReport:
    as_of: date
    accounts: tuple[AccountPenalties, ...]
    note: str | None = None
    """Why there are no accounts, for a person (set by the use case)."""


def _positions(finance: Finance, *, as_of: date, number: str | None,
               job: Job | None) -> Iterator[tuple[str, Position, pay.Application]]:
    """Every account's (or the one's) number, position and payments applied as of the day; ``job`` counts them and
    may stop between accounts."""
    accounts = finance.account_numbers(number)
    if number is not None and not accounts:  # else a typo in the number reads as «no debt»
        raise NotFound(f"лицевого счёта {number} нет в картотеке: найдите его по адресу — bcenter search «улица дом»")
    if job is not None:
        job.total(len(accounts))
    for account, num in accounts:
        position = finance.position(account, num, as_of=as_of)
        yield num, position, finance.application(position, as_of=as_of)
        if job is not None:
            job.advance()
            job.check()


def debts(db: pw.Database, *, as_of: date, number: str | None = None, job: Job | None = None) -> DebtReport:
    """What every account (or the one with ``number``) still owes by period and service as of ``as_of``."""
    finance = Finance(db)
    out = []
    for num, _position, application in _positions(finance, as_of=as_of, number=number, job=job):
        lines = pay.debts(application, as_of=as_of)
        if lines:
            out.append(AccountDebts(num, sum(ln.debt for ln in lines), tuple(
                dataclasses.replace(ln, service=finance.services[ln.service]["ext"],
                                    supplier=finance.suppliers[ln.supplier]) for ln in lines)))
    return DebtReport(as_of, tuple(out))


def penalties(db: pw.Database, *, as_of: date, number: str | None = None, job: Job | None = None) -> PenaltyReport:
    """Penalties of every account (or the one with ``number``) as of ``as_of``, interval by interval."""
    finance = Finance(db)
    out = []
    for num, position, application in _positions(finance, as_of=as_of, number=number, job=job):
        rows = finance.penalty_rows(position, application, as_of=as_of)
        if rows:
            out.append(AccountPenalties(num, penalty_total(rows), tuple(
                dataclasses.replace(r, service=finance.services[r.service]["ext"] if r.service else None,
                                    supplier=finance.suppliers[r.supplier] if r.supplier else None)
                for r in rows), sum(application.penalties_paid.values())))
    return PenaltyReport(as_of, tuple(out))
