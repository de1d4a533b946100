"""A Штрих-М register behind the ``FiscalRegister`` port (DRIVERS.md §2.2, §2.5), over ``ShtrihLink``.

A sale is FF46 per item (with FF4D for an agent's item: 1222, 1224, 1226), FF0C for the receipt's tags (1008 the
payer's contact, the account number: 1084 {1085, 1086} on ФФД 1.05 and 1.1, 1192 on ФФД 1.2 — ``ffd``) and FF45 to close it with the payments and the tax system; any refusal
on the way annuls the half-built receipt (cmd 88) before the error is raised, so the register is never left with a
receipt open. The register's error codes become ``DeviceRejected`` with what to do, in Russian.
"""
from __future__ import annotations

from collections.abc import Sequence

from drivers.codecs import shtrih
from drivers.errors import DeviceError, DeviceRejected
from drivers.fiscal.base import (FnStatus, FoundDocument, Item, Payment, ReceiptResult,
                                 RegisterStatus)
from drivers.fiscal.shtrih.link import ShtrihLink

SHIFT_OPEN, SHIFT_OVER_24H, SHIFT_CLOSED, DOCUMENT_OPEN = 2, 3, 4, 8
NO_DATA = 0x05

ERRORS = {
    0x33: "ККТ: неверные параметры команды — сообщите администратору",
    0x37: "ККТ не поддерживает эту команду: проверьте модель и прошивку в настройках",
    0x3C: "Смена в ККТ уже открыта: продолжайте работу в ней или закройте её Z-отчётом",
    0x3D: "Смена в ККТ не открыта: откройте смену",
    0x45: "Сумма оплаты меньше суммы чека: чек аннулирован, примите оплату заново",
    0x49: "В ККТ открыт чек другого типа: аннулируйте его",
    0x4A: "В ККТ открыт чек: завершите или аннулируйте его",
    0x4D: "Безналичная оплата больше суммы чека: проверьте сумму по карте",
    0x4E: "Смена в ККТ длится больше 24 часов: закройте смену (Z-отчёт) и откройте новую",
    0x4F: "Неверный пароль ККТ: проверьте настройки рабочего места",
    0x55: "В ККТ нет открытого чека: начните операцию заново",
    0x6B: "В ККТ нет чековой ленты: заправьте ленту и повторите",
}


def rejected(code: int) -> DeviceRejected:
    return DeviceRejected(code, ERRORS.get(code, f"ККТ отказала: код ошибки {code:#04x} — сообщите администратору"))


class ShtrihRegister:
    """A Штрих-М register at ``url`` (``sim://…``, ``socket://…``, a serial port); ``password`` the operator's,
    ``admin_password`` the administrator's (reports, ФН)."""

    def __init__(self, url: str, *, password: int = 30, admin_password: int = 30, ffd: int = 105,
                 **link_options) -> None:
        if ffd not in (105, 110, 120):
            raise ValueError(f"версия ФФД {ffd}: поддерживаются 105, 110, 120")
        self.link = ShtrihLink(url, **link_options)
        self.password, self.admin_password, self.ffd = password, admin_password, ffd

    def close(self) -> None:
        self.link.close()

    def _call(self, code: int, data: bytes = b"", *, admin: bool = False) -> bytes:
        """The answer's data of a command; ``DeviceRejected`` on an error code."""
        answer = self.link.exchange(shtrih.message(code, self.admin_password if admin else self.password, data))
        echoed, error, rest = shtrih.answer(answer)
        if echoed != code:
            raise DeviceError(f"ККТ ответила на команду {echoed:#x} вместо {code:#x}: проверьте связь с ККТ — "
                              "операция будет сверена с её документами")
        if error:
            raise rejected(error)
        return rest

    # --- state ------------------------------------------------------------------------------------------
    def status(self) -> RegisterStatus:
        data = self._call(0x10)
        mode, submode = data[3] & 0x0F, data[4]
        return RegisterStatus(shift_open=mode in (SHIFT_OPEN, SHIFT_OVER_24H, DOCUMENT_OPEN),
                              over_24h=mode == SHIFT_OVER_24H, receipt_open=mode == DOCUMENT_OPEN,
                              paper=submode not in (1, 2))

    def fn_status(self) -> FnStatus:
        data = self._call(0xFF01, admin=True)
        return FnStatus(last_document=shtrih.number(data[26:30]), shift_open=bool(data[3]),
                        receipt_open=bool(data[1]), fn_serial=data[10:26].decode("ascii", errors="replace"))

    def find_document(self, number: int) -> FoundDocument | None:
        try:
            data = self._call(0xFF0A, number.to_bytes(4, "little"), admin=True)
        except DeviceRejected as exc:
            if exc.code == NO_DATA:
                return None
            raise
        kind = data[0]
        found = FoundDocument(number=shtrih.number(data[7:11]), kind=kind, sign=shtrih.number(data[11:15]))
        if kind == 3 and len(data) >= 21:
            found = FoundDocument(found.number, kind, found.sign, operation=data[15],
                                  total=shtrih.number(data[16:21]))
        return found

    # --- shift ------------------------------------------------------------------------------------------
    def open_shift(self, cashier: str, inn: str | None = None) -> None:
        """The cashier (1021) and the cashier's ИНН (1203) go on the shift's opening document, then E0."""
        tags = shtrih.tlv_text(1021, cashier[:64])
        if inn:
            tags += shtrih.tlv_text(1203, inn.ljust(12))
        self._call(0xFF0C, tags)
        self._call(0xE0)

    def x_report(self) -> None:
        self._call(0x40, admin=True)

    def close_shift(self) -> None:
        self._call(0x41, admin=True)

    # --- receipts ---------------------------------------------------------------------------------------
    def annul(self) -> None:
        self._call(0x88)

    def sell(self, items: Sequence[Item], payment: Payment, *, tax_system: int, contact: str = "",
             account: str | None = None) -> ReceiptResult:
        """A receipt of «приход» (1054 = 1); on any refusal the half-built receipt is annulled and the error
        raised."""
        if not items:
            raise ValueError("чек без позиций")
        started = False
        try:
            for item in items:
                self._call(0xFF46, _operation(1, item))
                started = True
                if item.supplier is not None:
                    s = item.supplier
                    supplier = [shtrih.tlv_text(1225, s.name[:64])] + ([shtrih.tlv_text(1171, s.phone)]
                                                                         if s.phone else [])
                    self._call(0xFF4D, shtrih.tlv_uint(1222, s.agent) + shtrih.stlv(1224, supplier)
                               + shtrih.tlv_text(1226, s.inn.ljust(12)))
            if contact:
                self._call(0xFF0C, shtrih.tlv_text(1008, contact))
            if account and self.ffd >= 120:  # ФФД 1.2: «дополнительный реквизит чека»
                self._call(0xFF0C, shtrih.tlv_text(1192, f"л/с {account}"))
            elif account:  # ФФД 1.05 / 1.1: «дополнительный реквизит пользователя» (1085 name, 1086 value)
                self._call(0xFF0C, shtrih.stlv(1084, [shtrih.tlv_text(1085, "Лицевой счёт"),
                                                      shtrih.tlv_text(1086, account)]))
            sums = [payment.cash, payment.card] + [0] * 14
            data = (b"".join(shtrih.money(v) for v in sums) + bytes((0,)) + shtrih.money(0) * 6
                    + bytes((tax_system,)) + shtrih.text("", 64))
            answer = self._call(0xFF45, data)
        except DeviceRejected:
            if started:
                self._annul_quietly()
            raise
        return ReceiptResult(document=shtrih.number(answer[5:9]), sign=shtrih.number(answer[9:13]),
                             change=shtrih.number(answer[:5]))

    def _annul_quietly(self) -> None:
        try:
            self.annul()
        except DeviceRejected:
            pass  # nothing open any more


def _operation(kind: int, item: Item) -> bytes:
    """FF46's data: operation, quantity, price, sum, tax sum (FF×5: the register computes it), VAT, department,
    1214, 1212, the name (cp1251, at most 128 bytes)."""
    return (bytes((kind,)) + shtrih.quantity(item.quantity) + shtrih.money(item.price) + shtrih.money(item.amount)
            + b"\xff" * 5 + bytes((item.vat, 1, item.method, item.subject))
            + item.name.encode("cp1251", errors="replace")[:128])
