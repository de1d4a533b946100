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
from pathlib import Path

from bcenter.core.money import format_kop
from bcenter.modules.reports.registry import Result

FORMATS = ("csv", "json", "xlsx", "pdf")


def _cell(kind: str, value):
    return format_kop(value) if kind == "money" else value


def write(result: Result, path: Path, fmt: str) -> dict[str, int]:
    """Write ``result`` to ``path`` in ``fmt`` (atomically: a temporary file renamed); returns the money totals by
    column title."""
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = {"csv": _csv, "json": _json, "xlsx": _xlsx, "pdf": _pdf}[fmt]
    totals = writer(result, tmp)
    tmp.replace(path)
    titles = {c.key: c.title for c in result.columns}
    return {titles[k]: v for k, v in totals.items()}


def _totals(result: Result):
    """Rows passed through, the money columns summed on the way."""
    money = result.money
    sums = {i: 0 for i in money}

    def rows():
        for row in result.rows:
            for i in money:
                sums[i] += row[i]
            yield row
    return rows(), sums


def _named(result: Result, sums: dict[int, int]) -> dict[str, int]:
    return {result.columns[i].key: v for i, v in sums.items()}


def _csv(result: Result, path: Path) -> dict[str, int]:
    rows, sums = _totals(result)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow([c.title for c in result.columns])
        for row in rows:
            out.writerow([_cell(c.kind, v) for c, v in zip(result.columns, row)])
        out.writerow(["Итого" if i == 0 else (format_kop(sums[i]) if i in sums else "")
                      for i in range(len(result.columns))])
    return _named(result, sums)


def _json(result: Result, path: Path) -> dict[str, int]:
    rows, sums = _totals(result)
    keys = [c.key for c in result.columns]
    with path.open("w", encoding="utf-8") as f:
        head = {"report": result.name, "title": result.title, "subtitle": result.subtitle,
                "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in result.columns]}
        f.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [\n')
        for n, row in enumerate(rows):
            f.write(("" if n == 0 else ",\n") + json.dumps(
                {k: _cell(c.kind, v) for k, c, v in zip(keys, result.columns, row)}, ensure_ascii=False))
        f.write('\n], "totals": ' + json.dumps({k: format_kop(v) for k, v in _named(result, sums).items()}) + "}\n")
    return _named(result, sums)


def to_json(result: Result) -> dict:
    """The JSON document of a report (what ``--format json`` writes), in memory — for the CLI's standard output."""
    rows, sums = _totals(result)
    data = {"report": result.name, "title": result.title, "subtitle": result.subtitle,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in result.columns],
            "rows": [{c.key: _cell(c.kind, v) for c, v in zip(result.columns, row)} for row in rows]}
    data["totals"] = {k: format_kop(v) for k, v in _named(result, sums).items()}
    return data


def _xlsx(result: Result, path: Path) -> dict[str, int]:
    import xlsxwriter

    rows, sums = _totals(result)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet(result.name[:31])
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True})
    money = book.add_format({"num_format": "# ##0.00"})
    money_total = book.add_format({"num_format": "# ##0.00", "bold": True})
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
            if c.kind == "money":
                sheet.write_number(top + n, i, v / 100, money)
            elif c.kind == "int":
                sheet.write_number(top + n, i, v)
            else:
                sheet.write_string(top + n, i, "" if v is None else str(v))
    last = top + n + 1
    sheet.write(last, 0, "Итого", bold)
    for i, total in sums.items():
        col = xlsxwriter.utility.xl_col_to_name(i)
        sheet.write_formula(last, i, f"=SUM({col}{top + 2}:{col}{top + n + 1})", money_total, total / 100)
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

    from bcenter.core.money import format_rub_ru
    from bcenter.modules.bills import fonts

    regular, bold = fonts.register()
    cell = ParagraphStyle("c", fontName=regular, fontSize=6.5, leading=8)
    right = ParagraphStyle("r", fontName=regular, fontSize=6.5, leading=8, alignment=TA_RIGHT)
    head = ParagraphStyle("h", fontName=bold, fontSize=6.5, leading=8)
    title = ParagraphStyle("t", fontName=bold, fontSize=11, leading=14)
    text = ParagraphStyle("s", fontName=regular, fontSize=8, leading=10)
    rows, sums = _totals(result)

    def money(k: int) -> str:
        return format_rub_ru(k).removesuffix("₽").rstrip("\u00a0 ")

    data = [[Paragraph(escape(c.title), head) for c in result.columns]]
    for row in rows:
        data.append([Paragraph(escape(money(v)), right) if c.kind == "money" else
                     Paragraph(escape("" if v is None else str(v)), right if c.kind == "int" else cell)
                     for c, v in zip(result.columns, row)])
    data.append([Paragraph("Итого", head) if i == 0 else Paragraph(escape(money(sums[i])), right) if i in sums else ""
                 for i in range(len(result.columns))])
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
