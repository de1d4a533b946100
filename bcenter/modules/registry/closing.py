"""Closing a period: a balance snapshot per account × service × supplier, then nothing more is posted into it.

This service gathers; the arithmetic is the engine's (``bcenter.engine.closing``): opening is the previous closed
period's closing (or the migrated opening balance), the period's charge lines move their columns by kind, «paid» and
«penalties» are what the period adds to what earlier snapshots counted (payments applied as of the month's last day;
the penalty as of that day, ч. 14, 14.1 ст. 155 ЖК РФ, with today's knowledge), and closing(P) == opening(P+1).
Penalties are posted at closing as a PENALTY entry per account. An overpayment not yet applied to any charge (an
advance) stays with the payment; it is not in the per-service snapshot but in the account snapshot (with the day of
the last payment), which the period's bill prints.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import peewee as pw

from bcenter.core.errors import PeriodClosed
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.engine.closing import FIELDS, KIND_FIELD, movement, with_closing
from bcenter.engine.position import SYNTHETIC
from bcenter.modules.finance.position import Finance
from bcenter.modules.processes import can_share, pooled
from bcenter.modules.registry import periods
from bcenter.modules.registry.storno import FORGOTTEN
from db.connection import open_database
from db.dialect import param_mark
from db.ledger import LedgerWriter, PostingRow, entry_row
from db.models import AccountSnapshot, BalanceSnapshot, BillingPeriod
from db.queries import in_houses
from db.uow import UnitOfWork, utc_now_iso

__all__ = ["FIELDS", "KIND_FIELD", "BalanceReport", "BalanceRow", "CloseResult", "balances_report", "close_period",
           "compute_balances"]


def compute_balances(db: pw.Database, period: Period, *, houses: Sequence[str] | None = None,
                     finance: Finance | None = None, advances: dict[str, int] | None = None, job: Job | None = None,
                     ) -> dict[tuple[str, str, str], dict[str, int]]:
    """Balances of a period per (account, service, supplier) UUIDs, from the ledger, payments and the previous one
    (the accounts of ``houses`` only, when given: each account's balance depends on that account alone).
    ``advances``, when given, receives each account's real money taken by no charge at the period's end."""
    mark = param_mark(db)
    scope, scope_params = in_houses(db, houses)
    o_scope, _ = in_houses(db, houses, "o.account_id")
    l_scope, _ = in_houses(db, houses, "e.account_id")
    rows: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    previous = str(period - 1)
    found_previous = False
    for account, service, supplier, closing in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, closing FROM "balance_snapshot" WHERE period = {mark}{scope}',
            (previous, *scope_params)):
        rows[(str(account), str(service), str(supplier))]["opening"] = int(closing)
        found_previous = True
    if not found_previous and houses is not None:  # the previous period closed with none of these accounts?
        found_previous = db.execute_sql(f'SELECT 1 FROM "balance_snapshot" WHERE period = {mark} LIMIT 1',
                                        (previous,)).fetchone() is not None
    if not found_previous:  # the first period in bcenter: the balances brought from the system we left
        for account, service, supplier, amount in db.execute_sql(
                f'SELECT o.account_id, o.service_id, s.supplier_id, o.amount FROM "opening_balance" o '
                f'JOIN "service" s ON s.id = o.service_id WHERE o.period <= {mark}{o_scope}', (str(period), *scope_params)):
            rows[(str(account), str(service), str(supplier))]["opening"] += int(amount)
    for account, service, supplier, kind, amount in db.execute_sql(
            f'SELECT e.account_id, c.service_id, c.supplier_id, c.kind, SUM(c.amount) FROM "journal_entry" e '
            f'JOIN "charge_line" c ON c.entry_id = e.id WHERE e.period = {mark}{l_scope} '
            f'GROUP BY e.account_id, c.service_id, c.supplier_id, c.kind', (str(period), *scope_params)):
        rows[(str(account), str(service), str(supplier))][KIND_FIELD[kind]] += int(amount)
    finance = finance or Finance(db)
    accounts = {key[0] for key in rows}
    accounts |= {str(a) for (a,) in db.execute_sql(
        f'SELECT DISTINCT account_id FROM "payment" WHERE paid_on >= {mark} AND paid_on < {mark}{scope}',
        (period.first_day.isoformat(), period.end.isoformat(), *scope_params))}
    posted_penalties: dict[str, dict[tuple[str, str, str], int]] = defaultdict(dict)
    for account, service, supplier, amount in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, SUM(amount) FROM "posting" WHERE ledger_account = '
            f'\'penalties\' AND period < {mark}{scope} GROUP BY account_id, service_id, supplier_id',
            (str(period), *scope_params)):
        posted_penalties[str(account)][(str(account), str(service), str(supplier))] = int(amount)
    paid_before: dict[str, dict[tuple[str, str, str], int]] = defaultdict(dict)
    for account, service, supplier, amount in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, SUM(paid) FROM "balance_snapshot" WHERE period < {mark}'
            f'{scope} GROUP BY account_id, service_id, supplier_id', (str(period), *scope_params)):
        paid_before[str(account)][(str(account), str(service), str(supplier))] = int(amount)
    accounts |= set(paid_before) | set(posted_penalties)
    numbers = dict(finance.account_numbers()) if accounts and houses is None else {}
    if job is not None:
        job.total(len(accounts))
    for n, account in enumerate(sorted(accounts)):
        if job is not None and n % 100 == 0:
            job.advance(min(100, len(accounts) - n))
            job.check()
        position = finance.position(account, numbers.get(account, ""), as_of=period.last_day)
        application = finance.application(position, as_of=period.last_day)
        if advances is not None:
            advances[account] = finance.advance(application)
        applied: dict[tuple[str, str, str], int] = defaultdict(int)
        for part in application.applied:
            if not part.payment_id.startswith(SYNTHETIC):  # a month's negative net or a migrated advance: not paid
                applied[(account, part.service, part.supplier)] += part.amount
        for key, paid in movement(applied, paid_before.get(account, {})).items():
            rows[key]["paid"] += paid
        supplier_of = {(c.period, c.service): c.supplier for c in position.charges}
        due: dict[tuple[str, str, str], int] = defaultdict(int)
        for row in finance.penalty_rows(position, application, as_of=period.last_day):
            due[(account, row.service, supplier_of[(row.period, row.service)])] += row.amount
        for key, accrued in movement(due, posted_penalties.get(account, {})).items():
            rows[key]["penalties"] += accrued
    return {k: with_closing(v) for k, v in rows.items() if any(v.values())}


MIN_ACCOUNTS_FOR_WORKERS = 1000
"""Below this many accounts the worker processes cost more to start than they save."""


def _balances_of_houses(task: tuple[str, str, list[str]]) -> tuple[dict, dict[str, int]]:
    """A worker's share of a close: the balances and advances of some houses (each account's depend on it alone)."""
    url, period, houses = task
    advances: dict[str, int] = {}
    return compute_balances(open_database(url), Period.parse(period), houses=houses, advances=advances), advances


def all_balances(db: pw.Database, period: Period, *, workers: int = 1, url: str | None = None, job: Job | None = None,
                 ) -> tuple[dict[tuple[str, str, str], dict[str, int]], dict[str, int]]:
    """Every account's balances and advances for the period: in this process, or — with ``workers`` > 1, a ``url``
    and at least ``MIN_ACCOUNTS_FOR_WORKERS`` accounts — house by house in spawned processes (the same result:
    a test compares the snapshots)."""
    advances: dict[str, int] = {}
    if workers > 1 and can_share(url):
        houses = [(str(h), int(n)) for h, n in db.execute_sql(
            'SELECT house_id, COUNT(*) FROM "account_house" GROUP BY house_id ORDER BY house_id')]
        total = sum(n for _, n in houses)
        if total >= MIN_ACCOUNTS_FOR_WORKERS and len(houses) > 1:
            size = max(1, total // (workers * 4))
            tasks, current, count = [], [], 0
            for house, n in houses:
                current.append(house)
                count += n
                if count >= size:
                    tasks.append((url, str(period), current))
                    current, count = [], 0
            if current:
                tasks.append((url, str(period), current))
            balances: dict[tuple[str, str, str], dict[str, int]] = {}
            if job is not None:
                job.total(total)
            for rows, found in pooled(_balances_of_houses, tasks, workers=min(workers, len(tasks)), ordered=False):
                if job is not None:
                    job.advance(len(found))
                    job.check()
                balances.update(rows)
                advances.update(found)
            return balances, advances
    return compute_balances(db, period, advances=advances, job=job), advances


@dataclass(frozen=True, slots=True)
class CloseResult:
    """A closed period and the snapshot rows written for it."""

    period: Period
    rows: int


def close_period(db: pw.Database, period: Period, *, actor: str | None = None, workers: int = 1,
                 url: str | None = None, job: Job | None = None) -> CloseResult:
    """Write the snapshots and mark the period closed. The balances are computed in ``workers`` processes when
    worth it (``all_balances``); nothing is written until they all are (a cancelled close leaves the period open),
    and nothing if anything was written to the database meanwhile (the closing would miss it: repeat)."""
    if periods.is_closed(period):
        raise PeriodClosed(f"Период {period} уже закрыт", period=period)
    if not periods.can_close(period):
        raise PeriodClosed(f"Период {period} нельзя закрыть, пока не закрыты предыдущие периоды", period=period)
    missing = _houses_not_calculated(db, period)
    if missing:
        raise PeriodClosed(f"Период {period} нельзя закрыть: не рассчитано домов — {missing} "
                           f"(исправьте данные и выполните bcenter calc --period {period})", period=period)
    seen = _last_write(db)
    balances, advances = all_balances(db, period, workers=workers, url=url, job=job)
    mark = param_mark(db)
    last_paid = {str(a): str(d)[:10] for a, d in db.execute_sql(
        f'SELECT account_id, MAX(paid_on) FROM "payment" WHERE amount > 0 AND paid_on <= {mark} GROUP BY account_id',
        (period.last_day.isoformat(),))}
    if job is not None:
        job.check()
    with UnitOfWork(action="registry.close", actor=actor, db=db, details={"period": str(period)}) as uow:
        if _last_write(db) != seen:  # a payment, a reading, a recalculation arrived while the balances were computed
            raise PeriodClosed(f"Период {period} не закрыт: пока считались сальдо, в базу записали новые данные — "
                               f"повторите bcenter close --period {period}", period=period)
        periods.ensure_open(uow, period)
        rows = [(str(period), a, s, p, *(v[f] for f in FIELDS)) for (a, s, p), v in sorted(balances.items())]
        for start in range(0, len(rows), 5000):
            uow.insert_rows(BalanceSnapshot, ("period", "account_id", "service_id", "supplier_id", *FIELDS),
                            rows[start:start + 5000])
        accounts = [(str(period), a, advances.get(a, 0), last_paid.get(a))
                    for a in sorted({a for a, v in advances.items() if v} | set(last_paid))]
        for start in range(0, len(accounts), 5000):
            uow.insert_rows(AccountSnapshot, ("period", "account_id", "advance", "last_paid_on"),
                            accounts[start:start + 5000])
        _post_penalties(uow, period, balances)
        row = BillingPeriod.get(BillingPeriod.period == str(period))
        uow.update(BillingPeriod, row.id, state="closed", closed_at=utc_now_iso(), closed_by=uow.actor)
    return CloseResult(period, len(rows))


def _post_penalties(uow: UnitOfWork, period: Period, balances: dict[tuple[str, str, str], dict[str, int]]) -> None:
    """A PENALTY entry per account with the month's accrual: «penalties» receivable per service × supplier against
    revenue (the entry's postings sum to zero)."""
    by_account: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for (account, service, supplier), values in sorted(balances.items()):
        if values["penalties"]:
            by_account[account].append((service, supplier, values["penalties"]))
    entries, postings = [], []
    for account, parts in by_account.items():
        entry = entry_row("PENALTY", period, account=account, reason=f"пени за {period.label_ru}")
        entries.append(entry)
        for service, supplier, amount in parts:
            postings.append(PostingRow(entry.id, "penalties", account, service, supplier, str(period), amount))
            postings.append(PostingRow(entry.id, "revenue", None, service, supplier, str(period), -amount))
    LedgerWriter(uow).write(entries, postings=postings)


def _last_write(db: pw.Database) -> int:
    """The outbox's last sequence number: every write of the database leaves an outbox row, so an unchanged number
    means nothing was written."""
    return int(db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0])


def _houses_not_calculated(db: pw.Database, period: Period) -> int:
    """Houses with accounts open in the period that the month run has not calculated for it (or whose charges
    were reversed by a storno since)."""
    mark = param_mark(db)
    row = db.execute_sql(
        f'SELECT COUNT(DISTINCT ah.house_id) FROM "account_house" ah '
        f'WHERE ah.opened < {mark} AND (ah.closed IS NULL OR ah.closed > {mark}) AND NOT EXISTS '
        f'(SELECT 1 FROM "calc_state" c WHERE c.house_id = ah.house_id AND c.period = {mark} '
        f'AND c.basis_hash <> {mark})',
        (period.end.isoformat(), period.first_day.isoformat(), str(period), FORGOTTEN)).fetchone()
    return int(row[0])


@dataclass(frozen=True, slots=True)
class BalanceRow:
    """One account × service × supplier of a period (kopecks); account by number, service and supplier by the id
    they were imported with."""

    account: str
    service: str
    supplier: str
    opening: int
    charged: int
    recalculated: int
    quality: int
    benefits: int
    paid: int
    penalties: int
    closing: int


@dataclass(frozen=True, slots=True)
class BalanceReport:
    """A period's balances: the stored snapshots of a closed period, computed now for an open one."""

    period: Period
    closed: bool
    rows: tuple[BalanceRow, ...]


def balances_report(db: pw.Database, period: Period, *, job: Job | None = None) -> BalanceReport:
    """``bcenter balances``: stored snapshots of a closed period, else computed now."""
    mark = param_mark(db)
    names = {
        "account": {str(a): n for a, n in db.execute_sql('SELECT id, number FROM "account"')},
        "service": {str(a): e or str(a) for a, e in db.execute_sql('SELECT id, ext_id FROM "service"')},
        "supplier": {str(a): e or str(a) for a, e in db.execute_sql('SELECT id, ext_id FROM "supplier"')},
    }
    closed = periods.is_closed(period)
    if closed:
        data = {(str(a), str(s), str(p)): dict(zip(FIELDS, map(int, values))) for a, s, p, *values in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, {", ".join(FIELDS)} FROM "balance_snapshot" '
            f'WHERE period = {mark}', (str(period),))}
    else:
        data = compute_balances(db, period, job=job)
    out = []
    for (a, s, p), values in sorted(data.items(), key=lambda kv: (names["account"].get(kv[0][0], ""),
                                                                   names["service"].get(kv[0][1], ""))):
        out.append(BalanceRow(names["account"].get(a, a), names["service"].get(s, s), names["supplier"].get(p, p),
                              **{f: values[f] for f in FIELDS}))
    return BalanceReport(period, closed, tuple(out))
