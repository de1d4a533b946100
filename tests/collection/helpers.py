"""Helpers of the collection tests on the screens' demo town (today 05.12.2026)."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from bcenter.app import App
from bcenter.app.collection import Criteria
from bcenter.app.passport import NewPerson
from bcenter.core.clock import FixedClock
from bcenter.modules.collection.accounts import accounts_info
from bcenter.modules.exchange.service import import_data
from bcenter.modules.passport.desk import key_text
from db.models.finance import Payment
from db.uow import UnitOfWork

AS_OF = date(2026, 12, 5)


def debtor(app, **kw) -> str:
    """The first account overdue three months or more."""
    return app.collection.debtors(Criteria(min_months=3, **kw), as_of=AS_OF)[0].account


def account_id(app, number: str) -> str:
    return accounts_info(app.db, [number])[number].id


def pay(app, number: str, amount: int, day: date, ext: str = "test-1") -> None:
    """A bank payment of ``amount`` kopecks on ``day`` naming no month."""
    with UnitOfWork(action="test.pay", db=app.db, actor="test") as uow:
        uow.insert(Payment, ext_id=ext, account=account_id(app, number), amount=amount, paid_on=day, period=None,
                   channel="bank", agent="Сбербанк")


def example_app(db, url: str, example_doc: dict, old: list[tuple[str, str, str, str]]) -> App:
    """The documented example with migrated debts ``old`` — (account, service, month, rubles): an opening balance of
    a month is the debt of the month before it — opened as an application at the tests' today."""
    from tests.finance.towns import TODAY

    doc = copy.deepcopy(example_doc)
    doc["opening_balances"] += [{"account": a, "service": s, "period": p, "amount": m} for a, s, p, m in old]
    import_data(doc, db=db)
    return App.open(url, clock=FixedClock(TODAY))


def example_fixture(old: list[tuple[str, str, str, str]], *, name: str = "app", sold_on: str | None = None):
    """A fixture ``name`` of the documented example with the migrated debts ``old`` (``example_app``), closed after
    the test; with ``sold_on``, the flat of ``test_liability`` sold that day (``test_liability._sell``)."""

    @pytest.fixture(name=name)
    def fixture(any_db, any_url, example_doc):
        application = example_app(any_db, any_url, example_doc, old)
        if sold_on is not None:
            from tests.collection.test_liability import _sell

            _sell(application, sold_on)
        yield application
        application.close()

    return fixture


def sold_demo(app) -> str:
    """A demo debtor whose flat was sold on 01.03.2026 (the seller's months before, the buyer's after)."""
    acc = debtor(app)
    for pid, ext in app.db.execute_sql(
            'SELECT o.owner_person_id, pe.ext_id FROM "ownership" o JOIN "account" a ON a.premises_id = o.premises_id '
            'JOIN "person" pe ON pe.id = o.owner_person_id WHERE a.number = ? AND o.valid_to IS NULL', (acc,)):
        app.passport.end_ownership(acc, person=ext or key_text(pid), on="2026-03-01")
    app.passport.own(acc, share="1/1", start="2026-03-01", new=NewPerson("Покупатель", "Павел", "Петрович"))
    return acc
