"""split_payment() and the proportional split inside apply_payments — golden case G14 (DOMAIN.md §11, п. 118
ПП 354): a) 5 000.00 → 1 792.33 / 2 453.18 / 754.49, b) 1 000.00 → 358.46 / 490.64 / 150.90 (largest remainder,
not naive half-up which gives 1 000.01); ties broken by key, deterministic whatever the input order; properties:
the parts always sum exactly and each is within a kopeck of its exact share."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.engine.payments import Charge, Payment, apply_payments, split_payment

# G14 ПД: УК «содержание» 2 345.67; ТСО «отопление» 3 210.55; Водоканал «ХВС+водоотведение» 987.43.
G14 = {"uk": 234567, "tso": 321055, "vk": 98743}
JAN = Period(2025, 1)
G14_CHARGES = [
    Charge(JAN, "housing", "uk", 234567, date(2025, 2, 10)),
    Charge(JAN, "heating", "tso", 321055, date(2025, 2, 10)),
    Charge(JAN, "water", "vk", 98743, date(2025, 2, 10)),
]


def rubles(parts):
    return {key: format_kop(value) for key, value in parts.items()}


def test_g14a_5000():
    parts = split_payment(500000, G14)
    assert rubles(parts) == {"uk": "1792.33", "tso": "2453.18", "vk": "754.49"}
    assert sum(parts.values()) == 500000


def test_g14b_1000_largest_remainder_not_naive_half_up():
    parts = split_payment(100000, G14)
    assert rubles(parts) == {"uk": "358.46", "tso": "490.64", "vk": "150.90"}
    assert sum(parts.values()) == 100000


@pytest.mark.parametrize(("amount", "expected"), [
    (500000, {"uk": "1792.33", "tso": "2453.18", "vk": "754.49"}),
    (100000, {"uk": "358.46", "tso": "490.64", "vk": "150.90"}),
])
def test_g14_through_apply_payments(amount, expected):
    for period in (JAN, None):  # named or not, a single open period takes it proportionally
        application = apply_payments(G14_CHARGES, [Payment("p", date(2025, 2, 5), amount, period)])
        result = application.payment("p")
        assert {a.supplier: format_kop(a.amount) for a in result.applied} == expected
        assert result.advance == 0


def test_ties_go_to_the_lower_key_whatever_the_order():
    assert split_payment(101, {"b": 100, "a": 100}) == {"b": 50, "a": 51}
    assert split_payment(101, {"a": 100, "b": 100}) == {"a": 51, "b": 50}


def test_ties_in_apply_payments_go_by_supplier_then_service():
    charges = [Charge(JAN, "y", "b", 100, date(2025, 2, 10)), Charge(JAN, "x", "a", 100, date(2025, 2, 10))]
    for order in (charges, charges[::-1]):
        applied = apply_payments(order, [Payment("p", date(2025, 2, 1), 101)]).payment("p").applied
        assert {(a.supplier, a.amount) for a in applied} == {("a", 51), ("b", 50)}


def test_zero_weight_gets_nothing_and_empty_amount_is_all_zero():
    assert split_payment(1000, {"a": 0, "b": 3}) == {"a": 0, "b": 1000}
    assert split_payment(0, {"a": 1, "b": 3}) == {"a": 0, "b": 0}


def test_amount_must_be_kopecks():
    with pytest.raises(TypeError):
        split_payment(1000.0, G14)


weights = st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 10**9), min_size=1, max_size=8).filter(
    lambda w: sum(w.values()) > 0
)


@given(st.integers(0, 10**10), weights)
def test_parts_sum_exactly_and_stay_within_a_kopeck_of_the_exact_share(amount, w):
    parts = split_payment(amount, w)
    assert list(parts) == list(w)
    assert sum(parts.values()) == amount
    total = sum(w.values())
    for key, part in parts.items():
        assert abs(part - Fraction(amount * w[key], total)) < 1
        assert part >= 0
