"""The application object: one database, one actor, one clock — and every use case, grouped by module.

Every face of bcenter (the CLI, the screens, the kiosk, the sync server) opens an ``App`` and calls its use cases;
none reaches a service, the database or the engine directly (``tests/test_architecture.py``). A use case checks the
actor's permission, runs with the application's database (several applications on several databases can live in
one process), and returns frozen dataclasses — kopecks, dates, periods; formatting is the face's job.

    with App.open("sqlite:///var/demo.db") as app:
        result = app.month.calc(Period(2026, 10))
"""
from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING

import peewee as pw

from bcenter.app.actor import Actor
from bcenter.core.clock import Clock, SystemClock
from db.connection import connect, default_url
from db.failures import plain_errors
from db.locks import DEFAULT_WAIT_S

if TYPE_CHECKING:  # pragma: no cover - the groups are imported when first used (below)
    from bcenter.app.bills import BillsCases
    from bcenter.app.demo import DemoCases
    from bcenter.app.exchange import ExchangeCases
    from bcenter.app.finance import FinanceCases
    from bcenter.app.month import MonthCases
    from bcenter.app.cash import CashCases
    from bcenter.app.claims import ClaimsCases
    from bcenter.app.collection import CollectionCases
    from bcenter.app.meters import MetersCases
    from bcenter.app.passport import PassportCases
    from bcenter.app.payments import PaymentsCases
    from bcenter.app.registry import RegistryCases
    from bcenter.app.reports import ReportsCases
    from bcenter.app.sync import SyncCases
    from bcenter.app.users import UsersCases
    from bcenter.app.system import SystemCases

__all__ = ["App"]


class App:
    """bcenter opened on a database, acting as ``actor``, with ``clock`` for «today».

    Groups: ``system`` (init, info, backup, restore), ``registry`` (search), ``demo``, ``exchange`` (import,
    export), ``month`` (calc, storno, close, charges, explain, balances), ``finance`` (debts, penalties),
    ``bills`` (print), ``payments`` (bank registries, the suspense queue), ``passport`` (the passport desk)."""

    GROUPS = ("system", "registry", "demo", "exchange", "month", "finance", "bills", "payments", "passport", "claims",
              "collection", "reports")

    def __init__(self, db: pw.Database, *, url: str, actor: Actor | None = None, clock: Clock | None = None,
                 lock_wait: float = DEFAULT_WAIT_S):
        self.db = db
        self.url = url
        self.actor = actor or Actor.local_administrator()
        self.clock = clock or SystemClock()
        self.lock_wait = lock_wait

    # Each group (and the services, PDF and schema libraries behind it) is imported when first used: a command
    # pays the start-up of its own module only (`bcenter info` does not load reportlab).
    @cached_property
    def system(self) -> "SystemCases":
        from bcenter.app.system import SystemCases
        return SystemCases(self)

    @cached_property
    def registry(self) -> "RegistryCases":
        from bcenter.app.registry import RegistryCases
        return RegistryCases(self)

    @cached_property
    def demo(self) -> "DemoCases":
        from bcenter.app.demo import DemoCases
        return DemoCases(self)

    @cached_property
    def exchange(self) -> "ExchangeCases":
        from bcenter.app.exchange import ExchangeCases
        return ExchangeCases(self)

    @cached_property
    def month(self) -> "MonthCases":
        from bcenter.app.month import MonthCases
        return MonthCases(self)

    @cached_property
    def finance(self) -> "FinanceCases":
        from bcenter.app.finance import FinanceCases
        return FinanceCases(self)

    @cached_property
    def bills(self) -> "BillsCases":
        from bcenter.app.bills import BillsCases
        return BillsCases(self)

    @cached_property
    def payments(self) -> "PaymentsCases":
        from bcenter.app.payments import PaymentsCases
        return PaymentsCases(self)

    @cached_property
    def cash(self) -> "CashCases":
        from bcenter.app.cash import CashCases
        return CashCases(self)

    @cached_property
    def meters(self) -> "MetersCases":
        from bcenter.app.meters import MetersCases
        return MetersCases(self)

    @cached_property
    def sync(self) -> "SyncCases":
        from bcenter.app.sync import SyncCases

        return SyncCases(self)

    @cached_property
    def claims(self) -> "ClaimsCases":
        from bcenter.app.claims import ClaimsCases
        return ClaimsCases(self)

    @cached_property
    def reports(self) -> "ReportsCases":
        from bcenter.app.reports import ReportsCases
        return ReportsCases(self)

    @cached_property
    def collection(self) -> "CollectionCases":
        from bcenter.app.collection import CollectionCases
        return CollectionCases(self)

    @cached_property
    def passport(self) -> "PassportCases":
        from bcenter.app.passport import PassportCases
        return PassportCases(self)

    @cached_property
    def users(self) -> "UsersCases":
        from bcenter.app.users import UsersCases
        return UsersCases(self)

    @classmethod
    def open(cls, url: str | None = None, *, actor: Actor | None = None, clock: Clock | None = None,
             lock_wait: float | None = None, create: bool = False) -> "App":
        """Connect to the database at ``url`` (default: ``$BCENTER_DB`` or the user's data directory) and bring its
        schema up to date. A database file that does not exist is created only with ``create`` (init, demo, import
        start one; anything else on a mistyped path is refused); another program's database or a newer schema is
        refused. ``lock_wait``: how long a writing job waits for another (default ``$BCENTER_LOCK_WAIT`` seconds,
        else 10)."""
        url = url or default_url()
        if lock_wait is None:
            lock_wait = float(os.environ.get("BCENTER_LOCK_WAIT", DEFAULT_WAIT_S))
        with plain_errors():
            db = connect(url, create=create)
        return cls(db, url=url, actor=actor, clock=clock, lock_wait=lock_wait)

    def as_actor(self, actor: Actor) -> "App":
        """The same database and clock, another actor (a screen's logged-in user)."""
        return App(self.db, url=self.url, actor=actor, clock=self.clock, lock_wait=self.lock_wait)

    @staticmethod
    def workers(asked: int) -> int:
        """Worker processes for a long job: as asked, or one per core for 0."""
        return asked if asked > 0 else (os.cpu_count() or 1)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> "App":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
