"""The ``sim://NAME`` pyserial URL: a port whose other end is a registered device model (``drivers.sim``).

pyserial finds it as ``<package>.protocol_sim`` once ``drivers.transport`` has added ``drivers.sim`` to
``serial.protocol_handler_packages``. Writing feeds the model; reading takes what it answered, never waits (a
device that does not answer is an instant short read — the caller's deadline decides); a model's ``Hangup`` makes
the next read fail as a dropped USB adapter does.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from serial.serialutil import PortNotOpenError, SerialBase, SerialException

from drivers import sim


class Serial(SerialBase):
    """A serial port wired to a simulated device."""

    def open(self) -> None:
        if self.is_open:
            raise SerialException("порт уже открыт")
        if self._port is None:
            raise SerialException("не задан адрес устройства")
        parts = urlsplit(self._port)
        name = parts.netloc or parts.path.lstrip("/")
        if parts.scheme != "sim" or not name:
            raise SerialException(f"ожидается адрес вида sim://ИМЯ, а не «{self._port}»")
        state = parse_qs(parts.query).get("state", [None])[0]
        try:
            self._model = sim.model(name, state)
        except LookupError as exc:
            raise SerialException(str(exc)) from exc
        self._rx = bytearray()
        self._hung = False
        self.is_open = True

    def close(self) -> None:
        self.is_open = False
        super().close()

    def _reconfigure_port(self) -> None:  # line settings mean nothing to a model
        pass

    def _check(self) -> None:
        if not self.is_open:
            raise PortNotOpenError()

    @property
    def in_waiting(self) -> int:
        self._check()
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        self._check()
        if not self._rx and self._hung:
            raise SerialException("device reports readiness to read but returned no data (device disconnected?)")
        data = bytes(self._rx[:size])
        del self._rx[:size]
        return data

    def write(self, data) -> int:
        self._check()
        if self._hung:
            raise SerialException("write failed: device disconnected")
        data = bytes(data)
        try:
            self._rx += self._model.feed(data)
        except sim.Hangup as hangup:
            self._rx += hangup.partial
            self._hung = True
            if not hangup.partial:  # pulled as the bytes went out: the write fails; else the read after the part
                raise SerialException("write failed: device disconnected") from None
        return len(data)

    def reset_input_buffer(self) -> None:
        self._check()
        self._rx.clear()

    def reset_output_buffer(self) -> None:
        self._check()

    def send_break(self, duration: float = 0.25) -> None:
        self._check()

    def _update_break_state(self) -> None:
        pass

    def _update_rts_state(self) -> None:
        pass

    def _update_dtr_state(self) -> None:
        pass

    @property
    def cts(self) -> bool:
        return True

    @property
    def dsr(self) -> bool:
        return True

    @property
    def ri(self) -> bool:
        return False

    @property
    def cd(self) -> bool:
        return True
