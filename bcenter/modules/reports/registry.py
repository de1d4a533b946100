"""What a report is: each report declares its parameters, columns and cuts, and yields its rows; the writers
(``bcenter.modules.reports.files``) and the faces know nothing of any report in particular.

A report's rows are plain values (money in kopecks, integers, ``Decimal`` percents, dates, text); ``Column.kind``
says how a file shows them (``money`` — rubles with two decimals and a total, ``int`` — with a total when the column
says so, ``percent`` — one decimal, its total the ratio of two other columns' totals, ``date``, ``text``). Rows are
yielded, not held: a writer streams them to its file."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import peewee as pw

from bcenter.core.period import Period

KINDS = ("money", "int", "percent", "date", "text")


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = "text"
    width: int = 14
    """Width in characters (XLSX) and, ×2 mm, in a PDF."""
    total: bool | None = None
    """Whether the total row sums the column (by default: money does, nothing else)."""
    ratio: tuple[str, str] | None = None
    """A ``percent`` column's total: 100 × the total of the first column ÷ the total of the second."""

    @property
    def summed(self) -> bool:
        return self.kind == "money" if self.total is None else self.total


def percent(part: int, whole: int) -> Decimal | None:
    """100 × part ÷ whole to one decimal (ROUND_HALF_UP); None when ``whole`` is not positive (no base to rate)."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Result:
    """A report run: its title, columns and rows (an iterator: read once), and what the writers print above."""

    name: str
    title: str
    subtitle: str
    columns: tuple[Column, ...]
    rows: Iterator[tuple]

    @property
    def summed(self) -> tuple[int, ...]:
        """The columns the total row sums."""
        return tuple(i for i, c in enumerate(self.columns) if c.summed)

    def totals(self, sums: dict[int, int]) -> dict[str, object]:
        """The total row by column key: the sums, and each ``ratio`` column's percent of them."""
        out: dict[str, object] = {self.columns[i].key: v for i, v in sums.items()}
        for c in self.columns:
            if c.ratio is not None:
                out[c.key] = percent(int(out.get(c.ratio[0], 0)), int(out.get(c.ratio[1], 0)))
        return out


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of a report on screen, the report run by the cut ``by``: ``kind`` ``bar`` — a bar per row, in the rows'
    order, ``label`` the column naming it, ``value`` the column drawn; ``totals`` — a bar per money column of the
    total row but ``value`` (debt by age: the buckets, not their sum)."""

    title: str
    by: str
    label: str
    value: str
    kind: str = "bar"


@dataclass(frozen=True, slots=True)
class Report:
    """A report: its name (``bcenter report NAME``), title, the cuts it can be grouped by (the first is the default),
    and the function that runs it — ``run(db, period, by) -> Result``."""

    name: str
    title: str
    cuts: tuple[str, ...]
    run: Callable[[pw.Database, Period, str], Result]
    description: str = ""
    charts: tuple[Chart, ...] = ()
    """What the screen draws of the report's rows."""
    money: bool = True
    """Whether it reads the money data (charges, balances, payments): of a period outside them it says so
    (``catalog.empty_note``) instead of showing zeros. Not the registry's state of a day (meters, residents)."""


CUT_NAMES = {"account": "лицевой счёт", "house": "дом", "supplier": "поставщик", "service": "услуга",
             "bank": "банк (платёжный агент)", "day": "день", "month": "месяц", "meter": "прибор учёта",
             "line": "строка", "manager": "управляющая организация", "section": "участок"}


__all__ = ["CUT_NAMES", "Chart", "Column", "KINDS", "Report", "Result", "percent"]
