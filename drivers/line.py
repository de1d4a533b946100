"""A request-and-answer line to a meter, shared by the meter drivers: the port opened lazily by its URL with the
line's settings, the input dropped before each request (a slow device's late answer never passes for the next
one's), and an answer read byte by byte until the protocol's own test finds it whole — or the deadline passes.
Failures are typed and Russian (``drivers.errors``): nothing came — ``DeviceTimeout``; something, never whole —
``FrameError``; the line dropped — ``DeviceDisconnected`` (the port reopened on the next request)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from serial.serialutil import SerialException

from drivers.errors import DeviceDisconnected, DeviceTimeout, FrameError
from drivers.transport import open_port

T = TypeVar("T")


class Line:
    def __init__(self, url: str, *, device: str, hint: str, baudrate: int, bytesize: int = 8, parity: str = "N",
                 timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        """``device``: how messages name it («Счётчик»); ``hint``: what to check when it does not answer."""
        self.url, self.device, self.hint, self.timeout, self.clock = url, device, hint, timeout, clock
        self.settings = {"baudrate": baudrate, "bytesize": bytesize, "parity": parity}
        self.port = None

    def open(self):
        if self.port is None:
            self.port = open_port(self.url, **self.settings)
        return self.port

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None

    def _dropped(self, exc: Exception) -> DeviceDisconnected:
        self.close()
        return DeviceDisconnected(f"Связь: {self.device} ({self.url}) — линия прервана: {exc}")

    def send(self, data: bytes) -> None:
        """The input dropped, then ``data`` written."""
        port = self.open()
        try:
            port.reset_input_buffer()
            port.write(data)
        except SerialException as exc:
            raise self._dropped(exc) from exc

    def read_until(self, found: Callable[[bytes], T | None], what: str, *, timeout: float | None = None) -> T:
        """What ``found`` makes of the bytes come so far, as soon as it makes something (not None)."""
        port = self.open()
        got = bytearray()
        deadline = self.clock() + (self.timeout if timeout is None else timeout)
        try:
            while self.clock() < deadline:
                chunk = port.read(1)
                if not chunk:
                    continue
                got += chunk
                result = found(bytes(got))
                if result is not None:
                    return result
        except SerialException as exc:
            raise self._dropped(exc) from exc
        if not got:
            raise DeviceTimeout(f"{self.device} ({self.url}) не ответил на {what}: {self.hint}")
        raise FrameError(f"{self.device} ({self.url}) прислал неполный или повреждённый ответ на {what} "
                         f"({bytes(got[:24]).hex(' ')}): помехи на линии — повторите")

    def ask(self, data: bytes, found: Callable[[bytes], T | None], what: str, *, timeout: float | None = None) -> T:
        self.send(data)
        return self.read_until(found, what, timeout=timeout)
