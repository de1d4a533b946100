"""Маршруты контролёров: a route is the individual meters of one reader in walking order — house (in the order
given), entrance, floor, premises —, exported to the reader's tablet as one file with each meter's previous reading
and the expected range, and imported back with the readings taken (issue 15).

The file (``bcenter-route``, JSON, UTF-8) carries the route's key and its stops by meter key, so it comes back to
the office unchanged whoever filled it: a tablet with its own copy of the database (``routes import`` there loads
the route, ``readings add`` fills it, ``routes export`` writes it with the readings), or any program that writes the
readings into the file's ``readings`` arrays (``id`` — a UUID made where the reading was taken — optional).

Import is all or nothing. A reading already kept (same key, or same meter, date and values) adds nothing, so a file
imported twice — or a reading that also came by sync — lands once; a reading for a meter and date the database
already holds with other values is a conflict: the whole file is refused, each conflict shown with both values.
Every new reading goes through the validation rules (``readings.record``) and is kept whatever they say.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import peewee as pw

from bcenter.core.errors import NotFound, Problem, UsageError, ValidationFailed
from bcenter.core.ids import is_uuid, uuid7
from bcenter.core.period import Period
from bcenter.core.vocabulary import ZONES
from bcenter.engine import reading_rules as rules
from bcenter.modules.meters import readings as rd
from db.dialect import db_date, db_id, param_mark
from db.models.meters import Route, RouteStop
from db.search import format_address
from db.uow import UnitOfWork

FORMAT, VERSION = "bcenter-route", 1
RESOURCE_ORDER = ("cold_water", "hot_water", "electricity", "gas", "heating")
FACTOR = Decimal(3)
"""The expected range's top: the previous reading plus this many months' average consumption per month since it
(the same factor as the rule ``far_above_average``)."""


@dataclass(frozen=True)
class RouteInfo:
    id: str
    name: str
    reader: str | None
    created_on: date
    stops: int
    taken: int = 0        # stops with a reading of the period
    refused: int = 0      # of them, with no counted reading (rejected or waiting)

    @property
    def progress(self) -> str:
        share = 0 if not self.stops else round(100 * self.taken / self.stops)
        return f"{self.taken} из {self.stops} ({share} %)"


@dataclass(frozen=True)
class Imported:
    route: str
    added: tuple[rd.KeptReading, ...]
    already: int
    route_created: bool


def _natural(text: str | None) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text or "") if p)


def _walk_key(house: int, entrance, floor, number: str | None, resource: str, serial: str | None) -> tuple:
    """A meter's place in a walk: the house's turn, then entrance, floor, premises (naturally: 2 before 10),
    resource, serial."""
    rank = RESOURCE_ORDER.index(resource) if resource in RESOURCE_ORDER else len(RESOURCE_ORDER)
    return (house, entrance if entrance is not None else 1 << 30, floor if floor is not None else 1 << 30,
            _natural(number), rank, serial or "")


def make_route(db: pw.Database, *, name: str, houses: list[str], reader: str | None, actor: str,
               today: date) -> RouteInfo:
    """A route over the individual meters in service today in ``houses`` (exchange codes), in walking order."""
    m = param_mark(db)
    name = (name or "").strip()
    if not name:
        raise UsageError("Укажите название маршрута (--name)")
    if db.execute_sql(f'SELECT 1 FROM "route" WHERE name = {m}', (name,)).fetchone():
        raise UsageError(f"Маршрут «{name}» уже есть: bcenter routes list")
    if not houses:
        raise UsageError("Укажите дома маршрута: --house КОД (можно несколько, в порядке обхода)")
    stops = []
    for order, code in enumerate(houses):
        found = db.execute_sql(f'SELECT id FROM "house" WHERE ext_id = {m}', (code,)).fetchone()
        if found is None:
            raise NotFound(f"--house: нет дома с кодом «{code}» (коды домов: bcenter houses)")
        rows = db.execute_sql(
            'SELECT mt.id, mt.resource, mt.serial, p.entrance, p.floor, p.number FROM "meter" mt '
            f'JOIN "premises" p ON p.id = mt.premises_id WHERE p.house_id = {m} AND mt.installed <= {m} '
            f'AND (mt.removed IS NULL OR mt.removed > {m})',
            (db_id(found[0]), today.isoformat(), today.isoformat())).fetchall()
        for mid, resource, serial, entrance, floor, number in rows:
            stops.append((_walk_key(order, entrance, floor, number, resource, serial), str(mid)))
    if not stops:
        raise NotFound("В этих домах нет приборов учёта в квартирах: маршрут был бы пуст")
    stops.sort()
    with UnitOfWork(action="routes.make", actor=actor, db=db, details={"route": name, "stops": len(stops)}) as uow:
        rid = uow.insert(Route, name=name, reader=(reader or "").strip() or None, created_on=today)
        uow.insert_rows(RouteStop, ("id", "route_id", "position", "meter_id"),
                        [(uuid7(), rid, n, mid) for n, (_key, mid) in enumerate(stops, 1)])
    return route_info(db, name, Period.of(today))


def add_to_routes(uow: UnitOfWork, db: pw.Database, *, meter_id: str, premises_id: str) -> int:
    """A meter set in premises of a house some route walks joins each such route (at its end; the route's file
    places it in walking order, ``export_route``): the reader is sent to it, and a tablet synced by its route gets
    the meter. Returns the number of routes joined."""
    m = param_mark(db)
    routes = db.execute_sql(
        'SELECT s.route_id, MAX(s.position) FROM "route_stop" s JOIN "meter" mt ON mt.id = s.meter_id '
        'JOIN "premises" p ON p.id = mt.premises_id WHERE s.route_id IN (SELECT s2.route_id FROM "route_stop" s2 '
        'JOIN "meter" m2 ON m2.id = s2.meter_id JOIN "premises" p2 ON p2.id = m2.premises_id '
        f'WHERE p2.house_id = (SELECT house_id FROM "premises" WHERE id = {m})) GROUP BY s.route_id',
        (db_id(premises_id),)).fetchall()
    return uow.insert_rows(RouteStop, ("id", "route_id", "position", "meter_id"),
                           [(uuid7(), rid, last + 1, meter_id) for rid, last in routes])


def _route_row(db: pw.Database, name: str):
    m = param_mark(db)
    row = db.execute_sql(f'SELECT id, name, reader, created_on FROM "route" WHERE name = {m}',
                         (name,)).fetchone() if not is_uuid(name) else db.execute_sql(
        f'SELECT id, name, reader, created_on FROM "route" WHERE id = {m}', (db_id(name),)).fetchone()
    if row is None:
        known = [n for (n,) in db.execute_sql('SELECT name FROM "route" ORDER BY name LIMIT 5')]
        raise NotFound(f"Нет маршрута «{name}»." + (f" Есть: {', '.join(known)}" if known else
                                                    " Составьте его: bcenter routes make --name … --house …"))
    return row


def _in_period(period: Period, m: str) -> str:
    return (f'(r.period = {m} OR (r.period IS NULL AND r.date >= {m} AND r.date <= {m}))')


def _period_params(period: Period) -> tuple:
    return (str(period), period.first_day.isoformat(), period.last_day.isoformat())


def route_info(db: pw.Database, name: str, period: Period) -> RouteInfo:
    """A route with its progress over ``period``: its stops whose meter is in service in the period (a meter
    removed before it is not walked; the one set in its place is — at its own stop, which a replaced meter's
    stop yields to, as in ``export_route``), and of them those with a reading of the period."""
    m = param_mark(db)
    rid, rname, reader, created = _route_row(db, name)
    stops = taken = refused = 0
    for (statuses,) in db.execute_sql(
            'SELECT (SELECT MAX(CASE WHEN r.status IN (\'accepted\', \'confirmed\') THEN 2 ELSE 1 END) '
            f'FROM "meter_reading" r WHERE r.meter_id = s.meter_id AND {_in_period(period, m)}) '
            f'FROM "route_stop" s JOIN "meter" mt ON mt.id = s.meter_id WHERE s.route_id = {m} '
            f'AND mt.installed <= {m} AND (mt.removed IS NULL OR mt.removed >= {m}) AND NOT EXISTS (SELECT 1 '
            'FROM "meter" nx JOIN "route_stop" s2 ON s2.meter_id = nx.id AND s2.route_id = s.route_id '
            f'WHERE nx.replaces_id = s.meter_id AND nx.installed <= {m})',
            (*_period_params(period), db_id(rid), period.last_day.isoformat(), period.first_day.isoformat(),
             period.last_day.isoformat())):
        stops += 1
        if statuses:
            taken += 1
            refused += statuses == 1
    return RouteInfo(str(rid), rname, reader, db_date(created), stops, taken, refused)


def list_routes(db: pw.Database, period: Period) -> list[RouteInfo]:
    return [route_info(db, str(rid), period) for (rid,) in db.execute_sql('SELECT id FROM "route" ORDER BY name')]


def _text(value: Decimal) -> str:
    return format(value, "f")


def export_route(db: pw.Database, name: str, period: Period, *, today: date) -> dict:
    """The route's file: its stops in walking order, each with its meter, the previous counted reading before the
    period, the expected range and the readings of the period already taken. A stop's meter removed by ``today`` is
    followed to the meter that replaced it (``replaces``), at its place in the walk; a meter removed without one
    is left out — the reader is not sent to a meter whose readings are refused.

    Walking order is the order ``make_route`` made: the houses in the route's order (of their first stops), then
    entrance, floor, premises, resource — computed here, so a meter that joined the route later
    (``add_to_routes``) is walked at its flat, not after the last house."""
    m = param_mark(db)
    rid, rname, reader, _created = _route_row(db, name)
    rows = db.execute_sql(
        'SELECT s.id, s.position, s.meter_id, p.entrance, p.floor, p.number, p.kind, h.city, h.street, h.building, '
        'h.block, p.house_id, mt.resource, mt.serial FROM "route_stop" s JOIN "meter" mt ON mt.id = s.meter_id '
        'JOIN "premises" p ON p.id = mt.premises_id JOIN "house" h ON h.id = p.house_id '
        f'WHERE s.route_id = {m} ORDER BY s.position', (db_id(rid),)).fetchall()
    house_order: dict = {}
    for row in rows:
        house_order.setdefault(str(row[11]), len(house_order))
    rows.sort(key=lambda r: (_walk_key(house_order[str(r[11])], r[3], r[4], r[5], r[12], r[13]), r[1]))
    stops = []
    own = {str(r[2]) for r in rows}  # meters with a stop of their own: a replaced meter's stop yields to it
    for sid, _position, mid, entrance, floor, number, pkind, city, street, building, block, *_ in rows:
        meter = rd.meter_by_id(db, str(mid))
        while meter.removed is not None and meter.removed <= today:
            by = db.execute_sql(f'SELECT id FROM "meter" WHERE replaces_id = {m}', (db_id(meter.id),)).fetchone()
            if by is None:
                break
            meter = rd.meter_by_id(db, str(by[0]))
        if meter.removed is not None and meter.removed <= today or meter.id != str(mid) and meter.id in own:
            continue
        counted = rd._counted(db, meter.id)
        before = [r for r in counted if r[0] < period.first_day and r[1] < str(period)]
        previous = ({"date": before[-1][0].isoformat(), "values": {z: _text(v) for z, v in before[-1][2].items()}}
                    if before else {"date": meter.installed.isoformat(),
                                    "values": {z: _text(v) for z, v in meter.initial.items()}} if meter.initial
                    else None)
        expected = None
        if previous is not None:
            average = rd._average(meter, counted, str(period))
            since = date.fromisoformat(previous["date"])
            months = max(Decimal((period.last_day - since).days) / rules.DAYS_PER_MONTH, Decimal(1))
            expected = {z: {"low": v, "high": None if average is None else
                            _text((Decimal(v) + average * FACTOR * months).quantize(Decimal("0.001")))}
                        for z, v in previous["values"].items()}
        taken = [{"id": k.id, "date": k.day.isoformat(), "values": {z: _text(v) for z, v in k.values.items()},
                  "source": k.source, "status": k.status}
                 for k in reversed(rd.list_readings(db, meter=meter, limit=1000))
                 if (k.period or k.day.isoformat()[:7]) == str(period)]
        stops.append({"id": str(sid), "position": len(stops) + 1, "meter": {"id": meter.id, "serial": meter.serial,
                                                      "resource": meter.resource, "zones": meter.zones,
                                                      "digits": meter.digits},
                      "address": format_address(city, street, building, block, number, pkind),
                      "entrance": entrance, "floor": floor, "premises": number, "accounts": list(meter.accounts),
                      "previous": previous, "expected": expected, "readings": taken})
    return {"format": FORMAT, "version": VERSION, "route": {"id": str(rid), "name": rname, "reader": reader},
            "period": str(period), "exported_on": today.isoformat(), "stops": stops}


def write_route(document: dict, path: Path) -> None:
    """Write the file whole or not at all (a temporary file renamed over it)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def _load(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFound(f"{path}: файла нет") from None
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Problem(f"{path}", f"файл не в кодировке UTF-8 (байт {exc.start})")],
                               title="Файл маршрута не принят") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed([Problem(f"{path}:{exc.lineno}", f"не JSON: {exc.msg}")],
                               title="Файл маршрута не принят") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationFailed([Problem(f"{path}", f"это не файл маршрута («format»: «{FORMAT}»)")],
                               title="Файл маршрута не принят")
    if document.get("version") != VERSION:
        raise ValidationFailed([Problem(f"{path}:version", f"версия {document.get('version')} не поддерживается "
                                                           f"(ожидается {VERSION})")], title="Файл маршрута не принят")
    return document


def _day(value, where: str, problems: list[Problem]) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        problems.append(Problem(where, f"дата «{value}» — нужна ГГГГ-ММ-ДД"))
        return None


def import_route(db: pw.Database, path: Path, *, actor: str, today: date) -> Imported:
    """Load a route's file: the route itself when this database has not got it (a tablet), and the readings taken,
    all or nothing (module docstring)."""
    document = _load(path)
    m = param_mark(db)
    problems: list[Problem] = []
    route = document.get("route") or {}
    rid, rname = route.get("id"), route.get("name")
    if not (isinstance(rid, str) and is_uuid(rid)) or not isinstance(rname, str) or not rname.strip():
        raise ValidationFailed([Problem(f"{path}:route", "нет ключа (id) или названия (name) маршрута")],
                               title="Файл маршрута не принят")
    known = db.execute_sql(f'SELECT name FROM "route" WHERE id = {m}', (db_id(rid),)).fetchone()
    if known is None and db.execute_sql(f'SELECT 1 FROM "route" WHERE name = {m}', (rname,)).fetchone():
        problems.append(Problem(f"{path}:route.name", f"маршрут «{rname}» здесь уже есть, но это другой маршрут "
                                                      "(другой ключ): переименуйте один из них"))
    stops = document.get("stops")
    if not isinstance(stops, list):
        raise ValidationFailed([Problem(f"{path}:stops", "нет списка остановок")], title="Файл маршрута не принят")
    meters: dict[str, rd.MeterInfo] = {}
    new: list[tuple[str, rd.MeterInfo, date, dict[str, Decimal], str, str | None]] = []
    already = 0
    seen: set[str] = set()
    for i, stop in enumerate(stops):
        where = f"{path}:stops[{i}]"
        mid = ((stop or {}).get("meter") or {}).get("id") if isinstance(stop, dict) else None
        serial = ((stop or {}).get("meter") or {}).get("serial") if isinstance(stop, dict) else None
        if not (isinstance(mid, str) and is_uuid(mid)):
            problems.append(Problem(f"{where}.meter.id", "нет ключа прибора учёта"))
            continue
        try:
            meter = meters.get(mid) or meters.setdefault(mid, rd.meter_by_id(db, mid))
        except NotFound:
            problems.append(Problem(f"{where}.meter", f"прибора № {serial or mid} нет в этой базе"))
            continue
        for j, item in enumerate(stop.get("readings") or ()):
            at = f"{where}.readings[{j}]"
            if not isinstance(item, dict):
                problems.append(Problem(at, "показание должно быть объектом"))
                continue
            day = _day(item.get("date"), f"{at}.date", problems)
            if day is not None and day > today:
                problems.append(Problem(f"{at}.date", f"дата {day:%d.%m.%Y} ещё не наступила"))
                day = None
            given = item.get("values")
            if not isinstance(given, dict) or not given or any(z not in ZONES for z in given):
                problems.append(Problem(f"{at}.values", f"нужны показания по зонам ({', '.join(ZONES)})"))
                continue
            try:
                values = {z: Decimal(str(v).replace(",", ".")) for z, v in given.items()}
                if not all(v.is_finite() for v in values.values()):
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(Problem(f"{at}.values", f"не число: {given}"))
                continue
            source = item.get("source") or "inspector"
            if source not in rd.SOURCE_NAMES:
                problems.append(Problem(f"{at}.source", f"«{source}»; есть: {', '.join(rd.SOURCE_NAMES)}"))
                continue
            key = item.get("id")
            if key is not None and not (isinstance(key, str) and is_uuid(key)):
                problems.append(Problem(f"{at}.id", f"«{key}» — не UUID"))
                continue
            if day is None:
                continue
            if key is not None and (key in seen or db.execute_sql(
                    f'SELECT 1 FROM "meter_reading" WHERE id = {m}', (db_id(key),)).fetchone()):
                already += 1
                continue
            same_day = [r for r in rd.list_readings(db, meter=meter, limit=1000) if r.day == day]
            if any(r.values == values for r in same_day):
                already += 1
                continue
            for other in same_day:
                problems.append(Problem(at, f"прибор № {meter.serial}, {day:%d.%m.%Y}: в файле "
                                            f"{rules.values_text(values)}, в базе уже {other.values_text()} "
                                            f"({other.status_name}, {rd.SOURCE_NAMES.get(other.source, other.source)}"
                                            f", код {other.code}) — показания расходятся"))
            if not same_day:
                if key is not None:
                    seen.add(key)
                new.append((at, meter, day, values, source, key))
    if problems:
        raise ValidationFailed(problems, title=f"Файл маршрута {path.name} не принят, ничего не записано")
    created = known is None
    added = []
    with UnitOfWork(action="routes.import", actor=actor, db=db,
                    details={"route": rname, "file": path.name, "readings": len(new)}) as uow:
        if created:
            uow.insert(Route, id=rid, name=rname, reader=route.get("reader"), created_on=today)
            uow.insert_rows(RouteStop, ("id", "route_id", "position", "meter_id"),
                            [(s["id"] if is_uuid(s.get("id")) else uuid7(), rid, n, s["meter"]["id"])
                             for n, s in enumerate(stops, 1)])
        for _at, meter, day, values, source, key in new:
            verdicts = rd.judge(db, meter, day, values, source=source)
            added.append(rd._insert(uow, meter, day, values, source=source, period=None, reading_id=key, extra=None,
                                    verdicts=verdicts))
    return Imported(rname, tuple(rd.reading(db, a) for a in added), already, created)


__all__ = ["FORMAT", "Imported", "RouteInfo", "add_to_routes", "export_route", "import_route", "list_routes",
           "make_route", "route_info", "write_route"]
