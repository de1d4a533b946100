"""Пени за просрочку оплаты ЖКУ (ч. 14 и 14.1 ст. 155 ЖК РФ; DOMAIN.md §3.1–3.5, golden case G12).

One ``Obligation`` is one billing period's charge (per service, or for the whole period when ``service`` is None),
due on ``due`` (``bcenter.engine.due``). Day ``k`` of the delay is ``due + k`` calendar days.

* Standard (ч. 14 ст. 155): days 1–30 — nothing (grace); days 31–90 — debt × rate / 300 per day; from day 91 —
  debt × rate / 130 per day.
* Capital repair (ч. 14.1 ст. 155): debt × rate / 300 per day from day 1, no grace, no 1/130 step.
* ``debt`` on a day is the part of the charge not yet repaid; a repayment still leaves its amount owed on the day
  it is made and reduces the debt from the next day («по день фактической оплаты» read as inclusive [P]).
  A repayment on or before the due day bears nothing.
* Moratorium days (ПП 424, ПП 497; ``RateTable.in_moratorium``) accrue nothing but still count towards the 30/90-day
  thresholds — the counter is calendar-based [P]. Whether ПП 497 covers a debt is decided by ``Obligation.arose``:
  by default the first overdue day ``due + 1`` («задолженность, возникшая до 01.04.2022» — the debt exists once
  the payment is late) [U: practice varies; pass ``arose`` to use another reading, e.g. the period's last day].
* Rate — «ставки рефинансирования, действующей на день фактической оплаты» (DOMAIN.md §3.2, [U] reading): each
  repaid portion bears ``RateTable.effective_rate`` of the day it was repaid, for every overdue day it was owed;
  the part still unpaid on ``as_of`` bears the effective rate of ``as_of`` (the calculation date — as a court
  takes the rate of the judgment date, Пленум ВС № 22 п. 39). So one day may carry portions at different rates:
  portions with equal rates are added into one debt, each distinct rate gives its own rows. With one rate
  throughout (every year under the 9.5 % cap with the key rate above it, as in G12) the rows are the familiar
  table of a falling debt.
* Rows: consecutive days with equal (debt, rate, fraction, reason) form a row. Grace and moratorium days are
  returned too, as rows with ``fraction="0"``, ``amount=0`` and ``zero_reason`` ``"grace"`` / ``"moratorium"``
  (a grace day inside a moratorium is ``"grace"``), so the table shows the whole delay as DOMAIN.md G12 does.
* Rounding (``settings.penalty_rounding``): ``"per_interval"`` [P, default] — each row is rounded half up to the
  kopeck, ``to_kop(debt × days × rate / 100 / denominator)``, and the penalty is the sum of rows; ``"total"`` —
  the exact row amounts are summed and rounded once, and that total is spread back over the rows by the largest
  remainder (``allocate``), so rows still add up to the total and each is within a kopeck of its exact amount.

Payments are applied to periods by ``bcenter.engine.payments`` (``to_repayments``); this module only receives the
result as ``Repayment`` rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple
from datetime import date, timedelta
from decimal import Decimal

from bcenter.core.errors import InvalidValue
from bcenter.core.money import allocate, decimal_context, kop_to_rub, to_kop
from bcenter.core.period import Period
from bcenter.core.settings import DEFAULTS
from bcenter.engine.rates import RateTable
from bcenter.engine.guards import check_date as _check_date, check_kop as _check_kop

__all__ = [
    "FRACTION_CHANGE_DAY",
    "GRACE_DAYS",
    "OBLIGATION_KINDS",
    "ROUNDING_POLICIES",
    "Obligation",
    "PenaltyRow",
    "Repayment",
    "Tail",
    "penalty_continued",
    "cut_between",
    "make_tail",
    "run_amount",
    "run_continued",
    "run_share",
    "penalty_rows",
    "penalty_with_tail",
    "penalty_total",
]

GRACE_DAYS = 30
"""ч. 14 ст. 155: penalties start «с тридцать первого дня, следующего за днем наступления установленного срока»."""

FRACTION_CHANGE_DAY = 90
"""ч. 14 ст. 155: 1/300 up to the 90th day, 1/130 «начиная с девяносто первого дня»."""

OBLIGATION_KINDS = ("standard", "capital_repair")
ROUNDING_POLICIES = ("per_interval", "total")

_ONE_DAY = timedelta(days=1)
_DENOMINATORS = {"1/300": 300, "1/130": 130}




@dataclass(frozen=True, slots=True)
class Obligation:
    """One period's charge that may bear penalties.

    Attributes:
        period: the billing month charged.
        service: the service key, or None for the whole period (all services together).
        amount: kopecks charged (≤ 0: nothing to bear penalties).
        due: the last day to pay (``due_date``); day 1 of the delay is the next day.
        kind: ``"standard"`` (ч. 14 ст. 155) or ``"capital_repair"`` (ч. 14.1 ст. 155).
        arose: the day the debt arose, for moratoria limited to earlier debts (ПП 497); None — ``due + 1``.
    """

    period: Period
    service: str | None
    amount: int
    due: date
    kind: str = "standard"
    arose: date | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.period, Period):
            raise TypeError(f"Obligation.period: ожидается Period, получено {type(self.period).__name__}")
        _check_kop(self.amount, "Obligation.amount")
        _check_date(self.due, "Obligation.due")
        if self.arose is not None:
            _check_date(self.arose, "Obligation.arose")
        if self.kind not in OBLIGATION_KINDS:
            raise InvalidValue("вид обязательства: standard или capital_repair", value=self.kind)

    @property
    def debt_arose(self) -> date:
        """``arose`` if given, else the first overdue day."""
        return self.arose if self.arose is not None else self.due + _ONE_DAY


@dataclass(frozen=True, slots=True)
class Repayment:
    """Money already applied to an obligation's period (by ``bcenter.engine.payments``).

    Attributes:
        day: the day of actual payment.
        amount: kopecks, > 0.
        period: the billing month it was applied to.
        service: the service it was applied to, or None when the payment was applied to the period as a whole
            (then it can only match an obligation whose ``service`` is None).
    """

    day: date
    amount: int
    period: Period
    service: str | None

    def __post_init__(self) -> None:
        _check_date(self.day, "Repayment.day")
        _check_kop(self.amount, "Repayment.amount")
        if self.amount <= 0:
            raise InvalidValue("сумма погашения должна быть положительной", value=self.amount)
        if not isinstance(self.period, Period):
            raise TypeError(f"Repayment.period: ожидается Period, получено {type(self.period).__name__}")


@dataclass(frozen=True, slots=True)
class PenaltyRow:
    """A run of days with the same debt, rate and fraction (one line of the penalty table).

    Attributes:
        period: the obligation's billing month.
        service: the obligation's service (None for a whole period).
        start: the first day of the run.
        end: the last day of the run, inclusive (as people read penalty tables; EXCHANGE.md ``penalties``).
        days: ``end - start + 1``.
        debt: kopecks owed on each of these days (at this rate).
        rate: the effective rate in percent per year (``RateTable.effective_rate``).
        fraction: ``"1/300"``, ``"1/130"``, or ``"0"`` on grace and moratorium days.
        amount: kopecks of penalty for the run (0 when ``fraction`` is ``"0"``).
        zero_reason: ``"grace"`` (days 1–30), ``"moratorium"``, or None when the run accrues.
        supplier: the charge line's supplier, when the row is of one (``position.penalty_rows``: a service that
            changed supplier within a month owes each its own penalty).
    """

    period: Period
    service: str | None
    start: date
    end: date
    days: int
    debt: int
    rate: Decimal
    fraction: str
    amount: int
    zero_reason: str | None = None
    supplier: str | None = None

    def exact_amount(self) -> Decimal:
        """The unrounded penalty in rubles: debt × days × rate / 100 / denominator (0 for a ``"0"`` row)."""
        denominator = _DENOMINATORS.get(self.fraction)
        if denominator is None:
            return Decimal(0)
        with decimal_context():
            return kop_to_rub(self.debt) * self.days * self.rate / 100 / denominator


def penalty_total(rows: Iterable[PenaltyRow]) -> int:
    """Kopecks of penalty: the sum of the rows' amounts (already rounded by the chosen policy)."""
    return sum(row.amount for row in rows)


def penalty_rows(
    obligation: Obligation,
    repayments: Iterable[Repayment],
    *,
    rates: RateTable,
    as_of: date,
    rounding: str = DEFAULTS.penalty_rounding,
) -> list[PenaltyRow]:
    """The penalty table of one obligation from its first overdue day to ``as_of`` inclusive (module docstring).

    ``repayments`` may hold rows of other periods and services: only those for ``obligation.period`` (and its
    ``service``, when it has one) made on or before ``as_of`` count, oldest first, up to the amount charged.
    Rows come ordered by start day (rows of different rates on the same days: the earlier-repaid portion first).
    """
    runs = _runs(obligation, repayments, rates=rates, as_of=as_of, rounding=rounding)
    if not runs:
        return []
    amounts = _amounts(runs, rounding)
    period, service = obligation.period, obligation.service
    return [
        PenaltyRow(period, service, start, end, (end - start).days + 1, debt, rate, fraction, amount, reason)
        for (start, end, debt, rate, fraction, reason), amount in zip(runs, amounts)
    ]


class Tail(NamedTuple):
    """The last run of an obligation's unpaid part as of a day — all that a later day's table can change while the
    obligation has no new repayment and the rate of the unpaid part stays the same (``penalty_continued``).

    Attributes:
        start: the run's first day.
        debt: its debt (the unpaid rest, plus a portion repaid on ``as_of`` itself at the same rate).
        unpaid: the rest still unpaid on ``as_of``.
        rate: the rate of that rest (``RateTable.effective_rate(as_of)``).
        amount: the run's kopecks (per-interval rounding).
        as_of: the day the table was computed for.
        fraction: the run's fraction (``"1/300"``, ``"1/130"``, ``"0"``).

    A named tuple: a close keeps one per open line of every account (``bcenter.engine.carry``).
    """

    start: date
    debt: int
    unpaid: int
    rate: Decimal
    amount: int
    as_of: date
    fraction: str


def penalty_with_tail(obligation: Obligation, repayments: Iterable[Repayment], *, rates: RateTable, as_of: date,
                      rounding: str = DEFAULTS.penalty_rounding) -> tuple[int, Tail | None]:
    """Kopecks of penalty of one obligation as of ``as_of`` — ``penalty_total(penalty_rows(...))`` without building
    the rows (a close sums thousands of obligations) — and, with per-interval rounding and a part still unpaid, the
    ``Tail`` a later day continues from."""
    repayments = list(repayments)
    runs = _runs(obligation, repayments, rates=rates, as_of=as_of, rounding=rounding)
    if not runs:
        return 0, None
    amounts = _amounts(runs, rounding)
    total = sum(amounts)
    if rounding != "per_interval":
        return total, None
    left = obligation.amount
    for repayment in repayments:
        if repayment.period == obligation.period and repayment.day <= as_of and (
                obligation.service is None or repayment.service == obligation.service):
            left -= min(left, repayment.amount)
    if left <= 0:
        return total, None
    rate = rates.effective_rate(as_of)
    for (start, end, debt, run_rate, fraction, _reason), amount in zip(runs, amounts):
        if end == as_of and run_rate == rate:
            return total, Tail(start, debt, left, rate, amount, as_of, fraction)
    return total, None


make_tail = partial(tuple.__new__, Tail)
"""A ``Tail`` from a tuple of its fields, without the named tuple's Python-level ``__new__`` (a close makes one for
every open line of every debtor)."""


def penalty_continued(obligation: Obligation, total: int, tail: Tail, *, rates: RateTable, as_of: date,
                      ) -> tuple[int, Tail] | None:
    """The penalty as of a later day from the one of ``tail.as_of`` (``total``) and its ``tail`` — per-interval
    rounding, and only when nothing of the obligation was repaid after ``tail.as_of`` (the caller knows) and the
    unpaid part's rate is the same on both days; else None (compute the whole table).

    Every run that starts before the tail's is the same on both days (the cuts before it are the same, and a run
    that ended before it differed from it), so the later table is the earlier one with its tail's run replaced by
    the runs from the tail's first day: a portion repaid on ``tail.as_of`` (``debt − unpaid``) until that day, the
    unpaid rest until the new one."""
    if as_of <= tail.as_of or rates.effective_rate(as_of) != tail.rate:
        return None
    found = run_continued(total, tail, due=obligation.due, kind=obligation.kind, arose=obligation.arose,
                          rates=rates, as_of=as_of)
    if found is not None:
        return found
    if tail.debt == tail.unpaid:  # one debt from the tail's first day on: the runs' days are those of a kopeck
        key = ("continued", obligation.due, obligation.kind, obligation.debt_arose, tail.start, as_of)
        shape = rates._shapes.get(key)
        if shape is None:  # the same for every open line of that due day whose tail starts that day
            one = Obligation(obligation.period, obligation.service, 1, obligation.due, obligation.kind,
                             obligation.arose)
            shape = rates._shapes[key] = _lane_runs(one, [(as_of, 1)], rates=rates, as_of=as_of, first=tail.start)
        debt = tail.unpaid
        runs = [(start, end, debt, rate, fraction, reason) for start, end, _one, rate, fraction, reason in shape]
    else:
        portions = [(close, amount) for close, amount in ((tail.as_of, tail.debt - tail.unpaid),
                                                          (as_of, tail.unpaid)) if amount > 0]
        runs = _lane_runs(obligation, portions, rates=rates, as_of=as_of, first=tail.start)
    amounts = _amounts(runs, "per_interval")
    for (start, end, debt, _rate, fraction, _reason), amount in zip(runs, amounts):
        if end == as_of:
            return (total - tail.amount + sum(amounts),
                    Tail(start, debt, tail.unpaid, tail.rate, amount, as_of, fraction))
    return None


def run_continued(total: int, tail: Tail, due: date, kind: str, arose: date | None, rates: RateTable,
                  as_of: date) -> tuple[int, Tail] | None:
    """``penalty_continued`` in the usual month, told by the obligation's due day, kind and ``arose`` alone (a
    close asks it of every open line of every debtor, so it builds nothing it does not return): the tail's run goes
    on to ``as_of`` with the same debt and fraction — nothing repaid on ``tail.as_of``, no fraction or moratorium
    starting in between — and its kopecks are computed again for the longer run (per-interval rounding, half up).
    None when that is not the case; the caller checks ``as_of`` > ``tail.as_of`` and that the rate is the same."""
    share = run_share(tail.start, tail.rate, tail.fraction, as_of)
    if share is None or tail.debt != tail.unpaid or cut_between(due, kind, arose, tail.as_of, as_of, rates=rates):
        return None
    amount = run_amount(tail.debt, share)
    return total - tail.amount + amount, make_tail((tail.start, tail.debt, tail.unpaid, tail.rate, amount, as_of,
                                                    tail.fraction))


def run_share(start: date, rate: Decimal, fraction: str, as_of: date) -> tuple[int, int] | None:
    """What a run of penalty from ``start`` to ``as_of`` inclusive at ``rate`` and ``fraction`` bears per kopeck of
    debt, as (numerator, divisor) of integers — for ``run_amount`` — or None for a fraction «0» (grace, moratorium).
    ч. 14 ст. 155 ЖК РФ: debt × days × rate / 100 / denominator."""
    denominator = _DENOMINATORS.get(fraction)
    if denominator is None:
        return None
    top, bottom = _ratio(rate)
    return ((as_of - start).days + 1) * top, 100 * denominator * bottom


def run_amount(debt: int, share: tuple[int, int]) -> int:
    """The run's kopecks for a debt (``run_share``), rounded half up per interval."""
    numerator, divisor = share
    return (2 * debt * numerator + divisor) // (2 * divisor)


def cut_between(due: date, kind: str, arose: date | None, before: date, after: date, *, rates: RateTable) -> bool:
    """Whether a day in (before, after] starts another fraction or a moratorium for an obligation of that due day,
    kind and ``arose`` (then a run cannot simply go on: ``run_continued``): the 31st and the 91st day of the delay (ч. 14), a moratorium's first day or the day after
    it. Kept per table: the obligations of a month share their due day, and a close asks it of every open one."""
    key = (due, kind, arose, before, after)
    found = rates._cuts.get(key)
    if found is None:
        cuts = [due + timedelta(days=GRACE_DAYS + 1),
                due + timedelta(days=FRACTION_CHANGE_DAY + 1)] if kind == "standard" else []
        for moratorium in rates.moratoria_for(arose if arose is not None else due + _ONE_DAY):
            cuts += (moratorium.start, moratorium.end)
        found = rates._cuts[key] = any(before < cut <= after for cut in cuts)
    return found


def _runs(obligation: Obligation, repayments: Iterable[Repayment], *, rates: RateTable, as_of: date, rounding: str
          ) -> list[tuple[date, date, int, Decimal, str, str | None]]:
    """The rows of the penalty table without their amounts: (start, end, debt, rate, fraction, zero reason), by
    start day (rows of different rates on the same days: the earlier-repaid portion first)."""
    _check_date(as_of, "as_of")
    if rounding not in ROUNDING_POLICIES:
        raise InvalidValue("округление пеней: per_interval или total", value=rounding)
    if not isinstance(rates, RateTable):
        raise TypeError(f"rates: ожидается RateTable, получено {type(rates).__name__}")
    first = obligation.due + _ONE_DAY
    if obligation.amount <= 0 or as_of < first:
        return []

    portions = _portions(obligation, repayments, as_of=as_of, first=first)
    if len(portions) == 1 and portions[0][0] == as_of:  # nothing repaid after the due day: one debt throughout
        key = ("unpaid", obligation.due, obligation.kind, obligation.debt_arose, as_of)
        shape = rates._shapes.get(key)
        if shape is None:  # the same for every obligation of that due day and kind: computed once per table
            one = Obligation(obligation.period, obligation.service, 1, obligation.due, obligation.kind,
                             obligation.arose)
            shape = rates._shapes[key] = _lane_runs(one, [(as_of, 1)], rates=rates, as_of=as_of, first=first)
        debt = portions[0][1]
        return [(start, end, debt, rate, fraction, reason) for start, end, _one, rate, fraction, reason in shape]
    return _lane_runs(obligation, portions, rates=rates, as_of=as_of, first=first)


def _lane_runs(obligation: Obligation, portions: Sequence[tuple[date, int]], *, rates: RateTable, as_of: date,
               first: date) -> list[tuple[date, date, int, Decimal, str, str | None]]:
    lanes = _lanes(portions, rates=rates, as_of=as_of)
    if not lanes:
        return []
    debt_arose = obligation.debt_arose
    standard = obligation.kind == "standard"
    cuts = {first, as_of + _ONE_DAY}
    if standard:
        cuts.update((obligation.due + timedelta(days=GRACE_DAYS + 1),
                     obligation.due + timedelta(days=FRACTION_CHANGE_DAY + 1)))
    moratoria = rates.moratoria_for(debt_arose)
    for moratorium in moratoria:
        cuts.update((moratorium.start, moratorium.end))
    for _rate, closes in lanes:
        cuts.update(close + _ONE_DAY for close, _amount in closes)
    points = sorted(cut for cut in cuts if first <= cut <= as_of + _ONE_DAY)

    runs: list[list] = []  # [lane index, start, end, debt, rate, fraction, reason]
    open_run: dict[int, list] = {}
    for start, stop in itertools.pairwise(points):
        fraction, reason = _fraction(obligation, start, standard=standard, moratoria=moratoria)
        for index, (rate, closes) in enumerate(lanes):
            debt = sum(amount for close, amount in closes if close >= start)
            if debt <= 0:
                continue
            run = open_run.get(index)
            if run is not None and run[2] + _ONE_DAY == start and (run[3], run[5], run[6]) == (debt, fraction, reason):
                run[2] = stop - _ONE_DAY
                continue
            run = [index, start, stop - _ONE_DAY, debt, rate, fraction, reason]
            open_run[index] = run
            runs.append(run)
    runs.sort(key=lambda r: (r[1], r[0]))
    return [(start, end, debt, rate, fraction, reason) for _index, start, end, debt, rate, fraction, reason in runs]


def _amounts(runs: Sequence[tuple[date, date, int, Decimal, str, str | None]], rounding: str) -> list[int]:
    """Each row's kopecks by the rounding policy (module docstring): debt × days × rate / 100 / denominator.

    Per interval the row is rounded half up from the exact fraction, in integers: kopecks =
    debt × days × rate / (100 × denominator) with the rate as a ratio of integers — the same as the Decimal
    computation (its 28 digits are far closer than any such fraction comes to a half kopeck without being one; a
    property test compares the two)."""
    if rounding == "per_interval":
        out = []
        for start, end, debt, rate, fraction, _reason in runs:
            denominator = _DENOMINATORS.get(fraction)
            if denominator is None:
                out.append(0)
                continue
            top, bottom = _ratio(rate)
            numerator, divisor = debt * ((end - start).days + 1) * top, 100 * denominator * bottom
            out.append((2 * numerator + divisor) // (2 * divisor))
        return out
    with decimal_context():
        exact = []
        for start, end, debt, rate, fraction, _reason in runs:
            denominator = _DENOMINATORS.get(fraction)
            exact.append(Decimal(0) if denominator is None
                         else kop_to_rub(debt) * ((end - start).days + 1) * rate / 100 / denominator)
        total = to_kop(sum(exact, Decimal(0)))
    return allocate(total, exact)


_RATIOS: dict[Decimal, tuple[int, int]] = {}


def _ratio(rate: Decimal) -> tuple[int, int]:
    """A rate as (numerator, denominator) of integers (rates are few: kept)."""
    found = _RATIOS.get(rate)
    if found is None:
        found = _RATIOS[rate] = rate.as_integer_ratio()
    return found


def _portions(obligation: Obligation, repayments: Iterable[Repayment], *, as_of: date, first: date):
    """(last day owed, kopecks) pieces of the charge: each repayment's part, then the part unpaid on ``as_of``.

    Pieces repaid before the first overdue day are dropped: they never bear penalties."""
    mine = []
    for repayment in repayments:
        if not isinstance(repayment, Repayment):
            raise TypeError(f"repayments: ожидается Repayment, получено {type(repayment).__name__}")
        if repayment.period != obligation.period or repayment.day > as_of:
            continue
        if obligation.service is not None and repayment.service != obligation.service:
            if repayment.service is None:
                raise InvalidValue(
                    "оплата за период не разнесена по услугам, а пени считаются по услуге",
                    value=f"{repayment.period} {repayment.day.isoformat()}",
                )
            continue
        mine.append(repayment)
    mine.sort(key=lambda r: r.day)
    left = obligation.amount
    portions: list[tuple[date, int]] = []
    for repayment in mine:
        part = min(left, repayment.amount)
        if part <= 0:
            break
        left -= part
        portions.append((repayment.day, part))
    if left > 0:
        portions.append((as_of, left))
    return [(close, amount) for close, amount in portions if close >= first]


def _lanes(portions: Sequence[tuple[date, int]], *, rates: RateTable, as_of: date):
    """Group the pieces by their rate (repayment day's effective rate; ``as_of``'s for the unpaid rest)."""
    lanes: dict[Decimal, list[tuple[date, int]]] = {}
    for close, amount in portions:
        lanes.setdefault(rates.effective_rate(close), []).append((close, amount))
    return list(lanes.items())


def _fraction(obligation: Obligation, day: date, *, standard: bool, moratoria: Sequence) -> tuple[str, str | None]:
    """(fraction, zero_reason) of a day of the delay; ``moratoria``: those that apply to the debt
    (``RateTable.moratoria_for``)."""
    k = (day - obligation.due).days
    if standard and k <= GRACE_DAYS:
        return "0", "grace"
    if any(m.start <= day < m.end for m in moratoria):
        return "0", "moratorium"
    if standard and k > FRACTION_CHANGE_DAY:
        return "1/130", None
    return "1/300", None
