"""Даты: строгий разбор, русский формат, полуоткрытые интервалы [начало, конец).

Rules: business dates are calendar dates chosen by people (ARCHITECTURE.md §2, Time); the exchange format writes
dates as "YYYY-MM-DD" and date-times as ISO 8601 with an offset (EXCHANGE.md); people read "28.11.2026"
(ARCHITECTURE.md §7). Every date range is half-open, ``[start, end)``: the end day is not included, so adjacent
ranges meet without overlapping and a day count is ``end - start`` (STYLE.md: tier edges off by one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period

__all__ = ["DateInterval", "format_date_ru", "format_moment_ru", "parse_date", "parse_datetime"]

_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
_MONTHS_GENITIVE_RU = (
    "январе", "феврале", "марте", "апреле", "мае", "июне",
    "июле", "августе", "сентябре", "октябре", "ноябре", "декабре",
)


def parse_date(text: str) -> date:
    """Strictly parse "YYYY-MM-DD"; "30.01.2025", "2025-1-5" and "2025-02-30" raise ``InvalidValue``. Cached."""
    if not isinstance(text, str):
        raise TypeError(f"ожидается строка, получено {type(text).__name__} (expected str)")
    return _parse_date(text)


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> date:
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise InvalidValue("ожидается дата в формате ГГГГ-ММ-ДД, например 2025-01-31", value=text)
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if year < 1:
        raise InvalidValue("год должен быть от 0001 до 9999", value=text)
    if not 1 <= month <= 12:
        raise InvalidValue("месяц должен быть от 01 до 12", value=text)
    days = Period(year, month).days
    if not 1 <= day <= days:
        word = "день" if days == 31 else "дней"
        raise InvalidValue(f"такого дня нет: в {_MONTHS_GENITIVE_RU[month - 1]} {year} года {days} {word}", value=text)
    return date(year, month, day)


def parse_datetime(text: str) -> datetime:
    """Parse an ISO 8601 date-time that states its offset: "2025-03-01T09:30:00+03:00" or "...T06:30:00Z".

    Without an offset the moment is ambiguous, so it is refused (``InvalidValue``). The offset is kept as given;
    compare aware date-times freely, convert with ``.astimezone(timezone.utc)`` when needed.
    """
    if not isinstance(text, str):
        raise TypeError(f"ожидается строка, получено {type(text).__name__} (expected str)")
    if _DATETIME_RE.fullmatch(text) is None:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+", text):
            raise InvalidValue("не указано смещение часового пояса (например +03:00 или Z)", value=text)
        raise InvalidValue("ожидается дата и время ISO 8601, например 2025-03-01T09:30:00+03:00", value=text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue("такой даты или времени не существует", value=text) from None


def format_date_ru(d: date) -> str:
    """A date for people: 28.11.2026."""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def format_moment_ru(stamp: str | datetime) -> str:
    """A stored moment (ISO 8601, UTC) as people read it on this machine: «ДД.ММ.ГГГГ ЧЧ:ММ» in the machine's
    zone — the desk's shift and slip, the month's runs; a moment without a zone is shown as it is."""
    moment = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    return (moment.astimezone() if moment.tzinfo is not None else moment).strftime("%d.%m.%Y %H:%M")


@dataclass(frozen=True, slots=True)
class DateInterval:
    """A half-open range of days ``[start, end)``; ``end=None`` means open-ended («по настоящее время»).

    Attributes:
        start: the first day included.
        end: the first day *not* included, or None; must be after ``start`` (an interval is never empty).
    """

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        for name, value in (("start", self.start), ("end", self.end)):
            if isinstance(value, datetime) or not (isinstance(value, date) or (name == "end" and value is None)):
                raise TypeError(f"DateInterval.{name} must be a date, got {type(value).__name__}")
        if self.end is not None and not self.start < self.end:
            raise InvalidValue(
                f"конец интервала ({format_date_ru(self.end)}) должен быть позже начала "
                f"({format_date_ru(self.start)})"
            )

    @staticmethod
    def of_period(period: Period) -> DateInterval:
        """The days of a billing month: ``[first_day, end)``."""
        return DateInterval(period.first_day, period.end)

    @property
    def days(self) -> int | None:
        """Number of days in the interval (``end - start``), None if open-ended."""
        return None if self.end is None else (self.end - self.start).days

    def contains(self, d: date) -> bool:
        """``start <= d < end``: the end day itself is outside."""
        return self.start <= d and (self.end is None or d < self.end)

    __contains__ = contains

    def overlaps(self, other: DateInterval) -> bool:
        """True if the two intervals share at least one day (touching ends do not overlap)."""
        return (other.end is None or self.start < other.end) and (self.end is None or other.start < self.end)

    def intersection(self, other: DateInterval) -> DateInterval | None:
        """The days both intervals share, or None if they share none."""
        start = max(self.start, other.start)
        if self.end is None:
            end = other.end
        elif other.end is None:
            end = self.end
        else:
            end = min(self.end, other.end)
        if end is not None and end <= start:
            return None
        return DateInterval(start, end)

    def clip_to(self, period: Period) -> DateInterval | None:
        """The part of this interval inside a billing month, or None if it lies outside."""
        return self.intersection(DateInterval.of_period(period))

    def __str__(self) -> str:
        end = format_date_ru(self.end) if self.end is not None else "…"
        return f"[{format_date_ru(self.start)}, {end})"
