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
