"""The portal's intake of requests (issue 19) over HTTP (Starlette's test client, no network): unauthenticated,
oversized, malformed and over-the-limit posts are refused with a Russian reason and nothing written; a valid one is
registered once even when it is sent twice (Idempotency-Key); one the rules refuse is 422 with the problems."""
from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from bcenter.ui.intake import make_intake
from tests.claims.test_requests import MONDAY, at
from tests.claims.test_requests import path, town  # noqa: F401  (fixtures)


@pytest.fixture
def portal(path):  # noqa: F811
    app = at(path, MONDAY)
    token = app.claims.portal_token("portal-1")
    ticks = iter(range(0, 10_000))  # a monotonic clock that moves one second per post
    client = TestClient(make_intake(app, max_body=2048, per_minute=5, clock=lambda: float(next(ticks))))
    yield app, client, token
    app.close()


def _count(app) -> int:
    return app.db.execute_sql('SELECT COUNT(*) FROM "claim"').fetchone()[0]


def _post(client, token, body, key="k-1", **headers):
    hdrs = {"Idempotency-Key": key, **headers}
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, (bytes, str)) else json.dumps(body, ensure_ascii=False)
    return client.post("/claims", content=data, headers=hdrs)


def test_a_valid_request_is_registered_once_however_often_it_is_sent(portal):
    app, client, token = portal
    account = app.registry.search("Ленина")[0].number
    body = {"kind": "quality", "text": "нет горячей воды", "account": account, "contact": "+7 900 000-00-00"}
    first = _post(client, token, body)
    assert first.status_code == 201, first.text
    again = _post(client, token, body)
    assert again.status_code == 200 and again.json() == first.json()
    assert first.json()["number"] == "З-2026-000001" and _count(app) == 1
    other = _post(client, token, body, key="k-2")
    assert other.status_code == 201 and other.json()["number"] == "З-2026-000002"
    found = app.claims.listing("all")
    assert {r.channel for r in found} == {"portal"} and "Контакт: +7 900 000-00-00" in found[0].text


def test_refusals_leave_nothing_written(portal):
    app, client, token = portal
    account = app.registry.search("Ленина")[0].number
    good = {"kind": "quality", "text": "нет воды", "account": account}
    cases = [
        (_post(client, None, good), 401, "unauthenticated"),
        (_post(client, "wrong-token", good), 401, "unauthenticated"),
        (_post(client, token, {"kind": "quality", "text": "х" * 3000, "account": account}), 413, "too_large"),
        (_post(client, token, "{не json"), 400, "not_json"),
        (_post(client, token, ["kind"]), 400, "not_an_object"),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["error"]) == (status, code), response.text
        assert response.json()["message"]
    malformed = _post(client, token, {"kind": 5, "text": "x", "floor": 2})
    assert malformed.status_code == 400 and "kind: ожидается строка" in malformed.json()["message"]
    assert "floor: неизвестное поле" in malformed.json()["message"]
    assert _count(app) == 0


def test_rules_and_the_rate_limit(portal):
    app, client, token = portal
    refused = _post(client, token, {"kind": "quality", "text": "x", "account": "0000000000"})
    assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "account"
    no_key = client.post("/claims", content=json.dumps({"kind": "quality", "text": "x", "house": "h00001"}),
                         headers={"Authorization": f"Bearer {token}"})
    assert no_key.status_code == 400 and no_key.json()["error"] == "no_idempotency_key"
    statuses = [_post(client, token, {"kind": "quality", "text": "x", "house": "h00001"}, key=f"r{i}").status_code
                for i in range(5)]
    assert statuses[:3] == [201, 201, 201] and statuses[-1] == 429  # 5 a minute: two were spent above
    assert _count(app) == 3


def test_a_retry_racing_the_first_post_gets_the_request_not_an_error(portal, monkeypatch):
    """The portal retries while its first post is still being written: both passed the «seen before?» check before
    either was stored. The second must answer with the request the first registered — not a server error that
    makes the portal retry again — and one request is kept."""
    from bcenter.modules.claims import intake

    app, client, token = portal
    account = app.registry.search("Ленина")[0].number
    body = {"kind": "quality", "text": "нет горячей воды", "account": account}
    first = _post(client, token, body)
    monkeypatch.setattr(intake, "known", lambda db, key: None)  # the check ran before the first was stored
    again = _post(client, token, body)
    assert again.status_code in (200, 201) and again.json()["number"] == first.json()["number"]
    assert _count(app) == 1
