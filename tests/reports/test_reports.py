"""The registry's reports beyond the ОСВ (issue 21) on the screens' demo town: each agrees with the command or the
facts it summarises — charges and collection with the ОСВ, debt ageing with `bcenter debts`, the payments register
with the payments, the recalculation register with a retroactive change and its reasons, the penalty register with
the ОСВ's penalties, meters due with `bcenter meters due`, residents with the registry — every cut sums to the same
totals, and a percent's total is the ratio of the totals, in the XLSX as a formula."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bcenter.core.period import Period
from tests.finance.towns import OPEN

CLOSED = OPEN - 1


def _kop(text) -> int:
    return int(Decimal(text) * 100)


def _cuts(app, name: str, period: Period) -> dict[str, dict]:
    report = next(r for r in app.reports.list() if r.name == name)
    return {by: app.reports.json(name, period=period, by=by) for by in report.cuts}


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "pdf"])
def test_a_report_that_fails_midway_leaves_no_file_behind(tmp_path, fmt):
    """A run refused while its rows are computed (a month not closed far back, a full disk) left «osv.xlsx.tmp»
    beside where the file was to be; now neither the file nor the temporary one is there, and the refusal goes on."""
    from bcenter.core.errors import Problem, ValidationFailed
    from bcenter.modules.reports import files
    from bcenter.modules.reports.registry import Column, Result

    def rows():
        yield ("дом 1", 100)
        raise ValidationFailed([Problem("period", "месяцы не закрыты")], title="Отчёт не построен")

    result = Result("test", "Проба", "", (Column("house", "Дом"), Column("amount", "Сумма", "money", 16)), rows())
    with pytest.raises(ValidationFailed):
        files.write(result, tmp_path / f"osv.{fmt}", fmt)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("period", [CLOSED, OPEN])
def test_charges_and_collection_are_the_statement_s_columns(app, period):
    osv = app.reports.json("osv", period=period, by="house")["totals"]
    billed = sum(_kop(osv[k]) for k in ("charged", "recalculated", "quality", "benefits"))
    for by, doc in _cuts(app, "charges", period).items():
        totals = doc["totals"]
        if by == "month":  # twelve months up to the period: its own row is the period's
            row = next(r for r in doc["rows"] if r["month"] == str(period))
            assert [r["month"] for r in doc["rows"]] == sorted(r["month"] for r in doc["rows"])
            assert len(doc["rows"]) > 1
        else:
            row = totals
        assert _kop(row["charged"]) == _kop(osv["charged"])
        assert _kop(row["billed"]) == billed and _kop(row["paid"]) == _kop(osv["paid"])
        assert _kop(row["difference"]) == billed - _kop(osv["paid"])
    for by, doc in _cuts(app, "collection", period).items():
        totals = doc["totals"]
        if by != "month":
            assert _kop(totals["billed"]) == billed and _kop(totals["closing"]) == _kop(osv["closing"])
            assert Decimal(totals["rate"]) == (Decimal(_kop(osv["paid"]) * 100) / billed).quantize(Decimal("0.1"))
        for row in doc["rows"]:
            if _kop(row["billed"]) > 0:
                assert abs(Decimal(row["rate"]) - Decimal(_kop(row["paid"]) * 100) / _kop(row["billed"])) <= \
                    Decimal("0.05")


def test_a_percent_total_is_a_formula_of_the_totals(app, tmp_path):
    import openpyxl

    doc = app.reports.json("collection", period=CLOSED, by="house")
    app.reports.write("collection", period=CLOSED, by="house", out=tmp_path / "c.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx").active
    values = openpyxl.load_workbook(tmp_path / "c.xlsx", data_only=True).active
    last = sheet.max_row
    titles = [sheet.cell(4, i).value for i in range(1, sheet.max_column + 1)]
    rate = titles.index("Собираемость, %") + 1
    assert sheet.cell(last, rate).value.startswith("=IF(B")  # 100 × paid ÷ billed of the total row
    assert Decimal(str(values.cell(last, rate).value)) == Decimal(doc["totals"]["rate"])
    app.reports.write("collection", period=CLOSED, by="house", out=tmp_path / "c.pdf")
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "c.pdf").pages)
    assert doc["totals"]["rate"].replace(".", ",") + " %" in text


def test_an_empty_report_s_total_row_refers_to_no_row_of_its_own(app, tmp_path):
    """With no rows the total's SUM range ran backwards over the header and the total row itself («B5:B4»): a
    circular reference a spreadsheet warns of. The totals of an empty report are zeros."""
    import re

    import openpyxl

    empty = Period(2020, 1)
    assert app.reports.json("osv", period=empty, by="house")["rows"] == []
    app.reports.write("osv", period=empty, by="house", out=tmp_path / "e.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "e.xlsx").active
    values = openpyxl.load_workbook(tmp_path / "e.xlsx", data_only=True).active
    last = sheet.max_row
    assert sheet.cell(last, 1).value == "Итого"
    for i in range(2, sheet.max_column + 1):
        value = sheet.cell(last, i).value
        rows = [int(r) for r in re.findall(r"[A-Z]+(\d+)", value)] if isinstance(value, str) else []
        assert all(r < last for r in rows), value
        assert values.cell(last, i).value == 0

@pytest.mark.parametrize("period", [CLOSED, OPEN])
def test_debt_ageing_is_what_the_debts_report_owes(app, period):
    as_of = period.last_day
    debts = app.finance.debts(as_of=as_of)
    owed = {a.account: sum(line.debt for line in a.periods) for a in debts.accounts}
    by_account = app.reports.json("ageing", period=period, by="account")
    assert {r["account"]: _kop(r["debt"]) for r in by_account["rows"]} == {k: v for k, v in owed.items() if v}
    total = sum(owed.values())
    assert total > 0
    for by, doc in _cuts(app, "ageing", period).items():
        t = {k: _kop(v) for k, v in doc["totals"].items()}
        assert t["debt"] == total == t["upto1"] + t["m1_3"] + t["m3_6"] + t["m6_12"] + t["over12"], by
    # every line in its bucket: months after its due date
    from bcenter.modules.reports.ageing import bucket

    buckets = [0] * 5
    for account in debts.accounts:
        for line in account.periods:
            buckets[bucket(line.due, as_of)] += line.debt
    t = by_account["totals"]
    assert [_kop(t[k]) for k in ("upto1", "m1_3", "m3_6", "m6_12", "over12")] == buckets
    assert buckets[2] + buckets[3] > 0  # the town's debtors of more than three months


def test_ageing_buckets_count_whole_months_after_the_due_date():
    from bcenter.modules.reports.ageing import bucket, months_overdue

    due = date(2026, 10, 15)
    assert months_overdue(due, date(2026, 10, 31)) == 0 and bucket(due, date(2026, 10, 31)) == 0
    assert months_overdue(due, date(2026, 11, 15)) == 0  # overdue from the 16th: a month on 16.11
    assert months_overdue(due, date(2026, 11, 16)) == 1 and bucket(due, date(2026, 11, 16)) == 1
    assert bucket(due, date(2027, 1, 15)) == 1 and bucket(due, date(2027, 1, 16)) == 2  # 3 months: 3–6
    assert bucket(due, date(2027, 4, 16)) == 3 and bucket(due, date(2027, 10, 16)) == 4  # 6–12, then 12+
    assert bucket(date(2026, 11, 16), date(2026, 10, 31)) == 0  # not yet due: up to a month


@pytest.mark.parametrize("period", [CLOSED, OPEN])
def test_the_payments_register_is_the_month_s_payments(app, period):
    rows = app.db.execute_sql(
        'SELECT COUNT(*), SUM(amount), SUM(COALESCE(commission, 0)) FROM "payment" p WHERE paid_on >= ? AND '
        'paid_on <= ? AND amount > 0 AND NOT EXISTS (SELECT 1 FROM "payment" r WHERE r.storno_of_id = p.id)',
        (period.first_day.isoformat(), period.last_day.isoformat())).fetchone()
    assert rows[0] > 0
    for by, doc in _cuts(app, "payments", period).items():
        t = doc["totals"]
        assert (t["count"], _kop(t["amount"]), _kop(t["commission"])) == tuple(int(v) for v in rows), by
        assert _kop(t["net"]) == rows[1] - rows[2]
    days = app.reports.json("payments", period=period, by="day")["rows"]
    assert all(period.first_day.isoformat() <= r["day"] <= period.last_day.isoformat() for r in days)
    banks = {r["bank"] for r in app.reports.json("payments", period=period, by="bank")["rows"]}
    assert "Касса" in banks or "Онлайн-оплата" in banks or any("Банк" in b or "ПАО" in b for b in banks)


def test_the_recalculation_register_names_the_month_and_the_reason(app):
    before = app.reports.json("recalculations", period=OPEN, by="line")["rows"]
    assert before and {r["kind"] for r in before} == {"снижение за качество"}  # the town's quality acts
    assert all(r["reason"].startswith("ненадлежащее качество") for r in before)
    app.registry.edit("house", "h00001", {"total_area": "890.5"})  # heating by area: every past month recalculated
    app.month.calc(OPEN)
    doc = app.reports.json("recalculations", period=OPEN, by="line")
    recalcs = [r for r in doc["rows"] if r["kind"] == "перерасчёт"]
    assert recalcs and all(r["corrects"] <= str(OPEN) and r["reason"].startswith("перерасчёт за ") for r in recalcs)
    assert {r["corrects"] for r in recalcs} >= {"2025-09", str(CLOSED)}  # the past months, each named
    lines = app.db.execute_sql(
        'SELECT COUNT(*), SUM(c.amount) FROM "journal_entry" e JOIN "charge_line" c ON c.entry_id = e.id '
        "WHERE e.period = ? AND c.kind IN ('recalc', 'quality', 'absence', 'benefit')", (str(OPEN),)).fetchone()
    for by, cut in _cuts(app, "recalculations", OPEN).items():
        assert (cut["totals"]["lines"], _kop(cut["totals"]["amount"])) == (lines[0], lines[1]), by
    osv = app.reports.json("osv", period=OPEN, by="service")["totals"]
    assert _kop(osv["recalculated"]) == sum(_kop(r["amount"]) for r in recalcs) != 0


@pytest.mark.parametrize("period", [CLOSED, OPEN])
def test_the_penalty_register_is_the_statement_s_penalties(app, period):
    osv = app.reports.json("osv", period=period, by="house")["totals"]
    penalties = app.finance.penalties(as_of=period.last_day)
    for by, doc in _cuts(app, "penalties", period).items():
        assert doc["totals"]["penalties"] == osv["penalties"], by
    unpaid = _kop(app.reports.json("penalties", period=period, by="house")["totals"]["unpaid"])
    assert 0 < unpaid <= sum(a.total for a in penalties.accounts)


def test_meters_due_are_those_of_meters_due(app):
    period = next(p for p in (OPEN + i for i in range(36))
                  if app.meters.due(today=p.first_day, days=(p.last_day - p.first_day).days))
    due = app.meters.due(today=period.first_day, days=(period.last_day - period.first_day).days)
    doc = app.reports.json("meters", period=period, by="meter")
    assert sorted(r["serial"] for r in doc["rows"]) == sorted(d.serial for d in due)
    assert app.reports.json("meters", period=period, by="house")["totals"]["meters"] == len(due)


def test_residents_by_house(app):
    doc = app.reports.json("residents", period=OPEN)
    premises = app.db.execute_sql('SELECT COUNT(*) FROM "premises"').fetchone()[0]
    assert doc["totals"]["premises"] == premises and doc["totals"]["permanent"] > 0
    assert doc["totals"]["accounts"] == sum(r["accounts"] for r in doc["rows"]) > 0
    assert all(Decimal(r["area"]) > 0 for r in doc["rows"])


def test_the_registry_lists_every_report_with_its_cuts(app):
    names = [r.name for r in app.reports.list()]
    assert names[:2] == ["osv", "charges"] and {"collection", "ageing", "payments", "settlements", "recalculations",
                                                 "penalties", "meters", "residents"} <= set(names)


@pytest.mark.parametrize("name", ["osv", "charges", "collection", "ageing", "payments", "recalculations",
                                  "penalties", "residents"])
def test_the_management_company_and_section_cuts_sum_to_the_houses(app, name):
    """The seed's «управляющие компании, участки»: each report cut by the house's manager and section has the
    totals of its cut by house; the demo town has houses of two companies and a ТСЖ, and more than one section."""
    by_house = app.reports.json(name, period=CLOSED, by="house")
    for by in ("manager", "section"):
        doc = app.reports.json(name, period=CLOSED, by=by)
        assert doc["totals"] == by_house["totals"], by
    managers = [r["manager"] for r in app.reports.json("residents", period=CLOSED, by="manager")["rows"]]
    assert "ООО «УК «Заречье»»" in managers


def test_a_house_moved_to_another_section_is_counted_there(app):
    before = {r["section"]: r for r in app.reports.json("residents", period=OPEN, by="section")["rows"]}
    record = app.registry.record("house", "h00001")
    assert record.values["section"] and record.values["manager.name"] == "ООО «УК «Заречье»»"
    app.registry.edit("house", "h00001", {"section": "Участок № 9", "manager.name": "", "manager.inn": ""})
    after = {r["section"]: r for r in app.reports.json("residents", period=OPEN, by="section")["rows"]}
    assert after["Участок № 9"]["premises"] == before[record.values["section"]]["premises"] - \
        after.get(record.values["section"], {"premises": 0})["premises"]
    managers = {r["manager"] for r in app.reports.json("residents", period=OPEN, by="manager")["rows"]}
    assert "Непосредственное управление" in managers
    exported = app.registry.record("house", "h00001").document
    assert exported["section"] == "Участок № 9" and "manager" not in exported


def test_the_charts_are_the_reports_rows(app):
    """What the screen draws: the ageing chart's bars are the total row's buckets; collection by month a point per
    month with its rate; charges by service a bar per service."""
    reports = {r.name: r for r in app.reports.list()}
    ageing = app.reports.chart("ageing", period=CLOSED, chart=reports["ageing"].charts[0])
    totals = app.reports.json("ageing", period=CLOSED)["totals"]
    assert [label for label, _ in ageing.points] == ["До 1 мес.", "1–3 мес.", "3–6 мес.", "6–12 мес.", "Более 12 мес."]
    assert [v for _, v in ageing.points] == [_kop(totals[k]) for k in ("upto1", "m1_3", "m3_6", "m6_12", "over12")]
    rate = next(c for c in reports["collection"].charts if c.by == "month")
    points = app.reports.chart("collection", period=CLOSED, chart=rate)
    rows = app.reports.json("collection", period=CLOSED, by="month")["rows"]
    assert [(m, str(v)) for m, v in points.points] == [(r["month"], r["rate"]) for r in rows]
    assert points.kind == "percent"
    services = app.reports.chart("charges", period=CLOSED, chart=reports["charges"].charts[0])
    assert sum(v for _, v in services.points) == _kop(app.reports.json("charges", period=CLOSED,
                                                                       by="service")["totals"]["billed"])
