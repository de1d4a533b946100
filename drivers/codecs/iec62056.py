"""IEC 62056-21 (ГОСТ Р МЭК 61107) mode C, pure codecs (DRIVERS.md §3.2; ``tests/drivers/vectors/iec62056-21_*.json``).

* Sign-on: the host sends ``/?address!CR LF``; the meter identifies itself ``/XXXZident CR LF`` — XXX the maker, Z
  the baud rate it can switch to ('0'…'6' = 300…19200; an enhanced «\\W» may follow Z); the host answers
  ``ACK 0 Z Y CR LF`` — Y '0' a readout, '1' programming mode.
* A readout: ``STX data-lines ! CR LF ETX BCC``; a data line holds data sets ``address(value*unit)``; a set may have
  several values ``(v1)(v2)…`` (Энергомера: total, T1, T2 … each on its own line), a value several items
  ``(v1,v2,…)`` (НЕВА).
* Programming mode: commands ``SOH C D STX data ETX BCC`` — P0/P1 the password, R1 a read, B0 the break.
* **BCC**: over the bytes after SOH (or STX) up to and including ETX — the standard's XOR (7 bits; НЕВА and most
  makers), or **Энергомера's arithmetic sum modulo 128**: the rule is the meter family's (``bcc``).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from drivers.errors import FrameError

SOH, STX, ETX, ACK, NAK = 0x01, 0x02, 0x03, 0x06, 0x15
CRLF = b"\r\n"
BAUDS = {"0": 300, "1": 600, "2": 1200, "3": 2400, "4": 4800, "5": 9600, "6": 19200}


def bcc_xor(data: bytes) -> int:
    out = 0
    for byte in data:
        out ^= byte
    return out & 0x7F


def bcc_sum7(data: bytes) -> int:
    return sum(data) & 0x7F


BCC: dict[str, Callable[[bytes], int]] = {"xor": bcc_xor, "sum7": bcc_sum7}


def request(address: str = "") -> bytes:
    """``/?address!CR LF`` (no address: whichever meter is on the probe)."""
    return b"/?" + address.encode("ascii") + b"!" + CRLF


@dataclass(frozen=True)
class Identification:
    maker: str
    baud: str      # the switch-over baud character
    ident: str

    @property
    def baudrate(self) -> int:
        return BAUDS.get(self.baud, 300)


def identification(line: bytes) -> Identification:
    """``/XXXZident CR LF`` (an enhanced ``\\W`` after Z skipped)."""
    text = line.decode("latin-1").rstrip("\r\n")
    if not text.startswith("/") or len(text) < 5:
        raise FrameError(f"МЭК 61107: не ответ-идентификация счётчика: {text!r}")
    maker, baud, rest = text[1:4], text[4], text[5:]
    if rest.startswith("\\") and len(rest) >= 2:
        rest = rest[2:]
    return Identification(maker, baud, rest)


def ack_option(baud: str, mode: str) -> bytes:
    """``ACK 0 Z Y CR LF``: mode '0' readout, '1' programming."""
    return bytes((ACK,)) + b"0" + baud.encode("ascii") + mode.encode("ascii") + CRLF


def command(cmd: str, kind: str, data: str | None = None, *, bcc: str = "xor") -> bytes:
    """``SOH C D STX data ETX BCC`` (no data: ``SOH C D ETX BCC``)."""
    if cmd not in "PWRBE" or len(cmd) != 1 or len(kind) != 1 or not kind.isdigit():
        raise ValueError(f"МЭК 61107: нет команды {cmd}{kind}")
    body = cmd.encode("ascii") + kind.encode("ascii")
    if data is not None:
        body += bytes((STX,)) + data.encode("latin-1")
    body += bytes((ETX,))
    return bytes((SOH,)) + body + bytes((BCC[bcc](body),))


def block(frame: bytes, *, bcc: str = "xor") -> bytes:
    """The content of a ``SOH|STX … ETX BCC`` block (between the first STX — or the command — and ETX), its BCC
    checked; ``FrameError`` naming the rule otherwise."""
    if len(frame) < 3 or frame[0] not in (SOH, STX) or frame[-2] != ETX:
        raise FrameError(f"МЭК 61107: не блок данных: {frame[:24].hex(' ')}")
    expected = BCC[bcc](frame[1:-1])
    if frame[-1] != expected:
        raise FrameError(f"МЭК 61107: контрольный байт {frame[-1]:02x}, по правилу {bcc} — {expected:02x}")
    inner = frame[1:-2]
    if frame[0] == SOH:
        inner = inner[inner.index(STX) + 1:] if STX in inner else b""
    return bytes(inner)


def with_bcc(body: bytes, *, bcc: str = "xor") -> bytes:
    """``STX body ETX BCC`` (the meter's side: an answer or a readout)."""
    inner = body + bytes((ETX,))
    return bytes((STX,)) + inner + bytes((BCC[bcc](inner),))


@dataclass(frozen=True)
class DataSet:
    address: str | None
    values: tuple[str, ...]   # one per (…) group; a group's comma-separated items stay together
    unit: str | None


_SET = re.compile(r"([^()\r\n!]*)\(([^()]*)\)")


def data_sets(content: bytes) -> list[DataSet]:
    """The data sets of a block: ``address(value*unit)`` — a group without an address continues the set before it
    (Энергомера's tariff values, one per line); the readout's closing «!» ends them."""
    text = content.decode("latin-1")
    if "!" in text:
        text = text.split("!", 1)[0]
    sets: list[DataSet] = []
    pos = 0
    for match in _SET.finditer(text):
        gap = text[pos:match.start()].strip()
        if gap:
            raise FrameError(f"МЭК 61107: непонятные данные «{gap[:20]}»")
        pos = match.end()
        address, raw = match.group(1).strip(), match.group(2)
        value, _, unit = raw.partition("*")
        if address:
            sets.append(DataSet(address, (value,), unit or None))
        elif sets:
            last = sets[-1]
            sets[-1] = DataSet(last.address, (*last.values, value), last.unit or unit or None)
        else:
            sets.append(DataSet(None, (value,), unit or None))
    if text[pos:].strip():
        raise FrameError(f"МЭК 61107: непонятные данные «{text[pos:].strip()[:20]}»")
    return sets


def data_block(lines: list[list[DataSet]], *, readout: bool = True, bcc: str = "xor") -> bytes:
    """``STX lines [! CR LF] ETX BCC``: each line its sets side by side, then CR LF; a readout ends with «!»."""
    body = b"".join(b"".join((s.address or "").encode("latin-1")
                             + b"".join(f"({v}{'*' + s.unit if s.unit else ''})".encode("latin-1") for v in s.values)
                             for s in line) + CRLF for line in lines)
    return with_bcc(body + (b"!" + CRLF if readout else b""), bcc=bcc)
