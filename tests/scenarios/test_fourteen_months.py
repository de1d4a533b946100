"""Fourteen months of one house, January 2025 – February 2026, month by month through the CLI (Kill Bill style).

The house, ул. Лесная, 5: four flats, S_об = 199.9 м², S_ои = 60.5 м², heating by the norm in the season
(January–May, October–December), an electricity house meter (ОДПУ) for КР на СОИ, capped by the norm
0.9 кВт·ч/м² × 60.5 м² = 54.45 кВт·ч, "balanced" rounding. Every flat pays содержание by area, heating, cold water,
electricity and its area share of the common-property electricity. Tariffs are indexed on 1 July 2025.

* Flat 1 (54.3 м², 2 residents) has a cold-water meter with three months of readings (January–March). Then the
  readings stop for seven months: April–September are billed by the average of those three months (п. 59 «б», up
  to six periods), October by the norm without the increasing coefficient (п. 60; readings not submitted). In
  November the resident brings the lost April–October readings: November's run recalculates the seven months by the
  actual volumes (п. 61) — RECALC lines naming the month they correct; each month nets to actual × tariff.
  Flat 1 pays every bill in full on the 18th of the next month, naming the month.
* Flat 2 (45.7 м²) has no cold-water meter (an act of no technical possibility): the norm × residents, K = 1.
  Three residents in January (one of them registered temporarily until 20 August); a fourth moves in on
  12 March — March counts 3 + 20/31 persons; the temporary resident leaves on 20 August — August counts
  3 + 19/31. Electricity by a two-zone meter (day/night). Pays in full on the 8th.
* Flat 3 (61.0 м², 1 resident) has its cold-water meter replaced on 14 May: the old one is `removed` with a final
  reading taken by the inspector, the new one starts from its `initial` reading; May's volume is
  (final − April) + (May − initial). Flat 3 never pays: a debtor.
* Flat 4 (38.9 м², 2 residents) pays 1 500.00 a month on the 25th: partial payments, a growing debt.

Along the way: on 8 and 20 April cold water is interrupted for 8 h and 3 h — 4 h beyond the allowance
(4 h at a time, 8 h a month; "max" policy) → −0.6 % of every flat's April cold-water charge (a quality line). In
September the regulator's cold-water tariff from 1 July turns out to be 52.74, not 51.39: the tariff is imported
again and September's run posts RECALC lines for July and August naming «тариф 51.39 → 52.74». In one month the
house meter shows less than the flats (КР на СОИ 0), in others more than the norm (capped at 54.45 кВт·ч).

Every month: import that month's facts (readings, the house reading, registrations, acts, payments for the last
bill), `calc`, `charges --json`, `calc` again, `close`, `balances --json`. The story is lived once per backend (a
module fixture records each month's outputs as they come) and the tests read it month by month: the month's lines
exactly (amounts computed here from the inputs with Decimal and ROUND_HALF_UP, never floats), the recalculations
with `corrects_period` and their net amounts, the second run posting nothing, `closing(P) == opening(P + 1)`. At
the end, as of 31.03.2026: `debts` by period (the February 2026 bill is due 16.03.2026 — the 15th is a Sunday) and
`penalties` (1/300 from the 31st day, 1/130 from the 91st, 9.5 %), both recomputed here kopeck for kopeck for
the debtor and the partial payer. Product bugs the story ran into are strict xfails at the end of the file.
"""
from __future__ import annotations

import calendar
import contextlib
import io
import json
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from bcenter.cli import main
from tests.golden.builders import BANK

D = Decimal
PG_URL = os.environ.get("BCENTER_TEST_PG")
CENT = D("0.01")
MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02"]
SEASON = (1, 2, 3, 4, 5, 10, 11, 12)


def kop(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(kop(value))


def days_in(period: str) -> int:
    year, month = map(int, period.split("-"))
    return calendar.monthrange(year, month)[1]


def next_period(period: str) -> str:
    year, month = map(int, period.split("-"))
    return f"{year + month // 12}-{month % 12 + 1:02d}"


# --- the house --------------------------------------------------------------------------------------------------
FLATS = {  # account number → (premises id, flat number, area)
    "1000000001": ("p1", "1", "54.3"),
    "1000000002": ("p2", "2", "45.7"),
    "1000000003": ("p3", "3", "61.0"),
    "1000000004": ("p4", "4", "38.9"),
}
HOUSE_AREA, COMMON_AREA = D("199.9"), D("60.5")
A1, A2, A3, A4 = FLATS
AREA = {acc: D(area) for acc, (_, _, area) in FLATS.items()}

COLD_NORM, HEAT_NORM, CP_NORM = D("4.745"), D("0.0194"), D("0.9")
CP_CAP = CP_NORM * COMMON_AREA  # 54.45 кВт·ч


def rate_table(before: str, after: str) -> dict[str, Decimal]:
    return {p: D(before) if p < "2025-07" else D(after) for p in MONTHS}


RATES = {
    "maint": rate_table("32.15", "34.80"),
    "heat": rate_table("2450.37", "2741.96"),
    "cold": rate_table("48.57", "51.39"),
    "el": rate_table("6.43", "7.05"),
    "el_day": rate_table("7.12", "7.81"),
    "el_night": rate_table("3.56", "3.91"),
    "cp_el": rate_table("6.43", "7.05"),
}
COLD_CORRECTED = D("52.74")  # the July 2025 cold-water tariff as corrected in September

# cold-water meter readings at month end (flat 1: only January–March arrive in time; flat 3: the new meter)
F1_COLD = dict(zip(MONTHS, ["255.4", "260.1", "266.0", "270.2", "274.0", "277.1", "280.5", "283.6", "287.9",
                            "292.3", "297.0", "302.2", "307.0", "311.9"]))
F1_COLD_INITIAL = "250"
F1_LATE = MONTHS[3:10]  # 2025-04 … 2025-10: readings lost, found in November
F3_OLD = dict(zip(MONTHS[:4], ["1206.2", "1212.9", "1218.5", "1224.0"]))
F3_OLD_INITIAL, F3_FINAL, F3_NEW_INITIAL = "1200", "1227.3", "0.8"
F3_NEW = dict(zip(MONTHS[4:], ["3.9", "10.1", "16.0", "21.7", "27.9", "34.0", "40.2", "46.1", "52.5", "58.3"]))
F4_COLD = dict(zip(MONTHS, ["503.5", "507.1", "510.4", "514.2", "517.6", "521.1", "524.9", "528.0", "531.6",
                            "535.3", "538.9", "542.7", "546.5", "550.0"]))
F4_COLD_INITIAL = "500"

# electricity: monthly consumption per flat (flat 2: day, night) and what the common property used (house − flats)
EL_USE = {
    A1: [212, 190, 185, 160, 151, 140, 133, 145, 158, 177, 196, 231, 240, 205],
    A3: [180, 176, 171, 150, 149, 132, 128, 139, 150, 163, 178, 201, 214, 188],
    A4: [110, 104, 99, 96, 90, 84, 81, 86, 92, 101, 108, 121, 126, 112],
}
EL2_DAY = [121, 118, 110, 104, 97, 90, 88, 92, 99, 108, 117, 130, 137, 124]
EL2_NIGHT = [64, 60, 58, 55, 51, 47, 45, 49, 52, 57, 61, 69, 73, 66]
COMMON_USE = ["40", "70", "-15", "54.45", "33.6", "25", "20.5", "22", "30", "48", "61", "75", "80", "52"]
EL_INITIAL = {A1: 10000, A3: 30000, A4: 7000}
EL2_INITIAL = (5000, 2000)
HOUSE_EL_INITIAL = D("100000")


def cumulative(start, monthly) -> dict[str, Decimal]:
    out, value = {}, D(start)
    for period, used in zip(MONTHS, monthly):
        value += D(used)
        out[period] = value
    return out


EL_READ = {acc: cumulative(EL_INITIAL[acc], use) for acc, use in EL_USE.items()}
EL2_DAY_READ = cumulative(EL2_INITIAL[0], EL2_DAY)
EL2_NIGHT_READ = cumulative(EL2_INITIAL[1], EL2_NIGHT)
FLATS_EL = {p: sum(D(EL_USE[a][i]) for a in EL_USE) + EL2_DAY[i] + EL2_NIGHT[i] for i, p in enumerate(MONTHS)}
HOUSE_EL_READ = cumulative(HOUSE_EL_INITIAL, [FLATS_EL[p] + D(c) for p, c in zip(MONTHS, COMMON_USE)])

# residents of flat 2: A and B always, D temporarily until 20.08.2025 (to = first day not registered), C from 12.03
F2_MOVE_IN, F2_MOVE_OUT = "2025-03-12", "2025-08-20"
PERSONS = {A1: D(2), A3: D(1), A4: D(2)}

# quality: cold water interrupted 8 h and 3 h in April (4 h beyond the allowance → 0.6 %)
COLD_OUTAGES = [("2025-04-08T09:00:00+03:00", "2025-04-08T17:00:00+03:00"),
                ("2025-04-20T10:00:00+03:00", "2025-04-20T13:00:00+03:00")]
QUALITY_PCT = {"2025-04": D("0.6")}

F4_PAYMENT = D("1500.00")


def f2_persons(period: str) -> Decimal:
    days = days_in(period)
    stays = [("2015-01-01", None), ("2015-01-01", None), ("2024-09-01", F2_MOVE_OUT), (F2_MOVE_IN, None)]
    first = date.fromisoformat(period + "-01")
    end = first + timedelta(days=days)
    person_days = 0
    for start, stop in stays:
        s = max(first, date.fromisoformat(start))
        e = min(end, date.fromisoformat(stop)) if stop else end
        person_days += max(0, (e - s).days)
    return D(person_days) / D(days)


# --- the documents ----------------------------------------------------------------------------------------------
def service(sid, name, kind, unit, resource=None, order=0):
    out = {"id": sid, "name": name, "kind": kind, "unit": unit, "supplier": "uk", "order": order}
    if resource:
        out["resource"] = resource
    return out


def tariffs(cold_july: str = "51.39") -> list[dict]:
    rows = []
    for sid, before, after, zone in (("maint", "32.15", "34.80", None), ("heat", "2450.37", "2741.96", None),
                                     ("cold", "48.57", cold_july, None), ("el", "6.43", "7.05", None),
                                     ("el", "7.12", "7.81", "day"), ("el", "3.56", "3.91", "night"),
                                     ("cp_el", "6.43", "7.05", None)):
        tag = f"{sid}-{zone}" if zone else sid
        first = {"id": f"t-{tag}-1", "service": sid, "from": "2024-07-01", "to": "2025-07-01", "rate": before}
        second = {"id": f"t-{tag}-2", "service": sid, "from": "2025-07-01", "rate": after}
        if zone:
            first["zone"] = second["zone"] = zone
        rows += [first, second]
    return rows


def meter(mid, serial, resource, premises, installed, initial, *, zones=1, digits=6, removed=None, house=None):
    out = {"id": mid, "serial": serial, "resource": resource, "kind": "house" if house else "individual",
           "zones": zones, "digits": digits, "installed": installed, "initial": initial}
    out.update({"house": house} if house else {"premises": premises})
    if removed:
        out["removed"] = removed
    return out


OLD_F3_METER = meter("m3-old", "C3-OLD", "cold_water", "p3", "2023-06-01", {"total": F3_OLD_INITIAL}, digits=5)


def base_document() -> dict:
    persons = [{"id": pid, "last_name": last, "first_name": first} for pid, last, first in (
        ("ivanov", "Иванов", "Иван"), ("ivanova", "Иванова", "Мария"), ("petrov", "Петров", "Пётр"),
        ("petrova", "Петрова", "Анна"), ("lodger", "Сидоров", "Олег"), ("newcomer", "Петрова", "Ольга"),
        ("kuznetsov", "Кузнецов", "Илья"), ("orlov", "Орлов", "Павел"), ("orlova", "Орлова", "Вера"))]
    registrations = [{"id": f"reg-{pid}", "person": pid, "premises": prem, "kind": "permanent", "from": "2015-01-01"}
                     for pid, prem in (("ivanov", "p1"), ("ivanova", "p1"), ("petrov", "p2"), ("petrova", "p2"),
                                       ("kuznetsov", "p3"), ("orlov", "p4"), ("orlova", "p4"))]
    registrations.append({"id": "reg-lodger", "person": "lodger", "premises": "p2", "kind": "temporary",
                          "from": "2024-09-01", "to": F2_MOVE_OUT})
    holders = {A1: "ivanov", A2: "petrov", A3: "kuznetsov", A4: "orlov"}
    services = ["maint", "heat", "cold", "el", "cp_el"]
    return {
        "organization": {"name": "ООО \"УК Рассвет\"", "inn": "7701234567", "kpp": "770101001",
                         "address": "г. Москва, ул. Лесная, д. 5", "bank": BANK},
        "settings": {"common_property_cap": "norm", "common_property_rounding": "balanced",
                     "quality_excess_hours": "max"},
        "suppliers": [{"id": "uk", "name": "ООО \"УК Рассвет\"", "inn": "7701234567", "bank": BANK}],
        "services": [service("maint", "Содержание жилого помещения", "housing", "m2", order=1),
                     service("heat", "Отопление", "communal", "gcal", "heating", order=2),
                     service("cold", "Холодное водоснабжение", "communal", "m3", "cold_water", order=3),
                     service("el", "Электроснабжение", "communal", "kwh", "electricity", order=4),
                     service("cp_el", "Электроэнергия на СОИ", "common_property", "kwh", "electricity", order=5)],
        "tariffs": tariffs(),
        "norms": [{"id": "n-cold", "service": "cold", "from": "2024-07-01", "value": str(COLD_NORM), "per": "person"},
                  {"id": "n-el", "service": "el", "from": "2024-07-01", "value": "100", "per": "person"},
                  {"id": "n-heat", "service": "heat", "from": "2024-07-01", "value": str(HEAT_NORM), "per": "m2"},
                  {"id": "n-cp", "service": "cp_el", "from": "2024-07-01", "value": str(CP_NORM),
                   "per": "common_m2"}],
        "houses": [{"id": "h1", "address": {"city": "Москва", "street": "ул. Лесная", "building": "5"},
                    "total_area": str(HOUSE_AREA), "common_area": str(COMMON_AREA),
                    "heating": {"method": "norm", "payment": "season", "season_months": list(SEASON)}}],
        "premises": [{"id": prem, "house": "h1", "number": num, "kind": "residential", "total_area": area,
                      **({"meter_impossible": ["cold_water"]} if prem == "p2" else {})}
                     for prem, num, area in FLATS.values()],
        "persons": persons,
        "accounts": [{"id": f"a{num}", "number": acc, "premises": prem, "opened": "2020-01-01",
                      "holder": {"person": holders[acc]},
                      "services": [{"service": s, "from": "2020-01-01"} for s in services]}
                     for acc, (prem, num, _) in FLATS.items()],
        "registrations": registrations,
        "meters": [meter("m1", "C1", "cold_water", "p1", "2024-12-01", {"total": F1_COLD_INITIAL}, digits=5),
                   OLD_F3_METER,
                   meter("m4", "C4", "cold_water", "p4", "2022-03-01", {"total": F4_COLD_INITIAL}, digits=5),
                   meter("e1", "E1", "electricity", "p1", "2020-01-01", {"total": str(EL_INITIAL[A1])}),
                   meter("e2", "E2", "electricity", "p2", "2020-01-01",
                         {"day": str(EL2_INITIAL[0]), "night": str(EL2_INITIAL[1])}, zones=2),
                   meter("e3", "E3", "electricity", "p3", "2020-01-01", {"total": str(EL_INITIAL[A3])}),
                   meter("e4", "E4", "electricity", "p4", "2020-01-01", {"total": str(EL_INITIAL[A4])}),
                   meter("hm", "H1", "electricity", None, "2020-01-01", {"total": str(HOUSE_EL_INITIAL)},
                         digits=7, house="h1")],
    }


def reading(rid, mid, period, values, *, day=24, source="resident", with_period=False):
    out = {"id": rid, "meter": mid, "date": f"{period}-{day:02d}", "values": values, "source": source}
    if with_period:
        out["period"] = period
    return out


def month_facts(period: str, bills: dict[str, dict[str, Decimal]]) -> dict:
    """What arrives during `period`: readings, house readings, registrations, acts, payments for the last bill."""
    readings = []
    if period not in F1_LATE:
        readings.append(reading(f"m1-{period}", "m1", period, {"total": F1_COLD[period]}))
    if period == "2025-11":  # the lost readings are found, each for its month
        readings += [reading(f"m1-{p}", "m1", p, {"total": F1_COLD[p]}, with_period=True) for p in F1_LATE]
    if period in F3_OLD:
        readings.append(reading(f"m3-{period}", "m3-old", period, {"total": F3_OLD[period]}))
    else:
        readings.append(reading(f"m3n-{period}", "m3-new", period, {"total": F3_NEW[period]}))
    readings.append(reading(f"m4-{period}", "m4", period, {"total": F4_COLD[period]}))
    for acc, mid in ((A1, "e1"), (A3, "e3"), (A4, "e4")):
        readings.append(reading(f"{mid}-{period}", mid, period, {"total": str(EL_READ[acc][period])}, day=25))
    readings.append(reading(f"e2-{period}", "e2", period, {"day": str(EL2_DAY_READ[period]),
                                                            "night": str(EL2_NIGHT_READ[period])}, day=25))
    last_day = days_in(period)
    doc: dict = {
        "readings": readings,
        "house_readings": [reading(f"hm-{period}", "hm", period, {"total": str(HOUSE_EL_READ[period])},
                                   day=last_day, source="inspector")],
        "payments": [],
    }
    if period == "2025-03":
        doc["registrations"] = [{"id": "reg-newcomer", "person": "newcomer", "premises": "p2", "kind": "permanent",
                                 "from": F2_MOVE_IN}]
    if period == "2025-04":
        doc["quality_events"] = [{"id": f"q-cold-{i}", "service": "cold", "house": "h1", "start": s, "end": e,
                                  "kind": "interruption"} for i, (s, e) in enumerate(COLD_OUTAGES)]
    if period == "2025-05":  # the flat 3 meter replaced on 14 May
        doc["meters"] = [{**OLD_F3_METER, "removed": "2025-05-14"},
                         meter("m3-new", "C3-NEW", "cold_water", "p3", "2025-05-14", {"total": F3_NEW_INITIAL},
                               digits=5)]
        doc["readings"].append(reading("m3-final", "m3-old", period, {"total": F3_FINAL}, day=14,
                                       source="inspector"))
    if period == "2025-09":  # the July tariff corrected by the regulator
        doc["tariffs"] = tariffs(cold_july=str(COLD_CORRECTED))
    previous = MONTHS[MONTHS.index(period) - 1] if period != MONTHS[0] else None
    if previous:
        for acc, day in ((A1, 18), (A2, 8)):
            amount = sum(bills[previous][acc].values(), D(0))
            if amount > 0:
                doc["payments"].append({"id": f"pay-{acc}-{period}", "account": f"a{FLATS[acc][1]}",
                                        "amount": money(amount), "paid_on": f"{period}-{day:02d}",
                                        "period": previous, "channel": "bank"})
        doc["payments"].append({"id": f"pay-{A4}-{period}", "account": "a4", "amount": str(F4_PAYMENT),
                                "paid_on": f"{period}-25", "period": previous, "channel": "online"})
    return doc


# --- what the month should bring --------------------------------------------------------------------------------
def cold_rate(period: str, *, corrected: bool) -> Decimal:
    return COLD_CORRECTED if corrected and period >= "2025-07" else RATES["cold"][period]


def f1_average() -> Decimal:
    volumes = [D(F1_COLD["2025-01"]) - D(F1_COLD_INITIAL), D(F1_COLD["2025-02"]) - D(F1_COLD["2025-01"]),
               D(F1_COLD["2025-03"]) - D(F1_COLD["2025-02"])]
    return sum(volumes, D(0)) / 3


def previous_reading(series: dict[str, str], initial: str, period: str) -> Decimal:
    earlier = [p for p in series if p < period]
    return D(series[earlier[-1]]) if earlier else D(initial)


def cold_lines(acc: str, period: str, *, found: bool, corrected: bool) -> tuple[str, Decimal]:
    """(method, amount) of an account's cold-water charge for `period`, as known after/before the events."""
    rate = cold_rate(period, corrected=corrected)
    if acc == A1:
        if period in F1_LATE and not found:
            if period <= "2025-09":  # periods without readings 1…6 (п. 59 «б»): the average of Jan–Mar
                return "average", kop(f1_average() * rate)
            return "norm", kop(PERSONS[A1] * COLD_NORM * rate)  # the 7th: the norm, K = 1 (п. 60)
        volume = D(F1_COLD[period]) - previous_reading(F1_COLD, F1_COLD_INITIAL, period)
        return "meter", kop(volume * rate)
    if acc == A2:
        return "norm", kop(f2_persons(period) * COLD_NORM * rate)
    if acc == A3:
        if period in F3_OLD:
            volume = D(F3_OLD[period]) - previous_reading(F3_OLD, F3_OLD_INITIAL, period)
        elif period == "2025-05":
            volume = (D(F3_FINAL) - D(F3_OLD["2025-04"])) + (D(F3_NEW[period]) - D(F3_NEW_INITIAL))
        else:
            volume = D(F3_NEW[period]) - previous_reading(F3_NEW, F3_NEW_INITIAL, period)
        return "meter", kop(volume * rate)
    volume = D(F4_COLD[period]) - previous_reading(F4_COLD, F4_COLD_INITIAL, period)
    return "meter", kop(volume * rate)


def el_volume(acc: str, period: str) -> Decimal:
    i = MONTHS.index(period)
    return D(EL2_DAY[i] + EL2_NIGHT[i]) if acc == A2 else D(EL_USE[acc][i])


def common_property(period: str) -> dict[str, Decimal]:
    """КР на СОИ: min(house − flats, cap) ≥ 0, split by area; "balanced": the house total by largest remainder."""
    house = HOUSE_EL_READ[period] - (HOUSE_EL_READ[MONTHS[MONTHS.index(period) - 1]] if period != MONTHS[0]
                                     else HOUSE_EL_INITIAL)
    actual = house - sum(el_volume(acc, period) for acc in FLATS)
    billable = min(max(actual, D(0)), CP_CAP)
    rate = RATES["cp_el"][period]
    total_kop = int(kop(billable * rate) * 100)  # Σ S_i = S_об: the house total is V × T
    exact = {acc: billable * AREA[acc] / HOUSE_AREA * rate * 100 for acc in FLATS}
    parts = {acc: int(x) for acc, x in exact.items()}  # floor (non-negative)
    left = total_kop - sum(parts.values())
    for acc in sorted(FLATS, key=lambda a: -(exact[a] - parts[a]))[:left]:
        parts[acc] += 1
    return {acc: D(parts[acc]) / 100 for acc in FLATS}


def expected_month(period: str, *, found: bool, corrected: bool) -> dict[tuple[str, str, str], Decimal]:
    """The month's own lines (kind charge / common_property / quality) per (account, service, kind)."""
    month = int(period[5:])
    cp = common_property(period)
    out = {}
    for acc in FLATS:
        out[(acc, "maint", "charge")] = kop(AREA[acc] * RATES["maint"][period])
        if month in SEASON:
            out[(acc, "heat", "charge")] = kop(AREA[acc] * HEAT_NORM * RATES["heat"][period])
        _, cold = cold_lines(acc, period, found=found, corrected=corrected)
        out[(acc, "cold", "charge")] = cold
        if period in QUALITY_PCT:
            out[(acc, "cold", "quality")] = -kop(cold * QUALITY_PCT[period] / 100)
        i = MONTHS.index(period)
        if acc == A2:
            out[(acc, "el", "charge")] = kop(EL2_DAY[i] * RATES["el_day"][period]
                                             + EL2_NIGHT[i] * RATES["el_night"][period])
        else:
            out[(acc, "el", "charge")] = kop(EL_USE[acc][i] * RATES["el"][period])
        out[(acc, "cp_el", "common_property")] = cp[acc]  # a zero line too, when the house used less
    return out


def cold_total(acc: str, period: str, *, found: bool, corrected: bool) -> Decimal:
    month = expected_month(period, found=found, corrected=corrected)
    return month[(acc, "cold", "charge")] + month.get((acc, "cold", "quality"), D(0))


# --- the story, run once per backend ----------------------------------------------------------------------------
class Cli:
    """`bcenter --db URL …` through `bcenter.cli.main`; `--json` output parsed."""

    def __init__(self, url: str, tmp):
        self.url, self.tmp = url, tmp

    def __call__(self, *args, code: int = 0):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            got = main(["--db", self.url, *map(str, args)])
        assert got == code, f"{args}: {err.getvalue() or out.getvalue()}"
        return json.loads(out.getvalue()) if "--json" in args and got == 0 else out.getvalue()

    def load(self, doc: dict) -> None:
        path = self.tmp / "doc.json"
        path.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, **doc}, ensure_ascii=False),
                        encoding="utf-8")
        self("import", path)


@dataclass
class Month:
    facts: dict
    charges: dict                  # `charges --json` right after the month's `calc`
    rerun: dict                    # `calc --json` run a second time
    charges_after_rerun: dict
    balances: dict                 # `balances --json` after `close`
    received: dict[str, Decimal]   # money the bank brought in the month, per account


@dataclass
class Story:
    cli: Cli
    months: dict[str, Month] = field(default_factory=dict)

    def bill(self, period: str, acc: str) -> dict[str, Decimal]:
        out = defaultdict(D)
        for ln in self.months[period].charges["lines"]:
            if ln["account"] == acc:
                out[ln["service"]] += D(ln["amount"])
        return dict(out)


def live(story: Story) -> None:
    cli = story.cli
    cli.load(base_document())
    bills: dict[str, dict[str, dict[str, Decimal]]] = {}
    for period in MONTHS:
        facts = month_facts(period, bills)
        cli.load(facts)
        received = defaultdict(D)
        for pay in facts["payments"]:
            received[f"100000000{pay['account'][1:]}"] += D(pay["amount"])
        cli("calc", "--period", period)
        charges = cli("charges", "--period", period, "--json")
        rerun = cli("calc", "--period", period, "--json")
        after = cli("charges", "--period", period, "--json")
        cli("close", "--period", period)
        story.months[period] = Month(facts, charges, rerun, after, cli("balances", "--period", period, "--json"),
                                     dict(received))
        bills[period] = {acc: story.bill(period, acc) for acc in FLATS}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"] if PG_URL else ["sqlite"])
def story(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"fourteen-{request.param}")
    if request.param == "sqlite":
        yield_story = Story(Cli(f"sqlite:///{tmp / 'story.db'}", tmp))
        live(yield_story)
        yield yield_story
        return
    import psycopg2

    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = psycopg2.connect(PG_URL.split("?")[0])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    try:
        pg_story = Story(Cli(f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}", tmp))
        live(pg_story)
        yield pg_story
    finally:
        from db.connection import close_database

        close_database()
        with conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()


def by_key(data: dict) -> dict[tuple[str, str, str], Decimal]:
    """The month's own lines (not recalculations), per (account, service, kind)."""
    out = defaultdict(D)
    for ln in data["lines"]:
        if ln["kind"] != "recalc":
            out[(ln["account"], ln["service"], ln["kind"])] += D(ln["amount"])
    return dict(out)


def recalcs(data: dict) -> dict[tuple[str, str, str], dict]:
    out = {}
    for ln in data["lines"]:
        if ln["kind"] == "recalc":
            key = (ln["account"], ln["service"], ln["corrects_period"])
            assert key not in out, f"two recalculation lines for {key}"
            out[key] = ln
    return out


def rows(balances: dict) -> dict[tuple[str, str], dict]:
    return {(r["account"], r["service"]): r for r in balances["accounts"]}


def month_line(story: Story, period: str, acc: str, svc: str, kind: str = "charge") -> dict:
    line, = [ln for ln in story.months[period].charges["lines"]
             if (ln["account"], ln["service"], ln["kind"]) == (acc, svc, kind)]
    return line


# --- the months -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", MONTHS)
def test_each_month_charges_exactly_what_the_inputs_give(story, period):
    """Every line of the month (charges, КР на СОИ, quality), kopeck for kopeck, and no recalculation except in
    September (the tariff) and November (the found readings)."""
    data = story.months[period].charges
    found, corrected = period >= "2025-11", period >= "2025-09"
    assert by_key(data) == expected_month(period, found=found, corrected=corrected)
    for acc in FLATS:
        method, _ = cold_lines(acc, period, found=found, corrected=corrected)
        line = month_line(story, period, acc, "cold")
        assert (line["method"], line["coefficient"]) == (method, "1"), acc
    if period not in ("2025-09", "2025-11"):
        assert recalcs(data) == {}
    totals = {kind: sum((D(ln["amount"]) for ln in data["lines"] if ln["kind"] == kind), D(0))
              for kind in ("charge", "common_property", "recalc", "quality", "absence")}
    assert {k: D(v) for k, v in data["totals"].items()} == totals


def test_heating_only_in_the_season_and_two_zone_electricity(story):
    for period in MONTHS:
        heat = [ln for ln in story.months[period].charges["lines"] if ln["service"] == "heat"]
        assert len(heat) == (4 if int(period[5:]) in SEASON else 0), period
    line = month_line(story, "2025-01", A2, "el")
    assert (line["method"], line["volume"], line["amount"]) == ("meter", "185", "1089.36")  # 121 × 7.12 + 64 × 3.56
    assert line["tariff"] is None  # two zones, two rates


def test_move_in_and_move_out_are_prorated_by_person_days(story):
    """Flat 2, cold water by the norm (no technical possibility, K = 1): 3 persons; 12 March a fourth moves in
    (20 of 31 days); 20 August the temporary resident leaves (19 of 31 days)."""
    persons = {p: D(month_line(story, p, A2, "cold")["volume"]) / COLD_NORM for p in ("2025-02", "2025-03",
                                                                                         "2025-07", "2025-08",
                                                                                         "2025-09")}
    assert persons["2025-02"] == 3 and persons["2025-07"] == 4 and persons["2025-09"] == 3
    assert abs(persons["2025-03"] - (3 + D(20) / 31)) < D("1e-6")
    assert abs(persons["2025-08"] - (3 + D(19) / 31)) < D("1e-6")
    assert month_line(story, "2025-03", A2, "cold")["amount"] == money((3 + D(20) / 31) * COLD_NORM * D("48.57"))
    assert month_line(story, "2025-08", A2, "cold")["amount"] == money((3 + D(19) / 31) * COLD_NORM * D("51.39"))


def test_meter_replaced_mid_month(story):
    """14 May: the old meter's final 1227.3 (April 1224.0), the new one from 0.8 to 3.9 → 3.3 + 3.1 = 6.4 м³."""
    may = month_line(story, "2025-05", A3, "cold")
    assert (may["method"], may["volume"], may["amount"]) == ("meter", "6.4", "310.85")  # 6.4 × 48.57 = 310.848
    june = month_line(story, "2025-06", A3, "cold")
    assert (june["method"], june["volume"]) == ("meter", "6.2")  # 10.1 − 3.9: the new meter alone


def test_missing_readings_average_then_norm_then_found(story):
    """Flat 1: January–March readings (5.4, 4.7, 5.9 м³) → April–September by their average 16/3 м³
    (six periods, п. 59 «б»), October by the norm for 2 persons without K (п. 60); the readings are found in
    November and its run recalculates the seven months by the actual volumes."""
    methods = {p: month_line(story, p, A1, "cold")["method"] for p in MONTHS}
    assert [methods[p] for p in MONTHS] == ["meter"] * 3 + ["average"] * 6 + ["norm"] + ["meter"] * 4
    assert month_line(story, "2025-10", A1, "cold")["volume"] == "9.49"  # 2 × 4.745
    assert month_line(story, "2025-10", A1, "cold")["coefficient"] == "1"
    assert month_line(story, "2025-04", A1, "cold")["amount"] == money(D(16) / 3 * D("48.57"))  # 259.04
    november = recalcs(story.months["2025-11"].charges)
    assert set(november) == {(A1, "cold", p) for p in F1_LATE}
    for p in F1_LATE:
        line = november[(A1, "cold", p)]
        assert line["corrects_period"] == p and line["reason"].startswith("перерасчёт за")
        before = cold_total(A1, p, found=False, corrected=p >= "2025-07")
        after = cold_total(A1, p, found=True, corrected=True)
        assert D(line["amount"]) == after - before, p
        # the month now nets to the actual volume × its tariff (April: less its quality reduction)
        posted = sum((D(ln["amount"]) for q in MONTHS for ln in story.months[q].charges["lines"]
                      if ln["account"] == A1 and ln["service"] == "cold"
                      and (ln["corrects_period"] == p or (q == p and ln["kind"] != "recalc"))), D(0))
        volume = D(F1_COLD[p]) - previous_reading(F1_COLD, F1_COLD_INITIAL, p)
        charge = kop(volume * cold_rate(p, corrected=True))
        assert posted == charge - kop(charge * QUALITY_PCT.get(p, 0) / 100), p
    assert D(november[(A1, "cold", "2025-04")]["amount"]) == D("-54.72")   # 202.77 − 257.49
    assert D(november[(A1, "cold", "2025-10")]["amount"]) == D("-268.44")  # 4.4 × 52.74 − 9.49 × 52.74
    assert "norm → meter" in november[(A1, "cold", "2025-10")]["reason"]


def test_tariff_corrected_retroactively(story):
    """September: the July cold-water tariff is 52.74, not 51.39 → recalculation of July and August for every
    flat (flat 1 by its average, flat 2 by the norm, flats 3 and 4 by their meters), each naming the tariff."""
    september = recalcs(story.months["2025-09"].charges)
    assert set(september) == {(acc, "cold", p) for acc in FLATS for p in ("2025-07", "2025-08")}
    for (acc, _, p), line in september.items():
        assert D(line["amount"]) == (cold_total(acc, p, found=False, corrected=True)
                                     - cold_total(acc, p, found=False, corrected=False)), (acc, p)
        assert "тариф 51.39 → 52.74" in line["reason"], line["reason"]
        assert line["tariff"] == "52.74"
    # e.g. flat 4 in July: 3.8 м³ × (52.74 − 51.39) = 5.13
    assert september[(A4, "cold", "2025-07")]["amount"] == "5.13"


def test_quality_act_reduces_april_cold_water(story):
    """8 h and 3 h without cold water: total 11 h − 8 h = 3 h, per event 8 h − 4 h = 4 h; "max" → 4 h × 0.15 %."""
    for acc in FLATS:
        charge = D(month_line(story, "2025-04", acc, "cold")["amount"])
        quality = month_line(story, "2025-04", acc, "cold", "quality")
        assert D(quality["amount"]) == -kop(charge * D("0.006")), acc
    assert month_line(story, "2025-04", A4, "cold", "quality")["amount"] == "-1.11"  # 3.8 × 48.57 = 184.57
    for period in MONTHS:
        if period != "2025-04":
            assert not [ln for ln in story.months[period].charges["lines"] if ln["kind"] == "quality"], period


def test_common_property_capped_and_balanced(story):
    """КР на СОИ: 40 кВт·ч in January, capped at 54.45 in February (70 used), 0 in March (the flats used more
    than the house meter shows); the flats' lines add up to the house total V × T to the kopeck."""
    def cp_total(period):
        return sum((D(ln["amount"]) for ln in story.months[period].charges["lines"] if ln["service"] == "cp_el"),
                   D(0))
    assert cp_total("2025-01") == kop(40 * D("6.43"))        # 257.20
    assert cp_total("2025-02") == kop(CP_CAP * D("6.43"))    # 350.11
    assert cp_total("2025-03") == 0
    assert cp_total("2025-12") == kop(CP_CAP * D("7.05"))
    explained = story.cli("explain", "--account", A1, "--period", "2025-02")
    assert "house_amount = 350.11" in explained


# --- re-running, closing ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", MONTHS)
def test_rerunning_a_month_posts_nothing(story, period):
    month = story.months[period]
    assert sum(month.rerun["lines"].values()) == 0 and month.rerun["recalculated_periods"] == []
    assert month.charges_after_rerun == month.charges


@pytest.mark.parametrize("period", MONTHS[:-1])
def test_closing_of_a_month_is_the_opening_of_the_next(story, period):
    closing = {k: r["closing"] for k, r in rows(story.months[period].balances).items() if D(r["closing"])}
    following = rows(story.months[next_period(period)].balances)
    assert {k: r["opening"] for k, r in following.items() if D(r["opening"])} == closing
    for key, r in rows(story.months[period].balances).items():
        assert D(r["closing"]) == (D(r["opening"]) + D(r["charged"]) + D(r["recalculated"]) + D(r["quality"])
                                   + D(r["benefits"]) - D(r["paid"]) + D(r["penalties"])), key
    assert story.months[period].balances["closed"] is True


def test_a_closed_month_takes_no_more_postings(story):
    story.cli("calc", "--period", "2025-06", code=1)


# --- debts and penalties at the end -------------------------------------------------------------------------------
DUE = {"2025-01": "2025-02-10", "2025-02": "2025-03-10", "2025-03": "2025-04-10", "2025-04": "2025-05-12",
       "2025-05": "2025-06-10", "2025-06": "2025-07-10", "2025-07": "2025-08-11", "2025-08": "2025-09-10",
       "2025-09": "2025-10-10", "2025-10": "2025-11-10", "2025-11": "2025-12-10", "2025-12": "2026-01-12",
       "2026-01": "2026-02-10", "2026-02": "2026-03-16"}
"""The 10th of the next month until January 2026, the 15th from February 2026 (177-ФЗ), moved to the next working
day (ст. 193 ГК): 10.05.2025 Sat → 12.05 (8–11 May holidays); 10.08.2025 Sun → 11.08; 10.01.2026 Sat (holidays
to 11.01) → 12.01; 15.03.2026 Sun → 16.03."""
AS_OF = date(2026, 3, 31)


def owed(story: Story, acc: str) -> dict[tuple[str, str], Decimal]:
    out = defaultdict(D)
    for period in MONTHS:
        for svc, amount in story.bill(period, acc).items():
            out[(period, svc)] += amount
    return {k: v for k, v in out.items() if v}


def test_debts_by_period(story):
    """The debtor owes every month's bill, by period and service, with its due date."""
    debtor = story.cli("debts", "--as-of", AS_OF.isoformat(), "--account", A3, "--json")["accounts"][0]
    assert {(ln["period"], ln["service"]): D(ln["debt"]) for ln in debtor["periods"]} == owed(story, A3)
    assert all(ln["paid"] == "0.00" and ln["charged"] == ln["debt"] for ln in debtor["periods"])
    assert {ln["period"]: ln["due"] for ln in debtor["periods"]} == DUE
    assert D(debtor["total"]) == sum(owed(story, A3).values(), D(0))
    # the partial payer: everything charged less 13 payments of 1 500.00 (January 2025 … January 2026 bills)
    partial = story.cli("debts", "--as-of", AS_OF.isoformat(), "--account", A4, "--json")["accounts"][0]
    assert D(partial["total"]) == sum(owed(story, A4).values(), D(0)) - F4_PAYMENT * 13
    assert {ln["period"] for ln in partial["periods"]} == set(MONTHS)  # every month partly unpaid
    # flats 1 and 2 paid every bill; only February 2026's is still to pay (due 16.03.2026)
    for acc in (A1, A2):
        lines = story.cli("debts", "--as-of", AS_OF.isoformat(), "--account", acc, "--json")["accounts"][0]
        assert {ln["period"] for ln in lines["periods"]} == {"2026-02"}
        assert D(lines["total"]) == sum(story.bill("2026-02", acc).values(), D(0))
        assert {ln["due"] for ln in lines["periods"]} == {"2026-03-16"}


def penalty_rows(period: str, svc: str, debt: Decimal, *, as_of: date) -> list[tuple]:
    """ч. 14 ст. 155 ЖК РФ on an unpaid debt: 1/300 on days 31–90, 1/130 from day 91, 9.5 % (ПП 329 cap)."""
    due = date.fromisoformat(DUE[period])
    out = []
    for first, last, fraction, denominator in ((31, 90, "1/300", 300), (91, None, "1/130", 130)):
        start = due + timedelta(days=first)
        end = as_of if last is None else min(as_of, due + timedelta(days=last))
        if start <= end:
            days = (end - start).days + 1
            out.append((period, svc, start.isoformat(), end.isoformat(), days, debt, fraction,
                        kop(debt * days * D("9.5") / 100 / denominator)))
    return out


def test_penalties_at_the_end(story):
    data = story.cli("penalties", "--as-of", AS_OF.isoformat(), "--json")
    assert data["as_of"] == "2026-03-31"
    by_account = {acc["account"]: acc for acc in data["accounts"]}
    assert set(by_account) == {A3, A4}  # flats 1 and 2 always paid before the due date
    debtor = by_account[A3]
    expected = [row for (p, svc), debt in sorted(owed(story, A3).items())
                for row in penalty_rows(p, svc, debt, as_of=AS_OF)]
    got = [(r["period"], r["service"], r["from"], r["to"], r["days"], D(r["debt"]), r["fraction"], D(r["amount"]))
           for r in debtor["rows"]]
    assert sorted(got) == sorted(expected)
    assert all(D(r["rate"]) == D("9.5") for r in debtor["rows"])
    assert D(debtor["total"]) == sum((row[-1] for row in expected), D(0)) > 0
    # January 2025 maintenance of the debtor: 61.0 × 32.15 = 1961.15; days 31–90 = 13.03–11.05, 91+ = 12.05–31.03
    jan = [(r["from"], r["to"], r["fraction"], r["amount"]) for r in debtor["rows"]
           if (r["period"], r["service"]) == ("2025-01", "maint")]
    assert jan == [("2025-03-13", "2025-05-11", "1/300", money(D("1961.15") * 60 * D("9.5") / 100 / 300)),
                   ("2025-05-12", "2026-03-31", "1/130", money(D("1961.15") * 324 * D("9.5") / 100 / 130))]
    # the partial payer: each 1 500.00 (paid on the 25th, naming the month, within the 30 days of grace) is split
    # over that month's services in proportion to the bill (п. 118, largest remainder); the rest bears penalties
    partial = by_account[A4]
    assert {r["fraction"] for r in partial["rows"]} == {"1/300", "1/130"}
    left = unpaid_after_partial_payments(story)
    expected = [row for (p, svc), debt in sorted(left.items()) if debt for row in penalty_rows(p, svc, debt, as_of=AS_OF)]
    got = [(r["period"], r["service"], r["from"], r["to"], r["days"], D(r["debt"]), r["fraction"], D(r["amount"]))
           for r in partial["rows"]]
    assert sorted(got) == sorted(expected)
    assert D(partial["total"]) == sum((row[-1] for row in expected), D(0)) > 0
    lines = story.cli("debts", "--as-of", AS_OF.isoformat(), "--account", A4, "--json")["accounts"][0]["periods"]
    assert {(ln["period"], ln["service"]): D(ln["debt"]) for ln in lines} == {k: v for k, v in left.items() if v}


def unpaid_after_partial_payments(story: Story) -> dict[tuple[str, str], Decimal]:
    left = {}
    for period in MONTHS:
        bill = {svc: amount for svc, amount in story.bill(period, A4).items() if amount}
        paid = split(F4_PAYMENT, bill) if period != MONTHS[-1] else dict.fromkeys(bill, D(0))
        left.update({(period, svc): bill[svc] - paid[svc] for svc in bill})
    return left


def split(amount: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Largest remainder on kopecks, ties by service id (one supplier)."""
    total, weight = int(amount * 100), {k: int(v * 100) for k, v in weights.items()}
    whole = sum(weight.values())
    parts = {k: total * w // whole for k, w in weight.items()}
    rest = {k: total * w % whole for k, w in weight.items()}
    for k in sorted(weight, key=lambda k: (-rest[k], k))[:total - sum(parts.values())]:
        parts[k] += 1
    return {k: D(v) / 100 for k, v in parts.items()}



# --- product bugs found by the story (fixed ones guard the fix; open ones are strict xfails) ---------------------------------------
def test_balances_count_a_negative_recalculation_once(story):
    """Nobody overpays in the story, so each month an account's `paid` is the money it sent that month, and its
    closing balances add up to what `debts` and `penalties` say it owes on the month's last day (each `close` posts
    the penalty accrued in the month)."""
    wrong = []
    for period in MONTHS:
        last = f"{period}-{days_in(period):02d}"
        debts = {a["account"]: D(a["total"]) for a in story.cli("debts", "--as-of", last, "--json")["accounts"]}
        penalties = {a["account"]: D(a["total"]) for a in story.cli("penalties", "--as-of", last, "--json")["accounts"]}
        closing, paid = defaultdict(D), defaultdict(D)
        for r in story.months[period].balances["accounts"]:
            closing[r["account"]] += D(r["closing"])
            paid[r["account"]] += D(r["paid"])
        for acc in FLATS:
            got = (paid[acc], closing[acc])
            expected = (story.months[period].received.get(acc, D(0)), debts.get(acc, D(0)) + penalties.get(acc, D(0)))
            if got != expected:
                wrong.append((period, acc, "paid, Σ closing", got, "expected", expected))
    assert wrong == []


def test_recalculation_reason_of_a_month_with_a_quality_line(story):
    line = recalcs(story.months["2025-11"].charges)[(A1, "cold", "2025-04")]
    assert "average → meter" in line["reason"] and "объём 5.3333333 → 4.2" in line["reason"], line["reason"]


def test_a_reading_after_months_by_the_average_settles_them(tmp_path, any_url):
    cli = Cli(any_url, tmp_path)
    cli.load({
        "organization": {"name": "ООО \"УК\"", "inn": "7701234567", "address": "г. Москва", "bank": BANK},
        "suppliers": [{"id": "uk", "name": "ООО \"УК\"", "inn": "7701234567", "bank": BANK}],
        "services": [service("cold", "Холодное водоснабжение", "communal", "m3", "cold_water")],
        "tariffs": [{"id": "t", "service": "cold", "from": "2024-07-01", "rate": "50.00"}],
        "norms": [{"id": "n", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
        "houses": [{"id": "h1", "address": {"city": "Москва", "street": "ул. Лесная", "building": "7"},
                    "total_area": "60", "common_area": "10",
                    "heating": {"method": "norm", "payment": "season", "season_months": list(SEASON)}}],
        "premises": [{"id": "p1", "house": "h1", "number": "1", "kind": "residential", "total_area": "60"}],
        "persons": [{"id": "owner", "last_name": "Иванов", "first_name": "Иван"}],
        "accounts": [{"id": "a1", "number": "2000000001", "premises": "p1", "opened": "2020-01-01",
                      "holder": {"person": "owner"}, "services": [{"service": "cold", "from": "2020-01-01"}]}],
        "meters": [meter("m1", "X1", "cold_water", "p1", "2024-12-01", {"total": "100"}, digits=5)],
        "readings": [reading(f"r{m}", "m1", f"2025-{m:02d}", {"total": str(100 + 6 * m)}) for m in (1, 2, 3)],
    })
    for period in ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05"):
        cli("calc", "--period", period)
        cli("close", "--period", period)
    assert [ln["method"] for ln in cli("charges", "--period", "2025-05", "--json")["lines"]] == ["average"]
    cli.load({"readings": [reading("r6", "m1", "2025-06", {"total": "126"})]})
    cli("calc", "--period", "2025-06")
    total = sum((D(ln["amount"]) for p in ("2025-04", "2025-05", "2025-06")
                 for ln in cli("charges", "--period", p, "--json")["lines"]), D(0))
    assert total == D("400.00")  # (126 − 118) м³ × 50.00, however it is spread over April–June



def test_an_expired_meter_goes_to_the_norm_after_three_months_of_average(tmp_path, any_url):
    cli = Cli(any_url, tmp_path)
    cli.load({
        "organization": {"name": "ООО \"УК\"", "inn": "7701234567", "address": "г. Москва", "bank": BANK},
        "suppliers": [{"id": "uk", "name": "ООО \"УК\"", "inn": "7701234567", "bank": BANK}],
        "services": [service("cold", "Холодное водоснабжение", "communal", "m3", "cold_water")],
        "tariffs": [{"id": "t", "service": "cold", "from": "2024-07-01", "rate": "50.00"}],
        "norms": [{"id": "n", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
        "houses": [{"id": "h1", "address": {"city": "Москва", "street": "ул. Лесная", "building": "9"},
                    "total_area": "60", "common_area": "10",
                    "heating": {"method": "norm", "payment": "season", "season_months": list(SEASON)}}],
        "premises": [{"id": "p1", "house": "h1", "number": "1", "kind": "residential", "total_area": "60"}],
        "persons": [{"id": "owner", "last_name": "Иванов", "first_name": "Иван"}],
        "accounts": [{"id": "a1", "number": "3000000001", "premises": "p1", "opened": "2020-01-01",
                      "holder": {"person": "owner"}, "services": [{"service": "cold", "from": "2020-01-01"}]}],
        "registrations": [{"id": "reg", "person": "owner", "premises": "p1", "kind": "permanent",
                           "from": "2020-01-01"}],
        "meters": [{**meter("m1", "X1", "cold_water", "p1", "2024-06-01", {"total": "100"}, digits=5),
                    "verified_until": "2025-03-15"}],
        "readings": [reading(f"r{m}", "m1", f"2025-{m:02d}", {"total": str(100 + 6 * m)}) for m in range(1, 8)],
    })
    methods = {}
    for m in range(1, 8):
        period = f"2025-{m:02d}"
        cli("calc", "--period", period)
        line, = cli("charges", "--period", period, "--json")["lines"]
        methods[period] = (line["method"], line["coefficient"], line["amount"])
    assert methods["2025-03"][0] == "meter"  # verified until 15 March: March is still by the meter
    assert [methods[p][0] for p in ("2025-04", "2025-05", "2025-06")] == ["average"] * 3
    assert methods["2025-07"] == ("norm_k", "1.5", "355.88")


def test_each_close_posts_the_penalty_accrued_in_its_month(story):
    """The months' `penalties` columns add up to the penalty as of the story's last day (ч. 14 ст. 155 ЖК РФ), the
    partial payers' months show some."""
    last = MONTHS[-1]
    total = {a["account"]: D(a["total"])
             for a in story.cli("penalties", "--as-of", f"{last}-{days_in(last):02d}", "--json")["accounts"]}
    accrued = defaultdict(D)
    months_with = set()
    for period in MONTHS:
        for r in story.months[period].balances["accounts"]:
            accrued[r["account"]] += D(r["penalties"])
            if D(r["penalties"]):
                months_with.add(period)
    assert total and {a: v for a, v in accrued.items() if v} == total
    assert len(months_with) >= 3
