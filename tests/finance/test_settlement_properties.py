"""Property (hypothesis, issue 12): after any sequence of registry imports, payment storno, transfers and a close,
the money reconciles to the kopeck — what the accounts' balances count as paid is what the suppliers collected, and
received − commission − transferred is what is owed to suppliers, their fees and the advances not taken yet."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bcenter.core.period import Period
from tests.finance.registry_files import sber
from tests.finance.towns import OPEN, demo_town, open_town

SUPPLIERS = ("uk", "vodokanal", "teploset", "energosbyt", "tko", "fkr")


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("reconcile") / "town.db"
    app = demo_town(path, accounts=20, seed=9)
    try:
        numbers = sorted({r.account for r in app.month.balances(OPEN - 1).rows})
    finally:
        app.close()
    return path, numbers


line = st.tuples(st.integers(min_value=0, max_value=25),  # an account's place (past the end: unknown account)
                 st.integers(min_value=1, max_value=400_000),  # kopecks
                 st.integers(min_value=0, max_value=34),  # days after 1 November
                 st.booleans())  # the registry names October's bill
operation = st.one_of(
    st.tuples(st.just("import"), st.lists(line, min_size=1, max_size=4)),
    st.tuples(st.just("storno"), st.integers(min_value=0, max_value=10 ** 6)),
    st.tuples(st.just("transfer"), st.sampled_from(SUPPLIERS), st.integers(min_value=1, max_value=500_000),
              st.integers(min_value=0, max_value=34)),
    st.tuples(st.just("close")),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=1, max_size=5))
def test_the_money_reconciles_after_any_sequence(town_file, tmp_path_factory, operations):
    source, numbers = town_file
    path = tmp_path_factory.mktemp("run") / "town.db"
    shutil.copy(source, path)
    app = open_town(path)
    try:
        for n, op in enumerate(operations):
            if op[0] == "import":
                rows = [(date(2026, 11, 1).fromordinal(date(2026, 11, 1).toordinal() + days),
                         numbers[place] if place < len(numbers) else f"99{place:08d}",
                         f"{kop // 100}.{kop % 100:02d}", "0.00", f"{n}{i:05d}")
                        for i, (place, kop, days, _named) in enumerate(op[1])]
                named = any(x[3] for x in op[1])
                app.payments.import_registry(sber(path.parent / f"r{n}.txt", rows, order=str(n),
                                                  period="1026" if named else "1126"), profile="sber")
            elif op[0] == "storno":
                live = [p for p in app.payments.list(limit=10 ** 6) if p.amount > 0 and p.storno_of is None]
                reversed_ = {p.storno_of for p in app.payments.list(limit=10 ** 6) if p.storno_of}
                live = [p for p in live if p.id not in reversed_]
                if live:
                    app.payments.storno(live[op[1] % len(live)].id, reason="проверка")
            elif op[0] == "transfer":
                app.finance.add_transfer(supplier=op[1], amount=op[2],
                                         day=date(2026, 11, 1).fromordinal(date(2026, 11, 1).toordinal() + op[3]))
            elif op[0] == "close" and not app.month.balances(OPEN).closed:
                app.month.close(OPEN, workers=1)
        open_month = OPEN if not app.month.balances(OPEN).closed else OPEN + 1
        as_of = open_month.last_day
        report = app.finance.settlements(as_of=as_of)
        assert report.reconciled, report
        paid = sum(r.paid for p in Period.range(Period(2025, 1), open_month + 1) for r in app.month.balances(p).rows)
        assert sum(s.collected for s in report.suppliers) == paid
        payments = app.payments.list(limit=10 ** 6)
        reversed_ = {p.storno_of for p in payments if p.storno_of}
        assert report.received == sum(p.amount for p in payments
                                      if p.paid_on <= as_of and p.storno_of is None and p.id not in reversed_)
        assert report.transferred == sum(t.amount for t in app.finance.transfers() if t.day <= as_of)
        assert report.suspense == sum(s.amount for s in app.payments.suspense() if s.paid_on <= as_of)
    finally:
        app.close()
