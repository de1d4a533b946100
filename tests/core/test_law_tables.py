"""The built-in law tables in assets/law: every JSON parses, has the documented shape, and key figures hold.

Shapes are those of EXCHANGE.md (dates "YYYY-MM-DD", half-open [from, to), decimal strings) plus ``source`` and
``verified`` on every row (assets/law/README.md).
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bcenter.core.calendar import DEFAULT_HOLIDAY_RULE

ROOT = Path(__file__).resolve().parents[2]
LAW = ROOT / "assets" / "law"
DECIMAL_RE = re.compile(r"[0-9]+(\.[0-9]+)?")
EXPECTED_FILES = {
    "key_rates.json",
    "penalty_rate_caps.json",
    "moratoria.json",
    "increasing_coefficients.json",
    "production_calendar.json",
}
RESOURCES = {"cold_water", "hot_water", "sewerage", "electricity", "gas", "heating", "solid_waste"}


def load(name: str):
    return json.loads((LAW / name).read_text(encoding="utf-8"))


def parse_day(text: object) -> date:
    assert isinstance(text, str) and len(text) == 10, text
    return date.fromisoformat(text)


def decimal_string(text: object) -> Decimal:
    assert isinstance(text, str) and DECIMAL_RE.fullmatch(text), f"not a decimal string: {text!r}"
    return Decimal(text)


def check_row_meta(row: dict) -> None:
    assert isinstance(row.get("source"), str) and row["source"].strip(), row
    assert isinstance(row.get("verified", True), bool), row


def check_intervals(rows: list[dict], what: str) -> None:
    """from < to; no two intervals overlap; an open-ended interval is the last one."""
    spans = sorted((parse_day(r["from"]), parse_day(r["to"]) if r.get("to") else None) for r in rows)
    for start, end in spans:
        assert end is None or start < end, f"{what}: empty or reversed interval {start}..{end}"
    for (s1, e1), (s2, _) in zip(spans, spans[1:]):
        assert e1 is not None and e1 <= s2, f"{what}: {s1}..{e1} overlaps the interval from {s2}"


@pytest.mark.parametrize("path", sorted(LAW.glob("*.json")), ids=lambda p: p.name)
def test_every_json_parses(path: Path) -> None:
    json.loads(path.read_text(encoding="utf-8"))


def test_all_tables_are_present() -> None:
    assert EXPECTED_FILES <= {p.name for p in LAW.glob("*.json")}


# --- key rates ---------------------------------------------------------------------------------------------------

def key_rate_on(day: date) -> Decimal:
    rows = [(parse_day(r["from"]), Decimal(r["rate"])) for r in load("key_rates.json")]
    return [rate for start, rate in rows if start <= day][-1]


def test_key_rates_shape_and_order() -> None:
    rows = load("key_rates.json")
    assert rows[0]["from"] == "2013-09-13" and rows[0]["rate"] == "5.5"
    days = []
    for row in rows:
        assert set(row) <= {"from", "rate", "source", "verified", "note"}, row
        check_row_meta(row)
        days.append(parse_day(row["from"]))
        assert Decimal("0") < decimal_string(row["rate"]) < Decimal("100")
    assert days == sorted(days) and len(set(days)) == len(days), "key rates must be sorted strictly by date"
    rates = [row["rate"] for row in rows]
    assert all(Decimal(a) != Decimal(b) for a, b in zip(rates, rates[1:])), "a row must change the rate"


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2025, 1, 15), "21.0"),
        (date(2014, 12, 16), "17.0"),
        (date(2022, 2, 27), "9.5"),  # the rate ПП 474 froze
        (date(2022, 2, 28), "20.0"),
        (date(2025, 6, 9), "20.0"),
        (date(2025, 12, 21), "16.5"),
        (date(2025, 12, 22), "16.0"),
        (date(2026, 2, 16), "15.5"),
    ],
)
def test_key_rate_on_a_day(day: date, rate: str) -> None:
    assert key_rate_on(day) == Decimal(rate)


# --- penalty rate caps -------------------------------------------------------------------------------------------

def test_penalty_rate_caps_shape() -> None:
    rows = load("penalty_rate_caps.json")
    for row in rows:
        assert set(row) <= {"from", "to", "max_rate", "mode", "source", "verified", "note"}, row
        check_row_meta(row)
        assert row["mode"] in {"fixed", "min"}
        decimal_string(row["max_rate"])
        parse_day(row["to"])  # every cap is dated: none is open-ended
    check_intervals(rows, "penalty_rate_caps")


def cap_on(day: date) -> dict | None:
    for row in load("penalty_rate_caps.json"):
        if parse_day(row["from"]) <= day < parse_day(row["to"]):
            return row
    return None


def test_caps_cover_2022_to_2026_with_9_5() -> None:
    assert cap_on(date(2022, 2, 27)) is None
    assert cap_on(date(2022, 2, 28))["mode"] == "fixed"
    june_2025 = cap_on(date(2025, 6, 1))
    assert june_2025 is not None and june_2025["max_rate"] == "9.5" and june_2025["mode"] == "min"
    assert cap_on(date(2026, 12, 31))["max_rate"] == "9.5"
    assert cap_on(date(2027, 1, 1)) is None  # no extension found (assets/law/README.md)
    day = date(2022, 2, 28)
    while day < date(2027, 1, 1):  # no gap between 28.02.2022 and 01.01.2027
        assert cap_on(day) is not None, day
        day = date.fromordinal(day.toordinal() + 1)


# --- moratoria ---------------------------------------------------------------------------------------------------

def test_moratoria_shape() -> None:
    rows = load("moratoria.json")
    for row in rows:
        assert set(row) <= {"from", "to", "applies_to", "source", "verified", "note"}, row
        check_row_meta(row)
        applies = row["applies_to"]
        assert applies == "all" or (isinstance(applies, dict) and set(applies) == {"debts_before"}), applies
        if isinstance(applies, dict):
            parse_day(applies["debts_before"])
    check_intervals(rows, "moratoria")
    spans = {(r["from"], r["to"]) for r in rows}
    assert ("2020-04-06", "2021-01-01") in spans and ("2022-04-01", "2022-10-01") in spans


# --- increasing coefficients -------------------------------------------------------------------------------------

def coefficient(resource: str, day: date) -> Decimal | None:
    for row in load("increasing_coefficients.json"):
        if row["resource"] == resource and parse_day(row["from"]) <= day and (
            not row.get("to") or day < parse_day(row["to"])
        ):
            return Decimal(row["value"])
    return None


def test_increasing_coefficients_shape() -> None:
    rows = load("increasing_coefficients.json")
    for row in rows:
        assert set(row) <= {"resource", "from", "to", "value", "source", "verified", "note"}, row
        check_row_meta(row)
        assert row["resource"] in RESOURCES
        assert decimal_string(row["value"]) >= 1
    for resource in {row["resource"] for row in rows}:
        check_intervals([r for r in rows if r["resource"] == resource], resource)


def test_cold_water_coefficient_is_3_from_6_december_2025() -> None:
    assert coefficient("cold_water", date(2025, 12, 5)) == Decimal("1.5")
    assert coefficient("cold_water", date(2025, 12, 6)) == Decimal("3")
    assert coefficient("cold_water", date(2026, 6, 1)) == Decimal("3")


def test_other_coefficients() -> None:
    for resource in ("hot_water", "electricity"):
        assert coefficient(resource, date(2025, 12, 6)) == Decimal("1.5")
        assert coefficient(resource, date(2017, 1, 1)) == Decimal("1.5")
    for resource in ("heating", "gas", "sewerage"):
        assert coefficient(resource, date(2026, 1, 1)) is None  # no row: no coefficient


# --- production calendar -----------------------------------------------------------------------------------------

def test_production_calendar_shape() -> None:
    table = load("production_calendar.json")
    assert isinstance(table["source"], str) and table["source"]
    years = table["years"]
    assert {str(y) for y in range(2013, 2028)} <= set(years)
    for year_key, data in years.items():
        year = int(year_key)
        check_row_meta(data)
        off = [parse_day(d) for d in data["non_working_days"]]
        on = [parse_day(d) for d in data["working_days"]]
        assert off == sorted(set(off)) and on == sorted(set(on)), year_key
        assert all(d.year == year for d in off + on), year_key
        assert all(d.weekday() < 5 for d in off), f"{year_key}: ordinary weekends are not listed"
        assert all(d.weekday() >= 5 for d in on), f"{year_key}: working days listed must be weekend days"
        for extra in data.get("decree_non_working_days", {}).get("days", []):
            assert parse_day(extra).year == year and extra not in data["non_working_days"]


def test_production_calendar_lists_follow_the_law_and_the_decrees() -> None:
    """Each year's lists = ст. 112 ТК РФ + the decree's transfers; the working-day count matches the lists."""
    for year_key, data in load("production_calendar.json")["years"].items():
        year = int(year_key)
        transfers = [(parse_day(t["from"]), parse_day(t["to"])) for t in data["transfers"]]
        off, on = DEFAULT_HOLIDAY_RULE.derive(year, transfers)
        assert sorted(d.isoformat() for d in off) == data["non_working_days"], year_key
        assert sorted(d.isoformat() for d in on) == data["working_days"], year_key
        weekdays = sum(1 for o in range(date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal())
                       if date.fromordinal(o).weekday() < 5)
        assert weekdays - len(off) + len(on) == data["working_day_count"], year_key


def test_published_working_day_norms() -> None:
    years = load("production_calendar.json")["years"]
    counts = {int(y): d["working_day_count"] for y, d in years.items() if d["verified"]}
    assert counts == {y: (248 if y in (2020, 2024) else 247) for y in range(2013, 2027)}
    assert years["2027"]["verified"] is False  # derived, the decree was not found
