"""Штрих-М protocol codecs, pure (no I/O): the link frame, command messages and the numbers, text and ФФД TLVs they
carry (DRIVERS.md §2.2; checked against ``../shared/vectors/shtrih_*.json``).

* **Frame**: ``STX LEN MESSAGE LRC`` — LEN the message's length (1…255), LRC the XOR of LEN and every message byte.
  Link bytes: ENQ (host: «are you ready?»), ACK / NAK (a frame taken / refused, or in answer to ENQ: an answer is
  waiting / idle).
* **Message**: the command — one byte, or two for the ФН commands ``FFxx`` — then the password (4 bytes, little
  endian) and the data. An answer echoes the command, then the error code (0 = success), then the data.
* **Numbers** are little-endian: money 5 bytes of kopecks, quantity 6 bytes of millionths.
* **Text** printed by the register is cp1251, zero-padded to the field's length; a TLV's string is CP866 (ФФД).
* **TLV** (ФФД): tag 2 bytes, length 2 bytes (little-endian), value; an STLV's value is its children's TLVs.
"""
from __future__ import annotations

from collections.abc import Iterable

from drivers.codecs.text import cp866
from drivers.errors import FrameError

STX, ENQ, ACK, NAK = 0x02, 0x05, 0x06, 0x15
MAX_MESSAGE = 255
MONEY_BYTES, QUANTITY_BYTES = 5, 6
PRINT_TEXT = "cp1251"


def lrc(data: bytes) -> int:
    """XOR of the bytes."""
    out = 0
    for byte in data:
        out ^= byte
    return out


def frame(message: bytes) -> bytes:
    """``STX LEN message LRC``."""
    if not 1 <= len(message) <= MAX_MESSAGE:
        raise FrameError(f"сообщение Штрих-М из {len(message)} байт: допустимо от 1 до {MAX_MESSAGE}")
    head = bytes((len(message),)) + message
    return bytes((STX,)) + head + bytes((lrc(head),))


def unframe(data: bytes) -> bytes:
    """The message of one whole frame; ``FrameError`` naming what is wrong (start byte, length, LRC)."""
    if len(data) < 3 or data[0] != STX:
        raise FrameError(f"кадр Штрих-М должен начинаться с STX (02): {data[:8].hex(' ')}")
    length = data[1]
    if length == 0 or len(data) != length + 3:
        raise FrameError(f"кадр Штрих-М: длина {length}, а байт {len(data) - 3}")
    if lrc(data[1:-1]) != data[-1]:
        raise FrameError(f"кадр Штрих-М: контрольная сумма {data[-1]:02x}, ожидалась {lrc(data[1:-1]):02x}")
    return bytes(data[2:-1])


def command_code(code: int) -> bytes:
    """A command's bytes: ``0x10`` → ``10``, ``0xFF46`` → ``FF 46``."""
    if 0 <= code <= 0xFE:
        return bytes((code,))
    if 0xFF00 <= code <= 0xFFFF:
        return code.to_bytes(2, "big")
    raise ValueError(f"нет такой команды Штрих-М: {code:#x}")


def message(code: int, password: int, data: bytes = b"") -> bytes:
    """A command message: the command, the password (4 bytes LE), the data."""
    return command_code(code) + _unsigned(password, 4, "пароль") + data


def answer(data: bytes) -> tuple[int, int, bytes]:
    """An answer message as (command, error code, data)."""
    size = 2 if data[:1] == b"\xff" else 1
    if len(data) < size + 1:
        raise FrameError(f"ответ Штрих-М короче кода команды и ошибки: {data.hex(' ')}")
    return int.from_bytes(data[:size], "big"), data[size], bytes(data[size + 1:])


def _unsigned(value: int, size: int, what: str) -> bytes:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << (8 * size):
        raise ValueError(f"{what}: {value!r} не помещается в {size} байт без знака")
    return value.to_bytes(size, "little")


def money(kopecks: int) -> bytes:
    """Money: 5 bytes little-endian, kopecks."""
    return _unsigned(kopecks, MONEY_BYTES, "сумма в копейках")


def quantity(millionths: int) -> bytes:
    """Quantity: 6 bytes little-endian, millionths (1 = ``40 42 0f 00 00 00``)."""
    return _unsigned(millionths, QUANTITY_BYTES, "количество в миллионных")


def number(data: bytes) -> int:
    """A little-endian unsigned number (money, quantity, document numbers)."""
    return int.from_bytes(data, "little")


def text(value: str, size: int) -> bytes:
    """Printed text: cp1251, cut at ``size`` bytes, zero-padded to them."""
    raw = value.encode(PRINT_TEXT, errors="replace")[:size]
    return raw + bytes(size - len(raw))


def tlv(tag: int, value: bytes) -> bytes:
    """A ФФД TLV: tag and length 2 bytes each, little-endian."""
    return _unsigned(tag, 2, "тег") + _unsigned(len(value), 2, f"длина тега {tag}") + value


def tlv_text(tag: int, value: str) -> bytes:
    """A string tag in CP866 (``drivers.codecs.text``: «» → ", ₽ → руб., …)."""
    return tlv(tag, cp866(value))


def tlv_uint(tag: int, value: int, size: int = 1) -> bytes:
    return tlv(tag, _unsigned(value, size, f"тег {tag}"))


def stlv(tag: int, children: Iterable[bytes]) -> bytes:
    """A structured TLV: its value is its children's TLVs, in order."""
    return tlv(tag, b"".join(children))
