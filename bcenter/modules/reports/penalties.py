"""Реестр пени: the penalties of a period (ч. 14, 14.1 ст. 155 ЖК РФ) — accrued in it (the ОСВ's column: the penalty
due as of the period's last day less what earlier periods posted, so a recalculated old month corrects its penalty
in the month it is found) and, of the closing balance, the penalties billed and still unpaid (the ЕПД's «в т. ч.
пени»), by house, service, supplier or account — the ОСВ's figures (``bcenter.modules.reports.balances``)."""
from __future__ import annotations


import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.reports import balances
from bcenter.modules.reports.cuts import KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Chart, Column, Report, Result
from db.snapshots import STORED

PENALTIES, UNPAID = STORED.index("penalties"), STORED.index("unpaid_penalties")
MEASURES = (Column("penalties", "Пени за период", "money", 16),
            Column("unpaid", "Неоплаченные пени на конец", "money", 16))


def run(db: pw.Database, period: Period, by: str) -> Result:
    dims = Dimensions(db)

    def facts():
        for ids, money in balances.facts(db, period, by, dims):
            if money[PENALTIES] or money[UNPAID]:
                yield ids, (money[PENALTIES], money[UNPAID])

    def by_account():
        return dims.group_parts("account", ([((account, None, None, None), (money[PENALTIES], money[UNPAID]))
                                             for account, _, _, money in part if money[PENALTIES] or money[UNPAID]]
                                            for part in balances.by_houses(db, period, dims)))

    state = balances.period_state(period)
    rows = by_account() if by == "account" else dims.group(by, facts())
    return Result("penalties", "Реестр пени", f"Период {period} ({state}); строки — {ROWS[by]}",
                  KEY_COLUMNS[by] + MEASURES, rows)



REPORT = Report("penalties", "Реестр пени", ("account", "house", "manager", "section", "service", "supplier"), run,
                "пени за период, неоплаченные пени на конец",
                charts=(Chart("Пени по домам", "house", "house", "penalties"),))
