"""A change the month must notice, on both backends: the house it concerns is calculated again (issue 11 review:
on SQLite a house read through ``COALESCE`` came back as the key's 16 bytes, so a quality act or a meter change
named no house and the month posted nothing)."""
from __future__ import annotations

import json

import pytest

from bcenter.cli import main
from bcenter.modules.registry.dirty import dirty_houses
from db.connection import open_database

pytestmark = pytest.mark.slow


@pytest.fixture
def town(any_url, tmp_path):
    assert main(["--db", any_url, "demo", "--accounts", "30", "--until", "2026-03", "--ledger"]) == 0
    return any_url


def _calc(url: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["--db", url, "calc", "--period", "2026-03", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_quality_act_of_the_open_month_is_charged_at_the_next_calc(town, tmp_path, capsys):
    assert _calc(town, capsys)["lines"] == {}  # nothing changed: nothing posted
    seq = open_database(town).execute_sql("SELECT MAX(seq) FROM outbox").fetchone()[0]
    doc = tmp_path / "act.json"
    doc.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, "quality_events": [
        {"id": "q-review", "service": "hot_water", "house": "h00001", "start": "2026-03-10T09:00:00+03:00",
         "end": "2026-03-12T09:00:00+03:00", "kind": "interruption", "allowed": "24"}]}), encoding="utf-8")
    assert main(["--db", town, "import", str(doc)]) == 0
    house, = open_database(town).execute_sql("SELECT id FROM house WHERE ext_id = 'h00001'").fetchone()
    dirty = dirty_houses(open_database(town), after_seq=seq)
    assert str(dirty.since(house)) == "2026-03"  # the house by its key, as text
    lines = _calc(town, capsys)["lines"]  # the month was calculated: the act comes as its recalculation
    assert lines.get("recalc", 0) > 0, lines
