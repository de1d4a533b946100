"""Отчёты on the office screen (issue 21) without a browser: the accountant opens the ОСВ of the last closed month by
account — a page of rows, the total row equal to the JSON's, the next page — switches to collection by month with
its charts (a bar per month, the longest the best month), saves the report as XLSX and PDF behind links; a bad
period is said on the screen; a cashier is refused."""
from __future__ import annotations

import re

import pytest

from bcenter.core.money import format_rub_ru
from tests.finance.towns import OPEN
from tests.ui.conftest import by_key
from tests.ui.test_office_sections import _click, _office, _type

CLOSED = OPEN - 1


def _cells(table) -> list[list[str]]:
    data = table.controls[0].controls[0]  # the table in its sideways-scrolling row
    return [[c.content.value for c in row.cells] for row in data.rows]


@pytest.mark.asyncio
async def test_the_accountant_pages_the_statement_and_sees_collection_by_month(app, page, session, tmp_path):
    files = tmp_path / "files"
    refs = _office(app, page, files=files)
    desk = refs["reports"]
    await _click(session, by_key(refs["nav"], "nav:reports"))
    assert desk["error"].value == "" and desk["period"].value == str(CLOSED)  # the last closed month
    assert desk["name"].value == "osv" and [o.key for o in desk["by"].options][0] == "account"
    await _click(session, desk["show"])
    doc = app.reports.json("osv", period=CLOSED)
    rows = _cells(desk["table"])
    assert len(rows) == 50 + 1 and desk["where"].value == f"Строки 1–50 из {len(doc['rows'])}"
    assert rows[0][0] == doc["rows"][0]["account"] and rows[-1][0] == "Итого"
    assert rows[-1][-1] == format_rub_ru(int(doc["totals"]["closing"].replace(".", ""))).removesuffix("₽").rstrip(
        "\u00a0 ")
    assert desk["prev"].disabled and not desk["next"].disabled
    await _click(session, desk["next"])
    assert _cells(desk["table"])[0][0] == doc["rows"][50]["account"] and not desk["prev"].disabled

    desk["name"].value = "collection"
    await session.dispatch_event(desk["name"]._i, "select", "collection")
    assert desk["by"].value == "month"
    await _click(session, desk["show"])
    months = app.reports.json("collection", period=CLOSED, by="month")["rows"]
    chart = by_key(desk["charts"], "chart:0")
    assert by_key(chart, "chart:0:title").value == "Собираемость по месяцам, %"
    bars = [by_key(chart, f"chart:0:bar:{i}") for i in range(len(months))]
    best = max(range(len(months)), key=lambda i: float(months[i]["rate"] or 0))
    assert max(b.width for b in bars) == bars[best].width == 360
    assert by_key(chart, f"chart:0:value:{best}").value == months[best]["rate"].replace(".", ",") + " %"

    await _click(session, desk["xlsx"])
    await _click(session, desk["pdf"])
    links = [c.controls[1].url for c in desk["saved"].controls]
    assert len(links) == 2 and links[0].endswith(".pdf") and links[1].endswith(".xlsx")
    for link in links:  # served to whoever names it: the name cannot be guessed (a random 128-bit part)
        assert re.fullmatch(r"/reports/[a-z]+-\d{4}-\d{2}-[0-9a-f]{32}\.(pdf|xlsx)", link), link
    assert (files / links[0].lstrip("/")).read_bytes()[:5] == b"%PDF-"
    assert (files / links[1].lstrip("/")).read_bytes()[:2] == b"PK"

    await _type(session, desk["period"], "октябрь")
    await _click(session, desk["show"])
    assert desk["error"].value.startswith("Период «октябрь»: укажите ГГГГ-ММ")


@pytest.mark.asyncio
async def test_a_cashier_is_refused_reports(app, page, session):
    refs = _office(app, page, "kassa", "пароль-кассира")
    desk = refs["reports"]
    await _click(session, by_key(refs["nav"], "nav:reports"))
    assert "Недостаточно прав" in desk["error"].value or "не разрешено" in desk["error"].value


@pytest.mark.asyncio
async def test_paging_reads_the_kept_run_until_something_is_written(app, page, session):
    """«Дальше» and «Назад» read the kept rows (the report is not run again) — until a write: then the report runs
    anew and shows it."""
    refs = _office(app, page)
    desk = refs["reports"]
    await _click(session, by_key(refs["nav"], "nav:reports"))
    signed = refs["signed"].app  # the application acting as the signed-in operator
    await _click(session, desk["show"])
    first = _cells(desk["table"])
    await _click(session, desk["next"])
    second = _cells(desk["table"])
    await _click(session, desk["prev"])
    assert _cells(desk["table"]) == first != second
    assert signed.reports._pages.runs == 1
    desk["name"].value = "residents"
    await session.dispatch_event(desk["name"]._i, "select", "residents")
    desk["by"].value = "section"
    await _click(session, desk["show"])
    assert signed.reports._pages.runs == 2
    before = {r[0]: r for r in _cells(desk["table"])}
    app.registry.edit("house", "h00001", {"section": "Участок № 9"})  # a write: the kept run is stale
    await _click(session, desk["show"])
    assert signed.reports._pages.runs == 3 and "Участок № 9" in {r[0] for r in _cells(desk["table"])} - set(before)
