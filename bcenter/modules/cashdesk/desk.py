"""Касса: a cashier's shift and the payments taken in it, never lost, never counted or fiscalised twice (issue 14).

**A payment at the desk** goes through a write-ahead journal (``cash_operation``):

1. checks that need no writing: a shift open here and in the register (not over 24 hours: the register would
   refuse), the amount above zero and within the desk's limit, the money given covering the cash part, a card's
   approval code typed in;
2. the intent is committed — ``journaled``, with the register's last fiscal document number (``fiscal_before``)
   and the receipt's lines (per recipient, with their agent tags: ``owed.split``);
3. the register sells;
4. one transaction writes the payment (channel ``cash``, the shift, the day, the month the payer named; the payer's
   split by service when given) and moves the operation to ``done`` with the fiscal document and sign;
5. the slip is printed by the receipt printer (a printer that fails leaves the payment as it is: reprint).

If the register refuses (no paper, a receipt open…) the operation is ``failed`` with the reason and no payment.
If the process dies between 2 and 4 — the register's answer lost, the power gone before the commit — the
operation stays ``journaled``; ``reconcile`` (run before every operation of the desk and at the start of a
session) asks the register for its documents after ``fiscal_before``: the one sale of that amount found is the
operation's (step 4 is done with it), none found means nothing was sold (a half-built receipt is annulled) and the
operation is ``failed``. A sale is never sent twice. The same ``key`` retried returns the operation as it stands.

The receipt number is issued offline: ``<site code>-<shift number>-<sequence>``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Mapping

import peewee as pw

from bcenter.core.dates import format_moment_ru
from bcenter.core.errors import BcenterError, NotFound, UsageError
from bcenter.core.ids import uuid7
from bcenter.core.money import format_rub_ru
from bcenter.core.period import Period
from bcenter.modules.cashdesk.owed import AccountOwed, ReceiptLine, account_owed, recipient_split, split
from db.dialect import db_id, param_mark
from db.models import CashOperation, CashShift, Payment, PaymentServiceSplit
from db.uow import UnitOfWork, local_site_id
from drivers.errors import DeviceError, DeviceRejected
from drivers.fiscal import base as fiscal
from drivers.printer.base import Line, ReceiptDoc, ReceiptPrinter, columns, wrap

DEFAULT_LIMIT = 10_000_000  # 100 000 ₽ a payment: a typo guard, configurable per desk
SHIFT_HOURS = 24


@dataclass(frozen=True)
class Shift:
    id: str
    number: int
    site_code: str
    cashier: str
    opened_at: str
    opened_on: str
    closed_at: str | None = None
    payments: int = 0
    cash: int = 0          # cash taken less change
    card: int = 0
    pending: int = 0       # operations journaled, not yet reconciled
    counted: int | None = None
    expected: int | None = None
    notes: tuple[str, ...] = ()  # what the reconciliation of this session settled

    @property
    def opened_text(self) -> str:
        """When the shift opened as the cashier's clock shows it, «07.12.2026 09:05» (stored in UTC, ISO)."""
        return local_text(self.opened_at)

    @property
    def closed_text(self) -> str | None:
        return local_text(self.closed_at) if self.closed_at else None


local_text = format_moment_ru
"""A moment (stored: ISO, UTC) as the desk's machine shows the time (``core.dates.format_moment_ru``): the shift's
lines and the receipt slip."""


@dataclass(frozen=True)
class DeskPayment:
    operation: str
    receipt_number: str
    account: str
    amount: int
    cash: int
    card: int
    change: int
    state: str
    fiscal_document: int | None
    fiscal_sign: str | None
    payment_id: str | None
    lines: tuple[ReceiptLine, ...] = ()
    printed: bool = False
    repeated: bool = False
    notes: tuple[str, ...] = field(default=())
    taken_at: str | None = None  # when the money was taken (the operation journaled, just before the sale)


class CashDesk:
    """The desk of this site: its database, its fiscal register and receipt printer, today and now."""

    def __init__(self, db: pw.Database, *, register: fiscal.FiscalRegister, printer: ReceiptPrinter | None,
                 today: date, now: datetime, actor: str, limit: int = DEFAULT_LIMIT,
                 tax_system: int = fiscal.TAX_OSN, register_url: str | None = None):
        self.db, self.register, self.printer = db, register, printer
        self.today, self.now, self.actor, self.limit, self.tax_system = today, now, actor, limit, tax_system
        self.register_url = register_url
        self.mark = param_mark(db)
        self.site = _site_code(db)

    # --- shifts -----------------------------------------------------------------------------------------
    def current(self) -> Shift | None:
        """The shift open at this site, with its totals."""
        m = self.mark
        row = self.db.execute_sql(
            f'SELECT id, number, cashier, opened_at, opened_on FROM "cash_shift" WHERE site_code = {m} '
            'AND closed_at IS NULL ORDER BY number DESC LIMIT 1', (self.site,)).fetchone()
        return None if row is None else self._shift(row)

    def _shift(self, row) -> Shift:
        m = self.mark
        totals = self.db.execute_sql(
            f'SELECT COUNT(*), COALESCE(SUM(cash - change), 0), COALESCE(SUM(card), 0) FROM "cash_operation" '
            f"WHERE shift_id = {m} AND state = 'done'", (db_id(str(row[0])),)).fetchone()
        pending = self.db.execute_sql(f'SELECT COUNT(*) FROM "cash_operation" WHERE shift_id = {m} '
                                      "AND state = 'journaled'", (db_id(str(row[0])),)).fetchone()[0]
        return Shift(str(row[0]), int(row[1]), self.site, row[2], row[3], str(row[4]), payments=int(totals[0]),
                     cash=int(totals[1]), card=int(totals[2]), pending=int(pending))

    def open_shift(self, cashier: str, *, inn: str | None = None) -> Shift:
        """Open a shift here and in the register (a shift the register has open already is taken over)."""
        if not cashier.strip():
            raise UsageError("Укажите кассира (--cashier «Фамилия И. О.»)")
        if inn is not None and (not inn.isdigit() or len(inn) != 12):
            raise UsageError(f"ИНН кассира — 12 цифр, а не «{inn}»")
        self.reconcile()
        open_now = self.current()
        if open_now is not None:
            raise BcenterError(f"Смена № {open_now.number} уже открыта (кассир {open_now.cashier}, "
                               f"{open_now.opened_text}): закройте её — bcenter cash close")
        status = self.register.status()
        if status.receipt_open:
            self.register.annul()
        if status.shift_open and status.over_24h:  # opened in the register, never here (a crash between the two):
            self.register.close_shift()  # no payment of ours can be in it — the desk sells in its own shifts only
            status = self.register.status()
        if not status.shift_open:
            self.register.open_shift(cashier.strip(), inn)
        m = self.mark
        number = int(self.db.execute_sql(f'SELECT COALESCE(MAX(number), 0) FROM "cash_shift" WHERE site_code = {m}',
                                         (self.site,)).fetchone()[0]) + 1
        with UnitOfWork(action="cash.shift.open", actor=self.actor, db=self.db,
                        details={"shift": number, "cashier": cashier.strip()}) as uow:
            uow.insert(CashShift, site_code=self.site, number=number, cashier=cashier.strip(), cashier_inn=inn,
                       opened_at=self.now.isoformat(timespec="seconds"), opened_on=self.today,
                       register=self.register_url)
        return self.current()

    def _open(self) -> Shift:
        shift = self.current()
        if shift is None:
            raise BcenterError("Смена не открыта: откройте смену — bcenter cash open --cashier «Фамилия И. О.»")
        if self.now - datetime.fromisoformat(shift.opened_at) > timedelta(hours=SHIFT_HOURS):
            raise BcenterError(f"Смена № {shift.number} длится больше 24 часов — ККТ не примет оплату: закройте "
                               "смену (bcenter cash close) и откройте новую")
        return shift

    def x_report(self) -> Shift:
        """The register's X report; the shift's totals as the journal has them."""
        shift = self._open()
        self.reconcile()
        self.register.x_report()
        return self.current() or shift

    def close_shift(self, counted: int) -> Shift:
        """Z report and the cash count: the shift closed with what was counted and what the journal expects (cash
        payments less change). A receipt left open in the register (none of the journal's operations pending) is
        annulled first: the register refuses a Z report over an open receipt, and the desk has no other way to it."""
        if counted < 0:
            raise UsageError("Пересчитанная наличность не может быть отрицательной")
        shift = self.current()
        if shift is None:
            raise BcenterError("Смена не открыта: закрывать нечего")
        self.reconcile()
        shift = self.current()
        if shift.pending:
            raise BcenterError(f"В смене {shift.pending} операций не сверены с ККТ: проверьте связь с ККТ и "
                               "повторите")
        status = self.register.status()
        if status.receipt_open:  # no operation of ours is pending: a receipt never closed, so never sold
            self.register.annul()
        if status.shift_open:
            self.register.close_shift()
        with UnitOfWork(action="cash.shift.close", actor=self.actor, db=self.db,
                        details={"shift": shift.number, "counted": counted, "expected": shift.cash}) as uow:
            uow.update(CashShift, shift.id, closed_at=self.now.isoformat(timespec="seconds"), closed_on=self.today,
                       counted=counted, expected=shift.cash)
        return Shift(**{**shift.__dict__, "closed_at": self.now.isoformat(timespec="seconds"), "counted": counted,
                        "expected": shift.cash})

    # --- what is owed -----------------------------------------------------------------------------------
    def _billed_since(self, number: str, closed: date) -> bool:
        """Whether the month of an account's closing day is calculated (a charge entry of it or later): until then
        its days before the closing are still to be charged, and money beyond today's debt is their payment, not
        money ahead on a closed account."""
        m = param_mark(self.db)
        return self.db.execute_sql(
            f'SELECT 1 FROM "journal_entry" e JOIN "account" a ON a.id = e.account_id WHERE a.number = {m} '
            f'AND e.period >= {m} LIMIT 1', (number, str(Period.of(closed)))).fetchone() is not None

    def owed(self, number: str) -> AccountOwed:
        return account_owed(self.db, number, day=self.today)

    # --- payments ---------------------------------------------------------------------------------------
    def pay(self, number: str, amount: int, *, given: int | None = None, card: str | None = None,
            services: Mapping[str, int] | None = None, period: Period | None = None, key: str | None = None,
            contact: str = "", recipient: str | None = None) -> DeskPayment:
        """Take ``amount`` kopecks for the account ``number``: in cash (``given`` — the money handed over, change
        back) or by card (``card`` — the terminal's approval code). ``key`` makes a retry the same operation.
        ``recipient``: the supplier (id) whose QR code was scanned — the money is that recipient's only. Money ahead
        (beyond the debt) on an account closed by today is refused: no charge will ever take it — the payer pays
        ahead on the premises' account in force."""
        if key is not None:
            found = self._by_key(key)
            if found is not None:
                if (found.account, found.amount, bool(found.card)) != (number, amount, card is not None):
                    raise BcenterError(f"Ключ операции {key} уже использован для другой оплаты (лицевой счёт "
                                       f"{found.account}, {format_rub_ru(found.amount)}): начните оплату с новым "
                                       "ключом")
                return found
        shift = self._open()
        settled = settled_notes(self.reconcile())
        problems = []
        if amount <= 0:
            problems.append("сумма оплаты должна быть больше нуля")
        elif amount > self.limit:
            problems.append(f"сумма {format_rub_ru(amount)} больше лимита кассы {format_rub_ru(self.limit)}: "
                            "примите её частями или через банк")
        if card is not None and not card.strip():
            problems.append("оплата картой: введите код авторизации с чека терминала")
        if card is None and given is not None and given < amount:
            problems.append(f"получено {format_rub_ru(given)} — меньше суммы {format_rub_ru(amount)}")
        if problems:
            raise UsageError("Оплата не принята: " + "; ".join(problems))
        owed = self.owed(number)
        if recipient is not None and not services:
            services = recipient_split(owed, amount, recipient, period=period)
        lines = split(owed, amount, services=services, executor=self._executor(), period=period)
        if owed.closed is not None and owed.closed <= self.today and any(ln.advance for ln in lines) \
                and self._billed_since(owed.number, owed.closed):
            raise UsageError(f"Оплата не принята: лицевой счёт {owed.number} закрыт {owed.closed:%d.%m.%Y} — по нему "
                             f"можно принять только долг ({format_rub_ru(max(owed.total, 0))}); оплату вперёд "
                             "примите на действующий лицевой счёт помещения")
        cash = 0 if card is not None else (given if given is not None else amount)
        change = cash - amount if card is None else 0
        status = self.register.status()
        if not status.shift_open:
            raise BcenterError("В ККТ смена не открыта: закройте смену в программе и откройте заново")
        if status.over_24h:
            raise BcenterError("Смена в ККТ длится больше 24 часов: закройте смену (bcenter cash close) и откройте "
                               "новую")
        if not status.paper:
            raise DeviceRejected(0x6B, "В ККТ нет чековой ленты: заправьте ленту и повторите")
        if status.receipt_open:
            self.register.annul()
        before = self.register.fn_status().last_document
        operation_id = uuid7()
        receipt_number = self._next_receipt(shift)
        with UnitOfWork(action="cash.pay.journal", actor=self.actor, db=self.db,
                        details={"account": number, "amount": amount, "receipt": receipt_number}) as uow:
            uow.insert(CashOperation, id=operation_id, key=key or operation_id, shift=shift.id,
                       receipt_number=receipt_number, account=owed.account_id, amount=amount, cash=cash,
                       card=amount if card is not None else 0, change=change, approval=card and card.strip(),
                       period=period, items=[ln.as_json() for ln in lines], fiscal_before=before,
                       created_at=self.now.isoformat(timespec="seconds"))
        try:
            result = self.register.sell([_item(ln) for ln in lines], fiscal.Payment(cash=cash, card=amount if card
                                                                                    is not None else 0),
                                        tax_system=self.tax_system, contact=contact, account=number)
        except DeviceRejected as exc:
            self._fail(operation_id, str(exc))
            raise
        except DeviceError as exc:  # the line, not a refusal: the register may have sold
            raise BcenterError(f"{exc}. Оплата записана в журнал кассы (квитанция {receipt_number}) и будет сверена с "
                               "ККТ при следующей операции или bcenter cash status: деньги пока не возвращайте и чек "
                               "повторно не пробивайте — сверка скажет, прошла ли оплата")
        done = self._complete(operation_id, result.document, result.sign, services=services)
        done = self._print(done)
        return DeskPayment(**{**done.__dict__, "notes": settled + done.notes}) if settled else done

    def _by_key(self, key: str) -> DeskPayment | None:
        row = self.db.execute_sql(f'SELECT id, state, reason FROM "cash_operation" WHERE key = {self.mark}',
                                  (key,)).fetchone()
        if row is None:
            return None
        if row[1] == "journaled":
            self.reconcile()
        found = self._operation(str(row[0]))
        if found.state == "failed":
            raise BcenterError(f"Операция {key} не состоялась: {self._reason(found.operation)}. Начните новую оплату")
        return DeskPayment(**{**found.__dict__, "repeated": True})

    def _reason(self, operation: str) -> str:
        return self.db.execute_sql(f'SELECT reason FROM "cash_operation" WHERE id = {self.mark}',
                                   (db_id(operation),)).fetchone()[0] or "ККТ чек не пробила"

    def _next_receipt(self, shift: Shift) -> str:
        count = self.db.execute_sql(f'SELECT COUNT(*) FROM "cash_operation" WHERE shift_id = {self.mark}',
                                    (db_id(shift.id),)).fetchone()[0]
        return f"{self.site}-{shift.number}-{int(count) + 1}"

    def _executor(self) -> tuple[str, str, str | None]:
        row = self.db.execute_sql('SELECT name, inn, phone FROM "organization" ORDER BY id LIMIT 1').fetchone()
        return (row[0], row[1], row[2]) if row else ("Исполнитель", "", None)

    def _fail(self, operation: str, reason: str) -> None:
        with UnitOfWork(action="cash.pay.failed", actor=self.actor, db=self.db,
                        details={"operation": operation, "reason": reason}) as uow:
            uow.update(CashOperation, operation, state="failed", reason=reason)

    def _complete(self, operation: str, document: int, sign: int, *,
                  services: Mapping[str, int] | None = None) -> DeskPayment:
        """Step 4: the payment written and the operation done, in one transaction."""
        m = self.mark
        op = self.db.execute_sql(
            f'SELECT o.account_id, o.amount, o.period, o.receipt_number, o.shift_id, o.items, o.created_at, '
            f'o.approval FROM "cash_operation" o WHERE o.id = {m}',
            (db_id(operation),)).fetchone()
        items = json.loads(op[5]) if isinstance(op[5], str) else op[5]
        if not services:  # the payer's split as the receipt has it: a service's lines (paid, ahead) added up
            services = {}
            for item in items:
                if item.get("service"):
                    services[item["service"]] = services.get(item["service"], 0) + item["amount"]
        payment_id = uuid7()
        with UnitOfWork(action="cash.pay", actor=self.actor, db=self.db,
                        details={"operation": operation, "receipt": op[3], "fiscal_document": document}) as uow:
            day = datetime.fromisoformat(op[6]).astimezone().date()  # the day the money was taken, not of the
            extra = {"receipt": op[3], "fiscal_document": document, "fiscal_sign": str(sign)}  # reconciliation
            if op[7]:
                extra["card_approval"] = op[7]
            uow.insert(Payment, id=payment_id, ext_id=f"cash:{op[3]}", account=str(op[0]), amount=int(op[1]),
                       paid_on=day, period=op[2], channel="cash", shift=str(op[4]), extra=extra)
            for ext, part in (services or {}).items():
                service = self.db.execute_sql(f'SELECT id FROM "service" WHERE ext_id = {m}', (ext,)).fetchone()
                uow.insert(PaymentServiceSplit, payment=payment_id, service=str(service[0]), amount=part)
            uow.update(CashOperation, operation, state="done", fiscal_document=document, fiscal_sign=str(sign),
                       payment=payment_id)
        return self._operation(operation)

    def _operation(self, operation: str) -> DeskPayment:
        m = self.mark
        row = self.db.execute_sql(
            'SELECT o.id, o.receipt_number, a.number, o.amount, o.cash, o.card, o.change, o.state, o.fiscal_document, '
            f'o.fiscal_sign, o.payment_id, o.items, o.printed_at, o.created_at FROM "cash_operation" o '
            f'JOIN "account" a ON a.id = o.account_id WHERE o.id = {m}', (db_id(operation),)).fetchone()
        if row is None:
            raise NotFound(what="операция кассы", key=operation)
        items = json.loads(row[11]) if isinstance(row[11], str) else row[11]
        return DeskPayment(str(row[0]), row[1], row[2], int(row[3]), int(row[4]), int(row[5]), int(row[6]), row[7],
                           row[8], row[9], str(row[10]) if row[10] else None,
                           tuple(ReceiptLine(**i) for i in items), printed=row[12] is not None, taken_at=row[13])

    # --- after a crash ----------------------------------------------------------------------------------
    def reconcile(self) -> list[DeskPayment]:
        """Every journaled operation of this site settled against the register's documents (module doc).

        A document already linked to an operation is not another's — among the operations journaled since the
        first one being settled: an earlier operation's document is at most that one's ``fiscal_before``, and a new
        ФН (or register) numbers its documents from 1 again, so the numbers of earlier ones say nothing."""
        m = self.mark
        rows = self.db.execute_sql(
            f'SELECT o.id, o.amount, o.fiscal_before, o.created_at FROM "cash_operation" o JOIN "cash_shift" s '
            f"ON s.id = o.shift_id WHERE s.site_code = {m} AND o.state = 'journaled' ORDER BY o.created_at, o.id",
            (self.site,)).fetchall()
        if not rows:
            return []
        status = self.register.fn_status()
        if status.receipt_open:
            self.register.annul()  # a receipt the dead session began: never closed, so never sold
        taken = {int(d) for (d,) in self.db.execute_sql(  # this register's documents already linked
            f'SELECT o.fiscal_document FROM "cash_operation" o JOIN "cash_shift" s ON s.id = o.shift_id '
            f'WHERE s.site_code = {m} AND o.fiscal_document IS NOT NULL AND o.created_at >= {m}',
            (self.site, rows[0][3]))}
        settled = []
        for operation, amount, before, _ in rows:
            match = None
            for number in range(int(before or 0) + 1, status.last_document + 1):
                if number in taken:
                    continue
                doc = self.register.find_document(number)
                if doc is not None and doc.kind == 3 and doc.operation == 1 and doc.total == int(amount):
                    match = doc
                    break
            if match is None:
                self._fail(str(operation), "ККТ чек не пробила (сверка после сбоя): деньги не приняты")
                settled.append(self._operation(str(operation)))
            else:
                taken.add(match.number)
                settled.append(self._print(self._complete(str(operation), match.number, match.sign)))
        return settled

    # --- the slip ---------------------------------------------------------------------------------------
    def _print(self, done: DeskPayment, *, copy: bool = False) -> DeskPayment:
        if self.printer is None:
            return done
        try:
            self.printer.print(self.slip(done, copy=copy))
        except DeviceError as exc:
            return DeskPayment(**{**done.__dict__, "notes": (
                f"Квитанция не напечатана: {exc}. Оплата принята — повторно не принимайте; копия квитанции: "
                f"bcenter cash reprint {done.receipt_number}",)})
        with UnitOfWork(action="cash.receipt.printed", actor=self.actor, db=self.db,
                        details={"operation": done.operation}) as uow:
            uow.update(CashOperation, done.operation, printed_at=self.now.isoformat(timespec="seconds"))
        return DeskPayment(**{**done.__dict__, "printed": True})

    def reprint(self, receipt_number: str) -> DeskPayment:
        """A copy of a done operation's slip (marked «КОПИЯ»): the printer failed, or the payer asks again."""
        row = self.db.execute_sql(f'SELECT id, state FROM "cash_operation" WHERE receipt_number = {self.mark}',
                                  (receipt_number,)).fetchone()
        if row is None:
            raise NotFound(f"квитанции № {receipt_number} нет в журнале кассы")
        if row[1] != "done":
            raise BcenterError(f"Оплата по квитанции № {receipt_number} не проведена ({row[1]}): печатать нечего")
        if self.printer is None:
            raise UsageError("Принтер чеков не задан (--printer)")
        done = self._print(self._operation(str(row[0])), copy=True)
        if done.notes:
            raise BcenterError(done.notes[0].split(". Оплата принята")[0])
        return done

    def slip(self, done: DeskPayment, *, copy: bool = False) -> ReceiptDoc:
        """The desk's own receipt (квитанция): who took the money, for what, per recipient, and the fiscal
        document — with the ФНС check code of that document (t, s, fn, i, fp, n), dated when the money was taken
        (not when a reconciliation after a failure or a copy prints it)."""
        width = getattr(self.printer, "columns", 42)
        name, inn, _ = self._executor()
        taken = datetime.fromisoformat(done.taken_at) if done.taken_at else self.now
        lines = [Line(wrap(name, width), bold=True, align="center"), Line(f"ИНН {inn}", align="center"),
                 Line(f"КВИТАНЦИЯ № {done.receipt_number}" + (" — КОПИЯ" if copy else ""), bold=True,
                      align="center"),
                 Line(local_text(taken)), Line(f"Лицевой счёт {done.account}")]
        for item in done.lines:
            lines.append(Line(columns(item.name, format_rub_ru(item.amount), width)))
            if not item.own:
                lines.append(Line(wrap(f"получатель {item.supplier_name}, ИНН {item.inn}", width)))
        lines.append(Line(columns("ИТОГО", format_rub_ru(done.amount), width), bold=True))
        if done.card:
            lines.append(Line(columns("Оплачено картой", format_rub_ru(done.card), width)))
        else:
            lines.append(Line(columns("Наличными", format_rub_ru(done.cash), width)))
            lines.append(Line(columns("Сдача", format_rub_ru(done.change), width)))
        lines.append(Line(f"ФД № {done.fiscal_document}  ФП {done.fiscal_sign}"))
        fn = self.register.fn_status().fn_serial
        stamp = taken.astimezone().strftime("%Y%m%dT%H%M")
        check = (f"t={stamp}&s={done.amount // 100}.{done.amount % 100:02d}&fn={fn}&i={done.fiscal_document}"
                 f"&fp={done.fiscal_sign}&n=1")
        return ReceiptDoc(tuple(lines), qr=check)


def settled_notes(settled: list[DeskPayment]) -> tuple[str, ...]:
    """What a reconciliation settled, for the cashier: a payment written after the failure, or money to give back."""
    out = []
    for op in settled:
        if op.state == "done":
            out.append(f"После сбоя проведена оплата по квитанции {op.receipt_number}: лицевой счёт {op.account}, "
                       f"{format_rub_ru(op.amount)}, ФД № {op.fiscal_document}")
        else:
            out.append(f"Оплата по квитанции {op.receipt_number} не состоялась — ККТ чек не пробила: верните "
                       f"плательщику {format_rub_ru(op.amount)} (лицевой счёт {op.account}) или примите оплату заново")
    return tuple(out)


def _item(line: ReceiptLine) -> fiscal.Item:
    supplier = None if line.own else fiscal.Supplier(line.supplier_name, line.inn, line.phone or "", line.agent)
    return fiscal.Item(line.name, line.amount, method=fiscal.METHOD_PREPAY if line.advance else fiscal.METHOD_FULL,
                       subject=fiscal.SUBJECT_SERVICE, supplier=supplier)


def _site_code(db: pw.Database) -> str:
    site = local_site_id(db)
    row = None if site is None else db.execute_sql(f'SELECT code FROM "site" WHERE id = {param_mark(db)}',
                                                   (db_id(site),)).fetchone()
    if row is None:
        raise BcenterError("Рабочее место не зарегистрировано: выполните bcenter init --site КОД")
    return row[0]
