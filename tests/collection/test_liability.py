"""Whose debt a case claims (ЖК ст. 153 ч. 2 п. 5, ст. 158, ст. 69 ч. 2): each month from those liable for it — the
owners of the month (its last day [P]) by share, or the social tenant's family registered then — not today's owners
for every month. A flat sold mid-history gives two cases, the seller's months to the seller and the buyer's to the
buyer, the principal and penalties parted to the kopeck; a month and service already claimed by an open case (an
order being enforced) is not claimed again, while a new case for later months is allowed. SQLite and PostgreSQL, over
the documented example with migrated old debts."""
from __future__ import annotations

from datetime import date

import pytest

from bcenter.app.collection import Criteria
from bcenter.app.passport import NewPerson
from bcenter.cli import main
from bcenter.core.errors import ValidationFailed
from bcenter.core.period import Period
from bcenter.engine.collection import court_order_duty
from bcenter.modules.collection.accounts import accounts_info, debtors_of
from tests.collection.helpers import example_fixture

FLAT = "1002003006"
"""Смирнова Ольга Викторовна owns it whole since 2019 (``per4``)."""
SELLER = "Смирнова Ольга Викторовна"
BUYER = NewPerson("Покупатель", "Павел", "Петрович")
TENANT_FLAT = "1002003005"
"""Петров Сергей Алексеевич's flat (``per3``, the account's holder), made municipal in these tests."""
OLD = [("acc3", "svc-maint", "2024-03", "6000.00"), ("acc3", "svc-heat", "2024-05", "2500.00"),
       ("acc3", "svc-maint", "2024-07", "3100.00"), ("acc3", "svc-heat", "2024-07", "2700.00"),
       ("acc3", "svc-maint", "2025-01", "1800.00"), ("acc3", "svc-maint", "2026-07", "1500.00"),
       ("acc2", "svc-maint", "2024-03", "4000.00"), ("acc2", "svc-maint", "2024-09", "4200.00")]
"""Migrated debts (an opening balance of a month is the debt of the month before it): of the flat, February, April,
June and December 2024 (a payment of 2025 took part of February's) and June 2026 (due in July 2026); of the tenant's
flat, February and August 2024."""
FILED = date(2026, 6, 1)


app = example_fixture(OLD)


def _sell(app, day: str) -> None:
    app.passport.end_ownership(FLAT, person="per4", on=day)
    app.passport.own(FLAT, share="1/1", start=day, new=BUYER)


def _counts(app) -> dict[str, int]:
    return {t: app.db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in ("court_case", "court_case_line", "court_case_event")}


def _overdue(app, account: str, day: date) -> dict[tuple[Period, str], int]:
    return {(p.period, p.service): p.debt for p in app.finance.debts(as_of=day, account=account).accounts[0].periods
            if p.due < day}


def test_a_flat_sold_mid_history_is_two_cases_each_owner_sued_for_their_own_months(app):
    _sell(app, "2024-05-01")
    owed = _overdue(app, FLAT, FILED)
    penalties = app.finance.penalties(as_of=FILED, account=FLAT).accounts[0]
    seller, buyer = app.collection.open_case(FLAT, filed_on=FILED, court="мировому судье участка № 3")
    assert (seller.number, buyer.number) == ("Д-2026-0001", "Д-2026-0002")
    assert [(d.name, d.share, d.joint) for d in seller.debtors] == [(SELLER, "1", False)]
    assert [(d.name, d.share, d.joint) for d in buyer.debtors] == [("Покупатель Павел Петрович", "1", False)]
    assert seller.periods == (Period(2024, 2), Period(2024, 4))
    assert buyer.periods == (Period(2024, 6), Period(2024, 12))
    # every overdue line in exactly one case, at the ledger's debt; the principal and penalties parted exactly
    lines = {(ln.period, ln.service): ln.amount for c in (seller, buyer) for ln in c.lines}
    assert lines == owed and len(seller.lines) + len(buyer.lines) == len(owed)
    assert seller.principal + buyer.principal == sum(owed.values())
    assert seller.penalties + buyer.penalties == penalties.total - penalties.paid
    for c in (seller, buyer):
        assert {r.period for r in c.penalty_rows} == set(c.periods)
        assert c.penalties == sum(r.amount for r in c.penalty_rows)
        assert c.duty == court_order_duty(c.price) and c.liabilities() == {c.debtors[0].name: c.price}
    engine = [(r.period, r.service, r.start, r.end, r.amount) for r in penalties.rows]
    assert sorted(engine) == sorted((r.period, r.service, r.start, r.end, r.amount)
                                    for c in (seller, buyer) for r in c.penalty_rows)
    assert "за другие месяцы — дело Д-2026-0002" in seller.events[0].note
    # the seller's application names the seller alone, for the seller's months alone
    doc = app.collection.court_document(seller.number, day=FILED)
    assert [r[0] for r in doc.payload["debtors"]] == [SELLER]
    assert {r[0] for r in doc.payload["debts"]} == {"2024-02", "2024-04"}
    assert doc.payload["amounts"]["principal"] == seller.principal


def test_the_cli_prints_every_case_it_files(app, capsys):
    _sell(app, "2024-05-01")
    code = main(["--db", app.url, "cases", "open", FLAT, "--filed", FILED.isoformat()])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Заведено дел: 2 (Д-2026-0001, Д-2026-0002) — по одному на каждый состав должников" in out.out
    assert "Дело Д-2026-0001:" in out.out and "Дело Д-2026-0002:" in out.out
    assert f"Должники: {SELLER} (доля 1)\nМесяцы: 02.2024, 04.2024\n" in out.out
    assert "Должники: Покупатель Павел Петрович (доля 1)\nМесяцы: 06.2024, 12.2024\n" in out.out
    assert "bcenter cases document Д-2026-0002 --out заявление-Д-2026-0002.pdf" in out.out


@pytest.mark.parametrize("sold, buyers_june", [("2024-06-15", True), ("2024-07-01", False)])
def test_a_month_sold_within_goes_whole_to_the_owner_of_its_last_day(app, sold, buyers_june):
    """[P] A sale on 15.06.2024 gives June to the buyer (the owner on 30.06), marked in the case's note; a sale on
    01.07.2024 leaves June with the seller."""
    _sell(app, sold)
    seller, buyer = app.collection.open_case(FLAT, filed_on=FILED)
    june = Period(2024, 6)
    assert (june in buyer.periods, june in seller.periods) == (buyers_june, not buyers_june)
    assert seller.principal + buyer.principal == sum(_overdue(app, FLAT, FILED).values())
    marked = "в месяце 06.2024 сменились собственники"
    assert (marked in buyer.events[0].note) == buyers_june
    assert marked not in seller.events[0].note


def test_a_municipal_flat_names_the_family_registered_in_each_month(app):
    """The tenant and his wife live there throughout; a lodger left on 01.06.2024: February is claimed from the three,
    August from the two — the same debtors the filing day gives (what a stable family always got)."""
    app.passport.end_ownership(TENANT_FLAT, person="per3", on="2019-01-01")
    app.passport.own(TENANT_FLAT, share="1/1", start="2019-01-01", org_name="Администрация ГО Заречный")
    app.passport.register(TENANT_FLAT, kind="permanent", start="2019-01-01",
                          new=NewPerson("Петрова", "Анна", "Ивановна", None, {"birth_date": "1965-02-01"}))
    app.passport.register(TENANT_FLAT, kind="permanent", start="2019-01-01", end="2024-06-01",
                          new=NewPerson("Жилец", "Игорь", "Олегович", None, {"birth_date": "1990-05-05"}))
    before = app.collection.open_case(TENANT_FLAT, filed_on=FILED)
    assert [c.periods for c in before] == [(Period(2024, 2),), (Period(2024, 8),)]
    with_lodger, family = before
    assert all(d.joint for c in before for d in c.debtors)
    assert {d.name for d in with_lodger.debtors} == {"Петров Сергей Алексеевич", "Петрова Анна Ивановна",
                                                     "Жилец Игорь Олегович"}
    info = accounts_info(app.db, [TENANT_FLAT])[TENANT_FLAT]
    assert list(family.debtors) == debtors_of(app.db, info, FILED)
    assert {d.name for d in family.debtors} == {"Петров Сергей Алексеевич", "Петрова Анна Ивановна"}


def test_an_order_being_enforced_for_old_months_and_a_new_case_for_later_ones(app):
    [order] = app.collection.open_case(FLAT, filed_on=FILED)
    assert max(order.periods) == Period(2024, 12)  # June 2026 is not due yet
    app.collection.advance(order.number, stage="order_issued", day=date(2026, 6, 15), received_on=date(2026, 6, 18))
    app.collection.advance(order.number, stage="enforcement", day=date(2026, 7, 15), court_number="ИП 1/26")
    later = date(2026, 11, 20)
    [new] = app.collection.open_case(FLAT, filed_on=later)
    assert new.number == "Д-2026-0002" and new.periods == (Period(2026, 6),)
    assert new.principal == 1_500_00 and {r.period for r in new.penalty_rows} <= {Period(2026, 6)}
    assert "не включены месяцы 02.2024, 04.2024, 06.2024, 12.2024: их уже взыскивает дело Д-2026-0001" in \
        new.events[0].note
    assert app.collection.case(order.number).stage == "enforcement"
    [row] = [r for r in app.collection.debtors(Criteria(), as_of=later) if r.account == FLAT]
    assert row.case == "Д-2026-0001, Д-2026-0002"
    assert "Д-2026-0001 (исполнительное производство), Д-2026-0002 (подано заявление" in \
        app.collection.debtors_csv([row])


def test_a_month_already_claimed_is_not_claimed_again(app):
    """With the seller's and the buyer's cases open there is nothing left to claim: refused, naming both, nothing
    written. The buyer's case written off, a new filing claims the buyer's months again — the seller's stay with
    the seller's open case."""
    _sell(app, "2024-05-01")
    seller, buyer = app.collection.open_case(FLAT, filed_on=FILED)
    before = _counts(app)
    with pytest.raises(ValidationFailed) as refused:
        app.collection.open_case(FLAT, filed_on=date(2026, 6, 2), stage="claim", include_barred=True)
    assert ("весь просроченный долг лицевого счёта 1002003006 на 02.06.2026 уже взыскивается: дела Д-2026-0001 "
            "(подано заявление о вынесении судебного приказа), Д-2026-0002 (подано заявление о вынесении судебного "
            "приказа) — месяц и услугу не взыскивают в двух делах сразу") in refused.value.message_ru
    assert _counts(app) == before
    app.collection.write_off(buyer.number, reason="заявление возвращено: уточнить должника", day=date(2026, 6, 3))
    [again] = app.collection.open_case(FLAT, filed_on=date(2026, 6, 4))
    assert again.number == "Д-2026-0003" and again.periods == buyer.periods
    assert [d.name for d in again.debtors] == ["Покупатель Павел Петрович"]
    assert "их уже взыскивает дело Д-2026-0001" in again.events[0].note
    assert app.collection.case(seller.number).periods == seller.periods


def test_an_order_too_large_for_one_of_the_cases_refuses_all_naming_its_debtors(app, monkeypatch):
    """The limit of a судебный приказ (ГПК ст. 121) is per application: when the buyer's exceeds it, nothing is filed
    and the refusal names the buyer and the months; as claims both are filed."""
    from bcenter.modules.collection import cases

    _sell(app, "2024-05-01")
    before = _counts(app)
    monkeypatch.setattr(cases, "ORDER_LIMIT", 8_000_00)  # the seller's price is below, the buyer's above
    with pytest.raises(ValidationFailed) as refused:
        app.collection.open_case(FLAT, filed_on=FILED)
    said = refused.value.message_ru.replace("\xa0", " ")
    assert "цена требования к Покупатель Павел Петрович (месяцы 06.2024, 12.2024)" in said
    assert SELLER not in said and _counts(app) == before
    assert [c.stage for c in app.collection.open_case(FLAT, stage="claim", filed_on=FILED)] == ["claim", "claim"]


def test_the_buyers_bill_shows_the_buyers_case_costs_not_the_sellers(app, tmp_path):
    """The ЕПД shows the court costs of an account's open cases apart from «к оплате». After a sale the seller's
    case is the seller's business: the buyer's bill names only the buyer's case (152-ФЗ ст. 7 — a payer does not
    learn another person's court case from the bill)."""
    from tests.bills.pages import pages_by_account

    _sell(app, "2024-05-01")
    seller, buyer = app.collection.open_case(FLAT, filed_on=FILED, court="мировому судье участка № 3")
    pdf = tmp_path / "bill.pdf"
    app.bills.print(Period.of(FILED), out=pdf, account=FLAT, kind="debt", as_of=FILED)
    (page,) = pages_by_account(pdf).values()
    assert f"дело {buyer.number}" in page and seller.number not in page


def _text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_a_former_owners_application_says_he_was_the_owner_and_asks_for_his_address(app, monkeypatch):
    """Template version 2: the seller's application says «являлся собственником … в месяцы, за которые взыскивается
    долг» and leaves his address to the officer (the flat is not where he lives); the buyer's says «является» and gives
    the flat. A document issued by version 1 still reprints byte for byte (kept in assets/collection/v1/)."""
    from bcenter.modules.collection import forms

    _sell(app, "2024-05-01")
    seller, buyer = app.collection.open_case(FLAT, filed_on=FILED, court="мировому судье участка № 3")
    former = _text(app.collection.court_document(seller.number, day=FILED).pdf)
    assert "Должник являлся собственником (нанимателем) в месяцы, за которые взыскивается долг," in former
    assert "был обязан вносить плату" in former and "укажите место жительства должника" in former
    now = _text(app.collection.court_document(buyer.number, day=FILED).pdf)
    assert "Должник является собственником (нанимателем) помещения по адресу" in now
    assert "укажите место жительства" not in now and "был обязан" not in now
    # the seller taken off the register with the address he left for: the application gives it, to be checked
    app.passport.deregister(FLAT, person="per4", on="2024-05-01", departed_to="г. Заречный, ул. Ленина, д. 1, кв. 2")
    gone = _text(app.collection.court_document(seller.number, day=FILED).pdf)
    assert "Адрес: г. Заречный, ул. Ленина, д. 1, кв. 2 (выбыл(а) туда по сведениям паспортного стола" in gone
    # a document of version 1, issued before the change, reprints as issued
    monkeypatch.setattr(forms, "TEMPLATES", forms.TEMPLATES / "v1")
    forms._template.cache_clear()
    old = app.collection.court_document(seller.number, day=FILED)
    assert "Должник является собственником" in _text(old.pdf)
    monkeypatch.undo()
    forms._template.cache_clear()
    assert forms.template_version("court_order") == "2"
    assert app.collection.reprint(old.number) == old.pdf
