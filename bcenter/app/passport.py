"""Паспортный стол (issue 18): registrations, de-registrations, ownership and absences as dated facts; the premises
card; the forms (9, 10, 11, выписка, справка о составе семьи); personal data shown only to the passport officer and
the administrator, every view audited (152-ФЗ ст. 19), sealed at rest under a key outside the database
(``db.sealing``)."""
from __future__ import annotations

from dataclasses import dataclass

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import PERSON_SEALED
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from bcenter.modules.passport import desk, papers
from bcenter.modules.passport.desk import key_text
from bcenter.modules.passport.papers import IssuedDocument, PremisesCard
from db.models import PassportDocument, Person
from db.sealing import keyring
from db.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class NewPerson:
    """A person the desk meets for the first time: the name, the kind of document and the sealed fields
    (``PERSON_SEALED``: birth date and place, the document's series, number, issuer and date, СНИЛС, phone, e-mail)."""

    last_name: str
    first_name: str
    middle_name: str | None = None
    document_kind: str | None = None
    private: dict | None = None


@dataclass(frozen=True, slots=True)
class Written:
    """What a desk's action wrote: the fact's id, the person's code, and the first month it changes (the next
    month run recalculates from there, naming the fact)."""

    fact_id: str
    person: str
    recalculate_from: str


@dataclass(frozen=True, slots=True)
class Resealed:
    key: str
    persons: int
    documents: int


class PassportCases(UseCases):
    def _unit(self, action: str) -> UnitOfWork:
        return UnitOfWork(action=action, db=self.db, actor=self.app.actor.user)

    def _person(self, uow: UnitOfWork, person: str | None, new: NewPerson | None) -> str:
        if (person is None) == (new is None):
            raise UsageError("укажите гражданина: код уже известного (--person) или ФИО нового (--last-name …)")
        if person is not None:
            return desk.person_id(self.db, person)
        unknown = set(new.private or {}) - set(PERSON_SEALED) - {"sex", "citizenship"}
        if unknown:
            raise UsageError(f"неизвестные поля персональных данных: {', '.join(sorted(unknown))}")
        return desk.new_person(uow, last_name=new.last_name, first_name=new.first_name,
                               middle_name=new.middle_name, document_kind=new.document_kind, private=new.private)

    def _code(self, person_id: str) -> str:
        ext = Person.select(Person.ext_id).where(Person.id == person_id).scalar(self.db)
        return ext or person_id

    # --- reading ----------------------------------------------------------------------------------------------
    @use_case(P.PASSPORT_READ, "паспортный стол: карточка помещения")
    def card(self, account: str, *, personal: bool = False) -> PremisesCard:
        """Who is and was registered in the premises of ``account``, and its owners; ``personal``: with birth dates,
        documents, СНИЛС and phones — only for a role that may see them, and the view is audited."""
        if personal:
            self.app.actor.require(P.PERSONAL_DATA_VIEW, "просмотр персональных данных (документы, СНИЛС, телефоны)")
        place = desk.place_of(self.db, account)
        card = papers.premises_card(self.db, place, personal=personal)
        if personal and card.person_ids:
            with self._unit("passport.personal_data.view") as uow:
                uow.viewed("person", card.person_ids, account=account)
        return card

    @use_case(P.PASSPORT_READ, "паспортный стол: гражданин")
    def person(self, code: str, *, personal: bool = False) -> desk.PersonCard:
        """A person by the desk's code: the name, the kind of document, the registrations; ``personal``: the sealed
        fields too (passport officer, administrator; the view audited)."""
        if personal:
            self.app.actor.require(P.PERSONAL_DATA_VIEW, "просмотр персональных данных (документы, СНИЛС, телефоны)")
        pid = desk.person_id(self.db, code)
        card = desk.person_card(self.db, pid, personal=personal)
        if personal:
            with self._unit("passport.personal_data.view") as uow:
                uow.viewed("person", [pid])
        return card

    @use_case(P.PASSPORT_WRITE, "паспортный стол: изменение данных гражданина", writes=True)
    def edit_person(self, code: str, *, names: dict | None = None, private: dict | None = None) -> list[str]:
        """A new passport, a phone, a corrected name: ``names`` (last_name, first_name, middle_name,
        document_kind), ``private`` (``PERSON_SEALED``; "" removes a field). Audited, the values masked."""
        self.app.actor.require(P.PERSONAL_DATA_VIEW, "изменение персональных данных")
        unknown = set(private or {}) - set(PERSON_SEALED) - {"sex", "citizenship"}
        unknown |= set(names or {}) - {"last_name", "first_name", "middle_name", "document_kind"}
        if unknown:
            raise UsageError(f"неизвестные поля гражданина: {', '.join(sorted(unknown))}")
        pid = desk.person_id(self.db, code)
        with self._unit("passport.person.edit") as uow:
            return desk.edit_person(uow, self.db, pid, names=dict(names or {}), private=dict(private or {}))

    @use_case(P.PASSPORT_READ, "паспортный стол: выданные документы")
    def documents(self, account: str | None = None) -> list[IssuedDocument]:
        return papers.documents(self.db, None if account is None else desk.place_of(self.db, account))

    # --- facts ------------------------------------------------------------------------------------------------
    @use_case(P.PASSPORT_WRITE, "паспортный стол: регистрация", writes=True)
    def register(self, account: str, *, kind: str, start: str, end: str | None = None, person: str | None = None,
                 new: NewPerson | None = None, relation: str | None = None, arrived_from: str | None = None,
                 basis: str | None = None) -> Written:
        """Register a person (known by ``person``'s code, or ``new``) in the premises of ``account`` from ``start``.
        A back-dated registration changes the months since: the next month run recalculates them."""
        self.app.system.ensure_initialized()
        place = desk.place_of(self.db, account)
        with self._unit("passport.register") as uow:
            pid = self._person(uow, person, new)
            fact = desk.register(uow, self.db, person=pid, place=place, kind=kind, start=start, end=end,
                                 relation=relation, arrived_from=arrived_from, basis=basis)
        return Written(fact, self._code(pid), start[:7])

    @use_case(P.PASSPORT_WRITE, "паспортный стол: снятие с регистрационного учёта", writes=True)
    def deregister(self, account: str, *, person: str, on: str, departed_to: str | None = None,
                   basis: str | None = None) -> Written:
        """Take a person off the register of the premises from ``on`` (person-days end the day before)."""
        self.app.system.ensure_initialized()
        place = desk.place_of(self.db, account)
        pid = desk.person_id(self.db, person)
        with self._unit("passport.deregister") as uow:
            fact = desk.deregister(uow, self.db, person=pid, place=place, on=on, departed_to=departed_to,
                                   basis=basis)
        return Written(fact, self._code(pid), on[:7])

    @use_case(P.PASSPORT_WRITE, "паспортный стол: право собственности", writes=True)
    def own(self, account: str, *, share: str, start: str, person: str | None = None, new: NewPerson | None = None,
            org_name: str | None = None, org_inn: str | None = None, basis: str | None = None) -> Written:
        self.app.system.ensure_initialized()
        place = desk.place_of(self.db, account)
        with self._unit("passport.ownership") as uow:
            pid = None if org_name else self._person(uow, person, new)
            fact = desk.own(uow, self.db, place=place, share=share, start=start, person=pid, org_name=org_name,
                            org_inn=org_inn, basis=basis)
        return Written(fact, self._code(pid) if pid else org_name, start[:7])

    @use_case(P.PASSPORT_WRITE, "паспортный стол: прекращение права собственности", writes=True)
    def end_ownership(self, account: str, *, person: str, on: str) -> Written:
        self.app.system.ensure_initialized()
        place = desk.place_of(self.db, account)
        pid = desk.person_id(self.db, person)
        with self._unit("passport.ownership.end") as uow:
            fact = desk.end_ownership(uow, self.db, place=place, person=pid, on=on)
        return Written(fact, self._code(pid), on[:7])

    @use_case(P.PASSPORT_WRITE, "паспортный стол: временное отсутствие", writes=True)
    def absence(self, *, person: str, start: str, end: str, documents: list[str]) -> Written:
        self.app.system.ensure_initialized()
        pid = desk.person_id(self.db, person)
        with self._unit("passport.absence") as uow:
            fact = desk.absence(uow, self.db, person=pid, start=start, end=end, documents=documents)
        return Written(fact, self._code(pid), start[:7])

    # --- documents --------------------------------------------------------------------------------------------
    @use_case(P.PASSPORT_DOCUMENTS, "паспортный стол: выдача документа", writes=True)
    def issue(self, form: str, account: str, *, person: str | None = None) -> IssuedDocument:
        """Print form 9 (``person``), 10, 11 (the house of ``account``), an extract or a family certificate
        (``person``, the applicant): numbered, logged, the personal data shown audited."""
        self.app.actor.require(P.PERSONAL_DATA_VIEW, "документы паспортного стола содержат персональные данные")
        place = desk.place_of(self.db, account)
        pid = None if person is None else desk.person_id(self.db, person)
        with self._unit(f"passport.document.{form}") as uow:
            return papers.issue(uow, self.db, form, place, day=self.app.clock.today(), actor=self.app.actor.user,
                                person=pid, official=self.app.actor.user)

    @use_case(P.PASSPORT_DOCUMENTS, "паспортный стол: повторная печать документа")
    def reprint(self, number: str) -> IssuedDocument:
        """The document ``number`` printed again, byte for byte as first issued."""
        self.app.actor.require(P.PERSONAL_DATA_VIEW, "документы паспортного стола содержат персональные данные")
        with self._unit("passport.document.reprint") as uow:
            return papers.reprint(uow, self.db, number)

    # --- keys -------------------------------------------------------------------------------------------------
    @use_case(P.SYSTEM_SETUP, "смена ключа персональных данных", writes=True)
    def rotate_key(self) -> Resealed:
        """A new key becomes current and every sealed value is sealed again with it (docs/design.md «Personal
        data»: the old key files may go once every copy of the database is rotated)."""
        ring = keyring()
        key = ring.new_key()
        persons = docs = 0
        with self._unit("passport.rotate_key") as uow:
            for pid, sealed in self.db.execute_sql('SELECT id, sealed FROM "person" WHERE sealed IS NOT NULL'
                                                   ).fetchall():
                if ring.key_of(sealed) != key:
                    uow.update(Person, key_text(pid), sealed=ring.seal(ring.unseal(sealed)))
                    persons += 1
            for did, sealed in self.db.execute_sql('SELECT id, payload FROM "passport_document"').fetchall():
                if ring.key_of(sealed) != key:
                    uow.update(PassportDocument, key_text(did),
                               payload=ring.seal(ring.unseal(sealed)))
                    docs += 1
            uow.note(key=key)
        return Resealed(key, persons, docs)
