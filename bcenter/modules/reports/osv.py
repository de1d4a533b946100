"""Оборотно-сальдовая ведомость: per account × service × supplier (or summed by house, supplier or service) the
opening balance, what was charged, recalculated, reduced for quality, given as benefits, paid, the penalties and the
closing balance of a period — closing = opening + charged + recalculated + quality + benefits − paid + penalties
(``bcenter.engine.closing``). The rows are ``bcenter balances``' (the stored snapshots of a closed period, computed
now for an open one), so the statement's totals are that command's totals by construction."""
from __future__ import annotations

from collections import defaultdict

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.registry.closing import balances_report
from bcenter.modules.reports.registry import Column, Report, Result

MONEY = (("opening", "Сальдо на начало"), ("charged", "Начислено"), ("recalculated", "Перерасчёт"),
         ("quality", "Снижение за качество"), ("benefits", "Льготы"), ("paid", "Оплачено"), ("penalties", "Пени"),
         ("closing", "Сальдо на конец"))
KEYS = {
    "account": (Column("account", "Лицевой счёт", width=12), Column("service", "Услуга", width=30),
                Column("supplier", "Поставщик", width=26)),
    "house": (Column("house", "Дом", width=40),),
    "supplier": (Column("supplier", "Поставщик", width=40),),
    "service": (Column("service", "Услуга", width=40),),
}


def _names(db: pw.Database) -> dict[str, dict[str, str]]:
    from db.search import format_address

    houses = {}
    for number, city, street, building, block in db.execute_sql(
            'SELECT a.number, h.city, h.street, h.building, h.block FROM "account" a JOIN "premises" p ON p.id = '
            'a.premises_id JOIN "house" h ON h.id = p.house_id'):
        houses[number] = format_address(city, street, building, block, None)
    return {"house": houses,
            "service": {ext: name for ext, name in db.execute_sql('SELECT ext_id, name FROM "service"')},
            "supplier": {ext: name for ext, name in db.execute_sql('SELECT ext_id, name FROM "supplier"')}}


def run(db: pw.Database, period: Period, by: str) -> Result:
    report = balances_report(db, period)
    names = _names(db)
    money = tuple(Column(k, t, "money", 16) for k, t in MONEY)
    state = "закрыт" if report.closed else "открыт: сальдо на сейчас"

    def rows():
        if by == "account":
            for r in report.rows:
                yield (r.account, names["service"].get(r.service, r.service),
                       names["supplier"].get(r.supplier, r.supplier), *(getattr(r, k) for k, _ in MONEY))
            return
        sums: dict[str, list[int]] = defaultdict(lambda: [0] * len(MONEY))
        for r in report.rows:
            key = {"house": names["house"].get(r.account, "—"), "supplier": names["supplier"].get(r.supplier,
                   r.supplier), "service": names["service"].get(r.service, r.service)}[by]
            row = sums[key]
            for i, (k, _) in enumerate(MONEY):
                row[i] += getattr(r, k)
        for key in sorted(sums):
            yield (key, *sums[key])

    return Result("osv", "Оборотно-сальдовая ведомость", f"Период {period} ({state}); строки — {_BY[by]}",
                  KEYS[by] + money, rows())


_BY = {"account": "лицевой счёт × услуга × поставщик", "house": "по домам", "supplier": "по поставщикам",
       "service": "по услугам"}

REPORT = Report("osv", "Оборотно-сальдовая ведомость", ("account", "house", "supplier", "service"), run,
                "сальдо на начало, начислено, перерасчёт, качество, льготы, оплачено, пени, сальдо на конец")
