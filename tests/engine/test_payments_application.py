"""apply_payments() rules (ст. 319.1 ГК РФ, п. 118 ПП 354; DOMAIN.md §3.6, §5.3): the named period first, then
oldest due first; the "fifo" policy ignoring the named period; proportional split within a period; a payer-specified
split by service used as given; overpayment → advance, applied to later charges in proportion when they appear;
payments in day order (then id) whatever the input order; as_of; debts() for `bcenter debts --json` and its cut at
as_of; to_repayments() for the penalty calculation; merging of charge lines; bad input refused."""

from datetime import date

import pytest

from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.engine.payments import (
    Applied,
    Charge,
    DebtLine,
    Payment,
    apply_payments,
    debts,
    to_repayments,
)
from bcenter.engine.penalties import Repayment

DEC, JAN, FEB = Period(2024, 12), Period(2025, 1), Period(2025, 2)


def d(text: str) -> date:
    return date.fromisoformat(text)


CHARGES = [
    Charge(DEC, "housing", "uk", 150000, d("2025-01-10")),
    Charge(DEC, "water", "vk", 50000, d("2025-01-10")),
    Charge(JAN, "housing", "uk", 150000, d("2025-02-10")),
    Charge(JAN, "water", "vk", 60000, d("2025-02-10")),
    Charge(FEB, "housing", "uk", 150000, d("2025-03-10")),
    Charge(FEB, "water", "vk", 60000, d("2025-03-10")),
]


def parts(result):
    return [(str(a.period), a.service, a.amount) for a in result.applied]


def test_the_named_period_first_then_the_oldest():
    application = apply_payments(CHARGES, [Payment("p", d("2025-02-05"), 250000, JAN)])
    result = application.payment("p")
    assert parts(result) == [
        ("2025-01", "housing", 150000), ("2025-01", "water", 60000),  # the named period in full
        ("2024-12", "housing", 30000), ("2024-12", "water", 10000),  # the rest: oldest, 150 : 50
    ]
    assert result.advance == 0
    assert application.debt(DEC, "housing", "uk") == 120000


def test_fifo_policy_ignores_the_named_period():
    application = apply_payments(CHARGES, [Payment("p", d("2025-02-05"), 250000, JAN)], policy="fifo")
    # December in full, then 500.00 of January split 1500 : 600 → 357.142… / 142.857… → 357.14 / 142.86.
    assert parts(application.payment("p")) == [
        ("2024-12", "housing", 150000), ("2024-12", "water", 50000),
        ("2025-01", "housing", 35714), ("2025-01", "water", 14286),
    ]


def test_without_a_named_period_oldest_due_first():
    application = apply_payments(CHARGES, [Payment("p", d("2025-02-05"), 100000)])
    assert parts(application.payment("p")) == [("2024-12", "housing", 75000), ("2024-12", "water", 25000)]


def test_a_period_that_has_several_due_days_queues_by_its_earliest():
    charges = [
        Charge(JAN, "capital_repair", "fund", 30000, d("2025-02-20")),
        Charge(DEC, "capital_repair", "fund", 30000, d("2025-01-20")),
        Charge(JAN, "housing", "uk", 60000, d("2025-02-10")),
    ]
    result = apply_payments(charges, [Payment("p", d("2025-02-01"), 60000)]).payment("p")
    assert parts(result) == [("2024-12", "capital_repair", 30000), ("2025-01", "capital_repair", 10000),
                             ("2025-01", "housing", 20000)]


def test_overpayment_becomes_an_advance():
    december = CHARGES[:2]
    application = apply_payments(december, [Payment("p", d("2025-01-20"), 260000)])
    result = application.payment("p")
    assert sum(a.amount for a in result.applied) == 200000
    assert result.advance == 60000
    assert application.advance == 60000 and application.total_debt == 0


def test_the_advance_goes_to_later_charges_in_proportion_when_they_appear():
    with_january = CHARGES[:4]
    result = apply_payments(with_january, [Payment("p", d("2025-01-20"), 260000)]).payment("p")
    # 600.00 over January's 1500 : 600 → 428.571… / 171.428… → 428.57 / 171.43 — and dated the day of payment.
    assert parts(result)[2:] == [("2025-01", "housing", 42857), ("2025-01", "water", 17143)]
    assert result.advance == 0
    assert {a.day for a in result.applied} == {d("2025-01-20")}


def test_payer_specified_split_is_used_as_given():
    payment = Payment("p", d("2025-02-05"), 100000, services={"water": 70000})
    result = apply_payments(CHARGES, [payment]).payment("p")
    # Water: December's 500.00, then January's 200.00; the other 300.00 by the general rule: December housing.
    assert parts(result) == [("2024-12", "water", 50000), ("2025-01", "water", 20000), ("2024-12", "housing", 30000)]


def test_payer_specified_split_goes_to_the_named_period_first():
    payment = Payment("p", d("2025-02-05"), 70000, JAN, services={"water": 70000})
    result = apply_payments(CHARGES, [payment]).payment("p")
    assert parts(result) == [("2025-01", "water", 60000), ("2024-12", "water", 10000)]


def test_a_services_part_that_its_service_cannot_take_stays_an_advance():
    payment = Payment("p", d("2025-02-05"), 200000, services={"water": 200000, "gas": 0})
    application = apply_payments(CHARGES, [payment])
    result = application.payment("p")
    assert sum(a.amount for a in result.applied) == 170000  # all water lines
    assert result.advance == 30000
    assert application.debt(DEC, "housing", "uk") == 150000  # housing untouched: the payer chose water


def test_payments_apply_in_day_order_then_id():
    payments = [
        Payment("late", d("2025-02-20"), 100000, DEC),  # names December, already paid by the earlier one
        Payment("b", d("2025-01-15"), 100000),
        Payment("a", d("2025-01-15"), 100000),
    ]
    application = apply_payments(CHARGES, payments)
    assert [r.payment_id for r in application.payments] == ["a", "b", "late"]
    assert parts(application.payment("a")) == [("2024-12", "housing", 75000), ("2024-12", "water", 25000)]
    assert parts(application.payment("late")) == [("2025-01", "housing", 71429), ("2025-01", "water", 28571)]


def test_as_of_leaves_out_later_payments():
    payments = [Payment("a", d("2025-01-15"), 100000), Payment("b", d("2025-03-01"), 100000)]
    application = apply_payments(CHARGES, payments, as_of=d("2025-02-28"))
    assert [r.payment_id for r in application.payments] == ["a"]
    with pytest.raises(KeyError):
        application.payment("b")


def test_debts_shape_and_cut_at_as_of():
    payments = [Payment("a", d("2025-01-15"), 120000), Payment("b", d("2025-03-01"), 100000)]
    application = apply_payments(CHARGES, payments)
    owed = debts(application, as_of=d("2025-02-28"))
    assert owed[0] == DebtLine(DEC, "housing", "uk", charged=150000, paid=90000, debt=60000, due=d("2025-01-10"))
    assert [(str(x.period), x.service, x.debt) for x in owed] == [
        ("2024-12", "housing", 60000), ("2024-12", "water", 20000),
        ("2025-01", "housing", 150000), ("2025-01", "water", 60000),
        ("2025-02", "housing", 150000), ("2025-02", "water", 60000),
    ]
    assert debts(application, as_of=d("2025-02-28")) == debts(
        apply_payments(CHARGES, payments, as_of=d("2025-02-28")), as_of=d("2025-02-28")
    )
    # After 01.03 December is paid off and drops out of what is owed.
    assert [str(x.period) for x in debts(application, as_of=d("2025-03-01"))][:1] == ["2025-01"]


def test_to_repayments_sums_suppliers_of_a_service_per_day():
    charges = [
        Charge(JAN, "water", "vk1", 30000, d("2025-02-10")),
        Charge(JAN, "water", "vk2", 10000, d("2025-02-10")),
    ]
    payments = [Payment("a", d("2025-02-20"), 20000), Payment("b", d("2025-03-20"), 5000)]
    application = apply_payments(charges, payments)
    assert to_repayments(application) == [
        Repayment(d("2025-02-20"), 20000, JAN, "water"),
        Repayment(d("2025-03-20"), 5000, JAN, "water"),
    ]
    assert to_repayments(application, as_of=d("2025-03-01")) == [Repayment(d("2025-02-20"), 20000, JAN, "water")]


def test_charge_lines_with_the_same_key_are_one_line():
    charges = [Charge(JAN, "water", "vk", 50000, d("2025-02-10")), Charge(JAN, "water", "vk", 0, d("2025-02-10")),
               Charge(JAN, "water", "vk", 10000, d("2025-02-10"))]
    application = apply_payments(charges, [])
    assert application.lines == (DebtLine(JAN, "water", "vk", 60000, 0, 60000, d("2025-02-10")),)
    with pytest.raises(InvalidValue):
        apply_payments([charges[0], Charge(JAN, "water", "vk", 1, d("2025-02-11"))], [])


def test_applied_parts_are_plain_immutable_records():
    applied = apply_payments(CHARGES, [Payment("p", d("2025-01-15"), 1000)]).applied
    assert all(isinstance(a, Applied) for a in applied)
    with pytest.raises(AttributeError):
        applied[0].amount = 0


def test_payment_services_is_a_read_only_copy():
    split = {"water": 100}
    payment = Payment("p", d("2025-01-15"), 100, services=split)
    split["water"] = 50
    assert payment.services["water"] == 100
    with pytest.raises(TypeError):
        payment.services["water"] = 1


@pytest.mark.parametrize("make", [
    lambda: Charge(JAN, "water", "vk", -100, d("2025-02-10")),
    lambda: Payment("p", d("2025-01-15"), 0),
    lambda: Payment("p", d("2025-01-15"), -100),
    lambda: Payment("p", d("2025-01-15"), 100, services={"water": 101}),
    lambda: Payment("p", d("2025-01-15"), 100, services={"water": -1}),
    lambda: apply_payments(CHARGES, [Payment("p", d("2025-01-15"), 1), Payment("p", d("2025-01-16"), 1)]),
    lambda: apply_payments(CHARGES, [], policy="lifo"),
])
def test_bad_input_is_refused(make):
    with pytest.raises(InvalidValue):
        make()


def test_money_must_be_kopecks():
    with pytest.raises(TypeError):
        Payment("p", d("2025-01-15"), 100.0)
    with pytest.raises(TypeError):
        Charge(JAN, "water", "vk", 1.5, d("2025-02-10"))
