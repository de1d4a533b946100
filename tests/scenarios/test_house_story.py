"""A house month by month (Kill Bill style): charges, a retroactive tariff, a late reading, a move-in,
payments and closing — every month's charges, recalculations and balances asserted.

The story: flat 1 has a cold-water meter, flat 2 has none (no technical possibility) and two residents.
January is charged and closed. In February a resident moves into flat 2 back-dated to 15 January, and the
January tariff turns out to be 50.00, not 48.57: February's run posts recalculation lines for January with
reasons. Flat 1's February reading comes late: February is charged by the average… there is no history, so by
the norm; when the reading arrives the March run recalculates February. Re-running any month posts nothing.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bcenter.cli import main
from tests.golden.builders import account, flat, person, town

COLD = {"id": "cold", "name": "Холодное водоснабжение", "kind": "communal", "resource": "cold_water", "unit": "m3"}


@pytest.fixture
def story(tmp_path, capsys, any_url):
    url = any_url

    def run(*args):
        code = main(["--db", url, *map(str, args)])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out) if "--json" in args else out

    def load(doc):
        path = tmp_path / "doc.json"
        path.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, **doc}, ensure_ascii=False),
                        encoding="utf-8")
        return run("import", path)

    run.load = load
    run.url = url
    return run


def lines(data, **match):
    return [ln for ln in data["lines"] if all(ln[k] == v for k, v in match.items())]


def total(data) -> Decimal:
    return sum((Decimal(ln["amount"]) for ln in data["lines"]), Decimal(0))


def test_a_house_over_three_months(story):
    base = town(services=[COLD], tariffs=[{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": "48.57"}],
                norms=[{"id": "n1", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
                premises=[flat("p1", "1", "60.0"), flat("p2", "2", "80.0", meter_impossible=["cold_water"])],
                persons=[person("owner"), person("b", "Петров", "Пётр"), person("c", "Петрова", "Анна"),
                         person("d", "Петров", "Илья")],
                accounts=[account("a1", "1000000001", "p1", ["cold"]), account("a2", "1000000002", "p2", ["cold"])],
                registrations=[{"id": f"reg-{p}", "person": p, "premises": "p2", "kind": "permanent",
                                "from": "2020-01-01"} for p in ("b", "c")],
                meters=[{"id": "m1", "serial": "X1", "resource": "cold_water", "kind": "individual", "premises": "p1",
                         "zones": 1, "digits": 5, "installed": "2024-01-01", "initial": {"total": "100"}}],
                readings=[{"id": "r-jan", "meter": "m1", "date": "2025-01-24", "values": {"total": "108"},
                           "source": "resident"}])
    story.load({k: v for k, v in base.items() if k not in ("format", "version")})

    # January: flat 1 by its meter (8 m³), flat 2 by the norm for 2 persons
    story("calc", "--period", "2025-01")
    jan = story("charges", "--period", "2025-01", "--json")
    assert [ln["amount"] for ln in lines(jan, account="1000000001")] == ["388.56"]       # 8 × 48.57
    assert [ln["amount"] for ln in lines(jan, account="1000000002")] == ["460.93"]       # 2 × 4.745 × 48.57
    assert story("calc", "--period", "2025-01").count("проведено строк 0") == 1        # idempotent
    story("close", "--period", "2025-01")
    jan_closing = {(r["account"], r["service"]): r["closing"]
                   for r in story("balances", "--period", "2025-01", "--json")["accounts"]}

    # February: a resident moved into flat 2 on 15 January (back-dated), the tariff was 50.00 all along
    story.load({"registrations": [{"id": "reg-d", "person": "d", "premises": "p2", "kind": "permanent",
                                   "from": "2025-01-15"}],
                "tariffs": [{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": "50.00"}]})
    story("calc", "--period", "2025-02")
    feb = story("charges", "--period", "2025-02", "--json")
    recalcs = {ln["account"]: ln for ln in lines(feb, kind="recalc")}
    assert recalcs["1000000001"]["corrects_period"] == "2025-01"
    assert recalcs["1000000001"]["amount"] == "11.44"                                  # 8 × 50 − 388.56
    assert "тариф 48.57 → 50" in recalcs["1000000001"]["reason"]
    persons_jan = Decimal(2) + Decimal(17) / Decimal(31)                                # 15–31 January: 17 days
    expected = (persons_jan * Decimal("4.745") * 50).quantize(Decimal("0.01")) - Decimal("460.93")
    assert Decimal(recalcs["1000000002"]["amount"]) == expected
    # flat 1 sent no February reading, no history for an average yet → the norm, without K (not submitted)
    feb_a1, = lines(feb, account="1000000001", kind="charge")
    assert feb_a1["method"] in ("average", "norm")
    assert story("calc", "--period", "2025-02").count("проведено строк 0") == 1
    story("close", "--period", "2025-02")
    feb_opening = {(r["account"], r["service"]): r["opening"]
                   for r in story("balances", "--period", "2025-02", "--json")["accounts"]}
    assert feb_opening == jan_closing                                                   # closing(P) == opening(P+1)

    # March: the February reading arrives late; March's run recalculates February by the actual reading
    story.load({"readings": [{"id": "r-feb", "meter": "m1", "date": "2025-02-25", "values": {"total": "115"},
                              "source": "resident", "period": "2025-02"},
                             {"id": "r-mar", "meter": "m1", "date": "2025-03-24", "values": {"total": "121"},
                              "source": "resident"}]})
    story("calc", "--period", "2025-03")
    mar = story("charges", "--period", "2025-03", "--json")
    fix, = [ln for ln in lines(mar, kind="recalc", account="1000000001") if ln["corrects_period"] == "2025-02"]
    assert Decimal(feb_a1["amount"]) + Decimal(fix["amount"]) == Decimal("350.00")      # 7 m³ × 50
    mar_a1, = lines(mar, account="1000000001", kind="charge")
    assert (mar_a1["method"], mar_a1["volume"], mar_a1["amount"]) == ("meter", "6", "300.00")
    # a closed period cannot be posted into
    assert main(["--db", story.url, "calc", "--period", "2025-01"]) == 1


@pytest.mark.parametrize("rate", ["48.58", "99.99", "0.01"])
def test_changing_an_input_and_back_nets_to_zero(story, rate):
    """A tariff changed retroactively and then restored: the recalculations of the closed month cancel out."""
    base = town(services=[COLD], tariffs=[{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": "48.57"}],
                norms=[{"id": "n1", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
                premises=[flat("p2", "2", "80.0", meter_impossible=["cold_water"])], persons=[person("owner")],
                accounts=[account("a2", "1000000002", "p2", ["cold"])],
                registrations=[{"id": "reg-o", "person": "owner", "premises": "p2", "kind": "permanent",
                                "from": "2020-01-01"}])
    story.load({k: v for k, v in base.items() if k not in ("format", "version")})
    story("calc", "--period", "2025-01")
    story("close", "--period", "2025-01")
    story.load({"tariffs": [{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": rate}]})
    story("calc", "--period", "2025-02")
    story.load({"tariffs": [{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": "48.57"}]})
    story("calc", "--period", "2025-02")
    feb = story("charges", "--period", "2025-02", "--json")
    january_fixes = [Decimal(ln["amount"]) for ln in lines(feb, kind="recalc", corrects_period="2025-01")]
    assert len(january_fixes) == 2 and sum(january_fixes) == 0
    february = [Decimal(ln["amount"]) for ln in feb["lines"] if ln["corrects_period"] in (None, "2025-02")]
    assert sum(february) == Decimal("230.46")  # 4.745 × 48.57 = 230.46465: February nets to what it would have been


def test_meter_replaced_mid_month_and_readings_missing_then_found(story):
    """A meter replaced on 10 March (DOMAIN §1.3: old final − previous + new current − initial); then no readings
    for two months (too little history for an average: the norm without K), then found (п. 61: recalculated)."""
    base = town(services=[COLD], tariffs=[{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": "50.00"}],
                norms=[{"id": "n1", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
                premises=[flat("p1", "1", "60.0")], persons=[person("owner")],
                accounts=[account("a1", "1000000001", "p1", ["cold"])],
                meters=[{"id": "old", "serial": "O1", "resource": "cold_water", "kind": "individual", "premises": "p1",
                         "zones": 1, "digits": 5, "installed": "2020-01-01", "removed": "2025-03-10",
                         "initial": {"total": "0"}},
                        {"id": "new", "serial": "N1", "resource": "cold_water", "kind": "individual", "premises": "p1",
                         "zones": 1, "digits": 5, "installed": "2025-03-10", "initial": {"total": "0.5"}}],
                readings=[{"id": f"r{m}", "meter": "old", "date": f"2025-{m:02d}-24", "values": {"total": str(v)},
                           "source": "resident"} for m, v in ((1, 100), (2, 106))]
                + [{"id": "r-final", "meter": "old", "date": "2025-03-10", "values": {"total": "108"},
                    "source": "inspector"},
                   {"id": "r3", "meter": "new", "date": "2025-03-24", "values": {"total": "4.5"}, "source": "resident"}])
    story.load({k: v for k, v in base.items() if k not in ("format", "version")})
    for month in ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05"):
        story("calc", "--period", month)
    march = story("charges", "--period", "2025-03", "--json")
    line, = lines(march, kind="charge")
    assert (line["method"], line["volume"], line["amount"]) == ("meter", "6", "300.00")  # (108 − 106) + (4.5 − 0.5)
    april = lines(story("charges", "--period", "2025-04", "--json"), kind="charge")[0]
    assert april["method"] == "norm"  # the new meter has one month of history (< 3): the norm, without K (п. 59 «б»)
    assert april["coefficient"] == "1"
    # the April and May readings are found in June: April and May are recalculated by the actual volumes
    story.load({"readings": [{"id": "r4", "meter": "new", "date": "2025-04-24", "values": {"total": "9.5"},
                              "source": "resident", "period": "2025-04"},
                             {"id": "r5", "meter": "new", "date": "2025-05-24", "values": {"total": "12.5"},
                              "source": "resident", "period": "2025-05"}]})
    story("calc", "--period", "2025-06")
    june = story("charges", "--period", "2025-06", "--json")
    fixed = {ln["corrects_period"] for ln in lines(june, kind="recalc")}
    assert {"2025-04", "2025-05"} <= fixed
    april_net = Decimal(april["amount"]) + sum(Decimal(ln["amount"]) for ln in lines(june, corrects_period="2025-04"))
    assert april_net == Decimal("250.00")  # 5 m³ × 50


def test_money_paid_ahead_counts_as_paid_in_the_month_whose_charges_take_it(story):
    """1 000.00 paid in January against a 388.56 bill: January is paid, 611.44 waits as an advance; February's
    charge is taken from it, so February's balance shows it paid (in February) and closes at zero — the prepaid
    money is paid in exactly one month, never in none."""
    base = town(services=[COLD], tariffs=[{"id": "t1", "service": "cold", "from": "2024-07-01", "rate": "48.57"}],
                norms=[{"id": "n1", "service": "cold", "from": "2024-07-01", "value": "4.745", "per": "person"}],
                premises=[flat("p1", "1", "60.0")], persons=[person("owner")],
                accounts=[account("a1", "1000000001", "p1", ["cold"])],
                meters=[{"id": "m1", "serial": "X1", "resource": "cold_water", "kind": "individual", "premises": "p1",
                         "zones": 1, "digits": 5, "installed": "2024-01-01", "initial": {"total": "100"}}],
                readings=[{"id": "r-jan", "meter": "m1", "date": "2025-01-24", "values": {"total": "108"},
                           "source": "resident"},
                          {"id": "r-feb", "meter": "m1", "date": "2025-02-24", "values": {"total": "116"},
                           "source": "resident"}])
    base["payments"] = [{"id": "pay1", "account": "a1", "amount": "1000.00", "paid_on": "2025-01-20",
                         "channel": "cash"}]
    story.load({k: v for k, v in base.items() if k not in ("format", "version")})
    story("calc", "--period", "2025-01")
    story("close", "--period", "2025-01")
    jan, = story("balances", "--period", "2025-01", "--json")["accounts"]
    assert (jan["charged"], jan["paid"], jan["closing"]) == ("388.56", "388.56", "0.00")
    story("calc", "--period", "2025-02")
    story("close", "--period", "2025-02")
    feb, = story("balances", "--period", "2025-02", "--json")["accounts"]
    assert (feb["opening"], feb["charged"], feb["paid"], feb["closing"]) == ("0.00", "388.56", "388.56", "0.00")
