"""A report's rows to a file — CSV, JSON, XLSX, PDF — streamed row by row, with the money columns' totals.

* CSV: «;»-separated, UTF-8 with BOM (what a spreadsheet opens in Russian), money as 1234.56, a total row last.
* JSON: {"report", "title", "subtitle", "columns", "rows", "totals"} — money as "1234.56" (EXCHANGE.md's money).
* XLSX (xlsxwriter, constant memory): the header frozen, money in a «# ##0.00» format, the total row as ``SUM``
  formulas over the column — a spreadsheet recomputes them; the file also carries their values for readers that do
  not calculate. A report without rows has zeros there (no range to sum).
* PDF (reportlab): an A4 landscape table, the header repeated on every page, the total row last.
"""
from __future__ import annotations

import csv
import json
from datetime import datetime, time
from pathlib import Path

from bcenter.core.money import format_amount_ru, format_kop
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


def shown(kind: str, value) -> str:
    """A value as a person reads it (PDF, screen): money «1 234,56», a percent «97,5 %», a date «05.12.2026»."""
    if value is None:
        return "—" if kind in ("percent", "date") else ""
    if kind == "money":
        return format_amount_ru(value)
    if kind == "percent":
        return f"{value} %".replace(".", ",")
    if kind == "date":
        return f"{value:%d.%m.%Y}"
    if kind == "int":
        return f"{value:,}".replace(",", "\u00a0")
    return str(value)


def write(result: Result, path: Path, fmt: str) -> dict[str, int]:
    """Write ``result`` to ``path`` in ``fmt`` (atomically: a temporary file renamed; a run that fails midway — a
    refusal while the rows are computed, a full disk — leaves neither the file nor the temporary one); returns the
    money totals by column title."""
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = {"csv": _csv, "json": _json, "xlsx": _xlsx, "pdf": _pdf}[fmt]
    try:
        totals = writer(result, tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
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


def total_row(result: Result, sums: dict[int, int]) -> list[str]:
    """The total row as people read it: «Итого», then each column's total (``shown``) or nothing."""
    totals = result.totals(sums)
    return ["Итого" if i == 0 else shown(c.kind, totals[c.key]) if c.key in totals else ""
            for i, c in enumerate(result.columns)]


def _total_cells(result: Result, sums: dict[int, int]) -> dict[str, object]:
    kinds = {c.key: c.kind for c in result.columns}
    return {k: _cell(kinds[k], v) for k, v in result.totals(sums).items()}


def _csv(result: Result, path: Path) -> dict[str, int]:
    rows, sums = summing(result)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f, delimiter=";", lineterminator="\r\n")
        out.writerow([c.title for c in result.columns])
        for row in rows:
            out.writerow([_cell(c.kind, v) for c, v in zip(result.columns, row)])
        total = _total_cells(result, sums)
        out.writerow(["Итого" if i == 0 else total.get(c.key, "") for i, c in enumerate(result.columns)])
    return result.totals(sums)


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
    return result.totals(sums)


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
                sheet.write_string(top + n, i, str(v))
    last = top + n + 1
    sheet.write(last, 0, "Итого", bold)
    letters = {c.key: xlsxwriter.utility.xl_col_to_name(i) for i, c in enumerate(result.columns)}
    totals = result.totals(sums)
    for i, c in enumerate(result.columns):
        col = letters[c.key]
        if i in sums and not n:  # no rows: nothing to sum (a backward range would take in the total row itself)
            sheet.write_number(last, i, 0, money_total if c.kind == "money" else int_total)
        elif i in sums:
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
    return totals


def _pdf(result: Result, path: Path) -> dict[str, int]:
    """The table drawn straight on the canvas, row by row (no layout objects held: a page's rows are drawn and the
    page closed) — text wrapped in its cell, numbers right-aligned, the header repeated on every page, the page
    number at the foot, the total row last."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    from bcenter.modules.bills import fonts

    regular, bold = fonts.register()
    size, leading, pad = 6.5, 8.0, 1.5
    width, height = landscape(A4)
    left, top, bottom = 10 * mm, height - 10 * mm, 12 * mm
    scale = (width - 20 * mm) / sum(c.width for c in result.columns)
    widths = [c.width * scale for c in result.columns]
    xs = [left + sum(widths[:i]) for i in range(len(widths))]
    canvas = Canvas(str(path), pagesize=(width, height), invariant=1)
    canvas.setTitle(result.title)
    canvas.setCreator("bcenter")
    state = {"y": top, "page": 1}

    def lines(text: str, i: int, font: str) -> list[str]:
        return simpleSplit(text, font, size, widths[i] - 2 * pad) or [""]

    def draw(cells: list[str], font: str, shade: bool = False) -> None:
        wrapped = [lines(t, i, font) for i, t in enumerate(cells)]
        h = max(len(w) for w in wrapped) * leading + 2 * pad
        if state["y"] - h < bottom:
            new_page()
            if not shade:  # a row of the body moved to a new page: the header first
                draw(header, bold, True)
        y = state["y"]
        if shade:
            canvas.setFillGray(0.93)
            canvas.rect(left, y - h, width - 20 * mm, h, stroke=0, fill=1)
            canvas.setFillGray(0)
        canvas.setFont(font, size)
        for i, (x, w, text) in enumerate(zip(xs, widths, wrapped)):
            number = result.columns[i].kind != "text" and not shade
            for n, line in enumerate(text):
                base = y - pad - size - n * leading + 1
                if number:
                    canvas.drawRightString(x + w - pad, base, line)
                else:
                    canvas.drawString(x + pad, base, line)
        canvas.setStrokeGray(0.5)
        canvas.setLineWidth(0.25)
        canvas.rect(left, y - h, width - 20 * mm, h, stroke=1, fill=0)
        for x in xs[1:]:
            canvas.line(x, y, x, y - h)
        state["y"] = y - h

    def foot() -> None:
        canvas.setFont(regular, 7)
        canvas.drawRightString(width - 10 * mm, 6 * mm, f"{result.title} — стр. {state['page']}")

    def new_page() -> None:
        foot()
        canvas.showPage()
        state["page"] += 1
        state["y"] = top

    header = [c.title for c in result.columns]
    canvas.setFont(bold, 11)
    canvas.drawString(left, top - 11, result.title)
    canvas.setFont(regular, 8)
    subtitle = simpleSplit(result.subtitle, regular, 8, width - 20 * mm)
    for n, line in enumerate(subtitle):
        canvas.drawString(left, top - 24 - n * 10, line)
    state["y"] = top - 24 - len(subtitle) * 10 - 3 * mm
    draw(header, bold, True)
    rows, sums = summing(result)
    for row in rows:
        draw([shown(c.kind, v) for c, v in zip(result.columns, row)], regular)
    draw(total_row(result, sums), bold)
    foot()
    canvas.save()
    return result.totals(sums)
