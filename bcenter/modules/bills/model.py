"""What a printed bill says, as plain data: built by ``gather`` from the ledger, drawn by ``render``.

Amounts are integer kopecks. A bill is one account's document for one period and one kind:

* ``monthly`` — the ЕПД of Приказ Минстроя 43/пр (DOMAIN.md §4.2): the month's calculation per service, the
  recalculations and their reasons, penalties, and a payment block per recipient with its QR code;
* ``debt`` — a bill for arrears: unpaid charges by period and service, penalties as of a day;
* ``advance`` — a bill to pay ahead: the balance now plus N months of the period's regular charges.
"""
from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("monthly", "debt", "advance")
KIND_TITLES = {
    "monthly": "ЕДИНЫЙ ПЛАТЁЖНЫЙ ДОКУМЕНТ",
    "debt": "СЧЁТ НА ОПЛАТУ ЗАДОЛЖЕННОСТИ",
    "advance": "СЧЁТ НА ОПЛАТУ ВПЕРЁД",
}


@dataclass(frozen=True)
class Party:
    """The executor (исполнитель) of Раздел 1."""

    name: str
    inn: str
    kpp: str | None
    address: str
    phone: str | None = None
    email: str | None = None
    site: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Payer:
    """Раздел 1: who pays, for which premises."""

    account: str
    name: str
    last_name: str | None
    first_name: str | None
    middle_name: str | None
    address: str
    area: str
    registered: int
    house_id: str
    entrance: int | None
    flat: str
    els: str | None = None       # ЕЛС of ГИС ЖКХ, when known
    gis_id: str | None = None    # идентификатор ЖКУ of ГИС ЖКХ, when known
    share: str | None = None     # a co-owner's account: its share of the premises («1/2»), None for the whole


@dataclass(frozen=True)
class Recipient:
    """Раздел 2: one recipient of payment (поставщик) with its bank details and what is due to it."""

    supplier: str            # ext id (or id)
    name: str
    inn: str
    kpp: str | None
    bank_name: str | None
    bic: str | None
    corr_account: str | None
    account: str | None      # расчётный счёт
    services: tuple[str, ...]
    phone: str | None = None
    address: str | None = None
    opening: int = 0         # debt (+) / advance (−) at the start of the period
    charged: int = 0         # the period's charges with recalculations and benefits
    paid: int = 0
    penalties: int = 0
    to_pay: int = 0          # what the QR asks (never negative)
    credited: int = 0        # advance bills: the account's advance set against this recipient
    opening_penalties: int | None = None  # monthly: of the opening, penalties billed and not paid (None: not known)
    to_pay_penalties: int | None = None   # monthly: of «к оплате», penalties billed and not paid
    qr: str | None = None    # ГОСТ Р 56042 payload


@dataclass(frozen=True)
class Row:
    """Раздел 3: one service's line of the calculation table."""

    service: str
    unit: str
    volume_individual: str | None
    volume_common: str | None
    method: str | None
    tariff: str | None
    charged: int
    coefficient: str | None
    excess: int
    recalculated: int
    benefits: int

    @property
    def total(self) -> int:
        return self.charged + self.recalculated + self.benefits


@dataclass(frozen=True)
class Recalculation:
    """Раздел 5: a recalculation or reduction with its reason."""

    service: str
    reason: str
    amount: int


@dataclass(frozen=True)
class Reference:
    """Раздел 4: norms, readings and house totals of a service."""

    service: str
    norm: str | None = None
    readings: str | None = None
    house_volume: str | None = None
    tariff: str | None = None        # a two-part tariff spelled out
    house_meter: str | None = None   # the house meter's (ОДПУ) readings of the month, where it decides the charge


@dataclass(frozen=True)
class DebtLine:
    """Arrears of a debt bill: one period × service."""

    period: str
    service: str
    charged: int
    paid: int
    debt: int
    due: str


@dataclass(frozen=True)
class Bill:
    kind: str
    period: str              # YYYY-MM
    period_label: str        # «октябрь 2026 г.»
    number: str              # идентификатор платёжного документа
    payer: Payer
    executor: Party
    recipients: tuple[Recipient, ...]
    rows: tuple[Row, ...] = ()
    recalculations: tuple[Recalculation, ...] = ()
    references: tuple[Reference, ...] = ()
    debts: tuple[DebtLine, ...] = ()
    last_payment: str | None = None
    advance: int = 0         # money paid and not yet taken by any charge
    months: int = 0          # advance bills: months paid ahead
    as_of: str | None = None
    court_costs: tuple[tuple[str, int], ...] = ()   # (what, kopecks) of open court cases — shown, not in «к оплате»
    notes: tuple[str, ...] = field(default=())
    issued: str | None = None  # monthly: the business day of the close, or the print day of an open month
    due: str | None = None     # monthly: the last day to pay without penalties (ч. 1 ст. 155 ЖК РФ, ст. 193 ГК РФ)
    due_capital: str | None = None  # the capital-repair fee's, when a regional day makes it differ
    since: str | None = None   # advance bills: the first month ahead, after the period: «декабря 2026 г.» (after «с»)
    ipd: str | None = None     # the ИПД ГИС ЖКХ gave this month's document, when loaded

    @property
    def charged_total(self) -> int:
        """Σ «Итого» of the calculation table: the period's lines of every kind."""
        return sum(r.total for r in self.rows)

    @property
    def to_pay(self) -> int:
        return sum(r.to_pay for r in self.recipients)

    @property
    def penalties(self) -> int:
        return sum(r.penalties for r in self.recipients)
