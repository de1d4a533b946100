"""Payments as people look them up, corrected by storno, and the suspense queue worked off (DOMAIN.md §5.1).

A payment is a fact: it is never edited. A wrong one (the wrong account, the wrong amount, a duplicate) is reversed
by a **storno** — a payment row of the opposite amount, the same day and the same particulars, naming the one it
reverses and why — and, when the money was someone else's, posted again to the right account with its original
day (the payer paid then). A reversed payment and its storno count as neither (``db.queries.live_payment``):
debts, penalties and bills are as if it had never been paid. A closed period is not changed: its balances keep
the payment, and the next close posts the difference into the open period (its «оплачено» less by the amount).

A suspense line is resolved to an account — a payment is made of it with the line's key as its external id, so the
same line in a later registry is still skipped, with the commission the bank kept of the line and the period the
payer named (read again from its raw line where one line reads alone), and the meter readings its raw line carries
(``CounterVal_N``) taken for that account — or returned to the payer's bank with a reason; either is audited, and a
resolved or returned line is never resolved again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.errors import NotFound, UsageError
from bcenter.core.ids import is_uuid, uuid7
from db.dialect import db_date, db_id, param_mark
from bcenter.modules.finance.bank_readings import take_readings
from bcenter.modules.finance.registry_formats import RegistryLine, line_readings, load_profile, read_line
from bcenter.modules.finance.registry_import import held_counts, payment_extra, reading_rows
from db.models import MeterReading, Payment, SuspensePayment
from db.uow import UnitOfWork

__all__ = ["PaymentRow", "Resolved", "StornoResult", "SuspenseRow", "list_payments", "list_suspense",
           "resolve_suspense", "return_suspense", "storno_payment"]


@dataclass(frozen=True)
class PaymentRow:
    id: str
    account: str
    amount: int
    paid_on: date
    period: str | None
    channel: str
    agent: str | None
    commission: int | None
    registry: str | None
    storno_of: str | None


@dataclass(frozen=True)
class SuspenseRow:
    id: str
    registry: str | None
    line_no: int | None
    account_number: str | None
    amount: int
    paid_on: date
    reason: str
    raw: str
    resolved_to: str | None
    returned: str | None


@dataclass(frozen=True)
class StornoResult:
    storno: str
    reposted: str | None


def storno_payment(db: pw.Database, payment_id: str, *, reason: str, actor: str,
                   to_account: str | None = None) -> StornoResult:
    """Reverse a payment (see the module's text); with ``to_account``, post it again to that account."""
    if not reason.strip():
        raise UsageError("--reason: укажите, почему платёж сторнируется (ошибка счёта, суммы, дубль)")
    if not is_uuid(payment_id):
        raise UsageError(f"«{payment_id}» — не номер платежа (номера — в bcenter payments list)")
    mark = param_mark(db)
    row = db.execute_sql(
        f'SELECT p.account_id, a.number, p.amount, p.paid_on, p.period, p.channel, p.agent, p.commission, '
        f'p.registry_id, p.shift_id, p.storno_of_id FROM "payment" p JOIN "account" a ON a.id = p.account_id '
        f'WHERE p.id = {mark}', (db_id(payment_id),)).fetchone()
    if row is None:
        raise NotFound(f"платежа {payment_id} нет (номера — в bcenter payments list)")
    account, number, amount, paid_on, period, channel, agent, commission, registry, shift, storno_of = row
    if storno_of is not None or int(amount) < 0:
        raise UsageError(f"{payment_id} — сама запись сторно (платежа {storno_of}); сторно не сторнируется")
    done = db.execute_sql(f'SELECT id FROM "payment" WHERE storno_of_id = {mark}', (db_id(payment_id),)).fetchone()
    if done is not None:
        raise UsageError(f"платёж {payment_id} уже сторнирован (запись {done[0]})")
    if shift is not None and to_account is None:  # 54-ФЗ: the money a fiscal receipt took goes back by a receipt
        raise UsageError(f"платёж {payment_id} принят в кассе по чеку ККТ: вернуть деньги плательщику можно только "
                         "чеком «возврат прихода» на кассе (в bcenter его пока нет) — сторно без него разошлось бы с "
                         "ККТ и с наличными смены. Отнести оплату на другой лицевой счёт: --to-account НОМЕР")
    target = None
    if to_account is not None:
        found = db.execute_sql(f'SELECT id FROM "account" WHERE number = {mark}', (to_account,)).fetchone()
        if found is None:
            raise NotFound(f"лицевого счёта {to_account} нет в картотеке")
        target = str(found[0])
        if target == str(account):
            raise UsageError(f"платёж и так на лицевом счёте {to_account}: перенос на тот же счёт не нужен")
    storno_id = uuid7()
    reposted = uuid7() if target else None
    common = dict(paid_on=db_date(paid_on), period=period, channel=channel, agent=agent, registry=registry, shift=shift)
    with UnitOfWork(action="finance.payment.storno", actor=actor, db=db,
                    details={"payment": payment_id, "account": number, "reason": reason.strip(),
                             "to_account": to_account}) as uow:
        uow.insert(Payment, id=storno_id, account=str(account), amount=-int(amount),
                   commission=None if commission is None else -int(commission), storno_of=payment_id,
                   extra={"reason": reason.strip()}, **common)
        if reposted:
            uow.insert(Payment, id=reposted, account=target, amount=int(amount), commission=commission,
                       extra={"moved_from": payment_id, "from_account": number, "reason": reason.strip()}, **common)
    return StornoResult(storno_id, reposted)


def list_payments(db: pw.Database, *, account: str | None = None, day: date | None = None,
                  limit: int = 1000) -> list[PaymentRow]:
    """Payments of an account and/or of a day, newest first (at most ``limit``)."""
    mark = param_mark(db)
    where, params = [], []
    if account is not None:
        where.append(f"a.number = {mark}")
        params.append(account)
    if day is not None:
        where.append(f"p.paid_on = {mark}")
        params.append(day.isoformat())
    rows = db.execute_sql(
        'SELECT p.id, a.number, p.amount, p.paid_on, p.period, p.channel, p.agent, p.commission, r.file_name, '
        'p.storno_of_id FROM "payment" p JOIN "account" a ON a.id = p.account_id '
        'LEFT JOIN "bank_registry" r ON r.id = p.registry_id'
        + (f" WHERE {' AND '.join(where)}" if where else "") + f" ORDER BY p.paid_on DESC, p.id DESC LIMIT {int(limit)}",
        tuple(params))
    return [PaymentRow(str(i), n, int(amt), db_date(d), per, ch, ag, None if com is None else int(com), reg,
                       None if st is None else str(st)) for i, n, amt, d, per, ch, ag, com, reg, st in rows]


def list_suspense(db: pw.Database, *, open_only: bool = True) -> list[SuspenseRow]:
    """The suspense queue: lines not yet resolved or returned (all of them with ``open_only=False``), oldest first."""
    rows = db.execute_sql(
        'SELECT s.id, r.file_name, s.line_no, s.account_number, s.amount, s.paid_on, s.reason, s.raw, a.number, '
        's.returned FROM "suspense_payment" s LEFT JOIN "bank_registry" r ON r.id = s.registry_id '
        'LEFT JOIN "payment" p ON p.id = s.resolved_payment_id LEFT JOIN "account" a ON a.id = p.account_id'
        + (' WHERE s.resolved_payment_id IS NULL AND s.returned IS NULL' if open_only else '')
        + ' ORDER BY s.paid_on, s.id')
    return [SuspenseRow(str(i), f, ln, acc, int(amt), db_date(d), reason, raw, to, ret)
            for i, f, ln, acc, amt, d, reason, raw, to, ret in rows]


def _open_line(db: pw.Database, suspense_id: str) -> dict:
    if not is_uuid(suspense_id):
        raise UsageError(f"«{suspense_id}» — не номер невыясненного платежа (полный номер — в bcenter payments suspense)")
    row = db.execute_sql(
        f'SELECT id, registry_id, amount, paid_on, resolved_payment_id, returned, line_key, account_number, raw, '
        f'line_no, commission, period FROM "suspense_payment" WHERE id = {param_mark(db)}',
        (db_id(suspense_id),)).fetchall()
    if not row:
        raise NotFound(f"невыясненного платежа {suspense_id} нет (список: bcenter payments suspense)")
    uid, registry, amount, paid_on, resolved, returned, key, number, raw, line_no, commission, period = row[0]
    if resolved is not None:
        raise UsageError(f"невыясненный платёж {uid} уже отнесён на лицевой счёт (платёж {resolved})")
    if returned is not None:
        raise UsageError(f"невыясненный платёж {uid} уже возвращён: {returned}")
    return {"id": str(uid), "registry": None if registry is None else str(registry), "amount": int(amount),
            "paid_on": db_date(paid_on), "key": key, "number": number, "raw": raw, "line_no": line_no or 0,
            "commission": None if commission is None else int(commission), "period": period}


@dataclass(frozen=True)
class Resolved:
    """A suspense line made a payment: its id, and the meter readings its line carried — taken (of them waiting
    for a person's confirmation, or rejected by the rules), refused ((N, value, reason)), or not read (why)."""

    payment: str
    readings: int = 0
    unconfirmed: int = 0
    rejected: int = 0
    refused: tuple[tuple[int, str, str], ...] = ()
    unread: str | None = None

    def readings_text(self) -> list[str]:
        """What became of the readings, for a person (the CLI and the screen say the same)."""
        out = []
        if self.readings:
            held = [f"ждут подтверждения: {self.unconfirmed}" if self.unconfirmed else "",
                    f"отклонены правилами: {self.rejected}" if self.rejected else ""]
            out.append(f"показаний приборов учёта из строки реестра принято: {self.readings}"
                       + "".join(f"; {h}" for h in held if h)
                       + (" (bcenter readings list --status pending)" if self.unconfirmed else ""))
        for number, value, why in self.refused:
            out.append(f"CounterVal_{number} «{value}» не принято: {why} (сохранено с платежом)")
        if self.unread:
            out.append(self.unread)
        return out


def resolve_suspense(db: pw.Database, suspense_id: str, account_number: str, *, actor: str,
                     reason: str | None = None) -> Resolved:
    """Make a payment of a suspense line to the account numbered ``account_number`` (with the readings of its
    line)."""
    line = _open_line(db, suspense_id)
    mark = param_mark(db)
    found = db.execute_sql(f'SELECT id FROM "account" WHERE number = {mark}', (account_number,)).fetchone()
    if found is None:
        raise NotFound(f"лицевого счёта {account_number} нет в картотеке")
    agent = db.execute_sql(f'SELECT agent FROM "bank_registry" WHERE id = {mark}',
                           (db_id(line["registry"]),)).fetchone() if line["registry"] else None
    payment_id = uuid7()
    readings, extra, unread, read = _line_readings(db, line, str(found[0]))
    with UnitOfWork(action="finance.suspense.resolve", actor=actor, db=db,
                    details={"suspense": line["id"], "account": account_number,
                             "reason": reason or f"счёт в реестре: {line['number']}",
                             "readings": readings.taken_count if readings else 0}) as uow:
        uow.insert(Payment, id=payment_id, ext_id=line["key"], account=str(found[0]), amount=line["amount"],
                   paid_on=line["paid_on"], channel="bank", agent=agent[0] if agent else None,
                   registry=line["registry"], extra=extra, **_particulars(line, read))
        if readings:
            uow.insert_rows(MeterReading, ("id", "ext_id", "meter_id", "date", "source", "total", "day", "night",
                                           "peak", "half_peak", "extra", "status", "checks"),
                            reading_rows(readings, {line["line_no"]: line["key"]}))
        uow.update(SuspensePayment, line["id"], resolved_payment=payment_id)
    if readings is None:
        return Resolved(payment_id, unread=unread)
    held = dict(held_counts(readings))
    return Resolved(payment_id, readings.taken_count, held.get("unconfirmed", 0), held.get("rejected", 0),
                    tuple(readings.refused.get(line["line_no"], ())), unread)


def _particulars(line: dict, read) -> dict:
    """The commission the bank kept of a suspense line and the month its payer named: as the import read them
    (kept with the line since step 37 — any layout), else as its raw text reads again alone (``read_line``: a
    line kept before, of a layout without a header row)."""
    if line["commission"] is not None or line["period"] is not None:
        return {"commission": line["commission"], "period": line["period"]}
    return {"commission": read.commission if read else None,
            "period": str(read.period) if read and read.period else None}


def _line_readings(db: pw.Database, line: dict, account_id: str):
    """The meter readings the suspense line carries (``CounterVal_N``), checked for the account it is resolved to
    as the registry's import checks them (``bank_readings``), the payment's particulars naming them, and why they
    could not be read (the registry's profile file is gone) — none when the line has none; and the line as the
    import read it (its commission — the bank kept it whatever account was typed, DOMAIN.md §5.2 — and the period
    the payer named, ст. 319.1 ГК), when its layout can be read from one line (``read_line``)."""
    if line["registry"] is None:
        return None, None, None, None
    row = db.execute_sql(f'SELECT profile FROM "bank_registry" WHERE id = {param_mark(db)}',
                         (db_id(line["registry"]),)).fetchone()
    if row is None or not row[0]:
        return None, None, None, None
    try:
        profile = load_profile(row[0])
    except UsageError:  # a user's profile file moved away: the money still goes, the raw line keeps the readings
        return None, None, (f"показания из строки реестра не прочитаны: профиль «{row[0]}» недоступен — если в "
                            "строке есть CounterVal, внесите их вручную (bcenter readings add)"), None
    read = read_line(line["raw"], profile, line_no=line["line_no"], paid_on=line["paid_on"])
    values = line_readings(line["raw"], profile)
    if not values:
        return None, None, None, read
    registry_line = RegistryLine(line_no=line["line_no"], raw=line["raw"], account=line["number"],
                                 amount=line["amount"], paid_on=line["paid_on"], key=line["key"], readings=values)
    taken = take_readings(db, [(line["line_no"], account_id, line["paid_on"], values)])
    return taken, json.loads(payment_extra(registry_line, taken.refused.get(line["line_no"], ()))), None, read


def return_suspense(db: pw.Database, suspense_id: str, reason: str, *, actor: str) -> None:
    """Mark a suspense line returned to the payer's bank, with why."""
    if not reason.strip():
        raise UsageError("--reason: укажите, почему платёж возвращается")
    line = _open_line(db, suspense_id)
    with UnitOfWork(action="finance.suspense.return", actor=actor, db=db,
                    details={"suspense": line["id"], "reason": reason}) as uow:
        uow.update(SuspensePayment, line["id"], returned=reason.strip())
