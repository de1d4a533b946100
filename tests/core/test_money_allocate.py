"""allocate(): largest-remainder split of kopecks — golden case G14 (DOMAIN.md §11, п. 118 ПП 354) and properties:
parts sum exactly to the total, each part is within one kopeck of its exact share, ties are broken
deterministically, negative totals mirror positive ones, zero weights get nothing."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.money import allocate, format_kop, rub_to_kop

# ПД lines of G14: УК «содержание» 2 345.67, ТСО «отопление» 3 210.55, Водоканал 987.43.
G14_WEIGHTS = [rub_to_kop("2345.67"), rub_to_kop("3210.55"), rub_to_kop("987.43")]


def test_g14_weights_are_the_bill_lines():
    assert G14_WEIGHTS == [234567, 321055, 98743]


def test_g14a_payment_5000_splits_half_up_and_largest_remainder_agree():
    parts = allocate(rub_to_kop("5000.00"), G14_WEIGHTS)
    assert [format_kop(p) for p in parts] == ["1792.33", "2453.18", "754.49"]
    assert sum(parts) == 500000


def test_g14b_payment_1000_gives_the_two_left_over_kopecks_to_the_largest_remainders():
    # Naive half-up would give 358.47 / 490.64 / 150.90 = 1000.01 — a kopeck that was never paid.
    parts = allocate(rub_to_kop("1000.00"), G14_WEIGHTS)
    assert [format_kop(p) for p in parts] == ["358.46", "490.64", "150.90"]
    assert sum(parts) == 100000


def test_g14_with_decimal_ruble_weights_gives_the_same_split():
    weights = [Decimal("2345.67"), Decimal("3210.55"), Decimal("987.43")]
    assert allocate(100000, weights) == [35846, 49064, 15090]


def test_mixed_int_and_decimal_weights_scale_together():
    assert allocate(100, [1, Decimal("1.0"), Decimal("2.00")]) == [25, 25, 50]


def test_ties_go_to_the_earlier_part_by_default():
    assert allocate(1, [1, 1, 1]) == [1, 0, 0]
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]


def test_ties_go_to_the_lowest_tie_break_key():
    assert allocate(1, [1, 1, 1], tie_break=[(2, "b"), (1, "z"), (2, "a")]) == [0, 1, 0]
    assert allocate(2, [1, 1, 1], tie_break=[(2, "b"), (1, "z"), (2, "a")]) == [0, 1, 1]


def test_tie_break_does_not_override_a_larger_remainder():
    # exact shares 0.6 / 0.4: the larger remainder wins whatever the keys say
    assert allocate(1, [3, 2], tie_break=[9, 0]) == [1, 0]


def test_tie_break_must_match_the_weights():
    with pytest.raises(ValueError):
        allocate(10, [1, 2], tie_break=[1])


def test_negative_total_is_the_mirror_of_the_positive_split():
    assert allocate(-100000, G14_WEIGHTS) == [-35846, -49064, -15090]


def test_zero_total_gives_zero_parts_even_with_zero_weights():
    assert allocate(0, [0, 0]) == [0, 0]
    assert allocate(0, [1, 2]) == [0, 0]
    assert allocate(0, []) == []


def test_nonzero_total_over_zero_weights_is_refused():
    with pytest.raises(ValueError):
        allocate(100, [0, 0])
    with pytest.raises(ValueError):
        allocate(100, [])


def test_zero_weight_gets_nothing():
    assert allocate(101, [1, 0, 1]) == [51, 0, 50]


def test_bad_weights_are_refused():
    with pytest.raises(ValueError):
        allocate(100, [1, -1])
    with pytest.raises(ValueError):
        allocate(100, [Decimal("NaN")])
    with pytest.raises(TypeError):
        allocate(100, [0.5, 0.5])
    with pytest.raises(TypeError):
        allocate(100, [True, 1])
    with pytest.raises(TypeError):
        allocate(1.0, [1])


def test_input_is_not_mutated():
    weights = [3, 2, 1]
    keys = [2, 1, 0]
    allocate(7, weights, tie_break=keys)
    assert weights == [3, 2, 1] and keys == [2, 1, 0]


totals = st.integers(min_value=-10**12, max_value=10**12)
int_weights = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12).filter(any)
decimal_weights = st.lists(
    st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=12,
).filter(any)


@given(total=totals, weights=int_weights)
def test_parts_sum_exactly_to_the_total(total, weights):
    assert sum(allocate(total, weights)) == total


@given(total=totals, weights=st.one_of(int_weights, decimal_weights))
def test_each_part_is_within_one_kopeck_of_its_exact_share(total, weights):
    parts = allocate(total, weights)
    weight_sum = sum(Fraction(w) for w in weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total) * Fraction(weight) / weight_sum
        assert abs(part - exact) < 1


@given(total=totals, weights=st.one_of(int_weights, decimal_weights))
def test_split_is_a_pure_function_and_mirrors_for_storno(total, weights):
    parts = allocate(total, weights)
    assert parts == allocate(total, list(weights))
    assert [-p for p in parts] == allocate(-total, weights)
    assert sum(parts) == total


@given(total=st.integers(min_value=0, max_value=10**9), weights=int_weights)
def test_parts_move_toward_their_share_floor_or_ceiling(total, weights):
    weight_sum = sum(weights)
    for part, weight in zip(allocate(total, weights), weights, strict=True):
        floor = total * weight // weight_sum
        assert part in (floor, floor + 1)
        if weight == 0:
            assert part == 0


@given(total=st.integers(min_value=0, max_value=10**6), size=st.integers(min_value=1, max_value=8), data=st.data())
def test_tie_break_order_decides_equal_weights(total, size, data):
    keys = data.draw(st.permutations(list(range(size))))
    parts = allocate(total, [1] * size, tie_break=keys)
    base = total // size
    extra = total % size
    winners = {i for i, key in enumerate(keys) if key < extra}
    assert parts == [base + (1 if i in winners else 0) for i in range(size)]
