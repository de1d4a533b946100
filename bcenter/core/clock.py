"""Часы: текущее время только через внедрённый ``Clock``.

Rule (ARCHITECTURE.md §1, §2 Time): the engine never reads a clock — "today" is passed in; services get a
``Clock`` so tests can move time month by month like Kill Bill's mock clock (STYLE.md). ``SystemClock`` is the
only place in ``bcenter.core`` that reads the real time. Technical timestamps never stand in for business dates.

``now()`` is always an aware datetime in UTC. ``today()`` is the local calendar date (the building's time zone,
DOMAIN.md §0) — for ``SystemClock`` the machine's zone unless one is given, for ``FixedClock`` the date in the
zone of the moment it was given.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FixedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """What a service asks for the time."""

    def today(self) -> date:
        """The local calendar date."""
        ...

    def now(self) -> datetime:
        """The current moment, aware, in UTC."""
        ...


class SystemClock:
    """The real clock. ``tz`` fixes the zone for ``today()``; by default the machine's local zone."""

    __slots__ = ("tz",)

    def __init__(self, tz: tzinfo | None = None) -> None:
        self.tz = tz

    def today(self) -> date:
        if self.tz is None:
            return datetime.now().date()
        return datetime.now(self.tz).date()

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        return f"SystemClock(tz={self.tz!r})"


class FixedClock:
    """A clock standing still at ``at`` (aware) until told to ``advance``: for tests and scenario stories."""

    __slots__ = ("_at",)

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def today(self) -> date:
        return self._at.date()

    def now(self) -> datetime:
        return self._at.astimezone(timezone.utc)

    def advance(self, **timedelta_kwargs: float) -> datetime:  # float-ok: randomness or time spans, not money
        """Move time forward (or back) by ``timedelta(**kwargs)``: ``clock.advance(days=31)``; returns ``now()``."""
        self._at = self._at + timedelta(**timedelta_kwargs)
        return self.now()

    def set(self, at: datetime) -> None:
        """Jump to another moment."""
        self._at = _aware(at)

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


def _aware(at: datetime) -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"FixedClock needs a datetime, got {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("FixedClock needs an aware datetime (with tzinfo), e.g. datetime(..., tzinfo=timezone.utc)")
    return at
