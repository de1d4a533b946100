"""Показания ИПУ за период: какой месяц закрывает показание, п. 61 (распределение по дням) и п. 59 (история для
среднего) — pure functions over one meter's readings.

Rules (ПП 354; DOMAIN.md §1.3, §1.6; EXCHANGE.md ``readings[].period``):

* **Which month a reading closes**: the period it names, else the month of its date (``reading_period``); of two
  readings closing one month, the later (by date) counts — the caller keeps the last.
* **The month's opening and closing values**: the last reading of an earlier month (else the meter's initial
  values) opens it, this month's reading closes it.
* **п. 61, a reading after a gap** (months without readings before it): its volume since the last reading is spread
  over the months it closes by days, and this month takes its days' part (``spread_gap``).
* **п. 61, a month billed by the average and settled later**: when a later reading exists, the month's volume is its
  days' part of that reading's volume since the last reading before the month (``settle_by_later``), so the
  recalculation posts the difference.
* **п. 59, the history for the average**: monthly volumes (all zones together) of the latest months with actual
  readings, a reading after a gap counting for each month it closed (``monthly_history``); at most
  ``HISTORY_MONTHS``.
* **п. 59 «а»**: a meter whose verification expired before the period is out of order and its readings are not
  accepted; periods without readings count from the expiry. So is a meter with a fault before the period (until a
  verification after it). A meter removed within the period without a reading for it is out of order too.
* **A replacement**: the new meter's history for the average begins with the replaced meter's (one measuring point).
  In the month of the replacement the old meter's final reading closes the month; the new meter, unread yet, adds
  nothing then — its first reading counts from its initial values, the days after the replacement included.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from bcenter.core.period import Period
from bcenter.core.vocabulary import ZONES
from bcenter.engine.basis import MeterState

__all__ = ["HISTORY_MONTHS", "NOT_READ", "READ_MONTHS", "History", "MeterFacts", "Reading", "enough_history",
           "meter_state", "monthly_history", "reading_period", "recent_suffice", "settle_by_later", "spread_gap"]

HISTORY_MONTHS = 6
"""п. 59 ПП 354: the average of at most the last 6 months."""

READ_MONTHS = HISTORY_MONTHS + 4
"""How many months before the period a month's gathering reads readings of (``enough_history`` says when a meter
needs more: its readings leave gaps in them). A meter read every month needs ``HISTORY_MONTHS`` + 2 of them; the
rest is room for a few months without readings."""

ZERO = Decimal(0)
Values = Mapping[str, Decimal]
_month = lru_cache(maxsize=4096)(Period.parse)  # a town's readings name the same few dozen months


def reading_period(named: str | None, day: date | str) -> str:
    """The month («ГГГГ-ММ») a reading closes: the period named in it, else the month of its date."""
    return named or str(day)[:7]


class Reading(NamedTuple):
    """A reading as stored: its zone values in ``ZONES`` order (text or numbers, None for unused zones) and whether
    it is confirmed as having gone over zero. Values are converted only when a month needs them. (A named tuple:
    a month's gathering makes one per reading it reads, and a tuple is made three times faster than a frozen
    dataclass.)"""

    values: Sequence
    rollover: bool = False

    def decimals(self) -> dict[str, Decimal]:
        return {z: Decimal(str(v)) for z, v in zip(ZONES, self.values) if v is not None}


@dataclass(frozen=True, slots=True)
class MeterFacts:
    """What a meter is, apart from its readings.

    Attributes:
        key, resource, zones, digits: as in ``MeterState``.
        verified_until: the end of the verification interval, or None.
        removed: the day the meter was removed, or None.
        initial: the values it was installed with, by zone.
        failed: the day a fault put it out of order (a fault not followed by a verification), or None.
        replaces: the key of the meter it replaced (the same measuring point), or None.
        prior_history: the replaced meter's monthly volumes, oldest first: the average of the new meter uses both
            meters' history (п. 59: the average over the last months, whichever meter measured them).
        installed: the day it was installed (a replacing meter's first month: see ``meter_state``).
    """

    key: str
    resource: str
    zones: int
    digits: int
    verified_until: date | None = None
    removed: date | None = None
    initial: Values = field(default_factory=dict)
    failed: date | None = None
    replaces: str | None = None
    prior_history: tuple[Decimal, ...] = ()
    installed: date | None = None


def _days(first: Period, last: Period) -> Decimal:
    """Days from the first day of ``first`` to the last day of ``last``."""
    return Decimal((last.end - first.first_day).days)


def spread_gap(previous: Values, current: Values, *, this_days: Decimal, gap_days: Decimal) -> dict[str, Decimal]:
    """п. 61: the opening values of a month closed by a reading that also closes the months before it (a gap of
    ``gap_days`` days in all, this month's ``this_days`` of them): the reading's volume since ``previous`` is
    spread by days, this month takes its share — opening = current − (current − previous) × share."""
    share = this_days / gap_days
    return {z: v - (v - previous.get(z, ZERO)) * share for z, v in current.items()}


def settle_by_later(base: Values, later: Values, *, before_days: Decimal, this_days: Decimal,
                    span_days: Decimal) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """п. 61: a month billed by the average, settled by a later reading: the volume from ``base`` (the last reading
    before the month) to ``later`` is spread over ``span_days`` by days; the month opens after ``before_days`` and
    closes after ``before_days + this_days``. Returns (opening, closing) values."""
    opening = {z: base.get(z, ZERO) + (v - base.get(z, ZERO)) * before_days / span_days for z, v in later.items()}
    closing = {z: base.get(z, ZERO) + (v - base.get(z, ZERO)) * (before_days + this_days) / span_days
               for z, v in later.items()}
    return opening, closing


def monthly_history(chain: Sequence[tuple[Period | None, Values]], *, digits: int | None = None) -> list[Decimal]:
    """п. 59: monthly volumes (all zones together) along a chain of readings, oldest first; a reading closing several
    months counts its volume / months for each of them. ``(None, initial)`` may open the chain (one month).
    ``digits``: the counter's integer positions — a zone that went down between counted readings went over zero (a
    counted reading goes down only as a confirmed rollover) and used 10^digits − before + after (DOMAIN.md §1.3)."""
    history: list[Decimal] = []
    for (p0, before), (p1, after) in pairwise(chain):
        months = (p1 - p0) if p0 is not None else 1
        delta = sum((_over_zero(before, after, digits)[z] - before.get(z, ZERO) for z in after), ZERO)
        history.extend([delta / months] * months)
    return history


def _over_zero(before: Values, after: Values, digits: int | None) -> Values:
    """``after`` with each zone below ``before`` lifted by 10^digits (the counter went over zero): the values
    differences, spreads and settlements take; unchanged without ``digits`` or when nothing went down."""
    if digits is None or all(v >= before.get(z, ZERO) for z, v in after.items()):
        return after
    top = Decimal(10) ** digits
    return {z: v + top if v < before.get(z, ZERO) else v for z, v in after.items()}


class History(Sequence):
    """A meter's monthly volumes for the average (``monthly_history`` of its last readings after the replaced meter's
    ``prior``; the last ``HISTORY_MONTHS``), worked out when first read: most months a meter has its reading and
    its average is never asked for (a month of a 20 000-account town: 55 000 meters, a tenth of the gathering).
    Equal to the tuple of its volumes."""

    __slots__ = ("_prior", "_initial", "_readings", "_months", "_values", "_digits")

    def __init__(self, prior: Sequence[Decimal], initial: Values | None, readings: list[Reading],
                 months: list[Period], digits: int | None = None):
        self._prior, self._initial, self._readings, self._months = prior, initial, readings, months
        self._digits = digits
        self._values: tuple[Decimal, ...] | None = None

    def values(self) -> tuple[Decimal, ...]:
        if self._values is None:
            chain = ([] if self._initial is None else [(None, self._initial)]) + [
                (m, r.decimals()) for m, r in zip(self._months, self._readings)]
            self._values = tuple((list(self._prior) + monthly_history(chain, digits=self._digits))[-HISTORY_MONTHS:])
            self._readings = self._months = ()
        return self._values

    def __getitem__(self, index):
        return self.values()[index]

    def __len__(self) -> int:
        return len(self.values())

    def __iter__(self):
        return iter(self.values())

    def __eq__(self, other) -> bool:
        return tuple(self) == (other.values() if isinstance(other, History) else other)

    def __hash__(self) -> int:
        return hash(self.values())

    def __repr__(self) -> str:
        return repr(self.values())


def enough_history(readings: Mapping[str, Reading], period: Period) -> bool:
    """Whether the readings of the months from ``period − READ_MONTHS`` on give ``meter_state`` all it reads of a
    meter's history, so that the older ones need not be read: ``HISTORY_MONTHS`` + 1 earlier months (the last
    reading before the period and the chain of the average) and one more month before them (it tells that the
    meter's initial values do not open the chain). Every month after the period is among them anyway."""
    first = str(period - READ_MONTHS)
    text = str(period)
    return sum(1 for k in readings if first <= k < text) >= HISTORY_MONTHS + 2


class _NotRead(Sequence):
    """The history of a meter whose older readings were not read (``recent_suffice``): the month never asks for it,
    and a caller that did would be wrong — so asking raises instead of answering with a short history."""

    __slots__ = ()

    def __getitem__(self, index):
        raise LookupError("история показаний прибора не прочитана (recent_suffice): среднее по ней не считается")

    def __len__(self) -> int:
        raise LookupError("история показаний прибора не прочитана (recent_suffice): среднее по ней не считается")

    def __repr__(self) -> str:
        return "NOT_READ"


NOT_READ = _NotRead()
"""``MeterState.history`` of a meter gathered from its recent readings only (``recent_suffice``)."""


def recent_suffice(meter: MeterFacts, readings: Mapping[str, Reading], period: Period) -> bool:
    """Whether the counted readings of the month before ``period`` and after (``readings``: every reading closing
    those months) give ``meter_state`` all the month asks of this meter, so its older readings need not be read.

    They do when the meter has a counted reading for the month before and one for the period, is in order through
    the period (verification not expired, no fault before it, not removed: п. 59 «а») and replaces no other meter:
    then its opening values are the month before's reading, no gap is spread (п. 61) and its history is never
    asked — a premises whose meters *all* qualify is billed by their readings, and only the average (п. 59) reads
    a history. The caller asks it of every meter of a premises: one meter short of its reading makes the average of
    them all, so the premises is read whole."""
    start = period.first_day
    return (str(period) in readings and str(period - 1) in readings and meter.replaces is None
            and meter.removed is None and (meter.failed is None or meter.failed >= start)
            and (meter.verified_until is None or meter.verified_until >= start))


def meter_state(meter: MeterFacts, readings: Mapping[str, Reading], period: Period, *,
                unused: tuple[str, ...] = (), with_history: bool = True) -> MeterState:
    """The meter over ``period`` (``MeterState``) from its counted readings by the month they close («ГГГГ-ММ» → the
    last reading closing it), with п. 59 and п. 61 applied (module docstring); ``unused``: the period's readings the
    validation rules kept out, in words. ``with_history=False``: only the readings of the month before and after were
    read (``recent_suffice`` holds) — the state's history is ``NOT_READ``."""
    text = str(period)
    keys = sorted(readings)
    at = bisect_left(keys, text)
    current = readings.get(text)
    earlier = keys[:at]
    later = keys[at + 1:] if current else keys[at:]
    last = _month(earlier[-1]) if earlier else None
    previous = readings[earlier[-1]].decimals() if earlier else meter.initial
    current_values = current.decimals() if current else None
    if (current_values is None and meter.replaces is not None and not earlier and meter.installed is not None
            and meter.installed >= period.first_day):
        # the month a meter was replaced in: the old meter's final reading closes its part; the new one's part from
        # its initial values is billed with its first reading (which then counts from the installation)
        current_values = dict(previous)
    expired = meter.verified_until is not None and meter.verified_until < period.first_day
    failed = meter.failed is not None and meter.failed < period.first_day
    if last is not None and not expired and not failed:
        # a confirmed rollover spread or settling by days: its values over zero (+10^digits), so the parts add up
        if current_values is not None and period - last > 1:
            if current is not None and current.rollover:
                current_values = dict(_over_zero(previous, current_values, meter.digits))
            previous = spread_gap(previous, current_values, this_days=_days(period, period),
                                  gap_days=_days(last + 1, period))
        elif current_values is None and later:
            following = readings[later[0]]
            previous, current_values = settle_by_later(
                previous, _over_zero(previous, following.decimals(), meter.digits if following.rollover else None),
                before_days=_days(last + 1, period - 1) if period - last > 1 else ZERO,
                this_days=_days(period, period), span_days=_days(last + 1, _month(later[0])))
    # the average needs the last 6 months: the last 7 readings close at least that many (each closes ≥ 1)
    if with_history:
        window = earlier[-(HISTORY_MONTHS + 1):]
        history = History(meter.prior_history, None if len(window) < len(earlier) else meter.initial,
                          [readings[k] for k in window], [_month(k) for k in window], meter.digits)
    else:
        history = NOT_READ
    without = 0 if current_values is not None else (period - last if last else 1)
    if expired:  # readings of a meter out of verification are not accepted (п. 59 «а»): count from the expiry
        without = max(without, period - Period.of(meter.verified_until))
    if failed:  # a meter out of order (п. 59 «а»): count from the fault
        without = max(without, period - Period.of(meter.failed))
    removed_unread = meter.removed is not None and meter.removed < period.end and current is None
    return MeterState(key=meter.key, resource=meter.resource, zones=meter.zones, digits=meter.digits,
                      previous=previous, current=current_values, history=history,
                      periods_without=without, broken=expired or failed or removed_unread,
                      rollover=bool(current and current.rollover), unused=unused, replaces=meter.replaces)
