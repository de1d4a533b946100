"""What the passport desk reads and prints: the premises card (who is and was registered, the owners), a person's
registrations, and the forms — карточка регистрации (форма № 9), поквартирная карточка (№ 10), домовая книга (№ 11),
выписка из домовой книги, справка о составе семьи (DOMAIN.md §6).

An issued document is numbered («ПС-2026-000012», per year), logged in ``passport_document`` with who issued it,
the template version and what it printed (its payload, sealed: it holds birth dates and documents) — so a reprint
renders the same payload with the same template: byte for byte the first print (its SHA-256 is kept to prove it).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import peewee as pw

from bcenter.core.dates import format_date_ru
from bcenter.core.errors import NotFound, Problem, UsageError, ValidationFailed
from bcenter.modules.passport import forms
from bcenter.modules.passport.desk import KINDS, Place, key_text, person_id, place_of
from db.dialect import db_id, param_mark
from db.models import PassportDocument
from db.queries import LIVE_OWNERSHIP, LIVE_REGISTRATION
from db.search import format_address
from db.sealing import keyring
from db.uow import UnitOfWork



def _d(value) -> date | None:
    return None if value is None else value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _iso(value) -> str | None:
    d = _d(value)
    return None if d is None else d.isoformat()


def _name(last, first, middle) -> str:
    return " ".join(x for x in (last, first, middle) if x)


def document_text(kind: str | None, private: dict) -> str | None:
    """«паспорт гражданина РФ 45 10 123456, выдан ОВД …, 01.02.2015» from a person's sealed fields.

    The kind is printed in Russian: the desk's codes and «passport», as the demo town and other systems' exports
    name a passport (EXCHANGE.md ``persons[].document.kind`` is the source's word), — a form is read by the
    citizen and the МВД; another kind is printed as the source gave it."""
    if not private.get("document_number"):
        return None
    names = {"passport_ru": "паспорт гражданина РФ", "birth_certificate": "свидетельство о рождении",
             "foreign_passport": "паспорт иностранного гражданина", "passport": "паспорт"}
    text = " ".join(x for x in (names.get(kind or "", kind), private.get("document_series"),
                                private["document_number"]) if x)
    if private.get("document_issued_by"):
        text += f", выдан {private['document_issued_by']}"
    if private.get("document_issued_on"):
        text += f" {_d(private['document_issued_on']):%d.%m.%Y}"
    return text


@dataclass(frozen=True, slots=True)
class Resident:
    """A registration of a person in a premises (in force or ended), as the card shows it."""

    code: str
    name: str
    kind: str
    relation: str | None
    registered_from: date
    registered_to: date | None
    arrived_from: str | None
    departed_to: str | None
    private: dict | None = None   # the sealed fields — only for a role that may see them (``bcenter.app``)
    document_kind: str | None = None

    def current(self, day: date) -> bool:
        return self.registered_from <= day and (self.registered_to is None or self.registered_to > day)

    @property
    def last_day(self) -> date | None:
        """The last day registered (``registered_to`` is the first day without it), None while open-ended."""
        return None if self.registered_to is None else self.registered_to - timedelta(days=1)

    @property
    def ended_text(self) -> str:
        """How the end of the registration is said after «с <from>»: a temporary one «по <its last day>», a permanent
        one that ended «, снят с учёта <the day>» (the same words as the forms), nothing while open-ended."""
        if self.registered_to is None:
            return ""
        if self.kind == "temporary":
            return f" по {format_date_ru(self.last_day)}"
        return f", снят с учёта {format_date_ru(self.registered_to)}"


@dataclass(frozen=True, slots=True)
class Owner:
    name: str
    share: str
    since: date
    until: date | None
    basis: str | None


@dataclass(frozen=True)
class PremisesCard:
    """The passport desk's card of a premises (the data of form 10)."""

    account: str
    address: str
    premises_kind: str
    total_area: str | None
    living_area: str | None
    rooms: int | None
    holder: str
    owners: tuple[Owner, ...]
    residents: tuple[Resident, ...]
    personal: bool = False
    person_ids: tuple[str, ...] = field(default=(), repr=False)


def premises_card(db: pw.Database, place: Place, *, personal: bool) -> PremisesCard:
    """The premises of ``place``: its owners and every registration in it (superseded ones hidden — their ending
    fact shows instead); ``personal``: with the persons' sealed fields opened."""
    m = param_mark(db)
    (kind, total, living, rooms, number, city, street, building, block, org, hl, hf, hm), = db.execute_sql(
        'SELECT p.kind, p.total_area, p.living_area, p.rooms, p.number, h.city, h.street, h.building, h.block, '
        'a.holder_org_name, hp.last_name, hp.first_name, hp.middle_name FROM "account" a JOIN "premises" p ON '
        'p.id = a.premises_id JOIN "house" h ON h.id = p.house_id LEFT JOIN "person" hp ON hp.id = '
        f'a.holder_person_id WHERE a.number = {m}', (place.account,)).fetchall()
    ring = keyring() if personal else None
    residents, ids = [], []
    for pid, ext, last, first, middle, dkind, sealed, rkind, v_from, v_to, relation, extra in db.execute_sql(
            'SELECT pe.id, pe.ext_id, pe.last_name, pe.first_name, pe.middle_name, pe.document_kind, pe.sealed, '
            'r.kind, r.valid_from, r.valid_to, r.relation, r.extra FROM "registration" r JOIN "person" pe ON '
            f'pe.id = r.person_id WHERE r.premises_id = {m} AND {LIVE_REGISTRATION} ORDER BY r.valid_from, '
            'pe.last_name, pe.first_name', (db_id(place.premises_id),)):
        extra = json.loads(extra) if isinstance(extra, str) else (extra or {})
        ids.append(key_text(pid))
        residents.append(Resident(
            ext or key_text(pid), _name(last, first, middle), rkind, relation, _d(v_from), _d(v_to),
            extra.get("arrived_from"), extra.get("departed_to"),
            ring.unseal(sealed) if ring else None, dkind))
    owners = tuple(
        Owner(org_name or _name(last, first, middle), share, _d(v_from), _d(v_to),
              (json.loads(extra) if isinstance(extra, str) else (extra or {})).get("basis"))
        for last, first, middle, org_name, share, v_from, v_to, extra in db.execute_sql(
            'SELECT pe.last_name, pe.first_name, pe.middle_name, o.owner_org_name, o.share, o.valid_from, '
            'o.valid_to, o.extra FROM "ownership" o LEFT JOIN "person" pe ON pe.id = o.owner_person_id '
            f'WHERE o.premises_id = {m} AND {LIVE_OWNERSHIP} ORDER BY o.valid_from', (db_id(place.premises_id),)))
    return PremisesCard(place.account, format_address(city, street, building, block, number, kind),
                        "жилое" if kind == "residential" else "нежилое", _text(total), _text(living), rooms,
                        org or _name(hl, hf, hm), owners, tuple(residents), personal, tuple(dict.fromkeys(ids)))


def _text(value) -> str | None:
    return None if value is None else str(value)


# --- forms -------------------------------------------------------------------------------------------------------
def _person_payload(r: Resident) -> dict:
    private = r.private or {}
    return {"name": r.name, "birth_date": private.get("birth_date"), "birth_place": private.get("birth_place"),
            "relation": r.relation, "kind": r.kind, "registered_from": r.registered_from.isoformat(),
            "registered_to": _iso(r.registered_to), "arrived_from": r.arrived_from, "departed_to": r.departed_to,
            "document": document_text(r.document_kind, private)}


def _issuer(db: pw.Database) -> dict:
    row = db.execute_sql('SELECT name, address FROM "organization" ORDER BY id').fetchone()
    return {"name": row[0], "address": row[1]} if row else {"name": "", "address": None}


def _house_book(db: pw.Database, place: Place) -> tuple[str, list[dict], list[str]]:
    m = param_mark(db)
    rows = db.execute_sql(
        'SELECT a.number, p.number FROM "account" a JOIN "premises" p ON p.id = a.premises_id WHERE p.house_id = '
        f'{m} AND a.closed IS NULL', (db_id(place.house_id),)).fetchall()
    first_account: dict[str, str] = {}
    for account, number in rows:
        first_account.setdefault(number, account)
    address = ""
    blocks, ids = [], []

    def order(number: str) -> tuple:
        return (0, int(number), "") if number.isdigit() else (1, 0, number)

    for number in sorted(first_account, key=order):
        card = premises_card(db, place_of(db, first_account[number]), personal=True)
        address = address or card.address.rsplit(", кв.", 1)[0].rsplit(", пом.", 1)[0]
        blocks.append({"number": number, "persons": [_person_payload(r) for r in card.residents]})
        ids += card.person_ids
    return address, blocks, ids


def form_payload(db: pw.Database, form: str, place: Place, *, day: date, person: str | None = None,
                 official: str | None = None) -> tuple[dict, list[str]]:
    """The payload of ``form`` for the premises of ``place`` (form11: its house; form9 and family: ``person``, a
    person's id) and the ids of the persons whose personal data it shows."""
    if form not in forms.FORMS:
        raise UsageError(f"неизвестная форма «{form}»: {', '.join(forms.FORMS)}")
    payload: dict = {"form": form, "issued_on": day.isoformat(), "issuer": _issuer(db), "official": official}
    if form == "form11":
        address, blocks, ids = _house_book(db, place)
        payload.update(address=address, house_address=address, premises_list=blocks)
        return payload, ids
    card = premises_card(db, place, personal=True)
    payload["address"] = card.address
    premises = {"kind": card.premises_kind, "total_area": card.total_area, "living_area": card.living_area,
                "rooms": card.rooms}
    owners = [{"name": o.name, "share": o.share, "since": o.since.isoformat(), "basis": o.basis}
              for o in card.owners if o.until is None or o.until > day]
    if form in ("form10", "extract"):
        payload.update(premises=premises, owners=owners, holder=card.holder,
                       persons=[_person_payload(r) for r in card.residents])
        return payload, list(card.person_ids)
    if person is None:
        raise UsageError("укажите гражданина (--person): форма 9 и справка о составе семьи выдаются на человека")
    mine = [r for r in card.residents if person_id(db, r.code) == person]
    if not mine:
        raise NotFound("гражданин не был зарегистрирован в этом помещении")
    if form == "family":
        if not any(r.current(day) for r in mine):
            raise ValidationFailed([Problem("person", f"на {format_date_ru(day)} {mine[0].name} не зарегистрирован(а) "
                                                      "в этом помещении: справка о составе семьи выдаётся "
                                                      "зарегистрированному по адресу")],
                                   title="Справка не выдана")
        printed = [r for r in card.residents if r.current(day)]
        payload.update(premises=premises, applicant=mine[0].name, persons=[_person_payload(r) for r in printed])
        return payload, list(dict.fromkeys(person_id(db, r.code) for r in printed))
    private = mine[0].private or {}
    payload.update(person={**_person_payload(mine[-1]), "sex": private.get("sex"),
                           "citizenship": private.get("citizenship")},
                   registrations=_registrations(db, person))
    return payload, [person]


def _registrations(db: pw.Database, person: str) -> list[dict]:
    m = param_mark(db)
    out = []
    for kind, v_from, v_to, extra, number, pkind, city, street, building, block in db.execute_sql(
            'SELECT r.kind, r.valid_from, r.valid_to, r.extra, p.number, p.kind, h.city, h.street, h.building, '
            'h.block FROM "registration" r JOIN "premises" p ON p.id = r.premises_id JOIN "house" h ON h.id = '
            f'p.house_id WHERE r.person_id = {m} AND {LIVE_REGISTRATION} ORDER BY r.valid_from', (db_id(person),)):
        extra = json.loads(extra) if isinstance(extra, str) else (extra or {})
        out.append({"address": format_address(city, street, building, block, number, pkind), "kind": kind,
                    "registered_from": _iso(v_from), "registered_to": _iso(v_to),
                    "arrived_from": extra.get("arrived_from"), "departed_to": extra.get("departed_to")})
    return out


@dataclass(frozen=True, slots=True)
class IssuedDocument:
    number: str
    kind: str
    title: str
    issued_on: date
    issued_by: str
    pdf: bytes | None = None
    same_as_first: bool = True


def _next_number(db: pw.Database, year: int) -> str:
    from db.queries import next_in_sequence  # the largest number + 1, not a count (db/queries.py)
    return next_in_sequence(db, "passport_document", "number", f"ПС-{year}-")


def issue(uow: UnitOfWork, db: pw.Database, form: str, place: Place, *, day: date, actor: str,
          person: str | None = None, official: str | None = None) -> IssuedDocument:
    """Print a form: numbered, logged (who, when, what it showed), the views of personal data audited."""
    payload, shown = form_payload(db, form, place, day=day, person=person, official=official)
    number = _next_number(db, day.year)
    payload["number"] = number
    pdf = forms.render(payload)
    uow.insert(PassportDocument, kind=form, number=number, issued_on=day,
               house=place.house_id if form == "form11" else None, premises=None if form == "form11" else
               place.premises_id, person=person, issued_by=actor, template=forms.template_version(form),
               payload=keyring().seal({"payload": payload}), sha256=hashlib.sha256(pdf).hexdigest())
    uow.viewed("person", shown, document=number, form=form)
    return IssuedDocument(number, form, forms.FORMS[form], day, actor, pdf)


def reprint(uow: UnitOfWork, db: pw.Database, number: str) -> IssuedDocument:
    """An issued document printed again from what it printed: the same bytes (``same_as_first`` says whether the
    SHA-256 matched — it does not when its template was edited since, see assets/passport/README.md)."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT id, kind, issued_on, issued_by, payload, sha256 FROM "passport_document" WHERE '
                         f'number = {m}', (number,)).fetchone()
    if row is None:
        raise NotFound(f"Нет документа паспортного стола № {number}")
    did, kind, issued_on, issued_by, sealed, digest = row
    payload = keyring().unseal(sealed)["payload"]
    pdf = forms.render(payload)
    uow.viewed("passport_document", [key_text(did)], document=number, reprint=True)
    return IssuedDocument(number, kind, forms.FORMS[kind], _d(issued_on), issued_by, pdf,
                          hashlib.sha256(pdf).hexdigest() == digest)


def documents(db: pw.Database, place: Place | None = None) -> list[IssuedDocument]:
    """The documents issued (for a premises or its house), newest first."""
    m = param_mark(db)
    where, params = "", ()
    if place is not None:
        where, params = f"WHERE premises_id = {m} OR house_id = {m}", (db_id(place.premises_id),
                                                                         db_id(place.house_id))
    return [IssuedDocument(number, kind, forms.FORMS[kind], _d(day), by)
            for number, kind, day, by in db.execute_sql(
                f'SELECT number, kind, issued_on, issued_by FROM "passport_document" {where} '
                'ORDER BY issued_on DESC, number DESC', params)]


__all__ = ["IssuedDocument", "KINDS", "Owner", "PremisesCard", "Resident", "documents", "document_text",
           "form_payload", "issue", "premises_card", "reprint"]
