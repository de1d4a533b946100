"""Reading an M-Bus meter (heat, water; DRIVERS.md §3.4): SND_NKE, then REQ_UD2 at its primary address; the answer's
records parsed by pyMeterBus, named in Russian, energy in kWh (or GJ), volume in m³, temperatures in °C.

2400 Bd 8E1 by default. The input is dropped before each request; an answer is a single E5 or a long frame
found by its start, length, checksum, stop byte and address among what came in (noise and a neighbour's late
answer skipped). Typed Russian errors."""
from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import meterbus

from drivers.codecs import mbus
from drivers.errors import DeviceTimeout, FrameError
from drivers.line import Line
from drivers.meters.base import MeterReading, MeterValue

TIMEOUT = 1.0
ANY_ADDRESS = (253, 254)
"""Addresses any meter answers (253 the one selected by its secondary address, 254 whichever is on the line): its
answer carries its own primary address. To any other, only the meter of that address answers."""
MEDIA = {0x04: "тепло (обратный трубопровод)", 0x0C: "тепло (подающий трубопровод)", 0x06: "горячая вода",
         0x07: "вода", 0x16: "холодная вода", 0x02: "электричество", 0x03: "газ"}
"""The medium byte of the variable-data header (EN 13757-3), for people."""
EXTREMES = {"MAXIMUM_VALUE": "максимум", "MINIMUM_VALUE": "минимум"}
"""A record's function (DIF) other than the current value. A tariff (DIFE) and a subunit — a pulse input, another
meter wired to this one — make a record another register too."""
LABELS = {  # pyMeterBus's VIF type → (code, label, unit, scale)
    "ENERGY_WH": ("6.8", "тепловая энергия", "кВт·ч", Decimal("0.001")),
    "ENERGY_J": ("6.8", "тепловая энергия", "ГДж", Decimal("1e-9")),
    "VOLUME": ("8.0", "объём", "м³", Decimal(1)),
    "POWER_W": ("6.7", "тепловая мощность", "кВт", Decimal("0.001")),
    "VOLUME_FLOW": ("8.7", "расход", "м³/ч", Decimal(1)),
    "FLOW_TEMPERATURE": ("6.26", "температура подачи", "°C", Decimal(1)),
    "RETURN_TEMPERATURE": ("6.27", "температура обратки", "°C", Decimal(1)),
    "TEMPERATURE_DIFFERENCE": ("6.28", "разность температур", "К", Decimal(1)),
}


class MbusMeter:
    def __init__(self, url: str, *, address: int = 254, timeout: float = TIMEOUT, baudrate: int = 2400,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not 0 <= address <= 255:
            raise ValueError(f"первичный адрес M-Bus — от 0 до 255, а не {address}")
        self.address = address
        self.line = Line(url, device=f"Счётчик M-Bus с адресом {address}",
                         hint="проверьте адрес, питание шины и подключение", baudrate=baudrate, parity="E",
                         timeout=timeout, clock=clock)

    def close(self) -> None:
        self.line.close()

    def _exchange(self, request: bytes, *, long: bool) -> bytes:
        """A single E5 (``long`` False) or a whole long frame with a good checksum among what came in."""
        def whole(got: bytes) -> bytes | None:
            if not long and got[-1] == mbus.ACK:
                return b"\xe5"
            for start in range(len(got)):
                size = mbus.long_length(got[start:start + 4])
                if size is not None and len(got) - start >= size:
                    try:
                        frame = mbus.check_long(got[start:start + size])
                    except FrameError:
                        continue
                    if self.address in ANY_ADDRESS or frame[5] == self.address:  # else a neighbour's late
                        return frame                                                # answer on the bus
            return None

        return self.line.ask(request, whole, "запрос данных" if long else "сброс связи")

    def read(self) -> MeterReading:
        try:
            try:
                self._exchange(mbus.short(mbus.SND_NKE, self.address), long=False)
            except DeviceTimeout:
                pass  # some meters do not confirm the reset; the data request decides
            frame = self._exchange(mbus.short(mbus.REQ_UD2, self.address), long=True)
        finally:
            self.line.close()
        telegram = meterbus.load(frame)
        values = []
        for n, record in enumerate(telegram.records):
            kind = str(record.interpreted.get("type", "")).removeprefix("VIFUnit.")
            known = LABELS.get(kind)
            if known is None:
                continue
            code, label, unit, scale = known
            storage, tariff, subunit = record.dib.parse_dife()
            function = str(record.interpreted.get("function", "")).removeprefix("FunctionType.")
            which = [f"архив {storage}" if storage else "", f"тариф {tariff}" if tariff else "",
                     f"вход {subunit}" if subunit else "", EXTREMES.get(function, "")]
            which = [w for w in which if w]
            if which:  # not the meter's own current value: a line of its own, named
                label += f" ({', '.join(which)})"
            values.append(MeterValue(f"{code}#{n}" if which else code, label, mbus.value(record.parsed_value) * scale
                                     if scale != 1 else mbus.value(record.parsed_value), unit))
        return MeterReading("mbus", mbus.secondary_id(frame), tuple(values), {"medium": MEDIA.get(frame[14])
                                                                            if len(frame) > 14 else None})
