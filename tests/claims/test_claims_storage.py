"""Requests and acts on both databases (issue 19): the documented example imported, a request taken, assigned,
answered by an act for an entrance, the act closed earlier, the request closed; the deadline report; a portal's key
posted twice registers once."""
from __future__ import annotations

import copy

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.modules.exchange.service import import_data
from tests.claims.test_requests import MONDAY


def test_requests_and_acts(any_db, any_url, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    app = App.open(any_url, clock=FixedClock(MONDAY))
    try:
        request = app.claims.add(kind="quality", text="нет горячей воды", account="1002003004")
        assert request.number == "З-2026-000001" and request.account == "1002003004"
        app.claims.assign(request.number, assignee="слесарь")
        number = app.claims.act(service="svc-hot", house="h1", start="2026-10-05 08:00", end="2026-10-06 14:00",
                                request=request.number)
        assert app.claims.close_act(number, end="2026-10-05 20:00") == f"{number}/1"
        app.claims.close(request.number, note="восстановлено")
        assert [h[2] for h in app.claims.history(request.number)] == ["new", "assigned", "assigned", "closed"]
        report = {t.kind: t for t in app.claims.deadlines(start=MONDAY.date(), end=MONDAY.date())}
        assert report["quality"].closed_in_time == 1
        token = app.claims.portal_token("p")
        assert app.claims.portal(token) == "p" and app.claims.portal("x") is None
        first = app.claims.add(kind="inquiry", text="справка", house="h1", intake_key="p:1")
        assert app.claims.add(kind="inquiry", text="справка", house="h1", intake_key="p:1") == first
        assert app.claims.known("p:1") == first.number
    finally:
        app.close()


def test_an_entrance_act_closed_earlier_travels_through_the_exchange_format(any_db, any_url, example_doc, tmp_path):
    """Exported and imported into an empty database, the act keeps its entrance and the closing keeps superseding
    it — otherwise the copy would reduce the whole house, twice."""
    from bcenter.modules.exchange.service import export_document

    import_data(copy.deepcopy(example_doc), db=any_db)
    app = App.open(any_url, clock=FixedClock(MONDAY))
    try:
        entrance = app.db.execute_sql(
            'SELECT p.entrance FROM "premises" p JOIN "house" h ON h.id = p.house_id WHERE h.ext_id = \'h1\' '
            'AND p.entrance IS NOT NULL').fetchone()[0]
        number = app.claims.act(service="svc-hot", house="h1", entrance=entrance, start="2026-10-05 08:00",
                                end="2026-10-06 14:00")
        revised = app.claims.close_act(number, end="2026-10-05 20:00")
        exported = export_document(db=any_db)
    finally:
        app.close()
    acts = {a["id"]: a for a in exported["quality_events"] if a["id"].startswith(number)}
    assert acts[number]["entrance"] == entrance and acts[revised]["supersedes"] == number
    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    other = App.open(copy_url, create=True, clock=FixedClock(MONDAY))
    try:
        other.system.ensure_initialized()
        import_data(exported, db=other.db)
        assert other.db.execute_sql('SELECT COUNT(*) FROM "quality_event" q WHERE q.supersedes_id IS NOT NULL '
                                    'AND q.entrance IS NOT NULL').fetchone()[0] == 1
    finally:
        other.close()
