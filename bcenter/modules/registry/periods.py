"""Billing periods and what may be done with them — the capability predicates in one place.

A period is a calendar month, OPEN → CLOSED (ARCHITECTURE.md §3). Nothing may be posted into a closed
period; a correction of a closed period is posted into the open one as a recalculation line that names it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.errors import PeriodClosed
from bcenter.core.period import Period
from db.dialect import db_date
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


@dataclass(frozen=True)
class DataSpan:
    """The months and days the database holds money data for: the months calculated (or opened by balances brought
    from the system left) and the days of the payments — to say so, instead of a page of zeros, when a period or a
    day asked for lies outside them."""

    first_period: Period | None
    last_period: Period | None
    first_payment: date | None
    last_payment: date | None
    now: Period | None = None
    """Today's month: the months after the last calculated up to it are the data's too — not calculated yet, their
    balances carried from the months before (the charges say «период не рассчитан» of them)."""

    def _known(self) -> str:
        known = []
        first, last = self.first_period, self.last_period
        if first is not None:
            known.append(f"периоды — с {first} по {last}" if first != last else f"период {first}")
        if self.first_payment is not None:
            known.append(f"платежи — с {self.first_payment:%d.%m.%Y} по {self.last_payment:%d.%m.%Y}")
        return f" (в базе: {'; '.join(known)})" if known else ": в базе ещё нет ни расчётов, ни платежей"

    def period_note(self, period: Period) -> str | None:
        """Why ``period`` shows nothing, when it lies outside both the months calculated and the payments' days."""
        last = max(self.last_period, self.now) if self.last_period is not None and self.now is not None \
            else self.last_period
        months = self.first_period is not None and self.first_period <= period <= last
        paid = self.first_payment is not None and self.first_payment <= period.last_day and \
            self.last_payment >= period.first_day
        return None if months or paid else f"За {period} данных нет{self._known()}"

    def day_note(self, day: date) -> str | None:
        """Why a position as of ``day`` shows nothing, when the day is before every month and payment (a debt or a
        penalty after the last month goes on; before the first there is none to know)."""
        starts = [d for d in (self.first_period and self.first_period.first_day, self.first_payment) if d]
        return None if starts and day >= min(starts) else f"На {day:%d.%m.%Y} данных нет{self._known()}"


def data_span(db: pw.Database, now: Period | None = None) -> DataSpan:
    """The span of the money data (``DataSpan``): billing periods and balances brought, payments; ``now`` — today's
    month (``DataSpan.now``)."""
    rows = db.execute_sql('SELECT MIN(period), MAX(period) FROM "billing_period" UNION ALL '
                          'SELECT MIN(period), MAX(period) FROM "opening_balance"').fetchall()
    months = [str(value) for row in rows for value in row if value is not None]
    first, last = db.execute_sql('SELECT MIN(paid_on), MAX(paid_on) FROM "payment"').fetchone()
    return DataSpan(Period.parse(min(months)) if months else None, Period.parse(max(months)) if months else None,
                    db_date(first), db_date(last), now)
