"""A meter's life (issue 15): each dated fact is one the month follows — a replacement (the month of it closed by the
old meter's final reading, the new meter's average continuing the old one's history), a fault (out of order from
the next month until a verification), a verification (the latest made before a month ends, not one made later);
a seal is kept and shown. On a demo town through ``bcenter.app`` and the CLI; the engine's part as pure tests."""
from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date
from decimal import Decimal

import pytest

from bcenter.cli import main
from bcenter.core.errors import UsageError
from bcenter.core.period import Period
from bcenter.engine.readings import MeterFacts, Reading, meter_state, monthly_history
from bcenter.modules.registry.basis import BasisReader
from tests.finance.towns import OPEN as CLOSED, demo_town, open_town

OPEN = CLOSED + 1
D = Decimal


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """The demo's October closed; November open, its house meters read, no individual reading yet."""
    return _town(tmp_path_factory.mktemp("life") / "town.db")


@pytest.fixture(scope="module")
def calculated_town(tmp_path_factory):
    """A town like ``town`` of its own, its November calculated (nothing of it changed by another test)."""
    path = _town(tmp_path_factory.mktemp("life-calculated") / "town.db")
    app = open_town(path)
    try:
        app.month.calc(OPEN, workers=1)
    finally:
        app.close()
    return path


def _town(path):
    app = demo_town(path, accounts=40, seed=11)
    try:
        app.month.close(CLOSED, workers=1)
    finally:
        app.close()
    with sqlite3.connect(path) as conn:
        for mid, total in conn.execute(
                "SELECT r.meter_id, r.total FROM house_reading r WHERE r.date = (SELECT MAX(x.date) FROM house_reading x "
                "WHERE x.meter_id = r.meter_id)").fetchall():
            conn.execute("INSERT INTO house_reading (id, meter_id, date, source, total) VALUES (?, ?, ?, 'inspector', ?)",
                         (str(uuid.uuid4()), mid, "2026-11-25", str(D(total) + 150)))
    return path


def _cold_meters(path, count: int) -> list[tuple[str, str, str]]:
    """(serial, account, last value) of single-zone cold-water meters, one account per premises."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT m.serial, a.number, (SELECT r.total FROM meter_reading r WHERE r.meter_id = m.id ORDER BY r.date DESC "
            "LIMIT 1) FROM meter m JOIN account a ON a.premises_id = m.premises_id WHERE m.kind = 'individual' AND "
            "m.resource = 'cold_water' AND m.zones = 1 AND m.removed IS NULL AND (SELECT COUNT(*) FROM meter_reading r "
            "WHERE r.meter_id = m.id) >= 8 AND (SELECT COUNT(*) FROM account x WHERE x.premises_id = m.premises_id) = 1 "
            "ORDER BY m.serial LIMIT ?", (count,)).fetchall()


def _cold(app, account: str, period: Period):
    return [ln for ln in app.month.explain(period, account=account).lines
            if "холодн" in ln.service.lower() and ln.method in ("meter", "average", "norm", "norm_k")]


def test_a_replacement_month_and_the_average_after_it(town, capsys):
    (serial, account, last), = _cold_meters(town, 1)
    app = open_town(town)
    try:
        new = app.meters.replace(serial, final=str(D(last) + 3), serial="ЗАМ-0001", digits=5, initial="0,5",
                                 valid_until=date(2032, 11, 19), day=date(2026, 11, 20))
        assert new.serial == "ЗАМ-0001" and new.installed == date(2026, 11, 20) and new.initial == {"total": D("0.5")}
        with pytest.raises(UsageError, match="уже снят"):
            app.meters.remove(serial, final=str(D(last) + 4))
        with pytest.raises(UsageError, match="уже стоит на учёте"):
            app.meters.install(account=account, resource="cold_water", serial="ЗАМ-0001", digits=5, initial="0")
        app.month.calc(OPEN, workers=1)
        line, = _cold(app, account, OPEN)
        # the old meter's final reading closes November: 3 m³; the new one, unread yet, adds nothing
        assert line.method == "meter" and D(line.inputs["volume"]) == D(3)
        history = _monthly(town, serial)[-6:]
        app.month.close(OPEN, workers=1)
    finally:
        app.close()
    _read_house_meters(town, "2026-12-24")
    app = open_town(town)
    try:
        app.month.calc(OPEN + 1, workers=1)
        line, = _cold(app, account, OPEN + 1)
        # December unread: the new meter's average is the old meter's history (one measuring point, counted once)
        assert line.method == "average"
        assert D(line.inputs["volume"]).quantize(D("0.001")) == (sum(history) / len(history)).quantize(D("0.001"))
    finally:
        app.close()
    url = f"sqlite:///{town}"
    assert main(["--db", url, "meters", "show", "--meter", "ЗАМ-0001"]) == 0
    out = capsys.readouterr().out
    assert f"установлен, начальное показание 0,5 взамен прибора № {serial}" in out
    assert main(["--db", url, "meters", "show", "--meter", serial, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["removed"] == "2026-11-20" and shown["life"][-1]["what"] == "снят, заменён прибором № ЗАМ-0001"


def _monthly(path, serial: str) -> list[Decimal]:
    """The old meter's monthly volumes as п. 59 counts them (``engine.readings.monthly_history``: the last reading
    of each month, a gap spread over its months), its final reading's month included."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT r.date, r.period, r.total FROM meter_reading r JOIN meter m ON m.id = r.meter_id "
                            "WHERE m.serial = ? AND r.status = 'accepted' ORDER BY r.date", (serial,)).fetchall()
    by_month = {}
    for day, period, total in rows:
        by_month[period or day[:7]] = {"total": D(total)}
    return monthly_history([(Period.parse(k), by_month[k]) for k in sorted(by_month)][-7:])


def _read_house_meters(path, day: str) -> None:
    with sqlite3.connect(path) as conn:
        for mid, total in conn.execute(
                "SELECT r.meter_id, r.total FROM house_reading r WHERE r.date = (SELECT MAX(x.date) FROM house_reading x "
                "WHERE x.meter_id = r.meter_id)").fetchall():
            conn.execute("INSERT INTO house_reading (id, meter_id, date, source, total) VALUES (?, ?, ?, 'inspector', ?)",
                         (str(uuid.uuid4()), mid, day, str(D(total) + 150)))


def _state(path, serial: str, period: Period):
    app = open_town(path)
    try:
        with sqlite3.connect(path) as conn:
            (house, mid), = conn.execute("SELECT p.house_id, m.id FROM meter m JOIN premises p ON p.id = m.premises_id "
                                         "WHERE m.serial = ?", (serial,)).fetchall()
        basis = BasisReader(app.db, period).house(str(uuid.UUID(bytes=house)))
        return next(m for a in basis.accounts for m in a.meters if m.key == str(uuid.UUID(bytes=mid)))
    finally:
        app.close()


def test_a_fault_and_a_verification_are_followed_by_the_month(town, capsys):
    (_, _, _), (faulty, _, _), (expiring, _, _) = _cold_meters(town, 3)
    url = f"sqlite:///{town}"
    assert main(["--db", url, "meters", "fault", "--meter", faulty, "--date", "2026-10-10", "--note", "не крутится",
                 "--document", "акт № 7"]) == 0
    assert "по среднему" in capsys.readouterr().out
    assert main(["--db", url, "meters", "fault", "--meter", faulty]) != 0
    assert "уже неисправен с 10.10.2026" in capsys.readouterr().err
    assert not _state(town, faulty, CLOSED).broken  # the month of the fault: its reading still counts
    assert _state(town, faulty, OPEN).broken and _state(town, faulty, OPEN).periods_without == 1
    assert main(["--db", url, "meters", "verify", "--meter", faulty, "--date", "2026-11-12", "--valid-until",
                 "2032-11-11", "--document", "свидетельство № 12"]) == 0
    capsys.readouterr()
    assert not _state(town, faulty, OPEN).broken  # back in service: verified within the month

    with sqlite3.connect(town) as conn:
        conn.execute("UPDATE meter SET verified_until = '2026-09-30' WHERE serial = ?", (expiring,))
    assert _state(town, expiring, CLOSED).broken
    assert main(["--db", url, "meters", "verify", "--meter", expiring, "--date", "2026-11-15", "--valid-until",
                 "2032-11-14"]) == 0
    assert _state(town, expiring, CLOSED).broken  # a verification made later does not measure October
    assert not _state(town, expiring, OPEN).broken
    assert main(["--db", url, "meters", "seal", "--meter", expiring, "--seal", "0012345", "--date", "2026-11-15",
                 "--document", "акт № 8"]) == 0
    capsys.readouterr()
    assert main(["--db", url, "meters", "show", "--meter", expiring]) == 0
    out = capsys.readouterr().out
    assert "15.11.2026  пломба № 0012345 (акт № 8)" in out and "15.11.2026  поверен до 14.11.2032" in out
    assert main(["--db", url, "meters", "show", "--meter", faulty]) == 0
    assert "10.10.2026  неисправен (акт № 7): не крутится" in capsys.readouterr().out


def test_install_and_bad_input(town, capsys):
    (_, account, _), = _cold_meters(town, 1)
    url = f"sqlite:///{town}"
    assert main(["--db", url, "meters", "install", "--account", account, "--resource", "electricity", "--serial",
                 "НОВ-77", "--digits", "6", "--zones", "2", "--initial", "10/5", "--valid-until", "2040-01-01"]) == 0
    assert "bcenter readings add --meter НОВ-77" in capsys.readouterr().out
    assert main(["--db", url, "meters", "show", "--meter", "НОВ-77", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["zones"] == 2
    for args, message in [
        (["install", "--account", account, "--resource", "gas", "--serial", "Г-1", "--digits", "5", "--initial",
          "1/2"], "нужны показание через «/»"),
        (["install", "--account", "0000000000", "--resource", "gas", "--serial", "Г-1", "--digits", "5", "--initial",
          "1"], "Нет лицевого счёта"),
        (["install", "--account", account, "--resource", "gas", "--serial", "Г-1", "--digits", "3", "--initial",
          "1000"], "не помещается в 3 разрядов"),
        (["verify", "--meter", "НОВ-77", "--valid-until", "2000-01-01"], "не позже дня поверки"),
        (["seal", "--meter", "НОВ-77", "--seal", " "], "номер пломбы"),
        (["remove", "--meter", "НОВ-77", "--final", "1"], "нужны день (Т1) / ночь (Т2)"),
        (["remove", "--meter", "НОВ-77", "--final", "9/1"], "меньше предыдущего"),
        (["fault", "--meter", "НОВ-77", "--date", "2030-01-01"], "ещё не наступила"),
    ]:
        assert main(["--db", url, "meters", *args]) != 0, args
        assert message in capsys.readouterr().err, args


def test_the_engine_follows_a_fault_and_a_replacement():
    facts = MeterFacts("m", "cold_water", 1, 5, initial={"total": D(0)}, failed=date(2026, 3, 10))
    readings = {f"2026-{m:02d}": Reading((str(10 * m),)) for m in range(1, 4)}
    march, april = meter_state(facts, readings, Period(2026, 3)), meter_state(facts, readings, Period(2026, 4))
    assert not march.broken and march.current == {"total": D(30)}
    assert april.broken and april.periods_without == 1
    assert meter_state(facts, readings, Period(2026, 7)).periods_without == 4  # then the norm (limit 3)
    new = MeterFacts("n", "cold_water", 1, 5, initial={"total": D(1)}, replaces="m", installed=date(2026, 4, 20),
                     prior_history=(D(10), D(10), D(12)))
    first = meter_state(new, {}, Period(2026, 4))
    assert first.current == first.previous == {"total": D(1)} and first.replaces == "m"
    later = meter_state(new, {}, Period(2026, 5))
    assert later.current is None and later.history == (D(10), D(10), D(12))


def test_the_life_travels_in_the_exchange(tmp_path):
    """Replacement, seal, fault and verification: exported, imported into another database, the same life and the
    same month — and a second import adds nothing."""
    from bcenter.app import App
    from bcenter.core.clock import FixedClock
    from tests.finance.towns import TODAY

    path = tmp_path / "town.db"
    app = demo_town(path, accounts=12, seed=13)
    try:
        (serial, _, last), (other, _, _) = _cold_meters(path, 2)
        new = app.meters.replace(serial, final=str(D(last) + 2), serial="ЗАМ-9", digits=5, initial="0",
                                 day=date(2026, 11, 3))
        app.meters.seal(new.serial, number="77001", day=date(2026, 11, 3), document="акт № 5")
        app.meters.fault(other, day=date(2026, 11, 4), note="течь")
        app.meters.verify(other, day=date(2026, 11, 20), valid_until=date(2032, 11, 19), document="св-во № 9")
        before = {s: [(e.day, e.what) for e in app.meters.show(s)[1]] for s in (serial, "ЗАМ-9", other)}
        app.exchange.export_file(tmp_path / "town.json", mask_personal_data=False)
    finally:
        app.close()
    document = json.loads((tmp_path / "town.json").read_text(encoding="utf-8"))
    assert len(document["meter_events"]) == 2 and len(document["meter_verifications"]) == 1
    assert next(m for m in document["meters"] if m["serial"] == "ЗАМ-9")["replaces"]
    copy = App.open(f"sqlite:///{tmp_path / 'copy.db'}", create=True, clock=FixedClock(TODAY))
    try:
        copy.exchange.import_file(tmp_path / "town.json")
        after = {s: [(e.day, e.what) for e in copy.meters.show(s)[1]] for s in (serial, "ЗАМ-9", other)}
        assert after == before
        assert copy.exchange.import_file(tmp_path / "town.json").changed is False
    finally:
        copy.close()


def test_a_fault_and_a_verification_recorded_later_recalculate_the_months_they_change(calculated_town):
    """A meter's fault written after its months were calculated makes the next run recalculate them by the average
    (п. 59 «а»), and the verification that ends it recalculates them back — the fault and the verification are
    facts of their own (``meter_event``, ``meter_verification``), not changes of the meter's card, and the run
    learns of them from the outbox like of a reading (``registry.dirty``)."""
    (serial, account, _), = _cold_meters(calculated_town, 1)
    app = open_town(calculated_town)
    try:
        assert app.month.calc(OPEN, workers=1).lines == 0  # calculated: nothing changed since
        assert [ln.method for ln in _cold(app, account, CLOSED)] == ["meter"]
        app.meters.fault(serial, day=date(2026, 9, 10), note="не крутится")
        faulted = app.month.calc(OPEN, workers=1)
        assert "2026-10" in faulted.recalculated_periods and faulted.posted.get("recalc", 0) > 0
        assert "average" in [ln.method for ln in _cold(app, account, OPEN) if ln.kind == "recalc"]
        app.meters.verify(serial, day=date(2026, 9, 20), valid_until=date(2032, 9, 19))
        verified = app.month.calc(OPEN, workers=1)
        assert "2026-10" in verified.recalculated_periods and verified.posted.get("recalc", 0) > 0
        assert app.month.calc(OPEN, workers=1).lines == 0
    finally:
        app.close()
