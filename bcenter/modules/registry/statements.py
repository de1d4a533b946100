"""What was charged, read back from the ledger: the period's lines (``charges``) and their explanation (``explain``).

Lines come from ``charge_line`` rows posted into a period, so a reprint of a closed period is identical. Accounts
are shown by their number, services by the id they were imported with (EXCHANGE.md). The results are typed
(kopecks, exact quantities, periods); the faces format them.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from bcenter.core.period import Period
from db.dialect import db_id, param_mark
from db.derivations import unpack
from db.ledger import LINE_FROM
from db.queries import account_id

__all__ = ["KIND_TOTALS", "ChargeStatement", "ExplainedLine", "Explanation", "StatementLine", "charge_lines",
           "explain"]

KIND_TOTALS = ("charge", "common_property", "recalc", "quality", "absence")
"""The kinds ``charges`` totals (EXCHANGE.md)."""


def _dec(text) -> Decimal | None:
    return None if text is None else Decimal(str(text))


@dataclass(frozen=True, slots=True)
class StatementLine:
    """A charge line as posted: account number, service id, kind, method, volume, tariff, coefficient, amount
    (kopecks), the period it corrects and why."""

    account: str
    service: str
    kind: str
    method: str | None
    volume: Decimal | None
    tariff: Decimal | None
    coefficient: Decimal | None
    amount: int
    corrects_period: Period | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ChargeStatement:
    """The lines posted into a period (of one account or all) and their totals by kind (kopecks)."""

    period: Period
    lines: tuple[StatementLine, ...]
    totals: Mapping[str, int]
    note: str | None = None
    """Why there are no lines, for a person (set by the use case)."""


def charge_lines(db: pw.Database, period: Period, *, account: str | None = None) -> ChargeStatement:
    """The period's lines by account number, service order and posting order."""
    mark = param_mark(db)
    where, params = f"e.period = {mark}", [str(period)]
    if account is not None:
        where += f" AND e.account_id = {mark}"
        params.append(db_id(account_id(db, account)))
    rows = db.execute_sql(
        'SELECT a.number, s.ext_id, s.id, c.kind, c.method, c.volume, c.tariff, c.coefficient, '
        'c.amount, e.corrects_period, e.reason FROM "journal_entry" e JOIN "charge_line" c ON c.entry_id = e.id '
        'JOIN "account" a ON a.id = e.account_id '
        f'JOIN "service" s ON s.id = c.service_id WHERE {where} ORDER BY a.number, s.sort_order, c.entry_id, c.line_no', tuple(params))
    lines, totals = [], defaultdict(int)
    for number, ext, sid, kind, method, volume, tariff, coefficient, amount, corrects, reason in rows:
        lines.append(StatementLine(number, ext or str(sid), kind, method, _dec(volume), _dec(tariff), _dec(coefficient),
                                   int(amount), Period.parse(corrects) if corrects else None, reason))
        totals[kind] += int(amount)
    return ChargeStatement(period, tuple(lines), {k: totals.get(k, 0) for k in KIND_TOTALS})


@dataclass(frozen=True, slots=True)
class ExplainedLine:
    """One line with its derivation: service name, kind, method, amount (kopecks), the reason of a recalculation,
    the formula with its numbers, the inputs, the legal basis and the excess due to the increasing coefficient."""

    service: str
    kind: str
    method: str | None
    amount: int
    corrects_period: Period | None
    reason: str | None
    formula: str | None
    inputs: Mapping[str, str]
    basis: str | None
    excess: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """Every line of an account's month with its derivation, and their total."""

    account: str
    period: Period
    lines: tuple[ExplainedLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def explain(db: pw.Database, *, account: str, period: Period) -> Explanation:
    """Each line of an account's month with its formula, inputs and legal basis."""
    mark = param_mark(db)
    rows = db.execute_sql(
        'SELECT s.name, c.kind, c.method, c.amount, e.corrects_period, e.reason, d.data, c.excess '
        f'{LINE_FROM} JOIN "service" s ON s.id = c.service_id '
        f'WHERE e.account_id = {mark} AND e.period = {mark} ORDER BY s.sort_order, c.entry_id, c.line_no',
        (db_id(account_id(db, account)), str(period)))
    lines = []
    for name, kind, method, amount, corrects, reason, derivation, excess in rows:
        d = json.loads(unpack(derivation)) if derivation else {}
        lines.append(ExplainedLine(name, kind, method, int(amount), Period.parse(corrects) if corrects else None,
                                   reason, d.get("formula") or None, dict(d.get("inputs") or {}),
                                   d.get("basis") or None, int(excess or 0)))
    return Explanation(account, period, tuple(lines))
