"""Претензионно-исковая работа: the rules of debt collection as pure functions (DOMAIN.md §7 and its corrections).

* **Госпошлина** (НК РФ ст. 333.19 п. 1 пп. 1 as amended by 259-ФЗ, in force since 09.09.2024) for a property claim
  by its price (the principal and the penalties claimed, ГПК ст. 91): up to 100 000 ₽ — 4 000 ₽; up to 300 000 ₽ —
  4 000 ₽ + 3 % over 100 000; up to 500 000 ₽ — 10 000 ₽ + 2.5 % over 300 000; up to 1 000 000 ₽ — 15 000 ₽ + 2 % over
  500 000; up to 3 000 000 ₽ — 25 000 ₽ + 1 % over 1 000 000; [U] up to 8 000 000 ₽ — 45 000 ₽ + 0.7 % over 3 000 000;
  up to 24 000 000 ₽ — 80 000 ₽ + 0.35 % over 8 000 000; up to 50 000 000 ₽ — 136 000 ₽ + 0.3 % over 24 000 000; up
  to 100 000 000 ₽ — 214 000 ₽ + 0.2 % over 50 000 000; above — 314 000 ₽ + 0.15 % over 100 000 000, at most 900 000
  ₽. An application for a судебный приказ pays 50 % of it (пп. 2); after the order is cancelled what was paid for it
  is credited against the claim's duty (ст. 333.20 п. 1 пп. 13 НК РФ [U]). The duty is a whole number
  of rubles (ст. 52 п. 6 НК РФ: under 50 kopecks dropped, 50 and over rounded up).
* **Objection to a судебный приказ**: 10 working days from the day the debtor received it (ГПК ст. 128, 129).
* **Limitation** (исковая давность): 3 years for each monthly payment separately, from the day after its due date
  (ГК ст. 196, 200; Пленум ВС № 43 п. 24). It does not run from the application for a судебный приказ until the
  order's cancellation (ГК ст. 204 п. 1; Пленум ВС № 43 п. 17–18); if after the cancellation less than six months
  remain, they are extended to six months (ГК ст. 204 п. 3; Пленум № 43 п. 18) [U].
* **Restriction warning** (ПП 354 п. 117–119): a communal service may be restricted when its debt exceeds two monthly
  charges computed by the norm; the warning gives 20 days from its delivery; hot water, electricity and gas only —
  heating and cold water in an apartment building are never restricted (the issue's list; ПП 354 п. 119 [U]).
* **Recovered money** (ГК ст. 319; Пленум ВС № 54 п. 37): costs of getting the money (the duty and other court costs)
  first, then the principal — the case's months oldest first (ст. 319.1 п. 1: the obligation the money was recovered
  for) — then the penalties (a неустойка is not «проценты» of ст. 319) [P]. What is left over is an overpayment.
* **Several debtors**: co-owners each owe in proportion to their share (ЖК ст. 158 ч. 1, ГК ст. 249); members of a
  social tenant's family owe jointly (солидарно, ЖК ст. 69 ч. 2) — each for the whole.
"""
from __future__ import annotations

import calendar as _calendar
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import InvalidValue
from bcenter.core.money import allocate, decimal_context

__all__ = [
    "OBJECTION_WORKING_DAYS",
    "RESTRICTABLE",
    "RESTRICTION_DAYS",
    "Pause",
    "Recovery",
    "claim_duty",
    "court_order_duty",
    "limitation_end",
    "objection_deadline",
    "recovery_parts",
    "restriction_deadline",
    "restriction_due",
    "share_liability",
    "time_barred",
    "years_after",
]

OBJECTION_WORKING_DAYS = 10
RESTRICTION_DAYS = 20
RESTRICTABLE = ("hot_water", "electricity", "gas")
"""Resources a restriction warning may name (the issue; ПП 354 п. 119 [U]). Heating and cold water — never."""
LIMITATION_YEARS = 3
SHORT_REST_MONTHS = 6

# (over kopecks, base kopecks, percent over) — НК РФ ст. 333.19 п. 1 пп. 1 (259-ФЗ)
_SCALE: tuple[tuple[int, int, Decimal], ...] = (
    (100_000_000_00, 314_000_00, Decimal("0.15")),
    (50_000_000_00, 214_000_00, Decimal("0.2")),
    (24_000_000_00, 136_000_00, Decimal("0.3")),
    (8_000_000_00, 80_000_00, Decimal("0.35")),
    (3_000_000_00, 45_000_00, Decimal("0.7")),
    (1_000_000_00, 25_000_00, Decimal("1")),
    (500_000_00, 15_000_00, Decimal("2")),
    (300_000_00, 10_000_00, Decimal("2.5")),
    (100_000_00, 4_000_00, Decimal("3")),
)
_MINIMUM = 4_000_00
_MAXIMUM = 900_000_00


def _whole_rubles(kop: Decimal) -> int:
    """Kopecks rounded to whole rubles, half up (ст. 52 п. 6 НК РФ)."""
    with decimal_context():
        return int((kop / 100).quantize(Decimal(1))) * 100


def claim_duty(price: int, *, credited: int = 0) -> int:
    """The duty (kopecks) of a property claim whose price is ``price`` kopecks, less ``credited`` — what was paid for
    a cancelled судебный приказ on the same debt (never below zero).

    >>> claim_duty(25_000_00), claim_duty(150_000_00), claim_duty(25_000_00, credited=2_000_00)
    (400000, 550000, 200000)
    """
    if price < 0 or credited < 0:
        raise InvalidValue("цена иска и зачтённая пошлина не могут быть отрицательными", value=min(price, credited))
    duty = _MINIMUM
    for over, base, percent in _SCALE:
        if price > over:
            with decimal_context():
                duty = _whole_rubles(Decimal(base) + Decimal(price - over) * percent / 100)
            break
    return max(min(duty, _MAXIMUM) - credited, 0)


def court_order_duty(price: int) -> int:
    """The duty (kopecks) of an application for a судебный приказ: half the claim's, in whole rubles.

    >>> court_order_duty(25_000_00), court_order_duty(150_000_00)
    (200000, 275000)
    """
    with decimal_context():
        return _whole_rubles(Decimal(claim_duty(price)) / 2)


def objection_deadline(received: date, calendar: WorkCalendar) -> date:
    """The last day the debtor may object to a судебный приказ received on ``received``: the tenth working day after
    it (ГПК ст. 128; a period in days starts the day after its event, ГК ст. 191)."""
    day, left = received, OBJECTION_WORKING_DAYS
    while left:
        day += timedelta(days=1)
        if calendar.is_working(day):
            left -= 1
    return day


def years_after(day: date, years: int) -> date:
    """The same date ``years`` later (29 February → 28 February; ГК ст. 192 п. 3: a period ending in a month without
    that date ends on the month's last day)."""
    year = day.year + years
    return date(year, day.month, min(day.day, _calendar.monthrange(year, day.month)[1]))


def _months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class Pause:
    """A судебный приказ that stood over the payment: from the day its application was filed to the day it was
    cancelled (``None``: it still stands)."""

    start: date
    end: date | None = None


def limitation_end(due: date, pauses: Iterable[Pause] = (), *, on: date | None = None) -> date | None:
    """The last day a claim for a monthly payment due on ``due`` may be filed, as known on ``on``: three years after the
    due date (the period runs from the next day), plus the days a судебный приказ stood over it, a remainder under six
    months after a cancellation extended to six months. ``None`` while an order stands over it (no time runs).

    A pause counts only if it began before the period ran out (an order filed on a barred month stops nothing)."""
    end = years_after(due, LIMITATION_YEARS)
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.start > end or (on is not None and pause.start > on):
            continue
        if pause.end is None or (on is not None and pause.end > on):
            return None
        end += timedelta(days=(pause.end - pause.start).days)
        end = max(end, _months_after(pause.end, SHORT_REST_MONTHS))
    return end


def time_barred(due: date, filed: date, pauses: Iterable[Pause] = ()) -> bool:
    """True when a claim filed on ``filed`` for the payment due on ``due`` is past its limitation period."""
    end = limitation_end(due, pauses, on=filed)
    return end is not None and filed > end


def restriction_due(debt: int, norm_monthly: int) -> bool:
    """True when a service's debt (kopecks) exceeds two monthly charges computed by the norm (ПП 354 п. 118)."""
    return norm_monthly > 0 and debt > 2 * norm_monthly


def restriction_deadline(delivered: date) -> date:
    """The first day a service may be restricted after a warning delivered on ``delivered``: 20 days from delivery
    (ПП 354 п. 119 «а»)."""
    return delivered + timedelta(days=RESTRICTION_DAYS + 1)


@dataclass(frozen=True, slots=True)
class Recovery:
    """How recovered money is taken: ``costs + principal + penalties + overpaid == amount``."""

    costs: int
    principal: int
    penalties: int
    overpaid: int


def recovery_parts(amount: int, *, costs: int, principal: int, penalties: int) -> Recovery:
    """Split ``amount`` kopecks recovered on a case that still owes ``costs``, ``principal`` and ``penalties``:
    costs first, then principal, then penalties (ГК ст. 319; Пленум ВС № 54 п. 37) [P]."""
    if amount <= 0:
        raise InvalidValue("взысканная сумма должна быть положительной", value=amount)
    left = amount
    parts = []
    for owed in (costs, principal, penalties):
        take = min(left, max(owed, 0))
        parts.append(take)
        left -= take
    return Recovery(parts[0], parts[1], parts[2], left)


def share_liability(total: int, shares: Mapping[str, Fraction], *, joint: bool = False) -> dict[str, int]:
    """What each debtor owes of ``total`` kopecks: ``total × share`` (co-owners; a share nobody listed owns — the
    municipality's, an heir not yet known — is owed by nobody here), the parts exact to the kopeck (largest remainder,
    ties by name); ``joint`` — each for the whole (a social tenant's family).

    >>> share_liability(100_00, {"А": Fraction(1, 3), "Б": Fraction(2, 3)})
    {'А': 3333, 'Б': 6667}
    """
    names = sorted(shares)
    if not names:
        return {}
    if joint:
        return {name: total for name in names}
    weights = [Fraction(shares[n]) for n in names]
    if any(w <= 0 for w in weights):
        raise InvalidValue("доля должника должна быть положительной", value=str(min(weights)))
    if sum(weights) > 1:
        raise InvalidValue("сумма долей должников больше 1/1", value=str(sum(weights)))
    rest = 1 - sum(weights)
    denominator = math.lcm(*(w.denominator for w in [*weights, rest]))
    scaled = [int(w * denominator) for w in [*weights, rest]]
    parts = allocate(total, scaled, tie_break=[*names, "\uffff"])
    return dict(zip(names, parts[:-1]))
