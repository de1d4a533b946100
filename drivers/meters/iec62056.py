"""Reading a meter by IEC 62056-21 mode C (DRIVERS.md §3.2): a readout, or Энергомера / НЕВА programming mode.

* ``family="readout"`` — sign-on, identification, ``ACK 0Z0``: the meter sends its data block; OBIS addresses
  (1.8.0, 1.8.1 …) become the values.
* ``"energomera"`` (CE102M, CE301, CE303 …) — ``ACK 0Z1``, P0, the password (P1), ``R1 ET0PE()``: A+ in total and
  by tariff; then B0. Its BCC is the sum modulo 128.
* ``"neva"`` (НЕВА МТ) — the same with the standard XOR BCC, ``R1 0F0880FF()``: total, T1…T4 comma-separated.

The line is 7E1 at 300 Bd for the sign-on on a real probe (a pty keeps 8N1: set once, DRIVERS.md §3.6's gotcha),
then the speed the meter offered. Reads wait for a whole line or block within the deadline (a meter's reaction
time is 200 ms and more); input is dropped before each request. Errors are typed and Russian."""
from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from serial.serialutil import SerialException

from drivers.codecs import iec62056 as iec
from drivers.errors import DeviceDisconnected, DeviceRejected, FrameError
from drivers.line import Line
from drivers.meters.base import ENERGY_LABELS, MeterReading, MeterValue, tariff_label

FAMILIES = {"readout": ("xor", None), "energomera": ("sum7", "ET0PE"), "neva": ("xor", "0F0880FF")}
TIMEOUT = 1.5
UNITS = {"kWh": "кВт·ч", "kvarh": "квар·ч", "V": "В", "A": "А", "Hz": "Гц"}


def _decimal(text: str, where: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise FrameError(f"Счётчик прислал не число «{text}» ({where})") from None


def _obis_label(code: str) -> str:
    parts = code.replace(":", ".").split(".")
    try:
        kind, what, tariff = (int(p) for p in parts[-3:])
    except ValueError:
        return code
    if what == 8 and kind in ENERGY_LABELS:
        return f"{ENERGY_LABELS[kind]}, {tariff_label(tariff)}"
    return code


def _verdict(got: bytes) -> bytes | None:
    """The meter's answer to a password among what came (line noise before it skipped): ACK, NAK or a whole block
    (an error message)."""
    for i, byte in enumerate(got):
        if byte in (iec.ACK, iec.NAK):
            return bytes((byte,))
        if byte in (iec.STX, iec.SOH):
            end = got.find(bytes((iec.ETX,)), i + 1)
            return got[i:end + 2] if 0 <= end < len(got) - 1 else None
    return None


class IecMeter:
    def __init__(self, url: str, *, family: str = "readout", address: str = "", password: str | None = None,
                 timeout: float = TIMEOUT, switch_baud: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if family not in FAMILIES:
            raise ValueError(f"семейство счётчиков «{family}»: есть {', '.join(FAMILIES)}")
        self.url, self.family, self.address = url, family, address
        self.bcc, self.register = FAMILIES[family]
        self.password = password if password is not None else ("777777" if family == "energomera" else "00000000")
        self.switch_baud = switch_baud
        self.line = Line(url, device="Счётчик", hint="проверьте оптопорт, адрес и питание", baudrate=300, bytesize=7,
                         parity="E", timeout=timeout, clock=clock)  # the standard's 7E1 for the sign-on

    def close(self) -> None:
        self.line.close()

    def _read_until(self, done: Callable[[bytes], bool], what: str) -> bytes:
        return self.line.read_until(lambda got: got if done(got) else None, what)

    def _send(self, data: bytes) -> None:
        self.line.send(data)

    def _line(self, what: str) -> bytes:
        got = self._read_until(lambda b: b.endswith(iec.CRLF) and b"/" in b, what)
        return got[got.index(b"/"):]

    def _block(self, what: str, start: int = iec.STX) -> bytes:
        """A whole block ``start … ETX BCC``: from the last ``start`` byte before its ETX — noise ahead of it may hold
        an STX, the block's own text never does."""
        def whole(b: bytes) -> bytes | None:
            j = b.find(bytes((iec.ETX,)))
            i = b.rfind(bytes((start,)), 0, j) if j >= 0 else -1
            while i < 0 <= j:  # an ETX in the noise before the block's start: the next one
                j = b.find(bytes((iec.ETX,)), j + 1)
                i = b.rfind(bytes((start,)), 0, j) if j >= 0 else -1
            return b[i:j + 2] if i >= 0 and len(b) >= j + 2 else None

        return self.line.read_until(whole, what)

    def read(self) -> MeterReading:
        try:
            self._send(iec.request(self.address))
            ident = iec.identification(self._line("запрос /?…!"))
            if self.family == "readout":
                return self._readout(ident)
            return self._programming(ident)
        finally:
            self.close()

    def _switch(self, ident: iec.Identification) -> None:
        """The meter's speed, once the option select has left at the sign-on speed: a speed changed while it is
        still in the port's buffer sends it garbled."""
        if self.switch_baud and not self.url.startswith(("sim://", "socket://")):
            port = self.line.open()
            try:
                port.flush()
                port.baudrate = ident.baudrate  # a change of speed is taken even by a pty
            except SerialException as exc:
                raise self.line._dropped(exc) from exc

    def _readout(self, ident: iec.Identification) -> MeterReading:
        self._send(iec.ack_option(ident.baud, "0"))
        self._switch(ident)
        sets = iec.data_sets(iec.block(self._block("чтение данных"), bcc=self.bcc))
        serial, values = "", []
        for s in sets:
            if s.address in ("0.0.0", "C.1.0", "0.0.1"):
                serial = s.values[0]
                continue
            if s.address is None:
                continue
            unit = UNITS.get(s.unit or "", s.unit or "")
            values.append(MeterValue(s.address, _obis_label(s.address), _decimal(s.values[0], s.address), unit))
        return MeterReading(f"iec62056-21/{self.family}", serial or ident.ident, tuple(values),
                            {"ident": f"{ident.maker} {ident.ident}"})

    def _programming(self, ident: iec.Identification) -> MeterReading:
        self._send(iec.ack_option(ident.baud, "1"))
        self._switch(ident)
        serial = iec.block(self._block("переход в режим программирования", iec.SOH), bcc=self.bcc) \
            .decode("latin-1").strip("()")
        self._send(iec.command("P", "1", f"({self.password})", bcc=self.bcc))
        answer = self.line.read_until(_verdict, "пароль")
        if answer[:1] != bytes((iec.ACK,)):
            raise DeviceRejected(answer[0], "Счётчик не принял пароль: проверьте пароль в карточке прибора")
        self._send(iec.command("R", "1", f"{self.register}()", bcc=self.bcc))
        sets = iec.data_sets(iec.block(self._block(f"чтение {self.register}"), bcc=self.bcc))
        if not sets or sets[0].address != self.register:
            raise FrameError(f"Счётчик ответил не на {self.register}: {sets[:1]}")
        items = [v for group in sets[0].values for v in group.split(",")]
        values = [MeterValue(f"1.8.{t}", _obis_label(f"1.8.{t}"), _decimal(v, f"{self.register}, {tariff_label(t)}"),
                             "кВт·ч") for t, v in enumerate(items[:5])]
        try:
            self._send(iec.command("B", "0", bcc=self.bcc))
        except DeviceDisconnected:
            pass
        return MeterReading(f"iec62056-21/{self.family}", serial, tuple(values), {"ident": f"{ident.maker} {ident.ident}"})
