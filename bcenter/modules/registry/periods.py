"""Billing periods and what may be done with them — the capability predicates in one place.

A period is a calendar month, OPEN → CLOSED (ARCHITECTURE.md §3). Nothing may be posted into a closed
period; a correction of a closed period is posted into the open one as a recalculation line that names it.
"""
from __future__ import annotations

from dataclasses import dataclass

from bcenter.core.errors import PeriodClosed
from bcenter.core.period import Period
from db.models import BillingPeriod
from db.models.system import CalcRun


def state(period: Period) -> str | None:
    row = BillingPeriod.get_or_none(BillingPeriod.period == str(period))
    return None if row is None else row.state


def is_closed(period: Period) -> bool:
    return state(period) == "closed"


def can_post(period: Period) -> bool:
    """Entries may be posted into an open (or not yet opened) period only."""
    return not is_closed(period)


def can_close(period: Period) -> bool:
    """A period closes once, after every earlier period that has postings is closed."""
    if is_closed(period):
        return False
    earlier_open = (BillingPeriod.select().where((BillingPeriod.period < str(period)) &
                                                 (BillingPeriod.state != "closed")).count())
    return earlier_open == 0


def require_open(period: Period) -> None:
    if not can_post(period):
        raise PeriodClosed(f"Период {period} закрыт: в него нельзя проводить начисления; перерасчёт проводится "
                           "в открытом периоде", period=period)


def ensure_open(uow, period: Period) -> None:
    """Open the period (a row in billing_period) if it has none yet."""
    require_open(period)
    if state(period) is None:
        uow.insert(BillingPeriod, period=str(period), state="open")


@dataclass(frozen=True)
class MonthRun:
    """One run of the month as the month screen lists it."""

    period: str
    started_at: str
    finished_at: str | None
    houses_ok: int
    houses_failed: int
    lines: int
    actor: str


@dataclass(frozen=True)
class MonthOverview:
    """Where the months stand: the month to calculate (the first not closed, else today's), the last closed one,
    the open ones and the latest runs."""

    current: Period
    last_closed: Period | None
    open: tuple[Period, ...]
    runs: tuple[MonthRun, ...]


def overview(today_period: Period, *, runs: int = 8) -> MonthOverview:
    rows = list(BillingPeriod.select(BillingPeriod.period, BillingPeriod.state).order_by(BillingPeriod.period))
    closed = [Period.parse(str(r.period)) for r in rows if r.state == "closed"]
    opened = tuple(Period.parse(str(r.period)) for r in rows if r.state != "closed")
    current = opened[0] if opened else min(closed[-1] + 1, today_period) if closed else today_period
    found = CalcRun.select().order_by(CalcRun.started_at.desc()).limit(runs)
    return MonthOverview(current, closed[-1] if closed else None, opened,
                         tuple(MonthRun(r.period, r.started_at, r.finished_at, r.houses_ok, r.houses_failed,
                                        r.lines, r.actor) for r in found))
