"""Зачёт платежей в начисления и расщепление по поставщикам (ст. 319.1 ГК РФ, п. 118 ПП 354; DOMAIN.md §3.6, §5.3).

Rules and sources (``settings.payment_application``, EXCHANGE.md):

1. Payments are applied one by one in order of their day (then id), each against what is still unpaid after the
   earlier ones. Payments after ``as_of`` are left out.
2. A payer-specified split by service (``Payment.services``; «пустографка», a per-recipient QR) is used as given
   (DOMAIN.md §5.3 п. 1): each service's amount goes to that service's lines only — of the named period first,
   then oldest due first. The rest of the payment follows the general rule. A payment restricted to a supplier
   (``Payment.supplier``: a credit of the supplier it came from) pays that supplier's lines only, by rules 3–5.
3. ``"specified_then_fifo"`` (default): the period the payer named first (ст. 319.1 п. 1 ГК РФ; Пленум ВС № 22
   п. 32), then the other periods oldest due first (ст. 319.1 п. 3 ГК РФ). ``"fifo"``: the named period is ignored.
   A period's place in the queue is the earliest due day among its unpaid lines (then the period itself).
4. Within one period the money is split among that period's unpaid lines in proportion to what each still owes
   (п. 118 ПП 354: «пропорционально размеру платы, указанной в платежном документе»; on a first payment this is the
   amount charged, as in G14) by the largest remainder (``allocate``), ties broken by (supplier, service) — so no
   line gets more than it owes and the parts add up to the kopeck.
5. What no charge can take is the payment's advance (аванс). Charges passed in are those billed so far; when later
   charges appear they are passed in with the next run, and the advance is applied to them by the same rules 3–4
   — oldest due first, in proportion to the new lines (DOMAIN.md §5.3 п. 5 [P]). ``Applied.day`` is always the
   payment's day (the day of actual payment, what the penalty calculation needs).
6. Penalties (``penalties``: what closes posted per period, service and supplier — billed) are paid by the
   setting ``penalty_application`` (DOMAIN.md §3.6 says payments go to penalties only when the payer says so; ст. 319
   ГК РФ does not cover неустойка; issue 12 [P]):
   - ``"named_bill"`` (default): a payment that names a billed month (its QR's or registry line's period, before the
     payment's own month) and covers everything still owed for the months up to it, penalties billed up to it
     included — what that bill asked — pays all of it: the payer said so by paying the bill. Otherwise, and with
     the rest of such a payment: charges first, penalties last — the charge lines of the months up to the payment's
     own (rules 3–4), then the penalties billed up to the month before it, then the later months' charges
     (rule 5's advance). What is left of a payment after its own month (a residual) pays later charges, never the
     penalties billed in or after that month — they wait for later payments: so a payment's parts never depend on
     what was billed after it, which keeps a month continued from its carry exact.
   - ``"last"``: charges first, penalties last, for every payment (no bill rule).
   - ``"never"``: payments never pay penalties (every release before 2026-12-05).
   Within the penalties the money is split in proportion to what each service and supplier is still owed (largest
   remainder, ties by (supplier, service)). A payer's split by service pays that service's penalties only.
   Synthetic credits (``SYNTHETIC``: a month's negative net, a migrated advance) are not money paid and pay no
   penalty. A penalty paid is never a repayment of a charge: penalties are computed on charges only.
   Limitation periods (срок исковой давности) are not considered here.

Several charge lines with the same (period, service, supplier) are one line (their amounts are added; their due
days must agree). A negative charge is an error: a credit is money, pass it as a ``Payment``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from bcenter.core.errors import InvalidValue
from bcenter.core.money import allocate
from bcenter.core.period import Period
from bcenter.core.settings import CHOICES, DEFAULTS
from bcenter.engine.penalties import Repayment
from bcenter.engine.guards import check_date as _check_date, check_kop as _check_kop, check_period as _check_period

__all__ = [
    "PENALTY_POLICIES",
    "POLICIES",
    "SYNTHETIC",
    "PenaltyBilled",
    "Application",
    "Applied",
    "Charge",
    "DebtLine",
    "Payment",
    "PaymentResult",
    "apply_payments",
    "debts",
    "reachable_periods",
    "repaid_sums",
    "residual",
    "split_payment",
    "to_repayments",
]

POLICIES = CHOICES["payment_application"]
PENALTY_POLICIES = CHOICES["penalty_application"]

SYNTHETIC = ("credit-", "opening-")
"""Ids of the credits ``position.obligations`` makes of negative month nets and migrated advances (not money paid:
they reduce debts, pay no penalty, and are never counted as paid or as an advance)."""

LineKey = tuple[Period, str, str]  # (period, service, supplier)
Key = tuple[str, str]  # (service, supplier)




@dataclass(frozen=True, slots=True)
class Charge:
    """What a period's bill asks for one service of one supplier.

    Attributes:
        period: the billing month.
        service: the service key.
        supplier: the supplier (получатель платежа) key.
        amount: kopecks charged, ≥ 0.
        due: the last day to pay (``bcenter.engine.due.due_date``).
    """

    period: Period
    service: str
    supplier: str
    amount: int
    due: date

    def __post_init__(self) -> None:
        _check_period(self.period, "Charge.period")
        _check_kop(self.amount, "Charge.amount")
        _check_date(self.due, "Charge.due")
        if self.amount < 0:
            raise InvalidValue(
                "начисление не может быть отрицательным: переплату передайте как платёж",
                value=self.amount,
                path=f"{self.period} {self.service}",
            )

    @property
    def key(self) -> LineKey:
        return (self.period, self.service, self.supplier)


@dataclass(frozen=True, slots=True)
class PenaltyBilled:
    """Penalties a close posted into a month for one service of one supplier (a PENALTY entry's posting: the
    month's accrual; a correction of earlier months may be negative).

    Attributes:
        period: the month it was posted into (billed on that month's ЕПД).
        service: the service key.
        supplier: the supplier key.
        amount: kopecks.
    """

    period: Period
    service: str
    supplier: str
    amount: int

    def __post_init__(self) -> None:
        _check_period(self.period, "PenaltyBilled.period")
        _check_kop(self.amount, "PenaltyBilled.amount")


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received from the payer.

    Attributes:
        id: unique among the payments applied together.
        day: the day of actual payment.
        amount: kopecks, > 0.
        period: the billing month the payer named, or None.
        services: a payer-specified split ``{service: kopecks}`` (sum ≤ amount; the rest follows the general rule),
            or None. Kept as a read-only copy.
        supplier: the only supplier whose lines it may pay (a credit that belongs to the supplier it came from —
            ``position.obligations``), or None: any.
    """

    id: str
    day: date
    amount: int
    period: Period | None = None
    services: Mapping[str, int] | None = None
    supplier: str | None = None

    def __post_init__(self) -> None:
        _check_date(self.day, "Payment.day")
        _check_kop(self.amount, "Payment.amount")
        if self.amount <= 0:
            raise InvalidValue("сумма платежа должна быть положительной", value=self.amount, path=self.id)
        if self.period is not None:
            _check_period(self.period, "Payment.period")
        if self.services is not None:
            services = dict(self.services)
            for service, part in services.items():
                _check_kop(part, f"Payment.services[{service}]")
                if part < 0:
                    raise InvalidValue("сумма по услуге не может быть отрицательной", value=part, path=service)
            if sum(services.values()) > self.amount:
                raise InvalidValue("суммы по услугам больше суммы платежа", value=self.amount, path=self.id)
            object.__setattr__(self, "services", MappingProxyType(services))


@dataclass(frozen=True, slots=True)
class Applied:
    """A part of a payment applied to one charge line, or to the penalties of a service of a supplier.

    Attributes:
        payment_id: the payment.
        period: the line's billing month; for a penalty part, the month before the payment's (penalties billed up to
            then are what it can pay).
        service: the line's service.
        supplier: the line's supplier.
        amount: kopecks, > 0.
        day: the payment's day (the day of actual payment, for penalties).
        penalty: a part paid to penalties, not to a charge line (never a repayment of a charge).
    """

    payment_id: str
    period: Period
    service: str
    supplier: str
    amount: int
    day: date
    penalty: bool = False


@dataclass(frozen=True, slots=True)
class PaymentResult:
    """How one payment was applied; ``sum(a.amount for a in applied) + advance == amount``.

    Attributes:
        payment_id: the payment.
        day: its day.
        amount: its kopecks.
        applied: the parts applied to charge lines, in the order they were applied.
        advance: kopecks no charge could take (аванс).
        unapplied_services: what of each payer-specified service part no line of that service could take (part of
            ``advance``; the rest of ``advance`` is the general part's). Charges appearing later take these parts
            by their own service first, as they would have taken the whole part (``residual``).
    """

    payment_id: str
    day: date
    amount: int
    applied: tuple[Applied, ...]
    advance: int
    unapplied_services: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class DebtLine:
    """One charge line with what was paid for it (``bcenter debts --json``, EXCHANGE.md).

    Attributes:
        period: the billing month.
        service: the service key.
        supplier: the supplier key.
        charged: kopecks charged.
        paid: kopecks applied to it.
        debt: ``charged - paid`` (≥ 0).
        due: the last day to pay.
    """

    period: Period
    service: str
    supplier: str
    charged: int
    paid: int
    debt: int
    due: date


@dataclass(frozen=True, slots=True)
class Application:
    """The result of ``apply_payments``.

    Attributes:
        payments: one ``PaymentResult`` per payment applied, in the order applied (day, then id).
        lines: every charge line with what was paid and what is still owed, by (period, service, supplier).
    """

    payments: tuple[PaymentResult, ...]
    lines: tuple[DebtLine, ...]
    _by_id: Mapping[str, PaymentResult] = field(init=False, repr=False, compare=False)
    _by_key: Mapping[LineKey, DebtLine] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({p.payment_id: p for p in self.payments}))
        object.__setattr__(
            self, "_by_key", MappingProxyType({(d.period, d.service, d.supplier): d for d in self.lines})
        )

    def payment(self, payment_id: str) -> PaymentResult:
        """The result of one payment (``KeyError`` if it was not applied)."""
        return self._by_id[payment_id]

    def debt(self, period: Period, service: str, supplier: str) -> int:
        """Kopecks still owed on a line (0 for a line that was never charged)."""
        line = self._by_key.get((period, service, supplier))
        return 0 if line is None else line.debt

    @property
    def applied(self) -> tuple[Applied, ...]:
        """Every applied part of every payment, in order (charge lines and penalties)."""
        return tuple(a for p in self.payments for a in p.applied)

    @property
    def penalties_paid(self) -> dict[Key, int]:
        """Kopecks these payments paid to penalties per (service, supplier)."""
        out: dict[Key, int] = {}
        for p in self.payments:
            for a in p.applied:
                if a.penalty:
                    out[(a.service, a.supplier)] = out.get((a.service, a.supplier), 0) + a.amount
        return out

    @property
    def advance(self) -> int:
        """Kopecks of all advances together."""
        return sum(p.advance for p in self.payments)

    @property
    def total_debt(self) -> int:
        """Kopecks still owed on all lines together."""
        return sum(line.debt for line in self.lines)


def split_payment(amount: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``amount`` kopecks in proportion to ``weights`` (the ПД amounts of each recipient or service), parts
    summing exactly (п. 118 ПП 354; largest remainder, ties by key; DOMAIN.md G14).

    >>> split_payment(100000, {"uk": 234567, "tso": 321055, "vk": 98743})
    {'uk': 35846, 'tso': 49064, 'vk': 15090}
    """
    _check_kop(amount, "amount")
    keys = list(weights)
    parts = allocate(amount, [weights[k] for k in keys], tie_break=keys)
    return dict(zip(keys, parts))


def apply_payments(
    charges: Iterable[Charge],
    payments: Iterable[Payment],
    *,
    policy: str = DEFAULTS.payment_application,
    as_of: date | None = None,
    lines: bool = True,
    penalties: Iterable[PenaltyBilled] = (),
    penalties_paid: Mapping[Key, int] | None = None,
    penalty_policy: str = DEFAULTS.penalty_application,
) -> Application:
    """Apply ``payments`` to ``charges`` and the ``penalties`` billed by the rules of the module docstring
    (``lines`` False: without the ``Application.lines`` — a caller that follows the parts alone;
    ``penalties_paid``: what earlier payments, not passed in, paid to penalties per (service, supplier))."""
    if policy not in POLICIES:
        raise InvalidValue("порядок зачёта платежей: specified_then_fifo или fifo", value=policy)
    if penalty_policy not in PENALTY_POLICIES:
        raise InvalidValue(f"зачёт платежей в пени: {', '.join(PENALTY_POLICIES)}", value=penalty_policy)
    if as_of is not None:
        _check_date(as_of, "as_of")
    with_lines, lines = lines, _Lines(charges)
    pens = _Penalties(penalties, penalties_paid) if penalty_policy != "never" else None
    if pens is not None and not pens.billed:
        pens = None
    payments = list(payments)
    for p in payments:
        if not isinstance(p, Payment):
            raise TypeError(f"payments: ожидается Payment, получено {type(p).__name__}")
    chosen = [p for p in payments if as_of is None or p.day <= as_of]
    repeated = sorted(i for i, n in Counter(p.id for p in payments).items() if n > 1)
    if repeated:
        raise InvalidValue("повторяющийся идентификатор платежа", value=repeated[0])
    results = []
    for payment in sorted(chosen, key=lambda p: (p.day, p.id)):
        named = payment.period if policy == "specified_then_fifo" else None
        taken: dict[LineKey, int] = {}
        paid_penalties: dict[Key, int] = {}
        month = Period.of(payment.day)
        mine = pens if pens is not None and not payment.id.startswith(SYNTHETIC) else None

        only = payment.supplier

        def pour(amount: int, service: str | None) -> int:
            if mine is None:
                return lines.pour(amount, named=named, service=service, into=taken, supplier=only)
            amount = lines.pour(amount, named=named, service=service, into=taken, upto=month, supplier=only)
            amount = mine.pour(amount, upto=month - 1, service=service, into=paid_penalties, supplier=only)
            return lines.pour(amount, named=named, service=service, into=taken, supplier=only)

        advance = 0
        general = payment.amount
        bill = payment.period
        if (mine is not None and penalty_policy == "named_bill" and bill is not None and bill < month
                and not payment.services and only is None):
            owed_penalties = sum(mine.outstanding(bill, None).values())
            if owed_penalties and lines.owed_upto(bill) + owed_penalties <= general:  # the bill paid whole
                general = lines.pour(general, named=named, service=None, into=taken, upto=bill)
                general = mine.pour(general, upto=bill, service=None, into=paid_penalties)
        left_services = []
        for service, part in (payment.services or {}).items():
            left = pour(part, service)
            if left:
                left_services.append((service, left))
            advance += left
            general -= part
        advance += pour(general, None)
        applied = tuple(
            Applied(payment.id, period, service, supplier, amount, payment.day)
            for (period, service, supplier), amount in taken.items()
        ) + tuple(
            Applied(payment.id, month - 1, service, supplier, amount, payment.day, penalty=True)
            for (service, supplier), amount in paid_penalties.items()
        )
        results.append(PaymentResult(payment.id, payment.day, payment.amount, applied, advance,
                                     tuple(left_services)))
    return Application(tuple(results), lines.balances() if with_lines else ())


def reachable_periods(lines: Iterable[tuple[Period, date, int]], payments: Iterable[Payment], *, policy: str,
                      ) -> set[Period] | None:
    """The periods whose lines ``apply_payments`` can reach with these payments — applied to the lines of these
    periods alone they go exactly where they go among all (a debtor's payment meets a hundred open lines, and
    reaches the oldest few); None when that is not worked out (a payer's split by service: every line).

    ``lines``: (period, due, owed) of the open lines. A pour goes to a named period first, then to periods by the
    earliest due of their open lines, each taken whole (parts by owed). So take periods by that order until they owe
    all the payments together (``core``), then every period whose earliest due is not later than the latest due of a
    line of the core (as the core's lines are repaid its earliest dues move up to that, never past), and the named
    periods: the other periods come after every period of the core at any moment, and the core never runs out
    before the payments do."""
    payments = list(payments)
    if any(p.services or p.supplier for p in payments):
        return None
    total = sum(p.amount for p in payments)
    first: dict[Period, date] = {}
    last: dict[Period, date] = {}
    owed: dict[Period, int] = {}
    for period, due, amount in lines:
        if amount <= 0:
            continue
        if period in owed:
            owed[period] += amount
            first[period] = min(first[period], due)
            last[period] = max(last[period], due)
        else:
            owed[period], first[period], last[period] = amount, due, due
    chosen: set[Period] = set()
    latest = None
    for period in sorted(owed, key=lambda q: (first[q], q)):
        if total <= 0 and latest is not None and first[period] > latest:
            break
        chosen.add(period)
        total -= owed[period]
        latest = last[period] if latest is None else max(latest, last[period])
    if policy == "specified_then_fifo":
        chosen |= {p.period for p in payments if p.period is not None}
    return chosen


def residual(payment: Payment, result: PaymentResult) -> Payment | None:
    """What of a payment is still to be applied, as a payment of its own (same id, day and named period; the
    unapplied service parts as its split), or None when it was applied in full.

    Applying the residuals (with the lines still owing) before the payments that follow gives the same parts as
    applying every payment from the first one, as long as no earlier fact changes and no payment names a period
    whose lines did not exist yet (``bcenter.engine.carry``): a payment pours its service parts, then its general
    part, each into the lines that exist, and a later charge can only take what every earlier pour left."""
    if result.advance <= 0:
        return None
    services = dict(result.unapplied_services) or None
    return Payment(id=payment.id, day=payment.day, amount=result.advance, period=payment.period, services=services,
                   supplier=payment.supplier)


def debts(application: Application, *, as_of: date) -> list[DebtLine]:
    """What is still owed per (period, service, supplier) counting the payments made up to and including
    ``as_of`` (``bcenter debts --as-of D --json``): lines with a debt, by period, service, supplier.

    Payments are applied in day order and a later payment never changes where an earlier one went, so the
    application of all payments, cut at ``as_of``, is the application of the payments made by ``as_of``.
    """
    _check_date(as_of, "as_of")
    paid: dict[LineKey, int] = {}
    for applied in application.applied:
        if applied.day <= as_of and not applied.penalty:
            key = (applied.period, applied.service, applied.supplier)
            paid[key] = paid.get(key, 0) + applied.amount
    result = []
    for line in application.lines:
        line_paid = paid.get((line.period, line.service, line.supplier), 0)
        if line.charged - line_paid > 0:
            result.append(DebtLine(line.period, line.service, line.supplier, line.charged, line_paid,
                                   line.charged - line_paid, line.due))
    result.sort(key=lambda d: (d.period, d.service, d.supplier))
    return result


def to_repayments(application: Application, *, as_of: date | None = None) -> list[Repayment]:
    """The applied parts as ``Repayment`` rows summed per (day, period, service) — all suppliers of the service
    together. A penalty is computed per charge line (period, service, supplier) on that line's own repayments
    (``repaid_sums``): two suppliers of one service in one month (a service that changed supplier) are two debts."""
    sums: dict[tuple[date, Period, str], int] = {}
    for day, period, service, _supplier, amount in repaid_sums(application, as_of=as_of):
        sums[(day, period, service)] = sums.get((day, period, service), 0) + amount
    return [Repayment(day, amount, period, service) for (day, period, service), amount in sorted(sums.items())]


def repaid_sums(application: Application, *, as_of: date | None = None
                ) -> list[tuple[date, Period, str, str, int]]:
    """The applied parts as plain (day, period, service, supplier, kopecks) rows — a charge line's repayments by
    day (a close walks them for every account that paid)."""
    sums: dict[tuple[date, Period, str, str], int] = {}
    for applied in application.applied:
        if (as_of is None or applied.day <= as_of) and not applied.penalty:
            key = (applied.day, applied.period, applied.service, applied.supplier)
            sums[key] = sums.get(key, 0) + applied.amount
    return [(*key, amount) for key, amount in sorted(sums.items())]


class _Lines:
    """The charge lines and what each still owes, while payments are being applied (private, mutable)."""

    def __init__(self, charges: Iterable[Charge]) -> None:
        self.charged: dict[LineKey, int] = {}
        self.due: dict[LineKey, date] = {}
        for charge in charges:
            if not isinstance(charge, Charge):
                raise TypeError(f"charges: ожидается Charge, получено {type(charge).__name__}")
            key = charge.key
            if key in self.due and self.due[key] != charge.due:
                raise InvalidValue(
                    "у одной строки начислений разные сроки оплаты",
                    value=f"{charge.due.isoformat()} и {self.due[key].isoformat()}",
                    path=f"{charge.period} {charge.service} {charge.supplier}",
                )
            self.due[key] = charge.due
            self.charged[key] = self.charged.get(key, 0) + charge.amount
        self.owed = dict(self.charged)
        self.open = {key: None for key, owed in self.owed.items() if owed > 0}
        """The lines still owing, in the order of ``owed`` (a payment walks these, not years of repaid lines)."""

    def owed_upto(self, period: Period) -> int:
        """Kopecks still owed on the lines of the months up to ``period``."""
        return sum(self.owed[key] for key in self.open if key[0] <= period)

    def pour(self, amount: int, *, named: Period | None, service: str | None, into: dict[LineKey, int],
             upto: Period | None = None, supplier: str | None = None) -> int:
        """Apply ``amount`` to the lines (of ``service`` only, if given; of the months up to ``upto`` and the named
        one, if given): the named period first, then periods by their earliest due; proportionally within a
        period. Returns what is left (the advance)."""
        if amount <= 0:
            return amount
        by_period: dict[Period, list[LineKey]] = {}
        for key in self.open:
            if ((service is None or key[1] == service) and (upto is None or key[0] <= upto or key[0] == named)
                    and (supplier is None or key[2] == supplier)):
                by_period.setdefault(key[0], []).append(key)
        order = sorted(by_period, key=lambda p: (p != named, min(self.due[k] for k in by_period[p]), p))
        for period in order:
            keys = sorted(by_period[period], key=lambda k: (k[2], k[1]))  # (supplier, service)
            owed = [self.owed[k] for k in keys]
            whole = sum(owed)
            take = min(amount, whole)
            # the period paid off: each line its owed (what the proportional split gives then, without its work)
            parts = owed if take == whole else allocate(take, owed, tie_break=[(k[2], k[1]) for k in keys])
            for key, part in zip(keys, parts):
                if part:
                    self.owed[key] -= part
                    into[key] = into.get(key, 0) + part
                    if self.owed[key] <= 0:
                        del self.open[key]
            amount -= take
            if amount == 0:
                break
        return amount

    def balances(self) -> tuple[DebtLine, ...]:
        return tuple(
            DebtLine(key[0], key[1], key[2], self.charged[key], self.charged[key] - self.owed[key], self.owed[key],
                     self.due[key])
            for key in sorted(self.charged, key=lambda k: (k[0], k[1], k[2]))
        )


class _Penalties:
    """The penalties billed and what payments have paid of them, while payments are being applied (private)."""

    def __init__(self, billed: Iterable[PenaltyBilled], paid: Mapping[Key, int] | None) -> None:
        self.billed: dict[Key, list[tuple[Period, int]]] = {}
        for row in billed:
            if not isinstance(row, PenaltyBilled):
                raise TypeError(f"penalties: ожидается PenaltyBilled, получено {type(row).__name__}")
            if row.amount:
                self.billed.setdefault((row.service, row.supplier), []).append((row.period, row.amount))
        self.paid: dict[Key, int] = dict(paid or {})

    def outstanding(self, upto: Period, service: str | None, supplier: str | None = None) -> dict[Key, int]:
        """Kopecks still owed per (service, supplier) of the penalties billed up to ``upto`` (of ``service`` and
        ``supplier`` only, if given)."""
        out = {}
        for key, rows in self.billed.items():
            if (service is None or key[0] == service) and (supplier is None or key[1] == supplier):
                owed = sum(amount for period, amount in rows if period <= upto) - self.paid.get(key, 0)
                if owed > 0:
                    out[key] = owed
        return out

    def pour(self, amount: int, *, upto: Period, service: str | None, into: dict[Key, int],
             supplier: str | None = None) -> int:
        """Pay ``amount`` to the penalties billed up to ``upto`` in proportion to what each still owes (largest
        remainder, ties by (supplier, service)); returns what is left."""
        if amount <= 0:
            return amount
        owed = self.outstanding(upto, service, supplier)
        if not owed:
            return amount
        keys = sorted(owed, key=lambda k: (k[1], k[0]))
        weights = [owed[k] for k in keys]
        whole = sum(weights)
        take = min(amount, whole)
        parts = weights if take == whole else allocate(take, weights, tie_break=[(k[1], k[0]) for k in keys])
        for key, part in zip(keys, parts):
            if part:
                self.paid[key] = self.paid.get(key, 0) + part
                into[key] = into.get(key, 0) + part
        return amount - take
