"""Replay (issue 17): every unit of work a centre ever wrote, pushed from its outbox into an empty server, gives the
same town — the same balances of every closed month, the same debts, the same account cards. The outbox is the
whole history: a write that left no outbox row would be missing here. The server on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from db.connection import make_database
from db.migrations import migrate
from sync.push import acknowledge, apply_push, next_batch
from sync.server import enroll
from tests.finance.towns import TODAY, demo_town


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("replay") / "centre.db"
    demo_town(path, accounts=60, seed=3).close()
    return path


def _empty_server(url: str) -> None:
    """A new server: the schema and its own identity, nothing else (no law tables: they come in the replay)."""
    db = make_database(url)
    db.connect()
    migrate(db)
    mark = "%s" if url.startswith("postgresql") else "?"
    for key, value in (("site_id", "0190aaaa-0000-7000-8000-000000000001"), ("site_code", "C2")):
        db.execute_sql(f"INSERT INTO local_setting (key, value) VALUES ({mark}, {mark})", (key, value))
    db.close()


def test_every_outbox_replayed_into_an_empty_server_gives_the_same_town(any_url, town):
    _empty_server(any_url)
    centre = App.open(f"sqlite:///{town}", clock=FixedClock(TODAY))
    server = App.open(any_url, clock=FixedClock(TODAY))
    try:
        me = centre.db.execute_sql("SELECT value FROM local_setting WHERE key = 'site_id'").fetchone()[0]
        enroll(server.db, site_id=me, code="C1", name="прежний центр", scopes=["*"], after_seq=0)
        acknowledge(centre.db, 0)
        batches = 0
        while (batch := next_batch(centre.db, max_rows=10)) is not None:
            answer = apply_push(server.db, batch, site_id=me)
            assert answer.status == 200, answer.body
            assert not answer.body["alarms"] and not answer.body["conflicts"]
            acknowledge(centre.db, batch["to_seq"])
            batches += 1
        assert batches > 1
        overview = centre.month.overview()
        assert server.month.overview().last_closed == overview.last_closed
        closed = [r for r in centre.db.execute_sql("SELECT period FROM billing_period WHERE state = 'closed' "
                                                   "ORDER BY period")]
        assert closed
        for (period,) in closed[-3:]:
            from bcenter.core.period import Period

            month = Period.parse(period)
            assert server.month.balances(month) == centre.month.balances(month), period
        assert server.finance.debts(as_of=TODAY.date()) == centre.finance.debts(as_of=TODAY.date())
        numbers = [n for (n,) in centre.db.execute_sql("SELECT number FROM account ORDER BY number LIMIT 5")]
        for number in numbers:
            assert server.registry.card(number) == centre.registry.card(number)
            assert server.cash.owed(number) == centre.cash.owed(number)
    finally:
        centre.close()
        server.close()
