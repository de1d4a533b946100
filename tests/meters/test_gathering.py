"""The month's gathering reads a meter's readings of the month before and after only, when that is all the month
asks of it (``engine.readings.recent_suffice``; every meter of a premises must qualify, since the average of a
premises takes them all) — and the lines of every month of a demo town's history are those it gives reading every
meter's history of ``READ_MONTHS`` months and more, as before."""
from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.period import Period
from bcenter.engine.month import calculate_house
from bcenter.modules.registry import basis as gathering
from db.queries import house_ids
from tests.finance.towns import OPEN, TODAY


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("gathering") / "town.db"
    app = App.open(f"sqlite:///{path}", create=True, clock=FixedClock(TODAY))
    try:
        app.demo.build(accounts=150, seed=7, until=OPEN)
        yield app, path
    finally:
        app.close()


def _months(path) -> list[Period]:
    with sqlite3.connect(path) as conn:
        first, = conn.execute("SELECT MIN(COALESCE(period, substr(date, 1, 7))) FROM meter_reading").fetchone()
    months, p = [], Period.parse(first) + 1
    while p <= OPEN:
        months.append(p)
        p += 1
    return months


def _lines(db, period: Period) -> list:
    reader = gathering.BasisReader(db, period)
    out = []
    for house in house_ids(db):
        result = calculate_house(reader.house(house))
        out.append((house, result.gaps, result.lines))
    return out


def test_the_month_read_from_recent_readings_is_the_month_read_from_the_whole_history(town, monkeypatch):
    app, path = town
    asked = defaultdict(dict)  # period → meter → whether its recent readings sufficed
    quick = gathering.recent_suffice

    def spy(meter, readings, period):
        asked[period][meter.key] = answer = quick(meter, readings, period)
        return answer

    months = _months(path)
    assert len(months) >= 12
    for period in months:
        monkeypatch.setattr(gathering, "recent_suffice", spy)
        recent = _lines(app.db, period)
        monkeypatch.setattr(gathering, "recent_suffice", lambda *_: False)  # every meter's history read
        whole = _lines(app.db, period)
        assert recent == whole, period
    with sqlite3.connect(path) as conn:
        premises = {str(uuid.UUID(bytes=m)): p for m, p in conn.execute("SELECT id, premises_id FROM meter")}
    answers = [a for by_meter in asked.values() for a in by_meter.values()]
    assert answers.count(True) > answers.count(False) > 0  # most meters read the quick way, some not
    # a meter that would do with its recent readings, in a premises read whole for another meter's sake
    alongside = sum(1 for by_meter in asked.values() for key, enough in by_meter.items() if enough and any(
        not other for k, other in by_meter.items() if k != key and premises[k] == premises[key]))
    assert alongside > 0
