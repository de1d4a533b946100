"""A meter speaking IEC 62056-21 mode C, byte for byte (DRIVERS.md §3.2): sign-on and identification, a readout
(``family="readout"``), or programming mode with the password and reads — Энергомера (its BCC a sum modulo 128)
and НЕВА (the standard XOR). A request for another address, a frame with a wrong BCC, get no answer.

Faults: ``silent``, ``flip_bcc`` (that many answers with a spoiled BCC), ``garbage`` (bytes before the next answer),
``hangup_after`` (the line drops after so many more answer bytes)."""
from __future__ import annotations

from dataclasses import dataclass, field

from drivers.codecs import iec62056 as iec
from drivers.sim import line_out

ENERGOMERA_REGISTERS = {"ET0PE": "ET0PE(68.42)\r\n(45.54)\r\n(22.88)\r\n(0.00)\r\n(0.00)\r\n(0.00)\r\n",
                        "CURRE": "CURRE(0.402)\r\n", "FREQU": "FREQU(49.97)\r\n", "VOLTA": "VOLTA(237.58)\r\n"}
NEVA_REGISTERS = {"0F0880FF": "0F0880FF(000046.24,000031.14,000015.10,000000.00,000000.00)",
                  "100700FF": "100700FF(00005.3)", "2107FFFF": "2107FFFF(00.717)", "600900FF": "600900FF(029)"}
READOUT = [[iec.DataSet("0.0.0", ("012345678",), None)], [iec.DataSet("1.8.0", ("004512.345",), "kWh")],
           [iec.DataSet("1.8.1", ("003001.100",), "kWh")], [iec.DataSet("1.8.2", ("001511.245",), "kWh")]]


@dataclass
class IecMeterModel:
    family: str = "energomera"             # readout | energomera | neva
    address: str = "141628345"
    ident: str = "/EKT5CE102Mv01"
    serial: str = "141628345"
    password: str = "777777"
    registers: dict = field(default_factory=lambda: dict(ENERGOMERA_REGISTERS))
    readout: list = field(default_factory=lambda: list(READOUT))
    silent: bool = False
    flip_bcc: int = 0
    garbage: bytes = b""
    hangup_after: int | None = None
    state: str = "idle"                     # idle | identified | programming | authorised
    received: list = field(default_factory=list)
    _in: bytearray = field(default_factory=bytearray)

    @property
    def bcc(self) -> str:
        return "sum7" if self.family == "energomera" else "xor"

    def feed(self, data: bytes) -> bytes:
        self._in += data
        out = bytearray()
        while True:
            message = self._message()
            if message is None:
                break
            self.received.append(message)
            answer = self._answer(message)
            if not answer or self.silent:
                continue
            if self.flip_bcc and answer[0] in (iec.SOH, iec.STX):
                self.flip_bcc -= 1
                answer = answer[:-1] + bytes((answer[-1] ^ 0x01,))
            out += self.garbage + answer
            self.garbage = b""
        return line_out(self, out)

    def _message(self) -> bytes | None:
        """A whole message of what came in: a line (sign-on, option select) or a command block with its BCC."""
        while self._in and self._in[0] not in (ord("/"), iec.ACK, iec.SOH):
            del self._in[0]
        if not self._in:
            return None
        if self._in[0] == iec.SOH:
            end = self._in.find(bytes((iec.ETX,)))
            if end < 0 or len(self._in) < end + 2:
                return None
            message = bytes(self._in[:end + 2])
        else:
            end = self._in.find(iec.CRLF)
            if end < 0:
                return None
            message = bytes(self._in[:end + 2])
        del self._in[:len(message)]
        return message

    def _block(self, body: str) -> bytes:
        return iec.with_bcc(body.encode("latin-1"), bcc=self.bcc)

    def _answer(self, message: bytes) -> bytes:
        if message.startswith(b"/?"):
            wanted = message[2:message.index(b"!")].decode("latin-1")
            if wanted and self.address and wanted != self.address:  # a meter with no address set answers any
                return b""
            self.state = "identified"
            return self.ident.encode("latin-1") + iec.CRLF
        if message[0] == iec.ACK and self.state == "identified":
            if message[3:4] == b"0" or self.family == "readout":
                self.state = "idle"
                return iec.data_block(self.readout, bcc=self.bcc)
            self.state = "programming"
            inner = f"P0\x02({self.serial})\x03".encode("latin-1")
            return bytes((iec.SOH,)) + inner + bytes((iec.BCC[self.bcc](inner),))
        if message[0] != iec.SOH:
            return b""
        try:
            content = iec.block(message, bcc=self.bcc)
        except Exception:
            return b""  # a spoiled frame: the meter keeps silent
        command = message[1:3].decode("latin-1")
        if command == "B0":
            self.state = "idle"
            return b""
        if command == "P1" and self.state in ("programming", "authorised"):
            if content.decode("latin-1") == f"({self.password})":
                self.state = "authorised"
                return bytes((iec.ACK,))
            return bytes((iec.NAK,))
        if command == "R1" and self.state == "authorised":
            name = content.decode("latin-1").split("(", 1)[0]
            body = self.registers.get(name)
            return self._block(body if body is not None else "(ERR12)")
        return bytes((iec.NAK,))
