"""Приборы учёта (issue 15): meters read over serial lines, readings kept through the named validation rules and
accepted by a person, readers' routes.

Reading a meter needs no database — a reader checks a meter on a fresh tablet —, so ``read_meter`` is a plain
function of the application layer, as the faces use it; storing what was read (``MetersCases.save_read``) goes
through the same rules as a reading typed by hand (``bcenter.modules.meters.readings``)."""
from __future__ import annotations

from datetime import date

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from pathlib import Path

from bcenter.core.errors import BcenterError
from bcenter.core.period import Period
from bcenter.modules.meters import lifecycle as life, readings as rd, routes as rt
from bcenter.modules.meters.due import KIND_NAMES, RESOURCE_NAMES, DueMeter, meters_due  # noqa: F401  (names for the faces)
from bcenter.modules.meters.readings import SOURCE_NAMES, STATUS_FILTERS, KeptReading  # noqa: F401
from bcenter.modules.meters.routes import Imported, RouteInfo  # noqa: F401
from bcenter.modules.meters.lifecycle import LifeEvent  # noqa: F401
from bcenter.engine.reading_rules import STATUS_NAMES, ZONE_NAMES, ZONES as METER_ZONES  # noqa: F401
from drivers.meters.base import MeterReading

DEVICE_CODES = {"electricity": {1: {"total": "1.8.0"}, 2: {"day": "1.8.1", "night": "1.8.2"},
                                3: {"peak": "1.8.1", "night": "1.8.2", "half_peak": "1.8.3"}},
                "cold_water": {1: {"total": "8.0"}}, "hot_water": {1: {"total": "8.0"}}}
"""Which value a meter read over a line gives for each zone of a meter of our registry: active energy A+ by tariff
(OBIS 1.8.T; tariff 1 — day or peak, 2 — night, 3 — half-peak, as the ЕПД and the banks number them), a water
meter's volume (M-Bus, 8.0)."""

PROTOCOLS = {"mercury230": "Меркурий 230/231/234/236", "iec62056-21": "МЭК 62056-21", "mbus": "M-Bus"}
FAMILIES = {"readout": "режим C, чтение данных", "energomera": "Энергомера (СЕ102М, СЕ301, СЕ303)",
            "neva": "НЕВА МТ"}


def read_meter(port: str, *, protocol: str, address: str | int | None = None, password: str | None = None,
               family: str = "readout", timeout: float | None = None) -> MeterReading:
    """What the meter at ``port`` (a serial port, ``socket://``, ``sim://mercury230`` …) says now."""
    options = {} if timeout is None else {"timeout": timeout}
    if protocol == "mercury230":
        from drivers.meters.mercury230 import Mercury230

        if address not in (None, "") and not str(address).isdigit():
            raise UsageError(f"--address: у Меркурия адрес — число от 0 до 254, а не «{address}»")
        return Mercury230(port, address=int(address or 0), password=password or "111111", **options).read()
    if protocol == "iec62056-21":
        from drivers.meters.iec62056 import IecMeter

        if family not in FAMILIES:
            raise UsageError(f"--family: «{family}»; есть: {', '.join(FAMILIES)}")
        return IecMeter(port, family=family, address=str(address or ""), password=password, **options).read()
    if protocol == "mbus":
        from drivers.meters.mbus import MbusMeter

        if address not in (None, "") and not (str(address).isdigit() and int(address) <= 255):
            raise UsageError(f"--address: первичный адрес M-Bus — число от 0 до 255, а не «{address}»")
        return MbusMeter(port, address=int(address) if address not in (None, "") else 254, **options).read()
    raise UsageError(f"--protocol: «{protocol}» не поддерживается; есть: {', '.join(PROTOCOLS)}")


def device_values(reading: MeterReading, resource: str, zones: int) -> dict:
    """The zone values of our meter (``resource``, ``zones``) in what the device said; refused in words when it
    does not say them."""
    codes = DEVICE_CODES.get(resource, {}).get(zones)
    if codes is None:
        raise UsageError(f"Показания прибора ({RESOURCE_NAMES.get(resource, resource)}, зон: {zones}) по линии связи "
                         "не сохраняются: введите их вручную — bcenter readings add")
    values = {zone: reading.value(code) for zone, code in codes.items()}
    missing = [code for zone, code in codes.items() if values[zone] is None]
    if missing:
        raise BcenterError(f"Счётчик № {reading.serial} не сообщил {', '.join(missing)}: показание не сохранено")
    return values


def _same_serial(a: str, b: str) -> bool:
    return a.strip().lstrip("0") == b.strip().lstrip("0")


class MetersCases(UseCases):
    @use_case(P.METERS_READ, "сроки поверки приборов учёта")
    def due(self, *, days: int = 30, house: str | None = None, today: date | None = None) -> list[DueMeter]:
        """Meters whose verification runs out within ``days`` days, or has run out (overdue first)."""
        if days < 0:
            raise UsageError("--days: число дней не может быть отрицательным")
        return meters_due(self.db, today=today or self.app.clock.today(), days=days, house=house)

    @use_case(P.READINGS_WRITE, "ввод показаний", writes=True)
    def add_reading(self, meter: str, values: dict, *, day: date | None = None, source: str = "resident",
                    period: str | None = None, rollover: bool = False) -> KeptReading:
        """Keep a reading of the meter with serial number (or exchange code) ``meter``, whatever the rules say."""
        if source not in SOURCE_NAMES:
            raise UsageError(f"--source: «{source}»; есть: {', '.join(SOURCE_NAMES)}")
        info = rd.find_meter(self.db, meter)
        parsed = rd.parse_values(info, values)
        today = self.app.clock.today()
        return rd.record(self.db, info, day or today, parsed, source=source, actor=self.app.actor.user,
                         period=period, extra={"rollover": True} if rollover else None, today=today)

    @use_case(P.READINGS_WRITE, "сохранение показаний счётчика", writes=True)
    def save_read(self, reading: MeterReading, meter: str) -> KeptReading:
        """Keep what ``read_meter`` read as a reading of ``meter`` (source «device»), through the rules; refused when
        the line's meter is another one (its serial number differs)."""
        info = rd.find_meter(self.db, meter)
        if not _same_serial(reading.serial, info.serial):
            raise BcenterError(f"На линии счётчик № {reading.serial}, а указан прибор № {info.serial} ({info.address}):"
                               " показание не сохранено")
        today = self.app.clock.today()
        return rd.record(self.db, info, today, device_values(reading, info.resource, info.zones), source="device",
                         actor=self.app.actor.user, today=today, action="readings.device")

    @use_case(P.METERS_READ, "просмотр показаний")
    def readings(self, *, meter: str | None = None, account: str | None = None, status: str = "all",
                 limit: int = 50) -> list[KeptReading]:
        info = rd.find_meter(self.db, meter) if meter else None
        return rd.list_readings(self.db, meter=info, account=account, status=status, limit=limit)

    @use_case(P.READINGS_ACCEPT, "принятие показаний", writes=True)
    def accept_reading(self, reading_id: str, *, reason: str) -> KeptReading:
        """A person accepts a rejected or unconfirmed reading with a reason (audited); the next month run
        recalculates the months it closes."""
        return rd.accept(self.db, reading_id, reason=reason, actor=self.app.actor.user, today=self.app.clock.today())

    @use_case(P.ROUTES_MANAGE, "составление маршрутов", writes=True)
    def make_route(self, *, name: str, houses: list[str], reader: str | None = None) -> RouteInfo:
        return rt.make_route(self.db, name=name, houses=houses, reader=reader, actor=self.app.actor.user,
                             today=self.app.clock.today())

    @use_case(P.METERS_READ, "маршруты контролёров")
    def routes(self, *, period: str | None = None) -> list[RouteInfo]:
        return rt.list_routes(self.db, Period.parse(period) if period else Period.of(self.app.clock.today()))

    @use_case(P.METERS_READ, "выгрузка маршрута")
    def export_route(self, name: str, out: Path, *, period: str | None = None) -> RouteInfo:
        """Write the route's file for a reader's tablet (``routes.export_route``); its progress over the period."""
        today = self.app.clock.today()
        month = Period.parse(period) if period else Period.of(today)
        rt.write_route(rt.export_route(self.db, name, month, today=today), Path(out))
        return rt.route_info(self.db, name, month)

    @use_case(P.METERS_READ, "лист маршрута")
    def route_sheet(self, name: str, *, period: str | None = None) -> dict:
        """The route as the reader walks it (the route file's document, ``routes.export_route``): its stops in
        order, each with the previous counted reading, the expected range and the period's readings taken."""
        today = self.app.clock.today()
        return rt.export_route(self.db, name, Period.parse(period) if period else Period.of(today), today=today)

    @use_case(P.READINGS_WRITE, "загрузка маршрута", writes=True)
    def import_route(self, path: Path) -> Imported:
        return rt.import_route(self.db, Path(path), actor=self.app.actor.user, today=self.app.clock.today())

    # --- a meter's life (modules/meters/lifecycle.py) ---------------------------------------------------------
    @use_case(P.METERS_READ, "карточка прибора учёта")
    def show(self, meter: str) -> tuple[rd.MeterInfo, list[LifeEvent]]:
        info = rd.find_meter(self.db, meter)
        return info, life.life(self.db, info)

    @use_case(P.METERS_WRITE, "пломбирование прибора", writes=True)
    def seal(self, meter: str, *, number: str, day: date | None = None, document: str | None = None) -> None:
        today = self.app.clock.today()
        life.seal(self.db, rd.find_meter(self.db, meter), number=number, day=life.event_day(day, today),
                  document=document, actor=self.app.actor.user)

    @use_case(P.METERS_WRITE, "неисправность прибора", writes=True)
    def fault(self, meter: str, *, day: date | None = None, note: str | None = None,
              document: str | None = None) -> None:
        today = self.app.clock.today()
        life.fault(self.db, rd.find_meter(self.db, meter), day=life.event_day(day, today), note=note, document=document,
                   actor=self.app.actor.user)

    @use_case(P.METERS_WRITE, "поверка прибора", writes=True)
    def verify(self, meter: str, *, valid_until: date, day: date | None = None, document: str | None = None) -> None:
        today = self.app.clock.today()
        life.verify(self.db, rd.find_meter(self.db, meter), day=life.event_day(day, today), valid_until=valid_until,
                    document=document, actor=self.app.actor.user)

    @use_case(P.METERS_WRITE, "снятие прибора", writes=True)
    def remove(self, meter: str, *, final: str, day: date | None = None) -> None:
        info = rd.find_meter(self.db, meter)
        life.remove(self.db, info, day=life.event_day(day, self.app.clock.today()),
                    final=life.zone_values(info.zones, final, "--final"), actor=self.app.actor.user)

    @use_case(P.METERS_WRITE, "замена прибора", writes=True)
    def replace(self, meter: str, *, final: str, serial: str, digits: int, initial: str, zones: int | None = None,
                valid_until: date | None = None, day: date | None = None) -> rd.MeterInfo:
        old = rd.find_meter(self.db, meter)
        zones = zones or old.zones
        return life.replace(self.db, old, day=life.event_day(day, self.app.clock.today()),
                            final=life.zone_values(old.zones, final, "--final"), serial=serial, digits=digits,
                            zones=zones, initial=life.zone_values(zones, initial, "--initial"),
                            valid_until=valid_until, actor=self.app.actor.user)

    @use_case(P.METERS_WRITE, "установка прибора", writes=True)
    def install(self, *, account: str, resource: str, serial: str, digits: int, initial: str, zones: int = 1,
                valid_until: date | None = None, day: date | None = None) -> rd.MeterInfo:
        return life.install(self.db, account=account, resource=resource, serial=serial, zones=zones, digits=digits,
                            day=life.event_day(day, self.app.clock.today()),
                            initial=life.zone_values(zones, initial, "--initial"), valid_until=valid_until,
                            actor=self.app.actor.user)
