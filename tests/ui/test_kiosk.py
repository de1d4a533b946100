"""The cash kiosk without a browser (issue 16): the cashier opens the shift, scans a bill's QR code, pays in cash with
change — the simulated register fiscalises the receipt and the printer prints it —, pays chosen services, pays by
card; refusals (a foreign QR, an unknown account, not enough cash, no shift) are said in Russian; the idle page
forgets the payer; the shift closes with the cash counted."""
from __future__ import annotations

import itertools

import pytest

from bcenter.app import Actor
from bcenter.app.users import SignedIn  # noqa: F401  (what build_kiosk is given)
from drivers import sim
from drivers.sim.escpos_printer import EscposModel
from drivers.sim.shtrih_kkt import ShtrihModel
from tests.finance.towns import TODAY
from tests.ui.conftest import by_key, texts
from tests.ui.towns import bill_qr

from bcenter.ui.kiosk import build_kiosk

_names = itertools.count()


@pytest.fixture
def devices():
    kkt, printer = ShtrihModel(now=lambda: TODAY.replace(tzinfo=None)), EscposModel()
    n = next(_names)
    return kkt, printer, {"register": sim.register(f"kiosk-kkt{n}", kkt) + "#timeout=0.05",
                          "printer": sim.register(f"kiosk-printer{n}", printer)}


async def _tap(session, control, data=None):
    await session.dispatch_event(control._i, "click", data)


async def _keys(session, refs, text: str):
    """Typed on the on-screen keypad."""
    for ch in text:
        await _tap(session, by_key(refs["keypad"], f"key:{ch}"))


async def _type(session, field, text: str) -> None:
    session.apply_patch(field._i, {"value": text})
    await session.dispatch_event(field._i, "change", text)


def _debtor(app) -> tuple[str, int]:
    found = [(a.account, a.total) for a in app.finance.debts(as_of=app.clock.today()).accounts if a.total > 0]
    return max(found, key=lambda x: x[1])


async def _a_hundred_in_cash(app, session, refs) -> str:
    """The shift opened, a debtor found by number, 100 ₽ typed and 100 ₽ given in cash; the debtor's number."""
    await _tap(session, refs["open_shift"])
    number, _ = _debtor(app)
    await _type(session, refs["find"], number)
    await _tap(session, refs["find_button"])
    await _type(session, refs["amount"], "100")
    await _type(session, refs["given"], "100")
    return number


async def _kiosk(app, page, devices, session):
    signed = app.users.sign_in("kassa", "пароль-кассира", role="cashier")
    refs = build_kiosk(page, signed, register=devices[2]["register"], printer=devices[2]["printer"])
    await refs["load_shift"]()
    return refs


@pytest.mark.asyncio
async def test_the_cashier_scans_a_bill_and_takes_cash_with_change(app, page, session, devices):
    kkt, printer, _ = devices
    refs = await _kiosk(app, page, devices, session)
    assert refs["shift"].value.startswith("Смена закрыта") and refs["open_shift"].visible
    await _tap(session, refs["open_shift"])
    assert refs["shift"].value.startswith("Смена № 1 открыта (Кассир К. К.)") and refs["close_shift"].visible
    number, owed = _debtor(app)
    scanned = bill_qr(app, number, 150_000)
    await _type(session, refs["find"], scanned)
    await session.dispatch_event(refs["find"]._i, "submit", scanned)
    assert refs["error"].value == "" and refs["pay_panel"].visible
    assert refs["owed_title"].value.startswith(f"Лицевой счёт {number}, ")
    assert refs["amount"].value == "1\u00a0500,00"  # the bill's sum
    payee = app.cash.scan(scanned)  # a bill's code is one recipient's: its services alone are ticked
    mine = {s.service for r in app.cash.owed(number).recipients if r.supplier == payee.supplier_ext
            for s in r.services}
    boxes = [c for c in refs["owed_rows"].controls if getattr(c, "data", None) and not c.disabled]
    assert mine and {c.data[0] for c in boxes if c.value} == mine and any(not c.value for c in boxes)
    await session.dispatch_event(refs["given"]._i, "focus", None)
    await _keys(session, refs, "2000")
    assert refs["given"].value == "2000" and refs["change"].value == "Сдача: 500,00 ₽"
    start = len(session.connection.wire)
    await _tap(session, refs["pay"])
    assert refs["error"].value == ""
    assert by_key(refs["done"], "paid_change").value == "Сдача: 500,00 ₽"
    assert "Оплата принята" in session.connection.sent_since(start)
    sale, = [d for d in kkt.documents if d.kind == 3]
    assert sum(i.amount for i in sale.items) == 150_000 and sale.change == 50_000  # fiscalised, change and all
    paid, = app.payments.list(account=number, limit=1000, day=app.clock.today())
    assert {ln.supplier for ln in _receipt_lines(app, paid.id)} == {payee.supplier_ext}
    assert any(number in line for line in printer.lines())  # the slip printed with the account
    assert refs["shift"].value.startswith("Смена № 1 открыта (Кассир К. К.): оплат 1, наличными 1\u00a0500,00 ₽")
    # a second tap on the same form would not take the money twice: the next payer starts afresh
    await _tap(session, by_key(refs["done"], "next"))
    assert refs["find"].value == "" and not refs["pay_panel"].visible and not refs["done"].visible
    assert len(app.payments.list(account=number, limit=1000, day=app.clock.today())) == 1


@pytest.mark.asyncio
async def test_a_number_typed_on_the_keypad_services_chosen_and_a_card(app, page, session, devices):
    kkt, _printer, _ = devices
    refs = await _kiosk(app, page, devices, session)
    await _tap(session, refs["open_shift"])
    number, owed = _debtor(app)
    await _keys(session, refs, number)
    await _tap(session, refs["find_button"])
    boxes = [c for c in refs["owed_rows"].controls if getattr(c, "data", None) and not c.disabled]
    assert len(boxes) >= 2 and refs["amount"].value
    first = boxes[0]
    for other in boxes[1:]:  # only the first service
        session.apply_patch(other._i, {"value": False})
        other.value = False
        await session.dispatch_event(other._i, "change", "false")
    from bcenter.ui.common import rub
    assert refs["amount"].value == rub(first.data[1])
    session.apply_patch(refs["way"]._i, {"value": "card"})
    refs["way"].value = "card"
    await session.dispatch_event(refs["way"]._i, "change", "card")
    assert refs["card_code"].visible and not refs["given"].visible
    await _tap(session, refs["pay"])
    assert refs["error"].value == "Оплата картой: наберите код авторизации с чека терминала"
    await _type(session, refs["card_code"], "123456")
    await _tap(session, refs["pay"])
    assert refs["error"].value == "" and refs["done"].visible
    assert "Сдача" not in " ".join(texts(refs["done"]))
    assert len([d for d in kkt.documents if d.kind == 3]) == 1


@pytest.mark.asyncio
async def test_refusals_are_said_and_nothing_is_taken(app, page, session, devices):
    kkt, _printer, _ = devices
    refs = await _kiosk(app, page, devices, session)
    await _tap(session, refs["find_button"])
    assert refs["error"].value == "Наберите номер лицевого счёта или поднесите QR-код счёта к сканеру"
    await _type(session, refs["find"], "0000000000")
    await _tap(session, refs["find_button"])
    assert "0000000000" in refs["error"].value and not refs["pay_panel"].visible
    await _type(session, refs["find"], "ST00012|Name=Чужая организация|PersonalAcc=40702810900000000001|"
                                       "BankName=Банк|BIC=044525225|CorrespAcc=30101810400000000225|"
                                       "PayeeINN=7700000001|PersAcc=1")
    await _tap(session, refs["find_button"])
    assert refs["error"].value.startswith("QR-код другой организации: «Чужая организация»")
    number, _ = _debtor(app)
    await _type(session, refs["find"], number)
    await _tap(session, refs["find_button"])
    await _type(session, refs["given"], "1")
    await _type(session, refs["amount"], "100")
    assert refs["change"].value == "Не хватает 99,00 ₽"
    await _tap(session, refs["pay"])  # no shift yet
    assert refs["error"].value and not refs["done"].visible
    await _type(session, refs["amount"], "сто")
    await _tap(session, refs["pay"])
    assert refs["error"].value == "Сумма к оплате: «сто» — не сумма; наберите рубли и копейки через запятую"
    assert not [d for d in kkt.documents if d.kind == 3]
    assert not app.payments.list(account=number, day=app.clock.today())


@pytest.mark.asyncio
async def test_idle_page_forgets_the_payer_and_a_touch_wakes_it(app, page, session, devices):
    refs = await _kiosk(app, page, devices, session)
    number, _ = _debtor(app)
    await _type(session, refs["find"], number)
    await _tap(session, refs["find_button"])
    assert refs["pay_panel"].visible
    refs["go_idle"]()
    assert refs["idle"].visible and not refs["work"].visible and not refs["pay_panel"].visible
    assert refs["find"].value == ""
    await _tap(session, refs["idle"])
    assert not refs["idle"].visible and refs["work"].visible


@pytest.mark.asyncio
async def test_the_shift_closes_with_the_cash_counted(app, page, session, devices):
    refs = await _kiosk(app, page, devices, session)
    await _a_hundred_in_cash(app, session, refs)
    await _tap(session, refs["pay"])
    assert refs["done"].visible
    await _tap(session, refs["close_shift"])  # nothing counted: no Z report with a shortage of everything
    assert refs["error"].value.startswith("Наличных в ящике: пересчитайте наличные") and refs["close_shift"].visible
    await _type(session, refs["counted"], "90")
    await _tap(session, refs["close_shift"])
    assert refs["shift"].value == "Смена № 1 закрыта: оплат 1, наличными 100,00 ₽; расхождение −10,00 ₽"
    assert refs["open_shift"].visible and not refs["close_shift"].visible
    await _tap(session, refs["open_shift"])  # a card-only shift counts «0»
    await _type(session, refs["counted"], "0")
    await _tap(session, refs["close_shift"])
    assert refs["error"].value == "" and refs["shift"].value == "Смена № 2 закрыта: оплат 0, наличными 0,00 ₽"


@pytest.mark.asyncio
async def test_a_resident_asks_how_the_request_stands(app, page, session, devices):
    """Issue 19: the request's number typed on the keypad (the comma key writes the dash) — its kind, state,
    deadline and, once closed, the answer; never its text or who took it."""
    operator = app.as_actor(Actor(user="oper", role="operator"))
    request = operator.claims.add(kind="repair", text="течёт кран на кухне, кв. 5", house="h00001")
    operator.claims.close(request.number, note="кран заменён")
    refs = await _kiosk(app, page, devices, session)
    await _keys(session, refs, request.number.removeprefix("З-").replace("-", ","))
    assert refs["find"].value == request.number.removeprefix("З-")
    await _tap(session, refs["find_button"])
    assert refs["error"].value == ""
    shown = texts(refs["done"])
    assert f"Заявка № {request.number}: Заявка на ремонт" in shown and "Ответ: кран заменён" in shown
    assert "течёт кран" not in shown
    await _type(session, refs["find"], "2026-999999")
    await _tap(session, refs["find_button"])
    assert refs["error"].value == "Нет заявки № З-2026-999999"


@pytest.mark.asyncio
async def test_a_resident_leaves_a_request_at_the_kiosk(app, page, session, devices):
    refs = await _kiosk(app, page, devices, session)
    account, _ = _debtor(app)
    await _type(session, refs["find"], account)
    await _tap(session, refs["find_button"])
    await _type(session, refs["request_text"], "не работает домофон")
    await _tap(session, refs["request_add"])
    assert refs["error"].value == ""
    assert refs["request_done"].value.startswith("Заявка № З-2026-000001 принята: Заявка на ремонт, срок — до")
    taken = app.claims.listing("all")
    assert [(r.channel, r.account, r.text) for r in taken] == [("kiosk", account, "не работает домофон")]
    await _tap(session, refs["request_add"])  # nothing typed: said, nothing written
    assert "текст заявки пуст" in refs["error"].value and len(app.claims.listing("all")) == 1


def _receipt_lines(app, payment_id: str) -> list:
    """The receipt lines the desk journaled for a payment."""
    import json

    from bcenter.modules.cashdesk.owed import ReceiptLine
    from db.dialect import db_id, param_mark

    items, = app.db.execute_sql(f'SELECT items FROM "cash_operation" WHERE payment_id = {param_mark(app.db)}',
                                (db_id(payment_id),)).fetchone()
    return [ReceiptLine(**i) for i in (json.loads(items) if isinstance(items, str) else items)]


@pytest.mark.parametrize("typed", ["1e3", "1_000", "\u0661\u0662"])
def test_a_sum_typed_on_the_keypad_is_rubles_and_kopecks_or_refused(typed):
    """«1e3» in the amount field was 1 000,00 ₽ to the kiosk: only digits with a comma are a sum."""
    from bcenter.ui.common import Failed
    from bcenter.ui.kiosk import _kop

    assert _kop("1 500,5", "Сумма") == 150050
    with pytest.raises(Failed, match=f"Сумма: «{typed}» — не сумма"):
        _kop(typed, "Сумма")


@pytest.mark.asyncio
async def test_a_sale_the_register_refused_is_taken_again_once_it_is_fixed(app, page, session, devices):
    """The paper ends under the receipt's first line: the register refuses («заправьте ленту и повторите»), nothing
    is sold. The cashier loads paper and taps «Оплатить» again — the payment is taken once, not refused as an
    operation «не состоялась» naming a key nobody sees."""
    from drivers.sim.shtrih_kkt import ShtrihModel

    kkt, _printer, _ = devices
    refs = await _kiosk(app, page, devices, session)
    number = await _a_hundred_in_cash(app, session, refs)

    def paper_ends(model, data):
        model.paper = False
        return ShtrihModel._operation(model, data)

    kkt._COMMANDS = {**ShtrihModel._COMMANDS, 0xFF46: paper_ends}
    await _tap(session, refs["pay"])
    assert refs["error"].value == "В ККТ нет чековой ленты: заправьте ленту и повторите" and not refs["done"].visible
    kkt.paper, kkt._COMMANDS = True, ShtrihModel._COMMANDS
    await _tap(session, refs["pay"])
    assert refs["error"].value == "" and refs["done"].visible
    assert len([d for d in kkt.documents if d.kind == 3]) == 1
    assert len(app.payments.list(account=number, limit=1000, day=app.clock.today())) == 1
    await _tap(session, refs["pay"])  # a third tap on the same form: the desk answers the payment taken
    assert len([d for d in kkt.documents if d.kind == 3]) == 1


@pytest.mark.asyncio
async def test_a_slip_the_printer_did_not_print_is_printed_again_from_the_kiosk(app, page, session, devices):
    """The printer is out of paper: the payment is taken and the kiosk says the slip was not printed — and prints its
    copy with a button once paper is in, instead of sending the cashier to «bcenter cash reprint» on a touch
    screen without a keyboard."""
    _kkt, printer, _ = devices
    refs = await _kiosk(app, page, devices, session)
    number = await _a_hundred_in_cash(app, session, refs)
    printer.paper = False
    await _tap(session, refs["pay"])
    assert refs["error"].value == "" and refs["done"].visible
    shown = " ".join(texts(refs["done"]))
    assert "квитанция не напечатана" in shown and "bcenter cash" not in shown
    printer.paper = True
    await _tap(session, by_key(refs["done"], "reprint"))
    assert refs["error"].value == "" and by_key(refs["done"], "reprinted").value == "Копия квитанции напечатана"
    assert any("КОПИЯ" in line for line in printer.lines()) and any(number in line for line in printer.lines())


@pytest.mark.asyncio
async def test_a_desk_without_a_receipt_printer_does_not_ask_for_paper(app, page, session, devices):
    """«--printer none»: the register's receipt is the only one — the kiosk said after every payment «квитанция не
    напечатана, проверьте бумагу» and offered a copy no printer could print."""
    signed = app.users.sign_in("kassa", "пароль-кассира", role="cashier")
    refs = build_kiosk(page, signed, register=devices[2]["register"], printer="none")
    await refs["load_shift"]()
    await _a_hundred_in_cash(app, session, refs)
    await _tap(session, refs["pay"])
    assert refs["error"].value == "" and refs["done"].visible
    assert by_key(refs["done"], "receipt").value.startswith("Чек № ")
    assert "не напечатана" not in " ".join(texts(refs["done"]))
    with pytest.raises(LookupError):
        by_key(refs["done"], "reprint")


@pytest.mark.asyncio
async def test_the_idle_page_forgets_the_address_searched_and_the_request_typed(app, page, session, devices):
    """A resident searched by address and began a request, then walked away: after the idle page the next payer saw
    the street typed, the list of flats and account numbers found, and the words of the request left unsent."""
    refs = await _kiosk(app, page, devices, session)
    await _type(session, refs["by_address"], "Ленина")
    assert any(str(c.key).startswith("address:") for c in refs["addresses"].controls)
    await _tap(session, refs["addresses"].controls[0])
    await _type(session, refs["request_text"], "сосед сверху заливает, кв. 12")
    await _type(session, refs["by_address"], "Ленина")
    refs["go_idle"]()
    await _tap(session, refs["idle"])
    assert refs["by_address"].value == "" and refs["addresses"].controls == []
    number, _ = _debtor(app)
    await _type(session, refs["find"], number)
    await _tap(session, refs["find_button"])
    assert refs["request_text"].value == ""
    await _type(session, refs["request_text"], "не работает домофон")  # then the next payer's code is scanned
    await _type(session, refs["find"], bill_qr(app, number, 10_000))
    await _tap(session, refs["find_button"])
    assert refs["error"].value == "" and refs["request_text"].value == ""
