"""The reader's tablet without a browser (issue 16): routes with their progress, meter by meter with the previous
reading and the range expected, a reading below the previous one refused with the reason at once (and kept), a good
one accepted; a typo said at the field; nothing needs a server."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.ui.conftest import by_key

from bcenter.ui.tablet import build_tablet


async def _type(session, field, text: str) -> None:
    session.apply_patch(field._i, {"value": text})
    await session.dispatch_event(field._i, "change", text)


async def _tablet(app, page):
    signed = app.users.sign_in("obhod", "пароль-контролёра", role="meter_reader")
    refs = build_tablet(page, signed)
    await refs["load_routes"]()
    return refs


@pytest.mark.asyncio
async def test_the_reader_walks_the_route_and_sees_each_verdict(app, page, session):
    refs = await _tablet(app, page)
    tile = by_key(refs["routes"], "route:Обход 1")
    assert tile.subtitle.value.startswith("снято ")
    await session.dispatch_event(tile._i, "click", None)
    assert refs["stop"].visible and not refs["routes"].visible
    assert refs["position"].value.startswith("Обход 1: прибор ")
    assert refs["previous"].value.startswith("Предыдущее: ") and refs["expected"].value.startswith("Ожидается: ")
    sheet = app.meters.route_sheet("Обход 1")
    at = int(refs["position"].value.split("прибор ")[1].split()[0]) - 1
    stop = sheet["stops"][at]
    assert refs["where"].value == stop["address"]
    zone, low = next(iter(stop["previous"]["values"].items()))
    field, *_ = refs["fields"].controls
    below = Decimal(low) - 5
    await _type(session, field, str(below).replace(".", ","))
    start = len(session.connection.wire)
    await session.dispatch_event(refs["save"]._i, "click", None)
    assert refs["verdict"].value.startswith("Показание отклонено: ") and "меньше" in refs["verdict"].value
    assert refs["verdict"].value in session.connection.sent_since(start)
    kept = app.meters.readings(meter=stop["meter"]["id"], limit=1)[0]
    assert kept.status == "rejected" and kept.values[zone] == below  # kept, not lost: the office may accept it
    await _type(session, field, str(Decimal(low) + 3).replace(".", ","))
    await session.dispatch_event(refs["save"]._i, "click", None)
    assert refs["verdict"].value == "Показание принято"
    assert len(refs["taken"].controls) >= 2
    await session.dispatch_event(refs["forward"]._i, "click", None)
    assert refs["verdict"].value == "" and refs["position"].value.startswith(f"Обход 1: прибор {at + 2} ")
    await session.dispatch_event(refs["to_routes"]._i, "click", None)
    assert refs["routes"].visible and by_key(refs["routes"], "route:Обход 1").subtitle.value != tile.subtitle.value


@pytest.mark.asyncio
async def test_a_typo_is_said_and_nothing_kept(app, page, session):
    refs = await _tablet(app, page)
    await session.dispatch_event(by_key(refs["routes"], "route:Обход 1")._i, "click", None)
    field, *_ = refs["fields"].controls
    before = len(app.meters.readings(limit=10000))
    await _type(session, field, "12,3,4")
    await session.dispatch_event(refs["save"]._i, "click", None)
    assert "не число" in refs["error"].value and refs["verdict"].value == ""
    assert len(app.meters.readings(limit=10000)) == before


@pytest.mark.asyncio
async def test_no_routes_on_the_tablet_says_how_to_load_one(tmp_path, page, session):
    from tests.finance.towns import demo_town

    app = demo_town(tmp_path / "bare.db", accounts=5, seed=2)
    try:
        app.users.add(login="obhod", full_name="Контролёр", roles=["meter_reader"], password="пароль-контролёра")
        refs = await _tablet(app, page)
        assert refs["routes"].controls[0].value.startswith("На планшете нет маршрутов: загрузите файл маршрута")
    finally:
        app.close()


SIM_SERIAL = "40680048"  # the Меркурий 230 simulator's (drivers/sim/mercury230.py)


@pytest.mark.asyncio
async def test_the_optical_probe_reads_the_meter_of_the_stop(app, page, session):
    sheet = app.meters.route_sheet("Обход 1")
    at = next(n for n, s in enumerate(sheet["stops"])
              if s["meter"]["resource"] == "electricity" and s["meter"]["zones"] == 2)
    app.db.execute_sql("UPDATE meter SET serial = ? WHERE serial = ?", (SIM_SERIAL, sheet["stops"][at]["meter"]["serial"]))
    signed = app.users.sign_in("obhod", "пароль-контролёра", role="meter_reader")
    refs = build_tablet(page, signed, probe={"port": "sim://mercury230", "protocol": "mercury230"})
    await refs["load_routes"]()
    await session.dispatch_event(by_key(refs["routes"], "route:Обход 1")._i, "click", None)
    assert refs["probe"].visible
    await session.dispatch_event(refs["probe"]._i, "click", None)  # at the first stop: another meter
    assert refs["error"].value.startswith(f"На линии счётчик № {SIM_SERIAL}, а указан прибор № ")
    for _ in range(at - refs_index(refs)):
        await session.dispatch_event(refs["forward"]._i, "click", None)
    assert refs["meter"].value.startswith(f"№ {SIM_SERIAL} — электроэнергия")
    await session.dispatch_event(refs["probe"]._i, "click", None)
    assert refs["error"].value == ""
    assert [f.value for f in refs["fields"].controls] == ["3001,1", "1511,245"]  # day, night as the meter said
    assert refs["verdict"].value.startswith("Показание")
    kept = app.meters.readings(meter=SIM_SERIAL, limit=1)[0]
    assert kept.source == "device"


def refs_index(refs) -> int:
    return int(refs["position"].value.split("прибор ")[1].split()[0]) - 1


@pytest.mark.asyncio
async def test_saving_the_same_reading_again_writes_it_once(app, page, session):
    """The reader taps «Сохранить» again (or Enter in the field, or a double tap): the reading of the meter is kept
    once — not a second, third reading of the same day with the same value, each listed under the meter."""
    import asyncio

    refs = await _tablet(app, page)
    await session.dispatch_event(by_key(refs["routes"], "route:Обход 1")._i, "click", None)
    stop = app.meters.route_sheet("Обход 1")["stops"][refs_index(refs)]
    _zone, low = next(iter(stop["previous"]["values"].items()))
    field, *_ = refs["fields"].controls
    before = len(app.meters.readings(meter=stop["meter"]["id"], limit=1000))
    await _type(session, field, str(Decimal(low) + 3).replace(".", ","))
    await asyncio.gather(*(session.dispatch_event(refs["save"]._i, "click", None) for _ in range(2)))
    await session.dispatch_event(field._i, "submit", field.value)
    assert refs["verdict"].value == "Показание принято"
    assert len(app.meters.readings(meter=stop["meter"]["id"], limit=1000)) == before + 1
    assert len(refs["taken"].controls) == len(stop.get("readings", [])) + 1
    assert refs["error"].value.startswith("Это показание уже сохранено")
    await _type(session, field, str(Decimal(low) + 4).replace(".", ","))  # a corrected one is a new reading
    await session.dispatch_event(refs["save"]._i, "click", None)
    assert refs["error"].value == "" and len(app.meters.readings(meter=stop["meter"]["id"], limit=1000)) == before + 2


@pytest.mark.asyncio
async def test_the_end_of_the_walk_says_what_was_missed_and_then_that_the_route_is_done(app, page, session):
    """At the last stop the reader is told how many meters are left and taken to the first of them; with every
    meter read the route says it is done (it used to open at stop 1 as if nothing had been walked)."""
    refs = await _tablet(app, page)
    await session.dispatch_event(by_key(refs["routes"], "route:Обход 1")._i, "click", None)
    sheet = app.meters.route_sheet("Обход 1")
    count = len(sheet["stops"])
    while not refs["forward"].disabled:
        await session.dispatch_event(refs["forward"]._i, "click", None)
    last = sheet["stops"][-1]
    for field in refs["fields"].controls:
        await _type(session, field, str(Decimal(last["previous"]["values"][field.data]) + 1).replace(".", ","))
    await session.dispatch_event(refs["save"]._i, "click", None)
    assert refs["verdict"].value == "Показание принято"
    left = [n for n, s in enumerate(app.meters.route_sheet("Обход 1")["stops"])
            if not any(r["status"] in ("accepted", "confirmed") for r in s["readings"])]
    assert refs["summary"].value == (f"Последний прибор маршрута. Не сняты: {len(left)} из {count} — первый прибор "
                                     f"{left[0] + 1}") and refs["to_left"].visible
    await session.dispatch_event(refs["to_left"]._i, "click", None)
    assert refs["position"].value.startswith(f"Обход 1: прибор {left[0] + 1} из {count}")
    assert refs["summary"].value == "" and not refs["to_left"].visible

    for n in left:  # the rest of the walk read in the office
        stop = sheet["stops"][n]
        app.meters.add_reading(stop["meter"]["serial"], {z: str(Decimal(v) + 1) for z, v in
                                                         stop["previous"]["values"].items()}, source="inspector")
    await session.dispatch_event(refs["to_routes"]._i, "click", None)
    await session.dispatch_event(by_key(refs["routes"], "route:Обход 1")._i, "click", None)
    assert refs["position"].value.startswith(f"Обход 1: прибор 1 из {count}")
    assert refs["summary"].value == f"Маршрут пройден: сняты все приборы ({count})"
