"""Settlements with suppliers (issue 12 item 3): what was collected for each supplier, the agents' commission, the
settlement centre's fee, transfers and what is still owed, the next-working-day rule of 103-ФЗ / ПП 253 п. 6, and
the reconciliation of the money — on the demo town through ``bcenter.app`` and the command line."""
from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from bcenter.cli import main
from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import BcenterError
from bcenter.core.period import Period
from bcenter.modules.finance.settlements import settle_supplier
from tests.finance.towns import OPEN, demo_town, open_town



@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("settlements") / "town.db"
    demo_town(path, accounts=30, seed=4).close()
    return path


@pytest.fixture
def app(town_file, tmp_path):
    path = tmp_path / "town.db"
    shutil.copy(town_file, path)
    app = open_town(path)
    yield app
    app.close()


def test_collected_is_what_the_balances_count_as_paid_and_the_money_reconciles(app):
    as_of = (OPEN - 1).last_day  # the last closed month's end
    report = app.finance.settlements(as_of=as_of)
    assert report.reconciled
    paid = sum(r.paid for p in Period.range(Period(2025, 1), OPEN) for r in app.month.balances(p).rows)
    assert sum(s.collected for s in report.suppliers) == paid > 0
    received = sum(p.amount for p in app.payments.list(limit=10 ** 6) if p.paid_on <= as_of)
    assert report.received == received
    assert report.commission == sum(p.commission or 0 for p in app.payments.list(limit=10 ** 6) if p.paid_on <= as_of)
    for s in report.suppliers:
        assert s.owed == s.collected - s.commission - s.fee - s.transferred
    assert {s.supplier for s in report.suppliers if s.agent} == {"vodokanal", "teploset", "energosbyt", "tko", "fkr"}
    uk = next(s for s in report.suppliers if s.supplier == "uk")
    assert uk.fee == (uk.collected * 2 + 50) // 100  # 2 %, rounded half up once on the total


def test_a_transfer_lowers_what_is_owed_and_its_storno_restores_it(app):
    as_of = date(2026, 11, 30)
    before = {s.supplier: s for s in app.finance.settlements(as_of=as_of).suppliers}
    transfer = app.finance.add_transfer(supplier="vodokanal", amount=1_000_00, day=date(2026, 11, 2),
                                        order_number="512")
    after = {s.supplier: s for s in app.finance.settlements(as_of=as_of).suppliers}
    assert after["vodokanal"].owed == before["vodokanal"].owed - 1_000_00
    assert after["vodokanal"].transferred == before["vodokanal"].transferred + 1_000_00
    assert after["teploset"] == before["teploset"]
    app.finance.storno_transfer(transfer, reason="не тот поставщик")
    again = {s.supplier: s for s in app.finance.settlements(as_of=as_of).suppliers}
    assert again["vodokanal"].owed == before["vodokanal"].owed
    assert [t.amount for t in app.finance.transfers(supplier="vodokanal")] == [1_000_00, -1_000_00]
    with pytest.raises(BcenterError, match="уже сторнировано"):
        app.finance.storno_transfer(transfer, reason="ещё раз")


@pytest.mark.parametrize("kwargs, message", [
    (dict(supplier="vodokanal", amount=100, day=date(2026, 12, 6)),
     r"будущим днём \(06\.12\.2026; сегодня 05\.12\.2026\)"),
    (dict(supplier="vodokanal", amount=0, day=date(2026, 12, 1)), "больше нуля"),
    (dict(supplier="gorgaz", amount=100, day=date(2026, 12, 1)), "поставщика «gorgaz» нет"),
])
def test_a_wrong_transfer_is_refused_and_nothing_is_written(app, kwargs, message):
    with pytest.raises(BcenterError, match=message):
        app.finance.add_transfer(**kwargs)
    assert app.finance.transfers() == []


def test_transfers_of_an_unknown_supplier_are_refused_not_said_to_be_none(app):
    """A typo in the code is not «no transfers»: the accountant would take it that none were made."""
    app.finance.add_transfer(supplier="vodokanal", amount=100_00, day=date(2026, 11, 2))
    with pytest.raises(BcenterError, match="поставщика «vodokanl» нет в справочнике"):
        app.finance.transfers(supplier="vodokanl")
    assert [t.amount for t in app.finance.transfers(supplier="vodokanal")] == [100_00]


@pytest.mark.parametrize("kwargs, message", [
    (dict(supplier="uk", number="РЦ-01"), "уже есть"),
    (dict(supplier="uk", number="Н-1", fee_percent="сто"), "не число"),
    (dict(supplier="uk", number="Н-1", fee_percent="120"), "от 0 до 100"),
    (dict(supplier="uk", number="Н-1", services=["cold_water"]), "не поставщика «uk»"),
    (dict(supplier="uk", number="Н-1", valid_to=date(2025, 1, 1)),
     r"договор кончается \(01\.01\.2025\) не позже, чем начинается \(01\.01\.2026\)"),
])
def test_a_wrong_contract_is_refused(app, kwargs, message):
    before = app.finance.contracts()
    with pytest.raises(BcenterError, match=message):
        app.finance.add_contract(**{"signed_on": date(2026, 1, 1), "valid_from": date(2026, 1, 1), **kwargs})
    assert app.finance.contracts() == before


CALENDAR = WorkCalendar()  # Saturdays and Sundays off
FRIDAY, MONDAY, TUESDAY = date(2026, 11, 13), date(2026, 11, 16), date(2026, 11, 17)


@pytest.mark.parametrize("transfers, as_of, late, overdue", [
    ([(MONDAY, 99000)], date(2026, 11, 20), None, 0),  # Friday's money on Monday: in time
    ([(TUESDAY, 99000)], date(2026, 11, 20), MONDAY, 0),  # a day late; paid since
    ([(MONDAY, 50000)], date(2026, 11, 20), MONDAY, 49000),  # half of it
    ([], MONDAY, None, 0),  # the deadline is today: not late yet
    ([], TUESDAY, MONDAY, 99000),
])
def test_money_of_a_day_is_owed_by_the_next_working_day(transfers, as_of, late, overdue):
    """103-ФЗ, ПП 253 п. 6: 1 000.00 collected on Friday, 1 % fee, 0 commission: 990.00 due on Monday."""
    s = settle_supplier(("vodokanal", "Водоканал"), ("РЦ-02", True, "1"), {FRIDAY: [100000, 0]}, transfers,
                        as_of=as_of, calendar=CALENDAR)
    assert (s.fee, s.first_late, s.overdue) == (1000, late, overdue)
    assert s.owed == 99000 - sum(t for _, t in transfers)


def test_no_deadline_without_an_agent_contract():
    s = settle_supplier(("uk", "УК"), ("РЦ-01", False, "2"), {FRIDAY: [100000, 500]}, [], as_of=date(2026, 12, 1),
                        calendar=CALENDAR)
    assert (s.first_late, s.overdue, s.commission, s.fee, s.owed) == (None, 0, 500, 2000, 97500)


def test_the_command_line(app, capsys):
    url = app.url
    assert main(["--db", url, "transfers", "add", "--supplier", "teploset", "--amount", "12 500,00",
                 "--date", "2026-11-03", "--order", "77"]) == 0
    assert main(["--db", url, "settlements", "--date", "2026-11-30", "--json"]) == 0
    out = capsys.readouterr().out
    data = json.loads(out[out.index("{"):])
    assert data["reconciled"] is True
    teploset = next(s for s in data["suppliers"] if s["supplier"] == "teploset")
    assert teploset["transferred"] == "12500.00" and teploset["first_late"] is not None
    assert main(["--db", url, "settlements", "--date", "2026-11-30"]) == 0
    text = capsys.readouterr().out
    assert "просрочено перечисление" in text and "АО «Заречная теплосеть»" in text
    assert main(["--db", url, "transfers", "add", "--supplier", "teploset", "--amount", "1.005",
                 "--date", "2026-11-03"]) == 2
    assert "не сумма в рублях" in capsys.readouterr().err



def test_a_round_fee_is_kept_as_written(app):
    app.finance.add_contract(supplier="uk", number="Н-10", signed_on=date(2026, 12, 1), valid_from=date(2026, 12, 1),
                             fee_percent="10")
    assert {c.number: c.fee_percent for c in app.finance.contracts()}["Н-10"] == "10"



def test_money_paid_ahead_is_the_supplier_s_from_its_month():
    """A payment of 2 October to September's bill is the supplier's that day; to October's own lines (paid before
    they are billed) from 31 October; to December's (an advance taken later) from 31 December."""
    from bcenter.modules.finance.settlements import collected_on

    day = date(2026, 10, 2)
    assert collected_on(day, Period(2026, 9)) == day
    assert collected_on(day, Period(2026, 10)) == date(2026, 10, 31)
    assert collected_on(day, Period(2026, 12)) == date(2026, 12, 31)
    s = settle_supplier(("vodokanal", "Водоканал"), ("РЦ-02", True, "0"),
                        {collected_on(day, Period(2026, 10)): [100000, 0]}, [], as_of=date(2026, 10, 31),
                        calendar=CALENDAR)
    assert (s.first_late, s.overdue) == (None, 0)


def test_money_paid_ahead_is_not_the_supplier_s_before_its_month_ends(app, tmp_path):
    """A payment of 5 October naming October's bill (the month calculated, not over): as of 15 October its money is
    no supplier's yet — an advance — and becomes theirs on 31 October (``collected_on``), whenever the report is run."""
    from tests.finance.registry_files import sber

    owed: dict[str, list[int]] = {}
    for r in app.month.balances(OPEN).rows:
        sums = owed.setdefault(r.account, [0, 0])
        sums[0], sums[1] = sums[0] + r.charged, sums[1] + r.closing
    number = min(n for n, (charged, closing) in owed.items() if closing >= charged > 50_000)  # owes October whole
    mid, end = date(2026, 10, 15), OPEN.last_day
    before_mid, before_end = app.finance.settlements(as_of=mid), app.finance.settlements(as_of=end)
    app.payments.import_registry(sber(tmp_path / "ahead.txt", [(date(2026, 10, 5), number, "500.00", "5.00")],
                                      period="1026"), profile="sber")
    after_mid, after_end = app.finance.settlements(as_of=mid), app.finance.settlements(as_of=end)
    collected = {s.supplier: s.collected for s in before_mid.suppliers}
    assert {s.supplier: s.collected for s in after_mid.suppliers} == collected
    assert after_mid.advances == before_mid.advances + 500_00 and after_mid.reconciled
    assert after_mid.advance_commission == before_mid.advance_commission + 5_00
    assert sum(s.collected for s in after_end.suppliers) == sum(s.collected for s in before_end.suppliers) + 500_00
