"""Meters whose verification (поверка) runs out: a meter with its interval passed is not a measuring instrument any
more — its readings are not used from the day after (ПП 354 п. 81(12) «д», п. 59 «а»: the average, then the norm),
so the ЖЭК warns the owners ahead. The valid-until day is the latest verification's (``meter_verification``), else
the meter's own ``verified_until``; meters installed and not removed on the day; an overdue meter comes first."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from db.dialect import param_mark
from db.search import format_address

RESOURCE_NAMES = {"cold_water": "ХВС", "hot_water": "ГВС", "sewerage": "водоотведение", "electricity": "электроэнергия",
                  "gas": "газ", "heating": "отопление", "solid_waste": "ТКО"}
KIND_NAMES = {"individual": "ИПУ", "common_apartment": "общеквартирный", "house": "ОДПУ", "group": "групповой"}


@dataclass(frozen=True)
class DueMeter:
    serial: str
    resource: str
    kind: str
    address: str
    accounts: tuple[str, ...]
    valid_until: date
    days_left: int  # negative: overdue by so many days
    house: str = ""
    """The house's address (the meter's without the flat): what a report counts by."""


def meters_due(db: pw.Database, *, today: date, days: int, house: str | None = None) -> list[DueMeter]:
    """Meters in service whose verification runs out within ``days`` days of ``today`` or has run out."""
    m = param_mark(db)
    limit = (today + timedelta(days=days)).isoformat()
    latest = {str(mid): str(until) for mid, until in db.execute_sql(
        'SELECT meter_id, MAX(valid_until) FROM "meter_verification" GROUP BY meter_id')}
    where, params = [f"mt.installed <= {m}", f"(mt.removed IS NULL OR mt.removed > {m})"], [today.isoformat()] * 2
    if house is not None:
        where.append(f"h.ext_id = {m}")
        params.append(house)
    rows = db.execute_sql(
        'SELECT mt.id, mt.serial, mt.resource, mt.kind, mt.verified_until, mt.premises_id, p.number, p.kind, '
        'h.city, h.street, h.building, h.block FROM "meter" mt '
        'LEFT JOIN "premises" p ON p.id = mt.premises_id '
        'JOIN "house" h ON h.id = COALESCE(mt.house_id, p.house_id) '
        f'WHERE {" AND ".join(where)}', tuple(params)).fetchall()
    accounts: dict[str, list[str]] = defaultdict(list)
    for pid, number in db.execute_sql(
            f'SELECT premises_id, number FROM "account" WHERE opened <= {m} AND (closed IS NULL OR closed >= {m}) '
            'ORDER BY number', (today.isoformat(), today.isoformat())):
        accounts[str(pid)].append(number)
    out = []
    for mid, serial, resource, kind, own, pid, flat, pkind, city, street, building, block in rows:
        until = latest.get(str(mid)) or (str(own) if own else None)
        if until is None or until[:10] > limit:
            continue
        day = date.fromisoformat(until[:10])
        house = format_address(city, street, building, block, None, None)
        out.append(DueMeter(serial, resource, kind, format_address(city, street, building, block, flat, pkind)
                            if pid else house, tuple(accounts.get(str(pid), ())), day, (day - today).days, house))
    return sorted(out, key=lambda d: (d.valid_until, d.address, d.serial))
