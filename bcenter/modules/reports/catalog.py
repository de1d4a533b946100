"""The report registry: every report by its name (``bcenter report list``), run with its period and cut — shared by
the CLI and the screens. A new report is a module declaring its ``REPORT`` and a line here."""
from __future__ import annotations

from dataclasses import replace

import peewee as pw

from bcenter.core.errors import NotFound, Problem, ValidationFailed
from bcenter.core.period import Period
from bcenter.modules.reports import (ageing, charges, meters, osv, payments, penalties, recalculations, residents,
                                    settlements)
from bcenter.modules.registry.periods import data_span
from bcenter.modules.reports.registry import CUT_NAMES, Report, Result

REPORTS: dict[str, Report] = {r.name: r for r in (
    osv.REPORT, charges.CHARGES, charges.COLLECTION, ageing.REPORT, payments.REPORT, settlements.REPORT,
    recalculations.REPORT, penalties.REPORT, meters.REPORT, residents.REPORT)}
ORDER = tuple(REPORTS)
"""The order the screens and ``bcenter report list`` show them in: the accountant's first."""


def report(name: str) -> Report:
    if name not in REPORTS:
        raise NotFound(f"Нет отчёта «{name}»: список — bcenter report list ({', '.join(sorted(REPORTS))})")
    return REPORTS[name]


def reports() -> list[Report]:
    return [REPORTS[k] for k in ORDER]


def run(db: pw.Database, name: str, *, period: Period, by: str | None = None, now: Period | None = None) -> Result:
    """The report ``name`` of ``period`` cut ``by`` (its first cut when None); ``now`` — today's month, for the note
    of a period outside the data (``empty_note``)."""
    chosen = report(name)
    by = by or chosen.cuts[0]
    if by not in chosen.cuts:
        raise ValidationFailed([Problem("by", f"отчёт «{chosen.title}» группируется по: "
                                              + ", ".join(f"{c} ({CUT_NAMES.get(c, c)})" for c in chosen.cuts))],
                               title="Отчёт не построен")
    result = chosen.run(db, period, by)
    note = empty_note(db, name, period, now=now)
    return replace(result, subtitle=f"{result.subtitle}. {note}") if note else result


def empty_note(db: pw.Database, name: str, period: Period, *, now: Period | None = None) -> str | None:
    """Why the report ``name`` of ``period`` shows only zeros: a money report (``Report.money``) of a period
    outside the months and payments the database holds, up to today's month ``now`` (``registry.periods.DataSpan``:
    a month not calculated yet still has the balances carried into it)."""
    return data_span(db, now).period_note(period) if report(name).money else None
