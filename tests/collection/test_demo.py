"""Debt collection on the demo town (issue 20), through ``bcenter.app`` and the CLI: the debtors over three months, a
restriction warning whose amounts are those of ``bcenter debts`` and ``bcenter penalties`` to the kopeck, an
application for a судебный приказ whose penalty table is the engine's as of its date, its duty, money recovered
through ФССП paying the case's months (not the newest) until the case closes; bad input refused, nothing written."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from bcenter.cli import main
from bcenter.core.errors import PermissionDenied, ValidationFailed
from bcenter.core.money import to_kop
from bcenter.core.period import Period
from bcenter.engine.collection import court_order_duty

AS_OF = date(2026, 12, 5)
NBSP = "\u00a0"




def _kop(text: str) -> int:
    return to_kop(Decimal(text))


def _counts(app) -> dict[str, int]:
    return {t: app.db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in (
        "court_case", "court_case_line", "court_case_event", "court_recovery", "collection_document", "payment",
        "outbox")}


def _text(pdf: bytes) -> str:
    """The document's words, lines joined (a sentence may wrap anywhere)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_debtors_over_three_months_are_those_whose_debts_say_so(app):
    rows = app.collection.debtors(_criteria(min_months=3), as_of=AS_OF)
    assert len(rows) >= 3, "the demo town has real debtors"
    report = {a.account: a for a in app.finance.debts(as_of=AS_OF).accounts}
    for row in rows:
        overdue = [p for p in report[row.account].periods if p.due < AS_OF]
        assert row.debt == sum(p.debt for p in overdue)
        assert row.months == len({p.period for p in overdue}) >= 3
        assert row.total == report[row.account].total
        assert row.oldest == min(p.period for p in overdue)
        due = min(p.due for p in overdue if p.period == row.oldest)
        assert row.limitation_ends == due.replace(year=due.year + 3)  # 3 years from the day after the due date
    assert [r.debt for r in rows] == sorted((r.debt for r in rows), reverse=True)
    assert {r.account for r in rows} <= {r.account for r in app.collection.debtors(_criteria(), as_of=AS_OF)}
    longer = app.collection.debtors(_criteria(min_months=13), as_of=AS_OF)
    assert longer == [r for r in rows if r.months >= 13] and 0 < len(longer) < len(rows)
    # a service's debt, a house
    electricity = app.collection.debtors(_criteria(service="electricity", min_months=3), as_of=AS_OF)
    assert all(r.services == ("electricity",) for r in electricity)
    assert app.collection.debtors(_criteria(house="h00001", min_months=3), as_of=AS_OF) == [
        r for r in rows if r.house == "h00001"]


def _criteria(**kw):
    from bcenter.app.collection import Criteria

    return Criteria(**kw)


def test_the_list_is_saved_exported_and_its_bad_criteria_refused(app, tmp_path, capsys):
    app.collection.save_list("три месяца", _criteria(min_months=3, not_in_court=True))
    assert app.collection.lists()["три месяца"].describe() == "просрочено месяцев: от 3, без дела в суде"
    assert _criteria(min_debt=1_500_000).describe() == "долг от 15\u00a0000,00\u00a0₽"  # money as people read it
    rows = app.collection.debtors(saved="три месяца", as_of=AS_OF)
    table = list(csv.reader(io.StringIO(app.collection.debtors_csv(rows)), delimiter=";"))
    assert table[0][:4] == ["Лицевой счёт", "Плательщик", "Адрес", "Долг, руб."]
    assert [(r[0], r[3]) for r in table[1:]] == [(r.account, f"{r.debt // 100}.{r.debt % 100:02d}") for r in rows]
    with pytest.raises(PermissionDenied):
        _as(app, "operator").collection.debtors_csv(rows, contacts=True)
    with_contacts = list(csv.reader(io.StringIO(app.collection.debtors_csv(rows, contacts=True)), delimiter=";"))
    assert any(r[8].startswith("+7") for r in with_contacts[1:])  # the administrator: phones unsealed
    audited = app.db.execute_sql('SELECT COUNT(*) FROM "audit_log" WHERE action = \'collection.debtors.contacts\' '
                                 'AND table_name = \'person\'').fetchone()[0]
    assert audited == sum(1 for r in with_contacts[1:] if r[8] or r[9])
    with pytest.raises(ValidationFailed) as refused:
        app.collection.debtors(_criteria(service="nosuch", house="h99999"), as_of=AS_OF)
    assert "нет услуги с кодом «nosuch»" in refused.value.message_ru
    assert "нет дома с кодом «h99999»" in refused.value.message_ru
    with pytest.raises(ValidationFailed, match="число месяцев не может быть отрицательным"):
        _criteria(min_months=-1)
    out = tmp_path / "d.csv"
    code = main(["--db", app.url, "debtors", "list", "--saved", "три месяца", "--as-of", "2026-12-05",
                 "--csv", str(out)])
    assert code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[1].split(";")[0] == rows[0].account


def _as(app, role: str):
    from bcenter.app.actor import Actor

    return app.as_actor(Actor(user=f"{role}-1", role=role))


def test_a_restriction_warning_carries_the_debts_and_penalties_to_the_kopeck(app):
    debtor = app.collection.debtors(_criteria(service="electricity", min_months=3), as_of=AS_OF)[0].account
    before = _counts(app)
    doc = app.collection.notice(debtor, kind="restriction", service="electricity", as_of=AS_OF)
    debts = app.finance.debts(as_of=AS_OF, account=debtor).accounts[0]
    penalties = app.finance.penalties(as_of=AS_OF, account=debtor).accounts[0]
    payload = app.collection.payload(doc.number)
    assert [(r[0], r[7], r[8], r[3], r[4], r[5], r[6]) for r in payload["debts"]] == [
        (str(p.period), p.service, p.supplier, p.charged, p.paid, p.debt, p.due.isoformat()) for p in debts.periods]
    assert [(r[0], r[9], r[2], r[3], r[4], r[5], r[8]) for r in payload["penalties"]] == [
        (str(r.period), r.service, r.start.isoformat(), r.end.isoformat(), r.days, r.debt, r.amount)
        for r in penalties.rows]
    assert dict(payload["totals"]) == {
        "Итого не оплачено": debts.total, "Пени начислено": penalties.total, "Пени оплачено": penalties.paid,
        "Пени к оплате": penalties.total - penalties.paid}
    electricity = sum(p.debt for p in debts.periods if p.service == "electricity" and p.due < AS_OF)
    amounts = payload["amounts"]
    assert amounts["debt"] == electricity > 2 * amounts["norm_monthly"]
    # the norm's monthly charge: 96 kWh a person × persons × the tariff, rounded once (ПП 354 п. 118)
    tariff = Decimal(app.db.execute_sql(
        'SELECT t.rate FROM "tariff" t JOIN "service" s ON s.id = t.service_id WHERE s.ext_id = \'electricity\' '
        'AND t.valid_from <= \'2026-12-01\' AND (t.valid_to IS NULL OR t.valid_to > \'2026-12-01\') '
        'AND t.zone IS NULL').fetchone()[0])
    persons = amounts["norm_monthly"] / to_kop(Decimal(96) * tariff)
    assert persons == int(persons) and persons >= 1
    text = _text(doc.pdf)
    rub = lambda k: f"{k // 100:,}".replace(",", " ") + f",{k % 100:02d}"  # noqa: E731
    assert f"в размере {rub(electricity)} руб." in text
    assert f"пени на 05.12.2026 — {rub(penalties.total - penalties.paid)} руб." in text
    assert f"Всего по лицевому счёту не оплачено {rub(debts.total)} руб." in text
    assert "в течение 20 дней со дня доставки" in text
    assert app.collection.reprint(doc.number) == doc.pdf
    assert _counts(app)["collection_document"] == before["collection_document"] + 1
    # delivered in the ЕПД: the service may be restricted after 20 days
    with pytest.raises(ValidationFailed, match="раньше, чем выдан"):
        app.collection.deliver(doc.number, day=date(2026, 12, 1), how="epd")
    delivered = app.collection.deliver(doc.number, day=date(2026, 12, 5), how="epd")
    assert delivered.deadline == date(2026, 12, 26)
    with pytest.raises(ValidationFailed, match="уже записана"):
        app.collection.deliver(doc.number, day=date(2026, 12, 5), how="mail")


def test_a_warning_is_refused_where_the_law_does_not_allow_it(app):
    debtor = app.collection.debtors(_criteria(min_months=3), as_of=AS_OF)[0].account
    before = _counts(app)
    for service, says in (("heating", "отопление и холодную воду"), ("cold_water", "отопление и холодную воду"),
                          (None, "укажите услугу")):
        with pytest.raises(ValidationFailed, match=says):
            app.collection.notice(debtor, kind="restriction", service=service, as_of=AS_OF)
    first = date(2025, 9, 11)  # one month overdue: not more than two months' charges by the norm
    small = app.collection.debtors(_criteria(service="electricity"), as_of=first)[0].account
    with pytest.raises(ValidationFailed, match="не превышает двух месячных размеров платы по нормативу"):
        app.collection.notice(small, kind="restriction", service="electricity", as_of=first)
    with pytest.raises(ValidationFailed, match="нет просроченного долга"):
        app.collection.notice(_no_debt(app), kind="reminder", as_of=AS_OF)
    assert _counts(app) == before


def _no_debt(app) -> str:
    owing = {a.account for a in app.finance.debts(as_of=AS_OF).accounts}
    return next(n for (n,) in app.db.execute_sql('SELECT number FROM "account" ORDER BY number') if n not in owing)


def test_a_court_order_application_carries_the_engines_penalty_table_and_its_duty(app):
    debtor = app.collection.debtors(_criteria(min_months=3), as_of=AS_OF)[0].account
    filed = date(2026, 11, 20)
    [case] = app.collection.open_case(debtor, filed_on=filed, court="мировому судье судебного участка № 1")
    penalties = app.finance.penalties(as_of=filed, account=debtor).accounts[0]
    debts = app.finance.debts(as_of=filed, account=debtor).accounts[0]
    assert [(r.period, r.service, r.start, r.end, r.days, r.debt, r.rate, r.fraction, r.amount)
            for r in case.penalty_rows] == [
        (r.period, r.service, r.start, r.end, r.days, r.debt, r.rate, r.fraction, r.amount) for r in penalties.rows]
    assert case.penalties == penalties.total - penalties.paid
    assert case.principal == sum(p.debt for p in debts.periods if p.due < filed)
    assert [(ln.period, ln.service, ln.amount) for ln in case.lines] == [
        (p.period, p.service, p.debt) for p in debts.periods if p.due < filed]
    assert case.duty == court_order_duty(case.price) and case.court_costs == case.duty
    assert case.debtors and case.stage == "court_order" and case.number == "Д-2026-0001"
    doc = app.collection.court_document(case.number)
    assert doc.kind == "court_order" and doc.number == "ЗСП-2026-0001"
    text = _text(doc.pdf)
    rub = lambda k: f"{k // 100:,}".replace(",", " ") + f",{k % 100:02d}"  # noqa: E731
    assert "Заявление о вынесении судебного приказа" in text and f"Цена требования: {rub(case.price)} руб." in text
    assert f"пеней {rub(case.penalties)} руб." in text and f"Госпошлина: {rub(case.duty)} руб." in text
    assert app.collection.reprint(doc.number) == doc.pdf
    with pytest.raises(ValidationFailed, match="уже взыскивается: дело Д-2026-0001"):
        app.collection.open_case(debtor, filed_on=filed)
    assert [c.number for c in app.collection.cases()] == ["Д-2026-0001"]
    assert app.collection.debtors(_criteria(min_months=3, not_in_court=True), as_of=AS_OF) == [
        r for r in app.collection.debtors(_criteria(min_months=3), as_of=AS_OF) if r.account != debtor]


def test_fssp_money_pays_the_cases_months_not_the_newest_and_closes_it(app):
    debtor = app.collection.debtors(_criteria(min_months=3), as_of=AS_OF)[0].account
    filed = date(2026, 9, 1)  # the months due before September; October's and later stay outside the case
    [case] = app.collection.open_case(debtor, filed_on=filed)
    app.collection.advance(case.number, stage="order_issued", day=date(2026, 9, 20), court_number="2-777/2026",
                           received_on=date(2026, 9, 25))
    case = app.collection.advance(case.number, stage="enforcement", day=date(2026, 10, 15), court_number="ИП 12345/26")
    assert case.objection_deadline == date(2026, 10, 9)
    before = {(p.period, p.service): p.debt for p in app.finance.debts(as_of=AS_OF, account=debtor).accounts[0].periods}
    newest = max(before)[0]
    assert newest > max(ln.period for ln in case.lines)
    got = app.collection.recover(case.number, amount=case.duty + 10_000_00, day=date(2026, 12, 1),
                                 document="п/п 501")
    assert (got.costs, got.principal, got.penalties, got.overpaid) == (case.duty, 10_000_00, 0, 0)
    after = {(p.period, p.service): p.debt for p in app.finance.debts(as_of=AS_OF, account=debtor).accounts[0].periods}
    paid = {k: before[k] - after.get(k, 0) for k in before if before[k] != after.get(k, 0)}
    assert sum(paid.values()) == 10_000_00
    case_keys = {(ln.period, ln.service) for ln in case.lines}
    assert set(paid) <= case_keys
    assert min(p for p, _ in paid) == min(ln.period for ln in case.lines)  # the oldest first
    assert all(after[k] == before[k] for k in before if k[0] >= Period(2026, 9))  # the newest untouched
    card = app.collection.case(case.number)
    assert card.principal_owed == case.principal - 10_000_00 and card.costs_owed == 0 and card.is_open
    payments = app.db.execute_sql('SELECT ext_id, period, agent FROM "payment" WHERE ext_id LIKE \'ВЗ-2026-0001/%\' '
                                  'ORDER BY ext_id').fetchall()
    assert payments and all(agent == "ФССП: п/п 501" and ext.endswith(period) for ext, period, agent in payments)
    last = app.collection.recover(case.number, amount=card.owed + 1_00, day=date(2026, 12, 2))
    assert last.closed and last.overpaid == 1_00 and last.penalties == card.penalties_owed
    card = app.collection.case(case.number)
    assert card.stage == "closed" and card.owed == 0 and card.closed_on == date(2026, 12, 2)
    assert all(ln.owed == 0 for ln in card.lines if ln.included)
    with pytest.raises(ValidationFailed, match="закрыто"):
        app.collection.recover(case.number, amount=100, day=date(2026, 12, 3))


def test_stages_refuse_what_does_not_follow_and_nothing_is_written(app):
    debtor = app.collection.debtors(_criteria(min_months=3), as_of=AS_OF)[0].account
    [case] = app.collection.open_case(debtor, filed_on=date(2026, 11, 2))
    before = _counts(app)
    with pytest.raises(ValidationFailed, match="можно перейти: order_issued"):
        app.collection.advance(case.number, stage="judgment", day=date(2026, 11, 10))
    with pytest.raises(ValidationFailed, match="раньше предыдущего шага"):
        app.collection.advance(case.number, stage="order_issued", day=date(2026, 11, 1))
    with pytest.raises(ValidationFailed, match="ещё не наступила"):
        app.collection.advance(case.number, stage="order_issued", day=date(2027, 1, 1))
    with pytest.raises(ValidationFailed, match="ещё не погашено"):
        app.collection.close_case(case.number)
    with pytest.raises(ValidationFailed, match="укажите причину списания"):
        app.collection.write_off(case.number, reason="  ")
    with pytest.raises(ValidationFailed, match="сумма должна быть положительной"):
        app.collection.recover(case.number, amount=0)
    with pytest.raises(PermissionDenied):
        _as(app, "cashier").collection.open_case(debtor)
    with pytest.raises(PermissionDenied):
        _as(app, "analyst").collection.write_off(case.number, reason="x")
    assert _counts(app) == before
    assert _as(app, "analyst").collection.case(case.number).number == case.number
    gone = app.collection.write_off(case.number, reason="должник признан банкротом")
    assert gone.stage == "written_off" and gone.closed_reason == "должник признан банкротом"
    assert app.collection.cases() == [] and len(app.collection.cases(which="all")) == 1


def test_the_cli_lists_files_advances_and_prints(app, tmp_path, capsys):
    def run(*args):
        code = main(["--db", app.url, *args])
        out = capsys.readouterr()
        assert code == 0, out.err
        return out.out

    listed = run("debtors", "list", "--months", "3", "--as-of", "2026-12-05", "--json")
    debtor = json.loads(listed)[0]["account"]
    opened = run("cases", "open", debtor, "--filed", "2026-11-20", "--court", "мировому судье участка № 1")
    assert "Дело Д-2026-0001" in opened and "госпошлина" in opened
    card = json.loads(run("cases", "card", "Д-2026-0001", "--json"))
    assert card["stage"] == "court_order" and card["penalty_as_of"] == "2026-11-20"
    run("cases", "document", "Д-2026-0001", "--out", str(tmp_path / "z.pdf"))
    assert (tmp_path / "z.pdf").read_bytes()[:5] == b"%PDF-"
    assert "возражения — по" in run("cases", "stage", "Д-2026-0001", "--to", "order_issued", "--day", "2026-11-27",
                                    "--received", "2026-11-30")
    run("cases", "stage", "Д-2026-0001", "--to", "order_cancelled", "--day", "2026-12-03")
    claim = run("cases", "stage", "Д-2026-0001", "--to", "claim", "--day", "2026-12-04")
    assert "госпошлина иска" in claim
    run("debtors", "notice", debtor, "--kind", "pretrial", "--out", str(tmp_path / "p.pdf"))
    assert "ПР-2026-0001" in run("debtors", "documents", "--account", debtor)
    assert "Д-2026-0001" in run("cases", "list")
