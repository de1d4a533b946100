"""Паспортный стол on the office screen (issue 18): the premises card of an account (owners, who is and was
registered — with documents when «Показать документы» is ticked, for the roles that may: the service decides and
audits), registering a person, taking one off the register from a date (one press opens the form, the second
confirms), and the forms — printed to a PDF opened by its link, numbered and logged (``app.passport``, the same use
cases as ``bcenter passport``)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import flet as ft

from bcenter.core.dates import format_date_ru, parse_date
from bcenter.core.text import describe_private
from bcenter.ui.common import Failed, error_text, off_loop, screen_folder, updating

KIND_WORDS = {"permanent": "по месту жительства", "temporary": "по месту пребывания"}
FORMS = (("extract", "Выписка из домовой книги"), ("form10", "Поквартирная карточка (ф. 10)"),
         ("form9", "Карточка регистрации (ф. 9)"), ("family", "Справка о составе семьи"),
         ("form11", "Домовая книга (ф. 11)"))


def stay_end(last_day: str) -> str | None:
    """The end the desk stores for a stay typed «по» its last day (as the свидетельство о регистрации по месту
    пребывания states the term, ПП 713 п. 9): the first day without it (``app.passport.register``'s ``end``,
    EXCHANGE.md «registrations.to») — the last day itself is registered and counted. A date that does not parse
    goes on as typed, for the service to refuse in its words; nothing typed: None."""
    text = (last_day or "").strip()
    if not text:
        return None
    try:
        return (parse_date(text) + timedelta(days=1)).isoformat()
    except ValueError:  # core's InvalidValue: the service refuses it, naming the field
        return text


def _period(r) -> str:
    return f"с {format_date_ru(r.registered_from)}" + r.ended_text


def build_passport(page: ft.Page, app, *, files: Path | None, today: date) -> tuple[ft.Control, dict]:
    """The passport desk's section over ``app``; forms go to ``files`` (served at the site's root)."""
    state: dict[str, Any] = {"card": None, "leaving": None}
    account = ft.TextField(label="Лицевой счёт", width=200, key="passport_account")
    personal = ft.Checkbox(label="Показать документы", value=False, key="passport_personal")
    show = ft.Button("Открыть карточку", icon=ft.Icons.BADGE, key="passport_open")
    error = error_text("passport_error")
    notice = ft.Text("", key="passport_notice", color=ft.Colors.GREEN_800)
    card = ft.Column(spacing=4, key="passport_card")
    # registration
    last = ft.TextField(label="Фамилия", width=180, key="reg_last")
    first = ft.TextField(label="Имя", width=150, key="reg_first")
    middle = ft.TextField(label="Отчество", width=170, key="reg_middle")
    birth = ft.TextField(label="Дата рождения (ГГГГ-ММ-ДД)", width=220, key="reg_birth")
    series = ft.TextField(label="Серия паспорта", width=140, key="reg_series")
    number = ft.TextField(label="Номер паспорта", width=160, key="reg_number")
    kind = ft.Dropdown(label="Вид", width=260, value="permanent", key="reg_kind",
                       options=[ft.DropdownOption(key=k, text=t) for k, t in KIND_WORDS.items()])
    start = ft.TextField(label="С (ГГГГ-ММ-ДД)", width=160, value=today.isoformat(), key="reg_from")
    end = ft.TextField(label="По (последний день пребывания)", width=250, key="reg_to")
    relation = ft.TextField(label="Родственные отношения", width=200, key="reg_relation")
    register = ft.Button("Зарегистрировать", icon=ft.Icons.PERSON_ADD, key="reg_do")
    # de-registration (opened from a resident's row)
    leave_who = ft.Text("", key="leave_who")
    leave_on = ft.TextField(label="Снять с учёта с (ГГГГ-ММ-ДД)", width=240, value=today.isoformat(), key="leave_on")
    leave_to = ft.TextField(label="Куда выбыл", width=260, key="leave_to")
    leave_do = ft.Button("Снять с учёта", icon=ft.Icons.PERSON_REMOVE, key="leave_do")
    leave_box = ft.Column([leave_who, ft.Row([leave_on, leave_to, leave_do], wrap=True)], visible=False,
                          key="leave_box")
    # a person's data (a new passport, a phone): opened from a resident's row when the documents are shown
    who_edit = ft.Text("", key="person_who", weight=ft.FontWeight.BOLD)
    editing = {key: ft.TextField(label=label, width=width, key=f"person_{key}") for key, label, width in (
        ("document_series", "Серия", 110), ("document_number", "Номер", 140), ("document_issued_by", "Кем выдан", 320),
        ("document_issued_on", "Дата выдачи (ГГГГ-ММ-ДД)", 220), ("snils", "СНИЛС", 170), ("phone", "Телефон", 190))}
    save = ft.Button("Сохранить", icon=ft.Icons.SAVE, key="person_save")
    person_box = ft.Column([who_edit, ft.Row([*editing.values(), save], wrap=True)], visible=False, key="person_box")
    # documents
    form = ft.Dropdown(label="Документ", width=300, value="extract", key="doc_form",
                       options=[ft.DropdownOption(key=k, text=t) for k, t in FORMS])
    person = ft.Dropdown(label="Гражданин (для ф. 9 и справки)", width=320, key="doc_person", options=[])
    issue = ft.Button("Выдать PDF", icon=ft.Icons.PICTURE_AS_PDF, key="doc_issue")
    issued = ft.Column(spacing=4, key="doc_issued")

    def _draw(c) -> None:
        rows: list[ft.Control] = [
            ft.Text(f"{c.address} — {c.premises_kind}, {c.total_area or '—'} м²", weight=ft.FontWeight.BOLD,
                    key="card_address"),
            ft.Text(f"Владелец счёта: {c.holder}", key="card_holder"),
            ft.Text("Собственники: " + ("; ".join(f"{o.name} — {o.share} с {format_date_ru(o.since)}"
                                                   for o in c.owners) or "нет записей"), key="card_owners")]
        for r in c.residents:
            now = r.current(today)
            line = (f"{r.name} — {KIND_WORDS.get(r.kind, r.kind)} {_period(r)}"
                    + (f", {r.relation}" if r.relation else "") + ("" if now else " (не зарегистрирован сейчас)"))
            controls: list[ft.Control] = [ft.Text(line, key=f"resident:{r.code}", expand=True)]
            if r.private is not None:
                controls.append(ft.TextButton("Данные", data=r.code, key=f"edit:{r.code}", on_click=open_person))
            if now:
                controls.append(ft.TextButton("Снять с учёта", data=r.code, key=f"leave:{r.code}", on_click=open_leave))
            rows.append(ft.Row(controls))
            if r.private:
                rows.append(ft.Text("    " + describe_private(r.private), key=f"private:{r.code}", size=12,
                                    color=ft.Colors.GREY_800))
        card.controls = rows
        person.options = [ft.DropdownOption(key=r.code, text=r.name) for r in c.residents]
        if c.residents and person.value not in {r.code for r in c.residents}:
            person.value = c.residents[0].code

    async def load(_e=None) -> None:
        error.value = ""
        number_ = (account.value or "").strip()
        if not number_:
            error.value = "Укажите номер лицевого счёта"
            return
        try:
            c = await off_loop(app.passport.card, number_, personal=bool(personal.value))
        except Failed as exc:
            error.value, card.controls = exc.message, []
            state["card"] = None
            return
        state["card"] = c
        _draw(c)

    async def do_register(_e=None) -> None:
        from bcenter.app.passport import NewPerson

        error.value, notice.value = "", ""
        if state["card"] is None:
            error.value = "Сначала откройте карточку лицевого счёта"
            return
        private = {"birth_date": (birth.value or "").strip() or None,
                   "document_series": (series.value or "").strip() or None,
                   "document_number": (number.value or "").strip() or None}
        new = NewPerson((last.value or "").strip(), (first.value or "").strip(), (middle.value or "").strip() or None,
                        "passport_ru" if private["document_number"] else None, private)
        try:
            written = await off_loop(app.passport.register, state["card"].account, kind=kind.value or "permanent",
                                     start=(start.value or "").strip(), end=stay_end(end.value),
                                     new=new, relation=(relation.value or "").strip() or None)
        except Failed as exc:
            error.value = exc.message
            return
        for field in (last, first, middle, birth, series, number, end, relation):
            field.value = ""
        notice.value = (f"Зарегистрирован: {new.last_name} {new.first_name}. Месяцы с {written.recalculate_from} "
                        "пересчитает следующий расчёт месяца")
        await load()

    async def open_leave(e) -> None:
        state["leaving"] = e.control.data
        c = state["card"]
        who = next((r.name for r in c.residents if r.code == e.control.data), e.control.data) if c else ""
        leave_who.value = f"Снятие с регистрационного учёта: {who}"
        leave_box.visible = True

    async def do_leave(_e=None) -> None:
        error.value, notice.value = "", ""
        if state["leaving"] is None or state["card"] is None:
            return
        try:
            written = await off_loop(app.passport.deregister, state["card"].account, person=state["leaving"],
                                     on=(leave_on.value or "").strip(), departed_to=(leave_to.value or "").strip()
                                     or None)
        except Failed as exc:
            error.value = exc.message
            return
        state["leaving"], leave_box.visible, leave_to.value = None, False, ""
        notice.value = (f"Снят с учёта с {format_date_ru(parse_date((leave_on.value or '').strip()))}. Месяцы с "
                        f"{written.recalculate_from} пересчитает следующий расчёт месяца")
        await load()

    async def open_person(e) -> None:
        c = state["card"]
        resident = next((r for r in c.residents if r.code == e.control.data), None) if c else None
        if resident is None:
            return
        state["person"] = resident.code
        who_edit.value = f"Данные гражданина: {resident.name}"
        for key, field in editing.items():
            field.value = (resident.private or {}).get(key) or ""
        person_box.visible = True

    async def do_save(_e=None) -> None:
        error.value, notice.value = "", ""
        code = state.get("person")
        if code is None:
            return
        try:
            changed = await off_loop(app.passport.edit_person, code,
                                     private={k: (f.value or "").strip() for k, f in editing.items()})
        except Failed as exc:
            error.value = exc.message
            return
        person_box.visible = False
        notice.value = "Данные гражданина сохранены" if changed else "Ничего не изменилось"
        await load()

    async def do_issue(_e=None) -> None:
        error.value = ""
        if state["card"] is None:
            error.value = "Сначала откройте карточку лицевого счёта"
            return
        if files is None:
            error.value = "Папка для файлов экрана не задана: документы печатает bcenter passport extract"
            return
        wanted = form.value or "extract"
        try:
            doc = await off_loop(app.passport.issue, wanted, state["card"].account,
                                 person=person.value if wanted in ("form9", "family") else None)
        except Failed as exc:
            error.value = exc.message
            return
        folder = screen_folder(files, "passport")
        out = folder / f"{uuid.uuid4().hex}.pdf"
        out.write_bytes(doc.pdf)
        issued.controls.insert(0, ft.Row([
            ft.Text(f"{doc.title} № {doc.number}", key=f"issued:{doc.number}"),
            ft.TextButton("Открыть PDF", icon=ft.Icons.OPEN_IN_NEW, url=f"/passport/{out.name}",
                          key=f"open:{doc.number}")]))

    load, open_leave, open_person = updating(page, load), updating(page, open_leave), updating(page, open_person)
    do_register, do_leave, do_issue, do_save = (updating(page, h, once=True) for h in (do_register, do_leave, do_issue,
                                                                                       do_save))
    save.on_click = do_save
    show.on_click = account.on_submit = load
    personal.on_change = load
    register.on_click, leave_do.on_click, issue.on_click = do_register, do_leave, do_issue
    section = ft.Column([
        ft.Text("Паспортный стол", size=20, weight=ft.FontWeight.BOLD),
        ft.Row([account, show, personal], wrap=True), error, notice, card, leave_box, person_box, ft.Divider(),
        ft.Text("Регистрация гражданина", weight=ft.FontWeight.BOLD),
        ft.Row([last, first, middle, birth, series, number], wrap=True),
        ft.Row([kind, start, end, relation, register], wrap=True), ft.Divider(),
        ft.Text("Документы", weight=ft.FontWeight.BOLD), ft.Row([form, person, issue], wrap=True), issued],
        spacing=10, key="passport")
    return section, {"account": account, "personal": personal, "show": show, "error": error, "notice": notice,
                     "card": card, "last": last, "first": first, "middle": middle, "birth": birth,
                     "series": series, "number": number, "kind": kind, "start": start, "end": end,
                     "relation": relation, "register": register, "leave_box": leave_box, "leave_on": leave_on,
                     "leave_to": leave_to, "leave_do": leave_do, "form": form, "person": person, "issue": issue,
                     "issued": issued, "state": state, "person_box": person_box, "editing": editing, "save": save}


__all__ = ["build_passport"]
