"""The sync suites' world: a centre's database (the example exchange document), a server made from it — on
SQLite and on PostgreSQL (``any_url``) — and two SQLite sites sharing its registry (as they will after a pull), each
with its own identity and its push chain started at the server."""
from __future__ import annotations

import shutil
import uuid
from datetime import date, datetime, timezone

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.modules.exchange.service import import_data
from db.connection import make_database
from sync.push import acknowledge
from sync.server import enroll

DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)


def site_id(app: App) -> str:
    return app.db.execute_sql("SELECT value FROM local_setting WHERE key = 'site_id'").fetchone()[0]


def push_in_process(server: App, site: App) -> list:
    """Push every batch of ``site`` to ``server`` as ``sync.client.push_all`` does, without HTTP; returns the answers
    (stops at a refusal; a gap is followed as the client follows it)."""
    from sync.push import apply_push, follow_gap, next_batch

    answers = []
    while (batch := next_batch(site.db)) is not None:
        answer = apply_push(server.db, batch, site_id=site_id(site))
        answers.append(answer)
        if answer.status == 409 and answer.body.get("error") == "gap" and len(answers) < 5:
            if follow_gap(site.db, answer.body):
                continue
        if answer.status != 200:
            break
        acknowledge(site.db, batch["to_seq"])
    return answers


def pull_in_process(server: App, site: App, scopes=None) -> None:
    """Pull as ``sync.client.pull_all`` does, without HTTP (a restored site asks for its own rows too, until a pull
    completes)."""
    from sync.pull import apply_page, caught_up, cursor_of, page, restored
    from sync.server import site_info

    own = restored(site.db)
    for scope in scopes or site_info(server.db, site_id(site))["scopes"]:
        while True:
            got = page(server.db, site_id=site_id(site), scope=scope, cursor=cursor_of(site.db, scope), own=own)
            apply_page(site.db, got)
            if got["up_to_date"]:
                break
    if own:
        caught_up(site.db)


def readings(app: App) -> int:
    return app.db.execute_sql("SELECT COUNT(*) FROM meter_reading").fetchone()[0]


def read(app: App, serial: str, value: str) -> None:
    app.meters.add_reading(serial, {"total": value}, day=DAY, source="inspector")


@pytest.fixture
def centre_file(tmp_path, example_doc):
    path = tmp_path / "centre.db"
    app = App.open(f"sqlite:///{path}", create=True, clock=FixedClock(NOW))
    app.system.ensure_initialized()
    import_data(example_doc, db=app.db, today=DAY)
    app.close()
    return path


SCOPES = {"K1": ["ref", "house:*", "cashdesk:K1"], "T1": ["ref", "house:h1"], "O2": ["ref", "finance", "house:h2"]}
"""The sites' scopes: a town-wide cash desk, a tablet in house h1, an office of house h2 (with the bank lines no
account matched: ``finance``)."""


def _site(centre_file, tmp_path, code: str, server: App) -> App:
    """A site: the centre's registry (same ids), its own identity, nothing of the centre's outbox to push — enrolled
    at the server from there, with the scopes of ``SCOPES``."""
    path = tmp_path / f"{code}.db"
    shutil.copy(centre_file, path)
    app = App.open(f"sqlite:///{path}", clock=FixedClock(NOW))
    app.db.execute_sql("UPDATE local_setting SET value = ? WHERE key = 'site_id'", (str(uuid.uuid4()),))
    app.db.execute_sql("UPDATE local_setting SET value = ? WHERE key = 'site_code'", (code,))
    start = app.db.execute_sql("SELECT MAX(seq) FROM outbox").fetchone()[0]
    acknowledge(app.db, start)
    enroll(server.db, site_id=site_id(app), code=code, name=code, scopes=SCOPES[code], after_seq=start)
    return app


def served(url: str, source, clock) -> App:
    """The server at ``url`` (an empty SQLite file's or PostgreSQL schema's address) holding a copy of the SQLite
    database ``source``."""
    if url.startswith("postgresql"):
        from db.transfer import copy_sqlite_to_postgres

        db = make_database(url)
        db.connect()
        copy_sqlite_to_postgres(source, db)
        db.close()
    else:
        shutil.copy(source, url.removeprefix("sqlite:///"))
    return App.open(url, clock=clock)


@pytest.fixture
def server(any_url, centre_file):
    app = served(any_url, centre_file, FixedClock(NOW))
    yield app
    app.close()


@pytest.fixture
def sites(centre_file, tmp_path, server):
    made = [_site(centre_file, tmp_path, code, server) for code in ("K1", "T1")]
    yield made
    for app in made:
        app.close()
