"""Меркурий electricity meters, pure codecs (DRIVERS.md §3.3; ``tests/drivers/vectors/mercury230_200_*.json``).

**Меркурий 230/231/234/236** (Incotex binary protocol, RS-485 / optical, 9600 8N1): a frame is ``address, command,
data…, CRC`` — CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF) over everything before it, **low byte first**.
There is no length byte: a reply's length is known from the request. A short reply ``address, status, CRC`` is a
status: 0 — done; the low nibble 1 a wrong command or parameter (also a wrong password), 2 an internal error, 3 an
access level too low, 4 the clock already corrected today, 5 no channel open. Session: ``01 level password(6)``
(level 1 user «111111», level 2 admin «222222» as bytes 1…), reads, ``02`` to close. Energy: ``05 AA T`` — AA the
array (high nibble) and month (low), T the tariff (0 the sum, 1…4) — answers 16 bytes: A+, A−, R+, R−, each 4
bytes in the order b1 b0 b3 b2 (``value = b1<<24 | b0<<16 | b3<<8 | b2``, Wh; FF FF FF FF — not measured).

**Меркурий 200** (single-phase): a 4-byte address (big-endian), command, data, the same CRC; values packed BCD —
``27`` energy by tariffs T1…T4 (4 bytes each, hundredths of kWh), ``63`` U (0.1 V), I (0.01 A), P (W), ``29``
the battery (0.01 V).
"""
from __future__ import annotations

from decimal import Decimal

from drivers.errors import FrameError

STATUS = {
    0: "готово",
    1: "неверная команда или параметр (или неверный пароль)",
    2: "внутренняя ошибка счётчика",
    3: "недостаточен уровень доступа",
    4: "время уже корректировалось сегодня",
    5: "канал связи не открыт",
}
NOT_MEASURED = 0xFFFFFFFF
ENERGY_NAMES = ("A+", "A-", "R+", "R-")


def crc16(data: bytes) -> int:
    """CRC-16/MODBUS."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def seal(body: bytes) -> bytes:
    """The body with its CRC, low byte first."""
    return body + crc16(body).to_bytes(2, "little")


def open_frame(frame: bytes) -> bytes:
    """The body of a frame whose CRC is right; ``FrameError`` otherwise."""
    if len(frame) < 3:
        raise FrameError(f"Меркурий: кадр короче трёх байт: {frame.hex(' ')}")
    if crc16(frame[:-2]).to_bytes(2, "little") != frame[-2:]:
        raise FrameError(f"Меркурий: контрольная сумма кадра не сходится: {frame.hex(' ')}")
    return bytes(frame[:-2])


# --- Меркурий 230 -----------------------------------------------------------------------------------
def password_bytes(password: str | bytes) -> bytes:
    """«111111» → 01 01 01 01 01 01 (each digit a byte); six bytes given as they are."""
    if isinstance(password, bytes):
        raw = password
    else:
        if not (len(password) == 6 and password.isdigit()):
            raise ValueError(f"пароль счётчика — шесть цифр, а не «{password}»")
        raw = bytes(int(c) for c in password)
    if len(raw) != 6:
        raise ValueError("пароль счётчика — шесть байт")
    return raw


def test_channel(address: int) -> bytes:
    return seal(bytes((address, 0x00)))


def open_channel(address: int, level: int, password: str | bytes) -> bytes:
    return seal(bytes((address, 0x01, level)) + password_bytes(password))


def close_channel(address: int) -> bytes:
    return seal(bytes((address, 0x02)))


def read_energy(address: int, *, array: int = 0, month: int = 0, tariff: int = 0) -> bytes:
    """``05 AA T``: energy of ``array`` (0 — from reset, 6 — per phase …), ``month``, ``tariff`` (0 the sum)."""
    return seal(bytes((address, 0x05, (array << 4) | month, tariff)))


def read_serial(address: int) -> bytes:
    """``08 00``: the serial number and the date of manufacture."""
    return seal(bytes((address, 0x08, 0x00)))


def read_param(address: int, bwri: int) -> bytes:
    """``08 11 BWRI``: an instantaneous value — U, I, P, Q, S, cos φ, frequency, temperature (BWRI per Incotex)."""
    return seal(bytes((address, 0x08, 0x11, bwri)))


def param_unsigned(data: bytes) -> int:
    """A 3-byte value b0 b1 b2 as ``(b0 << 16) | (b2 << 8) | b1`` (voltage, current…)."""
    return (data[0] << 16) | (data[2] << 8) | data[1]


def param_signed(data: bytes, *, reactive: bool = False) -> int:
    """A 3-byte power: the magnitude in the low 22 bits as ``param_unsigned``; the direction in b0's bit 7 (active)
    or bit 6 (reactive) — set is negative."""
    magnitude = ((data[0] & 0x3F) << 16) | (data[2] << 8) | data[1]
    negative = data[0] & (0x40 if reactive else 0x80)
    return -magnitude if negative else magnitude


def param_word(data: bytes, *, big_endian: bool = False) -> int:
    """A 2-byte value: little-endian; the temperature big-endian."""
    return int.from_bytes(data[:2], "big" if big_endian else "little")


def status_of(body: bytes) -> int | None:
    """A short reply's status (its low nibble), or None when the body is data."""
    return body[1] & 0x0F if len(body) == 2 else None


def energy_word(data: bytes) -> int | None:
    """A 4-byte energy value in the order b1 b0 b3 b2; None for «not measured»."""
    b0, b1, b2, b3 = data[:4]
    value = (b1 << 24) | (b0 << 16) | (b3 << 8) | b2
    return None if value == NOT_MEASURED else value


def energy_words(word: int) -> bytes:
    """``energy_word``'s inverse (the simulator's answers)."""
    if word is None:
        return b"\xff" * 4
    return bytes(((word >> 16) & 0xFF, (word >> 24) & 0xFF, word & 0xFF, (word >> 8) & 0xFF))


def energies(body: bytes) -> list[int | None]:
    """The values of an energy answer (its body without the address): Wh, None where not measured."""
    data = body[1:]
    if len(data) % 4:
        raise FrameError(f"Меркурий: ответ с энергией не из четырёхбайтных значений: {body.hex(' ')}")
    return [energy_word(data[i:i + 4]) for i in range(0, len(data), 4)]


def kwh(wh: int | None) -> Decimal | None:
    return None if wh is None else Decimal(wh) / 1000


def serial_number(body: bytes) -> tuple[str, str]:
    """``08 00``'s answer: the serial (four bytes, two digits each) and the date of manufacture (ДД.ММ.ГГ)."""
    data = body[1:]
    if len(data) < 7:
        raise FrameError(f"Меркурий: короткий ответ с серийным номером: {body.hex(' ')}")
    serial = "".join(f"{b:02d}" for b in data[:4])
    return serial, f"{data[4]:02d}.{data[5]:02d}.{data[6]:02d}"


# --- Меркурий 200 -----------------------------------------------------------------------------------
def bcd(data: bytes) -> int:
    """Packed BCD, most significant digit first: 00 06 21 42 → 62142."""
    digits = data.hex()
    if not digits.isdigit():
        raise FrameError(f"Меркурий: не двоично-десятичное число: {data.hex(' ')}")
    return int(digits)


def m200_request(address: int, command: int) -> bytes:
    return seal(address.to_bytes(4, "big") + bytes((command,)))


def m200_energy(body: bytes) -> list[Decimal]:
    """``27``: T1…T4 in kWh (BCD hundredths)."""
    data = body[5:]
    return [Decimal(bcd(data[i:i + 4])) / 100 for i in range(0, 16, 4)]


def m200_params(body: bytes) -> tuple[Decimal, Decimal, int]:
    """``63``: U (V), I (A), P (W)."""
    data = body[5:]
    return Decimal(bcd(data[0:2])) / 10, Decimal(bcd(data[2:4])) / 100, bcd(data[4:7])


def m200_battery(body: bytes) -> Decimal:
    """``29``: the battery's voltage (V)."""
    return Decimal(bcd(body[5:7])) / 100
