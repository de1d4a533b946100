"""Отчёты (issue 21, first step): the report registry — what reports exist, their cuts — and a report run to a file
(CSV, JSON, XLSX, PDF) or as JSON; the same registry serves the screens."""
from __future__ import annotations

from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.period import Period
from bcenter.modules.reports import catalog, files
from bcenter.modules.reports.registry import Report


class ReportsCases(UseCases):
    @use_case(P.LEDGER_READ, "список отчётов")
    def list(self) -> list[Report]:
        return catalog.reports()

    @use_case(P.LEDGER_READ, "отчёт")
    def json(self, name: str, *, period: Period, by: str | None = None) -> dict:
        """The report as its JSON document (money as "1234.56")."""
        return files.to_json(catalog.run(self.db, name, period=period, by=by))

    @use_case(P.LEDGER_READ, "отчёт в файл")
    def write(self, name: str, *, period: Period, out: Path, fmt: str | None = None, by: str | None = None
              ) -> dict[str, int]:
        """The report to ``out`` in ``fmt`` (by default the file's extension); returns the money totals."""
        fmt = fmt or out.suffix.lstrip(".").lower()
        if fmt not in files.FORMATS:
            raise ValidationFailed([Problem("format", f"формат файла: {', '.join(files.FORMATS)} (задан «{fmt}»)")],
                                   title="Отчёт не построен")
        return files.write(catalog.run(self.db, name, period=period, by=by), out, fmt)
