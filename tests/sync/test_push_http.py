"""Push over HTTP (issue 17, first step): enrolment shows a secret once; the client retries the same batch through
lost requests and lost answers and the server applies it once; unauthenticated, wrong-site, oversized and malformed
requests are refused. The server is the Starlette app in-process (``TestClient``: no network beyond the process)."""
from __future__ import annotations

import httpx
import pytest
from starlette.testclient import TestClient

from sync.client import push_all
from sync.server import enroll, make_app
from tests.sync.conftest import read as _read
from tests.sync.conftest import readings as _readings
from tests.sync.conftest import site_id as _site_id


class Flaky(TestClient):
    """A client whose requests fail as a network does: ``plan`` — for each request, "ok", "lost" (never reaches the
    server) or "unanswered" (applied, the answer lost)."""

    def __init__(self, app, plan):
        super().__init__(app)
        self.plan = list(plan)

    def post(self, url, **kwargs):
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "lost":
            raise httpx.ConnectError("connection refused")
        response = super().post(url, **kwargs)
        if step == "unanswered":
            raise httpx.ReadTimeout("the answer never came")
        return response


def _enrolled(server, site) -> str:
    start = site.db.execute_sql("SELECT value FROM local_setting WHERE key = 'sync.pushed_to_seq'").fetchone()[0]
    server.db.execute_sql("DELETE FROM sync_batch")  # the fixture's enrolment: enrolled again here, for the secret
    server.db.execute_sql("DELETE FROM sync_site")
    return enroll(server.db, site_id=_site_id(site), code="T1", name="Планшет 1", scopes=["ref", "house:h1"],
                  after_seq=int(start))


def test_lost_requests_and_lost_answers_apply_the_batch_once(server, sites):
    _, tablet = sites
    secret = _enrolled(server, tablet)
    before = _readings(server)
    _read(tablet, "19-034518", "140")
    _read(tablet, "19-034518", "150")
    waits = []
    with Flaky(make_app(server.db), ["lost", "unanswered", "ok", "ok"]) as client:
        report = push_all(tablet.db, url="http://server", site_id=_site_id(tablet), secret=secret, client=client,
                          max_rows=1, sleep=waits.append)
    assert report.ok and report.batches == 2 and report.retries == 2 and report.inserted == 2
    assert waits == [0.5, 1.0]  # backoff doubles
    assert _readings(server) == before + 2
    with TestClient(make_app(server.db)) as client:
        again = push_all(tablet.db, url="http://server", site_id=_site_id(tablet), secret=secret, client=client)
    assert again.ok and again.batches == 0  # nothing waits


def test_a_server_failing_after_the_rows_and_before_its_answer_is_stored_keeps_nothing(server, sites, monkeypatch):
    """The third place a push can break: the rows written, the answer not yet stored — the server's transaction
    holds both, so it keeps neither; the client's retry (same batch, same id) applies it once."""
    import sync.push

    _, tablet = sites
    secret = _enrolled(server, tablet)
    before = _readings(server)
    _read(tablet, "19-034518", "140")
    real, failures = sync.push._store_answer, []

    def crash_once(*args, **kwargs):
        if not failures:
            failures.append("crashed")
            raise RuntimeError("the server died before storing its answer")
        return real(*args, **kwargs)

    monkeypatch.setattr(sync.push, "_store_answer", crash_once)
    with TestClient(make_app(server.db), raise_server_exceptions=False) as client:
        report = push_all(tablet.db, url="http://server", site_id=_site_id(tablet), secret=secret, client=client,
                          sleep=lambda s: None)
    assert failures and report.ok and report.retries == 1 and report.inserted == 1
    assert _readings(server) == before + 1


def test_a_batch_waits_for_a_close_at_the_centre_and_is_applied_after_it(server, sites):
    """A push is a writing job like a close: while the centre's job lock is held the server answers 503 «busy»,
    the client keeps its outbox and retries; once the close is over the same batch goes in once."""
    from db.locks import LEDGER, job_lock

    _, tablet = sites
    secret = _enrolled(server, tablet)
    before = _readings(server)
    _read(tablet, "19-034518", "140")
    client = TestClient(make_app(server.db, lock_wait=0.05))
    with job_lock(server.db, LEDGER, holder="бухгалтер", what="закрытие периода"):
        waits: list[float] = []
        busy = push_all(tablet.db, url="http://server", site_id=_site_id(tablet), secret=secret, client=client,
                        retries=2, sleep=waits.append)
    assert busy.error["status"] == 503 and busy.error["error"] == "busy" and "закрытие периода" in busy.error["detail"]
    assert waits == [0.5, 1.0] and _readings(server) == before
    done = push_all(tablet.db, url="http://server", site_id=_site_id(tablet), secret=secret, client=client)
    assert done.ok and done.inserted == 1 and _readings(server) == before + 1


def test_the_door_refuses_strangers_other_sites_big_and_broken_requests(server, sites):
    kiosk, tablet = sites
    secret = _enrolled(server, tablet)
    _read(tablet, "19-034518", "140")
    _read(kiosk, "24-118207", "77")
    with TestClient(make_app(server.db, max_body=2048)) as client:
        wrong = push_all(tablet.db, url="http://server", site_id=_site_id(tablet), secret="guess", client=client)
        assert wrong.error == {"status": 401, "error": "unauthenticated"}
        other = push_all(kiosk.db, url="http://server", site_id=_site_id(tablet), secret=secret, client=client)
        assert other.error["status"] == 403 and other.error["error"] == "wrong_site"  # the kiosk's batch, the tablet's key
        headers = {"X-Bcenter-Site": _site_id(tablet), "Authorization": f"Bearer {secret}"}
        assert client.post("/sync/push", content=b"{not json", headers=headers).status_code == 400
        big = client.post("/sync/push", content=b"[" + b"1," * 4000 + b"1]", headers=headers)
        assert big.status_code == 413 and big.json()["error"] == "too_large"
    with pytest.raises(ValueError, match="уже зарегистрирована"):
        enroll(server.db, site_id=_site_id(tablet), code="T2", name="x", scopes=["ref"])
    with pytest.raises(ValueError, match="--scope: «street:1»"):
        enroll(server.db, site_id=_site_id(kiosk), code="K1", name="x", scopes=["street:1"])
    with pytest.raises(ValueError, match="на сервере нет дома с кодом «h9»"):
        enroll(server.db, site_id=_site_id(kiosk), code="K1", name="x", scopes=["house:h9"])


def test_a_copy_of_the_centre_becomes_a_site_of_its_own_and_syncs(capsys, server, centre_file, tmp_path):
    """The way a site starts: a copy of the centre's file, ``bcenter sync adopt`` gives it an identity and prints the
    enrolment; its first push is its own ``site`` row only, its first pull takes the centre's log (unchanged rows)."""
    import shutil

    from bcenter.app import App
    from bcenter.cli import main
    from bcenter.core.clock import FixedClock
    from tests.sync.conftest import NOW

    path = tmp_path / "new-kiosk.db"
    shutil.copy(centre_file, path)
    url = f"sqlite:///{path}"
    assert main(["--db", url, "sync", "adopt", "--code", "K9", "--kind", "kiosk"]) == 0
    out = capsys.readouterr().out
    site = out.split("идентификатор ", 1)[1].split()[0]
    after = out.split("--after-seq ", 1)[1].split()[0]
    assert main(["--db", url, "sync", "adopt", "--code", "K9", "--kind", "kiosk"]) != 0  # the code is its own now
    assert "уже занят" in capsys.readouterr().err
    secret = enroll(server.db, site_id=site, code="K9", name="Касса 9", scopes=["ref", "house:h1"],
                    after_seq=int(after))
    kiosk = App.open(url, clock=FixedClock(NOW))
    try:
        kiosk.sync.join(server="http://server", secret=secret, insecure_http=True)  # in-process: no network
        client = TestClient(make_app(server.db))
        pushed = kiosk.sync.push(client=client)
        assert pushed.ok and pushed.batches == 1 and pushed.inserted == 1  # its site row, nothing of the centre's
        got = kiosk.sync.pull(client=client)
        assert got.ok and not got.held_back and got.dangling == 0 and got.pages >= 2
        _read(kiosk, "19-034518", "140")
        assert kiosk.sync.push(client=client).inserted == 1
    finally:
        kiosk.close()
