"""Clocks (ARCHITECTURE.md §2, Time): the Clock protocol, SystemClock giving aware UTC now(), and FixedClock that
tests move forward month by month like Kill Bill's mock clock."""

from datetime import date, datetime, timedelta, timezone

import pytest

from bcenter.core.clock import Clock, FixedClock, SystemClock

MSK = timezone(timedelta(hours=3))


def test_both_clocks_satisfy_the_protocol():
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FixedClock(datetime(2025, 1, 1, tzinfo=timezone.utc)), Clock)


def test_system_clock_now_is_aware_utc():
    now = SystemClock().now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)
    assert isinstance(SystemClock(MSK).today(), date)


def test_fixed_clock_stands_still_and_advances():
    clock = FixedClock(datetime(2025, 1, 31, 23, 30, tzinfo=timezone.utc))
    assert clock.now() == clock.now() == datetime(2025, 1, 31, 23, 30, tzinfo=timezone.utc)
    assert clock.today() == date(2025, 1, 31)
    assert clock.advance(hours=1) == datetime(2025, 2, 1, 0, 30, tzinfo=timezone.utc)
    assert clock.today() == date(2025, 2, 1)
    clock.advance(days=28)
    assert clock.today() == date(2025, 3, 1)


def test_fixed_clock_today_is_the_local_date_and_now_is_utc():
    clock = FixedClock(datetime(2025, 3, 1, 1, 0, tzinfo=MSK))
    assert clock.today() == date(2025, 3, 1)
    assert clock.now() == datetime(2025, 2, 28, 22, 0, tzinfo=timezone.utc)
    assert clock.now().tzinfo == timezone.utc


def test_fixed_clock_set_and_refusals():
    clock = FixedClock(datetime(2025, 1, 1, tzinfo=timezone.utc))
    clock.set(datetime(2026, 2, 15, 12, tzinfo=MSK))
    assert clock.today() == date(2026, 2, 15)
    with pytest.raises(ValueError):
        FixedClock(datetime(2025, 1, 1))
    with pytest.raises(TypeError):
        FixedClock(date(2025, 1, 1))
