"""Debts and penalties of accounts as of a day: what ``bcenter debts`` and ``bcenter penalties`` show.

Each account's position (``Finance``) is applied by the engine — payments to periods (ст. 319.1 ГК РФ), within a
period in proportion to the bill (п. 118 ПП 354) — and its penalties computed (ч. 14, 14.1 ст. 155 ЖК РФ). The
reports are typed: kopecks, dates and periods; the faces format them. Services and suppliers are named by the id
they were imported with (EXCHANGE.md), accounts by their number.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import peewee as pw

from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.penalties import penalty_total
from bcenter.modules.finance.position import Finance

__all__ = ["AccountDebts", "AccountPenalties", "DebtPeriod", "DebtReport", "PenaltyInterval", "PenaltyReport",
           "debts", "penalties"]


@dataclass(frozen=True, slots=True)
class DebtPeriod:
    """What is still owed for one service of one period: charged, paid, debt (kopecks), the due date."""

    period: Period
    service: str
    supplier: str
    charged: int
    paid: int
    debt: int
    due: date


@dataclass(frozen=True, slots=True)
class AccountDebts:
    account: str
    total: int
    periods: tuple[DebtPeriod, ...]


@dataclass(frozen=True, slots=True)
class DebtReport:
    """Accounts with a debt as of ``as_of`` (payments up to and including that day applied)."""

    as_of: date
    accounts: tuple[AccountDebts, ...]


@dataclass(frozen=True, slots=True)
class PenaltyInterval:
    """A run of days with the same debt, rate and fraction; ``end`` inclusive, as people read penalty tables."""

    period: Period
    service: str | None
    start: date
    end: date
    days: int
    debt: int
    rate: Decimal
    fraction: str
    amount: int


@dataclass(frozen=True, slots=True)
class AccountPenalties:
    account: str
    total: int
    rows: tuple[PenaltyInterval, ...]


@dataclass(frozen=True, slots=True)
class PenaltyReport:
    as_of: date
    accounts: tuple[AccountPenalties, ...]


def _accounts(finance: Finance, number: str | None, job: Job | None) -> list[tuple[str, str]]:
    accounts = finance.account_numbers(number)
    if job is not None:
        job.total(len(accounts))
    return accounts


def debts(db: pw.Database, *, as_of: date, number: str | None = None, job: Job | None = None) -> DebtReport:
    """What every account (or the one with ``number``) still owes by period and service as of ``as_of``."""
    finance = Finance(db)
    out = []
    for account, num in _accounts(finance, number, job):
        position = finance.position(account, num, as_of=as_of)
        lines = pay.debts(finance.application(position, as_of=as_of), as_of=as_of)
        if job is not None:
            job.advance()
            job.check()
        if not lines:
            continue
        out.append(AccountDebts(num, sum(ln.debt for ln in lines), tuple(
            DebtPeriod(ln.period, finance.services[ln.service]["ext"], finance.suppliers[ln.supplier], ln.charged,
                       ln.paid, ln.debt, ln.due) for ln in lines)))
    return DebtReport(as_of, tuple(out))


def penalties(db: pw.Database, *, as_of: date, number: str | None = None, job: Job | None = None) -> PenaltyReport:
    """Penalties of every account (or the one with ``number``) as of ``as_of``, interval by interval."""
    finance = Finance(db)
    out = []
    for account, num in _accounts(finance, number, job):
        position = finance.position(account, num, as_of=as_of)
        rows = finance.penalty_rows(position, finance.application(position, as_of=as_of), as_of=as_of)
        if job is not None:
            job.advance()
            job.check()
        if not rows:
            continue
        out.append(AccountPenalties(num, penalty_total(rows), tuple(
            PenaltyInterval(r.period, finance.services[r.service]["ext"] if r.service else None, r.start, r.end,
                            r.days, r.debt, r.rate, r.fraction, r.amount) for r in rows)))
    return PenaltyReport(as_of, tuple(out))
