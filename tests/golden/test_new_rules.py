"""The rules issue 9 added, through the product path (a document → `bcenter import` → `calc` → `charges --json`,
`penalties --json`), kopeck for kopeck:

* heating room temperature below the norm (ПП 354 прил. 1 п. 15): 0.15 % of the month's heating charge per hour per
  degree below 18 °C (the act's ``allowed`` when given — a corner room's 20 °C); at night (00:00–05:00) 3 °C lower
  is allowed; the hours of a heating interruption are not counted again; ``settings.room_temperature_night``
  "day_only" leaves the night hours out;
* hot water below +40 °C billed at the cold-water tariff for those days (прил. 1 п. 5);
* a document's key-rate row overrides the built-in row of the same day.
"""
from __future__ import annotations

import json

import pytest
from tests.golden.builders import account, flat, metered_hot_water_flat, person, town

from bcenter.cli import main

HEATING = {"id": "heat", "name": "Отопление", "kind": "communal", "resource": "heating", "unit": "gcal"}
HOT = {"id": "hot", "name": "Горячее водоснабжение", "kind": "communal", "resource": "hot_water", "unit": "m3"}
COLD = {"id": "cold", "name": "Холодное водоснабжение", "kind": "communal", "resource": "cold_water", "unit": "m3"}


@pytest.fixture
def run(tmp_path, capsys, any_url):
    def go(doc: dict, *args: str) -> dict:
        path = tmp_path / "doc.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert main(["--db", any_url, "import", str(path)]) == 0, capsys.readouterr().err
        assert main(["--db", any_url, "calc", "--period", args[0] if args else "2025-01"]) == 0, capsys.readouterr()
        capsys.readouterr()
        command = ["charges", "--period", "2025-01"] if not args else list(args[1:])
        assert main(["--db", any_url, *command, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    return go


def heated_flat(*events: dict, settings: dict | None = None) -> dict:
    """G5's flat (54.3 м², 0.0194 Гкал/м², 2 450.37 руб./Гкал → 2 581.27 for January 2025) and quality acts."""
    return town(services=[HEATING], tariffs=[{"service": "heat", "from": "2024-07-01", "rate": "2450.37"}],
                norms=[{"service": "heat", "from": "2024-07-01", "value": "0.0194", "per": "m2"}],
                premises=[flat("p1", "1", "54.3")], persons=[person("owner")],
                accounts=[account("a1", "1002003004", "p1", ["heat"])],
                quality_events=[{"service": "heat", "premises": "p1", **e} for e in events], settings=settings)


def cold_room(measured: str, **extra) -> dict:
    """48 hours, 10 January 08:00 → 12 January 08:00: 38 hours by day, 10 at night (00–05 on the 11th and 12th)."""
    return {"id": "t1", "kind": "temperature", "start": "2025-01-10T08:00:00+03:00",
            "end": "2025-01-12T08:00:00+03:00", "measured": measured, **extra}


def quality(data: dict) -> list[tuple[str, str]]:
    return [(ln["method"], ln["amount"]) for ln in data["lines"] if ln["kind"] == "quality"]


def test_room_temperature_day_and_night(run):
    """14 °C: by day 4 °C below 18, at night 1 °C below 15 → (38 × 4 + 10 × 1) × 0.15 % = 24.3 % of 2 581.27."""
    assert quality(run(heated_flat(cold_room("14")))) == [("room_temperature", "-627.25")]


def test_room_temperature_night_not_measured(run):
    """settings.room_temperature_night = "day_only": 38 × 4 × 0.15 % = 22.8 % of 2 581.27."""
    data = run(heated_flat(cold_room("14"), settings={"room_temperature_night": "day_only"}))
    assert quality(data) == [("room_temperature", "-588.53")]


def test_room_temperature_at_night_within_the_allowance(run):
    """15 °C: 3 °C below by day, none at night (15 °C allowed) → 38 × 3 × 0.15 % = 17.1 %."""
    assert quality(run(heated_flat(cold_room("15")))) == [("room_temperature", "-441.40")]


def test_a_corner_room_s_norm_from_the_act(run):
    """The act's allowed 20 °C (a corner room): 14 °C is 6 °C below by day, 3 °C at night → 38.7 %."""
    assert quality(run(heated_flat(cold_room("14", allowed="20")))) == [("room_temperature", "-998.95")]


def test_interruption_hours_are_not_counted_again(run):
    """Heating off 10 January 08:00–20:00 (12 h, within the 24 h allowed): those hours leave the temperature act —
    (26 × 4 + 10 × 1) × 0.15 % = 17.1 %; the interruption itself reduces nothing."""
    off = {"id": "i1", "kind": "interruption", "start": "2025-01-10T08:00:00+03:00",
           "end": "2025-01-10T20:00:00+03:00"}
    assert quality(run(heated_flat(cold_room("14"), off))) == [("room_temperature", "-441.40")]


def test_room_temperature_at_the_norm_reduces_nothing(run):
    data = run(heated_flat(cold_room("18")))
    assert quality(data) == [] and [ln["amount"] for ln in data["lines"]] == ["2581.27"]


def test_hot_water_below_40_is_billed_at_the_cold_water_tariff_for_those_days(run):
    """10 м³ of hot water at 185.04 in March (31 days); 35 °C on the 5th and 6th → 2 days at the cold-water tariff:
    −10 × 2/31 × (185.04 − 42.30) = −92.09. The temperature reduction of п. 5 does not apply below +40 °C."""
    doc = metered_hot_water_flat(services=[HOT, COLD],
                                 tariffs=[{"service": "hot", "from": "2024-07-01", "rate": "185.04"},
                                          {"service": "cold", "from": "2024-07-01", "rate": "42.30"}],
                                 act_end="2025-03-06T18:00:00+03:00", measured="35")
    data = run(doc, "2025-03", "charges", "--period", "2025-03")
    assert [ln["amount"] for ln in data["lines"] if ln["kind"] == "charge"] == ["1850.40"]
    assert quality(data) == [("below_40", "-92.09")]


def test_hot_water_below_40_without_a_cold_water_tariff_is_reduced_as_at_40(run):
    """Cold water billed by someone else (no tariff here): the act still lowers the charge — as at +40 °C, five
    steps of 3 °C below 57 °C — and the house is not stopped: 34 h × 5 × 0.1 % = 17 % of 1 850.40 → −314.57."""
    doc = metered_hot_water_flat(services=[HOT], tariffs=[{"service": "hot", "from": "2024-07-01", "rate": "185.04"}],
                                 act_end="2025-03-06T18:00:00+03:00", measured="35")
    assert quality(run(doc, "2025-03", "charges", "--period", "2025-03")) == [("temperature", "-314.57")]


def test_a_document_s_key_rate_overrides_the_built_in_row_of_the_same_day(run):
    """The law's 7.5 % of 19.09.2022 (below the 9.5 % cap) against the document's 8.0 % for the same day: the
    penalty on October 2022's heating, unpaid, is computed at 8.0 % (the rate on the calculation day)."""
    doc = heated_flat()
    doc["tariffs"][0]["from"] = "2022-07-01"
    doc["norms"][0]["from"] = "2022-07-01"
    doc["key_rates"] = [{"from": "2022-09-19", "rate": "8.0"}]
    data = run(doc, "2022-10", "penalties", "--as-of", "2023-03-31")
    rates = {row["rate"] for acc in data["accounts"] for row in acc["rows"] if row["fraction"] != "0"}
    assert rates == {"8"}  # the law alone gives 7.5


def test_two_touching_acts_over_the_months_edge_are_one_cut_in_both_months(tmp_path, capsys, any_url):
    """Heating cut 31.01 10:00–22:00 and, by a second act, 22:00–01.02 06:00: one 20-hour cut, 16 hours allowed at
    a time — 4 hours over, all on 01.02: −15.49 in February, nothing in January (review of 2026-12-07: February saw
    only the second act's 8 hours and reduced nothing)."""
    doc = heated_flat(
        {"id": "i1", "kind": "interruption", "start": "2025-01-31T10:00:00+03:00", "end": "2025-01-31T22:00:00+03:00"},
        {"id": "i2", "kind": "interruption", "start": "2025-01-31T22:00:00+03:00", "end": "2025-02-01T06:00:00+03:00"})
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", any_url, "import", str(path)]) == 0
    seen = {}
    for period in ("2025-01", "2025-02"):
        assert main(["--db", any_url, "calc", "--period", period]) == 0
        capsys.readouterr()
        assert main(["--db", any_url, "charges", "--period", period, "--json"]) == 0
        seen[period] = quality(json.loads(capsys.readouterr().out))
    assert seen == {"2025-01": [], "2025-02": [("interruption", "-15.49")]}
