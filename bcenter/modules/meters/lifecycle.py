"""Жизнь прибора учёта: installation, seal, verification, fault, replacement, removal — each a dated fact the month
follows (issue 15; schema step 28).

* **Installation** (`install`): a meter of an account's premises, with its initial values and verification.
* **Seal** (пломба, `seal`): a dated fact with the seal's number and act; it changes no charge.
* **Verification** (поверка, `verify`): a `meter_verification` fact; the month uses the latest verification made
  before it ends over the card's «поверен до» (a verification done later does not make an earlier month measured).
  A verification after a fault puts the meter back in service.
* **Fault** (`fault`): from the month after it the meter is out of order (ПП 354 п. 59 «а»): the average for up to
  three months, then the norm with the increasing coefficient (п. 60) — as an expired verification.
* **Removal** (`remove`): the final reading (through the validation rules) and the card's «снят» on the same day.
* **Replacement** (`replace`): the old meter's final reading and removal, and a new meter of the same premises and
  resource that ``replaces`` it — one unit of work. The new meter's average uses both meters' history (п. 59); in
  the month of the replacement the old meter's final reading closes its part and the new meter's first reading
  counts from its initial values.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import peewee as pw

from bcenter.core.errors import NotFound, UsageError
from bcenter.engine import reading_rules as rules
from bcenter.modules.meters import readings as rd, routes
from db.dialect import db_date, db_id, param_mark
from db.models.meters import Meter, MeterEvent, MeterVerification
from db.uow import UnitOfWork

METERED = ("cold_water", "hot_water", "electricity", "gas", "heating")


@dataclass(frozen=True)
class LifeEvent:
    day: date
    what: str


def zone_values(zones: int, text: str | None, what: str) -> dict[str, Decimal]:
    """Values typed as one field in the meter's zone order — «1234,5» for one zone, «день/ночь» for two
    («1234,5/567»), «пик/ночь/полупик» for three — refused in words when they do not fit."""
    wanted = rules.ZONES.get(zones, rules.ZONES[1])
    parts = [p.strip() for p in (text or "").split("/")]
    if not text or len(parts) != len(wanted) or not all(parts):
        raise UsageError(f"{what}: нужны {' / '.join(rules.ZONE_NAMES[z] for z in wanted)} через «/», "
                         f"получено «{text or ''}»")
    meter = rd.MeterInfo("", "", "", "", zones, 0, date.min, None, None, {}, "", ())
    return rd.parse_values(meter, dict(zip(wanted, parts)))


def event_day(day: date | None, today: date, what: str = "Дата") -> date:
    day = day or today
    if day > today:
        raise UsageError(f"{what} {day:%d.%m.%Y} ещё не наступила")
    return day


def _in_service(meter: rd.MeterInfo, day: date) -> None:
    if day < meter.installed:
        raise UsageError(f"Прибор № {meter.serial} установлен {meter.installed:%d.%m.%Y}, позже {day:%d.%m.%Y}")
    if meter.removed is not None and day > meter.removed:
        raise UsageError(f"Прибор № {meter.serial} снят {meter.removed:%d.%m.%Y}")


def seal(db: pw.Database, meter: rd.MeterInfo, *, number: str, day: date, document: str | None, actor: str) -> None:
    if not (number or "").strip():
        raise UsageError("Укажите номер пломбы (--seal)")
    _in_service(meter, day)
    with UnitOfWork(action="meters.seal", actor=actor, db=db, details={"meter": meter.serial, "seal": number}) as uow:
        uow.insert(MeterEvent, meter=meter.id, kind="seal", date=day, seal=number.strip(), document=document)


def open_fault(db: pw.Database, meter_id: str) -> date | None:
    """The day of the meter's fault not followed by a verification, or None."""
    m = param_mark(db)
    fault = db.execute_sql(f'SELECT MAX(date) FROM "meter_event" WHERE meter_id = {m} AND kind = \'fault\'',
                           (db_id(meter_id),)).fetchone()[0]
    if fault is None:
        return None
    after = db.execute_sql(f'SELECT 1 FROM "meter_verification" WHERE meter_id = {m} AND verified_on >= {m}',
                           (db_id(meter_id), str(fault)[:10])).fetchone()
    return None if after else db_date(fault)


def fault(db: pw.Database, meter: rd.MeterInfo, *, day: date, note: str | None, document: str | None,
          actor: str) -> None:
    _in_service(meter, day)
    already = open_fault(db, meter.id)
    if already is not None:
        raise UsageError(f"Прибор № {meter.serial} уже неисправен с {already:%d.%m.%Y}: замените его "
                         f"(bcenter meters replace) или внесите поверку (bcenter meters verify)")
    with UnitOfWork(action="meters.fault", actor=actor, db=db, details={"meter": meter.serial}) as uow:
        uow.insert(MeterEvent, meter=meter.id, kind="fault", date=day, note=note, document=document)


def verify(db: pw.Database, meter: rd.MeterInfo, *, day: date, valid_until: date, document: str | None,
           actor: str) -> None:
    _in_service(meter, day)
    if valid_until <= day:
        raise UsageError(f"Поверка до {valid_until:%d.%m.%Y} — не позже дня поверки {day:%d.%m.%Y}")
    with UnitOfWork(action="meters.verify", actor=actor, db=db,
                    details={"meter": meter.serial, "valid_until": valid_until.isoformat()}) as uow:
        uow.insert(MeterVerification, meter=meter.id, verified_on=day, valid_until=valid_until, document=document)


def _final(uow: UnitOfWork, db: pw.Database, meter: rd.MeterInfo, day: date, final: dict[str, Decimal]) -> None:
    """The final reading (through the rules: one that cannot be right is refused here — the meter leaves with it)
    and the card's removal day."""
    if meter.removed is not None:
        raise UsageError(f"Прибор № {meter.serial} уже снят {meter.removed:%d.%m.%Y}")
    _in_service(meter, day)
    verdicts = rd.judge(db, meter, day, final, source="inspector")
    wrong = [v for v in verdicts if v.rule in rules.SHAPE_RULES + rules.SEQUENCE_RULES]
    if wrong:
        raise UsageError(f"Конечное показание прибора № {meter.serial}: {wrong[0].message}")
    rd._insert(uow, meter, day, final, source="inspector", period=None, reading_id=None, extra={"final": True},
               verdicts=verdicts)
    uow.update(Meter, meter.id, removed=day)


def remove(db: pw.Database, meter: rd.MeterInfo, *, day: date, final: dict[str, Decimal], actor: str) -> None:
    with UnitOfWork(action="meters.remove", actor=actor, db=db, details={"meter": meter.serial}) as uow:
        _final(uow, db, meter, day, final)


def _new_meter(uow: UnitOfWork, *, premises: str, resource: str, serial: str, zones: int, digits: int, day: date,
               initial: dict[str, Decimal], valid_until: date | None, replaces: str | None) -> str:
    if not (serial or "").strip():
        raise UsageError("Укажите заводской номер нового прибора (--serial)")
    if not 1 <= digits <= 12:
        raise UsageError(f"Разрядность счётчика — от 1 до 12, а не {digits}")
    if zones not in (1, 2, 3):
        raise UsageError(f"Зон у прибора 1, 2 или 3, а не {zones}")
    if any(v >= Decimal(10) ** digits or v < 0 for v in initial.values()):
        raise UsageError(f"Начальное показание не помещается в {digits} разрядов счётчика")
    if valid_until is not None and valid_until <= day:
        raise UsageError(f"Поверка до {valid_until:%d.%m.%Y} — не позже дня установки {day:%d.%m.%Y}")
    meter = str(uow.insert(Meter, serial=serial.strip(), resource=resource, kind="individual", premises=premises,
                           zones=zones, digits=digits, installed=day, verified_until=valid_until, replaces=replaces,
                           **{f"initial_{z}": format(v, "f") for z, v in initial.items()}))
    routes.add_to_routes(uow, uow.db, meter_id=meter, premises_id=premises)
    return meter


def _serial_free(db: pw.Database, serial: str) -> None:
    m = param_mark(db)
    if db.execute_sql(f'SELECT 1 FROM "meter" WHERE serial = {m} AND removed IS NULL', (serial.strip(),)).fetchone():
        raise UsageError(f"Прибор № {serial.strip()} уже стоит на учёте")


def replace(db: pw.Database, old: rd.MeterInfo, *, day: date, final: dict[str, Decimal], serial: str, digits: int,
            zones: int, initial: dict[str, Decimal], valid_until: date | None, actor: str) -> rd.MeterInfo:
    _serial_free(db, serial)
    m = param_mark(db)
    premises = db.execute_sql(f'SELECT premises_id FROM "meter" WHERE id = {m}', (db_id(old.id),)).fetchone()[0]
    with UnitOfWork(action="meters.replace", actor=actor, db=db,
                    details={"meter": old.serial, "new": serial.strip()}) as uow:
        _final(uow, db, old, day, final)
        new = _new_meter(uow, premises=str(premises), resource=old.resource, serial=serial, zones=zones,
                         digits=digits, day=day, initial=initial, valid_until=valid_until, replaces=old.id)
    return rd.meter_by_id(db, new)


def install(db: pw.Database, *, account: str, resource: str, serial: str, zones: int, digits: int, day: date,
            initial: dict[str, Decimal], valid_until: date | None, actor: str) -> rd.MeterInfo:
    if resource not in METERED:
        raise UsageError(f"--resource: «{resource}»; приборы учёта бывают: {', '.join(METERED)}")
    m = param_mark(db)
    found = db.execute_sql(f'SELECT premises_id FROM "account" WHERE number = {m}', (account,)).fetchone()
    if found is None:
        raise NotFound(f"Нет лицевого счёта № {account}")
    _serial_free(db, serial)
    with UnitOfWork(action="meters.install", actor=actor, db=db, details={"meter": serial, "account": account}) as uow:
        new = _new_meter(uow, premises=str(found[0]), resource=resource, serial=serial, zones=zones, digits=digits,
                         day=day, initial=initial, valid_until=valid_until, replaces=None)
    return rd.meter_by_id(db, new)


def life(db: pw.Database, meter: rd.MeterInfo) -> list[LifeEvent]:
    """The meter's dated facts in order: installation (and the meter it replaced), seals, verifications, faults,
    readings in short, removal (and the meter that replaced it)."""
    m = param_mark(db)
    key = (db_id(meter.id),)
    replaces, = db.execute_sql(f'SELECT replaces_id FROM "meter" WHERE id = {m}', key).fetchone()
    out = [LifeEvent(meter.installed, "установлен" + (", начальное показание " + rules.values_text(meter.initial)
                                                       if meter.initial else ""))]
    if replaces is not None:
        out[0] = LifeEvent(meter.installed, out[0].what + f" взамен прибора № {rd.meter_by_id(db, str(replaces)).serial}")
    for kind, day, number, document, note in db.execute_sql(
            f'SELECT kind, date, seal, document, note FROM "meter_event" WHERE meter_id = {m}', key):
        act = f" ({document})" if document else ""
        out.append(LifeEvent(db_date(day), f"пломба № {number}{act}" if kind == "seal" else
                             f"неисправен{act}" + (f": {note}" if note else "")))
    for on, until, document in db.execute_sql(
            f'SELECT verified_on, valid_until, document FROM "meter_verification" WHERE meter_id = {m}', key):
        out.append(LifeEvent(db_date(on), f"поверен до {db_date(until):%d.%m.%Y}" + (f" ({document})" if document else "")))
    count, first, last = db.execute_sql(f'SELECT COUNT(*), MIN(date), MAX(date) FROM "meter_reading" WHERE meter_id = {m}',
                                        key).fetchone()
    if count:
        out.append(LifeEvent(db_date(last), f"показаний: {count} (с {db_date(first):%d.%m.%Y}); список — bcenter readings "
                                          f"list --meter {meter.serial}"))
    if meter.removed is not None:
        by = db.execute_sql(f'SELECT serial FROM "meter" WHERE replaces_id = {m}', key).fetchone()
        out.append(LifeEvent(meter.removed, "снят" + (f", заменён прибором № {by[0]}" if by else "")))
    return sorted(out, key=lambda e: e.day)


__all__ = ["LifeEvent", "event_day", "fault", "install", "life", "open_fault", "remove", "replace", "seal", "verify", "zone_values"]
