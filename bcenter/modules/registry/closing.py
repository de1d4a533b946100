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

import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import peewee as pw

from bcenter.core.collector import collector_paused
from bcenter.core.errors import PeriodClosed, Problem, ValidationFailed
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.engine import carry as carry_engine
from bcenter.engine import position as engine_position
from bcenter.engine.closing import FIELDS, KIND_FIELD, movement, with_closing
from bcenter.modules.finance.position import NO_FACTS, Finance
from bcenter.modules.processes import can_share, pooled
from bcenter.modules.registry import periods
from bcenter.modules.registry.storno import FORGOTTEN
from db.connection import open_database
from db.dialect import db_id, is_postgres, param_mark
from db.ledger import EntryRow, LedgerWriter, PostingRow, entry_row
from db.models import AccountSnapshot, BillingPeriod
from db.queries import in_houses, live_payment
from db.snapshots import COLUMNS, insert_snapshots, numbered, pack_balances, read_snapshots
from db.uow import UnitOfWork, utc_now_iso

__all__ = ["FIELDS", "KIND_FIELD", "BalanceReport", "BalanceRow", "CloseResult", "balances_report", "close_period",
           "compute_balances"]

PAID, CLOSING = COLUMNS.index("paid"), COLUMNS.index("closing")
"""Where a stored snapshot row (``db.snapshots.COLUMNS``, the engine's ``FIELDS``) keeps what was paid and the
closing balance."""


@collector_paused()  # tens of thousands of carries and lines, no reference cycle (bcenter.core.collector)
def compute_balances(db: pw.Database, period: Period, *, houses: Sequence[str] | None = None,
                     finance: Finance | None = None, advances: dict[str, int] | None = None,
                     carries: dict[str, bytes] | None = None, carry: bool = True, job: Job | None = None,
                     counted: dict[str, tuple[dict, dict]] | None = None, after: tuple[dict, dict] | None = None,
                     ) -> dict[tuple[str, str, str], dict[str, int]]:
    """Balances of a period per (account, service, supplier) UUIDs, from the ledger, payments and the previous one
    (the accounts of ``houses`` only, when given: each account's balance depends on that account alone).
    ``advances``, when given, receives each account's real money taken by no charge at the period's end;
    ``carries`` each account's carry into the next month (``bcenter.engine.carry``, encoded; close stores them);
    ``counted`` each account's paid and penalties counted up to the period's end, per (account, service, supplier)
    — what the next month's movements are taken from; ``after`` is the month before's balances and counts when it
    is open (``_open_months`` computes them).
    A row's ``unpaid_penalties`` (when not zero) is the part of its closing that is penalties billed and not paid
    (``db.snapshots.STORED``; the ЕПД's «в т. ч. пени»).

    An account whose carry from the month before is still good (nothing dated up to that month arrived since, the
    same law tables and settings) continues from it: only the month's lines and payments are read, only the
    obligations still open are walked. The others — and every account when ``carry`` is False or the month before
    was closed without carries — are computed from the first month (the same figures: a test compares).

    A month after an open one (not closed, though a month up to it is known: open, closed or calculated) goes on
    from that month's balances computed now: its opening is that month's closing, its paid and penalties what it
    adds to that month's counts — the figures it will have once that month closes (closing(P) == opening(P+1))."""
    mark = param_mark(db)
    scope, scope_params = in_houses(db, houses)
    o_scope, _ = in_houses(db, houses, "o.account_id")
    l_scope, _ = in_houses(db, houses, "e.account_id")
    rows: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    previous = period - 1
    found_previous = False
    for account, service, supplier, money in read_snapshots(db, str(previous), scope, scope_params):
        rows[(account, service, supplier)]["opening"] = money[CLOSING]
        found_previous = True
    if not found_previous and houses is not None:  # the previous period closed with none of these accounts?
        found_previous = db.execute_sql(f'SELECT 1 FROM "balance_snapshot" WHERE period = {mark} LIMIT 1',
                                        (str(previous),)).fetchone() is not None
    before, chained = after or (None, None)
    if after is None and not found_previous and _open_before(db, previous):
        finance = finance or Finance(db)  # one for the months walked and this one
        before, chained = _open_months(db, period, houses, finance, carry)
    if chained is not None:
        for key, values in before.items():
            rows[key]["opening"] = values["closing"]
        brought = "="  # and the balances brought from the system we left for this month (a house come later)
    elif not found_previous:  # the first period in bcenter: the balances brought from the system we left
        brought = "<="
    else:
        brought = None
    if brought is not None:
        for account, service, supplier, amount in db.execute_sql(
                f'SELECT o.account_id, o.service_id, o.supplier_id, o.amount FROM "opening_balance" o '
                f'WHERE o.period {brought} {mark}{o_scope}',
                (str(period), *scope_params)):
            rows[(str(account), str(service), str(supplier))]["opening"] += int(amount)
    owed_now: dict[str, dict[tuple[Period, str, str], int]] = defaultdict(lambda: defaultdict(int))
    for account, service, supplier, kind, amount in db.execute_sql(
            f'SELECT e.account_id, c.service_id, c.supplier_id, c.kind, SUM(c.amount) FROM "journal_entry" e '
            f'JOIN "charge_line" c ON c.entry_id = e.id WHERE e.period = {mark}{l_scope} '
            f'GROUP BY e.account_id, c.service_id, c.supplier_id, c.kind', (str(period), *scope_params)):
        account, service, supplier = str(account), str(service), str(supplier)
        rows[(account, service, supplier)][KIND_FIELD[kind]] += int(amount)
        owed_now[account][(period, service, supplier)] += int(amount)
    finance = finance or Finance(db)
    stored = _stored_carries(db, scope, scope_params) if carry else {}
    carried = carry and (any(c.period == previous for c in stored.values()) or _closed_with_carries(db, previous))
    accounts = {key[0] for key in rows}
    month_payments: dict[str, list] = {}
    if carried:
        month_payments = finance.month_payments(period, houses)
        accounts |= set(month_payments) | set(stored)
    else:
        accounts |= {str(a) for (a,) in db.execute_sql(
            f'SELECT DISTINCT account_id FROM "payment" WHERE paid_on >= {mark} AND paid_on < {mark}{scope}',
            (period.first_day.isoformat(), period.end.isoformat(), *scope_params))}
    posted_penalties: dict[str, dict[tuple[str, str, str], int]] = defaultdict(dict)
    paid_before: dict[str, dict[tuple[str, str, str], int]] = defaultdict(dict)
    if not carried or any(c.period != previous for c in stored.values()):  # what the snapshots counted, read
        for account, service, supplier, amount in db.execute_sql(
                f'SELECT account_id, service_id, supplier_id, SUM(amount) FROM "posting" WHERE ledger_account = '
                f'\'penalties\' AND period < {mark}{scope} GROUP BY account_id, service_id, supplier_id',
                (str(period), *scope_params)):
            posted_penalties[str(account)][(str(account), str(service), str(supplier))] = int(amount)
        for account, service, supplier, money in read_snapshots(db, str(period), scope, scope_params, before=True):
            key = (account, service, supplier)
            paid_before[account][key] = paid_before[account].get(key, 0) + money[PAID]
        if chained is not None:  # what the open months before counted: no snapshot keeps it
            paid_before = defaultdict(dict, {a: paid for a, (paid, _) in chained.items()})
            posted_penalties = defaultdict(dict, {a: penalties for a, (_, penalties) in chained.items()})
        accounts |= set(paid_before) | set(posted_penalties)
    facts = finance.facts(period, scope, scope_params)
    settings = finance.settings
    options = dict(period=period, policy=settings.payment_application, rules=finance.rules, rates=finance.rates,
                   rounding=settings.penalty_rounding, penalty_policy=settings.penalty_application,
                   basis=finance.basis)
    if job is not None:
        job.total(len(accounts))
    for n, account in enumerate(sorted(accounts)):
        if job is not None and n % 100 == 0:
            job.advance(min(100, len(accounts) - n))
            job.check()
        known_before, known_now, ahead = facts.get(account, NO_FACTS)
        old = stored.get(account)
        if old is not None and old.period != previous:  # a carry of an older month: neither continued nor counted
            old = None
        if old is not None:  # what the snapshots counted up to the month before
            paid_counted = {(account, *k): v for k, v in old.paid.items()}
            penalties_counted = {(account, *k): v for k, v in old.penalties.items()}
        else:
            paid_counted, penalties_counted = paid_before.get(account, {}), posted_penalties.get(account, {})
        if (old is not None and old.basis == finance.basis and not old.ahead and tuple(old.facts) == known_before
                and not _names_older_bill(month_payments.get(account, ()), previous)):
            charges, credits = engine_position.obligations(owed_now.get(account, {}), (), due=finance.due,
                                                           as_of=period.last_day,
                                                           credits=settings.credit_application)
            new = carry_engine.advance(old, charges, [*credits, *month_payments.get(account, ())], facts=known_now,
                                       ahead=ahead, **options)
        else:
            position = finance.position(account, "", as_of=period.last_day)  # (its number is not needed here)
            new = carry_engine.advance(None, position.charges, position.payments, penalties=position.penalties,
                                       facts=known_now, ahead=ahead, **options)
        if advances is not None:
            advances[account] = new.advance
        if carries is not None:
            carries[account] = carry_engine.encode(new)
        if counted is not None:
            counted[account] = ({(account, *k): v for k, v in new.paid.items()},
                                {(account, *k): v for k, v in new.penalties.items()})
        for key, paid in movement({(account, *k): v for k, v in new.paid.items()}, paid_counted).items():
            rows[key]["paid"] += paid
        for key, accrued in movement({(account, *k): v for k, v in new.penalties.items()}, penalties_counted).items():
            rows[key]["penalties"] += accrued
        for (service, supplier), due in new.penalties.items():  # what of the closing is penalties not paid
            unpaid = due - new.penalties_paid.get((service, supplier), 0)
            if unpaid:
                rows[(account, service, supplier)]["unpaid_penalties"] = unpaid
    return {k: with_closing(v) for k, v in rows.items() if any(v.values())}


def _open_before(db: pw.Database, previous: Period) -> bool:
    """Whether ``previous`` is not closed though a month up to it is known (in ``billing_period`` or posted to):
    the period after it then goes on from its balances computed now, not from the migrated opening balances."""
    mark = param_mark(db)
    if db.execute_sql(f'SELECT 1 FROM "billing_period" WHERE period = {mark} AND state = \'closed\'',
                      (str(previous),)).fetchone():
        return False
    return any(db.execute_sql(f'SELECT 1 FROM "{table}" WHERE period <= {mark} LIMIT 1', (str(previous),)).fetchone()
               for table in ("billing_period", "journal_entry"))


MAX_OPEN_MONTHS = 36
"""How many months not closed a period's balances are computed over, one after another, before it is refused."""


def _open_months(db: pw.Database, period: Period, houses: Sequence[str] | None, finance: Finance | None,
                 carry: bool) -> tuple[dict, dict[str, tuple[dict, dict]]]:
    """The balances of the month before ``period`` and each account's counts up to its end, computed month by month
    from the first month not closed (after the last closed one, else the first known)."""
    mark = param_mark(db)
    (closed,) = db.execute_sql(f'SELECT MAX(period) FROM "billing_period" WHERE state = \'closed\' AND '
                               f'period < {mark}', (str(period),)).fetchone()
    if closed is not None:
        first = Period.parse(str(closed)) + 1
    else:
        first = min(Period.parse(str(p)) for table in ("billing_period", "journal_entry")
                    for (p,) in [db.execute_sql(f'SELECT MIN(period) FROM "{table}"').fetchone()] if p is not None)
    if period - first > MAX_OPEN_MONTHS:
        raise ValidationFailed([Problem("period", f"месяцы с {first} по {period - 1} не закрыты (больше "
                                                  f"{MAX_OPEN_MONTHS}): сальдо не считается — закройте прошлые "
                                                  "периоды")],
                               title=f"Сальдо периода {period} не рассчитано")
    state = None
    for month in Period.range(first, period):
        counted: dict[str, tuple[dict, dict]] = {}
        state = (compute_balances(db, month, houses=houses, finance=finance, carry=carry, counted=counted,
                                  after=state), counted)
    return state


def _names_older_bill(payments: Sequence, previous: Period) -> bool:
    """A payment of the month names a bill older than the month before: whether it pays that bill's penalties
    depends on the penalties billed by month, which a carry does not keep (``carry.advance``)."""
    return any(p.period is not None and p.period < previous for p in payments)


def _stored_carries(db: pw.Database, scope: str, scope_params: Sequence) -> dict[str, carry_engine.Carry]:
    """The accounts' carries as the last close stored them; one of another format (an older release's) is
    returned as a carry of no period — neither continued nor counted from."""
    out = {}
    for account, state in db.execute_sql(f'SELECT account_id, state FROM "account_carry" WHERE 1 = 1{scope}',
                                         tuple(scope_params)):
        out[str(account)] = carry_engine.decode(state) or _UNREADABLE
    return out


_UNREADABLE = carry_engine.Carry(period=Period(1, 1))


def _closed_with_carries(db: pw.Database, period: Period) -> bool:
    """Whether the close of ``period`` stored carries: then an account without one had nothing to carry (every
    account a close computes gets one, and a close computes every account with a balance or a payment so far)."""
    return db.execute_sql(f'SELECT 1 FROM "account_carry" WHERE period = {param_mark(db)} LIMIT 1',
                          (str(period),)).fetchone() is not None


def store_carries(db: pw.Database, period: Period, carries: dict[str, bytes]) -> None:
    """Replace the accounts' carries with those of ``period`` (inside the close's transaction)."""
    mark = param_mark(db)
    rows = [(db_id(account), str(period), state) for account, state in sorted(carries.items())]
    sql = (f'INSERT INTO "account_carry" ("account_id", "period", "state") VALUES ({mark}, {mark}, {mark}) '
           f'ON CONFLICT ("account_id") DO UPDATE SET "period" = excluded."period", "state" = excluded."state"')
    if is_postgres(db):
        from psycopg2.extras import execute_batch

        with db.cursor() as cursor:
            execute_batch(cursor, sql, [(a, p, bytes(s)) for a, p, s in rows], page_size=2000)
    else:
        db.connection().executemany(sql, rows)


MIN_ACCOUNTS_FOR_WORKERS = 4000
"""Below this many accounts the worker processes cost more to start than they save (2 000 accounts from the carries:
2.9 s in one process, 3.5 s in two — 2026-12-02)."""


def _balances_of_houses(task: tuple[str, str, list[str], dict[tuple[str, str], int]]) -> _Prepared:
    """A worker's share of a close: the balances, advances and carries of some houses (each account's depend on
    it alone), as the rows the close writes."""
    url, period, houses, numbers = task
    prepared = _Prepared()
    db = open_database(url, migrate=False)  # the parent migrated it; a worker of newer code must not race to
    balances = compute_balances(db, Period.parse(period), houses=houses, advances=prepared.advances,
                                carries=prepared.carries)
    prepared.add(balances, Period.parse(period), numbers)
    prepared.last_paid = last_payments(db, Period.parse(period).last_day, houses)
    return prepared


def last_payments(db: pw.Database, day: date, houses: Sequence[str] | None = None) -> dict[str, str]:
    """The day (ISO) of each account's last payment up to ``day`` (of the accounts of ``houses``, when given): what
    close freezes (``account_snapshot.last_paid_on``) and an open month's bill shows."""
    scope, params = in_houses(db, houses)
    return {str(a): str(d)[:10] for a, d in db.execute_sql(
        f'SELECT account_id, MAX(paid_on) FROM "payment" WHERE {live_payment()} AND paid_on <= {param_mark(db)}{scope} '
        'GROUP BY account_id', (day.isoformat(), *params))}


@dataclass(slots=True)
class _Prepared:
    """What a close writes, prepared where the balances are computed (a worker process or this one): the packed
    snapshots (``db.snapshots``) of the accounts whose (service, supplier) pairs were numbered, the balances of the
    others (numbered and packed by the close), the PENALTY entries with their postings per account, advances and
    carries."""

    snapshots: list[tuple[str, bytes]] = field(default_factory=list)
    unnumbered: dict[tuple[str, str, str], dict[str, int]] = field(default_factory=dict)
    kept: int = 0
    penalties: list[tuple[str, EntryRow, list[PostingRow]]] = field(default_factory=list)
    advances: dict[str, int] = field(default_factory=dict)
    carries: dict[str, bytes] = field(default_factory=dict)
    last_paid: dict[str, str] = field(default_factory=dict)

    def add(self, balances: dict[tuple[str, str, str], dict[str, int]], period: Period,
            numbers: dict[tuple[str, str], int]) -> None:
        packed, unnumbered = pack_balances(balances, numbers)
        self.snapshots += packed
        self.unnumbered.update(unnumbered)
        self.kept += len(balances)
        self.penalties += penalty_rows(period, balances)

    def keep(self, other: "_Prepared") -> None:
        """What of a part the close writes after the last one: the snapshots (in account order), advances and last
        payment days (its PENALTY entries and carries are written as the part comes)."""
        self.snapshots += other.snapshots
        self.unnumbered.update(other.unnumbered)
        self.kept += other.kept
        self.advances.update(other.advances)
        self.last_paid.update(other.last_paid)


def prepared_parts(db: pw.Database, period: Period, *, workers: int = 1, url: str | None = None,
                   job: Job | None = None) -> Iterator[_Prepared]:
    """Every account's balances, advances and carries for the period, turned into the rows close writes, part by
    part: in this process (one part), or — with ``workers`` > 1, a ``url`` and at least ``MIN_ACCOUNTS_FOR_WORKERS``
    accounts — house by house in spawned processes, which also pack the snapshots and make the penalty entries
    (the same rows: a test compares the snapshots), so that the close's own process only writes them, each part
    as it comes (in house order), while the workers compute the next ones."""
    with db.atomic():  # the pairs the services are supplied by, numbered before the workers pack
        numbers = numbered(db, {(str(s), str(p)) for s, p in db.execute_sql(
            'SELECT id, supplier_id FROM "service" WHERE supplier_id IS NOT NULL')})
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
                    tasks.append((url, str(period), current, numbers))
                    current, count = [], 0
            if current:
                tasks.append((url, str(period), current, numbers))
            if job is not None:
                job.total(total)
            for part in pooled(_balances_of_houses, tasks, workers=min(workers, len(tasks))):
                if job is not None:
                    job.advance(len(part.advances))
                    job.check()
                yield part
            return
    prepared = _Prepared()
    balances = compute_balances(db, period, advances=prepared.advances, carries=prepared.carries, job=job)
    prepared.add(balances, period, numbers)
    prepared.last_paid = last_payments(db, period.last_day)
    yield prepared


@dataclass(frozen=True, slots=True)
class CloseResult:
    """A closed period and the snapshot rows written for it."""

    period: Period
    rows: int


def close_period(db: pw.Database, period: Period, *, actor: str | None = None, workers: int = 1,
                 url: str | None = None, job: Job | None = None, closed_on: date | None = None) -> CloseResult:
    """Write the snapshots and mark the period closed, in one transaction. The balances are computed in
    ``workers`` processes when worth it (``prepared_parts``) and each part's penalty entries and carries are written
    as it comes; nothing is committed until every part is written (a cancelled or failed close leaves the period
    open and nothing of it), and nothing if another unit of work wrote to the database meanwhile (the closing
    would miss it: repeat)."""
    if periods.is_closed(period):
        raise PeriodClosed(f"Период {period} уже закрыт", period=period)
    if not periods.can_close(period):
        raise PeriodClosed(f"Период {period} нельзя закрыть, пока не закрыты предыдущие периоды", period=period)
    missing = _houses_not_calculated(db, period)
    if missing:
        raise PeriodClosed(f"Период {period} нельзя закрыть: не рассчитано домов — {missing} "
                           f"(исправьте данные и выполните bcenter calc --period {period})", period=period)
    seen = _last_write(db)
    parts = prepared_parts(db, period, workers=workers, url=url, job=job)
    try:
        with UnitOfWork(action="registry.close", actor=actor, db=db, details={"period": str(period)}) as uow:
            periods.ensure_open(uow, period)
            prepared = _Prepared()
            for part in parts:
                penalties = sorted(part.penalties, key=lambda p: p[0])  # by account; keys given in that order
                LedgerWriter(uow).write([entry for _, entry, _ in penalties],
                                        postings=[p for _, _, postings in penalties for p in postings],
                                        fresh_keys=True)
                store_carries(uow.db, period, part.carries)
                prepared.keep(part)
            if job is not None:
                job.check()
            if _last_write(db, other_than=uow.id) != seen:  # a payment, a reading, a recalculation arrived meanwhile
                raise _written_meanwhile(period)
            numbers = numbered(db, {(s, p) for _, s, p in prepared.unnumbered})  # pairs met for the first time
            late, _ = pack_balances(prepared.unnumbered, numbers)
            insert_snapshots(uow, str(period), sorted(prepared.snapshots + late))
            advances, last_paid = prepared.advances, prepared.last_paid
            accounts = [(str(period), a, advances.get(a, 0), last_paid.get(a))
                        for a in sorted({a for a, v in advances.items() if v} | set(last_paid))]
            for start in range(0, len(accounts), 5000):
                uow.insert_rows(AccountSnapshot, ("period", "account_id", "advance", "last_paid_on"),
                                accounts[start:start + 5000])
            row = BillingPeriod.get(BillingPeriod.period == str(period))
            uow.update(BillingPeriod, row.id, state="closed", closed_at=utc_now_iso(), closed_by=uow.actor,
                       closed_on=closed_on)
    except (pw.OperationalError, sqlite3.OperationalError) as exc:
        # SQLite: a transaction that read before another one committed may not write after it («database is
        # locked» at once, without waiting): the same case as above, told the same way
        if "locked" in str(exc) and _last_write(db) != seen:
            raise _written_meanwhile(period) from exc
        raise
    finally:
        parts.close()  # a failed close: the worker processes are terminated with their pool
    return CloseResult(period, prepared.kept)


def penalty_rows(period: Period, balances: dict[tuple[str, str, str], dict[str, int]],
                 ) -> list[tuple[str, EntryRow, list[PostingRow]]]:
    """The PENALTY entry of each account with the month's accrual, with its postings: the «penalties» receivable
    per service × supplier; by account. No counter-posting on «revenue»: it would be the same amounts negated with no
    account, half the rows a close writes, and nothing reads it — the rule the charge lines follow already
    (docs/design.md «Ledger rows»); a supplier's penalty income is the sum of its «penalties» postings."""
    by_account: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for (account, service, supplier), values in sorted(balances.items()):
        if values["penalties"]:
            by_account[account].append((service, supplier, values["penalties"]))
    out = []
    for account, parts in by_account.items():
        entry = entry_row("PENALTY", period, account=account, reason=f"пени за {period.label_ru}")
        postings = []
        for service, supplier, amount in parts:
            postings.append(PostingRow(entry.id, "penalties", account, service, supplier, str(period), amount))
        out.append((account, entry, postings))
    return out


def _written_meanwhile(period: Period) -> PeriodClosed:
    return PeriodClosed(f"Период {period} не закрыт: пока считались сальдо, в базу записали новые данные — "
                        f"повторите bcenter close --period {period}", period=period)


def _last_write(db: pw.Database, *, other_than: str | None = None) -> int:
    """The outbox's last sequence number (of the rows of units of work other than ``other_than``): every write of
    the database leaves an outbox row, so an unchanged number means nothing was written."""
    if other_than is None:
        return int(db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0])
    row = db.execute_sql(f'SELECT seq FROM "outbox" WHERE unit_id <> {param_mark(db)} ORDER BY seq DESC LIMIT 1',
                         (db_id(other_than),)).fetchone()
    return int(row[0]) if row else 0


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
    note: str | None = None
    """Why there are no rows, for a person (set by the use case)."""


def balances_report(db: pw.Database, period: Period, *, job: Job | None = None) -> BalanceReport:
    """``bcenter balances``: stored snapshots of a closed period, else computed now."""
    names = {
        "account": {str(a): n for a, n in db.execute_sql('SELECT id, number FROM "account"')},
        "service": {str(a): e or str(a) for a, e in db.execute_sql('SELECT id, ext_id FROM "service"')},
        "supplier": {str(a): e or str(a) for a, e in db.execute_sql('SELECT id, ext_id FROM "supplier"')},
    }
    closed = periods.is_closed(period)
    if closed:
        data = {(a, s, p): dict(zip(COLUMNS, money)) for a, s, p, money in read_snapshots(db, str(period))}
    else:
        data = compute_balances(db, period, job=job)
    out = []
    for (a, s, p), values in sorted(data.items(), key=lambda kv: (names["account"].get(kv[0][0], ""),
                                                                   names["service"].get(kv[0][1], ""))):
        out.append(BalanceRow(names["account"].get(a, a), names["service"].get(s, s), names["supplier"].get(p, p),
                              **{f: values[f] for f in FIELDS}))
    return BalanceReport(period, closed, tuple(out))
