"""What a case asks the court for is what is still owed: a claim after a cancelled order claims only what the debtor
has not paid since (its duty and its document on those figures), and penalties the debtor paid through the bills
after the filing are not claimed again."""
from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bcenter.core.errors import ValidationFailed
from bcenter.engine.collection import claim_duty
from bcenter.modules.collection import cases
from bcenter.modules.finance.position import Finance
from db.models.finance import Payment, PaymentServiceSplit
from db.uow import UnitOfWork
from tests.collection.helpers import account_id, debtor, pay, sold_demo


def test_a_claim_after_a_cancelled_order_claims_only_what_is_still_owed(app):
    acc = debtor(app)
    [case] = app.collection.open_case(acc, filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
    pay(app, acc, 3_000_00, date(2026, 10, 1))
    app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 10, 5))
    claim = app.collection.advance(case.number, stage="claim", day=date(2026, 12, 4))
    owed = claim.principal_owed
    assert owed == case.principal - 3_000_00
    assert claim.principal == owed, "the claim asks for money already paid"
    assert claim.duty == claim_duty(owed + claim.penalties, credited=case.duty)
    assert "оплачено должником после заявления о приказе 3 000,00" in claim.events[-1].note.replace("\xa0", " ")
    doc = app.collection.court_document(claim.number, day=date(2026, 12, 4))
    assert doc.payload["amounts"]["principal"] == owed
    assert sum(r[5] for r in doc.payload["debts"]) == owed
    assert all(r[5] > 0 for r in doc.payload["debts"])


def test_penalties_paid_through_the_bills_after_filing_are_not_claimed_again(app):
    acc = debtor(app)
    [case] = app.collection.open_case(acc, filed_on=date(2026, 11, 20))
    d = app.finance.debts(as_of=date(2026, 12, 1), account=acc).accounts[0]
    p = app.finance.penalties(as_of=date(2026, 12, 1), account=acc).accounts[0]
    pay(app, acc, d.total + p.total - p.paid, date(2026, 12, 1))
    after = app.finance.penalties(as_of=date(2026, 12, 2), account=acc).accounts[0]
    assert after.paid > 0
    card = app.collection.case(case.number, as_of=date(2026, 12, 2))
    assert card.principal_owed == 0
    assert card.penalties_owed <= max(case.penalties - after.paid, 0)


def test_a_claim_after_a_cancelled_order_leaves_out_penalties_paid_since(app):
    acc = debtor(app)
    [case] = app.collection.open_case(acc, filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
    app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 10, 5))
    d = app.finance.debts(as_of=date(2026, 12, 1), account=acc).accounts[0]
    p = app.finance.penalties(as_of=date(2026, 12, 1), account=acc).accounts[0]
    pay(app, acc, d.total + p.total - p.paid, date(2026, 12, 1))
    claim = app.collection.advance(case.number, stage="claim", day=date(2026, 12, 4))
    assert claim.principal == 0
    assert claim.penalties < case.penalties
    assert claim.penalties_owed == claim.penalties  # what the claim took off is not taken off again


def test_an_order_for_more_than_500_000_is_refused(app, monkeypatch):
    acc = debtor(app)
    real = cases.claimed
    def large(*a, **k):
        got = real(*a, **k)
        return dataclasses.replace(got, claims=tuple(dataclasses.replace(c, principal=600_000_00) for c in got.claims))

    monkeypatch.setattr(cases, "claimed", large)
    with pytest.raises(ValidationFailed, match="500"):
        app.collection.open_case(acc, filed_on=date(2026, 11, 20))
    [claim] = app.collection.open_case(acc, stage="claim", filed_on=date(2026, 11, 20))
    assert claim.stage == "claim"


def test_a_barred_month_claimed_on_purpose_is_marked_in_the_application(app, monkeypatch):
    acc = debtor(app)
    oldest = min(ln.due for ln, _barred, _included in cases.claimed(app.db, acc, day=date(2026, 11, 20)).lines)
    monkeypatch.setattr(cases, "time_barred", lambda due, filed, pauses=(): due == oldest)
    [case] = app.collection.open_case(acc, filed_on=date(2026, 11, 20), include_barred=True)
    doc = app.collection.court_document(case.number, day=date(2026, 11, 20))
    marked = [r for r in doc.payload["debts"] if "срок исковой давности истёк" in r[1]]
    assert marked and all(r[6] == oldest.isoformat() for r in marked)
    assert len(marked) < len(doc.payload["debts"])


def test_a_sold_flats_penalties_paid_are_parted_between_its_cases_to_the_kopeck(app):
    """The ledger knows the penalties paid by service, not by month: they are split over the seller's and the buyer's
    penalty rows in proportion to their totals [P] — the two cases ask together exactly what the account owes in
    penalties, each at most its rows' total."""

    acc = sold_demo(app)
    paid_on, filed = date(2026, 11, 10), date(2026, 11, 20)
    debts = app.finance.debts(as_of=paid_on, account=acc).accounts[0].periods
    service = max({d.service for d in debts}, key=lambda s: sum(d.debt for d in debts if d.service == s))
    owed = sum(d.debt for d in debts if d.service == service)  # a payer's split: the service's debt and penalties
    with UnitOfWork(action="test.pay", db=app.db, actor="test") as uow:
        pid = uow.insert(Payment, ext_id="split-1", account=account_id(app, acc), amount=owed + 100_00,
                         paid_on=paid_on, period=None, channel="bank", agent="Сбербанк")
        uow.insert(PaymentServiceSplit, payment=pid, service=Finance(app.db).by_ext[service], amount=owed + 100_00)
    p = app.finance.penalties(as_of=filed, account=acc).accounts[0]
    assert p.paid > 0, "the split payment paid penalties of its service"
    sellers, buyers = app.collection.open_case(acc, filed_on=filed)
    assert sellers.penalties + buyers.penalties == p.total - p.paid
    for c in (sellers, buyers):
        total = sum(r.amount for r in c.penalty_rows)
        assert 0 <= c.penalties < total
    assert sellers.principal + buyers.principal == sum(
        d.debt for d in app.finance.debts(as_of=filed, account=acc).accounts[0].periods if d.due < filed)
