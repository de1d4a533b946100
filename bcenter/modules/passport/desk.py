"""The passport desk's facts: persons, registrations and de-registrations, ownership, temporary absences.

Registration (Закон РФ от 25.06.1993 № 5242-1, ст. 3, 5, 6; Правила регистрации, ПП № 713): по месту жительства
(permanent, open-ended until снятие с учёта) or по месту пребывания (temporary, with its end). Every change is a new
fact: a de-registration is the registration repeated with its end (``supersedes`` the open one), so what was
known on any day stays readable, and the month's run recalculates the months it touches with the fact named
(``registry.dirty``). A registration's ``valid_to`` is the first day the person is no longer registered (the day of
снятие с учёта): person-days end the day before (DOMAIN.md §6; EXCHANGE.md «registrations.to»).

Checks (Russian messages, nothing written on any): the end after the start; one permanent registration of a person
at a time, anywhere (ст. 2 Закона № 5242-1: место жительства is one); no two registrations of a person in one
premises over the same days, whatever their kinds — except that a permanent registration over a running temporary
one in the same premises ends the temporary one the day before (the person now lives there for good: the officer
registers по месту жительства and the stay по месту пребывания ends, ПП 713 п. 30 [U]; one person is one resident
of the premises, ПП 354 п. 56(1)) [P]; the owners' shares of a premises at most 1/1 on every day; an absence of a
person registered on some day of it, over no day of another absence of theirs. Every write is one unit of work: the
rows, their outbox and the audit.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import peewee as pw

from bcenter.core.dates import format_date_ru, parse_date
from bcenter.core.errors import InvalidValue, NotFound, Problem, ValidationFailed
from bcenter.core.quantity import parse_fraction
from db.dialect import db_id, param_mark
from db.fields import IdField
from db.models import Absence, Ownership, Person, Registration
from db.queries import LIVE_ABSENCE, LIVE_OWNERSHIP, LIVE_REGISTRATION
from db.sealing import keyring
from db.uow import UnitOfWork

_ID = IdField()


def key_text(value) -> str:
    """A key read by raw SQL (SQLite: 16 bytes; PostgreSQL: a UUID) as the text the models and use cases use."""
    return str(_ID.python_value(value))


KINDS = {"permanent": "по месту жительства", "temporary": "по месту пребывания"}


@dataclass(frozen=True, slots=True)
class Place:
    """A premises as the desk names it: by an account's number (what people carry on their bill)."""

    premises_id: str
    house_id: str
    account: str


def place_of(db: pw.Database, account: str) -> Place:
    m = param_mark(db)
    row = db.execute_sql(f'SELECT a.premises_id, p.house_id FROM "account" a JOIN "premises" p ON p.id = '
                         f'a.premises_id WHERE a.number = {m}', (account,)).fetchone()
    if row is None:
        raise NotFound(f"Нет лицевого счёта «{account}»")
    return Place(key_text(row[0]), key_text(row[1]), account)


def person_id(db: pw.Database, code: str) -> str:
    """A person by the code the desk shows (the id of the document it came with, or its own)."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT id FROM "person" WHERE ext_id = {m}', (code,)).fetchone()
    if row is None:
        try:
            row = db.execute_sql(f'SELECT id FROM "person" WHERE id = {m}', (db_id(code),)).fetchone()
        except (ValueError, TypeError, pw.DataError):
            row = None
    if row is None:
        raise NotFound(f"Нет гражданина с кодом «{code}»")
    return key_text(row[0])


def _date(text: str | date | None, field: str, problems: list[Problem]) -> date | None:
    if text is None or isinstance(text, date):
        return text
    try:
        return parse_date(text)
    except InvalidValue as exc:
        problems.append(exc.to_problem(field))
        return None


def _fail(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems, title="Паспортный стол: данные не приняты")


def _interval(start: date | None, end: date | None, problems: list[Problem], *, end_field: str = "to") -> None:
    if start is not None and end is not None and end <= start:
        problems.append(Problem(end_field, f"дата окончания {format_date_ru(end)} не позже даты начала "
                                           f"{format_date_ru(start)}"))


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start < (b_end or date.max) and b_start < (a_end or date.max)


def _registrations_of(db: pw.Database, person: str) -> list[tuple]:
    m = param_mark(db)
    return db.execute_sql(
        'SELECT r.id, r.kind, r.premises_id, r.valid_from, r.valid_to, h.city, h.street, h.building, p.number '
        'FROM "registration" r JOIN "premises" p ON p.id = r.premises_id JOIN "house" h ON h.id = p.house_id '
        f'WHERE r.person_id = {m} AND {LIVE_REGISTRATION} ORDER BY r.valid_from', (db_id(person),)).fetchall()


def _d(value) -> date | None:
    return None if value is None else value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


PASSPORT_SERIES = re.compile(r"\d{2} ?\d{2}")
PASSPORT_NUMBER = re.compile(r"\d{6}")
DOCUMENT_KEYS = frozenset({"birth_date", "document_series", "document_number", "document_issued_on"})


def _fourteenth_birthday(born: date) -> date:
    """The day a person turns 14 (born on 29.02: 28.02 of a common year, ст. 192 п. 3 ГК)."""
    try:
        return born.replace(year=born.year + 14)
    except ValueError:
        return date(born.year + 14, 2, 28)


def _iso_or_none(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:  # a value stored before the desk checked dates: not this check's to judge
        return None


def _document_problems(kind: str | None, private: dict, problems: list[Problem]) -> None:
    """What no real identity document can be, refused before it is printed on a form: any document issued before
    its holder was born; a passport of a citizen of Russia (``passport_ru``) with a series other than 4 digits
    («45 10» or «4510») or a number other than 6, or issued before the holder turned 14 — it is issued from the
    age of 14 (Положение о паспорте гражданина РФ, ПП РФ от 08.07.1997 № 828, п. 1; its blank: серия 4 цифры,
    номер 6 цифр). ``private`` holds ISO dates."""
    born, issued = _iso_or_none(private.get("birth_date")), _iso_or_none(private.get("document_issued_on"))
    if born and issued and issued < born:
        problems.append(Problem("document_issued_on", f"дата выдачи документа {format_date_ru(issued)} раньше даты "
                                                      f"рождения {format_date_ru(born)}"))
    if kind != "passport_ru":
        return
    series, number = private.get("document_series"), private.get("document_number")
    if series is not None and not PASSPORT_SERIES.fullmatch(str(series)):
        problems.append(Problem("document_series", f"серия паспорта гражданина РФ — 4 цифры (например 45 10), "
                                                   f"указано «{series}»"))
    if number is not None and not PASSPORT_NUMBER.fullmatch(str(number)):
        problems.append(Problem("document_number", f"номер паспорта гражданина РФ — 6 цифр, указано «{number}»"))
    if born and issued and born <= issued < _fourteenth_birthday(born):
        problems.append(Problem("document_issued_on", f"паспорт гражданина РФ выдаётся с 14 лет (ПП № 828, п. 1): "
                                                      f"дата выдачи {format_date_ru(issued)} раньше 14-летия "
                                                      f"{format_date_ru(_fourteenth_birthday(born))}; ребёнку до 14 "
                                                      "лет — свидетельство о рождении"))


def new_person(uow: UnitOfWork, *, last_name: str, first_name: str, middle_name: str | None = None,
               document_kind: str | None = None, private: dict | None = None) -> str:
    """A person the desk registers for the first time; ``private`` (birth date, document, СНИЛС, phone…) sealed."""
    problems: list[Problem] = []
    for field, value in (("last_name", last_name), ("first_name", first_name)):
        if not value or not value.strip():
            problems.append(Problem(field, "не заполнено"))
    private = {k: v for k, v in (private or {}).items() if v not in (None, "")}
    for key in ("birth_date", "document_issued_on"):
        if key in private:
            private[key] = (_date(private[key], key, problems) or date.min).isoformat()
    _fail(problems)
    _document_problems(document_kind, private, problems)
    _fail(problems)
    code = f"pd-{secrets.token_hex(5)}"
    return uow.insert(Person, ext_id=code, last_name=last_name.strip(), first_name=first_name.strip(),
                      middle_name=(middle_name or "").strip() or None, document_kind=document_kind,
                      sealed=keyring().seal(private))


def register(uow: UnitOfWork, db: pw.Database, *, person: str, place: Place, kind: str, start: str | date,
             end: str | date | None = None, relation: str | None = None, arrived_from: str | None = None,
             basis: str | None = None) -> str:
    """Register ``person`` in the premises from ``start`` (temporary: until ``end``, the first day after)."""
    problems: list[Problem] = []
    if kind not in KINDS:
        problems.append(Problem("kind", f"вид регистрации «{kind}» неизвестен: permanent (по месту жительства) или "
                                        "temporary (по месту пребывания)"))
    begin, finish = _date(start, "from", problems), _date(end, "to", problems)
    if kind == "temporary" and end is None:
        problems.append(Problem("to", "регистрация по месту пребывания даётся на срок: укажите дату окончания"))
    if begin is not None:
        _interval(begin, finish, problems)
        born = _birth_date(db, person)
        if born is not None and begin < born:
            problems.append(Problem("from", f"дата регистрации {format_date_ru(begin)} раньше даты рождения "
                                            f"{format_date_ru(born)} — новорождённого регистрируют не раньше дня "
                                            "рождения"))
    _fail(problems)
    ended = []
    for rid, other_kind, prem, v_from, v_to, city, street, building, number in _registrations_of(db, person):
        if not _overlaps(begin, finish, _d(v_from), _d(v_to)):
            continue
        where = ", ".join(x for x in (city, street, building and f"д. {building}", number and f"кв. {number}") if x)
        period = registered_period(_d(v_from), _d(v_to))
        if kind == "permanent" and other_kind == "permanent":
            problems.append(Problem("from", f"гражданин уже зарегистрирован по месту жительства ({where}, {period}); "
                                            "место жительства одно — сначала снимите его с учёта там"))
        elif key_text(prem) != place.premises_id:
            continue
        elif kind == "permanent" and other_kind == "temporary" and _d(v_from) < begin:
            ended.append(rid)  # registered here for good: the stay here ends the day before
        else:
            problems.append(Problem("from", f"гражданин уже зарегистрирован здесь {KINDS[other_kind]} ({period}) — "
                                            "дни регистраций в одном помещении не могут совпадать; сначала снимите "
                                            "его с учёта или укажите другие даты"))
    _fail(problems)
    for rid in ended:
        _end_stay(uow, db, rid, begin)
    extra = {k: v for k, v in (("arrived_from", arrived_from), ("basis", basis)) if v}
    return uow.insert(Registration, person=person, premises=place.premises_id, kind=kind, valid_from=begin,
                      valid_to=finish, relation=relation or None, extra=extra or None)


def _birth_date(db: pw.Database, person: str) -> date | None:
    """The person's birth date (sealed), None when not known. Nobody is registered, nor counted among the residents
    of a premises, before their birth: a registration from an earlier day is refused (a registration's days are days
    of a person's life, ПП 713; the norm counts persons residing, ПП 354 п. 56(1))."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT sealed FROM "person" WHERE id = {m}', (db_id(person),)).fetchone()
    return _iso_or_none(keyring().unseal(row[0]).get("birth_date")) if row and row[0] else None


def registered_period(start: date, end: date | None) -> str:
    """«с <first day> по <last day>» of a registration stored as ``[start, end)`` (``end`` the first day without it):
    a stay «до 01.03.2027» is told «по 28.02.2027», as the card and the forms print it — every place the desk names
    a registration's days (the person's page, a refusal) says them this way, never the first day without it."""
    return f"с {format_date_ru(start)}" + (f" по {format_date_ru(end - timedelta(days=1))}" if end else "")


def _end_stay(uow: UnitOfWork, db: pw.Database, rid, day: date) -> str:
    """A temporary registration ended on ``day`` by a permanent one in the same premises from that day: repeated with
    its end, superseding it (the person is registered there for good; одно помещение — одни дни)."""
    m = param_mark(db)
    person, prem, kind, v_from, relation, extra = db.execute_sql(
        f'SELECT person_id, premises_id, kind, valid_from, relation, extra FROM "registration" WHERE id = {m}',
        (db_id(key_text(rid)),)).fetchone()
    extra = dict(Registration.extra.python_value(extra) or {})
    extra["deregistration_basis"] = f"регистрация по месту жительства в том же помещении с {format_date_ru(day)}"
    return uow.insert(Registration, person=key_text(person), premises=key_text(prem), kind=kind,
                      valid_from=_d(v_from), valid_to=day, relation=relation, supersedes=key_text(rid), extra=extra)


def deregister(uow: UnitOfWork, db: pw.Database, *, person: str, place: Place, on: str | date,
               departed_to: str | None = None, basis: str | None = None) -> str:
    """Take ``person`` off the register of the premises from ``on`` (снятие с регистрационного учёта, ст. 7 Закона
    № 5242-1): the registration in force that day is repeated with its end and supersedes it."""
    problems: list[Problem] = []
    day = _date(on, "on", problems)
    _fail(problems)
    m = param_mark(db)
    rows = db.execute_sql(
        'SELECT r.id, r.kind, r.valid_from, r.valid_to, r.relation, r.extra FROM "registration" r '
        f'WHERE r.person_id = {m} AND r.premises_id = {m} AND {LIVE_REGISTRATION} ORDER BY r.valid_from',
        (db_id(person), db_id(place.premises_id))).fetchall()
    current = [r for r in rows if _d(r[2]) < day and (r[3] is None or _d(r[3]) > day)]
    if not current:
        known = "; ".join(f"{KINDS.get(r[1], r[1])} {registered_period(_d(r[2]), _d(r[3]))}" for r in rows) or "нет"
        raise ValidationFailed([Problem("on", f"на {format_date_ru(day)} гражданин не зарегистрирован в этом "
                                              f"помещении (его регистрации здесь: {known}); снять с учёта можно "
                                              "только после дня регистрации")],
                               title="Паспортный стол: данные не приняты")
    rid, kind, v_from, _, relation, extra = current[0]
    extra = dict(Registration.extra.python_value(extra) or {})
    extra.update({k: v for k, v in (("departed_to", departed_to), ("deregistration_basis", basis)) if v})
    return uow.insert(Registration, person=person, premises=place.premises_id, kind=kind, valid_from=_d(v_from),
                      valid_to=day, relation=relation, supersedes=key_text(rid),
                      extra=extra or None)


def own(uow: UnitOfWork, db: pw.Database, *, place: Place, share: str, start: str | date,
        person: str | None = None, org_name: str | None = None, org_inn: str | None = None,
        basis: str | None = None) -> str:
    """An ownership right to ``share`` of the premises from ``start`` (ст. 209, 244 ГК; ЕГРН record in ``basis``);
    the shares of all owners stay within 1/1 on every day."""
    problems: list[Problem] = []
    begin = _date(start, "from", problems)
    try:
        part = parse_fraction(share)
    except InvalidValue as exc:
        problems.append(exc.to_problem("share"))
        part = None
    if (person is None) == (org_name is None):
        problems.append(Problem("owner", "собственник — гражданин или организация (одно из двух)"))
    _fail(problems)
    m = param_mark(db)
    held = Fraction(0)
    for o_share, o_from, o_to in db.execute_sql(
            f'SELECT o.share, o.valid_from, o.valid_to FROM "ownership" o WHERE o.premises_id = {m} '
            f'AND {LIVE_OWNERSHIP}', (db_id(place.premises_id),)):
        if _overlaps(begin, None, _d(o_from), _d(o_to)):
            held += Fraction(o_share)
    if held + part > 1:
        raise ValidationFailed([Problem("share", f"доли собственников в сумме превысили бы 1/1: уже {held}, "
                                                 f"добавляется {part} — сначала прекратите прежнее право")],
                               title="Паспортный стол: данные не приняты")
    return uow.insert(Ownership, owner_person=person, owner_org_name=org_name, owner_org_inn=org_inn,
                      premises=place.premises_id, share=f"{part.numerator}/{part.denominator}", valid_from=begin,
                      extra={"basis": basis} if basis else None)


def end_ownership(uow: UnitOfWork, db: pw.Database, *, place: Place, person: str, on: str | date) -> str:
    """The owner's right ends from ``on`` (sold, given): the right repeated with its end supersedes it."""
    problems: list[Problem] = []
    day = _date(on, "on", problems)
    _fail(problems)
    m = param_mark(db)
    rows = db.execute_sql(
        f'SELECT o.id, o.share, o.valid_from, o.valid_to, o.extra FROM "ownership" o WHERE o.premises_id = {m} AND '
        f'o.owner_person_id = {m} AND {LIVE_OWNERSHIP}', (db_id(place.premises_id), db_id(person))).fetchall()
    current = [r for r in rows if _d(r[2]) < day and (r[3] is None or _d(r[3]) > day)]
    if not current:
        raise ValidationFailed([Problem("on", f"на {format_date_ru(day)} у гражданина нет права собственности на это "
                                              "помещение")], title="Паспортный стол: данные не приняты")
    oid, share, v_from, _, extra = current[0]
    return uow.insert(Ownership, owner_person=person, premises=place.premises_id, share=share, valid_from=_d(v_from),
                      valid_to=day, supersedes=key_text(oid),
                      extra=Ownership.extra.python_value(extra))


def absence(uow: UnitOfWork, db: pw.Database, *, person: str, start: str | date, end: str | date,
            documents: list[str]) -> str:
    """A temporary absence (раздел VIII ПП 354: departure and return dates, the documents of п. 93).

    Only of a person registered somewhere on some day of it (the absence lowers the charges of the premises where
    the person is counted, ПП 354 п. 56(1), 86): an absence of nobody registered, or wholly after the снятие с учёта,
    would be a fact that changes nothing — refused, naming why. Nor over the days of another absence of the same
    person: the days would be taken off twice (a return and a new departure on the same day do not overlap)."""
    problems: list[Problem] = []
    begin, finish = _date(start, "from", problems), _date(end, "to", problems)
    if begin is not None and finish is not None and finish < begin:
        problems.append(Problem("to", f"дата возвращения {format_date_ru(finish)} раньше даты выезда "
                                      f"{format_date_ru(begin)}"))
    if not documents:
        problems.append(Problem("documents", "нужен подтверждающий документ (п. 93 ПП 354)"))
    _fail(problems)
    stays = [(_d(r[3]), _d(r[4])) for r in _registrations_of(db, person)]
    if not any(_overlaps(begin, finish + timedelta(days=1), v_from, v_to) for v_from, v_to in stays):
        known = "; ".join(registered_period(v_from, v_to) for v_from, v_to in stays) or "нет"
        problems.append(Problem("from", f"с {format_date_ru(begin)} по {format_date_ru(finish)} гражданин нигде не "
                                        f"зарегистрирован (его регистрации: {known}) — временное отсутствие "
                                        "учитывается только у зарегистрированного (п. 56(1), 86 ПП 354)"))
    m = param_mark(db)
    for o_from, o_to in db.execute_sql(
            f'SELECT a.valid_from, a.valid_to FROM "absence" a WHERE a.person_id = {m} AND {LIVE_ABSENCE} '
            'ORDER BY a.valid_from', (db_id(person),)).fetchall():
        o_from, o_to = _d(o_from), _d(o_to)
        if begin + timedelta(days=1) < o_to and o_from + timedelta(days=1) < finish:  # the full days in between
            problems.append(Problem("from", f"гражданин уже отсутствует с {format_date_ru(o_from)} по "
                                            f"{format_date_ru(o_to)} — дни отсутствия не могут совпадать (их сняли бы "
                                            "дважды); укажите другие даты"))
    _fail(problems)
    return uow.insert(Absence, person=person, valid_from=begin, valid_to=finish, documents=documents)


@dataclass(frozen=True, slots=True)
class PersonCard:
    """A person as the desk sees them: the name, the kind of document, the sealed fields (only when asked by a
    role that may), and every registration in force or ended (superseded ones hidden)."""

    code: str
    name: str
    document_kind: str | None
    private: dict | None
    registrations: tuple[str, ...]


def person_card(db: pw.Database, person: str, *, personal: bool) -> PersonCard:
    m = param_mark(db)
    ext, last, first, middle, kind, sealed = db.execute_sql(
        f'SELECT ext_id, last_name, first_name, middle_name, document_kind, sealed FROM "person" WHERE id = {m}',
        (db_id(person),)).fetchone()
    lines = []
    for _, rkind, _, v_from, v_to, city, street, building, number in _registrations_of(db, person):
        where = ", ".join(x for x in (city, street, building and f"д. {building}", number and f"кв. {number}") if x)
        lines.append(f"{where} — {KINDS.get(rkind, rkind)} {registered_period(_d(v_from), _d(v_to))}")
    name = " ".join(x for x in (last, first, middle) if x)
    return PersonCard(ext or person, name, kind, keyring().unseal(sealed) if personal else None, tuple(lines))


def edit_person(uow: UnitOfWork, db: pw.Database, person: str, *, names: dict, private: dict) -> list[str]:
    """Change a person's name, document kind or sealed fields (a new passport, a phone): in ``private`` None leaves
    a field as it is and "" removes it. Returns the fields changed (the audit says they changed, not what to)."""
    problems: list[Problem] = []
    private = dict(private)
    for key in ("birth_date", "document_issued_on"):
        if private.get(key):
            private[key] = (_date(private[key], key, problems) or date.min).isoformat()
    for key in ("last_name", "first_name"):
        if key in names and not (names[key] or "").strip():
            problems.append(Problem(key, "не может быть пустым"))
    _fail(problems)
    m = param_mark(db)
    row = db.execute_sql(f'SELECT last_name, first_name, middle_name, document_kind, sealed FROM "person" '
                         f'WHERE id = {m}', (db_id(person),)).fetchone()
    current = dict(zip(("last_name", "first_name", "middle_name", "document_kind"), row[:4]))
    ring = keyring()
    old = ring.unseal(row[4])
    new = dict(old)
    for key, value in private.items():  # None: unchanged; "": removed
        if value == "":
            new.pop(key, None)
        elif value is not None:
            new[key] = value
    changes = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in names.items()
               if ((v.strip() if isinstance(v, str) else v) or None) != current[k]}
    if "document_kind" in changes or any(private.get(k) for k in DOCUMENT_KEYS):  # the document as it would be
        _document_problems(changes.get("document_kind", current["document_kind"]), new, problems)
        _fail(problems)
    changed = sorted(changes) + sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    if new != old:
        changes["sealed"] = ring.seal(new)
    if changes:
        uow.update(Person, person, **changes)
    return changed
