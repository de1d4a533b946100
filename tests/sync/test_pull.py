"""Pull (issue 17): the server's change log read by scope, page by page, with a resumable cursor — over a demo town
whose centre calculates and closes, a town-wide cash desk (K1), and the offices of two houses (O1, O2).

A cash payment taken at the kiosk reaches the centre with its postings (the centre's debt drops by it) and the office
of the payer's house, not the other house's; the centre's calculation and close reach the offices line by line and
balance by balance; a pull cut off after any page resumes where it stopped and a page applied twice changes
nothing; a cursor the server never gave is answered ``must_refetch``; a site cannot push into a house outside its
scopes. The server on SQLite and on PostgreSQL (``any_url``)."""
from __future__ import annotations

import shutil
from datetime import datetime, time
from decimal import Decimal

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.period import Period
from drivers import sim
from drivers.sim.escpos_printer import EscposModel
from drivers.sim.shtrih_kkt import ShtrihModel
from sync.pull import START, apply_page, cursor_of, dangling, page
from sync.push import acknowledge, apply_push, next_batch
from sync.server import enroll, site_info
from tests.finance.towns import TODAY, demo_town, open_town
from tests.sync.conftest import served, site_id

_n = iter(range(10 ** 6))


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pull") / "town.db"
    demo_town(path, accounts=200, seed=1).close()
    return path


class World:
    def __init__(self, server: App, sites: dict[str, App], houses: list[str]):
        self.server, self.sites, self.houses = server, sites, houses

    def push(self, code: str) -> dict:
        app = self.sites[code]
        totals = {"inserted": 0, "updated": 0, "conflicts": 0}
        while (batch := next_batch(app.db)) is not None:
            answer = apply_push(self.server.db, batch, site_id=site_id(app))
            assert answer.status == 200, answer.body
            acknowledge(app.db, batch["to_seq"])
            for key in totals:
                totals[key] += answer.body[key]
        return totals

    def pull(self, code: str, *, limit: int = 2000) -> dict:
        """Pull every scope of the site, page by page; returns the rows written by table."""
        app = self.sites[code]
        rows: dict[str, int] = {}
        for scope in _scopes(self.server, app):
            while True:
                got = page(self.server.db, site_id=site_id(app), scope=scope, cursor=cursor_of(app.db, scope),
                           limit=limit)
                for table, n in apply_page(app.db, got).items():
                    rows[table] = rows.get(table, 0) + n
                if got["up_to_date"]:
                    break
        assert dangling(app.db) == []  # every row names rows the site has
        return rows


def _scopes(server: App, app: App) -> list[str]:
    return site_info(server.db, site_id(app))["scopes"]


def _open(path, code: str) -> tuple[App, int]:
    """A site made from a copy of the centre's database, given its own identity (its ``site`` row is its first
    unit to push); returns it and the outbox's end before that."""
    app = open_town(path)
    app.db.execute_sql("DELETE FROM local_setting WHERE key IN ('site_id', 'site_code')")
    start = app.db.execute_sql("SELECT MAX(seq) FROM outbox").fetchone()[0]
    acknowledge(app.db, start)
    app.system.init(site_code=code, site_kind="kiosk" if code.startswith("K") else "office")
    return app, start


@pytest.fixture
def world(any_url, town_file, tmp_path):
    server = served(any_url, town_file, FixedClock(TODAY))
    houses = [h for (h,) in server.db.execute_sql('SELECT ext_id FROM "house" ORDER BY ext_id')]
    scopes = {"K1": ["ref", "house:*", "cashdesk:K1"], "O1": ["ref", f"house:{houses[0]}"],
              "O2": ["ref", f"house:{houses[1]}"]}
    sites = {}
    for code, wanted in scopes.items():
        path = tmp_path / f"{code}.db"
        shutil.copy(town_file, path)
        app, start = _open(path, code)
        sites[code] = app
        enroll(server.db, site_id=site_id(app), code=code, name=code, scopes=wanted, after_seq=start)
        _skip_copied(server, app, wanted)
    yield World(server, sites, houses)
    for app in (server, *sites.values()):
        _DEVICES.pop(id(app), None)
        app.close()


def _skip_copied(server: App, app: App, scopes: list[str]) -> None:
    """A site made from a copy of the centre has the centre's change log so far: its cursors start at the end."""
    (xid, seq), = server.db.execute_sql(
        "SELECT COALESCE(MAX(xid::text::bigint), 0), COALESCE(MAX(seq), 0) FROM outbox"
        if server.url.startswith("postgresql") else "SELECT 0, COALESCE(MAX(seq), 0) FROM outbox").fetchall()
    for scope in scopes:
        apply_page(app.db, {"scope": scope, "cursor": f"{xid}:{seq}", "units": []})


def _account_in(app: App, house: str) -> str:
    return app.db.execute_sql('SELECT a.number FROM "account" a JOIN "premises" p ON p.id = a.premises_id '
                              'JOIN "house" h ON h.id = p.house_id WHERE h.ext_id = ? ORDER BY a.number LIMIT 1',
                              (house,)).fetchone()[0]


def _payments(app: App) -> int:
    return app.db.execute_sql('SELECT COUNT(*) FROM "payment"').fetchone()[0]


_DEVICES: dict[int, dict] = {}


def _pay_at_kiosk(kiosk: App, number: str, amount: int) -> None:
    dev = _DEVICES.get(id(kiosk))
    if dev is None:  # the kiosk's register and printer, simulated; its shift opened once
        n = next(_n)
        dev = _DEVICES[id(kiosk)] = {
            "register": sim.register(f"pull-kkt{n}", ShtrihModel(now=lambda: TODAY.replace(tzinfo=None)))
            + "#timeout=0.05", "printer": sim.register(f"pull-printer{n}", EscposModel())}
        kiosk.cash.open(cashier="Иванова М. П.", **dev)
    done = kiosk.cash.pay(account=number, amount=amount, given=amount, **dev)
    assert done.state == "done"


def test_a_kiosk_payment_reaches_the_centre_with_its_postings_and_the_office_of_its_house(world):
    kiosk, o1, o2 = (world.sites[c] for c in ("K1", "O1", "O2"))
    number = _account_in(kiosk, world.houses[0])
    owed = kiosk.cash.owed(number).total
    assert owed == world.server.cash.owed(number).total == o1.cash.owed(number).total
    paid = owed // 2
    _pay_at_kiosk(kiosk, number, paid)
    after = kiosk.cash.owed(number).total
    assert after == owed - paid

    pushed = world.push("K1")
    assert pushed["inserted"] >= 3 and pushed["updated"] >= 1  # the shift, the payment, the operation and its edits
    assert world.server.cash.owed(number).total == after  # the postings came with the entry
    payments_o2 = _payments(o2)
    rows = world.pull("O1")
    assert rows.get("payment") == 1 and rows.get("cash_shift") == 1
    assert o1.cash.owed(number).total == after
    world.pull("O2")
    assert _payments(o2) == payments_o2  # not its house
    assert world.pull("K1").get("payment") is None  # its own rows do not come back
    assert "Иванова" in o2.db.execute_sql("SELECT cashier FROM cash_shift").fetchone()[0]  # shifts are reference


def test_the_centre_calculates_and_closes_and_the_offices_hold_the_same_lines_and_balances(world):
    server, o1, o2 = world.server, world.sites["O1"], world.sites["O2"]
    period = server.month.overview().current
    server.month.calc(period)
    server.month.close(period)
    rows = world.pull("O1", limit=50)
    assert rows.get("journal_entry", 0) > 0 and rows.get("balance_snapshot", 0) > 0
    world.pull("O2", limit=50)
    for office, house in ((o1, world.houses[0]), (o2, world.houses[1])):
        number = _account_in(office, house)
        assert office.cash.owed(number) == server.cash.owed(number)
        assert office.month.overview().last_closed == server.month.overview().last_closed == Period.parse(
            str(period))
        line = server.registry.card(number)
        assert office.registry.card(number) == line


def test_a_pull_cut_off_resumes_and_a_page_applied_twice_changes_nothing(world):
    server, kiosk, o1 = world.server, world.sites["K1"], world.sites["O1"]
    numbers = [n for (n,) in kiosk.db.execute_sql(
        'SELECT a.number FROM "account" a JOIN "premises" p ON p.id = a.premises_id JOIN "house" h ON h.id = '
        'p.house_id WHERE h.ext_id = ? ORDER BY a.number LIMIT 3', (world.houses[0],))]
    for number in numbers:
        _pay_at_kiosk(kiosk, number, 10000)
    world.push("K1")
    scope = f"house:{world.houses[0]}"
    while True:  # a page of other scopes' rows (the kiosk's own site row: ref) holds nothing; it moves the cursor
        first = page(server.db, site_id=site_id(o1), scope=scope, cursor=cursor_of(o1.db, scope), limit=1)
        assert not first["up_to_date"]
        apply_page(o1.db, first)
        if first["units"]:
            break  # one page of the house applied, then the line dropped
    assert cursor_of(o1.db, scope) == first["cursor"]
    again = page(server.db, site_id=site_id(o1), scope=scope, cursor=cursor_of(o1.db, scope), limit=1)
    before = _state(o1)
    apply_page(o1.db, again)
    applied_once = _state(o1)
    apply_page(o1.db, again)  # the same page again (an answer lost, the request repeated)
    assert _state(o1) == applied_once and applied_once != before
    world.pull("O1", limit=1)
    for number in numbers:
        assert o1.cash.owed(number) == server.cash.owed(number) == kiosk.cash.owed(number)


def _state(app: App) -> tuple:
    return tuple(app.db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                 for t in ("payment", "cash_operation", "cash_shift", "journal_entry", "posting"))


def test_a_page_of_another_schema_is_refused_with_nothing_applied(world):
    from sync.pull import SchemaMismatch

    o1 = world.sites["O1"]
    got = page(world.server.db, site_id=site_id(o1), scope="ref", cursor=START)
    before = cursor_of(o1.db, "ref")
    with pytest.raises(SchemaMismatch, match="обновите bcenter на площадке"):
        apply_page(o1.db, {**got, "schema_version": got["schema_version"] + 1})
    assert cursor_of(o1.db, "ref") == before


def test_a_cursor_the_server_never_gave_starts_the_scope_over(world):
    o1 = world.sites["O1"]
    for bad in ("0:999999999", "garbage", "-1:5"):
        got = page(world.server.db, site_id=site_id(o1), scope="ref", cursor=bad)
        assert got["must_refetch"] and got["cursor"] == START and not got["units"]
    apply_page(o1.db, page(world.server.db, site_id=site_id(o1), scope="ref", cursor="garbage"))
    assert cursor_of(o1.db, "ref") == START


def test_a_site_cannot_push_into_a_house_outside_its_scopes_nor_pull_another_scope(world):
    from sync.errors import Refused

    o2 = world.sites["O2"]
    before = _payments(world.server)
    serial = o2.db.execute_sql('SELECT m.serial FROM "meter" m JOIN "premises" p ON p.id = m.premises_id JOIN '
                               '"house" h ON h.id = p.house_id WHERE h.ext_id = ? AND m.zones = 1 AND m.removed IS NULL LIMIT 1',
                               (world.houses[0],)).fetchone()[0]
    o2.meters.add_reading(serial, {"total": "99999"}, day=TODAY.date(), source="inspector")
    readings = world.server.db.execute_sql('SELECT COUNT(*) FROM "meter_reading"').fetchone()[0]
    answer = apply_push(world.server.db, next_batch(o2.db), site_id=site_id(o2))
    (parked,) = answer.body["parked"]  # the unit is refused and kept at the server; the batch is answered
    assert parked["status"] == 403 and parked["error"] == "out_of_scope"
    assert parked["table"] == "meter_reading"
    assert world.server.db.execute_sql('SELECT COUNT(*) FROM "meter_reading"').fetchone()[0] == readings
    assert _payments(world.server) == before
    with pytest.raises(Refused) as refused:
        page(world.server.db, site_id=site_id(o2), scope=f"house:{world.houses[0]}", cursor=START)
    assert refused.value.status == 403 and refused.value.body["error"] == "scope_not_enrolled"


def _paid(report, number: str) -> int:
    return sum(r.paid for r in report.rows if r.account == number)


def test_a_payment_dated_in_a_closed_month_keeps_its_date_and_posts_to_the_open_one(world):
    """A kiosk offline since a month the centre has closed meanwhile: its payment keeps its date and lands in the
    open month — the closed month's balances do not move."""
    server, kiosk = world.server, world.sites["K1"]
    overview = server.month.overview()
    closed, current = overview.last_closed, overview.current
    number = _account_in(kiosk, world.houses[0])
    frozen = server.month.balances(closed)
    paid_before = _paid(server.month.balances(current), number)
    day = datetime.combine(closed.last_day, time(12), tzinfo=TODAY.tzinfo)
    late = App.open(kiosk.url, clock=FixedClock(day))
    try:
        _pay_at_kiosk(late, number, 10000)
    finally:
        _DEVICES.pop(id(late), None)
        late.close()
    world.push("K1")
    (paid_on,) = [on for on, ext in server.db.execute_sql('SELECT paid_on, ext_id FROM "payment"').fetchall()
                  if str(ext).startswith("cash:")]
    assert str(paid_on)[:10] == closed.last_day.isoformat()  # its own date
    assert server.month.balances(closed) == frozen  # the closed month does not move
    assert _paid(server.month.balances(current), number) == paid_before + 10000  # posted to the open month


def test_a_late_reading_of_a_closed_month_becomes_a_recalculation_at_the_centre(world):
    server, office = world.server, world.sites["O1"]
    overview = server.month.overview()
    closed, current = overview.last_closed, overview.current
    day = closed.last_day
    meter, total = office.db.execute_sql(
        'SELECT m.serial, r.total FROM "meter" m JOIN "premises" p ON p.id = m.premises_id JOIN "house" h ON h.id '
        '= p.house_id JOIN "meter_reading" r ON r.meter_id = m.id WHERE h.ext_id = ? AND m.zones = 1 AND '
        "m.removed IS NULL AND m.resource = 'cold_water' AND r.date <= ? ORDER BY r.date DESC LIMIT 1",
        (world.houses[0], day.isoformat())).fetchone()
    kept = office.meters.add_reading(meter, {"total": str(Decimal(total) + 2)}, day=day, source="inspector")
    assert kept.status == "accepted", kept.verdicts
    world.push("O1")
    result = server.month.calc(current)
    assert str(closed) in result.recalculated_periods  # the closed month corrected in the open one
    world.pull("O1")
    number = _account_in(office, world.houses[0])
    assert office.cash.owed(number) == server.cash.owed(number)


def test_a_tariff_set_at_the_centre_reaches_every_site(world):
    server, office = world.server, world.sites["O2"]
    code = next(c for c, title in server.registry.records("tariff") if " по " not in title)  # the one in force
    made = server.registry.new_rate("tariff", code, start="2027-01-01", value="123.45")
    world.pull("O2")
    assert office.registry.record("tariff", made.code) == made


def test_a_shift_is_the_kiosks_own_its_close_is_taken_over_a_centre_edit(world):
    """The class ``owner``: a cash desk's shift is written by the desk — a centre's edit of the same field meets the
    desk's close and the desk's value is taken, nothing queued."""
    server, kiosk = world.server, world.sites["K1"]
    number = _account_in(kiosk, world.houses[0])
    _pay_at_kiosk(kiosk, number, 10000)
    world.push("K1")
    from db.context import bound
    from db.models import CashShift
    from db.uow import UnitOfWork
    from sync.rows import key_text

    shift_id = key_text(kiosk.db.execute_sql('SELECT id FROM "cash_shift"').fetchone()[0])
    with UnitOfWork(action="test.centre", db=server.db) as uow:
        uow.update(CashShift, shift_id, counted=1)
    kiosk.cash.close(counted=10000, **_DEVICES[id(kiosk)])
    pushed = world.push("K1")
    assert pushed["conflicts"] == 0
    with bound(server.db):
        assert CashShift.get_by_id(shift_id).counted == 10000
    assert server.sync.conflicts(open_only=False) == []  # the owner's value, by rule: nothing to keep
