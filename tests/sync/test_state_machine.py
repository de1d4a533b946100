"""A hypothesis state machine over sync (issue 17): random operations at random sites — readings taken (facts),
premises and contacts edited (master data of each conflict class) — and random traffic: batches pushed, lost on the
way, answered but the answer lost, delivered twice, old ones delivered again after newer ones; pages pulled, dropped,
applied twice. After a full sync (every site pushes, then pulls, twice) every site's scoped data equals the
server's, every reading exists exactly once, and every clash was settled by its policy or waits in the queue.

The world: the centre (the example exchange document) on SQLite; the kiosk K1 (every house), the tablet T1 (house
h1) and the office O2 (house h2), each a copy of the centre with its own identity."""
from __future__ import annotations

import itertools
import shutil
import uuid
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.modules.exchange.service import import_data
from db.context import bound
from db.models import MeterReading, Person, Premises
from db.sealing import keyring
from db.uow import UnitOfWork
from sync.pull import apply_page, cursor_of, page
from sync.push import acknowledge, apply_push, next_batch
from sync.rows import read_rows
from sync.scopes import in_scope, resolve, scopes_of
from sync.server import enroll, site_info

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
SITES = {"K1": ["ref", "house:*"], "T1": ["ref", "house:h1"], "O2": ["ref", "house:h2"]}
METERS = {"K1": ["19-034518", "22-557301"], "T1": ["19-034518", "24-118207"], "O2": []}
PREMISES = {"K1": ["p1", "p2", "p5"], "T1": ["p1", "p2"], "O2": ["p5", "p6"]}
FIELDS = {"total_area": [Decimal("54.30"), Decimal("55.10"), Decimal("60.00")], "rooms": [1, 2, 3],
          "communal_flat": [False, True]}
PHONES = ["+7 900 000-00-01", "+7 900 000-00-02", "+7 900 000-00-03"]
WORLD: dict = {}


@pytest.fixture(scope="module")
def centre(tmp_path_factory, example_doc_module):
    path = tmp_path_factory.mktemp("machine") / "centre.db"
    app = App.open(f"sqlite:///{path}", create=True, clock=FixedClock(NOW))
    app.system.ensure_initialized()
    import_data(example_doc_module, db=app.db, today=NOW.date())
    app.close()
    return path


@pytest.fixture(scope="module")
def example_doc_module():
    import json

    from tests.conftest import EXAMPLE

    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


_n = itertools.count()


class Sync(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        folder = WORLD["folder"] / f"w{next(_n)}"
        folder.mkdir()
        shutil.copy(WORLD["centre"], folder / "server.db")
        self.server = App.open(f"sqlite:///{folder / 'server.db'}", clock=FixedClock(NOW))
        self.sites: dict[str, App] = {}
        for code, scopes in SITES.items():
            shutil.copy(WORLD["centre"], folder / f"{code}.db")
            app = App.open(f"sqlite:///{folder / f'{code}.db'}", clock=FixedClock(NOW))
            app.db.execute_sql("UPDATE local_setting SET value = ? WHERE key = 'site_id'", (str(uuid.uuid4()),))
            app.db.execute_sql("UPDATE local_setting SET value = ? WHERE key = 'site_code'", (code,))
            start = app.db.execute_sql("SELECT MAX(seq) FROM outbox").fetchone()[0]
            acknowledge(app.db, start)
            enroll(self.server.db, site_id=self._id(app), code=code, name=code, scopes=scopes, after_seq=start)
            top = self.server.db.execute_sql("SELECT MAX(seq) FROM outbox").fetchone()[0]
            for scope in scopes:
                apply_page(app.db, {"scope": scope, "cursor": f"0:{top}", "units": []})
            self.sites[code] = app
        self.sent: list[tuple[str, dict]] = []  # every batch sent: delivered again later, out of order
        self.readings: set[str] = set()
        self.value = itertools.count(1000)

    @staticmethod
    def _id(app: App) -> str:
        return app.db.execute_sql("SELECT value FROM local_setting WHERE key = 'site_id'").fetchone()[0]

    def teardown(self):
        for app in (self.server, *self.sites.values()):
            app.close()

    # --- what people do ---------------------------------------------------------------------------------------
    @rule(code=st.sampled_from(["K1", "T1"]), which=st.integers(0, 1))
    def take_a_reading(self, code, which):
        app = self.sites[code]
        kept = app.meters.add_reading(METERS[code][which], {"total": str(next(self.value))}, day=NOW.date(),
                                      source="inspector")
        self.readings.add(str(kept.id))

    @rule(code=st.sampled_from(list(SITES)), premises=st.integers(0, 1), field=st.sampled_from(list(FIELDS)),
          choice=st.integers(0, 2))
    def edit_premises(self, code, premises, field, choice):
        app = self.sites[code]
        values = FIELDS[field]
        with bound(app.db):
            row = Premises.get(Premises.ext_id == PREMISES[code][premises])
        with UnitOfWork(action="machine.edit", db=app.db) as uow:
            uow.update(Premises, row.id, **{field: values[choice % len(values)]})

    @rule(field=st.sampled_from(["total_area", "rooms"]), first=st.integers(0, 2), second=st.integers(0, 2))
    def two_sites_edit_the_same_field(self, field, first, second):
        """The kiosk and the tablet change the same field of p1 before either hears of the other."""
        for code, choice in (("K1", first), ("T1", second)):
            self.edit_premises(code, 0, field, choice)

    @rule(code=st.sampled_from(["K1", "T1"]), choice=st.integers(0, 2))
    def edit_a_phone(self, code, choice):
        app = self.sites[code]
        with bound(app.db):
            row = Person.get(Person.ext_id == "per1")
        with UnitOfWork(action="machine.phone", db=app.db) as uow:
            uow.update(Person, row.id, sealed=keyring().seal({"phone": PHONES[choice]}))  # sealed since issue 18

    # --- what the network does ----------------------------------------------------------------------------------
    @rule(code=st.sampled_from(list(SITES)), fate=st.sampled_from(["ok", "lost", "unanswered", "twice"]))
    def push(self, code, fate):
        app = self.sites[code]
        batch = next_batch(app.db, max_rows=2)
        if batch is None or fate == "lost":
            return
        answer = apply_push(self.server.db, batch, site_id=self._id(app))
        self.sent.append((code, batch))
        if fate == "twice":
            assert apply_push(self.server.db, batch, site_id=self._id(app)) == answer.__class__(
                answer.status, answer.body, replayed=True)
        if fate != "unanswered":
            self._heard(app, batch, answer)

    @rule(data=st.data())
    def an_old_batch_arrives_again(self, data):
        if not self.sent:
            return
        code, batch = data.draw(st.sampled_from(self.sent))
        answer = apply_push(self.server.db, batch, site_id=self._id(self.sites[code]))
        assert answer.replayed  # an old batch is never applied twice

    def _heard(self, app: App, batch: dict, answer) -> None:
        if answer.status == 200:
            acknowledge(app.db, batch["to_seq"])
        elif answer.status == 409 and answer.body.get("error") == "gap":
            acknowledge(app.db, answer.body["expected_from_seq"] - 1)
        else:
            raise AssertionError(answer.body)

    @rule(code=st.sampled_from(list(SITES)), fate=st.sampled_from(["ok", "dropped", "twice"]),
          limit=st.integers(1, 5))
    def pull(self, code, fate, limit):
        app = self.sites[code]
        for scope in SITES[code]:
            got = page(self.server.db, site_id=self._id(app), scope=scope, cursor=cursor_of(app.db, scope),
                       limit=limit)
            if fate == "dropped":
                continue
            apply_page(app.db, got)
            if fate == "twice":
                apply_page(app.db, got)

    # --- what must hold -----------------------------------------------------------------------------------------
    @invariant()
    def facts_exist_once(self):
        ids = [str(i) for (i,) in self.server.db.execute_sql("SELECT id FROM meter_reading")]
        assert len(ids) == len(set(ids))

    def full_sync(self) -> None:
        for _ in range(2):
            for app in self.sites.values():
                while (batch := next_batch(app.db)) is not None:
                    self._heard(app, batch, apply_push(self.server.db, batch, site_id=self._id(app)))
            for code, app in self.sites.items():
                for scope in SITES[code]:
                    while True:
                        got = page(self.server.db, site_id=self._id(app), scope=scope,
                                   cursor=cursor_of(app.db, scope))
                        apply_page(app.db, got)
                        if got["up_to_date"]:
                            break

    def check_converged(self) -> None:
        self.full_sync()
        server = self.server.db
        stored = {str(i) for (i,) in server.execute_sql("SELECT id FROM meter_reading")}
        assert self.readings <= stored  # every reading taken arrived (once: ids are keys)
        for code, app in self.sites.items():
            allowed = resolve(server, site_info(server, self._id(app))["scopes"])
            for model in (Premises, Person, MeterReading):
                table = model._meta.table_name
                ids = [str(i) for (i,) in server.execute_sql(f'SELECT id FROM "{table}"')]
                found = scopes_of(server, table, ids)
                mine = [i for i in ids if in_scope(found.get(i, set()), allowed)]
                assert read_rows(app.db, model, mine) == read_rows(server, model, mine), (code, table)
        open_ = self.server.sync.conflicts()
        for c in open_:  # a clash waiting keeps the centre's value: the one every site now holds
            assert c.policy == "centre" and c.state == "open"


@pytest.mark.slow
def test_random_operations_and_traffic_converge_after_a_full_sync(centre, tmp_path):
    WORLD.update(centre=centre, folder=tmp_path)

    class Checked(Sync):
        def teardown(self):
            try:
                self.check_converged()
            finally:
                super().teardown()

    run_state_machine_as_test(Checked, settings=settings(
        max_examples=30, stateful_step_count=40, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
