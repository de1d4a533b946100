"""The payment QR symbol of a payload (``qr.payload``): error correction M (DOMAIN.md §4.3), byte mode in the
payload's declared charset, and a **fixed mask**.

Every one of the eight masks gives a valid code; choosing the best one means building and scoring all eight, which
costs four times as much as building one (measured: 26.7 ms against 6.5 ms for the G15 payload, version 17) —
too much for thousands of bills a month. Mask 2 (vertical stripes, ``j mod 3 = 0``) is fixed; scanners read it as
well as any (the round-trip tests decode every symbol drawn).
"""
from __future__ import annotations

import segno

from bcenter.modules.bills import qr

MASK = 2
ERROR = "m"


def symbol(text: str) -> segno.QRCode:
    """The QR code of a payload, its bytes in the charset the header declares (``ST00012`` UTF-8 …)."""
    return segno.make_qr(qr.encode(text), error=ERROR, mask=MASK, boost_error=False)


def modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The symbol's dark (True) and light modules, row by row, without the quiet zone — what a PDF draws."""
    code = symbol(text)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix_iter(border=0))
