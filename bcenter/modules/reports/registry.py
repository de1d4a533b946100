"""What a report is: each report declares its parameters, columns and cuts, and yields its rows; the writers
(``bcenter.modules.reports.files``) and the faces know nothing of any report in particular.

A report's rows are plain values (money in kopecks, integers, text); ``Column.kind`` says how a file shows them
(``money`` — rubles with two decimals and a total, ``int``, ``text``). Rows are yielded, not held: a writer streams
them to its file."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import peewee as pw

from bcenter.core.period import Period

KINDS = ("money", "int", "text")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = "text"
    width: int = 14
    """Width in characters (XLSX) and, ×2 mm, in a PDF."""


@dataclass(frozen=True, slots=True)
class Result:
    """A report run: its title, columns and rows (an iterator: read once), and what the writers print above."""

    name: str
    title: str
    subtitle: str
    columns: tuple[Column, ...]
    rows: Iterator[tuple]

    @property
    def money(self) -> tuple[int, ...]:
        return tuple(i for i, c in enumerate(self.columns) if c.kind == "money")


@dataclass(frozen=True, slots=True)
class Report:
    """A report: its name (``bcenter report NAME``), title, the cuts it can be grouped by (the first is the default),
    and the function that runs it — ``run(db, period, by) -> Result``."""

    name: str
    title: str
    cuts: tuple[str, ...]
    run: Callable[[pw.Database, Period, str], Result]
    description: str = ""
    needs_period: bool = True


CUT_NAMES = {"account": "лицевой счёт", "house": "дом", "supplier": "поставщик", "service": "услуга",
             "organization": "управляющая организация"}


__all__ = ["CUT_NAMES", "Column", "KINDS", "Report", "Result"]
