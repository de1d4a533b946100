"""The demo town pays like a town (issue 12 item 5): payments generated from the calculated bills, month by month.

After each month of the history is closed, every account's bill — what its ЕПД asks: the closing balance of each
supplier that is owed, less the account's advance — is paid in the next month by the account's habit, drawn once
from the town's seed and the account number (``HABITS``):

* ``full`` — the bill's total before the due date (the 3rd–9th), most of them by the bill's QR (the period named);
* ``late`` — the bill's total after the due date but within the 30 days of grace (the 16th–28th);
* ``partial`` — 40–85 % of it, rounded to 100 ₽ (a debt grows, with penalties);
* ``lumps`` — stops for 2–5 months now and then, then pays everything the bill asks at once;
* ``ahead`` — every third month the bill plus three months of charges, rounded up to 1 000 ₽ (an advance);
* ``never`` — pays nothing: a real debtor, with penalties, for a court case.

Organizations pay in full by bank order. Channels, agents and the bank's 1 % commission (half of Sberbank's payers,
supplier side — DOMAIN.md §5.2) are drawn as the estimate-based generator draws them (``demo/payments.py``, used by
``demo`` without ``--ledger``, where there are no bills to pay). A payment's external id is made of the account and
the month, so running the demo again adds nothing (its row id is a new UUID, as every row's).
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

import peewee as pw

from bcenter.core.ids import uuid7
from bcenter.core.period import Period
from db.dialect import param_mark
from db.models import Payment
from db.snapshots import COLUMNS, read_snapshots
from db.uow import UnitOfWork

__all__ = ["HABITS", "pay_bills"]

HABITS = (("full", 0.70), ("late", 0.08), ("partial", 0.07), ("lumps", 0.06), ("ahead", 0.04), ("never", 0.05))
"""The habits of the town's payers and their shares (``demo/stats.py`` and the demo-shape test hold the bounds)."""

_CHANNELS = (("bank", "ПАО Сбербанк", 0.28), ("bank", "Банк ВТБ (ПАО)", 0.07), ("online", None, 0.22),
             ("post", "АО «Почта России»", 0.10), ("terminal", "ООО «Городской платёжный сервис»", 0.15),
             ("cash", None, 0.18))
CLOSING, CHARGED = COLUMNS.index("closing"), COLUMNS.index("charged")
_BREAKS_FROM = 2020 * 12 + 1
"""The month the «lumps» payers' breaks are drawn from (the same breaks whatever month is asked)."""


@dataclass(frozen=True, slots=True)
class Habit:
    kind: str
    channel: str
    agent: str | None
    named: bool
    commission: bool


def habit(seed: int, number: str, organization: bool) -> Habit:
    """The account's habit, the same every month (drawn from the seed and its number)."""
    r = random.Random(f"{seed}:{number}").random
    if organization:
        return Habit("full", "bank", None, True, False)
    x, kind = r(), HABITS[-1][0]
    for name, share in HABITS:
        x -= share
        if x < 0:
            kind = name
            break
    x, channel, agent = r(), "cash", None
    for channel, agent, share in _CHANNELS:
        x -= share
        if x < 0:
            break
    named = r() < (0.65 if kind in ("full", "late") else 0.3)
    return Habit(kind, channel, agent, named, agent == "ПАО Сбербанк" and r() < 0.5)


def pay_bills(db: pw.Database, period: Period, *, seed: int, actor: str | None = None) -> int:
    """The payments of the closed ``period``'s bills, dated in the month after it (module text); returns how many
    were written (none when they are there already)."""
    mark = param_mark(db)
    prefix = f"demo-bill-{period}-"
    if db.execute_sql(f'SELECT 1 FROM "payment" WHERE ext_id LIKE {mark} LIMIT 1', (prefix + "%",)).fetchone():
        return 0
    owed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))  # account → supplier → closing
    charged: dict[str, int] = defaultdict(int)
    for account, _service, supplier, money in read_snapshots(db, str(period)):
        owed[account][supplier] += money[CLOSING]
        charged[account] += money[CHARGED]
    advance = {str(a): int(v) for a, v in db.execute_sql(
        f'SELECT account_id, advance FROM "account_snapshot" WHERE period = {mark}', (str(period),))}
    accounts = {str(a): (n, org is not None) for a, n, org in db.execute_sql(
        'SELECT id, number, holder_org_name FROM "account"')}
    month = period + 1
    rows = []
    for account in sorted(owed):
        number, organization = accounts[account]
        bill = max(0, sum(max(0, v) for v in owed[account].values()) - advance.get(account, 0))
        h = habit(seed, number, organization)
        r = random.Random(f"{seed}:{number}:{period}").random
        amount, day = _amount(h, bill, charged[account], period, r, seed, number)
        if amount <= 0:
            continue
        rows.append((uuid7(), prefix + number, account, amount, month.first_day.replace(day=day).isoformat(),
                     str(period) if h.named and h.kind in ("full", "late", "partial") else None, h.channel, h.agent,
                     (amount + 50) // 100 if h.commission else None))
    if rows:
        with UnitOfWork(action="registry.demo.payments", actor=actor, db=db, details={"period": str(period)}) as uow:
            uow.insert_rows(Payment, ("id", "ext_id", "account_id", "amount", "paid_on", "period", "channel", "agent",
                                      "commission"), rows)
    return len(rows)


def _amount(h: Habit, bill: int, charged: int, period: Period, r, seed: int, number: str) -> tuple[int, int]:
    """(kopecks, day of the month) the account pays for this bill."""
    if h.kind == "never" or bill <= 0 and h.kind != "ahead":
        return 0, 1
    if h.kind == "full":
        return bill, 3 + int(r() * 7)
    if h.kind == "late":
        return bill, 16 + int(r() * 13)
    if h.kind == "partial":
        if r() < 0.15:
            return 0, 1
        return min(bill, (int(bill * (0.40 + r() * 0.45)) + 5000) // 10000 * 10000), 5 + int(r() * 15)
    if h.kind == "lumps":  # a break of 2–5 months starts in a quarter of the months; then the whole bill
        index = period.year * 12 + period.month
        breaks = random.Random(f"{seed}:{number}:breaks")  # the breaks, drawn from a fixed month on
        stop_until = -1
        for i in range(_BREAKS_FROM, index + 1):
            if i > stop_until and breaks.random() < 0.25:
                stop_until = i + 1 + int(breaks.random() * 4)
            if i == index:
                return (0, 1) if i <= stop_until else (bill, 5 + int(r() * 15))
    # ahead: every third month the bill and three months more, rounded up to 1 000 ₽
    if (period.year * 12 + period.month) % 3:
        return 0, 1
    return (bill + 3 * charged + 99999) // 100000 * 100000, 5 + int(r() * 10)

