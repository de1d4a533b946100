"""Golden cases G1, G3, G5, G7, G7b, G8, G9 of DOMAIN.md §11 through the product path: an exchange document →
`bcenter import` → `bcenter calc` → `bcenter charges --json`, amounts compared kopeck for kopeck."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from tests.golden.builders import account, flat, metered_hot_water_flat, person, town

from bcenter.cli import main


@pytest.fixture
def run(tmp_path, capsys, any_url):
    url = any_url

    def go(doc: dict, period: str, *, calc_code: int = 0) -> dict:
        path = tmp_path / "doc.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert main(["--db", url, "import", str(path)]) == 0, capsys.readouterr().err
        code = main(["--db", url, "calc", "--period", period])
        assert code == calc_code, capsys.readouterr()
        capsys.readouterr()
        assert main(["--db", url, "charges", "--period", period, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    go.url = url
    return go


def amounts(data: dict, **match) -> list[str]:
    return [ln["amount"] for ln in data["lines"] if all(ln[k] == v for k, v in match.items())]


COLD = {"id": "cold", "name": "Холодное водоснабжение", "kind": "communal", "resource": "cold_water", "unit": "m3"}


def test_g1_meter_based_cold_water(run):
    doc = town(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "48.57"}],
               norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
               premises=[flat("p1", "12", "54.3")], persons=[person("owner")],
               accounts=[account("a1", "1002003004", "p1", ["cold"])],
               meters=[{"id": "m1", "serial": "A1", "resource": "cold_water", "kind": "individual", "premises": "p1",
                        "zones": 1, "digits": 5, "installed": "2024-01-10", "initial": {"total": "123.456"}}],
               readings=[{"id": "r1", "meter": "m1", "date": "2025-01-23", "values": {"total": "131.789"},
                          "source": "resident"}])
    data = run(doc, "2025-01")
    line, = [ln for ln in data["lines"] if ln["service"] == "cold"]
    assert (line["method"], line["volume"], line["tariff"], line["amount"]) == ("meter", "8.333", "48.57", "404.73")
    assert data["totals"]["charge"] == "404.73"


G3_HOUSE = dict(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "42.30"}],
                premises=[flat("p1", "1", "54.3", meter_impossible=["cold_water"])],
                persons=[person("owner"), person("b", "Иванова", "Мария"), person("c", "Иванов", "Пётр")],
                accounts=[account("a1", "1002003004", "p1", ["cold"])],
                registrations=[{"id": f"reg-{p}", "person": p, "premises": "p1", "kind": "permanent",
                                "from": "2020-01-01"} for p in ("owner", "b", "c")])
"""G3's flat: three residents, no technical possibility of a cold-water meter, 42.30 руб./м³ (norms vary)."""


def test_g3_norm_three_residents_no_technical_possibility(run):
    doc = town(norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}], **G3_HOUSE)
    data = run(doc, "2025-01")
    line, = data["lines"]
    assert (line["method"], line["coefficient"], line["amount"]) == ("norm", "1", "602.14")


def test_g5_heating_by_norm_and_area_in_season(run):
    heating = {"id": "heat", "name": "Отопление", "kind": "communal", "resource": "heating", "unit": "gcal"}
    doc = town(services=[heating], tariffs=[{"service": "heat", "from": "2024-07-01", "rate": "2450.37"}],
               norms=[{"service": "heat", "from": "2024-07-01", "value": "0.0194", "per": "m2"}],
               premises=[flat("p1", "1", "54.3")], persons=[person("owner")],
               accounts=[account("a1", "1002003004", "p1", ["heat"])])
    assert amounts(run(doc, "2025-01"), service="heat") == ["2581.27"]


@pytest.mark.parametrize("rounding, cap, expected", [
    ("balanced", "norm", ["110.12", "151.12", "201.72"]),
    ("independent", "none", ["152.94", "209.89", "280.16"]),
    ("balanced", "none", ["152.94", "209.89", "280.17"]),
], ids=["G7", "G7b-independent", "G7b-balanced"])
def test_g7_common_property_electricity_by_area(run, rounding, cap, expected):
    elec = {"id": "el", "name": "Электроснабжение", "kind": "communal", "resource": "electricity", "unit": "kwh"}
    cp = {"id": "cp_el", "name": "Электроэнергия на СОИ", "kind": "common_property", "resource": "electricity",
          "unit": "kwh"}
    areas, used = ("33.3", "45.7", "61.0"), ("300", "400", "500")
    doc = town(
        services=[elec, cp],
        tariffs=[{"service": "el", "from": "2024-07-01", "rate": "6.43"},
                 {"service": "cp_el", "from": "2024-07-01", "rate": "6.43"}],
        norms=[{"service": "el", "from": "2024-07-01", "value": "100", "per": "person"},
               {"service": "cp_el", "from": "2024-07-01", "value": "0.9", "per": "common_m2"}],
        premises=[flat(f"p{i}", str(i), a) for i, a in enumerate(areas, 1)], persons=[person("owner")],
        accounts=[account(f"a{i}", f"100200300{i}", f"p{i}", ["el", "cp_el"]) for i in range(1, 4)],
        meters=[{"id": f"m{i}", "serial": f"E{i}", "resource": "electricity", "kind": "individual", "premises": f"p{i}",
                 "zones": 1, "digits": 6, "installed": "2024-01-01", "initial": {"total": "1000"}} for i in range(1, 4)]
        + [{"id": "hm", "serial": "H1", "resource": "electricity", "kind": "house", "house": "h1", "zones": 1,
            "digits": 7, "installed": "2024-01-01", "initial": {"total": "50000"}}],
        readings=[{"id": f"r{i}", "meter": f"m{i}", "date": "2025-01-25",
                   "values": {"total": str(1000 + int(v))}, "source": "resident"} for i, v in enumerate(used, 1)],
        house_readings=[{"id": "hr1", "meter": "hm", "date": "2025-01-31", "values": {"total": "51300"},
                         "source": "inspector"}],
        settings={"common_property_rounding": rounding, "common_property_cap": cap})
    data = run(doc, "2025-01")
    assert amounts(data, service="cp_el") == expected
    assert amounts(data, service="el") == ["1929.00", "2572.00", "3215.00"]


def test_g8_temporary_absence(run):
    doc = town(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "42.30"}],
               norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
               premises=[flat("p1", "1", "54.3", meter_impossible=["cold_water"])],
               persons=[person("owner"), person("b", "Иванова", "Мария")],
               accounts=[account("a1", "1002003004", "p1", ["cold"])],
               registrations=[{"id": f"reg-{p}", "person": p, "premises": "p1", "kind": "permanent",
                               "from": "2020-01-01"} for p in ("owner", "b")],
               absences=[{"id": "ab1", "person": "b", "from": "2025-06-05", "to": "2025-06-18"}])
    data = run(doc, "2025-06")
    assert amounts(data, kind="charge") == ["401.43"]
    assert amounts(data, kind="absence") == ["-80.29"]
    assert sum(Decimal(a) for a in amounts(data)) == Decimal("321.14")


def test_g8_an_absence_counts_once_however_many_registrations_and_never_beyond_the_charge(run):
    """G8 with person B's old temporary registration in the same flat kept beside the permanent one: the absence was
    subtracted once per registration record (−80.29 twice). And with a whole month's interruption on top, the
    reductions together took more than the charge (review of 2026-12-07): they stop at it, the absence first."""
    registrations = [{"id": f"reg-{p}", "person": p, "premises": "p1", "kind": "permanent", "from": "2020-01-01"}
                     for p in ("owner", "b")]
    registrations.append({"id": "reg-b-old", "person": "b", "premises": "p1", "kind": "temporary",
                          "from": "2019-01-01", "to": "2019-12-31"})
    doc = town(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "42.30"}],
               norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
               premises=[flat("p1", "1", "54.3", meter_impossible=["cold_water"])],
               persons=[person("owner"), person("b", "Иванова", "Мария")],
               accounts=[account("a1", "1002003004", "p1", ["cold"])], registrations=registrations,
               absences=[{"id": "ab1", "person": "b", "from": "2025-06-05", "to": "2025-06-18"}],
               quality_events=[{"id": "q1", "house": "h1", "service": "cold", "kind": "interruption",
                                "start": "2025-06-01T00:00:00+03:00", "end": "2025-07-01T00:00:00+03:00"}])
    data = run(doc, "2025-06")
    assert amounts(data, kind="charge") == ["401.43"]
    assert amounts(data, kind="absence") == ["-80.29"]
    assert amounts(data, kind="quality") == ["-321.14"]  # a whole month without water: what is left, not more
    assert sum(Decimal(a) for a in amounts(data)) == Decimal("0.00")


def test_g8_an_absence_counts_only_the_registered_days_and_overlapping_absences_once(run):
    """G8 with person B taken off the register on 15.06 (person-days 1–14 June) and the trip entered twice, the
    second time with other dates (review of 2026-12): the days away are 05.06–17.06 once (not 12 + 9 days in two
    lines) and only while B was counted — 05.06–14.06, 10 days: −200.7135 × 10/30 = −66.9045 → −66.90."""
    doc = town(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "42.30"}],
               norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
               premises=[flat("p1", "1", "54.3", meter_impossible=["cold_water"])],
               persons=[person("owner"), person("b", "Иванова", "Мария")],
               accounts=[account("a1", "1002003004", "p1", ["cold"])],
               registrations=[{"id": "reg-owner", "person": "owner", "premises": "p1", "kind": "permanent",
                               "from": "2020-01-01"},
                              {"id": "reg-b", "person": "b", "premises": "p1", "kind": "permanent",
                               "from": "2020-01-01", "to": "2025-06-15"}],
               absences=[{"id": "ab1", "person": "b", "from": "2025-06-05", "to": "2025-06-18"},
                         {"id": "ab2", "person": "b", "from": "2025-06-04", "to": "2025-06-14"}])
    data = run(doc, "2025-06")
    assert amounts(data, kind="charge") == ["294.38"]  # (1 + 14/30) × 200.7135 = 294.3798
    assert amounts(data, kind="absence") == ["-66.90"]


def test_g8_an_absence_reduces_two_part_hot_water_and_sewerage_by_norm_too(run):
    """G8's trip in a flat where no water meter can be installed (an act for cold and hot water), with hot water on a
    two-part tariff and sewerage by its norm (review of 2026-12-07): the absence reduces each service billed by norm
    (ПП 354 п. 86: ХВС, ГВС, водоотведение). Hot water's rate is its two parts, 42.30 + 0.06 × 2 500.00 = 192.30:
    −3.1 × 192.30 × 12/30 = −238.452 → −238.45 (it took nothing off: a two-part tariff has no single rate);
    sewerage's flat has no meter of its own and its water's cannot be installed: −7.845 × 35.00 × 12/30 = −109.83
    (it took nothing off: the act names water, not sewerage); cold water as G8, −80.29."""
    hot = {"id": "hot", "name": "Горячее водоснабжение", "kind": "communal", "resource": "hot_water", "unit": "m3"}
    sewer = {"id": "sewer", "name": "Водоотведение", "kind": "communal", "resource": "sewerage", "unit": "m3"}
    doc = town(services=[COLD, hot, sewer],
               tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "42.30"},
                        {"service": "hot", "from": "2024-07-01", "components": {
                            "cold_water_rate": "42.30", "heat_rate": "2500.00", "heat_per_m3": "0.06"}},
                        {"service": "sewer", "from": "2024-07-01", "rate": "35.00"}],
               norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"},
                      {"service": "hot", "from": "2024-07-01", "value": "3.1", "per": "person"},
                      {"service": "sewer", "from": "2024-07-01", "value": "7.845", "per": "person"}],
               premises=[flat("p1", "1", "54.3", meter_impossible=["cold_water", "hot_water"])],
               persons=[person("owner"), person("b", "Иванова", "Мария")],
               accounts=[account("a1", "1002003004", "p1", ["cold", "hot", "sewer"])],
               registrations=[{"id": f"reg-{p}", "person": p, "premises": "p1", "kind": "permanent",
                               "from": "2020-01-01"} for p in ("owner", "b")],
               absences=[{"id": "ab1", "person": "b", "from": "2025-06-05", "to": "2025-06-18"}])
    data = run(doc, "2025-06")
    assert amounts(data, kind="absence", service="cold") == ["-80.29"]
    assert amounts(data, kind="absence", service="hot") == ["-238.45"]
    assert amounts(data, kind="absence", service="sewer") == ["-109.83"]
    assert amounts(data, kind="charge", service="hot") == ["1192.26"]  # 2 × 3.1 × 192.30


def test_g9_hot_water_interruptions_beyond_allowance(run):
    hot = {"id": "hot", "name": "Горячее водоснабжение", "kind": "communal", "resource": "hot_water", "unit": "m3"}
    events = [("2025-03-03T08:00:00+03:00", "2025-03-03T12:00:00+03:00"),
              ("2025-03-10T09:00:00+03:00", "2025-03-10T12:00:00+03:00"),
              ("2025-03-20T10:00:00+03:00", "2025-03-20T14:00:00+03:00")]
    doc = town(services=[hot], tariffs=[{"service": "hot", "from": "2024-07-01", "rate": "185.04"}],
               norms=[{"service": "hot", "from": "2024-07-01", "value": "3", "per": "person"}],
               premises=[flat("p1", "1", "54.3")], persons=[person("owner")],
               accounts=[account("a1", "1002003004", "p1", ["hot"])],
               meters=[{"id": "m1", "serial": "A1", "resource": "hot_water", "kind": "individual", "premises": "p1",
                        "zones": 1, "digits": 5, "installed": "2024-01-10", "initial": {"total": "100"}}],
               readings=[{"id": "r1", "meter": "m1", "date": "2025-03-23", "values": {"total": "110"},
                          "source": "resident"}],
               quality_events=[{"id": f"q{i}", "service": "hot", "house": "h1", "start": s, "end": e,
                                "kind": "interruption"} for i, (s, e) in enumerate(events)])
    data = run(doc, "2025-03")
    assert amounts(data, kind="charge") == ["1850.40"]
    assert amounts(data, kind="quality") == ["-8.33"]


def test_hot_water_below_temperature_norm_is_reduced(run):
    """Прил. 1, п. 5: 52 °C for 10 hours by day (norm 60, 3 °C allowed) → 5 °C beyond → one 3 °C step → 0.1 % × 10 h."""
    hot = {"id": "hot", "name": "Горячее водоснабжение", "kind": "communal", "resource": "hot_water", "unit": "m3"}
    doc = metered_hot_water_flat(services=[hot], tariffs=[{"service": "hot", "from": "2024-07-01", "rate": "185.04"}],
                                 norms=[{"service": "hot", "from": "2024-07-01", "value": "3", "per": "person"}],
                                 act_end="2025-03-05T18:00:00+03:00", measured="52")
    data = run(doc, "2025-03")
    assert amounts(data, kind="quality") == ["-18.50"]  # 1850.40 × 1 % = 18.504


def test_norms_by_amenity_need_the_house_s_own_norm(run, tmp_path, capsys):
    """Regional norm tables differ by amenity (DOMAIN §1.4: e.g. 2.92 / 5.85 м³/чел); nothing in the exchange says
    which amenity a house has, so two different town-wide norms stop the house with a gap naming the way out — a
    norm for the house — instead of picking one; with it, G3's amount comes out."""
    norms = [{"id": "n-bath", "service": "cold", "from": "2024-07-01", "value": "5.85", "per": "person",
              "amenity": "ванна"},
             {"id": "n-shower", "service": "cold", "from": "2024-07-01", "value": "2.92", "per": "person",
              "amenity": "душ"}]
    data = run(town(norms=norms, **G3_HOUSE), "2025-01", calc_code=1)
    assert data["lines"] == []
    main(["--db", run.url, "calc", "--period", "2025-01"])
    assert "различаются по степени благоустройства" in capsys.readouterr().err
    own = {"id": "n-h1", "service": "cold", "house": "h1", "from": "2024-07-01", "value": "4.745", "per": "person"}
    data = run(town(norms=[*norms, own], **G3_HOUSE), "2025-01")
    line, = data["lines"]
    assert (line["method"], line["amount"]) == ("norm", "602.14")


def test_a_house_that_cannot_be_calculated_is_named_by_address_and_service_by_name(run, capsys):
    """Issue 10: the gaps name the house as people know it and the service by its name — no internal ids."""
    import re

    doc = town(norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}], **G3_HOUSE)
    doc["tariffs"] = [{"service": "cold", "from": "2025-06-01", "rate": "42.30"}]  # none in force in January
    run(doc, "2025-01", calc_code=1)
    main(["--db", run.url, "calc", "--period", "2025-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    house, = out["failed"]
    assert house["house"] == "г. Москва, ул. Лесная, д. 5"
    gap, = house["gaps"]
    assert "ЛС 1002003004, услуга «Холодное водоснабжение»: нет тарифа на 2025-01" in gap
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", json.dumps(out))


def test_a_gap_of_many_accounts_is_said_once_for_the_house(run, capsys):
    """A tariff missing for the whole house was said once per account: 60 identical lines for one demo house, a
    screenful for a real one. It is said once, with how many accounts it stops and the first of them."""
    numbers = [f"100200300{i}" for i in range(1, 6)]
    doc = town(norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
               services=[COLD], premises=[flat(f"p{i}", str(i), "20") for i in range(1, 6)], persons=[person("owner")],
               accounts=[account(f"a{i}", n, f"p{i}", ["cold"]) for i, n in enumerate(numbers, 1)],
               tariffs=[{"service": "cold", "from": "2025-06-01", "rate": "42.30"}])  # none in force in January
    run(doc, "2025-01", calc_code=1)
    main(["--db", run.url, "calc", "--period", "2025-01", "--json"])
    house, = json.loads(capsys.readouterr().out)["failed"]
    gap, = house["gaps"]
    assert gap == (f"дом {house['house']}, 5 ЛС ({', '.join(sorted(numbers)[:3])} и ещё 2), "
                   "услуга «Холодное водоснабжение»: нет тарифа на 2025-01"), gap


def test_a_meter_of_a_flat_with_two_accounts_is_billed_once_in_all(run, capsys):
    """Two co-owners' accounts of ½ each, one cold-water meter read 7 → 17 m³ at 40 руб./м³: each was billed the
    whole 10 m³ (400.00 twice — the meter's water paid twice; review of 2026-12-07). Each account pays its part:
    5 m³, 200.00, and says so. ``shared_meter_volume: whole`` keeps the old way."""
    doc = town(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "40.00"}],
               premises=[flat("p1", "1", "54.3")], persons=[person("owner"), person("b", "Иванова", "Мария")],
               accounts=[{**account("a1", "1002003004", "p1", ["cold"]), "share": "1/2"},
                         {**account("a2", "1002003012", "p1", ["cold"]), "share": "1/2"}],
               meters=[{"id": "m1", "serial": "A1", "resource": "cold_water", "kind": "individual", "premises": "p1",
                        "zones": 1, "digits": 5, "installed": "2024-01-10", "initial": {"total": "7"}}],
               readings=[{"id": "r1", "meter": "m1", "date": "2025-01-24", "values": {"total": "17"},
                          "source": "resident"}])
    data = run(doc, "2025-01")
    assert amounts(data, service="cold") == ["200.00", "200.00"]
    assert [ln["volume"] for ln in data["lines"]] == ["5", "5"]
    assert main(["--db", run.url, "explain", "--account", "1002003004", "--period", "2025-01"]) == 0
    shown = capsys.readouterr().out
    assert "объём по прибору = 10, доля лицевого счёта = 1/2" in shown, shown


def test_g8_in_a_flat_of_two_co_owners_each_account_recalculates_its_part(run):
    """G8 in a flat split into two accounts of ½: each account's persons are halved, and so is the absence — it
    was −80.29 on each account, the flat's −80.29 taken twice (review of 2026-12-07)."""
    doc = town(services=[COLD], tariffs=[{"service": "cold", "from": "2024-07-01", "rate": "42.30"}],
               norms=[{"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
               premises=[flat("p1", "1", "54.3", meter_impossible=["cold_water"])],
               persons=[person("owner"), person("b", "Иванова", "Мария")],
               accounts=[{**account("a1", "1002003004", "p1", ["cold"]), "share": "1/2"},
                         {**account("a2", "1002003012", "p1", ["cold"]), "share": "1/2"}],
               registrations=[{"id": f"reg-{p}", "person": p, "premises": "p1", "kind": "permanent",
                               "from": "2020-01-01"} for p in ("owner", "b")],
               absences=[{"id": "ab1", "person": "b", "from": "2025-06-05", "to": "2025-06-18"}])
    data = run(doc, "2025-06")
    assert amounts(data, kind="charge") == ["200.71", "200.71"]  # 2 × ½ persons × 4.745 × 42.30 = 200.7135
    assert amounts(data, kind="absence") == ["-40.14", "-40.14"]  # −4.745 × 42.30 × 12/30 × ½ = −40.1427


def test_a_contradiction_in_a_house_does_not_hide_its_other_gaps(tmp_path, capsys):
    """A flat larger than the house stopped the house with that one message: a missing cold-water tariff of the
    same house went unsaid until the first was mended (review of 2026-12-07). Every gap is said, each where it is."""
    elec = {"id": "el", "name": "Электроснабжение", "kind": "communal", "resource": "electricity", "unit": "kwh"}
    cp = {"id": "cp_el", "name": "Электроэнергия на СОИ", "kind": "common_property", "resource": "electricity",
          "unit": "kwh"}
    doc = town(
        services=[elec, cp, COLD],
        tariffs=[{"service": "el", "from": "2024-07-01", "rate": "6.43"},
                 {"service": "cp_el", "from": "2024-07-01", "rate": "6.43"}],
        norms=[{"service": "el", "from": "2024-07-01", "value": "100", "per": "person"},
               {"service": "cp_el", "from": "2024-07-01", "value": "0.9", "per": "common_m2"},
               {"service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
        premises=[flat("p1", "1", "33.3"), flat("p2", "2", "100")], persons=[person("owner")],
        accounts=[account("a1", "1002003001", "p1", ["el", "cp_el", "cold"]),
                  account("a2", "1002003002", "p2", ["el", "cp_el"])],
        meters=[{"id": "hm", "serial": "H1", "resource": "electricity", "kind": "house", "house": "h1", "zones": 1,
                 "digits": 7, "installed": "2024-01-01", "initial": {"total": "50000"}}],
        house_readings=[{"id": "hr1", "meter": "hm", "date": "2025-01-31", "values": {"total": "51300"},
                         "source": "inspector"}])
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", url, "import", str(path)]) == 0
    import sqlite3

    with sqlite3.connect(tmp_path / "x.db") as conn:  # the import refuses such a house now; an older database or a
        conn.execute("UPDATE premises SET total_area = 200 WHERE number = '2'")  # file edited by hand still has it
    capsys.readouterr()
    main(["--db", url, "calc", "--period", "2025-01"])
    said = " ".join(capsys.readouterr())
    assert "сумма площадей помещений больше площади дома" in said
    assert "ЛС 1002003001, услуга «Холодное водоснабжение»: нет тарифа" in said, said
