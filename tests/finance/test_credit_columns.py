"""Issue 12: «a negative opening balance (a migrated advance) is applied as a synthetic credit counted as paid
nowhere, so per supplier one recipient shows a credit while the others show debts (totals right, splits wrong)».
Now a credit pays its own supplier only (setting ``credit_application``): in the demo town's first month, every
other supplier's closing balance of an account that brought an advance is exactly what `debts` says it owes that
supplier — the advance paid none of it (product path: demo town, close, balances, debts)."""
from __future__ import annotations

from collections import defaultdict

from bcenter.core.period import Period
from tests.finance.towns import demo_town

UNTIL = Period(2025, 5)


def test_the_supplier_columns_of_a_migrated_advance(tmp_path):
    app = demo_town(tmp_path / "town.db", accounts=60, seed=6, until=UNTIL)
    try:
        first = next(p for p in Period.range(Period(2024, 1), UNTIL) if app.month.balances(p).rows)
        rows = app.month.balances(first).rows
        credit_of = {(r.account, r.supplier) for r in rows if r.opening < 0}  # a migrated advance, by supplier
        assert credit_of, "the demo town brings no advance: nothing to check"
        owed: dict[tuple[str, str], int] = defaultdict(int)
        for account in app.finance.debts(as_of=first.last_day).accounts:
            for line in account.periods:
                owed[(account.account, line.supplier)] += line.debt
        closing: dict[tuple[str, str], int] = defaultdict(int)
        for r in rows:
            closing[(r.account, r.supplier)] += r.closing - r.penalties
        with_credit = {a for a, _ in credit_of}
        checked = 0
        for (account, supplier), value in closing.items():
            if account not in with_credit:
                continue
            if (account, supplier) in credit_of:  # the advance's own supplier: owes only what it did not cover
                assert owed[(account, supplier)] == max(value, 0), (account, supplier)
            else:  # every other supplier: exactly its balance — the advance paid none of it
                assert owed[(account, supplier)] == value, (account, supplier)
                checked += 1
        assert checked >= 5
    finally:
        app.close()
