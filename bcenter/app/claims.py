"""Учёт претензий (issue 19): residents' requests with deadlines by kind, their assignment and history, the report
of deadlines kept and missed; acts of interruptions and poor quality that the month's run turns into reductions
(ПП 354, Приложение 1) and names in the recalculation."""
from __future__ import annotations

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import NotFound
from dataclasses import dataclass
from datetime import date, datetime

from pathlib import Path

from bcenter.modules.claims import acts, attachments, intake, requests
from bcenter.modules.claims.requests import KindTally, Request
from db.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class RequestStatus:
    number: str
    kind: str
    state: str
    deadline_at: datetime
    closed_at: datetime | None
    answer: str | None


class ClaimsCases(UseCases):
    def _unit(self, action: str) -> UnitOfWork:
        return UnitOfWork(action=action, db=self.db, actor=self.app.actor.user)

    @use_case(P.CLAIMS_TAKE, "новая заявка", writes=True)
    def add(self, *, kind: str, text: str, account: str | None = None, house: str | None = None,
            channel: str = "phone", intake_key: str | None = None) -> Request:
        """Register a request of ``kind`` for an account's premises or a house; its deadline comes from the kind.
        ``intake_key`` (a portal's «name:Idempotency-Key»): a request posted again is the one registered before."""
        self.app.system.ensure_initialized()
        requests.ensure_kinds(self.db, actor=self.app.actor.user)
        if intake_key is not None and (number := intake.known(self.db, intake_key)) is not None:
            return self._one(number)
        with self._unit("claims.add") as uow:
            number = requests.add(uow, self.db, kind=kind, text=text, account=account, house=house,
                                  channel=channel, now=self.app.clock.now(), author=self.app.actor.user,
                                  intake_key=intake_key)
        return self._one(number)

    @use_case(P.SYSTEM_SETUP, "доступ портала к приёму заявок")
    def portal_token(self, name: str) -> str:
        """A portal allowed to post requests (``bcenter claims intake``): its token, shown once."""
        self.app.system.ensure_initialized()
        return intake.new_client(self.db, name)

    @use_case(P.CLAIMS_WRITE, "приём заявок: повтор")
    def known(self, intake_key: str) -> str | None:
        """The number of the request a portal already posted under this key."""
        return intake.known(self.db, intake_key)

    @use_case(P.CLAIMS_WRITE, "приём заявок: проверка портала")
    def portal(self, token: str | None) -> str | None:
        """The portal a token belongs to, or None."""
        return intake.client_of(self.db, token)

    def _one(self, number: str) -> Request:  # read inside a use case that checked its permission
        return next(r for r in requests.listing(self.db, now=self.app.clock.now(), which="all") if r.number == number)

    @use_case(P.CLAIMS_WRITE, "заявка: поручить", writes=True)
    def assign(self, number: str, *, assignee: str, note: str | None = None) -> Request:
        with self._unit("claims.assign") as uow:
            requests.step(uow, self.db, number, state="assigned", assignee=assignee, note=note,
                          actor=self.app.actor.user, now=self.app.clock.now())
        return self._one(number)

    @use_case(P.CLAIMS_WRITE, "заявка: комментарий", writes=True)
    def comment(self, number: str, *, note: str) -> Request:
        current = self._one(number)
        with self._unit("claims.comment") as uow:
            requests.step(uow, self.db, number, state=current.state, note=note, assignee=current.assignee,
                          actor=self.app.actor.user, now=self.app.clock.now())
        return self._one(number)

    @use_case(P.CLAIMS_WRITE, "заявка: закрыть", writes=True)
    def close(self, number: str, *, note: str) -> Request:
        with self._unit("claims.close") as uow:
            requests.step(uow, self.db, number, state="closed", note=note, actor=self.app.actor.user,
                          now=self.app.clock.now())
        return self._one(number)

    @use_case(P.CLAIMS_WRITE, "заявка: вложение", writes=True)
    def attach(self, number: str, path: Path) -> Path:
        """Keep a file with the request (PDF, JPEG, PNG up to 10 MB); its history names it."""
        cid, state = requests.claim_of(self.db, number)
        with self._unit("claims.attach") as uow:
            return attachments.attach(uow, self.db, cid, state, path, actor=self.app.actor.user,
                                      now=self.app.clock.now())

    @use_case(P.CLAIMS_WRITE, "заявки: список")
    def listing(self, which: str = "open") -> list[Request]:
        """``open``, ``new``, ``overdue``, ``mine`` (the actor's), ``all`` — by deadline."""
        return requests.listing(self.db, now=self.app.clock.now(), which=which, assignee=self.app.actor.user)

    @use_case(P.CLAIMS_WRITE, "виды заявок и сроки")
    def kinds(self) -> list[requests.Kind]:
        requests.ensure_kinds(self.db, actor=self.app.actor.user)
        return requests.kinds(self.db)

    @use_case(P.SYSTEM_SETUP, "срок исполнения вида заявок", writes=True)
    def set_deadline(self, code: str, *, hours: int | None = None, working_days: int | None = None,
                     basis: str | None = None) -> requests.Kind:
        """A kind's deadline changed (the administrator): requests taken from now on get it; audited, synced."""
        requests.ensure_kinds(self.db, actor=self.app.actor.user)
        with self._unit("claims.kind") as uow:
            return requests.set_deadline(uow, self.db, code, hours=hours, working_days=working_days, basis=basis)

    @use_case(P.CLAIMS_READ, "состояние заявки")
    def status(self, number: str) -> RequestStatus:
        """What a resident may be told of a request by its number (the kiosk): its kind, state, deadline and the
        answer when closed — not its text, place or who took it."""
        number = number.strip()
        if not number.startswith("З-"):
            number = f"З-{number}"
        found = next((r for r in requests.listing(self.db, now=self.app.clock.now(), which="all")
                      if r.number == number), None)
        if found is None:
            raise NotFound(f"Нет заявки № {number}")
        answer = None
        if found.state == "closed":
            answer = next((h[4] for h in reversed(requests.history(self.db, number)) if h[2] == "closed"), None)
        return RequestStatus(found.number, found.kind_name, requests.STATES[found.state], found.deadline_at,
                             found.closed_at, answer)

    @use_case(P.CLAIMS_WRITE, "заявка: история")
    def history(self, number: str) -> list[tuple]:
        return requests.history(self.db, number)

    @use_case(P.CLAIMS_WRITE, "заявки: соблюдение сроков")
    def deadlines(self, *, start: date, end: date) -> list[KindTally]:
        return requests.deadline_report(self.db, start=start, end=end, now=self.app.clock.now())

    @use_case(P.CLAIMS_WRITE, "акт о перерыве или ненадлежащем качестве", writes=True)
    def act(self, *, service: str, start: str, end: str, kind: str = "interruption", house: str | None = None,
            account: str | None = None, measured: str | None = None, note: str | None = None,
            request: str | None = None, entrance: int | None = None) -> str:
        """Draw up an act for a house or the premises of an account (``request``: the request it answers — linked,
        and its history says so); returns its number. The next month run reduces the charges of the months it
        touches, the act named as the reason."""
        self.app.system.ensure_initialized()
        with UnitOfWork(action="claims.act", db=self.db, actor=self.app.actor.user) as uow:
            number = acts.draw_up(uow, self.db, service=service, start=start, end=end, kind=kind, house=house,
                                  account=account, measured=measured, note=note, entrance=entrance)
            if request is not None:
                requests.link_act(uow, self.db, request, act=number, actor=self.app.actor.user,
                                  now=self.app.clock.now())
            return number

    @use_case(P.CLAIMS_WRITE, "акт: окончание раньше", writes=True)
    def close_act(self, number: str, *, end: str) -> str:
        """The service was restored sooner: the act repeated with the earlier end (its number «…/1»)."""
        self.app.system.ensure_initialized()
        with UnitOfWork(action="claims.act.close", db=self.db, actor=self.app.actor.user) as uow:
            return acts.close_earlier(uow, self.db, number, end=end)
