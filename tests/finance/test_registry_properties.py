"""Properties of loading registries (hypothesis): whatever files come, in whatever order and overlap, every distinct
operation of them is money once — a payment or a suspense line — and the money adds up to the kopeck; without
operation numbers every line of every file loaded is money — a payment, or a suspense line (an unknown account, or a
possible repeat of an earlier file's line) — and none is paid twice."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.errors import ValidationFailed
from bcenter.core.period import Period
from tests.finance import registry_files as files
from tests.finance.registry_files import DAY

TODAY = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("props") / "town.db"
    app = App.open(f"sqlite:///{path}", create=True)
    app.demo.build(accounts=6, seed=9, until=Period(2026, 10))
    numbers = [r[0] for r in app.db.execute_sql('SELECT number FROM "account" ORDER BY number')]
    app.close()
    return path, numbers


@contextmanager
def _copy_of(town, tmp_path_factory):
    """A copy of the town opened with the clock of the tests, its folder for files, and the payments' sum before."""
    work = tmp_path_factory.mktemp("run")
    copy = work / "town.db"
    copy.write_bytes(town[0].read_bytes())
    app = App.open(f"sqlite:///{copy}", clock=FixedClock(TODAY))
    try:
        yield app, work, app.db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "payment"').fetchone()[0]
    finally:
        app.close()


# a line: (operation number, account index or None for an unknown account, kopecks)
LINES = st.lists(st.tuples(st.integers(1, 4), st.one_of(st.none(), st.integers(0, 2)),
                           st.sampled_from([1, 100, 250_00, 9_999_999_99])),
                 min_size=1, max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=4))
def test_every_distinct_line_is_money_once(town, tmp_path_factory, batches):
    numbers = town[1]
    with _copy_of(town, tmp_path_factory) as (app, work, before):
        expected: dict[str, int] = {}
        for n, batch in enumerate(batches):
            lines, keys = [], []
            for operation, who, kop in batch:
                account = "0000000000" if who is None else numbers[who]
                rub = f"{kop // 100}.{kop % 100:02d}"
                lines.append((DAY, account, rub, "0.00", f"{operation:06d}"))
                keys.append((operation, account, kop))
            registry = files.sber(work / f"{n}.txt", lines, order=str(n))
            try:
                app.payments.import_registry(registry, profile="sber")
            except ValidationFailed as refused:  # the very same bytes as an earlier file, or one operation twice
                assert "уже загружен" in str(refused) or len(set(keys)) < len(keys), refused
                assert "повторяет строку" in str(refused) or len(set(keys)) == len(keys), refused
                continue
            assert len(set(keys)) == len(keys)  # one operation twice in a file is refused
            for key in keys:  # a line of an earlier file: the same operation, skipped
                expected[key] = key[2]
        paid = app.db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "payment"').fetchone()[0] - before
        waiting = app.db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "suspense_payment"').fetchone()[0]
        assert paid + waiting == sum(expected.values())
        unknown = sum(v for (op, account, kop), v in expected.items() if account == "0000000000")
        assert waiting == unknown


PLAIN = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 2)), st.sampled_from([1, 250_00, 9_999_999_99])),
                 min_size=1, max_size=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PLAIN, min_size=1, max_size=4))
def test_without_operation_numbers_every_line_is_money_and_none_is_paid_twice(town, tmp_path_factory, batches):
    numbers = town[1]
    with _copy_of(town, tmp_path_factory) as (app, work, before):
        loaded: dict[tuple, int] = {}  # (account, kop): how many lines of that kind were loaded, in any file
        paid_expected = waiting_expected = 0
        contents: set[bytes] = set()
        for n, batch in enumerate(batches):
            rows = ["Дата,ЛС,Сумма"]
            for who, kop in batch:
                rows.append(f"{DAY.isoformat()},{'0000000000' if who is None else numbers[who]},"
                            f"{kop // 100}.{kop % 100:02d}")
            data = ("\n".join(rows) + "\n").encode("utf-8")
            registry = work / f"{n}.csv"
            registry.write_bytes(data)
            if data in contents:
                with pytest.raises(ValidationFailed, match="уже загружен"):
                    app.payments.import_registry(registry, profile="csv")
                continue
            contents.add(data)
            seen: dict[tuple, int] = {}
            repeats = 0
            for who, kop in batch:  # the first c of a kind loaded c times before may repeat them: a person decides
                seen[(who, kop)] = k = seen.get((who, kop), 0) + 1
                if k <= loaded.get((who, kop), 0):
                    repeats += 1
                    waiting_expected += kop
                elif who is None:
                    waiting_expected += kop
                else:
                    paid_expected += kop
            if repeats == len(batch):  # every line repeats: the same registry again — refused, unless said new
                with pytest.raises(ValidationFailed, match="те же платежи"):
                    app.payments.import_registry(registry, profile="csv")
            result = app.payments.import_registry(registry, profile="csv", repeats=repeats == len(batch))
            for kind, count in seen.items():
                loaded[kind] = loaded.get(kind, 0) + count
            assert len(result.repeats) == repeats and result.known == 0
        paid = app.db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "payment"').fetchone()[0] - before
        waiting = app.db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "suspense_payment"').fetchone()[0]
        assert (paid, waiting) == (paid_expected, waiting_expected)
