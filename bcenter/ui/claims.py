"""Заявки on the office screen (issue 19): the dispatcher's desk — new, overdue, mine, all open — by deadline, a
request taken by phone, assigned, closed with an answer, and one click from a request to an act of interruption
(``app.claims``, the same use cases as ``bcenter claims``)."""
from __future__ import annotations

from typing import Any

import flet as ft

from bcenter.ui.common import Failed, error_text, off_loop, updating

KINDS = (("quality", "Качество / перерыв"), ("emergency", "Авария"), ("repair", "Ремонт"),
         ("billing", "Начисления"), ("inquiry", "Обращение"))
VIEWS = (("new", "Новые"), ("overdue", "Просроченные"), ("mine", "Мои"), ("open", "Все открытые"))
STATE_NAMES = {"new": "новая", "assigned": "в работе", "closed": "закрыта"}


def build_claims(page: ft.Page, app, *, now=None) -> tuple[ft.Control, dict]:
    """The dispatcher's section over ``app``; ``refs["load"]()`` fills the list of the chosen view."""
    state: dict[str, Any] = {"view": "open", "selected": None}
    clock = now or app.clock.now
    kind = ft.Dropdown(label="Вид", width=220, value="quality", key="claim_kind",
                       options=[ft.DropdownOption(key=k, text=t) for k, t in KINDS])
    account = ft.TextField(label="Лицевой счёт", width=180, key="claim_account")
    house = ft.TextField(label="или дом (код)", width=150, key="claim_house")
    text = ft.TextField(label="Суть заявки", width=420, key="claim_text")
    add = ft.Button("Принять", icon=ft.Icons.ADD_TASK, key="claim_add")
    views = ft.Row([ft.TextButton(t, data=k, key=f"view:{k}") for k, t in VIEWS], key="claim_views")
    rows = ft.Column(spacing=4, key="claim_rows")
    error = error_text("claims_error")
    notice = ft.Text("", key="claims_notice", color=ft.Colors.GREEN_800)
    # the chosen request: assign, close, act
    chosen = ft.Text("", key="claim_chosen", weight=ft.FontWeight.BOLD)
    assignee = ft.TextField(label="Исполнитель", width=220, key="claim_assignee")
    assign = ft.Button("Поручить", icon=ft.Icons.ENGINEERING, key="claim_assign")
    answer = ft.TextField(label="Что сделано (ответ жителю)", width=380, key="claim_answer")
    close = ft.Button("Закрыть", icon=ft.Icons.TASK_ALT, key="claim_close")
    service = ft.TextField(label="Услуга (код)", width=150, value="hot_water", key="act_service")
    act_from = ft.TextField(label="Перерыв с (ГГГГ-ММ-ДД ЧЧ:ММ)", width=240, key="act_from")
    act_to = ft.TextField(label="по", width=200, key="act_to")
    act = ft.Button("Составить акт", icon=ft.Icons.GAVEL, key="claim_act")
    detail = ft.Column([chosen, ft.Row([assignee, assign, answer, close], wrap=True),
                        ft.Row([service, act_from, act_to, act], wrap=True)], visible=False, key="claim_detail")

    def _row(r) -> ft.Control:
        late = r.state != "closed" and r.overdue(clock())
        line = (f"{r.number} · {r.kind_name} · до {r.deadline_at:%d.%m %H:%M} · {STATE_NAMES.get(r.state, r.state)}"
                + (f" ({r.assignee})" if r.assignee else "") + f" · {r.place}: {r.text}")
        return ft.TextButton(line, data=r.number, key=f"claim:{r.number}", on_click=pick,
                             style=ft.ButtonStyle(color=ft.Colors.RED_700 if late else None))

    async def load(_e=None) -> None:
        try:
            found = await off_loop(app.claims.listing, state["view"])
        except Failed as exc:
            error.value, rows.controls = exc.message, []
            return
        rows.controls = [_row(r) for r in found] or [ft.Text("Заявок нет", key="claims_none")]
        for button in views.controls:
            button.style = ft.ButtonStyle(bgcolor=ft.Colors.BLUE_100 if button.data == state["view"] else None)

    async def show(e) -> None:
        state["view"] = e.control.data
        await load()

    async def pick(e) -> None:
        state["selected"] = e.control.data
        chosen.value = f"Заявка {e.control.data}"
        detail.visible = True

    async def run(call, done: str, **kwargs) -> None:
        error.value, notice.value = "", ""
        try:
            result = await off_loop(call, **kwargs)
        except Failed as exc:
            error.value = exc.message
            return
        notice.value = done.format(result=result)
        await load()

    async def do_add(_e=None) -> None:
        await run(app.claims.add, "Заявка {result.number} принята, срок — до {result.deadline_at:%d.%m.%Y %H:%M}",
                  kind=kind.value or "quality", text=(text.value or "").strip(),
                  account=(account.value or "").strip() or None, house=(house.value or "").strip() or None)
        if not error.value:
            text.value = ""

    async def do_assign(_e=None) -> None:
        if state["selected"]:
            await run(lambda **k: app.claims.assign(state["selected"], **k), "Поручено: {result.assignee}",
                      assignee=(assignee.value or "").strip())

    async def do_close(_e=None) -> None:
        if state["selected"]:
            await run(lambda **k: app.claims.close(state["selected"], **k), "Заявка {result.number} закрыта",
                      note=(answer.value or "").strip())

    async def do_act(_e=None) -> None:
        if not state["selected"]:
            return
        error.value, notice.value = "", ""
        try:
            found = await off_loop(app.claims.listing, "all")
        except Failed as exc:  # said like every refusal of the desk, never a traceback
            error.value = exc.message
            return
        selected = next((r for r in found if r.number == state["selected"]), None)
        if selected is None:
            return
        where = {"account": selected.account} if selected.account else {"house": selected.house}
        await run(app.claims.act, "Составлен акт {result}: плату снизит следующий расчёт месяца",
                  service=(service.value or "").strip(), start=(act_from.value or "").strip(),
                  end=(act_to.value or "").strip(), request=selected.number, **where)

    load, show, pick = updating(page, load), updating(page, show), updating(page, pick)
    do_add, do_assign = updating(page, do_add, once=True), updating(page, do_assign, once=True)
    do_close, do_act = updating(page, do_close, once=True), updating(page, do_act, once=True)
    for button in views.controls:
        button.on_click = show
    add.on_click, assign.on_click, close.on_click, act.on_click = do_add, do_assign, do_close, do_act
    section = ft.Column([
        ft.Text("Заявки", size=20, weight=ft.FontWeight.BOLD),
        ft.Row([kind, account, house, text, add], wrap=True), error, notice, views, rows, detail],
        spacing=10, key="claims")
    return section, {"kind": kind, "account": account, "house": house, "text": text, "add": add, "views": views,
                     "rows": rows, "error": error, "notice": notice, "detail": detail, "assignee": assignee,
                     "assign": assign, "answer": answer, "close": close, "service": service, "act_from": act_from,
                     "act_to": act_to, "act": act, "load": load, "state": state}


__all__ = ["build_claims"]
