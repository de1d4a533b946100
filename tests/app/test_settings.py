"""Typed settings (bcenter.core.settings): every setting, its default and its allowed values in one place; a bad
value is named at import and at `bcenter init`, all problems at once, nothing written."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bcenter.cli import main
from bcenter.core.errors import ValidationFailed
from bcenter.core.settings import CHOICES, DEFAULTS, Settings
from db.connection import close_database, open_database
from db.models import Setting
from db.uow import UnitOfWork


def test_defaults_and_choices_agree():
    for key, allowed in CHOICES.items():
        assert getattr(DEFAULTS, key) == allowed[0]
    assert DEFAULTS.average_limits.of("not_submitted") == 6 and DEFAULTS.average_limits.of("meter_failed") == 3


def test_stored_values_become_typed_settings():
    settings = Settings.from_mapping({
        "person_count": "month_start", "average_limits": {"meter_failed": 2},
        "increasing_coefficients": [{"resource": "sewerage", "from": "2026-01-01", "value": "1.5"}],
        "penalty_rate_caps": [{"from": "2027-01-01", "to": "2028-01-01", "max_rate": "9.5"}],
        "non_working_days": ["2026-12-31"], "shift_due_to_working_day": False, "extra": {"source": "1С"}})
    assert settings.person_count == "month_start" and settings.average_limits.of("meter_failed") == 2
    assert settings.average_limits.of("not_submitted") == 6
    assert settings.increasing_coefficients[0].value == Decimal("1.5")
    assert settings.non_working_days == (date(2026, 12, 31),) and settings.shift_due_to_working_day is False


def test_every_bad_value_is_named_at_once():
    with pytest.raises(ValidationFailed) as caught:
        Settings.from_mapping({"person_count": "heads", "colour": "red", "average_limits": {"meter_failed": -1},
                               "non_working_days": ["31.12.2026"], "shift_due_to_working_day": "yes"})
    paths = sorted(p.path for p in caught.value.problems)
    assert paths == ["settings.average_limits.meter_failed", "settings.colour", "settings.non_working_days[0]",
                     "settings.person_count", "settings.shift_due_to_working_day"]


def test_an_unknown_night_rule_is_refused_at_import(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"format": "bcenter-exchange", "version": 1,
                               "settings": {"room_temperature_night": "sometimes"}}), encoding="utf-8")
    assert main(["--db", url, "import", str(doc)]) == 1
    assert "settings.room_temperature_night" in capsys.readouterr().err
    db = open_database(url)
    try:
        assert db.execute_sql('SELECT COUNT(*) FROM "setting"').fetchone()[0] == 0
    finally:
        close_database()


def test_init_names_a_stored_setting_it_cannot_read(db, sqlite_url, capsys):
    """A value written by another program (or an old version) is not silently replaced by the default."""
    with UnitOfWork(action="test.settings", db=db) as uow:
        uow.insert(Setting, key="person_count", value="heads")
    close_database()
    assert main(["--db", sqlite_url, "init"]) == 1
    err = capsys.readouterr().err
    assert "settings.person_count" in err and "person_days, month_start" in err


def test_a_settings_rate_cap_clips_the_laws_caps_it_overlaps(tmp_path):
    """A document's cap is an addition to the law's table, winning on its own days: a cap from 01.07.2026 to 2028
    dropped the law's whole 2025–2026 cap (9.5 %), and the penalty of 20.11.2025 ran at the key rate 16.5 %
    (review of 2026-12-07)."""
    from bcenter.app import App
    from bcenter.modules.finance.position import Finance

    app = App.open(f"sqlite:///{tmp_path / 'caps.db'}", create=True)
    try:
        app.exchange.import_file(_settings_doc(tmp_path, {"penalty_rate_caps": [
            {"from": "2026-07-01", "to": "2028-01-01", "max_rate": "9.5"}]}))
        rates = Finance(app.db).rates
        assert rates.effective_rate(date(2025, 11, 20)) == Decimal("9.5")  # the law's, on the days before it
        assert rates.effective_rate(date(2027, 6, 1)) == Decimal("9.5")  # the document's own
    finally:
        app.close()


def _settings_doc(tmp_path, settings: dict):
    doc = tmp_path / "settings.json"
    doc.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, "settings": settings}), encoding="utf-8")
    return doc
