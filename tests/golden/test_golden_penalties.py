"""Golden cases G12 (penalties with partial payments) and G14 (a partial payment split among three suppliers) of
DOMAIN.md §11 through the product path: exchange document → import → calc → `penalties` / `debts` --json."""
from __future__ import annotations

import json

import pytest

from bcenter.cli import main
from tests.golden.builders import BANK, account, flat, person, town

MAINT = {"id": "maint", "name": "Содержание жилого помещения", "kind": "housing", "unit": "m2"}


@pytest.fixture
def cli(tmp_path, capsys, any_url):
    url = any_url

    def run(*args) -> dict | None:
        code = main(["--db", url, *map(str, args)])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out) if "--json" in args else None

    def load(doc: dict) -> None:
        path = tmp_path / "doc.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        run("import", path)

    run.load = load
    return run


def test_g12_penalties_with_partial_payments(cli):
    doc = town(services=[MAINT], tariffs=[{"service": "maint", "from": "2024-07-01", "rate": "50.00"}],
               premises=[flat("p1", "1", "100")], persons=[person("owner")],
               accounts=[account("a1", "1002003004", "p1", ["maint"])])
    doc["payments"] = [{"id": f"pay{i}", "account": "a1", "amount": amount, "paid_on": day, "channel": "bank"}
                       for i, (amount, day) in enumerate([("1000.00", "2025-03-20"), ("2000.00", "2025-05-15"),
                                                          ("2000.00", "2025-06-30")])]
    cli.load(doc)
    cli("calc", "--period", "2025-01")
    assert cli("charges", "--period", "2025-01", "--json")["totals"]["charge"] == "5000.00"
    data = cli("penalties", "--as-of", "2025-06-30", "--json")
    acc, = data["accounts"]
    assert acc["total"] == "157.46"
    rows = [(r["from"], r["to"], r["days"], r["debt"], r["fraction"], r["amount"]) for r in acc["rows"]]
    assert rows == [
        ("2025-03-13", "2025-03-20", 8, "5000.00", "1/300", "12.67"),
        ("2025-03-21", "2025-05-11", 52, "4000.00", "1/300", "65.87"),
        ("2025-05-12", "2025-05-15", 4, "4000.00", "1/130", "11.69"),
        ("2025-05-16", "2025-06-30", 46, "2000.00", "1/130", "67.23"),
    ]
    assert all(r["rate"] in ("9.5", "9.50") for r in acc["rows"])
    assert cli("debts", "--as-of", "2025-06-30", "--json")["accounts"] == []  # all paid by 30.06
    owed = cli("debts", "--as-of", "2025-05-31", "--json")["accounts"][0]
    assert owed["total"] == "2000.00" and owed["periods"][0]["due"] == "2025-02-10"


def test_g14_partial_payment_split_among_three_suppliers(cli):
    services = [{"id": "maint", "name": "Содержание", "kind": "housing", "unit": "premises", "supplier": "uk"},
                {"id": "heat", "name": "Отопление", "kind": "housing", "unit": "premises", "supplier": "tso"},
                {"id": "water", "name": "ХВС и водоотведение", "kind": "housing", "unit": "premises", "supplier": "vk"}]
    doc = town(services=[], tariffs=[{"service": "maint", "from": "2024-07-01", "rate": "2345.67"},
                                     {"service": "heat", "from": "2024-07-01", "rate": "3210.55"},
                                     {"service": "water", "from": "2024-07-01", "rate": "987.43"}],
               premises=[flat("p1", "1", "54.3")], persons=[person("owner")],
               accounts=[account("a1", "1002003004", "p1", ["maint", "heat", "water"])])
    doc["services"] = services
    doc["suppliers"] += [{"id": "tso", "name": "АО Теплосеть", "inn": "7702000001", "bank": BANK},
                         {"id": "vk", "name": "МУП Водоканал", "inn": "7703000002", "bank": BANK}]
    doc["payments"] = [{"id": "pay1", "account": "a1", "amount": "1000.00", "paid_on": "2025-02-05",
                        "period": "2025-01", "channel": "bank"}]
    cli.load(doc)
    cli("calc", "--period", "2025-01")
    lines = cli("debts", "--as-of", "2025-02-28", "--json")["accounts"][0]["periods"]
    paid = {ln["service"]: ln["paid"] for ln in lines}
    assert paid == {"maint": "358.46", "heat": "490.64", "water": "150.90"}


def test_an_unknown_account_or_a_date_out_of_range_is_said(tmp_path, capsys):
    """`--account` with a typo printed nothing, as for an account without debt; `--as-of 9999-12-31` was
    «Внутренняя ошибка (OverflowError)» (review of 2026-12-07)."""
    doc = town(services=[MAINT], tariffs=[{"service": "maint", "from": "2024-07-01", "rate": "50.00"}],
               premises=[flat("p1", "1", "100")], persons=[person("owner")],
               accounts=[account("a1", "1002003004", "p1", ["maint"])])
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", url, "import", str(path)]) == 0
    capsys.readouterr()
    for command in ("penalties", "debts"):
        assert main(["--db", url, command, "--as-of", "2025-06-30", "--account", "999"]) != 0
        assert "лицевого счёта 999 нет в картотеке" in capsys.readouterr().err
        assert main(["--db", url, command, "--as-of", "9999-12-31"]) != 0
        assert "дата 9999-12-31 вне 1900–2100 годов" in capsys.readouterr().err
        assert main(["--db", url, command, "--as-of", "2025-06-30", "--account", "1002003004"]) == 0
