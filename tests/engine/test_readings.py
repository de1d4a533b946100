"""Readings over a month (bcenter.engine.readings): which month a reading closes, п. 61 spreading of a reading that
closes several months, a month billed by the average settled by a later reading, the п. 59 history, verification
expiry — golden cases and properties (spread months add up to the reading's volume; the history adds up to what the
readings say)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.period import Period
from dataclasses import replace

import pytest

from bcenter.engine.readings import (NOT_READ, READ_MONTHS, MeterFacts, Reading, enough_history, meter_state,
                                     monthly_history, reading_period, recent_suffice)

METER = MeterFacts(key="m", resource="cold_water", zones=1, digits=5, initial={"total": D("100")})
JAN, FEB, MAR, APR = (Period(2026, m) for m in (1, 2, 3, 4))


def volume(state) -> D:
    return sum(state.current[z] - state.previous.get(z, D(0)) for z in state.current)


def near(a: D, b: D) -> bool:
    """Equal to the 20th decimal (divisions by days round at the 28th digit)."""
    return abs(a - b) < D("1e-20")


def test_a_reading_closes_the_month_it_names_else_the_month_of_its_date():
    assert reading_period("2026-02", date(2026, 3, 2)) == "2026-02"
    assert reading_period(None, date(2026, 3, 2)) == "2026-03"
    assert reading_period(None, "2026-03-02") == "2026-03"


def test_a_reading_after_a_gap_gives_this_month_its_days_share():
    """January read at 100 → 110; nothing in February; April's 200 closes February … April (28 + 31 + 30 days):
    April takes 30/89 of the 90 м³ (п. 61)."""
    readings = {"2026-01": Reading(("110",)), "2026-04": Reading(("200",))}
    april = meter_state(METER, readings, APR)
    assert near(volume(april), D(90) * 30 / 89)
    assert april.periods_without == 0 and not april.broken


def test_a_month_billed_by_the_average_is_settled_by_a_later_reading():
    readings = {"2026-01": Reading(("110",)), "2026-04": Reading(("200",))}
    february, march = meter_state(METER, readings, FEB), meter_state(METER, readings, MAR)
    assert near(volume(february), D(90) * 28 / 89) and near(volume(march), D(90) * 31 / 89)
    assert february.current == march.previous  # the months join: nothing counted twice


def test_without_later_readings_the_month_has_none_and_counts_its_gap():
    state = meter_state(METER, {"2026-01": Reading(("110",))}, MAR)
    assert state.current is None and state.periods_without == 2
    assert state.history == (D(10),)  # the initial 100 → January's 110


def test_an_expired_meter_is_out_of_order_and_counts_from_the_expiry():
    expired = MeterFacts(key="m", resource="cold_water", zones=1, digits=5, verified_until=date(2026, 1, 20),
                         initial={"total": D("100")})
    state = meter_state(expired, {"2026-01": Reading(("110",)), "2026-03": Reading(("130",))}, MAR)
    assert state.broken and state.periods_without == 2


def test_a_removed_meter_without_a_reading_for_the_month_is_out_of_order():
    removed = MeterFacts(key="m", resource="cold_water", zones=1, digits=5, removed=date(2026, 2, 10),
                         initial={"total": D("100")})
    assert meter_state(removed, {"2026-01": Reading(("110",))}, FEB).broken


def test_a_confirmed_rollover_travels_with_the_month_it_closes():
    state = meter_state(METER, {"2026-01": Reading(("5",), rollover=True)}, JAN)
    assert state.rollover and state.current == {"total": D(5)}


TOP = MeterFacts(key="m", resource="cold_water", zones=1, digits=5, initial={"total": D("99970")})
"""A five-digit counter near its top: the readings below go over zero (99999 → 00000)."""


def test_the_history_counts_a_rollover_as_the_volume_over_zero():
    """A month closed by a confirmed rollover (99990 → 4) used 14 м³, not −99986: the average (п. 59) of a meter
    that went round stays the meter's own consumption."""
    readings = {"2026-07": Reading(("99975",)), "2026-08": Reading(("99980",)), "2026-09": Reading(("99990",)),
                "2026-10": Reading(("4",), rollover=True)}
    state = meter_state(TOP, readings, Period(2026, 11))
    assert state.current is None and list(state.history) == [D(5), D(5), D(10), D(14)]
    chain = [(Period(2026, 9), {"total": D("99990")}), (Period(2026, 10), {"total": D(4)})]
    assert monthly_history(chain, digits=5) == [D(14)]


def test_a_rollover_after_a_gap_is_spread_over_the_months_it_closes():
    """August read at 99980; nothing in September; October's 10 (over zero, confirmed) closes both: 30 м³ spread by
    days (п. 61), October takes 31/61 of it — not 10^5 − a half-way opening."""
    readings = {"2026-08": Reading(("99980",)), "2026-10": Reading(("10",), rollover=True)}
    september, october = meter_state(TOP, readings, Period(2026, 9)), meter_state(TOP, readings, Period(2026, 10))
    assert near(volume(october), D(30) * 31 / 61)
    assert near(volume(september), D(30) * 30 / 61)
    assert near(volume(september) + volume(october), D(30))


def test_the_history_counts_a_reading_after_a_gap_for_each_month_it_closes():
    chain = [(None, {"total": D(0)}), (JAN, {"total": D(10)}), (APR, {"total": D(40)})]
    assert monthly_history(chain) == [D(10), D(10), D(10), D(10)]


@settings(max_examples=150, deadline=None)
@given(start=st.integers(0, 9999), gap=st.integers(1, 14), delta=st.integers(0, 5000),
       first=st.integers(0, 11))
def test_the_months_a_late_reading_closes_add_up_to_its_volume(start, gap, delta, first):
    """However long the gap, the volumes of the months it covers (averaged months settled, the reading's own month
    spread) add up to the reading's volume, and each month's part is proportional to its days."""
    opening = Period(2025, 1) + first
    closing = opening + gap
    readings = {str(opening): Reading((str(start),)), str(closing): Reading((str(start + delta),))}
    months = list(Period.range(opening + 1, closing + 1))
    parts = [volume(meter_state(METER, readings, p)) for p in months]
    assert near(sum(parts), D(delta))
    days = sum(p.days for p in months)
    for p, part in zip(months, parts):
        assert near(part, D(delta) * p.days / days)


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(1, 4), st.integers(0, 500)), min_size=1, max_size=10))
def test_the_history_adds_up_to_the_readings(steps):
    chain, period, value = [], Period(2024, 1), D(0)
    for months, delta in steps:
        period, value = period + months, value + delta
        chain.append((period, {"total": value}))
    history = monthly_history(chain)
    assert len(history) == sum(m for m, _ in steps[1:])
    assert near(sum(history), D(sum(d for _, d in steps[1:])))


@settings(max_examples=300, deadline=None)
@given(months=st.sets(st.integers(0, 36), max_size=30), at=st.integers(0, 40), expires=st.none() | st.integers(0, 40))
def test_the_readings_of_the_last_months_give_the_same_state_as_the_whole_history(months, at, expires):
    """The month's gathering reads the readings from ``READ_MONTHS`` before the period on and the whole history only
    of meters that ``enough_history`` finds short: wherever it says enough, the meter's state is the same as from
    every reading it has (the average, the last reading before the month, the later one that settles it)."""
    first = Period(2023, 1)
    period = first + at
    meter = MeterFacts(key="m", resource="cold_water", zones=1, digits=6, initial={"total": D("7")},
                       verified_until=None if expires is None else (first + expires).end)
    readings, value = {}, 7
    for k in sorted(months):
        value += k % 7 + 1
        readings[str(first + k)] = Reading((str(value),))
    recent = {k: r for k, r in readings.items() if k >= str(period - READ_MONTHS)}
    if enough_history(recent, period):
        assert meter_state(meter, recent, period) == meter_state(meter, readings, period)
    else:  # not enough: the whole history is read
        assert sum(1 for k in recent if k < str(period)) < 8


def test_a_meter_read_every_month_needs_no_older_readings_and_one_with_gaps_does():
    readings = {str(Period(2025, 1) + k): Reading((str(100 + k),)) for k in range(22)}  # 2025-01 … 2026-10
    october = Period(2026, 10)
    recent = {k: r for k, r in readings.items() if k >= str(october - READ_MONTHS)}
    assert enough_history(recent, october)
    sparse = {k: r for i, (k, r) in enumerate(sorted(recent.items())) if i % 2}
    assert not enough_history(sparse, october)


MOSTLY_NONE = st.none() | st.none() | st.none() | st.integers(0, 40)


@settings(max_examples=400, deadline=None)
@given(months=st.sets(st.integers(0, 36), max_size=30), at=st.integers(1, 40), around=st.booleans(),
       expires=MOSTLY_NONE, fault=MOSTLY_NONE, removed=MOSTLY_NONE, replaces=st.sampled_from([False, False, True]))
def test_the_readings_of_the_month_before_and_after_give_the_same_state_but_the_history(months, at, around, expires,
                                                                                         fault, removed, replaces):
    """The gathering first reads a meter's readings closing the month before and after: wherever ``recent_suffice``
    says they do, the state from them is the state from every reading, but for the history — which is then
    ``NOT_READ`` and never asked (the month bills such a meter by its readings)."""
    first = Period(2023, 1)
    period = first + at
    meter = MeterFacts(key="m", resource="cold_water", zones=1, digits=6, initial={"total": D("7")},
                       verified_until=None if expires is None else (first + expires).end,
                       failed=None if fault is None else (first + fault).first_day.replace(day=10),
                       removed=None if removed is None else (first + removed).first_day.replace(day=20),
                       replaces="old" if replaces else None, prior_history=(D(3),) * 6 if replaces else ())
    readings, value = {}, 7
    for k in sorted(months | ({at - 1, at} if around else set())):
        value += k % 7 + 1
        readings[str(first + k)] = Reading((str(value),))
    recent = {k: r for k, r in readings.items() if k >= str(period - 1)}
    if not recent_suffice(meter, recent, period):
        return
    whole = meter_state(meter, readings, period)
    quick = meter_state(meter, recent, period, with_history=False)
    assert quick.history is NOT_READ
    assert quick == replace(whole, history=NOT_READ)
    assert quick.current is not None and not quick.broken and quick.periods_without == 0


def test_recent_readings_suffice_only_for_a_meter_in_order_read_the_month_before_and_this_one():
    readings = {str(Period(2026, m)): Reading((str(100 + m),)) for m in (9, 10)}
    october = Period(2026, 10)
    assert recent_suffice(METER, readings, october)
    assert not recent_suffice(METER, {"2026-10": readings["2026-10"]}, october)  # a gap before: п. 61 spreads it
    assert not recent_suffice(METER, {"2026-09": readings["2026-09"]}, october)  # unread: the average
    assert not recent_suffice(replace(METER, verified_until=date(2026, 9, 30)), readings, october)  # п. 59 «а»
    assert not recent_suffice(replace(METER, failed=date(2026, 9, 3)), readings, october)
    assert recent_suffice(replace(METER, failed=date(2026, 10, 3)), readings, october)  # a fault later than its start
    assert not recent_suffice(replace(METER, removed=date(2026, 10, 20)), readings, october)
    assert not recent_suffice(replace(METER, replaces="old"), readings, october)  # one point with the replaced one


def test_a_history_not_read_is_never_answered_with_a_short_one():
    state = meter_state(METER, {"2026-09": Reading(("110",)), "2026-10": Reading(("120",))}, Period(2026, 10),
                        with_history=False)
    assert state.current == {"total": D("120")} and state.previous == {"total": D("110")}
    with pytest.raises(LookupError, match="не прочитана"):
        len(state.history)
    with pytest.raises(LookupError, match="не прочитана"):
        list(state.history)
