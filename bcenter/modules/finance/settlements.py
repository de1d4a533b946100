"""Расчёты с поставщиками: contracts, the money collected for each supplier day by day, what is transferred to it and
what is still owed (сальдо по перечислениям), the settlement centre's fee, the agents' commission and the
next-working-day rule of 103-ФЗ / ПП 253 (DOMAIN.md §5.2, §5.3).

Rules:

* **Collected** for a supplier is the money of payments applied to its lines — charges and penalties — by the same
  application the debts and the bills use (ст. 319.1 ГК, п. 118 ПП 354, ``bcenter.engine.payments``), counted on
  the payment's day, or on the last day of the line's month when the payment came before it (money paid ahead is
  no supplier's until its month's charges exist). Money no line took yet is an **advance**: it belongs to no
  supplier until a charge takes it — and so does money a line of the report's own month took before that month
  ended, as of a day before its end (a report as of the 15th run after the month was calculated says what it said
  on the 15th). Credits (a migrated advance, a negative month) are not money and collect nothing.
* **Agent's commission** (supplier-side, §5.2): a registry line's commission is the bank's fee for that payment; the
  account is credited with the whole amount and the supplier bears the fee. A payment's commission is split among the
  suppliers its money went to in proportion (largest remainder), its advance keeping its own share.
* **The settlement centre's fee**: the percentage of the contract in force on the report's day, of everything
  collected, rounded once (half up) on the total as of the day. (A supplier whose contract changed terms in the
  period reported is shown by the one in force: the per-contract split is left for the ALLOCATION entries; the
  deadline rule is checked for the days since that contract began.)
* **Owed** to a supplier as of a day = collected − commission − fee − transferred. Transfers are facts; a wrong one
  is reversed by a transfer of the opposite amount naming it.
* **103-ФЗ, ПП 253 п. 6**: under a contract where we collect as a payment agent, money collected on a day is owed to
  the supplier no later than the next working day. A day whose money was not transferred by then is **late**:
  the report names the first such deadline and what is still owed past its deadline.
* **Reconciliation**: received − commission − transferred = Σ owed + Σ fees + advances − their commission, to the
  kopeck (``SettlementReport.held``); and Σ collected equals the «оплачено» of the balances up to that day.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import peewee as pw

from bcenter.core.calendar import WorkCalendar
from bcenter.core.dates import format_date_ru
from bcenter.core.errors import NotFound, UsageError
from bcenter.core.ids import is_uuid, uuid7
from bcenter.core.jobs import Job
from bcenter.core.money import allocate
from bcenter.core.period import Period  # noqa: TC001  (in a signature)
from bcenter.engine.payments import SYNTHETIC
from bcenter.modules.finance.position import Finance
from db.dialect import db_date, db_id, param_mark
from db.models import SupplierContract, SupplierTransfer
from db.queries import live_payment
from db.uow import UnitOfWork

__all__ = ["ContractRow", "SettlementReport", "SupplierSettlement", "TransferRow", "add_contract", "add_transfer",
           "collected_on", "list_contracts", "list_transfers", "settle_supplier", "settlements", "storno_transfer"]

ADVANCE = ""
"""The key of a payment's unapplied part when its commission is split."""


@dataclass(frozen=True)
class ContractRow:
    id: str
    supplier: str
    number: str
    signed_on: date
    valid_from: date
    valid_to: date | None
    agent: bool
    fee_percent: str
    services: tuple[str, ...] | None
    note: str | None


@dataclass(frozen=True)
class TransferRow:
    id: str
    supplier: str
    day: date
    amount: int
    order_number: str | None
    note: str | None
    storno_of: str | None


@dataclass(frozen=True)
class SupplierSettlement:
    """One supplier as of a day (kopecks): ``owed = collected − commission − fee − transferred``."""

    supplier: str
    name: str
    contract: str | None
    agent: bool
    fee_percent: str
    collected: int
    penalties: int
    commission: int
    fee: int
    transferred: int
    owed: int
    first_late: date | None
    overdue: int


@dataclass(frozen=True)
class SettlementReport:
    """Every supplier as of ``as_of`` and the money as a whole.

    ``received``: live payments up to the day (gross, what accounts were credited with); ``commission``: the agents'
    commission of those payments; ``advances`` and ``advance_commission``: money no charge took yet (or a line of
    the day's month took ahead of its end) and its share of commission; ``transferred``: all transfers;
    ``suspense``: money of registry lines not matched to an account, neither resolved nor returned (not in
    ``received``)."""

    as_of: date
    suppliers: tuple[SupplierSettlement, ...]
    received: int
    commission: int
    advances: int
    advance_commission: int
    transferred: int
    suspense: int

    @property
    def held(self) -> int:
        """Money received for accounts and not transferred: received − commission − transferred."""
        return self.received - self.commission - self.transferred

    @property
    def reconciled(self) -> bool:
        """held == Σ owed + Σ fees + advances − their commission."""
        return self.held == (sum(s.owed + s.fee for s in self.suppliers) + self.advances - self.advance_commission)


# --- contracts and transfers ------------------------------------------------------------------------------------
def _supplier(db: pw.Database, ext: str) -> str:
    row = db.execute_sql(f'SELECT id FROM "supplier" WHERE ext_id = {param_mark(db)}', (ext,)).fetchone()
    if row is None:
        known = ", ".join(e for (e,) in db.execute_sql('SELECT ext_id FROM "supplier" ORDER BY ext_id') if e)
        raise NotFound(f"поставщика «{ext}» нет в справочнике (есть: {known or 'никого'})")
    return str(row[0])


def _percent(text: str) -> str:
    try:
        value = Decimal(str(text).replace(",", "."))
    except InvalidOperation:
        raise UsageError(f"--fee: «{text}» — не число (процент, например 1.5)") from None
    if not value.is_finite() or value < 0 or value >= 100:
        raise UsageError(f"--fee: процент вознаграждения от 0 до 100, получено {text}")
    return format(value.normalize(), "f") if value else "0"


def add_contract(db: pw.Database, *, supplier: str, number: str, signed_on: date, valid_from: date,
                 valid_to: date | None = None, agent: bool = True, fee_percent: str = "0",
                 services: list[str] | None = None, note: str | None = None, actor: str) -> str:
    """A contract with a supplier (module text); refused with a message naming the field when wrong."""
    supplier_id = _supplier(db, supplier)
    if not number.strip():
        raise UsageError("--number: номер договора не может быть пустым")
    if valid_to is not None and valid_to <= valid_from:
        raise UsageError(f"--to: договор кончается ({format_date_ru(valid_to)}) не позже, чем начинается "
                         f"({format_date_ru(valid_from)})")
    fee = _percent(fee_percent)
    if services:
        mark = param_mark(db)
        for ext in services:
            row = db.execute_sql(f'SELECT supplier_id FROM "service" WHERE ext_id = {mark}', (ext,)).fetchone()
            if row is None:
                raise NotFound(f"--services: услуги «{ext}» нет в справочнике")
            if str(row[0]) != supplier_id:
                raise UsageError(f"--services: услуга «{ext}» не поставщика «{supplier}»")
    mark = param_mark(db)
    if db.execute_sql(f'SELECT 1 FROM "supplier_contract" WHERE supplier_id = {mark} AND number = {mark}',
                      (db_id(supplier_id), number.strip())).fetchone():
        raise UsageError(f"договор № {number.strip()} с поставщиком «{supplier}» уже есть")
    contract_id = uuid7()
    with UnitOfWork(action="finance.contract.add", actor=actor, db=db,
                    details={"supplier": supplier, "number": number.strip()}) as uow:
        uow.insert(SupplierContract, id=contract_id, supplier=supplier_id, number=number.strip(), signed_on=signed_on,
                   valid_from=valid_from, valid_to=valid_to, agent=agent, fee_percent=fee,
                   services=list(services) if services else None, note=note)
    return contract_id


def list_contracts(db: pw.Database) -> list[ContractRow]:
    out = []
    for cid, ext, number, signed, start, end, agent, fee, services, note in db.execute_sql(
            'SELECT c.id, s.ext_id, c.number, c.signed_on, c.valid_from, c.valid_to, c.agent, c.fee_percent, '
            'c.services, c.note FROM "supplier_contract" c JOIN "supplier" s ON s.id = c.supplier_id '
            'ORDER BY s.ext_id, c.valid_from, c.number'):
        out.append(ContractRow(str(cid), ext, number, db_date(signed), db_date(start), db_date(end) if end else None, bool(agent),
                               fee, tuple(json.loads(services)) if services else None, note))
    return out


def add_transfer(db: pw.Database, *, supplier: str, amount: int, day: date, today: date,
                 order_number: str | None = None, note: str | None = None, actor: str) -> str:
    """Money transferred to a supplier (> 0, dated not after today)."""
    supplier_id = _supplier(db, supplier)
    if amount <= 0:
        raise UsageError("--amount: сумма перечисления должна быть больше нуля (ошибочное — bcenter transfers storno)")
    if day > today:
        raise UsageError(f"--date: перечисление датировано будущим днём ({format_date_ru(day)}; "
                         f"сегодня {format_date_ru(today)})")
    transfer_id = uuid7()
    with UnitOfWork(action="finance.transfer.add", actor=actor, db=db,
                    details={"supplier": supplier, "amount": amount, "day": day.isoformat()}) as uow:
        uow.insert(SupplierTransfer, id=transfer_id, supplier=supplier_id, day=day, amount=amount,
                   order_number=order_number, note=note)
    return transfer_id


def storno_transfer(db: pw.Database, transfer_id: str, *, reason: str, actor: str) -> str:
    """Reverse a transfer entered by mistake: a transfer of the opposite amount, the same day, naming it."""
    if not reason.strip():
        raise UsageError("--reason: укажите, почему перечисление сторнируется")
    if not is_uuid(transfer_id):
        raise UsageError(f"«{transfer_id}» — не номер перечисления (номера — в bcenter transfers list)")
    mark = param_mark(db)
    row = db.execute_sql(f'SELECT supplier_id, day, amount, order_number, storno_of_id FROM "supplier_transfer" '
                         f'WHERE id = {mark}', (db_id(transfer_id),)).fetchone()
    if row is None:
        raise NotFound(f"перечисления {transfer_id} нет (номера — в bcenter transfers list)")
    supplier_id, day, amount, order, storno_of = row
    if storno_of is not None:
        raise UsageError(f"{transfer_id} — сама запись сторно; сторно не сторнируется")
    if db.execute_sql(f'SELECT 1 FROM "supplier_transfer" WHERE storno_of_id = {mark}',
                      (db_id(transfer_id),)).fetchone():
        raise UsageError(f"перечисление {transfer_id} уже сторнировано")
    storno_id = uuid7()
    with UnitOfWork(action="finance.transfer.storno", actor=actor, db=db,
                    details={"transfer": transfer_id, "reason": reason.strip()}) as uow:
        uow.insert(SupplierTransfer, id=storno_id, supplier=str(supplier_id), day=db_date(day), amount=-int(amount),
                   order_number=order, note=reason.strip(), storno_of=transfer_id)
    return storno_id


def list_transfers(db: pw.Database, *, supplier: str | None = None) -> list[TransferRow]:
    """Transfers by day; of one supplier — refused when it is not in the reference (a typo is not «none made»)."""
    mark = param_mark(db)
    if supplier:
        _supplier(db, supplier)
    where, params = ("WHERE s.ext_id = " + mark, (supplier,)) if supplier else ("", ())
    return [TransferRow(str(tid), ext, db_date(day), int(amount), order, note, str(storno) if storno else None)
            for tid, ext, day, amount, order, note, storno in db.execute_sql(
                f'SELECT t.id, s.ext_id, t.day, t.amount, t.order_number, t.note, t.storno_of_id '
                f'FROM "supplier_transfer" t JOIN "supplier" s ON s.id = t.supplier_id {where} '
                f'ORDER BY t.day, t.id', params)]


# --- settlements -------------------------------------------------------------------------------------------------
def settlements(db: pw.Database, *, as_of: date, job: Job | None = None) -> SettlementReport:
    """Every supplier's settlement as of a day (module text)."""
    finance = Finance(db)
    mark = param_mark(db)
    commissions = {str(pid): int(c) for pid, c in db.execute_sql(
        f'SELECT id, commission FROM "payment" WHERE commission IS NOT NULL AND commission <> 0 AND paid_on <= {mark} '
        f'AND {live_payment()}', (as_of.isoformat(),))}
    by_day: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # [collected, fee]
    penalties: dict[str, int] = defaultdict(int)
    received = advances = advance_commission = 0
    accounts = finance.account_numbers()
    if job is not None:
        job.total(len(accounts))
    for account, number in accounts:
        position = finance.position(account, number, as_of=as_of)
        application = finance.application(position, as_of=as_of)
        for result in application.payments:
            if result.payment_id.startswith(SYNTHETIC):
                continue
            received += result.amount
            ahead = result.advance  # with the parts for this month paid before it ended: no one's yet
            parts: dict[str, int] = defaultdict(int)
            first: dict[str, date] = {}  # the day of a supplier's first part: its share of commission goes there
            for part in result.applied:
                day = collected_on(result.day, part.period)
                if day > as_of:
                    ahead += part.amount
                    continue
                parts[part.supplier] += part.amount
                first.setdefault(part.supplier, day)
                by_day[part.supplier][day][0] += part.amount
                if part.penalty:
                    penalties[part.supplier] += part.amount
            advances += ahead
            commission = commissions.get(result.payment_id, 0)
            if commission:
                keys = sorted(parts) + [ADVANCE]
                shares = allocate(commission, [parts[k] for k in keys[:-1]] + [ahead], tie_break=keys)
                for key, share in zip(keys, shares):
                    if key == ADVANCE:
                        advance_commission += share
                    else:
                        by_day[key][first[key]][1] += share
        if job is not None:
            job.advance()
            job.check()
    transfers: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for supplier, day, amount in db.execute_sql(
            f'SELECT supplier_id, day, SUM(amount) FROM "supplier_transfer" WHERE day <= {mark} '
            f'GROUP BY supplier_id, day ORDER BY day', (as_of.isoformat(),)):
        transfers[str(supplier)].append((db_date(day), int(amount)))
    contracts = _contracts(db, as_of)
    names = {str(uid): (ext or str(uid), name) for uid, ext, name in db.execute_sql(
        'SELECT id, ext_id, name FROM "supplier"')}
    out = []
    for supplier in sorted(set(by_day) | set(transfers) | set(contracts), key=lambda s: names[s]):
        contract = contracts.get(supplier)
        out.append(settle_supplier(names[supplier], contract, by_day.get(supplier, {}), transfers.get(supplier, []),
                                   as_of=as_of, calendar=finance.calendar, penalties=penalties.get(supplier, 0)))
    suspense = int(db.execute_sql(
        f'SELECT COALESCE(SUM(amount), 0) FROM "suspense_payment" WHERE resolved_payment_id IS NULL AND '
        f'returned IS NULL AND paid_on <= {mark}', (as_of.isoformat(),)).fetchone()[0])
    return SettlementReport(as_of, tuple(out), received, sum(commissions.values()), advances, advance_commission,
                            sum(t for rows in transfers.values() for _, t in rows), suspense)


def collected_on(day: date, period: Period) -> date:
    """The day money paid on ``day`` to a line of ``period`` became its supplier's: the payment's day, or the last
    day of the line's month when the payment came before it (money paid ahead is no one's until that month's
    charges exist — and no next-working-day deadline runs on it till then)."""
    return max(day, period.last_day)


def settle_supplier(names: tuple[str, str], contract: tuple | None,
                    days: Mapping[date, Sequence[int]], transfers: Sequence[tuple[date, int]], *, as_of: date,
                    calendar: WorkCalendar, penalties: int = 0) -> SupplierSettlement:
    """One supplier as of a day: ``names`` (ext id, name); ``contract`` (number, agent, fee %[, from]) or None; ``days``:
    per payment day, [collected, commission]; ``transfers``: (day, kopecks). The totals, and under an agent contract
    the first missed next-working-day deadline and what is owed past its deadline (module text)."""
    fee_percent = Decimal(contract[2]) if contract else Decimal(0)

    def fee_of(collected: int) -> int:
        return int((Decimal(collected) * fee_percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    collected = sum(c for c, _ in days.values())
    commission = sum(k for _, k in days.values())
    fee = fee_of(collected)
    transferred = sum(t for _, t in transfers)
    owed = collected - commission - fee - transferred
    first_late, overdue = None, 0
    agent = bool(contract and contract[1])
    if agent:
        cum_collected = cum_commission = 0
        since = contract[3] if len(contract) > 3 else date.min
        for day in sorted(days):
            cum_collected += days[day][0]
            cum_commission += days[day][1]
            deadline = calendar.next_working_day(day + timedelta(days=1))
            if deadline >= as_of:
                break
            if day < since:  # (collected before this contract: not under its rule)
                continue
            due = cum_collected - cum_commission - fee_of(cum_collected)
            short = due - sum(t for d, t in transfers if d <= deadline)
            if short > 0 and first_late is None:
                first_late = deadline
            overdue = max(0, due - transferred)
    return SupplierSettlement(supplier=names[0], name=names[1], contract=contract[0] if contract else None,
                              agent=agent, fee_percent=str(fee_percent), collected=collected, penalties=penalties,
                              commission=commission, fee=fee, transferred=transferred, owed=owed,
                              first_late=first_late, overdue=overdue)


def _contracts(db: pw.Database, as_of: date) -> dict[str, tuple[str, bool, str, date]]:
    """The contract in force on the day per supplier (the latest started): (number, agent, fee percent, from)."""
    out: dict[str, tuple[str, bool, str, date]] = {}
    mark = param_mark(db)
    for supplier, number, agent, fee, start in db.execute_sql(
            f'SELECT supplier_id, number, agent, fee_percent, valid_from FROM "supplier_contract" '
            f'WHERE valid_from <= {mark} AND (valid_to IS NULL OR valid_to > {mark}) ORDER BY valid_from, number',
            (as_of.isoformat(), as_of.isoformat())):
        out[str(supplier)] = (number, bool(agent), fee, db_date(start))
    return out


