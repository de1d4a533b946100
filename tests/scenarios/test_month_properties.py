"""Properties of the month through the product path (exchange document → `bcenter import` → `calc` → `close` →
`charges` / `balances` / `explain`), for random small houses: 1–4 flats with random areas (1-decimal strings),
a cold-water meter or an act of no technical possibility (then the norm × residents), an electricity meter,
residents (one of them possibly moving in mid-month), payments on random days, an electricity house meter for
КР на СОИ (capped by the norm or not) and heating by the norm. Each example gets a fresh SQLite database.

(a) `calc` is idempotent: a second run posts nothing and `charges` does not change.
(b) `closing(P) == opening(P + 1)` for every (account, service) after `close P`, `calc P + 1`, `close P + 1`.
(c) A tariff of a closed month changed and changed back: the recalculation lines net to zero per account.
(d) "Balanced" КР на СОИ: the flats' lines add up exactly to the house total shown in their derivation
    (`house_amount` in `explain`), which is V × ΣS_i / S_об × T rounded once, V = the billable house volume.
(e) A storno of the month nets every (account, service, kind) to zero; the next `calc` charges the same amounts
    again as ordinary charges (no recalculation lines), and a run after it posts nothing.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bcenter.cli import main
from tests.golden.builders import BANK

D = Decimal
P, NEXT = "2025-01", "2025-02"
# no shrinking: every step is a database run, and a failing example is printed as generated
PROPERTY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])


def kop(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def tenths(n: int) -> str:
    return f"{n // 10}.{n % 10}"


def cents(n: int) -> str:
    return f"{n // 100}.{n % 100:02d}"


def plain(text: str) -> str:
    """A rate as the ledger shows it: "10.00" → "10", "0.50" → "0.5"."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def thousandths(n: int) -> str:
    return f"{n // 1000}.{n % 1000:03d}"


# --- random houses ------------------------------------------------------------------------------------------------
flats = st.fixed_dictionaries({
    "area": st.integers(150, 1500).map(tenths),                    # 15.0 … 150.0 м²
    "cold_meter": st.booleans(),                                   # else: no technical possibility, by the norm
    "residents": st.integers(0, 4),
    "moves_in": st.none() | st.integers(2, 28),                    # one more resident from that day of January
    "cold": st.lists(st.integers(0, 25_000), min_size=2, max_size=2).map(lambda v: [thousandths(x) for x in v]),
    "el": st.lists(st.integers(0, 600), min_size=2, max_size=2),   # кВт·ч in January and February
    "pays": st.lists(st.tuples(st.integers(1, 500_000), st.integers(1, 59)), max_size=2),  # kopecks, day 1…59
})
houses = st.fixed_dictionaries({
    "flats": st.lists(flats, min_size=1, max_size=4),
    "other_area": st.integers(0, 800).map(tenths),                 # premises of the house billed elsewhere
    "common_area": st.integers(10, 2000).map(tenths),
    "common_use": st.lists(st.integers(-80, 200), min_size=2, max_size=2),  # house meter − flats, кВт·ч
    "cap": st.sampled_from(["norm", "none"]),
    "rates": st.fixed_dictionaries({
        "maint": st.integers(1000, 6000).map(cents), "heat": st.integers(150_000, 300_000).map(cents),
        "cold": st.integers(1000, 9999).map(cents), "el": st.integers(100, 999).map(cents),
        "cp_el": st.integers(100, 999).map(cents)}),
})


def number(i: int) -> str:
    return f"10000000{i + 1:02d}"


def document(house: dict) -> dict:
    """The house with January's readings and payments (February's come with `february`)."""
    fl = house["flats"]
    total = sum(D(f["area"]) for f in fl) + D(house["other_area"])
    persons, registrations, meters, readings = [], [], [], []
    for i, f in enumerate(fl):
        residents = [(f"r{i}-{k}", "2020-01-01") for k in range(f["residents"])]
        if f["moves_in"]:
            residents.append((f"r{i}-new", f"2025-01-{f['moves_in']:02d}"))
        persons += [{"id": pid, "last_name": "Иванов", "first_name": "Иван"} for pid, _ in residents]
        registrations += [{"id": f"reg-{pid}", "person": pid, "premises": f"p{i}", "kind": "permanent", "from": day}
                          for pid, day in residents]
        if f["cold_meter"]:
            meters.append({"id": f"c{i}", "serial": f"C{i}", "resource": "cold_water", "kind": "individual",
                           "premises": f"p{i}", "zones": 1, "digits": 5, "installed": "2024-01-01",
                           "initial": {"total": "100"}})
            readings.append({"id": f"c{i}-1", "meter": f"c{i}", "date": "2025-01-24", "source": "resident",
                             "values": {"total": str(100 + D(f["cold"][0]))}})
        meters.append({"id": f"e{i}", "serial": f"E{i}", "resource": "electricity", "kind": "individual",
                       "premises": f"p{i}", "zones": 1, "digits": 6, "installed": "2024-01-01",
                       "initial": {"total": "1000"}})
        readings.append({"id": f"e{i}-1", "meter": f"e{i}", "date": "2025-01-25", "source": "resident",
                         "values": {"total": str(1000 + f["el"][0])}})
    meters.append({"id": "hm", "serial": "H", "resource": "electricity", "kind": "house", "house": "h1", "zones": 1,
                   "digits": 7, "installed": "2024-01-01", "initial": {"total": "100000"}})
    services = [("maint", "housing", "m2", None), ("heat", "communal", "gcal", "heating"),
                ("cold", "communal", "m3", "cold_water"), ("el", "communal", "kwh", "electricity"),
                ("cp_el", "common_property", "kwh", "electricity")]
    rates = house["rates"]
    return {
        "organization": {"name": "ООО \"УК\"", "inn": "7701234567", "address": "г. Москва", "bank": BANK},
        "settings": {"common_property_rounding": "balanced", "common_property_cap": house["cap"]},
        "suppliers": [{"id": "uk", "name": "ООО \"УК\"", "inn": "7701234567", "bank": BANK}],
        "services": [{"id": s, "name": s, "kind": kind, "unit": unit, "supplier": "uk", "order": n,
                      **({"resource": res} if res else {})} for n, (s, kind, unit, res) in enumerate(services)],
        # each tariff in two rows, January and from February on, so that January alone can be changed
        "tariffs": [row for s in rates for row in (
            {"id": f"t-{s}-jan", "service": s, "from": "2024-07-01", "to": "2025-02-01", "rate": rates[s]},
            {"id": f"t-{s}-feb", "service": s, "from": "2025-02-01", "rate": rates[s]})],
        "norms": [{"id": "n-cold", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"},
                  {"id": "n-el", "service": "el", "from": "2024-07-01", "value": "100", "per": "person"},
                  {"id": "n-heat", "service": "heat", "from": "2024-07-01", "value": "0.0194", "per": "m2"},
                  {"id": "n-cp", "service": "cp_el", "from": "2024-07-01", "value": "0.9", "per": "common_m2"}],
        "houses": [{"id": "h1", "address": {"city": "Москва", "street": "ул. Лесная", "building": "5"},
                    "total_area": str(total), "common_area": house["common_area"],
                    "heating": {"method": "norm", "payment": "season", "season_months": [1, 2, 3, 4, 5, 10, 11, 12]}}],
        "premises": [{"id": f"p{i}", "house": "h1", "number": str(i + 1), "kind": "residential",
                      "total_area": f["area"], **({} if f["cold_meter"] else {"meter_impossible": ["cold_water"]})}
                     for i, f in enumerate(fl)],
        "persons": persons + [{"id": "holder", "last_name": "Петров", "first_name": "Пётр"}],
        "accounts": [{"id": f"a{i}", "number": number(i), "premises": f"p{i}", "opened": "2020-01-01",
                      "holder": {"person": "holder"},
                      "services": [{"service": s, "from": "2020-01-01"} for s, *_ in services]}
                     for i in range(len(fl))],
        "registrations": registrations, "meters": meters, "readings": readings,
        "house_readings": [{"id": "hm-1", "meter": "hm", "date": "2025-01-31", "source": "inspector",
                            "values": {"total": str(100000 + house_use(house, 0))}}],
        "payments": payments(house, january=True),
    }


def house_use(house: dict, month: int) -> int:
    """What the house meter counts in the month: the flats and the common property (never below zero)."""
    return max(0, sum(f["el"][month] for f in house["flats"]) + house["common_use"][month])


def payments(house: dict, *, january: bool) -> list[dict]:
    out = []
    for i, f in enumerate(house["flats"]):
        for k, (amount, day) in enumerate(f["pays"]):
            if (day <= 31) == january:
                paid_on = f"2025-01-{day:02d}" if january else f"2025-02-{day - 31:02d}"
                out.append({"id": f"pay-{i}-{k}", "account": f"a{i}", "amount": cents(amount), "paid_on": paid_on,
                            "channel": "bank"})
    return out


def february(house: dict) -> dict:
    readings = []
    for i, f in enumerate(house["flats"]):
        if f["cold_meter"]:
            readings.append({"id": f"c{i}-2", "meter": f"c{i}", "date": "2025-02-24", "source": "resident",
                             "values": {"total": str(100 + D(f["cold"][0]) + D(f["cold"][1]))}})
        readings.append({"id": f"e{i}-2", "meter": f"e{i}", "date": "2025-02-25", "source": "resident",
                         "values": {"total": str(1000 + f["el"][0] + f["el"][1])}})
    first = 100000 + house_use(house, 0)
    return {"readings": readings, "payments": payments(house, january=False),
            "house_readings": [{"id": "hm-2", "meter": "hm", "date": "2025-02-28", "source": "inspector",
                                "values": {"total": str(first + house_use(house, 1))}}]}


# --- the product path ---------------------------------------------------------------------------------------------
class Cli:
    def __init__(self, tmp):
        self.tmp, self.url = tmp, f"sqlite:///{tmp / 'test.db'}"

    def __call__(self, *args, code: int = 0):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            got = main(["--db", self.url, *map(str, args)])
        assert got == code, f"{args}: {err.getvalue() or out.getvalue()}"
        return json.loads(out.getvalue()) if "--json" in args else out.getvalue()

    def load(self, doc: dict) -> None:
        path = self.tmp / "doc.json"
        path.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, **doc}, ensure_ascii=False),
                        encoding="utf-8")
        self("import", path)


def fresh(tmp_path_factory, house: dict) -> Cli:
    cli = Cli(tmp_path_factory.mktemp("month"))
    cli.load(document(house))
    return cli


def posted(calc: dict) -> int:
    return sum(calc["lines"].values())


# --- (a) ----------------------------------------------------------------------------------------------------------
@PROPERTY
@given(house=houses)
def test_calc_twice_posts_nothing_the_second_time(tmp_path_factory, house):
    cli = fresh(tmp_path_factory, house)
    first = cli("calc", "--period", P, "--json")
    assert first["houses_ok"] == 1 and first["houses_failed"] == 0
    assert posted(first) > 0
    charges = cli("charges", "--period", P, "--json")
    second = cli("calc", "--period", P, "--json")
    assert posted(second) == 0 and second["recalculated_periods"] == [] and second["amounts"] == {}
    assert cli("charges", "--period", P, "--json") == charges
    # and the next month, run twice, likewise
    cli.load(february(house))
    cli("calc", "--period", NEXT, "--json")
    charges_next = cli("charges", "--period", NEXT, "--json")
    assert posted(cli("calc", "--period", NEXT, "--json")) == 0
    assert cli("charges", "--period", NEXT, "--json") == charges_next
    assert cli("charges", "--period", P, "--json") == charges


# --- (b) ----------------------------------------------------------------------------------------------------------
def balance_rows(cli: Cli, period: str) -> dict[tuple[str, str], dict]:
    return {(r["account"], r["service"]): r for r in cli("balances", "--period", period, "--json")["accounts"]}


@PROPERTY
@given(house=houses)
def test_closing_of_a_month_equals_the_opening_of_the_next(tmp_path_factory, house):
    cli = fresh(tmp_path_factory, house)
    cli("calc", "--period", P)
    cli("close", "--period", P)
    cli.load(february(house))
    cli("calc", "--period", NEXT)
    cli("close", "--period", NEXT)
    january, feb = balance_rows(cli, P), balance_rows(cli, NEXT)
    for key in set(january) | set(feb):
        closing = D(january[key]["closing"]) if key in january else D(0)
        opening = D(feb[key]["opening"]) if key in feb else D(0)
        assert closing == opening, key
    for table in (january, feb):
        for key, r in table.items():
            assert D(r["closing"]) == (D(r["opening"]) + D(r["charged"]) + D(r["recalculated"]) + D(r["quality"])
                                       + D(r["benefits"]) - D(r["paid"]) + D(r["penalties"])), key
    # what was charged is in the balances
    charged = defaultdict(D)
    for ln in cli("charges", "--period", NEXT, "--json")["lines"]:
        charged[(ln["account"], ln["service"])] += D(ln["amount"])
    assert {k: v for k, v in charged.items() if v} == \
        {k: D(r["charged"]) + D(r["recalculated"]) + D(r["quality"]) for k, r in feb.items()
         if D(r["charged"]) + D(r["recalculated"]) + D(r["quality"])}


# --- (c) ----------------------------------------------------------------------------------------------------------
@PROPERTY
@given(house=houses, service=st.sampled_from(["maint", "heat", "cold", "el", "cp_el"]),
       new_rate=st.integers(1, 999_999).map(cents))
def test_a_tariff_changed_and_changed_back_nets_to_zero(tmp_path_factory, house, service, new_rate):
    cli = fresh(tmp_path_factory, house)
    cli("calc", "--period", P)
    cli("close", "--period", P)
    cli.load(february(house))
    cli("calc", "--period", NEXT)
    before = cli("charges", "--period", NEXT, "--json")
    old_rate = house["rates"][service]
    row = {"id": f"t-{service}-jan", "service": service, "from": "2024-07-01", "to": "2025-02-01"}
    cli.load({"tariffs": [{**row, "rate": new_rate}]})
    cli("calc", "--period", NEXT)
    changed = [ln for ln in cli("charges", "--period", NEXT, "--json")["lines"] if ln["kind"] == "recalc"]
    assert all(f"тариф {plain(old_rate)} → {plain(new_rate)}" in ln["reason"] for ln in changed)
    cli.load({"tariffs": [{**row, "rate": old_rate}]})
    cli("calc", "--period", NEXT)
    after = cli("charges", "--period", NEXT, "--json")
    fixes = [ln for ln in after["lines"] if ln["kind"] == "recalc"]
    assert all(ln["corrects_period"] == P and ln["service"] == service for ln in fixes)
    per_account = defaultdict(D)
    for ln in fixes:
        per_account[ln["account"]] += D(ln["amount"])
    assert all(v == 0 for v in per_account.values()), dict(per_account)
    # February's own lines are untouched: its tariff row did not change
    assert [ln for ln in after["lines"] if ln["kind"] != "recalc"] == before["lines"]


# --- (d) ----------------------------------------------------------------------------------------------------------
HOUSE_AMOUNT = re.compile(r"house_amount = (-?\d+\.\d\d)")


@PROPERTY
@given(house=houses)
def test_common_property_lines_add_up_to_the_house_total(tmp_path_factory, house):
    cli = fresh(tmp_path_factory, house)
    cli("calc", "--period", P)
    lines = [ln for ln in cli("charges", "--period", P, "--json")["lines"] if ln["service"] == "cp_el"]
    fl = house["flats"]
    assert len(lines) == len(fl)
    # the billable volume from the inputs: house − flats, ≥ 0, capped by 0.9 × S_ои unless the meeting decided
    flats_volume = sum(D(f["el"][0]) for f in fl)
    actual = max(D(house_use(house, 0)) - flats_volume, D(0))
    billable = min(actual, D("0.9") * D(house["common_area"])) if house["cap"] == "norm" else actual
    areas = sum(D(f["area"]) for f in fl)
    s_total = areas + D(house["other_area"])
    rate = D(house["rates"]["cp_el"])
    expected_total = kop(billable * areas / s_total * rate)
    assert sum(D(ln["amount"]) for ln in lines) == expected_total
    shown = set()
    for i, f in enumerate(fl):
        line, = [ln for ln in lines if ln["account"] == number(i)]
        exact = billable * D(f["area"]) / s_total * rate
        assert abs(D(line["amount"]) - exact) < D("0.01"), (line["amount"], exact)
        explained = cli("explain", "--account", number(i), "--period", P)
        shown.update(D(x) for x in HOUSE_AMOUNT.findall(explained))
    assert shown == {expected_total}


# --- (e) ----------------------------------------------------------------------------------------------------------
def totals(lines: list[dict]) -> dict[tuple[str, str, str], Decimal]:
    out = defaultdict(D)
    for ln in lines:
        out[(ln["account"], ln["service"], ln["kind"])] += D(ln["amount"])
    return dict(out)


@PROPERTY
@given(house=houses, late_reading=st.booleans())
def test_storno_nets_to_zero_and_the_next_calc_charges_again(tmp_path_factory, house, late_reading):
    cli = fresh(tmp_path_factory, house)
    cli("calc", "--period", P)
    before = cli("charges", "--period", P, "--json")["lines"]
    assert "Сторнировано проводок" in cli("storno", "--period", P, "--reason", "рассчитано до показаний")
    reversed_ = cli("charges", "--period", P, "--json")["lines"]
    assert len(reversed_) == 2 * len(before)
    assert set(totals(reversed_).values()) == {D(0)}
    assert "нет несторнированных" in cli("storno", "--period", P, "--reason", "ещё раз")
    if late_reading:  # what the storno is for: the month is calculated again with what arrived since
        cli.load({"readings": [{"id": "e0-late", "meter": "e0", "date": "2025-01-30", "source": "inspector",
                                "values": {"total": str(1000 + house["flats"][0]["el"][0] + 7)}}]})
    again = cli("calc", "--period", P, "--json")
    assert "recalc" not in again["lines"] and posted(again) == len(before)
    after = cli("charges", "--period", P, "--json")["lines"]
    expected = totals(before)
    if late_reading:
        el = [ln["volume"] for ln in after if ln["account"] == number(0) and ln["service"] == "el"
              and not (ln["reason"] or "").startswith("сторно")]
        assert el == [str(house["flats"][0]["el"][0]), str(house["flats"][0]["el"][0] + 7)]
        expected.pop((number(0), "el", "charge"))
        expected = {k: v for k, v in expected.items() if k[1] != "cp_el"}  # the house's common use moved too
    got = totals(after)
    assert {k: v for k, v in got.items() if k in expected} == expected
    assert posted(cli("calc", "--period", P, "--json")) == 0


# --- a product bug found by (c) (strict xfail: passes once fixed) --------------------------------------------------
def test_reason_of_a_tariff_changed_back_names_the_tariff(tmp_path):
    house = {"flats": [{"area": "15.0", "cold_meter": False, "residents": 1, "moves_in": None,
                        "cold": ["0.000", "0.000"], "el": [0, 0], "pays": []}],
             "other_area": "0.0", "common_area": "1.0", "common_use": [0, 0], "cap": "norm",
             "rates": {"maint": "10.00", "heat": "1500.00", "cold": "10.00", "el": "1.00", "cp_el": "1.00"}}
    cli = Cli(tmp_path)
    cli.load(document(house))
    cli("calc", "--period", P)
    cli("close", "--period", P)
    row = {"id": "t-maint-jan", "service": "maint", "from": "2024-07-01", "to": "2025-02-01"}
    for rate in ("0.01", "10.00"):
        cli.load({"tariffs": [{**row, "rate": rate}]})
        cli("calc", "--period", NEXT)
    fixes = [ln for ln in cli("charges", "--period", NEXT, "--json")["lines"] if ln["kind"] == "recalc"]
    assert [(ln["amount"], ln["reason"]) for ln in fixes] == [
        ("-149.85", "перерасчёт за январь 2025: тариф 10 → 0.01"),
        ("149.85", "перерасчёт за январь 2025: тариф 0.01 → 10")]
