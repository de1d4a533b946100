"""Счета (ЕПД) on the office screen: the month's bills of a house or of one account printed to a PDF and opened in a
new browser tab (``app.bills.print``, the same batch as ``bcenter bills``).

The PDF is written into the screen's files folder (``ui.main``: served by the screen's web server, beside the
database) under a random name — the link is the only way to it; each new print replaces the previous one of this
browser tab. Long batches (a house of hundreds of flats) run in a worker with the progress bar and «Остановить»."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import flet as ft

from bcenter.app import Job
from bcenter.core.period import Period
from bcenter.ui.common import Failed, error_text, screen_folder, updating, with_job

KINDS = (("monthly", "счёт за месяц"), ("debt", "счёт на долг"), ("advance", "счёт на аванс"))


def build_bills(page: ft.Page, app, *, files: Path | None, today: date) -> tuple[ft.Control, dict]:
    """The bills section over ``app`` and its refs; PDFs go to ``files`` (served at the site's root)."""
    state: dict[str, Any] = {"last": None, "job": None}
    period = ft.TextField(label="Месяц (ГГГГ-ММ)", width=160, value=str(Period.of(today) - 1), key="bills_period")
    house = ft.TextField(label="Дом (код)", width=180, key="bills_house")
    account = ft.TextField(label="или лицевой счёт", width=200, key="bills_account")
    kind = ft.Dropdown(label="Вид", width=200, value="monthly", key="bills_kind",
                       options=[ft.DropdownOption(key=k, text=t) for k, t in KINDS])
    make = ft.Button("Сформировать PDF", icon=ft.Icons.PICTURE_AS_PDF, key="bills_make")
    stop = ft.OutlinedButton("Остановить", icon=ft.Icons.STOP, key="bills_stop", visible=False)
    progress = ft.ProgressBar(width=480, value=0, visible=False, key="bills_progress")
    done = ft.Column(spacing=6, key="bills_done")
    error = error_text("bills_error")

    async def do_make(_e=None) -> None:
        error.value = ""
        done.controls = []
        if files is None:
            error.value = "Папка для файлов экрана не задана: счета печатает bcenter bills"
            return
        try:
            month = Period.parse((period.value or "").strip())
        except Exception:  # noqa: BLE001 - said at the field
            error.value = f"Месяц: «{period.value}» — укажите как ГГГГ-ММ"
            return
        house_code, number = (house.value or "").strip() or None, (account.value or "").strip() or None
        if house_code is None and number is None:
            error.value = "Укажите дом (код) или лицевой счёт: весь город печатает bcenter bills"
            return
        folder = screen_folder(files, "bills")
        out = folder / f"{uuid.uuid4().hex}.pdf"
        job = Job()
        state["job"] = job
        progress.value, progress.visible, stop.visible, make.disabled = 0, True, True, True
        page.update()
        try:
            result = await with_job(page, job, app.bills.print, month, out=out, kind=kind.value or "monthly",
                                    house=house_code, account=number,
                                    on_progress=lambda j: setattr(progress, "value", min(j.done / j.size, 1.0)))
        except Failed as exc:
            error.value = exc.message
            return
        finally:
            state["job"] = None
            progress.visible, stop.visible, make.disabled = False, False, False
        if state["last"] is not None:
            state["last"].unlink(missing_ok=True)
        state["last"] = out
        if not result.printed:
            out.unlink(missing_ok=True)
            done.controls = [ft.Text("Показывать нечего: у этих лицевых счетов в месяце нет начислений и долга",
                                     key="bills_none")]
            return
        link = f"/bills/{out.name}"
        done.controls = [
            ft.Text(f"Счетов: {result.printed}, страниц: {result.pages}"
                    + (f"; без счёта (нечего показать): {result.skipped}" if result.skipped else ""),
                    key="bills_result", weight=ft.FontWeight.BOLD),
            ft.TextButton("Открыть PDF", icon=ft.Icons.OPEN_IN_NEW, url=link, key="bills_open")]
        state["link"] = link

    def do_stop(_e=None) -> None:
        if state["job"] is not None:
            state["job"].cancel()

    do_make = updating(page, do_make, once=True)
    make.on_click, stop.on_click = do_make, do_stop
    section = ft.Column([ft.Text("Счета", size=20, weight=ft.FontWeight.BOLD),
                         ft.Row([period, house, account, kind, make, stop], wrap=True), progress, error, done],
                        spacing=10, key="bills")
    return section, {"period": period, "house": house, "account": account, "kind": kind, "make": make,
                     "stop": stop, "progress": progress, "done": done, "error": error, "state": state}


__all__ = ["build_bills"]
