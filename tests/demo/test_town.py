"""The demo town: exact size, determinism, bounded memory, and data that obeys the exchange format (EXCHANGE.md)
and believable rules — every reference resolves, shares sum to one, readings never go down, tariffs never
overlap, money has two decimals, and the features the engine must meet are present."""

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

from db.demo import KEY_RATES, TownStats, generate_town
from db.demo.names import MALE_NAMES, account_key_ok, luhn_digit, snils_is_valid

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
UNTIL = "2026-10"


def town_hash(**kwargs) -> str:
    h = hashlib.sha256()
    for doc in generate_town(**kwargs):
        h.update(json.dumps(doc, ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def town() -> list[dict]:
    return list(generate_town(accounts=2000, seed=1, until=UNTIL))


@pytest.fixture(scope="module")
def merged(town) -> dict[str, list]:
    """All arrays of all documents, concatenated."""
    out: dict[str, list] = defaultdict(list)
    for doc in town:
        for key, value in doc.items():
            if isinstance(value, list):
                out[key].extend(value)
    return out


def d(s: str) -> date:
    return date.fromisoformat(s)


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
    """20 000 accounts are generated house by house: the peak is one house, not the town — the peak over the
    last 18 000 accounts is no larger than a few houses, and far below 150 MB."""
    gc.collect()
    tracemalloc.start()
    try:
        n = 0
        early = None
        for doc in generate_town(accounts=20_000, seed=1, until=UNTIL):
            n += len(doc.get("accounts", ()))
            if early is None and n >= 2_000:
                early = tracemalloc.get_traced_memory()[1]
                tracemalloc.reset_peak()
            del doc
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert n == 20_000
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


# ---- meters and readings -------------------------------------------------------------------------------------------

def _values(r) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in r["values"].items()}


def test_readings_never_decrease_and_stay_within_the_meters_life(merged):
    meters = {m["id"]: m for m in merged["meters"]}
    by_meter = defaultdict(list)
    for r in merged["readings"] + merged["house_readings"]:
        by_meter[r["meter"]].append(r)
    for mid, rows in by_meter.items():
        m = meters[mid]
        rows.sort(key=lambda r: r["date"])
        prev = {k: Decimal(v) for k, v in m["initial"].items()}
        assert set(prev) == ({"total"} if m["zones"] == 1 else {"day", "night"})
        for r in rows:
            assert r["date"] >= m["installed"]
            if "removed" in m:
                assert r["date"] <= m["removed"]
            v = _values(r)
            assert v.keys() == prev.keys()
            for k in v:
                assert v[k] >= prev[k], (mid, r)
                assert v[k] < 10 ** m["digits"]
            prev = v
        dates = [r["date"] for r in rows]
        assert len(dates) == len(set(dates))


def test_consumption_is_believable(merged):
    """Cold water 2–4 m³ per resident a month on average, a two-zone meter's day above its night."""
    meters = {m["id"]: m for m in merged["meters"]}
    by_meter = defaultdict(list)
    for r in merged["readings"]:
        by_meter[r["meter"]].append(r)
    monthly = defaultdict(list)
    for mid, rows in by_meter.items():
        rows.sort(key=lambda r: r["date"])
        if len(rows) < 10 or "removed" in meters[mid]:
            continue
        months = (d(rows[-1]["date"]) - d(rows[0]["date"])).days / 30.4
        first, last = _values(rows[0]), _values(rows[-1])
        for k in first:
            monthly[(meters[mid]["resource"], k)].append((last[k] - first[k]) / Decimal(months))
    avg = {k: sum(v) / len(v) for k, v in monthly.items()}
    assert 3 < avg[("cold_water", "total")] < 12
    assert 2 < avg[("hot_water", "total")] < 9
    assert avg[("electricity", "day")] > avg[("electricity", "night")] > 20


def test_history_window(merged):
    """Readings from the month before the start (the base of the first period) to the end of ``until``;
    payments in the months after the first period, never after the history."""
    for r in merged["readings"]:
        assert "2025-08-01" <= r["date"] <= "2026-10-31"
    for p in merged["payments"]:
        assert "2025-10-01" <= p["paid_on"] <= "2026-10-31"
        if "period" in p:
            assert "2025-09" <= p["period"] < p["paid_on"][:7]
    periods = {r["period"] for r in merged["house_readings"]}
    assert periods == {f"2025-{m:02d}" for m in range(8, 13)} | {f"2026-{m:02d}" for m in range(1, 11)}


def test_the_engine_meets_every_meter_situation(merged):
    meters = merged["meters"]
    premises = {p["id"]: p for p in merged["premises"]}
    # a replaced meter: removed on the day its successor was installed, for the same premises and resource
    removed = [m for m in meters if "removed" in m]
    assert removed
    for old in removed:
        new = [m for m in meters if m.get("premises") == old["premises"] and m["resource"] == old["resource"]
               and m["installed"] == old["removed"] and m["id"] != old["id"]]
        assert len(new) == 1 and new[0]["serial"] != old["serial"]
    assert any(p.get("meter_impossible") == ["cold_water", "hot_water"] for p in premises.values())
    assert not any(m.get("premises") in premises and "meter_impossible" in premises[m["premises"]]
                   and m["resource"] in ("cold_water", "hot_water") for m in meters)
    # a flat where a water meter could be installed and is not (norm × increasing coefficient)
    with_water = {m["premises"] for m in meters if m["resource"] == "cold_water" and "premises" in m}
    assert any(p["kind"] == "residential" and "meter_impossible" not in p and pid not in with_water
               for pid, p in premises.items())
    assert any(m["zones"] == 2 and m["resource"] == "electricity" for m in meters)
    assert any(m["zones"] == 1 and m["resource"] == "electricity" and m["kind"] == "individual" for m in meters)
    assert any(p["kind"] == "nonresidential" for p in premises.values())
    assert any(p.get("communal_flat") for p in premises.values())
    houses_with_meters = {m["house"] for m in meters if m["kind"] == "house"}
    all_houses = {h["id"] for h in merged["houses"]}
    assert houses_with_meters and all_houses - houses_with_meters
    assert any(h["heating"]["method"] == "house_meter" and h["heating"]["payment"] == "year_evenly"
               for h in merged["houses"])
    assert any(h["heating"]["method"] == "norm" and h["heating"]["payment"] == "season"
               and h["heating"]["season_months"] for h in merged["houses"])


def test_some_meters_miss_months_and_one_misses_seven(merged):
    by_meter = defaultdict(set)
    for r in merged["readings"]:
        by_meter[r["meter"]].add(r["date"][:7])
    months = [f"2025-{m:02d}" for m in range(8, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]
    gaps = Counter()        # the longest run of months without a reading between a meter's first and last
    for mid, seen in by_meter.items():
        run = longest = 0
        for m in months[months.index(min(seen)):months.index(max(seen)) + 1]:
            run = 0 if m in seen else run + 1
            longest = max(longest, run)
        if longest:
            gaps[longest] += 1
    assert gaps[7] >= 1
    assert sum(gaps[k] for k in (1, 2, 3)) > 10


# ---- reference data ------------------------------------------------------------------------------------------------

def _overlaps(rows, key) -> list:
    groups = defaultdict(list)
    for t in rows:
        groups[key(t)].append((t["from"], t.get("to", "9999-12-31")))
    bad = []
    for k, spans in groups.items():
        spans.sort()
        for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
            if a2 < b1:
                bad.append((k, (a1, b1), (a2, b2)))
    return bad


def test_tariffs_and_norms_never_overlap(merged):
    assert not _overlaps(merged["tariffs"], lambda t: (t["service"], t.get("zone"), t.get("house")))
    assert not _overlaps(merged["norms"], lambda n: (n["service"], n["per"], n.get("house"), n.get("amenity")))


def test_tariffs_change_on_1_july_inside_the_history(town):
    tariffs = town[0]["tariffs"]
    assert any(t["from"] == "2026-07-01" for t in tariffs)
    services_with_tariffs = {t["service"] for t in tariffs}
    assert services_with_tariffs == {s["id"] for s in town[0]["services"]}
    for service in services_with_tariffs:
        rows = sorted((t for t in tariffs if t["service"] == service and "zone" not in t), key=lambda t: t["from"])
        assert rows[0]["from"] <= "2025-09-01" and "to" not in rows[-1]
        for a, b in zip(rows, rows[1:]):
            assert a["to"] == b["from"]
            if "rate" in a:
                growth = Decimal(b["rate"]) / Decimal(a["rate"])
                assert Decimal("1.08") < growth < Decimal("1.13"), (service, a, b)
    by_house = [t for doc in town[1:] for t in doc["tariffs"]]
    assert any(t["service"] == "maintenance" and t["house"] for t in by_house)     # set by a general meeting
    zones = {t.get("zone") for t in tariffs if t["service"] == "electricity"}
    assert zones == {None, "day", "night"}
    assert all("components" in t and "rate" not in t for t in tariffs if t["service"] == "hot_water")
    assert any(t["from"].endswith("-07-01") for t in town[0]["norms"])


@pytest.mark.parametrize("until", ["2026-06", "2026-07", "2025-01", "2030-12"])
def test_a_july_change_is_inside_any_history(until):
    first = next(generate_town(accounts=10, until=until))
    y, m = map(int, until.split("-"))
    k = y * 12 + m - 1 - 13
    start = f"{k // 12:04d}-{k % 12 + 1:02d}-01"
    assert any(start < t["from"] <= f"{until}-01" and t["from"].endswith("-07-01") for t in first["tariffs"])
    assert any(t["from"] <= start for t in first["tariffs"])


def test_key_rates_cover_the_history(town):
    rates = town[0]["key_rates"]
    assert rates == sorted(rates, key=lambda r: r["from"])
    assert rates[0]["from"] <= "2022-09-01"
    assert {"from": "2024-10-28", "rate": "21.0"} in rates
    assert {"from": "2025-12-22", "rate": "16.0"} in rates
    assert all(r["from"] <= "2026-10-31" for r in rates)
    assert [r["from"] for r in rates] == [f for f, _ in KEY_RATES if f >= rates[0]["from"] and f <= "2026-10-31"]


def test_suppliers_have_valid_bank_details(town):
    for s in town[0]["suppliers"] + [town[0]["organization"]]:
        assert re.fullmatch(r"\d{10}", s["inn"])
        bank = s["bank"]
        assert re.fullmatch(r"04\d{7}", bank["bic"])
        assert re.fullmatch(r"\d{20}", bank["account"]) and re.fullmatch(r"30101\d{15}", bank["corr_account"])
        assert account_key_ok(bank["bic"], bank["account"])
        assert account_key_ok(bank["bic"], bank["corr_account"], correspondent=True)
        assert bank["corr_account"].endswith(bank["bic"][-3:])
    names = " ".join(s["name"] for s in town[0]["suppliers"])
    for word in ("УК", "Водоканал", "теплосеть", "Энергосбыт", "ТКО", "капитального ремонта"):
        assert word.lower() in names.lower()


# ---- people ----------------------------------------------------------------------------------------------------------

def test_persons_look_russian_and_consistent(merged):
    male_first = set(MALE_NAMES)
    for p in merged["persons"]:
        male = p["first_name"] in male_first
        assert p["middle_name"].endswith("ич") == male, p
        if not male:
            assert p["middle_name"].endswith("на"), p
            assert not p["last_name"].endswith(("ов", "ев", "ин", "ий")), p
        assert snils_is_valid(p["snils"]) and re.fullmatch(r"\d{3}-\d{3}-\d{3} \d{2}", p["snils"])
        doc = p["document"]
        if doc["kind"] == "passport":
            assert re.fullmatch(r"\d{4}", doc["series"]) and re.fullmatch(r"\d{6}", doc["number"])
            assert doc["series"][2:] == doc["issued_on"][2:4]
            age_at_issue = (d(doc["issued_on"]) - d(p["birth_date"])).days / 365.25
            assert age_at_issue >= 14
        else:
            assert doc["kind"] == "birth_certificate"
        if "phone" in p:
            assert re.fullmatch(r"\+7 9\d\d \d{3}-\d\d-\d\d", p["phone"])
    snils = [p["snils"] for p in merged["persons"]]
    assert len(snils) == len(set(snils))


def test_families_move_and_some_flats_have_only_owners(merged):
    regs = merged["registrations"]
    assert any(r["kind"] == "temporary" for r in regs)
    assert any("to" in r and "2025-09-01" <= r["to"] <= "2026-10-31" for r in regs)    # moved out
    assert any("2025-09-01" <= r["from"] <= "2026-10-31" for r in regs)                   # moved in, born
    registered = {r["premises"] for r in regs}
    residential = {p["id"] for p in merged["premises"] if p["kind"] == "residential"}
    assert residential - registered
    shares = Counter(o["share"] for o in merged["ownership"])
    assert shares["1/1"] and shares["1/2"] and shares["1/3"]
    assert any("closed" in a for a in merged["accounts"])
    assert any("share" in a for a in merged["accounts"])
    persons = {p["id"]: p for p in merged["persons"]}
    for r in regs:
        assert r["from"] >= persons[r["person"]]["birth_date"]


def test_absences_both_long_and_short(merged):
    days = [(d(a["to"]) - d(a["from"])).days - 1 for a in merged["absences"]]
    assert any(x > 5 for x in days) and any(0 < x <= 5 for x in days)


def test_payments_have_the_habits_of_people(merged):
    payments = merged["payments"]
    assert {p["channel"] for p in payments} == {"bank", "cash", "post", "terminal", "online"}
    assert any("period" in p for p in payments) and any("period" not in p for p in payments)
    assert any("commission" in p for p in payments)
    assert any("services" in p for p in payments)
    per_account = Counter(p["account"] for p in payments)
    accounts = [a["id"] for a in merged["accounts"]]
    assert sum(1 for a in accounts if a not in per_account) > 0        # debtors paying nothing
    assert max(per_account.values()) <= 30
    big = [Decimal(p["amount"]) for p in payments if p["id"].endswith("-lump")]
    assert big and max(big) > 10000


def test_quality_events(merged):
    kinds = {(q["service"], q["kind"]) for q in merged["quality_events"]}
    assert ("hot_water", "interruption") in kinds and ("hot_water", "temperature") in kinds
    for q in merged["quality_events"]:
        if q["kind"] == "temperature":
            assert QUANTITY.match(q["measured"])


def test_stats_per_thousand_accounts(town):
    stats = TownStats.of(town)
    per = stats.per_accounts()
    assert per["accounts"] == 1000
    assert 30_000 < per["readings"] < 50_000
    assert 8_000 < per["payments"] < 14_000


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
