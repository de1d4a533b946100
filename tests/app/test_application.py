"""The application object as every face uses it: permissions checked by the use case itself, several databases in
one process, long jobs that stop cleanly when cancelled and finish when run again."""
from __future__ import annotations

import pytest

from bcenter.app import Actor, App, Cancelled, Job, PermissionDenied
from bcenter.core.errors import ConfigError
from bcenter.core.period import Period
from bcenter.modules.registry import month as month_service
from db.connection import close_database, open_database

UNTIL = Period(2025, 10)


def _count(app: App, table: str) -> int:
    return app.db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def _ledger(app: App) -> dict[str, list[tuple]]:
    """What a person sees of the ledger, by house: account, service, period, kind, method, amount — ids left out."""
    out: dict[str, list[tuple]] = {}
    for house, *row in app.db.execute_sql(
            'SELECT h.ext_id, a.number, s.ext_id, e.period, c.kind, c.method, c.volume, c.amount, e.corrects_period, '
            'e.reason FROM "charge_line" c JOIN "journal_entry" e ON e.id = c.entry_id JOIN "account" a ON a.id = e.account_id JOIN "service" s '
            'ON s.id = c.service_id JOIN "account_house" ah ON ah.account_id = a.id JOIN "house" h ON h.id = ah.house_id'):
        out.setdefault(house, []).append(tuple(row))
    return {house: sorted(rows) for house, rows in out.items()}


def _counts(app: App) -> dict[str, int]:
    tables = [r[0] for r in app.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'account_search%'")]
    return {t: _count(app, t) for t in tables}


@pytest.fixture
def town(tmp_path):
    """A 150-account demo town (several houses), history to October 2025, nothing calculated yet."""
    app = App.open(f"sqlite:///{tmp_path / 'town.db'}", create=True)
    app.demo.build(accounts=150, seed=3, until=UNTIL)
    yield app
    app.close()


def _copy(app: App, tmp_path, name: str) -> App:
    target = tmp_path / f"{name}.db"
    app.system.backup(target)
    return App.open(f"sqlite:///{target}")


# --- permissions ----------------------------------------------------------------------------------------------
def test_an_actor_without_the_permission_is_refused_by_the_use_case(town):
    cashier = town.as_actor(Actor("касса-1", "cashier"))
    with pytest.raises(PermissionDenied, match="расчёт месяца"):
        cashier.month.calc(UNTIL)
    assert _count(town, "billing_period") == 0 and _count(town, "charge_line") == 0
    with pytest.raises(PermissionDenied):
        cashier.month.close(UNTIL)
    with pytest.raises(PermissionDenied):
        cashier.demo.build(accounts=10)
    analyst = town.as_actor(Actor("аналитик", "analyst"))
    with pytest.raises(PermissionDenied, match="поиск"):  # names and addresses are personal data
        analyst.registry.search("Заречный")
    assert analyst.system.info().counts["account"] == 150


def test_personal_data_leave_unmasked_only_with_the_right_to_export_them(town, tmp_path):
    operator = town.as_actor(Actor("оператор", "operator"))
    with pytest.raises(PermissionDenied, match="без маскирования"):
        operator.exchange.export_file(tmp_path / "full.json", mask_personal_data=False)
    assert not (tmp_path / "full.json").exists()
    assert operator.exchange.export_file(tmp_path / "masked.json")["accounts"] == 150


def test_what_a_cashier_may_do(town):
    town.month.calc(UNTIL)
    cashier = town.as_actor(Actor("касса-1", "cashier"))
    number = cashier.registry.search("Заречный", limit=1)[0].number
    assert cashier.month.charges(UNTIL, account=number).lines
    assert cashier.finance.debts(as_of=UNTIL.last_day, account=number).as_of == UNTIL.last_day


def test_an_unknown_role_is_a_configuration_error():
    with pytest.raises(ConfigError, match="роль"):
        Actor("x", "superuser")


def test_the_cli_acts_as_the_local_administrator():
    actor = Actor.local_administrator()
    assert actor.role == "administrator" and actor.user.startswith("cli:")


# --- two databases in one process ------------------------------------------------------------------------------
def test_two_applications_on_two_databases_each_see_their_own(town, tmp_path):
    other = App.open(f"sqlite:///{tmp_path / 'other.db'}", create=True)
    default = open_database(f"sqlite:///{tmp_path / 'default.db'}")  # the models' default: must stay empty
    try:
        other.system.init(site_code="S02")
        town.month.calc(UNTIL)
        result = other.month.calc(UNTIL)
        assert result.lines == 0 and _count(other, "charge_line") == 0
        assert _count(town, "charge_line") > 1000
        assert town.system.info().site_code == "S01" and other.system.info().site_code == "S02"
        assert town.month.charges(UNTIL).lines and not other.month.charges(UNTIL).lines
        assert default.execute_sql('SELECT COUNT(*) FROM "billing_period"').fetchone()[0] == 0
    finally:
        other.close()
        close_database()


# --- cancellation ----------------------------------------------------------------------------------------------
def _cancel_after(n: int) -> Job:
    """A job cancelled once ``n`` units are done (a user pressing «Отмена» mid-way)."""
    job = Job(on_advance=lambda _: job.cancel() if job.done >= n else None)
    return job


def test_a_cancelled_calc_leaves_whole_houses_and_a_rerun_finishes(town, tmp_path, monkeypatch):
    monkeypatch.setattr(month_service, "BATCH_LINES", 1)  # a transaction per house: a stop between houses
    reference = _copy(town, tmp_path, "reference")
    try:
        reference.month.calc(UNTIL)
        expected = _ledger(reference)
        with pytest.raises(Cancelled):
            town.month.calc(UNTIL, workers=1, job=_cancel_after(1))
        posted = _ledger(town)
        assert 0 < len(posted) < len(expected)  # stopped part-way …
        assert all(rows == expected[house] for house, rows in posted.items())  # … each house posted whole
        again = town.month.calc(UNTIL, workers=1)
        assert again.failed == () and again.houses_ok == _count(town, "house")
        assert _ledger(town) == expected
        assert town.month.calc(UNTIL, workers=1).lines == 0
    finally:
        reference.close()


def test_a_cancelled_bill_batch_writes_nothing_and_a_rerun_prints(town, tmp_path, monkeypatch):
    from bcenter.modules.bills import batch

    monkeypatch.setattr(batch, "CHUNK_ACCOUNTS", 40)
    town.month.calc(UNTIL)
    out = tmp_path / "bills" / "october.pdf"
    with pytest.raises(Cancelled):
        town.bills.print(UNTIL, out=out, workers=1, job=_cancel_after(1))
    assert not (tmp_path / "bills").exists()  # not the file, not the folder the run made
    result = town.bills.print(UNTIL, out=out, workers=1)
    assert out.exists() and result.printed > 100 and result.pages >= result.printed


def test_a_cancelled_import_writes_nothing(town, tmp_path):
    document = tmp_path / "town.json"
    town.exchange.export_file(document, mask_personal_data=False)
    empty = App.open(f"sqlite:///{tmp_path / 'empty.db'}", create=True)
    try:
        empty.system.init()
        before = _counts(empty)
        with pytest.raises(Cancelled):
            empty.exchange.import_file(document, job=_cancel_after(1))
        assert _counts(empty) == before
        assert empty.exchange.import_file(document).inserted["account"] == 150
    finally:
        empty.close()
