"""A court order goes to enforcement only after the debtor's time to object (ГПК ст. 128, 130), and an order being
enforced can still be cancelled (ГПК ст. 129); a judgment's enforcement cannot be «cancelled» as an order."""
from __future__ import annotations

from datetime import date

import pytest

from bcenter.core.errors import ValidationFailed
from tests.collection.helpers import debtor


def test_no_enforcement_before_the_objection_deadline(app):
    [case] = app.collection.open_case(debtor(app), filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
    with pytest.raises(ValidationFailed, match="по 09.10.2026"):
        app.collection.advance(case.number, stage="enforcement", day=date(2026, 9, 28), court_number="ВС 1")
    with pytest.raises(ValidationFailed):
        app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 9), court_number="ВС 1")
    assert app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 12),
                                  court_number="ВС 1").stage == "enforcement"


def test_an_enforced_order_can_be_cancelled(app):
    [case] = app.collection.open_case(debtor(app), filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
    app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 15), court_number="ИП 1/26")
    cancelled = app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 11, 10))
    assert cancelled.stage == "order_cancelled"
    assert app.collection.advance(case.number, stage="claim", day=date(2026, 12, 4)).stage == "claim"


def test_a_judgments_enforcement_is_not_cancelled_as_an_order(app):
    [case] = app.collection.open_case(debtor(app), stage="claim", filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="judgment", day=date(2026, 10, 1))
    app.collection.advance(case.number, stage="enforcement", day=date(2026, 11, 10), court_number="ФС 1")
    with pytest.raises(ValidationFailed, match="решение суда"):
        app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 11, 20))


def test_a_judgments_writ_after_a_cancelled_order_is_not_cancelled_as_an_order(app):
    """Order issued, cancelled, claim, judgment, writ (ФС) enforced: «order cancelled» was accepted because the case
    once had an order, and the next claim re-filed the judged case (review of 2026-12-07)."""
    [case] = app.collection.open_case(debtor(app), filed_on=date(2026, 6, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 6, 10), received_on=date(2026, 6, 15))
    app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 6, 25))
    app.collection.advance(case.number, stage="claim", day=date(2026, 7, 1))
    app.collection.advance(case.number, stage="judgment", day=date(2026, 9, 1))
    app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 10), court_number="ФС 1")
    with pytest.raises(ValidationFailed, match="решение суда"):
        app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 11, 20))


def test_an_order_whose_receipt_is_unknown_is_enforced_only_once_the_receipt_is_given(app):
    """Without the debtor's receipt day the 10 days for objections cannot be counted: enforcement the next day was
    accepted. It is refused naming --received; given at this step, the deadline is counted from it."""
    [case] = app.collection.open_case(debtor(app), filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20))
    with pytest.raises(ValidationFailed, match="--received"):
        app.collection.advance(case.number, stage="enforcement", day=date(2026, 9, 21), court_number="ВС 1")
    with pytest.raises(ValidationFailed, match="срок для возражений"):
        app.collection.advance(case.number, stage="enforcement", day=date(2026, 9, 28), court_number="ВС 1",
                               received_on=date(2026, 9, 25))
    done = app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 20), court_number="ВС 1",
                                  received_on=date(2026, 9, 25))
    assert done.stage == "enforcement"
