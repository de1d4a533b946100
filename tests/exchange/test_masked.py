"""Personal data stay what they are (issue 10): a document exported with --mask-personal-data says so and is refused
by import (it would overwrite every passport, СНИЛС and phone with masks and queue them for sync); the audit log
records that a personal field changed, not what it was."""
from __future__ import annotations

import copy
import json

import pytest

from bcenter.cli import main
from bcenter.core.access import PERSONAL_MASK
from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange.exporter import Exporter
from bcenter.modules.exchange.service import export_document, import_data
from db.models import AuditLog
from db.sealing import keyring


def _private(db) -> list[tuple[str, dict]]:
    """Each person's sealed fields, opened (``db.sealing``)."""
    ring = keyring()
    return [(ext, ring.unseal(sealed))
            for ext, sealed in db.execute_sql('SELECT ext_id, sealed FROM "person" ORDER BY ext_id').fetchall()]


def test_a_masked_export_is_marked_and_refused_by_import(any_db, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    masked = Exporter(any_db, mask_personal_data=True).document()
    assert masked["masked"] is True and "masked" not in export_document(db=any_db)
    before = _private(any_db)
    with pytest.raises(ValidationFailed) as refused:
        import_data(masked, db=any_db)
    assert [p.path for p in refused.value.problems] == ["masked"]
    after = _private(any_db)
    assert after == before and PERSONAL_MASK not in json.dumps(after, ensure_ascii=False)


def test_the_command_says_why(db, sqlite_url, example_doc, tmp_path, capsys):
    import_data(copy.deepcopy(example_doc), db=db)
    path = tmp_path / "masked.json"
    assert main(["--db", sqlite_url, "export", str(path), "--mask-personal-data"]) == 0
    assert main(["--db", sqlite_url, "import", str(path)]) == 1
    assert "--mask-personal-data" in capsys.readouterr().err


def test_the_audit_log_keeps_that_a_passport_changed_not_what_it_was(any_db, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    person = next(p for p in example_doc["persons"] if "document" in p and "snils" in p)
    changed = {**person, "document": {**person["document"], "number": "999999"}, "snils": "112-233-445 95",
               "phone": "+7 900 000-00-00"}
    doc = {"format": "bcenter-exchange", "version": 1, "persons": [changed]}
    assert import_data(doc, db=any_db).updated
    rows = list(AuditLog.select().where((AuditLog.table_name == "person") & AuditLog.action.endswith(":update")))
    assert rows
    text = json.dumps([(r.before, r.after) for r in rows], ensure_ascii=False)
    for secret in (person["document"]["number"], "999999", person["snils"], "112-233-445 95", "+7 900 000-00-00"):
        assert secret not in text
    assert PERSONAL_MASK in text
    stored = dict(_private(any_db))[person["id"]]
    assert (stored["document_number"], stored["snils"]) == ("999999", "112-233-445 95")  # the data: the new values


# --- who may export whom (docs/design.md «Who sees») -----------------------------------------------------------------
@pytest.fixture
def town(tmp_path, example_doc):
    from datetime import datetime, timezone

    from bcenter.app import App
    from bcenter.core.clock import FixedClock

    (tmp_path / "doc.json").write_text(json.dumps(example_doc, ensure_ascii=False), encoding="utf-8")
    app = App.open(f"sqlite:///{tmp_path / 't.db'}", create=True,
                   clock=FixedClock(datetime(2025, 12, 5, 12, tzinfo=timezone.utc)))
    app.exchange.import_file(tmp_path / "doc.json")
    app.passport.absence(person="per1", start="2025-11-01", end="2025-11-20", documents=["справка из больницы № 3"])
    yield app
    app.close()


def _export_as(town, tmp_path, role: str) -> dict:
    from bcenter.app import Actor

    town.as_actor(Actor(role, role)).exchange.export_file(tmp_path / f"{role}.json")
    return json.loads((tmp_path / f"{role}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("role", ["analyst", "accountant"])
def test_a_masked_export_does_not_give_a_role_that_may_not_read_the_cards_the_names(town, tmp_path, example_doc,
                                                                                    role):
    doc = _export_as(town, tmp_path, role)
    text = json.dumps(doc, ensure_ascii=False)
    for person in example_doc["persons"]:
        assert person["last_name"] not in text and person["first_name"] not in text
    assert {p["last_name"] for p in doc["persons"]} == {PERSONAL_MASK}
    assert all(set(p) == {"id", "last_name", "first_name"} for p in doc["persons"])
    assert not any("relation" in r for r in doc["registrations"])
    assert not any("documents" in a for a in doc["absences"]) and "больницы" not in text
    # who lives where stays countable: the month's residents come from the registrations
    assert len(doc["registrations"]) == len(example_doc["registrations"])


def test_a_masked_export_by_a_role_that_reads_the_cards_keeps_the_names(town, tmp_path, example_doc):
    doc = _export_as(town, tmp_path, "operator")
    assert [p["last_name"] for p in doc["persons"]] == [p["last_name"] for p in example_doc["persons"]]
    assert any("documents" in a for a in doc["absences"])


def test_a_masked_export_leaves_no_payer_names_in_the_payments_bank_particulars(town, tmp_path):
    """A bank registry line's payer, address and document are kept with its payment (``payment_extra``): a masked
    or pseudonymised export copied them as they were (review of 2026-12-07)."""
    extra = {"line": 1, "payer": "Секретова Анна Петровна", "address": "ул. Тайная, 1-2",
             "document": "паспорт 1234 998877"}
    town.db.execute_sql("UPDATE payment SET extra = ?", (json.dumps(extra, ensure_ascii=False),))
    for role in ("accountant", "analyst"):
        doc = _export_as(town, tmp_path, role)
        text = json.dumps(doc, ensure_ascii=False)
        assert "Секретова" not in text and "Тайная" not in text and "998877" not in text, role
        assert any(p.get("extra", {}).get("line") == 1 for p in doc["payments"])  # the rest of the line stays
