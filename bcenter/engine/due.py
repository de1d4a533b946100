"""Срок оплаты за расчётный период (ч. 1 ст. 155, ст. 171 ЖК РФ; 177-ФЗ; ст. 193 ГК РФ; DOMAIN.md §3.3).

Rules and sources:

* Periods up to January 2026: payment is due by the **10th** of the month after the billing month, unless the
  management contract (договор управления) or the ТСЖ/ЖСК decision sets another day (ч. 1 ст. 155 ЖК РФ, old text).
* From the **February 2026** billing period: by the **15th**, and a contract can no longer change it (177-ФЗ of
  24.06.2025, in force 01.03.2026; Минстрой letter 20.02.2026 № 9202-ДН/04 — February 2026 is the first period
  under the new rule; DOMAIN.md, corrections of 2026-11).
* A last day that falls on a weekend or public holiday moves to the next working day (ст. 193 ГК РФ), using the
  production calendar (``WorkCalendar``). Setting ``shift_due_to_working_day`` (EXCHANGE.md), default on.
* Capital repair contributions (``kind="capital_repair"``): due in the terms set for the housing and communal
  fee (ч. 1 ст. 171 ЖК РФ) unless the regional law sets others — so ``"law"`` gives the same day as for the
  other services, and a regional day is given as ``"day:N"``, honoured for every period [U: 177-ФЗ also amended
  ст. 171; a region's day must be confirmed].

``rule`` (EXCHANGE.md ``settings.due_day_rule``):

* ``"law"`` — the statute as above.
* ``"day:N"`` (N = 1..31) — the contract's day N of the month after the billing month, e.g. ``"day:20"`` («до 20-го
  числа месяца, следующего за истекшим»). For ordinary services it applies only to periods before February 2026
  (the contractual override was removed by 177-ФЗ: later periods follow the law, the 15th); for capital repair it
  applies to every period (regional law). A day past the month's end means its last day (``"day:31"`` for
  February → the 28th/29th).
"""

from __future__ import annotations

from datetime import date

from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.core.settings import DEFAULTS

__all__ = [
    "DUE_KINDS",
    "NEW_RULE_DAY",
    "NEW_RULE_FIRST_PERIOD",
    "OLD_RULE_DAY",
    "due_date",
    "parse_due_rule",
]

OLD_RULE_DAY = 10
"""ч. 1 ст. 155 ЖК РФ (old text): by the 10th of the next month."""

NEW_RULE_DAY = 15
"""ч. 1 ст. 155 ЖК РФ as amended by 177-ФЗ: by the 15th of the next month."""

NEW_RULE_FIRST_PERIOD = Period(2026, 2)
"""The first billing period due by the 15th (Минстрой letter 20.02.2026 № 9202-ДН/04)."""

DUE_KINDS = ("standard", "capital_repair")

# With no production calendar known, ст. 193 ГК РФ can still move a term off a Saturday or Sunday.
_WEEKENDS_ONLY = WorkCalendar()


def parse_due_rule(rule: str) -> int | None:
    """Check a ``due_day_rule`` setting: None for ``"law"``, N for ``"day:N"``; anything else is ``InvalidValue``."""
    if rule == "law":
        return None
    if isinstance(rule, str) and rule.startswith("day:"):
        text = rule[4:]
        if text.isascii() and text.isdigit() and 1 <= int(text) <= 31:
            return int(text)
    raise InvalidValue('правило срока оплаты: "law" или "day:N" (N от 1 до 31)', value=rule)


def due_date(
    period: Period,
    *,
    rule: str = DEFAULTS.due_day_rule,
    calendar: WorkCalendar | None,
    shift: bool = True,
    kind: str = "standard",
) -> date:
    """The last day to pay for ``period`` without delay; penalties count from the next day (DOMAIN.md §3.1).

    ``calendar`` is the production calendar for ст. 193 ГК РФ; None means Saturdays and Sundays only (no holidays
    known) — pass the real calendar whenever one exists. ``shift=False`` keeps the nominal day.

    >>> due_date(Period(2025, 1), calendar=None)
    datetime.date(2025, 2, 10)
    >>> due_date(Period(2026, 2), calendar=None)   # 15.03.2026 is a Sunday
    datetime.date(2026, 3, 16)
    """
    if not isinstance(period, Period):
        raise TypeError(f"period: ожидается Period, получено {type(period).__name__}")
    if kind not in DUE_KINDS:
        raise InvalidValue("вид обязательства: standard или capital_repair", value=kind)
    contract_day = parse_due_rule(rule)
    if contract_day is not None and (kind == "capital_repair" or period < NEW_RULE_FIRST_PERIOD):
        day = contract_day
    elif period < NEW_RULE_FIRST_PERIOD:
        day = OLD_RULE_DAY
    else:
        day = NEW_RULE_DAY
    month = period + 1
    nominal = date(month.year, month.month, min(day, month.days))
    if not shift:
        return nominal
    return (calendar if calendar is not None else _WEEKENDS_ONLY).next_working_day(nominal)
