"""Temporary absence (bcenter.engine.reductions): the recalculation line −N × T × K × days / days in month (G8),
the month's total after it, and which services an absence may reduce (not heating, not СОИ, not housing services,
only where a meter is technically impossible; ТКО by its own rule)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.engine.charges import norm_charge
from bcenter.engine.persons import absence_eligible, absent_days
from bcenter.engine.reductions import absence_applies, absence_recalc

JUNE = Period(2025, 6)


def test_g8_absence_of_12_days_in_june():
    days = absent_days(date(2025, 6, 5), date(2025, 6, 18), JUNE)
    assert absence_eligible(absent_days(date(2025, 6, 5), date(2025, 6, 18)))
    charge = norm_charge("cold_water", persons=D(2), norm=D("4.745"), tariff=D("42.30"), unit="m3")
    recalc = absence_recalc("cold_water", norm=D("4.745"), tariff=D("42.30"), coefficient=D(1), absent_days=days,
                            days_in_month=JUNE.days, unit="m3")
    assert charge.amount == 40143
    assert recalc.amount == -8029
    assert charge.amount + recalc.amount == 32114
    assert (recalc.kind, recalc.method, recalc.excess) == ("absence", "norm", 0)
    assert recalc.volume == D("-1.898")
    assert recalc.derivation.formula == "-(4.745 м³/чел. × 42.3 руб./м³ × 12/30 дн.) = -80.2854 → -80.29"
    assert recalc.derivation.inputs == {"norm": "4.745", "tariff": "42.3", "coefficient": "1", "absent_days": "12",
                                        "days_in_month": "30"}


def test_absence_with_coefficient_reduces_the_excess_too():
    line = absence_recalc("hot_water", norm=D(3), tariff=D(200), coefficient=D("1.5"), absent_days=10,
                          days_in_month=30)
    assert (line.amount, line.excess, line.method) == (-30000, -10000, "norm_k")


def test_zero_days_is_a_zero_line():
    assert absence_recalc("cold_water", norm=D("4.745"), tariff=D("42.30"), coefficient=D(1), absent_days=0,
                          days_in_month=30).amount == 0


@pytest.mark.parametrize("days,month_days", [(31, 30), (-1, 30), (5, 27), (5, 32)])
def test_absence_days_are_validated(days, month_days):
    with pytest.raises(InvalidValue):
        absence_recalc("cold_water", norm=D(1), tariff=D(1), coefficient=D(1), absent_days=days,
                       days_in_month=month_days)


@pytest.mark.parametrize("resource,kind,impossible,metered,expected", [
    ("cold_water", "communal", True, False, True),
    ("hot_water", "communal", True, False, True),
    ("electricity", "communal", True, False, True),
    ("cold_water", "communal", False, False, False),  # a meter could be installed: no recalculation
    ("cold_water", "communal", True, True, False),    # metered: consumption is measured
    ("heating", "communal", True, False, False),
    ("cold_water", "common_property", True, False, False),
    ("electricity", "common_property", True, False, False),
    (None, "housing", False, False, False),
    (None, "capital_repair", False, False, False),
    ("solid_waste", "communal", False, False, True),  # ТКО: п. 148(44)
])
def test_which_services_an_absence_reduces(resource, kind, impossible, metered, expected):
    assert absence_applies(resource, kind, meter_impossible=impossible, metered=metered) is expected
