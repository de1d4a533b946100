"""Претензионно-исковая работа (issue 20): debtor lists by saved criteria and their CSV, notices to debtors
(напоминание, предупреждение об ограничении, претензия) with their delivery, court cases from the application for a
судебный приказ to enforcement, money recovered on them, write-offs, and every document numbered and reprinted byte
for byte. The rules are ``bcenter.engine.collection``; the amounts are those of ``finance.debts``/``penalties``."""
from __future__ import annotations

from datetime import date

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.jobs import Job
from bcenter.modules.collection import cases, debtors, notices
from bcenter.modules.collection.cases import Case, CaseSummary, Recovered
from bcenter.modules.collection.debtors import Criteria, DebtorRow
from bcenter.modules.collection.notices import DocumentRow, Issued
from db.uow import UnitOfWork

INCLUDE_BARRED_LABEL = cases.INCLUDE_BARRED_LABEL
"""The screen's mark for ``open_case(include_barred=True)``: the refusals name it."""


class CollectionCases(UseCases):
    def _unit(self, action: str, **details) -> UnitOfWork:
        return UnitOfWork(action=action, db=self.db, actor=self.app.actor.user, details=details or None)

    # --- debtors --------------------------------------------------------------------------------------------------
    @use_case(P.COLLECTION_READ, "список должников")
    def debtors(self, criteria: Criteria | None = None, *, saved: str | None = None, as_of: date | None = None,
                job: Job | None = None) -> list[DebtorRow]:
        """Accounts whose overdue debt meets ``criteria`` (or the saved list ``saved``) on ``as_of`` (today)."""
        if saved is not None:
            criteria = debtors.saved_filter(self.db, saved)
        return debtors.debtors(self.db, criteria or Criteria(), as_of=as_of or self.app.clock.today(), job=job)

    @use_case(P.COLLECTION_READ, "список должников для обзвона и рассылки")
    def debtors_csv(self, rows: list[DebtorRow], *, contacts: bool = False) -> str:
        """The list as CSV; ``contacts`` adds the payers' phones and e-mails — only for a role that may see personal
        data (every payer shown is audited)."""
        if contacts:
            self.app.actor.require(P.PERSONAL_DATA_VIEW, "телефоны и e-mail должников")
            rows = self._with_contacts(rows)
        return debtors.to_csv(rows)

    def _with_contacts(self, rows: list[DebtorRow]) -> list[DebtorRow]:
        import dataclasses

        from bcenter.modules.collection.accounts import accounts_info
        from db.dialect import db_id, param_mark
        from db.sealing import keyring

        info = accounts_info(self.db, [r.account for r in rows])
        out, shown = [], []
        ring = keyring()
        for row in rows:
            person = info[row.account].person
            found = {}
            if person is not None:
                sealed = self.db.execute_sql(f'SELECT sealed FROM "person" WHERE id = {param_mark(self.db)}',
                                             (db_id(person),)).fetchone()
                if sealed and sealed[0]:
                    data = ring.unseal(sealed[0])
                    found = {"phone": data.get("phone"), "email": data.get("email")}
                    shown.append(person)
            out.append(dataclasses.replace(row, contacts=found))
        with self._unit("collection.debtors.contacts", count=len(shown)) as uow:
            uow.viewed("person", shown, purpose="список должников: телефоны и e-mail")
        return out

    @use_case(P.COLLECTION_WRITE, "сохранить список должников", writes=True)
    def save_list(self, name: str, criteria: Criteria) -> str:
        with self._unit("collection.debtors.save", name=name) as uow:
            return debtors.save_filter(uow, self.db, name, criteria, author=self.app.actor.user)

    @use_case(P.COLLECTION_READ, "сохранённые списки должников")
    def lists(self) -> dict[str, Criteria]:
        return debtors.saved_filters(self.db)

    # --- notices --------------------------------------------------------------------------------------------------
    @use_case(P.COLLECTION_WRITE, "документ должнику", writes=True)
    def notice(self, account: str, *, kind: str, service: str | None = None, as_of: date | None = None) -> Issued:
        """Issue a reminder, a restriction warning (``service``: hot water, electricity, gas) or a pre-trial claim."""
        day = as_of or self.app.clock.today()
        with self._unit("collection.notice", account=account, kind=kind) as uow:
            return notices.notice(uow, self.db, account=account, kind=kind, as_of=day, service=service,
                                  actor=self.app.actor.user)

    @use_case(P.COLLECTION_WRITE, "доставка документа", writes=True)
    def deliver(self, number: str, *, day: date, how: str) -> DocumentRow:
        """Record when and how a document reached the debtor (a restriction warning's 20 days run from it)."""
        with self._unit("collection.deliver", number=number) as uow:
            return notices.deliver(uow, self.db, number, day=day, how=how, today=self.app.clock.today())

    @use_case(P.COLLECTION_READ, "документы претензионной работы")
    def documents(self, *, account: str | None = None, case: str | None = None) -> list[DocumentRow]:
        return notices.documents(self.db, account=account, case=case)

    @use_case(P.COLLECTION_READ, "повторная печать документа")
    def reprint(self, number: str) -> bytes:
        return notices.reprint(self.db, number)

    @use_case(P.COLLECTION_READ, "содержание документа")
    def payload(self, number: str) -> dict:
        return notices.payload_of(self.db, number)

    # --- cases ----------------------------------------------------------------------------------------------------
    @use_case(P.COLLECTION_WRITE, "новое судебное дело", writes=True)
    def open_case(self, account: str, *, stage: str = "court_order", filed_on: date | None = None,
                  court: str | None = None, include_barred: bool = False, other_costs: int = 0,
                  responsible: str | None = None) -> list[Case]:
        """File applications for a судебный приказ (or claims) for the account's overdue debt: one case per liable
        set — a month's debt is claimed from those who owned the premises then (or the tenant's family registered
        then) — the oldest months' case first; months an open case claims are left out."""
        day = filed_on or self.app.clock.today()
        with self._unit("collection.case.open", account=account, stage=stage) as uow:
            numbers = cases.open_case(uow, self.db, account=account, stage=stage, filed_on=day, court=court,
                                      include_barred=include_barred, other_costs=other_costs,
                                      responsible=responsible or self.app.actor.user, actor=self.app.actor.user,
                                      now=self.app.clock.now())
        return [cases.case(self.db, number, as_of=self.app.clock.today()) for number in numbers]

    @use_case(P.COLLECTION_WRITE, "шаг судебного дела", writes=True)
    def advance(self, number: str, *, stage: str, day: date | None = None, court: str | None = None,
                court_number: str | None = None, received_on: date | None = None, note: str | None = None,
                other_costs: int = 0) -> Case:
        from bcenter.modules.finance.position import Finance

        with self._unit("collection.case.stage", case=number, stage=stage) as uow:
            cases.advance(uow, self.db, number, stage=stage, day=day or self.app.clock.today(), court=court,
                          court_number=court_number, received_on=received_on, note=note, other_costs=other_costs,
                          calendar=Finance(self.db).calendar, actor=self.app.actor.user, now=self.app.clock.now())
        return cases.case(self.db, number, as_of=self.app.clock.today())

    @use_case(P.COLLECTION_WRITE, "взыскание по делу", writes=True)
    def recover(self, number: str, *, amount: int, day: date | None = None, source: str = "fssp",
                document: str | None = None) -> Recovered:
        """Money recovered on the case: costs, then the case's months oldest first, then its penalties."""
        with self._unit("collection.case.recover", case=number, amount=amount, source=source) as uow:
            return cases.recover(uow, self.db, number, amount=amount, day=day or self.app.clock.today(),
                                 source=source, document=document, actor=self.app.actor.user, now=self.app.clock.now())

    @use_case(P.COLLECTION_WRITE, "закрыть судебное дело", writes=True)
    def close_case(self, number: str, *, day: date | None = None) -> Case:
        with self._unit("collection.case.close", case=number) as uow:
            cases.close(uow, self.db, number, day=day or self.app.clock.today(), actor=self.app.actor.user,
                        now=self.app.clock.now())
        return cases.case(self.db, number, as_of=self.app.clock.today())

    @use_case(P.COLLECTION_WRITE, "списать долг по делу", writes=True)
    def write_off(self, number: str, *, reason: str, day: date | None = None) -> Case:
        with self._unit("collection.case.write_off", case=number, reason=reason) as uow:
            cases.write_off(uow, self.db, number, reason=reason, day=day or self.app.clock.today(),
                            actor=self.app.actor.user, now=self.app.clock.now())
        return cases.case(self.db, number, as_of=self.app.clock.today())

    @use_case(P.COLLECTION_WRITE, "заявление в суд по делу", writes=True)
    def court_document(self, number: str, *, day: date | None = None) -> Issued:
        """The case's application for a судебный приказ, or its claim (after a cancellation)."""
        with self._unit("collection.case.document", case=number) as uow:
            return notices.court_document(uow, self.db, number, day=day or self.app.clock.today(),
                                          actor=self.app.actor.user)

    @use_case(P.COLLECTION_READ, "карточка судебного дела")
    def case(self, number: str, *, as_of: date | None = None) -> Case:
        return cases.case(self.db, number, as_of=as_of or self.app.clock.today())

    @use_case(P.COLLECTION_READ, "судебные дела")
    def cases(self, *, which: str = "open", account: str | None = None) -> list[CaseSummary]:
        return cases.listing(self.db, which=which, account=account)
