"""An M-Bus meter, byte for byte (DRIVERS.md §3.4): E5 to SND_NKE, its variable-data answer (RSP_UD) to REQ_UD2 at its
primary address or the broadcast 254 (FE); nothing to another address or a spoiled frame.

Faults: ``silent``, ``flip_cs`` (that many answers with a spoiled checksum), ``garbage`` (bytes before the next
answer), ``hangup_after``."""
from __future__ import annotations

from dataclasses import dataclass, field

from drivers.sim import line_out

HEAT = bytes.fromhex("68232368080572785634122d2c0104" "2a000000" "0406a0110000" "041340e20100" "02597019"
                     "025d6b10" "ce16")
"""DRIVERS.md §3.4's heat meter 12345678: energy 4 512 000 Wh, volume 123.456 m³, flow 65.12 °C, return 42.03 °C."""


@dataclass
class MbusMeterModel:
    address: int = 5
    answer: bytes = HEAT
    silent: bool = False
    flip_cs: int = 0
    garbage: bytes = b""
    hangup_after: int | None = None
    received: list = field(default_factory=list)
    _in: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> bytes:
        self._in += data
        out = bytearray()
        while len(self._in) >= 5:
            if self._in[0] != 0x10 or self._in[4] != 0x16 or (self._in[1] + self._in[2]) & 0xFF != self._in[3]:
                del self._in[0]
                continue
            frame = bytes(self._in[:5])
            del self._in[:5]
            self.received.append(frame)
            control, address = frame[1], frame[2]
            if self.silent or address not in (self.address, 0xFE):
                continue
            if control == 0x40:
                answer = b"\xe5"
            elif control in (0x5B, 0x7B):
                answer = self.answer
                if self.flip_cs:
                    self.flip_cs -= 1
                    answer = answer[:-2] + bytes((answer[-2] ^ 0xFF, answer[-1]))
            else:
                continue
            out += self.garbage + answer
            self.garbage = b""
        return line_out(self, out)
