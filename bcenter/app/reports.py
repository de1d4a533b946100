"""Отчёты (issue 21): the report registry — what reports exist, their cuts and charts — and a report run to a file
(CSV, JSON, XLSX, PDF), as JSON, as a page of rows for a screen, or as a chart's points; the CLI and the screens
stand on the same calls."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.period import Period
from bcenter.modules.reports import catalog, files, pages
from bcenter.modules.reports.cuts import ROWS as CUT_TEXT  # noqa: F401  (how the screens name a cut)
from bcenter.modules.reports.files import shown  # noqa: F401  (how the screens show a value: as on paper)
from bcenter.modules.reports.registry import Chart, Report


@dataclass(frozen=True, slots=True)
class Page(pages.Head):
    """A page of a report for a screen: its head (title, columns, total row, row count) and the rows ``offset``… as
    people read them (``cells``, at most the ``limit`` asked)."""

    cells: tuple[tuple[str, ...], ...] = ()
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Points:
    """A chart's points: (label, value) — money in kopecks, a percent as ``Decimal`` — and the value's kind."""

    chart: Chart
    kind: str
    points: tuple[tuple[str, object], ...]


class ReportsCases(UseCases):
    def _now(self) -> Period:
        return Period.of(self.app.clock.today())

    @use_case(P.REPORTS_READ, "список отчётов")
    def list(self) -> list[Report]:
        return catalog.reports()

    @use_case(P.REPORTS_READ, "период отчётов")
    def default_period(self) -> Period:
        """The period a report opens on: the last closed month (the accountant's ОСВ), else the month open now."""
        from bcenter.modules.registry.periods import overview

        found = overview(Period.of(self.app.clock.today()), runs=0)
        return found.last_closed or found.current

    @use_case(P.REPORTS_READ, "отчёт")
    def json(self, name: str, *, period: Period, by: str | None = None) -> dict:
        """The report as its JSON document (money as "1234.56")."""
        return files.to_json(catalog.run(self.db, name, period=period, by=by, now=self._now()))

    @use_case(P.REPORTS_READ, "отчёт в файл")
    def write(self, name: str, *, period: Period, out: Path, fmt: str | None = None, by: str | None = None
              ) -> dict[str, int]:
        """The report to ``out`` in ``fmt`` (by default the file's extension); returns the money totals."""
        fmt = fmt or out.suffix.lstrip(".").lower()
        if fmt not in files.FORMATS:
            raise ValidationFailed([Problem("format", f"формат файла: {', '.join(files.FORMATS)} (задан «{fmt}»)")],
                                   title="Отчёт не построен")
        return files.write(catalog.run(self.db, name, period=period, by=by, now=self._now()), out, fmt)

    @use_case(P.REPORTS_READ, "отчёт")
    def empty_note(self, name: str, *, period: Period) -> str | None:
        """Why the report of ``period`` shows only zeros, when the period lies outside the data
        (``catalog.empty_note``); None otherwise."""
        return catalog.empty_note(self.db, name, period, now=self._now())

    @use_case(P.REPORTS_READ, "отчёт на экране")
    def page(self, name: str, *, period: Period, by: str | None = None, offset: int = 0, limit: int = 50) -> Page:
        """Rows ``offset``… of the report (at most ``limit``), its row count and total row, shown as on paper; the
        run is kept for the next page while nothing is written (``modules.reports.pages``)."""
        chosen = catalog.report(name)
        key = (name, str(period), by or chosen.cuts[0], pages.version(self.db))
        run = self._pages.run(key, lambda: catalog.run(self.db, name, period=period, by=by, now=self._now()))
        head = run.head
        return Page(head.name, head.title, head.subtitle, head.titles, head.numeric, head.widths, head.total,
                    head.count, self._pages.slice(run, max(0, offset), limit), max(0, offset))

    @cached_property
    def _pages(self) -> pages.Pages:
        return pages.Pages()

    @use_case(P.REPORTS_READ, "график отчёта")
    def chart(self, name: str, *, period: Period, chart: Chart) -> Points:
        """The points of one of the report's charts: a point per row of its cut (``label`` column, ``value``
        column), or — ``kind`` "totals" — a point per money column of the total row but the first (``value``)."""
        result = catalog.run(self.db, name, period=period, by=chart.by, now=self._now())
        columns = {c.key: i for i, c in enumerate(result.columns)}
        if chart.kind == "totals":
            rows, sums = files.summing(result)
            for _ in rows:
                pass
            totals = result.totals(sums)
            return Points(chart, "money", tuple((c.title, totals[c.key]) for c in result.columns
                                                if c.kind == "money" and c.key != chart.value))
        label, value = columns[chart.label], columns[chart.value]
        kind = result.columns[value].kind
        return Points(chart, kind, tuple((str(row[label]), row[value]) for row in result.rows))
