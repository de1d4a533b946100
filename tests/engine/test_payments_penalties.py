"""Payments and penalties (``bcenter.engine.payments`` rule 6, setting ``penalty_application``; issue 12): a payment
that names a bill and covers all it asked pays that bill's penalties; otherwise charges first (up to the payment's
month), then the penalties billed before its month, then later charges; a payer's split by service pays that service's
penalties only; synthetic credits pay none; a penalty part is never a repayment of a charge."""

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.engine.payments import (
    Charge,
    Payment,
    PenaltyBilled,
    apply_payments,
    debts,
    residual,
    to_repayments,
)

JAN, FEB, MAR, APR = Period(2025, 1), Period(2025, 2), Period(2025, 3), Period(2025, 4)


def d(text: str) -> date:
    return date.fromisoformat(text)


# February's bill (printed in March): January unpaid 1 000.00 (uk 600 + vk 400) and February 1 000.00, penalties
# billed in February 12.34 (uk 7.40, vk 4.94); March's charges exist already when April's close applies.
CHARGES = [
    Charge(JAN, "housing", "uk", 60000, d("2025-02-10")),
    Charge(JAN, "water", "vk", 40000, d("2025-02-10")),
    Charge(FEB, "housing", "uk", 60000, d("2025-03-10")),
    Charge(FEB, "water", "vk", 40000, d("2025-03-10")),
    Charge(MAR, "housing", "uk", 60000, d("2025-04-10")),
    Charge(MAR, "water", "vk", 40000, d("2025-04-10")),
]
BILLED = [PenaltyBilled(FEB, "housing", "uk", 740), PenaltyBilled(FEB, "water", "vk", 494)]
BILL_TOTAL = 200000 + 1234  # what February's bill asked: both months and the penalties


def penalty_parts(result):
    return sorted((a.service, a.supplier, a.amount) for a in result.applied if a.penalty)


def test_a_bill_paid_by_its_qr_sum_leaves_nothing_owed_and_no_advance():
    application = apply_payments(CHARGES[:4], [Payment("qr", d("2025-03-05"), BILL_TOTAL, FEB)], penalties=BILLED)
    result = application.payment("qr")
    assert result.advance == 0
    assert penalty_parts(result) == [("housing", "uk", 740), ("water", "vk", 494)]
    assert application.total_debt == 0
    assert application.penalties_paid == {("housing", "uk"): 740, ("water", "vk"): 494}


def test_the_bill_is_paid_whole_before_a_later_month_takes_anything():
    # March's charges exist (computing April): the bill's sum still pays February's bill with its penalties
    application = apply_payments(CHARGES, [Payment("qr", d("2025-03-05"), BILL_TOTAL, FEB)], penalties=BILLED)
    assert application.payment("qr").advance == 0
    assert sum(application.penalties_paid.values()) == 1234
    assert application.debt(MAR, "housing", "uk") == 60000 and application.debt(MAR, "water", "vk") == 40000


def test_without_naming_the_bill_charges_of_the_payment_month_come_first_then_penalties():
    # paid in April (unnamed): January–March charges first (3 000.00), then February's penalties
    application = apply_payments(CHARGES, [Payment("p", d("2025-04-05"), 300000 + 1000)], penalties=BILLED)
    result = application.payment("p")
    assert application.total_debt == 0
    assert penalty_parts(result) == [("housing", "uk", 600), ("water", "vk", 400)]  # 10.00 split 740 : 494
    assert result.advance == 0


def test_an_unnamed_payment_in_march_pays_february_penalties_before_march_charges_as_advance():
    # paid in March: charges up to March (all three months exist) first — then penalties billed before March
    application = apply_payments(CHARGES, [Payment("p", d("2025-03-20"), 300000 + 1234 + 500)], penalties=BILLED)
    result = application.payment("p")
    assert sum(a.amount for a in result.applied if not a.penalty) == 300000
    assert sum(a.amount for a in result.applied if a.penalty) == 1234
    assert result.advance == 500


def test_penalties_billed_in_the_payment_month_wait_for_a_later_payment():
    late = [PenaltyBilled(MAR, "housing", "uk", 999)]
    application = apply_payments(CHARGES, [Payment("p", d("2025-03-20"), 400000)], penalties=late)
    assert application.penalties_paid == {}  # March's penalty is billed at March's close, after the payment
    assert application.payment("p").advance == 100000


def test_a_bill_not_covered_pays_charges_first_penalties_last():
    short = BILL_TOTAL - 100  # one ruble short: not the bill's sum — the charges of the months up to March first
    application = apply_payments(CHARGES, [Payment("p", d("2025-03-05"), short, FEB)], penalties=BILLED)
    result = application.payment("p")
    assert penalty_parts(result) == []  # March's charges (up to the payment's month) took the rest
    assert application.debt(MAR, "housing", "uk") + application.debt(MAR, "water", "vk") == 100000 - 1234 + 100


@pytest.mark.parametrize("policy, penalties_paid", [("named_bill", 1234), ("last", 0), ("never", 0)])
def test_the_setting(policy, penalties_paid):
    application = apply_payments(CHARGES, [Payment("qr", d("2025-03-05"), BILL_TOTAL, FEB)], penalties=BILLED,
                                 penalty_policy=policy)
    assert sum(application.penalties_paid.values()) == penalties_paid


def test_last_pays_penalties_once_charges_up_to_the_payment_month_are_paid():
    application = apply_payments(CHARGES, [Payment("p", d("2025-03-05"), 300000 + 1234)], penalties=BILLED,
                                 penalty_policy="last")
    assert sum(application.penalties_paid.values()) == 1234 and application.total_debt == 0


def test_a_payer_split_by_service_pays_that_service_penalties_only():
    pay = Payment("p", d("2025-04-05"), 150000 + 1000, services={"water": 120000 + 1000})
    application = apply_payments(CHARGES, [pay], penalties=BILLED)
    assert application.penalties_paid == {("water", "vk"): 494}  # the water part: 1 200.00 of charges, 4.94 of пени
    assert application.payment("p").advance == 506 + 0  # the water part's rest; the general part went to housing


def test_synthetic_credits_pay_no_penalty():
    credit = Payment("credit-2025-02-water", d("2025-03-31"), 500000)
    application = apply_payments(CHARGES, [credit], penalties=BILLED)
    assert application.penalties_paid == {}


def test_what_earlier_payments_paid_is_not_paid_again():
    application = apply_payments(CHARGES, [Payment("p", d("2025-04-05"), 300000 + 1234)], penalties=BILLED,
                                 penalties_paid={("housing", "uk"): 740})
    assert application.penalties_paid == {("water", "vk"): 494}
    assert application.payment("p").advance == 740


def test_a_penalty_part_is_no_repayment_of_a_charge():
    application = apply_payments(CHARGES[:4], [Payment("qr", d("2025-03-05"), BILL_TOTAL, FEB)], penalties=BILLED)
    assert sum(r.amount for r in to_repayments(application)) == 200000
    assert debts(application, as_of=d("2025-03-31")) == []


def test_a_negative_correction_reduces_what_is_owed():
    billed = [*BILLED, PenaltyBilled(MAR, "housing", "uk", -740)]
    application = apply_payments(CHARGES, [Payment("p", d("2025-04-05"), 300000 + 1234)], penalties=billed)
    assert application.penalties_paid == {("water", "vk"): 494}


def test_bad_setting_refused():
    with pytest.raises(InvalidValue, match="пени"):
        apply_payments(CHARGES, [], penalty_policy="sometimes")


@settings(max_examples=150, deadline=None)
@given(amounts=st.lists(st.integers(min_value=1, max_value=250000), min_size=1, max_size=6),
       days=st.lists(st.integers(min_value=0, max_value=80), min_size=6, max_size=6),
       named=st.lists(st.sampled_from([None, JAN, FEB, MAR]), min_size=6, max_size=6),
       billed=st.lists(st.integers(min_value=-500, max_value=5000), min_size=4, max_size=4))
def test_every_kopeck_is_somewhere_and_continuing_from_residuals_agrees(amounts, days, named, billed):
    """Each payment's parts and advance add up to it; a penalty is never paid beyond what was billed up to the
    month before the payment (a later correction may take back some: paid stays paid); and applying the
    residuals of the payments up to March, then April's payments — what a close continuing a carry does — gives the same parts as applying them all at once."""
    penalties = [PenaltyBilled(FEB, "housing", "uk", billed[0]), PenaltyBilled(FEB, "water", "vk", billed[1]),
                 PenaltyBilled(MAR, "housing", "uk", billed[2]), PenaltyBilled(MAR, "water", "vk", billed[3])]
    payments = [Payment(f"p{i}", d("2025-02-15").fromordinal(d("2025-02-15").toordinal() + days[i]), amount,
                        named[i]) for i, amount in enumerate(amounts)]
    whole = apply_payments(CHARGES, payments, penalties=penalties)
    for result in whole.payments:
        assert sum(a.amount for a in result.applied) + result.advance == result.amount
    for key in whole.penalties_paid:
        mine = [p.amount for p in penalties if (p.service, p.supplier) == key]  # (February's, then March's)
        assert whole.penalties_paid[key] <= max(0, mine[0], mine[0] + mine[1])
    # continue: payments up to March 31, then their residuals with April's payments (carry: penalties as one line)
    early = [p for p in payments if p.day <= d("2025-03-31")]
    late = [p for p in payments if p.day > d("2025-03-31")]
    if any(p.period is not None and p.period < MAR for p in late):
        return  # a carry does not keep penalties by month: the close starts such an account from nothing
    first = apply_payments(CHARGES, early, penalties=[p for p in penalties if p.period < MAR])
    by_id = {p.id: p for p in early}
    left = [r for r in (residual(by_id[x.payment_id], x) for x in first.payments) if r is not None]
    owed = [Charge(ln.period, ln.service, ln.supplier, ln.debt, ln.due) for ln in first.lines if ln.debt > 0]
    cum = {}
    for p in penalties:
        if p.period <= MAR:
            cum[(p.service, p.supplier)] = cum.get((p.service, p.supplier), 0) + p.amount
    second = apply_payments(owed, [*left, *late], penalties=[PenaltyBilled(MAR, s, u, a) for (s, u), a in cum.items()],
                            penalties_paid=first.penalties_paid)
    for x in late:
        assert sorted((str(a.period), a.service, a.amount, a.penalty) for a in second.payment(x.id).applied) == \
            sorted((str(a.period), a.service, a.amount, a.penalty) for a in whole.payment(x.id).applied)
    total_paid = {k: first.penalties_paid.get(k, 0) + second.penalties_paid.get(k, 0)
                  for k in {*first.penalties_paid, *second.penalties_paid}}
    assert {k: v for k, v in total_paid.items() if v} == {k: v for k, v in whole.penalties_paid.items() if v}
