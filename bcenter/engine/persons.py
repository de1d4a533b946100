"""Проживающие и отсутствующие: число проживающих за месяц и дни временного отсутствия.

Rules (DOMAIN.md §1.4, §2.1; EXCHANGE.md ``settings.person_count`` and ``settings.absence_days``):

* n_i — persons permanently and temporarily residing (ПП 354, п. 56(1)); a change inside the month is prorated by
  person-days: n = Σ person-days / days in month ("person_days", the default [P]), or counted on the 1st of the
  month ("month_start"). The owners' count when nobody resides (п. 56(2)) is the caller's decision.
* Temporary absence (ПП 354, раздел VIII, п. 86): more than 5 full calendar days in a row; the days counted are the
  full days between the departure and the arrival — neither of them counts ("exclude_travel_days", default [U/P]).
  An absence spanning months is split by month; eligibility is judged on the whole absence.

Every date range is half-open ``[start, end)``.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from bcenter.core.dates import DateInterval, format_date_ru
from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.core.settings import CHOICES, DEFAULTS
from bcenter.engine.charges import decimal_math

__all__ = [
    "ABSENCE_MIN_DAYS",
    "absence_eligible",
    "absent_days",
    "absent_days_in_stays",
    "absent_interval",
    "merged_stays",
    "person_days",
    "resident_count",
]

ABSENCE_MIN_DAYS = 5
"""Recalculation needs an absence of *more than* 5 full calendar days in a row (ПП 354, п. 86)."""

_ONE_DAY = timedelta(days=1)
_PERSON_RULES = CHOICES["person_count"]
_ABSENCE_RULES = ("exclude_travel_days", "include_travel_days")


def person_days(stays: Sequence[DateInterval], period: Period) -> int:
    """Σ over ``stays`` of the days each lies inside ``period`` (each stay is one person's presence, half-open;
    an open end means «по настоящее время»). Each stay clipped to the month's ``[first_day, end)`` by its dates (what
    ``DateInterval.clip_to`` gives, without an interval made per stay: a month of a town counts 45 000 stays)."""
    first, end = period.first_day, period.end
    total = 0
    for stay in stays:
        start = stay.start if stay.start > first else first
        stop = end if stay.end is None or stay.end > end else stay.end
        if stop > start:
            total += (stop - start).days
    return total


def merged_stays(stays: Sequence[DateInterval]) -> list[DateInterval]:
    """One person's stays in one premises as the days they are there: overlapping or touching records merged (a
    temporary registration with a permanent one over the same days, an imported duplicate) — a person resides once
    whatever the number of their registrations (ПП 354 п. 56(1)).

    >>> merged_stays([DateInterval(date(2026, 9, 1), date(2027, 9, 1)), DateInterval(date(2026, 10, 1))])
    [DateInterval(start=datetime.date(2026, 9, 1), end=None)]
    """
    out: list[DateInterval] = []
    for stay in sorted(stays, key=lambda s: s.start):
        last = out[-1] if out else None
        if last is not None and (last.end is None or stay.start <= last.end):
            end = None if last.end is None or stay.end is None else max(last.end, stay.end)
            out[-1] = DateInterval(last.start, end)
        else:
            out.append(stay)
    return out


@decimal_math
def resident_count(stays: Sequence[DateInterval], period: Period, *, rule: str = DEFAULTS.person_count) -> Decimal:
    """Число проживающих за месяц n_i (ПП 354, п. 56(1); prorating by days — DOMAIN.md §1.4 [P]).

    ``stays`` are the residence intervals ``[from, to)`` of persons (registrations and acts of residence; one
    interval per person and stay — the caller merges a person's overlapping records). "person_days":
    n = Σ person-days in the month / days in the month (a person moving in on 16.06 counts 15/30 = 0.5 in June);
    "month_start": the number of stays covering the 1st of the month. No stays → 0.

    The person-days quotient may be a repeating fraction (17/30); it is exact to 34 digits, which a kopeck never
    notices except on an exact half-kopeck tie.
    """
    if rule == "person_days":
        return Decimal(person_days(stays, period)) / period.days
    if rule == "month_start":
        return Decimal(sum(1 for stay in stays if stay.contains(period.first_day)))
    raise InvalidValue("правило подсчёта проживающих: person_days или month_start", value=rule)


def absent_interval(departure: date, arrival: date, *, rule: str = DEFAULTS.absence_days) -> DateInterval | None:
    """The days of a temporary absence counted by ``rule`` as ``[start, end)`` (ПП 354, п. 86, п. 92 [U: wording];
    DOMAIN.md §2.1): "exclude_travel_days" (default) — the full days strictly between ``departure`` and ``arrival``;
    "include_travel_days" — both travel days too. None when no day counts; arrival before departure raises
    ``InvalidValue``."""
    for name, value in (("departure", departure), ("arrival", arrival)):
        if not isinstance(value, date):
            raise TypeError(f"{name}: ожидается date, получено {type(value).__name__}")
    if arrival < departure:
        raise InvalidValue(f"дата возвращения раньше даты выезда ({format_date_ru(departure)})",
                           value=format_date_ru(arrival))
    if rule == "exclude_travel_days":
        start, end = departure + _ONE_DAY, arrival
    elif rule == "include_travel_days":
        start, end = departure, arrival + _ONE_DAY
    else:
        raise InvalidValue("правило подсчёта дней отсутствия: exclude_travel_days или include_travel_days",
                           value=rule)
    return DateInterval(start, end) if end > start else None


def absent_days(
    departure: date, arrival: date, period: Period | None = None, *, rule: str = DEFAULTS.absence_days
) -> int:
    """Дни временного отсутствия в месяце (ПП 354, п. 86, п. 92 [U: wording]; DOMAIN.md §2.1, G8).

    "exclude_travel_days" (default): the full days strictly between ``departure`` and ``arrival`` — left 05.06,
    returned 18.06 → 06.06–17.06 = 12 days; "include_travel_days": both travel days count too. The days are
    clipped to ``period``; without a period the whole absence is counted (for ``absence_eligible``). Arrival
    before departure raises ``InvalidValue``.
    """
    absence = absent_interval(departure, arrival, rule=rule)
    if absence is None:
        return 0
    if period is None:
        return absence.days or 0
    clipped = absence.clip_to(period)
    return 0 if clipped is None else clipped.days or 0


def absent_days_in_stays(absences: Sequence[DateInterval], stays: Sequence[DateInterval], period: Period) -> int:
    """The days of ``period`` one person is absent (``absences``, from ``absent_interval``) while counted as residing
    in a premises (``stays``: the person's registrations there): a day of two overlapping absences is one day, and a
    day outside the stays — before the registration, after снятие с учёта — is no day of that premises, whose
    residents did not count the person then (ПП 354, п. 56(1), 86; DOMAIN.md §2.1: the absent person's days).

    >>> june = Period(2026, 6)
    >>> absent_days_in_stays([DateInterval(date(2026, 6, 6), date(2026, 6, 18)),
    ...                       DateInterval(date(2026, 6, 10), date(2026, 6, 25))],
    ...                      [DateInterval(date(2020, 1, 1), date(2026, 6, 20))], june)
    14
    """
    days = 0
    for absence in merged_stays(absences):
        for stay in merged_stays(stays):
            start = max(absence.start, stay.start, period.first_day)
            ends = [e for e in (absence.end, stay.end, period.end) if e is not None]
            days += max(0, (min(ends) - start).days)
    return days


def absence_eligible(total_days: int) -> bool:
    """Is the absence long enough for a recalculation? More than 5 full calendar days in a row (ПП 354, п. 86).

    ``total_days`` is the whole absence (``absent_days(departure, arrival)`` without a period): 5 → False, 6 → True.
    """
    if type(total_days) is not int or total_days < 0:
        raise InvalidValue("число дней отсутствия — целое неотрицательное", value=total_days)
    return total_days > ABSENCE_MIN_DAYS
