"""An export imported into the database it came from changes nothing; into an empty one, it reproduces it
(docs/exchange.md «Выгрузка», «Повторный импорт»).

Objects created in bcenter — a payment moved to another account at the desk, a reading taken at the window, an
absence, a registration, a meter installed — have no ``ext_id`` and are exported under their UUID: a re-import finds
them by that UUID (``ext_id IS NULL AND id = …``) instead of writing them, and money, a second time.
"""
from __future__ import annotations

import copy
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.modules.exchange.service import export_document, import_data
from bcenter.modules.exchange.tables import KIND_TABLE

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "full.json"
TODAY = datetime(2025, 12, 5, 12, tzinfo=timezone.utc)


@pytest.fixture
def app(tmp_path):
    (tmp_path / "doc.json").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    app = App.open(f"sqlite:///{tmp_path / 't.db'}", create=True, clock=FixedClock(TODAY))
    app.exchange.import_file(tmp_path / "doc.json")
    try:
        yield app
    finally:
        app.close()


def _payments_total(app) -> int:
    return app.db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "payment"').fetchone()[0]


def test_an_export_imported_into_its_own_database_does_not_pay_a_moved_payment_twice(app, tmp_path):
    paid = next(p for p in app.payments.list(account="1002003005") if p.amount > 0)
    app.payments.storno(paid.id, reason="платёж другого плательщика", to_account="1002003004")
    before = _payments_total(app)
    app.exchange.export_file(tmp_path / "export.json", mask_personal_data=False)
    result = app.exchange.import_file(tmp_path / "export.json")
    assert _payments_total(app) == before
    assert not result.changed


def test_an_export_imported_into_its_own_database_does_not_duplicate_desk_facts(app, tmp_path, snapshot):
    app.meters.add_reading("m2", {"total": "900"}, day=date(2025, 11, 20))
    app.passport.absence(person="per1", start="2025-11-01", end="2025-11-20", documents=["билет"])
    app.exchange.export_file(tmp_path / "export.json", mask_personal_data=False)
    before = snapshot(app.db)
    result = app.exchange.import_file(tmp_path / "export.json")
    assert dict(result.inserted) == {} and not result.changed
    assert {t: n for t, n in snapshot(app.db).items() if t not in ("audit_log", "outbox")} == \
        {t: n for t, n in before.items() if t not in ("audit_log", "outbox")}


def _forget_ext_ids(db) -> None:
    """Every object as if created in bcenter: no ``ext_id`` (exported under its UUID); a service always has one."""
    for table in set(KIND_TABLE.values()) - {"service"}:
        db.execute_sql(f'UPDATE "{table}" SET ext_id = NULL')


def test_objects_created_in_bcenter_of_every_kind_are_found_again_by_their_uuid(any_db, example_doc, snapshot):
    import_data(copy.deepcopy(example_doc), db=any_db)
    _forget_ext_ids(any_db)
    exported = export_document(db=any_db)
    assert exported["accounts"][0]["id"] != example_doc["accounts"][0]["id"]  # the UUID, not the old id
    before = snapshot(any_db)
    result = import_data(copy.deepcopy(exported), db=any_db)
    assert not result.changed, (dict(result.inserted), result.updated)
    assert snapshot(any_db) == before
    assert export_document(db=any_db) == exported


def test_an_export_of_objects_created_in_bcenter_reproduces_them_in_an_empty_database(any_db, second_db, bind,
                                                                                    example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    _forget_ext_ids(any_db)
    exported = export_document(db=any_db)
    bind(second_db)
    result = import_data(copy.deepcopy(exported), db=second_db)
    assert sum(result.unchanged.values()) == 0
    assert json.dumps(export_document(db=second_db), sort_keys=True) == json.dumps(exported, sort_keys=True)
    bind(any_db)


def test_a_document_naming_an_account_created_in_bcenter_by_its_uuid_pays_into_it(any_db, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    _forget_ext_ids(any_db)
    uid = str(any_db.execute_sql('SELECT id FROM "account" WHERE number = \'1002003004\'').fetchone()[0])
    doc = {"format": "bcenter-exchange", "version": 1,
           "payments": [{"id": "pay-new", "account": uid, "amount": "10.00", "paid_on": "2025-03-03",
                         "channel": "bank"}]}
    assert import_data(doc, db=any_db, today=date(2025, 12, 5)).inserted["payment"] == 1
