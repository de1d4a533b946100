"""Storno of a month's charges through the product path (`bcenter storno`), on SQLite and PostgreSQL.

What an accountant notices: the reversed lines sit beside the originals with the opposite sign and the reason;
nothing is deleted; a second storno does nothing; one account can be reversed alone; a closed month refuses; the
next `calc` charges the reversed accounts afresh — including the recalculation of an earlier month that the
reversed run had posted.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from tests.scenarios.test_month_properties import NEXT, P, Cli, document, february, number

D = Decimal
HOUSE = {"flats": [{"area": "45.5", "cold_meter": True, "residents": 2, "moves_in": None,
                    "cold": ["5.000", "6.000"], "el": [120, 130], "pays": [(150_000, 20)]},
                   {"area": "60.2", "cold_meter": False, "residents": 3, "moves_in": 10,
                    "cold": ["0.000", "0.000"], "el": [200, 210], "pays": []}],
         "other_area": "100.0", "common_area": "50.0", "common_use": [40, 50], "cap": "norm",
         "rates": {"maint": "30.00", "heat": "2000.00", "cold": "50.00", "el": "6.00", "cp_el": "6.00"}}


class UrlCli(Cli):
    def __init__(self, tmp, url):
        super().__init__(tmp)
        self.url = url


@pytest.fixture
def cli(tmp_path, any_url):
    c = UrlCli(tmp_path, any_url)
    c("init")
    c.load(document(HOUSE))
    return c


def net(lines: list[dict], **match) -> dict[str, Decimal]:
    out = defaultdict(D)
    for ln in lines:
        if all(ln[k] == v for k, v in match.items()):
            out[ln["account"]] += D(ln["amount"])
    return dict(out)


def test_storno_reverses_the_month_and_calc_charges_it_again(cli):
    cli("calc", "--period", P)
    before = cli("charges", "--period", P, "--json")["lines"]
    out = cli("storno", "--period", P, "--reason", "рассчитано до показаний")
    assert f"Сторнировано проводок 2, строк {len(before)}" in out and "bcenter calc --period 2025-01" in out
    lines = cli("charges", "--period", P, "--json")["lines"]
    reversed_ = [ln for ln in lines if ln["reason"] == "сторно: рассчитано до показаний"]
    assert sorted((ln["account"], ln["service"], ln["kind"], D(ln["amount"])) for ln in reversed_) == \
        sorted((ln["account"], ln["service"], ln["kind"], -D(ln["amount"])) for ln in before)
    assert set(net(lines).values()) == {D(0)}
    assert "нет несторнированных начислений" in cli("storno", "--period", P, "--reason", "ещё раз")
    cli("close", "--period", P, code=1)  # reversed and not calculated again: the month is not ready to close
    again = cli("calc", "--period", P, "--json")
    assert sum(again["lines"].values()) == len(before) and "recalc" not in again["lines"]
    assert net(cli("charges", "--period", P, "--json")["lines"]) == net(before)
    assert sum(cli("calc", "--period", P, "--json")["lines"].values()) == 0
    assert "закрыт" in cli("close", "--period", P)


def test_one_account_alone(cli):
    cli("calc", "--period", P)
    before = cli("charges", "--period", P, "--json")["lines"]
    cli("storno", "--period", P, "--account", number(1), "--reason", "ошибка площади")
    lines = cli("charges", "--period", P, "--json")["lines"]
    assert net(lines) == {number(0): net(before)[number(0)], number(1): D(0)}
    again = cli("calc", "--period", P, "--json")
    assert sum(again["lines"].values()) == sum(1 for ln in before if ln["account"] == number(1))
    assert net(cli("charges", "--period", P, "--json")["lines"]) == net(before)


def test_storno_of_a_recalculation_is_recalculated_again(cli):
    cli("calc", "--period", P)
    cli("close", "--period", P)
    cli.load(february(HOUSE))
    row = {"id": "t-maint-jan", "service": "maint", "from": "2024-07-01", "to": "2025-02-01"}
    cli.load({"tariffs": [{**row, "rate": "33.00"}]})
    cli("calc", "--period", NEXT)
    first = cli("charges", "--period", NEXT, "--json")["lines"]
    fixes = net(first, kind="recalc", corrects_period=P)
    assert fixes and all(v > 0 for v in fixes.values())
    cli("storno", "--period", NEXT, "--reason", "тариф не утверждён")
    assert set(net(cli("charges", "--period", NEXT, "--json")["lines"]).values()) == {D(0)}
    again = cli("calc", "--period", NEXT, "--json")
    assert again["recalculated_periods"] == [P]
    lines = cli("charges", "--period", NEXT, "--json")["lines"]
    assert net(lines) == net(first) and net(lines, kind="recalc", corrects_period=P) == fixes


def test_a_closed_month_takes_no_storno_and_nothing_is_written(cli):
    cli("calc", "--period", P)
    cli("close", "--period", P)
    before = cli("charges", "--period", P, "--json")
    cli("storno", "--period", P, "--reason", "поздно", code=1)
    assert cli("charges", "--period", P, "--json") == before


@pytest.mark.parametrize("args, code", [
    (["--reason", "   "], 2),                               # a reason is required, not blanks
    (["--reason", "x", "--account", "0000000000"], 1),      # no such account
])
def test_bad_requests_change_nothing(cli, args, code):
    cli("calc", "--period", P)
    before = cli("charges", "--period", P, "--json")
    cli("storno", "--period", P, *args, code=code)
    assert cli("charges", "--period", P, "--json") == before
