"""Money coming in and going out: payments (facts), payer-specified splits, opening balances from migration,
bank registries, the suspense queue, cash shifts and the desk's journaled operations; contracts with suppliers and the money
transferred to them.

All amounts are integer kopecks. A payment is never edited: a wrong one is reversed by a storno payment
(``storno_of``) with the opposite amount.
"""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, MoneyField, PeriodField
from db.models.base import BaseModel, constraint
from db.models.reference import BankDetail, Service, Supplier, _in
from db.models.registry import Account

CHANNELS = ("bank", "cash", "post", "terminal", "online")


class BankRegistry(BaseModel):
    """A payment registry file received from a bank, post or terminal agent (реестр платежей)."""

    agent = pw.TextField()
    file_name = pw.TextField()
    file_sha256 = pw.CharField(max_length=64)
    profile = pw.TextField(null=True)
    received_on = pw.DateField()
    total = MoneyField(default=0)
    lines_count = pw.IntegerField(default=0)
    transfer = MoneyField(null=True)  # the footer's control figures (step 19): what the bank transferred
    commission = MoneyField(null=True)  # … and kept as its fee
    order_number = pw.TextField(null=True)  # the bank's payment order (платёжное поручение) of the transfer
    order_date = pw.DateField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_bank_registry_file UNIQUE (agent, file_sha256)")]


class CashShift(BaseModel):
    """A cashier's shift at a cash desk (смена, issue 14): opened with the cashier and the register, closed with its Z
    report and the cash counted. Numbers run per site (``site_code``); a site has at most one shift open."""

    site_code = pw.TextField()
    number = pw.IntegerField()
    cashier = pw.TextField()
    opened_at = pw.TextField()
    closed_at = pw.TextField(null=True)
    fiscal_shift_number = pw.IntegerField(null=True)
    cashier_inn = pw.TextField(null=True)       # step 26: 1203 on the register's shift documents
    opened_on = pw.DateField(null=True)         # the business days of its opening and closing
    closed_on = pw.DateField(null=True)
    register = pw.TextField(null=True)          # the fiscal register's address (its serial where known)
    counted = MoneyField(null=True)             # the cash counted at the close
    expected = MoneyField(null=True)            # cash payments less change, as the journal has them

    class Meta:
        constraints = [constraint("CONSTRAINT uq_cash_shift_number UNIQUE (site_code, number)")]


class Payment(BaseModel):
    """A payment (оплата) by an account: amount, business date ``paid_on``, the period the payer named."""

    ext_id = pw.TextField(null=True)
    account = pw.ForeignKeyField(Account, backref="payments", on_delete="RESTRICT", index=False)  # (account, paid_on)
    amount = MoneyField()
    paid_on = pw.DateField()
    period = PeriodField(null=True)
    channel = pw.CharField(max_length=10)
    agent = pw.TextField(null=True)
    commission = MoneyField(null=True)
    registry = pw.ForeignKeyField(BankRegistry, null=True, backref="payments", on_delete="RESTRICT")
    shift = pw.ForeignKeyField(CashShift, null=True, backref="payments", on_delete="RESTRICT")
    storno_of = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_payment_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_payment_channel CHECK ({_in('channel', CHANNELS)})"),
            constraint("CONSTRAINT ck_payment_amount CHECK (amount <> 0)"),
        ]
        indexes = ((("account_id", "paid_on"), False),)


class PaymentServiceSplit(BaseModel):
    """The payer's own split of a payment by service (EXCHANGE.md ``payments[].services``)."""

    payment = pw.ForeignKeyField(Payment, backref="service_splits", on_delete="RESTRICT")
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT")
    amount = MoneyField()

    class Meta:
        constraints = [constraint("CONSTRAINT uq_payment_service_split UNIQUE (payment_id, service_id)")]


class SuspensePayment(BaseModel):
    """A payment that could not be matched to an account: kept, never dropped, until resolved."""

    registry = pw.ForeignKeyField(BankRegistry, null=True, backref="suspense", on_delete="RESTRICT")
    line_no = pw.IntegerField(null=True)
    raw = pw.TextField()
    account_number = pw.TextField(null=True)
    amount = MoneyField()
    paid_on = pw.DateField()
    reason = pw.TextField()
    resolved_payment = pw.ForeignKeyField(Payment, null=True, backref="+", on_delete="RESTRICT")
    line_key = pw.TextField(null=True)  # the registry line's key (step 19): the same line imported again is not added
    returned = pw.TextField(null=True)  # sent back to the payer's bank, and why
    commission = MoneyField(null=True)  # step 37: what the bank kept of the line, as the import read it
    period = pw.TextField(null=True)  # … and the month the payer named (YYYY-MM)

    class Meta:
        indexes = ((("line_key",), True),)


CASH_STATES = ("journaled", "done", "failed")


class CashOperation(BaseModel):
    """A payment at the desk, journaled before the fiscal register is asked (step 26, issue 14; 54-ФЗ).

    ``journaled``: the intent is committed with the register's last fiscal document number (``fiscal_before``) —
    the register may or may not have sold. ``done``: the register sold (``fiscal_document``, ``fiscal_sign``) and
    the payment is written, in the one transaction that moves the operation here. ``failed``: the register refused
    or never sold (``reason``); nothing was fiscalised, no money taken. A journaled operation found after a crash is
    reconciled against the register's documents — never sent again. ``key`` is the client's idempotency key: the
    same operation retried is the same row. ``receipt_number`` is issued offline: site, shift, sequence."""

    key = pw.TextField()
    shift = pw.ForeignKeyField(CashShift, backref="operations", on_delete="RESTRICT")
    receipt_number = pw.TextField()
    account = pw.ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    amount = MoneyField()
    cash = MoneyField(default=0)
    card = MoneyField(default=0)
    change = MoneyField(default=0)
    approval = pw.TextField(null=True)        # the card terminal's approval code, typed in
    period = PeriodField(null=True)           # the month the payer named (the bill's QR)
    items = JsonTextField()                   # what the receipt lists: per supplier and service, with agent tags
    state = pw.CharField(max_length=10, default="journaled")
    fiscal_before = pw.IntegerField(null=True)
    fiscal_document = pw.IntegerField(null=True)
    fiscal_sign = pw.TextField(null=True)
    payment = pw.ForeignKeyField(Payment, null=True, backref="+", on_delete="RESTRICT", index=False)  # (unique)
    created_at = pw.TextField()
    printed_at = pw.TextField(null=True)
    reason = pw.TextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_cash_operation_key UNIQUE (key)"),
            constraint("CONSTRAINT uq_cash_operation_receipt UNIQUE (receipt_number)"),
            constraint("CONSTRAINT uq_cash_operation_payment UNIQUE (payment_id)"),
            constraint(f"CONSTRAINT ck_cash_operation_state CHECK ({_in('state', CASH_STATES)})"),
            constraint("CONSTRAINT ck_cash_operation_amount CHECK (amount > 0)"),
        ]


class OpeningBalance(BaseModel):
    """Debt (+) or advance (−) at the start of a period, brought from the system being left, owed to (or by) the
    supplier named — the service's supplier when it was brought, unless the document says another (step 36): a
    service moved to another supplier later leaves its old debts with the old one."""

    account = pw.ForeignKeyField(Account, backref="opening_balances", on_delete="RESTRICT")
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT")
    supplier = pw.ForeignKeyField(Supplier, backref="+", on_delete="RESTRICT", index=False)
    period = PeriodField()
    amount = MoneyField()
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_opening_balance UNIQUE (account_id, service_id, period)")]


class SupplierContract(BaseModel):
    """A contract with a supplier or contractor (договор; step 20): its number and dates, the services it covers
    (service ext ids, JSON; none — all of the supplier's), the account the money goes to, the settlement centre's
    fee (% of the money collected for the supplier) and whether we collect as a payment agent (103-ФЗ: money
    collected for communal resources transferred no later than the next working day — ПП 253 п. 6)."""

    supplier = pw.ForeignKeyField(Supplier, backref="contracts", on_delete="RESTRICT", index=False)  # (unique)
    number = pw.TextField()
    signed_on = pw.DateField()
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)
    agent = pw.BooleanField()
    fee_percent = pw.TextField()  # an exact decimal, "1.5"
    services = JsonTextField(null=True)
    bank_detail = pw.ForeignKeyField(BankDetail, null=True, backref="+", on_delete="RESTRICT")
    note = pw.TextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_supplier_contract_number UNIQUE (supplier_id, number)"),
            constraint("CONSTRAINT ck_supplier_contract_dates CHECK (valid_to IS NULL OR valid_to > valid_from)"),
        ]


class SupplierTransfer(BaseModel):
    """Money transferred to a supplier (перечисление; step 20): a fact — a wrong one is reversed by a transfer of
    the opposite amount naming it (``storno_of``)."""

    supplier = pw.ForeignKeyField(Supplier, backref="transfers", on_delete="RESTRICT", index=False)  # (supplier, day)
    day = pw.DateField()
    amount = MoneyField()
    order_number = pw.TextField(null=True)
    note = pw.TextField(null=True)
    storno_of = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        constraints = [constraint("CONSTRAINT ck_supplier_transfer_amount CHECK (amount <> 0)")]
        indexes = ((("supplier_id", "day"), False),)


class PaymentDocument(BaseModel):
    """The identifier ГИС ЖКХ gave an account's payment document of a month (ИПД, 18 characters; step 22): printed
    on the ЕПД so that banks and ГИС ЖКХ match its payments. Loaded from ГИС ЖКХ (the exchange format's
    ``payment_documents``), never made up here."""

    ext_id = pw.TextField(null=True)
    account = pw.ForeignKeyField(Account, backref="+", on_delete="RESTRICT", index=False)  # the unique key serves it
    period = PeriodField()
    ipd = pw.TextField()
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_payment_document_ext_id UNIQUE (ext_id)"),
            constraint("CONSTRAINT uq_payment_document_account_period UNIQUE (account_id, period)"),
            constraint("CONSTRAINT uq_payment_document_ipd UNIQUE (ipd)"),
        ]
