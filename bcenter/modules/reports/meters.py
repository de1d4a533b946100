"""Приборы учёта к поверке: meters in service whose verification interval runs out by the end of the period or has
run out — their readings are not used from the day after (ПП 354 п. 81(12) «д», п. 59 «а»), so the ЖЭК warns the
owners ahead (``bcenter meters due``' rule: the latest verification's valid-until day, else the meter's own) — meter
by meter, or counted by house."""
from __future__ import annotations

from collections import defaultdict

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.meters.due import KIND_NAMES, RESOURCE_NAMES, meters_due
from bcenter.modules.reports.cuts import natural
from bcenter.modules.reports.registry import Column, Report, Result


def run(db: pw.Database, period: Period, by: str) -> Result:
    start = period.first_day
    due = meters_due(db, today=start, days=(period.last_day - start).days)
    if by == "meter":
        columns = (Column("address", "Адрес", width=40), Column("accounts", "Лицевые счета", width=14),
                   Column("resource", "Ресурс", width=14), Column("kind", "Вид", width=12),
                   Column("serial", "Заводской номер", width=16), Column("until", "Поверка до", "date", 11),
                   Column("state", "Состояние", width=16))
        rows = ((d.address, ", ".join(d.accounts), RESOURCE_NAMES.get(d.resource, d.resource),
                 KIND_NAMES.get(d.kind, d.kind), d.serial, d.valid_until,
                 "просрочена" if d.valid_until < start else "истекает в периоде")
                for d in sorted(due, key=lambda d: (natural(d.address), d.serial)))
    else:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for d in due:
            counts[d.house][0] += 1
            counts[d.house][1 if d.valid_until < start else 2] += 1
        columns = (Column("house", "Дом", width=40), Column("meters", "Приборов к поверке", "int", 12, total=True),
                   Column("overdue", "Просрочена", "int", 12, total=True),
                   Column("this_month", "Истекает в периоде", "int", 12, total=True))
        rows = ((house, *counts[house]) for house in sorted(counts, key=natural))
    return Result("meters", "Приборы учёта к поверке", f"Поверка истекла или истекает по {period.last_day:%d.%m.%Y}; "
                  f"строки — {'по приборам' if by == 'meter' else 'по домам'}", columns, rows)


REPORT = Report("meters", "Приборы учёта к поверке", ("meter", "house"), run,
                "приборы, у которых поверка истекла или истекает в периоде", money=False)
