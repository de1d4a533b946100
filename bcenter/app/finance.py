"""Финансы: what accounts owe, and the penalties on it."""
from __future__ import annotations

from datetime import date

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.jobs import Job
from bcenter.modules.finance.reports import DebtReport, PenaltyReport, debts, penalties


class FinanceCases(UseCases):
    @use_case(P.FINANCE_READ, "просмотр долгов")
    def debts(self, *, as_of: date, account: str | None = None, job: Job | None = None) -> DebtReport:
        return debts(self.db, as_of=as_of, number=account, job=job)

    @use_case(P.FINANCE_READ, "просмотр пеней")
    def penalties(self, *, as_of: date, account: str | None = None, job: Job | None = None) -> PenaltyReport:
        return penalties(self.db, as_of=as_of, number=account, job=job)
