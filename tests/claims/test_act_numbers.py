"""Act numbers «АКТ-<year>-<nnnnnn>» never repeat a number already in the database — an act imported with its own
number, a revision «…/1» — and a number taken at the same moment elsewhere is refused in Russian, not with a
traceback (the largest number + 1, ``db.queries.next_in_sequence``)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.errors import ValidationFailed
from bcenter.modules.claims import acts

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "full.json"
TODAY = datetime(2025, 12, 5, 12, tzinfo=timezone.utc)


def _app(tmp_path, doc):
    (tmp_path / "doc.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    app = App.open(f"sqlite:///{tmp_path / 't.db'}", create=True, clock=FixedClock(TODAY))
    app.exchange.import_file(tmp_path / "doc.json")
    return app


@pytest.fixture
def app(tmp_path):
    doc = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["quality_events"][1]["id"] = "АКТ-2025-000002"  # an act of bcenter, exported and imported elsewhere
    application = _app(tmp_path, doc)
    yield application
    application.close()


def _act(app, day: str = "2025-03-01") -> str:
    return app.claims.act(service="svc-cold", house="h1", start=f"{day} 10:00", end=f"{day} 20:00")


def test_a_new_act_does_not_take_the_number_of_an_imported_act(app):
    assert _act(app) == "АКТ-2025-000003"


def test_a_revision_does_not_use_up_a_number(app):
    first = _act(app)
    assert app.claims.close_act(first, end="2025-03-01 15:00") == f"{first}/1"
    assert _act(app, "2025-03-02") == "АКТ-2025-000004"


def test_a_number_taken_meanwhile_is_refused_in_russian_and_nothing_is_written(app, monkeypatch):
    count = app.db.execute_sql('SELECT COUNT(*) FROM "quality_event"').fetchone()[0]
    monkeypatch.setattr(acts, "_number", lambda db, year: "АКТ-2025-000002")  # another desk was quicker
    with pytest.raises(ValidationFailed, match="номер АКТ-2025-000002 уже занят другим актом"):
        _act(app)
    assert app.db.execute_sql('SELECT COUNT(*) FROM "quality_event"').fetchone()[0] == count


