"""Bank registries through the application: payments to the accounts they name, unknown accounts to the suspense
queue, a file with any problem refused whole with its line numbers and the database unchanged, nothing loaded
twice — and the same through the CLI."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.errors import UsageError, ValidationFailed
from bcenter.core.period import Period
from tests.finance import registry_files as files
from tests.finance.registry_files import DAY

TODAY = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)


@pytest.fixture
def app(registry_app):  # tests/finance/conftest.py
    return registry_app


def _numbers(app: App, n: int) -> list[str]:
    return [r[0] for r in app.db.execute_sql(f'SELECT number FROM "account" ORDER BY number LIMIT {int(n)}')]


def _state(app: App) -> tuple:
    return tuple(app.db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                 for t in ("payment", "suspense_payment", "bank_registry", "outbox", "audit_log"))


def test_a_sber_registry_pays_the_accounts_and_keeps_the_unknown_one_in_suspense(app, tmp_path):
    a, b = _numbers(app, 2)
    path = files.sber(tmp_path / "s.txt", [(DAY, a, "2500.00", "20.00"), (DAY, b, "1 000,50", "10,00"),
                                           (DAY, "9999999999", "300.00", "3.00")])
    before = app.payments.list(account=a)
    result = app.payments.import_registry(path, profile="sber")
    assert (result.lines, result.payments, result.paid, result.suspense, result.suspense_total) == \
        (3, 2, 350050, 1, 30000)
    assert (result.transfer, result.commission, result.order_number) == (376750, 3300, "777")
    paid = app.payments.list(account=a)
    assert len(paid) == len(before) + 1
    new = paid[0]
    assert (new.amount, new.paid_on, new.period, new.channel, new.agent, new.registry) == \
        (250000, DAY, "2026-11", "bank", "Сбербанк", "s.txt")
    assert new.commission == 2000
    (waiting,) = app.payments.suspense()
    assert (waiting.account_number, waiting.amount, waiting.line_no, waiting.registry) == \
        ("9999999999", 30000, 3, "s.txt")
    assert "не найден" in waiting.reason and "9999999999" in waiting.raw


def test_the_same_file_again_is_refused_and_an_overlapping_file_adds_only_its_new_lines(app, tmp_path):
    a, b, c = _numbers(app, 3)
    first = files.sber(tmp_path / "1.txt", [(DAY, a, "100.00", "0.00", "1"), (DAY, "777", "5.00", "0.00", "2")])
    app.payments.import_registry(first, profile="sber")
    state = _state(app)
    with pytest.raises(ValidationFailed, match="уже загружен"):
        app.payments.import_registry(first, profile="sber")
    assert _state(app) == state
    overlapping = files.sber(tmp_path / "2.txt", [(DAY, a, "100.00", "0.00", "1"), (DAY, "777", "5.00", "0.00", "2"),
                                                  (DAY, b, "200.00", "0.00", "3")], order="778")
    result = app.payments.import_registry(overlapping, profile="sber")
    assert (result.known, result.known_total, result.payments, result.suspense) == (2, 10500, 1, 0)
    assert len(app.payments.suspense()) == 1


@pytest.mark.parametrize("case, change, where, reason", [
    ("footer total", lambda p: p.replace(b"=2;300.00", b"=2;300.01"), "x.txt:3:amount",
     "итог «сумма» 300,01\u00a0₽, а сумма строк 300,00\u00a0₽ (расхождение \u22120,01\u00a0₽)"),
    ("footer count", lambda p: p.replace(b"=2;", b"=3;"), "x.txt:3:count", "в итоговой строке 3 платежей, в реестре 2"),
    ("broken line", lambda p: p.replace(b";1126;200.00;200.00;0.00", b""), "x.txt:2", "ожидается не меньше 12 полей"),
    ("amount", lambda p: p.replace(b"200.00;200.00", b"2O0.00;200.00"), "x.txt:2:amount", "не сумма"),
    ("three decimals", lambda p: p.replace(b"200.00;200.00", b"200.005;200.00"), "x.txt:2:amount", "двух знаков"),
    ("negative", lambda p: p.replace(b"200.00;200.00;0.00", b"-200.00;-200.00;0.00").replace(b"=2;300.00;300.00",
                                                                                           b"=2;-100.00;-100.00"),
     "x.txt:2:amount", "больше нуля"),
    ("future", lambda p: p.replace(b"04-12-2026;10-02", b"06-12-2026;10-02"), "x.txt:2:date", "позже сегодняшней"),
    ("date", lambda p: p.replace(b"04-12-2026;10-02", b"31-11-2026;10-02"), "x.txt:2:date", "не дата в формате ДД-ММ-ГГГГ"),
    ("no footer", lambda p: p[:p.index(b"=")], "x.txt:2", "нет итоговой строки"),
    ("line after footer", lambda p: p + p.splitlines()[0] + b"\r\n", "x.txt:4", "после итоговой строки"),
    ("encoding", lambda p: p.replace("ИВАНОВА".encode("cp1251"), "ИВАНОВА".encode("utf-8")), "x.txt:1",
     "не в кодировке cp1251"),
])
def test_a_bad_registry_is_refused_whole_with_the_line_and_nothing_written(app, tmp_path, case, change, where, reason):
    a, b = _numbers(app, 2)
    path = files.sber(tmp_path / "x.txt", [(DAY, a, "100.00", "0.00"), (DAY, b, "200.00", "0.00")])
    path.write_bytes(change(path.read_bytes()))
    state = _state(app)
    with pytest.raises(ValidationFailed) as refused:
        app.payments.import_registry(path, profile="sber")
    problems = {str(p.path): p.reason for p in refused.value.problems}
    assert where in problems, problems
    assert reason in problems[where]
    assert _state(app) == state


def test_a_dry_run_tells_what_would_happen_and_writes_nothing(app, tmp_path):
    a, _ = _numbers(app, 2)
    path = files.sber(tmp_path / "d.txt", [(DAY, a, "100.00", "1.00"), (DAY, "nope", "5.00", "0.00")])
    state = _state(app)
    result = app.payments.import_registry(path, profile="sber", dry_run=True)
    assert (result.dry_run, result.payments, result.suspense, result.registry_id) == (True, 1, 1, None)
    assert _state(app) == state
    assert app.payments.import_registry(path, profile="sber").payments == 1  # the dry run did not mark it loaded


def test_tagged_csv_and_dbf_profiles(app, tmp_path):
    a, b, c = _numbers(app, 3)
    tagged = app.payments.import_registry(files.tagged(tmp_path / "t.txt", [(DAY, a, "150.25", {1: "123.4"})]),
                                          profile="sber_tagged")
    assert (tagged.payments, tagged.paid) == (1, 15025)
    csv = app.payments.import_registry(files.csv(tmp_path / "p.csv", [(DAY, b, "99.99")]), profile="csv")
    assert (csv.payments, csv.paid) == (1, 9999)
    dbf = app.payments.import_registry(files.dbf(tmp_path / "p.dbf", [(DAY, c, "12.30"), (DAY, "0", "1.00")]),
                                       profile="dbf")
    assert (dbf.payments, dbf.paid, dbf.suspense) == (1, 1230, 1)
    assert app.payments.list(account=c)[0].paid_on == DAY


def test_an_unknown_profile_or_a_csv_without_the_account_column_is_named(app, tmp_path):
    with pytest.raises(UsageError, match="нет профиля реестра «vtb»"):
        app.payments.import_registry(tmp_path / "x", profile="vtb")
    path = tmp_path / "p.csv"
    path.write_text("Дата,Счёт,Сумма\n2026-12-04,1,1.00\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="p.csv:1: в заголовке нет столбца «ЛС»"):
        app.payments.import_registry(path, profile="csv")


def test_a_suspense_payment_resolved_to_an_account_or_returned(app, tmp_path):
    a, _ = _numbers(app, 2)
    path = files.sber(tmp_path / "s.txt", [(DAY, "1-typo", "300.00", "0.00"), (DAY, "2-typo", "40.00", "0.00")])
    app.payments.import_registry(path, profile="sber")
    first, second = app.payments.suspense()
    payment = app.payments.resolve(first.id, account=a, reason="заявление плательщика").payment
    assert app.payments.list(account=a)[0].id == payment
    with pytest.raises(UsageError, match="уже отнесён"):
        app.payments.resolve(first.id, account=a)
    app.payments.return_(second.id, reason="счёт не наш, возврат в банк")
    assert app.payments.suspense() == []
    done = {r.id: r for r in app.payments.suspense(open_only=False)}
    assert done[first.id].resolved_to == a and done[second.id].returned == "счёт не наш, возврат в банк"
    again = files.sber(tmp_path / "again.txt", [(DAY, "1-typo", "300.00", "0.00")], order="9")
    assert app.payments.import_registry(again, profile="sber").known == 1  # the resolved line is not loaded again
    audit = [r[0] for r in app.db.execute_sql('SELECT action FROM "audit_log"')]
    assert "finance.suspense.resolve" in " ".join(audit) and "finance.suspense.return" in " ".join(audit)


def test_a_suspense_line_resolved_keeps_its_commission_and_named_period(app, tmp_path):
    """The bank kept its commission of the line whatever account it was typed with (DOMAIN.md §5.2: the supplier
    bears it), and the payer named the month (ст. 319.1 ГК): the payment made of the line has both, as a line paid
    straight away would — else the registry of payments says the bank kept less than its footer, and the supplier is
    owed the commission the bank never sent."""
    (a,) = _numbers(app, 1)
    path = files.sber(tmp_path / "s.txt", [(DAY, "1-typo", "300.00", "3.00")], period="1026")
    app.payments.import_registry(path, profile="sber")
    (waiting,) = app.payments.suspense()
    payment = app.payments.resolve(waiting.id, account=a).payment
    (row,) = [p for p in app.payments.list(account=a) if p.id == payment]
    assert (row.amount, row.commission, row.period) == (30000, 300, "2026-10")


def test_a_suspense_line_of_a_csv_with_a_header_keeps_its_commission_and_named_period(app, tmp_path):
    """The same for a registry whose columns are named in a header row (and a DBF): the line alone does not say
    which field is the commission, so the import keeps both with the suspense line (step 37)."""
    (a,) = _numbers(app, 1)
    path = tmp_path / "agent.csv"
    path.write_text("Дата,ЛС,Сумма,Период,Номер операции,ФИО,Комиссия\n"
                    f"{DAY.isoformat()},1-typo,300.00,2026-10,17,Иванов,3.00\n", encoding="utf-8")
    app.payments.import_registry(path, profile="csv")
    (waiting,) = app.payments.suspense()
    payment = app.payments.resolve(waiting.id, account=a).payment
    (row,) = [p for p in app.payments.list(account=a) if p.id == payment]
    assert (row.amount, row.commission, row.period) == (30000, 300, "2026-10")


def test_the_cli_imports_lists_and_resolves(app, tmp_path):
    from click.testing import CliRunner

    from bcenter.cli import cli

    a, _ = _numbers(app, 2)
    url = app.url
    app.close()
    path = files.sber(tmp_path / "c.txt", [(date(2026, 11, 30), a, "10.00", "0.00"),
                                           (date(2026, 11, 30), "нет-такого", "1.00", "0.00")])
    run = CliRunner().invoke
    shown = run(cli, ["--db", url, "payments", "import", str(path), "--profile", "sber", "--dry-run"])
    assert shown.exit_code == 0 and "ничего не записано" in shown.output and "нет-такого" in shown.output
    done = run(cli, ["--db", url, "payments", "import", str(path), "--profile", "sber"])
    assert done.exit_code == 0 and "Реестр загружен" in done.output
    listed = run(cli, ["--db", url, "payments", "list", "--account", a, "--limit", "1"])
    assert "10,00" in listed.output and "c.txt" in listed.output
    waiting = run(cli, ["--db", url, "payments", "suspense"])
    suspense_id = waiting.output.split()[0]
    resolved = run(cli, ["--db", url, "payments", "resolve", suspense_id, "--account", a])
    assert resolved.exit_code == 0, resolved.output
    assert "Невыясненных платежей нет." in run(cli, ["--db", url, "payments", "suspense"]).output
    assert "sber" in run(cli, ["payments", "profiles"]).output


@pytest.mark.pg
def test_a_registry_loads_on_every_backend(any_url, tmp_path):
    """The same load, refusal and suspense on SQLite and PostgreSQL."""
    app = App.open(any_url, create=True, clock=FixedClock(TODAY))
    try:
        app.demo.build(accounts=8, seed=2, until=Period(2026, 10))
        (a,) = _numbers(app, 1)
        path = files.sber(tmp_path / "pg.txt", [(DAY, a, "10.00", "0.10"), (DAY, "x", "1.00", "0.00")])
        result = app.payments.import_registry(path, profile="sber")
        assert (result.payments, result.suspense) == (1, 1)
        with pytest.raises(ValidationFailed, match="уже загружен"):
            app.payments.import_registry(path, profile="sber")
        (waiting,) = app.payments.suspense()
        app.payments.resolve(waiting.id, account=a)
        assert [p.amount for p in app.payments.list(account=a)[:2]] == [100, 1000]
    finally:
        app.close()


def test_a_wrong_payment_is_reversed_and_posted_to_the_right_account(app, tmp_path):
    """Storno, never an edit: the payment and its reversal count as neither (the debt is back), the money is posted
    again to the right account with its own day; a second storno, a storno of a storno and an empty reason are
    refused."""
    from bcenter.modules.finance.position import Finance

    a, b = _numbers(app, 2)

    def counted(number: str) -> set[str]:  # the payments the account's debts and penalties are computed from
        (uid,) = app.db.execute_sql('SELECT id FROM "account" WHERE number = ?', (number,)).fetchone()
        return {p.id for p in Finance(app.db).position(str(uid), number, as_of=date(2026, 12, 5)).payments}

    path = files.sber(tmp_path / "w.txt", [(DAY, a, "700.00", "0.00")])
    app.payments.import_registry(path, profile="sber")
    wrong = app.payments.list(account=a)[0]
    assert wrong.id in counted(a)
    with pytest.raises(UsageError, match="почему"):
        app.payments.storno(wrong.id, reason=" ")
    result = app.payments.storno(wrong.id, reason="ошибка в номере счёта", to_account=b)
    assert wrong.id not in counted(a) and result.storno not in counted(a)
    assert result.reposted in counted(b)
    moved = {p.id: p for p in app.payments.list(account=b)}[result.reposted]
    assert (moved.amount, moved.paid_on, moved.registry) == (70000, DAY, "w.txt")
    reversal = {p.id: p for p in app.payments.list(account=a)}[result.storno]
    assert (reversal.amount, reversal.storno_of) == (-70000, wrong.id)
    with pytest.raises(UsageError, match="уже сторнирован"):
        app.payments.storno(wrong.id, reason="ещё раз")
    with pytest.raises(UsageError, match="сторно не сторнируется"):
        app.payments.storno(result.storno, reason="ещё раз")
    again = files.sber(tmp_path / "w2.txt", [(DAY, a, "700.00", "0.00")], order="5")
    assert app.payments.import_registry(again, profile="sber").known == 1  # the reversed line stays known
    exported = tmp_path / "town.json"
    app.exchange.export_file(exported)
    ids = {p["id"] for p in __import__("json").loads(exported.read_text(encoding="utf-8"))["payments"]}
    assert not any(i.startswith("registry:") and "w.txt" in i for i in ids)
    assert all("-" not in p["amount"] for p in __import__("json").loads(exported.read_text())["payments"])
