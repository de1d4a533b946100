"""Use cases of the demo town: build it through the exchange path, then give it the ledger an office would have.

The generator (``bcenter.modules.demo.town``) yields exchange documents; each is imported by the same importer a
migration uses, one unit of work per house — so an interrupted or cancelled build keeps whole houses only, and a
rerun with the same seed adds what is missing and changes nothing else.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.errors import BcenterError
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.modules.demo.bill_payments import pay_bills
from bcenter.modules.demo.calendar import HISTORY_MONTHS
from bcenter.modules.demo.contracts import add_demo_contracts
from bcenter.modules.demo.town import generate_town
from bcenter.modules.exchange.importer import Importer
from bcenter.modules.registry import periods
from bcenter.modules.registry.closing import close_period
from bcenter.modules.registry.month import run_month
from db.dialect import param_mark
from db.uow import UnitOfWork

__all__ = ["DemoLedger", "DemoResult", "build_demo", "build_demo_ledger"]


@dataclass(frozen=True, slots=True)
class DemoResult:
    """Rows written per table, objects already there, the last month of the history."""

    inserted: Mapping[str, int]
    unchanged: int
    until: Period


def build_demo(db: pw.Database, *, accounts: int, seed: int, until: Period, actor: str | None = None,
               job: Job | None = None, today: date | None = None, payments: str = "estimates") -> DemoResult:
    """Generate the demo town house by house and import it through the exchange path (one unit per house); ``job``
    counts accounts and may stop the build between houses. The town's history runs to the end of ``until`` — a
    month not over yet included — so its payments and readings are not «in the future» for the importer.

    ``payments``: ``"estimates"`` — the generator's payments, a guess of the bills (``demo/payments.py``: a town
    without a ledger has no bills); ``"bills"`` — none here: the ledger pays each month's calculated bill
    (``build_demo_ledger``, ``demo/bill_payments.py``). The rest of the town is the same either way."""
    today = max(today or date.today(), until.last_day)
    totals: dict[str, int] = {}
    unchanged = 0
    if job is not None:
        job.total(accounts)
    for doc in generate_town(accounts=accounts, seed=seed, until=str(until)):
        if job is not None:
            job.check()
        if payments == "bills":
            doc.pop("payments", None)
        with UnitOfWork(action="registry.demo", actor=actor, db=db, details={"seed": seed}) as uow:
            result = Importer(db, uow, today=today).run(doc)
        for table, n in result.inserted.items():
            totals[table] = totals.get(table, 0) + n
        unchanged += sum(result.unchanged.values())
        if job is not None:
            job.advance(len(doc.get("accounts", ())))
    added = add_demo_contracts(db, start=(until - (HISTORY_MONTHS - 1)).first_day, actor=actor)
    if added:
        totals["supplier_contract"] = totals.get("supplier_contract", 0) + added
    return DemoResult(totals, unchanged, until)


@dataclass(frozen=True, slots=True)
class DemoLedger:
    """The periods closed, the last one (calculated and left open), the payments of the bills written."""

    closed: tuple[Period, ...]
    open: Period
    payments: int = 0


def build_demo_ledger(db: pw.Database, *, until: Period, workers: int = 1, url: str | None = None,
                      actor: str | None = None, job: Job | None = None, pay_bills_seed: int | None = None,
                      ) -> DemoLedger:
    """The demo town's months as an office would have them: every month of the history calculated and closed in
    turn (balances, penalties), the last one calculated and left open. With ``pay_bills_seed`` each closed month's
    bills are paid in the next month by the payers' habits (``demo/bill_payments.py``) before it is calculated.

    Without it the town has fourteen months of payments and one month of charges: its money would all look paid
    ahead (an advance) and its bills would ask for nothing.
    """
    closed = []
    paid = 0
    mark = param_mark(db)
    if pay_bills_seed is not None and db.execute_sql(
            f'SELECT 1 FROM "payment" WHERE ext_id NOT LIKE {mark} AND ext_id NOT LIKE {mark} LIMIT 1',
            ("demo-bill-%", "registry:%")).fetchone():
        raise BcenterError("Демо-город уже построен с платежами по прикидке счетов (--payments estimates): "
                           "платежи по счетам легли бы поверх них. Постройте город в новой базе или добавьте "
                           "--payments estimates.")
    if job is not None:
        job.total(HISTORY_MONTHS)
    for period in Period.range(until - (HISTORY_MONTHS - 1), until + 1):
        if job is not None:
            job.check()
        if periods.is_closed(period):
            if pay_bills_seed is not None and period < until:  # (a run stopped between the close and the payments)
                paid += pay_bills(db, period, seed=pay_bills_seed, actor=actor)
            if job is not None:
                job.advance()
            continue
        result = run_month(db, period, workers=workers, url=url, actor=actor, job=None)
        if result.failed:
            raise BcenterError(f"Демо-город: период {period} рассчитан не полностью — домов с ошибками "
                               f"{len(result.failed)}")
        if period < until:
            # the town's history: each month closed on the first day of the next, as a settlement centre would
            close_period(db, period, workers=workers, url=url, actor=actor, closed_on=(period + 1).first_day)
            closed.append(period)
            if pay_bills_seed is not None:
                paid += pay_bills(db, period, seed=pay_bills_seed, actor=actor)
        if job is not None:
            job.advance()
    return DemoLedger(tuple(closed), until, paid)
