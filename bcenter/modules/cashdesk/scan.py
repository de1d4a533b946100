"""A bill's QR code scanned at the desk: which account, how much, which month — and whether the bill is ours.

The scanner types what the code holds (``bills.qr.parse`` recovers it). A code pays us when its recipient is one of
our suppliers: the ИНН (``PayeeINN``) and, where the code has one, the settlement account (``PersonalAcc``) of a
supplier in the registry. A code of another organisation — a phone bill, another management company's ЕПД — is
refused saying whose it is, before any account is looked for.
"""
from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from bcenter.core.errors import BcenterError, InvalidValue
from bcenter.core.period import Period
from bcenter.modules.bills import qr
from db.dialect import param_mark


@dataclass(frozen=True)
class ScannedBill:
    account: str
    amount: int | None      # kopecks the code asks, when it says
    period: Period | None   # the month it names
    supplier: str           # the recipient's name
    supplier_id: str = ""   # the recipient: a bill's code is one recipient's, its money that recipient's only
    supplier_ext: str = ""  # the recipient's ext id (``RecipientOwed.supplier``)


def read_bill(db: pw.Database, text: str | bytes) -> ScannedBill:
    """The account, sum and month of a scanned payment code of one of our suppliers."""
    try:
        fields = qr.parse(text)
    except InvalidValue as exc:
        raise BcenterError(f"QR-код не прочитан: {exc}. Отсканируйте код ещё раз или введите лицевой счёт") from exc
    inn, account, name = fields.get("PayeeINN"), fields.get("PersonalAcc"), fields.get("Name", "—")
    m = param_mark(db)
    ours = db.execute_sql(
        f'SELECT s.name, s.id, s.ext_id FROM "supplier" s LEFT JOIN "bank_detail" b ON b.supplier_id = s.id '
        f'WHERE s.inn = {m} AND ({m} IS NULL OR b.account = {m} OR b.account IS NULL) '
        f'ORDER BY (b.account IS NULL), s.id', (inn, account, account)).fetchone() if inn else None
    if ours is None:
        raise BcenterError(f"QR-код другой организации: «{name}»" + (f", ИНН {inn}" if inn else "")
                           + " — здесь оплату по нему не принимают. Предложите оплатить в банке")
    number = fields.get("PersAcc")
    if not number:
        raise BcenterError("В QR-коде нет лицевого счёта (PersAcc): введите номер лицевого счёта")
    amount = fields.get("Sum")
    if amount is not None and not amount.isdigit():
        raise BcenterError(f"В QR-коде неверная сумма «{amount}»: введите сумму вручную")
    named = fields.get("PaymPeriod")
    period = None
    if named and len(named) == 6 and named.isdigit():
        period = Period(int(named[2:]), int(named[:2]))
    elif named and len(named) == 4 and named.isdigit():
        period = Period(2000 + int(named[2:]), int(named[:2]))
    return ScannedBill(number, int(amount) if amount else None, period, ours[0], str(ours[1]), ours[2] or str(ours[1]))
