"""The receipt printer port: a receipt as plain data (``ReceiptDoc``), what a printer is asked to do with it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from drivers.codecs.text import normalise


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    align: str = "left"   # left | center | right
    big: bool = False     # double width and height


@dataclass(frozen=True)
class ReceiptDoc:
    lines: tuple[Line, ...]
    qr: str | None = None  # a payload printed centred under the text
    cut: bool = True


def columns(left: str, right: str, width: int) -> str:
    """«left ......... right» in ``width`` characters (as printed: «₽» is «руб.»); a long left part wraps onto
    lines of its own."""
    left, right = normalise(left), normalise(right)
    room = width - len(right) - 1
    if len(left) <= room:
        return left + " " * (width - len(left) - len(right)) + right
    head, rest = left[:width], left[width:]
    return head + "\n" + columns(rest, right, width)


@runtime_checkable
class ReceiptPrinter(Protocol):
    columns: int

    def print(self, doc: ReceiptDoc) -> None: ...
    def paper(self) -> bool | None: ...
