"""КР на СОИ (bcenter.engine.common_property): the billable house volume with the norm cap or the meeting's
actual volume (G7, G7b), no house meter, a negative difference billed as zero or carried forward, and the split by
area — balanced (lines sum exactly to the house total) and independent (each line rounded alone)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.money import decimal_context, to_kop
from bcenter.engine.common_property import billable_house_volume, distribute

FLATS = {"1": D("33.3"), "2": D("45.7"), "3": D("61.0")}


def amounts(lines):
    return [line.amount for line in lines.values()]


def test_g7_billable_volume_is_capped_by_the_norm():
    assert billable_house_volume(house_volume=D(1300), premises_volume=D(1200), norm=D("0.9"),
                                 common_area=D(80)) == (D(72), D(0))


@pytest.mark.parametrize("rounding", ["balanced", "independent"])
def test_g7_distribution_of_72_kwh(rounding):
    lines = distribute("electricity_soi", billable=D(72), areas=FLATS, house_area=D("140.0"), tariff=D("6.43"),
                       rounding=rounding, unit="kwh")
    assert amounts(lines) == [11012, 15112, 20172]
    first = lines["1"]
    assert (first.kind, first.method, first.tariff) == ("common_property", "house_meter_share", D("6.43"))
    assert first.volume == D("17.12571428571428571428571428571429")  # 72 × 33.3 / 140, 34 digits
    assert first.derivation.formula.startswith("72 кВт·ч × 33.3 м² / 140 м² × 6.43 руб./кВт·ч = 110.1183428571…")


def test_g7b_meeting_decided_actual_volume():
    assert billable_house_volume(house_volume=D(1300), premises_volume=D(1200), norm=D("0.9"), common_area=D(80),
                                 cap="none") == (D(100), D(0))


def test_g7b_independent_rounding_loses_a_kopeck():
    lines = distribute("electricity_soi", billable=D(100), areas=FLATS, house_area=D("140.0"), tariff=D("6.43"),
                       rounding="independent")
    assert amounts(lines) == [15294, 20989, 28016]
    assert sum(amounts(lines)) == 64299


def test_g7b_balanced_rounding_sums_to_the_house_total():
    lines = distribute("electricity_soi", billable=D(100), areas=FLATS, house_area=D("140.0"), tariff=D("6.43"))
    assert amounts(lines) == [15294, 20989, 28017]
    assert sum(amounts(lines)) == 64300
    assert lines["3"].derivation.formula.endswith(
        "→ 280.17; итог по дому 643.00 распределён по площадям методом наибольшего остатка")
    assert lines["3"].derivation.inputs["house_amount"] == "643.00"


def test_without_house_meter_the_norm_volume_is_billed():
    assert billable_house_volume(house_volume=None, premises_volume=D(1200), norm=D("0.9"),
                                 common_area=D(80)) == (D(72), D(0))


def test_below_the_norm_the_actual_volume_is_billed():
    assert billable_house_volume(house_volume=D(1250), premises_volume=D(1200), norm=D("0.9"),
                                 common_area=D(80)) == (D(50), D(0))


def test_negative_volume_bills_zero_by_default():
    assert billable_house_volume(house_volume=D(1150), premises_volume=D(1200), norm=D("0.9"),
                                 common_area=D(80)) == (D(0), D(0))


def test_negative_volume_is_carried_forward_and_reduces_next_period():
    billable, carry = billable_house_volume(house_volume=D(1150), premises_volume=D(1200), norm=D("0.9"),
                                            common_area=D(80), negative="carry_forward")
    assert (billable, carry) == (D(0), D(-50))
    # next month: difference 100, minus 50 carried = 50 (below the cap of 72)
    assert billable_house_volume(house_volume=D(1300), premises_volume=D(1200), norm=D("0.9"), common_area=D(80),
                                 negative="carry_forward", carried=carry) == (D(50), D(0))
    # a carried volume larger than the difference carries on
    assert billable_house_volume(house_volume=D(1220), premises_volume=D(1200), norm=D("0.9"), common_area=D(80),
                                 negative="carry_forward", carried=carry) == (D(0), D(-30))


def test_carry_waits_while_there_is_no_house_reading():
    assert billable_house_volume(house_volume=None, premises_volume=D(0), norm=D("0.9"), common_area=D(80),
                                 negative="carry_forward", carried=D(-5)) == (D(72), D(-5))


@pytest.mark.parametrize("kwargs", [{"cap": "meeting"}, {"negative": "reduce"}, {"carried": D(5)},
                                    {"common_area": D(-1)}])
def test_billable_volume_validates_settings(kwargs):
    args = {"house_volume": D(1300), "premises_volume": D(1200), "norm": D("0.9"), "common_area": D(80)} | kwargs
    with pytest.raises(InvalidValue):
        billable_house_volume(**args)


def test_distribute_refuses_areas_larger_than_the_house_and_unknown_rounding():
    with pytest.raises(InvalidValue, match="больше площади дома"):
        distribute("s", billable=D(1), areas=FLATS, house_area=D(100), tariff=D(1))
    with pytest.raises(InvalidValue):
        distribute("s", billable=D(1), areas=FLATS, house_area=D(140), tariff=D(1), rounding="bank")
    with pytest.raises(InvalidValue):
        distribute("s", billable=D(1), areas=FLATS, house_area=D(0), tariff=D(1))


def test_distribute_to_part_of_the_house_uses_the_house_area():
    lines = distribute("s", billable=D(100), areas={"1": D("33.3")}, house_area=D("140.0"), tariff=D("6.43"))
    assert amounts(lines) == [15294]


def test_nothing_to_distribute_gives_zero_lines():
    assert amounts(distribute("s", billable=D(0), areas=FLATS, house_area=D(140), tariff=D("6.43"))) == [0, 0, 0]
    assert distribute("s", billable=D(5), areas={}, house_area=D(140), tariff=D("6.43")) == {}


area_values = st.decimals(min_value=D("0.1"), max_value=D(500), places=2)


@given(billable=st.decimals(min_value=0, max_value=D(100000), places=3),
       tariff=st.decimals(min_value=0, max_value=D(500), places=6),
       areas=st.lists(area_values, min_size=1, max_size=25),
       spare=st.decimals(min_value=0, max_value=D(1000), places=1))
def test_balanced_lines_sum_to_the_house_total_and_stay_near_independent(billable, tariff, areas, spare):
    keyed = {f"{i:03d}": a for i, a in enumerate(areas)}
    with decimal_context():
        house_area = sum(areas, D(0)) + spare
        house_total = to_kop(billable * sum(areas, D(0)) * tariff / house_area)
    balanced = distribute("s", billable=billable, areas=keyed, house_area=house_area, tariff=tariff)
    independent = distribute("s", billable=billable, areas=keyed, house_area=house_area, tariff=tariff,
                             rounding="independent")
    assert sum(amounts(balanced)) == house_total
    assert abs(sum(amounts(independent)) - house_total) <= len(areas)
    for key in keyed:
        assert abs(balanced[key].amount - independent[key].amount) <= 1
