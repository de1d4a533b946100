"""A court order goes to enforcement only after the debtor's time to object (ГПК ст. 128, 130), and an order being
enforced can still be cancelled (ГПК ст. 129); a judgment's enforcement cannot be «cancelled» as an order."""
from __future__ import annotations

from datetime import date

import pytest

from bcenter.core.errors import ValidationFailed
from tests.collection.helpers import debtor


def test_no_enforcement_before_the_objection_deadline(app):
    case = app.collection.open_case(debtor(app), filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
    with pytest.raises(ValidationFailed, match="по 09.10.2026"):
        app.collection.advance(case.number, stage="enforcement", day=date(2026, 9, 28), court_number="ВС 1")
    with pytest.raises(ValidationFailed):
        app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 9), court_number="ВС 1")
    assert app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 12),
                                  court_number="ВС 1").stage == "enforcement"


def test_an_enforced_order_can_be_cancelled(app):
    case = app.collection.open_case(debtor(app), filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
    app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 15), court_number="ИП 1/26")
    cancelled = app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 11, 10))
    assert cancelled.stage == "order_cancelled"
    assert app.collection.advance(case.number, stage="claim", day=date(2026, 12, 4)).stage == "claim"


def test_a_judgments_enforcement_is_not_cancelled_as_an_order(app):
    case = app.collection.open_case(debtor(app), stage="claim", filed_on=date(2026, 9, 1))
    app.collection.advance(case.number, stage="judgment", day=date(2026, 10, 1))
    app.collection.advance(case.number, stage="enforcement", day=date(2026, 11, 10), court_number="ФС 1")
    with pytest.raises(ValidationFailed, match="решение суда"):
        app.collection.advance(case.number, stage="order_cancelled", day=date(2026, 11, 20))
