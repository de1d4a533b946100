"""Оборотно-сальдовая ведомость: per account × service × supplier (or summed by house, supplier or service) the
opening balance, what was charged, recalculated, reduced for quality, given as benefits, paid, the penalties and the
closing balance of a period — closing = opening + charged + recalculated + quality + benefits − paid + penalties
(``bcenter.engine.closing``). The figures are ``bcenter balances``' (the stored snapshots of a closed period,
computed now for an open one — ``compute_balances``), so the statement's totals are that command's totals.

Streamed, never held (issue 21; ``bcenter.modules.reports.balances``): rows by account come in the order of the
houses' addresses, then of the flats."""
from __future__ import annotations

import peewee as pw

from bcenter.core.period import Period
from bcenter.engine.closing import FIELDS
from bcenter.modules.registry import periods
from bcenter.modules.reports import balances
from bcenter.modules.reports.cuts import KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Chart, Column, Report, Result
from db.snapshots import COLUMNS

MONEY = (("opening", "Сальдо на начало"), ("charged", "Начислено"), ("recalculated", "Перерасчёт"),
         ("quality", "Снижение за качество"), ("benefits", "Льготы"), ("paid", "Оплачено"), ("penalties", "Пени"),
         ("closing", "Сальдо на конец"))
assert tuple(k for k, _ in MONEY) == COLUMNS == FIELDS
WIDTH = len(COLUMNS)


def run(db: pw.Database, period: Period, by: str) -> Result:
    dims = Dimensions(db)
    closed = periods.is_closed(period)
    money = tuple(Column(k, t, "money", 16) for k, t in MONEY)
    state = balances.period_state(period)

    def by_account():
        for part in balances.by_houses(db, period, dims, closed):
            part.sort(key=lambda r: (dims.key("account", r[0])[0], dims.service_name.get(r[1], r[1]).casefold(), r[2]))
            for account, service, supplier, values in part:
                yield (dims.account_number.get(account, account), dims.address(account),
                       dims.service_name.get(service, service), dims.supplier_name.get(supplier, supplier),
                       *values[:WIDTH])

    def summed():
        for ids, money in balances.facts(db, period, by, dims):
            yield ids, money[:WIDTH]

    if by == "account":
        rows = by_account()
        keys = KEY_COLUMNS["account"] + (Column("service", "Услуга", width=30), Column("supplier", "Поставщик",
                                                                                         width=26))
    else:
        rows = dims.group(by, summed())
        keys = KEY_COLUMNS[by]
    return Result("osv", "Оборотно-сальдовая ведомость", f"Период {period} ({state}); строки — "
                  f"{'лицевой счёт × услуга × поставщик, по адресам' if by == 'account' else ROWS[by]}",
                  keys + money, rows)



REPORT = Report("osv", "Оборотно-сальдовая ведомость",
                ("account", "house", "manager", "section", "supplier", "service"), run,
                "сальдо на начало, начислено, перерасчёт, качество, льготы, оплачено, пени, сальдо на конец",
                charts=(Chart("Сальдо на конец по домам", "house", "house", "closing"),))
