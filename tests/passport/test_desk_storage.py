"""The passport desk on both databases (issue 18): the documented example imported, a person registered, taken off
the register through the exchange format's ``supersedes`` (and exported back the same way), ownership refused over
1/1, a form issued and reprinted byte for byte, the key rotated with every sealed value still opening."""
from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from bcenter.app import App
from bcenter.app.passport import NewPerson
from bcenter.core.clock import FixedClock
from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange.service import export_document, import_data
from db.sealing import is_sealed, keyring
from tests.finance.towns import TODAY

PASSPORT = {"birth_date": "1990-05-06", "document_series": "4510", "document_number": "765432"}


@pytest.fixture
def app(any_db, any_url, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    application = App.open(any_url, clock=FixedClock(TODAY))
    yield application
    application.close()


def test_register_deregister_own_issue_rotate(app, any_db, example_doc):
    written = app.passport.register("1002003004", kind="permanent", start="2026-08-01", relation="сын",
                                    new=NewPerson("Петров", "Андрей", None, "passport_ru", PASSPORT))
    app.passport.deregister("1002003004", person=written.person, on="2026-09-16", departed_to="г. Москва")
    card = app.passport.card("1002003004", personal=True)
    mine = [r for r in card.residents if r.code == written.person]
    assert len(mine) == 1 and mine[0].registered_to == date(2026, 9, 16)
    assert mine[0].private["document_number"] == "765432"
    with pytest.raises(ValidationFailed, match="превысили бы 1/1"):
        app.passport.own("1002003004", share="1/2", start="2026-11-01", person=written.person)

    exported = export_document(db=any_db)
    ended = [r for r in exported["registrations"] if r["person"] == written.person and "supersedes" in r]
    assert len(ended) == 1 and ended[0]["to"] == "2026-09-16"
    assert any(r["id"] == ended[0]["supersedes"] and "to" not in r for r in exported["registrations"])
    person = next(p for p in exported["persons"] if p["id"] == written.person)
    assert person["document"]["number"] == "765432" and person["birth_date"] == "1990-05-06"

    doc = app.passport.issue("form10", "1002003004")
    assert app.passport.reprint(doc.number).pdf == doc.pdf

    before = {code: keyring().unseal(sealed) for code, sealed in
              any_db.execute_sql('SELECT ext_id, sealed FROM "person" WHERE sealed IS NOT NULL').fetchall()}
    rotated = app.passport.rotate_key()
    assert rotated.persons == len(before) and rotated.documents == 1
    after = any_db.execute_sql('SELECT ext_id, sealed FROM "person" WHERE sealed IS NOT NULL').fetchall()
    assert all(is_sealed(s) and keyring().key_of(s) == rotated.key for _, s in after)
    assert {code: keyring().unseal(s) for code, s in after} == before
    assert app.passport.reprint(doc.number).pdf == doc.pdf  # its payload resealed, still the same print


def test_an_exchange_document_ends_a_registration_by_supersedes(app, any_db, example_doc):
    first = example_doc["registrations"][0]
    ended = {**first, "id": "reg1-end", "to": "2026-09-16", "supersedes": first["id"]}
    result = import_data({"format": "bcenter-exchange", "version": 1, "registrations": [ended]}, db=any_db)
    assert result.inserted["registration"] == 1
    card = app.passport.card("1002003004")
    assert [r.registered_to for r in card.residents if r.code == first["person"]] == [date(2026, 9, 16)]
    bad = {**first, "id": "reg1-bad", "to": "2026-09-16", "supersedes": "no-such"}
    with pytest.raises(ValidationFailed, match="no-such"):
        import_data({"format": "bcenter-exchange", "version": 1, "registrations": [bad]}, db=any_db)
    assert json.dumps(export_document(db=any_db), ensure_ascii=False).count('"supersedes"') == 1


def test_an_exchange_document_is_refused_a_second_residence_and_shares_over_the_whole(any_db, example_doc):
    """The importer's side of the same rules: one permanent registration of a person at a time, the owners' shares
    within 1/1 — in the document and against the database; all or nothing, each problem named by its place."""
    first = example_doc["registrations"][0]
    doc = copy.deepcopy(example_doc)
    doc["registrations"].append({**first, "id": "reg-twice", "premises": "p2", "from": "2020-01-01"})
    doc["ownership"].append({**doc["ownership"][0], "id": "own-more", "share": "1/3", "from": "2020-01-01"})
    with pytest.raises(ValidationFailed) as refused:
        import_data(doc, db=any_db)
    found = {(p.path, p.reason.split(":")[0].split(" (")[0]) for p in refused.value.problems}
    assert (f"registrations[{len(doc['registrations']) - 1}]",
            "у гражданина уже есть регистрация по месту жительства в эти даты") in found
    assert any(p.path == f"ownership[{len(doc['ownership']) - 1}]" and "в сумме 4/3 — больше 1/1" in p.reason
               for p in refused.value.problems)
    assert any_db.execute_sql('SELECT COUNT(*) FROM "person"').fetchone()[0] == 0  # nothing written

    import_data(copy.deepcopy(example_doc), db=any_db)
    later = {"format": "bcenter-exchange", "version": 1,
             "registrations": [{**first, "id": "reg-moved", "premises": "p2", "from": "2026-10-01"}]}
    with pytest.raises(ValidationFailed, match="записью в базе id «reg1»"):
        import_data(later, db=any_db)
    later["registrations"].insert(0, {**first, "id": "reg1-end", "to": "2026-10-01", "supersedes": first["id"]})
    assert import_data(later, db=any_db).inserted["registration"] == 2  # ended there, registered here: accepted
