"""Контора: search by account number, address or name answering as you type, and the account card — its meters
with their recent readings and verdicts, the debt today and by month, the month's charges with the derivation of
each line on demand, the last payments (a wrong one reversed with a reason); and the sections of the month
(``ui.month``), payments (``ui.payments``) and readings (``ui.readings``). Over ``bcenter.app`` acting as the signed-in user (``app.users.sign_in``): what the role may not do, the
service refuses and the screen says so.

Search as you type: each change starts a search off the event loop; an answer is shown only if no later change came
meanwhile (a slow answer to «Лен» never replaces the answer to «Ленина 5»).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import flet as ft

from bcenter.app.meters import SOURCE_NAMES  # noqa: F401  (the readings' sources, for the card)
from bcenter.app.users import ROLE_NAMES
from bcenter.core.period import Period
from bcenter.core.vocabulary import LINE_KIND_NAMES, METHOD_SHORT
from bcenter.ui.common import Failed, amount_cell, error_text, off_loop, rub, signing_out, updating
from bcenter.ui.bills import build_bills
from bcenter.ui.claims import build_claims
from bcenter.ui.collection import build_collection
from bcenter.ui.reports import build_reports
from bcenter.ui.passport import build_passport
from bcenter.ui.month import build_month
from bcenter.ui.payments import build_payments
from bcenter.ui.readings import build_readings
from bcenter.ui.registry import build_registry

MIN_QUERY = 2
SHOWN = 20
"""Accounts a search lists; more found are said, not counted."""


def _card_data(app, number: str, today: date) -> dict[str, Any]:
    """Everything the card shows, in one worker call: readings, the debt, the last month's lines."""
    period = Period.of(today) - 1
    out: dict[str, Any] = {"number": number, "period": period, "problems": []}
    try:
        out["about"] = app.registry.card(number)
    except Exception as exc:  # noqa: BLE001 - a part the role may not see is said, the rest shown
        out["about"], _ = None, out["problems"].append(f"Карточка: {getattr(exc, 'message_ru', exc)}")
    try:
        out["owed"] = app.finance.owed(number)
    except Exception as exc:  # noqa: BLE001
        out["owed"], _ = None, out["problems"].append(f"Долг по услугам: {getattr(exc, 'message_ru', exc)}")
    try:
        out["readings"] = app.meters.readings(account=number, limit=12)
    except Exception as exc:  # noqa: BLE001 - a part the role may not see is said, the rest shown
        out["readings"], _ = [], out["problems"].append(f"Показания: {getattr(exc, 'message_ru', exc)}")
    try:
        report = app.finance.debts(as_of=today, account=number)
        out["debt"] = report.accounts[0].total if report.accounts else 0
        by_month: dict = {}
        for d in (report.accounts[0].periods if report.accounts else ()):
            by_month[str(d.period)] = by_month.get(str(d.period), 0) + d.debt
        out["debts"] = sorted(by_month.items())
        out["payments"] = app.payments.list(account=number, limit=12)
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


def build_office(page: ft.Page, signed, *, on_sign_out=None, today: date | None = None,
                 inbox: Path | None = None, files: Path | None = None) -> dict:
    """The office screen for ``signed`` (``app.users.SignedIn``) on ``page``: its sections — accounts, the month,
    payments, readings — behind a row of buttons; each section asks its use cases when opened, so what a role may
    not do is refused by the service and said there. Returns refs."""
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
            found = await off_loop(app.registry.search, text, limit=SHOWN + 1)
        except Failed as exc:
            if mine == state["asked"]:
                error.value = exc.message
            return
        if mine != state["asked"]:
            return  # a later change is being answered
        more, found = len(found) > SHOWN, found[:SHOWN]
        hint.value = (f"Показаны первые {SHOWN}: уточните поиск — номер счёта, дом и квартиру или фамилию" if more
                      else f"Найдено: {len(found)}" if found else
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
        card.controls = _card(data, on_storno=storno)

    async def storno(payment_id: str, reason: str, number: str) -> str | None:
        """Reverse a payment from the card; the card is read again. Returns the refusal, if any."""
        try:
            await off_loop(app.payments.storno, payment_id, reason=reason)
            data = await off_loop(_card_data, app, number, today)
        except Failed as exc:
            return exc.message
        card.controls = _card(data, on_storno=storno)
        card.controls.insert(1, ft.Text("Платёж сторнирован", color=ft.Colors.GREEN_800, key="storno_done"))
        page.update()
        return None

    search, open_card = updating(page, search), updating(page, open_card)
    sign_out = signing_out(page, signed, on_sign_out)
    query.on_change = search
    query.on_submit = search
    leave = ft.TextButton("Выйти", icon=ft.Icons.LOGOUT, on_click=sign_out, key="sign_out")
    accounts = ft.Column([query, hint, results, error, ft.Divider(), card], key="accounts")
    month, month_refs = build_month(page, app)
    payments, payments_refs = build_payments(page, app, inbox=inbox)
    readings, readings_refs = build_readings(page, app)
    registry, registry_refs = build_registry(page, app)
    bills, bills_refs = build_bills(page, app, files=files, today=today)
    passport, passport_refs = build_passport(page, app, files=files, today=today)
    claims, claims_refs = build_claims(page, app)
    collection, collection_refs = build_collection(page, app, files=files, today=today)
    reports, reports_refs = build_reports(page, app, files=files)
    sections = {"accounts": (accounts, None), "month": (month, month_refs["load"]),
                "payments": (payments, payments_refs["load"]), "readings": (readings, readings_refs["load"]),
                "bills": (bills, None), "registry": (registry, registry_refs["load"]), "passport": (passport, None),
                "claims": (claims, claims_refs["load"]), "collection": (collection, collection_refs["load"]),
                "reports": (reports, reports_refs["load"])}
    names = {"accounts": "Лицевые счета", "month": "Месяц", "payments": "Платежи", "readings": "Показания",
             "bills": "Счета", "registry": "Картотека", "passport": "Паспортный стол",
             "claims": "Заявки", "collection": "Должники", "reports": "Отчёты"}
    nav = ft.Row(key="nav")
    body = ft.Column([accounts], key="body")

    async def show(e) -> None:
        """Only the shown section is in the page's tree: every update diffs what is on the screen, not the
        sections behind the other buttons (each keeps its state while away)."""
        wanted = e.control.data
        for name, (control, _load) in sections.items():
            control.visible = name == wanted
        body.controls = [sections[wanted][0]]
        for button in nav.controls:
            button.style = ft.ButtonStyle(bgcolor=ft.Colors.BLUE_100 if button.data == wanted else None)
        page.update()
        loader = sections[wanted][1]
        if loader is not None:
            await loader()

    show = updating(page, show)
    nav.controls = [ft.TextButton(text, data=name, key=f"nav:{name}", on_click=show) for name, text in names.items()]
    for name, (control, _load) in sections.items():
        control.visible = name == "accounts"
    page.title = "Биллинговый Центр — контора"
    page.scroll = ft.ScrollMode.AUTO
    page.add(ft.Row([ft.Text("Контора", size=22, weight=ft.FontWeight.BOLD), who, leave],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN), nav, body)
    return {"query": query, "hint": hint, "results": results, "card": card, "error": error, "who": who,
            "sign_out": leave, "nav": nav, "body": body, "month": month_refs, "payments": payments_refs,
            "readings": readings_refs, "registry": registry_refs, "bills": bills_refs, "passport": passport_refs,
            "claims": claims_refs, "collection": collection_refs, "reports": reports_refs,
            "sections": {k: v[0] for k, v in sections.items()}}


def _how(line) -> str:
    """How a line was calculated, in words: «норматив», «ИПУ», «перерасчёт: среднее» …"""
    how = METHOD_SHORT.get(line.method or "", line.method or "")
    if line.kind != "charge":
        kind = LINE_KIND_NAMES.get(line.kind, line.kind)
        return f"{kind}: {how}" if how else kind
    return how


def _card(data: dict[str, Any], *, on_storno=None) -> list[ft.Control]:
    """The account card's controls; ``on_storno(payment_id, reason, number)`` reverses a payment (async, returns
    the refusal or None)."""
    out: list[ft.Control] = [ft.Text(f"Лицевой счёт {data['number']}", size=20, weight=ft.FontWeight.BOLD,
                                     key="card_title")]
    about = data.get("about")
    if about is not None:
        out += [ft.Text(about.address, key="card_address"), ft.Text(f"Помещение: {about.premises}", size=13),
                ft.Text(f"Плательщик: {about.holder}" + (f", доля {about.share}" if about.share else "")
                        + f"; счёт открыт {about.opened:%d.%m.%Y}"
                        + (f", закрыт {about.closed:%d.%m.%Y}" if about.closed else ""), size=13, key="card_holder"),
                *([ft.Text("Зарегистрированы: " + ("; ".join(about.residents) or "никого"), size=13,
                           key="card_residents"),
                   ft.Text("Собственники: " + ("; ".join(about.owners) or "не указаны"), size=13, key="card_owners")]
                  if about.residents is not None else
                  [ft.Text("Зарегистрированные и собственники — в паспортном столе: этой роли они не показываются",
                           size=13, key="card_residents")]),
                ft.Text("Услуги: " + (", ".join(about.services) or "нет"), size=13, key="card_services")]
    if data.get("debt") is not None:
        out.append(ft.Text(f"Долг на сегодня: {rub(data['debt'])} ₽" if data["debt"] > 0 else "Долга нет",
                           key="card_debt"))
    owed = data.get("owed")
    if owed is not None and owed.recipients:
        rows = []
        for r in owed.recipients:
            for sv in r.services:
                rows.append(ft.DataRow(cells=[ft.DataCell(ft.Text(r.name, size=13)),
                                              ft.DataCell(ft.Text(sv.name, size=13)),
                                              ft.DataCell(amount_cell(sv.charges)), ft.DataCell(amount_cell(sv.penalties))]))
        out.append(ft.DataTable(key="card_owed", rows=rows, columns=[
            ft.DataColumn(label=ft.Text("Получатель")), ft.DataColumn(label=ft.Text("Услуга")),
            ft.DataColumn(label=ft.Text("Долг, ₽"), numeric=True), ft.DataColumn(label=ft.Text("Пени, ₽"),
                                                                                  numeric=True)]))
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
    debts = data.get("debts") or []
    if debts:
        out.append(ft.Text("Долг по месяцам", weight=ft.FontWeight.BOLD))
        out.append(ft.DataTable(key="card_debts", columns=[
            ft.DataColumn(label=ft.Text("Месяц")), ft.DataColumn(label=ft.Text("Долг, ₽"), numeric=True)],
            rows=[ft.DataRow(cells=[ft.DataCell(ft.Text(p)), ft.DataCell(amount_cell(k))]) for p, k in debts]))
    payments = data.get("payments") or []
    if payments:
        out += _payments(data["number"], payments, on_storno)
    out += [ft.Text(p, color=ft.Colors.ORANGE_800) for p in data["problems"]]
    return out


def _payments(number: str, payments, on_storno) -> list[ft.Control]:
    """The account's last payments; «Сторно» on one asks the reason, then reverses it (never edited)."""
    chosen: dict[str, Any] = {"id": None}
    reason = ft.TextField(label="Причина сторно", width=420, key="storno_reason", visible=False)
    confirm = ft.Button("Сторнировать", icon=ft.Icons.UNDO, key="storno_confirm", visible=False)
    said = error_text("storno_error")

    def pick(e) -> None:
        chosen["id"] = e.control.data
        reason.visible = confirm.visible = True
        reason.label = f"Причина сторно платежа {e.control.data[-8:]}"

    async def do(_e=None) -> None:
        if on_storno is None or chosen["id"] is None:
            return
        refused = await on_storno(chosen["id"], (reason.value or "").strip(), number)
        if refused:  # else the card was read again and shown (on_storno sends the page)
            said.value = refused
            said.page.update()

    confirm.on_click = do
    rows = []
    for p in payments:
        reversed_ = p.storno_of is not None or p.amount < 0
        rows.append(ft.DataRow(cells=[
            ft.DataCell(ft.Text(f"{p.paid_on:%d.%m.%Y}")), ft.DataCell(amount_cell(p.amount)),
            ft.DataCell(ft.Text(p.registry or p.channel)),
            ft.DataCell(ft.TextButton("Сторно", data=p.id, key=f"storno:{p.id[-8:]}", on_click=pick,
                                      disabled=reversed_))]))
    return [ft.Text("Платежи", weight=ft.FontWeight.BOLD),
            ft.DataTable(key="card_payments", rows=rows, columns=[
                ft.DataColumn(label=ft.Text("Дата")), ft.DataColumn(label=ft.Text("Сумма, ₽"), numeric=True),
                ft.DataColumn(label=ft.Text("Откуда")), ft.DataColumn(label=ft.Text(""))]),
            ft.Row([reason, confirm]), said]


__all__ = ["build_office"]
