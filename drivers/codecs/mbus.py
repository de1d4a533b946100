"""M-Bus (EN 13757-2/-3), the frames we send and the checks of those we get (DRIVERS.md §3.4); the long frame's data
records are parsed by pyMeterBus (``meterbus.load``), a well-kept parser of the VIF/DIF tables.

* an ACK: the single byte E5;
* a short frame ``10 C A CS 16`` — CS = (C + A) mod 256: SND_NKE (C 40) resets the link, REQ_UD2 (C 5B / 7B, the
  FCB toggling) asks for the data;
* a long frame ``68 L L 68 C A CI data… CS 16`` — L the count from C to the last data byte, CS their sum mod 256.
"""
from __future__ import annotations

from decimal import Decimal

from drivers.errors import FrameError

ACK = 0xE5
SND_NKE, REQ_UD2, REQ_UD2_FCB = 0x40, 0x5B, 0x7B


def short(control: int, address: int) -> bytes:
    if not 0 <= address <= 255:
        raise ValueError(f"первичный адрес M-Bus — от 0 до 255, а не {address}")
    return bytes((0x10, control, address, (control + address) & 0xFF, 0x16))


def long_frame(control: int, address: int, ci: int, data: bytes) -> bytes:
    body = bytes((control, address, ci)) + data
    return bytes((0x68, len(body), len(body), 0x68)) + body + bytes((sum(body) & 0xFF, 0x16))


def long_length(head: bytes) -> int | None:
    """The whole length of a long frame from its first four bytes (None when they are not a long frame's)."""
    if len(head) >= 4 and head[0] == 0x68 and head[3] == 0x68 and head[1] == head[2]:
        return head[1] + 6
    return None


def check_long(frame: bytes) -> bytes:
    """The frame when its start, length, checksum and stop byte are right; ``FrameError`` otherwise."""
    size = long_length(frame)
    if size is None or len(frame) != size or frame[-1] != 0x16:
        raise FrameError(f"M-Bus: не длинный кадр: {frame[:16].hex(' ')}")
    if sum(frame[4:-2]) & 0xFF != frame[-2]:
        raise FrameError(f"M-Bus: контрольная сумма {frame[-2]:02x}, ожидалась {sum(frame[4:-2]) & 0xFF:02x}")
    return frame


def secondary_id(frame: bytes) -> str:
    """The meter's identification number of a variable-data answer (CI 72: four BCD bytes, least significant
    first)."""
    if len(frame) < 11 or frame[6] != 0x72:
        return ""
    return frame[7:11][::-1].hex()


def value(raw) -> Decimal:
    """pyMeterBus's value (a Decimal made from a float) as the number the meter sent: 1369.443, not
    1369.44299999…"""
    return Decimal(str(float(raw))) if not isinstance(raw, int) else Decimal(raw)
