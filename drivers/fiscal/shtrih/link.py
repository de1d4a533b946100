"""The Штрих-М link layer (DRIVERS.md §2.2): one command, one answer, whatever the line does.

1. **Ready?** The host sends ENQ. NAK: the register is idle. ACK: it still holds an answer nobody took (the host
   crashed or the line dropped before its ACK) — that stale answer is read, acknowledged and set aside
   (``stale``), and ENQ asked again. No answer: ENQ again, up to ``retries`` times, then ``DeviceTimeout``.
2. **The frame** ``STX LEN message LRC`` is sent; ACK: taken. NAK (a byte spoiled on the way): sent again, up to
   ``retries`` times, then ``FrameError``. No answer: back to ENQ — an ACK there means the command was taken and
   its answer waits (read it, never send the command twice); a NAK means it was not (send it again).
3. **The answer** is read up to its LRC within the deadline; a wrong LRC gets NAK and the register sends it again
   (``retries`` times); a good one gets ACK. Bytes before STX are line noise, skipped.

A dropped line (pyserial's ``SerialException``) is ``DeviceDisconnected``; the port is reopened on the next
exchange. Reads poll the port (its timeout is set once — ``drivers.transport``) until the link's own deadline.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from serial.serialutil import SerialException

from drivers.codecs import shtrih
from drivers.codecs.shtrih import ACK, ENQ, NAK, STX
from drivers.errors import DeviceDisconnected, DeviceTimeout, FrameError
from drivers.transport import open_port

RETRIES = 10
TIMEOUT = 1.0  # seconds for a byte or a frame to arrive
COMMAND_TIMEOUT = 20.0  # a command that prints (a report, a receipt) takes its time before the answer


class ShtrihLink:
    def __init__(self, url: str, *, baudrate: int = 115200, timeout: float = TIMEOUT,
                 command_timeout: float = COMMAND_TIMEOUT, retries: int = RETRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.url, self.baudrate = url, baudrate
        self.timeout, self.command_timeout, self.retries, self.clock = timeout, command_timeout, retries, clock
        self.port = None
        self.stale: list[bytes] = []  # answers of earlier commands nobody took, as found

    # --- the port -----------------------------------------------------------------------------------------
    def _open(self):
        if self.port is None:
            self.port = open_port(self.url, baudrate=self.baudrate)
        return self.port

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None

    def _write(self, data: bytes) -> None:
        try:
            self._open().write(data)
        except SerialException as exc:
            self.close()
            raise DeviceDisconnected(f"Связь с ККТ ({self.url}) прервана: {exc}") from exc

    def _byte(self, timeout: float) -> int | None:
        """The next byte within ``timeout`` seconds, or None."""
        deadline = self.clock() + timeout
        port = self._open()
        while True:
            try:
                data = port.read(1)
            except SerialException as exc:
                self.close()
                raise DeviceDisconnected(f"Связь с ККТ ({self.url}) прервана: {exc}") from exc
            if data:
                return data[0]
            if self.clock() >= deadline:
                return None

    # --- the exchange -------------------------------------------------------------------------------------
    def exchange(self, message: bytes) -> bytes:
        """Send one command message, return its answer message (command, error code, data)."""
        frame = shtrih.frame(message)
        self._ready()
        for _ in range(self.retries):
            self._write(frame)
            reply = self._byte(self.timeout)
            if reply == ACK:
                return self._answer(self.command_timeout)
            if reply is None:  # taken or not? ask
                if self._enquire():
                    return self._answer(self.timeout)
                continue
            # NAK or noise: the frame did not arrive whole — send it again
        raise FrameError(f"ККТ ({self.url}) не приняла команду после {self.retries} попыток: помехи на линии")

    def _enquire(self) -> bool:
        """ENQ: True when the register holds an answer (ACK, the answer follows), False when idle (NAK)."""
        for _ in range(self.retries):
            self._write(bytes((ENQ,)))
            reply = self._byte(self.timeout)
            if reply == ACK:
                return True
            if reply == NAK:
                return False
        raise DeviceTimeout(f"ККТ ({self.url}) не отвечает: проверьте, что она включена и кабель подключён")

    def _ready(self) -> None:
        """The register idle: stale answers read and set aside."""
        for _ in range(self.retries):
            if not self._enquire():
                return
            self.stale.append(self._answer(self.timeout))
        raise FrameError(f"ККТ ({self.url}) всё время отвечает старыми ответами")

    def _answer(self, timeout: float) -> bytes:
        """Read the answer frame (noise before STX skipped), ACK it; NAK and read again on a wrong LRC. An answer
        that does not come is asked for with ENQ (the register took the command: its answer waits)."""
        for _ in range(self.retries):
            body = self._frame(timeout)
            timeout = self.timeout
            if body is None:
                if not self._enquire():
                    raise DeviceTimeout(f"ККТ ({self.url}) приняла команду, но не прислала ответ")
                continue
            try:
                message = shtrih.unframe(body)
            except FrameError:
                self._write(bytes((NAK,)))
                continue
            self._write(bytes((ACK,)))
            return message
        raise FrameError(f"ККТ ({self.url}) присылает повреждённые ответы: проверьте кабель")

    def _frame(self, timeout: float) -> bytes | None:
        """The bytes of a frame from its STX; None when no STX came in time."""
        while True:
            byte = self._byte(timeout)
            if byte is None:
                return None
            if byte == STX:
                break
        length = self._byte(self.timeout)
        if length is None:
            raise DeviceTimeout(f"ККТ ({self.url}) оборвала ответ на полуслове")
        body = bytearray((STX, length))
        for _ in range(length + 1):
            byte = self._byte(self.timeout)
            if byte is None:
                raise DeviceTimeout(f"ККТ ({self.url}) оборвала ответ на полуслове")
            body.append(byte)
        return bytes(body)
