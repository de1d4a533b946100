"""The payment QR symbol of a payload (``qr.payload``): error correction M (DOMAIN.md §4.3), the payload's bytes in
its declared charset (no ECI header: ``ST00011``/``ST00012`` says the charset), and a **fixed mask**.

The encoder is zxing-cpp's (C++, the zint engine). Every one of the eight masks gives a valid code; scoring all
eight to pick the "best" is most of an encoder's work. Measured on the G15 payload (458 bytes): segno (pure Python)
26.7 ms choosing the mask, 4.4 ms with a fixed one; zxing-cpp 1.2 ms choosing, **0.12 ms** with mask 2 fixed — a
bill has a code per recipient (six in the demo town), so the encoder decides how fast bills print. The encoder
splits the bytes into numeric / alphanumeric / byte segments where that is shorter (standard QR; every reader
joins them) — G15 fits version 16 instead of 17. Scanners read any mask as well as another; the tests decode every
symbol drawn, in UTF-8 and in cp1251.
"""
from __future__ import annotations

import zxingcpp

from bcenter.modules.bills import qr

MASK = 2
ERROR = "M"


def symbol(text: str) -> zxingcpp.Barcode:
    """The QR code of a payload, its bytes in the charset the header declares (``ST00012`` UTF-8 …)."""
    return zxingcpp.create_barcode(qr.encode(text), zxingcpp.BarcodeFormat.QRCode, ec_level=ERROR, data_mask=MASK)


def matrix(text: str) -> tuple[bytes, ...]:
    """Rows of the symbol without the quiet zone, one byte per module: 1 dark, 0 light (what the PDF draws)."""
    image = memoryview(symbol(text).to_image(scale=1, add_quiet_zones=False))
    side = image.shape[0]
    raw = image.tobytes().translate(_DARK)
    return tuple(raw[i * side:(i + 1) * side] for i in range(side))


def packed(text: str) -> tuple[int, bytes]:
    """The symbol as a 1-bit image: its side in modules and its rows, each padded with light bits to whole bytes,
    most significant bit first, 1 dark (PDF 32000 §8.9.6.2 ``/IM true /D [1 0]``). Packed at once: the rows are
    written as one binary numeral and read by one ``int`` call, instead of one call per row."""
    image = memoryview(symbol(text).to_image(scale=1, add_quiet_zones=False))
    side = image.shape[0]
    digits = image.tobytes().translate(_DIGITS)
    pad = b"0" * (-side % 8)
    if pad:
        digits = pad.join([digits[i:i + side] for i in range(0, side * side, side)]) + pad
    return side, int(digits, 2).to_bytes(len(digits) // 8, "big")


def png(text: str, path, *, scale: int = 4) -> None:
    """The symbol as a PNG with the 4-module quiet zone (for people and for the decoding tests)."""
    from PIL import Image

    image = symbol(text).to_image(scale=scale, add_quiet_zones=True)
    Image.frombuffer("L", (image.shape[1], image.shape[0]), memoryview(image).tobytes()).save(path)


_DARK = bytes(1 if b < 128 else 0 for b in range(256))
_DIGITS = bytes(ord("1") if b < 128 else ord("0") for b in range(256))
