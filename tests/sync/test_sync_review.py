"""What an adversarial review of sync found (each test failed before its fix): a site may not edit or delete the
centre's facts, nor write reference data, users or another desk's shift, nor move a row out of its scopes; a site
restored from a backup loses none of its new readings and gets back what it had pushed; a clock far ahead never
stops a database; a pushed amount is whole kopecks; a reader's tablet never holds the town's unmatched bank lines.
Kiosk K1 (``ref, house:*, cashdesk:K1``) and tablet T1 (``ref, house:h1``); the server on SQLite and PostgreSQL."""
from __future__ import annotations

from db.backup import backup_sqlite, restore_sqlite
from db.context import bound
from db.models import Account, AppUser, CashShift, Meter, MeterReading, Payment, Premises, UserRole
from db.uow import UnitOfWork
from sync.pull import apply_page, cursor_of, page, restored
from sync.push import acknowledge, apply_push, follow_gap, next_batch, pushed_to
from tests.sync.conftest import DAY, site_id
from tests.sync.conftest import pull_in_process as _pull
from tests.sync.conftest import push_in_process as _push_all
from tests.sync.conftest import read as _read


def _refusal(answers) -> dict | None:
    """What the server refused first: a unit it parked (the batch's other units applied), or a refused batch."""
    for answer in answers:
        if answer.status != 200:
            return {"status": answer.status, **answer.body}
        if answer.body.get("parked"):
            return answer.body["parked"][0]
    return None


def _payment(app, ext="pay1"):
    with bound(app.db):
        p = Payment.get(Payment.ext_id == ext)
        return str(p.id), p.amount


def _totals(app) -> set[str]:
    return {str(t) for (t,) in app.db.execute_sql("SELECT total FROM meter_reading").fetchall()}


# facts ------------------------------------------------------------------------------------------------------------
def test_a_payment_edited_at_a_site_keeps_its_amount_at_the_centre(server, sites):
    kiosk, _ = sites
    pid, amount = _payment(server)
    with UnitOfWork(action="local.fix", db=kiosk.db) as uow:
        uow.update(Payment, pid, amount=1)  # 6543.65 ₽ becomes 0.01 ₽
    answers = _push_all(server, kiosk)
    assert _payment(server)[1] == amount
    assert _refusal(answers)["status"] == 422 and _refusal(answers)["error"] == "fact_immutable"
    assert (_refusal(answers)["table"], _refusal(answers)["column"]) == ("payment", "amount")
    assert "факт" in _refusal(answers)["detail"]


def test_a_payment_deleted_at_a_site_stays_at_the_centre(server, sites):
    kiosk, _ = sites
    pid, _ = _payment(server, "pay6")
    with UnitOfWork(action="local.fix", db=kiosk.db) as uow:
        uow.delete_rows(Payment, [pid])
    answers = _push_all(server, kiosk)
    with bound(server.db):
        assert Payment.get_or_none(Payment.id == pid) is not None
    refused = _refusal(answers)
    assert (refused["status"], refused["error"], refused["table"]) == (422, "fact_immutable", "payment")


def test_a_reading_confirmed_at_a_site_is_confirmed_at_the_centre(server, sites):
    """A fact's lifecycle column (a reading's status) still travels: the application moves it itself."""
    _, tablet = sites
    _read(tablet, "19-034518", "140")
    assert all(a.status == 200 for a in _push_all(server, tablet))
    with bound(tablet.db):
        reading = str(MeterReading.select().where(MeterReading.total == "140").get().id)
    with UnitOfWork(action="meters.confirm", db=tablet.db) as uow:
        uow.update(MeterReading, reading, status="confirmed", checks={"decision": {"by": "Иванова"}})
    assert all(a.status == 200 for a in _push_all(server, tablet))
    with bound(server.db):
        assert MeterReading.get_by_id(reading).status == "confirmed"


# who writes what ---------------------------------------------------------------------------------------------------
def test_a_tablet_cannot_create_an_administrator_for_the_whole_network(server, sites):
    _, tablet = sites
    with UnitOfWork(action="rogue", db=tablet.db) as uow:
        uid = uow.insert(AppUser, login="mallory", full_name="M", password_hash="x", active=True)
        uow.insert(UserRole, user=uid, role="administrator")
    answers = _push_all(server, tablet)
    with bound(server.db):
        made = AppUser.select().where(AppUser.login == "mallory").exists()
    assert not made
    assert (_refusal(answers)["status"], _refusal(answers)["error"]) == (403, "ref_read_only")
    assert "только в центре" in _refusal(answers)["detail"]


def test_a_site_cannot_rewrite_the_towns_reference_data(server, sites):
    kiosk, _ = sites
    from db.models import Supplier

    with bound(kiosk.db):
        supplier = str(Supplier.select().order_by(Supplier.id).get().id)
    with UnitOfWork(action="rogue", db=kiosk.db) as uow:
        uow.update(Supplier, supplier, name="ООО «Рога и копыта»")
    answers = _push_all(server, kiosk)
    with bound(server.db):
        assert Supplier.get_by_id(supplier).name != "ООО «Рога и копыта»"
    assert (_refusal(answers)["status"], _refusal(answers)["error"]) == (403, "ref_read_only")


def test_only_the_desk_that_owns_a_shift_may_rewrite_it(server, sites):
    kiosk, tablet = sites
    with UnitOfWork(action="test.shift", db=kiosk.db) as uow:
        shift = uow.insert(CashShift, site_code="K1", number=1, cashier="Иванова", opened_at="2026-11-25T09:00:00",
                           counted=None, expected=None)
    with UnitOfWork(action="test.close", db=kiosk.db) as uow:
        uow.update(CashShift, shift, closed_at="2026-11-25T18:00:00", counted=500000, expected=500000)
    assert all(a.status == 200 for a in _push_all(server, kiosk))
    with UnitOfWork(action="test.copy", db=tablet.db, outbox=False) as uow:  # the tablet has it by pull (ref)
        uow.insert(CashShift, id=shift, site_code="K1", number=1, cashier="Иванова", opened_at="2026-11-25T09:00:00",
                   closed_at="2026-11-25T18:00:00", counted=500000, expected=500000)
    with UnitOfWork(action="test.rogue", db=tablet.db) as uow:
        uow.update(CashShift, shift, counted=0, expected=0)
    answers = _push_all(server, tablet)
    with bound(server.db):
        row = CashShift.get_by_id(shift)
    assert (row.counted, row.expected) == (500000, 500000)
    assert _refusal(answers)["status"] == 403


def test_an_edit_cannot_move_a_meter_into_a_house_outside_the_sites_scopes(server, sites):
    _, tablet = sites
    with bound(tablet.db):
        meter = str(Meter.get(Meter.serial == "19-034518").id)
        p5 = str(Premises.get(Premises.ext_id == "p5").id)  # house h2
    with UnitOfWork(action="registry.edit", db=tablet.db) as uow:
        uow.update(Meter, meter, premises=p5)
    answers = _push_all(server, tablet)
    with bound(server.db):
        moved = str(Meter.get_by_id(meter).premises_id) == p5
    assert not moved and (_refusal(answers)["status"], _refusal(answers)["error"]) == (403, "out_of_scope")


def test_one_refused_unit_does_not_block_the_sites_later_readings(server, sites):
    _, tablet = sites  # scopes ref + house:h1
    with bound(tablet.db):
        p5 = str(Premises.get(Premises.ext_id == "p5").id)  # a flat of house h2
    with UnitOfWork(action="registry.edit", db=tablet.db) as uow:
        uow.update(Premises, p5, floor=9)
    _read(tablet, "19-034518", "140")  # a legitimate reading of house h1, after it
    answers = _push_all(server, tablet)
    assert [a.status for a in answers] == [200]
    refused = _refusal(answers)
    assert (refused["status"], refused["error"], refused["table"]) == (403, "out_of_scope", "premises")
    assert "140" in _totals(server)  # the reading is in
    with bound(server.db):
        assert Premises.get_by_id(p5).floor != 9  # the refused edit is not
    kept = server.db.execute_sql("SELECT table_name, fields FROM sync_alarm").fetchall()
    assert kept == [("premises", "parked:out_of_scope")]  # kept at the server for a person
    assert next_batch(tablet.db) is None and _push_all(server, tablet) == []  # nothing blocks the next run


# a site restored from a backup -------------------------------------------------------------------------------------
def test_a_reading_taken_after_a_restore_from_backup_reaches_the_centre(server, sites, tmp_path):
    _, tablet = sites
    backup = tmp_path / "night.db"
    backup_sqlite(tablet.db, backup)
    _read(tablet, "19-034518", "140")
    _read(tablet, "19-034518", "150")
    assert all(a.status == 200 for a in _push_all(server, tablet))
    restore_sqlite(tablet.db, backup)  # the disk died; last night's copy put back
    _read(tablet, "19-034518", "160")  # a new reading, after the restore
    answers = _push_all(server, tablet)
    assert answers and _refusal(answers) is None
    assert {"140", "150", "160"} <= _totals(server)
    assert restored(tablet.db)
    _pull(server, tablet)  # what it had pushed before the disk died comes back
    assert {"140", "150", "160"} <= _totals(tablet) and not restored(tablet.db)


def test_a_site_never_skips_its_unsent_units_on_the_servers_word(server, sites):
    _, tablet = sites
    _read(tablet, "19-034518", "140")
    mark = pushed_to(tablet.db)
    assert not follow_gap(tablet.db, {"error": "gap", "expected_from_seq": mark + 5})  # forward: refused
    assert pushed_to(tablet.db) == mark
    assert follow_gap(tablet.db, {"error": "gap", "expected_from_seq": mark - 1})  # back: the server lost some
    assert pushed_to(tablet.db) == mark - 2
    acknowledge(tablet.db, mark)
    assert all(a.status == 200 for a in _push_all(server, tablet))
    assert "140" in _totals(server)


def test_a_site_pulling_from_a_server_restored_from_backup_misses_nothing(server, sites, tmp_path):
    from db.models import Organization, Supplier

    _, tablet = sites
    if not server.url.startswith("sqlite"):
        return  # the same on PostgreSQL (a restored dump renumbers the outbox alike); this uses the SQLite restore
    with bound(server.db):
        supplier = str(Supplier.select().order_by(Supplier.id).get().id)
        organization = str(Organization.select().get().id)
    _pull(server, tablet, ["ref"])
    backup_sqlite(server.db, tmp_path / "server-night.db")
    for n in range(3):
        with UnitOfWork(action="centre.edit", db=server.db) as uow:
            uow.update(Organization, organization, phone=f"+7 000 000-00-0{n}")
    _pull(server, tablet, ["ref"])
    restore_sqlite(server.db, tmp_path / "server-night.db")  # the centre's disk died: last night's copy
    with UnitOfWork(action="centre.edit", db=server.db) as uow:
        uow.update(Supplier, supplier, name="Водоканал (новое имя)")
    for n in range(3):
        with UnitOfWork(action="centre.edit", db=server.db) as uow:
            uow.update(Organization, organization, phone=f"+7 111 111-11-1{n}")
    got = page(server.db, site_id=site_id(tablet), scope="ref", cursor=cursor_of(tablet.db, "ref"))
    assert got["must_refetch"]  # the row at the tablet's cursor is another one now
    apply_page(tablet.db, got)
    _pull(server, tablet, ["ref"])
    with bound(tablet.db):
        assert Supplier.get_by_id(supplier).name == "Водоканал (новое имя)"
        assert Organization.get_by_id(organization).phone == "+7 111 111-11-12"


def test_two_sites_reading_one_meter_on_one_day_leave_one_counted_value_and_a_question(server, sites):
    kiosk, tablet = sites
    _read(tablet, "24-118207", "16.5")  # both above the meter's last counted reading (11.874)
    _read(kiosk, "24-118207", "61.5")
    for site in (tablet, kiosk):
        assert all(a.status == 200 for a in _push_all(server, site))
    sql = ("SELECT r.total, r.status FROM meter_reading r JOIN meter m ON m.id = r.meter_id "
           "WHERE m.serial = '24-118207' AND r.date = ? ORDER BY r.total")
    mark = "%s" if not server.url.startswith("sqlite") else "?"
    at_centre = server.db.execute_sql(sql.replace("?", mark), (DAY.isoformat(),)).fetchall()
    assert [(str(total), status) for total, status in at_centre] == [("16.5", "accepted"), ("61.5", "unconfirmed")]
    _pull(server, kiosk)  # the kiosk learns its reading waits for a person
    assert kiosk.db.execute_sql(sql, (DAY.isoformat(),)).fetchall() == [("16.5", "accepted"), ("61.5", "unconfirmed")]
    with bound(server.db):
        held = MeterReading.get(MeterReading.total == "61.5")
    assert held.checks["verdicts"][-1][0] == "same_day_other_site"


# data pushed -------------------------------------------------------------------------------------------------------
def test_a_pushed_amount_that_is_not_whole_kopecks_is_refused(server, sites):
    _, tablet = sites
    with bound(tablet.db):
        account = str(Account.select().where(Account.ext_id == "acc1").get().id)
    with UnitOfWork(action="test.pay", db=tablet.db) as uow:
        uow.insert(Payment, account=account, amount=10050, paid_on=DAY, channel="cash")
    batch = next_batch(tablet.db)
    batch["units"][0]["ops"][0]["rows"][0]["amount"] = 100.5
    answer = apply_push(server.db, batch, site_id=site_id(tablet))
    (refused,) = answer.body["parked"]
    assert (refused["status"], refused["error"], refused["column"]) == (422, "bad_value", "amount")
    assert "копе" in refused["detail"]
    if server.url.startswith("sqlite"):
        assert server.db.execute_sql("SELECT DISTINCT typeof(amount) FROM payment").fetchall() == [("integer",)]


def test_a_shift_closed_with_a_fraction_of_a_kopeck_is_refused_by_column(server, sites):
    kiosk, _ = sites
    with UnitOfWork(action="test.shift", db=kiosk.db) as uow:
        shift = uow.insert(CashShift, site_code="K1", number=1, cashier="Иванова", opened_at="2026-11-25T09:00:00")
    assert all(a.status == 200 for a in _push_all(server, kiosk))
    with UnitOfWork(action="test.close", db=kiosk.db) as uow:
        uow.update(CashShift, shift, closed_at="2026-11-25T18:00:00", counted=500000)
    batch = next_batch(kiosk.db)
    batch["units"][0]["ops"][0]["rows"][0]["after"]["counted"] = 5000.5
    answer = apply_push(server.db, batch, site_id=site_id(kiosk))
    (refused,) = answer.body["parked"]
    assert (refused["status"], refused["error"], refused["table"], refused["column"]) == (
        422, "bad_value", "cash_shift", "counted")
    with bound(server.db):
        assert CashShift.get_by_id(shift).counted is None


def test_a_readers_tablet_does_not_pull_the_towns_unmatched_bank_lines_an_office_does(server, sites, centre_file,
                                                                                     tmp_path):
    from db.models import SuspensePayment
    from tests.sync.conftest import _site

    kiosk, tablet = sites
    office = _site(centre_file, tmp_path, "O2", server)  # scopes ref, finance, house:h2
    with UnitOfWork(action="finance.import", db=server.db) as uow:
        uow.insert(SuspensePayment, raw="9999999;Петров Пётр Петрович;ул. Другая, 5-12;1500,00", amount=150000,
                   paid_on=DAY, reason="счёт не найден", account_number="9999999")
    try:
        for site in (kiosk, tablet, office):
            _pull(server, site)
        held = {s: s.db.execute_sql("SELECT COUNT(*) FROM suspense_payment WHERE raw LIKE '%Петров%'").fetchone()[0]
                for s in (kiosk, tablet, office)}
        assert (held[kiosk], held[tablet], held[office]) == (0, 0, 1)  # the payer's name: the office only
    finally:
        office.close()


# the hybrid clock --------------------------------------------------------------------------------------------------
def test_a_clock_ahead_somewhere_does_not_stop_a_site_after_100000_units(server, sites):
    import db.hlc as hlc

    _, tablet = sites
    ahead = hlc.stamp(hlc.wall_ms() + 86_400_000, 0, "K1")  # a kiosk a day ahead, seen via a pull
    assert not hlc.observe(tablet.db, ahead)  # believed an hour ahead only
    assert hlc.parse(hlc.last_stamp(tablet.db))[0] <= hlc.wall_ms() + hlc.MAX_AHEAD
    with tablet.db.atomic():
        stamps = [hlc.tick(tablet.db) for _ in range(100_001)]  # before this database's own clock catches up
    assert all(hlc.later(b, a) for a, b in zip(stamps[-3:], stamps[-2:]))
    assert len(stamps[-1]) == len(stamps[0])  # the text older sites read: five digits of counter
    _read(tablet, "19-034518", "140")  # the next unit of work is written
    assert all(a.status == 200 for a in _push_all(server, tablet))
    assert "140" in _totals(server)


def test_a_pushed_unit_stamped_a_day_ahead_raises_an_alarm_and_does_not_drag_the_centres_clock(server, sites):
    import db.hlc as hlc

    _, tablet = sites
    _read(tablet, "19-034518", "140")
    batch = next_batch(tablet.db)
    batch["units"][0]["hlc"] = hlc.stamp(hlc.wall_ms() + 86_400_000, 0, "T1")
    answer = apply_push(server.db, batch, site_id=site_id(tablet))
    assert answer.status == 200 and answer.body["inserted"] == 1  # the reading is taken all the same
    assert [a["result"] for a in answer.body["alarms"]] == ["clock_ahead"]
    with UnitOfWork(action="centre.edit", db=server.db) as uow:
        made = uow.clock()
    assert hlc.parse(made)[0] <= hlc.wall_ms() + hlc.MAX_AHEAD
    assert server.db.execute_sql("SELECT table_name FROM sync_alarm").fetchall() == [("hlc",)]


def test_stamps_are_compared_by_their_parts_not_their_text():
    import db.hlc as hlc

    wide = "0001764950400000-100000-K1"  # a counter an older release let overflow: read, and moved on from
    assert hlc.parse(wide) == (1764950400000, 100000, "K1")
    assert hlc.later(wide, "0001764950400000-99999-K1")
    assert hlc.later("0001764950400001-00000-A", "0001764950400000-99999-Z")
    assert not hlc.later("", "0001764950400000-00000-K1") and hlc.later("0001764950400000-00000-K1", "")


# LOW ----------------------------------------------------------------------------------------------------------------
def test_a_proxys_html_page_stops_the_push_with_a_reason_not_a_crash(sites):
    import httpx

    from sync.client import pull_all, push_all

    _, tablet = sites
    _read(tablet, "24-118207", "16.5")
    page_413 = httpx.MockTransport(lambda request: httpx.Response(
        413, text="<html><body><h1>413 Request Entity Too Large</h1>nginx</body></html>"))
    with httpx.Client(transport=page_413) as client:
        report = push_all(tablet.db, url="http://proxy", site_id=site_id(tablet), secret="s" * 40, client=client)
        pulled = pull_all(tablet.db, url="http://proxy", site_id=site_id(tablet), secret="s" * 40, client=client)
    assert report.error["status"] == 413 and report.error["error"] == "not_json"
    assert "413 Request Entity Too Large" in report.error["detail"]
    assert pulled.error["error"] == "not_json"
    assert next_batch(tablet.db) is not None  # the reading still waits in the outbox


def test_an_entry_pushed_again_with_other_postings_raises_an_alarm(server, sites):
    import copy

    from bcenter.core.ids import uuid7
    from db.models import JournalEntry, Posting

    kiosk, _ = sites
    with bound(kiosk.db):
        account = str(Account.select().where(Account.ext_id == "acc1").get().id)
    entry = uuid7()
    with UnitOfWork(action="test.entry", db=kiosk.db) as uow:
        uow.insert_rows(JournalEntry, ("id", "kind", "period", "business_date", "posted_at", "account_id"),
                        [(entry, "PAYMENT", "2026-11", DAY, "2026-11-25T12:00:00", account)])
        uow.insert_rows(Posting, ("entry_id", "ledger_account", "account_id", "amount"),
                        [(entry, "cash", account, 10000), (entry, "receivable", account, -10000)])
    batch = next_batch(kiosk.db)
    first = apply_push(server.db, batch, site_id=site_id(kiosk))
    assert first.status == 200 and first.body["inserted"] == 1
    acknowledge(kiosk.db, batch["to_seq"])
    forged = copy.deepcopy(batch)
    forged["batch_id"], forged["from_seq"] = "forged", batch["to_seq"] + 1
    (op,) = [o for o in forged["units"][0]["ops"] if o["table"] == "journal_entry"]
    for posting in op["parts"]["posting"]:
        posting["amount"] = 100 if posting["amount"] > 0 else -100  # 100 ₽ become 1 ₽, the entry row the same
    answer = apply_push(server.db, forged, site_id=site_id(kiosk))
    assert answer.body["alarms"] == [{"table": "journal_entry", "id": entry, "result": "exists_with_different_parts"}]
    mark = "?" if server.url.startswith("sqlite") else "%s"
    kept = server.db.execute_sql(f"SELECT SUM(ABS(amount)) FROM posting p JOIN journal_entry e ON e.id = p.entry_id "
                                 f"WHERE e.kind = {mark}", ("PAYMENT",)).fetchone()[0]
    assert kept == 20000  # never overwritten


def test_joining_a_server_on_another_computer_over_plain_http_is_refused_unless_asked(sites):
    import pytest

    from bcenter.core.errors import UsageError

    kiosk, _ = sites
    with pytest.raises(UsageError, match="открытым текстом"):
        kiosk.sync.join(server="http://192.168.1.10:8600", secret="s" * 43)
    assert not kiosk.sync.status().joined
    assert kiosk.sync.join(server="https://centre.example:8600", secret="s" * 43).joined
    assert kiosk.sync.join(server="http://127.0.0.1:8600", secret="s" * 43).joined  # this computer
    assert kiosk.sync.join(server="http://192.168.1.10:8600", secret="s" * 43, insecure_http=True).joined

