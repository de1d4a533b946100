"""Debt collection on both databases (issue 20) over the documented example with two migrated old debts: a month past
its limitation flagged and left out; a судебный приказ filed, issued and cancelled, then a claim whose months regain
the time the order stood (the same month in another account, never under an order, is barred on the same day); the
duty of the order and of the claim with the order's credited (known figures); co-owners by share; ФССП money paying
the case's months."""
from __future__ import annotations

from datetime import date
from fractions import Fraction


from bcenter.core.period import Period
from bcenter.engine.collection import claim_duty, court_order_duty
from tests.collection.helpers import example_fixture
from tests.finance.towns import TODAY

OLD = [("acc1", "svc-maint", "2022-06", "9000.00"), ("acc1", "svc-maint", "2023-10", "8000.00"),
       ("acc5", "svc-caprep", "2023-10", "8000.00")]
"""Migrated debts (an opening balance of a month is the debt of the month before it): May 2022 and September 2023."""


app = example_fixture(OLD)


def test_limitation_cancelled_order_duty_and_shares(app):
    [case] = app.collection.open_case("1002003004", filed_on=date(2026, 6, 1), court="мировому судье участка № 3")
    lines = {ln.period: ln for ln in case.lines}
    assert lines[Period(2022, 5)].barred and not lines[Period(2022, 5)].included  # due 2022-06: barred in 2025
    assert not lines[Period(2023, 9)].barred and lines[Period(2023, 9)].included
    assert case.principal == sum(ln.amount for ln in case.lines if ln.included)
    assert case.price < 100_000_00 and case.duty == 2_000_00 == court_order_duty(case.price)
    assert len(case.debtors) == 2 and not any(d.joint for d in case.debtors)  # the two co-owners, by share
    assert all(Fraction(d.share) == Fraction(1, 2) for d in case.debtors)
    parts = case.liabilities()
    assert sum(parts.values()) == case.price and max(parts.values()) - min(parts.values()) <= 1

    app.collection.advance(case.number, stage="order_issued", day=date(2026, 6, 15), received_on=date(2026, 6, 18))
    app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 9, 1))
    claimed = app.collection.advance(case.number, stage="claim", day=date(2026, 11, 20))
    due = lines[Period(2023, 9)].due
    assert due.replace(year=due.year + 3) < date(2026, 11, 20)  # without the order's 92 days it would be barred
    again = {ln.period: ln for ln in claimed.lines}
    assert again[Period(2023, 9)].included and not again[Period(2023, 9)].barred
    assert claimed.duty == claim_duty(claimed.price, credited=2_000_00) == 2_000_00  # 4 000 less the order's 2 000
    assert claimed.duty_paid == 4_000_00 and claimed.court_costs == 4_000_00

    [other] = app.collection.open_case("1002010010", stage="claim", filed_on=date(2026, 11, 20))
    never = {ln.period: ln for ln in other.lines}[Period(2023, 9)]
    assert never.barred and not never.included  # the same month, no order over it: barred
    assert other.duty == claim_duty(other.price) == 4_000_00

    got = app.collection.recover(case.number, amount=claimed.court_costs + 1_000_00, day=date(2026, 12, 1))
    assert got.costs == 4_000_00 and got.principal == 1_000_00
    assert [p for p, _ in got.by_month] == [min(ln.period for ln in claimed.lines if ln.included and ln.owed)]
    debts = {(p.period, p.service): p.debt for p in app.finance.debts(as_of=TODAY.date(), account="1002003004")
             .accounts[0].periods}
    assert debts[(Period(2022, 5), "svc-maint")] == lines[Period(2022, 5)].amount  # the barred month: not paid
