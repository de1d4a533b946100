"""An ESC/POS receipt printer through python-escpos (DRIVERS.md §1), addressed by a port URL (``sim://``,
``socket://`` for a network printer's raw port 9100, a serial port).

python-escpos builds the bytes (``Dummy``); our transport delivers them, so every kind of port and the simulator
take the same stream. Its traps, handled here: the code page is **forced** (CP866 by default; the slot per printer
profile — configurable, a cheap clone may differ) and set again after every ``ESC @`` and after an image (python-escpos
3.1 forgets that they reset it — upstream PR #729); text is normalised first (CP866 lacks «» ₽ —:
``drivers.codecs.text``). A QR is printed natively (``GS ( k``, UTF-8 bytes — so a ``ST00012`` payload) or, for a
printer without it, as a raster image.
"""
from __future__ import annotations

from escpos.printer import Dummy
from serial.serialutil import SerialException

from drivers.codecs.text import normalise
from drivers.errors import DeviceDisconnected, DeviceRejected
from drivers.printer.base import ReceiptDoc
from drivers.transport import open_port

PAPER_END = 0x60  # DLE EOT 4: bits 5 and 6 — the paper has run out


class EscposPrinter:
    def __init__(self, url: str, *, profile: str = "default", codepage: str = "CP866", columns: int = 42,
                 native_qr: bool = True, qr_size: int = 5, baudrate: int = 19200, timeout: float = 0.5) -> None:
        self.url, self.profile, self.codepage, self.columns = url, profile, codepage, columns
        self.native_qr, self.qr_size, self.baudrate, self.timeout = native_qr, qr_size, baudrate, timeout

    def render(self, doc: ReceiptDoc) -> bytes:
        """The ESC/POS bytes of a receipt."""
        p = Dummy(profile=self.profile)
        self._init(p)
        for line in doc.lines:
            p.set(align=line.align, bold=line.bold, double_height=line.big, double_width=line.big,
                  normal_textsize=not line.big)
            for part in normalise(line.text).split("\n"):
                p.textln(part)
        if doc.qr:
            p.set(align="center", bold=False, normal_textsize=True)
            p.qr(doc.qr, native=self.native_qr, size=self.qr_size, center=False)
            if not self.native_qr:
                p.charcode(self.codepage)  # an image leaves the printer in its default code page
            p.set(align="left")
        if doc.cut:
            p.cut()
        return p.output

    def _init(self, p: Dummy) -> None:
        p.hw("INIT")
        p.magic.encoding = None
        p.magic.encoder.used_encodings.clear()
        p.charcode(self.codepage)

    def print(self, doc: ReceiptDoc) -> None:
        """Print a receipt; refused before anything is sent when the printer reports no paper. The paper is asked
        again after the job (the printer answers once it has taken the job's bytes): a roll that ran out on the
        way is reported — the receipt must be printed again."""
        if self.paper() is False:
            raise DeviceRejected(0x60, "В принтере чеков закончилась бумага: заправьте ленту и повторите печать")
        self._send(self.render(doc))
        if self.paper() is False:
            raise DeviceRejected(0x60, "Бумага закончилась во время печати: заправьте ленту и напечатайте чек ещё "
                                       "раз")

    def paper(self) -> bool | None:
        """Whether paper is in (DLE EOT 4); None when the printer does not answer (a port that cannot read)."""
        port = self._port()
        try:
            port.reset_input_buffer()
            port.write(b"\x10\x04\x04")
            answer = port.read(1)
        except SerialException as exc:
            raise DeviceDisconnected(f"Связь с принтером чеков ({self.url}) прервана: {exc}") from exc
        finally:
            port.close()
        return None if not answer else not answer[0] & PAPER_END

    def _send(self, data: bytes) -> None:
        port = self._port()
        try:
            port.write(data)
            port.flush()
        except SerialException as exc:
            raise DeviceDisconnected(f"Связь с принтером чеков ({self.url}) прервана: {exc}") from exc
        finally:
            port.close()

    def _port(self):
        return open_port(self.url, baudrate=self.baudrate, timeout=self.timeout)
