"""A court case's costs are printed only on the bill of someone it names (``bills.gather._liable_now`` and the
court-costs loop of ``_HouseData``) — written by the review of that change; each failed on it for the reason its
docstring gives.

The documented example with migrated old debts (``tests.collection.test_liability``'s town): the flat 1002003006
(Смирнова, ``per4``), the pharmacy's premises 1002003007 (held and owned by ООО «Аптека Здоровье») and the flat
p6 split into two share accounts (1002010011 — Соколова ``per7``, 1002010012 — Соколов ``per8``, 1/2 each)."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from bcenter.app import App
from bcenter.app.passport import NewPerson
from bcenter.core.clock import FixedClock
from bcenter.core.period import Period
from bcenter.modules.exchange.service import import_data
from db.dialect import param_mark
from tests.bills.pages import pages_by_account
from tests.collection.test_liability import BUYER, FILED, FLAT, OLD
from tests.finance.towns import TODAY

PHARMACY = "1002003007"
SHARE = "1002010011"
"""Соколова's half of p6 (``per7``): an account of its own, the other half 1002010012 is Соколов's."""
MORE = [("acc4", "svc-maint", "2024-03", "12000.00"), ("acc4", "svc-maint", "2024-09", "9000.00"),
        ("acc6", "svc-maint", "2024-03", "2000.00"), ("acc6", "svc-maint", "2024-09", "2100.00")]


@pytest.fixture
def app(any_db, any_url, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["opening_balances"] += [{"account": a, "service": s, "period": p, "amount": m} for a, s, p, m in OLD + MORE]
    import_data(doc, db=any_db)
    application = App.open(any_url, clock=FixedClock(TODAY))
    yield application
    application.close()


def _code(app, last_name: str) -> str:
    return app.db.execute_sql(f'SELECT ext_id FROM "person" WHERE last_name = {param_mark(app.db)}',
                              (last_name,)).fetchone()[0]


def _page(app, tmp_path, account: str, period: Period, **kw) -> str:
    pdf = tmp_path / f"{account}-{period}-{kw.get('kind', 'monthly')}.pdf"
    app.bills.print(period, out=pdf, account=account, **kw)
    (page,) = pages_by_account(pdf).values()
    return page


def test_a_debt_bill_as_of_a_day_after_the_sale_does_not_show_the_sellers_case(app, tmp_path):
    """Смирнова's debts are in court (a case filed 01.06.2026); she sells the flat on 01.08.2026 and the ЖЭК
    re-registers the account to the buyer in its card. On 03.08.2026 the buyer asks for a bill of the debt: the
    operator prints «счёт на долг» for July (the last month) as of 03.08.2026 — and the buyer's bill lists
    «дело Д-2026-0001 … (судебный приказ)» with Смирнова's court costs, exactly what the change meant to stop.

    Cause: ``_HouseData.__init__`` asks ``_liable_now`` about ``day = period.last_day`` (31.07.2026: the seller still
    owned it), not about the debt bill's own day ``as_of`` — the day the bill is of (and the day its debts, penalties
    and «к оплате» are of)."""
    [case] = app.collection.open_case(FLAT, filed_on=FILED)
    app.passport.end_ownership(FLAT, person="per4", on="2026-08-01")
    app.passport.own(FLAT, share="1/1", start="2026-08-01", new=BUYER)
    app.registry.edit("account", FLAT, {"holder.person": _code(app, "Покупатель")})
    # the same day as the last day of a month: not printed (the check works when the days agree)
    assert case.number not in _page(app, tmp_path, FLAT, Period(2026, 8), kind="debt", as_of=date(2026, 8, 31))
    page = _page(app, tmp_path, FLAT, Period(2026, 7), kind="debt", as_of=date(2026, 8, 3))
    assert "Покупатель" in page
    assert case.number not in page, "the seller's court case on the buyer's debt bill as of a day after the sale"


def test_the_pharmacys_case_is_not_printed_on_the_bill_of_the_person_who_bought_its_premises(app, tmp_path):
    """ООО «Аптека Здоровье» is sued for its premises' debt (a case naming the organisation, no person). It sells
    the premises to a person on 01.07.2026 and the account is re-registered to him in its card (the new field
    «Владелец счёта: код лица»). His bills go on listing «дело Д-2026-0001 … (судебный приказ)» with the pharmacy's
    court costs — a case against someone else, printed under «Неустойки и судебные расходы» of his ЕПД.

    Cause: ``_HouseData.__init__`` skips a case only when it names a person (``named`` non-empty); a case naming only
    an organisation (``debtors: [{"name": …, "person": null}]``) is printed whoever is liable now, even when the
    liable set is a person who is not that organisation."""
    [case] = app.collection.open_case(PHARMACY, filed_on=FILED)
    assert [d.person for d in case.debtors] == [None]
    doc = {"format": "bcenter-exchange", "version": 1,
           "persons": [{"id": "per-buyer", "last_name": "Аптекарев", "first_name": "Пётр"}],
           "ownership": [{"id": "own5-end", "supersedes": "own5", "owner": {"organization": {"name": 'ООО "Аптека Здоровье"',
                                                                 "inn": "7704567896"}},
                          "premises": "p4", "share": "1/1", "from": "2016-03-15", "to": "2026-07-01"},
                         {"id": "own-buyer", "owner": {"person": "per-buyer"}, "premises": "p4", "share": "1/1",
                          "from": "2026-07-01"}]}
    import_data(doc, db=app.db)
    app.registry.edit("account", PHARMACY, {"holder.person": "per-buyer"})
    page = _page(app, tmp_path, PHARMACY, Period(2026, 7), kind="debt", as_of=date(2026, 7, 31))
    assert "Аптекарев" in page
    assert case.number not in page, "the pharmacy's court case on the bill of the person who bought its premises"


def test_a_share_sold_the_buyer_of_it_does_not_read_the_sellers_case_on_his_share_account(app, tmp_path):
    """p6 is split into two share accounts, 1002010011 (Соколова's half) and 1002010012 (Соколов's). Соколова's
    account's debt goes to court; she sells her half on 01.08.2026 and her account is re-registered to the buyer.
    The buyer's ЕПД of 1002010011 must not list the case of Соколова's debt: the case names her alone (a share's own
    account is its owner's, ``collection.accounts._share_owners``), and the bill reads an account's liable set on
    the day as its holder (``_liable_now``), not every owner of the PREMISES — once the case named Соколов too, and
    he, a remaining co-owner of the other half, kept the sold half's case printed for its buyer."""
    cases = app.collection.open_case(SHARE, filed_on=FILED)
    assert cases and all([d.name for d in c.debtors] == ["Соколова Анна Дмитриевна"] for c in cases)
    app.passport.end_ownership(SHARE, person="per7", on="2026-08-01")
    app.passport.own(SHARE, share="1/2", start="2026-08-01", new=NewPerson("Дольщиков", "Дмитрий", "Олегович"))
    app.registry.edit("account", SHARE, {"holder.person": _code(app, "Дольщиков")})
    page = _page(app, tmp_path, SHARE, Period(2026, 8), kind="debt", as_of=date(2026, 8, 31))
    assert "Дольщиков" in page
    assert all(c.number not in page for c in cases), \
        "the seller's case of the sold half on its buyer's bill (named through the other half's owner)"
