"""Meter volumes (bcenter.engine.volumes): reading differences per zone (G1), a counter turning over only when
confirmed, a meter replaced mid-month, the п. 59 average over the last ≤ 6 periods and the limits of averaging
before the norm (п. 59/60)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.settings import AverageLimits, Settings
from bcenter.engine.volumes import (
    average_allowed,
    average_volume,
    meter_volume,
    replacement_volume,
)

readings = st.decimals(min_value=0, max_value=D("99999.999"), places=3)


def test_g1_difference_of_readings_is_unrounded():
    assert meter_volume({"total": D("123.456")}, {"total": D("131.789")}, digits=5) == {"total": D("8.333")}


def test_two_zone_meter_gives_a_volume_per_zone_in_current_order():
    volumes = meter_volume({"day": D("1000.5"), "night": D(400)}, {"night": D("450.25"), "day": D(1100)},
                           digits=6)
    assert volumes == {"night": D("50.25"), "day": D("99.5")}
    assert list(volumes) == ["night", "day"]


def test_reading_below_previous_is_refused_without_confirmation():
    with pytest.raises(InvalidValue, match="меньше предыдущего"):
        meter_volume({"total": D("99998.5")}, {"total": D("1.5")}, digits=5)


def test_confirmed_rollover_adds_ten_to_the_digits():
    assert meter_volume({"total": D("99998.5")}, {"total": D("1.5")}, digits=5, rollover=True) == {"total": D("3.0")}


def test_rollover_only_touches_the_zone_that_went_down():
    volumes = meter_volume({"day": D(9990), "night": D(10)}, {"day": D(5), "night": D(12)},
                           digits=4, rollover=True)
    assert volumes == {"day": D(15), "night": D(2)}


def test_rollover_with_a_reading_beyond_the_counter_is_refused():
    with pytest.raises(InvalidValue, match="разрядов"):
        meter_volume({"total": D(123456)}, {"total": D(1)}, digits=5, rollover=True)


@pytest.mark.parametrize("previous,current", [
    ({"total": D(1)}, {"day": D(2)}),
    ({"day": D(1), "night": D(1)}, {"day": D(2)}),
])
def test_zones_must_match(previous, current):
    with pytest.raises(InvalidValue, match="зоны"):
        meter_volume(previous, current, digits=5)


@pytest.mark.parametrize("digits", [0, -1, "5"])
def test_digits_must_be_a_positive_int(digits):
    with pytest.raises(InvalidValue):
        meter_volume({"total": D(1)}, {"total": D(2)}, digits=digits)


def test_negative_reading_and_float_are_refused():
    with pytest.raises(InvalidValue):
        meter_volume({"total": D(-1)}, {"total": D(2)}, digits=5)
    with pytest.raises(TypeError):
        meter_volume({"total": 1.5}, {"total": D(2)}, digits=5)


def test_replacement_mid_month_sums_old_and_new_meter():
    volume = replacement_volume(old_previous={"total": D(100)}, old_final={"total": D("150.5")},
                                new_initial={"total": D("0.01")}, new_current={"total": D("20.26")},
                                digits_old=5, digits_new=6)
    assert volume == {"total": D("70.75")}


def test_replacement_by_a_two_zone_meter_keeps_both_zone_sets():
    volume = replacement_volume(old_previous={"total": D(500)}, old_final={"total": D(530)},
                                new_initial={"day": D(0), "night": D(0)},
                                new_current={"day": D(40), "night": D(15)}, digits_old=5, digits_new=6)
    assert volume == {"total": D(30), "day": D(40), "night": D(15)}


def test_replacement_with_new_reading_below_initial_is_refused():
    with pytest.raises(InvalidValue):
        replacement_volume(old_previous={"total": D(100)}, old_final={"total": D(110)},
                           new_initial={"total": D(5)}, new_current={"total": D(4)}, digits_old=5, digits_new=5)


def test_average_of_three_months_is_allowed():
    assert average_volume([D(10), D(20), D(30)]) == D(20)


def test_fewer_than_three_months_gives_no_average():
    assert average_volume([D(10), D(20)]) is None
    assert average_volume([]) is None


def test_average_takes_the_last_six_periods():
    monthly = [D(100), D(100), D(1), D(2), D(3), D(4), D(5), D(6)]
    assert average_volume(monthly) == D("3.5")


def test_average_is_exact_not_rounded():
    average = average_volume([D(1), D(1), D(2)])
    assert average == D("1.333333333333333333333333333333333")  # 34 digits, not 1.33


def test_average_window_and_minimum_are_configurable():
    assert average_volume([D(1), D(2)], min_months=1, window=12) == D("1.5")
    with pytest.raises(InvalidValue):
        average_volume([D(1)], min_months=4, window=3)


def test_average_refuses_negative_months():
    with pytest.raises(InvalidValue):
        average_volume([D(1), D(-2), D(3)])


def test_default_limits_are_six_not_submitted_three_meter_failed():
    assert Settings().average_limits == AverageLimits(not_submitted=6, meter_failed=3)
    assert average_allowed(6, case="not_submitted") is True
    assert average_allowed(7, case="not_submitted") is False
    assert average_allowed(3, case="meter_failed") is True
    assert average_allowed(4, case="meter_failed") is False


def test_limits_come_from_settings_with_defaults_for_missing_cases():
    limits = Settings.from_mapping({"average_limits": {"not_submitted": 3}}).average_limits
    assert average_allowed(4, case="not_submitted", limits=limits) is False
    assert average_allowed(3, case="meter_failed", limits=limits) is True


@pytest.mark.parametrize("count,case", [(-1, "meter_failed"), (1, "access_denied")])
def test_average_allowed_rejects_bad_input(count, case):
    with pytest.raises(InvalidValue):
        average_allowed(count, case=case)


@given(previous=readings, delta=st.decimals(min_value=0, max_value=D("9999.999"), places=3))
def test_volume_is_the_difference(previous, delta):
    current = previous + delta
    assert meter_volume({"total": previous}, {"total": current}, digits=6) == {"total": delta}


@given(previous=readings, current=readings)
def test_rollover_volume_is_within_one_turn(previous, current):
    (volume,) = meter_volume({"total": previous}, {"total": current}, digits=5, rollover=True).values()
    assert D(0) <= volume < D(10) ** 5
    assert (previous + volume) % D(10) ** 5 == current
