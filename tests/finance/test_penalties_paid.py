"""Issue 12: «a resident who pays exactly what the bill asks leaves the penalty unpaid and an advance beside it» —
no more. A bank registry line naming the closed month's bill and paying its total (the QR's sum) pays the bill's
charges and its penalties: the next month opens with nothing owed for the bill and no advance (product path: demo
town, close, registry import, the open month's balances, debts and penalties)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from bcenter.core.period import Period
from tests.finance.registry_files import sber
from tests.finance.towns import demo_town

CLOSED, OPEN = Period(2026, 9), Period(2026, 10)


def test_a_bill_paid_by_its_total_leaves_nothing_owed_and_no_advance(tmp_path):
    app = demo_town(tmp_path / "town.db", accounts=30, seed=4)
    try:
        bill: dict[str, int] = defaultdict(int)  # what the closed month's bill asks: its closing balances
        for r in app.month.balances(CLOSED).rows:
            bill[r.account] += r.closing
        unpaid = {a.account: a.total - a.paid for a in app.finance.penalties(as_of=CLOSED.last_day).accounts}
        paid_in_open = {p.account for p in app.payments.list() if p.paid_on >= OPEN.first_day}
        number = next(n for n in sorted(bill, key=lambda n: (-unpaid.get(n, 0), n))
                      if bill[n] > 0 and unpaid.get(n, 0) > 0 and n not in paid_in_open)
        day = date(2026, 10, 20)
        rubles = f"{bill[number] // 100}.{bill[number] % 100:02d}"
        registry = sber(tmp_path / "day.txt", [(day, number, rubles, "0.00")], period="0926")

        result = app.payments.import_registry(registry, profile="sber")
        assert result.payments == 1

        debts = app.finance.debts(as_of=OPEN.last_day, account=number).accounts
        assert all(str(line.period) == str(OPEN) for a in debts for line in a.periods)  # only October's own
        rows = [r for r in app.month.balances(OPEN).rows if r.account == number]
        assert sum(r.paid for r in rows) == bill[number]  # all of it applied: nothing left as an advance
        assert sum(r.opening for r in rows) == bill[number]
        october = sum(r.charged + r.recalculated + r.quality + r.benefits + r.penalties for r in rows)
        assert sum(r.closing for r in rows) == october  # what is owed now is October's alone
        penalties = {a.account: a for a in app.finance.penalties(as_of=OPEN.last_day).accounts}[number]
        assert penalties.paid == unpaid[number]  # the bill's penalties, paid
    finally:
        app.close()
