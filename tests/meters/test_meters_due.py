"""Meters whose verification runs out (issue 15): the latest verification's day wins over the meter's own, an overdue
meter comes first and says by how much, a removed meter is left out, the house filter narrows — on a demo town,
through ``bcenter.app`` and the CLI."""
from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import date

import pytest

from bcenter.cli import main
from tests.finance.towns import demo_town

TODAY = date(2026, 12, 5)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("meters") / "town.db"
    demo_town(path, accounts=40, seed=1).close()
    with sqlite3.connect(path) as conn:
        meters = conn.execute("SELECT id, serial FROM meter WHERE removed IS NULL AND kind = 'individual' "
                              "ORDER BY serial LIMIT 3").fetchall()
        (a, sa), (b, sb), (c, sc) = meters
        conn.execute("UPDATE meter SET verified_until = '2026-11-20' WHERE id = ?", (a,))  # overdue by 15 days
        conn.execute("UPDATE meter SET verified_until = '2026-12-01' WHERE id = ?", (b,))  # … but verified again
        conn.execute("INSERT INTO meter_verification (id, meter_id, verified_on, valid_until) VALUES (?, ?, ?, ?)",
                     (str(uuid.uuid4()), b, "2026-11-30", "2032-11-30"))
        conn.execute("UPDATE meter SET verified_until = '2026-12-20', removed = '2026-12-01' WHERE id = ?", (c,))
    return path, sa, sb, sc


def test_due_meters_overdue_first_with_the_latest_verification(town):
    from tests.finance.towns import open_town

    path, overdue, reverified, removed = town
    app = open_town(path)
    try:
        found = app.meters.due(days=30, today=TODAY)
        serials = [d.serial for d in found]
        assert serials[0] == overdue and found[0].days_left == -15 and found[0].accounts
        assert reverified not in serials and removed not in serials
        assert all(d.days_left <= 30 for d in found)
        assert app.meters.due(days=0, today=TODAY)[0].serial == overdue
        house = app.meters.due(days=3650, today=TODAY, house="h00001")
        assert house and len({d.address.split(", кв.")[0] for d in house}) == 1  # one house
        assert app.meters.due(days=3650, today=TODAY, house="h99999") == []
    finally:
        app.close()


def test_bcenter_meters_due(town, capsys):
    path, overdue, _, _ = town
    url = f"sqlite:///{path}"
    assert main(["--db", url, "meters", "due", "--days", "3650", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and rows[0]["serial"] == overdue and rows[0]["days_left"] < 0
    assert main(["--db", url, "meters", "due", "--days", "3650"]) == 0
    out = capsys.readouterr().out
    assert f"№ {overdue}" in out and "просрочена на" in out and out.startswith("Поверка истекла: 1")
