"""Readers' routes (issue 15): a route made in the office, exported to a file, loaded on a reader's tablet (another
database), filled there and exported back, imported in the office — the readings land once, a second import adds
nothing, a reading that disagrees with one the office holds for the same meter and day refuses the whole file with
both values shown. Through ``bcenter.app`` and the CLI."""
from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from datetime import date
from decimal import Decimal

import pytest

from bcenter.cli import main
from bcenter.core.errors import ValidationFailed
from tests.finance.towns import OPEN as CLOSED, demo_town, open_town

OPEN = CLOSED + 1
DAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def offices(tmp_path_factory):
    """(office, tablet): the tablet's database is a copy of the office's taken before the route was made."""
    folder = tmp_path_factory.mktemp("routes")
    office, tablet = folder / "office.db", folder / "tablet.db"
    demo_town(office, accounts=24, seed=5).close()
    shutil.copy(office, tablet)
    return office, tablet


def _stops(document):
    return document["stops"]


def test_route_to_the_tablet_and_back(offices, tmp_path):
    office_db, tablet_db = offices
    office = open_town(office_db)
    try:
        made = office.meters.make_route(name="Обход 1", houses=["h00001"], reader="Петров П. П.")
        assert made.stops > 20 and made.taken == 0
        office.meters.export_route("Обход 1", tmp_path / "r1.json", period=str(OPEN))
    finally:
        office.close()
    document = json.loads((tmp_path / "r1.json").read_text(encoding="utf-8"))
    stops = _stops(document)
    assert document["format"] == "bcenter-route" and len(stops) == made.stops
    walk = [(s["entrance"] or 0, s["floor"] or 0) for s in stops]
    assert walk == sorted(walk)  # entrance by entrance, floor by floor
    assert all(s["previous"] and s["expected"] for s in stops)  # every meter has a reading before the month
    first = stops[0]
    zone = next(iter(first["previous"]["values"]))
    low, high = Decimal(first["expected"][zone]["low"]), Decimal(first["expected"][zone]["high"])
    assert low == Decimal(first["previous"]["values"][zone]) and high > low

    tablet = open_town(tablet_db)  # the reader's tablet: its own database, without the route
    try:
        loaded = tablet.meters.import_route(tmp_path / "r1.json")
        assert loaded.route_created and loaded.added == () and loaded.already == 0
        assert tablet.meters.routes(period=str(OPEN))[0].stops == made.stops
        taken = []
        for stop in stops[:3]:
            values = {z: str(Decimal(v) + 7) for z, v in stop["previous"]["values"].items()}
            taken.append(tablet.meters.add_reading(stop["meter"]["serial"], values, day=DAY, source="inspector"))
        assert [k.status for k in taken] == ["accepted"] * 3
        tablet.meters.export_route("Обход 1", tmp_path / "r2.json", period=str(OPEN))
    finally:
        tablet.close()
    back = _stops(json.loads((tmp_path / "r2.json").read_text(encoding="utf-8")))
    assert [len(s["readings"]) for s in back[:4]] == [1, 1, 1, 0]

    office = open_town(office_db)
    try:
        done = office.meters.import_route(tmp_path / "r2.json")
        assert not done.route_created and len(done.added) == 3 and done.already == 0
        assert {k.id for k in done.added} == {k.id for k in taken}  # the tablet's keys: the same facts
        assert office.meters.routes(period=str(OPEN))[0].taken == 3
        again = office.meters.import_route(tmp_path / "r2.json")
        assert again.added == () and again.already == 3
        serial = back[0]["meter"]["serial"]
        assert len([k for k in office.meters.readings(meter=serial) if k.day == DAY]) == 1
    finally:
        office.close()


def test_a_conflicting_reading_refuses_the_file(offices, tmp_path):
    office_db, tablet_db = offices
    office = open_town(office_db)
    try:
        if not office.meters.routes():
            office.meters.make_route(name="Обход 1", houses=["h00001"])
        office.meters.export_route("Обход 1", tmp_path / "r.json", period=str(OPEN))
        stops = _stops(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")))
        stop, other = stops[5], stops[6]
        serial = stop["meter"]["serial"]
        zone, previous = next(iter(stop["previous"]["values"].items()))
        mine = office.meters.add_reading(serial, {zone: str(Decimal(previous) + 3)}, day=date(2026, 11, 24))
    finally:
        office.close()
    stop["readings"] = [{"id": str(uuid.uuid4()), "date": "2026-11-24", "source": "inspector",
                         "values": {zone: str(Decimal(previous) + 30)}}]
    other["readings"] = [{"date": "2026-11-24", "values": {z: str(Decimal(v) + 1) for z, v in
                                                           other["previous"]["values"].items()}}]
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    document["stops"][5], document["stops"][6] = stop, other
    (tmp_path / "filled.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with sqlite3.connect(office_db) as conn:
        count = conn.execute("SELECT COUNT(*) FROM meter_reading").fetchone()[0]
    office = open_town(office_db)
    try:
        with pytest.raises(ValidationFailed) as refused:
            office.meters.import_route(tmp_path / "filled.json")
    finally:
        office.close()
    text = refused.value.message_ru
    assert "filled.json:stops[5].readings[0]" in text and f"прибор № {serial}, 24.11.2026" in text
    assert f"в файле {_ru(Decimal(previous) + 30)}" in text and f"в базе уже {_ru(Decimal(previous) + 3)}" in text
    assert mine.code in text and "ничего не записано" in text
    with sqlite3.connect(office_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM meter_reading").fetchone()[0] == count  # not even the good one


def _ru(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


def test_bcenter_routes_commands(offices, tmp_path, capsys):
    office_db, _ = offices
    url = f"sqlite:///{office_db}"
    assert main(["--db", url, "routes", "make", "--name", "Обход 2", "--house", "h00001", "--reader", "Иванова"]) == 0
    assert "bcenter routes export" in capsys.readouterr().out
    assert main(["--db", url, "routes", "make", "--name", "Обход 3", "--house", "h09999"]) != 0
    assert "нет дома" in capsys.readouterr().err
    assert main(["--db", url, "routes", "list", "--period", str(OPEN)]) == 0
    assert "«Обход 2», контролёр Иванова: снято" in capsys.readouterr().out
    out = tmp_path / "r.json"
    assert main(["--db", url, "routes", "export", "Обход 2", "--out", str(out), "--period", str(OPEN)]) == 0
    assert out.exists() and "Обход 2" in capsys.readouterr().out
    assert main(["--db", url, "routes", "import", str(out)]) == 0
    assert "новых показаний 0" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "bcenter-route", "version": 1, "route": {"id": 1}}', encoding="utf-8")
    assert main(["--db", url, "routes", "import", str(bad)]) != 0
    assert "bad.json:route" in capsys.readouterr().err
    bad.write_text("{не json", encoding="utf-8")
    assert main(["--db", url, "routes", "import", str(bad)]) != 0
    assert "bad.json:1: не JSON" in capsys.readouterr().err
    document = json.loads(out.read_text(encoding="utf-8"))
    document["stops"][0]["readings"] = [{"date": "2026-13-01", "values": {"total": "x"}}]
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert main(["--db", url, "routes", "import", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "bad.json:stops[0].readings[0].date" in err and "не принят" in err


def _replace(office, stop: dict, serial: str) -> dict:
    """The stop's meter replaced on 20 November by a new one numbered ``serial`` (its final reading one above the
    previous, the new one from zero); the old meter as the route's file named it."""
    last = stop["previous"]["values"]
    office.meters.replace(stop["meter"]["serial"], final="/".join(format(Decimal(v) + 1, "f") for v in last.values()),
                          serial=serial, digits=5, initial="/".join("0" for _ in last), day=date(2026, 11, 20))
    return stop["meter"]


def test_a_route_follows_a_replaced_meter(offices, tmp_path):
    """A meter replaced after the route was made: the route's file sends the reader to the new meter, at the old
    one's place in the walk — not to the removed meter (whose readings are refused) while omitting the new one."""
    office_db, _tablet = offices
    office = open_town(office_db)
    try:
        office.meters.make_route(name="Обход замена", houses=["h00001"])
        before = _stops(office.meters.route_sheet("Обход замена", period=str(OPEN)))
        old = _replace(office, before[1], "ЗАМЕНА-1")
        after = _stops(office.meters.route_sheet("Обход замена", period=str(OPEN)))
    finally:
        office.close()
    serials = [s["meter"]["serial"] for s in after]
    assert old["serial"] not in serials and serials[1] == "ЗАМЕНА-1"
    assert len(after) == len(before)


def test_a_meter_set_after_the_route_was_made_is_walked_at_its_flat(offices, tmp_path):
    """A meter installed in a route's house after the route was made joins the route: the reader's file lists it
    at its flat's place in the walk (not left out, not after the last house), the progress counts it, and a
    replacement does not make the walk longer. Its stop is a row of the route, so a tablet synced by its route
    gets the meter."""
    office_db, _tablet = offices
    office = open_town(office_db)
    try:
        office.meters.make_route(name="Обход новый", houses=["h00001"])
        before = _stops(office.meters.route_sheet("Обход новый", period=str(OPEN)))
        counted = next(r for r in office.meters.routes(period=str(OPEN)) if r.name == "Обход новый").stops
        middle = next(s for s in before[len(before) // 4:] if s["accounts"])
        office.meters.install(account=middle["accounts"][0], resource="gas", serial="ГАЗ-НОВЫЙ-1", digits=5,
                              initial="0", day=date(2026, 11, 20))
        after = _stops(office.meters.route_sheet("Обход новый", period=str(OPEN)))
        info = next(r for r in office.meters.routes(period=str(OPEN)) if r.name == "Обход новый")
        stop_rows = office.db.execute_sql(
            'SELECT COUNT(*) FROM "route_stop" s JOIN "meter" mt ON mt.id = s.meter_id JOIN "route" r '
            'ON r.id = s.route_id WHERE mt.serial = ? AND r.name = ?', ("ГАЗ-НОВЫЙ-1", "Обход новый")).fetchone()[0]
    finally:
        office.close()
    assert len(after) == len(before) + 1 and info.stops == counted + 1 and stop_rows == 1
    at = [s["meter"]["serial"] for s in after].index("ГАЗ-НОВЫЙ-1")
    assert after[at]["address"] == middle["address"] and at < len(after) - 1  # at its flat, the walk goes on
    assert [s["position"] for s in after] == list(range(1, len(after) + 1))
    others = [s["meter"]["serial"] for s in after if s["meter"]["serial"] != "ГАЗ-НОВЫЙ-1"]
    assert others == [s["meter"]["serial"] for s in before]  # the rest of the walk as it was


def test_a_replacement_within_the_month_is_one_stop_of_the_progress(offices, tmp_path):
    """A meter replaced in the month the route is walked: the route's list counts the stops its file walks — the
    new meter once, not the removed one beside it — and the removed one's final reading does not make the new
    meter, still unread, look walked."""
    office_db, _tablet = offices
    office = open_town(office_db)
    try:
        office.meters.make_route(name="Обход счёт", houses=["h00001"])
        before = _stops(office.meters.route_sheet("Обход счёт", period=str(OPEN)))
        _replace(office, before[2], "ЗАМЕНА-СЧЁТ")
        after = _stops(office.meters.route_sheet("Обход счёт", period=str(OPEN)))
        info = next(r for r in office.meters.routes(period=str(OPEN)) if r.name == "Обход счёт")
    finally:
        office.close()
    walked = [s for s in after if any(r["status"] in ("accepted", "confirmed") for r in s["readings"])]
    assert len(after) == len(before) and "ЗАМЕНА-СЧЁТ" in [s["meter"]["serial"] for s in after]
    assert (info.stops, info.taken) == (len(after), len(walked))
