"""The dispatcher's desk on the office screen (issue 19) without a browser: a request taken, listed by view, assigned,
answered by an act in one click (linked in its history), closed with an answer; a bad request said on the screen."""
from __future__ import annotations

import pytest

from tests.ui.conftest import by_key
from tests.ui.test_office_sections import _click, _office, _type


@pytest.mark.asyncio
async def test_a_request_taken_assigned_answered_by_an_act_and_closed(app, page, session):
    refs = _office(app, page)
    desk = refs["claims"]
    await _click(session, by_key(refs["nav"], "nav:claims"))
    assert by_key(desk["rows"], "claims_none").value == "Заявок нет"
    await _type(session, desk["house"], "h00001")
    await _type(session, desk["text"], "нет горячей воды с утра")
    await _click(session, desk["add"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("Заявка З-2026-000001 принята, срок — до")
    number = "З-2026-000001"
    await _click(session, by_key(desk["views"], "view:new"))
    row = by_key(desk["rows"], f"claim:{number}")
    assert "нет горячей воды с утра" in str(row.content)
    await _click(session, row)
    assert desk["detail"].visible
    await _type(session, desk["assignee"], "слесарь Иванов")
    await _click(session, desk["assign"])
    assert desk["notice"].value == "Поручено: слесарь Иванов"
    await _type(session, desk["act_from"], "2026-10-05 08:00")
    await _type(session, desk["act_to"], "2026-10-06 14:00")
    await _click(session, desk["act"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("Составлен акт АКТ-2026-000001")
    assert app.claims.history(number)[-1][4] == "составлен акт АКТ-2026-000001"
    await _click(session, desk["close"])
    assert "закрытие без ответа не принимается" in desk["error"].value
    await _type(session, desk["answer"], "подача восстановлена, плата будет снижена")
    await _click(session, desk["close"])
    assert desk["notice"].value == f"Заявка {number} закрыта"
    await _click(session, by_key(desk["views"], "view:open"))
    assert by_key(desk["rows"], "claims_none")

    await _type(session, desk["house"], "")
    await _type(session, desk["account"], "0000000000")
    await _type(session, desk["text"], "x")
    await _click(session, desk["add"])
    assert "нет лицевого счёта «0000000000»" in desk["error"].value


@pytest.mark.asyncio
async def test_a_double_click_on_accept_takes_one_request(app, page, session):
    """«Принять» clicked twice in a row (both clicks reach the server before the first answer): one request, not
    З-2026-000001 and З-2026-000002 for the same call."""
    import asyncio

    refs = _office(app, page)
    desk = refs["claims"]
    await _click(session, by_key(refs["nav"], "nav:claims"))
    await _type(session, desk["house"], "h00001")
    await _type(session, desk["text"], "нет горячей воды с утра")
    await asyncio.gather(_click(session, desk["add"]), _click(session, desk["add"]))
    assert desk["error"].value == "" and desk["notice"].value.startswith("Заявка З-2026-000001 принята")
    assert len(app.claims.listing("all")) == 1


@pytest.mark.asyncio
async def test_an_act_asked_once_the_session_ended_is_said_not_a_traceback(app, page, session):
    """The dispatcher's session ended (signed out on another tab, or idle too long) and «Составить акт» is pressed:
    the screen says so in Russian — the request's lookup was outside the handler's refusals, and the browser got a
    Python traceback."""
    refs = _office(app, page)
    desk = refs["claims"]
    await _click(session, by_key(refs["nav"], "nav:claims"))
    await _type(session, desk["house"], "h00001")
    await _type(session, desk["text"], "нет горячей воды с утра")
    await _click(session, desk["add"])
    await _click(session, by_key(desk["rows"], "claim:З-2026-000001"))
    app.users.sign_out(refs["signed"].session.token)
    start = len(session.connection.wire)
    await _click(session, desk["act"])
    assert desk["error"].value == "Сеанс завершён — войдите снова"
    assert not any("Traceback" in text for text in session.connection.sent_since(start))
