"""Helpers of the collection tests on the screens' demo town (today 05.12.2026)."""
from __future__ import annotations

from datetime import date

from bcenter.app.collection import Criteria
from bcenter.modules.collection.accounts import accounts_info
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
