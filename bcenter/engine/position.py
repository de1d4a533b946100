"""Позиция лицевого счёта: what is owed by period and service, and the penalties on it — pure functions over what
the ledger holds for one account.

Rules (ЖК РФ ст. 155 ч. 14, 14.1; ГК РФ ст. 319.1; DOMAIN.md §3):

* Every line posted into a period is owed with that period's due date: the month's charges, its recalculations and
  reductions, summed per period × service × supplier (``obligations``).
* A period whose net for a service is negative (a recalculation gave money back) owes nothing: its net is a credit
  on the period's last day, applied like a payment. A debt brought from the system we left (an opening balance
  > 0) is owed for the month before the first one; an advance brought (< 0) is a credit on that first day. Credits
  are not money paid (``SYNTHETIC`` ids): they reduce debts but are never counted as paid or as an advance.
* A credit belongs to the supplier it came from (setting ``credit_application``, default ``own_supplier``; issue 12:
  «migrated advances and negative balances belong to the supplier they came from»): it pays that supplier's lines
  only (``Payment.supplier``), by the rules of an unnamed payment, and what they cannot take waits for that
  supplier's later lines — never another supplier's debt. ``any_supplier`` (what every release did until
  2026-12-05; right where one executor collects for everyone [P]) applies it to any line — per supplier the
  snapshots then show a credit with one recipient and debts with the others while the debts and penalties count the
  credit against those debts.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.penalties import Obligation, PenaltyRow, Repayment, penalty_rows as obligation_rows
from bcenter.engine.rates import RateTable

__all__ = ["SYNTHETIC", "advance", "obligations", "paid_in_time", "penalty_kind", "penalty_obligation", "penalty_rows"]

SYNTHETIC = pay.SYNTHETIC
"""Ids of the credits ``obligations`` makes of negative month nets and migrated advances (not money paid)."""


def obligations(owed: Mapping[tuple[Period, str, str], int], openings: Iterable[tuple[Period, str, str, int]], *,
                due: Callable[[Period, str], date], as_of: date, credits: str = "own_supplier",
                ) -> tuple[list[pay.Charge], list[pay.Payment]]:
    """Charges and credits of an account as of a day.

    ``owed``: kopecks per (period, service, supplier) — every line posted into the period; ``openings``: the
    balances brought from the system we left, (first period, service, supplier, kopecks); ``due``: the due date of
    a period's service; ``credits``: the setting ``credit_application``. Periods starting after ``as_of`` are left
    out."""
    own = credits == "own_supplier"
    owed = defaultdict(int, owed)
    made: list[pay.Payment] = []
    for start, service, supplier, amount in openings:
        if amount > 0:  # a debt brought from the system we left: owed for the month before
            owed[(start - 1, service, supplier)] += amount
        elif amount < 0:
            made.append(pay.Payment(id=f"opening-{start}-{service}", day=start.first_day, amount=-amount,
                                    supplier=supplier if own else None))
    charges = []
    for (period, service, supplier), amount in sorted(owed.items()):
        if period.first_day > as_of:
            continue
        if amount >= 0:
            charges.append(pay.Charge(period=period, service=service, supplier=supplier, amount=amount,
                                      due=due(period, service)))
        else:  # the month gave money back (a recalculation): a credit on its last day
            made.append(pay.Payment(id=f"credit-{period}-{service}-{supplier}", day=period.last_day, amount=-amount,
                                    supplier=supplier if own else None))
    return charges, made


def advance(application: pay.Application) -> int:
    """Real money taken by no charge (аванс): the payments' unapplied remainders, not those of the synthetic
    credits (a month's negative net left unabsorbed already shows as a negative balance of its service)."""
    return sum(p.advance for p in application.payments if not p.payment_id.startswith(SYNTHETIC))


def paid_in_time(charge: pay.Charge, repayments: Sequence) -> bool:
    """Paid in full by the due date: no day of debt after it, so no penalty."""
    return _paid_by(charge.amount, charge.due, repayments)


def _paid_by(amount: int, due: date, repayments: Sequence) -> bool:
    return sum(r.amount for r in repayments) >= amount and all(r.day <= due for r in repayments)


def penalty_kind(rule: str) -> str:
    """The obligation kind of a service's penalty rule: ч. 14.1 for capital repair, else ч. 14."""
    return "capital_repair" if rule == "capital_repair" else "standard"


def penalty_obligation(period: Period, service: str, amount: int, due: date, rule: str, repayments: Sequence, *,
                       as_of: date) -> Obligation | None:
    """The obligation a charge line is for penalties as of a day, or None when it bears none: its service's rule is
    ``none``, nothing was charged, it is not overdue yet, or it was paid in full by its due date."""
    if rule == "none" or amount == 0 or due >= as_of or _paid_by(amount, due, repayments):
        return None
    return Obligation(period=period, service=service, amount=amount, due=due, kind=penalty_kind(rule))


def penalty_rows(charges: Sequence[pay.Charge], application: pay.Application, *, rules: Mapping[str, str],
                 rates: RateTable, as_of: date, rounding: str) -> list[PenaltyRow]:
    """Penalty intervals of an account as of a day, per unpaid obligation (module docstring); ``rules``: the
    penalty rule of each service."""
    repayments: dict[tuple[Period, str, str], list] = defaultdict(list)  # a charge line's own (per supplier)
    for day, period, service, supplier, amount in pay.repaid_sums(application, as_of=as_of):
        repayments[(period, service, supplier)].append(Repayment(day, amount, period, service))
    rows = []
    for charge in charges:
        mine = repayments.get((charge.period, charge.service, charge.supplier), [])
        obligation = penalty_obligation(charge.period, charge.service, charge.amount, charge.due,
                                        rules[charge.service], mine, as_of=as_of)
        if obligation is not None:
            rows += [replace(r, supplier=charge.supplier)
                     for r in obligation_rows(obligation, mine, rates=rates, as_of=as_of, rounding=rounding)
                     if r.amount]
    return rows
