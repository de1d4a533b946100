"""A report's rows to a file — CSV, JSON, XLSX, PDF — streamed row by row, with the money columns' totals.

* CSV: «;»-separated, UTF-8 with BOM (what a spreadsheet opens in Russian), money as 1234.56, a total row last.
* JSON: {"report", "title", "subtitle", "columns", "rows", "totals"} — money as "1234.56" (EXCHANGE.md's money).
* XLSX (xlsxwriter, constant memory): the header frozen, money in a «# ##0.00» format, the total row as ``SUM``
  formulas over the column — a spreadsheet recomputes them; the file also carries their values for readers that do
  not calculate.
* PDF (reportlab): an A4 landscape table, the header repeated on every page, the total row last.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime, time
from pathlib import Path

from bcenter.core.money import format_kop
from bcenter.modules.reports.registry import Result

FORMATS = ("csv", "json", "xlsx", "pdf")


def _cell(kind: str, value):
    """A value as CSV and JSON carry it: money "1234.56", a percent "97.5", a date ISO, the rest as it is."""
    if value is None:
        return None
    if kind == "money":
        return format_kop(value)
    if kind == "percent":
        return str(value)
    if kind == "date":
        return value.isoformat()
    return value


def _shown(kind: str, value) -> str:
    """A value as a person reads it (PDF, screen): money «1 234,56», a percent «97,5 %», a date «05.12.2026»."""
    from bcenter.core.money import format_rub_ru

    if value is None:
        return "—" if kind in ("percent", "date") else ""
    if kind == "money":
        return format_rub_ru(value).removesuffix("₽").rstrip("\u00a0 ")
    if kind == "percent":
        return f"{value} %".replace(".", ",")
    if kind == "date":
        return f"{value:%d.%m.%Y}"
    if kind == "int":
        return f"{value:,}".replace(",", "\u00a0")
    return str(value)


def shown(kind: str, value) -> str:
    """``_shown`` for the screens."""
    return _shown(kind, value)


def write(result: Result, path: Path, fmt: str) -> dict[str, int]:
    """Write ``result`` to ``path`` in ``fmt`` (atomically: a temporary file renamed); returns the money totals by
    column title."""
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = {"csv": _csv, "json": _json, "xlsx": _xlsx, "pdf": _pdf}[fmt]
    totals = writer(result, tmp)
    tmp.replace(path)
    titles = {c.key: c.title for c in result.columns}
    money = {c.key for c in result.columns if c.kind == "money"}
    return {titles[k]: v for k, v in totals.items() if k in money}


def summing(result: Result):
    """Rows passed through, the summed columns (``Column.summed``) summed on the way."""
    summed = result.summed
    sums = {i: 0 for i in summed}

    def rows():
        for row in result.rows:
            for i in summed:
                sums[i] += row[i] or 0
            yield row
    return rows(), sums


def _named(result: Result, sums: dict[int, int]) -> dict[str, object]:
    """The total row by key (sums, ratio percents)."""
    return result.totals(sums)


def _total_cells(result: Result, sums: dict[int, int]) -> dict[str, object]:
    kinds = {c.key: c.kind for c in result.columns}
    return {k: _cell(kinds[k], v) for k, v in _named(result, sums).items()}


def _csv(result: Result, path: Path) -> dict[str, int]:
    rows, sums = summing(result)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow([c.title for c in result.columns])
        for row in rows:
            out.writerow([_cell(c.kind, v) for c, v in zip(result.columns, row)])
        total = _total_cells(result, sums)
        out.writerow(["Итого" if i == 0 else total.get(c.key, "") for i, c in enumerate(result.columns)])
    return _named(result, sums)


def _json(result: Result, path: Path) -> dict[str, int]:
    rows, sums = summing(result)
    keys = [c.key for c in result.columns]
    with path.open("w", encoding="utf-8") as f:
        head = {"report": result.name, "title": result.title, "subtitle": result.subtitle,
                "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in result.columns]}
        f.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [\n')
        for n, row in enumerate(rows):
            f.write(("" if n == 0 else ",\n") + json.dumps(
                {k: _cell(c.kind, v) for k, c, v in zip(keys, result.columns, row)}, ensure_ascii=False))
        f.write('\n], "totals": ' + json.dumps(_total_cells(result, sums)) + "}\n")
    return _named(result, sums)


def to_json(result: Result) -> dict:
    """The JSON document of a report (what ``--format json`` writes), in memory — for the CLI's standard output."""
    rows, sums = summing(result)
    data = {"report": result.name, "title": result.title, "subtitle": result.subtitle,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in result.columns],
            "rows": [{c.key: _cell(c.kind, v) for c, v in zip(result.columns, row)} for row in rows]}
    data["totals"] = _total_cells(result, sums)
    return data


def _xlsx(result: Result, path: Path) -> dict[str, int]:
    import xlsxwriter

    rows, sums = summing(result)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(result.name[:31])
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": "# ##0.00"})
    money_total = book.add_format({"num_format": "# ##0.00", "bold": True})
    pct = book.add_format({"num_format": "0.0"})
    pct_total = book.add_format({"num_format": "0.0", "bold": True})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    int_total = book.add_format({"bold": True})
    for i, c in enumerate(result.columns):
        sheet.set_column(i, i, c.width)
    sheet.write(0, 0, result.title, bold)
    sheet.write(1, 0, result.subtitle)
    top = 3
    for i, c in enumerate(result.columns):
        sheet.write(top, i, c.title, head)
    sheet.freeze_panes(top + 1, 0)
    n = 0
    for n, row in enumerate(rows, start=1):
        for i, (c, v) in enumerate(zip(result.columns, row)):
            if v is None:
                continue
            if c.kind == "money":
                sheet.write_number(top + n, i, v / 100, money)
            elif c.kind == "int":
                sheet.write_number(top + n, i, v)
            elif c.kind == "percent":
                sheet.write_number(top + n, i, float(v), pct)
            elif c.kind == "date":
                sheet.write_datetime(top + n, i, datetime.combine(v, time()), day)
            else:
                sheet.write_string(top + n, i, "" if v is None else str(v))
    last = top + n + 1
    sheet.write(last, 0, "Итого", bold)
    letters = {c.key: xlsxwriter.utility.xl_col_to_name(i) for i, c in enumerate(result.columns)}
    totals = _named(result, sums)
    for i, c in enumerate(result.columns):
        col = letters[c.key]
        if i in sums:
            money_column = c.kind == "money"
            sheet.write_formula(last, i, f"=SUM({col}{top + 2}:{col}{top + n + 1})",
                                money_total if money_column else int_total,
                                sums[i] / 100 if money_column else sums[i])
        elif c.ratio is not None:
            part, whole = (letters[k] for k in c.ratio)
            value = totals[c.key]
            row = last + 1
            sheet.write_formula(last, i, f'=IF({whole}{row}>0,ROUND(100*{part}{row}/{whole}{row},1),"")',
                                pct_total, float(value) if value is not None else "")
    book.close()
    return _named(result, sums)


def _pdf(result: Result, path: Path) -> dict[str, int]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from xml.sax.saxutils import escape

    from bcenter.modules.bills import fonts

    regular, bold = fonts.register()
    cell = ParagraphStyle("c", fontName=regular, fontSize=6.5, leading=8)
    right = ParagraphStyle("r", fontName=regular, fontSize=6.5, leading=8, alignment=TA_RIGHT)
    head = ParagraphStyle("h", fontName=bold, fontSize=6.5, leading=8)
    title = ParagraphStyle("t", fontName=bold, fontSize=11, leading=14)
    text = ParagraphStyle("s", fontName=regular, fontSize=8, leading=10)
    rows, sums = summing(result)
    data = [[Paragraph(escape(c.title), head) for c in result.columns]]
    for row in rows:
        data.append([Paragraph(escape(_shown(c.kind, v)), cell if c.kind == "text" else right)
                     for c, v in zip(result.columns, row)])
    totals = _named(result, sums)
    data.append([Paragraph("Итого", head) if i == 0 else
                 Paragraph(escape(_shown(c.kind, totals[c.key])), right) if c.key in totals else ""
                 for i, c in enumerate(result.columns)])
    page = landscape(A4)
    widths = [c.width for c in result.columns]
    scale = (page[0] - 20 * mm) / sum(widths)
    table = LongTable(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    doc = SimpleDocTemplate(str(path), pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
                            bottomMargin=10 * mm, title=result.title, creator="bcenter", invariant=1)
    doc.build([Paragraph(escape(result.title), title), Paragraph(escape(result.subtitle), text), Spacer(1, 3 * mm),
               table])
    return _named(result, sums)
