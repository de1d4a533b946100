"""Debt collection rules (bcenter.engine.collection): golden figures of the duty, the objection window, limitation
with a cancelled order, the restriction threshold, how recovered money is taken, co-owners' shares."""
from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import InvalidValue
from bcenter.engine import collection as c

RUB = 100


@pytest.mark.parametrize("price, order, claim, after_order", [
    (25_000, 2_000, 4_000, 2_000),       # the figures
    (150_000, 2_750, 5_500, 2_750),
    (100_000, 2_000, 4_000, 2_000),      # the first step's edge
    (300_000, 5_000, 10_000, 5_000),     # 4 000 + 3 % of 200 000
    (500_000, 7_500, 15_000, 7_500),     # 10 000 + 2.5 % of 200 000
    (1_000_000, 12_500, 25_000, 12_500),
    (3_000_000, 22_500, 45_000, 22_500),
    (1, 2_000, 4_000, 2_000),
])
def test_state_duty_by_the_scale_of_259_fz(price, order, claim, after_order):
    """НК ст. 333.19 since 09.09.2024: the claim's duty, an order's half, a claim after a cancelled order pays the
    rest (the order's duty credited)."""
    assert c.claim_duty(price * RUB) == claim * RUB
    assert c.court_order_duty(price * RUB) == order * RUB
    assert c.claim_duty(price * RUB, credited=c.court_order_duty(price * RUB)) == after_order * RUB


def test_duty_is_in_whole_rubles_and_capped():
    assert c.claim_duty(100_016_67) == 4_001_00  # 4 000 + 3 % of 16.67 ₽ = 4 000.5001 ₽: 50 kopecks and more → up
    assert c.claim_duty(100_010_00) == 4_000_00  # 4 000.30 ₽: under 50 kopecks dropped
    assert c.claim_duty(10_000_000_000_00) == 900_000_00
    with pytest.raises(InvalidValue):
        c.claim_duty(-1)


def test_objection_window_counts_working_days():
    """ГПК ст. 128: 10 working days after receipt; the May holidays move it."""
    cal = WorkCalendar([date(2026, 5, 1), date(2026, 5, 11)], [])
    assert c.objection_deadline(date(2026, 11, 2), WorkCalendar([date(2026, 11, 4)], [])) == date(2026, 11, 17)
    assert c.objection_deadline(date(2026, 4, 27), cal) == date(2026, 5, 13)


def test_limitation_three_years_from_the_day_after_the_due_date():
    due = date(2023, 1, 10)
    assert c.limitation_end(due) == date(2026, 1, 10)
    assert not c.time_barred(due, date(2026, 1, 10))
    assert c.time_barred(due, date(2026, 1, 11))
    assert c.years_after(date(2024, 2, 29), 3) == date(2027, 2, 28)


def test_a_cancelled_order_gives_back_the_time_it_stood():
    """The order was filed 01.06.2025 and cancelled 01.12.2025 (183 days): the month due 10.01.2023 is not barred
    for a claim filed 01.03.2026 (its end moved to 12.07.2026), and would be without the order."""
    due, filed = date(2023, 1, 10), date(2026, 3, 1)
    order = c.Pause(date(2025, 6, 1), date(2025, 12, 1))
    assert c.time_barred(due, filed)
    assert not c.time_barred(due, filed, [order])
    assert c.limitation_end(due, [order]) == date(2026, 7, 12)
    # while the order stands, no time runs
    assert c.limitation_end(due, [c.Pause(date(2025, 6, 1))]) is None
    assert not c.time_barred(due, date(2030, 1, 1), [c.Pause(date(2025, 6, 1))])
    # an order filed after the period ran out stops nothing
    assert c.time_barred(due, filed, [c.Pause(date(2026, 2, 1), date(2026, 2, 20))])


def test_under_six_months_left_after_a_cancellation_become_six():
    """ГК ст. 204 п. 3, Пленум ВС № 43 п. 18: an order filed a month before the end and cancelled → six months from
    the cancellation."""
    due = date(2023, 1, 10)
    order = c.Pause(date(2025, 12, 10), date(2026, 2, 1))
    assert c.limitation_end(due, [order]) == date(2026, 8, 1)


def test_restriction_threshold_and_window():
    assert not c.restriction_due(2 * 1_000_00, 1_000_00)
    assert c.restriction_due(2 * 1_000_00 + 1, 1_000_00)
    assert not c.restriction_due(5_000_00, 0)
    assert c.restriction_deadline(date(2026, 12, 1)) == date(2026, 12, 22)
    assert "heating" not in c.RESTRICTABLE and "cold_water" not in c.RESTRICTABLE


def test_recovered_money_costs_then_principal_then_penalties():
    parts = c.recovery_parts(10_000_00, costs=2_000_00, principal=7_000_00, penalties=500_00)
    assert parts == c.Recovery(2_000_00, 7_000_00, 500_00, 500_00)
    assert c.recovery_parts(1_000_00, costs=2_000_00, principal=7_000_00, penalties=0) == c.Recovery(1_000_00, 0, 0, 0)


@given(st.integers(1, 10**9), st.integers(0, 10**8), st.integers(0, 10**8), st.integers(0, 10**7))
def test_recovered_money_is_taken_whole(amount, costs, principal, penalties):
    r = c.recovery_parts(amount, costs=costs, principal=principal, penalties=penalties)
    assert r.costs + r.principal + r.penalties + r.overpaid == amount
    assert r.costs <= costs and r.principal <= principal and r.penalties <= penalties


def test_co_owners_by_share_and_a_family_jointly():
    assert c.share_liability(100_00, {"Б": Fraction(2, 3), "А": Fraction(1, 3)}) == {"А": 33_33, "Б": 66_67}
    assert c.share_liability(100_00, {"А": Fraction(1, 2)}) == {"А": 50_00}  # the other half is nobody's here
    assert c.share_liability(100_00, {"А": Fraction(1), "Б": Fraction(1)}, joint=True) == {"А": 100_00, "Б": 100_00}
    with pytest.raises(InvalidValue):
        c.share_liability(100_00, {"А": Fraction(2, 3), "Б": Fraction(2, 3)})


@given(st.integers(0, 10**9), st.lists(st.integers(1, 12), min_size=1, max_size=5))
def test_shares_that_make_the_whole_sum_exactly(total, parts):
    shares = {f"d{i}": Fraction(p, sum(parts)) for i, p in enumerate(parts)}
    assert sum(c.share_liability(total, shares).values()) == total
