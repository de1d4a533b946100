"""DateInterval — half-open [start, end) day ranges: the end day is not contained, touching intervals do not
overlap, intersections and clipping to a billing month, open-ended intervals, validation, immutability."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.dates import DateInterval
from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period

D = date


def test_end_day_is_not_contained():
    absence = DateInterval(D(2025, 6, 6), D(2025, 6, 18))  # G8: absent 06.06–17.06, back on 18.06
    assert absence.days == 12
    assert absence.contains(D(2025, 6, 6))
    assert absence.contains(D(2025, 6, 17))
    assert not absence.contains(D(2025, 6, 18))
    assert not absence.contains(D(2025, 6, 5))
    assert D(2025, 6, 10) in absence


def test_open_ended_interval():
    since = DateInterval(D(2025, 1, 15), None)
    assert since.days is None
    assert since.contains(D(9999, 12, 31))
    assert not since.contains(D(2025, 1, 14))
    assert DateInterval(D(2025, 1, 15)) == since


def test_start_must_be_before_end():
    with pytest.raises(InvalidValue) as caught:
        DateInterval(D(2025, 1, 2), D(2025, 1, 2))
    assert "позже начала" in caught.value.message_ru
    with pytest.raises(InvalidValue):
        DateInterval(D(2025, 1, 3), D(2025, 1, 2))


def test_dates_only():
    with pytest.raises(TypeError):
        DateInterval(datetime(2025, 1, 1), None)
    with pytest.raises(TypeError):
        DateInterval(D(2025, 1, 1), "2025-02-01")
    with pytest.raises(TypeError):
        DateInterval(None, None)


def test_touching_intervals_do_not_overlap():
    january = DateInterval(D(2025, 1, 1), D(2025, 2, 1))
    february = DateInterval(D(2025, 2, 1), D(2025, 3, 1))
    assert not january.overlaps(february)
    assert not february.overlaps(january)
    assert january.intersection(february) is None


def test_overlap_and_intersection():
    a = DateInterval(D(2025, 1, 10), D(2025, 1, 20))
    b = DateInterval(D(2025, 1, 19), None)
    assert a.overlaps(b) and b.overlaps(a)
    assert a.intersection(b) == DateInterval(D(2025, 1, 19), D(2025, 1, 20))
    assert a.intersection(b).days == 1
    assert b.intersection(DateInterval(D(2025, 3, 1), None)) == DateInterval(D(2025, 3, 1), None)


def test_clip_to_period():
    absence = DateInterval(D(2025, 5, 25), D(2025, 7, 3))
    assert absence.clip_to(Period(2025, 5)) == DateInterval(D(2025, 5, 25), D(2025, 6, 1))
    assert absence.clip_to(Period(2025, 6)).days == 30
    assert absence.clip_to(Period(2025, 7)) == DateInterval(D(2025, 7, 1), D(2025, 7, 3))
    assert absence.clip_to(Period(2025, 8)) is None
    assert DateInterval(D(2025, 2, 1), D(2025, 3, 1)).clip_to(Period(2025, 3)) is None
    assert DateInterval.of_period(Period(2024, 2)).days == 29


def test_interval_is_immutable_and_prints_in_russian_form():
    interval = DateInterval(D(2025, 6, 6), D(2025, 6, 18))
    with pytest.raises(dataclasses.FrozenInstanceError):
        interval.end = None
    assert str(interval) == "[06.06.2025, 18.06.2025)"


base = D(2025, 1, 1)
offsets = st.integers(min_value=0, max_value=400)


def interval_from(start_offset, length):
    start = base + timedelta(days=start_offset)
    return DateInterval(start, None if length is None else start + timedelta(days=length))


intervals = st.builds(interval_from, offsets, st.one_of(st.none(), st.integers(min_value=1, max_value=200)))


@given(intervals, intervals, offsets)
def test_intersection_contains_exactly_the_common_days(a, b, offset):
    day = base + timedelta(days=offset)
    both = a.intersection(b)
    assert (both is not None and both.contains(day)) == (a.contains(day) and b.contains(day))
    assert a.overlaps(b) == (both is not None) == b.overlaps(a)
    assert both == b.intersection(a)


@given(intervals, st.integers(min_value=2025, max_value=2026), st.integers(min_value=1, max_value=12))
def test_clipped_days_sum_to_the_interval_length(interval, year, month):
    if interval.end is None:
        return
    first, last = Period.of(interval.start), Period.of(interval.end - timedelta(days=1))
    pieces = [interval.clip_to(p) for p in Period.range(first, last + 1)]
    assert sum(piece.days for piece in pieces) == interval.days
