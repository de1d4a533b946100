"""Who a case names for municipal housing (ЖК ст. 69 ч. 2): the tenant and the adult members of the family jointly —
a child under 18 is not named; a member whose birth date is not known is named, marked «возраст не проверен» in the
application. The family is the one registered in the months claimed: the months before the flat became municipal are
its former owners' (by share), those before the new members came are the family's without them."""
from __future__ import annotations

from datetime import date

from bcenter.app.passport import NewPerson
from bcenter.core.period import Period
from bcenter.modules.passport.desk import key_text
from tests.collection.helpers import debtor


def _make_municipal(app, acc: str) -> None:
    for (pid, ext) in app.db.execute_sql(
            'SELECT o.owner_person_id, pe.ext_id FROM "ownership" o JOIN "account" a ON a.premises_id = o.premises_id '
            'JOIN "person" pe ON pe.id = o.owner_person_id WHERE a.number = ? AND o.valid_to IS NULL', (acc,)).fetchall():
        app.passport.end_ownership(acc, person=ext or key_text(pid), on="2026-01-01")
    app.passport.own(acc, share="1/1", start="2026-01-01", org_name="Администрация ГО Заречный")


def test_a_child_is_not_named_a_joint_debtor_and_an_unknown_age_is_marked(app):
    acc = debtor(app)
    _make_municipal(app, acc)
    app.passport.register(acc, kind="permanent", start="2026-02-01",
                          new=NewPerson("Малышев", "Ваня", "Петрович", None, {"birth_date": "2015-03-01"}))
    app.passport.register(acc, kind="permanent", start="2026-02-01",
                          new=NewPerson("Взрослов", "Пётр", "Ильич", None, {"birth_date": "1980-03-01"}))
    app.passport.register(acc, kind="permanent", start="2026-02-01", new=NewPerson("Безданных", "Олег", "Олегович"))
    opened = app.collection.open_case(acc, filed_on=date(2026, 11, 20))
    owners, before, case = opened  # the oldest months first
    assert max(owners.periods) < Period(2026, 1) and all(d.share and not d.joint for d in owners.debtors)
    assert before.periods == (Period(2026, 1),) and all(d.joint for d in before.debtors)
    assert min(case.periods) == Period(2026, 2)
    assert {d.name for d in case.debtors} - {d.name for d in before.debtors} == {"Взрослов Пётр Ильич",
                                                                                 "Безданных Олег Олегович"}
    names = {d.name: d for d in case.debtors}
    assert "Малышев Ваня Петрович" not in names
    assert "Взрослов Пётр Ильич" in names and not names["Взрослов Пётр Ильич"].age_unchecked
    assert names["Безданных Олег Олегович"].age_unchecked
    doc = app.collection.court_document(case.number, day=date(2026, 11, 20))
    row = next(r for r in doc.payload["debtors"] if r[0] == "Безданных Олег Олегович")
    assert row[1] == "солидарно (возраст не проверен)"
