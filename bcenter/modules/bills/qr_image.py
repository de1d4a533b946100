"""The payment QR symbol of a payload (``qr.payload``): error correction M (DOMAIN.md §4.3), the payload's bytes in
its declared charset (no ECI header: ``ST00011``/``ST00012`` says the charset), and a **fixed mask**.

The encoder is zint's (C, through ``zint-bindings``). Every one of the eight masks gives a valid code; scoring all
eight to pick the "best" is most of an encoder's work. Measured on the G15 payload (458 bytes): segno (pure Python)
26.7 ms choosing the mask, 4.4 ms with a fixed one; zxing-cpp's writer (zint inside) 1.2 ms choosing, 0.24 ms with
mask 2 fixed and 0.32 ms to the packed bits — it also decodes what it made to describe it; zint called directly
**0.11 ms** to the packed bits (2026-12-04, the demo town's 4 846 payloads of ten houses). A bill has a code per
recipient (six in the demo town), so the encoder decides how fast bills print. zint splits the bytes into numeric /
alphanumeric / byte segments where that is shorter (standard QR; every reader joins them). Scanners read any mask as
well as another; the tests decode every symbol drawn, in UTF-8 and in cp1251, with zxing-cpp's reader — an
implementation independent of the encoder.
"""
from __future__ import annotations

import zint

from bcenter.modules.bills import qr

MASK = 2
ERROR = 2
"""zint's ``option_1`` for QR: 1 L, **2 M**, 3 Q, 4 H."""
_ROW = 144
"""Bytes per row of zint's ``encoded_data`` (its ``ZINT_ROWS_MAX × 144`` array, bit ``c % 8`` of byte ``c // 8``)."""


def _encoded(text: str) -> zint.Symbol:
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.input_mode = zint.InputMode.DATA       # the bytes as given: no ECI, no conversion
    symbol.option_1 = ERROR
    symbol.option_3 = (MASK + 1) << 8            # zint's manual, QR Code: a mask is fixed by (N + 1) << 8
    symbol.encode(qr.encode(text))
    return symbol


def matrix(text: str) -> tuple[bytes, ...]:
    """Rows of the symbol without the quiet zone, one byte per module: 1 dark, 0 light (``packed`` unpacked)."""
    side, bits = packed(text)
    width = (side + 7) // 8
    return tuple(bytes((bits[r * width + c // 8] >> (7 - c % 8)) & 1 for c in range(side)) for r in range(side))


def packed(text: str) -> tuple[int, bytes]:
    """The symbol as a 1-bit image: its side in modules and its rows, each padded with light bits to whole bytes,
    most significant bit first, 1 dark (PDF 32000 §8.9.6.2 ``/IM true /D [1 0]``). zint keeps a row's modules
    least significant bit first, padded with zeros: each row's bytes are cut out and their bits reversed by one
    ``translate``."""
    symbol = _encoded(text)
    side, raw = symbol.width, symbol.encoded_data.tobytes()
    width = (side + 7) // 8
    return side, b"".join([raw[r * _ROW:r * _ROW + width] for r in range(side)]).translate(_REVERSED)


def png(text: str, path, *, scale: int = 4) -> None:
    """The symbol as a PNG with the 4-module quiet zone (for people and for the decoding tests)."""
    from PIL import Image

    rows = matrix(text)
    side, quiet = len(rows), 4
    image = Image.new("1", (side + 2 * quiet, side + 2 * quiet), 1)
    image.putdata([0 if quiet <= y < side + quiet and quiet <= x < side + quiet and rows[y - quiet][x - quiet]
                   else 1 for y in range(side + 2 * quiet) for x in range(side + 2 * quiet)])
    image.resize((image.width * scale, image.height * scale), Image.NEAREST).convert("L").save(path)


_REVERSED = bytes(int(f"{b:08b}"[::-1], 2) for b in range(256))
