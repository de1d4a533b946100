"""The office in a real browser (FLET.md §4): `bcenter ui` served on a free 127.0.0.1 port over a demo town, Debian's
Chromium driven by Playwright with every request not to 127.0.0.1 aborted; the operator signs in (a wrong password
first: the refusal in Russian), finds an account by address as she types and opens its card. Screenshots are taken
once the canvas settles and kept in ``BCENTER_SHOTS`` (default: the test's temporary folder).

`.ci/run` installs Chromium and Playwright and sets ``BCENTER_BROWSER=1``: there a missing browser fails the test
instead of skipping it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.finance.towns import demo_town

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("BCENTER_BROWSER") == "1"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _playwright():
    try:
        from playwright import sync_api
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("playwright is not installed (.ci/run installs it)")
    if not Path(CHROMIUM).exists():
        if REQUIRED:
            raise AssertionError(f"{CHROMIUM} is missing: apt-get install -y chromium")
        pytest.skip("no chromium (.ci/run installs it)")
    return sync_api


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _playwright()
    folder = tmp_path_factory.mktemp("browser")
    app = demo_town(folder / "town.db", accounts=20, seed=4)
    try:
        app.users.add(login="oper", full_name="Оператор О. О.", roles=["operator"], password="пароль-оператора")
        number = app.registry.search("Ленина", limit=1)[0]
    finally:
        app.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    proc = subprocess.Popen([sys.executable, "-c", "from bcenter.cli import main; raise SystemExit(main())",
                             "--db", f"sqlite:///{folder / 'town.db'}", "ui", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:  # waiting for another process's server to answer: nothing of the test's own to synchronise
        try:
            urllib.request.urlopen(url, timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(proc.stdout.read().decode())
            time.sleep(0.1)
    yield url, number
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def browser_page(server):
    sync_api = _playwright()
    url, _ = server
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                          "--disable-background-networking", "--disable-component-update",
                                          "--disable-sync"])
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        page = ctx.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("http://127.0.0.1", "data:", "blob:")) else r.abort())
        page.goto(url)
        page.wait_for_function("() => !document.getElementById('loading')", timeout=60000)
        page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=30000)
        page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
        page.get_by_role("button", name="Войти").wait_for(timeout=30000)
        yield page
        browser.close()


def stable_screenshot(page, path: Path, interval_ms: int = 300, timeout_ms: int = 20000) -> bytes:
    """Flutter paints a little after the accessibility tree changes: shots until two in a row are the same."""
    previous, waited = None, 0
    while waited <= timeout_ms:
        shot = page.screenshot()
        if shot == previous:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(shot)
            return shot
        previous = shot
        page.wait_for_timeout(interval_ms)
        waited += interval_ms
    raise AssertionError("the screen never settled")


def _type(page, field: str, text: str) -> None:
    """Typed as a person types: focus the field, select what is there, type (Playwright's fill goes to the field
    that had the focus in Flutter's text editing, not always the one named)."""
    page.get_by_role("textbox", name=field).click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_the_operator_finds_an_account_and_opens_its_card(server, browser_page, tmp_path):
    _, found = server
    page = browser_page
    shots = Path(os.environ.get("BCENTER_SHOTS", tmp_path))
    _type(page, "Логин", "oper")
    _type(page, "Пароль", "не тот пароль")
    page.get_by_role("button", name="Войти").click()
    page.get_by_text("Вход не выполнен: неверный логин или пароль").wait_for(timeout=20000)
    stable_screenshot(page, shots / "signin-refused.png")
    _type(page, "Пароль", "пароль-оператора")
    page.get_by_role("button", name="Войти").click()
    search = page.get_by_role("textbox", name="Поиск: номер лицевого счёта, адрес или ФИО")
    search.wait_for(timeout=20000)
    street = found.address.split(",")[1].strip().split()[-1]  # «г. Заречный, ул. Ленина, д. 1, кв. 2» → Ленина
    _type(page, "Поиск: номер лицевого счёта, адрес или ФИО", f"{street} {found.number}")
    page.get_by_text(f"{found.number} — {found.address}").click(timeout=20000)
    page.get_by_text(f"Лицевой счёт {found.number}").wait_for(timeout=20000)
    page.get_by_text("Начисления за 2026-10:", exact=False).wait_for(timeout=20000)
    stable_screenshot(page, shots / "office-card.png")
