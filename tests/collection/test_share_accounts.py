"""A flat billed by shares (ЖК ст. 155 ч. 2, ГК ст. 249: each co-owner has an account of their own share): a case
for one share's account claims its debt from that share's owner alone — for all of it — not from every co-owner of
the flat by their shares (the other co-owner pays by an account of their own). After the share is sold, the months
after the sale are the buyer's. Over the documented example (its flat p6: Соколова Анна Дмитриевна and Соколов
Дмитрий Игоревич, 1/2 each, accounts 1002010011 and 1002010012), SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date


from bcenter.app.passport import NewPerson
from bcenter.core.period import Period
from tests.collection.helpers import example_fixture

SHARE = "1002010011"
"""Соколова Анна Дмитриевна's half (``per7``), the account's holder."""
HOLDER, OTHER = "Соколова Анна Дмитриевна", "Соколов Дмитрий Игоревич"
OLD = [("acc6", "svc-maint", "2024-03", "3000.00"), ("acc6", "svc-maint", "2024-09", "2000.00")]
FILED = date(2026, 6, 1)


app = example_fixture(OLD)


def test_a_shares_account_is_claimed_from_its_owner_alone_for_the_whole_of_it(app):
    [case] = app.collection.open_case(SHARE, filed_on=FILED)
    assert [(d.name, d.share, d.joint) for d in case.debtors] == [(HOLDER, "1", False)]
    assert case.liabilities() == {HOLDER: case.price}  # not half of it, and nothing of it on the other co-owner
    assert OTHER not in case.debtors_text


def test_a_sold_share_is_claimed_from_the_seller_then_the_buyer(app):
    app.passport.end_ownership(SHARE, person="per7", on="2024-06-01")
    app.passport.own(SHARE, share="1/2", start="2024-06-01", new=NewPerson("Покупатель", "Павел", "Петрович"))
    seller, buyer = app.collection.open_case(SHARE, filed_on=FILED)
    assert [(d.name, d.share) for d in seller.debtors] == [(HOLDER, "1")] and max(seller.periods) < Period(2024, 6)
    assert [(d.name, d.share) for d in buyer.debtors] == [("Покупатель Павел Петрович", "1")]
    assert min(buyer.periods) >= Period(2024, 6)
    assert all(OTHER not in c.debtors_text for c in (seller, buyer))
