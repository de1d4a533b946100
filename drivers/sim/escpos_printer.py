"""An ESC/POS receipt printer that reads back what it was sent (DRIVERS.md §1.6, §5.6): a strict tokenizer — a byte
sequence it does not know is an error, so a test sees any unexpected command — and a model that keeps the printed
text line by line (decoded in the code page selected), the QR payloads and the raster images, and answers the
real-time status requests (DLE EOT) as a printer does: ``paper`` False reports the paper end.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from drivers.errors import FrameError

ESC, GS, DLE, LF = 0x1B, 0x1D, 0x10, 0x0A
CODE_PAGES = {0: "cp437", 17: "cp866", 46: "cp1251", 59: "cp866", 73: "cp1251"}
_ESC_ONE = {0x21: "mode", 0x45: "bold", 0x61: "align", 0x74: "codepage", 0x2D: "underline", 0x4D: "font",
            0x64: "feed", 0x33: "line_spacing", 0x47: "double_strike", 0x20: "char_spacing", 0x4A: "feed_dots"}
_GS_ONE = {0x21: "size", 0x42: "reverse", 0x48: "hri_position", 0x66: "hri_font", 0x68: "barcode_height",
           0x77: "barcode_width", 0x4C: None}


@dataclass(frozen=True)
class Token:
    kind: str
    value: object = None


def decode(data: bytes) -> list[Token]:
    """The commands and text of an ESC/POS stream; ``FrameError`` at the first byte sequence not known."""
    out: list[Token] = []
    page, text, i = "cp437", bytearray(), 0

    def flush() -> None:
        if text:
            out.append(Token("text", text.decode(page, errors="replace")))
            text.clear()

    def need(n: int) -> bytes:
        if i + n > len(data):
            raise FrameError(f"ESC/POS: команда обрывается на байте {i} ({data[i - 2:i + 2].hex(' ')})")
        return data[i:i + n]

    while i < len(data):
        b = data[i]
        if b == ESC:
            flush()
            cmd = need(2)[1]
            i += 2
            if cmd == 0x40:
                out.append(Token("init"))
                page = "cp437"
            elif cmd == 0x32:
                out.append(Token("line_spacing", None))
            elif cmd == 0x70:
                m, t1, t2 = need(3)
                i += 3
                out.append(Token("drawer", (m, t1, t2)))
            elif cmd in _ESC_ONE:
                n = need(1)[0]
                i += 1
                if cmd == 0x74:
                    if n not in CODE_PAGES:
                        raise FrameError(f"ESC/POS: неизвестная кодовая страница {n}")
                    page = CODE_PAGES[n]
                out.append(Token(_ESC_ONE[cmd], n))
            else:
                raise FrameError(f"ESC/POS: неизвестная команда ESC {cmd:#04x} на байте {i - 2}")
        elif b == GS:
            flush()
            cmd = need(2)[1]
            i += 2
            if cmd == 0x56:  # cut
                m = need(1)[0]
                i += 1
                if m in (0x41, 0x42):
                    i += 1
                out.append(Token("cut", m))
            elif cmd == 0x28 and need(1)[0] == 0x6B:  # GS ( k: QR
                p_l, p_h = need(3)[1:3]
                i += 3
                size = p_l + 256 * p_h
                body = need(size)
                i += size
                fn = body[1] if len(body) > 1 else None
                if fn == 0x50:
                    out.append(Token("qr", bytes(body[3:])))
                elif fn in (0x41, 0x43, 0x45, 0x51):
                    out.append(Token({0x41: "qr_model", 0x43: "qr_size", 0x45: "qr_ec", 0x51: "qr_print"}[fn],
                                     bytes(body[2:])))
                else:
                    raise FrameError(f"ESC/POS: неизвестная функция GS ( k {body[:2].hex(' ')}")
            elif cmd == 0x76 and need(1)[0] == 0x30:  # GS v 0: raster image
                _, _m, x_l, x_h, y_l, y_h = need(6)
                i += 6
                width, height = x_l + 256 * x_h, y_l + 256 * y_h
                image = need(width * height)
                i += width * height
                out.append(Token("raster", (width * 8, height, bytes(image))))
            elif cmd in _GS_ONE:
                n = need(1)[0]
                i += 1
                out.append(Token(_GS_ONE[cmd] or "margin", n))
            else:
                raise FrameError(f"ESC/POS: неизвестная команда GS {cmd:#04x} на байте {i - 2}")
        elif b == DLE:
            flush()
            cmd, n = need(3)[1:3]
            i += 3
            if cmd != 0x04:
                raise FrameError(f"ESC/POS: неизвестная команда DLE {cmd:#04x}")
            out.append(Token("status", n))
        elif b == LF:
            flush()
            out.append(Token("newline"))
            i += 1
        elif b < 0x20 and b not in (0x09,):
            raise FrameError(f"ESC/POS: управляющий байт {b:#04x} на байте {i}")
        else:
            text.append(b)
            i += 1
    flush()
    return out


@dataclass
class EscposModel:
    """What a printer was sent, decoded (``tokens``), and its paper."""

    paper: bool = True
    received: bytearray = field(default_factory=bytearray)

    run_out_after: int | None = None  # the paper ends after this many more bytes of print jobs

    def feed(self, data: bytes) -> bytes:
        self.received += data
        if self.run_out_after is not None:
            self.run_out_after -= len(data)
            if self.run_out_after <= 0:
                self.paper, self.run_out_after = False, None
        out = bytearray()
        for token in decode(_status_requests(data)):
            if token.kind == "status":
                out.append(self._status(token.value))
        return bytes(out)

    def _status(self, n: int) -> int:
        """DLE EOT n: 1 printer (online), 2 offline causes, 3 errors, 4 paper sensors (bits 5–6: paper end)."""
        if n == 4:
            return 0x12 | (0x60 if not self.paper else 0)
        return 0x12

    @property
    def tokens(self) -> list[Token]:
        return decode(bytes(self.received))

    def lines(self) -> list[str]:
        """The printed text, line by line."""
        lines, current = [], ""
        for token in self.tokens:
            if token.kind == "text":
                current += token.value
            elif token.kind == "newline":
                lines.append(current)
                current = ""
        if current:
            lines.append(current)
        return lines

    def qr_payloads(self) -> list[bytes]:
        return [t.value for t in self.tokens if t.kind == "qr"]

    def cuts(self) -> int:
        return sum(1 for t in self.tokens if t.kind == "cut")


def _status_requests(data: bytes) -> bytes:
    """The DLE EOT requests of a chunk (a status request comes alone; a print job never answers)."""
    out, i = bytearray(), 0
    while True:
        j = data.find(bytes((DLE, 0x04)), i)
        if j < 0 or j + 2 >= len(data):
            return bytes(out)
        out += data[j:j + 3]
        i = j + 3
