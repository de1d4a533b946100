"""The pull feed never skips a row (issue 17): two PostgreSQL transactions committing out of order, and one that
stays open while others commit, hold the feed back instead of letting a cursor pass their rows; a unit of work of
50 000 rows arrives whole or not at all, and is pulled whole.

On PostgreSQL a row's ``seq`` is taken when it is written, not when it commits: the hazard is shown (a ``seq``
cursor would pass a row that commits later) and the feed's rule is checked against it. Other tests' transactions on
the same PostgreSQL may hold the horizon back for a moment: the pulls go through the client, which waits for the
horizon as it would in production (``hold``)."""
from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bcenter.core.ids import uuid7
from db.connection import make_database
from db.models import Setting
from db.uow import UnitOfWork
from sync.client import pull_all, push_all
from sync.pull import START, apply_page, cursor_of, page
from sync.push import next_batch
from sync.server import enroll, make_app
from tests.sync.conftest import site_id


def _pg(server) -> None:
    if not server.url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has one writer, its rows commit in the order of their seq")


def _drain(server, site, scope: str = "ref") -> None:
    """Pull ``scope`` to the end of what is committed now."""
    while True:
        got = page(server.db, site_id=site_id(site), scope=scope, cursor=cursor_of(site.db, scope))
        apply_page(site.db, got)
        if got["up_to_date"] or not got["outbox_rows"]:
            return


def _names(got: dict, prefix: str) -> list[str]:
    return [r["key"] for u in got["units"] for op in u["ops"] if op["table"] == "setting"
            for r in op.get("rows") or () if r["key"].startswith(prefix)]


def _setting(site, key: str):
    row = site.db.execute_sql("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def _secret(server, site, code: str, scopes: tuple[str, ...] = ("ref", "house:h1")) -> str:
    server.db.execute_sql("DELETE FROM sync_site")  # enrolled again for a secret the client can use
    server.db.execute_sql("DELETE FROM sync_batch")
    start = site.db.execute_sql("SELECT value FROM local_setting WHERE key = 'sync.pushed_to_seq'").fetchone()[0]
    return enroll(server.db, site_id=site_id(site), code=code, name=code, scopes=list(scopes),
                  after_seq=int(start))


@pytest.mark.parametrize("order", ["written first, committed last", "begun first, written and committed last"])
def test_rows_of_transactions_committing_out_of_order_are_never_skipped(server, sites, order):
    _pg(server)
    _, tablet = sites
    _drain(server, tablet)
    a, b = make_database(server.url), make_database(server.url)
    a.connect(), b.connect()
    try:
        slow = a.atomic()
        slow.__enter__()
        a.execute_sql("SELECT pg_current_xact_id()")  # A's transaction id is taken now: the older one
        if order == "written first, committed last":
            with UnitOfWork(action="test.a", db=a) as uow:
                uow.insert(Setting, key="feed.a", value=1)
        with UnitOfWork(action="test.b", db=b) as uow:  # B: younger, commits first
            uow.insert(Setting, key="feed.b", value=2)
        seqs = [s for (s,) in server.db.execute_sql("SELECT seq FROM outbox WHERE table_name = 'setting' "
                                                    "ORDER BY seq DESC LIMIT 1")]
        got = page(server.db, site_id=site_id(tablet), scope="ref", cursor=cursor_of(tablet.db, "ref"))
        assert not _names(got, "feed.") and not got["up_to_date"]  # held back: B's row waits behind A
        apply_page(tablet.db, got)
        if order == "written first, committed last":  # the hazard: a cursor on seq would have passed A's row
            hidden = server.db.execute_sql("SELECT MIN(seq) FROM outbox WHERE seq >= %s", (seqs[0] - 1,))
            assert hidden.fetchone()[0] == seqs[0]  # A's row (seq below B's) is not visible yet
        else:
            with UnitOfWork(action="test.a", db=a) as uow:  # written now: a seq after B's, an xid before it
                uow.insert(Setting, key="feed.a", value=1)
        slow.__exit__(None, None, None)
        server.db.execute_sql("SELECT 1")
        report = pull_all(tablet.db, url="http://server", site_id=site_id(tablet),
                          secret=_secret(server, tablet, "T1"), client=TestClient(make_app(server.db)), hold=30)
        assert report.ok and not report.held_back
        assert (_setting(tablet, "feed.a"), _setting(tablet, "feed.b")) == ("1", "2")
    finally:
        a.close(), b.close()


def test_a_long_transaction_holds_the_feed_back_and_the_client_waits_then_leaves_it_for_the_next_sync(
        server, sites):
    _pg(server)
    _, tablet = sites
    secret = _secret(server, tablet, "T1")
    client = TestClient(make_app(server.db))
    first = pull_all(tablet.db, url="http://server", site_id=site_id(tablet), secret=secret, client=client, hold=30)
    assert first.ok
    long = make_database(server.url)
    long.connect()
    try:
        with long.atomic():
            long.execute_sql("SELECT pg_current_xact_id()")  # a close running for minutes, say
            for n in range(3):
                with UnitOfWork(action="test.b", db=server.db) as uow:
                    uow.insert(Setting, key=f"feed.{n}", value=n)
            waits: list[float] = []
            held = pull_all(tablet.db, url="http://server", site_id=site_id(tablet), secret=secret, client=client,
                            backoff=0.5, hold=2, sleep=waits.append)
            assert held.ok and held.held_back == ["ref", "house:h1"] and waits == [0.5, 1.0, 2.0]
            assert _setting(tablet, "feed.0") is None  # nothing passed the open transaction
    finally:
        long.close()
    done = pull_all(tablet.db, url="http://server", site_id=site_id(tablet), secret=secret, client=client, hold=30)
    assert done.ok and [_setting(tablet, f"feed.{n}") for n in range(3)] == ["0", "1", "2"]


def test_a_unit_of_50000_rows_arrives_whole_or_not_at_all_and_is_pulled_whole(server, sites):
    kiosk, tablet = sites
    rows = [(uuid7(), f"bulk.{n}", "1") for n in range(50_000)]
    with UnitOfWork(action="test.bulk", db=kiosk.db) as uow:
        for start in range(0, len(rows), 5000):  # ten outbox rows of one unit
            uow.insert_rows(Setting, ("id", "key", "value"), rows[start:start + 5000])
    batch = next_batch(kiosk.db, max_rows=3)
    assert sum(len(op["rows"]) for u in batch["units"] for op in u["ops"]) == 50_000  # never split
    # a clash near the end: the server has one of the keys under another id — nothing of the unit may stay
    with UnitOfWork(action="test.clash", db=server.db) as uow:
        uow.insert(Setting, key="bulk.40000", value=0)
    secret = _secret(server, kiosk, "K1", ("*",))  # settings (ref) are the centre's: a centre replaying its log
    client = TestClient(make_app(server.db))
    refused = push_all(kiosk.db, url="http://server", site_id=site_id(kiosk), secret=secret, client=client)
    assert refused.error["status"] == 422 and refused.error["error"] == "integrity"
    count = "SELECT COUNT(*) FROM setting WHERE key >= 'bulk.' AND key < 'bulk/'"
    assert server.db.execute_sql(count).fetchone()[0] == 1
    with UnitOfWork(action="test.unclash", db=server.db) as uow:
        (clash,), = server.db.execute_sql("SELECT id FROM setting WHERE key = 'bulk.40000'").fetchall()
        uow.delete_rows(Setting, [str(clash)])
    done = push_all(kiosk.db, url="http://server", site_id=site_id(kiosk), secret=secret, client=client)
    assert done.ok and done.inserted == 50_000
    assert server.db.execute_sql(count).fetchone()[0] == 50_000
    server.db.execute_sql("DELETE FROM sync_site")
    enroll(server.db, site_id=site_id(tablet), code="T1", name="T1", scopes=["ref"])
    cursor, units = START, []
    while True:  # pages of one outbox row each: the unit still comes in one
        got = page(server.db, site_id=site_id(tablet), scope="ref", cursor=cursor, limit=1)
        units += [u for u in got["units"] if any(op["table"] == "setting" and len(op.get("rows") or ()) > 1000
                                                 for op in u["ops"])]
        cursor = got["cursor"]
        if got["up_to_date"]:
            break
    assert len(units) == 1 and sum(len(op["rows"]) for op in units[0]["ops"] if op["op"] == "upsert") == 50_000
