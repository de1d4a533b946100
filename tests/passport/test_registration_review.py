"""Review of 2026-12 (registration dates and documents): what a passport officer or an accountant reads off the desk
must agree with the card and the forms — a registration by stay «по» its last day, not the first day without it."""
from __future__ import annotations

import pytest

from bcenter.app.passport import NewPerson
from bcenter.core.errors import ValidationFailed
from tests.finance.towns import OPEN


def _account(app) -> str:
    return app.registry.search("Ленина")[0].number


def test_a_stay_is_told_to_its_last_day_on_the_person_and_in_a_refusal(app):
    """A stay registered with ``end`` 01.03.2027 (the first day without it) runs through 28.02.2027: the card says
    so, and the person's page and the refusal of a de-registration said «по 01.03.2027» — a day more."""
    account = _account(app)
    written = app.passport.register(account, kind="temporary", start="2026-09-01", end="2027-03-01",
                                    new=NewPerson("Гостева", "Анна", None, None, {}))
    card = app.passport.card(account)
    mine = next(r for r in card.residents if r.code == written.person)
    assert mine.ended_text == " по 28.02.2027"
    (line,) = app.passport.person(written.person).registrations
    assert "по 28.02.2027" in line and "01.03.2027" not in line
    with pytest.raises(ValidationFailed, match="по 28.02.2027") as refused:
        app.passport.deregister(account, person=written.person, on="2026-08-01")
    assert "01.03.2027" not in str(refused.value.problems)


def test_a_back_dated_stay_is_named_to_its_last_day_in_the_recalculation(app):
    """The recalculation names the stay with its last day (the bill's «основание»)."""
    account = _account(app)
    app.month.calc(OPEN, workers=1)
    app.passport.register(account, kind="temporary", start="2026-08-01", end="2026-09-01",
                          new=NewPerson("Гостева", "Анна", "Петровна", None, {}))
    app.month.calc(OPEN, workers=1)
    reasons = {ln.reason for ln in app.month.explain(OPEN, account=account).lines if ln.corrects_period is not None}
    assert reasons and all("по месту пребывания с 01.08.2026 по 31.08.2026" in r for r in reasons), reasons


def test_the_demo_passport_is_named_in_russian_on_form_9(app):
    """The demo town (and an import) names a passport «passport»: form 9 printed «passport 6510 …» to the citizen."""
    from bcenter.modules.passport.papers import document_text

    text = document_text("passport", {"document_series": "6510", "document_number": "123456"})
    assert text == "паспорт 6510 123456"


@pytest.mark.parametrize(("private", "says"), [
    ({"birth_date": "2000-03-10", "document_series": "45 1", "document_number": "765432"}, "серия паспорта"),
    ({"birth_date": "2000-03-10", "document_series": "4514", "document_number": "76543"}, "номер паспорта"),
    ({"birth_date": "2000-03-10", "document_series": "4513", "document_number": "765432",
      "document_issued_on": "2013-05-01"}, "с 14 лет"),
    ({"birth_date": "2000-03-10", "document_series": "4514", "document_number": "765432",
      "document_issued_on": "1999-05-01"}, "раньше даты рождения"),
])
def test_an_impossible_passport_is_refused_in_russian_with_nothing_written(app, private, says):
    """A passport of a citizen of Russia has a series of 4 digits and a number of 6 and is issued from the age of 14
    (Положение о паспорте, ПП РФ от 08.07.1997 № 828, п. 1); no document is issued before its holder's birth."""
    account = _account(app)
    before = app.db.execute_sql('SELECT COUNT(*) FROM "person"').fetchone()[0]
    with pytest.raises(ValidationFailed, match=says):
        app.passport.register(account, kind="permanent", start="2026-11-01",
                              new=NewPerson("Новиков", "Олег", None, "passport_ru", private))
    assert app.db.execute_sql('SELECT COUNT(*) FROM "person"').fetchone()[0] == before
    code = app.passport.register(account, kind="temporary", start="2026-11-01", end="2026-12-01",
                                 new=NewPerson("Новиков", "Олег", None, None, {"birth_date": "2000-03-10"})).person
    app.passport.edit_person(code, names={"document_kind": "passport_ru"},
                             private={"document_series": "45 14", "document_number": "765432",
                                      "document_issued_on": "2014-04-01"})
    with pytest.raises(ValidationFailed, match=says):
        app.passport.edit_person(code, private={k: v for k, v in private.items() if k != "birth_date"})
    assert app.passport.person(code, personal=True).private["document_number"] == "765432"


def test_a_registration_from_before_the_birth_is_refused_with_nothing_written(app):
    """A newborn is registered from the day of birth at the earliest: a registration back-dated before it counted the
    child in the months before the birth (the norm charged for a person not yet born)."""
    account = _account(app)
    code = app.passport.register(account, kind="permanent", start="2026-10-05", relation="дочь",
                                 new=NewPerson("Петрова", "Мария", None, "birth_certificate",
                                               {"birth_date": "2026-10-05"})).person
    app.passport.deregister(account, person=code, on="2026-10-20")
    before = app.db.execute_sql('SELECT COUNT(*) FROM "registration"').fetchone()[0]
    with pytest.raises(ValidationFailed, match="раньше даты рождения 05.10.2026"):
        app.passport.register(account, kind="temporary", start="2026-09-01", end="2026-10-02", person=code)
    with pytest.raises(ValidationFailed, match="раньше даты рождения"):
        app.passport.register(account, kind="permanent", start="2026-01-01", relation="дочь",
                              new=NewPerson("Петров", "Иван", None, None, {"birth_date": "2026-08-01"}))
    assert app.db.execute_sql('SELECT COUNT(*) FROM "registration"').fetchone()[0] == before
