"""Должники on the office screen (issue 20): the list of debtors by criteria, a notice or a case for the one chosen,
the open cases and a case's card — its timeline, amounts, next stage, money recovered, the court application as a
PDF behind a link (``app.collection``, the same use cases as ``bcenter debtors`` and ``bcenter cases``)."""
from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import flet as ft

from bcenter.app.collection import INCLUDE_BARRED_LABEL, Criteria
from bcenter.core.dates import parse_date
from bcenter.core.money import format_rub_ru, parse_rub_ru
from bcenter.ui.common import Failed, error_text, off_loop, screen_folder, updating

NOTICES = (("reminder", "Напоминание"), ("restriction", "Предупреждение об ограничении"), ("pretrial", "Претензия"))
STAGES = (("order_issued", "Приказ вынесен"), ("order_cancelled", "Приказ отменён"), ("claim", "Подан иск"),
          ("judgment", "Решение суда"), ("enforcement", "Исполнительный документ / ФССП"))


def _rub(text: str | None) -> int:
    """An amount typed in rubles («12 000,00»), empty as 0; a bad one is refused in the use case's worker."""
    return parse_rub_ru(text.strip()) if (text or "").strip() else 0


def _day(text: str | None) -> date | None:
    """A date typed as ГГГГ-ММ-ДД, empty as None (today)."""
    return parse_date(text.strip()) if (text or "").strip() else None


def _opened_text(opened: list) -> str:
    """What the screen says of the cases just filed: each with its months, debtors, price and duty (a month's debt is
    claimed from those liable for it: one case per set of debtors)."""
    parts = [f"{c.number} (месяцы {c.months}; {'; '.join(d.name for d in c.debtors)}): цена "
             f"{format_rub_ru(c.price)}, госпошлина {format_rub_ru(c.duty)}" for c in opened]
    left = "".join(f". Не взыскивается: {text}" for text in opened[0].not_claimed) if opened else ""
    if len(opened) == 1:
        return f"Заведено дело {opened[0].number}: цена {format_rub_ru(opened[0].price)}, госпошлина " \
               f"{format_rub_ru(opened[0].duty)}{left}"
    return f"Заведено дел: {len(opened)} — по одному на каждый состав должников: " + "; ".join(parts) + left


def build_collection(page: ft.Page, app, *, files: Path | None, today: date) -> tuple[ft.Control, dict]:
    """The debt collection section over ``app``; documents go to ``files`` (served at the site's root)."""
    state: dict[str, Any] = {"account": None, "case": None}
    months = ft.TextField(label="Месяцев долга от", width=170, value="3", key="debtors_months")
    min_debt = ft.TextField(label="Долг от, руб.", width=170, key="debtors_min")
    service = ft.TextField(label="Услуга (код)", width=140, key="debtors_service")
    house = ft.TextField(label="Дом (код)", width=120, key="debtors_house")
    not_in_court = ft.Checkbox(label="без дела в суде", value=False, key="debtors_not_in_court")
    find = ft.Button("Показать", icon=ft.Icons.SEARCH, key="debtors_find")
    rows = ft.Column(spacing=2, key="debtors_rows")
    total = ft.Text("", key="debtors_total")
    error = error_text("collection_error")
    notice = ft.Text("", key="collection_notice", color=ft.Colors.GREEN_800)
    issued = ft.Column(spacing=2, key="collection_issued")
    # the chosen debtor: a notice, a case
    chosen = ft.Text("", key="debtor_chosen", weight=ft.FontWeight.BOLD)
    kind = ft.Dropdown(label="Документ", width=280, value="reminder", key="notice_kind",
                       options=[ft.DropdownOption(key=k, text=t) for k, t in NOTICES])
    notice_service = ft.TextField(label="Услуга для предупреждения", width=200, value="electricity",
                                  key="notice_service")
    issue = ft.Button("Выдать", icon=ft.Icons.DESCRIPTION, key="notice_issue")
    court = ft.TextField(label="Кому (суд)", width=360, key="case_court",
                         value="мировому судье судебного участка № 1")
    filed = ft.TextField(label="Дата подачи", width=140, value=today.isoformat(), key="case_filed")
    barred = ft.Checkbox(label=INCLUDE_BARRED_LABEL, value=False, key="case_include_barred")
    open_case = ft.Button("Завести дело (судебный приказ)", icon=ft.Icons.GAVEL, key="case_open")
    debtor_box = ft.Column([chosen, ft.Row([kind, notice_service, issue], wrap=True),
                            ft.Row([court, filed, barred, open_case], wrap=True)], visible=False, key="debtor_box")
    # cases
    case_rows = ft.Column(spacing=2, key="case_rows")
    card = ft.Column(spacing=2, key="case_card")
    stage = ft.Dropdown(label="Следующий шаг", width=280, value="order_issued", key="case_stage",
                        options=[ft.DropdownOption(key=k, text=t) for k, t in STAGES])
    stage_day = ft.TextField(label="Дата", width=130, value=today.isoformat(), key="case_stage_day")
    stage_number = ft.TextField(label="Номер (дела, приказа, ИП)", width=200, key="case_stage_number")
    stage_received = ft.TextField(label="Приказ получен должником", width=200, key="case_stage_received",
                                  hint_text="ГГГГ-ММ-ДД", tooltip="С этого дня — 10 рабочих дней на возражения "
                                                                  "(ст. 128 ГПК РФ)")
    advance = ft.Button("Записать шаг", icon=ft.Icons.ARROW_FORWARD, key="case_advance")
    amount = ft.TextField(label="Взыскано, руб.", width=140, key="case_amount")
    recover = ft.Button("Поступило от ФССП", icon=ft.Icons.PAYMENTS, key="case_recover")
    document = ft.Button("Заявление в суд (PDF)", icon=ft.Icons.PICTURE_AS_PDF, key="case_document")
    case_box = ft.Column([card, ft.Row([stage, stage_day, stage_number, stage_received, advance], wrap=True),
                          ft.Row([amount, recover, document], wrap=True)], visible=False, key="case_box")

    def _link(number: str, title: str, pdf: bytes) -> None:
        if files is None:
            issued.controls.insert(0, ft.Text(f"{title} № {number} выдан (папка для файлов экрана не задана)",
                                              key=f"issued:{number}"))
            return
        folder = screen_folder(files, "collection")
        out = folder / f"{uuid.uuid4().hex}.pdf"
        out.write_bytes(pdf)
        issued.controls.insert(0, ft.Row([ft.Text(f"{title} № {number}", key=f"issued:{number}"),
                                          ft.TextButton("Открыть PDF", icon=ft.Icons.OPEN_IN_NEW,
                                                        url=f"/collection/{out.name}", key=f"open:{number}")]))

    async def load(_e=None) -> None:
        error.value = ""
        text = (months.value or "").strip() or "0"
        if not text.isdigit():
            error.value = f"«{text}»: число месяцев — целое число"
            return

        def criteria() -> Criteria:
            return Criteria(min_debt=_rub(min_debt.value), min_months=int(text),
                            service=(service.value or "").strip() or None, house=(house.value or "").strip() or None,
                            not_in_court=bool(not_in_court.value))

        try:
            found = await off_loop(lambda: app.collection.debtors(criteria()))
            open_cases = await off_loop(app.collection.cases)
        except Failed as exc:
            error.value = exc.message
            return
        rows.controls = [ft.TextButton(
            f"{r.account} · {format_rub_ru(r.debt)} · мес.: {r.months} (с {r.oldest}) · {r.payer}, {r.address}"
            + (f" · {'дело' if len(r.cases) == 1 else 'дела'} {r.case}" if r.cases else ""), data=r.account,
            key=f"debtor:{r.account}", on_click=pick)
            for r in found] or [ft.Text("Должников по этим условиям нет", key="debtors_none")]
        total.value = f"Должников: {len(found)}, просрочено {format_rub_ru(sum(r.debt for r in found))}"
        case_rows.controls = [ft.TextButton(
            f"{c.number} · ЛС {c.account} · {c.debtors} · {c.stage_name} · долг {format_rub_ru(c.principal)}",
            data=c.number, key=f"case:{c.number}", on_click=pick_case) for c in open_cases] or [
            ft.Text("Открытых дел нет", key="cases_none")]

    async def pick(e) -> None:
        state["account"] = e.control.data
        chosen.value = f"Лицевой счёт {e.control.data}"
        debtor_box.visible = True

    async def show_case(number: str) -> None:
        try:
            c = await off_loop(app.collection.case, number)
            papers = await off_loop(lambda: app.collection.documents(case=number))
        except Failed as exc:
            error.value = exc.message
            return
        state["case"] = number
        lines = [f"Дело {c.number}: ЛС {c.account}, {c.debtors_text}", f"Стадия: {c.stage_name}",
                 f"Основной долг {format_rub_ru(c.principal)}, пени {format_rub_ru(c.penalties)}, госпошлина "
                 f"{format_rub_ru(c.duty)}; взыскано {format_rub_ru(c.recovered)}, осталось {format_rub_ru(c.owed)}"]
        lines += [f"Не взыскивается: {text}" for text in c.not_claimed]
        if c.objection_deadline and c.stage == "order_issued":
            lines.append(f"Возражения должника — по {c.objection_deadline:%d.%m.%Y}")
        lines += [f"{e.day:%d.%m.%Y} — {e.name}" + (f", № {e.number}" if e.number else "")
                  + (f": {e.note}" if e.note else "") for e in c.events]
        lines += [f"Документ {d.number} от {d.issued_on:%d.%m.%Y}: {d.name}" for d in papers]
        card.controls = [ft.Text(line, key=f"case_line:{i}", weight=ft.FontWeight.BOLD if i == 0 else None)
                         for i, line in enumerate(lines)]
        case_box.visible = True

    async def pick_case(e) -> None:
        await show_case(e.control.data)

    async def run(call, done, **kwargs):
        error.value, notice.value = "", ""
        try:
            result = await off_loop(call, **kwargs)
        except Failed as exc:
            error.value = exc.message
            return None
        notice.value = done(result)
        return result

    async def do_issue(_e=None) -> None:
        if not state["account"]:
            return
        doc = await run(lambda **k: app.collection.notice(state["account"], **k),
                        lambda r: f"Выдан документ {r.number}",
                        kind=kind.value or "reminder",
                        service=(notice_service.value or "").strip() if kind.value == "restriction" else None)
        if doc is not None:
            _link(doc.number, dict(NOTICES)[doc.kind], doc.pdf)

    async def do_open(_e=None) -> None:
        if not state["account"]:
            return
        opened = await run(lambda: app.collection.open_case(state["account"], filed_on=_day(filed.value),
                                                            court=(court.value or "").strip() or None,
                                                            include_barred=bool(barred.value)),
                           _opened_text)
        if opened:
            await load()
            await show_case(opened[0].number)

    async def do_advance(_e=None) -> None:
        if not state["case"]:
            return
        if await run(lambda: app.collection.advance(state["case"], stage=stage.value or "order_issued",
                                                    day=_day(stage_day.value),
                                                    court_number=(stage_number.value or "").strip() or None,
                                                    received_on=_day(stage_received.value)),
                     lambda r: f"Дело {r.number}: {r.stage_name}") is not None:
            await show_case(state["case"])
            await load()

    async def do_recover(_e=None) -> None:
        if not state["case"]:
            return
        if await run(lambda: app.collection.recover(state["case"], amount=_rub(amount.value)),
                     lambda r: f"{r.number}: в долг по месяцам дела {format_rub_ru(r.principal)}"
                               + ("; дело закрыто: долг погашен" if r.closed else "")) is not None:
            await show_case(state["case"])
            await load()

    async def do_document(_e=None) -> None:
        if not state["case"]:
            return
        doc = await run(lambda: app.collection.court_document(state["case"]), lambda r: f"Выдан документ {r.number}")
        if doc is not None:
            _link(doc.number, "Заявление в суд", doc.pdf)
            await show_case(state["case"])

    load, pick, pick_case = updating(page, load), updating(page, pick), updating(page, pick_case)
    do_issue, do_open, do_advance, do_recover, do_document = (
        updating(page, h, once=True) for h in (do_issue, do_open, do_advance, do_recover, do_document))
    find.on_click = load
    issue.on_click, open_case.on_click, advance.on_click = do_issue, do_open, do_advance
    recover.on_click, document.on_click = do_recover, do_document
    section = ft.Column([
        ft.Text("Должники", size=20, weight=ft.FontWeight.BOLD),
        ft.Row([months, min_debt, service, house, not_in_court, find], wrap=True), error, notice, total, rows,
        debtor_box, issued, ft.Divider(), ft.Text("Судебные дела", weight=ft.FontWeight.BOLD), case_rows, case_box],
        spacing=10, key="collection")
    return section, {"months": months, "min_debt": min_debt, "service": service, "house": house,
                     "not_in_court": not_in_court, "find": find, "rows": rows, "total": total, "error": error,
                     "notice": notice, "issued": issued, "debtor_box": debtor_box, "kind": kind,
                     "notice_service": notice_service, "issue": issue, "court": court, "filed": filed,
                     "open_case": open_case, "include_barred": barred, "case_rows": case_rows, "card": card,
                     "case_box": case_box,
                     "stage": stage, "stage_day": stage_day, "stage_number": stage_number,
                     "stage_received": stage_received, "advance": advance,
                     "amount": amount, "recover": recover, "document": document, "load": load, "state": state}


__all__ = ["build_collection"]
