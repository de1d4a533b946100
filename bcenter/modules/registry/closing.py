"""Closing a period: a balance snapshot per account × service × supplier, then nothing more is posted into it.

Snapshot (ARCHITECTURE.md §3): opening (the previous closed period's closing, or the migrated opening balance),
charged (the month's charges and common-property lines), recalculated (recalculation lines posted in it),
quality (reductions for quality and absence), benefits, paid (money applied to that service and supplier as of
the month's last day less what earlier snapshots counted as paid — so a payment made ahead counts in the month whose
charges take it, and one dated in a closed month but recorded later counts in the open month), penalties (accrued in
the month: the penalty as of its last day — ч. 14, 14.1 ст. 155 ЖК РФ, with today's knowledge of charges and payments — less the penalties posted into earlier periods, so a
recalculation of an old month corrects its penalty too; posted at closing as a PENALTY entry per account), closing =
opening + charged + recalculated + quality + benefits − paid + penalties. ``closing(P) == opening(P+1)``
holds by construction. An overpayment not yet applied to any charge (an advance) stays with the payment and is
applied when later charges appear; it is not in the per-service snapshot but in the account snapshot (with the
day of the last payment), which the period's bill prints.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import peewee as pw

from bcenter.core.errors import PeriodClosed
from bcenter.core.ids import uuid7
from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.modules.finance.position import SYNTHETIC, Finance
from bcenter.modules.registry import periods
from db.dialect import param_mark
from bcenter.modules.registry.month import ENTRY_COLUMNS
from bcenter.modules.registry.storno import FORGOTTEN
from db.models import AccountSnapshot, BalanceSnapshot, BillingPeriod, JournalEntry, Posting
from db.uow import UnitOfWork, utc_now_iso

FIELDS = ("opening", "charged", "recalculated", "quality", "benefits", "paid", "penalties", "closing")
KIND_FIELD = {"charge": "charged", "common_property": "charged", "recalc": "recalculated", "quality": "quality",
              "absence": "quality", "benefit": "benefits"}


def account_scope(db: pw.Database, houses: Sequence[str] | None, column: str = "account_id") -> tuple[str, tuple]:
    """``AND <column> IN (accounts of these houses)`` and its parameters; nothing when ``houses`` is None."""
    if houses is None:
        return "", ()
    marks = ", ".join([param_mark(db)] * len(houses))
    return (f' AND {column} IN (SELECT sa.id FROM "account" sa JOIN "premises" sp ON sp.id = sa.premises_id '
            f'WHERE sp.house_id IN ({marks}))', tuple(houses))


def compute_balances(db: pw.Database, period: Period, *, houses: Sequence[str] | None = None,
                     finance: Finance | None = None, advances: dict[str, int] | None = None,
                     ) -> dict[tuple[str, str, str], dict[str, int]]:
    """Balances of a period per (account, service, supplier) UUIDs, from the ledger, payments and the previous one
    (the accounts of ``houses`` only, when given: each account's balance depends on that account alone).
    ``advances``, when given, receives each account's real money taken by no charge at the period's end."""
    mark = param_mark(db)
    scope, scope_params = account_scope(db, houses)
    o_scope, _ = account_scope(db, houses, "o.account_id")
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
            f'SELECT account_id, service_id, supplier_id, kind, SUM(amount) FROM "charge_line" WHERE period = {mark}'
            f'{scope} GROUP BY account_id, service_id, supplier_id, kind', (str(period), *scope_params)):
        rows[(str(account), str(service), str(supplier))][KIND_FIELD[kind]] += int(amount)
    finance = finance or Finance(db)
    accounts = {key[0] for key in rows}
    accounts |= {str(a) for (a,) in db.execute_sql(
        f'SELECT DISTINCT account_id FROM "payment" WHERE paid_on >= {mark} AND paid_on < {mark}{scope}',
        (period.first_day.isoformat(), period.end.isoformat(), *scope_params))}
    posted_penalties: dict[tuple[str, str, str], int] = defaultdict(int)
    for account, service, supplier, amount in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, SUM(amount) FROM "posting" WHERE ledger_account = '
            f'\'penalties\' AND period < {mark}{scope} GROUP BY account_id, service_id, supplier_id',
            (str(period), *scope_params)):
        posted_penalties[(str(account), str(service), str(supplier))] = int(amount)
    paid_before: dict[tuple[str, str, str], int] = {}
    paid_keys: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for account, service, supplier, amount in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, SUM(paid) FROM "balance_snapshot" WHERE period < {mark}'
            f'{scope} GROUP BY account_id, service_id, supplier_id', (str(period), *scope_params)):
        key = (str(account), str(service), str(supplier))
        paid_before[key] = int(amount)
        paid_keys[key[0]].add(key)
    accounts |= set(paid_keys)
    posted_keys: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for key in posted_penalties:
        posted_keys[key[0]].add(key)
    accounts |= set(posted_keys)
    numbers = dict(finance.account_numbers()) if accounts and houses is None else {}
    for account in sorted(accounts):
        position = finance.position(account, numbers.get(account, ""), as_of=period.last_day)
        application = finance.application(position, as_of=period.last_day)
        if advances is not None:
            advances[account] = finance.advance(application)
        applied: dict[tuple[str, str, str], int] = defaultdict(int)
        for part in application.applied:
            if not part.payment_id.startswith(SYNTHETIC):  # a month's negative net or a migrated advance: not paid
                applied[(account, part.service, part.supplier)] += part.amount
        for key in set(applied) | paid_keys.get(account, set()):
            if applied.get(key, 0) != paid_before.get(key, 0):
                rows[key]["paid"] += applied.get(key, 0) - paid_before.get(key, 0)
        supplier_of = {(c.period, c.service): c.supplier for c in position.charges}
        due: dict[tuple[str, str, str], int] = defaultdict(int)
        for row in finance.penalty_rows(position, application, as_of=period.last_day):
            due[(account, row.service, supplier_of[(row.period, row.service)])] += row.amount
        for key in set(due) | posted_keys.get(account, set()):
            accrued = due.get(key, 0) - posted_penalties.get(key, 0)
            if accrued:
                rows[key]["penalties"] += accrued
    for values in rows.values():
        values["closing"] = (values["opening"] + values["charged"] + values["recalculated"] + values["quality"]
                             + values["benefits"] - values["paid"] + values["penalties"])
    return {k: v for k, v in rows.items() if any(v.values())}


MIN_ACCOUNTS_FOR_WORKERS = 1000
"""Below this many accounts the worker processes cost more to start than they save."""


def _balances_of_houses(task: tuple[str, str, list[str]]) -> tuple[dict, dict[str, int]]:
    """A worker's share of a close: the balances and advances of some houses (each account's depend on it alone)."""
    from db.connection import open_database

    url, period, houses = task
    advances: dict[str, int] = {}
    return compute_balances(open_database(url), Period.parse(period), houses=houses, advances=advances), advances


def all_balances(db: pw.Database, period: Period, *, workers: int = 1, url: str | None = None,
                 ) -> tuple[dict[tuple[str, str, str], dict[str, int]], dict[str, int]]:
    """Every account's balances and advances for the period: in this process, or — with ``workers`` > 1, a ``url``
    and at least ``MIN_ACCOUNTS_FOR_WORKERS`` accounts — house by house in spawned processes (the same result:
    a test compares the snapshots)."""
    advances: dict[str, int] = {}
    if workers > 1 and url:
        houses = [(str(h), int(n)) for h, n in db.execute_sql(
            'SELECT p.house_id, COUNT(*) FROM "account" a JOIN "premises" p ON p.id = a.premises_id '
            'GROUP BY p.house_id ORDER BY p.house_id')]
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
            import multiprocessing

            balances: dict[tuple[str, str, str], dict[str, int]] = {}
            with multiprocessing.get_context("spawn").Pool(min(workers, len(tasks))) as pool:
                for rows, found in pool.imap_unordered(_balances_of_houses, tasks):
                    balances.update(rows)
                    advances.update(found)
            return balances, advances
    return compute_balances(db, period, advances=advances), advances


def close_period(db: pw.Database, period: Period, *, actor: str | None = None, workers: int = 1,
                 url: str | None = None) -> int:
    """Write the snapshots and mark the period closed; returns the number of snapshot rows. The balances are
    computed in ``workers`` processes when worth it (``all_balances``)."""
    if periods.is_closed(period):
        raise PeriodClosed(f"Период {period} уже закрыт", period=period)
    if not periods.can_close(period):
        raise PeriodClosed(f"Период {period} нельзя закрыть, пока не закрыты предыдущие периоды", period=period)
    missing = _houses_not_calculated(db, period)
    if missing:
        raise PeriodClosed(f"Период {period} нельзя закрыть: не рассчитано домов — {missing} "
                           f"(исправьте данные и выполните bcenter calc --period {period})", period=period)
    balances, advances = all_balances(db, period, workers=workers, url=url)
    mark = param_mark(db)
    last_paid = {str(a): str(d)[:10] for a, d in db.execute_sql(
        f'SELECT account_id, MAX(paid_on) FROM "payment" WHERE amount > 0 AND paid_on <= {mark} GROUP BY account_id',
        (period.last_day.isoformat(),))}
    with UnitOfWork(action="registry.close", actor=actor, db=db, details={"period": str(period)}) as uow:
        periods.ensure_open(uow, period)
        rows = [(uuid7(), str(period), a, s, p, *(v[f] for f in FIELDS)) for (a, s, p), v in sorted(balances.items())]
        for start in range(0, len(rows), 5000):
            uow.insert_rows(BalanceSnapshot, ("id", "period", "account_id", "service_id", "supplier_id", *FIELDS),
                            rows[start:start + 5000])
        accounts = [(uuid7(), str(period), a, advances.get(a, 0), last_paid.get(a))
                    for a in sorted({a for a, v in advances.items() if v} | set(last_paid))]
        for start in range(0, len(accounts), 5000):
            uow.insert_rows(AccountSnapshot, ("id", "period", "account_id", "advance", "last_paid_on"),
                            accounts[start:start + 5000])
        _post_penalties(uow, period, balances)
        row = BillingPeriod.get(BillingPeriod.period == str(period))
        uow.update(BillingPeriod, row.id, state="closed", closed_at=utc_now_iso(), closed_by=uow.actor)
    return len(rows)


def _post_penalties(uow: UnitOfWork, period: Period, balances: dict[tuple[str, str, str], dict[str, int]]) -> None:
    """A PENALTY entry per account with the month's accrual: «penalties» receivable per service × supplier against
    revenue (the entry's postings sum to zero)."""
    by_account: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for (account, service, supplier), values in sorted(balances.items()):
        if values["penalties"]:
            by_account[account].append((service, supplier, values["penalties"]))
    entries, postings = [], []
    today, now = period.last_day.isoformat(), utc_now_iso()
    for account, parts in by_account.items():
        entry = uuid7()
        entries.append((entry, "PENALTY", str(period), today, now, account, None, None,
                        f"пени за {period.label_ru}", None, None))
        for service, supplier, amount in parts:
            postings.append((uuid7(), entry, "penalties", account, service, supplier, str(period), amount))
            postings.append((uuid7(), entry, "revenue", None, service, supplier, str(period), -amount))
    for start in range(0, len(entries), 5000):
        uow.insert_rows(JournalEntry, ENTRY_COLUMNS, entries[start:start + 5000])
    for start in range(0, len(postings), 10000):
        uow.insert_rows(Posting, ("id", "entry_id", "ledger_account", "account_id", "service_id", "supplier_id",
                                  "period", "amount"), postings[start:start + 10000])


def _houses_not_calculated(db: pw.Database, period: Period) -> int:
    """Houses with accounts open in the period that the month run has not calculated for it (or whose charges
    were reversed by a storno since)."""
    mark = param_mark(db)
    row = db.execute_sql(
        f'SELECT COUNT(DISTINCT p.house_id) FROM "account" a JOIN "premises" p ON p.id = a.premises_id '
        f'WHERE a.opened < {mark} AND (a.closed IS NULL OR a.closed > {mark}) AND NOT EXISTS '
        f'(SELECT 1 FROM "calc_state" c WHERE c.house_id = p.house_id AND c.period = {mark} '
        f'AND c.basis_hash <> {mark})',
        (period.end.isoformat(), period.first_day.isoformat(), str(period), FORGOTTEN)).fetchone()
    return int(row[0])


def balances_report(db: pw.Database, period: Period) -> dict:
    """``bcenter balances --json``: stored snapshots of a closed period, else computed now."""
    mark = param_mark(db)
    names = {
        "account": {str(a): n for a, n in db.execute_sql('SELECT id, number FROM "account"')},
        "service": {str(a): e or str(a) for a, e in db.execute_sql('SELECT id, ext_id FROM "service"')},
        "supplier": {str(a): e or str(a) for a, e in db.execute_sql('SELECT id, ext_id FROM "supplier"')},
    }
    if periods.is_closed(period):
        data = {(str(a), str(s), str(p)): dict(zip(FIELDS, map(int, values))) for a, s, p, *values in db.execute_sql(
            f'SELECT account_id, service_id, supplier_id, {", ".join(FIELDS)} FROM "balance_snapshot" '
            f'WHERE period = {mark}', (str(period),))}
    else:
        data = compute_balances(db, period)
    out = []
    for (a, s, p), values in sorted(data.items(), key=lambda kv: (names["account"].get(kv[0][0], ""),
                                                                   names["service"].get(kv[0][1], ""))):
        out.append({"account": names["account"].get(a, a), "service": names["service"].get(s, s),
                    "supplier": names["supplier"].get(p, p),
                    **{f: format_kop(values[f]) for f in FIELDS if f not in ("quality", "benefits")},
                    "quality": format_kop(values["quality"]), "benefits": format_kop(values["benefits"])})
    return {"period": str(period), "closed": periods.is_closed(period), "accounts": out}
