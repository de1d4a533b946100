"""Residents and absences (bcenter.engine.persons): persons per month by person-days or on the 1st (zero residents,
moving in and out mid-month), days of temporary absence without the travel days (G8), split across months, and the
"more than 5 full days" eligibility."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.dates import DateInterval
from bcenter.core.errors import InvalidValue
from bcenter.core.money import decimal_context
from bcenter.core.period import Period
from bcenter.engine.persons import (
    absence_eligible,
    absent_days,
    person_days,
    resident_count,
)

JUNE = Period(2025, 6)


def ratio(a: int, b: int) -> D:
    with decimal_context():
        return D(a) / D(b)


def test_nobody_registered_gives_zero_residents():
    assert resident_count([], JUNE) == 0
    assert resident_count([], JUNE, rule="month_start") == 0


def test_stays_outside_the_month_do_not_count():
    stays = [DateInterval(date(2025, 1, 1), date(2025, 6, 1)), DateInterval(date(2025, 7, 1))]
    assert resident_count(stays, JUNE) == 0


def test_two_permanent_residents():
    stays = [DateInterval(date(2020, 1, 1)), DateInterval(date(2021, 5, 3))]
    assert resident_count(stays, JUNE) == 2
    assert resident_count(stays, JUNE, rule="month_start") == 2


def test_person_moving_in_mid_month_counts_by_person_days():
    stays = [DateInterval(date(2020, 1, 1)), DateInterval(date(2025, 6, 16))]
    assert person_days(stays, JUNE) == 30 + 15
    assert resident_count(stays, JUNE) == D("1.5")
    assert resident_count(stays, JUNE, rule="month_start") == 1


def test_person_moving_out_mid_month_counts_until_the_day_before_leaving():
    stays = [DateInterval(date(2020, 1, 1), date(2025, 6, 11))]
    assert person_days(stays, JUNE) == 10
    assert resident_count(stays, JUNE) == ratio(10, 30)
    assert resident_count(stays, JUNE, rule="month_start") == 1


def test_leap_february_has_29_days():
    stays = [DateInterval(date(2024, 2, 15))]
    assert resident_count(stays, Period(2024, 2)) == ratio(15, 29)


def test_unknown_person_rule_is_refused():
    with pytest.raises(InvalidValue):
        resident_count([], JUNE, rule="registered")


def test_g8_left_5th_returned_18th_is_12_days_in_june():
    assert absent_days(date(2025, 6, 5), date(2025, 6, 18), JUNE) == 12
    assert absence_eligible(absent_days(date(2025, 6, 5), date(2025, 6, 18)))


def test_travel_days_can_be_included_by_setting():
    assert absent_days(date(2025, 6, 5), date(2025, 6, 18), JUNE, rule="include_travel_days") == 14


def test_five_full_days_is_not_enough_six_is():
    five = absent_days(date(2025, 6, 1), date(2025, 6, 7))
    six = absent_days(date(2025, 6, 1), date(2025, 6, 8))
    assert (five, six) == (5, 6)
    assert absence_eligible(five) is False
    assert absence_eligible(six) is True


def test_absence_across_months_is_split_by_month():
    departure, arrival = date(2025, 6, 27), date(2025, 7, 8)
    assert absent_days(departure, arrival, JUNE) == 3  # 28, 29, 30 June
    assert absent_days(departure, arrival, Period(2025, 7)) == 7  # 1–7 July
    assert absent_days(departure, arrival) == 10
    assert absent_days(departure, arrival, Period(2025, 8)) == 0


def test_same_or_next_day_return_is_zero_days():
    assert absent_days(date(2025, 6, 5), date(2025, 6, 5), JUNE) == 0
    assert absent_days(date(2025, 6, 5), date(2025, 6, 6), JUNE) == 0


def test_return_before_departure_is_refused():
    with pytest.raises(InvalidValue, match="раньше"):
        absent_days(date(2025, 6, 18), date(2025, 6, 5), JUNE)


def test_unknown_absence_rule_and_bad_totals_are_refused():
    with pytest.raises(InvalidValue):
        absent_days(date(2025, 6, 5), date(2025, 6, 18), JUNE, rule="calendar")
    with pytest.raises(InvalidValue):
        absence_eligible(-1)


@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
       length=st.integers(min_value=0, max_value=200),
       rule=st.sampled_from(["exclude_travel_days", "include_travel_days"]))
def test_month_parts_add_up_to_the_whole_absence(start, length, rule):
    arrival = start + timedelta(days=length)
    months = Period.range(Period.of(start), Period.of(arrival) + 1)
    assert sum(absent_days(start, arrival, p, rule=rule) for p in months) == absent_days(start, arrival, rule=rule)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 40)), max_size=6))
def test_resident_count_is_person_days_over_days(spans):
    base = date(2025, 5, 20)
    stays = [DateInterval(base + timedelta(days=a), base + timedelta(days=a + b)) for a, b in spans]
    count = resident_count(stays, JUNE)
    assert 0 <= count <= len(stays)
    assert abs(count * 30 - person_days(stays, JUNE)) < D("1E-30")


@given(st.lists(st.tuples(st.integers(-400, 400), st.none() | st.integers(1, 400)), max_size=6),
       st.integers(0, 30))
def test_person_days_are_the_days_of_each_stay_clipped_to_the_month(spans, month):
    """``person_days`` clips by dates what ``DateInterval.clip_to`` clips: open ends, stays before, after, across."""
    base, period = date(2025, 6, 1), Period(2024, 1) + month
    stays = [DateInterval(base + timedelta(days=a), None if b is None else base + timedelta(days=a + b))
             for a, b in spans]
    clipped = [s.clip_to(period) for s in stays]
    assert person_days(stays, period) == sum(c.days for c in clipped if c is not None)
