"""Quality reductions (bcenter.engine.reductions, Приложение 1 к ПП 354): interruptions beyond the allowance (G9),
exactly at the allowance and one hour above, the two excess-hour policies, merging, clipping to the month, per-event
allowances, the 100 % cap, hot water below the temperature norm and below +40 °C, and the table of allowances."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.engine.reductions import (
    NIGHT_DEVIATION_C,
    QUALITY_RULES,
    below_40_rebill,
    hot_water_temperature_reduction,
    interruption_reduction,
    room_temperature_reduction,
)

MARCH = Period(2025, 3)
CHARGE = 185040  # G9: ГВС 1 850.40


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour)


def event(day: int, start: int, hours: int):
    return (at(day, start), at(day, start) + timedelta(hours=hours))


def reduce(events=(), **kwargs):
    args = {"charge": CHARGE, "events": events, "period": MARCH, "monthly_allowance_h": D(8),
            "single_allowance_h": D(4)} | kwargs
    return interruption_reduction("hot_water", **args)


def test_g9_three_hours_beyond_the_monthly_allowance():
    line = reduce([event(3, 9, 4), event(10, 9, 3), event(17, 9, 4)])
    assert line.amount == -833
    assert CHARGE + line.amount == 184207
    assert (line.kind, line.method, line.volume, line.tariff, line.excess) == ("quality", "interruption", None,
                                                                               None, 0)
    assert "0.45 %" in line.derivation.formula
    assert line.derivation.formula.endswith("= -8.3268 → -8.33")
    assert line.derivation.inputs["charge"] == "1850.40"


def test_g9_both_policies_agree():
    events = [event(3, 9, 4), event(10, 9, 3), event(17, 9, 4)]
    assert reduce(events, policy="total_only").amount == -833


def test_exactly_at_the_allowance_nothing_is_reduced():
    assert reduce([event(3, 9, 4), event(10, 9, 4)]) is None


def test_one_hour_above_the_monthly_allowance():
    line = reduce([event(3, 9, 4), event(10, 9, 4), event(17, 9, 1)])
    assert line.amount == -278  # 1850.40 × 0.15 % = 2.7756


def test_single_event_above_four_hours_counts_under_max_policy_only():
    events = [event(3, 9, 6)]  # 6 h: total within 8 h, but 2 h over the single allowance
    assert reduce(events).amount == -555  # 2 × 0.15 % = 0.3 % → 5.5512
    assert reduce(events, policy="total_only") is None


def test_overlapping_and_touching_events_are_merged():
    overlapping = [(at(3, 9), at(3, 13)), (at(3, 11), at(3, 15))]  # one interruption 9–15 = 6 h
    touching = [(at(3, 9), at(3, 12)), (at(3, 12), at(3, 15))]
    assert reduce(overlapping).amount == reduce(touching).amount == reduce([event(3, 9, 6)]).amount


def test_an_event_over_the_months_edge_is_judged_whole_and_each_month_takes_its_hours():
    """22 h from 28.02 12:00 to 01.03 10:00, 4 h allowed at a time: 18 h over the allowance, from 16:00 on — 8 h in
    February, 10 h in March. Clipped to each month first, March saw a 10-hour event (6 h over) and February a
    12-hour one (8 h over): 14 h in all instead of 18."""
    spanning = [(datetime(2025, 2, 28, 12), at(1, 10))]
    march = reduce(spanning)
    assert march.amount == -2776  # 10 h × 0.15 % = 1.5 % of 1 850.40 = 27.756
    assert "10 ч (перерыв целиком 22 ч)" in march.derivation.formula
    assert reduce(spanning, period=Period(2025, 2)).amount == -2220  # 8 h × 0.15 % = 1.2 % → 22.2048
    assert reduce([(datetime(2025, 2, 10, 0), datetime(2025, 2, 20, 0))]) is None


def test_a_six_hour_cut_over_midnight_of_the_months_edge_is_reduced():
    """A cold-water cut from 31.01 21:00 to 01.02 03:00, 4 h allowed: 2 h over, both in February (review of
    2026-12-07: each month saw 3 h, within the allowance, and neither reduced anything)."""
    events = [(datetime(2025, 1, 31, 21), datetime(2025, 2, 1, 3))]
    args = {"monthly_allowance_h": D(8), "single_allowance_h": D(4)}
    assert reduce(events, period=Period(2025, 1), **args) is None
    assert reduce(events, period=Period(2025, 2), **args).amount == -555  # 2 h × 0.15 % = 0.3 % → 5.5512


def test_aware_datetimes_use_their_own_offset_for_the_month():
    msk = timezone(timedelta(hours=3))
    events = [(datetime(2025, 2, 28, 20, tzinfo=msk), datetime(2025, 3, 1, 9, tzinfo=msk))]  # 9 h in March
    # 13 h in all, the 4 h allowed run out at midnight Moscow time: March's 9 h are all over it → 1.35 % of 1 850.40
    assert reduce(events).amount == -2498
    assert reduce(events, period=Period(2025, 2)) is None


def test_minutes_count_as_fractions_of_an_hour():
    events = [(at(3, 9), at(3, 9) + timedelta(hours=8, minutes=30))]
    # single excess 4.5 h, total excess 0.5 h → 4.5 × 0.15 % = 0.675 % → 12.4902
    assert reduce(events).amount == -1249


def test_reduction_is_capped_at_the_whole_charge():
    line = reduce([(at(1, 0), at(31, 23))])
    assert line.amount == -CHARGE
    assert "100 % (предел)" in line.derivation.formula


def test_heating_single_allowance_per_event_by_temperature_band():
    heating = QUALITY_RULES["heating"]
    events = [(*event(3, 0, 10), heating.single("8_to_10")), (*event(10, 0, 10), heating.single("12_to_norm"))]
    line = interruption_reduction("heating", charge=300000, events=events, period=MARCH,
                                  monthly_allowance_h=heating.monthly_allowance_h, single_allowance_h=D(16))
    # total 20 h ≤ 24 h; per event: 10 − 4 = 6 h and 0 → 6 h × 0.15 % = 0.9 % of 3000.00 = 27.00
    assert line.amount == -2700


def test_no_monthly_allowance_counts_per_event_excess():
    electricity = QUALITY_RULES["electricity"]
    assert electricity.monthly_allowance_h is None
    line = interruption_reduction("electricity", charge=100000, events=[event(3, 0, 5)], period=MARCH,
                                  monthly_allowance_h=None, single_allowance_h=electricity.single("two_sources"),
                                  policy="total_only")
    assert line.amount == -450  # 3 h × 0.15 % of 1000.00


def test_zero_charge_or_no_events_gives_nothing():
    assert reduce([event(3, 0, 20)], charge=0) is None
    assert reduce([]) is None


@pytest.mark.parametrize("kwargs", [
    {"policy": "sum"}, {"charge": -1}, {"charge": D(100)}, {"events": [(at(3, 10), at(3, 9))]},
    {"events": [(at(3, 10),)]},
])
def test_interruption_reduction_validates_input(kwargs):
    with pytest.raises(InvalidValue):
        reduce(**({"events": [event(3, 9, 10)]} | kwargs))


def test_quality_table_holds_the_verified_allowances():
    assert QUALITY_RULES["hot_water"].monthly_allowance_h == 8
    assert QUALITY_RULES["hot_water"].single() == 4
    assert QUALITY_RULES["hot_water"].single("dead_end_accident") == 24
    assert QUALITY_RULES["cold_water"].rate_pct_per_h == D("0.15")
    heating = QUALITY_RULES["heating"]
    assert (heating.monthly_allowance_h, heating.single("12_to_norm"), heating.single("10_to_12"),
            heating.single("8_to_10")) == (24, 16, 8, 4)
    assert QUALITY_RULES["solid_waste"].rate_pct_per_h * 24 == D("3.3")
    assert {"cold_water", "hot_water", "sewerage", "electricity", "gas", "heating", "solid_waste"} <= set(
        QUALITY_RULES)
    with pytest.raises(InvalidValue):
        heating.single()


def test_hot_water_below_norm_reduces_per_full_three_degrees_per_hour():
    # by day 60 − 3 = 57 allowed; 52 °C is 5 °C below → 1 step; 50 °C is 7 °C below → 2 steps
    line = hot_water_temperature_reduction("hot_water", charge=CHARGE, hours=[(D(10), D(52)), (D(4), D(50))])
    # (10 × 1 + 4 × 2) × 0.1 % = 1.8 % → 33.3072
    assert line.amount == -3331
    assert (line.kind, line.method) == ("quality", "temperature")


def test_within_the_allowed_deviation_nothing_is_reduced():
    assert hot_water_temperature_reduction("hot_water", charge=CHARGE, hours=[(D(24), D(57)), (D(5), D(55))]) is None


def test_night_allows_five_degrees():
    by_day = hot_water_temperature_reduction("hot_water", charge=CHARGE, hours=[(D(5), D(53))])
    at_night = hot_water_temperature_reduction("hot_water", charge=CHARGE,
                                               hours=[(D(5), D(53), NIGHT_DEVIATION_C)])
    assert by_day.amount == -925  # 4 °C below 57 → 1 step × 5 h × 0.1 % = 0.5 % → 9.252
    assert at_night is None       # 55 allowed, 2 °C below → no full step


def test_hours_below_40_are_rebilled_not_reduced_and_cap_applies():
    assert hot_water_temperature_reduction("hot_water", charge=CHARGE, hours=[(D(10), D(35))]) is None
    capped = hot_water_temperature_reduction("hot_water", charge=CHARGE, hours=[(D(744), D(41))])
    assert capped.amount == -CHARGE  # 5 steps × 744 h × 0.1 % = 372 % → 100 %


def test_below_40_rebill_at_cold_water_tariff_for_those_days():
    line = below_40_rebill("hot_water", volume=D("7.44"), days_below_40=2, period=MARCH,
                           hot_water_tariff=D("220.50"), cold_water_tariff=D("48.57"))
    # 7.44 × 2 / 31 = 0.48 м³ × (220.50 − 48.57) = 82.5264 → −82.53
    assert line.amount == -8253
    assert line.volume == D("-0.48")
    with_k = below_40_rebill("hot_water", volume=D("7.44"), days_below_40=2, period=MARCH,
                             hot_water_tariff=D("220.50"), cold_water_tariff=D("48.57"), coefficient=D("1.5"))
    assert with_k.amount == -12379  # 82.5264 × 1.5 = 123.7896
    assert below_40_rebill("hot_water", volume=D(5), days_below_40=0, period=MARCH,
                           hot_water_tariff=D(200), cold_water_tariff=D(40)) is None
    with pytest.raises(InvalidValue):
        below_40_rebill("hot_water", volume=D(5), days_below_40=32, period=MARCH,
                        hot_water_tariff=D(200), cold_water_tariff=D(40))


JANUARY = Period(2025, 1)
HEAT = 258127  # G5: 2 581.27


def jan(day: int, hour: int) -> datetime:
    return datetime(2025, 1, day, hour, tzinfo=timezone(timedelta(hours=3)))


def test_room_temperature_counts_day_and_night_degrees():
    """48 h from 10 January 08:00: 38 h by day, 10 h at night; 14 °C → 4 °C and 1 °C below → 24.3 %."""
    line = room_temperature_reduction("heat", charge=HEAT, events=[(jan(10, 8), jan(12, 8), D(14))], period=JANUARY)
    assert (line.kind, line.method, line.amount) == ("quality", "room_temperature", -62725)
    day_only = room_temperature_reduction("heat", charge=HEAT, events=[(jan(10, 8), jan(12, 8), D(14))],
                                          period=JANUARY, night="day_only")
    assert day_only.amount == -58853


def test_room_temperature_leaves_out_interruption_hours_and_uses_the_act_s_norm():
    line = room_temperature_reduction("heat", charge=HEAT, events=[(jan(10, 8), jan(12, 8), D(14))], period=JANUARY,
                                      excluded=[(jan(10, 8), jan(10, 20))])
    assert line.amount == -44140  # (26 × 4 + 10 × 1) × 0.15 % = 17.1 %
    corner = room_temperature_reduction("heat", charge=HEAT, events=[(jan(10, 8), jan(12, 8), D(14), D(20))],
                                        period=JANUARY)
    assert corner.amount == -99895  # (38 × 6 + 10 × 3) × 0.15 % = 38.7 %


def test_room_temperature_is_clipped_to_the_month_and_capped():
    assert room_temperature_reduction("heat", charge=HEAT, events=[(jan(10, 8), jan(12, 8), D(18))],
                                      period=JANUARY) is None
    whole = room_temperature_reduction("heat", charge=HEAT, events=[(datetime(2024, 12, 1, tzinfo=timezone.utc),
                                                                     datetime(2025, 3, 1, tzinfo=timezone.utc), D(5))],
                                       period=JANUARY)
    assert whole.amount == -HEAT
    with pytest.raises(InvalidValue):
        room_temperature_reduction("heat", charge=HEAT, events=[(jan(12, 8), jan(10, 8), D(14))], period=JANUARY)
    with pytest.raises(InvalidValue):
        room_temperature_reduction("heat", charge=HEAT, events=[(jan(10, 8), jan(12, 8), D(14))], period=JANUARY,
                                   night="sometimes")


@given(hours=st.integers(1, 300), degrees=st.integers(0, 12), cut=st.integers(0, 300))
def test_room_temperature_never_grows_when_interruption_hours_are_cut_out(hours, degrees, cut):
    event = [(jan(3, 7), jan(3, 7) + timedelta(hours=hours), D(18 - degrees))]
    whole = room_temperature_reduction("heat", charge=HEAT, events=event, period=JANUARY)
    less = room_temperature_reduction("heat", charge=HEAT, events=event, period=JANUARY,
                                      excluded=[(jan(3, 7), jan(3, 7) + timedelta(hours=cut))])
    amount = lambda line: 0 if line is None else line.amount  # noqa: E731
    assert -HEAT <= amount(whole) <= amount(less) <= 0


@given(charge=st.integers(min_value=0, max_value=10_000_000),
       lengths=st.lists(st.integers(min_value=1, max_value=200), max_size=5))
def test_reduction_never_exceeds_the_charge_and_grows_with_hours(charge, lengths):
    events, start = [], at(1, 0)
    for hours in lengths:
        events.append((start, start + timedelta(hours=hours)))
        start += timedelta(hours=hours + 1)
    line = reduce(events, charge=charge)
    amount = 0 if line is None else line.amount
    assert -charge <= amount <= 0
    longer = reduce([*events, (at(31, 22), at(31, 23))], charge=charge) if lengths else None
    if longer is not None:
        assert longer.amount <= amount


def test_overlapping_room_acts_count_each_hour_once_at_the_coldest():
    """A house's act (15 °C) and a flat's (14 °C) over the same 48 hours: the hours count once, at 14 °C."""
    both = room_temperature_reduction("heat", charge=HEAT, period=JANUARY,
                                      events=[(jan(10, 8), jan(12, 8), D(15)), (jan(10, 8), jan(12, 8), D(14))])
    assert both.amount == -62725  # as the 14 °C act alone
    june = [(datetime(2025, 6, 1, tzinfo=timezone.utc), datetime(2025, 6, 2, tzinfo=timezone.utc))]
    line = room_temperature_reduction("heat", charge=HEAT, period=JANUARY, excluded=june,
                                      events=[(jan(10, 8), jan(12, 8), D(14))])
    assert line.derivation.inputs["excluded_h"] == "0"  # an interruption in another month removes nothing
