"""Картотека: houses, premises, accounts, tariffs and norms — pick a record, change its fields, save; what the checks
refuse is said under the field (``app.registry.edit`` raises ``FieldErrors`` by field). A tariff or a norm gets a
new value from a date (``app.registry.new_rate``): a new record, the old one closed — the months it priced keep it.
A saved change is recalculated by the next month run, which names it as the reason."""
from __future__ import annotations

from typing import Any

import flet as ft

from bcenter.app.registry import FIELDS, KINDS, FieldErrors
from bcenter.ui.common import Failed, error_text, off_loop, updating

KIND_TITLES = {"house": "Дома", "premises": "Помещения", "account": "Лицевые счета", "tariff": "Тарифы",
               "norm": "Нормативы"}


def build_registry(page: ft.Page, app) -> tuple[ft.Control, dict]:
    """The registry section over ``app`` and its refs; ``refs["load"]()`` lists the chosen kind's records."""
    state: dict[str, Any] = {"record": None, "inputs": {}}
    kind = ft.Dropdown(label="Раздел", width=220, value="house", key="registry_kind",
                       options=[ft.DropdownOption(key=k, text=t) for k, t in KIND_TITLES.items()])
    find = ft.TextField(label="Код или часть названия", width=320, key="registry_find")
    records = ft.Column(spacing=0, key="registry_records", height=260, scroll=ft.ScrollMode.AUTO)
    title = ft.Text("", size=18, weight=ft.FontWeight.BOLD, key="registry_title")
    form = ft.Column(spacing=8, key="registry_form")
    save = ft.Button("Сохранить", icon=ft.Icons.SAVE, key="registry_save", visible=False)
    saved = ft.Text("", key="registry_saved", color=ft.Colors.GREEN_800)
    rate_from = ft.TextField(label="Новое значение с (ДД.ММ.ГГГГ)", width=240, key="rate_from")
    rate_value = ft.TextField(label="Новое значение", width=200, key="rate_value", text_align=ft.TextAlign.RIGHT)
    rate_button = ft.OutlinedButton("Ввести с даты", icon=ft.Icons.EVENT, key="rate_new")
    rate_row = ft.Row([rate_from, rate_value, rate_button], visible=False, key="rate_row")
    error = error_text("registry_error")

    async def load(_e=None) -> None:
        error.value = ""
        try:
            found = await off_loop(app.registry.records, kind.value or "house", (find.value or "").strip())
        except Failed as exc:
            error.value = exc.message
            records.controls = []
            return
        records.controls = [ft.ListTile(title=ft.Text(t), subtitle=ft.Text(c), dense=True, data=c,
                                        key=f"record:{c}", on_click=pick) for c, t in found] or [
            ft.Text(f"Ничего нет по «{find.value}»: наберите часть кода или адреса" if find.value else "Записей нет")]

    def show(record) -> None:
        state["record"] = record
        title.value = f"{KINDS[record.kind][2].capitalize()} «{record.code}»: {record.title}"
        inputs = {}
        for f in FIELDS[record.kind]:
            value = record.values.get(f.path, "")
            if f.kind == "choice":
                control = ft.Dropdown(label=f.label, value=value or None, width=320, key=f"field:{f.path}",
                                      options=[ft.DropdownOption(key=k, text=t) for k, t in f.choices])
            else:
                control = ft.TextField(label=f.label + (" *" if f.required else ""), value=value, width=320,
                                       key=f"field:{f.path}",
                                       text_align=ft.TextAlign.RIGHT if f.kind in ("decimal", "int") else None)
            inputs[f.path] = control
        state["inputs"] = inputs
        form.controls = list(inputs.values())
        save.visible = True
        rate_row.visible = record.kind in ("tariff", "norm")

    async def pick(e) -> None:
        error.value = saved.value = ""
        try:
            show(await off_loop(app.registry.record, kind.value, e.control.data))
        except Failed as exc:
            error.value = exc.message

    def said(exc: FieldErrors | None) -> None:
        """Each refused field says why under itself; the others are cleared."""
        for path, control in state["inputs"].items():
            why = exc.fields.get(path) if exc is not None else None
            if isinstance(control, ft.Dropdown):
                control.error_text = why
            else:
                control.error = why

    async def do_save(_e=None) -> None:
        error.value = saved.value = ""
        record = state["record"]
        if record is None:
            return
        values = {p: c.value for p, c in state["inputs"].items() if (c.value or "") != record.values.get(p, "")}
        if not values:
            said(None)
            saved.value = "Ничего не изменено"
            return
        try:
            stored, changed = await off_loop(app.registry.edit, record.kind, record.code, values)
        except Failed as exc:
            said(exc.refusal if isinstance(exc.refusal, FieldErrors) else None)
            error.value = exc.message
            return
        said(None)
        show(stored)
        saved.value = ("Сохранено: " + "; ".join(changed) + ". Начисления пересчитает следующий расчёт месяца"
                       if changed else "Сохранено")

    async def do_rate(_e=None) -> None:
        error.value = saved.value = ""
        record = state["record"]
        try:
            stored = await off_loop(app.registry.new_rate, record.kind, record.code, start=rate_from.value or "",
                                    value=rate_value.value or "")
        except Failed as exc:
            fields = exc.refusal.fields if isinstance(exc.refusal, FieldErrors) else {}
            rate_from.error = fields.get("from")
            rate_value.error = fields.get("rate") or fields.get("value")
            error.value = exc.message
            return
        rate_from.error = rate_value.error = None
        rate_from.value = rate_value.value = ""
        show(stored)
        saved.value = f"Введено новое значение: {stored.title}; прежнее закрыто"
        await load()

    load, pick = updating(page, load), updating(page, pick)
    do_save, do_rate = updating(page, do_save, once=True), updating(page, do_rate, once=True)
    kind.on_select = load
    find.on_change = find.on_submit = load
    save.on_click = do_save
    rate_button.on_click = do_rate
    section = ft.Column([ft.Text("Картотека", size=20, weight=ft.FontWeight.BOLD), ft.Row([kind, find]), records,
                         ft.Divider(), title, form, ft.Row([save, saved]), rate_row, error],
                        spacing=10, key="registry")
    return section, {"kind": kind, "find": find, "records": records, "title": title, "form": form, "save": save,
                     "saved": saved, "rate_from": rate_from, "rate_value": rate_value, "rate_new": rate_button,
                     "error": error, "load": load, "state": state}


__all__ = ["build_registry"]
