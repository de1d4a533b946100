"""What an account owes at the desk, per recipient (supplier) and service, and how a payment taken there is split
into the lines of its fiscal receipt.

Owed = the debts of the payments' application as of the day (every charge line still unpaid, the month billed last
included) and the penalties billed and not paid — the same ``Finance`` the debts report, the bills and the
settlements use. A payment is split among the recipients in proportion to what each is owed (largest remainder,
п. 118 ПП 354), each recipient's part among its services likewise; money beyond everything owed is an advance, on
a line of its own paid as «предоплата». A payer's split by service (the «пустографка») is taken as given.

Fiscal tags per line (DOMAIN.md §9, [P]): the executor's own services carry none; money for another recipient
carries 1222 (4 — a payment agent under 103-ФЗ, per the supplier's contract; else 64), 1224 and 1226.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.errors import NotFound, Problem, ValidationFailed
from bcenter.core.money import allocate
from bcenter.engine import payments as pay
from bcenter.modules.finance.position import Finance
from db.dialect import param_mark

AGENT_PAYMENT, AGENT_OTHER = 0x04, 0x40


@dataclass(frozen=True)
class ServiceOwed:
    service: str   # ext id
    name: str
    charges: int
    penalties: int

    @property
    def total(self) -> int:
        return self.charges + self.penalties


@dataclass(frozen=True)
class RecipientOwed:
    supplier: str  # ext id
    name: str
    inn: str
    phone: str | None
    own: bool      # the executor itself: no agent tags
    agent: int     # 1222 when not own
    services: tuple[ServiceOwed, ...]

    @property
    def total(self) -> int:
        return sum(s.total for s in self.services)


@dataclass(frozen=True)
class AccountOwed:
    account_id: str
    number: str
    address: str
    recipients: tuple[RecipientOwed, ...]
    advance: int   # money paid earlier that no charge took yet

    @property
    def total(self) -> int:
        return sum(r.total for r in self.recipients)


def account_owed(db: pw.Database, number: str, *, day: date, finance: Finance | None = None) -> AccountOwed:
    """What the account numbered ``number`` owes on ``day`` (payments up to that day applied)."""
    m = param_mark(db)
    row = db.execute_sql(
        'SELECT a.id, p.number, p.kind, h.city, h.street, h.building, h.block FROM "account" a '
        'JOIN "premises" p ON p.id = a.premises_id JOIN "house" h ON h.id = p.house_id '
        f'WHERE a.number = {m}', (number,)).fetchone()
    if row is None:
        raise NotFound(f"Лицевой счёт {number} не найден: проверьте номер или найдите счёт по адресу")
    from db.search import format_address

    account_id = str(row[0])
    address = format_address(row[3], row[4], row[5], row[6], row[1], row[2])
    finance = finance or Finance(db)
    position = finance.position(account_id, number, as_of=day)
    application = finance.application(position, as_of=day)
    charges: dict[tuple[str, str], int] = defaultdict(int)
    for line in pay.debts(application, as_of=day):
        charges[(line.supplier, line.service)] += line.debt
    penalties: dict[tuple[str, str], int] = defaultdict(int)
    for billed in position.penalties:
        penalties[(billed.supplier, billed.service)] += billed.amount
    for (service, supplier), paid in application.penalties_paid.items():
        penalties[(supplier, service)] -= paid
    keys = sorted({k for k, v in charges.items() if v > 0} | {k for k, v in penalties.items() if v > 0})
    recipients = _recipients(db, keys, charges, penalties, day)
    return AccountOwed(account_id, number, address, recipients, finance.advance(application))


def _recipients(db: pw.Database, keys, charges, penalties, day: date) -> tuple[RecipientOwed, ...]:
    own_inn = (db.execute_sql('SELECT inn FROM "organization" ORDER BY id LIMIT 1').fetchone() or (None,))[0]
    services = {str(i): (ext, name, order) for i, ext, name, order in db.execute_sql(
        'SELECT id, ext_id, name, sort_order FROM "service"')}
    suppliers = {str(i): (ext or str(i), name, inn, phone) for i, ext, name, inn, phone in db.execute_sql(
        'SELECT id, ext_id, name, inn, phone FROM "supplier"')}
    agents = {str(s) for (s,) in db.execute_sql(
        f'SELECT supplier_id FROM "supplier_contract" WHERE agent = {param_mark(db)} AND valid_from <= '
        f'{param_mark(db)} AND (valid_to IS NULL OR valid_to > {param_mark(db)})',
        (True, day.isoformat(), day.isoformat()))}
    by_supplier: dict[str, list[ServiceOwed]] = defaultdict(list)
    order: dict[str, int] = {}
    for supplier, service in sorted(keys, key=lambda k: (services[k[1]][2] is None, services[k[1]][2] or 0, k)):
        ext, name, place = services[service]
        order.setdefault(supplier, len(order))
        by_supplier[supplier].append(ServiceOwed(ext, name, max(charges.get((supplier, service), 0), 0),
                                                 max(penalties.get((supplier, service), 0), 0)))
    out = []
    for supplier in sorted(by_supplier, key=order.get):
        ext, name, inn, phone = suppliers[supplier]
        out.append(RecipientOwed(ext, name, inn, phone, own=inn == own_inn,
                                 agent=AGENT_PAYMENT if supplier in agents else AGENT_OTHER,
                                 services=tuple(by_supplier[supplier])))
    return tuple(out)


@dataclass(frozen=True)
class ReceiptLine:
    """One line of the fiscal receipt: what is paid, to whom, how much."""

    name: str
    amount: int
    supplier: str | None       # ext id
    supplier_name: str
    inn: str
    phone: str | None
    own: bool
    agent: int
    advance: bool = False      # paid ahead (1214 = 1)
    service: str | None = None  # the payer's split by service

    def as_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def split(owed: AccountOwed, amount: int, *, services: Mapping[str, int] | None = None,
          executor: tuple[str, str, str | None] | None = None) -> list[ReceiptLine]:
    """The receipt's lines of a payment of ``amount`` kopecks (module doc). ``services``: the payer's split (service
    ext id → kopecks, summing to ``amount``); ``executor``: (name, ИНН, phone) of the executor, who takes an
    advance."""
    if services:
        return _by_service(owed, amount, services)
    lines: list[ReceiptLine] = []
    asked = [r for r in owed.recipients if r.total > 0]
    covered = min(amount, owed.total)
    parts = allocate(covered, [r.total for r in asked]) if asked and covered else [0] * len(asked)
    for recipient, part in zip(asked, parts):
        if part:
            names = ", ".join(s.name for s in recipient.services)
            lines.append(ReceiptLine(f"Оплата ЖКУ: {names}, л/с {owed.number}", part, recipient.supplier,
                                     recipient.name, recipient.inn, recipient.phone, recipient.own, recipient.agent))
    if amount > covered:
        name, inn, phone = executor or ("Исполнитель", "", None)
        lines.append(ReceiptLine(f"Аванс за ЖКУ, л/с {owed.number}", amount - covered, None, name, inn, phone,
                                 own=True, agent=0, advance=True))
    return lines


def _by_service(owed: AccountOwed, amount: int, services: Mapping[str, int]) -> list[ReceiptLine]:
    problems = []
    if sum(services.values()) != amount:
        problems.append(Problem("услуги", f"сумма по услугам {sum(services.values()) / 100:.2f} не равна сумме "
                                          f"оплаты {amount / 100:.2f}"))
    where = {s.service: (r, s) for r in owed.recipients for s in r.services}
    lines = []
    for service, part in services.items():
        if part <= 0:
            problems.append(Problem(f"услуга {service}", "сумма должна быть больше нуля"))
        elif service not in where:
            problems.append(Problem(f"услуга {service}", f"по лицевому счёту {owed.number} нет долга по этой услуге "
                                                         "— оплатите её как аванс без разбивки"))
        else:
            r, s = where[service]
            lines.append(ReceiptLine(f"{s.name}, л/с {owed.number}", part, r.supplier, r.name, r.inn, r.phone,
                                     r.own, r.agent, service=service))
    if problems:
        raise ValidationFailed(problems, title="Оплата по услугам не принята")
    return lines
