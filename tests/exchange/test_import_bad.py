"""Import of bad exchange documents: every error found, reported as ``path: reason``, nothing written.

Each case takes the documented example (or a small document against a database that already holds it),
plants one or more errors and checks (a) ``ValidationFailed`` is raised, (b) the exact set of problem paths
(e.g. ``premises[2].total_area``) and a key word of each (Russian) reason, (c) that a document with several
errors lists all of them, and (d) that the database is unchanged: the row count of every table — outbox and
audit_log included — is the same before and after (``snapshot``).

Cases: malformed JSON files (file:line:col), a document that is not an object, wrong format/version,
unknown top-level keys, unknown fields in objects (and free-form data under "extra" accepted), dangling
references, duplicate ids, duplicate account numbers (in the document and against the database), zero and
negative areas, living area above total, overlapping tariff periods (in the document and against the
database; other zones, houses and adjacent half-open periods do not clash), readings for unknown meters,
with wrong zone keys, or in the wrong array, impossible and malformed dates, to before from, amounts that
are not decimal strings, payment splits that do not add up, zero payments, facts re-imported with different
content, meter initial readings that do not match the zones. Known product bugs are ``xfail(strict=True)``.
"""
from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest

from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange.service import export_document, import_data, import_file

H = {"format": "bcenter-exchange", "version": 1}


# --- helpers ------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _parts(path: str) -> list:
    return [int(i) if i else name for name, i in _TOKEN.findall(path)]


def set_at(doc: Any, path: str, value: Any) -> None:
    *head, last = _parts(path)
    for part in head:
        doc = doc[part]
    doc[last] = value


def get_at(doc: Any, path: str) -> Any:
    for part in _parts(path):
        doc = doc[part]
    return doc


def failing(db, doc, snapshot) -> list:
    """Import `doc`, expect ValidationFailed, check nothing was written; return the problems."""
    before = snapshot(db)
    with pytest.raises(ValidationFailed) as info:
        import_data(doc, db=db)
    assert snapshot(db) == before, "a failed import must not write anything"
    problems = info.value.problems
    assert problems, "ValidationFailed without problems"
    text = str(info.value)
    for problem in problems:  # the message lists every problem as "path: reason"
        assert f"{problem.path}: {problem.reason}" in text
        assert str(problem) == f"{problem.path}: {problem.reason}"
    return problems


def by_path(problems) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in problems:
        out.setdefault(p.path, []).append(p.reason)
    return out


def assert_problems(problems, expected: dict[str, str]) -> None:
    """Exactly the paths of `expected`; each reason contains its key word (case-insensitive)."""
    found = by_path(problems)
    assert set(found) == set(expected), "\n".join(map(str, problems))
    for path, word in expected.items():
        assert any(word.lower() in reason.lower() for reason in found[path]), (path, word, found[path])


@pytest.fixture
def loaded(any_db, example_doc):
    """A database that already holds the example."""
    import_data(copy.deepcopy(example_doc), db=any_db)
    return any_db


# --- the cases on the example --------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    edits: list[tuple[str, Any]] = field(default_factory=list)  # (path, new value); path "x[]" appends to x
    expected: dict[str, str] = field(default_factory=dict)      # problem path -> key word of the reason
    also: Callable[[dict], None] | None = None

    def apply(self, doc: dict) -> dict:
        for path, value in self.edits:
            if path.endswith("[]"):
                get_at(doc, path[:-2]).append(copy.deepcopy(value))
            else:
                set_at(doc, path, copy.deepcopy(value))
        if self.also:
            self.also(doc)
        return doc


def _reading(id_: str, meter: str, values: dict, date: str = "2025-05-23") -> dict:
    return {"id": id_, "meter": meter, "date": date, "values": values, "source": "resident"}


CASES = [
    # unknown keys
    Case("unknown-field", [("absences[0].colour", "red")], {"absences[0].colour": "неизвестное поле"}),
    Case("unknown-field-payment", [("payments[0].cashier", "Петрова")], {"payments[0].cashier": "неизвестное поле"}),
    Case("unknown-field-nested", [("payments[1].services[0].note", "x")],
         {"payments[1].services[0].note": "неизвестное поле"}),
    Case("unknown-field-bank", [("organization.bank.branch", "1")], {"organization.bank.branch": "неизвестное поле"}),
    Case("unknown-field-organization", [("organization.director", "Иванов")],
         {"organization.director": "неизвестное поле"}),
    Case("unknown-setting", [("settings.due_day", 10)], {"settings.due_day": "неизвестное поле"}),
    # dangling references
    Case("premises-unknown-house", [("premises[0].house", "h-missing")], {"premises[0].house": "неизвестный объект"}),
    Case("account-unknown-premises", [("accounts[0].premises", "p-missing")],
         {"accounts[0].premises": "неизвестный объект"}),
    Case("account-unknown-holder", [("accounts[2].holder", {"person": "per-missing"})],
         {"accounts[2].holder.person": "неизвестный объект"}),
    Case("account-unknown-service", [("accounts[0].services[3].service", "svc-gaz")],
         {"accounts[0].services[3].service": "svc-gaz"}),
    Case("reading-unknown-meter", [("readings[0].meter", "m-missing")], {"readings[0].meter": "неизвестного прибора"}),
    Case("house-reading-unknown-meter", [("house_readings[2].meter", "m-missing")],
         {"house_readings[2].meter": "неизвестного прибора"}),
    Case("payment-unknown-account", [("payments[0].account", "acc-missing")],
         {"payments[0].account": "неизвестный объект"}),
    Case("payment-split-unknown-service", [("payments[1].services[1].service", "svc-missing")],
         {"payments[1].services[1].service": "неизвестный объект"}),
    Case("tariff-unknown-service", [("tariffs[0].service", "svc-missing")], {"tariffs[0].service": "неизвестный объект"}),
    Case("tariff-unknown-house", [("tariffs[2].house", "h-missing")], {"tariffs[2].house": "неизвестный объект"}),
    Case("service-unknown-supplier", [("services[0].supplier", "sup-missing")],
         {"services[0].supplier": "неизвестный объект"}),
    Case("registration-unknown-person", [("registrations[0].person", "per-missing")],
         {"registrations[0].person": "неизвестный объект"}),
    Case("ownership-unknown-premises", [("ownership[3].premises", "p-missing")],
         {"ownership[3].premises": "неизвестный объект"}),
    Case("opening-balance-unknown-account", [("opening_balances[1].account", "acc-missing")],
         {"opening_balances[1].account": "неизвестный объект"}),
    Case("absence-unknown-person", [("absences[0].person", "per-missing")], {"absences[0].person": "неизвестный объект"}),
    Case("quality-event-unknown-premises", [("quality_events[1].premises", "p-missing")],
         {"quality_events[1].premises": "неизвестный объект"}),
    # duplicates
    Case("duplicate-premises-id", [("premises[]", {"id": "p1", "house": "h1", "number": "99", "kind": "residential",
                                                    "total_area": "10"})], {"premises[6].id": "дубликат"}),
    Case("duplicate-reading-id", [("readings[]", _reading("r-m1-2501", "m1", {"total": "524"}))],
         {"readings[18].id": "дубликат"}),
    Case("duplicate-payment-id", [("payments[]", {"id": "pay3", "account": "acc3", "amount": "1.00",
                                                   "paid_on": "2025-02-21", "channel": "cash"})],
         {"payments[6].id": "дубликат"}),
    Case("duplicate-account-number", [("accounts[1].number", "1002003004")], {"accounts[1].number": "1002003004"}),
    # areas
    Case("premises-area-zero", [("premises[2].total_area", "0")], {"premises[2].total_area": "> 0"}),
    Case("premises-area-zero-decimals", [("premises[2].total_area", "0.00")], {"premises[2].total_area": "> 0"}),
    Case("premises-area-negative", [("premises[2].total_area", "-5.2")], {"premises[2].total_area": "> 0"}),
    Case("house-area-zero", [("houses[0].total_area", "0")], {"houses[0].total_area": "> 0"}),
    Case("house-common-area-negative", [("houses[1].common_area", "-1")], {"houses[1].common_area": "отрицательн"}),
    Case("living-area-above-total", [("premises[0].living_area", "60.00")], {"premises[0].living_area": "больше"}),
    Case("living-area-zero", [("premises[1].living_area", "0")], {"premises[1].living_area": "> 0"}),
    # tariff periods
    Case("tariff-overlap", [("tariffs[]", {"id": "t-cold-x", "service": "svc-cold", "from": "2025-01-01",
                                            "to": "2025-09-01", "rate": "50.00"})],
         {"tariffs[25]": "пересека", "tariffs[4]": "пересека"}),
    Case("tariff-overlap-one-day", [("tariffs[0].to", "2025-07-02")], {"tariffs[1]": "пересека"}),
    Case("tariff-overlap-zone", [("tariffs[]", {"service": "svc-elec", "from": "2025-01-01", "zone": "night",
                                                 "rate": "3.00"})],
         {"tariffs[25]": "пересека", "tariffs[14]": "пересека"}),
    Case("tariff-overlap-house", [("tariffs[]", {"id": "t-h2-2", "service": "svc-maint", "from": "2025-01-01",
                                                  "rate": "40.00", "house": "h2"})],
         {"tariffs[25]": "пересека"}),
    Case("norm-overlap", [("norms[]", {"service": "svc-sewer", "from": "2024-01-01", "value": "1", "per": "person"})],
         {"norms[7]": "пересека"}),
    # readings
    Case("reading-day-night-on-one-zone-meter", [("readings[0].values", {"day": "1", "night": "2"})],
         {"readings[0].values": "total"}),
    Case("reading-total-on-two-zone-meter", [("readings[10].values", {"total": "14354.7"})],
         {"readings[10].values": "day/night"}),
    Case("reading-extra-zone", [("readings[11].values", {"day": "1", "night": "2", "peak": "3"})],
         {"readings[11].values": "day/night"}),
    Case("house-meter-reading-in-readings", [("readings[]", _reading("r-m6", "m6", {"total": "50000"}))],
         {"readings[18].meter": "house_readings"}),
    Case("individual-reading-in-house-readings", [("house_readings[]", _reading("hr-m5", "m5", {"total": "99"}))],
         {"house_readings[8].meter": "house_readings"}),
    Case("reading-negative", [("readings[2].values.total", "-1")], {"readings[2].values.total": "отрицательн"}),
    # dates
    Case("date-does-not-exist", [("payments[0].paid_on", "2025-02-30")], {"payments[0].paid_on": "не существует"}),
    Case("date-month-13", [("registrations[0].from", "2015-13-10")], {"registrations[0].from": "не существует"}),
    Case("date-russian-order", [("payments[0].paid_on", "30.01.2025")], {"payments[0].paid_on": "ГГГГ-ММ-ДД"}),
    Case("date-no-zero-padding", [("readings[1].date", "2025-1-5")], {"readings[1].date": "ГГГГ-ММ-ДД"}),
    Case("date-as-number", [("payments[0].paid_on", 20250101)], {"payments[0].paid_on": "строкой"}),
    Case("date-in-settings", [("settings.non_working_days[1]", "2025-02-30")],
         {"settings.non_working_days[1]": "не существует"}),
    Case("period-month-13", [("payments[0].period", "2025-13")], {"payments[0].period": "ГГГГ-ММ"}),
    Case("closed-period-bad", [("closed_periods[]", "2024-00")], {"closed_periods[2]": "ГГГГ-ММ"}),
    Case("to-before-from", [("registrations[5].to", "2025-01-01")], {"registrations[5].to": "позже"}),
    Case("to-equals-from", [("registrations[5].to", "2025-02-01")], {"registrations[5].to": "позже"}),
    Case("tariff-to-before-from", [("tariffs[0].to", "2024-01-01")], {"tariffs[0].to": "позже"}),
    Case("account-closed-before-opened", [("accounts[3].closed", "2016-03-31")], {"accounts[3].closed": "позже"}),
    Case("meter-removed-before-installed", [("meters[0].removed", "2019-01-01")], {"meters[0].removed": "позже"}),
    Case("quality-event-end-before-start", [("quality_events[1].end", "2025-03-03T07:00:00+03:00")],
         {"quality_events[1].end": "позже"}),
    # amounts and quantities
    Case("amount-json-number", [("payments[2].amount", 100.5)], {"payments[2].amount": "строкой"}),
    Case("amount-integer-number", [("payments[2].amount", 100)], {"payments[2].amount": "строкой"}),
    Case("amount-decimal-comma", [("payments[2].amount", "100,50")], {"payments[2].amount": "1234.56"}),
    Case("amount-fraction-of-kopeck", [("payments[2].amount", "1.005")], {"payments[2].amount": "двумя знаками"}),
    Case("amount-not-a-number", [("payments[2].amount", "abc")], {"payments[2].amount": "сумма"}),
    Case("amount-exponent", [("payments[2].amount", "1e3")], {"payments[2].amount": "сумма"}),
    Case("amount-zero", [("payments[2].amount", "0.00")], {"payments[2].amount": "> 0"}),
    Case("amount-negative", [("payments[2].amount", "-10.00")], {"payments[2].amount": "> 0"}),
    Case("commission-json-number", [("payments[0].commission", 52.35)], {"payments[0].commission": "строкой"}),
    Case("opening-balance-number", [("opening_balances[0].amount", 1745.32)],
         {"opening_balances[0].amount": "строкой"}),
    Case("split-does-not-add-up", [("payments[1].services[0].amount", "1000.00")], {"payments[1].services": "не равна"}),
    Case("rate-json-number", [("tariffs[0].rate", 32.15)], {"tariffs[0].rate": "строкой"}),
    Case("rate-decimal-comma", [("tariffs[0].rate", "32,15")], {"tariffs[0].rate": "десятичное"}),
    Case("reading-json-number", [("readings[3].values.total", 535.21)], {"readings[3].values.total": "строкой"}),
    # meters
    Case("meter-initial-zones-one", [("meters[0].initial", {"day": "0", "night": "0"})], {"meters[0].initial": "total"}),
    Case("meter-initial-zones-two", [("meters[3].initial", {"total": "0"})], {"meters[3].initial": "day/night"}),
    # shares, counters, links
    Case("share-above-one", [("ownership[0].share", "3/2")], {"ownership[0].share": "больше целого"}),
    Case("share-zero-denominator", [("ownership[0].share", "1/0")], {"ownership[0].share": "дробь"}),
    Case("meter-digits-zero", [("meters[0].digits", 0)], {"meters[0].digits": "minimum"}),
    Case("commission-negative", [("payments[0].commission", "-1.00")], {"payments[0].commission": "отрицательн"}),
    Case("season-months-repeat", [("houses[0].heating.season_months", [1, 1, 2])],
         {"houses[0].heating.season_months": "uniqueItems"}),
    Case("account-service-twice", [("accounts[0].services[]", {"service": "svc-maint", "from": "2015-06-10"})],
         {"accounts[0].services[11]": "дважды"}),
    Case("tariff-component-missing", [("tariffs[5].components", {"cold_water_rate": "48.57", "heat_per_m3": "0.06"})],
         {"tariffs[5].components.heat_rate": "обязательное"}),
    Case("settings-and-organization", [("settings.payment_application", "lifo"),
                                       ("settings.average_limits.not_submitted", -1),
                                       ("settings.increasing_coefficients[0].from", "2026-02-30"),
                                       ("organization.inn", "123")],
         {"settings.payment_application": "допустимо", "settings.average_limits.not_submitted": "minimum",
          "settings.increasing_coefficients[0].from": "не существует", "organization.inn": "ИНН"}),
    # ГИС ЖКХ identifiers (issue 13)
    Case("els-lowercase", [("accounts[0].els", "77аб123456")], {"accounts[0].els": "ЕЛС — 10 знаков"}),
    Case("gis-id-of-another-els", [("accounts[0].gis_id", "77АБ654321-01")],
         {"accounts[0].gis_id": "должен начинаться с ЕЛС"}),
    Case("ipd-too-short", [("payment_documents[0].ipd", "77АБ123456")],
         {"payment_documents[0].ipd": "18 знаков"}),
    Case("ipd-unknown-account", [("payment_documents[0].account", "acc-nope")],
         {"payment_documents[0].account": "acc-nope"}),
    Case("ipd-twice", [("payment_documents[]", {"id": "ipd-2", "account": "acc2", "period": "2025-01",
                                                "ipd": "77АБ123456-01-0125"})],
         {"payment_documents[1].ipd": "уже указан"}),
    Case("ipd-month-twice", [("payment_documents[]", {"id": "ipd-3", "account": "acc1", "period": "2025-01",
                                                      "ipd": "77АБ123456-01-0225"})],
         {"payment_documents[1].period": "уже есть ИПД"}),
    # enums and shapes
    Case("enum-channel", [("payments[2].channel", "crypto")], {"payments[2].channel": "допустимо"}),
    Case("missing-required", [("absences[0]", {"id": "abs1", "person": "per5", "from": "2025-06-05"})],
         {"absences[0].to": "обязательное"}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_document(any_db, example_doc, snapshot, case):
    problems = failing(any_db, case.apply(example_doc), snapshot)
    assert_problems(problems, case.expected)


def test_several_errors_are_all_listed(any_db, example_doc, snapshot):
    doc = example_doc
    doc["supliers"] = []                                     # a typo of a section
    doc["premises"][2]["total_area"] = "0"                    # area
    doc["payments"][2]["amount"] = 100.5                      # a JSON number
    doc["tariffs"][0]["service"] = "svc-missing"              # dangling reference
    doc["readings"][0]["values"] = {"day": "1", "night": "2"}  # zones of a one-zone meter
    doc["accounts"][1]["number"] = "1002003004"               # duplicate number
    doc["registrations"][5]["to"] = "2025-01-01"              # to before from
    doc["payments"][0]["paid_on"] = "2025-02-30"              # no such date
    problems = failing(any_db, doc, snapshot)
    assert_problems(problems, {
        "supliers": "неизвестный",
        "premises[2].total_area": "> 0",
        "payments[2].amount": "строкой",
        "tariffs[0].service": "неизвестный объект",
        "readings[0].values": "total",
        "accounts[1].number": "повторяется",
        "registrations[5].to": "позже",
        "payments[0].paid_on": "не существует",
    })


def test_several_errors_in_one_object_are_all_listed(any_db, example_doc, snapshot):
    doc = example_doc
    doc["payments"][3].update(amount="1,5", paid_on="5.03.2025", channel="crypto", cashier="x")
    problems = failing(any_db, doc, snapshot)
    assert_problems(problems, {
        "payments[3].amount": "сумма",
        "payments[3].paid_on": "ГГГГ-ММ-ДД",
        "payments[3].channel": "допустимо",
        "payments[3].cashier": "неизвестное поле",
    })


# --- the top level ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("doc", [[], [H], "bcenter-exchange", 1, None, True],
                         ids=["list", "list-of-doc", "string", "number", "null", "bool"])
def test_not_an_object(any_db, snapshot, doc):
    problems = failing(any_db, doc, snapshot)
    assert_problems(problems, {"(документ)": "объект"})


@pytest.mark.parametrize("fmt", ["bcenter", "BCENTER-EXCHANGE", "", None, 1])
def test_wrong_format(any_db, snapshot, fmt):
    problems = failing(any_db, {"format": fmt, "version": 1}, snapshot)
    assert_problems(problems, {"format": "bcenter-exchange"})


def test_missing_format_and_version(any_db, snapshot):
    problems = failing(any_db, {"houses": []}, snapshot)
    assert_problems(problems, {"format": "bcenter-exchange", "version": "верси"})


@pytest.mark.parametrize("version", [2, 0, "1", "1.0", None, [1]], ids=["2", "0", "str-1", "str-1.0", "null", "list"])
def test_wrong_version(any_db, snapshot, version):
    problems = failing(any_db, {"format": "bcenter-exchange", "version": version}, snapshot)
    assert_problems(problems, {"version": "верси"})


def test_wrong_version_with_content_writes_nothing(any_db, example_doc, snapshot):
    example_doc["version"] = 2
    problems = failing(any_db, example_doc, snapshot)
    assert_problems(problems, {"version": "верси"})


def test_version_true_is_rejected(any_db, snapshot):
    problems = failing(any_db, {"format": "bcenter-exchange", "version": True}, snapshot)
    assert_problems(problems, {"version": "верси"})


@pytest.mark.parametrize("key", ["supliers", "Houses", "comment", "extra"])
def test_unknown_top_level_key(any_db, example_doc, snapshot, key):
    example_doc[key] = []
    problems = failing(any_db, example_doc, snapshot)
    assert_problems(problems, {key: "неизвестный"})


@pytest.mark.parametrize("array", ["houses", "payments", "closed_periods"])
def test_section_not_an_array(any_db, example_doc, snapshot, array):
    example_doc[array] = {"0": example_doc[array][0]}
    problems = failing(any_db, example_doc, snapshot)
    assert_problems(problems, {array: "массив"})


def test_unknown_fields_under_extra_are_accepted_and_kept(any_db, example_doc):
    extra = {"colour": "red", "nested": {"list": [1, "два", None], "flag": True}, "сумма": "1.50"}
    example_doc["payments"][0]["extra"] = extra
    example_doc["houses"][1]["extra"] = {"cadastral": "77:01:0001"}
    example_doc["settings"]["extra"] = {"note": "из старой системы"}
    result = import_data(copy.deepcopy(example_doc), db=any_db)
    assert result.inserted["payment"] == 6
    exported = export_document(db=any_db)
    assert exported["payments"][0]["extra"] == extra
    assert exported["houses"][1]["extra"] == {"cadastral": "77:01:0001"}


@pytest.mark.parametrize("path, value, word", [
    ("premises[0].colour", "red", "неизвестное поле"),
    ("houses[1].address.flat", "1", "неизвестное поле"),
    ("persons[0].birth_date", "14.03.1975", "ГГГГ-ММ-ДД"),
], ids=["premises-unknown-field", "house-address-unknown-field", "person-bad-date"])
def test_schema_error_in_a_referenced_object_is_reported_once(any_db, example_doc, snapshot, path, value, word):
    set_at(example_doc, path, value)
    problems = failing(any_db, example_doc, snapshot)
    assert_problems(problems, {path: word})


# --- malformed files ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, line, col, word", [
    ('{"format": "bcenter-exchange",\n  "version": 1,\n  "houses": [,]\n}', 3, 14, "ожидается значение"),
    ('{"format": "bcenter-exchange",\n  "version": 1\n  "houses": []\n}', 3, 3, "запятая"),
    ('{"format": "bcenter-exchange", "version": 1}\n{}', 2, 1, "лишние данные"),
    ("{'format': 'bcenter-exchange'}", 1, 2, "двойных кавычках"),
    ('{"format": "bcenter-exchange", "version": 1, "closed_periods": ["2024-11', 1, 65, "незакрытая строка"),
    ("", 1, 1, "ожидается значение"),
], ids=["missing-value", "missing-comma", "extra-data", "single-quotes", "unterminated", "empty"])
def test_malformed_json_file(any_db, snapshot, tmp_path, text, line, col, word):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    before = snapshot(any_db)
    with pytest.raises(ValidationFailed) as info:
        import_file(path, db=any_db)
    assert snapshot(any_db) == before
    [problem] = info.value.problems
    assert problem.path == f"{path}:{line}:{col}"
    assert "JSON" in problem.reason and word in problem.reason


def test_malformed_json_file_via_cli(any_db, any_url, snapshot, tmp_path, run_cli):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "bcenter-exchange",\n  "version": 1,\n  "houses": [,]\n}', encoding="utf-8")
    before = snapshot(any_db)
    code, out, err = run_cli("--db", any_url, "import", path, db=any_db)
    assert code == 1
    assert f"{path}:3:14: ошибка JSON" in err
    assert "Traceback" not in err
    assert snapshot(any_db) == before


def test_file_not_utf8(any_db, snapshot, tmp_path):
    path = tmp_path / "cp1251.json"
    path.write_bytes('{"format": "bcenter-exchange", "version": 1, "x": "Иванов"}'.encode("cp1251"))
    before = snapshot(any_db)
    with pytest.raises(ValidationFailed) as info:
        import_file(path, db=any_db)
    assert snapshot(any_db) == before
    [problem] = info.value.problems
    assert problem.path.startswith(str(path)) and "UTF-8" in problem.reason


def test_file_with_bad_content_lists_every_problem(any_db, example_doc, snapshot, tmp_path):
    example_doc["premises"][2]["total_area"] = "-5.2"
    example_doc["payments"][2]["amount"] = "1e3"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(example_doc, ensure_ascii=False), encoding="utf-8")
    before = snapshot(any_db)
    with pytest.raises(ValidationFailed) as info:
        import_file(path, db=any_db)
    assert snapshot(any_db) == before
    assert_problems(info.value.problems, {"premises[2].total_area": "> 0", "payments[2].amount": "сумма"})


# --- against what the database already holds ---------------------------------------------------------------------
def _account(id_: str, number: str, premises: str = "p2") -> dict:
    return {"id": id_, "number": number, "premises": premises, "opened": "2025-01-01",
            "holder": {"person": "per3"}, "services": [{"service": "svc-maint", "from": "2025-01-01"}]}


def test_account_number_already_in_the_database_under_another_id(loaded, snapshot):
    problems = failing(loaded, {**H, "accounts": [_account("acc-new", "1002003004")]}, snapshot)
    assert_problems(problems, {"accounts[0].number": "уже есть"})
    assert "acc1" in by_path(problems)["accounts[0].number"][0]


def test_account_number_clash_in_the_document_and_the_database(loaded, snapshot):
    doc = {**H, "accounts": [_account("acc-a", "5550001"), _account("acc-b", "5550001"),
                             _account("acc-c", "1002010012")]}
    problems = failing(loaded, doc, snapshot)
    assert_problems(problems, {"accounts[1].number": "повторяется", "accounts[2].number": "уже есть"})


def test_reading_for_a_database_meter_with_wrong_zones(loaded, snapshot):
    doc = {**H, "readings": [_reading("r-new-1", "m4", {"total": "15000"}),
                             _reading("r-new-2", "m2", {"day": "1", "night": "1"}),
                             _reading("r-new-3", "m-missing", {"total": "1"}),
                             _reading("r-new-4", "m7", {"total": "1600"})]}
    problems = failing(loaded, doc, snapshot)
    assert_problems(problems, {"readings[0].values": "day/night", "readings[1].values": "total",
                               "readings[2].meter": "неизвестного прибора", "readings[3].meter": "house_readings"})


def test_tariff_overlapping_one_in_the_database(loaded, snapshot):
    doc = {**H, "tariffs": [{"id": "t-cold-x", "service": "svc-cold", "from": "2025-01-01", "to": "2025-09-01",
                             "rate": "50.00"}]}
    problems = failing(loaded, doc, snapshot)
    assert "tariffs[0]" in by_path(problems)
    assert any("t-cold-2024" in r for r in by_path(problems)["tariffs[0]"])


def test_tariff_overlap_against_the_database_names_only_the_document(loaded, snapshot):
    doc = {**H, "tariffs": [{"id": "t-cold-x", "service": "svc-cold", "from": "2025-01-01", "to": "2025-09-01",
                             "rate": "50.00"}]}
    problems = failing(loaded, doc, snapshot)
    assert {p.path for p in problems} == {"tariffs[0]"}, "\n".join(map(str, problems))


NON_CLASHING = [
    {"id": "t-cold-old", "service": "svc-cold", "from": "2024-01-01", "to": "2024-07-01", "rate": "45.00"},
    {"id": "t-elec-peak", "service": "svc-elec", "from": "2024-01-01", "zone": "peak", "rate": "1.00"},
    {"id": "t-cold-h1", "service": "svc-cold", "from": "2024-01-01", "house": "h1", "rate": "47.00"},
]


@pytest.mark.parametrize("tariff", NON_CLASHING, ids=["adjacent", "other-zone", "other-house"])
def test_non_clashing_tariffs_in_one_document(any_db, example_doc, tariff):
    example_doc["tariffs"].append(tariff)
    result = import_data(example_doc, db=any_db)
    assert result.inserted["tariff"] == 26


def test_adjacent_half_open_tariff_periods_do_not_clash(any_db, example_doc):
    example_doc["tariffs"] += [
        {"service": "svc-maint", "from": "2024-01-01", "to": "2024-04-01", "rate": "30.00", "house": "h1"},
        {"service": "svc-maint", "from": "2024-04-01", "to": "2024-07-01", "rate": "31.00", "house": "h1"},
        {"service": "svc-maint", "from": "2024-07-01", "rate": "33.00", "house": "h1"},
    ]
    result = import_data(example_doc, db=any_db)
    assert result.inserted["tariff"] == 28


@pytest.mark.parametrize("tariff", NON_CLASHING, ids=["adjacent", "other-zone", "other-house"])
def test_non_clashing_tariff_against_a_database_of_one_service(any_db, example_doc, tariff):
    service = next(s for s in example_doc["services"] if s["id"] == tariff["service"])  # a zone: electricity's
    first = {**H, "suppliers": [s for s in example_doc["suppliers"] if s["id"] == service["supplier"]],
             "services": [service], "houses": example_doc["houses"][:1],
             "tariffs": [t for t in example_doc["tariffs"] if t["service"] == service["id"] and "house" not in t]}
    first["houses"][0].pop("services")
    import_data(copy.deepcopy(first), db=any_db)
    result = import_data({**H, "tariffs": [tariff]}, db=any_db)
    assert result.inserted["tariff"] == 1


@pytest.mark.parametrize("tariff", NON_CLASHING, ids=["adjacent", "other-zone", "other-house"])
def test_non_clashing_tariff_against_the_example_database(loaded, tariff):
    result = import_data({**H, "tariffs": [tariff]}, db=loaded)
    assert result.inserted["tariff"] == 1


# --- facts re-imported with different content -----------------------------------------------------------------------
@pytest.mark.parametrize("array, index, path, value, ext", [
    ("payments", 0, "amount", "100.00", "pay1"),
    ("payments", 2, "paid_on", "2025-02-21", "pay3"),
    ("readings", 0, "values", {"total": "999"}, "r-m1-2412"),
    ("house_readings", 1, "values", {"total": "1"}, "hr-m6-2501"),
    ("registrations", 1, "kind", "temporary", "reg2"),
], ids=["payment-amount", "payment-date", "reading-values", "house-reading-values", "registration-kind"])
def test_same_id_with_different_content_is_an_error(loaded, example_doc, snapshot, array, index, path, value, ext):
    original = export_document(db=loaded)
    obj = copy.deepcopy(example_doc[array][index])
    set_at(obj, path, value)
    problems = failing(loaded, {**H, array: [obj]}, snapshot)
    found = by_path(problems)
    assert set(found) == {f"{array}[0]"}, "\n".join(map(str, problems))
    assert ext in found[f"{array}[0]"][0]
    assert "другим содержимым" in found[f"{array}[0]"][0]
    assert export_document(db=loaded) == original  # the stored fact is not overwritten


@pytest.mark.parametrize("array, index, change", [
    ("payments", 1, lambda o: o["services"].__setitem__(slice(None), [
        {"service": "svc-maint", "amount": "1100.00"}, {"service": "svc-cold", "amount": "900.00"}])),
], ids=["payment-split"])
def test_same_id_with_different_children_is_an_error(loaded, example_doc, snapshot, array, index, change):
    obj = copy.deepcopy(example_doc[array][index])
    change(obj)
    problems = failing(loaded, {**H, array: [obj]}, snapshot)
    assert {p.path for p in problems} == {f"{array}[0]"}


# --- reference and master data re-imported with other content: an audited update ---------------------------------
@pytest.mark.parametrize("array, index, change, field", [
    ("persons", 0, lambda o: o.__setitem__("phone", "+7 000 000-00-00"), "phone"),
    ("premises", 0, lambda o: o.__setitem__("total_area", "54.29"), "total_area"),  # the house holds no more
    ("meters", 0, lambda o: o.__setitem__("extra", {"removal_reason": "другое"}), "extra"),
    ("accounts", 0, lambda o: o.__setitem__("number", "1002003999"), "number"),
    ("tariffs", 0, lambda o: o.__setitem__("rate", "33.00"), "rate"),
    ("accounts", 0, lambda o: o["services"].__delitem__(slice(3, None)), "services"),
    ("houses", 0, lambda o: o["services"].__delitem__(slice(3, None)), "services"),
    ("suppliers", 0, lambda o: o["bank"].__setitem__("account", "40702810938000099999"), "bank"),
], ids=["person-phone", "premises-area", "meter-extra", "account-number", "tariff-rate", "account-services",
        "house-services", "supplier-bank"])
def test_master_and_reference_data_are_updated_on_reimport(loaded, example_doc, array, index, change, field):
    """Master and reference data are edited (field by field, audited); facts are not (tests above)."""
    obj = copy.deepcopy(example_doc[array][index])
    change(obj)
    result = import_data({**H, array: [obj]}, db=loaded)
    assert result.changed and any(field in u for u in result.updated), result.updated
    exported = {o.get("id"): o for o in export_document(db=loaded)[array]}
    assert exported[obj["id"]] == json.loads(json.dumps(exported[obj["id"]]))  # still a plain document
    assert import_data({**H, array: [obj]}, db=loaded).changed is False  # and now it is what was sent
    actions = [a for (a,) in loaded.execute_sql("SELECT action FROM audit_log")]
    assert any(a.endswith((":update", ":delete")) for a in actions)


@pytest.mark.parametrize("array, obj", [
    ("opening_balances", {"account": "acc1", "service": "svc-maint", "period": "2025-01", "amount": "1.00"}),
    ("key_rates", {"from": "2024-10-28", "rate": "22.0"}),
], ids=["opening-balance", "key-rate"])
def test_natural_key_with_different_value_is_an_error(loaded, snapshot, array, obj):
    problems = failing(loaded, {**H, array: [obj]}, snapshot)
    assert all(p.path.startswith(array) for p in problems)
    assert any("другим значением" in p.reason for p in problems)


@pytest.mark.parametrize("array, obj", [
    ("opening_balances", {"account": "acc1", "service": "svc-maint", "period": "2025-01", "amount": "1.00"}),
    ("key_rates", {"from": "2024-10-28", "rate": "22.0"}),
], ids=["opening-balance", "key-rate"])
def test_natural_key_clash_names_the_element(loaded, snapshot, array, obj):
    problems = failing(loaded, {**H, array: [obj]}, snapshot)
    assert [p.path for p in problems] in ([f"{array}[0]"], [f"{array}[0].amount"], [f"{array}[0].rate"])
    assert "acc1" in problems[0].reason or array == "key_rates"


@pytest.mark.parametrize("edit, path", [
    (("readings[1].values.total", "500.000"), "readings[1]"),
    (("meters[4].initial", {"total": "90.000"}), "readings[14]"),
], ids=["below-previous", "below-initial"])
def test_decreasing_readings_are_kept_rejected(any_db, example_doc, edit, path):
    """A reading below the one before it (or below the meter's initial reading) cannot be right: the import keeps
    it — a reading is never dropped — with the rule's verdict, out of the month (issue 15: the same rules as a
    reading typed by hand), and names it; the readings after it are judged against the last counted one."""
    set_at(example_doc, *edit)
    index = int(path.split("[")[1].rstrip("]"))
    ext = example_doc["readings"][index]["id"]
    result = import_data(example_doc, db=any_db)
    assert result.readings["rejected"] >= 1
    assert any(n.startswith(f"{path}: ") and "меньше" in n for n in result.reading_notes)
    mark = "%s" if "Postgres" in type(any_db).__name__ else "?"
    status, checks = any_db.execute_sql(f'SELECT status, checks FROM "meter_reading" WHERE ext_id = {mark}',
                                        (ext,)).fetchone()
    assert status == "rejected" and json.loads(checks)["verdicts"][0][0] == "below_previous"
    assert import_data(example_doc, db=any_db).changed is False  # imported again: nothing new, nothing judged


def test_norm_overlapping_one_in_the_database(loaded, snapshot):
    doc = {**H, "norms": [{"id": "n-sewer-2", "service": "svc-sewer", "from": "2024-01-01", "value": "8.0",
                           "per": "person"},
                          {"id": "n-sewer-amenity", "service": "svc-sewer", "from": "2024-01-01", "value": "7.0",
                           "per": "person", "amenity": "без ванны"}]}
    problems = failing(loaded, doc, snapshot)
    assert_problems(problems, {"norms[0]": "пересека"})
    assert "n-sewer" in problems[0].reason
    result = import_data({**H, "norms": doc["norms"][1:]}, db=loaded)  # another amenity does not clash
    assert result.inserted["norm"] == 1


@pytest.mark.parametrize("array, obj", [
    ("tariffs", {"service": "svc-cold", "from": "2024-01-01", "to": "2024-07-01", "rate": "45.00"}),
    ("norms", {"service": "svc-sewer", "from": "2020-01-01", "to": "2023-01-01", "value": "8", "per": "person"}),
], ids=["tariff", "norm"])
def test_object_without_id_imported_twice_changes_nothing(loaded, snapshot, array, obj):
    doc = {**H, array: [obj]}
    assert import_data(copy.deepcopy(doc), db=loaded).changed
    before = snapshot(loaded)
    result = import_data(copy.deepcopy(doc), db=loaded)
    assert result.changed is False
    assert result.unchanged[array] == 1
    assert snapshot(loaded) == before


DUPLICATE_NATURAL_KEYS = [
    ("opening_balances", {"account": "acc1", "service": "svc-maint", "period": "2025-01", "amount": "1.00"}, 4),
    ("key_rates", {"from": "2024-10-28", "rate": "22.0"}, 5),
]


@pytest.mark.parametrize("array, obj, index", DUPLICATE_NATURAL_KEYS, ids=["opening-balance", "key-rate"])
def test_database_error_during_import_writes_nothing(any_db, example_doc, snapshot, array, obj, index):
    """All-or-nothing holds even when the database itself refuses a row in the middle of the writing."""
    example_doc[array].append(obj)
    before = snapshot(any_db)
    with pytest.raises(Exception):
        import_data(example_doc, db=any_db)
    assert snapshot(any_db) == before


@pytest.mark.parametrize("array, obj, index", DUPLICATE_NATURAL_KEYS, ids=["opening-balance", "key-rate"])
def test_duplicate_natural_keys_in_one_document(any_db, example_doc, snapshot, array, obj, index):
    example_doc[array].append(obj)
    problems = failing(any_db, example_doc, snapshot)
    assert {p.path.split(".")[0] for p in problems} == {f"{array}[{index}]"}
