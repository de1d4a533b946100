"""Reading a Меркурий 230/231/234/236 over a line (DRIVERS.md §3.3): open the channel, the serial number, energy A+,
A−, R+, R− in total and by tariff (1…4), close.

Every exchange starts with the input dropped (a slow meter's late answer must not pass for the next one's), writes
the request and reads until a whole answer of the expected length — or a 4-byte status frame — with a good CRC
ends what came in (line noise before it is skipped), or the deadline passes (≥ 150 ms at 9600 Bd: 300 ms by
default). Statuses become Russian errors; a closed channel (status 5) is opened again once and the request
repeated. Timeouts, spoiled frames and a dropped line are typed (``drivers.errors``)."""
from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from drivers.codecs import mercury
from drivers.errors import DeviceRejected, DeviceTimeout, FrameError
from drivers.line import Line
from drivers.meters.base import ENERGY_LABELS, MeterReading, MeterValue, tariff_label

TIMEOUT = 0.3


class Mercury230:
    def __init__(self, url: str, *, address: int = 0, password: str = "111111", level: int = 1,
                 timeout: float = TIMEOUT, baudrate: int = 9600, tariffs: int = 4,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not 0 <= address <= 254:
            raise ValueError(f"адрес счётчика Меркурий — от 0 до 254, а не {address}")
        self.address, self.level, self.tariffs = address, level, tariffs
        self.password = mercury.password_bytes(password)
        self.line = Line(url, device=f"Счётчик по адресу {address}",
                         hint="проверьте адрес, скорость линии и подключение", baudrate=baudrate, timeout=timeout,
                         clock=clock)

    def close(self) -> None:
        self.line.close()

    def exchange(self, request: bytes, size: int) -> bytes:
        """The body (without the CRC) of the answer to ``request``: ``size`` bytes long with its CRC, or a status
        (4 bytes), at the end of what came in with a good CRC and our address (noise before it skipped)."""
        def whole(got: bytes) -> bytes | None:
            for length in (size, 4):
                frame = got[-length:]
                if len(got) >= length and frame[0] == request[0]:
                    try:
                        return mercury.open_frame(frame)
                    except FrameError:
                        pass
            return None

        return self.line.ask(request, whole, f"команду {request[1]:02x}")

    def _call(self, request: bytes, size: int, *, reopen: bool = True) -> bytes:
        body = self.exchange(request, size)
        status = mercury.status_of(body)
        if status == 5 and reopen:  # the channel closed (a timeout inside the meter): open it again, once
            self._session()
            return self._call(request, size, reopen=False)
        if status not in (None, 0):
            raise DeviceRejected(status, f"Счётчик отказал: {mercury.STATUS.get(status, f'код {status}')}")
        return body

    def _session(self) -> None:
        body = self.exchange(mercury.open_channel(self.address, self.level, self.password), 4)
        status = mercury.status_of(body)
        if status == 1:
            raise DeviceRejected(1, f"Счётчик не открыл канал: неверный пароль уровня {self.level} — проверьте "
                                    "пароль в карточке прибора")
        if status:
            raise DeviceRejected(status, f"Счётчик не открыл канал: {mercury.STATUS.get(status, f'код {status}')}")

    def read(self) -> MeterReading:
        """The serial number and energy in total and by tariff, in kWh / kvarh."""
        try:
            self._session()
            serial, made = mercury.serial_number(self._call(mercury.read_serial(self.address), 10))
            values = []
            for tariff in range(self.tariffs + 1):
                body = self._call(mercury.read_energy(self.address, array=0, tariff=tariff), 19)
                for kind, wh in enumerate(mercury.energies(body), start=1):
                    if wh is None:
                        continue
                    unit = "кВт·ч" if kind <= 2 else "квар·ч"
                    values.append(MeterValue(f"{kind}.8.{tariff}", f"{ENERGY_LABELS[kind]}, {tariff_label(tariff)}",
                                             Decimal(wh) / 1000, unit))
            try:
                self.exchange(mercury.close_channel(self.address), 4)
            except (DeviceTimeout, FrameError):
                pass  # the meter closes an idle channel by itself
        finally:
            self.line.close()
        return MeterReading("mercury230", serial, tuple(values), {"made": made})
