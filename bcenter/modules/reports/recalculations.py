"""Реестр перерасчётов: the period's corrections with their reasons — recalculations of past months (the month's
run found an input changed: a reading, a registration, a tariff; the line names the month corrected and why,
ARCHITECTURE.md §3), reductions for poor quality or interruptions (ПП 354 разд. IX, прил. 1) and for temporary
absence (ПП 354 разд. VIII), benefits — line by line (account, service, the month corrected, the reason) or summed
by house, service, supplier or account."""
from __future__ import annotations

from collections.abc import Iterator

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.reports.balances import house_chunks
from bcenter.modules.reports.cuts import KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Chart, Column, Report, Result
from db.dialect import param_mark
from db.queries import in_houses

KINDS = {"recalc": "перерасчёт", "quality": "снижение за качество", "absence": "временное отсутствие",
         "benefit": "льгота"}
REASONS = {"quality": "ненадлежащее качество или перерыв (ПП 354, разд. IX)",
           "absence": "временное отсутствие (ПП 354, разд. VIII)", "benefit": "льгота"}
MEASURES = (Column("lines", "Строк", "int", 8, total=True), Column("amount", "Сумма", "money", 16))


def _lines(db: pw.Database, period: Period, houses: list[str]) -> list[tuple]:
    m = param_mark(db)
    scope, params = in_houses(db, houses, "e.account_id")
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    return db.execute_sql(
        f'SELECT e.account_id, c.service_id, c.supplier_id, c.kind, e.corrects_period, e.reason, COUNT(*), '
        f'SUM(c.amount) FROM "journal_entry" e JOIN "charge_line" c ON c.entry_id = e.id '
        f'WHERE e.period = {m} AND c.kind IN ({kinds}){scope} '
        f'GROUP BY e.account_id, c.service_id, c.supplier_id, c.kind, e.corrects_period, e.reason',
        (str(period), *params)).fetchall()


def run(db: pw.Database, period: Period, by: str) -> Result:
    dims = Dimensions(db)

    def lines() -> Iterator[tuple]:
        for houses in house_chunks(dims):
            part = _lines(db, period, houses)
            part.sort(key=lambda r: (dims.key("account", str(r[0]))[0], dims.service_name.get(str(r[1]), "").casefold(),
                                     str(r[4] or "")))
            for account, service, supplier, kind, corrects, reason, count, amount in part:
                account = str(account)
                yield (dims.account_number.get(account, account), dims.address(account),
                       dims.service_name.get(str(service), str(service)), KINDS.get(kind, kind),
                       str(corrects) if corrects else str(period), reason or REASONS.get(kind, ""), int(count),
                       int(amount))

    def facts():
        for houses in house_chunks(dims):
            yield [((str(account), str(service), str(supplier), None), (int(count), int(amount)))
                   for account, service, supplier, _, _, _, count, amount in _lines(db, period, houses)]

    if by == "line":
        columns = KEY_COLUMNS["account"] + (Column("service", "Услуга", width=24), Column("kind", "Вид", width=16),
                                            Column("corrects", "За период", width=9),
                                            Column("reason", "Причина", width=40)) + MEASURES
        rows = lines()
    else:
        columns, rows = KEY_COLUMNS[by] + MEASURES, dims.group_parts(by, facts())
    return Result("recalculations", "Реестр перерасчётов", f"Период {period}: перерасчёты, снижения, льготы "
                  f"(минус — уменьшение платы); строки — {ROWS[by]}", columns, rows)



REPORT = Report("recalculations", "Реестр перерасчётов",
                ("line", "house", "manager", "section", "service", "supplier", "account"), run,
                "перерасчёты прошлых периодов, снижения за качество и отсутствие, льготы — с причинами",
                charts=(Chart("Перерасчёты по услугам", "service", "service", "amount"),))
