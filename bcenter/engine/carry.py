"""Перенос состояния расчётов: what an account's money position carries from one closed month into the next, so
that closing a month does not apply every payment and recompute every penalty since the first month (issue 11).

Rules (ст. 319.1 ГК РФ, п. 118 ПП 354 for payments; ч. 14, 14.1 ст. 155 ЖК РФ for penalties; the engine's own
``bcenter.engine.payments`` and ``bcenter.engine.position``):

* A month's position is the application of every payment dated up to its last day to every line owed for the
  months up to it (``apply_payments``), and the penalty of every obligation as of that day. The ``Carry`` of month
  S keeps what the next month can still change:
  - **open obligations**: the lines of each (period, service) with anything still owed — charged, owed, due — and
    the repayments that obligation has had (its penalty table needs them all);
  - **residuals**: each payment's unapplied part, its service parts apart (``payments.residual``);
  - the counters the snapshots counted: real money applied (to charges and to penalties) and penalty due per
    (service, supplier), and what of the penalties payments have paid — the penalty due as of S's last day is what
    the closes up to S posted (billed), so the next month's payments pay it off from there
    (``payments`` rule 6);
  - **settled penalties**: an obligation repaid in full bears the same penalty whatever day it is computed on
    (every repaid portion carries the rate of its repayment day, nothing is owed after the last one), so it is
    computed once, the month it is settled, and only its amount is kept;
  - **tails**: an open line's penalty with the last run of its unpaid part — the next month recomputes that run
    only, when nothing of the obligation was repaid and the unpaid part's rate is the same
    (``penalties.penalty_continued``).
* Month P = S + 1 continues from it (``advance``): the open lines and the month's new lines, the residuals and then
  the month's payments (they are all later by day, and a later payment never changes where an earlier one went), the
  penalties of the open obligations as of P's last day. The result is the same as applying everything from the first
  month — as long as nothing dated up to S changed since S was closed. The caller checks that (``Carry.facts``: the
  payments and opening balances up to S, counted and summed; ``basis``: the law tables and settings that dates,
  rates and rules come from) and else starts from nothing (``advance(None, …)``, every line and payment).
* One more case starts from nothing: a payment dated up to S that names a later month (``Carry.ahead``) — once that
  month's lines exist the payment goes to them first (the named period first, ст. 319.1 п. 1), which no
  continuation could reproduce.
"""
from __future__ import annotations

import json
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.penalties import (Obligation, Repayment, Tail, cut_between, make_tail, penalty_continued,
                                      penalty_with_tail, run_amount, run_share)
from bcenter.engine.position import SYNTHETIC, penalty_kind, penalty_obligation
from bcenter.engine.rates import RateTable

__all__ = ["Carry", "LineRun", "TailRun", "advance", "decode", "encode"]

Key = tuple[str, str]  # (service, supplier)
LineKey = tuple[Period, str, str]  # (period, service, supplier)
FORMAT = 8


class LineRun(NamedTuple):
    """Open lines of one period and due day, one after another in the carry's order of lines: ``flat`` holds
    service, supplier, charged, owed of each (a debtor's hundred lines without an object each)."""

    period: Period
    due: date
    flat: list


class TailRun(NamedTuple):
    """Tails (``penalties.Tail``) that share their first day, rate, day and fraction: ``flat`` holds, of each, the
    place of its line in the carry's order of lines, the line's penalty total, the tail's debt, unpaid part and
    kopecks. A debt's unpaid runs go on alike, so a month continues a whole run of them at once."""

    start: date
    rate: Decimal
    as_of: date
    fraction: str
    flat: list


@dataclass(frozen=True)
class Carry:
    """An account's position as of ``period``'s last day, reduced to what later months can change (module doc).

    Attributes:
        period: the month it is the position of.
        runs: the lines (period, service, supplier) not repaid in full — charged, owed, due — in runs of
            one period and due day (``lines`` gives them by key).
        tail_runs: each open line's penalty as of ``period``'s last day with the last run of its unpaid part
            (``tails`` gives them by key): next month continues its table from there when nothing was repaid and
            the rate stayed (``penalties.run_continued``, ``penalty_continued``).
        repaid: the repayments of those lines per (period, service, supplier): (days as ordinals, kopecks), by
            day — as stored (a line nothing repaid this month passes them on untouched). A line is an obligation
            of its own: two suppliers of one service in one month owe apart (format 8; before, their repayments
            were summed per service and each line looked repaid by the other's money).
        residuals: the payments' unapplied parts, as payments (``payments.residual``), in the order applied.
        paid: real money applied per (service, supplier) since the first payment, to charges and to penalties
            (what the snapshots counted).
        penalties: penalty due per (service, supplier) as of ``period``'s last day (what the snapshots counted:
            the penalties billed up to ``period``).
        penalties_paid: the part of ``paid`` that paid penalties, per (service, supplier).
        settled: the part of ``penalties`` of obligations repaid in full (fixed for good).
        facts: (count, kopecks) of the payments and of the opening balances up to ``period`` — the caller's check
            that nothing dated up to it arrived since.
        ahead: a payment dated up to ``period`` names a later month, or an opening balance is of a later month
            (then the next month starts from nothing).
        basis: the caller's fingerprint of the law tables and settings the carry was computed with.
    """

    period: Period
    runs: tuple[LineRun, ...] = ()
    tail_runs: tuple[TailRun, ...] = ()
    repaid: Mapping[LineKey, tuple[list[int], list[int]]] = field(default_factory=dict)
    residuals: tuple[pay.Payment, ...] = ()
    paid: Mapping[Key, int] = field(default_factory=dict)
    penalties: Mapping[Key, int] = field(default_factory=dict)
    penalties_paid: Mapping[Key, int] = field(default_factory=dict)
    settled: Mapping[Key, int] = field(default_factory=dict)
    facts: tuple[int, int, int, int] = (0, 0, 0, 0)
    ahead: bool = False
    basis: str = ""

    @property
    def advance(self) -> int:
        """Real money taken by no charge (аванс): the residuals of payments, not of synthetic credits."""
        return sum(p.amount for p in self.residuals if not p.id.startswith(SYNTHETIC))

    @property
    def lines(self) -> dict[LineKey, tuple[int, int, date]]:
        """(charged, owed, due) of every open line, in the carry's order."""
        out = {}
        for period, due, flat in self.runs:
            run = iter(flat)
            for service, supplier, charged, owed in zip(run, run, run, run):
                out[(period, service, supplier)] = (charged, owed, due)
        return out

    @property
    def tails(self) -> dict[LineKey, tuple[int, Tail]]:
        """(the line's penalty total, its ``Tail``) of the open lines that have one."""
        keys = list(self.lines)
        out = {}
        for start, rate, as_of, fraction, flat in self.tail_runs:
            run = iter(flat)
            for place, total, debt, unpaid, amount in zip(run, run, run, run, run):
                out[keys[place]] = (total, make_tail((start, debt, unpaid, rate, amount, as_of, fraction)))
        return out


def advance(carry: Carry | None, charges: Iterable[pay.Charge], payments: Iterable[pay.Payment], *, period: Period,
            policy: str, rules: Mapping[str, str], rates: RateTable, rounding: str,
            penalties: Iterable[pay.PenaltyBilled] = (), penalty_policy: str = "named_bill",
            facts: tuple[int, int, int, int] = (0, 0, 0, 0), ahead: bool = False, basis: str = "") -> Carry:
    """The position as of ``period``'s last day from the carry of the month before (or from nothing: ``carry`` None
    and every charge and payment of the account). ``charges``: the lines of the months after the carry's (positive
    nets; ``position.obligations``); ``payments``: the payments and credits dated after it, up to ``period``'s last
    day; ``penalties``: from nothing, the penalties billed (posted) before ``period`` (a carry holds its own).
    ``facts``, ``ahead`` and ``basis`` are stored with the new carry (module doc).

    A payment of the month that names a bill older than the carry's month needs the penalties billed by month
    (``payments`` rule 6), which a carry does not keep: the caller starts such an account from nothing.

    The lines are kept column by column (period, due, service, supplier, charged, owed by the line's place); a
    tail run whose lines nothing repaid this month and whose fraction and rate go on is continued line by line with
    one share of the run (``penalties.run_share``) — the usual month of a debt, and most of a debtor's lines."""
    as_of = period.last_day
    lines = _Columns()
    repaid: dict[LineKey, tuple | list] = {}  # (days, kopecks) as carried; (day, kopecks) rows if touched
    residuals: list[pay.Payment] = []
    paid: dict[Key, int] = defaultdict(int)
    penalties_paid: dict[Key, int] = defaultdict(int)
    settled: dict[Key, int] = defaultdict(int)
    tail_runs: tuple[TailRun, ...] = ()
    billed = list(penalties)
    if carry is not None:
        for run in carry.runs:
            lines.extend(run)
        repaid.update(carry.repaid)
        residuals.extend(carry.residuals)
        paid.update(carry.paid)
        penalties_paid.update(carry.penalties_paid)
        settled.update(carry.settled)
        tail_runs = carry.tail_runs
        billed += [pay.PenaltyBilled(carry.period, s, u, amount) for (s, u), amount in carry.penalties.items()]
    periods, dues, services, suppliers, charged, owed = (lines.periods, lines.dues, lines.services, lines.suppliers,
                                                         lines.charged, lines.owed)
    carried = len(services)
    carried_owed = owed[:carried]  # (as the carry left them: a payment is applied to these and the charges)
    charges = list(charges)
    for charge in charges:
        if carry is not None and charge.period <= carry.period:  # cannot happen for a later month's line; kept
            found = lines.index().get(charge.key)  # exact if it does
            if found is not None:
                charged[found] += charge.amount
                owed[found] += charge.amount
                continue
        lines.append(charge)
    payments = [*residuals, *payments]
    left: tuple[pay.Payment, ...] = ()
    touched: set[LineKey] = set()
    if payments:  # (an account that pays nothing has nothing to apply)
        reach = pay.reachable_periods(  # (an account with nothing open has only the month's few lines)
            [*zip(periods, dues, carried_owed), *((c.period, c.due, c.amount) for c in charges)],
            [p for p in payments if p.day <= as_of], policy=policy) if carried else None
        carried_open = [pay.Charge(period=periods[i], service=services[i], supplier=suppliers[i], amount=amount,
                                   due=dues[i]) for i, amount in enumerate(carried_owed)
                        if amount > 0 and (reach is None or periods[i] in reach)]
        reached = charges if reach is None else [c for c in charges if c.period in reach]
        application = pay.apply_payments(carried_open + reached, payments, policy=policy, as_of=as_of, lines=False,
                                         penalties=billed, penalties_paid=penalties_paid,
                                         penalty_policy=penalty_policy)
        if application.applied:
            index = lines.index()
            for part in application.applied:
                if part.penalty:
                    penalties_paid[(part.service, part.supplier)] += part.amount
                else:
                    owed[index[(part.period, part.service, part.supplier)]] -= part.amount
                if not part.payment_id.startswith(SYNTHETIC):
                    paid[(part.service, part.supplier)] += part.amount
        for day, ob_period, service, supplier, amount in pay.repaid_sums(application):
            key = (ob_period, service, supplier)
            if key in touched:
                rows = repaid[key]
            else:
                days, amounts = repaid.get(key, _NO_REPAYMENTS)
                repaid[key] = rows = list(zip(days, amounts))
                touched.add(key)
            rows.append((day.toordinal(), amount))
        by_id = {p.id: p for p in payments}
        left = tuple(filter(None, (pay.residual(by_id[result.payment_id], result)
                                   for result in application.payments)))

    # the carry's tails by their line's place; the runs that go on this month, with their share of a kopeck of debt
    tail_run: list[int | None] = [None] * len(services)  # a line's tail: its run's number …
    tail_at = [0] * len(services)  # … and its place in the run's flat list
    shares: list[tuple[int, int] | None] = []
    rate_now = rates.effective_rate(as_of) if tail_runs else None
    for r, (start, rate, tail_as_of, fraction, flat) in enumerate(tail_runs):
        for k in range(0, len(flat), 5):
            tail_run[flat[k]], tail_at[flat[k]] = r, k
        shares.append(run_share(start, rate, fraction, as_of) if rate == rate_now and as_of > tail_as_of else None)

    # penalties: every obligation not settled before, as of the month's last day; the settled ones leave the carry
    obligations: dict[LineKey, list[int]] = {}  # a line each (its supplier's debt), kept as a list of one
    for i, key in enumerate(zip(periods, services, suppliers)):
        found = obligations.get(key)
        if found is None:
            obligations[key] = [i]
        else:
            found.append(i)
    kinds = {service: penalty_kind(rule) for service, rule in rules.items()}
    due_now: dict[Key, int] = defaultdict(int, settled)
    kept: list[tuple[int, int, object]] = []  # (the line's place, its penalty, its tail: a Tail or (run, k, kopecks))
    kept_repaid: dict[LineKey, tuple[list[int], list[int]]] = {}
    for (ob_period, service, supplier), members in obligations.items():
        rows = repaid.get((ob_period, service, supplier))
        mine = None  # the obligation's repayments, built when a table is computed whole
        still = (ob_period, service, supplier) not in touched
        kind = kinds[service]
        open_ = False  # anything of the obligation still owed
        found_all = []
        for i in members:
            if owed[i] > 0:
                open_ = True
            due = dues[i]
            found = None
            r = tail_run[i] if still else None
            if r is not None:
                k = tail_at[i]
                start, rate, tail_as_of, fraction, flat = tail_runs[r]
                total, debt, unpaid, amount = flat[k + 1], flat[k + 2], flat[k + 3], flat[k + 4]
                share = shares[r]
                if share is not None and debt == unpaid and not cut_between(due, kind, None, tail_as_of, as_of,
                                                                            rates=rates):
                    now = run_amount(debt, share)  # the usual month of a debt: the run goes on
                    found = (total - amount + now, (r, k, now))
                else:
                    obligation = _obligation(charged[i], due, ob_period, service, rules[service])
                    found = penalty_continued(obligation, total,
                                              make_tail((start, debt, unpaid, rate, amount, tail_as_of, fraction)),
                                              rates=rates, as_of=as_of)
            if found is None and due >= as_of:  # not overdue yet: no penalty (``position.penalty_obligation``)
                found = _NONE
            if found is None:
                if mine is None:
                    pairs = (sorted(rows) if not still else zip(*rows)) if rows else ()
                    mine = [Repayment(_day(day), paid_, ob_period, service) for day, paid_ in pairs]
                found = _penalty(charged[i], due, ob_period, service, mine, rule=rules[service], rates=rates,
                                 as_of=as_of, rounding=rounding)
            found_all.append((i, found[0], found[1]))
        if not open_:  # repaid in full: its penalty is final
            for i, amount, _tail_found in found_all:
                if amount:
                    settled[(services[i], suppliers[i])] += amount
                    due_now[(services[i], suppliers[i])] += amount
            continue
        for i, amount, tail in found_all:
            if amount:
                due_now[(services[i], suppliers[i])] += amount
        kept += found_all
        if rows and still:
            kept_repaid[(ob_period, service, supplier)] = rows
        elif rows:
            ordered = sorted(rows)
            kept_repaid[(ob_period, service, supplier)] = ([day for day, _ in ordered],
                                                           [paid_ for _, paid_ in ordered])

    runs, kept_tails = _kept_runs(kept, lines, tail_runs, as_of)
    return Carry(period=period, runs=runs, tail_runs=kept_tails, repaid=kept_repaid, residuals=left,
                 paid=_nonzero(paid), penalties=_nonzero(due_now), penalties_paid=_nonzero(penalties_paid),
                 settled=_nonzero(settled), facts=facts, ahead=ahead,
                 basis=basis)


class _Columns:
    """An account's lines while a month is continued, column by column (a line is its place in them)."""

    __slots__ = ("periods", "dues", "services", "suppliers", "charged", "owed")

    def __init__(self) -> None:
        self.periods: list[Period] = []
        self.dues: list[date] = []
        self.services: list[str] = []
        self.suppliers: list[str] = []
        self.charged: list[int] = []
        self.owed: list[int] = []

    def extend(self, run: LineRun) -> None:
        """A carried run of lines, appended column by column."""
        flat = run.flat
        n = len(flat) // 4
        self.periods += [run.period] * n
        self.dues += [run.due] * n
        self.services += flat[0::4]
        self.suppliers += flat[1::4]
        self.charged += flat[2::4]
        self.owed += flat[3::4]

    def append(self, charge: pay.Charge) -> None:
        self.periods.append(charge.period)
        self.dues.append(charge.due)
        self.services.append(charge.service)
        self.suppliers.append(charge.supplier)
        self.charged.append(charge.amount)
        self.owed.append(charge.amount)

    def index(self) -> dict[LineKey, int]:
        """A line's place by its key."""
        return {key: i for i, key in enumerate(zip(self.periods, self.services, self.suppliers))}


def _kept_runs(kept: list[tuple[int, int, object]], lines: _Columns, tail_runs: tuple[TailRun, ...], as_of: date,
               ) -> tuple[tuple[LineRun, ...], tuple[TailRun, ...]]:
    """The kept lines in runs of one period and due day, their tails in runs of one start, rate, day and fraction
    (in the order of their first line: the stored form of every release since format 6). ``kept``: (the line's
    place in ``lines``, its penalty, its tail — a ``Tail``, or (run, place in the run, kopecks) of a carried tail run
    that went on to ``as_of``)."""
    periods, dues, services, suppliers, charged, owed = (lines.periods, lines.dues, lines.services, lines.suppliers,
                                                         lines.charged, lines.owed)
    runs: list[LineRun] = []
    new_tails: dict[tuple, list] = {}
    last = None
    flat: list = []
    for place, (i, total, tail) in enumerate(kept):
        if (periods[i], dues[i]) != last:
            last = (periods[i], dues[i])
            flat = []
            runs.append(LineRun(periods[i], dues[i], flat))
        flat += (services[i], suppliers[i], charged[i], owed[i])
        if tail is None:
            continue
        if type(tail) is Tail:
            shared = (tail.start, tail.rate, tail.as_of, tail.fraction)
            values = (place, total, tail.debt, tail.unpaid, tail.amount)
        else:
            r, k, now = tail
            run = tail_runs[r]
            shared = (run.start, run.rate, as_of, run.fraction)
            values = (place, total, run.flat[k + 2], run.flat[k + 3], now)
        tail_flat = new_tails.get(shared)
        if tail_flat is None:
            tail_flat = new_tails[shared] = []
        tail_flat += values
    return tuple(runs), tuple(TailRun(*shared, values) for shared, values in new_tails.items())


_NONE = (0, None)
_NO_REPAYMENTS = ((), ())
_day = date.fromordinal


def _obligation(charged: int, due: date, period: Period, service: str, rule: str) -> Obligation:
    return Obligation(period=period, service=service, amount=charged, due=due, kind=penalty_kind(rule))


def _penalty(charged: int, due: date, period: Period, service: str, repayments: list[Repayment], *, rule: str,
             rates: RateTable, as_of: date, rounding: str) -> tuple[int, Tail | None]:
    """One line's penalty as of a day — the obligations ``position.penalty_rows`` computes — with the tail a later
    day continues from."""
    obligation = penalty_obligation(period, service, charged, due, rule, repayments, as_of=as_of)
    if obligation is None:
        return 0, None
    return penalty_with_tail(obligation, repayments, rates=rates, as_of=as_of, rounding=rounding)


def _nonzero(values: Mapping[Key, int]) -> dict[Key, int]:
    return {k: v for k, v in sorted(values.items()) if v}


# --- storage: compact JSON, deflated ---------------------------------------------------------------------------
def encode(carry: Carry) -> bytes:
    """The carry as stored (``account_carry.state``): deflated JSON — keys (services, suppliers) listed once and
    referred to by their place, periods as «YYYY-MM», days as ordinals. Open lines go in runs of one period and due
    day (a debtor's month of services: the period and the day written once), their tails in runs of one start,
    rate, day and fraction, each tail naming its line by place (the carry's own runs, as they are); repayments as
    an array of days and one of kopecks. A close reads and writes the carry of every account, and a debtor's holds
    a hundred lines and more."""
    names: dict[str, int] = {}

    def ref(name: str) -> int:  # a service's or supplier's place in ``n``
        return place_of(name, len(names))

    place_of = names.setdefault
    text = _period_text
    groups = []
    for period, due, flat in carry.runs:
        out: list = []
        run = iter(flat)
        for service, supplier, charged, owed in zip(run, run, run, run):
            out += (place_of(service, len(names)), place_of(supplier, len(names)), charged, owed)
        groups.append([text(period), due.toordinal(), out])
    data = {
        "v": FORMAT, "p": str(carry.period), "f": list(carry.facts), "a": int(carry.ahead), "b": carry.basis,
        "l": groups,
        "t": [[start.toordinal(), _rate_text(rate), as_of.toordinal(), fraction, flat]
              for start, rate, as_of, fraction, flat in carry.tail_runs],
        "r": [[text(p), ref(s), ref(u), days, amounts] for (p, s, u), (days, amounts) in carry.repaid.items()],
        "x": [[r.id, r.day.toordinal(), str(r.period) if r.period else None, r.amount,
               [[ref(k), v] for k, v in r.services.items()] if r.services else None]
              + ([ref(r.supplier)] if r.supplier else []) for r in carry.residuals],
        "c": [[ref(s), ref(u), carry.paid.get((s, u), 0), carry.penalties.get((s, u), 0),
               carry.settled.get((s, u), 0), carry.penalties_paid.get((s, u), 0)]
              for s, u in sorted({*carry.paid, *carry.penalties, *carry.settled, *carry.penalties_paid})],
    }
    data["n"] = list(names)
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 1)


# the few periods and rates a carry holds, converted once (every account's carry names the same ones)
_period_text = lru_cache(maxsize=1024)(str)
_period_of = lru_cache(maxsize=1024)(Period.parse)
_rate_text = lru_cache(maxsize=256)(str)
_rate = lru_cache(maxsize=256)(Decimal)


def decode(blob: bytes) -> Carry | None:
    """A stored carry, or None when it is of another format (then the month starts from nothing)."""
    data = json.loads(zlib.decompress(bytes(blob)))
    version = data.get("v")
    if version not in (FORMAT, 7, 6, 5):  # before 7 payments paid no penalty: nothing of them paid
        return None
    names = data["n"]
    day = date.fromordinal
    period_of = _period_of
    if version == 5:  # a line a row (the release of 2026-12-04): read, so that an upgrade's first close continues
        runs, tail_runs = _runs_of_rows(data["l"], names)
    else:
        runs = []
        for p, due, flat in data["l"]:
            flat[0::4] = [names[k] for k in flat[0::4]]
            flat[1::4] = [names[k] for k in flat[1::4]]
            runs.append(LineRun(period_of(p), day(due), flat))
        tail_runs = [TailRun(day(start), _rate(rate), day(as_of), fraction, flat)
                     for start, rate, as_of, fraction, flat in data["t"]]
    counters = data["c"]
    if version == FORMAT:
        repaid = {(period_of(row[0]), names[row[1]], names[row[2]]): (row[3], row[4]) for row in data["r"]}
    else:  # before 8 a (period, service)'s repayments: its line's, when the service had one supplier that month
        suppliers: dict[tuple[Period, str], set[str]] = defaultdict(set)
        for period, _due, flat in runs:
            for service, supplier in zip(flat[0::4], flat[1::4]):
                suppliers[(period, service)].add(supplier)
        repaid = {}
        for row in data["r"]:
            key = (period_of(row[0]), names[row[1]])
            if len(suppliers.get(key, ())) != 1:
                return None  # two suppliers' repayments summed: the month starts from nothing
            repaid[(*key, next(iter(suppliers[key])))] = (row[2], row[3]) if len(row) == 4 \
                else (row[2][::2], row[2][1::2])  # format 5: (day, kopecks) flat
    return Carry(
        period=period_of(data["p"]),
        runs=tuple(runs),
        tail_runs=tuple(tail_runs),
        repaid=repaid,
        residuals=tuple(pay.Payment(id=x[0], day=day(x[1]), amount=x[3], period=period_of(x[2]) if x[2] else None,
                                    services={names[k]: v for k, v in x[4]} if x[4] else None,
                                    supplier=names[x[5]] if len(x) > 5 else None)  # (a credit's supplier: 7)
                        for x in data["x"]),
        paid={(names[row[0]], names[row[1]]): row[2] for row in counters if row[2]},
        penalties={(names[row[0]], names[row[1]]): row[3] for row in counters if row[3]},
        settled={(names[row[0]], names[row[1]]): row[4] for row in counters if row[4]},
        penalties_paid={(names[row[0]], names[row[1]]): row[5] for row in counters if len(row) > 5 and row[5]},
        facts=tuple(data["f"]),
        ahead=bool(data["a"]),
        basis=data["b"],
    )


def _runs_of_rows(rows: list, names: list[str]) -> tuple[list[LineRun], list[TailRun]]:
    """Format 5's lines (a row each, its tail in the same row) in runs, as format 6 keeps them."""
    day = date.fromordinal
    runs: list[LineRun] = []
    tails: dict[tuple, list] = {}
    last = None
    flat: list = []
    for place, row in enumerate(rows):
        period, due = _period_of(row[0]), day(row[5])
        if (period, due) != last:
            last = (period, due)
            flat = []
            runs.append(LineRun(period, due, flat))
        flat += (names[row[1]], names[row[2]], row[3], row[4])
        if len(row) > 6:
            total, start, debt, unpaid, rate, amount, as_of, fraction = row[6:]
            tails.setdefault((day(start), _rate(rate), day(as_of), fraction), []).extend(
                (place, total, debt, unpaid, amount))
    return runs, [TailRun(*shared, flat) for shared, flat in tails.items()]
