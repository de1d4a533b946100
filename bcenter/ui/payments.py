"""Платежи: a bank registry loaded with its preview first, the suspense queue worked off, a payment reversed.

Registries arrive as files (by e-mail, from the bank's client, on a stick) into the office's inbox folder — the
folder the screen was started with (``bcenter ui --inbox``; by default the database's own folder, where ``make demo``
writes its day's registry). The operator picks a file and its profile and sees what would be loaded
(``app.payments.import_registry(dry_run=True)``: lines, total, payments to unknown accounts); «Загрузить» loads it,
all or nothing; a file whose every line repeats lines loaded before is refused unless «это новые платежи» is
ticked. A suspense line is made a payment of the account the operator names (``app.payments.resolve``). A wrong
payment is reversed from the account card, where it is seen (``ui.office``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import flet as ft

from bcenter.app.payments import registry_profiles
from bcenter.ui.common import Failed, error_text, off_loop, rub, updating

REGISTRY_SUFFIXES = (".txt", ".csv", ".dbf", ".dat", ".reg")


def inbox_files(folder: Path | None) -> list[Path]:
    """The registry files waiting in ``folder``, newest first."""
    if folder is None or not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REGISTRY_SUFFIXES),
                  key=lambda p: (-p.stat().st_mtime, p.name))


def _profile_for(name: str) -> str:
    low = name.lower()
    return "dbf" if low.endswith(".dbf") else "csv" if low.endswith(".csv") else "sber"


def build_payments(page: ft.Page, app, *, inbox: Path | None) -> tuple[ft.Control, dict]:
    """The payments section over ``app`` (acting as the signed-in user) and its refs; ``refs["load"]()`` fills it."""
    state: dict[str, Any] = {"preview": None}
    files = ft.Dropdown(label="Реестр из папки входящих", width=420, key="registry_file")
    profiles = ft.Dropdown(label="Формат", width=220, key="registry_profile", value="sber",
                           options=[ft.DropdownOption(key=p.name, text=p.name) for p in registry_profiles()[0]])
    preview = ft.Button("Просмотреть", icon=ft.Icons.PREVIEW, key="registry_preview")
    load_button = ft.Button("Загрузить", icon=ft.Icons.UPLOAD_FILE, key="registry_load", disabled=True)
    repeats = ft.Checkbox(label="это новые платежи", value=False, key="registry_repeats_ok",
                          tooltip="Все строки файла совпадают с загруженными ранее, но по выписке банка это новые "
                                  "платежи: загрузить их в невыясненные для сверки")
    summary = ft.Column(spacing=4, key="registry_summary")
    suspense = ft.Column(spacing=6, key="suspense")
    error = error_text("payments_error")
    where = ft.Text(f"Папка входящих: {inbox}" if inbox else "Папка входящих не задана (bcenter ui --inbox ПАПКА)",
                    size=13, key="inbox")

    def chosen() -> Path:
        if not files.value:
            raise Failed("Выберите файл реестра" + ("" if files.options else
                                                   f": в папке {inbox} нет реестров (*.txt, *.csv, *.dbf)"))
        return Path(files.value)

    def describe(r) -> list[ft.Control]:
        out = [ft.Text(f"{r.file_name} ({r.profile}, {r.agent}): строк {r.lines} на {rub(r.total)} ₽",
                       weight=ft.FontWeight.BOLD, key="registry_head"),
               ft.Text(f"на известные лицевые счета: {r.payments} на {rub(r.paid)} ₽"),
               ft.Text(f"в невыясненные: {r.suspense} на {rub(r.suspense_total)} ₽", key="registry_suspense")]
        if r.known:
            out.append(ft.Text(f"уже загружены раньше (пропускаются): {r.known} на {rub(r.known_total)} ₽"))
        if r.repeats:
            out.append(ft.Text(f"возможные повторы (нет номера операции) — в невыясненные: {len(r.repeats)} на "
                               f"{rub(r.repeats_total)} ₽; сверьте с выпиской банка", key="registry_repeats",
                               color=ft.Colors.ORANGE_800))
        out += [ft.Text(f"строка {line}: лицевого счёта {number} нет", size=13, color=ft.Colors.ORANGE_800)
                for line, number in r.unknown_accounts[:20]]
        if r.readings or r.readings_refused:
            out.append(ft.Text(f"показаний: {r.readings}, не принято: {len(r.readings_refused)}"))
        return out

    async def load(_e=None) -> None:
        found = inbox_files(inbox)
        files.options = [ft.DropdownOption(key=str(p), text=p.name) for p in found]
        if files.value not in {str(p) for p in found}:
            files.value = str(found[0]) if found else None
            if found:
                profiles.value = _profile_for(found[0].name)
        await load_suspense()

    async def load_suspense() -> None:
        try:
            rows = await off_loop(app.payments.suspense)
        except Failed as exc:
            error.value = exc.message
            return
        suspense.controls = [ft.Text(f"Невыясненные платежи: {len(rows)}" if rows else "Невыясненных платежей нет",
                                     weight=ft.FontWeight.BOLD, key="suspense_head")]
        for row in rows[:50]:
            account = ft.TextField(label="Лицевой счёт", width=200, key=f"suspense_account:{row.id[-8:]}")
            button = ft.Button("Разнести", key=f"suspense_resolve:{row.id[-8:]}", data=(row.id, account))
            button.on_click = resolve
            why = ft.TextField(label="Причина возврата", width=220, key=f"suspense_why:{row.id[-8:]}")
            back = ft.Button("Вернуть", key=f"suspense_return:{row.id[-8:]}", data=(row.id, why))
            back.on_click = return_
            suspense.controls.append(ft.Row([
                ft.Text(f"{row.paid_on:%d.%m.%Y}  {rub(row.amount)} ₽  «{row.account_number or '—'}» "
                        f"({row.registry or 'вручную'}, строка {row.line_no or '—'}): {row.reason}", expand=True),
                account, button, why, back], key=f"suspense:{row.id[-8:]}", wrap=True))

    async def do_preview(_e=None) -> None:
        error.value = ""
        load_button.disabled = True
        try:
            r = await off_loop(app.payments.import_registry, chosen(), profile=profiles.value or "sber",
                               dry_run=True, repeats=bool(repeats.value))
        except Failed as exc:
            summary.controls = []
            error.value = exc.message
            return
        state["preview"] = (files.value, profiles.value, bool(repeats.value))
        summary.controls = [ft.Text("Будет загружено:", key="registry_will")] + describe(r)
        load_button.disabled = False

    async def do_load(_e=None) -> None:
        error.value = ""
        if state["preview"] != (files.value, profiles.value, bool(repeats.value)):
            error.value = "Сначала просмотрите этот реестр"
            return
        try:
            r = await off_loop(app.payments.import_registry, chosen(), profile=profiles.value or "sber",
                               repeats=bool(repeats.value))
        except Failed as exc:
            error.value = exc.message
            return
        state["preview"] = None
        load_button.disabled = True
        summary.controls = [ft.Text("Реестр загружен:", key="registry_loaded", color=ft.Colors.GREEN_800)] + \
            describe(r)
        await load_suspense()

    async def resolve(e) -> None:
        error.value = ""
        sid, account = e.control.data
        try:
            done = await off_loop(app.payments.resolve, sid, account=(account.value or "").strip())
        except Failed as exc:
            error.value = exc.message
            return
        await load_suspense()
        suspense.controls[1:1] = [ft.Text(f"Платёж разнесён на лицевой счёт {account.value}",
                                          color=ft.Colors.GREEN_800, key="suspense_done")] + \
            [ft.Text(text, size=13, key=f"suspense_readings:{n}") for n, text in enumerate(done.readings_text())]

    async def return_(e) -> None:
        error.value = ""
        sid, why = e.control.data
        try:
            await off_loop(app.payments.return_, sid, reason=(why.value or "").strip())
        except Failed as exc:
            error.value = exc.message
            return
        await load_suspense()
        suspense.controls.insert(1, ft.Text(f"Платёж отмечен возвращённым: {why.value.strip()}",
                                            color=ft.Colors.GREEN_800, key="suspense_returned"))

    load, do_preview = updating(page, load), updating(page, do_preview)
    do_load, resolve, return_ = (updating(page, h, once=True) for h in (do_load, resolve, return_))
    preview.on_click, load_button.on_click = do_preview, do_load

    def changed(_e=None) -> None:
        load_button.disabled = state["preview"] != (files.value, profiles.value, bool(repeats.value))

    files.on_select = profiles.on_select = changed
    repeats.on_change = changed
    section = ft.Column([ft.Text("Платежи", size=20, weight=ft.FontWeight.BOLD), where,
                         ft.Row([files, profiles, repeats, preview, load_button], wrap=True), summary, error,
                         ft.Divider(), suspense],
                        spacing=10, key="payments")
    return section, {"files": files, "profiles": profiles, "preview": preview, "load_registry": load_button,
                     "repeats": repeats, "summary": summary, "suspense": suspense, "error": error, "load": load}


__all__ = ["build_payments", "inbox_files"]
