"""Начисления и оплаты, собираемость: what was billed for a period (charged, recalculated, reduced for quality,
benefits — the ОСВ's columns) beside what was paid in it, by month (the twelve months up to the period) or by a cut
of the period; collection rate = paid ÷ billed of the period, in percent (a month's payments mostly pay the bill of
the month before: a rate near 100 % over the year is the sign of a healthy house, a single month's rate is not).

The figures are the ОСВ's (``bcenter.modules.reports.balances``): the sums of any row of these reports are those of
``bcenter report osv`` for the same period and cut."""
from __future__ import annotations

from collections.abc import Iterator
from operator import add

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.reports import balances
from bcenter.modules.reports.cuts import KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Chart, Column, Report, Result, percent
from db.dialect import param_mark
from db.snapshots import STORED

_AT = {k: i for i, k in enumerate(STORED)}
CUTS = ("month", "house", "manager", "section", "service", "supplier", "account")
MONTHS = 12


def _measures(money: tuple[int, ...]) -> tuple[int, int, int, int, int, int]:
    """(charged, corrections, billed, paid, penalties, closing) of a fact's money."""
    charged = money[_AT["charged"]]
    corrections = money[_AT["recalculated"]] + money[_AT["quality"]] + money[_AT["benefits"]]
    return (charged, corrections, charged + corrections, money[_AT["paid"]], money[_AT["penalties"]],
            money[_AT["closing"]])


def _active(db: pw.Database, period: Period) -> bool:
    """Whether anything was charged or stored for the period (months before the town's first one are left out)."""
    m = param_mark(db)
    return bool(db.execute_sql(f'SELECT 1 FROM "journal_entry" WHERE period = {m} LIMIT 1', (str(period),)).fetchone()
                or db.execute_sql(f'SELECT 1 FROM "balance_snapshot" WHERE period = {m} LIMIT 1',
                                  (str(period),)).fetchone())


def _rows(db: pw.Database, period: Period, by: str) -> Iterator[tuple]:
    dims = Dimensions(db)
    if by == "month":
        for month in (period - i for i in range(MONTHS - 1, -1, -1)):
            if not _active(db, month):
                continue
            total = (0,) * 6
            for _, money in balances.facts(db, month, "month", dims):
                total = tuple(map(add, total, _measures(money)))
            yield (str(month), *total)
        return
    if by == "account":  # a row an account (its services summed), in address order
        yield from dims.group_parts(by, ([((account, None, None, None), _measures(money))
                                          for account, _, _, money in part]
                                         for part in balances.by_houses(db, period, dims)))
        return
    yield from dims.group(by, ((ids, _measures(money)) for ids, money in balances.facts(db, period, by, dims)))


MONTH = (Column("month", "Месяц", width=10),)
_BILLED = (Column("charged", "Начислено", "money", 16), Column("corrections", "Перерасчёты, снижения, льготы",
                                                                 "money", 16),
           Column("billed", "Итого к оплате", "money", 16), Column("paid", "Оплачено", "money", 16))


def run_charges(db: pw.Database, period: Period, by: str) -> Result:
    columns = (MONTH if by == "month" else KEY_COLUMNS[by]) + _BILLED + (
        Column("difference", "Начислено − оплачено", "money", 16),)
    rows = (r[:-2] + (r[-4] - r[-3],) for r in _rows(db, period, by))
    return Result("charges", "Начисления и оплаты", _subtitle(period, by), columns, rows)


def run_collection(db: pw.Database, period: Period, by: str) -> Result:
    columns = (MONTH if by == "month" else KEY_COLUMNS[by]) + _BILLED[2:] + (
        Column("rate", "Собираемость, %", "percent", 12, ratio=("paid", "billed")),
        Column("penalties", "Пени", "money", 14), Column("closing", "Долг на конец", "money", 16))
    rows = ((*r[:-6], r[-4], r[-3], percent(r[-3], r[-4]), r[-2], r[-1]) for r in _rows(db, period, by))
    return Result("collection", "Собираемость платежей", _subtitle(period, by), columns, rows)


def _subtitle(period: Period, by: str) -> str:
    if by == "month":
        return f"{MONTHS} месяцев по {period} ({balances.period_state(period)}); строки — по месяцам"
    return f"Период {period} ({balances.period_state(period)}); строки — {ROWS[by]}"



CHARGES = Report("charges", "Начисления и оплаты", CUTS, run_charges,
                 "начислено, перерасчёты, к оплате, оплачено, разница — по месяцам или в разрезе",
                 charts=(Chart("Начисления по услугам", "service", "service", "billed"),
                         Chart("Оплачено по месяцам", "month", "month", "paid")))
COLLECTION = Report("collection", "Собираемость платежей", CUTS, run_collection,
                    "к оплате, оплачено, собираемость %, пени, долг на конец — по месяцам или в разрезе",
                    charts=(Chart("Собираемость по месяцам, %", "month", "month", "rate"),
                            Chart("Собираемость по домам, %", "house", "house", "rate")))
