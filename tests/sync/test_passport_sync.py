"""The passport desk at a site (issue 18): a registration with a new person and an issued form travel to the
server and on to the other site of the house, sealed as they were written (the server holds no plain number); a
de-registration arrives as a fact that supersedes, not an edit."""
from __future__ import annotations

from datetime import date

from bcenter.app.passport import NewPerson
from tests.sync.test_conflicts import _pull, _push

PASSPORT = {"birth_date": "1990-05-06", "document_series": "4510", "document_number": "765432"}


def test_a_registration_and_a_form_reach_the_server_and_the_house_s_tablet(server, sites):
    kiosk, tablet = sites  # the kiosk sees every house; the tablet house h1 (account 1002003004 is in h1)
    for site in sites:
        _pull(server, site)
    written = kiosk.passport.register("1002003004", kind="permanent", start="2026-08-01", relation="сын",
                                      new=NewPerson("Петров", "Андрей", None, "passport_ru", PASSPORT))
    doc = kiosk.passport.issue("form10", "1002003004")
    kiosk.passport.deregister("1002003004", person=written.person, on="2026-09-16")
    _push(server, kiosk)
    stored = server.db.execute_sql('SELECT sealed FROM "person" WHERE ext_id = ?'.replace(
        "?", "%s" if "Postgres" in type(server.db).__name__ else "?"), (written.person,)).fetchone()[0]
    assert stored.startswith("s1.") and "765432" not in stored
    assert [d.number for d in server.passport.documents("1002003004")] == [doc.number]
    assert server.passport.reprint(doc.number).pdf == doc.pdf

    _pull(server, tablet)
    card = tablet.passport.card("1002003004", personal=True)
    mine = [r for r in card.residents if r.code == written.person]
    assert len(mine) == 1 and mine[0].registered_to == date(2026, 9, 16)  # the ended one, not both
    assert mine[0].private["document_number"] == "765432"
