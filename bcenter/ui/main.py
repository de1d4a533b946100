"""Starting the screens: ``bcenter ui`` serves them on 127.0.0.1 (unless told otherwise) in web mode with no CDN —
the browser gets everything from this machine (FLET.md §1). Each browser tab is a session: it signs in, then gets
the office screen acting as that user; signing out brings the sign-in form back."""
from __future__ import annotations

import os

import flet as ft

from bcenter.ui.office import build_office
from bcenter.ui.signin import build_signin

ROLES_SCREENS = ("office",)
"""The screens built so far (issue 16): the office; the kiosk and the reader's tablet come next."""


def screen(app):
    """The ``main(page)`` of one browser session over ``app`` (opened on the database by whoever serves)."""

    async def main(page: ft.Page) -> None:
        page.locale_configuration = ft.LocaleConfiguration(supported_locales=[ft.Locale("ru", "RU")],
                                                           current_locale=ft.Locale("ru", "RU"))

        def to_signin() -> None:
            page.controls.clear()
            build_signin(page, app, to_office)
            page.update()

        def to_office(signed) -> None:
            page.controls.clear()
            build_office(page, signed, on_sign_out=to_signin)
            page.update()

        to_signin()

    return main


def serve(app, *, host: str = "127.0.0.1", port: int = 8550, open_browser: bool = False) -> None:
    """Serve the screens until interrupted (blocking): a web server only — no browser is opened unless asked
    (``FLET_FORCE_WEB_SERVER``: Flet would otherwise try its desktop client, a download that fails offline)."""
    if not open_browser:
        os.environ["FLET_FORCE_WEB_SERVER"] = "1"
    ft.run(screen(app), view=ft.AppView.WEB_BROWSER, host=host, port=port, no_cdn=True)


__all__ = ["ROLES_SCREENS", "screen", "serve"]
