"""Финансы: what accounts owe, the penalties on it, and the settlements with suppliers (contracts, transfers)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.jobs import Job
from bcenter.modules.cashdesk.owed import AccountOwed, account_owed
from bcenter.modules.finance import settlements as st
from bcenter.modules.finance.reports import DebtReport, PenaltyReport, debts, penalties
from bcenter.modules.registry.periods import data_span


class FinanceCases(UseCases):
    @use_case(P.FINANCE_READ, "просмотр долгов")
    def debts(self, *, as_of: date, account: str | None = None, job: Job | None = None) -> DebtReport:
        report = debts(self.db, as_of=as_of, number=account, job=job)
        if report.accounts:
            return report
        return replace(report, note=data_span(self.db).day_note(as_of) or (
            f"Долгов на {as_of:%d.%m.%Y} нет" + (f" по счёту {account}" if account else "")))

    @use_case(P.FINANCE_READ, "долг лицевого счёта по поставщикам и услугам")
    def owed(self, account: str) -> AccountOwed:
        """What the account owes today per supplier and service, penalties apart (what the kiosk takes)."""
        return account_owed(self.db, account, day=self.app.clock.today())

    @use_case(P.FINANCE_READ, "просмотр пеней")
    def penalties(self, *, as_of: date, account: str | None = None, job: Job | None = None) -> PenaltyReport:
        report = penalties(self.db, as_of=as_of, number=account, job=job)
        if report.accounts:
            return report
        return replace(report, note=data_span(self.db).day_note(as_of) or (
            f"Пеней на {as_of:%d.%m.%Y} нет" + (f" по счёту {account}" if account else "")))

    @use_case(P.FINANCE_READ, "расчёты с поставщиками")
    def settlements(self, *, as_of: date, job: Job | None = None) -> st.SettlementReport:
        """Collected, commission, fee, transferred and owed per supplier as of a day; late transfers (103-ФЗ)."""
        return st.settlements(self.db, as_of=as_of, job=job)

    @use_case(P.FINANCE_READ, "просмотр договоров с поставщиками")
    def contracts(self) -> list[st.ContractRow]:
        return st.list_contracts(self.db)

    @use_case(P.SETTLEMENTS_WRITE, "договор с поставщиком", writes=True)
    def add_contract(self, *, supplier: str, number: str, signed_on: date, valid_from: date,
                     valid_to: date | None = None, agent: bool = True, fee_percent: str = "0",
                     services: list[str] | None = None, note: str | None = None) -> str:
        return st.add_contract(self.db, supplier=supplier, number=number, signed_on=signed_on,
                               valid_from=valid_from, valid_to=valid_to, agent=agent, fee_percent=fee_percent,
                               services=services, note=note, actor=self.app.actor.user)

    @use_case(P.FINANCE_READ, "просмотр перечислений поставщикам")
    def transfers(self, *, supplier: str | None = None) -> list[st.TransferRow]:
        return st.list_transfers(self.db, supplier=supplier)

    @use_case(P.SETTLEMENTS_WRITE, "перечисление поставщику", writes=True)
    def add_transfer(self, *, supplier: str, amount: int, day: date, order_number: str | None = None,
                     note: str | None = None) -> str:
        return st.add_transfer(self.db, supplier=supplier, amount=amount, day=day, today=self.app.clock.today(),
                               order_number=order_number, note=note, actor=self.app.actor.user)

    @use_case(P.SETTLEMENTS_WRITE, "сторно перечисления", writes=True)
    def storno_transfer(self, transfer_id: str, *, reason: str) -> str:
        return st.storno_transfer(self.db, transfer_id, reason=reason, actor=self.app.actor.user)
