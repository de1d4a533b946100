"""The month: calculate, explain, reverse, close; the ledger's statements."""
from __future__ import annotations

from dataclasses import replace

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.modules.registry.periods import MonthOverview, data_span, overview, state
from bcenter.modules.registry.closing import BalanceReport, CloseResult, balances_report, close_period
from bcenter.modules.registry.month import MonthResult, run_month
from bcenter.modules.registry.statements import ChargeStatement, Explanation, charge_lines, explain
from bcenter.modules.registry.storno import StornoResult, storno_charges


class MonthCases(UseCases):
    def _not_ahead(self, period: Period, what: str) -> None:
        """A month that has not begun is not calculated, reversed or closed (nothing would be written but a
        period row and a run record)."""
        now = Period.of(self.app.clock.today())
        if period > now:
            raise UsageError(f"{what}: период {period} ещё не наступил (сейчас {now})")

    @use_case(P.MONTH_CALC, "месяцы и их расчёты")
    def overview(self) -> MonthOverview:
        """The month to calculate, the last closed one, the open ones and the latest runs (the month screen)."""
        self.app.system.ensure_initialized()
        return overview(Period.of(self.app.clock.today()))

    @use_case(P.MONTH_CALC, "расчёт месяца", writes=True)
    def calc(self, period: Period, *, workers: int = 0, job: Job | None = None) -> MonthResult:
        """Charges of ``period`` and recalculation of earlier periods whose inputs changed (ARCHITECTURE.md §3)."""
        self._not_ahead(period, "расчёт")
        self.app.system.ensure_initialized()
        return run_month(self.db, period, actor=self.app.actor.user, job=job, workers=self.app.workers(workers),
                         url=self.app.url)

    @use_case(P.MONTH_STORNO, "сторно начислений", writes=True)
    def storno(self, period: Period, *, reason: str, account: str | None = None) -> StornoResult:
        """Reverse the open period's charges and recalculations (of one account or all); the next calc charges
        afresh."""
        self._not_ahead(period, "сторно")
        self.app.system.ensure_initialized()
        return storno_charges(self.db, period, reason=reason, account=account, actor=self.app.actor.user)

    @use_case(P.MONTH_CLOSE, "закрытие периода", writes=True)
    def close(self, period: Period, *, workers: int = 0, job: Job | None = None) -> CloseResult:
        """Balance snapshots and penalties of the period; nothing is posted into it afterwards."""
        self._not_ahead(period, "закрытие")
        return close_period(self.db, period, actor=self.app.actor.user, workers=self.app.workers(workers),
                            url=self.app.url, job=job, closed_on=self.app.clock.today())

    @use_case(P.LEDGER_READ, "просмотр начислений")
    def charges(self, period: Period, *, account: str | None = None) -> ChargeStatement:
        statement = charge_lines(self.db, period, account=account)
        if statement.lines:
            return statement
        now = Period.of(self.app.clock.today())
        return replace(statement, note=data_span(self.db, now).period_note(period) or (
            f"Начислений за {period} нет" + (f" по счёту {account}" if account else "")
            + (f": период не рассчитан (bcenter calc --period {period})"
               if state(period) is None and period <= now else "")))

    @use_case(P.LEDGER_READ, "просмотр начислений")
    def explain(self, period: Period, *, account: str) -> Explanation:
        return explain(self.db, account=account, period=period)

    @use_case(P.LEDGER_READ, "просмотр сальдо")
    def balances(self, period: Period, *, job: Job | None = None) -> BalanceReport:
        report = balances_report(self.db, period, job=job)
        if report.rows:
            return report
        return replace(report, note=data_span(self.db, Period.of(self.app.clock.today())).period_note(period)
                       or f"Сальдо за {period} нет")
