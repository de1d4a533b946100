"""The office's sections without a browser (issue 16): the month calculated with its progress and closed after a
second press, a cashier refused by the service; a bank registry previewed, loaded, its suspense line resolved; a
payment reversed from the account card; a reading entered and a rejected one accepted with a reason."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.finance import registry_files
from tests.ui.conftest import by_key, texts

from bcenter.ui.office import build_office


async def _type(session, field, text: str) -> None:
    session.apply_patch(field._i, {"value": text})
    await session.dispatch_event(field._i, "change", text)


async def _click(session, control) -> None:
    await session.dispatch_event(control._i, "click", None)


def _office(app, page, login="oper", password="пароль-оператора", **kw):
    signed = app.users.sign_in(login, password)
    refs = build_office(page, signed, **kw)
    refs["signed"] = signed
    return refs


@pytest.mark.asyncio
async def test_the_month_is_calculated_with_progress_then_closed(app, page, session, monkeypatch):
    monkeypatch.setattr("bcenter.ui.month.DOUBLE_CLICK", 0)  # the test presses again at once
    refs = _office(app, page)
    month = refs["month"]
    await _click(session, by_key(refs["nav"], "nav:month"))
    assert refs["body"].controls == [refs["sections"]["month"]]  # only the shown section is on the page
    assert month["period"].value == "2026-10" and month["status"].value.startswith("Открыт: 2026-10")
    start = len(session.connection.wire)
    await _click(session, month["calc"])
    assert month["error"].value == ""
    done = by_key(month["result"], "month_done").value
    assert done.startswith("Расчёт 2026-10 выполнен: домов ")
    sent = session.connection.sent_since(start)
    assert "Расчёт…" in sent and done in sent  # the bar was shown, then the result
    assert not month["progress"].visible and not month["stop"].visible
    await _click(session, month["close"])
    assert by_key(month["result"], "month_confirm").value.startswith("После закрытия в 2026-10 ничего не проводится")
    await _click(session, month["close"])
    assert by_key(month["result"], "month_closed").value.startswith("Период 2026-10 закрыт")
    assert month["status"].value.endswith("последний закрытый: 2026-10")


@pytest.mark.asyncio
async def test_the_month_closes_only_the_month_its_confirmation_named(app, page, session, monkeypatch):
    """«Закрыть» pressed for a month typed wrong («Закрыть 2026-11 окончательно»), the month corrected to 2026-10 and
    «Закрыть» pressed again: 2026-10 is asked about first — a month closes once and for good, never on a
    confirmation naming another month."""
    monkeypatch.setattr("bcenter.ui.month.DOUBLE_CLICK", 0)  # the test presses again at once
    refs = _office(app, page)
    month = refs["month"]
    await _click(session, by_key(refs["nav"], "nav:month"))
    await _type(session, month["period"], "2026-11")
    await _click(session, month["close"])
    assert month["close"].content == "Закрыть 2026-11 окончательно"
    await _type(session, month["period"], "2026-10")
    await _click(session, month["close"])
    assert month["error"].value == "" and month["close"].content == "Закрыть 2026-10 окончательно"
    assert by_key(month["result"], "month_confirm").value.startswith("После закрытия в 2026-10 ничего")
    assert str(app.month.overview().last_closed) != "2026-10"
    await _click(session, month["close"])
    assert by_key(month["result"], "month_closed").value.startswith("Период 2026-10 закрыт")


@pytest.mark.asyncio
async def test_a_month_run_is_listed_with_its_start_as_people_write_it(app, page, session, monkeypatch):
    """The runs list said «начат 2026-12-07 20:42» — an ISO date, in UTC; people read ДД.ММ.ГГГГ in their time."""
    import time
    from datetime import datetime, timedelta

    monkeypatch.setenv("TZ", "Europe/Moscow")  # the office's machine: UTC+3 all year
    time.tzset()
    try:
        refs = _office(app, page)
        month = refs["month"]
        await _click(session, by_key(refs["nav"], "nav:month"))
        await _click(session, month["calc"])
        run = refs["signed"].app.month.overview().runs[0]
        moscow = (datetime.fromisoformat(run.started_at) + timedelta(hours=3)).strftime("%d.%m.%Y %H:%M")
        assert month["runs"].controls[1].value.startswith(f"{run.period}: начат {moscow}, ")
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.asyncio
async def test_a_month_run_stopped_midway_says_so(app, page, session):
    refs = _office(app, page)
    month = refs["month"]
    await _click(session, by_key(refs["nav"], "nav:month"))
    cases = refs["signed"].app.month
    real = cases.calc

    def calc(period, job=None, **kw):  # the operator presses «Остановить» as the job starts
        job.cancel()
        return real(period, job=job, **kw)

    cases.calc = calc
    await _click(session, month["calc"])
    assert month["error"].value.startswith("Прервано по запросу"), month["error"].value


@pytest.mark.asyncio
async def test_a_cashier_is_refused_the_month_by_the_service(app, page, session):
    refs = _office(app, page, "kassa", "пароль-кассира")
    await _click(session, by_key(refs["nav"], "nav:month"))
    month = refs["month"]
    assert "Кассир" in month["error"].value or "кассир" in month["error"].value
    assert month["calc"].disabled and month["close"].disabled


@pytest.mark.asyncio
async def test_a_registry_previewed_loaded_and_its_suspense_line_resolved(app, page, session, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    found = app.registry.search("Ленина", limit=2)
    day = date(2026, 12, 4)
    registry_files.sber(inbox / "sber-0412.txt", [(day, found[0].number, "1000.00", "10.00"),
                                                   (day, "9999999999", "250.00", "2.50")])
    refs = _office(app, page, inbox=inbox)
    pay = refs["payments"]
    await _click(session, by_key(refs["nav"], "nav:payments"))
    assert pay["files"].value == str(inbox / "sber-0412.txt") and pay["load_registry"].disabled
    assert by_key(pay["suspense"], "suspense_head").value == "Невыясненных платежей нет"
    await _click(session, pay["preview"])
    assert pay["error"].value == "" and not pay["load_registry"].disabled
    shown = texts(pay["summary"])
    assert shown[0] == "Будет загружено:" and "в невыясненные: 1 на 250,00 ₽" in shown
    assert "строка 2: лицевого счёта 9999999999 нет" in shown
    assert not app.payments.list(day=day)  # a preview writes nothing
    await _click(session, pay["load_registry"])
    assert texts(pay["summary"])[0] == "Реестр загружен:" and len(app.payments.list(day=day)) == 1
    row = next(c for c in pay["suspense"].controls if str(getattr(c, "key", "")).startswith("suspense:"))
    account = next(c for c in row.controls if getattr(c, "label", None) == "Лицевой счёт")
    button = next(c for c in row.controls if str(getattr(c, "key", "")).startswith("suspense_resolve:"))
    await _click(session, button)
    assert pay["error"].value  # no account named: refused in words
    await _type(session, account, found[1].number)
    await _click(session, button)
    assert pay["error"].value == ""
    assert by_key(pay["suspense"], "suspense_done").value == f"Платёж разнесён на лицевой счёт {found[1].number}"
    assert by_key(pay["suspense"], "suspense_head").value == "Невыясненных платежей нет"
    assert [p.amount for p in app.payments.list(account=found[1].number, day=day)] == [25000]
    await _click(session, pay["load_registry"])
    assert pay["error"].value == "Сначала просмотрите этот реестр"


@pytest.mark.asyncio
async def test_a_registry_saved_again_is_refused_unless_its_lines_are_said_new(app, page, session, tmp_path):
    """A CSV without operation numbers loaded, then the same lines in a file saved again: the preview refuses it,
    naming the first file; ticked «это новые платежи», it is previewed and loaded into the suspense queue."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    number = app.registry.search("Ленина", limit=1)[0].number
    (inbox / "a.csv").write_text(f"Дата,ЛС,Сумма\n2026-12-04,{number},500.00\n", encoding="utf-8")
    app.payments.import_registry(inbox / "a.csv", profile="csv")
    (inbox / "a.csv").rename(tmp_path / "a.csv")
    (inbox / "b.csv").write_text(f"Дата,ЛС,Сумма\r\n2026-12-04,{number},500.00\r\n", encoding="utf-8")
    refs = _office(app, page, inbox=inbox)
    pay = refs["payments"]
    await _click(session, by_key(refs["nav"], "nav:payments"))
    assert pay["profiles"].value == "csv"
    await _click(session, pay["preview"])
    assert "те же платежи" in pay["error"].value and "«a.csv»" in pay["error"].value
    assert pay["load_registry"].disabled
    session.apply_patch(pay["repeats"]._i, {"value": True})
    await session.dispatch_event(pay["repeats"]._i, "change", "true")
    assert pay["repeats"].value
    await _click(session, pay["preview"])
    assert pay["error"].value == "" and not pay["load_registry"].disabled
    await _click(session, pay["load_registry"])
    assert texts(pay["summary"])[0] == "Реестр загружен:"
    assert by_key(pay["suspense"], "suspense_head").value == "Невыясненные платежи: 1"


@pytest.mark.asyncio
async def test_a_suspense_line_returned_with_its_reason(app, page, session, tmp_path):
    """A possible repeat (or a stranger's payment) is returned from the screen: without a reason refused in words."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    registry_files.sber(inbox / "sber-0412.txt", [(date(2026, 12, 4), "9999999999", "250.00", "2.50")])
    refs = _office(app, page, inbox=inbox)
    pay = refs["payments"]
    await _click(session, by_key(refs["nav"], "nav:payments"))
    await _click(session, pay["preview"])
    await _click(session, pay["load_registry"])
    row = next(c for c in pay["suspense"].controls if str(getattr(c, "key", "")).startswith("suspense:"))
    back = next(c for c in row.controls if str(getattr(c, "key", "")).startswith("suspense_return:"))
    await _click(session, back)
    assert "почему платёж возвращается" in pay["error"].value
    why = next(c for c in row.controls if getattr(c, "label", None) == "Причина возврата")
    await _type(session, why, "повтор строки 3 реестра за понедельник")
    await _click(session, back)
    assert pay["error"].value == ""
    assert by_key(pay["suspense"], "suspense_returned").value == \
        "Платёж отмечен возвращённым: повтор строки 3 реестра за понедельник"
    assert by_key(pay["suspense"], "suspense_head").value == "Невыясненных платежей нет"
    (done,) = app.payments.suspense(open_only=False)
    assert done.returned == "повтор строки 3 реестра за понедельник"


@pytest.mark.asyncio
async def test_a_payment_reversed_from_the_card_with_a_reason(app, page, session):
    refs = _office(app, page)
    number = app.registry.search("Ленина", limit=1)[0].number
    await _type(session, refs["query"], number)
    await _click(session, refs["results"].controls[0])
    table = by_key(refs["card"], "card_payments")
    first = table.rows[0].cells[-1].content
    paid = app.payments.list(account=number, limit=100)
    await _click(session, first)
    reason = by_key(refs["card"], "storno_reason")
    assert reason.visible
    await _click(session, by_key(refs["card"], "storno_confirm"))
    assert by_key(refs["card"], "storno_error").value  # a reason is required
    await _type(session, reason, "ошибочно зачислен")
    await _click(session, by_key(refs["card"], "storno_confirm"))
    assert by_key(refs["card"], "storno_done").value == "Платёж сторнирован"
    assert len(app.payments.list(account=number, limit=100)) == len(paid) + 1


@pytest.mark.asyncio
async def test_a_reading_entered_and_a_rejected_one_accepted(app, page, session):
    refs = _office(app, page)
    rd = refs["readings"]
    await _click(session, by_key(refs["nav"], "nav:readings"))
    info = app.meters.route_sheet("Обход 1")["stops"][0]
    serial, low = info["meter"]["serial"], next(iter(info["previous"]["values"].values()))
    await _type(session, rd["meter"], serial)
    await _type(session, rd["value"], "1/2/3/4")
    await _click(session, rd["add"])
    assert rd["error"].value.startswith(f"Показание: у прибора № {serial} нужно")
    await _type(session, rd["value"], "1")
    await _click(session, rd["add"])
    assert "отклонено" in rd["verdict"].value and "меньше" in rd["verdict"].value
    code = app.meters.readings(meter=serial, limit=1)[0].code
    row = by_key(rd["pending"], f"pending:{code}")
    await _type(session, by_key(row, f"accept_reason:{code}"), "житель уверен")
    await _click(session, by_key(row, f"accept:{code}"))
    assert rd["error"].value  # a reading below the previous one is not accepted: the right value is entered
    assert app.meters.readings(meter=serial, limit=1)[0].status == "rejected"
    far = Decimal(low) + 900
    await _type(session, rd["value"], str(far).replace(".", ","))
    await _click(session, rd["add"])
    assert "ждёт подтверждения" in rd["verdict"].value, rd["verdict"].value
    code = app.meters.readings(meter=serial, limit=1)[0].code
    row = by_key(rd["pending"], f"pending:{code}")
    await _click(session, by_key(row, f"accept:{code}"))
    assert rd["error"].value  # without a reason
    await _type(session, by_key(row, f"accept_reason:{code}"), "проверено контролёром: течёт бачок")
    await _click(session, by_key(row, f"accept:{code}"))
    assert rd["error"].value == ""
    assert by_key(rd["pending"], "accepted").value.startswith("Показание ")
    assert app.meters.readings(meter=serial, limit=1)[0].status == "confirmed"


@pytest.mark.asyncio
async def test_a_double_click_on_save_keeps_one_reading(app, page, session):
    """«Сохранить» clicked twice in a row (the second click reaches the server before the first answer): the reading
    the resident phoned in is kept once."""
    import asyncio

    refs = _office(app, page)
    rd = refs["readings"]
    await _click(session, by_key(refs["nav"], "nav:readings"))
    serial = app.meters.route_sheet("Обход 1")["stops"][0]["meter"]["serial"]
    before = len(app.meters.readings(meter=serial, limit=1000))
    await _type(session, rd["meter"], serial)
    await _type(session, rd["value"], "99999")
    await asyncio.gather(_click(session, rd["add"]), _click(session, rd["add"]))
    assert rd["error"].value == "" and rd["verdict"].value.startswith("Показание 99999")
    assert len(app.meters.readings(meter=serial, limit=1000)) == before + 1


@pytest.mark.asyncio
async def test_a_bill_printed_for_one_account_and_a_link_to_its_pdf(app, page, session, tmp_path):
    files = tmp_path / "files"
    refs = _office(app, page, files=files)
    bills = refs["bills"]
    await _click(session, by_key(refs["nav"], "nav:bills"))
    assert bills["period"].value == "2026-11"
    await _click(session, bills["make"])
    assert bills["error"].value.startswith("Укажите дом (код) или лицевой счёт")
    number = app.registry.search("Ленина", limit=1)[0].number
    await _type(session, bills["account"], number)
    await _type(session, bills["period"], "2026-10")
    await _click(session, bills["make"])
    assert bills["error"].value == ""
    assert by_key(bills["done"], "bills_result").value.startswith("Счетов: 1, страниц: ")
    link = by_key(bills["done"], "bills_open").url
    pdf = files / link.lstrip("/")
    assert pdf.read_bytes()[:5] == b"%PDF-" and len(pdf.stem) == 32
    await _click(session, bills["make"])  # again: the previous file of this tab is replaced
    assert not pdf.exists() and len(list((files / "bills").iterdir())) == 1
    await _type(session, bills["account"], "0000000000")
    await _click(session, bills["make"])
    assert "0000000000" in bills["error"].value


@pytest.mark.asyncio
async def test_two_readings_accepted_one_after_the_other_are_both_accepted(app, page, session):
    """«Принять» on one pending reading and, before it is done, on the next one's row: both are accepted — the guard
    against a double click drops a second click on the same button, not the operator's next reading."""
    import asyncio

    refs = _office(app, page)
    rd = refs["readings"]
    codes = []
    for stop in app.meters.route_sheet("Обход 1")["stops"][3:5]:
        low = next(iter(stop["previous"]["values"].values()))
        kept = app.meters.add_reading(stop["meter"]["id"], {"total": str(Decimal(low) + 900)}, source="resident")
        assert kept.status == "unconfirmed", kept.status
        codes.append(kept.code)
    await _click(session, by_key(refs["nav"], "nav:readings"))
    rows = [by_key(rd["pending"], f"pending:{code}") for code in codes]
    for code, row in zip(codes, rows):
        await _type(session, by_key(row, f"accept_reason:{code}"), "проверено контролёром")
    await asyncio.gather(*(_click(session, by_key(row, f"accept:{code}")) for code, row in zip(codes, rows)))
    assert rd["error"].value == ""
    assert [r.code for r in app.meters.readings(status="pending", limit=1000) if r.code in codes] == []


@pytest.mark.asyncio
async def test_a_double_click_on_close_only_asks(app, page, session):
    """«Закрыть месяц» double-clicked (both clicks reach the server before the browser shows the question): the
    month is not closed — the second click of a double click is not the answer to a question not yet seen."""
    import asyncio

    refs = _office(app, page)
    month = refs["month"]
    await _click(session, by_key(refs["nav"], "nav:month"))
    await _type(session, month["period"], "2026-10")
    await asyncio.gather(_click(session, month["close"]), _click(session, month["close"]))
    assert month["close"].content == "Закрыть 2026-10 окончательно"
    assert by_key(month["result"], "month_confirm").value.startswith("После закрытия в 2026-10 ничего")
    assert str(app.month.overview().last_closed) != "2026-10"
