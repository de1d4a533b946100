"""Касса: the cashier's shift and payments at the desk through the fiscal register and the receipt printer
(issue 14; ``bcenter.modules.cashdesk``). Every use case names the desk's devices by address (``--register``,
``--printer``; simulators kept in files by default) and settles what a crashed session left in the journal before
anything else."""
from __future__ import annotations

from collections.abc import Mapping

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import UsageError
from bcenter.core.period import Period
from bcenter.modules.cashdesk import devices
from bcenter.modules.cashdesk.desk import DEFAULT_LIMIT, CashDesk, DeskPayment, Shift, settled_notes
from bcenter.modules.cashdesk.owed import AccountOwed
from bcenter.modules.cashdesk.scan import ScannedBill, read_bill
from drivers.errors import DeviceRejected  # noqa: F401 - the register refused: nothing sold (a face may retry anew)


class CashCases(UseCases):
    def desk(self, register: str | None = None, printer: str | None = None, *,
             limit: int = DEFAULT_LIMIT) -> CashDesk:
        """The desk with its devices (not a use case: each use case below opens it)."""
        self.app.system.ensure_initialized()
        state = devices.state_folder(self.app.url)
        return CashDesk(self.db, register=devices.open_register(register, state=state),
                        printer=devices.open_printer(printer, state=state),
                        today=self.app.clock.today(), now=self.app.clock.now(), actor=self.app.actor.user,
                        limit=limit, register_url=register or devices.DEFAULT_REGISTER)

    @use_case(P.CASH_DESK, "открытие кассовой смены", writes=True)
    def open(self, *, cashier: str, inn: str | None = None, register: str | None = None,
             printer: str | None = None) -> Shift:
        return self.desk(register, printer).open_shift(cashier, inn=inn)

    @use_case(P.CASH_DESK, "состояние кассовой смены", writes=True)
    def status(self, *, register: str | None = None, printer: str | None = None) -> Shift | None:
        """The open shift and its totals (journaled operations reconciled first)."""
        desk = self.desk(register, printer)
        notes = settled_notes(desk.reconcile())
        shift = desk.current()
        return Shift(**{**shift.__dict__, "notes": notes}) if shift is not None else None

    @use_case(P.CASH_DESK, "X-отчёт", writes=True)
    def x_report(self, *, register: str | None = None, printer: str | None = None) -> Shift:
        return self.desk(register, printer).x_report()

    @use_case(P.CASH_DESK, "копия квитанции", writes=True)
    def reprint(self, receipt: str, *, register: str | None = None, printer: str | None = None) -> DeskPayment:
        """A copy of a done payment's slip, by its receipt number."""
        return self.desk(register, printer).reprint(receipt)

    @use_case(P.CASH_DESK, "закрытие кассовой смены", writes=True)
    def close(self, *, counted: int, register: str | None = None, printer: str | None = None) -> Shift:
        return self.desk(register, printer).close_shift(counted)

    @use_case(P.CASH_DESK, "долг лицевого счёта в кассе")
    def owed(self, account: str) -> AccountOwed:
        self.app.system.ensure_initialized()
        from bcenter.modules.cashdesk.owed import account_owed

        return account_owed(self.db, account, day=self.app.clock.today())

    @use_case(P.CASH_DESK, "чтение QR-кода счёта")
    def scan(self, text: str | bytes) -> ScannedBill:
        return read_bill(self.db, text)

    @use_case(P.CASH_DESK, "приём оплаты в кассе", writes=True)
    def pay(self, *, account: str | None = None, qr: str | None = None, amount: int | None = None,
            given: int | None = None, card: str | None = None, services: Mapping[str, int] | None = None,
            key: str | None = None, contact: str = "", register: str | None = None, printer: str | None = None,
            limit: int = DEFAULT_LIMIT, recipient_only: bool = True) -> DeskPayment:
        """A payment for ``account`` — or for the bill whose QR was scanned (its account, its month, its sum unless
        ``amount`` says otherwise, and its recipient: a bill has a code per recipient, whose money it is — unless
        ``recipient_only`` is False: the payer asked to pay the whole bill by it)."""
        period: Period | None = None
        recipient: str | None = None
        if qr is not None:
            bill = read_bill(self.db, qr)
            account, period = bill.account, bill.period
            recipient = bill.supplier_id if recipient_only else None
            amount = amount if amount is not None else bill.amount
        if account is None:
            raise UsageError("Укажите лицевой счёт (--account) или отсканируйте QR-код счёта (--qr)")
        if amount is None and services:
            amount = sum(services.values())
        if amount is None:
            raise UsageError("Укажите сумму оплаты (--amount)")
        return self.desk(register, printer, limit=limit).pay(account, amount, given=given, card=card,
                                                             services=services, period=period, key=key,
                                                             contact=contact, recipient=recipient)
