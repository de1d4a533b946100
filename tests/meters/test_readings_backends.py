"""Readings through the rules, their acceptance and a route's round trip on SQLite and PostgreSQL (issue 15): the same
verdicts, the same codes, the same refusal of a conflicting file — the raw SQL of ``modules/meters`` on both."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.errors import ValidationFailed
from bcenter.core.period import Period

TODAY = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)


@pytest.mark.pg
def test_readings_and_a_route_on_every_backend(any_url, tmp_path):
    app = App.open(any_url, create=True, clock=FixedClock(TODAY))
    try:
        app.demo.build(accounts=12, seed=7, until=Period(2026, 10))
        made = app.meters.make_route(name="Обход", houses=["h00001"], reader="Петров")
        app.meters.export_route("Обход", tmp_path / "r.json", period="2026-11")
        document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        first, second = document["stops"][:2]
        assert len(document["stops"]) == made.stops and first["previous"]["values"]

        serial = first["meter"]["serial"]
        zone, last = next(iter(first["previous"]["values"].items()))
        below = app.meters.add_reading(serial, {zone: str(Decimal(last) - 1)}, day=date(2026, 11, 20))
        assert below.status == "rejected" and below.verdicts[0][0] == "below_previous"
        assert [k.code for k in app.meters.readings(status="pending")] == [below.code]
        assert app.meters.readings(account=first["accounts"][0])[0].code == below.code

        second["readings"] = [{"date": "2026-11-21", "source": "inspector",
                               "values": {z: str(Decimal(v) + 2) for z, v in second["previous"]["values"].items()}}]
        first["readings"] = [{"date": "2026-11-20", "values": {zone: str(Decimal(last) + 5)}}]
        (tmp_path / "filled.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        with pytest.raises(ValidationFailed, match=f"прибор № {serial}, 20.11.2026: в файле"):
            app.meters.import_route(tmp_path / "filled.json")
        first["readings"] = []
        (tmp_path / "filled.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        done = app.meters.import_route(tmp_path / "filled.json")
        assert [k.status for k in done.added] == ["accepted"] and done.added[0].source == "inspector"
        assert app.meters.import_route(tmp_path / "filled.json").already == 1
        route = app.meters.routes(period="2026-11")[0]
        assert (route.taken, route.refused) == (2, 1)
    finally:
        app.close()
