"""A Меркурий 230 meter, byte for byte (DRIVERS.md §3.3): test channel, open (level 1 or 2 with its password),
close, the serial number and date, energy by array, month and tariff; a closed channel answers status 5, a wrong
password status 1; a frame with a bad CRC or another address gets no answer (as the meter does).

Faults: ``silent`` — answers nothing; ``flip_crc`` — that many answers with a spoiled CRC; ``garbage`` — bytes sent
before the next answer; ``hangup_after`` — the line drops after so many more answer bytes; ``late`` — that many
answers held back and sent with the next one (a slow meter whose answer arrives after the host gave up)."""
from __future__ import annotations

from dataclasses import dataclass, field

from drivers.codecs import mercury
from drivers.sim import line_out

LENGTHS = {0x00: 4, 0x01: 11, 0x02: 4, 0x05: 6, 0x08: 5}


@dataclass
class Mercury230Model:
    address: int = 0x30
    serial: tuple[int, int, int, int] = (40, 68, 0, 48)
    made: tuple[int, int, int] = (22, 1, 20)
    passwords: dict = field(default_factory=lambda: {1: bytes([1] * 6), 2: bytes([2] * 6)})
    # (array, tariff) → (A+, A−, R+, R−) in Wh; None — not measured
    energy: dict = field(default_factory=lambda: {
        (0, 0): (4512345, None, 1200, None), (0, 1): (3001100, None, 800, None),
        (0, 2): (1511245, None, 400, None), (0, 3): (0, None, 0, None), (0, 4): (0, None, 0, None)})
    params: dict = field(default_factory=dict)  # BWRI → the raw bytes of an instantaneous value
    silent: bool = False
    flip_crc: int = 0
    garbage: bytes = b""
    hangup_after: int | None = None
    late: int = 0
    level: int = 0  # the open channel's level; 0 — closed
    received: list = field(default_factory=list)
    _in: bytearray = field(default_factory=bytearray)
    _held: bytes = b""

    def feed(self, data: bytes) -> bytes:
        self._in += data
        out = bytearray()
        while True:
            frame = self._frame()
            if frame is None:
                break
            self.received.append(frame)
            answer = self._answer(frame)
            if answer is None or self.silent:
                continue
            if self.flip_crc:
                self.flip_crc -= 1
                answer = answer[:-1] + bytes((answer[-1] ^ 0x55,))
            answer = self.garbage + answer
            self.garbage = b""
            if self.late:
                self.late -= 1
                self._held += answer
                continue
            out += self._held + answer
            self._held = b""
        return line_out(self, out)

    def _frame(self) -> bytes | None:
        """The first whole frame in what came in (line noise before it dropped)."""
        while len(self._in) >= 2:
            size = LENGTHS.get(self._in[1])
            if self._in[1] == 0x08 and len(self._in) >= 3 and self._in[2] == 0x11:
                size = 6  # 08 11 BWRI: an instantaneous value
            if size is None:
                del self._in[0]
                continue
            if len(self._in) < size:
                return None
            candidate = bytes(self._in[:size])
            try:
                mercury.open_frame(candidate)
            except Exception:
                del self._in[0]
                continue
            del self._in[:size]
            return candidate
        return None

    def _status(self, status: int) -> bytes:
        return mercury.seal(bytes((self.address, status)))

    def _answer(self, frame: bytes) -> bytes | None:
        address, command = frame[0], frame[1]
        if address not in (0, self.address):
            return None
        reply_address = address
        if command == 0x00:
            return mercury.seal(bytes((reply_address, 0)))
        if command == 0x01:
            level, password = frame[2], frame[3:9]
            if self.passwords.get(level) != password:
                return mercury.seal(bytes((reply_address, 1)))
            self.level = level
            return mercury.seal(bytes((reply_address, 0)))
        if command == 0x02:
            self.level = 0
            return mercury.seal(bytes((reply_address, 0)))
        if not self.level:
            return mercury.seal(bytes((reply_address, 5)))
        if command == 0x08 and frame[2] == 0x11:
            raw = self.params.get(frame[3])
            return mercury.seal(bytes((reply_address,)) + raw) if raw else mercury.seal(bytes((reply_address, 1)))
        if command == 0x08:
            return mercury.seal(bytes((reply_address, *self.serial, *self.made)))
        if command == 0x05:
            array, tariff = frame[2] >> 4, frame[3]
            values = self.energy.get((array, tariff))
            if values is None:
                return mercury.seal(bytes((reply_address, 1)))
            return mercury.seal(bytes((reply_address,)) + b"".join(mercury.energy_words(v) for v in values))
        return mercury.seal(bytes((reply_address, 1)))
