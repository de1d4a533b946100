"""The receipt printer port: a receipt as plain data (``ReceiptDoc``), what a printer is asked to do with it."""
from __future__ import annotations

import textwrap
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


def wrap(text: str, width: int) -> str:
    """The text (as printed: «₽» is «руб.») broken into lines of at most ``width`` characters at spaces."""
    return "\n".join(textwrap.wrap(normalise(text), width, break_on_hyphens=False) or [""])


def columns(left: str, right: str, width: int) -> str:
    """«left ......... right» in ``width`` characters (as printed: «₽» is «руб.»); a long left part wraps at spaces
    and the right part ends its last line, or a line of its own when it does not fit there."""
    lines = wrap(left, width).split("\n")
    right = normalise(right)
    last = lines[-1]
    if len(last) + 1 + len(right) <= width:
        lines[-1] = last + " " * (width - len(last) - len(right)) + right
    else:
        lines.append(" " * (width - len(right)) + right)
    return "\n".join(lines)


@runtime_checkable
class ReceiptPrinter(Protocol):
    columns: int

    def print(self, doc: ReceiptDoc) -> None: ...
    def paper(self) -> bool | None: ...
