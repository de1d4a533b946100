"""Реестр платежей: the money received in a period (payments dated in it that count — a reversed payment and its
storno are as if neither were, ``db.queries.live_payment``), by day and bank (the paying agent: a bank, the post,
a terminal network; the own cash desk and online payments by their channel), or summed by bank, house or account:
payments, amount, the agents' commission, and what reaches the account (amount − commission)."""
from __future__ import annotations

from collections.abc import Iterator

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.reports.balances import house_chunks
from bcenter.modules.reports.cuts import HOUSE_CUTS, KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Chart, Column, Report, Result
from db.dialect import db_date, param_mark
from db.queries import in_houses, live_payment

CHANNEL_NAMES = {"cash": "Касса", "online": "Онлайн-оплата", "bank": "Банк", "post": "Почта", "terminal": "Терминал"}
MEASURES = (Column("count", "Платежей", "int", 10, total=True), Column("amount", "Сумма", "money", 16),
            Column("commission", "Комиссия агента", "money", 14), Column("net", "К зачислению", "money", 16))


def bank_name(channel: str, agent: str | None) -> str:
    """Who took the money: the agent named on the payment, else its channel («Касса», «Онлайн-оплата»)."""
    return agent or CHANNEL_NAMES.get(channel, channel)


def _grouped(db: pw.Database, period: Period, columns: str, scope: str = "", params: tuple = ()) -> list[tuple]:
    m = param_mark(db)
    return db.execute_sql(
        f'SELECT {columns}, COUNT(*), SUM(amount), SUM(COALESCE(commission, 0)) FROM "payment" '
        f'WHERE paid_on >= {m} AND paid_on <= {m} AND {live_payment()}{scope} GROUP BY {columns}',
        (period.first_day.isoformat(), period.last_day.isoformat(), *params)).fetchall()


def _measures(count, amount, commission) -> tuple[int, int, int, int]:
    return int(count), int(amount), int(commission), int(amount) - int(commission)


def run(db: pw.Database, period: Period, by: str) -> Result:
    dims = Dimensions(db)

    def rows() -> Iterator[tuple]:
        if by == "day":
            sums: dict[tuple, list] = {}
            for day, channel, agent, *money in _grouped(db, period, "paid_on, channel, agent"):
                key = (db_date(day), bank_name(channel, agent))
                found = sums.setdefault(key, [0, 0, 0, 0])
                for i, v in enumerate(_measures(*money)):
                    found[i] += v
            for (day, bank), money in sorted(sums.items(), key=lambda kv: (kv[0][0], kv[0][1].casefold())):
                yield (day, bank, *money)
            return
        if by == "bank":
            yield from dims.group("bank", (((None, None, None, bank_name(channel, agent)), _measures(*money))
                                           for channel, agent, *money in _grouped(db, period, "channel, agent")))
            return
        if by in HOUSE_CUTS:
            yield from dims.group(by, (((str(account), None, None, None), _measures(*money))
                                       for account, *money in _grouped(db, period, "account_id")))
            return
        yield from dims.group_parts("account", ([((str(a), None, None, None), _measures(*money)) for a, *money in
                                                 _grouped(db, period, "account_id", *in_houses(db, houses))]
                                                for houses in house_chunks(dims)))

    keys = {"day": (Column("day", "Дата", "date", 11), Column("bank", "Банк (платёжный агент)", width=36))}
    columns = keys.get(by) or KEY_COLUMNS[by]
    return Result("payments", "Реестр платежей", f"Платежи с {period.first_day:%d.%m.%Y} по "
                  f"{period.last_day:%d.%m.%Y}; строки — {ROWS[by]}", columns + MEASURES, rows())



REPORT = Report("payments", "Реестр платежей", ("day", "bank", "house", "manager", "section", "account"), run,
                "платежи, сумма, комиссия агента, к зачислению — по дням и банкам или в разрезе",
                charts=(Chart("Платежи по банкам", "bank", "bank", "amount"),))
