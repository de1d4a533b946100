"""The demo town is believable: meters and readings (replacements, gaps, house meters, consumption), tariffs
and norms (1 July changes, no overlaps), key rates, bank details, people (names, documents, СНИЛС, moves),
absences, quality events and payment habits."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest

from bcenter.modules.demo import KEY_RATES, TownStats, generate_town
from bcenter.modules.demo.names import MALE_NAMES, account_key_ok, snils_is_valid

QUANTITY = re.compile(r"^\d+(\.\d+)?$")


def d(s: str) -> date:
    return date.fromisoformat(s)


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


def test_demo_key_rates_agree_with_the_law_table():
    """The demo document's key-rate history is the built-in one (assets/law/key_rates.json), not a rival table."""
    import json
    from pathlib import Path

    from bcenter.modules.demo import KEY_RATES

    law = {r["from"]: r["rate"] for r in json.loads(
        (Path(__file__).resolve().parents[2] / "assets" / "law" / "key_rates.json").read_text(encoding="utf-8"))}
    assert all(law.get(day) == rate for day, rate in KEY_RATES)
