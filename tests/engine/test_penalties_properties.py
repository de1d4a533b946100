"""penalty_rows() properties over random obligations, repayments and dates (shipped law tables): amounts are never
negative; rows stay inside [due + 1, as_of]; on every overdue day the rows together carry exactly the unpaid debt;
a rate's rows never overlap and their debt only falls; the exact amounts equal a day-by-day reference computed with
fractions (ч. 14/14.1 ст. 155, moratoria, each portion at its repayment day's rate, the rest at as_of's); per-interval
rows are each rounded half up and "total" rounds the reference once; with one constant rate a later as_of never
gives less."""

import itertools
import json
import math
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.money import to_kop
from bcenter.core.period import Period
from bcenter.engine.penalties import (
    Obligation, Repayment, penalty_continued, penalty_rows, penalty_total, penalty_with_tail,
)
from bcenter.engine.rates import KeyRate, Moratorium, RateTable

LAW = Path(__file__).resolve().parents[2] / "assets" / "law"


def _load(name):
    return json.loads((LAW / f"{name}.json").read_text(encoding="utf-8"))


RATES = RateTable.from_tables(key_rates=_load("key_rates"), caps=_load("penalty_rate_caps"), moratoria=_load("moratoria"))
ONE_DAY = timedelta(days=1)


@st.composite
def cases(draw):
    due = draw(st.dates(date(2019, 1, 1), date(2026, 6, 30)))
    amount = draw(st.integers(1, 10_000_000))
    kind = draw(st.sampled_from(["standard", "capital_repair"]))
    period = Period.of(due) - 1
    obligation = Obligation(period, "s", amount, due, kind)
    repayments = [
        Repayment(due + timedelta(days=offset), part, period, "s")
        for offset, part in draw(st.lists(st.tuples(st.integers(-20, 400), st.integers(1, amount)), max_size=5))
    ]
    as_of = due + timedelta(days=draw(st.integers(-5, 450)))
    return obligation, repayments, as_of


def reference(obligation, repayments, as_of):
    """Exact penalty in kopecks, day by day: Σ over overdue days of Σ over portions still owed × rate / denominator."""
    left = obligation.amount
    portions = []
    for repayment in sorted((r for r in repayments if r.day <= as_of), key=lambda r: r.day):
        part = min(left, repayment.amount)
        if part > 0:
            portions.append((repayment.day, part))
            left -= part
    if left > 0:
        portions.append((as_of, left))
    total = Fraction(0)
    day = obligation.due + ONE_DAY
    while day <= as_of:
        k = (day - obligation.due).days
        accrues = not RATES.in_moratorium(day, debt_arose=obligation.due + ONE_DAY)
        if obligation.kind == "standard":
            accrues = accrues and k > 30
            denominator = 300 if k <= 90 else 130
        else:
            denominator = 300
        if accrues:
            for close, part in portions:
                if close >= day:
                    total += Fraction(part) * Fraction(RATES.effective_rate(close)) / 100 / denominator
        day += ONE_DAY
    return total, portions


@settings(max_examples=150, deadline=None)
@given(cases())
def test_rows_match_the_day_by_day_reference(case):
    obligation, repayments, as_of = case
    rows = penalty_rows(obligation, repayments, rates=RATES, as_of=as_of)
    exact_kop, portions = reference(obligation, repayments, as_of)

    assert all(row.amount >= 0 and row.debt > 0 and row.days == (row.end - row.start).days + 1 >= 1 for row in rows)
    assert all(obligation.due < row.start <= row.end <= as_of for row in rows)
    assert all((row.fraction == "0") == (row.zero_reason is not None) for row in rows)
    assert all(row.amount == 0 for row in rows if row.fraction == "0")

    exact_rows = sum((Fraction(row.exact_amount()) * 100 for row in rows), Fraction(0))
    assert abs(exact_rows - exact_kop) < Fraction(1, 10**20)
    assert all(row.amount == to_kop(row.exact_amount()) for row in rows)

    # On every overdue day the rows carry exactly the debt still unpaid that day.
    day = obligation.due + ONE_DAY
    while day <= as_of:
        owed = sum(part for close, part in portions if close >= day)
        assert sum(row.debt for row in rows if row.start <= day <= row.end) == owed
        day += ONE_DAY

    by_rate = {}
    for row in rows:
        by_rate.setdefault(row.rate, []).append(row)
    for runs in by_rate.values():
        for before, after in itertools.pairwise(runs):
            assert before.end < after.start and before.debt >= after.debt


@settings(max_examples=150, deadline=None)
@given(cases())
def test_total_rounding_rounds_the_exact_sum_once(case):
    obligation, repayments, as_of = case
    rows = penalty_rows(obligation, repayments, rates=RATES, as_of=as_of, rounding="total")
    exact_kop, _ = reference(obligation, repayments, as_of)
    expected = math.floor(exact_kop + Fraction(1, 2))  # half up, once
    assert penalty_total(rows) == expected
    assert all(row.amount >= 0 for row in rows)
    per_interval = penalty_rows(obligation, repayments, rates=RATES, as_of=as_of)
    assert [(r.start, r.debt, r.rate) for r in rows] == [(r.start, r.debt, r.rate) for r in per_interval]
    assert all(abs(a.amount - b.amount) <= 1 for a, b in zip(rows, per_interval))


CONSTANT = RateTable((KeyRate(date(2000, 1, 1), Decimal("9.5")),), (),
                     (Moratorium(date(2020, 4, 6), date(2021, 1, 1)),))


@settings(max_examples=100, deadline=None)
@given(cases(), st.integers(0, 200))
def test_with_one_rate_a_later_as_of_never_gives_less(case, more_days):
    obligation, repayments, as_of = case
    earlier = penalty_total(penalty_rows(obligation, repayments, rates=CONSTANT, as_of=as_of))
    later = penalty_total(penalty_rows(obligation, repayments, rates=CONSTANT, as_of=as_of + timedelta(days=more_days)))
    assert 0 <= earlier <= later


@settings(max_examples=150, deadline=None)
@given(cases(), st.sampled_from(["per_interval", "total"]))
def test_the_amount_alone_is_the_rows_total(case, rounding):
    """``penalty_with_tail``'s amount (what a close sums, rows not built; an unpaid debt's runs computed once per due day) is
    the total of ``penalty_rows`` — each row half up from its exact fraction (``row.exact_amount``) per interval."""
    obligation, repayments, as_of = case
    rows = penalty_rows(obligation, repayments, rates=RATES, as_of=as_of, rounding=rounding)
    assert penalty_with_tail(obligation, repayments, rates=RATES, as_of=as_of, rounding=rounding)[0] == penalty_total(rows)
    unpaid = Obligation(obligation.period, "t", obligation.amount + 1, obligation.due, obligation.kind)
    again = penalty_rows(unpaid, [], rates=RATES, as_of=as_of, rounding=rounding)  # the shape kept for the due day
    assert penalty_with_tail(unpaid, [], rates=RATES, as_of=as_of, rounding=rounding)[0] == penalty_total(again)
    if rounding == "per_interval":
        assert all(row.amount == to_kop(row.exact_amount()) for row in rows + again)


@settings(max_examples=300, deadline=None)
@given(cases(), st.integers(1, 400), st.integers(1, 100), st.sampled_from(["law", "constant"]))
def test_a_later_day_continued_from_the_tail_is_the_whole_table(case, more, again, table):
    """``penalty_continued`` (what a close does with an obligation still open: the last run recomputed, not the
    whole table) gives the whole table's total whenever it answers — twice in a row, with the law's changing rates
    and with one rate."""
    rates = RATES if table == "law" else CONSTANT
    obligation, repayments, as_of = case
    repayments = [r for r in repayments if r.day <= as_of]  # nothing repaid after the first day
    total, tail = penalty_with_tail(obligation, repayments, rates=rates, as_of=as_of)
    assert total == penalty_total(penalty_rows(obligation, repayments, rates=rates, as_of=as_of))
    for later in (as_of + timedelta(days=more), as_of + timedelta(days=more + again)):
        if tail is None:
            return
        found = penalty_continued(obligation, total, tail, rates=rates, as_of=later)
        if found is None:
            assert table == "law" and rates.effective_rate(later) != tail.rate
            return
        total, tail = found
        assert total == penalty_total(penalty_rows(obligation, repayments, rates=rates, as_of=later))
