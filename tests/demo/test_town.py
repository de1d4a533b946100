"""The demo town as a whole: exact size, determinism, bounded memory, the document envelope, formats of money,
dates and quantities, ids, references that resolve (and point only backwards), shares that sum to one, the
exchange schema and the real import path."""

from __future__ import annotations

import gc
import hashlib
import json
import re
import tracemalloc
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from bcenter.modules.demo import TownStats, generate_town
from bcenter.modules.demo.names import luhn_digit

UNTIL = "2026-10"          # as the ``town`` fixture (conftest.py)
MONEY = re.compile(r"^-?\d+\.\d{2}$")
QUANTITY = re.compile(r"^\d+(\.\d+)?$")
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$")
TOP_LEVEL = {"format", "version", "organization", "settings", "suppliers", "services", "tariffs", "norms",
             "key_rates", "moratoria", "houses", "premises", "persons", "accounts", "registrations", "ownership",
             "meters", "readings", "house_readings", "absences", "quality_events", "payments", "opening_balances",
             "closed_periods"}
SCHEMA = Path(__file__).resolve().parents[2] / "bcenter" / "modules" / "exchange" / "exchange.schema.json"


def d(s: str) -> date:
    return date.fromisoformat(s)


def town_hash(**kwargs) -> str:
    h = hashlib.sha256()
    for doc in generate_town(**kwargs):
        h.update(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


# ---- size and determinism ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("accounts", [0, 1, 7, 80, 2000])
def test_the_town_has_exactly_the_accounts_asked_for(accounts):
    stats = TownStats.of(generate_town(accounts=accounts, seed=3, until=UNTIL))
    assert stats.counts.get("accounts", 0) == accounts
    assert stats.counts.get("houses", 0) >= (1 if accounts else 0)


@pytest.mark.parametrize("accounts", [41, 145, 183, 999])
def test_awkward_sizes_are_exact_too(accounts):
    for seed in (1, 2, 3):
        assert TownStats.of(generate_town(accounts=accounts, seed=seed)).counts["accounts"] == accounts


def test_same_arguments_give_the_same_town_and_another_seed_another():
    assert town_hash(accounts=300, seed=7, until=UNTIL) == town_hash(accounts=300, seed=7, until=UNTIL)
    assert town_hash(accounts=300, seed=7, until=UNTIL) != town_hash(accounts=300, seed=8, until=UNTIL)
    assert town_hash(accounts=300, seed=7, until=UNTIL) != town_hash(accounts=300, seed=7, until="2026-09")


def test_bad_arguments_are_refused_at_once():
    with pytest.raises(ValueError):
        generate_town(accounts=-1)
    with pytest.raises(ValueError):
        generate_town(until="2026-13")
    with pytest.raises(ValueError):
        generate_town(until="October")


@pytest.mark.slow
def test_generation_keeps_memory_bounded():
    """8 000 accounts are generated house by house: the peak is one house, not the town — the peak over the
    last 6 000 accounts is no larger than a few houses, and far below 150 MB (20 000 measured the same, at 2.5× the
    suite's time under tracemalloc: bench/demo_build.py measures the town's real peak)."""
    gc.collect()
    tracemalloc.start()
    try:
        n = 0
        early = None
        for doc in generate_town(accounts=8_000, seed=1, until=UNTIL):
            n += len(doc.get("accounts", ()))
            if early is None and n >= 2_000:
                early = tracemalloc.get_traced_memory()[1]
                tracemalloc.reset_peak()
            del doc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 8_000
    assert peak < 150 * 2**20, f"peak {peak / 2**20:.0f} MiB"
    assert peak < 3 * early + 8 * 2**20, f"grows with the town: {early / 2**20:.0f} → {peak / 2**20:.0f} MiB"


# ---- document shape ------------------------------------------------------------------------------------------------

def test_documents_follow_the_envelope(town):
    first, houses = town[0], town[1:]
    for doc in town:
        assert doc["format"] == "bcenter-exchange" and doc["version"] == 1
        assert set(doc) <= TOP_LEVEL
    assert {"organization", "settings", "suppliers", "services", "tariffs", "norms", "key_rates"} <= set(first)
    assert "houses" not in first
    for doc in houses:
        assert len(doc["houses"]) == 1
        for key in ("premises", "accounts", "meters", "readings", "payments", "persons"):
            assert key in doc


def test_ids_are_unique_within_each_array_and_across_the_town(town, merged):
    for doc in town:
        for key, value in doc.items():
            if isinstance(value, list) and value and isinstance(value[0], dict) and "id" in value[0]:
                ids = [row["id"] for row in value]
                assert len(ids) == len(set(ids)), key
    for key, rows in merged.items():
        if rows and isinstance(rows[0], dict) and "id" in rows[0]:
            ids = [row["id"] for row in rows]
            dup = [i for i, c in Counter(ids).items() if c > 1]
            assert not dup, (key, dup[:5])


def test_account_numbers_are_ten_digits_unique_with_a_check_digit(merged):
    numbers = [a["number"] for a in merged["accounts"]]
    assert len(numbers) == len(set(numbers)) == 2000
    for n in numbers:
        assert re.fullmatch(r"\d{10}", n)
        assert luhn_digit(n[:9]) == n[9]


def test_money_has_two_decimals_and_payments_are_positive(merged):
    for p in merged["payments"]:
        assert MONEY.match(p["amount"]) and Decimal(p["amount"]) > 0, p
        if "commission" in p:
            assert MONEY.match(p["commission"]) and Decimal(p["commission"]) > 0
        for part in p.get("services", ()):
            assert MONEY.match(part["amount"])
        if "services" in p:
            assert sum(Decimal(x["amount"]) for x in p["services"]) == Decimal(p["amount"])
    for b in merged["opening_balances"]:
        assert MONEY.match(b["amount"]) and PERIOD.match(b["period"])
    keys = [(b["account"], b["service"], b["period"]) for b in merged["opening_balances"]]
    assert len(keys) == len(set(keys))
    for t in merged["tariffs"]:
        if "rate" in t:
            assert MONEY.match(t["rate"])
        else:
            c = t["components"]
            assert MONEY.match(c["cold_water_rate"]) and MONEY.match(c["heat_rate"])
            assert QUANTITY.match(c["heat_per_m3"])


def test_dates_periods_and_quantities_are_strings_of_the_format(town, merged):
    def walk(x, path=""):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, f"{path}.{k}")
        elif isinstance(x, list):
            for v in x:
                walk(v, path)
        elif isinstance(x, float):
            raise AssertionError(f"{path}: a float")
        elif isinstance(x, str):
            leaf = path.rsplit(".", 1)[-1]
            if leaf in ("from", "to", "opened", "closed", "birth_date", "issued_on", "installed", "verified_until",
                        "removed", "date", "paid_on"):
                assert DATE.match(x), (path, x)
                d(x)
            elif leaf in ("start", "end"):
                assert DATETIME.match(x), (path, x)
            elif leaf == "period":
                assert PERIOD.match(x), (path, x)
            elif leaf in ("total_area", "common_area", "living_area", "value", "total", "day", "night", "rate",
                          "measured"):
                assert QUANTITY.match(x), (path, x)
    for doc in town:
        walk(doc)


def test_intervals_are_half_open_and_not_empty(merged):
    for key in ("registrations", "ownership", "tariffs", "norms", "absences"):
        for row in merged[key]:
            if "to" in row:
                assert row["from"] < row["to"], (key, row)
    for a in merged["accounts"]:
        if "closed" in a:
            assert a["opened"] < a["closed"]
            assert all(s["to"] == a["closed"] for s in a["services"])
    for q in merged["quality_events"]:
        assert q["start"] < q["end"]


# ---- references ----------------------------------------------------------------------------------------------------

def test_every_reference_resolves(town, merged):
    ids = {key: {row["id"] for row in rows if isinstance(row, dict) and "id" in row} for key, rows in merged.items()}
    services = ids["services"]
    assert {"maintenance", "capital_repair", "cold_water", "hot_water", "sewerage", "electricity", "heating",
            "solid_waste", "cp_cold_water", "cp_hot_water", "cp_electricity", "cp_sewerage"} <= services
    assert {s["supplier"] for s in merged["services"]} <= ids["suppliers"]
    for key in ("tariffs", "norms", "quality_events"):
        for row in merged[key]:
            assert row["service"] in services
            if "house" in row:
                assert row["house"] in ids["houses"]
    for h in merged["houses"]:
        assert {s["service"] for s in h["services"]} <= services
    for p in merged["premises"]:
        assert p["house"] in ids["houses"]
    for a in merged["accounts"]:
        assert a["premises"] in ids["premises"]
        assert {s["service"] for s in a["services"]} <= services
        if "person" in a["holder"]:
            assert a["holder"]["person"] in ids["persons"]
        else:
            assert set(a["holder"]["organization"]) == {"name", "inn"}
    for r in merged["registrations"]:
        assert r["person"] in ids["persons"] and r["premises"] in ids["premises"]
    for o in merged["ownership"]:
        assert o["premises"] in ids["premises"]
        assert o["owner"].get("person") in ids["persons"] or "organization" in o["owner"]
    for m in merged["meters"]:
        if m["kind"] == "house":
            assert m["house"] in ids["houses"] and "premises" not in m
        else:
            assert m["premises"] in ids["premises"] and "house" not in m
    house_meters = {m["id"] for m in merged["meters"] if m["kind"] == "house"}
    for r in merged["readings"]:
        assert r["meter"] in ids["meters"] and r["meter"] not in house_meters
    for r in merged["house_readings"]:
        assert r["meter"] in house_meters
    for x in merged["absences"]:
        assert x["person"] in ids["persons"]
    for q in merged["quality_events"]:
        assert (q.get("house") in ids["houses"]) != (q.get("premises") in ids["premises"])
    account_ids = ids["accounts"]
    for p in merged["payments"]:
        assert p["account"] in account_ids
        for part in p.get("services", ()):
            assert part["service"] in services
    for b in merged["opening_balances"]:
        assert b["account"] in account_ids and b["service"] in services


def test_references_point_backwards_only(town):
    """A house document refers to its own objects and to the reference document, never to another house."""
    reference = town[0]
    services = {s["id"] for s in reference["services"]}
    for doc in town[1:]:
        own = {key: {row["id"] for row in doc[key]} for key in ("persons", "premises", "meters", "accounts")}
        hid = doc["houses"][0]["id"]
        assert all(p["house"] == hid for p in doc["premises"])
        assert all(r["person"] in own["persons"] and r["premises"] in own["premises"] for r in doc["registrations"])
        assert all(o["premises"] in own["premises"] and o["owner"].get("person", next(iter(own["persons"])))
                   in own["persons"] for o in doc["ownership"])
        assert all(a["premises"] in own["premises"] for a in doc["accounts"])
        assert all(a["holder"]["person"] in own["persons"] for a in doc["accounts"] if "person" in a["holder"])
        assert all(r["meter"] in own["meters"] for r in doc["readings"] + doc["house_readings"])
        assert all(p["account"] in own["accounts"] for p in doc["payments"])
        assert all(x["service"] in services and x.get("house") == hid for x in doc["tariffs"] + doc["norms"])


def test_account_holders_own_their_premises(merged):
    owners = defaultdict(set)
    for o in merged["ownership"]:
        if "person" in o["owner"]:
            owners[o["premises"]].add(o["owner"]["person"])
    for a in merged["accounts"]:
        if "person" in a["holder"]:
            assert a["holder"]["person"] in owners[a["premises"]]


def test_ownership_shares_sum_to_one_at_any_date(merged):
    by_premises = defaultdict(list)
    for o in merged["ownership"]:
        by_premises[o["premises"]].append(o)
    assert set(by_premises) == {p["id"] for p in merged["premises"]}
    for pid, rows in by_premises.items():
        edges = sorted({r["from"] for r in rows} | {r.get("to", "9999-12-31") for r in rows})
        start = min(r["from"] for r in rows)
        for day in [e for e in edges if e >= start and e != "9999-12-31"] + ["2026-10-31"]:
            total = sum(Fraction(r["share"]) for r in rows if r["from"] <= day < r.get("to", "9999-12-31"))
            assert total == 1, (pid, day, total)


def test_house_areas_add_up(town):
    for doc in town[1:]:
        house = doc["houses"][0]
        total = sum(Decimal(p["total_area"]) for p in doc["premises"])
        assert Decimal(house["total_area"]) == total
        assert Decimal("0") < Decimal(house["common_area"]) < total
        for p in doc["premises"]:
            assert Decimal(p["total_area"]) > 0
            if "living_area" in p:
                assert Decimal(p["living_area"]) < Decimal(p["total_area"])


# ---- the schema, when it exists -------------------------------------------------------------------------------------

def test_documents_validate_against_the_exchange_schema():
    if not SCHEMA.exists():
        pytest.skip(f"{SCHEMA} is not written yet")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema) if "2020-12" in schema.get("$schema", "") \
        else jsonschema.validators.validator_for(schema)(schema)
    for i, doc in enumerate(generate_town(accounts=300, seed=1, until=UNTIL)):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        assert not errors, f"document {i}: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


# ---- through the real import path, when it is there ---------------------------------------------------------------

def test_a_small_town_imports_cleanly_and_twice_changes_nothing(tmp_path):
    """The importer accepts every document (all-or-nothing per document), and a second import is a no-op."""
    try:
        from bcenter.modules.exchange.service import import_data
        from bcenter.modules.registry.service import initialize
        from db.connection import close_database, open_database
    except ImportError as exc:  # the storage layer is another part of the project
        pytest.skip(f"import path not available: {exc}")
    db = open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        initialize(db)
        docs = list(generate_town(accounts=150, seed=5, until=UNTIL))
        first = [import_data(doc, db=db) for doc in docs]
        assert sum(r.inserted.get("account", 0) for r in first) == 150
        again = [import_data(doc, db=db) for doc in docs]
        assert not any(r.changed for r in again)
    finally:
        close_database()
