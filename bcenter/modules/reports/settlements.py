"""Расчёты с поставщиками (сверка): per supplier as of the period's last day — collected for it, of which penalties,
the agents' commission, the agent's fee, transferred, still owed (``owed = collected − commission − fee −
transferred``), and the overdue part (103-ФЗ: money goes on not later than the next working day). The rows are
``bcenter settlements --date <last day>``' (``bcenter.modules.finance.settlements``): the statement equals it."""
from __future__ import annotations

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.finance.settlements import settlements
from bcenter.modules.reports.registry import Column, Report, Result

MONEY = (("collected", "Собрано"), ("penalties", "в т. ч. пени"), ("commission", "Комиссия агентов"),
         ("fee", "Вознаграждение"), ("transferred", "Перечислено"), ("owed", "К перечислению"),
         ("overdue", "Просрочено"))


def run(db: pw.Database, period: Period, by: str) -> Result:
    report = settlements(db, as_of=period.last_day)
    columns = (Column("supplier", "Код", width=14), Column("name", "Поставщик", width=36),
               Column("contract", "Договор", width=16)) + tuple(Column(k, t, "money", 16) for k, t in MONEY)

    def rows():
        for s in report.suppliers:
            yield (s.supplier, s.name, s.contract or "—", *(getattr(s, k) for k, _ in MONEY))

    return Result("settlements", "Расчёты с поставщиками",
                  f"На {period.last_day:%d.%m.%Y} (конец периода {period})", columns, rows())


REPORT = Report("settlements", "Расчёты с поставщиками", ("supplier",), run,
                "собрано, пени, комиссия, вознаграждение, перечислено, к перечислению, просрочено")
