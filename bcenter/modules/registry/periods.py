"""Billing periods and what may be done with them — the capability predicates in one place.

A period is a calendar month, OPEN → CLOSED (ARCHITECTURE.md §3). Nothing may be posted into a closed
period; a correction of a closed period is posted into the open one as a recalculation line that names it.
"""
from __future__ import annotations


from bcenter.core.errors import PeriodClosed
from bcenter.core.period import Period
from db.models import BillingPeriod


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
