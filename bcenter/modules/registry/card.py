"""The account card: what the office sees of one account besides its money — the premises, the holder, the people
registered there and the owners on a day, the services billed. Names only: documents, СНИЛС, birth dates and phones
stay with the passport desk (``PERSONAL_FIELDS``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.errors import NotFound
from bcenter.core.quantity import format_decimal_ru
from db.dialect import db_id, param_mark
from db.queries import LIVE_OWNERSHIP, LIVE_REGISTRATION
from db.search import format_address

REGISTRATION_NAMES = {"permanent": "по месту жительства", "temporary": "по месту пребывания"}
PREMISES_NAMES = {"residential": "жилое", "non_residential": "нежилое"}


@dataclass(frozen=True)
class AccountCard:
    number: str
    address: str
    premises: str          # «жилое, 31,6 м² (жилая 20,3), комнат 1, подъезд 1, этаж 1»
    holder: str
    share: str | None
    opened: date
    closed: date | None
    residents: tuple[str, ...] | None  # «Иванова Мария Петровна — по месту жительства с 12.03.2015»; None: not
    owners: tuple[str, ...] | None     # «Иванов Пётр Ильич — 1/2 с 01.02.2010»   shown to the role (app.registry)
    services: tuple[str, ...]    # names of the services billed today


def _num(value) -> str:
    return format_decimal_ru(str(value)) if value is not None else ""


def _day(value) -> str:
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{d:%d.%m.%Y}"


def _name(last, first, middle) -> str:
    return " ".join(x for x in (last, first, middle) if x)


def account_card(db: pw.Database, number: str, *, day: date) -> AccountCard:
    m = param_mark(db)
    row = db.execute_sql(
        'SELECT a.id, a.number, a.opened, a.closed, a.share, a.holder_org_name, hp.last_name, hp.first_name, '
        'hp.middle_name, p.id, p.number, p.kind, p.total_area, p.living_area, p.rooms, p.entrance, p.floor, '
        'h.city, h.street, h.building, h.block FROM "account" a JOIN "premises" p ON p.id = a.premises_id '
        'JOIN "house" h ON h.id = p.house_id LEFT JOIN "person" hp ON hp.id = a.holder_person_id '
        f'WHERE a.number = {m}', (number,)).fetchone()
    if row is None:
        raise NotFound(f"Нет лицевого счёта «{number}»")
    (aid, num, opened, closed, share, org, hl, hf, hm, pid, pnum, pkind, area, living, rooms, entrance, floor,
     city, street, building, block) = row
    parts = [PREMISES_NAMES.get(pkind, pkind), f"{_num(area)} м²" + (f" (жилая {_num(living)})" if living else "")]
    parts += [f"{label} {v}" for label, v in (("комнат", rooms), ("подъезд", entrance), ("этаж", floor)) if v]
    today = day.isoformat()
    residents = tuple(
        f"{_name(last, first, middle)} — {REGISTRATION_NAMES.get(kind, kind)} с {_day(start)}"
        + (f" по {_day(end)}" if end else "")
        for last, first, middle, kind, start, end in db.execute_sql(
            'SELECT pe.last_name, pe.first_name, pe.middle_name, r.kind, r.valid_from, r.valid_to FROM "registration" r '
            f'JOIN "person" pe ON pe.id = r.person_id WHERE r.premises_id = {m} AND r.valid_from <= {m} '
            f'AND (r.valid_to IS NULL OR r.valid_to > {m}) AND {LIVE_REGISTRATION} ORDER BY r.valid_from, pe.last_name',
            (db_id(str(pid)), today, today)))
    owners = tuple(
        f"{org_name or _name(last, first, middle)} — {owned} с {_day(start)}"
        for last, first, middle, org_name, owned, start in db.execute_sql(
            'SELECT pe.last_name, pe.first_name, pe.middle_name, o.owner_org_name, o.share, o.valid_from '
            f'FROM "ownership" o LEFT JOIN "person" pe ON pe.id = o.owner_person_id WHERE o.premises_id = {m} '
            f'AND o.valid_from <= {m} AND (o.valid_to IS NULL OR o.valid_to > {m}) AND {LIVE_OWNERSHIP} '
            'ORDER BY o.valid_from',
            (db_id(str(pid)), today, today)))
    services = tuple(name for (name,) in db.execute_sql(
        'SELECT s.name FROM "account_service" x JOIN "service" s ON s.id = x.service_id '
        f'WHERE x.account_id = {m} AND x.valid_from <= {m} AND (x.valid_to IS NULL OR x.valid_to > {m}) '
        'ORDER BY s.name', (db_id(str(aid)), today, today)))
    return AccountCard(num, format_address(city, street, building, block, pnum, pkind), ", ".join(parts),
                       org or _name(hl, hf, hm), share, opened if isinstance(opened, date) else
                       date.fromisoformat(str(opened)), closed, residents, owners, services)
