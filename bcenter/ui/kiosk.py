"""Касса-киоск: a touch screen at the cash desk — large targets, an on-screen numeric keypad, no keyboard needed.

The cashier signs in, opens the shift (in the program and in the fiscal register, ``app.cash.open``), and for each
payer: scans the bill's QR code (a scanner types the code and Enter into the field, as a keyboard does) or types the
account number on the keypad or finds the address; sees what is owed per supplier and service (``app.cash.owed``);
pays the whole bill, chosen services or any amount, in cash with change or by card; the receipt is fiscalised and
printed through the desk's devices (``app.cash.pay``; simulators unless the desk names its own). Each payment form
carries its own operation key, so a second tap on «Оплатить» or a retry after a failure never takes the money twice
(the desk answers the first result); a sale the register refused (nothing sold: no paper) is retried with a new key.
After ``idle_after`` seconds without a touch the screen shows its idle page and forgets the payer. Every refusal is
said in Russian with what to do.
"""
from __future__ import annotations

import asyncio
import re
import time
import uuid
from typing import Any

import flet as ft

from bcenter.app.cash import DeviceRejected
from bcenter.app.users import ROLE_NAMES
from bcenter.core.money import parse_rub_ru
from bcenter.ui.common import Failed, error_text, off_loop, rub, signing_out, updating

BIG = 26
REQUEST_NUMBER = re.compile(r"(З-)?\d{4}-\d{6}")
"""A request's number as printed («З-2026-000001») or typed on the keypad without the letter («2026-000001»)."""
KEY_SIZE = 84
CLI_REPRINT = "; копия квитанции: bcenter cash"
"""Where the desk's note of an unprinted slip points the command line: the kiosk shows its own button instead."""
IDLE_AFTER = 120.0


def _kop(text: str | None, what: str, *, zero: bool = False) -> int | None:
    """Rubles typed on the keypad («1500», «1500,5», «1 500,50») → kopecks; empty → None; ``zero``: 0 is a sum."""
    text = (text or "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        kop = parse_rub_ru(text)
    except Exception as exc:  # noqa: BLE001 - said at the field
        raise Failed(f"{what}: «{text}» — не сумма; наберите рубли и копейки через запятую") from exc
    if kop < 0 or (kop == 0 and not zero):
        raise Failed(f"{what}: сумма должна быть больше нуля")
    return kop


def build_kiosk(page: ft.Page, signed, *, register: str | None = None, printer: str | None = None,
                on_sign_out=None, idle_after: float = IDLE_AFTER) -> dict:
    """The kiosk for ``signed`` (a cashier's ``app.users.SignedIn``) on ``page``, with the desk's devices by address.
    Returns refs."""
    app = signed.app
    devices = {"register": register, "printer": printer}
    slips = printer != "none"  # «none»: the register's receipt is the only one, no slip is printed
    state: dict[str, Any] = {"owed": None, "qr": None, "key": None, "target": None, "last": time.monotonic(),
                             "shift": None, "idle": False}

    who = ft.Text(f"{signed.session.full_name} — {ROLE_NAMES.get(signed.session.role, signed.session.role)}",
                  size=18, key="who")
    shift_text = ft.Text("Смена: …", size=18, key="shift")
    open_shift = ft.Button("Открыть смену", icon=ft.Icons.LOCK_OPEN, key="open_shift", height=56)
    close_shift = ft.Button("Закрыть смену", icon=ft.Icons.LOCK, key="close_shift", height=56, visible=False)
    counted = ft.TextField(label="Наличных в ящике, ₽", width=260, text_size=BIG, key="counted", visible=False)
    leave = ft.TextButton("Выйти", icon=ft.Icons.LOGOUT, key="sign_out")

    find = ft.TextField(label="Лицевой счёт, QR-код счёта или № заявки", text_size=BIG, width=520, key="find",
                        autofocus=True)
    find_button = ft.Button("Найти", icon=ft.Icons.SEARCH, key="find_button", height=KEY_SIZE, width=200,
                            style=ft.ButtonStyle(text_style=ft.TextStyle(size=BIG)))
    by_address = ft.TextField(label="Или адрес: улица и дом", text_size=BIG - 4, width=520, key="by_address")
    addresses = ft.Column(spacing=0, key="addresses")
    error = error_text("kiosk_error")
    error.size = 22

    owed_title = ft.Text("", size=BIG, weight=ft.FontWeight.BOLD, key="owed_title")
    owed_rows = ft.Column(spacing=4, key="owed_rows")
    amount = ft.TextField(label="Сумма к оплате, ₽", text_size=BIG, width=KEY_SIZE * 3 + 20, key="amount",
                          text_align=ft.TextAlign.RIGHT)
    given = ft.TextField(label="Получено наличными, ₽", text_size=BIG, width=KEY_SIZE * 3 + 20, key="given",
                         text_align=ft.TextAlign.RIGHT)
    change = ft.Text("", size=BIG, weight=ft.FontWeight.BOLD, key="change")
    way = ft.RadioGroup(value="cash", key="way", content=ft.Row([
        ft.Radio(value="cash", label="Наличные", key="way_cash"),
        ft.Radio(value="card", label="Карта", key="way_card")]))
    card_code = ft.TextField(label="Код авторизации с чека терминала", text_size=BIG - 4, width=KEY_SIZE * 3 + 20,
                             key="card_code", visible=False)
    pay_button = ft.Button("Оплатить", icon=ft.Icons.PAYMENTS, key="pay", height=KEY_SIZE, width=KEY_SIZE * 3 + 20,
                           style=ft.ButtonStyle(text_style=ft.TextStyle(size=BIG)))
    cancel_button = ft.TextButton("Другой плательщик", icon=ft.Icons.CLOSE, key="another")
    request_kind = ft.Dropdown(label="Заявка", width=220, value="repair", key="request_kind", options=[
        ft.DropdownOption(key=k, text=t) for k, t in (("repair", "Ремонт"), ("quality", "Качество услуги"),
                                                      ("emergency", "Авария"), ("billing", "Начисления"),
                                                      ("inquiry", "Обращение"))])
    request_text = ft.TextField(label="Что случилось", text_size=20, width=420, key="request_text")
    request_button = ft.Button("Оставить заявку", icon=ft.Icons.ADD_TASK, key="request_add", height=56)
    request_done = ft.Text("", size=20, key="request_done", color=ft.Colors.GREEN_800)
    owed_panel = ft.Column([owed_title, owed_rows], visible=False, spacing=8, key="owed_panel")
    pay_panel = ft.Column([amount, way, given, card_code, change, pay_button, cancel_button], visible=False,
                          spacing=10, key="pay_panel")
    done = ft.Column([], visible=False, key="done", spacing=12)
    idle_page = ft.Container(ft.Column([ft.Text("Касса", size=48, weight=ft.FontWeight.BOLD),
                                        ft.Text("Коснитесь экрана, чтобы начать", size=BIG)],
                                       horizontal_alignment=ft.CrossAxisAlignment.CENTER),
                             visible=False, key="idle", alignment=ft.Alignment.CENTER, expand=True, padding=80,
                             ink=True)

    # ------------------------------------------------------------------ the keypad
    def keypad_target() -> ft.TextField:
        if state["target"] is not None and state["target"].visible:
            return state["target"]
        return given if pay_panel.visible and way.value == "cash" else find if not pay_panel.visible else amount

    def press(e) -> None:
        touched()
        field, key = keypad_target(), e.control.data
        text = field.value or ""
        if key == "⌫":
            text = text[:-1]
        elif key == "C":
            text = ""
        elif key == "," and field is find:  # the search takes no commas: the key writes the dash of «2026-000001»
            text += "-"
        elif key == "," and "," in text:
            return
        else:
            text += key
        field.value = text
        if field in (amount, given):
            show_change()

    def focus(field: ft.TextField):
        def on_focus(_e) -> None:
            state["target"] = field
            touched()
        return on_focus

    keys = [["7", "8", "9"], ["4", "5", "6"], ["1", "2", "3"], [",", "0", "⌫"]]

    def key_button(k: str) -> ft.Button:
        label = ft.Icon(ft.Icons.BACKSPACE_OUTLINED, size=30) if k == "⌫" else k
        return ft.Button(label, data=k, key=f"key:{k}", width=KEY_SIZE, height=KEY_SIZE, on_click=press,
                         tooltip="Стереть знак" if k == "⌫" else None,
                         style=ft.ButtonStyle(text_style=ft.TextStyle(size=30)))

    keypad = ft.Column([ft.Row([key_button(k) for k in row]) for row in keys]
                       + [ft.Button("Стереть", data="C", key="key:C", width=KEY_SIZE * 3 + 20, height=56,
                                    on_click=press)], key="keypad")

    # ------------------------------------------------------------------ the shift
    def show_shift(shift) -> None:
        state["shift"] = shift
        if shift is None:
            shift_text.value = "Смена закрыта — откройте её, чтобы принимать оплату"
        else:
            shift_text.value = (f"Смена № {shift.number} открыта ({shift.cashier}): оплат {shift.payments}, "
                                f"наличными {rub(shift.cash)} ₽, картой {rub(shift.card)} ₽")
        open_shift.visible = shift is None
        close_shift.visible = counted.visible = shift is not None

    async def load_shift() -> None:
        try:
            show_shift(await off_loop(app.cash.status, **devices))
        except Failed as exc:
            error.value = exc.message

    async def do_open(_e=None) -> None:
        touched()
        error.value = ""
        try:
            show_shift(await off_loop(app.cash.open, cashier=signed.session.full_name, **devices))
        except Failed as exc:
            error.value = exc.message

    async def do_close(_e=None) -> None:
        touched()
        error.value = ""
        try:
            money = _kop(counted.value, "Наличных в ящике", zero=True)
            if money is None:  # an empty field is no count: the Z report would print a shortage of everything
                raise Failed("Наличных в ящике: пересчитайте наличные и наберите сумму (0 — если наличных нет), "
                             "затем «Закрыть смену»")
            closed = await off_loop(app.cash.close, counted=money, **devices)
        except Failed as exc:
            error.value = exc.message
            return
        counted.value = ""
        show_shift(None)
        diff = (closed.counted or 0) - (closed.expected or 0)
        shift_text.value = (f"Смена № {closed.number} закрыта: оплат {closed.payments}, наличными "
                            f"{rub(closed.cash)} ₽" + (f"; расхождение {rub(diff)} ₽" if diff else ""))

    # ------------------------------------------------------------------ finding the payer
    async def do_find(_e=None) -> None:
        touched()
        error.value = ""
        text = (find.value or "").strip()
        if not text:
            error.value = "Наберите номер лицевого счёта или поднесите QR-код счёта к сканеру"
            return
        if REQUEST_NUMBER.fullmatch(text):  # a resident asks how their request stands
            try:
                status = await off_loop(app.claims.status, text)
            except Failed as exc:
                error.value = exc.message
                return
            show_request(status)
            return
        qr = text if "|" in text or text.startswith("ST0001") else None
        try:
            if qr is not None:
                bill = await off_loop(app.cash.scan, qr)
                owed = await off_loop(app.cash.owed, bill.account)
            else:
                bill, owed = None, await off_loop(app.cash.owed, text)
        except Failed as exc:
            error.value = exc.message
            return
        show_owed(owed, qr=qr, asked=bill.amount if bill is not None else None,
                  period=str(bill.period) if bill is not None and bill.period else None,
                  recipient=bill.supplier_ext if bill is not None else None)

    def show_request(s) -> None:
        lines = [ft.Text(f"Заявка № {s.number}: {s.kind}", size=BIG, weight=ft.FontWeight.BOLD, key="request_title"),
                 ft.Text(f"{s.state}; срок — до {s.deadline_at:%d.%m.%Y %H:%M}"
                         + (f", закрыта {s.closed_at:%d.%m.%Y %H:%M}" if s.closed_at else ""), size=BIG - 4,
                         key="request_state")]
        if s.answer:
            lines.append(ft.Text(f"Ответ: {s.answer}", size=BIG - 4, key="request_answer"))
        lines.append(ft.Button("Готово", icon=ft.Icons.NAVIGATE_NEXT, key="next", height=KEY_SIZE,
                               on_click=lambda e: another(e)))
        done.controls, done.visible = lines, True

    async def do_address(_e=None) -> None:
        touched()
        text = (by_address.value or "").strip()
        if len(text) < 2:
            addresses.controls = []
            return
        try:
            found = await off_loop(app.registry.search, text, limit=8)
        except Failed as exc:
            error.value = exc.message
            return
        if (by_address.value or "").strip() != text:
            return  # typed further meanwhile
        addresses.controls = [ft.ListTile(title=ft.Text(f"{a.address}", size=20), subtitle=ft.Text(a.number),
                                          key=f"address:{a.number}", data=a.number, on_click=pick)
                              for a in found] or [ft.Text(f"По «{text}» ничего нет: наберите улицу и номер дома",
                                                          size=20)]

    async def pick(e) -> None:
        find.value = e.control.data
        addresses.controls = []
        by_address.value = ""
        await do_find()

    async def do_request(_e=None) -> None:
        """A resident leaves a request at the kiosk (issue 19): for the account found, its kind and words."""
        touched()
        error.value = ""
        owed = state.get("owed")
        if owed is None:
            return
        try:
            taken = await off_loop(app.claims.add, kind=request_kind.value or "repair",
                                   text=(request_text.value or "").strip(), account=owed.number, channel="kiosk")
        except Failed as exc:
            error.value = exc.message
            return
        request_text.value = ""
        request_done.value = (f"Заявка № {taken.number} принята: {taken.kind_name}, срок — до "
                              f"{taken.deadline_at:%d.%m.%Y %H:%M}. Узнать, как она исполняется, — по этому номеру")

    def show_owed(owed, *, qr: str | None, asked: int | None, period: str | None,
                  recipient: str | None = None) -> None:
        """The account's debts, a box per service; a scanned bill's code is one recipient's: only its services
        ticked (the desk pays that recipient only while the boxes stay as they are)."""
        state.update(owed=owed, qr=qr, key=str(uuid.uuid4()), target=None, picked=False, whole=False)
        owed_title.value = f"Лицевой счёт {owed.number}, {owed.address}"
        rows: list[ft.Control] = []
        for r in owed.recipients:
            rows.append(ft.Text(f"{r.name}: {rub(r.total)} ₽", size=22, weight=ft.FontWeight.BOLD))
            for s in r.services:
                rows.append(ft.Checkbox(label=f"{s.name}: {rub(s.total)} ₽"
                                        + (f" (пени {rub(s.penalties)})" if s.penalties else ""),
                                        value=recipient is None or r.supplier == recipient,
                                        data=(s.service, s.total), key=f"service:{s.service}",
                                        on_change=pick_services, disabled=s.total <= 0,
                                        label_style=ft.TextStyle(size=20)))
        rows.append(ft.Text((f"Итого к оплате: {rub(owed.total)} ₽" if owed.total > 0 else "Долга нет")
                            + (f"; аванс {rub(owed.advance)} ₽" if owed.advance else "")
                            + (f"; по счёту за {period}" if period else ""), size=BIG, key="owed_total"))
        request_text.value = request_done.value = ""  # another payer: not the words the last one typed
        rows += [ft.Divider(), ft.Row([request_kind, request_text, request_button], wrap=True), request_done]
        owed_rows.controls = rows
        total = asked if asked is not None else max(owed.total, 0)
        amount.value = rub(total) if total else ""
        given.value, card_code.value, change.value = "", "", ""
        pay_panel.visible = owed_panel.visible = True
        done.visible = False
        find.value = ""  # a scanned code is no text for people
        show_change()

    def services_picked() -> dict[str, int] | None:
        boxes = [c for c in owed_rows.controls if isinstance(c, ft.Checkbox) and not c.disabled]
        if not state.get("picked") or all(c.value for c in boxes):
            return None  # the whole bill, or the scanned code's recipient: the desk splits it as the law says
        return {c.data[0]: c.data[1] for c in boxes if c.value}

    def pick_services(_e) -> None:
        touched()
        state["picked"] = True
        picked = services_picked()
        state["whole"] = picked is None  # every box ticked: the whole bill, not the scanned recipient's part
        owed = state["owed"]
        amount.value = rub(sum(picked.values()) if picked is not None else max(owed.total, 0))
        state["qr"] = None if picked is not None else state["qr"]
        show_change()

    def show_change(_e=None) -> None:
        card = way.value == "card"
        given.visible, card_code.visible = not card, card
        try:
            kop, got = _kop(amount.value, "Сумма"), (None if card else _kop(given.value, "Получено"))
        except Failed as exc:
            change.value = exc.message
            return
        if card or kop is None or got is None:
            change.value = ""
        elif got < kop:
            change.value = f"Не хватает {rub(kop - got)} ₽"
        else:
            change.value = f"Сдача: {rub(got - kop)} ₽"

    async def do_pay(_e=None) -> None:
        touched()
        error.value = ""
        owed = state["owed"]
        try:
            kop = _kop(amount.value, "Сумма к оплате")
            if kop is None:
                raise Failed("Сумма к оплате: наберите сумму на клавиатуре справа")
            card = way.value == "card"
            got = None if card else _kop(given.value, "Получено наличными")
            if card and not (card_code.value or "").strip():
                raise Failed("Оплата картой: наберите код авторизации с чека терминала")
            picked = services_picked()
            pay_button.disabled = True
            page.update()
            paid = await off_loop(app.cash.pay, account=None if state["qr"] else owed.number, qr=state["qr"],
                                  amount=kop, given=got, card=(card_code.value or "").strip() if card else None,
                                  services=picked, key=state["key"], recipient_only=not state.get("whole"),
                                  **devices)
        except Failed as exc:
            error.value = exc.message
            if isinstance(exc.refusal, DeviceRejected):  # the register refused, nothing sold: «повторите» is anew
                state["key"] = str(uuid.uuid4())
            return
        finally:
            pay_button.disabled = False
        show_done(paid)
        await load_shift()

    def show_done(paid) -> None:
        pay_panel.visible = owed_panel.visible = False
        done.visible = True
        lines = [ft.Text("Оплата принята", size=36, weight=ft.FontWeight.BOLD, color=ft.Colors.GREEN_800,
                         key="paid"),
                 ft.Text(f"Лицевой счёт {paid.account}: {rub(paid.amount)} ₽", size=BIG)]
        if paid.cash:
            lines.append(ft.Text(f"Сдача: {rub(paid.change)} ₽", size=40, weight=ft.FontWeight.BOLD,
                                 key="paid_change"))
        lines.append(ft.Text(f"Чек № {paid.receipt_number}"
                             + (f", ФД {paid.fiscal_document}" if paid.fiscal_document else "")
                             + ("" if paid.printed or not slips else " — квитанция не напечатана, проверьте бумагу"),
                             size=20, key="receipt"))
        lines += [ft.Text(n.split(CLI_REPRINT)[0], size=18, color=ft.Colors.ORANGE_800) for n in paid.notes]
        if slips and not paid.printed:  # the copy from here: the kiosk has no keyboard for «bcenter cash reprint»
            lines.append(ft.Button("Напечатать копию квитанции", icon=ft.Icons.PRINT, key="reprint", height=KEY_SIZE,
                                   data=paid.receipt_number, on_click=do_reprint,
                                   style=ft.ButtonStyle(text_style=ft.TextStyle(size=BIG - 4))))
        lines.append(ft.Button("Следующий плательщик", icon=ft.Icons.NAVIGATE_NEXT, key="next", height=KEY_SIZE,
                               on_click=another, style=ft.ButtonStyle(text_style=ft.TextStyle(size=BIG))))
        done.controls = lines

    async def do_reprint(e) -> None:
        touched()
        error.value = ""
        try:
            await off_loop(app.cash.reprint, e.control.data, **devices)
        except Failed as exc:
            error.value = exc.message
            return
        done.controls.insert(len(done.controls) - 1, ft.Text("Копия квитанции напечатана", size=20, key="reprinted",
                                                             color=ft.Colors.GREEN_800))

    def another(_e=None) -> None:
        touched()
        state.update(owed=None, qr=None, key=None, target=None)
        find.value, amount.value, given.value, card_code.value, change.value = "", "", "", "", ""
        by_address.value, addresses.controls = "", []  # the payer's street and the flats found: not the next one's
        request_text.value = request_done.value = ""
        pay_panel.visible = owed_panel.visible = done.visible = False
        error.value = ""

    # ------------------------------------------------------------------ idle
    def touched() -> None:
        state["last"] = time.monotonic()

    def go_idle() -> None:
        """The idle page: the payer forgotten, the keypad hidden until a touch."""
        another()
        state["idle"] = True
        idle_page.visible, work.visible = True, False

    def wake(_e=None) -> None:
        touched()
        state["idle"] = False
        idle_page.visible, work.visible = False, True

    async def watch_idle() -> None:
        """Started by whoever serves the page (``ui.main``): checks every few seconds while the session lives."""
        while state.get("watching", True) and idle_after > 0:
            await asyncio.sleep(min(5.0, idle_after))
            try:
                page.session  # noqa: B018 - raises once the browser tab is gone
            except RuntimeError:
                return
            if not state["idle"] and time.monotonic() - state["last"] >= idle_after:
                go_idle()
                page.update()

    do_find, do_address, pick = (updating(page, h) for h in (do_find, do_address, pick))
    do_open, do_close, do_pay, do_reprint = (updating(page, h, once=True)
                                             for h in (do_open, do_close, do_pay, do_reprint))
    sign_out = signing_out(page, signed, on_sign_out, before=lambda: state.update(watching=False))
    open_shift.on_click, close_shift.on_click = do_open, do_close
    find.on_submit = find_button.on_click = do_find
    by_address.on_change = do_address
    pay_button.on_click = do_pay
    request_button.on_click = updating(page, do_request, once=True)
    cancel_button.on_click = another
    way.on_change = show_change
    amount.on_change = given.on_change = show_change
    idle_page.on_click = wake
    leave.on_click = sign_out
    for field in (find, amount, given, card_code, counted):
        field.on_focus = focus(field)

    work = ft.Row([ft.Column([ft.Row([find, find_button]), by_address, addresses, error, owed_panel, done],
                             expand=True, spacing=16, scroll=ft.ScrollMode.AUTO),
                   ft.Column([ft.Container(height=6), pay_panel, keypad], spacing=10, scroll=ft.ScrollMode.AUTO, width=KEY_SIZE * 3 + 40)],
                  vertical_alignment=ft.CrossAxisAlignment.START, expand=True, key="work")
    page.title = "Биллинговый Центр — касса"
    page.scroll = None  # the payer's column and the keypad scroll each on their own; the shift bar stays
    page.add(ft.Row([ft.Text("Касса", size=30, weight=ft.FontWeight.BOLD), who, leave],
                    alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
             ft.Row([shift_text, open_shift, counted, close_shift], wrap=True),
             ft.Divider(), work, idle_page)
    show_shift(None)
    shift_text.value = "Смена: проверяю…"
    return {"who": who, "shift": shift_text, "open_shift": open_shift, "close_shift": close_shift,
            "counted": counted, "find": find, "find_button": find_button, "by_address": by_address,
            "addresses": addresses, "error": error, "pay_panel": pay_panel, "owed_title": owed_title,
            "owed_rows": owed_rows, "owed_panel": owed_panel, "amount": amount, "given": given, "change": change, "way": way,
            "card_code": card_code, "pay": pay_button, "done": done, "keypad": keypad, "idle": idle_page,
            "work": work, "go_idle": go_idle, "watch_idle": watch_idle, "load_shift": updating(page, load_shift), "sign_out": leave,
            "another": cancel_button, "request_kind": request_kind, "request_text": request_text,
            "request_add": request_button, "request_done": request_done}


__all__ = ["IDLE_AFTER", "build_kiosk"]
