"""The fiscal register port (DRIVERS.md §2.5): what a cash desk asks of a ККТ, whatever its protocol.

Integers only: kopecks, quantities in millionths. A sale comes back with its fiscal document's number (ФД) and
fiscal sign (ФП), which the cash desk stores with the payment; a sale whose answer was lost is found again by
``last_document`` / ``find_document`` — never sent twice (``cashdesk``'s journal).

Receipt attributes for ЖКУ payments (DOMAIN.md §2.4 as corrected at its top): the company's own services carry no
agent tag; money taken for a resource supplier or the regional operator carries 1222 (agent flags, 0x04 платёжный
агент) and 1224 (supplier's name 1225 and phone 1171) / 1226 (supplier's ИНН) per item; the payer's account number
goes in 1084 (1085 name, 1086 value; 1192 on ФФД 1.2) [verify with the ОФД and the accountant].
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

VAT_NONE = 0x08  # «без НДС» in FF46 [verify with the firmware's table]
METHOD_FULL, METHOD_PREPAY = 4, 1    # 1214: полный расчёт; предоплата 100 %
SUBJECT_SERVICE, SUBJECT_PAYMENT = 4, 10  # 1212: услуга; платёж
AGENT_PAYMENT = 0x04  # 1222 / 1057: платёжный агент
TAX_OSN, TAX_USN_INCOME, TAX_USN_INCOME_EXPENSE, TAX_PSN = 0x01, 0x02, 0x04, 0x20


AGENT_OTHER = 0x40    # 1222 / 1057: иной агент (not under 103-ФЗ)


@dataclass(frozen=True)
class Supplier:
    """Whom an agent's item is paid for (1224, 1226) and as what kind of agent (1222: ``AGENT_PAYMENT`` under
    103-ФЗ, else ``AGENT_OTHER``)."""

    name: str
    inn: str
    phone: str = ""
    agent: int = AGENT_PAYMENT


@dataclass(frozen=True)
class Item:
    name: str
    price: int                 # kopecks
    quantity: int = 1_000_000  # millionths
    vat: int = VAT_NONE
    method: int = METHOD_FULL
    subject: int = SUBJECT_SERVICE
    supplier: Supplier | None = None  # None: the company's own service (no agent tag)

    @property
    def amount(self) -> int:
        return self.price * self.quantity // 1_000_000


@dataclass(frozen=True)
class Payment:
    cash: int = 0
    card: int = 0


@dataclass(frozen=True)
class ReceiptResult:
    document: int   # ФД number
    sign: int       # ФП
    change: int     # kopecks


@dataclass(frozen=True)
class RegisterStatus:
    shift_open: bool
    over_24h: bool
    receipt_open: bool
    paper: bool


@dataclass(frozen=True)
class FnStatus:
    last_document: int
    shift_open: bool
    receipt_open: bool
    fn_serial: str


@dataclass(frozen=True)
class FoundDocument:
    number: int
    kind: int          # ФФД: 2 open shift, 3 receipt, 5 close shift
    sign: int
    operation: int = 0  # receipts: 1 приход, 2 возврат прихода
    total: int = 0


@runtime_checkable
class FiscalRegister(Protocol):
    def status(self) -> RegisterStatus: ...
    def open_shift(self, cashier: str, inn: str | None = None) -> None: ...
    def sell(self, items: Sequence[Item], payment: Payment, *, tax_system: int, contact: str = "",
             account: str | None = None) -> ReceiptResult: ...
    def annul(self) -> None: ...
    def x_report(self) -> None: ...
    def close_shift(self) -> None: ...
    def fn_status(self) -> FnStatus: ...
    def find_document(self, number: int) -> FoundDocument | None: ...
