"""Возраст задолженности: what is owed at the end of a period, each charge line's unpaid part by how long it is
overdue — up to 1 month (not yet due included: the period's own bill), 1–3, 3–6, 6–12, over 12 months — summed by
house, service, supplier or account.

A line is overdue from the day after its due date (ч. 1 ст. 155 ЖК РФ: the 10th, from 2026-02 the 15th, of the
next month, moved to a working day); its age is the whole months from that day to the period's last day. The unpaid
part is the engine's: payments applied as ст. 319.1 ГК РФ and the settings say (``bcenter debts``), read from the
carries the last close stored when the period is that close's, else computed house by house as the close computes
them (``compute_balances``: the same application, the same figures)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import peewee as pw

from bcenter.core.period import Period
from bcenter.engine import carry as carry_engine
from bcenter.modules.finance.position import NO_FACTS
from bcenter.modules.registry import periods
from bcenter.modules.registry.closing import compute_balances
from bcenter.modules.reports.balances import house_chunks, period_state
from bcenter.modules.reports.cuts import KEY_COLUMNS, ROWS, Dimensions
from bcenter.modules.reports.registry import Chart, Column, Report, Result
from db.dialect import param_mark
from db.queries import in_houses

BUCKETS = (("upto1", "До 1 мес.", 1), ("m1_3", "1–3 мес.", 3), ("m3_6", "3–6 мес.", 6), ("m6_12", "6–12 мес.", 12),
           ("over12", "Более 12 мес.", None))


def months_overdue(due: date, as_of: date) -> int:
    """Whole months from the day after ``due`` to ``as_of`` (negative or 0 while not yet a month overdue)."""
    start = due + timedelta(days=1)
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    if as_of.day < start.day:
        months -= 1
    return months


def bucket(due: date, as_of: date) -> int:
    """The place of a line's age among ``BUCKETS``."""
    months = months_overdue(due, as_of)
    for i, (_, _, upto) in enumerate(BUCKETS):
        if upto is not None and months < upto:
            return i
    return len(BUCKETS) - 1


def _stored_usable(db: pw.Database, period: Period) -> bool:
    """Whether the carries stored are the period's (it is the last closed one)."""
    m = param_mark(db)
    if not periods.is_closed(period):
        return False
    found = db.execute_sql(f'SELECT 1 FROM "account_carry" WHERE period = {m} LIMIT 1', (str(period),)).fetchone()
    later = db.execute_sql(f'SELECT 1 FROM "account_carry" WHERE period > {m} LIMIT 1', (str(period),)).fetchone()
    return found is not None and later is None


def open_lines(db: pw.Database, period: Period, dims: Dimensions
               ) -> Iterator[list[tuple[str, str, str, int, date]]]:
    """Part by part (houses in address order): (account, service, supplier, owed, due) of every line with anything
    owed at the period's end."""
    from bcenter.modules.finance.position import Finance

    stored = _stored_usable(db, period)
    finance = Finance(db)
    for houses in house_chunks(dims):
        carries: dict[str, bytes] = {}
        if stored:
            carries = _stored_current(db, period, houses, finance)
        if carries is None or not stored:
            carries = {}
            compute_balances(db, period, houses=houses, finance=finance, carries=carries)
        part = []
        for account, blob in carries.items():
            carry = carry_engine.decode(blob)
            if carry is None:
                continue
            for (_, service, supplier), (_, owed, due) in carry.lines.items():
                if owed > 0:
                    part.append((account, service, supplier, owed, due))
        yield part


def _stored_current(db: pw.Database, period: Period, houses, finance) -> dict[str, bytes] | None:
    """The carries the close of ``period`` stored for these houses — or None when one of them no longer tells the
    account's position at the period's end: a payment or an opening balance dated into the period written since
    (its ``facts``), or settings, rates, rules or services' suppliers changed (its ``basis``). The part is then
    computed as the close would compute it now, and the report shows what ``bcenter debts`` shows."""
    scope, params = in_houses(db, houses)
    carries: dict[str, bytes] = {}
    for account, state, kept in db.execute_sql(
            f'SELECT account_id, state, period FROM "account_carry" WHERE 1 = 1{scope}', params):
        if str(kept) == str(period):
            carries[str(account)] = bytes(state)
    facts = finance.facts(period, scope, params)
    if any(account not in carries for account in facts):  # a payment to an account the close carried nothing for
        return None
    for account, blob in carries.items():
        carry = carry_engine.decode(blob)
        if carry is not None and (carry.basis != finance.basis
                                  or tuple(carry.facts) != facts.get(account, NO_FACTS)[1]):
            return None
    return carries


def _facts(part: list[tuple[str, str, str, int, date]], as_of: date) -> list[tuple[tuple, tuple[int, ...]]]:
    """A part's open lines as facts: the debt, and the same in its age's bucket."""
    out = []
    for account, service, supplier, owed, due in part:
        measures = [owed] + [0] * len(BUCKETS)
        measures[1 + bucket(due, as_of)] = owed
        out.append(((account, service, supplier, None, None), tuple(measures)))
    return out


def run(db: pw.Database, period: Period, by: str) -> Result:
    dims = Dimensions(db)
    columns = KEY_COLUMNS[by] + (Column("debt", "Долг всего", "money", 16),) + tuple(
        Column(k, t, "money", 15) for k, t, _ in BUCKETS)
    state = period_state(period)
    return Result("ageing", "Возраст задолженности", f"На {period.last_day:%d.%m.%Y} (период {period}, {state}); "
                  f"возраст — полных месяцев после срока оплаты; строки — {ROWS[by]}", columns,
                  dims.group_parts(by, (_facts(part, period.last_day) for part in open_lines(db, period, dims))))



REPORT = Report("ageing", "Возраст задолженности", ("house", "manager", "section", "service", "supplier", "account"),
                run,
                "долг на конец периода: до 1 мес., 1–3, 3–6, 6–12, более 12 мес. просрочки",
                charts=(Chart("Долг по возрасту", "house", "totals", "debt", "totals"),))
