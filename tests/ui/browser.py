"""Real-browser helpers (FLET.md §4): `bcenter ui` served in another process on a free 127.0.0.1 port, Debian's
Chromium driven by Playwright with every request not to 127.0.0.1 aborted, typing as a person types, screenshots
once the canvas settles (kept in ``BCENTER_SHOTS``, default: the test's temporary folder).

`.ci/run` installs Chromium and Playwright and sets ``BCENTER_BROWSER=1``: there a missing browser fails the test
instead of skipping it."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("BCENTER_BROWSER") == "1"


def playwright():
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(db: Path, *args: str):
    """``bcenter --db … ui ARGS`` on a free port until the block ends; yields its address."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    proc = subprocess.Popen([sys.executable, "-c", "from bcenter.cli import main; raise SystemExit(main())",
                             "--db", f"sqlite:///{db}", "ui", "--port", str(port), *args],
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
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def opened(url: str, *, width: int = 1280, height: int = 900):
    """A Chromium page on ``url`` with Flutter's accessibility tree switched on, at the sign-in form."""
    sync_api = playwright()
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                          "--disable-background-networking", "--disable-component-update",
                                          "--disable-sync"])
        try:
            ctx = browser.new_context(viewport={"width": width, "height": height}, locale="ru-RU")
            page = ctx.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                ("http://127.0.0.1", "data:", "blob:")) else r.abort())
            page.goto(url)
            page.wait_for_function("() => !document.getElementById('loading')", timeout=60000)
            page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=30000)
            page.evaluate("document.querySelector('flt-semantics-placeholder').click()")
            page.get_by_role("button", name="Войти").wait_for(timeout=30000)
            try:
                yield page
            except BaseException:
                failed = Path(os.environ.get("BCENTER_SHOTS") or "/tmp") / "browser-failure.png"
                failed.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(failed))  # what the screen showed when the test gave up
                print(f"the screen at the failure: {failed}")
                raise
        finally:
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


EDITING = ("() => { const e = document.activeElement; "
           "return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA'); }")


def type_into(page, field: str, text: str) -> None:
    """Typed as a person types: focus the field, select what is there, type (Playwright's fill goes to the field
    that had the focus in Flutter's text editing, not always the one named). Flutter creates its editing element
    on focus: the typing waits for it, and the element's value is checked after — on a busy machine the first
    keystrokes once went to nothing (a password short of its first letters), so it is typed again when short."""
    box = page.get_by_role("textbox", name=field)
    for _attempt in range(3):
        box.click()
        page.wait_for_function(EDITING, timeout=10000)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
        if page.evaluate("() => document.activeElement.value") == text:
            return
    raise AssertionError(f"«{field}»: the typed text never arrived whole")


SIGNED_OR_REFUSED = ("() => { const s = [...document.querySelectorAll('flt-semantics')]; "
                     "if (!s.some(e => e.getAttribute('role') === 'button' && e.textContent.trim() === 'Войти')) "
                     "return 'signed'; "
                     "return s.some(e => e.textContent.includes('Вход не выполнен')) ? 'refused' : false; }")


def sign_in(page, login: str, password: str, *, expect_refusal: bool = False) -> None:
    """Sign in; unless a refusal is expected, wait until the form is gone (a failure's screenshot then shows why
    it stayed). A refusal of the right password is met once more by typing it again: CI saw the server get a
    password other than the one the browser's field held (the field checked whole, the login refused; once, in the
    run of 2026-12-07) — the page's input element is not Flutter's own text model. A second refusal fails the
    test."""
    type_into(page, "Логин", login)
    type_into(page, "Пароль", password)
    page.get_by_role("button", name="Войти").click()
    if expect_refusal:
        return
    outcome = page.wait_for_function(SIGNED_OR_REFUSED, timeout=30000).json_value()
    if outcome == "refused":
        type_into(page, "Пароль", password)
        page.get_by_role("button", name="Войти").click()
    page.get_by_role("button", name="Войти").wait_for(state="detached", timeout=30000)


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("BCENTER_SHOTS", tmp_path))
