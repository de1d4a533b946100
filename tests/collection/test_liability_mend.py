"""The review's mends, beyond its tests: a second filing while a case is open credits only the penalties paid that
the open case was not credited with (each kopeck once); a month in a registry gap between two owners goes to the
next owner; a former owner's penalties without principal are named on the card the CLI prints."""
from __future__ import annotations

from datetime import date

from bcenter.cli import main
from bcenter.core.period import Period
from bcenter.engine.penalties import penalty_total
from db.models.finance import Payment
from db.uow import UnitOfWork
from tests.collection.helpers import account_id, debtor, example_fixture
from tests.collection.test_liability import BUYER, FILED, FLAT, OLD, SELLER, _sell
from tests.collection.test_liability_review import _pay_penalties, flat  # noqa: F401


def test_a_second_filing_is_not_credited_with_the_penalties_the_open_case_was(app):
    """Penalties paid after the first case was filed go to that case first (it is the only one open then); a case
    filed later for the newer months is credited only with what is left of the ledger's paid penalties — each kopeck
    once: the two cases together are credited with the penalties paid, at most what they claim (before the mend the
    second was credited with a part of the money the first already was)."""
    acc = debtor(app)
    [first] = app.collection.open_case(acc, filed_on=date(2026, 9, 1))
    assert first.penalties == penalty_total(first.penalty_rows), "nothing paid of penalties before the filing"
    _pay_penalties(app, acc, 300_00, date(2026, 9, 15))
    day = date(2026, 12, 4)
    [second] = app.collection.open_case(acc, filed_on=day)
    assert min(second.periods) > max(first.periods)
    ledger = app.finance.penalties(as_of=day, account=acc).accounts[0].paid
    card = app.collection.case(first.number, as_of=day)
    credited = (first.penalties - card.penalties_owed) + (penalty_total(second.penalty_rows) - second.penalties)
    assert credited == min(ledger, first.penalties + penalty_total(second.penalty_rows))


def test_a_month_between_two_owners_goes_to_the_next_owner(flat):  # noqa: F811
    flat.passport.end_ownership(FLAT, person="per4", on="2024-05-01")
    flat.passport.own(FLAT, share="1/1", start="2024-07-01", new=BUYER)
    seller, buyer = flat.collection.open_case(FLAT, filed_on=FILED)
    assert [d.name for d in seller.debtors] == [SELLER] and seller.periods == (Period(2024, 2), Period(2024, 4))
    assert [d.name for d in buyer.debtors] == ["Покупатель Павел Петрович"]
    assert Period(2024, 6) in buyer.periods


def test_a_former_owners_penalties_without_principal_are_named_on_the_card(flat, capsys):  # noqa: F811
    _sell(flat, "2024-05-01")
    with UnitOfWork(action="test.pay", db=flat.db, actor="test") as uow:
        for i, (period, amount) in enumerate([(Period(2024, 2), 1_899_50), (Period(2024, 4), 2_500_00)]):
            uow.insert(Payment, ext_id=f"late-{i}", account=account_id(flat, FLAT), amount=amount,
                       paid_on=date(2025, 6, 2), period=period, channel="bank", agent="Сбербанк")
    assert main(["--db", flat.url, "cases", "open", FLAT, "--filed", FILED.isoformat()]) == 0
    out = capsys.readouterr().out
    [line] = [ln for ln in out.splitlines() if ln.startswith("Не взыскивается: пени")]
    assert "02.2024, 04.2024" in line and SELLER in line and "не взыскиваются этим делом" in line


long_ago = example_fixture([*((a, s, p, m) for a, s, p, m in OLD if a == "acc3" and p >= "2024-03"),
                            ("acc3", "svc-maint", "2023-03", "5000.00")], name="long_ago", sold_on="2023-06-01")
"""The flat sold in June 2023 by a seller who owed for February 2023 only (past its limitation by the filing)."""


def test_a_former_owners_months_all_past_limitation_are_named_not_dropped(long_ago, capsys):
    """The seller sold in June 2023 and owed only for February 2023 — past its three years on the filing day
    (ГК ст. 196). The buyer's case is filed; the seller's month gets no case, and the card says so — the amount, the
    month and who was liable (before the mend the filing named it nowhere: a debt dropped in silence); asked to
    (``--include-barred``), the seller's month is a case of its own."""
    app = long_ago
    [case] = app.collection.open_case(FLAT, filed_on=FILED)
    assert [d.name for d in case.debtors] == ["Покупатель Павел Петрович"]
    assert Period(2023, 2) not in case.periods
    [text] = case.unclaimed_debts
    assert "899,50" in text and "02.2023" in text and SELLER in text and "срок исковой давности" in text
    assert main(["--db", app.url, "cases", "card", case.number]) == 0
    out = capsys.readouterr().out
    assert f"Не взыскивается: {text}" in out
    [seller] = app.collection.open_case(FLAT, filed_on=FILED, include_barred=True)
    assert [d.name for d in seller.debtors] == [SELLER] and seller.periods == (Period(2023, 2),)


def test_a_filing_of_two_cases_with_barred_months_included_names_nothing_left_out(long_ago):
    """The seller's only month is past its limitation and the officer includes it (``include_barred``): two cases,
    the seller's and the buyer's. The second case's data took the loop's last flag for «debts not claimed» (a name
    reused inside the filing loop): its card failed (review of the day's change). Neither case leaves debt out."""
    app = long_ago
    seller, buyer = app.collection.open_case(FLAT, filed_on=FILED, include_barred=True)
    assert [d.name for d in seller.debtors] == [SELLER] and seller.periods == (Period(2023, 2),)
    for case in (seller, buyer):
        assert app.collection.case(case.number).not_claimed == ()
