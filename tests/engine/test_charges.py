"""Charge lines (bcenter.engine.charges): meter (G1, zones), norm (G3) and norm with the increasing coefficient and
its excess, the dated coefficient table, average, area, heating by norm in season and evenly over the year (G5),
heating by house meter, two-part hot water rounded once, per-unit lines; formulas and inputs as the ЕПД shows them."""
from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal as D

import pytest

from bcenter.core.errors import InvalidValue
from bcenter.core.money import to_kop
from bcenter.engine.charges import (
    area_charge,
    average_charge,
    heating_house_meter_charge,
    heating_norm_charge,
    increasing_coefficient,
    meter_charge,
    norm_charge,
    per_unit_charge,
    two_part_hot_water_charge,
)

LAW_TABLE = [
    ("cold_water", date(2017, 1, 1), date(2025, 12, 6), D("1.5")),
    ("cold_water", date(2025, 12, 6), None, D(3)),
    ("hot_water", date(2017, 1, 1), None, D("1.5")),
    ("electricity", date(2017, 1, 1), None, D("1.5")),
]
SEASON = (10, 11, 12, 1, 2, 3, 4)


def test_g1_meter_charge():
    line = meter_charge("cold_water", volumes={"total": D("8.333")}, tariffs={"total": D("48.57")}, unit="m3")
    assert line.amount == 40473
    assert (line.kind, line.method, line.volume, line.tariff, line.coefficient, line.excess) == (
        "charge", "meter", D("8.333"), D("48.57"), D(1), 0)
    assert line.derivation.formula == "8.333 м³ × 48.57 руб./м³ = 404.73381 → 404.73"
    assert line.derivation.inputs == {"volume": "8.333", "tariff": "48.57"}
    assert "ф. 1" in line.derivation.basis


def test_two_zone_electricity_is_summed_then_rounded_once():
    line = meter_charge("electricity", volumes={"day": D("100.005"), "night": D("50.005")},
                        tariffs={"day": D("6.43"), "night": D("3.1")}, unit="kwh")
    # 643.03215 + 155.0155 = 798.04765 → 798.05 (zones rounded alone would give 643.03 + 155.02 = 798.05 too,
    # the property test checks the rule in general)
    assert line.amount == 79805
    assert line.volume == D("150.010")
    assert line.tariff is None
    assert line.derivation.inputs == {"volume.day": "100.005", "tariff.day": "6.43",
                                      "volume.night": "50.005", "tariff.night": "3.1"}
    assert line.derivation.formula.startswith("день: 100.005 кВт·ч × 6.43 руб./кВт·ч + ночь: ")


def test_meter_charge_needs_a_tariff_for_every_zone():
    with pytest.raises(InvalidValue, match="тарифа"):
        meter_charge("electricity", volumes={"day": D(1), "night": D(1)}, tariffs={"day": D(1)})
    with pytest.raises(InvalidValue):
        meter_charge("electricity", volumes={}, tariffs={})


def test_money_inputs_refuse_float():
    with pytest.raises(TypeError):
        meter_charge("cold_water", volumes={"total": 8.333}, tariffs={"total": D("48.57")})


def test_a_line_asked_again_is_the_one_made_and_a_float_is_still_refused():
    """The month asks for the same area × rate thousands of times: the line is kept (``memoized``) — the same
    object, so the month's writer formats it once — but a float equal to a kept Decimal is refused as before, and a
    differently written equal number gives the same stored texts."""
    first = meter_charge("cold_water", volumes={"total": D("0.5")}, tariffs={"total": D("48.57")}, unit="m3")
    again = meter_charge("cold_water", volumes={"total": D("0.5")}, tariffs={"total": D("48.57")}, unit="m3")
    assert again is first
    with pytest.raises(TypeError):
        meter_charge("cold_water", volumes={"total": 0.5}, tariffs={"total": D("48.57")}, unit="m3")
    other_zone = meter_charge("electricity", volumes={"day": D(1), "night": D(2)}, tariffs={"day": D(3), "night": D(4)})
    swapped = meter_charge("electricity", volumes={"night": D(2), "day": D(1)}, tariffs={"day": D(3), "night": D(4)})
    assert other_zone is not swapped and other_zone.amount == swapped.amount  # the formula keeps the zones' order
    assert area_charge("housing", area=D("54.30"), rate=D("20")).derivation.formula == \
        area_charge("housing", area=D("54.3"), rate=D("20")).derivation.formula
    with pytest.raises(InvalidValue):  # a refusal is not kept: asked again, refused again
        norm_charge("cold_water", persons=D(-1), norm=D(1), tariff=D(1))
    with pytest.raises(InvalidValue):
        norm_charge("cold_water", persons=D(-1), norm=D(1), tariff=D(1))


def test_g3_norm_charge_three_residents():
    line = norm_charge("cold_water", persons=D(3), norm=D("4.745"), tariff=D("42.30"), unit="m3")
    assert line.amount == 60214
    assert (line.method, line.volume, line.coefficient, line.excess) == ("norm", D("14.235"), D(1), 0)
    assert line.derivation.formula == "3 чел. × 4.745 м³/чел. × 42.3 руб./м³ = 602.1405 → 602.14"
    assert line.derivation.inputs == {"persons": "3", "norm": "4.745", "tariff": "42.3", "coefficient": "1"}


def test_norm_with_coefficient_shows_method_norm_k_and_the_excess():
    line = norm_charge("cold_water", persons=D(3), norm=D("4.745"), tariff=D("42.30"), coefficient=D("1.5"))
    # 903.21075 → 903.21; without K 602.1405 → 602.14; excess 301.07
    assert (line.amount, line.excess, line.method, line.coefficient) == (90321, 30107, "norm_k", D("1.5"))
    assert line.volume == D("14.235")
    assert "превышение 301.07" in line.derivation.formula


def test_excess_is_the_difference_of_rounded_amounts():
    line = norm_charge("hot_water", persons=D(1), norm=D("3.003"), tariff=D("201.005"), coefficient=D(3))
    with_k, without_k = to_kop(D("3.003") * D("201.005") * 3), to_kop(D("3.003") * D("201.005"))
    assert (line.amount, line.excess) == (with_k, with_k - without_k)


def test_coefficient_below_one_is_refused():
    with pytest.raises(InvalidValue):
        norm_charge("cold_water", persons=D(1), norm=D(1), tariff=D(1), coefficient=D("0.5"))


def test_zero_residents_charge_nothing():
    assert norm_charge("cold_water", persons=D(0), norm=D("4.745"), tariff=D("42.30")).amount == 0


@pytest.mark.parametrize("day,expected", [
    (date(2025, 12, 5), D("1.5")),  # last day of 1.5 for cold water
    (date(2025, 12, 6), D(3)),    # ПП 1871
    (date(2016, 12, 31), D(1)),     # before the table
])
def test_cold_water_coefficient_by_date(day, expected):
    k = increasing_coefficient("cold_water", day, table=LAW_TABLE, meter_impossible=False, meter_missing=True)
    assert k == expected


def test_no_coefficient_when_meter_impossible_or_metered_or_heating():
    day = date(2026, 1, 15)
    assert increasing_coefficient("cold_water", day, table=LAW_TABLE, meter_impossible=True,
                                  meter_missing=True) == 1
    assert increasing_coefficient("cold_water", day, table=LAW_TABLE, meter_impossible=False,
                                  meter_missing=False) == 1
    assert increasing_coefficient("heating", day, table=LAW_TABLE, meter_impossible=False, meter_missing=True) == 1


def test_later_row_overrides_and_ambiguous_rows_are_refused():
    override = [*LAW_TABLE, ("hot_water", date(2026, 1, 1), None, D(2))]
    day = date(2026, 3, 1)
    assert increasing_coefficient("hot_water", day, table=override, meter_impossible=False, meter_missing=True) == 2
    clash = [*LAW_TABLE, ("hot_water", date(2017, 1, 1), None, D(2))]
    with pytest.raises(InvalidValue):
        increasing_coefficient("hot_water", day, table=clash, meter_impossible=False, meter_missing=True)


def test_average_charge():
    line = average_charge("cold_water", volume=D(25) / D(3), tariff=D("48.57"), unit="m3")
    assert line.method == "average"
    assert line.amount == 40475  # 8.3333… × 48.57 = 404.75
    assert "п. 59" in line.derivation.basis


def test_area_charge_for_housing_services_and_capital_repair():
    line = area_charge("maintenance", area=D("54.3"), rate=D("25.57"))
    assert line.amount == 138845  # 1388.451
    assert (line.method, line.volume, line.tariff) == ("area", None, D("25.57"))
    assert area_charge("capital_repair", area=D("54.3"), rate=D("12.1"), method="area").amount == 65703


def test_g5_heating_by_norm_in_season():
    line = heating_norm_charge("heating", area=D("54.3"), norm=D("0.0194"), tariff=D("2450.37"), month=1,
                               season_months=SEASON, payment="season")
    assert line.amount == 258127
    assert line.volume == D("1.05342")
    assert line.derivation.formula == "54.3 м² × 0.0194 Гкал/м² × 2450.37 руб./Гкал = 2581.2687654 → 2581.27"


def test_heating_in_season_mode_charges_nothing_in_summer():
    assert heating_norm_charge("heating", area=D("54.3"), norm=D("0.0194"), tariff=D("2450.37"), month=7,
                               season_months=SEASON, payment="season") is None


def test_heating_evenly_over_the_year_charges_every_month_the_same_year_volume():
    lines = [heating_norm_charge("heating", area=D("54.3"), norm=D("0.0194"), tariff=D("2450.37"), month=m,
                                 season_months=SEASON, payment="year_evenly") for m in range(1, 13)]
    assert {line.amount for line in lines} == {150574}  # 2581.2687654 × 7 / 12 = 1505.7401…
    assert sum(line.volume for line in lines) == D("1.05342") * 7
    assert abs(sum(line.amount for line in lines) - 258127 * 7) <= 12
    assert "7/12" in lines[0].derivation.formula


@pytest.mark.parametrize("kwargs", [
    {"payment": "monthly"}, {"month": 13}, {"season_months": ()}, {"season_months": (1, 1)},
    {"season_months": (0, 1)},
])
def test_heating_norm_validates_its_settings(kwargs):
    args = {"area": D("54.3"), "norm": D("0.0194"), "tariff": D("2450.37"), "month": 1, "season_months": SEASON,
            "payment": "season"} | kwargs
    with pytest.raises(InvalidValue):
        heating_norm_charge("heating", **args)


def test_heating_by_house_meter_takes_the_area_share():
    line = heating_house_meter_charge("heating", house_volume=D(120), area=D("54.3"), house_area=D(3500),
                                      tariff=D("2450.37"))
    assert line.method == "house_meter_share"
    assert line.amount == 456189  # 120 × 54.3 / 3500 × 2450.37 = 4561.888834…
    assert line.volume == D("1.861714285714285714285714285714286")  # 120 × 54.3 / 3500, 34 digits
    with pytest.raises(InvalidValue):
        heating_house_meter_charge("heating", house_volume=D(1), area=D(2), house_area=D(1), tariff=D(1))


def test_two_part_hot_water_is_rounded_once():
    # 3 × 45.105 = 135.315 and 3 × 0.05 × 2000.03 = 300.0045: apart 135.32 + 300.00 = 435.32; once 435.3195 → 435.32
    # choose numbers where the two differ: 1 × 10.005 + 1 × 1 × 0.005 = 10.01 (apart: 10.01 + 0.01 = 10.02)
    line = two_part_hot_water_charge("hot_water", volume=D(1), cold_water_rate=D("10.005"), heat_per_m3=D(1),
                                     heat_rate=D("0.005"))
    assert line.amount == 1001
    assert line.tariff is None and line.volume == D(1) and line.method == "meter"
    assert line.derivation.inputs == {"volume": "1", "cold_water_rate": "10.005", "heat_per_m3": "1",
                                      "heat_rate": "0.005"}


def test_two_part_hot_water_by_norm_with_coefficient_shows_the_excess():
    line = two_part_hot_water_charge("hot_water", volume=D("6.4"), cold_water_rate=D("45.1"), heat_per_m3=D("0.06"),
                                     heat_rate=D("2450.37"), method="norm", coefficient=D("1.5"))
    # without K: 6.4 × 45.1 + 6.4 × 0.06 × 2450.37 = 288.64 + 940.94208 = 1229.58208 → 1229.58
    # with K 1.5: 1844.37312 → 1844.37; excess 614.79
    assert (line.amount, line.excess, line.method, line.coefficient, line.volume) == (
        184437, 61479, "norm_k", D("1.5"), D("6.4"))
    assert line.derivation.inputs["coefficient"] == "1.5"
    assert "превышение 614.79" in line.derivation.formula


def test_per_unit_charge_per_person_for_solid_waste():
    line = per_unit_charge("solid_waste", units=D(3), rate=D("120.555"), method="person")
    assert (line.amount, line.method, line.volume) == (36167, "person", D(3))  # 361.665 → 361.67
    assert line.derivation.formula == "3 чел. × 120.555 руб./чел. = 361.665 → 361.67"


def test_lines_are_immutable():
    line = area_charge("maintenance", area=D(1), rate=D(1))
    with pytest.raises(FrozenInstanceError):
        line.amount = 0
