"""The office in a real browser (FLET.md §4): the operator signs in (a wrong password first: the refusal in
Russian), finds an account by address as she types and opens its card (``tests/ui/browser.py``)."""
from __future__ import annotations

import re

import pytest

from tests.finance.towns import demo_town
from tests.ui.browser import opened, playwright, served, shots, sign_in, stable_screenshot, type_into

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    playwright()
    folder = tmp_path_factory.mktemp("browser")
    app = demo_town(folder / "town.db", accounts=20, seed=4)
    try:
        app.users.add(login="oper", full_name="Оператор О. О.", roles=["operator"], password="пароль-оператора")
        app.users.add(login="pasport", full_name="Паспортист П. П.", roles=["passport_officer"],
                      password="пароль-паспортиста")
        number = app.registry.search("Ленина", limit=1)[0]
    finally:
        app.close()
    with served(folder / "town.db") as url:
        yield url, number


def test_the_operator_finds_an_account_and_opens_its_card(server, tmp_path):
    url, found = server
    with opened(url) as page:
        sign_in(page, "oper", "не тот пароль", expect_refusal=True)
        page.get_by_text("Вход не выполнен: неверный логин или пароль").wait_for(timeout=20000)
        stable_screenshot(page, shots(tmp_path) / "signin-refused.png")
        type_into(page, "Пароль", "пароль-оператора")
        page.get_by_role("button", name="Войти").click()
        search = page.get_by_role("textbox", name="Поиск: номер лицевого счёта, адрес или ФИО")
        search.wait_for(timeout=20000)
        street = found.address.split(",")[1].strip().split()[-1]  # «г. Заречный, ул. Ленина, д. 1, кв. 2» → Ленина
        type_into(page, "Поиск: номер лицевого счёта, адрес или ФИО", f"{street} {found.number}")
        page.get_by_text(f"{found.number} — {found.address}").click(timeout=20000)
        page.get_by_text(f"Лицевой счёт {found.number}").wait_for(timeout=20000)
        page.get_by_text("Начисления за 2026-10:", exact=False).wait_for(timeout=20000)
        stable_screenshot(page, shots(tmp_path) / "office-card.png")


def test_a_reload_resumes_the_session_until_signed_out(server):
    url, _ = server
    with opened(url) as page:
        sign_in(page, "oper", "пароль-оператора")
        search = page.get_by_role("textbox", name="Поиск: номер лицевого счёта, адрес или ФИО")
        search.wait_for(timeout=20000)
        page.reload()
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=30000)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        search.wait_for(timeout=20000)  # no sign-in form: the session was kept
        page.get_by_role("button", name="Выйти").click()
        page.get_by_role("button", name="Войти").wait_for(timeout=20000)
        page.reload()
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=30000)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        page.get_by_role("button", name="Войти").wait_for(timeout=20000)


def test_the_passport_officer_opens_a_card_with_documents_and_issues_an_extract(server, tmp_path):
    """Issue 18: the passport desk in the browser — the card with the documents shown to the passport officer, an
    extract from the house book issued and offered by its link."""
    url, found = server
    with opened(url) as page:
        sign_in(page, "pasport", "пароль-паспортиста")
        page.get_by_role("button", name="Паспортный стол").click(timeout=20000)
        type_into(page, "Лицевой счёт", found.number)
        page.get_by_role("checkbox", name="Показать документы").click(timeout=20000)
        page.get_by_role("button", name="Открыть карточку").click(timeout=20000)
        page.get_by_text("Владелец счёта:", exact=False).wait_for(timeout=20000)
        page.get_by_text("паспорт: серия", exact=False).first.wait_for(timeout=20000)  # the passport shown to this role
        page.get_by_role("button", name="Выдать PDF").click(timeout=20000)
        page.get_by_text("Выписка из домовой книги № ПС-", exact=False).wait_for(timeout=20000)
        page.get_by_role("button", name="Открыть PDF").wait_for(timeout=20000)
        stable_screenshot(page, shots(tmp_path) / "office-passport.png")


def test_the_dispatcher_takes_a_request_and_sees_it_by_deadline(server, tmp_path):
    """Issue 19: the dispatcher's desk in the browser — a request taken by phone, listed among the new ones."""
    url, found = server
    with opened(url) as page:
        sign_in(page, "oper", "пароль-оператора")
        page.get_by_role("button", name="Заявки").click(timeout=20000)
        type_into(page, "Лицевой счёт", found.number)
        type_into(page, "Суть заявки", "нет горячей воды")
        page.get_by_role("button", name="Принять").click(timeout=20000)
        page.get_by_text("принята, срок — до", exact=False).wait_for(timeout=20000)
        page.get_by_role("button", name="Новые").click(timeout=20000)
        page.get_by_text("нет горячей воды", exact=False).first.wait_for(timeout=20000)
        stable_screenshot(page, shots(tmp_path) / "office-claims.png")


def test_the_operator_lists_debtors_and_files_a_court_order(server, tmp_path):
    """Issue 20: the debt collection desk in the browser — the debtors over three months, a case filed for one of
    them (a судебный приказ: the penalties and the duty computed), its card with the timeline."""
    url, _found = server
    with opened(url) as page:
        sign_in(page, "oper", "пароль-оператора")
        page.get_by_role("button", name="Должники").click(timeout=20000)
        page.get_by_text("Должников:", exact=False).wait_for(timeout=30000)
        page.get_by_role("button", name=re.compile("мес\\.: ")).first.click(timeout=20000)
        page.get_by_role("button", name="Завести дело (судебный приказ)").click(timeout=20000)
        page.get_by_text("госпошлина", exact=False).first.wait_for(timeout=30000)
        page.get_by_text("Стадия: подано заявление о вынесении судебного приказа").wait_for(timeout=20000)
        stable_screenshot(page, shots(tmp_path) / "office-debtors.png")


def test_the_accountant_opens_the_statement_with_its_chart(server, tmp_path):
    """Issue 21: the reports in the browser — the ОСВ of the last closed month by account, a page of 50 rows with
    the total row, the chart of the closing balances by house."""
    url, _found = server
    with opened(url) as page:
        sign_in(page, "oper", "пароль-оператора")
        page.get_by_role("button", name="Отчёты").click(timeout=20000)
        page.get_by_role("button", name="Показать").click(timeout=30000)
        page.get_by_text("Строки 1–50 из", exact=False).wait_for(timeout=30000)
        page.get_by_text("Итого", exact=True).first.wait_for(timeout=20000)
        page.get_by_text("Сальдо на конец по домам").wait_for(timeout=20000)
        stable_screenshot(page, shots(tmp_path) / "office-reports.png")
