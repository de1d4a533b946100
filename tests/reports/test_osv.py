"""The оборотно-сальдовая ведомость (issue 21, first step) on the demo town: every row and the total reconcile
(opening + charged + recalculated + quality + benefits − paid + penalties = closing), its totals are `bcenter
balances`' for a closed and for the open month, every cut sums to the same; the XLSX opens with openpyxl with its
totals as formulas whose values equal the JSON's; the PDF's text and the CSV's last row carry the totals; bad input
refused in Russian."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from bcenter.cli import main
from bcenter.core.errors import NotFound, ValidationFailed
from bcenter.core.money import format_kop, format_rub_ru
from bcenter.core.period import Period
from tests.finance.towns import OPEN

MONEY = ("opening", "charged", "recalculated", "quality", "benefits", "paid", "penalties", "closing")
CLOSED = OPEN - 1




def _kop(text: str) -> int:
    return int(Decimal(text) * 100)


@pytest.mark.parametrize("period", [CLOSED, OPEN])
def test_the_statement_reconciles_and_equals_the_balances(app, period):
    doc = app.reports.json("osv", period=period)
    assert doc["rows"]
    for row in doc["rows"] + [doc["totals"]]:
        m = {k: _kop(row[k]) for k in MONEY}
        assert m["opening"] + m["charged"] + m["recalculated"] + m["quality"] + m["benefits"] - m["paid"] \
            + m["penalties"] == m["closing"], row
    balances = app.month.balances(period)
    assert {k: _kop(v) for k, v in doc["totals"].items()} == {
        k: sum(getattr(r, k) for r in balances.rows) for k in MONEY}
    assert len(doc["rows"]) == len(balances.rows)
    for by in ("house", "supplier", "service"):
        assert app.reports.json("osv", period=period, by=by)["totals"] == doc["totals"]
    if period == CLOSED:  # a closed month's closing is the next month's opening
        assert doc["totals"]["closing"] == app.reports.json("osv", period=OPEN)["totals"]["opening"]


def test_the_files_carry_the_same_totals(app, tmp_path):
    import openpyxl

    totals = {k: _kop(v) for k, v in app.reports.json("osv", period=CLOSED, by="house")["totals"].items()}
    written = app.reports.write("osv", period=CLOSED, by="house", out=tmp_path / "osv.xlsx")
    assert list(written.values()) == [totals[k] for k in MONEY]
    sheet = openpyxl.load_workbook(tmp_path / "osv.xlsx").active
    values = openpyxl.load_workbook(tmp_path / "osv.xlsx", data_only=True).active
    last = sheet.max_row
    assert sheet.cell(last, 1).value == "Итого" and sheet.cell(last, 2).value.startswith("=SUM(B5:B")
    assert sheet.freeze_panes == "A5"
    assert [round(values.cell(last, i + 2).value * 100) for i in range(len(MONEY))] == [totals[k] for k in MONEY]
    rows = [[values.cell(r, i + 2).value for i in range(len(MONEY))] for r in range(5, last)]
    assert [round(sum(col) * 100) for col in zip(*rows)] == [totals[k] for k in MONEY]  # the formulas' own sums

    app.reports.write("osv", period=CLOSED, out=tmp_path / "osv.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "osv.pdf").pages).replace("\u00a0", " ")
    for k in ("opening", "charged", "paid", "closing"):
        assert format_rub_ru(totals[k]).replace("\u00a0", " ").removesuffix(" ₽") in text
    app.reports.write("osv", period=CLOSED, fmt="csv", out=tmp_path / "osv.txt")
    table = list(csv.reader(io.StringIO((tmp_path / "osv.txt").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert table[-1][0] == "Итого" and table[-1][4:] == [format_kop(totals[k]) for k in MONEY]
    app.reports.write("osv", period=CLOSED, out=tmp_path / "osv.json")
    assert json.loads((tmp_path / "osv.json").read_text())["totals"] == {k: format_kop(v) for k, v in totals.items()}


def test_bad_input_is_refused_in_russian(app, tmp_path, capsys):
    with pytest.raises(NotFound, match="Нет отчёта «nosuch»"):
        app.reports.json("nosuch", period=OPEN)
    with pytest.raises(ValidationFailed, match="группируется по: account"):
        app.reports.json("osv", period=OPEN, by="bank")
    with pytest.raises(ValidationFailed, match="формат файла: csv, json, xlsx, pdf"):
        app.reports.write("osv", period=OPEN, out=tmp_path / "osv.doc")
    assert not (tmp_path / "osv.doc").exists()
    assert main(["--db", app.url, "report", "list"]) == 0
    assert "osv  Оборотно-сальдовая ведомость" in capsys.readouterr().out
    assert main(["--db", app.url, "report", "osv", "--period", str(Period(2026, 9)), "--by", "supplier",
                 "--out", str(tmp_path / "s.xlsx")]) == 0
    assert "итого — сальдо на начало" in capsys.readouterr().out
    assert main(["--db", app.url, "report", "osv"]) != 0
    assert "укажите период" in capsys.readouterr().err


def test_the_supplier_statement_equals_the_settlements(app, tmp_path):
    doc = app.reports.json("settlements", period=CLOSED)
    report = app.finance.settlements(as_of=CLOSED.last_day)
    assert [(r["supplier"], _kop(r["collected"]), _kop(r["transferred"]), _kop(r["owed"])) for r in doc["rows"]] == [
        (s.supplier, s.collected, s.transferred, s.owed) for s in report.suppliers]
    assert _kop(doc["totals"]["collected"]) == sum(s.collected for s in report.suppliers) > 0
    for row in doc["rows"]:
        assert _kop(row["owed"]) == _kop(row["collected"]) - _kop(row["commission"]) - _kop(row["fee"]) \
            - _kop(row["transferred"])
    written = app.reports.write("settlements", period=CLOSED, out=tmp_path / "s.xlsx")
    assert written["Собрано"] == sum(s.collected for s in report.suppliers)


@pytest.mark.parametrize("period", [CLOSED, OPEN])
def test_the_rows_by_account_are_the_balances_house_by_house(app, period, monkeypatch):
    """Read a few accounts at a time (here three houses' worth), the rows by account are `bcenter balances`' rows,
    in the order of the addresses (д. 2 before д. 10), and every summed cut is their sum."""
    from bcenter.modules.reports import balances

    monkeypatch.setattr(balances, "CHUNK", 3)
    doc = app.reports.json("osv", period=period)
    balances = app.month.balances(period)
    services = dict(app.db.execute_sql('SELECT ext_id, name FROM "service"').fetchall())
    got = sorted((r["account"], r["service"], tuple(_kop(r[k]) for k in MONEY)) for r in doc["rows"])
    want = sorted((r.account, services[r.service], tuple(getattr(r, k) for k in MONEY)) for r in balances.rows)
    assert len(want) > 20
    assert got == want
    from bcenter.modules.reports.cuts import natural

    addresses = [natural(r["address"]) for r in doc["rows"]]
    assert addresses == sorted(addresses)
    by_house = app.reports.json("osv", period=period, by="house")
    assert [natural(r["house"]) for r in by_house["rows"]] == sorted(natural(r["house"]) for r in by_house["rows"])
    for house in by_house["rows"]:
        mine = [r for r in doc["rows"] if r["address"].startswith(house["house"] + ",")]
        assert {k: sum(_kop(r[k]) for r in mine) for k in MONEY} == {k: _kop(house[k]) for k in MONEY}


def test_the_pdf_repeats_the_header_on_every_page_and_numbers_them(app, tmp_path):
    app.reports.write("osv", period=CLOSED, out=tmp_path / "osv.pdf")
    pages = [p.extract_text() for p in PdfReader(tmp_path / "osv.pdf").pages]
    assert len(pages) > 3
    for n, text in enumerate(pages, start=1):
        assert "Лицевой" in text and "Сальдо на" in text and f"стр. {n}" in text, n
    assert "Итого" in pages[-1] and "Итого" not in pages[0]
    doc = app.reports.json("osv", period=CLOSED)
    last = doc["rows"][-1]
    assert last["account"] in pages[-1] and last["address"].split(", кв.")[0].split(", ")[-1] in pages[-1]


def test_a_month_after_the_open_one_goes_on_from_its_balances(app):
    """A month after the open one (the month before it not closed) opens with that month's closing and counts only
    what it adds to that month's payments and penalties — the figures it has once that month closes; it took the
    migrated opening balances and counted the open month's payments again."""
    after = [app.reports.json("osv", period=OPEN + i, by="house")["totals"] for i in range(3)]
    assert after[1]["opening"] == after[0]["closing"] and after[2]["opening"] == after[1]["closing"]
    assert _kop(after[1]["paid"]) < _kop(after[0]["paid"])
    by_account = app.reports.json("osv", period=OPEN + 1)
    assert {k: _kop(v) for k, v in by_account["totals"].items()} == {
        k: sum(getattr(r, k) for r in app.month.balances(OPEN + 1).rows) for k in MONEY}
    app.month.close(OPEN, workers=1)
    assert [app.reports.json("osv", period=OPEN + i, by="house")["totals"] for i in range(3)] == after
    with pytest.raises(ValidationFailed, match="не закрыты .больше 36.: сальдо не считается"):
        app.reports.json("osv", period=OPEN + 40, by="house")  # the months between are not walked for ever


def test_balances_brought_after_a_gap_of_months_open_the_first_month_of_bcenter(tmp_path, example_doc, capsys):
    """The old system's last closed month is 2024-09 while the balances brought are of 2025-01, the first month
    bcenter calculates (review of the day's change): the months between have no data of bcenter, and the month after
    the open one went on from them — zero — losing the balances brought in 2025-01. Both towns (the example's
    closed months 2024-11–2024-12, and 2024-09 alone) print the same balances of 2025-02."""
    import copy
    import json

    from bcenter.cli import main

    printed = []
    for closed in (["2024-11", "2024-12"], ["2024-09"]):
        doc = copy.deepcopy(example_doc)
        doc["closed_periods"] = closed
        path, url = tmp_path / f"doc-{closed[0]}.json", f"sqlite:///{tmp_path / f'town-{closed[0]}.db'}"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        assert main(["--db", url, "import", str(path)]) == 0, capsys.readouterr().err
        assert main(["--db", url, "calc", "--period", "2025-01"]) == 0, capsys.readouterr()
        capsys.readouterr()
        assert main(["--db", url, "balances", "--period", "2025-02", "--json"]) == 0
        printed.append(json.loads(capsys.readouterr().out))
    assert printed[0] == printed[1]
    assert any(row["opening"] != "0.00" for row in printed[1]["accounts"])
