"""Контора: search by account number, address or name answering as you type, and the account card — its meters
with their recent readings and verdicts, the debt today, the month's charges with the derivation of each line on
demand. Over ``bcenter.app`` acting as the signed-in user (``app.users.sign_in``): what the role may not do, the
service refuses and the screen says so.

Search as you type: each change starts a search off the event loop; an answer is shown only if no later change came
meanwhile (a slow answer to «Лен» never replaces the answer to «Ленина 5»).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import flet as ft

from bcenter.app.meters import SOURCE_NAMES  # noqa: F401  (the readings' sources, for the card)
from bcenter.app.users import ROLE_NAMES
from bcenter.core.period import Period
from bcenter.core.vocabulary import LINE_KIND_NAMES, METHOD_SHORT
from bcenter.ui.common import Failed, amount_cell, error_text, off_loop, rub, updating

MIN_QUERY = 2


def _card_data(app, number: str, today: date) -> dict[str, Any]:
    """Everything the card shows, in one worker call: readings, the debt, the last month's lines."""
    period = Period.of(today) - 1
    out: dict[str, Any] = {"number": number, "period": period, "problems": []}
    try:
        out["readings"] = app.meters.readings(account=number, limit=12)
    except Exception as exc:  # noqa: BLE001 - a part the role may not see is said, the rest shown
        out["readings"], _ = [], out["problems"].append(f"Показания: {getattr(exc, 'message_ru', exc)}")
    try:
        report = app.finance.debts(as_of=today, account=number)
        out["debt"] = report.accounts[0].total if report.accounts else 0
    except Exception as exc:  # noqa: BLE001
        out["debt"], _ = None, out["problems"].append(f"Долг: {getattr(exc, 'message_ru', exc)}")
    out["lines"] = ()
    try:
        for back in range(3):  # the last month with charges: the open one, else the one before
            lines = app.month.explain(period - back, account=number).lines
            if lines:
                out["period"], out["lines"] = period - back, lines
                break
    except Exception as exc:  # noqa: BLE001
        out["problems"].append(f"Начисления: {getattr(exc, 'message_ru', exc)}")
    return out


def build_office(page: ft.Page, signed, *, on_sign_out=None, today: date | None = None) -> dict:
    """The office screen for ``signed`` (``app.users.SignedIn``) on ``page``. Returns refs."""
    app = signed.app
    today = today or app.clock.today()
    who = ft.Text(f"{signed.session.full_name} — {ROLE_NAMES.get(signed.session.role, signed.session.role)}",
                  key="who")
    query = ft.TextField(label="Поиск: номер лицевого счёта, адрес или ФИО", prefix_icon=ft.Icons.SEARCH,
                         autofocus=True, width=640, key="query")
    hint = ft.Text("Например: Ленина 5 или 1000010015", key="search_hint")
    results = ft.Column(spacing=0, key="results")
    card = ft.Column([], key="card", spacing=8)
    error = error_text("office_error")
    state = {"asked": 0}

    async def search(_e=None) -> None:
        text = (query.value or "").strip()
        state["asked"] += 1
        mine = state["asked"]
        error.value = ""
        if len(text) < MIN_QUERY:
            results.controls = []
            hint.value = "Введите хотя бы два знака"
            return
        try:
            found = await off_loop(app.registry.search, text, limit=20)
        except Failed as exc:
            if mine == state["asked"]:
                error.value = exc.message
            return
        if mine != state["asked"]:
            return  # a later change is being answered
        hint.value = (f"Найдено: {len(found)}" if found else
                      f"По «{text}» ничего нет: проверьте номер или попробуйте часть улицы и дом")
        results.controls = [ft.ListTile(title=ft.Text(f"{a.number} — {a.address}"), subtitle=ft.Text(a.names),
                                        dense=True, key=f"result:{a.number}", data=a.number, on_click=open_card)
                            for a in found]

    async def open_card(e) -> None:
        number = e.control.data
        card.controls = [ft.ProgressRing(key="card_loading")]
        page.update()
        try:
            data = await off_loop(_card_data, app, number, today)
        except Failed as exc:
            card.controls = []
            error.value = exc.message
            return
        card.controls = _card(data)

    async def sign_out(_e=None) -> None:
        await off_loop(signed.app.users.sign_out, signed.session.token)
        if on_sign_out is not None:
            result = on_sign_out()
            if result is not None:
                await result

    search, open_card, sign_out = updating(page, search), updating(page, open_card), updating(page, sign_out)
    query.on_change = search
    query.on_submit = search
    leave = ft.TextButton("Выйти", icon=ft.Icons.LOGOUT, on_click=sign_out, key="sign_out")
    page.title = "Биллинговый Центр — контора"
    page.scroll = ft.ScrollMode.AUTO
    page.add(ft.Row([ft.Text("Контора", size=22, weight=ft.FontWeight.BOLD), who, leave],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
             query, hint, results, error, ft.Divider(), card)
    return {"query": query, "hint": hint, "results": results, "card": card, "error": error, "who": who,
            "sign_out": leave}


def _how(line) -> str:
    """How a line was calculated, in words: «норматив», «ИПУ», «перерасчёт: среднее» …"""
    how = METHOD_SHORT.get(line.method or "", line.method or "")
    if line.kind != "charge":
        kind = LINE_KIND_NAMES.get(line.kind, line.kind)
        return f"{kind}: {how}" if how else kind
    return how


def _card(data: dict[str, Any]) -> list[ft.Control]:
    """The account card's controls."""
    out: list[ft.Control] = [ft.Text(f"Лицевой счёт {data['number']}", size=20, weight=ft.FontWeight.BOLD,
                                     key="card_title")]
    if data.get("debt") is not None:
        out.append(ft.Text(f"Долг на сегодня: {rub(data['debt'])} ₽" if data["debt"] > 0 else "Долга нет",
                           key="card_debt"))
    lines = data.get("lines") or ()
    table = ft.DataTable(key="card_lines", columns=[
        ft.DataColumn(label=ft.Text("Услуга")), ft.DataColumn(label=ft.Text("Как")),
        ft.DataColumn(label=ft.Text("Сумма, ₽"), numeric=True)],
        rows=[ft.DataRow(cells=[ft.DataCell(ft.Text(ln.service)), ft.DataCell(ft.Text(_how(ln))),
                                ft.DataCell(amount_cell(ln.amount))],
                         data=i, on_select_change=None) for i, ln in enumerate(lines)])
    explain = ft.Text("", key="card_explain", selectable=True)

    def show(e) -> None:
        ln = lines[e.control.data]
        parts = [f"{ln.service}: {rub(ln.amount)} ₽"]
        if ln.reason:
            parts.append(ln.reason)
        if ln.formula:
            parts.append(ln.formula)
        if ln.inputs:
            parts.append("исходные данные: " + ", ".join(f"{k} = {v}" for k, v in ln.inputs.items()))
        if ln.basis:
            parts.append(f"основание: {ln.basis}")
        explain.value = "\n".join(parts)

    for row in table.rows:
        row.on_select_change = show
    out.append(ft.Text(f"Начисления за {data['period']}: {rub(sum(ln.amount for ln in lines))} ₽" if lines else
                       f"За {data['period']} начислений нет", key="card_total"))
    if lines:
        out += [table, explain]
    readings = data.get("readings") or []
    if readings:
        out.append(ft.Text("Последние показания", weight=ft.FontWeight.BOLD))
        out += [ft.Text(f"{k.day:%d.%m.%Y}  № {k.meter}: {k.values_text()} — {k.status_name}"
                        + (f" ({k.verdicts[0][2]})" if k.verdicts and k.status != "accepted" else ""),
                        key=f"reading:{k.code}") for k in readings]
    out += [ft.Text(p, color=ft.Colors.ORANGE_800) for p in data["problems"]]
    return out


__all__ = ["build_office"]
