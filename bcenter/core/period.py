"""Расчётный период — календарный месяц (п. 37 ПП 354).

``Period(year, month)`` is immutable, hashable and ordered by time. Text form ``"YYYY-MM"`` (EXCHANGE.md);
arithmetic in whole months: ``p + 1`` is the next period, ``p2 - p1`` the number of months between them.
A period covers the half-open date interval ``[first_day, end)``, where ``end`` is the first day of the next
month — half-open intervals keep the edges unambiguous (STYLE.md: tier edges off by one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from operator import itemgetter

from bcenter.core.errors import InvalidValue

__all__ = ["Period"]

_PERIOD_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_MONTH_NAMES_RU = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)
_MONTH_NAMES_RU_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MIN_YEAR, _MAX_YEAR = 1, 9999  # the range of datetime.date


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


class Period(tuple):
    """A billing month.

    Attributes:
        year: 1..9999.
        month: 1..12.

    A ``(year, month)`` tuple underneath: hashing, equality and ordering by time are the tuple's own, in C. Periods
    are dictionary keys by the million (every charge, payment and penalty line is keyed by one, often inside another
    tuple), and a dataclass's ``__hash__``, ``__eq__`` and ``__lt__`` are Python calls — 1.58 M hashes for one
    close of the 2 000-account town (2026-12-04). Its ``repr`` is the dataclass's it replaced (messages and test
    reports show it). Unlike the dataclass, ``json.dumps`` writes a period as ``[2026, 10]`` instead of refusing
    it: write ``str(period)``.
    """

    __slots__ = ()

    def __new__(cls, year: int, month: int) -> Period:
        if type(year) is not int or type(month) is not int:
            raise TypeError("Period(year, month) takes two ints")
        if not 1 <= month <= 12:
            raise InvalidValue("месяц должен быть от 1 до 12", value=month)
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise InvalidValue("год должен быть от 1 до 9999", value=year)
        return tuple.__new__(cls, (year, month))

    year = property(itemgetter(0), doc="1..9999")
    month = property(itemgetter(1), doc="1..12")

    def __getnewargs__(self) -> tuple[int, int]:
        return (self[0], self[1])

    def __repr__(self) -> str:
        return f"Period(year={self[0]!r}, month={self[1]!r})"

    def __mul__(self, other):  # a period is not a sequence to repeat
        return NotImplemented

    __rmul__ = __mul__

    # --- construction -------------------------------------------------------------------------------------------

    @staticmethod
    def parse(text: str) -> Period:
        """Strictly parse ``"YYYY-MM"`` ("2025-01"); anything else raises ``InvalidValue``. Cached: bulk imports
        parse the same few periods millions of times."""
        if not isinstance(text, str):
            raise TypeError(f"ожидается строка, получено {type(text).__name__} (expected str)")
        return _parse(text)

    @staticmethod
    def of(day: date) -> Period:
        """The period a date falls in."""
        return Period(day.year, day.month)

    @staticmethod
    def range(start: Period, stop: Period) -> Iterator[Period]:
        """Periods from ``start`` up to but not including ``stop`` (empty if ``stop <= start``)."""
        index, stop_index = start._index, stop._index
        while index < stop_index:
            yield _from_index(index)
            index += 1

    # --- arithmetic ---------------------------------------------------------------------------------------------

    @property
    def _index(self) -> int:
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Period:
        if type(months) is not int:
            return NotImplemented
        return _from_index(self._index + months)

    __radd__ = __add__

    def __sub__(self, other):
        """``p - n`` → the period n months earlier; ``p2 - p1`` → months from p1 to p2 (int)."""
        if type(other) is int:
            return _from_index(self._index - other)
        if isinstance(other, Period):
            return self._index - other._index
        return NotImplemented

    # --- dates --------------------------------------------------------------------------------------------------

    @property
    def days(self) -> int:
        """Days in the month (29 in a leap February)."""
        if self.month == 2 and _is_leap(self.year):
            return 29
        return _DAYS_IN_MONTH[self.month - 1]

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, self.days)

    @property
    def end(self) -> date:
        """The first day of the next month: the exclusive end of ``[first_day, end)``."""
        return (self + 1).first_day

    def __contains__(self, day: object) -> bool:
        """``day in period`` for a ``date``."""
        return isinstance(day, date) and (day.year, day.month) == (self.year, self.month)

    # --- text ---------------------------------------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label_ru(self) -> str:
        """For people: "январь 2025"."""
        return f"{_MONTH_NAMES_RU[self.month - 1]} {self.year}"

    @property
    def label_ru_genitive(self) -> str:
        """After «с», «до», «от»: "ноября 2026" («с ноября 2026 г.»)."""
        return f"{_MONTH_NAMES_RU_GENITIVE[self.month - 1]} {self.year}"

    @property
    def mmyyyy(self) -> str:
        """"012025": the PaymPeriod field of the payment QR code (ГОСТ Р 56042-2014; DOMAIN.md G15)."""
        return f"{self.month:02d}{self.year:04d}"


def _from_index(index: int) -> Period:
    year, month0 = divmod(index, 12)
    return Period(year, month0 + 1)


@lru_cache(maxsize=4096)
def _parse(text: str) -> Period:
    match = _PERIOD_RE.fullmatch(text)
    if match is None:
        raise InvalidValue("ожидается расчётный период в формате ГГГГ-ММ, например 2025-01", value=text)
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise InvalidValue("месяц должен быть от 01 до 12", value=text)
    if year < _MIN_YEAR:
        raise InvalidValue("год должен быть от 0001 до 9999", value=text)
    return Period(year, month)
