"""Review of «a month's debt is claimed from those liable for that month» (one case per liable set): what a court-work
officer or an accountant would hit once an account has several cases. Each test fails on the branch for the reason
its docstring gives.

Two towns: the screens' 20-account demo town (``app``: penalties billed and paid through the bills) and the
documented example with migrated old debts (``flat``: the flat sold on 01.05.2024, as in ``test_liability``)."""
from __future__ import annotations

from datetime import date


from bcenter.app.collection import Criteria
from bcenter.cli import main
from bcenter.core.period import Period
from db.models.finance import Payment
from db.uow import UnitOfWork
from tests.collection.helpers import account_id, example_fixture, pay, sold_demo
from tests.collection.test_liability import BUYER, FILED, FLAT, OLD, SELLER, _sell


flat = example_fixture(OLD, name="flat")
"""The documented example with the migrated debts of ``test_liability`` (its fixture, under another name)."""




def _pay_penalties(app, acc: str, extra: int, day: date) -> int:
    """A payment of the account's whole debt and ``extra`` more (which goes to the billed penalties); returns what
    the ledger took of penalties by it."""
    before = app.finance.penalties(as_of=day, account=acc).accounts[0].paid
    owed = app.finance.debts(as_of=day, account=acc).accounts[0].total
    pay(app, acc, owed + extra, day)
    paid = app.finance.penalties(as_of=day + (date(2026, 1, 2) - date(2026, 1, 1)), account=acc).accounts[0].paid
    assert paid - before > 0, "the payment paid penalties"
    return paid - before


# --- HIGH: the same penalties paid taken off every open case of the account ------------------------------------------
def test_penalties_paid_after_filing_are_taken_off_each_of_the_accounts_cases_once(app):
    """The buyer pays the account's debt and 300 ₽ of penalties after the seller's and the buyer's cases were filed.
    The officer sees BOTH cards' «пени осталось» drop by 300 ₽ — 600 ₽ of penalties vanish from what the two cases
    still ask for (and the seller's case is credited with the buyer's money: `close` lets it close on it).

    Cause: ``cases.case`` — ``penalties_paid_since`` is every penalty the ledger took on the ACCOUNT since the case's
    table, subtracted in full by every open case of the account (``Case.penalties_owed``)."""
    acc = sold_demo(app)
    seller, buyer = app.collection.open_case(acc, filed_on=date(2026, 9, 1))
    paid = _pay_penalties(app, acc, 300_00, date(2026, 12, 1))
    cards = [app.collection.case(c.number, as_of=date(2026, 12, 2)) for c in (seller, buyer)]
    assert all(c.principal_owed == 0 for c in cards)
    assert sum(c.penalties_owed for c in cards) == seller.penalties + buyer.penalties - paid, \
        "one payment of penalties was taken off both cases"


def test_claims_after_cancelled_orders_take_the_same_paid_penalties_off_each_case_once(app):
    """Both orders (the seller's and the buyer's) are cancelled; the account pays 300 ₽ of penalties; the officer
    files both claims. Each claim's «цена иска» is 300 ₽ short: the court is asked for 600 ₽ less in penalties than is
    owed, and the buyer's payment lowers the seller's claim.

    Cause: ``cases._refile`` — ``paid_now`` (all penalties paid on the account since the table's day) is subtracted
    from each case's penalties."""
    acc = sold_demo(app)
    seller, buyer = app.collection.open_case(acc, filed_on=date(2026, 9, 1))
    for c in (seller, buyer):
        app.collection.advance(c.number, stage="order_issued", day=date(2026, 9, 20), received_on=date(2026, 9, 25))
        app.collection.advance(c.number, stage="order_cancelled", day=date(2026, 10, 5))
    paid = _pay_penalties(app, acc, 300_00, date(2026, 12, 1))
    claims = [app.collection.advance(c.number, stage="claim", day=date(2026, 12, 4)) for c in (seller, buyer)]
    assert sum(c.penalties for c in claims) == seller.penalties + buyer.penalties - paid


# --- HIGH: a month between the seller's end and the buyer's registration sued as municipal housing ------------------
def test_a_month_between_two_owners_is_not_claimed_from_the_residents_as_a_social_tenancy(flat):
    """The seller's ownership ends on 01.05.2024 (the contract), the buyer's right is registered from 01.07.2024 — an
    ordinary gap in the registry (a sale's registration, or an heir's before the certificate). For June 2024 the
    branch finds no owner and applies the social-tenancy rule (ЖК ст. 69): a case of its own (Д-2026-0002, between
    the seller's and the buyer's) sues the account's holder — the seller, who no longer owned the flat —
    «солидарно» with whoever is registered there. On main the filing day's owner was named; the officer now files
    an application against the wrong person as a «наниматель» of a private flat.

    Cause: ``accounts.liable_by_month`` → ``debtors_of(..., p.last_day)``: «no person owns it on that day» is taken
    for «municipal housing»; a month without an owner in a flat that persons own (before or after) is not told
    apart (it should go to the incoming owner, ЖК ст. 153 ч. 2 п. 6, or be refused/flagged for the officer)."""
    flat.passport.end_ownership(FLAT, person="per4", on="2024-05-01")
    flat.passport.own(FLAT, share="1/1", start="2024-07-01", new=BUYER)
    opened = flat.collection.open_case(FLAT, filed_on=FILED)
    wrong = [(c.number, c.months, [d.name for d in c.debtors]) for c in opened if any(d.joint for d in c.debtors)]
    assert not wrong, f"a privately owned flat's month sued as a social tenancy: {wrong}"


# --- HIGH (pre-existing, kept by «a closed case claims nothing»): penalties recovered claimed again ------------------
def test_penalties_recovered_on_a_closed_case_are_not_claimed_again_by_the_next_case(flat):
    """ФССП recovered the whole order (costs, debt and 5 598,80 ₽ of penalties) and the case closed. Months later the
    officer files for the new month 06.2026: the new application asks again for the old months' penalties — the
    intervals from 2024 on that the closed case already collected — 5 747,88 ₽ instead of the 149,08 ₽ accrued
    since (06.2026's and the old months' from 01.06 to 10.06.2026).

    Cause: ``cases.claimed`` — penalty rows are left out only for months an OPEN case claims (``claimed_months``); a
    closed case's recovered penalties (``court_recovery.to_penalties``) are not in the ledger's ``penalties_paid``,
    so nothing takes them off."""
    [first] = flat.collection.open_case(FLAT, filed_on=FILED)
    got = flat.collection.recover(first.number, amount=first.owed, day=date(2026, 6, 10))
    assert got.closed and got.penalties == first.penalties
    later = date(2026, 11, 20)
    [second] = flat.collection.open_case(FLAT, filed_on=later)
    assert second.periods == (Period(2026, 6),)
    accrued = flat.finance.penalties(as_of=later, account=FLAT).accounts[0]
    assert second.penalties <= accrued.total - accrued.paid - first.penalties, \
        "the new case claims penalties the closed case recovered"


# --- MEDIUM: a former owner's penalties claimed from no one, silently ------------------------------------------------
def test_a_former_owners_unpaid_penalties_are_not_dropped_without_a_word(flat):
    """The seller paid her months (02.2024, 04.2024) late, in 06.2025, but never the penalties (1 668,70 ₽). Filing
    gives one case, the buyer's; the seller's penalties are in no case, and neither the card nor the event says so.
    Before the branch they were claimed (from the wrong person); now they are lost.

    Cause: ``cases.open_case`` — ``claims = [c for c in result.claims if c.principal]`` drops a liable set with
    penalties but no principal (and ``claimed`` gives it a share of the paid-penalty credit)."""
    _sell(flat, "2024-05-01")
    with UnitOfWork(action="test.pay", db=flat.db, actor="test") as uow:
        for i, (period, amount) in enumerate([(Period(2024, 2), 1_899_50), (Period(2024, 4), 2_500_00)]):
            uow.insert(Payment, ext_id=f"late-{i}", account=account_id(flat, FLAT), amount=amount,
                       paid_on=date(2025, 6, 2), period=period, channel="bank", agent="Сбербанк")
    p = flat.finance.penalties(as_of=FILED, account=FLAT).accounts[0]
    opened = flat.collection.open_case(FLAT, filed_on=FILED)
    claimed = sum(c.penalties for c in opened)
    mentioned = any("пени" in (e.note or "") and "02.2024" in (e.note or "") for c in opened for e in c.events)
    assert claimed == p.total - p.paid or mentioned, \
        f"{(p.total - p.paid - claimed) / 100:.2f} ₽ of the seller's penalties are claimed by no case, unmentioned"


# --- MEDIUM: money recovered from the buyer pays the seller's months -------------------------------------------------
def test_an_excess_recovered_on_the_buyers_case_does_not_pay_the_sellers_months(flat):
    """ФССП takes 100 ₽ more from the buyer than the buyer's case owes. The excess becomes a payment naming no month
    and the ledger pays the account's oldest debt with it — the seller's 02.2024: the seller's case now owes 100 ₽
    less, paid with the buyer's money (which the buyer should get back or keep as an advance).

    Cause: ``cases.recover`` — ``parts.overpaid`` is inserted as a ``Payment`` with ``period=None`` on the account,
    which other cases' (other debtors') months share."""
    _sell(flat, "2024-05-01")
    seller, buyer = flat.collection.open_case(FLAT, filed_on=FILED)
    day = date(2026, 6, 10)
    owed = flat.collection.case(buyer.number, as_of=day).owed
    got = flat.collection.recover(buyer.number, amount=owed + 100_00, day=day)
    assert got.overpaid == 100_00
    assert flat.collection.case(seller.number, as_of=day).principal_owed == seller.principal, \
        "the buyer's recovered excess paid the seller's debt"


# --- MEDIUM: lists and cards name the account's holder, not the case's debtors ---------------------------------------
def test_the_case_list_names_each_cases_own_debtors(flat, capsys):
    """`bcenter cases list` (and the screen's «Открытые дела», and the card's first line «Дело …: ЛС …, <payer>»)
    show the account's holder for every case: the buyer's case Д-2026-0002 is listed under the seller
    «Смирнова Ольга Викторовна» — the officer sends the buyer's writ to the seller.

    Cause: ``cases.listing`` / ``cases.case`` — ``payer`` is ``accounts_info(...).payer`` (the account's holder now),
    not the case's stored ``debtors``; the CLI's ``case_list`` and ``_card`` and ``ui.collection`` print it."""
    _sell(flat, "2024-05-01")
    _seller, buyer = flat.collection.open_case(FLAT, filed_on=FILED)
    assert main(["--db", flat.url, "cases", "list"]) == 0
    out = capsys.readouterr().out
    [line] = [ln for ln in out.splitlines() if ln.startswith(buyer.number)]
    assert f"{BUYER.last_name} {BUYER.first_name} {BUYER.middle_name}" in line and SELLER not in line, line


# --- MEDIUM (documented, but it hides what the branch made possible) -------------------------------------------------
def test_without_a_case_lists_an_account_whose_later_months_no_case_claims(flat):
    """An order for 2024 is being enforced; 06.2026 (1 500 ₽) has been overdue since 15.07.2026 and no case claims it —
    the branch lets the officer file it. But «без дела в суде» (`--not-in-court`, the saved list «три месяца») leaves
    the account out because it has SOME open case: the officer's work list never shows the month to file.

    Cause: ``debtors._row`` — ``if criteria.not_in_court and mine: return None`` (any open case), instead of «overdue
    debt no open case claims» (``accounts.claimed_months``)."""
    [order] = flat.collection.open_case(FLAT, filed_on=FILED)
    flat.collection.advance(order.number, stage="order_issued", day=date(2026, 6, 15), received_on=date(2026, 6, 18))
    flat.collection.advance(order.number, stage="enforcement", day=date(2026, 7, 15), court_number="ИП 1/26")
    later = date(2026, 11, 20)
    rows = flat.collection.debtors(Criteria(not_in_court=True), as_of=later)
    assert FLAT in {r.account for r in rows}, "06.2026 is in no case, yet the account is not «без дела в суде»"
