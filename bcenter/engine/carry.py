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
  - the counters the snapshots counted: real money applied and penalty due per (service, supplier);
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
from functools import lru_cache, partial
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.penalties import (Obligation, Repayment, Tail, penalty_continued, penalty_with_tail,
                                      run_continued)
from bcenter.engine.position import SYNTHETIC, penalty_kind, penalty_obligation
from bcenter.engine.rates import RateTable

__all__ = ["Carry", "advance", "decode", "encode"]

Key = tuple[str, str]  # (service, supplier)
LineKey = tuple[Period, str, str]  # (period, service, supplier)
FORMAT = 6


@dataclass(frozen=True)
class Carry:
    """An account's position as of ``period``'s last day, reduced to what later months can change (module doc).

    Attributes:
        period: the month it is the position of.
        lines: (charged, owed, due) of every line of an obligation (period, service) not repaid in full.
        repaid: the repayments of those obligations, (day, kopecks) per (period, service), by day.
        tails: a line's penalty as of ``period``'s last day with the last run of its unpaid part
            (``penalties.Tail``): next month continues its table from there when nothing was repaid and the rate
            stayed (``penalty_continued``).
        residuals: the payments' unapplied parts, as payments (``payments.residual``), in the order applied.
        paid: real money applied per (service, supplier) since the first payment (what the snapshots counted).
        penalties: penalty due per (service, supplier) as of ``period``'s last day (what the snapshots counted).
        settled: the part of ``penalties`` of obligations repaid in full (fixed for good).
        facts: (count, kopecks) of the payments and of the opening balances up to ``period`` — the caller's check
            that nothing dated up to it arrived since.
        ahead: a payment dated up to ``period`` names a later month, or an opening balance is of a later month
            (then the next month starts from nothing).
        basis: the caller's fingerprint of the law tables and settings the carry was computed with.
    """

    period: Period
    lines: Mapping[LineKey, tuple[int, int, date]] = field(default_factory=dict)
    repaid: Mapping[tuple[Period, str], tuple[tuple[date, int], ...]] = field(default_factory=dict)
    tails: Mapping[LineKey, tuple[int, Tail]] = field(default_factory=dict)
    residuals: tuple[pay.Payment, ...] = ()
    paid: Mapping[Key, int] = field(default_factory=dict)
    penalties: Mapping[Key, int] = field(default_factory=dict)
    settled: Mapping[Key, int] = field(default_factory=dict)
    facts: tuple[int, int, int, int] = (0, 0, 0, 0)
    ahead: bool = False
    basis: str = ""

    @property
    def advance(self) -> int:
        """Real money taken by no charge (аванс): the residuals of payments, not of synthetic credits."""
        return sum(p.amount for p in self.residuals if not p.id.startswith(SYNTHETIC))


def advance(carry: Carry | None, charges: Iterable[pay.Charge], payments: Iterable[pay.Payment], *, period: Period,
            policy: str, rules: Mapping[str, str], rates: RateTable, rounding: str,
            facts: tuple[int, int, int, int] = (0, 0, 0, 0), ahead: bool = False, basis: str = "") -> Carry:
    """The position as of ``period``'s last day from the carry of the month before (or from nothing: ``carry`` None
    and every charge and payment of the account). ``charges``: the lines of the months after the carry's (positive
    nets; ``position.obligations``); ``payments``: the payments and credits dated after it, up to ``period``'s last
    day. ``facts``, ``ahead`` and ``basis`` are stored with the new carry (module doc)."""
    as_of = period.last_day
    lines: dict[LineKey, list] = {}
    repaid: dict[tuple[Period, str], list[tuple[date, int]]] = defaultdict(list)
    residuals: list[pay.Payment] = []
    paid: dict[Key, int] = defaultdict(int)
    settled: dict[Key, int] = defaultdict(int)
    if carry is not None:
        for key, (charged, owed, due) in carry.lines.items():
            lines[key] = [charged, owed, due]
        for key, rows in carry.repaid.items():
            repaid[key].extend(rows)
        residuals.extend(carry.residuals)
        paid.update(carry.paid)
        settled.update(carry.settled)
    carried_open = [(k, v[1], v[2]) for k, v in lines.items() if v[1] > 0]
    charges = list(charges)
    for charge in charges:
        key = charge.key
        if key in lines:  # cannot happen for a later month's line; kept exact if it does
            lines[key][0] += charge.amount
            lines[key][1] += charge.amount
        else:
            lines[key] = [charge.amount, charge.amount, charge.due]
    payments = [*residuals, *payments]
    left: tuple[pay.Payment, ...] = ()
    application_repayments: list[Repayment] = []
    if payments:  # (an account that pays nothing has nothing to apply)
        open_charges = [pay.Charge(period=k[0], service=k[1], supplier=k[2], amount=owed, due=due)
                        for k, owed, due in carried_open] + charges
        application = pay.apply_payments(open_charges, payments, policy=policy, as_of=as_of, lines=False)
        for part in application.applied:
            key = (part.period, part.service, part.supplier)
            lines[key][1] -= part.amount
            if not part.payment_id.startswith(SYNTHETIC):
                paid[(part.service, part.supplier)] += part.amount
        application_repayments = pay.to_repayments(application)
        for r in application_repayments:
            repaid[(r.period, r.service)].append((r.day, r.amount))
        by_id = {p.id: p for p in payments}
        left = tuple(filter(None, (pay.residual(by_id[result.payment_id], result)
                                   for result in application.payments)))

    # penalties: every obligation not settled before, as of the month's last day; the settled ones leave the carry
    touched = {(r.period, r.service) for r in application_repayments}
    previous_tails = carry.tails if carry is not None else {}
    # (a line's values travel with its key: a city's close hashed 900 keys an account when every step looked its
    # line up again)
    obligations: dict[tuple[Period, str], list[tuple[LineKey, list]]] = defaultdict(list)
    for key, value in lines.items():
        obligations[(key[0], key[1])].append((key, value))
    due_now: dict[Key, int] = defaultdict(int, settled)
    kept_lines: dict[LineKey, tuple[int, int, date]] = {}
    kept_repaid: dict[tuple[Period, str], tuple[tuple[date, int], ...]] = {}
    kept_tails: dict[LineKey, tuple[int, Tail]] = {}
    rate_now = rates.effective_rate(as_of) if previous_tails else None
    kinds = {service: penalty_kind(rule) for service, rule in rules.items()}
    for (ob_period, service), parts in obligations.items():
        rows = repaid.get((ob_period, service))
        mine = None  # the obligation's repayments, built when a table is computed whole
        still = (ob_period, service) not in touched
        open_ = False  # anything of the obligation still owed
        amounts = []
        for key, value in parts:
            charged, owed, due = value
            if owed > 0:
                open_ = True
            found = None
            if still:
                prior = previous_tails.get(key)
                if prior is not None:
                    total, tail = prior
                    if tail.rate == rate_now and as_of > tail.as_of:  # the usual month of a debt: the run goes on
                        found = run_continued(total, tail, due, kinds[service], None, rates, as_of)
                    if found is None:
                        obligation = _obligation(charged, due, ob_period, service, rules[service])
                        found = penalty_continued(obligation, total, tail, rates=rates, as_of=as_of)
            if found is None and due >= as_of:  # not overdue yet: no penalty (``position.penalty_obligation``)
                found = _NONE
            if found is None:
                if mine is None:
                    mine = [Repayment(day, amount, ob_period, service) for day, amount in sorted(rows)] if rows else []
                found = _penalty(charged, due, ob_period, service, mine, rule=rules[service], rates=rates,
                                 as_of=as_of, rounding=rounding)
            amounts.append((key, value, found))
        if not open_:  # repaid in full: its penalty is final
            for key, _value, (amount, _tail) in amounts:
                if amount:
                    settled[(key[1], key[2])] += amount
                    due_now[(key[1], key[2])] += amount
            continue
        for key, value, (amount, tail) in amounts:
            if amount:
                due_now[(key[1], key[2])] += amount
            kept_lines[key] = (value[0], value[1], value[2])
            if tail is not None:
                kept_tails[key] = (amount, tail)
        if rows:
            kept_repaid[(ob_period, service)] = tuple(sorted(rows))
    return Carry(period=period, lines=kept_lines, repaid=kept_repaid, tails=kept_tails,
                 residuals=left, paid=_nonzero(paid), penalties=_nonzero(due_now), settled=_nonzero(settled),
                 facts=facts, ahead=ahead, basis=basis)


_NONE = (0, None)


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
    day (a debtor's month of services: the period and the day written once), their tails grouped by start, rate,
    day and fraction (a debt's unpaid runs go on alike), each tail naming its line by place; repayments as an array
    of days and one of kopecks. A close reads and writes the carry of every account, and a debtor's holds a hundred
    lines and more."""
    names: dict[str, int] = {}

    def ref(name: str) -> int:  # a service's or supplier's place in ``n``
        return place_of(name, len(names))

    place_of = names.setdefault

    text = _period_text
    tails = carry.tails
    groups: list[list] = []
    tail_groups: dict[tuple, list] = {}
    last = None
    for place, (key, (c, o, d)) in enumerate(carry.lines.items()):
        if (key[0], d) != last:
            last = (key[0], d)
            flat: list = []
            groups.append([text(key[0]), d.toordinal(), flat])
        flat += (place_of(key[1], len(names)), place_of(key[2], len(names)), c, o)
        found = tails.get(key)
        if found is not None:
            total, t = found
            shared = (t.start, t.rate, t.as_of, t.fraction)
            tail_flat = tail_groups.get(shared)
            if tail_flat is None:
                tail_flat = tail_groups[shared] = []
            tail_flat += (place, total, t.debt, t.unpaid, t.amount)
    data = {
        "v": FORMAT, "p": str(carry.period), "f": list(carry.facts), "a": int(carry.ahead), "b": carry.basis,
        "l": groups,
        "t": [[start.toordinal(), _rate_text(rate), as_of.toordinal(), fraction, flat]
              for (start, rate, as_of, fraction), flat in tail_groups.items()],
        "r": [[text(p), ref(s), [d.toordinal() for d, _ in rows], [a for _, a in rows]]
              for (p, s), rows in carry.repaid.items()],
        "x": [[r.id, r.day.toordinal(), str(r.period) if r.period else None, r.amount,
               [[ref(k), v] for k, v in r.services.items()] if r.services else None] for r in carry.residuals],
        "c": [[ref(s), ref(u), carry.paid.get((s, u), 0), carry.penalties.get((s, u), 0),
               carry.settled.get((s, u), 0)] for s, u in sorted({*carry.paid, *carry.penalties, *carry.settled})],
    }
    data["n"] = list(names)
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 1)


# the few periods and rates a carry holds, converted once (every account's carry names the same ones)
_period_text = lru_cache(maxsize=1024)(str)
_period_of = lru_cache(maxsize=1024)(Period.parse)
_rate_text = lru_cache(maxsize=256)(str)
_rate = lru_cache(maxsize=256)(Decimal)
_tail = partial(tuple.__new__, Tail)  # a Tail from its fields, without the named tuple's Python-level __new__


def decode(blob: bytes) -> Carry | None:
    """A stored carry, or None when it is of another format (then the month starts from nothing)."""
    data = json.loads(zlib.decompress(bytes(blob)))
    version = data.get("v")
    if version not in (FORMAT, 5):
        return None
    names = data["n"]
    day = date.fromordinal
    period_of = _period_of
    lines, keys, tails = {}, [], {}
    if version == 5:  # a line a row (the release of 2026-12-04): read, so that an upgrade's first close continues
        for row in data["l"]:
            key = (period_of(row[0]), names[row[1]], names[row[2]])
            lines[key] = (row[3], row[4], day(row[5]))
            if len(row) > 6:
                total, a, debt, unpaid, rate, amount, o, f = row[6:]
                tails[key] = (total, Tail(day(a), debt, unpaid, _rate(rate), amount, day(o), f))
    else:
        add = keys.append
        for p, due, flat in data["l"]:
            period, d = period_of(p), day(due)
            run = iter(flat)
            for service, supplier, charged, owed in zip(run, run, run, run):
                key = (period, names[service], names[supplier])
                lines[key] = (charged, owed, d)
                add(key)
        for start, rate, as_of, fraction, flat in data["t"]:
            start, rate, as_of = day(start), _rate(rate), day(as_of)
            run = iter(flat)
            for place, total, debt, unpaid, amount in zip(run, run, run, run, run):
                tails[keys[place]] = (total, _tail((start, debt, unpaid, rate, amount, as_of, fraction)))
    counters = data["c"]
    return Carry(
        period=period_of(data["p"]),
        lines=lines,
        repaid={(period_of(row[0]), names[row[1]]): tuple(zip(map(day, row[2]), row[3])) if len(row) == 4
                else tuple(zip(map(day, row[2][::2]), row[2][1::2]))  # format 5: (day, kopecks) flat
                for row in data["r"]},
        tails=tails,
        residuals=tuple(pay.Payment(id=i, day=day(d), amount=a, period=period_of(p) if p else None,
                                    services={names[k]: v for k, v in sv} if sv else None)
                        for i, d, p, a, sv in data["x"]),
        paid={(names[s], names[u]): a for s, u, a, _p, _t in counters if a},
        penalties={(names[s], names[u]): p for s, u, _a, p, _t in counters if p},
        settled={(names[s], names[u]): t for s, u, _a, _p, t in counters if t},
        facts=tuple(data["f"]),
        ahead=bool(data["a"]),
        basis=data["b"],
    )
