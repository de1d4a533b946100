"""Golden case G12 (DOMAIN.md §11): пени on January 2025 charges of 5 000.00 due 10.02.2025 with partial payments of
1 000.00 (20.03), 2 000.00 (15.05) and 2 000.00 (30.06) — the exact table, row by row (grace row included), total
157.46 under both rounding policies, with a hand-written rate table and with the shipped law tables, and the same
table reached from payments through apply_payments → to_repayments."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.engine.payments import Charge, Payment, apply_payments, to_repayments
from bcenter.engine.penalties import Obligation, Repayment, penalty_rows, penalty_total
from bcenter.engine.rates import KeyRate, RateCap, RateTable

LAW = Path(__file__).resolve().parents[2] / "assets" / "law"
JAN = Period(2025, 1)

# Key rate 21 % then 20 % (above 9.5 %), cap of ПП 329: min(9.5 %, key rate) for 01.01.2025–31.12.2026.
RATES = RateTable(
    (KeyRate(date(2024, 10, 28), Decimal("21.0")), KeyRate(date(2025, 6, 9), Decimal("20.0"))),
    (RateCap(date(2025, 1, 1), date(2027, 1, 1), Decimal("9.5"), "min"),),
)
OBLIGATION = Obligation(JAN, None, 500000, date(2025, 2, 10))
REPAYMENTS = [
    Repayment(date(2025, 3, 20), 100000, JAN, None),
    Repayment(date(2025, 5, 15), 200000, JAN, None),
    Repayment(date(2025, 6, 30), 200000, JAN, None),
]

# DOMAIN.md §11 G12: from, to (inclusive), days, debt, fraction, rounded penalty.
G12_TABLE = [
    ("2025-02-11", "2025-03-12", 30, "5000.00", "0", "0.00"),
    ("2025-03-13", "2025-03-20", 8, "5000.00", "1/300", "12.67"),
    ("2025-03-21", "2025-05-11", 52, "4000.00", "1/300", "65.87"),
    ("2025-05-12", "2025-05-15", 4, "4000.00", "1/130", "11.69"),
    ("2025-05-16", "2025-06-30", 46, "2000.00", "1/130", "67.23"),
]


def table(rows):
    return [(r.start.isoformat(), r.end.isoformat(), r.days, format_kop(r.debt), r.fraction, format_kop(r.amount))
            for r in rows]


@pytest.mark.parametrize("rounding", ["per_interval", "total"])
@pytest.mark.parametrize("as_of", [date(2025, 6, 30), date(2025, 12, 31)])
def test_g12_table_and_total(rounding, as_of):
    rows = penalty_rows(OBLIGATION, REPAYMENTS, rates=RATES, as_of=as_of, rounding=rounding)
    assert table(rows) == G12_TABLE
    assert format_kop(penalty_total(rows)) == "157.46"
    assert all(r.rate == Decimal("9.5") for r in rows)
    assert [r.zero_reason for r in rows] == ["grace", None, None, None, None]


def test_g12_exact_amounts():
    rows = penalty_rows(OBLIGATION, REPAYMENTS, rates=RATES, as_of=date(2025, 6, 30))
    exact = [r.exact_amount().quantize(Decimal("0.0001")) for r in rows]
    assert exact == [Decimal("0.0000"), Decimal("12.6667"), Decimal("65.8667"), Decimal("11.6923"), Decimal("67.2308")]
    assert sum(r.exact_amount() for r in rows).quantize(Decimal("0.0001")) == Decimal("157.4564")


def test_g12_with_the_shipped_law_tables():
    def load(name):
        return json.loads((LAW / f"{name}.json").read_text(encoding="utf-8"))

    law = RateTable.from_tables(key_rates=load("key_rates"), caps=load("penalty_rate_caps"), moratoria=load("moratoria"))
    rows = penalty_rows(OBLIGATION, REPAYMENTS, rates=law, as_of=date(2025, 6, 30))
    assert table(rows) == G12_TABLE
    assert penalty_total(rows) == 15746


def test_g12_per_service_obligation_from_applied_payments():
    charges = [Charge(JAN, "housing", "uk", 500000, date(2025, 2, 10))]
    payments = [
        Payment("p1", date(2025, 3, 20), 100000),
        Payment("p2", date(2025, 5, 15), 200000, JAN),
        Payment("p3", date(2025, 6, 30), 200000),
    ]
    application = apply_payments(charges, payments)
    obligation = Obligation(JAN, "housing", 500000, date(2025, 2, 10))
    rows = penalty_rows(obligation, to_repayments(application), rates=RATES, as_of=date(2025, 6, 30))
    assert table(rows) == G12_TABLE
    assert penalty_total(rows) == 15746
