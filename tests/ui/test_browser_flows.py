"""The screens' main flows in a real browser (issue 16's acceptance; ``tests/ui/browser.py``): the cashier scans a
bill's QR code and takes cash with change — the simulated register and printer (kept in files beside the database,
as the kiosk runs them) receive the receipt; the operator imports a bank registry and resolves its suspense line;
the operator runs the month with its progress; a cashier is refused the month by the service; the reader enters a
reading below the previous one and sees the refusal."""
from __future__ import annotations

import pickle
import re
import urllib.request
from datetime import date
from decimal import Decimal

import pytest

from tests.finance import registry_files
from tests.finance.towns import open_town
from tests.ui.browser import opened, playwright, served, shots, sign_in, stable_screenshot, type_into
from tests.ui.towns import bill_qr, build_town

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WAIT = 20000


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    playwright()
    folder = tmp_path_factory.mktemp("flows")
    path = build_town(folder / "town.db")
    app = open_town(path)
    try:
        debtor = max(app.finance.debts(as_of=app.clock.today()).accounts, key=lambda a: a.total).account
        facts = {"qr": bill_qr(app, debtor, 150_000), "debtor": debtor,
                 "numbers": [a.number for a in app.registry.search("Ленина", limit=3)],
                 "stop": app.meters.route_sheet("Обход 1")["stops"][0]}
    finally:
        app.close()
    inbox = folder / "inbox"
    inbox.mkdir()
    day = date(2026, 12, 4)
    registry_files.sber(inbox / "sber-0412.txt", [(day, facts["numbers"][0], "1000.00", "10.00"),
                                                   (day, "9999999999", "250.00", "2.50")])
    return path, inbox, facts


def test_the_cashier_scans_a_bill_and_takes_cash_with_change(town, tmp_path):
    path, _inbox, facts = town
    with served(path, "--role", "kiosk") as url, opened(url, width=1280, height=800) as page:
        sign_in(page, "kassa", "пароль-кассира")
        page.get_by_role("button", name="Открыть смену").click(timeout=WAIT)
        page.get_by_text("Смена № 1 открыта (Кассир К. К.)", exact=False).wait_for(timeout=WAIT)
        type_into(page, "Лицевой счёт, QR-код счёта или № заявки", facts["qr"])  # as the scanner types it …
        page.keyboard.press("Enter")  # … and its Enter
        page.get_by_text(f"Лицевой счёт {facts['debtor']},", exact=False).wait_for(timeout=WAIT)
        page.get_by_role("textbox", name="Получено наличными, ₽").click()
        for key in "2000":  # on the screen's keypad
            page.get_by_role("button", name=key, exact=True).click()
        page.get_by_text("Сдача: 500,00 ₽").wait_for(timeout=WAIT)
        stable_screenshot(page, shots(tmp_path) / "kiosk-pay.png")
        page.get_by_role("button", name="Оплатить").click()
        page.get_by_text("Оплата принята").wait_for(timeout=WAIT)
        stable_screenshot(page, shots(tmp_path) / "kiosk-paid.png")
    kkt = pickle.loads((path.parent / "town.db-sim" / "shtrih.sim").read_bytes())
    printer = pickle.loads((path.parent / "town.db-sim" / "escpos.sim").read_bytes())
    sale, = [d for d in kkt.documents if d.kind == 3]
    assert sum(i.amount for i in sale.items) == 150_000 and sale.change == 50_000
    assert any(facts["debtor"] in line for line in printer.lines())


def test_the_operator_imports_a_registry_and_resolves_its_suspense_line(town, tmp_path):
    path, inbox, facts = town
    with served(path, "--inbox", str(inbox)) as url, opened(url) as page:
        sign_in(page, "oper", "пароль-оператора")
        page.get_by_role("button", name="Платежи").click(timeout=WAIT)
        page.get_by_role("button", name="Просмотреть").click(timeout=WAIT)
        page.get_by_text("в невыясненные: 1 на 250,00 ₽").wait_for(timeout=WAIT)
        page.get_by_text("строка 2: лицевого счёта 9999999999 нет").wait_for(timeout=WAIT)
        stable_screenshot(page, shots(tmp_path) / "payments-preview.png")
        page.get_by_role("button", name="Загрузить").click()
        page.get_by_text("Реестр загружен:").wait_for(timeout=WAIT)
        page.get_by_text("Невыясненные платежи: 1").wait_for(timeout=WAIT)
        type_into(page, "Лицевой счёт", facts["numbers"][1])
        page.get_by_role("button", name="Разнести").click()
        page.get_by_text(f"Платёж разнесён на лицевой счёт {facts['numbers'][1]}").wait_for(timeout=WAIT)
        stable_screenshot(page, shots(tmp_path) / "payments-resolved.png")
    app = open_town(path)
    try:
        assert [p.amount for p in app.payments.list(account=facts["numbers"][1], day=date(2026, 12, 4))] == [25000]
        assert not app.payments.suspense()
    finally:
        app.close()


def test_the_operator_runs_the_month_and_a_cashier_is_refused_it(town, tmp_path):
    path, _inbox, facts = town
    with served(path) as url:
        with opened(url) as page:
            sign_in(page, "oper", "пароль-оператора")
            page.get_by_role("button", name="Месяц").click(timeout=WAIT)
            page.get_by_text("Открыт: 2026-10", exact=False).wait_for(timeout=WAIT)
            page.get_by_role("button", name="Рассчитать").click()
            page.get_by_text("Расчёт 2026-10 выполнен", exact=False).wait_for(timeout=60000)
            stable_screenshot(page, shots(tmp_path) / "office-month.png")
            page.get_by_role("button", name="Счета", exact=True).click()  # the month's bill of one account, opened as a PDF
            type_into(page, "Месяц (ГГГГ-ММ)", "2026-10")
            type_into(page, "или лицевой счёт", facts["numbers"][0])
            page.get_by_role("button", name="Сформировать PDF").click()
            page.get_by_text("Счетов: 1, страниц:", exact=False).wait_for(timeout=60000)
            with page.context.expect_page(timeout=WAIT) as opened_tab:
                page.get_by_role("button", name="Открыть PDF").click()
            pdf_url = opened_tab.value.url
        with urllib.request.urlopen(pdf_url, timeout=10) as answer:
            assert answer.read(5) == b"%PDF-"
        assert pdf_url.startswith(url) and "/bills/" in pdf_url
        with opened(url) as page:
            sign_in(page, "kassa", "пароль-кассира")
            page.get_by_role("button", name="Месяц").click(timeout=WAIT)
            page.get_by_text("Недостаточно прав: месяцы и их расчёты — роли «кассир» это не разрешено",
                             exact=False).wait_for(timeout=WAIT)
            stable_screenshot(page, shots(tmp_path) / "office-month-refused.png")


def test_the_reader_enters_a_reading_below_the_previous_one_and_sees_the_refusal(town, tmp_path):
    path, _inbox, facts = town
    stop = facts["stop"]
    low = Decimal(next(iter(stop["previous"]["values"].values())))
    with served(path, "--role", "tablet") as url, opened(url, width=1024, height=768) as page:
        sign_in(page, "obhod", "пароль-контролёра")
        page.get_by_text(re.compile(r"^Обход 1\s+снято 0 из \d+")).click(timeout=WAIT)
        page.get_by_text(stop["address"]).wait_for(timeout=WAIT)
        if not page.get_by_text("Обход 1: прибор 1 из", exact=False).is_visible():
            pytest.fail("the route should open at its first stop: nothing is read yet")
        type_into(page, "Показание", str(low - 7).replace(".", ","))
        page.get_by_role("button", name="Сохранить").click()
        page.get_by_text("Показание отклонено:", exact=False).wait_for(timeout=WAIT)
        stable_screenshot(page, shots(tmp_path) / "tablet-refused.png")
