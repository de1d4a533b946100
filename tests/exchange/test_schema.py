"""The JSON Schema of the exchange format v1 (EXCHANGE.md) and its example document.

The importer compiles one validator per object kind with fastjsonschema from this schema, so the tests check both
validators (jsonschema, the reference implementation of draft 2020-12, and fastjsonschema), the shape the importer
relies on, and that the example in docs/ is valid and semantically sound.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import fastjsonschema
import jsonschema
import pytest

from bcenter.core.settings import CHOICES, Settings

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "bcenter" / "modules" / "exchange" / "exchange.schema.json"
EXAMPLE_PATH = ROOT / "docs" / "examples" / "full.json"

# top-level array key -> $defs kind (EXCHANGE.md "Top level"): the importer's own table
from bcenter.modules.exchange.schema import ARRAY_KINDS as ARRAYS  # noqa: E402

SINGLE = {"organization": "organization", "settings": "settings"}
KINDS = sorted(set(ARRAYS.values()) | set(SINGLE.values()))
OBJECT_KINDS = [k for k in KINDS if k != "closed_period"]

SETTINGS_DEFAULTS = json.loads(json.dumps(dataclasses.asdict(Settings())))
"""The typed settings' defaults (``bcenter.core.settings``, the one place they are written) as JSON."""


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def example_text() -> str:
    return EXAMPLE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def example(example_text) -> dict:
    return json.loads(example_text)


@pytest.fixture(scope="module")
def reference(schema):
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def fast(schema):
    return fastjsonschema.compile(schema)


def wrapper(schema: dict, kind: str) -> dict:
    """The per-kind schema the importer compiles."""
    return {"$defs": schema["$defs"], "$ref": f"#/$defs/{kind}"}


def fast_accepts(validate, doc) -> bool:
    try:
        validate(copy.deepcopy(doc))  # fastjsonschema fills defaults in place: keep the fixture intact
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


# ---------------------------------------------------------------------------------------------- the schema itself

def test_schema_is_a_valid_draft_2020_12_schema(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_top_level_shape_is_what_the_importer_relies_on(schema):
    props = schema["properties"]
    assert set(props) == {"format", "version", "masked"} | set(ARRAYS) | set(SINGLE)
    assert schema["required"] == ["format", "version"]
    assert schema["additionalProperties"] is False
    assert props["format"]["const"] == "bcenter-exchange"
    assert props["version"]["const"] == 1
    for key, kind in ARRAYS.items():
        assert props[key]["type"] == "array"
        assert props[key]["items"] == {"$ref": f"#/$defs/{kind}"}
    for key, kind in SINGLE.items():
        assert props[key]["$ref"] == f"#/$defs/{kind}"
    assert set(KINDS) <= set(schema["$defs"])
    for common in ("money", "decimal", "date", "datetime", "period", "id", "bank", "inn", "kpp", "bic",
                   "bank_account", "share", "zone_values", "holder", "service_link"):
        assert common in schema["$defs"], common


def _objects(node, path="#"):
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{path}/{i}")


def test_every_object_is_closed_except_extra(schema):
    for path, node in _objects(schema):
        if path == "#/$defs/extra":
            assert "additionalProperties" not in node  # free-form
            continue
        if "properties" in node and path.split("/")[-1] not in ("if",):
            assert node.get("additionalProperties") is False, path


def test_every_object_kind_allows_extra(schema):
    for kind in OBJECT_KINDS:
        assert schema["$defs"][kind]["properties"]["extra"] == {
            "$ref": "#/$defs/extra", "description": schema["$defs"][kind]["properties"]["extra"]["description"]}
    assert schema["$defs"]["extra"]["type"] == "object"


def test_every_property_has_a_description(schema):
    for path, node in _objects(schema):
        if path.endswith("/if"):
            continue
        for name, prop in node.get("properties", {}).items():
            assert prop.get("description"), f"{path}/properties/{name}"


def test_no_keywords_fastjsonschema_does_not_know(schema):
    text = json.dumps(schema)
    for keyword in ("unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "dependentSchemas",
                    "prefixItems", "exclusiveMinimum", "\"format\": \""):
        assert keyword not in text, keyword


def test_settings_defaults_are_documented(schema):
    props = schema["$defs"]["settings"]["properties"]
    assert set(props) == set(SETTINGS_DEFAULTS) | {"extra"}
    for key, default in SETTINGS_DEFAULTS.items():
        assert props[key]["default"] == default, key
        if "enum" in props[key]:
            assert default in props[key]["enum"]
    limits = props["average_limits"]["properties"]
    assert {k: v["default"] for k, v in limits.items()} == SETTINGS_DEFAULTS["average_limits"]
    for key, allowed in CHOICES.items():
        assert tuple(props[key]["enum"]) == allowed, key


def test_whole_schema_compiles_with_fastjsonschema(schema):
    fastjsonschema.compile(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_per_kind_wrapper_compiles_and_accepts_the_example_objects(schema, example, kind):
    validate = fastjsonschema.compile(wrapper(schema, kind))
    key = next(k for k, v in {**ARRAYS, **SINGLE}.items() if v == kind)
    items = example[key] if key in ARRAYS else [example[key]]
    assert items, f"the example has no {key}"
    for item in items:
        validate(copy.deepcopy(item))


# ---------------------------------------------------------------------------------------------- the example

def test_example_validates_with_jsonschema(reference, example):
    errors = [f"{e.json_path}: {e.message}" for e in reference.iter_errors(example)]
    assert errors == []


def test_example_validates_with_fastjsonschema(fast, example):
    fast(example)


def test_example_uses_every_top_level_key_and_every_service_kind(example):
    assert set(example) == {"format", "version"} | set(ARRAYS) | set(SINGLE)
    assert all(example[key] for key in ARRAYS)
    assert set(example["settings"]) == set(SETTINGS_DEFAULTS)
    assert {s["kind"] for s in example["services"]} == {
        "housing", "communal", "common_property", "capital_repair", "additional"}


def test_minimal_document_is_valid(reference, fast):
    doc = {"format": "bcenter-exchange", "version": 1}
    assert reference.is_valid(doc)
    assert fast_accepts(fast, doc)


# ---------------------------------------------------------------------------------------------- negative samples

def _set(path, value):
    def mutate(doc):
        *parents, last = path
        node = doc
        for p in parents:
            node = node[p]
        node[last] = value
    return mutate


def _delete(path):
    def mutate(doc):
        *parents, last = path
        node = doc
        for p in parents:
            node = node[p]
        del node[last]
    return mutate


def _first(doc, key, **match):
    return next(x for x in doc[key] if all(x.get(k) == v for k, v in match.items()))


def _tariff_with_both(doc):
    tariff = _first(doc, "tariffs", service="svc-hot")
    tariff["rate"] = "150.00"


def _tariff_with_neither(doc):
    tariff = _first(doc, "tariffs", service="svc-cold")
    del tariff["rate"]


def _quality_with_both(doc):
    event = _first(doc, "quality_events", kind="interruption")
    event["premises"] = "p1"


def _quality_with_neither(doc):
    event = _first(doc, "quality_events", kind="interruption")
    del event["house"]


def _house_meter_without_house(doc):
    meter = _first(doc, "meters", kind="house")
    del meter["house"]


def _individual_meter_without_premises(doc):
    meter = _first(doc, "meters", kind="individual")
    del meter["premises"]


def _communal_service_without_resource(doc):
    service = _first(doc, "services", kind="communal")
    del service["resource"]


NEGATIVE = {
    "unknown top-level key": _set(["suppliers_typo"], []),
    "missing format": _delete(["format"]),
    "wrong format": _set(["format"], "bcenter"),
    "wrong version": _set(["version"], 2),
    "version as string": _set(["version"], "1"),
    "unknown field inside an object": _set(["premises", 0, "colour"], "green"),
    "unknown field in a nested object": _set(["houses", 0, "address", "flat"], "1"),
    "unknown field in settings": _set(["settings", "due_day"], 10),
    "amount as JSON number": _set(["payments", 0, "amount"], 6543.65),
    "amount with 3 decimals": _set(["payments", 0, "amount"], "6543.655"),
    "amount with a comma": _set(["payments", 0, "amount"], "6543,65"),
    "quantity as JSON number": _set(["premises", 0, "total_area"], 54.3),
    "tariff with both rate and components": _tariff_with_both,
    "tariff with neither rate nor components": _tariff_with_neither,
    "quality event with both house and premises": _quality_with_both,
    "quality event with neither house nor premises": _quality_with_neither,
    "house meter without house": _house_meter_without_house,
    "individual meter without premises": _individual_meter_without_premises,
    "communal service without resource": _communal_service_without_resource,
    "unknown service kind": _set(["services", 0, "kind"], "utility"),
    "unknown settings value": _set(["settings", "common_property_cap"], "actual"),
    "negative average limit": _set(["settings", "average_limits", "not_submitted"], -1),
    "date in Russian notation": _set(["payments", 0, "paid_on"], "08.02.2025"),
    "period with month 13": _set(["payments", 0, "period"], "2025-13"),
    "date-time without offset": _set(["quality_events", 0, "start"], "2025-02-10T09:00:00"),
    "meter with 4 zones": _set(["meters", 0, "zones"], 4),
    "reading with unknown zone": _set(["readings", 0, "values"], {"evening": "1.0"}),
    "reading with no values": _set(["readings", 0, "values"], {}),
    "share as a number": _set(["ownership", 0, "share"], 0.5),
    "share with zero denominator": _set(["ownership", 0, "share"], "1/0"),
    "holder with both person and organization": _set(
        ["accounts", 0, "holder"], {"person": "per1", "organization": {"name": "X", "inn": "7701234560"}}),
    "short inn": _set(["suppliers", 0, "inn"], "77012345"),
    "bic with letters": _set(["suppliers", 0, "bank", "bic"], "04452522A"),
    "moratorium applies_to unknown": _set(["moratoria", 0, "applies_to"], "some"),
    "empty id": _set(["houses", 0, "id"], ""),
    "extra that is not an object": _set(["premises", 0, "extra"], "text"),
    "closed period as a date": _set(["closed_periods", 0], "2024-11-01"),
}


@pytest.mark.parametrize("case", sorted(NEGATIVE))
def test_negative_sample_is_rejected_by_both_validators(reference, fast, example, case):
    NEGATIVE[case](example)
    assert not reference.is_valid(example), case
    assert not fast_accepts(fast, example), case


@pytest.mark.parametrize("kind", OBJECT_KINDS)
def test_extra_is_accepted_on_every_object_kind(schema, reference, fast, example, kind):
    key = next(k for k, v in {**ARRAYS, **SINGLE}.items() if v == kind)
    target = example[key][0] if key in ARRAYS else example[key]
    target["extra"] = {"source": "Квартплата+", "old_key": 117, "nested": {"list": [1, None, True]}}
    assert reference.is_valid(example)
    assert fast_accepts(fast, example)
    assert fast_accepts(fastjsonschema.compile(wrapper(schema, kind)), target)


def test_per_kind_wrapper_rejects_what_the_whole_schema_rejects(schema):
    validate = fastjsonschema.compile(wrapper(schema, "reading"))
    good = {"id": "r1", "meter": "m1", "date": "2025-01-23", "values": {"total": "131.789"}, "source": "resident"}
    validate(dict(good))
    for bad in ({**good, "value": "1"}, {**good, "values": {"total": 131.789}}, {**good, "source": "robot"},
                {k: v for k, v in good.items() if k != "meter"}):
        with pytest.raises(fastjsonschema.JsonSchemaValueException):
            validate(bad)


def test_settings_defaults_are_filled_by_fastjsonschema(schema):
    validate = fastjsonschema.compile(wrapper(schema, "settings"))
    assert validate({}) == SETTINGS_DEFAULTS
    assert validate({"average_limits": {"meter_failed": 2}})["average_limits"] == {"meter_failed": 2,
                                                                                     "not_submitted": 6}


# ---------------------------------------------------------------------------------------------- semantic soundness

def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _walk_strings(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_strings(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_strings(v, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def test_example_is_semantically_sound(example):
    doc = example
    ids = {}
    for key in ARRAYS:
        with_id = [x["id"] for x in doc[key] if isinstance(x, dict) and "id" in x]
        dupes = [i for i, n in Counter(with_id).items() if n > 1]
        assert not dupes, (key, dupes)
        ids[key] = set(with_id)
    assert len(set(a["number"] for a in doc["accounts"])) == len(doc["accounts"])

    # every date, period and date-time is real
    for path, value in _walk_strings(doc):
        field = path.rsplit(".", 1)[-1].split("[")[0]
        if field in ("from", "to", "opened", "closed", "installed", "removed", "verified_until", "paid_on", "date",
                     "birth_date", "issued_on", "debts_before", "non_working_days", "working_days"):
            _date(value)
        elif field in ("period", "closed_periods"):
            _date(value + "-01")
        elif field in ("start", "end"):
            assert dt.datetime.fromisoformat(value).utcoffset() is not None

    def ref(key, value, where):
        assert value in ids[key], f"{where}: unknown {key} id {value!r}"

    for s in doc["services"]:
        ref("suppliers", s["supplier"], s["id"])
    for x in doc["tariffs"] + doc["norms"]:
        ref("services", x["service"], x.get("id"))
        if "house" in x:
            ref("houses", x["house"], x.get("id"))
        if "to" in x:
            assert _date(x["from"]) < _date(x["to"]), x
    for h in doc["houses"]:
        for link in h.get("services", []):
            ref("services", link["service"], h["id"])
    for p in doc["premises"]:
        ref("houses", p["house"], p["id"])
        assert Decimal(p["total_area"]) > 0
        if "living_area" in p:
            assert 0 < Decimal(p["living_area"]) <= Decimal(p["total_area"])
    for h in doc["houses"]:
        in_house = [Decimal(p["total_area"]) for p in doc["premises"] if p["house"] == h["id"]]
        assert Decimal(h["total_area"]) == sum(in_house) > 0
        assert Decimal(h["common_area"]) > 0
    holders = [a["holder"] for a in doc["accounts"]] + [o["owner"] for o in doc["ownership"]]
    for h in holders:
        if "person" in h:
            ref("persons", h["person"], h)
    for a in doc["accounts"]:
        ref("premises", a["premises"], a["id"])
        for link in a["services"]:
            ref("services", link["service"], a["id"])
            assert _date(link["from"]) >= _date(a["opened"])
    for r in doc["registrations"]:
        ref("persons", r["person"], r["id"])
        ref("premises", r["premises"], r["id"])
    for o in doc["ownership"]:
        ref("premises", o["premises"], o["id"])
    for premises_id in ids["premises"]:
        shares = [Fraction(o["share"]) for o in doc["ownership"] if o["premises"] == premises_id]
        assert sum(shares) == 1, premises_id
        account_shares = [Fraction(a.get("share", "1/1")) for a in doc["accounts"] if a["premises"] == premises_id]
        assert sum(account_shares) == 1, premises_id

    # tariffs: half-open intervals without overlaps for the same service, zone and house
    groups = defaultdict(list)
    for t in doc["tariffs"]:
        groups[(t["service"], t.get("zone"), t.get("house"))].append(t)
    for key, items in groups.items():
        items.sort(key=lambda t: t["from"])
        for prev, nxt in zip(items, items[1:]):
            assert "to" in prev and prev["to"] <= nxt["from"], key
    assert {t["from"] for t in doc["tariffs"]} >= {"2025-07-01"}
    norm_groups = Counter((n["service"], n["per"], n.get("house"), n.get("amenity"), n["from"]) for n in doc["norms"])
    assert max(norm_groups.values()) == 1

    # meters: place by kind, zones match initial values; readings non-decreasing from the initial values
    meters = {m["id"]: m for m in doc["meters"]}
    for m in doc["meters"]:
        if m["kind"] == "house":
            ref("houses", m["house"], m["id"])
        else:
            ref("premises", m["premises"], m["id"])
        expected = {1: {"total"}, 2: {"day", "night"}, 3: {"peak", "half_peak", "night"}}[m["zones"]]
        assert set(m["initial"]) == expected, m["id"]
    for key, house_kind in (("readings", False), ("house_readings", True)):
        by_meter = defaultdict(list)
        for r in doc[key]:
            meter = meters[r["meter"]]
            assert (meter["kind"] == "house") is house_kind, r["id"]
            assert set(r["values"]) == set(meter["initial"]), r["id"]
            assert _date(meter["installed"]) <= _date(r["date"]), r["id"]
            if "removed" in meter:
                assert _date(r["date"]) <= _date(meter["removed"]), r["id"]
            by_meter[r["meter"]].append(r)
        for meter_id, readings in by_meter.items():
            readings.sort(key=lambda r: r["date"])
            previous = meters[meter_id]["initial"]
            for r in readings:
                for zone, value in r["values"].items():
                    assert Decimal(value) >= Decimal(previous[zone]), r["id"]
                previous = r["values"]
    replaced = [m for m in doc["meters"] if "removed" in m]
    assert any(n["installed"] == m["removed"] and n["premises"] == m["premises"] and n["resource"] == m["resource"]
               for m in replaced for n in doc["meters"] if n is not m and n.get("premises"))

    for x in doc["absences"]:
        ref("persons", x["person"], x["id"])
        assert _date(x["from"]) < _date(x["to"])
    for q in doc["quality_events"]:
        ref("services", q["service"], q["id"])
        ref("houses" if "house" in q else "premises", q.get("house", q.get("premises")), q["id"])
        assert dt.datetime.fromisoformat(q["start"]) < dt.datetime.fromisoformat(q["end"])
    assert {q["kind"] for q in doc["quality_events"]} >= {"interruption", "temperature"}
    for p in doc["payments"]:
        ref("accounts", p["account"], p["id"])
        assert Decimal(p["amount"]) > 0
        if "services" in p:
            assert sum(Decimal(s["amount"]) for s in p["services"]) == Decimal(p["amount"])
            for s in p["services"]:
                ref("services", s["service"], p["id"])
    last_closed = max(doc["closed_periods"])
    for b in doc["opening_balances"]:
        ref("accounts", b["account"], b)
        ref("services", b["service"], b)
        assert b["period"] > last_closed
    assert len(set(doc["closed_periods"])) == len(doc["closed_periods"])
