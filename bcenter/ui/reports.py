"""Отчёты on the office screen (issue 21): a report of the registry by its period and cut, a page of its rows at a
time with the total row, its charts (bars drawn with plain containers: no chart package — ``flet-charts`` is one
more pin on Flet's internals — and a test reads the bars as a person sees them), and the same report saved as XLSX
or PDF behind a link — ``app.reports``, the calls ``bcenter report`` makes."""
from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import flet as ft

from bcenter.app.reports import CUT_TEXT, shown
from bcenter.core.period import Period
from bcenter.ui.common import Failed, error_text, off_loop, screen_folder, updating

PAGE = 50
"""Rows a page of a report shows."""
BAR = 360
"""The longest bar, in pixels."""
NUMBER, TEXT_MAX = 92, 260
"""A number column's width and the widest text column, in pixels."""


def _magnitude(value) -> float:
    """A bar's length from a value (kopecks, a percent): the drawing's only float, never stored or summed."""
    if value is None:
        return 0.0
    return abs(float(value if isinstance(value, (int, Decimal)) else 0))


def chart_bars(points, key: str) -> ft.Column:
    """A horizontal bar chart: a bar per point, the longest ``BAR`` pixels, its value beside it."""
    top = max((_magnitude(v) for _, v in points.points), default=0.0) or 1.0
    rows = [ft.Text(points.chart.title, weight=ft.FontWeight.BOLD, key=f"{key}:title")]
    for i, (label, value) in enumerate(points.points):
        width = max(2, round(BAR * _magnitude(value) / top))
        rows.append(ft.Row([
            ft.Text(label, width=260, size=12, no_wrap=True, overflow=ft.TextOverflow.ELLIPSIS),
            ft.Container(width=width, height=14, bgcolor=ft.Colors.RED_300 if _negative(value) else
                         ft.Colors.BLUE_400, key=f"{key}:bar:{i}"),
            ft.Text(shown(points.kind, value), size=12, key=f"{key}:value:{i}")], spacing=8))
    if not points.points:
        rows.append(ft.Text("Нет данных за период", key=f"{key}:empty"))
    return ft.Column(rows, spacing=2, key=key)


def _negative(value) -> bool:
    return isinstance(value, (int, Decimal)) and value < 0


def build_reports(page: ft.Page, app, *, files: Path | None) -> tuple[ft.Control, dict]:
    """The reports section over ``app``; saved files go to ``files`` (served at the site's root). It opens on the
    last closed month (``app.reports.default_period``)."""
    state: dict[str, Any] = {"offset": 0, "reports": {}}
    name = ft.Dropdown(label="Отчёт", width=320, key="report_name")
    month = ft.TextField(label="Период (ГГГГ-ММ)", width=160, key="report_period")
    cut = ft.Dropdown(label="Разрез", width=220, key="report_by")
    show = ft.Button("Показать", icon=ft.Icons.TABLE_CHART, key="report_show")
    prev = ft.OutlinedButton("Назад", icon=ft.Icons.ARROW_BACK, key="report_prev", disabled=True)
    more = ft.OutlinedButton("Дальше", icon=ft.Icons.ARROW_FORWARD, key="report_next", disabled=True)
    where = ft.Text("", key="report_where")
    title = ft.Text("", key="report_title", weight=ft.FontWeight.BOLD, size=16)
    subtitle = ft.Text("", key="report_subtitle", size=12)
    table = ft.Column([], key="report_table", scroll=ft.ScrollMode.AUTO)
    charts = ft.Column([], key="report_charts", spacing=16)
    save_xlsx = ft.OutlinedButton("Сохранить XLSX", icon=ft.Icons.DOWNLOAD, key="report_xlsx")
    save_pdf = ft.OutlinedButton("Сохранить PDF", icon=ft.Icons.PICTURE_AS_PDF, key="report_pdf")
    saved = ft.Column([], key="report_saved", spacing=2)
    error = error_text("report_error")

    def cuts_of(report_name: str | None, *, chosen: bool = False) -> None:
        """The cuts of the report; a report just chosen opens on its own first one."""
        report = state["reports"].get(report_name)
        if report is None:
            return
        cut.options = [ft.DropdownOption(key=c, text=CUT_TEXT.get(c, c)) for c in report.cuts]
        if chosen or cut.value not in report.cuts:
            cut.value = report.cuts[0]

    async def load(_e=None) -> None:
        error.value = ""
        try:
            reports = await off_loop(app.reports.list)
            if not (month.value or "").strip():
                month.value = str(await off_loop(app.reports.default_period))
        except Failed as exc:
            error.value = exc.message
            return
        state["reports"] = {r.name: r for r in reports}
        name.options = [ft.DropdownOption(key=r.name, text=r.title) for r in reports]
        name.value = name.value or reports[0].name
        cuts_of(name.value)

    def _period() -> Period | None:
        text = (month.value or "").strip()
        try:
            return Period.parse(text)
        except ValueError:
            error.value = f"Период «{text}»: укажите ГГГГ-ММ, например 2026-10"
            return None

    def _table(result) -> list[ft.Control]:
        widths = [NUMBER if n else min(TEXT_MAX, w * 7) for n, w in zip(result.numeric, result.widths)]
        align = [ft.TextAlign.RIGHT if n else ft.TextAlign.LEFT for n in result.numeric]
        columns = [ft.DataColumn(ft.Text(t, size=12, weight=ft.FontWeight.BOLD, width=w, text_align=a), numeric=n)
                   for t, n, w, a in zip(result.titles, result.numeric, widths, align)]

        def cell(v: str, w: int, a, bold: bool = False) -> ft.DataCell:
            return ft.DataCell(ft.Text(v, size=12, width=w, text_align=a,
                                       weight=ft.FontWeight.BOLD if bold else None))
        rows = [ft.DataRow([cell(v, w, a) for v, w, a in zip(cells, widths, align)]) for cells in result.cells]
        rows.append(ft.DataRow([cell(v, w, a, True) for v, w, a in zip(result.total, widths, align)]))
        return [ft.Row([ft.DataTable(columns=columns, rows=rows, column_spacing=14, heading_row_height=52,
                                     data_row_min_height=28, data_row_max_height=48, key="report_data")],
                       scroll=ft.ScrollMode.AUTO, key="report_scroll")]  # wider than the screen: scrolled sideways

    async def run(offset: int = 0, with_charts: bool = True) -> None:
        error.value = ""
        chosen = _period()
        if chosen is None or not name.value:
            return
        report = state["reports"].get(name.value)
        try:
            result = await off_loop(lambda: app.reports.page(name.value, period=chosen, by=cut.value,
                                                             offset=offset, limit=PAGE))
            points = [await off_loop(lambda c=c: app.reports.chart(name.value, period=chosen, chart=c))
                      for c in (report.charts if report and with_charts else ())]
        except Failed as exc:
            error.value = exc.message
            return
        state["offset"] = offset
        title.value, subtitle.value = result.title, result.subtitle
        table.controls = _table(result) if result.count else [ft.Text("За период строк нет", key="report_empty")]
        last = min(offset + PAGE, result.count)
        where.value = f"Строки {offset + 1}–{last} из {result.count}" if result.count else ""
        prev.disabled = offset == 0
        more.disabled = last >= result.count
        if with_charts:
            charts.controls = [chart_bars(p, f"chart:{i}") for i, p in enumerate(points)]

    async def do_show(_e=None) -> None:
        await run(0)

    async def do_prev(_e=None) -> None:
        await run(max(0, state["offset"] - PAGE), with_charts=False)

    async def do_next(_e=None) -> None:
        await run(state["offset"] + PAGE, with_charts=False)

    async def do_pick(_e=None) -> None:
        cuts_of(name.value, chosen=True)

    async def save(fmt: str) -> None:
        error.value = ""
        chosen = _period()
        if chosen is None or not name.value:
            return
        if files is None:
            error.value = "Папка для файлов экрана не задана: отчёт в файл — bcenter report … --out"
            return
        folder = screen_folder(files, "reports")
        # the screen's web server serves its files to whoever names them: a random name (as the bills') is the only
        # way to a report of every account's address and debt — not 32 bits beside a name anyone can tell
        out = folder / f"{name.value}-{chosen}-{uuid.uuid4().hex}.{fmt}"
        try:
            await off_loop(lambda: app.reports.write(name.value, period=chosen, by=cut.value, out=out))
        except Failed as exc:
            error.value = exc.message
            return
        saved.controls.insert(0, ft.Row([ft.Text(f"{out.name}", key=f"saved:{fmt}"),
                                         ft.TextButton("Открыть", icon=ft.Icons.OPEN_IN_NEW,
                                                       url=f"/reports/{out.name}", key=f"open:{out.name}")]))

    async def do_xlsx(_e=None) -> None:
        await save("xlsx")

    async def do_pdf(_e=None) -> None:
        await save("pdf")

    load, do_show, do_prev, do_next = updating(page, load), updating(page, do_show), updating(page, do_prev), \
        updating(page, do_next)
    do_pick, do_xlsx, do_pdf = updating(page, do_pick), updating(page, do_xlsx), updating(page, do_pdf)
    show.on_click, prev.on_click, more.on_click = do_show, do_prev, do_next
    name.on_select = do_pick
    save_xlsx.on_click, save_pdf.on_click = do_xlsx, do_pdf
    section = ft.Column([
        ft.Text("Отчёты", size=20, weight=ft.FontWeight.BOLD),
        ft.Row([name, month, cut, show], wrap=True), error, title, subtitle,
        ft.Row([prev, more, where, save_xlsx, save_pdf], wrap=True), saved, table, ft.Divider(), charts],
        spacing=10, key="reports")
    return section, {"name": name, "period": month, "by": cut, "show": show, "prev": prev, "next": more,
                     "where": where, "title": title, "subtitle": subtitle, "table": table, "charts": charts,
                     "xlsx": save_xlsx, "pdf": save_pdf, "saved": saved, "error": error, "load": load,
                     "pick": do_pick, "state": state}


__all__ = ["build_reports"]
