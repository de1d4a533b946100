"""The cash desk over the simulated register and printer (issue 14): a shift as a cashier lives it — open, cash with
change, card, by service, an advance, the bill's QR scanned, X, close with the cash count; the printed slip read back;
a retried operation taken once; bad input refused in Russian with nothing recorded; a sale whose answer never came
reconciled against the register, never sold twice."""
from __future__ import annotations

from datetime import date

import pytest

from bcenter.core.errors import BcenterError, UsageError
from bcenter.core.period import Period
from bcenter.modules.bills import qr
from drivers.errors import DeviceRejected

TODAY = date(2026, 12, 5)


def test_a_shift_as_a_cashier_lives_it(desk):
    app, dev = desk.app, desk.devices()
    shift = app.cash.open(cashier="Иванова Мария Петровна", inn="668301234567", **dev)
    assert shift.number == 1 and desk.kkt.shift_opened is not None
    number = desk.debtor()
    owed = app.cash.owed(number)
    assert owed.total > 0 and len(owed.recipients) >= 4 and sum(r.own for r in owed.recipients) == 1
    debt_before = {a.account: a.total for a in app.finance.debts(as_of=TODAY).accounts}[number]

    cash = app.cash.pay(account=number, amount=250000, given=300000, **dev)
    assert (cash.state, cash.change, cash.cash, cash.printed) == ("done", 50000, 300000, True)
    assert cash.receipt_number == "S01-1-1" and sum(ln.amount for ln in cash.lines) == 250000
    sale = desk.sales()[-1]
    assert sale.number == cash.fiscal_document and sale.total == 250000 and sale.change == 50000
    own = [i for i, ln in zip(sale.items, cash.lines) if ln.own]
    agents = [i for i, ln in zip(sale.items, cash.lines) if not ln.own]
    assert own and all(i.tags == [] for i in own)  # the company's own services carry no agent tag
    assert agents and all(i.tags for i in agents)  # the others carry 1222, 1224, 1226

    card = app.cash.pay(account=number, amount=10000, card="A1B2C3", **dev)
    assert (card.card, card.cash, card.change) == (10000, 0, 0)
    assert desk.sales()[-1].payments[:2] == (0, 10000)  # the register's second slot: «электронными»
    by_service = app.cash.pay(account=number, amount=None, services={"cold_water": 5000}, **dev)
    assert [(ln.service, ln.amount) for ln in by_service.lines] == [("cold_water", 5000)]

    after = {a.account: a.total for a in app.finance.debts(as_of=TODAY).accounts}.get(number, 0)
    assert debt_before - after <= 265000  # the money went to the account's debts (penalties may take a part)
    assert app.cash.owed(number).total == owed.total - 265000

    x = app.cash.x_report(**dev)
    assert (x.payments, x.cash, x.card) == (3, 255000, 10000)
    closed = app.cash.close(counted=255000, **dev)
    assert (closed.counted, closed.expected) == (255000, 255000) and desk.kkt.shift_opened is None
    assert [d.kind for d in desk.kkt.documents] == [2, 3, 3, 3, 5]


def test_the_printed_slip_reads_back_to_its_russian_text_and_the_fiscal_check_code(desk):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Иванова М. П.", **dev)
    number = desk.debtor()
    done = app.cash.pay(account=number, amount=123456, given=130000, **dev)
    text = " ".join(" ".join(line.split()) for line in desk.printer.lines())  # wrapped lines joined
    for expected in ('ООО "УК "Заречье""', f"КВИТАНЦИЯ № {done.receipt_number}", f"Лицевой счёт {number}",
                     "ИТОГО 1 234,56 руб.", "Наличными 1 300,00 руб.", "Сдача 65,44 руб.",
                     f"ФД № {done.fiscal_document}", "получатель МУП \"Водоканал\" г. Заречный, ИНН 6683004175"):
        assert expected in text, expected
    assert max(len(line) for line in desk.printer.lines()) <= 42
    sale = desk.sales()[-1]
    stamp = app.clock.now().astimezone().strftime("%Y%m%dT%H%M")  # the desk's local time, as the register's
    assert desk.printer.qr_payloads() == [
        f"t={stamp}&s=1234.56&fn={desk.kkt.fn_serial}&i={sale.number}&fp={sale.sign}&n=1".encode()]


def test_an_advance_beyond_the_debt_is_a_line_of_its_own_paid_ahead(desk):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    assert app.cash.owed("1000010015").total == 0  # an account owing nothing: all of it ahead
    paid = app.cash.pay(account="1000010015", amount=50000, **dev)
    assert [(ln.advance, ln.amount, ln.own) for ln in paid.lines] == [(True, 50000, True)]
    assert desk.sales()[-1].items[0].method == 1  # 1214: предоплата 100 %
    number = desk.debtor()
    owed = app.cash.owed(number).total
    more = app.cash.pay(account=number, amount=owed + 1000, limit=owed + 1000, **dev)
    assert [ln.amount for ln in more.lines if ln.advance] == [1000]
    assert sum(ln.amount for ln in more.lines if not ln.advance) == owed


def test_the_bills_qr_as_a_scanner_types_it_pays_that_account_and_month(desk):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    payload = qr.payload({"Name": "ООО «УК «Заречье»»", "PersonalAcc": "40702810516540012874",
                          "BankName": "Уральский банк ПАО Сбербанк", "BIC": "046577674",
                          "CorrespAcc": "30101810500000000674", "PayeeINN": "6683015829", "Sum": 155569,
                          "PersAcc": number, "PaymPeriod": "092026"})
    typed = qr.encode(payload).decode("latin-1") + "\r\n"
    done = app.cash.pay(qr=typed, given=160000, **dev)
    assert (done.account, done.amount, done.change) == (number, 155569, 4431)
    paid = [p for p in app.payments.list(account=number) if p.channel == "cash"]
    assert len(paid) == 1 and paid[0].period == str(Period(2026, 9))


def test_a_retried_operation_is_taken_once(desk):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    first = app.cash.pay(account=number, amount=10000, key="kiosk-7-0001", **dev)
    before = desk.payments()
    again = app.cash.pay(account=number, amount=10000, key="kiosk-7-0001", **dev)
    assert again.repeated and again.payment_id == first.payment_id and again.fiscal_document == first.fiscal_document
    assert desk.payments() == before and len(desk.sales()) == 1
    with pytest.raises(BcenterError, match="уже использован для другой оплаты"):
        app.cash.pay(account=number, amount=20000, key="kiosk-7-0001", **dev)  # a kiosk whose counter was reset


@pytest.mark.parametrize("change, call, message", [
    (None, dict(amount=0), "больше нуля"),
    (None, dict(amount=-500), "больше нуля"),
    (None, dict(amount=10_000_001), "сумма 100\u00a0000,01\u00a0₽ больше лимита кассы 100\u00a0000,00\u00a0₽"),
    (None, dict(amount=10000, given=5000), "получено 50,00\u00a0₽ — меньше суммы 100,00\u00a0₽"),
    (None, dict(amount=10000, services={"cold_water": 5000}),
     "сумма по услугам 50,00\u00a0₽ не равна сумме оплаты 100,00\u00a0₽"),
    (None, dict(amount=10000, card=" "), "код авторизации"),
    (None, dict(account="9999999999", amount=10000), "не найден"),
    ("paper", dict(amount=10000), "нет чековой ленты"),
    ("closed", dict(amount=10000), "Смена не открыта"),
    ("24h", dict(amount=10000), "больше 24 часов"),
    ("foreign", dict(amount=None), "другой организации"),
])
def test_bad_input_is_refused_in_russian_and_nothing_is_recorded(desk, change, call, message):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    if change == "paper":
        desk.kkt.paper = False
    elif change == "closed":
        app.cash.close(counted=0, **dev)
    elif change == "24h":
        app.clock.advance(hours=25)
        desk.kkt.now = lambda: app.clock.now().replace(tzinfo=None)
    elif change == "foreign":
        call["qr"] = "ST00012|Name=ПАО Ростелеком|PersonalAcc=40702810100000001234|BankName=Банк|BIC=044525225|" \
                     "CorrespAcc=30101810400000000225|PayeeINN=7707049388|PersAcc=1000010015|Sum=59000"
    call.setdefault("account", None if "qr" in call else desk.debtor())
    payments, sales = desk.payments(), len(desk.sales())
    with pytest.raises((BcenterError, DeviceRejected), match=message):
        app.cash.pay(**call, **dev)
    assert desk.payments() == payments and len(desk.sales()) == sales
    assert desk.kkt.receipt is None


def test_a_register_that_refuses_mid_receipt_leaves_a_failed_operation_and_no_money(desk):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    payments = desk.payments()
    original = desk.kkt._close

    def refuse(self, data):  # the register runs out of paper as the receipt closes
        return 0x6B, b""
    desk.kkt._COMMANDS = {**desk.kkt._COMMANDS, 0xFF45: refuse}
    with pytest.raises(DeviceRejected, match="нет чековой ленты"):
        app.cash.pay(account=desk.debtor(), amount=10000, key="k-paper", **dev)
    desk.kkt._COMMANDS = {**desk.kkt._COMMANDS, 0xFF45: original.__func__}
    assert desk.payments() == payments and desk.kkt.receipt is None  # annulled
    with pytest.raises(BcenterError, match="не состоялась.*нет чековой ленты"):
        app.cash.pay(account=desk.debtor(), amount=10000, key="k-paper", **dev)


def test_a_sale_whose_answer_never_came_is_reconciled_not_sold_again(desk, monkeypatch):
    """The process dies after the register sold and before the payment was written: the operation stays in the
    journal; the next session finds the sale in the register's documents and writes the payment — one payment, one
    fiscal document, and the slip printed then."""
    from bcenter.modules.cashdesk import desk as module

    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()

    def die(self, *args, **kwargs):
        raise SystemExit("питание пропало")
    monkeypatch.setattr(module.CashDesk, "_complete", die)
    with pytest.raises(SystemExit):
        app.cash.pay(account=number, amount=77700, key="k-lost", **dev)
    monkeypatch.undo()
    assert len(desk.sales()) == 1 and desk.payments() == len(app.payments.list(limit=100000))
    shift = app.cash.status(**dev)  # the next session: reconciled first
    assert shift.pending == 0 and shift.payments == 1 and shift.cash == 77700
    assert len(desk.sales()) == 1
    again = app.cash.pay(account=number, amount=77700, key="k-lost", **dev)
    assert again.repeated and again.fiscal_document == desk.sales()[0].number and again.printed
    assert len([p for p in app.payments.list(account=number) if p.channel == "cash"]) == 1


def test_a_sale_the_register_never_made_is_failed_by_the_reconciliation(desk, monkeypatch):

    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)

    def die_before(self, *args, **kwargs):
        raise SystemExit("питание пропало до отправки чека")
    monkeypatch.setattr(type(app.cash.desk(**dev).register), "sell", die_before)
    with pytest.raises(SystemExit):
        app.cash.pay(account=desk.debtor(), amount=5000, key="k-never", **dev)
    monkeypatch.undo()
    shift = app.cash.status(**dev)
    assert shift.pending == 0 and shift.payments == 0 and desk.sales() == []
    assert len(shift.notes) == 1 and "не состоялась" in shift.notes[0] and "верните плательщику 50,00" in \
        shift.notes[0].replace("\u00a0", " ")  # the cashier is told to give the money back
    with pytest.raises(BcenterError, match="не состоялась"):
        app.cash.pay(account=desk.debtor(), amount=5000, key="k-never", **dev)


def test_a_failure_found_by_the_next_payment_is_told_to_the_cashier(desk, monkeypatch):
    """The line dies before the register got the sale; the next customer's payment reconciles first and says the
    earlier one did not happen (its money to give back), and whose documents earlier or later sales were."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    original = desk.kkt._execute

    def line_dies(message: bytes) -> bytes:  # the item reaches the register, its answer and all after do not
        if message[:2] == b"\xff\x46":
            desk.kkt.silent, desk.kkt.lose_answers = True, 1
        return original(message)
    desk.kkt._execute = line_dies
    with pytest.raises(BcenterError, match="будет сверена"):
        app.cash.pay(account=desk.debtor(), amount=3000, **dev)
    desk.kkt._execute, desk.kkt.silent = original, False
    done = app.cash.pay(account="1000010015", amount=1000, **dev)
    assert done.state == "done" and any("не состоялась" in n for n in done.notes)
    assert desk.payments() == len(app.payments.list(limit=100000)) and len(desk.sales()) == 1


def test_the_open_shift_is_one_per_site(desk):
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    with pytest.raises(BcenterError, match="уже открыта"):
        app.cash.open(cashier="Другой", **dev)
    app.cash.close(counted=0, **dev)
    with pytest.raises(UsageError, match="ИНН кассира"):
        app.cash.open(cashier="Другой", inn="12", **dev)
    assert app.cash.open(cashier="Другой", **dev).number == 2


def _applied_by_supplier(app, number: str, payment_id: str) -> dict[str, int]:
    """What the engine applied a payment to, per recipient (its ext id) — charges and penalties together."""
    from bcenter.modules.finance.position import Finance

    account = str(app.db.execute_sql('SELECT id FROM "account" WHERE number = ?', (number,)).fetchone()[0])
    ext = {str(i): e for i, e in app.db.execute_sql('SELECT id, ext_id FROM "supplier"')}
    finance = Finance(app.db)
    application = finance.application(finance.position(account, number, as_of=TODAY), as_of=TODAY)
    out: dict[str, int] = {}
    for part in application.payment(payment_id).applied:
        out[ext[part.supplier]] = out.get(ext[part.supplier], 0) + part.amount
    return out


def test_a_partial_payment_s_receipt_lines_are_what_each_recipient_is_credited(desk):
    """The receipt split a part payment in proportion to the whole debt, penalties included, while the ledger pays
    the oldest month first: the sums under the agent tags were not what each supplier got (review 2026-12-07)."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    owed = app.cash.owed(number)
    paid = app.cash.pay(account=number, amount=owed.total // 3, **dev)
    on_receipt = {ln.supplier: ln.amount for ln in paid.lines}
    assert len(on_receipt) == len(paid.lines) and sum(on_receipt.values()) == owed.total // 3
    assert on_receipt == _applied_by_supplier(app, number, paid.payment_id)
    named = app.cash.pay(account=number, amount=owed.total // 5, **dev)  # and again, on what is left
    assert {ln.supplier: ln.amount for ln in named.lines} == _applied_by_supplier(app, number, named.payment_id)


def test_a_recipients_qr_pays_that_recipient_only(desk):
    """A bill has a QR code per recipient: scanning the capital repair fund's paid every recipient of the bill."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    owed = app.cash.owed(number)
    other = next(r for r in owed.recipients if not r.own and r.total > 0)
    inn, account = app.db.execute_sql(
        'SELECT s.inn, b.account FROM "supplier" s JOIN "bank_detail" b ON b.supplier_id = s.id WHERE s.ext_id = ?',
        (other.supplier,)).fetchone()
    asked = other.total // 2
    payload = qr.payload({"Name": other.name, "PersonalAcc": account, "BankName": "Банк", "BIC": "046577674",
                          "CorrespAcc": "30101810500000000674", "PayeeINN": inn, "Sum": asked, "PersAcc": number,
                          "PaymPeriod": "112026"})
    done = app.cash.pay(qr=qr.encode(payload).decode("latin-1") + "\r\n", **dev)
    assert done.amount == asked and {ln.supplier for ln in done.lines} == {other.supplier}
    assert sum(ln.amount for ln in done.lines) == asked
    assert _applied_by_supplier(app, number, done.payment_id) == {other.supplier: asked}
    after = {r.supplier: r.total for r in app.cash.owed(number).recipients}
    assert after.get(other.supplier, 0) == other.total - asked
    assert all(after.get(r.supplier, 0) == r.total for r in owed.recipients if r is not other)


def test_a_register_shift_left_open_by_a_crash_for_a_day_does_not_lock_the_desk(desk):
    """The register opened its shift and the program died before writing its own: a day later «open» said «close it
    with bcenter cash close» and «close» said «nothing to close». Opening now closes the register's orphan with a Z
    report (no payment of the desk can be in it) and opens a new shift."""
    from datetime import datetime

    app, dev = desk.app, desk.devices()
    desk.kkt.shift_opened = datetime(2026, 12, 4, 9, 0)  # 27 hours before the register's clock: noon of 5 December
    shift = app.cash.open(cashier="Кассир", **dev)
    assert shift.number == 1 and desk.kkt.shift_opened == desk.kkt.now()
    assert [d.kind for d in desk.kkt.documents][-2:] == [5, 2]  # the orphan's Z report, then the new shift
    assert app.cash.pay(account=desk.debtor(), amount=10000, **dev).state == "done"


def test_a_slip_the_printer_missed_is_printed_again_as_a_copy(desk):
    """«Квитанция не напечатана … напечатайте копию позже» named no way to do it: `bcenter cash reprint` prints the
    copy, dated when the money was taken (the slip of a reconciliation hours later was dated then, and its check code
    named a time no fiscal document has)."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    desk.printer.paper = False
    done = app.cash.pay(account=desk.debtor(), amount=12345, given=20000, **dev)
    assert done.state == "done" and not done.printed
    assert done.notes and done.notes[0].endswith(f"копия квитанции: bcenter cash reprint {done.receipt_number}")
    desk.printer.paper = True
    copy = app.cash.reprint(done.receipt_number, **dev)
    assert copy.printed and copy.fiscal_document == done.fiscal_document
    text = desk.printer.lines()
    assert f"КВИТАНЦИЯ № {done.receipt_number} - КОПИЯ" in text  # (the printer has no dash: «-»)
    taken = app.clock.now().astimezone()
    assert taken.strftime("%d.%m.%Y %H:%M") in text
    assert desk.printer.qr_payloads()[-1].startswith(f"t={taken:%Y%m%dT%H%M}&s=123.45".encode())
    with pytest.raises(BcenterError, match="квитанции № S01-9-9 нет"):
        app.cash.reprint("S01-9-9", **dev)


def test_a_desk_payment_is_not_reversed_in_the_office_without_a_refund_receipt(desk):
    """An office storno of a desk payment wrote no «возврат прихода»: the register, the ОФД and the shift's cash
    still had the money the ledger no longer did. Refused; moving it to the right account is allowed."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    done = app.cash.pay(account=number, amount=10000, **dev)
    with pytest.raises(UsageError, match="возврат прихода"):
        app.payments.storno(done.payment_id, reason="ошибся кассир")
    other = next(a.account for a in app.finance.debts(as_of=TODAY).accounts if a.account != number)
    moved = app.payments.storno(done.payment_id, reason="не тот лицевой счёт", to_account=other)
    assert moved.reposted is not None and app.cash.x_report(**dev).cash == 10000


def test_a_lost_sale_after_the_fiscal_drive_is_replaced_is_found_by_the_reconciliation(desk, monkeypatch):
    """A new ФН (every 13–36 months, or a new register) numbers its documents from the start again: the sale whose
    answer was lost had the number of a sale the old ФН made, the reconciliation skipped it as «already linked» and
    told the cashier to give the money back — a fiscal receipt issued, the money in the drawer, no payment."""
    from bcenter.modules.cashdesk import desk as module

    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    first = app.cash.pay(account=number, amount=10000, **dev)
    app.cash.close(counted=10000, **dev)
    desk.kkt.documents, desk.kkt.last_document, desk.kkt.fn_serial = [], 100, "9999078900054321"  # the new ФН
    app.clock.advance(hours=2)
    app.cash.open(cashier="Кассир", **dev)

    def die(self, *args, **kwargs):
        raise SystemExit("питание пропало")
    monkeypatch.setattr(module.CashDesk, "_complete", die)
    with pytest.raises(SystemExit):
        app.cash.pay(account=number, amount=77700, key="k-new-fn", **dev)
    monkeypatch.undo()
    assert desk.sales()[-1].number == first.fiscal_document  # the new ФН's number of the old ФН's sale
    shift = app.cash.status(**dev)
    assert (shift.pending, shift.payments, shift.cash) == (0, 1, 77700) and "проведена" in shift.notes[0]
    again = app.cash.pay(account=number, amount=77700, key="k-new-fn", **dev)
    assert again.repeated and again.state == "done" and again.fiscal_document == desk.sales()[-1].number


@pytest.mark.parametrize("typed", ["1e3", "1E2", "1_000", "\u0661\u0662", "12,345", "abc"])
def test_an_amount_typed_at_the_command_line_is_rubles_and_kopecks_or_refused(desk, capsys, typed):
    """«1e3» was taken as 1 000,00 ₽ (and «1_000», other scripts' digits): Python's Decimal syntax is no sum a
    cashier types. Refused naming the option; nothing sold, nothing recorded."""
    from bcenter.cli import main

    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    payments, sales = desk.payments(), len(desk.sales())
    assert main(["--db", f"sqlite:///{desk.path}", "cash", "pay", "--account", desk.debtor(), "--amount", typed,
                 "--register", dev["register"], "--printer", dev["printer"]]) == 2
    assert f"--amount: «{typed}» — не сумма в рублях" in capsys.readouterr().err
    assert desk.payments() == payments and len(desk.sales()) == sales


def test_a_service_paid_beyond_its_debt_is_receipted_as_paid_ahead(desk, monkeypatch):
    """A recipient's QR (or a split by service) for more than the service owes went on the receipt as one line of
    «полный расчёт»: the money ahead must be «предоплата» (1214 = 1) — on its own line, for that recipient. The
    payment written after a crash takes the service's lines added up as its split."""
    from bcenter.modules.cashdesk import desk as module

    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    owed = app.cash.owed(number)
    other = next(r for r in owed.recipients if not r.own and r.total > 0)
    service = max(other.services, key=lambda s: s.total)
    done = app.cash.pay(account=number, amount=service.total + 5000, services={service.service: service.total + 5000},
                        **dev)
    assert [(ln.supplier, ln.amount, ln.advance) for ln in done.lines] == [
        (other.supplier, service.total, False), (other.supplier, 5000, True)]
    sale = desk.sales()[-1]
    assert [(i.amount, i.method) for i in sale.items] == [(service.total, 4), (5000, 1)]
    assert all(i.tags for i in sale.items)  # both the recipient's, with its agent tags
    assert _applied_by_supplier(app, number, done.payment_id) == {other.supplier: service.total}

    second = max((s for r in owed.recipients for s in r.services if s is not service), key=lambda s: s.total)
    again = {second.service: second.total + 3000}  # two lines of one service: paid and ahead

    def die(self, *args, **kwargs):
        raise SystemExit("питание пропало")
    monkeypatch.setattr(module.CashDesk, "_complete", die)
    with pytest.raises(SystemExit):
        app.cash.pay(account=number, amount=second.total + 3000, services=again, **dev)
    monkeypatch.undo()
    assert app.cash.status(**dev).payments == 2
    split = app.db.execute_sql('SELECT SUM(x.amount) FROM "payment_service_split" x JOIN "payment" p ON '
                               "p.id = x.payment_id WHERE p.amount = ? AND p.channel = 'cash'",
                               (second.total + 3000,)).fetchone()[0]
    assert split == second.total + 3000


def test_a_closed_account_takes_its_debt_and_no_money_ahead(desk):
    """A payer who brought the former owner's account number paid ahead on a closed account: the money stayed
    there, no charge ever takes it. The debt is taken; money beyond it is refused saying why, nothing recorded."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    owed = app.cash.owed(number).total
    app.db.execute_sql('UPDATE "account" SET closed = ? WHERE number = ?', ("2026-10-15", number))  # calculated
    payments, sales = desk.payments(), len(desk.sales())
    with pytest.raises(UsageError, match=f"лицевой счёт {number} закрыт 15.10.2026"):
        app.cash.pay(account=number, amount=owed + 100, limit=owed + 100, **dev)
    assert desk.payments() == payments and len(desk.sales()) == sales
    assert app.cash.pay(account=number, amount=owed, limit=owed, **dev).state == "done"


def test_an_account_closed_in_a_month_not_yet_calculated_takes_the_payment_for_its_last_days(desk):
    """Closed on 30.11.2026, its November days are still to be charged (the town is calculated up to October): the
    seller pays the debt and those days at the desk — money beyond today's debt is theirs, not money ahead on a
    closed account (the refusal of money ahead waits for the closing month's charges; review of the day's change)."""
    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    number = desk.debtor()
    owed = app.cash.owed(number).total
    app.db.execute_sql('UPDATE "account" SET closed = ? WHERE number = ?', ("2026-11-30", number))
    assert app.cash.pay(account=number, amount=owed + 100, limit=owed + 100, **dev).state == "done"


def test_a_receipt_left_open_in_the_register_does_not_keep_the_shift_from_closing(desk):
    """«В ККТ открыт чек: завершите или аннулируйте его» at the close, and no command of the desk annuls it: the
    shift could not be closed. Nothing pending in the journal — the receipt was never sold: annulled, Z report."""
    from drivers.sim.shtrih_kkt import Document

    app, dev = desk.app, desk.devices()
    app.cash.open(cashier="Кассир", **dev)
    app.cash.pay(account=desk.debtor(), amount=10000, given=10000, **dev)
    desk.kkt.receipt = Document(number=0, kind=3, at=desk.kkt.now(), sign=0, operation=1)  # begun at the keyboard
    closed = app.cash.close(counted=10000, **dev)
    assert (closed.counted, closed.expected) == (10000, 10000) and desk.kkt.receipt is None
    assert [d.kind for d in desk.kkt.documents] == [2, 3, 5]


def test_a_long_list_of_services_on_a_receipt_line_keeps_the_account_number():
    """A receipt line's name is at most 128 characters (tag 1030; the register cuts the rest): a recipient paid for
    many services had «Оплата ЖКУ: <every service>, л/с …» cut before the account's number — the receipt no longer
    said whose payment it was. The list of services is cut instead, with «…»."""
    from bcenter.modules.cashdesk.owed import ITEM_NAME_BYTES, item_name

    services = ", ".join(["Холодное водоснабжение", "Горячее водоснабжение", "Водоотведение", "Электроснабжение",
                          "Обращение с ТКО", "Холодная вода на СОИ", "Горячая вода на СОИ"])
    name = item_name(f"Оплата ЖКУ: {services}", "1000010049")
    assert name.endswith("…, л/с 1000010049") and name.startswith("Оплата ЖКУ: Холодное водоснабжение")
    assert len(name.encode("cp1251")) <= ITEM_NAME_BYTES
    assert item_name("Аванс за ЖКУ", "1000010049") == "Аванс за ЖКУ, л/с 1000010049"


def test_a_shifts_times_are_the_desks_clock_not_utc(monkeypatch):
    """A shift opened at 09:05 in Moscow was shown «открыта 2026-12-07 06:05» — the stored UTC moment; the cashier
    reads the time of the desk's machine, as the receipt slip prints it."""
    import time

    from bcenter.modules.cashdesk.desk import Shift

    monkeypatch.setenv("TZ", "Europe/Moscow")
    time.tzset()
    try:
        shift = Shift("id", 7, "01", "Кассир", "2026-12-07T06:05:00+00:00", "2026-12-07",
                      closed_at="2026-12-07T15:30:00+00:00")
        assert (shift.opened_text, shift.closed_text) == ("07.12.2026 09:05", "07.12.2026 18:30")
    finally:
        monkeypatch.undo()
        time.tzset()
