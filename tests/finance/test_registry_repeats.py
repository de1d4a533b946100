"""A line met twice: by the bank's operation number it is one operation; without one it may be a second payment.

DOMAIN.md §5.1 detects duplicates by (date, time, branch, operation no., ЛС, amount):
* the same operation twice in one file is a broken registry: refused whole, naming both lines, nothing written;
* a file without operation numbers (a CSV or DBF with no such column) cannot tell a payer's second payment of the
  same day and amount from a line sent again: twice in one file it is two payments; met in an earlier file it goes
  to the suspense queue as a possible repeat, naming that file and line — neither paid twice nor dropped — and a
  person resolves it to the account (a second payment) or returns it;
* with operation numbers, a line of an earlier file is skipped, as before.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bcenter.cli import cli
from tests.finance import registry_files as files
from tests.finance.registry_files import DAY
from tests.finance.test_registry_import import _numbers
from tests.finance.test_registry_review import _refused


@pytest.fixture
def app(registry_app):  # tests/finance/conftest.py
    return registry_app


def _plain_csv(path, lines):
    """A CSV as a small agent sends it: no operation number column."""
    rows = ["Дата,ЛС,Сумма"] + [f"{day.isoformat()},{account},{amount}" for day, account, amount in lines]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _paid(app, account: str) -> int:
    return sum(p.amount for p in app.payments.list(account=account))


def test_one_operation_twice_in_a_file_is_refused_naming_both_lines(app, tmp_path):
    (a,) = _numbers(app, 1)
    path = files.sber(tmp_path / "twice.txt", [(DAY, a, "50.00", "0.00", "9"), (DAY, a, "70.00", "0.00", "10"),
                                               (DAY, a, "50.00", "0.00", "9")])
    text = _refused(app, path, "sber")
    assert "twice.txt:3:operation" in text and "повторяет строку 1: та же операция № 9" in text


def test_a_line_without_operation_number_twice_in_a_file_is_two_payments(app, tmp_path):
    (a,) = _numbers(app, 1)
    before = _paid(app, a)
    result = app.payments.import_registry(_plain_csv(tmp_path / "p.csv", [(DAY, a, "50.00"), (DAY, a, "50.00")]),
                                          profile="csv")
    assert (result.payments, result.repeats, result.known) == (2, (), 0)
    assert _paid(app, a) - before == 10000


def test_a_line_without_operation_number_met_in_an_earlier_file_waits_in_suspense(app, tmp_path):
    a, b = _numbers(app, 2)
    before = _paid(app, a)
    first = app.payments.import_registry(_plain_csv(tmp_path / "monday.csv", [(DAY, b, "10.00"), (DAY, a, "500.00")]),
                                         profile="csv")
    assert first.payments == 2
    second = app.payments.import_registry(_plain_csv(tmp_path / "tuesday.csv", [(DAY, a, "500.00"), (DAY, b, "7.00")]),
                                          profile="csv")
    assert (second.payments, second.paid, second.known, second.suspense) == (1, 700, 0, 0)
    assert second.repeats == ((2, "файл «monday.csv», строка 3"),) and second.repeats_total == 50000
    assert _paid(app, a) - before == 50000  # not paid twice …
    (waiting,) = app.payments.suspense()  # … and not dropped
    assert (waiting.amount, waiting.line_no, waiting.registry) == (50000, 2, "tuesday.csv")
    assert "возможно, повтор" in waiting.reason and "«monday.csv», строка 3" in waiting.reason
    # the statement shows two payments of 500: the operator resolves it to the account
    app.payments.resolve(waiting.id, account=a, reason="выписка: два платежа по 500")
    assert _paid(app, a) - before == 100000
    # a third file with the same line is again a possible repeat, not a clash with the resolved one
    wednesday = _plain_csv(tmp_path / "wednesday.csv", [(DAY, a, "500.00")])
    assert "тот же реестр" in _refused(app, wednesday, "csv")  # its only line repeats: the same file again?
    third = app.payments.import_registry(wednesday, profile="csv", repeats=True)  # the operator says: new, check
    assert (third.payments, len(third.repeats)) == (0, 1)
    (again,) = app.payments.suspense()
    app.payments.return_(again.id, reason="повтор строки 3 файла monday.csv")
    assert app.payments.suspense() == [] and _paid(app, a) - before == 100000


def test_with_operation_numbers_a_line_of_an_earlier_file_is_skipped(app, tmp_path):
    a, b = _numbers(app, 2)
    files.csv(tmp_path / "one.csv", [(DAY, a, "500.00")])
    app.payments.import_registry(tmp_path / "one.csv", profile="csv")
    result = app.payments.import_registry(files.csv(tmp_path / "two.csv", [(DAY, a, "500.00"), (DAY, b, "1.00")]),
                                          profile="csv")
    assert (result.payments, result.known, result.repeats) == (1, 1, ())
    assert app.payments.suspense() == []


def test_the_cli_names_the_possible_repeats_and_what_to_do(app, tmp_path):
    (a,) = _numbers(app, 1)
    app.payments.import_registry(_plain_csv(tmp_path / "monday.csv", [(DAY, a, "500.00")]), profile="csv")
    path = _plain_csv(tmp_path / "tuesday.csv", [(DAY, a, "500.00"), (DAY, a, "1.00")])
    url = str(app.db.database)
    out = CliRunner().invoke(cli, ["--db", f"sqlite:///{url}", "payments", "import", str(path), "--profile", "csv",
                                   "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "возможные повторы (нет номера операции; в невыясненные): 1 на 500,00" in out.output
    assert "строка 2: такой же платёж уже загружен (файл «monday.csv», строка 2)" in out.output
    assert "bcenter payments return НОМЕР" in out.output
    out = CliRunner().invoke(cli, ["--db", f"sqlite:///{url}", "payments", "import", str(path), "--profile", "csv",
                                   "--json"])
    data = json.loads(out.output)
    assert data["repeats"] == [{"line": 2, "before": "файл «monday.csv», строка 2"}]
    assert data["repeats_total"] == "500.00" and data["payments"] == 1


def test_a_repeat_settled_either_way_counts_and_a_later_file_pays_nothing_twice(app, tmp_path):
    """Monday's file has A 500, Tuesday's A 500 — resolved as a real second payment (the statement shows two); the
    month's file lists both again: both are possible repeats, neither paid a third time. Then a day with three."""
    (a,) = _numbers(app, 1)
    before = _paid(app, a)
    app.payments.import_registry(_plain_csv(tmp_path / "monday.csv", [(DAY, a, "500.00")]), profile="csv")
    app.payments.import_registry(_plain_csv(tmp_path / "tuesday.csv", [(DAY, a, "500.00"), (DAY, a, "2.00")]),
                                 profile="csv")
    (waiting,) = app.payments.suspense()
    app.payments.resolve(waiting.id, account=a)
    path = _plain_csv(tmp_path / "month.csv", [(DAY, a, "500.00"), (DAY, a, "500.00")])
    assert "«monday.csv», файл «tuesday.csv»; номеров операций" in _refused(app, path, "csv")
    month = app.payments.import_registry(path, profile="csv", repeats=True)
    assert (month.payments, [n for n, _ in month.repeats]) == (0, [2, 3])
    assert [where for _, where in month.repeats] == ["файл «monday.csv», строка 2", "файл «tuesday.csv», строка 2"]
    assert _paid(app, a) - before == 100200
    for line in app.payments.suspense():  # the month's file repeated them: returned
        app.payments.return_(line.id, reason="повтор: сводный реестр месяца")
    # three of that kind in a later file: the returned lines still count, so all three wait for a person
    three = app.payments.import_registry(
        _plain_csv(tmp_path / "three.csv", [(DAY, a, "500.00")] * 3 + [(DAY, a, "1.00")]), profile="csv")
    assert (three.payments, len(three.repeats)) == (1, 3) and _paid(app, a) - before == 100300


def test_a_file_whose_every_line_was_loaded_before_is_refused_as_the_same_registry(app, tmp_path):
    """A CSV saved again by a spreadsheet has new bytes, so it is not «the same file»; without operation numbers every
    line of it became a possible repeat in the suspense queue, to be returned one by one. Every line repeating lines
    loaded before is the same registry sent again: refused whole, naming the earlier file — the CLI says how to load
    it when the bank statement shows new payments."""
    a, b = _numbers(app, 2)
    lines = [(DAY, a, "500.00"), (DAY, b, "10.00")]
    app.payments.import_registry(_plain_csv(tmp_path / "monday.csv", lines), profile="csv")
    resaved = tmp_path / "monday (2).csv"
    resaved.write_bytes((tmp_path / "monday.csv").read_bytes().replace(b"\n", b"\r\n"))
    paid = _paid(app, a)
    text = _refused(app, resaved, "csv")
    assert "все строки файла (2) — те же платежи" in text and "«monday.csv»" in text, text
    assert _paid(app, a) == paid and app.payments.suspense() == []
    url = f"sqlite:///{app.db.database}"
    out = CliRunner().invoke(cli, ["--db", url, "payments", "import", str(resaved), "--profile", "csv", "--dry-run"])
    assert out.exit_code != 0 and "--repeats" in str(out.exception), out.output
    out = CliRunner().invoke(cli, ["--db", url, "payments", "import", str(resaved), "--profile", "csv", "--repeats"])
    assert out.exit_code == 0 and "возможные повторы (нет номера операции; в невыясненные): 2" in out.output
    assert len(app.payments.suspense()) == 2 and _paid(app, a) == paid


def test_a_dbf_whose_operation_numbers_are_zeros_has_none(app, tmp_path):
    """A post office's DBF that fills NDOC with «0»: two equal lines are two payments, not one operation twice."""
    (a,) = _numbers(app, 1)
    path = files.dbf(tmp_path / "z.dbf", [(DAY, a, "100.00"), (DAY, a, "100.00")])
    data = bytearray(path.read_bytes())
    for n in (1, 2):  # NDOC holds the record's number: made «0» in both
        data = data.replace(str(n).encode().ljust(10) + (b" " if n == 1 else b"\x1a"),
                            b"0".ljust(10) + (b" " if n == 1 else b"\x1a"))
    path.write_bytes(bytes(data))
    result = app.payments.import_registry(path, profile="dbf")
    assert (result.payments, result.paid) == (2, 20000)
