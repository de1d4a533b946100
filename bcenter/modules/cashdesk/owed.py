"""What an account owes at the desk, per recipient (supplier) and service, and how a payment taken there is split
into the lines of its fiscal receipt.

Owed = the debts of the payments' application as of the day (every charge line still unpaid, the month billed last
included) and the penalties billed and not paid — the same ``Finance`` the debts report, the bills and the
settlements use. A payment's receipt lines are what the engine will apply it to (``bcenter.engine.payments``: the
month the payer named first, then the oldest due, in proportion within a month — п. 118 ПП 354, ст. 319.1 ГК РФ —
penalties by ``penalty_application``): the payment is applied on top of the account's position as it will be
once written, and each recipient's line is what reaches that recipient, so the sums under the agent tags are the
sums each supplier is credited and paid. Money no charge takes is an advance, on a line of its own paid as
«предоплата». A payer's split by service (the «пустографка») is taken as given; a bill's QR code is one
recipient's, so its money is split among that recipient's services the same way (``recipient_split``).

Fiscal tags per line (DOMAIN.md §9, [P]): the executor's own services carry none; money for another recipient
carries 1222 (4 — a payment agent under 103-ФЗ, per the supplier's contract; else 64), 1224 and 1226.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import peewee as pw

from bcenter.core.errors import NotFound, Problem, ValidationFailed
from bcenter.core.money import format_rub_ru
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.modules.finance.position import Finance
from db.dialect import param_mark

AGENT_PAYMENT, AGENT_OTHER = 0x04, 0x40

ITEM_NAME_BYTES = 128
"""The longest item name a receipt carries (tag 1030: 128 characters; the register's cp1251, a byte each)."""


def item_name(what: str, account: str) -> str:
    """A receipt line's name, «<what>, л/с <account>», within ``ITEM_NAME_BYTES``: a long list of services is cut
    with «…» so the account's number — what ties the receipt to the payment — is never the part cut off."""
    tail = f", л/с {account}"
    room = ITEM_NAME_BYTES - len(tail.encode("cp1251", errors="replace"))
    if len(what.encode("cp1251", errors="replace")) > room:
        what = what.encode("cp1251", errors="replace")[:room - 1].decode("cp1251", errors="replace").rstrip(" ,") \
            + "…"
    return what + tail


@dataclass(frozen=True)
class ServiceOwed:
    service: str   # ext id
    name: str
    charges: int
    penalties: int
    key: str = field(default="", repr=False)  # the service's id (the engine's key)

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
    key: str = field(default="", repr=False)  # the supplier's id (the engine's key)

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
    day: date | None = field(default=None, repr=False)
    applied: Callable[[pay.Payment], pay.PaymentResult] | None = field(default=None, repr=False, compare=False)
    """How the engine would apply one more payment of this day to the account (``engine_parts``)."""
    closed: date | None = None  # the day the account was closed (no charges from then on)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.recipients)


def account_owed(db: pw.Database, number: str, *, day: date, finance: Finance | None = None) -> AccountOwed:
    """What the account numbered ``number`` owes on ``day`` (payments up to that day applied)."""
    m = param_mark(db)
    row = db.execute_sql(
        'SELECT a.id, p.number, p.kind, h.city, h.street, h.building, h.block, a.closed FROM "account" a '
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

    def applied(payment: pay.Payment) -> pay.PaymentResult:
        return finance.application(replace(position, payments=(*position.payments, payment)), as_of=day) \
            .payment(payment.id)

    closed = None if row[7] is None else date.fromisoformat(str(row[7])[:10])
    return AccountOwed(account_id, number, address, recipients, finance.advance(application), day, applied, closed)


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
                                                 max(penalties.get((supplier, service), 0), 0), key=service))
    out = []
    for supplier in sorted(by_supplier, key=order.get):
        ext, name, inn, phone = suppliers[supplier]
        out.append(RecipientOwed(ext, name, inn, phone, own=inn == own_inn,
                                 agent=AGENT_PAYMENT if supplier in agents else AGENT_OTHER,
                                 services=tuple(by_supplier[supplier]), key=supplier))
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


PROBE = "~desk"
"""The id of the payment being taken, as the engine applies it after the day's others (``~`` sorts after them)."""


def engine_parts(owed: AccountOwed, amount: int, *, period: Period | None = None,
                 supplier: str | None = None) -> tuple[dict[tuple[str, str], int], int]:
    """What the engine will apply a payment of ``amount`` kopecks taken today to — (supplier id, service id) →
    kopecks, charges and penalties together — and what is left as an advance. ``period``: the month the payer named
    (a bill's); ``supplier``: the only recipient it pays (a recipient's QR code)."""
    if owed.applied is None or amount <= 0:
        return {}, max(amount, 0)
    result = owed.applied(pay.Payment(id=PROBE, day=owed.day, amount=amount, period=period, supplier=supplier))
    parts: dict[tuple[str, str], int] = defaultdict(int)
    for part in result.applied:
        parts[(part.supplier, part.service)] += part.amount
    return dict(parts), result.advance


def split(owed: AccountOwed, amount: int, *, services: Mapping[str, int] | None = None,
          executor: tuple[str, str, str | None] | None = None, period: Period | None = None) -> list[ReceiptLine]:
    """The receipt's lines of a payment of ``amount`` kopecks (module doc). ``services``: the payer's split (service
    ext id → kopecks, summing to ``amount``); ``executor``: (name, ИНН, phone) of the executor, who takes an
    advance; ``period``: the month the payer named."""
    if services:
        return _by_service(owed, amount, services, period=period)
    lines: list[ReceiptLine] = []
    parts, advance = engine_parts(owed, amount, period=period)
    covered = amount - advance
    for recipient in owed.recipients:
        paid = [(s, parts.get((recipient.key, s.key), 0)) for s in recipient.services]
        part = sum(p for _, p in paid)
        if part:
            names = ", ".join(s.name for s, p in paid if p)
            lines.append(ReceiptLine(item_name(f"Оплата ЖКУ: {names}", owed.number), part, recipient.supplier,
                                     recipient.name, recipient.inn, recipient.phone, recipient.own, recipient.agent))
    if sum(ln.amount for ln in lines) != covered:  # the engine paid a line the desk does not show: never silently
        raise ValidationFailed([Problem(f"л/с {owed.number}", "разбивка оплаты по получателям не сходится с "
                                                               "зачётом платежа — сообщите разработчикам bcenter")],
                               title="Оплата не принята")
    if amount > covered:
        name, inn, phone = executor or ("Исполнитель", "", None)
        lines.append(ReceiptLine(item_name("Аванс за ЖКУ", owed.number), amount - covered, None, name, inn, phone,
                                 own=True, agent=0, advance=True))
    return lines


def recipient_split(owed: AccountOwed, amount: int, supplier: str, *, period: Period | None = None
                    ) -> dict[str, int]:
    """A payment for one recipient (its QR code on the bill) as a split by that recipient's services (service ext
    id → kopecks): what the engine applies it to when it may pay that recipient only; more than the recipient is
    owed stays with its service owed most, for its later charges. ``supplier``: the recipient's id."""
    recipient = next((r for r in owed.recipients if r.key == supplier), None)
    if recipient is None or recipient.total <= 0:
        raise ValidationFailed([Problem(f"л/с {owed.number}", "по получателю из QR-кода долга нет — примите оплату "
                                                               "без QR-кода (по лицевому счёту)")],
                               title="Оплата по QR-коду не принята")
    parts, advance = engine_parts(owed, amount, period=period, supplier=supplier)
    out = {s.service: parts.get((supplier, s.key), 0) for s in recipient.services}
    if advance:
        most = max(recipient.services, key=lambda s: (s.total, s.service)).service
        out[most] += advance
    return {k: v for k, v in out.items() if v}


def _by_service(owed: AccountOwed, amount: int, services: Mapping[str, int], *,
                period: Period | None = None) -> list[ReceiptLine]:
    """The payer's split by service (the «пустографка», a recipient's QR code) as receipt lines: each service's part
    as the engine applies it (that service's lines only, whichever recipient's — DOMAIN.md §5.3 п. 1), and what no
    line of the service takes — more than it is owed — on a line of its own for the service's recipient, paid as
    «предоплата» (1214 = 1, ст. 4.7 54-ФЗ): a payment ahead is never receipted as «полный расчёт»."""
    problems = []
    if sum(services.values()) != amount:
        problems.append(Problem("услуги", f"сумма по услугам {format_rub_ru(sum(services.values()))} не равна "
                                          f"сумме оплаты {format_rub_ru(amount)}"))
    where = {s.service: (r, s) for r in owed.recipients for s in r.services}
    for service, part in services.items():
        if part <= 0:
            problems.append(Problem(f"услуга {service}", "сумма должна быть больше нуля"))
        elif service not in where:
            problems.append(Problem(f"услуга {service}", f"по лицевому счёту {owed.number} нет долга по этой услуге "
                                                         "— оплатите её как аванс без разбивки"))
    if problems:
        raise ValidationFailed(problems, title="Оплата по услугам не принята")
    if owed.applied is None:
        parts, ahead = {(where[k][0].key, where[k][1].key): v for k, v in services.items()}, {}
    else:
        result = owed.applied(pay.Payment(id=PROBE, day=owed.day, amount=amount, period=period,
                                          services={where[k][1].key: v for k, v in services.items()}))
        parts = defaultdict(int)
        for applied in result.applied:
            parts[(applied.supplier, applied.service)] += applied.amount
        ahead = dict(result.unapplied_services)
    lines = []
    for service in services:
        r, s = where[service]
        for other in owed.recipients:
            part = parts.get((other.key, s.key), 0)
            if part:
                lines.append(ReceiptLine(item_name(s.name, owed.number), part, other.supplier, other.name, other.inn,
                                         other.phone, other.own, other.agent, service=service))
        if ahead.get(s.key):
            lines.append(ReceiptLine(item_name(f"Аванс: {s.name}", owed.number), ahead[s.key], r.supplier, r.name,
                                     r.inn, r.phone, r.own, r.agent, advance=True, service=service))
    if sum(ln.amount for ln in lines) != amount:  # the engine paid a line the desk does not show: never silently
        raise ValidationFailed([Problem(f"л/с {owed.number}", "разбивка оплаты по услугам не сходится с зачётом "
                                                               "платежа — сообщите разработчикам bcenter")],
                               title="Оплата не принята")
    return lines
