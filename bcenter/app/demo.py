"""The demo town."""
from __future__ import annotations

import secrets
from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.modules.demo.registry_file import SampleRegistry, write_sample_registry
from bcenter.modules.demo.service import DemoLedger, DemoResult, build_demo, build_demo_ledger


class DemoCases(UseCases):
    @use_case(P.DEMO_BUILD, "построение демо-города", writes=True)
    def build(self, *, accounts: int, seed: int = 1, until: Period | None = None,
              job: Job | None = None, payments: str = "estimates") -> DemoResult:
        """The town of ``accounts`` accounts, the same for the same seed, history up to ``until`` (default: the
        month before today); ``payments``: "estimates" (the generator's guess of the bills) or "bills" (none: the
        ledger pays the calculated bills — ``ledger(pay_bills=True)``)."""
        if payments not in ("estimates", "bills"):
            raise UsageError(f"--payments: estimates или bills, получено «{payments}»")
        self.app.system.ensure_initialized()
        until = until or Period.of(self.app.clock.today()) - 1
        return build_demo(self.db, accounts=accounts, seed=seed, until=until, actor=self.app.actor.user, job=job,
                          today=self.app.clock.today(), payments=payments)

    @use_case(P.DEMO_BUILD, "расчёт месяцев демо-города", writes=True)
    def ledger(self, *, until: Period, workers: int = 0, job: Job | None = None, pay_bills: bool = False,
               seed: int = 1) -> DemoLedger:
        """Every month of the history calculated and closed, the last one calculated and left open; with
        ``pay_bills`` each closed month's bills paid in the next month by the payers' habits (of ``seed``)."""
        return build_demo_ledger(self.db, until=until, workers=self.app.workers(workers), url=self.app.url,
                                 actor=self.app.actor.user, job=job, pay_bills_seed=seed if pay_bills else None)

    @use_case(P.DEMO_BUILD, "реестр платежей демо-города")
    def sample_registry(self, out: Path, *, until: Period, seed: int = 1) -> SampleRegistry:
        """A day's ``sber`` registry of the town's payers for the open month ``until`` (one line to an unknown
        account), to try ``bcenter payments import`` on."""
        return write_sample_registry(self.db, out, period=until, today=self.app.clock.today(), seed=seed)

    @use_case(P.DEMO_BUILD, "пользователи демо-города", writes=True)
    def users(self) -> list[tuple[str, str, str, str]]:
        """One user per role for the demo town — (login, full name, role, password) —, made once: none when the
        database has users already. The passwords are random (no credential lives in the code) and told once."""
        from bcenter.modules.users.accounts import add_user, list_users

        if list_users(self.db):
            return []
        made = []
        for login, name, role in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            add_user(self.db, login=login, full_name=name, roles=[role], password=password,
                     actor=self.app.actor.user)
            made.append((login, name, role, password))
        return made


DEMO_USERS = (("admin", "Администратор Демо", "administrator"), ("operator", "Оператор Демо", "operator"),
              ("buh", "Бухгалтер Демо", "accountant"), ("kassir", "Кассир Демо", "cashier"),
              ("pasport", "Паспортист Демо", "passport_officer"), ("kontroler", "Контролёр Демо", "meter_reader"),
              ("analitik", "Аналитик Демо", "analyst"))
"""The demo town's users: one per role."""

