"""Проживающие по домам: on the period's last day, per house — premises, open accounts, the total area, people
registered permanently (по месту жительства) and temporarily (по месту пребывания) — the counts the norm's charges
stand on (ПП 354 п. 56(2): with nobody registered the owners count) — or summed by management company or section."""
from __future__ import annotations

from decimal import Decimal

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.reports.cuts import KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Column, Report, Result
from db.dialect import param_mark
from db.queries import LIVE_REGISTRATION


def run(db: pw.Database, period: Period, by: str) -> Result:
    m = param_mark(db)
    day = period.last_day.isoformat()
    dims = Dimensions(db)
    counts: dict[str, list] = {h: [0, 0, 0, 0, Decimal(0)] for h in dims.house_address}
    for house, area in db.execute_sql('SELECT house_id, total_area FROM "premises"'):  # areas are exact text: summed
        row = counts[str(house)]                                                        # as Decimal, never as float
        row[0] += 1
        row[4] += Decimal(str(area or 0))
    for house, accounts in db.execute_sql(
            f'SELECT house_id, COUNT(*) FROM "account_house" WHERE opened <= {m} AND (closed IS NULL OR closed >= {m}) '
            'GROUP BY house_id', (day, day)):
        counts[str(house)][1] = int(accounts)
    for house, kind, people in db.execute_sql(
            f'SELECT p.house_id, r.kind, COUNT(DISTINCT r.person_id) FROM "registration" r JOIN "premises" p '
            f'ON p.id = r.premises_id WHERE r.valid_from <= {m} AND (r.valid_to IS NULL OR r.valid_to > {m}) '
            f'AND {LIVE_REGISTRATION} GROUP BY p.house_id, r.kind', (day, day)):
        counts[str(house)][2 if kind == "permanent" else 3] += int(people)
    columns = KEY_COLUMNS[by] + (
        Column("premises", "Помещений", "int", 11, total=True), Column("accounts", "Лицевых счетов", "int", 11,
                                                                      total=True),
        Column("permanent", "Зарегистрировано постоянно", "int", 13, total=True),
        Column("temporary", "Временно", "int", 11, total=True), Column("area", "Общая площадь, м²", width=13))
    groups: dict[tuple, list] = {}
    for house, c in counts.items():
        sort, cells = dims.key(by, house=house)
        found = groups.setdefault(cells, [sort, [0, 0, 0, 0, Decimal(0)]])
        found[1] = [a + b for a, b in zip(found[1], c)]
    rows = ((*cells, *c[:4], str(c[4])) for cells, (_, c) in sorted(groups.items(), key=lambda kv: kv[1][0]))
    return Result("residents", "Проживающие по домам", f"На {period.last_day:%d.%m.%Y}; строки — {ROWS[by]}", columns,
                  rows)


REPORT = Report("residents", "Проживающие по домам", ("house", "manager", "section"), run,
                "помещения, лицевые счета, зарегистрированные постоянно и временно, площадь", money=False)
