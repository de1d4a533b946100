"""The dated law tables shipped in ``assets/law/`` and their loading into the database.

Built-in tables (source ``law``): the Bank of Russia key rate, penalty-rate caps (ПП 474/2479/2382/329),
moratoria (ПП 424, ПП 497), increasing coefficients by resource (ПП 354 п. 42, ПП 1871) and the
production calendar (ст. 112 ТК РФ, ст. 193 ГК РФ). A document's settings may extend them
(EXCHANGE.md ``settings``); those are kept as settings, the built-in rows stay as shipped.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

import peewee as pw

from bcenter.core.ids import uuid7
from bcenter.paths import LAW
from db.models import CalendarDay, IncreasingCoefficient, KeyRate, Moratorium, PenaltyRateCap
from db.uow import UnitOfWork


@lru_cache(maxsize=None)
def law_table(name: str):
    return json.loads((LAW / f"{name}.json").read_text(encoding="utf-8"))


def _law_rows() -> dict[type[pw.Model], tuple[tuple[str, ...], list[tuple]]]:
    calendar_rows = []
    for year in law_table("production_calendar")["years"].values():
        calendar_rows += [(uuid7(), d, False, "law") for d in year["non_working_days"]]
        calendar_rows += [(uuid7(), d, True, "law") for d in year["working_days"]]
    return {
        KeyRate: (("id", "valid_from", "rate", "source", "basis"),
                  [(uuid7(), r["from"], r["rate"], "law", r.get("source")) for r in law_table("key_rates")]),
        PenaltyRateCap: (("id", "valid_from", "valid_to", "max_rate", "mode", "source", "basis"),
                         [(uuid7(), r["from"], r["to"], r["max_rate"], r.get("mode", "min"), "law", r.get("source"))
                          for r in law_table("penalty_rate_caps")]),
        Moratorium: (("id", "valid_from", "valid_to", "debts_before", "source", "basis"),
                     [(uuid7(), r["from"], r["to"],
                       None if r["applies_to"] == "all" else r["applies_to"]["debts_before"], "law", r.get("source"))
                      for r in law_table("moratoria")]),
        IncreasingCoefficient: (("id", "resource", "valid_from", "valid_to", "value", "source", "basis"),
                                [(uuid7(), r["resource"], r["from"], r.get("to"), r["value"], "law", r.get("source"))
                                 for r in law_table("increasing_coefficients")]),
        CalendarDay: (("id", "day", "working", "source"), calendar_rows),
    }


def load_law_tables(uow: UnitOfWork) -> dict[str, int]:
    """Insert the shipped law rows that the database does not have yet (matched by their natural keys)."""
    db = uow.db
    added = {}
    keys = {KeyRate: ("valid_from",), PenaltyRateCap: ("valid_from",), Moratorium: ("valid_from", "valid_to"),
            IncreasingCoefficient: ("resource", "valid_from"), CalendarDay: ("day",)}
    for model, (columns, rows) in _law_rows().items():
        key_cols = keys[model]
        table = model._meta.table_name
        stored = {tuple(_iso(v) for v in r) for r in db.execute_sql(
            f'SELECT {", ".join(key_cols)} FROM "{table}" WHERE source = \'law\'')}
        positions = [columns.index(c) for c in key_cols]
        new = [r for r in rows if tuple(r[p] for p in positions) not in stored]
        if new:
            uow.insert_rows(model, columns, new)
        added[table] = len(new)
    return added


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value
