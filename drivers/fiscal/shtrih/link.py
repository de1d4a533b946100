"""The Штрих-М link layer (DRIVERS.md §2.2): one command, one answer, whatever the line does.

1. **Ready?** The host sends ENQ. NAK: the register is idle. ACK: it still holds an answer nobody took (the host
   crashed or the line dropped before its ACK) — that stale answer is read, acknowledged and set aside
   (``stale``), and ENQ asked again. No answer: ENQ again, up to ``retries`` times, then ``DeviceTimeout``.
2. **The frame** ``STX LEN message LRC`` is sent; ACK: taken. NAK (the register refused a spoiled frame): sent
   again, up to ``retries`` times, then ``FrameError``. Silence or any other byte (the ACK lost or spoiled): ENQ —
   an ACK there means the command was taken and its answer waits (read it: never send the command twice); a NAK
   means it was not (send it again). An STX is the answer coming while its ACK was lost: read it.
3. **The answer** is read up to its LRC within the deadline; a wrong LRC or a frame that stops short (noise
   taken for its STX, a byte lost) gets NAK and the register sends it again (``retries`` times); a good one gets
   ACK. Bytes before STX are line noise, skipped.

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
from drivers.line import Line

RETRIES = 10
TIMEOUT = 1.0  # seconds for a byte or a frame to arrive
COMMAND_TIMEOUT = 20.0  # a command that prints (a report, a receipt) takes its time before the answer


class ShtrihLink:
    def __init__(self, url: str, *, baudrate: int = 115200, timeout: float = TIMEOUT,
                 command_timeout: float = COMMAND_TIMEOUT, retries: int = RETRIES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.url = url
        self.timeout, self.command_timeout, self.retries, self.clock = timeout, command_timeout, retries, clock
        self.line = Line(url, device="ККТ", hint="проверьте, что она включена и кабель подключён", baudrate=baudrate,
                         timeout=timeout, clock=clock)  # the port, opened lazily, reopened after a drop
        self.stale: list[bytes] = []  # answers of earlier commands nobody took, as found

    # --- the port -----------------------------------------------------------------------------------------
    @property
    def port(self):
        return self.line.port

    def _open(self):
        return self.line.open()

    def close(self) -> None:
        self.line.close()

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
        """Send one command message, return its answer message (command, error code, data).

        The frame is sent again only when the register, asked with ENQ, says it holds no answer (NAK): whatever came
        back after the frame — a NAK, noise, nothing — it may have carried the command out (a sale item added twice,
        a receipt closed twice) and only ENQ tells. An STX instead of the ACK is the answer already coming: it is
        read. An answer that does not echo this command is a stale one (an earlier command's, a late copy): set
        aside, and the register asked again."""
        frame = shtrih.frame(message)
        echo = message[:2] if message[0] == 0xFF else message[:1]
        self._ready()
        for _ in range(self.retries):
            self._write(frame)
            reply = self._byte(self.timeout)
            if reply == ACK:
                answer = self._answer(self.command_timeout)
            elif reply == STX:
                answer = self._answer(self.command_timeout, started=True)
            elif self._enquire():  # a NAK, noise or silence: taken or not? ACK — taken, its answer follows
                answer = self._answer(self.command_timeout)
            else:
                continue  # idle: the frame was not taken — send it again
            while not answer.startswith(echo):
                self.stale.append(answer)
                if not self._enquire():
                    break
                answer = self._answer(self.command_timeout)
            else:
                return answer
        raise FrameError(f"ККТ ({self.url}) не приняла команду после {self.retries} попыток: помехи на линии — "
                         "проверьте кабель")

    def _enquire(self) -> bool:
        """ENQ: True when the register holds an answer (ACK, the answer follows), False when idle (NAK). Noise is
        skipped while the reply is awaited; ENQ is sent again only after silence."""
        for _ in range(self.retries):
            self._write(bytes((ENQ,)))
            deadline = self.clock() + self.timeout
            while True:
                reply = self._byte(max(deadline - self.clock(), 0))
                if reply is None:
                    break
                if reply == ACK:
                    return True
                if reply == NAK:
                    return False
        raise DeviceTimeout(f"ККТ ({self.url}) не отвечает: проверьте, что она включена и кабель подключён")

    def _drain(self) -> None:
        """Drop what is left on the line (late copies of answers, replies to an earlier ENQ) until it is quiet."""
        port = self._open()
        try:
            port.reset_input_buffer()
            while port.read(64):
                pass
        except SerialException as exc:
            self.close()
            raise DeviceDisconnected(f"Связь с ККТ ({self.url}) прервана: {exc}") from exc

    def _ready(self) -> None:
        """The register idle: the line drained, stale answers read and set aside."""
        self._drain()
        for _ in range(self.retries):
            if not self._enquire():
                return
            self.stale.append(self._answer(self.timeout))
        raise FrameError(f"ККТ ({self.url}) всё время отвечает старыми ответами")

    def _answer(self, timeout: float, *, started: bool = False) -> bytes:
        """Read the answer frame (noise before STX skipped; ``started``: its STX already read), ACK it; NAK and read
        again on a wrong LRC. An answer that does not come is asked for with ENQ (the register took the command:
        its answer waits)."""
        for _ in range(self.retries):
            body = self._frame(timeout, started=started)
            timeout, started = self.timeout, False
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

    def _frame(self, timeout: float, *, started: bool = False) -> bytes | None:
        """The bytes of a frame from its STX; None when no STX came in time. A frame that stops short (a byte of
        noise that looked like STX, a byte lost) is returned as it is: its check fails and the NAK that follows gets
        the answer again — the register holds it until it is acknowledged."""
        while not started:
            byte = self._byte(timeout)
            if byte is None:
                return None
            if byte == STX:
                break
        body = bytearray((STX,))
        length = self._byte(self.timeout)
        if length is None:
            return bytes(body)
        body.append(length)
        for _ in range(length + 1):
            byte = self._byte(self.timeout)
            if byte is None:
                break
            body.append(byte)
        return bytes(body)
