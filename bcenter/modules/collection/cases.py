"""Судебная работа: a debt case from the application for a судебный приказ (or a claim) to enforcement, with its
principal by month and service, the penalty table as of the filing date, the state duty, the stage history, the
money recovered and how it was taken (DOMAIN.md §7; the rules are ``bcenter.engine.collection``).

* **Opening** (``open_case``): the overdue debt on the filing date by month and service — what ``bcenter debts``
  shows for lines whose due date has passed; a month past its limitation (3 years from the day after its due date,
  the time an earlier судебный приказ stood given back) is flagged and left out unless asked; the penalty table is
  the engine's as of the filing date (``bcenter penalties``: every interval, the barred months' left out), the
  penalties claimed are its total less what payments paid of penalties; the price of the claim is principal +
  penalties (ГПК ст. 91); the duty is the order's half or the claim's (НК ст. 333.19). Each month is claimed from
  those liable for it — the owners of the month by share or the social tenant's family registered then (ЖК ст. 153
  ч. 2 п. 5, ст. 158, ст. 69 ч. 2), not today's — so an account whose flat was sold gets one case per liable set,
  each with its months, penalty rows, price and duty; a month and service an open case claims is not claimed again.
* **Stages** (``advance``): court_order (at most 500 000 ₽, ГПК ст. 121) → order_issued (the objection window: 10
  working days from receipt) → order_cancelled → claim (each line re-read on the claim's day — what the debtor paid
  since is not claimed; the penalties less what the ledger took of penalties since; the order's duty credited; the
  limitation re-checked with the order's time given back) → judgment → enforcement; an order issued goes to
  enforcement directly (it is the executive document) once the objection deadline has passed, and may be cancelled
  while enforced (ГПК ст. 129).
* **Recovered money** (``recover``): costs first, then the principal — paid into the case's months as payments that
  name the month and split by the case's services, so the ledger applies them to those lines and not to the newest
  ones — then the case's penalties; an excess is an ordinary payment of the account, unless the account owes for
  months others are liable for (then it is owed back to the debtors, ГК ст. 1102, not booked). The case closes when
  it owes nothing (also after the debtor paid of their own: ``close``).
* **Write-off** with a reason (limitation, bankruptcy, death without heirs): the case closes; the account's ledger is
  not touched (the accountant's write-off of a bad debt is the books', not the bill's) [P].
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from fractions import Fraction

import peewee as pw

from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import NotFound, Problem, ValidationFailed
from bcenter.core.money import allocate, format_rub_ru
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.collection import (
    claim_duty, court_order_duty, objection_deadline, recovery_parts, share_liability, time_barred,
)
from bcenter.engine.penalties import PenaltyRow, penalty_total
from bcenter.modules.collection.accounts import (
    OPEN_STAGES, STAGE_NAMES, AccountInfo, CaseRef, Debtor, accounts_info, as_date, changed_within, claimed_months,
    liable_by_month, next_number, pauses, service_names,
)
from bcenter.modules.finance.position import Finance
from bcenter.modules.passport.desk import key_text
from db.dialect import db_id, param_mark
from db.models.cases import CourtCase, CourtCaseEvent, CourtCaseLine, CourtRecovery
from db.models.finance import Payment, PaymentServiceSplit
from db.uow import UnitOfWork

NEXT: dict[str, tuple[str, ...]] = {
    "court_order": ("order_issued", "order_cancelled", "claim"),
    "order_issued": ("order_cancelled", "enforcement"),
    "order_cancelled": ("claim",),
    "claim": ("judgment",),
    "judgment": ("enforcement",),
    "enforcement": ("order_cancelled",),
}
"""The stages a case may go to from each (a refused or returned application for an order goes to a claim; an order
being enforced may still be cancelled — objections filed late with the term restored, ГПК ст. 129, 112 — which the
stage allows only when the case's executive document is a судебный приказ, not a judgment's writ)."""
ORDER_LIMIT = 500_000_00
"""A судебный приказ is given for a claim of at most 500 000 ₽ (ГПК ст. 121 ч. 1; DOMAIN.md §7): a larger one is a
claim (иск)."""
SOURCES = {"fssp": "ФССП", "bank": "банк должника", "employer": "работодатель должника",
           "voluntary": "должник по делу"}


def _fail(problems: list[Problem], title: str = "Судебная работа: данные не приняты") -> None:
    if problems:
        raise ValidationFailed(problems, title=title)


# --- reading --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseLine:
    period: Period
    service: str
    """The service's exchange code."""
    service_name: str
    supplier: str
    due: date
    amount: int
    barred: bool
    included: bool
    owed: int = 0
    """What of ``amount`` is still owed (the ledger's debt of the line, at most the amount claimed)."""


@dataclass(frozen=True, slots=True)
class CaseEvent:
    stage: str
    day: date
    court: str | None
    number: str | None
    note: str | None
    actor: str
    at: str

    @property
    def name(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage)


@dataclass(frozen=True, slots=True)
class RecoveryRow:
    number: str
    received_on: date
    amount: int
    source: str
    document: str | None
    costs: int
    principal: int
    penalties: int
    overpaid: int


@dataclass(frozen=True, slots=True)
class Case:
    """A case as its card shows it (kopecks; what is owed is as of ``as_of``)."""

    id: str
    number: str
    account: str
    payer: str
    address: str
    stage: str
    opened_on: date
    closed_on: date | None
    closed_reason: str | None
    court: str | None
    court_number: str | None
    responsible: str | None
    debtors: tuple[Debtor, ...]
    lines: tuple[CaseLine, ...]
    penalty_as_of: date | None
    penalty_rows: tuple[PenaltyRow, ...]
    principal: int
    penalties: int
    duty: int
    duty_paid: int
    other_costs: int
    court_costs: int
    events: tuple[CaseEvent, ...]
    recoveries: tuple[RecoveryRow, ...]
    extra: dict
    as_of: date
    penalties_paid_since: int = 0
    """The case's part of the penalties the ledger records paid after the penalty table's day (``penalty_as_of``)
    not yet taken off ``penalties`` (a claim after a cancelled order takes off its part paid by then): the account's
    paid penalties are split once among its open cases (``_paid_penalty_shares``), not taken off each in full."""

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def price(self) -> int:
        """Цена иска: principal and penalties claimed (ГПК ст. 91)."""
        return self.principal + self.penalties

    @property
    def principal_owed(self) -> int:
        return sum(ln.owed for ln in self.lines if ln.included)

    @property
    def costs_owed(self) -> int:
        return max(self.court_costs - sum(r.costs for r in self.recoveries), 0)

    @property
    def penalties_owed(self) -> int:
        """The penalties claimed less what recoveries took and the case's part of what was paid of penalties through
        the bills since the case's penalty table was made (the same money is never collected twice, ГК ст. 408) [P:
        the penalties the ledger took since are split among the account's cases open then in proportion to what each
        claims — whatever month they were billed for — and each kopeck is credited to one case only]."""
        return max(self.penalties - sum(r.penalties for r in self.recoveries) - self.penalties_paid_since, 0)

    @property
    def owed(self) -> int:
        return self.costs_owed + self.principal_owed + self.penalties_owed

    @property
    def recovered(self) -> int:
        return sum(r.amount for r in self.recoveries)

    @property
    def objection_deadline(self) -> date | None:
        day = self.extra.get("objection_deadline")
        return date.fromisoformat(day) if day else None

    @property
    def periods(self) -> tuple[Period, ...]:
        """The months the case claims (its included lines)."""
        return tuple(sorted({ln.period for ln in self.lines if ln.included}))

    @property
    def months(self) -> str:
        """The months claimed as ranges, «01.2025–03.2025, 05.2025» («—» without one)."""
        return months_text(self.periods) or "—"

    @property
    def debtors_text(self) -> str:
        """The case's own debtors, «Покупатель Павел Петрович; …» — what a list or card names (not the account's
        holder: a case after a sale sues the owners of its months)."""
        return "; ".join(d.name for d in self.debtors) or self.payer

    @property
    def unclaimed_penalties(self) -> tuple[str, ...]:
        """What the filing left out of penalties (a liable set's penalties without principal), as the card says it."""
        return tuple(_unclaimed_text(u) for u in self.extra.get("penalties_not_claimed", ()))

    @property
    def unclaimed_debts(self) -> tuple[str, ...]:
        """What the filing left out of debt: a liable set whose every month is past its limitation, as the card
        says it (a set with some month within it is a case of its own, its barred months among its lines)."""
        return tuple(_barred_text(u) for u in self.extra.get("debts_not_claimed", ()))

    @property
    def not_claimed(self) -> tuple[str, ...]:
        """Everything the filing left out of every case, named — the debts first (what a list or card shows)."""
        return self.unclaimed_debts + self.unclaimed_penalties

    def liabilities(self) -> dict[str, int]:
        """What each debtor owes of the price: by share, or each the whole when liable jointly."""
        joint = any(d.joint for d in self.debtors)
        shares = {d.name: Fraction(d.share or 1) for d in self.debtors}
        return share_liability(self.price, shares, joint=joint)


def _penalty_json(row: PenaltyRow, service: str | None) -> list:
    return [str(row.period), service, row.start.isoformat(), row.end.isoformat(), row.days, row.debt, str(row.rate),
            row.fraction, row.amount, row.zero_reason]


def _penalty_row(data: list) -> PenaltyRow:
    from decimal import Decimal

    return PenaltyRow(Period.parse(data[0]), data[1], date.fromisoformat(data[2]), date.fromisoformat(data[3]),
                      int(data[4]), int(data[5]), Decimal(data[6]), data[7], int(data[8]), data[9])


def _case_row(db: pw.Database, number: str) -> tuple:
    row = db.execute_sql(
        'SELECT id, account_id, stage, debt, penalties, court_costs, opened_on, closed_on, documents, number, '
        'debtors, penalty_as_of, penalty_rows, duty, duty_paid, other_costs, court, court_number, responsible, '
        f'closed_reason FROM "court_case" WHERE number = {param_mark(db)}', (number,)).fetchone()
    if row is None:
        raise NotFound(f"Нет дела «{number}» (список: bcenter cases list)")
    return row


def _account_number(db: pw.Database, account_id) -> str:
    return db.execute_sql(f'SELECT number FROM "account" WHERE id = {param_mark(db)}',
                          (db_id(key_text(account_id)),)).fetchone()[0]


@dataclass(frozen=True, slots=True)
class _Filed:
    """A case of an account as the penalty credit reads it: its table's day, its closing day, the penalties it
    claimed when filed (before a claim's re-reading), its table, the penalties recoveries took (by day)."""

    id: str
    stage: str
    since: date
    closed_on: date | None
    claimed: int
    rows: tuple[PenaltyRow, ...]
    recovered: tuple[tuple[date, int], ...]

    @property
    def filing_credit(self) -> int:
        """What the ledger's penalties paid before the table's day took off the table when filed."""
        return max(penalty_total(self.rows) - self.claimed, 0)


def _filed_cases(db: pw.Database, account_id: str) -> list[_Filed]:
    """Every case of the account (id ``account_id``), the first filed first."""
    m = param_mark(db)
    recovered: dict[str, list] = defaultdict(list)
    for cid, day, part in db.execute_sql(
            'SELECT r.case_id, r.received_on, r.to_penalties FROM "court_recovery" r JOIN "court_case" k '
            f'ON k.id = r.case_id WHERE k.account_id = {m}', (db_id(account_id),)):
        recovered[key_text(cid)].append((as_date(day), int(part)))
    out = []
    for cid, stage, penalties, extra, pen_as_of, opened, closed, rows in db.execute_sql(
            'SELECT id, stage, penalties, documents, penalty_as_of, opened_on, closed_on, penalty_rows '
            f'FROM "court_case" WHERE account_id = {m} ORDER BY opened_on, number', (db_id(account_id),)):
        data = json.loads(extra or "{}")
        out.append(_Filed(key_text(cid), stage, as_date(pen_as_of) or as_date(opened), as_date(closed),
                          int(data.get("order_penalties", penalties)),
                          tuple(_penalty_row(r) for r in json.loads(rows or "[]")),
                          tuple(sorted(recovered.get(key_text(cid), ())))))
    return out


def _paid_penalty_shares(application: pay.Application, filed: list[_Filed]) -> dict[str, int]:
    """By case id: its part of the penalties the ledger's payments paid after the case's table was made — each day's
    penalties paid are split once among the account's cases open that day whose table is older, in proportion to
    what each still claims of penalties (its claim less its earlier parts and what recoveries took), largest
    remainder, never more than that [P: the ledger knows paid penalties by service, not by month or debtor]. So the
    total credited to cases never exceeds what the ledger paid (ГК ст. 408: a debt paid is not collected again, and
    one payment is not counted twice); what is left over stays with the ledger (a later filing's credit)."""
    by_day: dict[date, int] = defaultdict(int)
    for a in application.applied:
        if a.penalty:
            by_day[a.day] += a.amount
    credited = {k.id: 0 for k in filed}
    for day, amount in sorted(by_day.items()):
        eligible = []
        for k in filed:
            left = k.claimed - credited[k.id] - sum(part for got, part in k.recovered if got < day)
            if k.since < day and (k.closed_on is None or day <= k.closed_on) and left > 0:
                eligible.append((k.id, left))
        room = sum(left for _id, left in eligible)
        if not room:
            continue
        for (cid, _left), part in zip(eligible, allocate(min(amount, room), [left for _id, left in eligible])):
            credited[cid] += part
    return credited


def case(db: pw.Database, number: str, *, as_of: date, finance: Finance | None = None) -> Case:
    """The case numbered ``number``, what it still owes as of ``as_of``."""
    (cid, account_id, stage, principal, penalties, costs, opened, closed, extra, number, debtors, pen_as_of, pen_rows,
     duty, duty_paid, other, court, court_number, responsible, closed_reason) = _case_row(db, number)
    m = param_mark(db)
    cid = key_text(cid)
    account = _account_number(db, account_id)
    info = accounts_info(db, [account])[account]
    finance = finance or Finance(db)
    position = finance.position(info.id, account, as_of=as_of)
    application = finance.application(position, as_of=as_of)
    owed = {(d.period, d.service, d.supplier): d.debt for d in pay.debts(application, as_of=as_of)}
    extra_data = json.loads(extra or "{}")
    shares = _paid_penalty_shares(application, _filed_cases(db, info.id))
    pen_since = max(shares.get(cid, 0) - int(extra_data.get("penalties_credited", 0)), 0)
    lines = []
    names, _by_ext = service_names(db)
    for period, service, supplier, due, amount, barred, included in db.execute_sql(
            f'SELECT period, service_id, supplier_id, due, amount, barred, included FROM "court_case_line" '
            f'WHERE case_id = {m} ORDER BY period, due', (db_id(cid),)):
        svc = finance.services[key_text(service)]
        key = (Period.parse(period), key_text(service), key_text(supplier))
        lines.append(CaseLine(key[0], svc["ext"], names[key[1]], finance.suppliers[key[2]], as_date(due),
                              int(amount), bool(barred), bool(included), min(int(amount), owed.get(key, 0))))
    events = tuple(CaseEvent(stage_, as_date(day), c, n, note, actor, at) for stage_, day, c, n, note, actor, at in
                   db.execute_sql(f'SELECT stage, day, court, number, note, actor, at FROM "court_case_event" '
                                  f'WHERE case_id = {m} ORDER BY day, at', (db_id(cid),)))
    recoveries = tuple(RecoveryRow(n, as_date(day), int(a), s, doc, int(c), int(p), int(pe), int(o))
                       for n, day, a, s, doc, c, p, pe, o in db.execute_sql(
                           'SELECT number, received_on, amount, source, document, to_costs, to_principal, '
                           f'to_penalties, overpaid FROM "court_recovery" WHERE case_id = {m} ORDER BY received_on, '
                           'number', (db_id(cid),)))
    parties = tuple(Debtor(d["name"], d.get("person"), d.get("share"), bool(d.get("joint")),
                           age_unchecked=bool(d.get("age_unchecked")))
                    for d in json.loads(debtors or "[]"))
    return Case(cid, number, account, info.payer, info.address, stage, as_date(opened), as_date(closed),
                closed_reason, court,
                court_number, responsible, parties, tuple(lines), as_date(pen_as_of),
                tuple(_penalty_row(r) for r in json.loads(pen_rows or "[]")), int(principal), int(penalties),
                int(duty), int(duty_paid), int(other), int(costs), events, recoveries, extra_data,
                as_of, pen_since)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    number: str
    account: str
    payer: str
    stage: str
    opened_on: date
    principal: int
    penalties: int
    court_costs: int
    court: str | None
    court_number: str | None
    debtors: str = ""
    """The case's own debtors, «Фамилия Имя Отчество; …» (the account's holder for a case without them)."""

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, self.stage)


def listing(db: pw.Database, *, which: str = "open", account: str | None = None) -> list[CaseSummary]:
    """Cases (open ones, or all), newest first, each naming its own debtors (a case names those liable for its
    months, not the account's holder now)."""
    m = param_mark(db)
    where, params = [], []
    if which == "open":
        where.append(f'k.stage IN ({", ".join(repr(s) for s in OPEN_STAGES)})')
    if account is not None:
        where.append(f"a.number = {m}")
        params.append(account)
    sql = ('SELECT k.number, a.number, k.stage, k.opened_on, k.debt, k.penalties, k.court_costs, k.court, '
           'k.court_number, k.debtors FROM "court_case" k JOIN "account" a ON a.id = k.account_id'
           + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY k.opened_on DESC, k.number DESC")
    rows = db.execute_sql(sql, tuple(params)).fetchall()
    info = accounts_info(db, sorted({r[1] for r in rows}))
    return [CaseSummary(n or "—", a, info[a].payer, s, as_date(o), int(d), int(p), int(c), court, cn,
                        "; ".join(x["name"] for x in json.loads(names or "[]")) or info[a].payer)
            for n, a, s, o, d, p, c, court, cn, names in rows]


INCLUDE_BARRED_LABEL = "с долгом за пределами давности"
"""The screen's mark that files months past their limitation too (the CLI's ``--include-barred``)."""
INCLUDE_BARRED_HINT = f"--include-barred (на экране — отметка «{INCLUDE_BARRED_LABEL}»)"
"""How a refusal or a card tells the officer to include them: both faces say it (one text for both)."""


# --- opening --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Claim:
    """What one case claims: the months of one liable set — their lines (with the limitation flags), their penalty
    rows and totals (a court application names its debtors and claims their debt only)."""

    debtors: tuple[Debtor, ...]
    lines: tuple[tuple[pay.DebtLine, bool, bool], ...]
    """(line, barred, included)."""
    penalty_rows: tuple[tuple[PenaltyRow, str | None], ...]
    """(row, the service's exchange code)."""
    penalties: int
    principal: int
    changed: tuple[Period, ...] = ()
    """Months whose liable set changed within them, claimed whole from the set of their last day [P]."""

    @property
    def price(self) -> int:
        return self.principal + self.penalties

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(sorted({ln.period for ln, _barred, included in self.lines if included}))


@dataclass(frozen=True, slots=True)
class Claimed:
    """What cases would claim on a day: one ``Claim`` per liable set (the oldest months first), and the overdue
    lines left out because an open case claims their month and service already."""

    info: AccountInfo
    claims: tuple[Claim, ...]
    taken: tuple[tuple[pay.DebtLine, CaseRef], ...] = ()

    @property
    def lines(self) -> tuple[tuple[pay.DebtLine, bool, bool], ...]:
        return tuple(sorted((x for c in self.claims for x in c.lines), key=lambda x: (x[0].period, x[0].due)))

    @property
    def principal(self) -> int:
        return sum(c.principal for c in self.claims)

    @property
    def penalties(self) -> int:
        return sum(c.penalties for c in self.claims)


def claimed(db: pw.Database, account: str, *, day: date, include_barred: bool = False,
            finance: Finance | None = None, extra_pauses: dict | None = None) -> Claimed:
    """The overdue debt of ``account`` on ``day`` as cases would claim it, one claim per liable set.

    * A line is overdue when its due date has passed; a month past its limitation is flagged and left out unless
      ``include_barred``; a month and service an open case claims is left out (``taken``).
    * Each month goes to the persons liable for it (``liable_by_month``: the owners of its last day by share, or the
      social tenant's family then; ЖК ст. 153 ч. 2 п. 5, ст. 158, ст. 69 ч. 2); its penalty rows with it.
    * Penalties a case not written off claimed (its table's rows, up to its table's day) are not claimed again — an
      open case's months whole, a closed one's up to its table's day: what accrued after it is claimable
      (``_after_case``); what its recoveries took is in no ledger, so leaving its rows out is what keeps the court
      from being asked twice (ГК ст. 408).
    * The penalties a claim asks for are its rows' total less its part of what payments paid to penalties (the ledger
      knows that money by service, not by month): the paid penalties less what the cases not written off were
      credited with (when filed and since, ``_paid_penalty_shares``) split over the sets' rows in proportion to their
      totals, largest remainder [P]; with one set and no case before, all of it, as before."""
    info = accounts_info(db, [account]).get(account)
    if info is None:
        raise NotFound(f"Нет лицевого счёта «{account}»")
    finance = finance or Finance(db)
    position = finance.position(info.id, account, as_of=day)
    application = finance.application(position, as_of=day)
    stood = pauses(db, info.id).get(info.id, {})
    for key, more in (extra_pauses or {}).items():
        stood = {**stood, key: [*stood.get(key, []), *more]}
    taken_by = claimed_months(db, info.id)
    taken_periods = {period for period, _service in taken_by}
    lines, taken = [], []
    for line in pay.debts(application, as_of=day):
        if line.due >= day:
            continue
        if (line.period, line.service) in taken_by:
            taken.append((line, taken_by[(line.period, line.service)]))
            continue
        barred = time_barred(line.due, day, stood.get((line.period, line.service), ()))
        lines.append((line, barred, include_barred or not barred))
    left_out = {(ln.period, ln.service) for ln, _barred, included in lines if not included}
    filed = _filed_cases(db, info.id)
    held = [k for k in filed if k.stage != "written_off"]  # a written-off case's months may be claimed again
    rows = []
    for r in finance.penalty_rows(position, application, as_of=day):
        if (r.period, r.service) in taken_by or (r.service is None and r.period in taken_periods):
            continue  # an open case claims the month
        if (r.period, r.service) not in left_out:
            for k in held:
                r = _after_case(r, k, finance.services[r.service]["ext"] if r.service else None)
                if r is None:
                    break
            if r is not None:
                rows.append(r)
    liable = liable_by_month(db, info, [ln.period for ln, _b, _i in lines] + [r.period for r in rows])
    sets: dict[tuple, tuple[list, list]] = {}
    for period in sorted(liable):  # the sets in the order of their oldest month
        sets.setdefault(liable[period], ([], []))
    for item in lines:
        sets[liable[item[0].period]][0].append(item)
    for r in rows:
        sets[liable[r.period]][1].append(r)
    shares = _paid_penalty_shares(application, filed)
    paid = max(sum(application.penalties_paid.values())
               - sum(k.filing_credit + shares.get(k.id, 0) for k in held), 0)
    totals = [penalty_total(set_rows) for _lines, set_rows in sets.values()]
    credit = allocate(min(paid, sum(totals)), totals) if sum(totals) else [0] * len(totals)
    changed = set(changed_within(db, info, {ln.period: liable[ln.period] for ln, _b, included in lines if included}))
    claims = []
    for (debtors, (set_lines, set_rows)), total, credited in zip(sets.items(), totals, credit):
        claims.append(Claim(
            debtors, tuple(set_lines),
            tuple((r, finance.services[r.service]["ext"] if r.service else None) for r in set_rows),
            max(total - credited, 0), sum(ln.debt for ln, _b, included in set_lines if included),
            tuple(sorted(changed & {ln.period for ln, _b, _i in set_lines}))))
    return Claimed(info, tuple(claims), tuple(taken))


def _after_case(row: PenaltyRow, filed: _Filed, service: str | None) -> PenaltyRow | None:
    """What of a penalty row is not claimed by the case ``filed`` (a case not written off): the whole row when the
    case's table has no row of its month and service; nothing when the row ends by the table's day; the days after it
    when the row runs across — its amount less what the case's row from the same day claimed (the engine rounds a
    run as a whole), or by days without such a row. ``service``: the row's service's exchange code (as tables keep
    it)."""
    mine = [k for k in filed.rows if k.period == row.period and k.service == service]
    if not mine or row.start > filed.since:
        return row
    if row.end <= filed.since:
        return None
    days = (row.end - filed.since).days
    same = [k.amount for k in mine if k.start == row.start and k.debt == row.debt and k.fraction == row.fraction]
    amount = max(row.amount - sum(same), 0) if same else row.amount * days // row.days
    return replace(row, start=filed.since + timedelta(days=1), days=days, amount=amount)


def _month(period: Period) -> str:
    return f"{period.month:02d}.{period.year}"


def months_text(periods) -> str:
    """«01.2025–03.2025, 05.2025»: months as ranges (what a case's card and notes show)."""
    runs: list[list[Period]] = []
    for p in sorted(periods):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(_month(r[0]) if len(r) == 1 else f"{_month(r[0])}–{_month(r[-1])}" for r in runs)


def _unclaimed_text(item: dict) -> str:
    """«пени 1 668,70 ₽ за месяцы 02.2024, 04.2024 (отвечали за них: …) не взыскиваются этим делом …» — a liable set's
    penalties without principal, which no case claims."""
    return (f"пени {format_rub_ru(int(item['amount']))} за месяцы {item['months']} (отвечали за них: "
            f"{'; '.join(item['debtors'])}) не взыскиваются этим делом: основного долга за эти месяцы нет — их можно "
            "взыскать отдельным заявлением")


def _barred_text(item: dict) -> str:
    """«долг 700,00 ₽ за месяцы 02.2023 (отвечали за них: …) не взыскивается: …» — a liable set whose every month is
    past its limitation: no case claims it unless asked to (``include_barred``)."""
    return (f"долг {format_rub_ru(int(item['amount']))} за месяцы {item['months']} (отвечали за них: "
            f"{'; '.join(item['debtors'])}) не взыскивается: срок исковой давности истёк (ГК РФ ст. 196, 199) — "
            f"включить его: {INCLUDE_BARRED_HINT}")


def _refs_text(refs) -> str:
    """«дело Д-2026-0001 (стадия)» or «дела Д-2026-0001 (стадия), Д-2026-0002 (стадия)»."""
    unique = {r.number: r for r in refs}
    return ("дело " if len(unique) == 1 else "дела ") + ", ".join(
        f"{r.number} ({STAGE_NAMES.get(r.stage, r.stage)})" for r in unique.values())


def open_case(uow: UnitOfWork, db: pw.Database, *, account: str, stage: str, filed_on: date, court: str | None,
              include_barred: bool = False, other_costs: int = 0, responsible: str | None = None, actor: str,
              now: datetime) -> list[str]:
    """File cases for the account's overdue debt on ``filed_on``: an application for a судебный приказ
    (``stage="court_order"``) or a claim (``"claim"``) — one case per liable set (``claimed``: a month's debt is
    claimed from those liable for that month, a court application names its debtors and claims their debt only),
    each with its number, lines, penalties, price and duty (НК ст. 333.19 on its own price); ``other_costs`` go to
    the first. A month and service an open case claims is not claimed again. Returns the numbers (Д-<year>-<nnnn>),
    the oldest months' first; nothing is written when any is refused.

    A liable set with penalties but no principal (a former owner who paid the months late, not the penalties) gets
    no case [P: a court application for penalties alone is the officer's choice — its price may not be worth the
    duty]: every new case's first event and its card name the amount, months and debtors («пени … за месяцы …
    не взыскиваются этим делом»), kept as ``penalties_not_claimed`` among the case's data. So does a liable set whose
    every month is past its limitation (``debts_not_claimed``: «долг … не взыскивается: срок исковой давности истёк»;
    ``include_barred`` files it) — a seller's old months beside the buyer's case are not dropped in silence."""
    problems = []
    if stage not in ("court_order", "claim"):
        problems.append(Problem("stage", "дело начинается заявлением о вынесении судебного приказа (court_order) "
                                         "или иском (claim)"))
    if other_costs < 0:
        problems.append(Problem("other_costs", "расходы не могут быть отрицательными"))
    if filed_on > now.date():
        problems.append(Problem("filed_on", f"дата подачи {filed_on:%d.%m.%Y} ещё не наступила"))
    _fail(problems)
    result = claimed(db, account, day=filed_on, include_barred=include_barred)
    info = result.info
    claims = [c for c in result.claims if c.principal]
    if not result.lines and result.taken:
        problems.append(Problem("account", f"весь просроченный долг лицевого счёта {account} на "
                                           f"{filed_on:%d.%m.%Y} уже взыскивается: "
                                           f"{_refs_text(ref for _ln, ref in result.taken)} — месяц и услугу не "
                                           "взыскивают в двух делах сразу"))
    elif not result.lines:
        problems.append(Problem("account", f"у лицевого счёта {account} нет просроченного долга на "
                                           f"{filed_on:%d.%m.%Y}"))
    elif not claims:
        problems.append(Problem("account", "весь просроченный долг — за пределами срока исковой давности (3 года); "
                                           f"включить его: {INCLUDE_BARRED_HINT}"))
    for c in claims:
        if stage == "court_order" and c.price > ORDER_LIMIT:
            whom = f" к {'; '.join(d.name for d in c.debtors)} (месяцы {months_text(c.periods)})" \
                if len(claims) > 1 else ""
            problems.append(Problem("stage", f"цена требования{whom} {format_rub_ru(c.price)} больше 500 000 ₽: "
                                             "судебный приказ не выдаётся (ст. 121 ГПК РФ) — подайте иск (--claim)"))
    _fail(problems, title="Дело не заведено")
    unclaimed = [{"debtors": [d.name for d in c.debtors], "months": months_text({r.period for r, _s in c.penalty_rows}),
                  "amount": c.penalties} for c in result.claims if not c.principal and c.penalties]
    barred = [{"debtors": [d.name for d in c.debtors], "months": months_text({ln.period for ln, _b, _i in c.lines}),
               "amount": sum(ln.debt for ln, _b, _i in c.lines)} for c in result.claims if not c.principal and c.lines]
    unclaimed_note = "".join(f"; {_barred_text(u)}" for u in barred) + "".join(
        f"; {_unclaimed_text(u)}" for u in unclaimed)
    taken_note = (f"; не включены месяцы {months_text({ln.period for ln, _ref in result.taken})}: их уже "
                  f"взыскивает {_refs_text(ref for _ln, ref in result.taken)}") if result.taken else ""
    opened = []
    for i, c in enumerate(claims):
        costs = other_costs if i == 0 else 0
        duty = court_order_duty(c.price) if stage == "court_order" else claim_duty(c.price)
        number = next_number(db, "court_case", "Д", filed_on.year)
        debtors = [{"name": d.name, "person": d.person, "share": d.share, "joint": d.joint,
                    **({"age_unchecked": True} if d.age_unchecked else {})} for d in c.debtors]
        case_id = uow.insert(CourtCase, account=info.id, stage=stage, debt=c.principal, penalties=c.penalties,
                             court_costs=duty + costs, opened_on=filed_on, number=number, debtors=debtors,
                             penalty_as_of=filed_on, penalty_rows=[_penalty_json(r, s) for r, s in c.penalty_rows],
                             duty=duty, duty_paid=duty, other_costs=costs, court=court, responsible=responsible,
                             documents={**({"debts_not_claimed": barred} if barred else {}),
                                        **({"penalties_not_claimed": unclaimed} if unclaimed else {})})
        for line, past_limitation, included in c.lines:
            uow.insert(CourtCaseLine, case=case_id, period=str(line.period), service=line.service,
                       supplier=line.supplier, due=line.due, amount=line.debt, barred=past_limitation,
                       included=included)
        opened.append((case_id, number, c, duty))
    numbers = [number for _id, number, _c, _duty in opened]
    for case_id, number, c, duty in opened:
        others = [n for n in numbers if n != number]
        split = (f"; месяцы {months_text(c.periods)} — долг тех, кто отвечал за них (собственники или семья "
                 f"нанимателя в каждом месяце); за другие месяцы — {'дело' if len(others) == 1 else 'дела'} "
                 f"{', '.join(others)}") if others else ""
        changed = (f"; {'в месяце' if len(c.changed) == 1 else 'в месяцах'} {months_text(c.changed)} сменились "
                   "собственники (члены семьи): месяц взыскивается с тех, кто был на его последний день"
                   ) if c.changed else ""
        uow.insert(CourtCaseEvent, case=case_id, stage=stage, day=filed_on, court=court, number=None,
                   note=f"цена {format_rub_ru(c.price)}; госпошлина {format_rub_ru(duty)}{split}{changed}{taken_note}"
                        f"{unclaimed_note}",
                   actor=actor, at=now.isoformat())
    return numbers


# --- stages ---------------------------------------------------------------------------------------------------
def advance(uow: UnitOfWork, db: pw.Database, number: str, *, stage: str, day: date, court: str | None = None,
            court_number: str | None = None, received_on: date | None = None, note: str | None = None,
            other_costs: int = 0, calendar: WorkCalendar, actor: str, now: datetime) -> str:
    """Move the case to ``stage`` on ``day``; returns the stage. An order issued: ``received_on`` (the debtor's
    receipt) gives the objection deadline; a claim after a cancelled order: the order's duty is credited and the
    limitation re-checked with the time the order stood; enforcement: the executive document's or ИП number."""
    row = _case_row(db, number)
    cid, current, opened = key_text(row[0]), row[2], as_date(row[6])
    problems = []
    if current not in NEXT:
        problems.append(Problem("stage", f"дело {number} закрыто ({STAGE_NAMES.get(current, current)})"))
    elif stage not in NEXT[current]:
        allowed = ", ".join(f"{s} ({STAGE_NAMES[s]})" for s in NEXT[current]) or "только взыскание или списание"
        problems.append(Problem("stage", f"из стадии «{STAGE_NAMES[current]}» можно перейти: {allowed}"))
    last = max([as_date(d) for (d,) in db.execute_sql(
        f'SELECT day FROM "court_case_event" WHERE case_id = {param_mark(db)}', (db_id(cid),))] or [opened])
    if day < last:
        problems.append(Problem("day", f"дата {day:%d.%m.%Y} раньше предыдущего шага дела ({last:%d.%m.%Y})"))
    if day > now.date():
        problems.append(Problem("day", f"дата {day:%d.%m.%Y} ещё не наступила"))
    if received_on is not None and received_on < (day if stage == "order_issued" else last):
        problems.append(Problem("received", "приказ не мог быть получен раньше, чем вынесен"))
    if received_on is not None and stage == "enforcement" and received_on > day:
        problems.append(Problem("received", "приказ предъявлен к исполнению раньше, чем получен должником"))
    if other_costs < 0:
        problems.append(Problem("other_costs", "расходы не могут быть отрицательными"))
    extra = json.loads(row[8] or "{}")
    deadline = extra.get("objection_deadline")
    if current == "order_issued" and stage == "enforcement" and not deadline:
        if received_on is None:  # the 10 days run from the debtor's receipt: unknown, the order's force is unknown
            problems.append(Problem("received", "не указано, когда должник получил приказ: срок для возражений "
                                                "(10 рабочих дней, ст. 128 ГПК РФ) не отсчитать — укажите дату "
                                                "получения (--received)"))
        else:
            deadline = objection_deadline(received_on, calendar).isoformat()
            extra["objection_deadline"], extra["order_received"] = deadline, received_on.isoformat()
    if current == "order_issued" and stage == "enforcement" and deadline and day <= date.fromisoformat(deadline):
        problems.append(Problem("day", f"срок для возражений должника на судебный приказ — по "
                                       f"{date.fromisoformat(deadline):%d.%m.%Y} (10 рабочих дней со дня получения, "
                                       "ст. 128 ГПК РФ): приказ ещё не вступил в силу, к исполнению его предъявить "
                                       "нельзя"))
    stages_seen = {s for (s,) in db.execute_sql(
        f'SELECT DISTINCT stage FROM "court_case_event" WHERE case_id = {param_mark(db)}', (db_id(cid),))}
    if current == "enforcement" and stage == "order_cancelled" and (
            "order_issued" not in stages_seen or "judgment" in stages_seen):  # the writ of a judgment is no order
        problems.append(Problem("stage", "исполняется решение суда, а не судебный приказ: отменить приказ нельзя"))
    _fail(problems)
    changes: dict = {"stage": stage}
    text = note
    if court:
        changes["court"] = court
    if court_number and stage in ("order_issued", "claim", "judgment"):
        changes["court_number"] = court_number
    if stage == "order_issued" and received_on is not None:
        deadline = objection_deadline(received_on, calendar)
        extra["objection_deadline"] = deadline.isoformat()
        extra["order_received"] = received_on.isoformat()
        text = "; ".join(filter(None, [f"получен должником {received_on:%d.%m.%Y}, возражения — по "
                                       f"{deadline:%d.%m.%Y} (10 рабочих дней, ст. 128 ГПК РФ)", note]))
    if stage == "enforcement":
        extra["executive_document"] = {"number": court_number, "day": day.isoformat(), "note": note}
    if stage == "claim":
        changes.update(_refile(uow, db, cid, row, day, extra))
        paid_since = extra["order_principal"] - changes["debt"] + extra["order_penalties"] - changes["penalties"]
        text = "; ".join(filter(None, [f"цена {format_rub_ru(changes['debt'] + changes['penalties'])}"
                                       + (f" (оплачено должником после заявления о приказе "
                                          f"{format_rub_ru(paid_since)})" if paid_since else "")
                                       + f"; госпошлина {format_rub_ru(changes['duty'])} (с зачётом уплаченной за "
                                       f"приказ {format_rub_ru(int(row[14]))})", note]))
    if other_costs:
        changes["other_costs"] = int(row[15]) + other_costs
        changes["court_costs"] = int(changes.get("duty_paid", row[14])) + changes["other_costs"]
    changes["documents"] = extra
    uow.update(CourtCase, cid, **changes)
    uow.insert(CourtCaseEvent, case=cid, stage=stage, day=day, court=court, number=court_number, note=text,
               actor=actor, at=now.isoformat())
    return stage


def _refile(uow: UnitOfWork, db: pw.Database, cid: str, row: tuple, day: date, extra: dict) -> dict:
    """A claim after the order: each line of the case re-read on ``day`` — the ledger's debt of the line, at most what
    was claimed (what the debtor paid since is not claimed again: ГПК ст. 131 ч. 2 п. 5 asks for the sum owed) — and
    re-checked for limitation (the order's time given back: it is among the pauses now that it has a cancellation);
    the penalties claimed less the case's part of what the ledger took of penalties since the table's day (the
    account's paid penalties split once among its open cases, ``_paid_penalty_shares``); the duty of the claim on that
    price less what the order's cost (НК ст. 333.20 п. 1 пп. 13)."""
    m = param_mark(db)
    stood = pauses(db)
    account = key_text(row[1])
    finance = Finance(db)
    position = finance.position(account, _account_number(db, account), as_of=day)
    application = finance.application(position, as_of=day)
    owed = {(d.period, d.service, d.supplier): d.debt for d in pay.debts(application, as_of=day)}
    principal = before = 0
    for lid, period, service, supplier, due, amount, barred, included in db.execute_sql(
            'SELECT id, period, service_id, supplier_id, due, amount, barred, included FROM "court_case_line" '
            f'WHERE case_id = {m}', (db_id(cid),)):
        key = (Period.parse(period), key_text(service), key_text(supplier))
        now_barred = time_barred(as_date(due), day, stood.get(account, {}).get(key[:2], ()))
        keep = bool(included) and not (now_barred and not bool(barred))
        still = min(int(amount), max(owed.get(key, 0), 0))
        if keep:
            before += int(amount)
            principal += still
        changes = {}
        if now_barred != bool(barred) or keep != bool(included):
            changes.update(barred=now_barred, included=keep)
        if still != int(amount):
            changes["amount"] = still
        if changes:
            uow.update(CourtCaseLine, key_text(lid), **changes)
    paid_now = _paid_penalty_shares(application, _filed_cases(db, account)).get(cid, 0)
    penalties = max(int(row[4]) - max(paid_now - int(extra.get("penalties_credited", 0)), 0), 0)
    extra.update(penalties_credited=paid_now, order_principal=before, order_penalties=int(row[4]))
    price = principal + penalties
    paid = int(row[14])
    duty = claim_duty(price, credited=paid)
    return {"debt": principal, "penalties": penalties, "duty": duty, "duty_paid": paid + duty,
            "court_costs": paid + duty + int(row[15])}


def close(uow: UnitOfWork, db: pw.Database, number: str, *, day: date, actor: str, now: datetime,
          finance: Finance | None = None) -> None:
    """Close a case that owes nothing (the debtor paid, or recoveries covered it)."""
    current = case(db, number, as_of=day, finance=finance)
    if not current.is_open:
        raise ValidationFailed([Problem("stage", f"дело {number} уже закрыто ({current.stage_name})")],
                               title="Дело не закрыто")
    if current.owed:
        raise ValidationFailed([Problem("owed", f"по делу {number} ещё не погашено {format_rub_ru(current.owed)} "
                                                f"(основной долг {format_rub_ru(current.principal_owed)}, пени "
                                                f"{format_rub_ru(current.penalties_owed)}, расходы "
                                                f"{format_rub_ru(current.costs_owed)}); списать: bcenter cases "
                                                "write-off")],
                               title="Дело не закрыто")
    _finish(uow, current.id, "closed", day, "долг по делу погашен", actor, now)


def _finish(uow: UnitOfWork, cid: str, stage: str, day: date, reason: str, actor: str, now: datetime) -> None:
    uow.update(CourtCase, cid, stage=stage, closed_on=day, closed_reason=reason)
    uow.insert(CourtCaseEvent, case=cid, stage=stage, day=day, court=None, number=None, note=reason, actor=actor,
               at=now.isoformat())


def write_off(uow: UnitOfWork, db: pw.Database, number: str, *, reason: str, day: date, actor: str,
              now: datetime) -> None:
    """Write the case off with a reason (limitation expired, bankruptcy, death without heirs, …)."""
    row = _case_row(db, number)
    problems = []
    if not (reason or "").strip():
        problems.append(Problem("reason", "укажите причину списания (истекла давность, банкротство, смерть "
                                          "должника без наследников …)"))
    if row[2] not in OPEN_STAGES:
        problems.append(Problem("stage", f"дело {number} уже закрыто ({STAGE_NAMES.get(row[2], row[2])})"))
    if day < as_date(row[6]):
        problems.append(Problem("day", f"дата {day:%d.%m.%Y} раньше открытия дела"))
    _fail(problems, title="Дело не списано")
    _finish(uow, key_text(row[0]), "written_off", day, reason.strip(), actor, now)


# --- recovered money ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Recovered:
    number: str
    costs: int
    principal: int
    penalties: int
    overpaid: int
    by_month: tuple[tuple[Period, int], ...]
    closed: bool
    refund: int = 0
    """Of ``overpaid``, what is not paid to the account but owed back to the case's debtors (the account owes for
    months others are liable for)."""


def recover(uow: UnitOfWork, db: pw.Database, number: str, *, amount: int, day: date, source: str,
            document: str | None, actor: str, now: datetime) -> Recovered:
    """Take ``amount`` kopecks recovered on the case on ``day``: costs, then the case's months oldest first (as
    payments naming each month, split by the case's services), then penalties; an excess is paid to the account —
    unless the account owes for months others are liable for (a seller's, after a sale): then it is not booked (the
    ledger would pay their months with it) but recorded on the recovery as owed back to the debtors (``refund``,
    ГК ст. 1102) and said in the case's history. The case closes when it owes nothing after it."""
    problems = []
    if source not in SOURCES:
        problems.append(Problem("source", f"источник: {', '.join(SOURCES)}"))
    if amount <= 0:
        problems.append(Problem("amount", "сумма должна быть положительной"))
    if day > now.date():
        problems.append(Problem("day", f"дата {day:%d.%m.%Y} ещё не наступила"))
    _fail(problems, title="Взыскание не принято")
    finance = Finance(db)
    current = case(db, number, as_of=day, finance=finance)
    if not current.is_open:
        raise ValidationFailed([Problem("case", f"дело {number} закрыто ({current.stage_name})")],
                               title="Взыскание не принято")
    if day < current.opened_on:
        raise ValidationFailed([Problem("day", f"дата {day:%d.%m.%Y} раньше открытия дела "
                                               f"({current.opened_on:%d.%m.%Y})")], title="Взыскание не принято")
    parts = recovery_parts(amount, costs=current.costs_owed, principal=current.principal_owed,
                           penalties=current.penalties_owed)
    rec_number = next_number(db, "court_recovery", "ВЗ", day.year)
    payments = []
    by_month: dict[Period, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    left = parts.principal
    owing = sorted((ln for ln in current.lines if ln.included and ln.owed > 0), key=lambda ln: (ln.due, ln.period))
    services = finance.by_ext
    for period in sorted({ln.period for ln in owing}, key=lambda p: (min(ln.due for ln in owing if ln.period == p), p)):
        if left <= 0:
            break
        mine = [ln for ln in owing if ln.period == period]
        take = min(left, sum(ln.owed for ln in mine))
        for ln, part in zip(mine, allocate(take, [ln.owed for ln in mine],
                                           tie_break=[(ln.supplier, ln.service) for ln in mine])):
            if part:
                by_month[period][services[ln.service]] += part
        left -= take
    account_id = accounts_info(db, [current.account])[current.account].id
    agent = f"{SOURCES[source]}{': ' + document if document else ''}"
    for period, split in sorted(by_month.items()):
        pid = uow.insert(Payment, ext_id=f"{rec_number}/{period}", account=account_id, amount=sum(split.values()),
                         paid_on=day, period=period, channel="bank", agent=agent, extra={"court_case": number})
        for service, part in sorted(split.items()):
            uow.insert(PaymentServiceSplit, payment=pid, service=service, amount=part)
        payments.append(pid)
    refund = parts.overpaid if parts.overpaid and _others_owe(db, finance, current, account_id, day) else 0
    if parts.overpaid and not refund:
        payments.append(uow.insert(Payment, ext_id=f"{rec_number}/сверх", account=account_id, amount=parts.overpaid,
                                   paid_on=day, period=None, channel="bank", agent=agent,
                                   extra={"court_case": number, "overpaid": True}))
    uow.insert(CourtRecovery, case=current.id, number=rec_number, received_on=day, amount=amount, source=source,
               document=document, to_costs=parts.costs, to_principal=parts.principal, to_penalties=parts.penalties,
               overpaid=parts.overpaid, payments=payments, actor=actor)
    closed = current.owed - parts.costs - parts.principal - parts.penalties <= 0
    back = (f"; излишне взыскано {format_rub_ru(refund)} — подлежит возврату должнику по делу (ст. 1102 ГК РФ): "
            "не зачтено в оплату лицевого счёта, за другие месяцы которого отвечают другие лица") if refund else ""
    if closed:
        _finish(uow, current.id, "closed", day, f"долг по делу погашен (взыскание {rec_number}){back}", actor, now)
    elif back:
        uow.insert(CourtCaseEvent, case=current.id, stage=current.stage, day=day, court=None, number=None,
                   note=f"взыскание {rec_number}{back}", actor=actor, at=now.isoformat())
    return Recovered(rec_number, parts.costs, parts.principal, parts.penalties, parts.overpaid,
                     tuple((p, sum(s.values())) for p, s in sorted(by_month.items())), closed, refund)


def _liable_key(debtors) -> frozenset:
    return frozenset((d.person or d.name, d.share, d.joint) for d in debtors)


def _others_owe(db: pw.Database, finance: Finance, current: Case, account_id: str, day: date) -> bool:
    """Whether the account owes, on ``day``, for a month others than the case's debtors are liable for
    (``liable_by_month``): money recovered beyond the case is then not the account's payment — the ledger would pay
    the oldest debt with it (ГК ст. 319.1), another liable set's month — but the debtors' to be given back (ГК ст.
    1102: recovered beyond what the court awarded). Without such a month it pays the account, as before (an advance
    of the debtors' own months)."""
    position = finance.position(account_id, current.account, as_of=day)
    periods = {ln.period for ln in pay.debts(finance.application(position, as_of=day), as_of=day) if ln.debt > 0}
    if not periods:
        return False
    info = accounts_info(db, [current.account])[current.account]
    mine = _liable_key(current.debtors)
    return any(_liable_key(liable) != mine for liable in liable_by_month(db, info, periods).values())


__all__ = ["Case", "CaseLine", "CaseEvent", "CaseSummary", "Claim", "Claimed", "NEXT", "Recovered", "SOURCES",
           "advance", "case", "claimed", "months_text", "close", "listing", "open_case", "recover", "write_off"]
