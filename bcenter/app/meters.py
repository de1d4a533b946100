"""Приборы учёта: meters read over serial lines (issue 15, first step). Reading a meter needs no database — a
reader checks a meter on a fresh tablet —, so it is a plain function of the application layer, as the faces use
it; storing what was read goes through the readings' validation rules (to come)."""
from __future__ import annotations

from datetime import date

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from bcenter.modules.meters.due import KIND_NAMES, RESOURCE_NAMES, DueMeter, meters_due  # noqa: F401  (names for the faces)
from drivers.meters.base import MeterReading

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


class MetersCases(UseCases):
    @use_case(P.METERS_READ, "сроки поверки приборов учёта")
    def due(self, *, days: int = 30, house: str | None = None, today: date | None = None) -> list[DueMeter]:
        """Meters whose verification runs out within ``days`` days, or has run out (overdue first)."""
        if days < 0:
            raise UsageError("--days: число дней не может быть отрицательным")
        return meters_due(self.db, today=today or self.app.clock.today(), days=days, house=house)
