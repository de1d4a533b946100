"""Import of valid exchange documents (EXCHANGE.md, docs/exchange.md «Правила импорта»).

Covers: the documented example imports and the rows written match the document array by array (and what the
export gives back); a second import of the same document changes nothing (no row in any table, outbox or
audit); the example carries every object kind and all of them land; an empty document is accepted and
writes nothing; a document split in two (reference data first, then objects that refer to it by id) imports,
with references resolved from the database; decimals written differently but equal count as the same
content; a changed organization / settings on re-import is applied as an update with a before/after audit
row. Runs on SQLite and, with BCENTER_TEST_PG, on PostgreSQL.
"""
from __future__ import annotations

import copy
import json

import pytest

from bcenter.modules.exchange.service import export_document, import_data

# top-level array -> the table its objects land in
ARRAY_TABLE = {
    "suppliers": "supplier", "services": "service", "tariffs": "tariff", "norms": "norm", "key_rates": "key_rate",
    "moratoria": "moratorium", "houses": "house", "premises": "premises", "persons": "person",
    "accounts": "account", "registrations": "registration", "ownership": "ownership", "meters": "meter",
    "meter_events": "meter_event", "meter_verifications": "meter_verification", "readings": "meter_reading", "house_readings": "house_reading", "absences": "absence",
    "quality_events": "quality_event", "payments": "payment", "payment_documents": "payment_document",
    "opening_balances": "opening_balance", "closed_periods": "billing_period",
}
TOP_LEVEL = ("format", "version", "organization", "settings", *ARRAY_TABLE)

REFERENCE_PART = ("organization", "settings", "suppliers", "services", "tariffs", "norms", "key_rates",
                  "moratoria", "houses", "premises", "persons")
"""The first half of a split import: objects that the rest refers to."""


def _children(doc: dict) -> dict[str, int]:
    return {
        "house_service": sum(len(h.get("services", ())) for h in doc.get("houses", ())),
        "account_service": sum(len(a.get("services", ())) for a in doc.get("accounts", ())),
        "payment_service_split": sum(len(p.get("services", ())) for p in doc.get("payments", ())),
        "bank_detail": len(doc.get("suppliers", ())) + (1 if "bank" in doc.get("organization", {}) else 0),
    }


def test_example_imports_and_counts_match_the_document(any_db, example_doc, snapshot):
    before = snapshot(any_db)
    result = import_data(copy.deepcopy(example_doc), db=any_db)
    after = snapshot(any_db)

    assert result.changed
    assert result.updated == []
    assert sum(result.unchanged.values()) == 0
    for array, table in ARRAY_TABLE.items():
        assert result.inserted[table] == len(example_doc[array]), array
        assert after[table] - before[table] == len(example_doc[array]), array
    for table, count in _children(example_doc).items():
        assert after[table] - before[table] == count, table
        if table != "bank_detail":  # the organization's bank row is counted under "organization"
            assert result.inserted[table] == count, table
    assert result.inserted["organization"] == 1
    assert result.inserted["setting"] == len(example_doc["settings"])
    assert after["outbox"] > before["outbox"]  # every write is announced
    assert after["audit_log"] == before["audit_log"] + 1  # one summary row for the import

    exported = export_document(db=any_db)
    for array in ARRAY_TABLE:
        assert len(exported[array]) == len(example_doc[array]), array
    for array in ARRAY_TABLE.keys() - {"key_rates", "moratoria", "opening_balances", "closed_periods"}:
        assert [o["id"] for o in exported[array]] == [o["id"] for o in example_doc[array]], array
    assert exported["closed_periods"] == example_doc["closed_periods"]
    assert exported["organization"] == example_doc["organization"]
    assert exported["settings"] == example_doc["settings"]


def test_second_import_changes_nothing(any_db, example_doc, snapshot):
    import_data(copy.deepcopy(example_doc), db=any_db)
    exported = export_document(db=any_db)
    before = snapshot(any_db)

    again = import_data(copy.deepcopy(example_doc), db=any_db)

    assert again.changed is False
    assert sum(again.inserted.values()) == 0
    assert again.updated == []
    for array in ARRAY_TABLE:
        assert again.unchanged[array] == len(example_doc[array]), array
    assert snapshot(any_db) == before  # not a row anywhere: domain, outbox, audit_log
    assert export_document(db=any_db) == exported


def test_third_import_of_the_export_changes_nothing(any_db, example_doc, snapshot):
    """The export of a database re-imported into the same database is recognised object by object."""
    import_data(copy.deepcopy(example_doc), db=any_db)
    exported = export_document(db=any_db)
    before = snapshot(any_db)
    result = import_data(copy.deepcopy(exported), db=any_db)
    assert result.changed is False
    assert snapshot(any_db) == before


def test_example_has_every_object_kind_and_all_land(any_db, example_doc):
    assert set(example_doc) == set(TOP_LEVEL)
    assert all(example_doc[array] for array in ARRAY_TABLE)
    # the variants the contract names are present too
    assert {m["kind"] for m in example_doc["meters"]} >= {"individual", "house"}
    assert {m["zones"] for m in example_doc["meters"]} >= {1, 2}
    assert any("organization" in a["holder"] for a in example_doc["accounts"])
    assert any("organization" in o["owner"] for o in example_doc["ownership"])
    assert any("components" in t for t in example_doc["tariffs"])
    assert any("house" in t for t in example_doc["tariffs"]) and any("zone" in t for t in example_doc["tariffs"])
    assert {"house" in q for q in example_doc["quality_events"]} == {True, False}
    assert any("services" in p for p in example_doc["payments"])
    assert any("extra" in o for array in ARRAY_TABLE for o in example_doc[array] if isinstance(o, dict))

    import_data(copy.deepcopy(example_doc), db=any_db)
    exported = export_document(db=any_db)
    assert set(exported) == set(TOP_LEVEL)
    for array in ARRAY_TABLE:
        assert len(exported[array]) == len(example_doc[array]), array


@pytest.mark.parametrize("doc", [
    {"format": "bcenter-exchange", "version": 1},
    {"format": "bcenter-exchange", "version": 1, **{array: [] for array in ARRAY_TABLE}},
], ids=["bare", "empty-arrays"])
def test_empty_document_imports_and_changes_nothing(any_db, snapshot, doc):
    before = snapshot(any_db)
    result = import_data(doc, db=any_db)
    assert result.changed is False
    assert sum(result.inserted.values()) == 0
    assert sum(result.unchanged.values()) == 0
    assert snapshot(any_db) == before


def test_document_split_in_two_resolves_references_from_the_database(any_db, example_doc, snapshot):
    first = {k: v for k, v in example_doc.items() if k in REFERENCE_PART or k in ("format", "version")}
    second = {k: v for k, v in example_doc.items() if k not in REFERENCE_PART}
    # the second part really refers to objects it does not carry
    assert "premises" not in second and "persons" not in second and "services" not in second
    assert {a["premises"] for a in second["accounts"]} <= {p["id"] for p in first["premises"]}

    r1 = import_data(copy.deepcopy(first), db=any_db)
    r2 = import_data(copy.deepcopy(second), db=any_db)
    assert r1.changed and r2.changed
    for array in ARRAY_TABLE:
        part = r1 if array in first else r2
        assert part.inserted[ARRAY_TABLE[array]] == len(example_doc[array]), array

    # the same content as a one-shot import: the whole document is now recognised object by object
    before = snapshot(any_db)
    whole = import_data(copy.deepcopy(example_doc), db=any_db)
    assert whole.changed is False
    assert snapshot(any_db) == before
    exported = export_document(db=any_db)
    account = next(a for a in exported["accounts"] if a["id"] == "acc1")
    assert account["premises"] == "p1" and account["holder"] == {"person": "per1"}


def test_readings_alone_refer_to_meters_in_the_database(any_db, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    doc = {"format": "bcenter-exchange", "version": 1,
           "readings": [{"id": "r-m4-2505", "meter": "m4", "date": "2025-05-23",
                         "values": {"day": "10890.0", "night": "4420.5"}, "source": "resident"},
                        {"id": "r-m2-2505", "meter": "m2", "date": "2025-05-23",
                         "values": {"total": "19.500"}, "source": "resident"}],
           "house_readings": [{"id": "hr-m6-2504", "meter": "m6", "date": "2025-04-30",
                               "values": {"total": "49200"}, "source": "inspector", "period": "2025-04"}],
           "payments": [{"id": "pay7", "account": "acc7", "amount": "100.00", "paid_on": "2025-05-01",
                         "channel": "online", "services": [{"service": "svc-maint", "amount": "100.00"}]}]}
    result = import_data(copy.deepcopy(doc), db=any_db)
    assert result.inserted["meter_reading"] == 2
    assert result.inserted["house_reading"] == 1
    assert result.inserted["payment"] == 1
    exported = export_document(db=any_db)
    assert exported["readings"][-2:] == [
        {"id": "r-m4-2505", "meter": "m4", "date": "2025-05-23", "values": {"day": "10890", "night": "4420.5"},
         "source": "resident"},
        {"id": "r-m2-2505", "meter": "m2", "date": "2025-05-23", "values": {"total": "19.5"},
         "source": "resident"}]
    assert exported["payments"][-1]["services"] == [{"service": "svc-maint", "amount": "100.00"}]


def test_equal_decimals_written_differently_are_the_same_content(any_db, example_doc, snapshot):
    import_data(copy.deepcopy(example_doc), db=any_db)
    before = snapshot(any_db)
    doc = copy.deepcopy(example_doc)
    doc["premises"][0]["total_area"] = "54.3"      # was "54.30"
    doc["houses"][0]["common_area"] = "80"         # was "80.00"
    doc["readings"][0]["values"]["total"] = "515.1200"
    doc["tariffs"][1]["rate"] = "34.2"             # was "34.20"
    doc["key_rates"][0]["rate"] = "21"             # was "21.0"
    doc["payments"][1]["amount"] = "2000"          # was "2000.00"
    result = import_data(doc, db=any_db)
    assert result.changed is False
    assert snapshot(any_db) == before


def test_organization_and_settings_change_is_an_audited_update(any_db, example_doc, snapshot):
    from db.models import AuditLog, Outbox

    import_data(copy.deepcopy(example_doc), db=any_db)
    before = snapshot(any_db)
    doc = copy.deepcopy(example_doc)
    doc["organization"]["phone"] = "+7 495 000-00-00"
    doc["settings"]["payment_application"] = "fifo"
    doc["settings"]["average_limits"] = {"not_submitted": 3, "meter_failed": 3}

    result = import_data(doc, db=any_db)

    assert result.changed
    assert sum(result.inserted.values()) == 0
    assert "organization" in result.updated
    assert "settings.payment_application" in result.updated
    assert "settings.average_limits" in result.updated
    assert len(result.updated) == 3
    for array in ARRAY_TABLE:  # the facts were only recognised
        assert result.unchanged[array] == len(example_doc[array]), array

    after = snapshot(any_db)
    technical = ("outbox", "audit_log", "sync_field_clock", "local_setting")  # the edits' clocks (issue 17)
    domain = {t for t in after if t not in technical}
    assert {t: after[t] for t in domain} == {t: before[t] for t in domain}  # updated in place, no new rows
    assert after["outbox"] > before["outbox"]

    updates = {row.table_name: row for row in AuditLog.select().where(AuditLog.action == "exchange.import:update")}
    org = [r for r in AuditLog.select().where((AuditLog.action == "exchange.import:update")
                                              & (AuditLog.table_name == "organization"))]
    assert len(org) == 1
    assert org[0].before == {"phone": "+7 495 123-45-67"}
    assert org[0].after == {"phone": "+7 495 000-00-00"}
    settings_rows = [r for r in AuditLog.select().where((AuditLog.action == "exchange.import:update")
                                                        & (AuditLog.table_name == "setting"))]
    changes = sorted((json.dumps(r.before, sort_keys=True), json.dumps(r.after, sort_keys=True))
                     for r in settings_rows)
    assert changes == sorted([
        (json.dumps({"value": "specified_then_fifo"}), json.dumps({"value": "fifo"})),
        (json.dumps({"value": {"meter_failed": 3, "not_submitted": 6}}, sort_keys=True),
         json.dumps({"value": {"meter_failed": 3, "not_submitted": 3}}, sort_keys=True)),
    ])
    assert set(updates) == {"organization", "setting"}
    assert Outbox.select().where((Outbox.op == "update") & (Outbox.table_name == "organization")).count() == 1

    exported = export_document(db=any_db)
    assert exported["organization"]["phone"] == "+7 495 000-00-00"
    assert exported["settings"]["payment_application"] == "fifo"
    assert exported["settings"]["average_limits"] == {"not_submitted": 3, "meter_failed": 3}

    # and the changed document is now what is stored: importing it again changes nothing
    again = snapshot(any_db)
    assert import_data(copy.deepcopy(doc), db=any_db).changed is False
    assert snapshot(any_db) == again


def test_organization_with_extra_is_stable_on_reimport(any_db, example_doc, snapshot):
    doc = copy.deepcopy(example_doc)
    doc["organization"]["extra"] = {"license": "№ 077-000123", "nested": {"a": [1, 2]}}
    doc["settings"]["extra"] = {"source": "old system"}
    import_data(copy.deepcopy(doc), db=any_db)
    before = snapshot(any_db)
    result = import_data(copy.deepcopy(doc), db=any_db)
    assert result.changed is False, result.updated
    assert snapshot(any_db) == before
    assert export_document(db=any_db)["organization"]["extra"] == doc["organization"]["extra"]


def test_import_file_reads_utf8_with_bom_and_audits_the_file_name(any_db, example_doc, tmp_path):
    from bcenter.modules.exchange.service import import_file
    from db.models import AuditLog

    path = tmp_path / "выгрузка из старой системы.json"
    path.write_bytes(json.dumps(example_doc, ensure_ascii=False).encode("utf-8-sig"))
    result = import_file(path, db=any_db)
    assert result.inserted["account"] == len(example_doc["accounts"])
    [summary] = [r.summary for r in AuditLog.select().where(AuditLog.action == "exchange.import")]
    assert summary["file"] == path.name
    assert summary["rows"]["account"] == len(example_doc["accounts"])


def test_a_person_renamed_by_a_re_import_is_found_by_the_new_name(any_db, example_doc):
    """A re-import that changes a person's surname (a marriage): the search finds the accounts they hold by the new
    name, not the old one — the import rebuilt the search index only for accounts it inserted."""
    from db.search import search_accounts

    import_data(copy.deepcopy(example_doc), db=any_db)
    assert {r["number"] for r in search_accounts(any_db, "Иванов Иван")} >= {"1002003004"}
    doc = copy.deepcopy(example_doc)
    next(p for p in doc["persons"] if p["id"] == "per1")["last_name"] = "Петровский"
    import_data(doc, db=any_db)
    (found,) = [r for r in search_accounts(any_db, "Петровский") if r["number"] == "1002003004"]
    assert "Петровский Иван Иванович" in found["names"] and "Иванов Иван" not in found["names"]
