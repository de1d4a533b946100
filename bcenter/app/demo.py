"""The demo town."""
from __future__ import annotations

from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.modules.demo.registry_file import SampleRegistry, write_sample_registry
from bcenter.modules.demo.service import DemoLedger, DemoResult, build_demo, build_demo_ledger


class DemoCases(UseCases):
    @use_case(P.DEMO_BUILD, "построение демо-города", writes=True)
    def build(self, *, accounts: int, seed: int = 1, until: Period | None = None,
              job: Job | None = None) -> DemoResult:
        """The town of ``accounts`` accounts, the same for the same seed, history up to ``until`` (default: the
        month before today)."""
        self.app.system.ensure_initialized()
        until = until or Period.of(self.app.clock.today()) - 1
        return build_demo(self.db, accounts=accounts, seed=seed, until=until, actor=self.app.actor.user, job=job,
                          today=self.app.clock.today())

    @use_case(P.DEMO_BUILD, "расчёт месяцев демо-города", writes=True)
    def ledger(self, *, until: Period, workers: int = 0, job: Job | None = None) -> DemoLedger:
        """Every month of the history calculated and closed, the last one calculated and left open."""
        return build_demo_ledger(self.db, until=until, workers=self.app.workers(workers), url=self.app.url,
                                 actor=self.app.actor.user, job=job)

    @use_case(P.DEMO_BUILD, "реестр платежей демо-города")
    def sample_registry(self, out: Path, *, until: Period, seed: int = 1) -> SampleRegistry:
        """A day's ``sber`` registry of the town's payers for the open month ``until`` (one line to an unknown
        account), to try ``bcenter payments import`` on."""
        return write_sample_registry(self.db, out, period=until, today=self.app.clock.today(), seed=seed)
