"""Учёт претензий (issue 19, first step): acts of interruptions and poor quality that the month's run turns into
reductions (ПП 354, Приложение 1) and names in the recalculation."""
from __future__ import annotations

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.modules.claims import acts
from db.uow import UnitOfWork


class ClaimsCases(UseCases):
    @use_case(P.CLAIMS_WRITE, "акт о перерыве или ненадлежащем качестве", writes=True)
    def act(self, *, service: str, start: str, end: str, kind: str = "interruption", house: str | None = None,
            account: str | None = None, measured: str | None = None, note: str | None = None) -> str:
        """Draw up an act for a house or the premises of an account; returns its number. The next month run
        reduces the charges of the months it touches, the act named as the reason."""
        self.app.system.ensure_initialized()
        with UnitOfWork(action="claims.act", db=self.db, actor=self.app.actor.user) as uow:
            return acts.draw_up(uow, self.db, service=service, start=start, end=end, kind=kind, house=house,
                                account=account, measured=measured, note=note)

    @use_case(P.CLAIMS_WRITE, "акт: окончание раньше", writes=True)
    def close_act(self, number: str, *, end: str) -> str:
        """The service was restored sooner: the act repeated with the earlier end (its number «…/1»)."""
        self.app.system.ensure_initialized()
        with UnitOfWork(action="claims.act.close", db=self.db, actor=self.app.actor.user) as uow:
            return acts.close_earlier(uow, self.db, number, end=end)
