"""apply_payments() properties over random charges and payments: each payment's applied parts plus its advance equal
the payment; no line is paid more than charged; money is conserved (charged = paid + debt, payments = paid +
advances); an advance on a plain payment means everything is paid; a payment that named a period only leaves it
when that period is paid off; input order does not matter; cutting at as_of equals applying only the payments made
by then."""

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.period import Period
from bcenter.engine.payments import Charge, Payment, apply_payments, debts, reachable_periods

START = Period(2025, 1)
SERVICES = [("housing", "uk"), ("heating", "tso"), ("water", "vk"), ("water", "vk2")]


@st.composite
def charges(draw):
    rows = []
    for offset in range(draw(st.integers(0, 5))):
        period = START + offset
        due = (period + 1).first_day + timedelta(days=9)
        for service, supplier in draw(st.lists(st.sampled_from(SERVICES), unique=True, max_size=4)):
            rows.append(Charge(period, service, supplier, draw(st.integers(0, 500000)), due))
    return rows


@st.composite
def payments(draw):
    result = []
    for index in range(draw(st.integers(0, 6))):
        amount = draw(st.integers(1, 800000))
        services = None
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(["housing", "heating", "water", "gas"]), unique=True, max_size=3))
            services = {}
            left = amount
            for service in chosen:
                services[service] = draw(st.integers(0, left))
                left -= services[service]
        period = draw(st.one_of(st.none(), st.integers(-1, 6).map(lambda n: START + n)))
        day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 200)))
        result.append(Payment(f"p{index}", day, amount, period, services))
    return result


POLICY = st.sampled_from(["specified_then_fifo", "fifo"])


@settings(max_examples=200, deadline=None)
@given(charges(), payments(), POLICY)
def test_money_is_conserved(charge_rows, payment_rows, policy):
    application = apply_payments(charge_rows, payment_rows, policy=policy)
    for payment in payment_rows:
        result = application.payment(payment.id)
        assert sum(a.amount for a in result.applied) + result.advance == payment.amount
        assert result.advance >= 0 and all(a.amount > 0 and a.day == payment.day for a in result.applied)
    for line in application.lines:
        assert 0 <= line.paid <= line.charged and line.debt == line.charged - line.paid
    assert sum(c.amount for c in charge_rows) == sum(x.paid + x.debt for x in application.lines)
    assert sum(p.amount for p in payment_rows) == sum(x.paid for x in application.lines) + application.advance


@settings(max_examples=200, deadline=None)
@given(charges(), payments())
def test_an_advance_or_leaving_the_named_period_needs_it_paid_off(charge_rows, payment_rows):
    plain = [Payment(p.id, p.day, p.amount, p.period) for p in payment_rows]
    application = apply_payments(charge_rows, plain)
    if any(r.advance for r in application.payments):
        assert application.total_debt == 0
    for payment in plain:
        result = application.payment(payment.id)
        if payment.period is not None and any(a.period != payment.period for a in result.applied):
            assert all(line.debt == 0 for line in application.lines if line.period == payment.period)


@settings(max_examples=100, deadline=None)
@given(charges(), payments(), POLICY, st.randoms(use_true_random=False))
def test_input_order_does_not_matter(charge_rows, payment_rows, policy, rnd: random.Random):
    first = apply_payments(charge_rows, payment_rows, policy=policy)
    shuffled_charges, shuffled_payments = list(charge_rows), list(payment_rows)
    rnd.shuffle(shuffled_charges)
    rnd.shuffle(shuffled_payments)
    assert apply_payments(shuffled_charges, shuffled_payments, policy=policy) == first


@settings(max_examples=100, deadline=None)
@given(charges(), payments(), POLICY, st.integers(0, 200))
def test_cut_at_as_of_equals_applying_only_earlier_payments(charge_rows, payment_rows, policy, offset):
    as_of = date(2025, 1, 1) + timedelta(days=offset)
    everything = apply_payments(charge_rows, payment_rows, policy=policy)
    until = apply_payments(charge_rows, payment_rows, policy=policy, as_of=as_of)
    assert debts(everything, as_of=as_of) == debts(until, as_of=as_of)
    assert until.payments == tuple(r for r in everything.payments if r.day <= as_of)


@st.composite
def uneven_charges(draw):
    """Charges whose services fall due on different days within a period (the earliest due of a period moves as
    its lines are repaid), amounts small enough that payments reach past the first periods."""
    rows = []
    for offset in range(draw(st.integers(0, 6))):
        period = START + offset
        for service, supplier in draw(st.lists(st.sampled_from(SERVICES), unique=True, max_size=4)):
            due = (period + 1).first_day + timedelta(days=draw(st.integers(0, 75)))
            amount = draw(st.one_of(st.integers(0, 3), st.integers(0, 20000)))  # a kopeck or two closes first
            rows.append(Charge(period, service, supplier, amount, due))
    return rows


@settings(max_examples=400, deadline=None)
@given(uneven_charges(), payments().map(lambda rows: [Payment(p.id, p.day, p.amount // 20 + 1, p.period)
                                                      for p in rows]), POLICY)
def test_payments_applied_to_the_reachable_periods_alone_go_where_they_go_among_all(charge_rows, payment_rows,
                                                                                    policy):
    """``reachable_periods`` (what a close passes a debtor's payments: the oldest periods, not a hundred lines):
    the same parts, advances and residual splits as applied to every line."""
    reach = reachable_periods([(c.period, c.due, c.amount) for c in charge_rows], payment_rows, policy=policy)
    whole = apply_payments(charge_rows, payment_rows, policy=policy, lines=False)
    part = apply_payments([c for c in charge_rows if c.period in reach], payment_rows, policy=policy, lines=False)
    assert part.payments == whole.payments


def test_a_split_by_service_reaches_every_period():
    split = Payment("p", date(2025, 2, 1), 100, None, {"water": 50})
    assert reachable_periods([(START, date(2025, 2, 10), 500)], [split], policy="fifo") is None


def test_a_period_whose_early_line_is_repaid_first_lets_a_later_period_in():
    """A period's lines are repaid in proportion, but a 1-kopeck line can close first (largest remainder); then the
    period's earliest due is its later line's, and the next payment goes to a period due in between — which must
    be among the reachable ones though the first period alone owed both payments."""
    a, b = START, START + 1
    rows = [Charge(a, "housing", "uk", 1, date(2025, 2, 1)), Charge(a, "heating", "tso", 2, date(2025, 4, 1)),
            Charge(b, "housing", "uk", 50, date(2025, 3, 1))]
    paid = [Payment("p1", date(2025, 2, 5), 2), Payment("p2", date(2025, 2, 6), 1)]
    whole = apply_payments(rows, paid, policy="fifo", lines=False)
    assert [(x.period, x.service) for x in whole.payment("p2").applied] == [(b, "housing")]
    reach = reachable_periods([(c.period, c.due, c.amount) for c in rows], paid, policy="fifo")
    assert reach == {a, b}
    assert apply_payments([c for c in rows if c.period in reach], paid, policy="fifo", lines=False) == whole
