"""The months of the demo history and precomputed date strings (the generator formats no date twice)."""

from __future__ import annotations

import re
from datetime import date

HISTORY_MONTHS = 14  # start = until − 13 months … until, so a 1 July is always inside
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

class _IsoDates(dict):
    """ordinal → "YYYY-MM-DD", filled on first use (a town formats the same few thousand days many times)."""

    def __missing__(self, ordinal: int) -> str:
        s = self[ordinal] = date.fromordinal(ordinal).isoformat()
        return s


iso = _IsoDates().__getitem__
"""``iso(ordinal)`` is ``date.fromordinal(ordinal).isoformat()``, cached."""


def parse_period(period: str) -> tuple[int, int]:
    m = _PERIOD.match(period)
    if not m:
        raise ValueError(f"until: expected a period 'YYYY-MM', got {period!r}")
    return int(m.group(1)), int(m.group(2))


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def ordinal(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()


def years_before(o: int, years: float) -> int:  # float-ok: randomness or time spans, not money
    return o - int(years * 365.2425)


class Month:
    """One calendar month of the history, with everything the generator formats about it."""

    __slots__ = ("year", "month", "period", "key", "days", "first", "last", "mid", "dates")

    def __init__(self, year: int, month: int) -> None:
        self.year = year
        self.month = month
        self.period = f"{year:04d}-{month:02d}"
        self.key = f"{year:04d}{month:02d}"
        self.first = ordinal(year, month, 1)
        ny, nm = add_months(year, month, 1)
        self.days = ordinal(ny, nm, 1) - self.first
        self.last = self.first + self.days - 1
        self.mid = self.first + 14
        # dates[d] is "YYYY-MM-DD" for day d (index 0 unused)
        self.dates = [""] + [iso(self.first + d) for d in range(self.days)]


class History:
    """``slots[0]`` is the month before the history (its meter readings are the base of the first period);
    ``slots[1]`` … ``slots[14]`` are the billing periods start … until."""

    def __init__(self, until: str) -> None:
        y, m = parse_period(until)
        self.slots = [Month(*add_months(y, m, k)) for k in range(-HISTORY_MONTHS, 1)]
        self.start = self.slots[1]
        self.until = self.slots[-1]
        self.start_date = self.start.dates[1]
        self.first_day = self.start.first
        self.last_day = self.until.last
        # 1 July of every tariff year that touches the history, the first one on or before the start
        jy = self.start.year if self.start.month >= 7 else self.start.year - 1
        self.julys = [(year, ordinal(year, 7, 1)) for year in range(jy, self.until.year + 1)
                      if ordinal(year, 7, 1) <= self.until.first]

    def slot_of(self, o: int) -> int:
        """Index of the slot holding day ``o`` (clamped to the history)."""
        for i, mo in enumerate(self.slots):
            if o <= mo.last:
                return i
        return len(self.slots) - 1
