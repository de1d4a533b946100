"""Starting the screens: ``bcenter ui`` serves them on 127.0.0.1 (unless told otherwise) in web mode with no CDN —
the browser gets everything from this machine (FLET.md §1). Each browser tab is a session: it signs in, then gets
the screen of its role acting as that user; signing out brings the sign-in form back. The session's token is kept
in the browser (``KeptSession``): a reload resumes it while it lives.

Three screens: ``office`` (контора), ``kiosk`` (касса: the cashier's touch screen over the desk's devices) and
``tablet`` (планшет контролёра: routes over the tablet's own database, an optical probe if named). The kiosk and the
tablet sign in in their role (a cashier, a meter reader) — the user must have it."""
from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import flet as ft

from bcenter.ui.common import Failed, off_loop, sweep_files
from bcenter.ui.kiosk import IDLE_AFTER, build_kiosk
from bcenter.ui.office import build_office
from bcenter.ui.signin import build_signin
from bcenter.ui.tablet import build_tablet

ROLES_SCREENS = ("office", "kiosk", "tablet")
SIGN_IN_ROLE = {"kiosk": "cashier", "tablet": "meter_reader"}
TITLES = {"office": "Биллинговый Центр — вход", "kiosk": "Касса — вход кассира",
          "tablet": "Планшет контролёра — вход"}
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
log = logging.getLogger("bcenter.ui")


@dataclass(frozen=True)
class ScreenOptions:
    """What a screen needs beyond the application: the desk's devices (kiosk), the probe (tablet), the inbox of
    registries (office)."""

    role: str = "office"
    register: str | None = None
    printer: str | None = None
    probe: dict | None = None
    inbox: Path | None = None
    files: Path | None = None
    """The screen's own files (bills' PDFs), served by its web server at the site's root."""
    idle_after: float = IDLE_AFTER
    extra: dict = field(default_factory=dict)


class KeptSession:
    """The session's token kept in the browser (``SharedPreferences``: the browser's local storage), so a reload or
    a second tab resumes it — while it lives (``app.users.resume``: idle 30 min, 12 h at most, signed out, the user
    disabled). A browser that does not answer within ``WAIT`` seconds keeps nothing: the person signs in again."""

    WAIT = 3.0

    def __init__(self, role: str):
        self.key = f"bcenter.session.{role}"
        self.store = ft.SharedPreferences()

    async def _call(self, coro):
        try:
            return await asyncio.wait_for(coro, self.WAIT)
        except Exception:  # noqa: BLE001 - no storage is no kept session, never a failure
            log.info("ui: the browser's storage did not answer (%s)", self.key)
            return None

    async def get(self) -> str | None:
        value = await self._call(self.store.get(self.key))
        return value if isinstance(value, str) and value else None

    async def keep(self, token: str) -> None:
        await self._call(self.store.set(self.key, token))

    async def forget(self) -> None:
        await self._call(self.store.remove(self.key))


def screen(app, options: ScreenOptions | None = None):
    """The ``main(page)`` of one browser session over ``app`` (opened on the database by whoever serves)."""
    options = options or ScreenOptions()

    async def main(page: ft.Page) -> None:
        page.locale_configuration = ft.LocaleConfiguration(supported_locales=[ft.Locale("ru", "RU")],
                                                           current_locale=ft.Locale("ru", "RU"))
        kept = KeptSession(options.role)
        page.update()  # the storage service reaches the browser before it is asked

        async def to_signin() -> None:
            await kept.forget()
            page.controls.clear()
            build_signin(page, app, signed_in, title=TITLES[options.role], role=SIGN_IN_ROLE.get(options.role))
            page.update()

        async def signed_in(signed) -> None:
            await kept.keep(signed.session.token)
            page.controls.clear()
            if options.role == "kiosk":
                refs = build_kiosk(page, signed, register=options.register, printer=options.printer,
                                   on_sign_out=to_signin, idle_after=options.idle_after)
                page.update()
                page.run_task(refs["watch_idle"])
                await refs["load_shift"]()
            elif options.role == "tablet":
                refs = build_tablet(page, signed, probe=options.probe, on_sign_out=to_signin)
                page.update()
                await refs["load_routes"]()
            else:
                build_office(page, signed, on_sign_out=to_signin, inbox=options.inbox, files=options.files)
                page.update()

        token = await kept.get()
        if token is not None:
            try:
                signed = await off_loop(app.users.resume, token)
            except Failed:
                signed = None  # ended meanwhile: sign in again
            if signed is not None and (options.role not in SIGN_IN_ROLE
                                       or signed.session.role == SIGN_IN_ROLE[options.role]):
                await signed_in(signed)
                return
        await to_signin()

    return main


def _open_kiosk_window(url: str, host: str, port: int) -> str | None:
    """Chromium full screen as an app window on ``url`` once the server answers — when a display and Chromium
    exist; otherwise says why not (the screen is served all the same)."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "нет дисплея (DISPLAY): откройте адрес в браузере на экране киоска"
    browser = next((found for name in CHROMIUM if (found := shutil.which(name))), None)
    if browser is None:
        return "Chromium не найден (apt-get install chromium): откройте адрес в любом браузере"

    def launch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # another process's server: poll until it accepts
            try:
                with socket.create_connection((host, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        subprocess.Popen([browser, "--kiosk", f"--app={url}", "--no-first-run", "--disable-translate",
                          "--overscroll-history-navigation=0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    threading.Thread(target=launch, daemon=True, name="kiosk-window").start()
    return None


def serve(app, *, host: str = "127.0.0.1", port: int = 8550, open_browser: bool = False,
          options: ScreenOptions | None = None, kiosk_window: bool = False) -> str | None:
    """Serve the screens until interrupted (blocking): a web server only — no browser is opened unless asked
    (``FLET_FORCE_WEB_SERVER``: Flet would otherwise try its desktop client, a download that fails offline).
    With ``kiosk_window`` Chromium opens full screen on the address when it can."""
    if not open_browser:
        os.environ["FLET_FORCE_WEB_SERVER"] = "1"
    if kiosk_window:
        why = _open_kiosk_window(f"http://{host}:{port}/", host, port)
        if why:
            print(f"Окно киоска не открыто: {why}")
    options = options or ScreenOptions()
    if options.files is not None:
        options.files.mkdir(parents=True, exist_ok=True)
        sweep_files(options.files)  # what earlier runs left beyond its time (``common.SCREEN_FILES_KEPT``)
    ft.run(screen(app, options), view=ft.AppView.WEB_BROWSER, host=host, port=port, no_cdn=True,
           assets_dir=str(options.files) if options.files is not None else None)
    return None


__all__ = ["ROLES_SCREENS", "ScreenOptions", "screen", "serve"]
