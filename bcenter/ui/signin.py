"""Вход: login, password, and the role when the user has several — over ``app.users.sign_in``; what it refuses
(a wrong password, a disabled user, too many attempts with the wait left) is shown under the form."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import flet as ft

from bcenter.app.users import ROLE_NAMES
from bcenter.ui.common import Failed, error_text, off_loop, updating


def build_signin(page: ft.Page, app, on_signed: Callable[[object], Awaitable[None] | None], *,
                 title: str = "Биллинговый Центр — вход", role: str | None = None) -> dict:
    """The sign-in form on ``page``; ``on_signed(signed)`` gets ``app.users.SignedIn``; with ``role`` the session is
    in that role (the kiosk signs in its cashier) and the role is not asked. Returns refs."""
    login = ft.TextField(label="Логин", autofocus=True, width=320, key="login")
    password = ft.TextField(label="Пароль", password=True, can_reveal_password=True, width=320, key="password")
    fixed = role
    role_field = ft.Dropdown(label="Роль (если их несколько)", width=320, key="role",
                       options=[ft.DropdownOption(key="", text="—")] +
                       [ft.DropdownOption(key=r, text=name) for r, name in ROLE_NAMES.items()], visible=role is None)
    error = error_text("signin_error")
    button = ft.Button("Войти", icon=ft.Icons.LOGIN, key="signin", width=320)

    async def submit(_e=None) -> None:
        error.value = ""
        button.disabled = True
        page.update()
        try:
            signed = await off_loop(app.users.sign_in, login.value or "", password.value or "",
                                    role=fixed or role_field.value or None)
        except Failed as exc:
            error.value = exc.message
            password.value = ""
            return
        finally:
            button.disabled = False
        result = on_signed(signed)
        if result is not None:
            await result

    submit = updating(page, submit, once=True)
    button.on_click = submit
    password.on_submit = submit
    page.title = title
    page.add(ft.Column([ft.Text(title, size=24, weight=ft.FontWeight.BOLD), login, password, role_field, button, error],
                       spacing=16))
    return {"login": login, "password": password, "role": role_field, "signin": button, "error": error}


__all__ = ["build_signin"]
