"""penalty_rows() edge cases (ч. 14, 14.1 ст. 155 ЖК РФ; DOMAIN.md §3.1–3.5): a payment on the due date (no
penalty), on day 30 (grace only) vs day 31 (one day at 1/300), across the day-90 boundary, nothing before day 1,
the ПП 424 moratorium (06.04.2020–31.12.2020, days still counted), the ПП 497 moratorium only for debts that arose
before 01.04.2022, a rate change in 2021 (no cap) with partial payments on different days (each portion at the
rate of its payment day, the rest at the rate of as_of), capital repair (1/300 from day 1, no 1/130), which
repayments count, per-interval vs total rounding, and bad input."""

from datetime import date
from decimal import Decimal

import pytest

from bcenter.core.errors import InvalidValue
from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.engine.penalties import (
    Obligation,
    PenaltyRow,
    Repayment,
    penalty_rows,
    penalty_total,
)
from bcenter.engine.rates import KeyRate, Moratorium, RateCap, RateTable


def d(text: str) -> date:
    return date.fromisoformat(text)


# The law as in assets/law, for the years used here (Bank of Russia key rate; ПП 474/1681/329; ПП 424/497).
RATES = RateTable(
    tuple(KeyRate(d(day), Decimal(rate)) for day, rate in [
        ("2020-02-10", "6.0"), ("2020-04-27", "5.5"), ("2020-06-22", "4.5"), ("2020-07-27", "4.25"),
        ("2021-03-22", "4.5"), ("2021-04-26", "5.0"), ("2021-06-15", "5.5"), ("2021-07-26", "6.5"),
        ("2021-09-13", "6.75"), ("2021-10-25", "7.5"), ("2021-12-20", "8.5"), ("2022-02-14", "9.5"),
        ("2022-02-28", "20.0"), ("2022-04-11", "17.0"), ("2022-05-04", "14.0"), ("2022-05-27", "11.0"),
        ("2022-06-14", "9.5"), ("2022-07-25", "8.0"), ("2022-09-19", "7.5"), ("2024-10-28", "21.0"),
    ]),
    (
        RateCap(d("2022-02-28"), d("2022-08-01"), Decimal("9.5"), "fixed"),
        RateCap(d("2022-08-01"), d("2023-01-01"), Decimal("9.5"), "min"),
        RateCap(d("2025-01-01"), d("2027-01-01"), Decimal("9.5"), "min"),
    ),
    (
        Moratorium(d("2020-04-06"), d("2021-01-01")),
        Moratorium(d("2022-04-01"), d("2022-10-01"), debts_before=d("2022-04-01")),
    ),
)
JAN25 = Period(2025, 1)
DEBT = Obligation(JAN25, "water", 500000, d("2025-02-10"))  # day 30 = 12.03, day 31 = 13.03, day 90 = 11.05.2025


def paid(day: str, amount: int, period: Period = JAN25, service: str | None = "water") -> Repayment:
    return Repayment(d(day), amount, period, service)


def table(rows):
    return [(r.start.isoformat(), r.end.isoformat(), r.days, format_kop(r.debt), str(r.rate), r.fraction,
             format_kop(r.amount)) for r in rows]


def test_full_payment_on_the_due_date_bears_nothing():
    rows = penalty_rows(DEBT, [paid("2025-02-10", 500000)], rates=RATES, as_of=d("2025-12-31"))
    assert rows == []


def test_a_payment_before_the_due_date_reduces_the_debt_from_day_one():
    rows = penalty_rows(DEBT, [paid("2025-02-01", 300000)], rates=RATES, as_of=d("2025-03-13"))
    assert table(rows) == [
        ("2025-02-11", "2025-03-12", 30, "2000.00", "9.5", "0", "0.00"),
        ("2025-03-13", "2025-03-13", 1, "2000.00", "9.5", "1/300", "0.63"),
    ]


def test_nothing_before_the_first_overdue_day():
    assert penalty_rows(DEBT, [], rates=RATES, as_of=d("2025-02-10")) == []
    assert penalty_rows(DEBT, [], rates=RATES, as_of=d("2025-01-31")) == []


def test_payment_on_day_30_stays_in_grace():
    rows = penalty_rows(DEBT, [paid("2025-03-12", 500000)], rates=RATES, as_of=d("2025-12-31"))
    assert table(rows) == [("2025-02-11", "2025-03-12", 30, "5000.00", "9.5", "0", "0.00")]
    assert rows[0].zero_reason == "grace"
    assert penalty_total(rows) == 0


def test_payment_on_day_31_pays_one_day_at_one_three_hundredth():
    rows = penalty_rows(DEBT, [paid("2025-03-13", 500000)], rates=RATES, as_of=d("2025-12-31"))
    # 5 000.00 × 1 × 9.5 % / 300 = 1.58333 → 1.58
    assert table(rows)[1:] == [("2025-03-13", "2025-03-13", 1, "5000.00", "9.5", "1/300", "1.58")]
    assert penalty_total(rows) == 158


def test_across_the_day_90_boundary():
    # Paid in full on day 95 (16.05.2025): days 31–90 at 1/300, days 91–95 at 1/130.
    rows = penalty_rows(DEBT, [paid("2025-05-16", 500000)], rates=RATES, as_of=d("2025-12-31"))
    assert table(rows) == [
        ("2025-02-11", "2025-03-12", 30, "5000.00", "9.5", "0", "0.00"),
        ("2025-03-13", "2025-05-11", 60, "5000.00", "9.5", "1/300", "95.00"),
        ("2025-05-12", "2025-05-16", 5, "5000.00", "9.5", "1/130", "18.27"),  # 18.2692
    ]
    assert penalty_total(rows) == 11327


def test_unpaid_debt_runs_to_as_of_inclusive():
    rows = penalty_rows(DEBT, [], rates=RATES, as_of=d("2025-05-12"))
    assert table(rows)[-1] == ("2025-05-12", "2025-05-12", 1, "5000.00", "9.5", "1/130", "3.65")


def test_2020_moratorium_counts_days_but_accrues_nothing():
    # January 2020, due 10.02.2020 (leap year): day 30 = 11.03, day 90 = 10.05.2020. Unpaid; as of 31.01.2021 the
    # key rate is 4.25 %. ПП 424: 06.04.2020–31.12.2020 free, yet the days count: on 01.01.2021 it is day 326.
    debt = Obligation(Period(2020, 1), "water", 500000, d("2020-02-10"))
    rows = penalty_rows(debt, [], rates=RATES, as_of=d("2021-01-31"))
    assert table(rows) == [
        ("2020-02-11", "2020-03-11", 30, "5000.00", "4.25", "0", "0.00"),
        ("2020-03-12", "2020-04-05", 25, "5000.00", "4.25", "1/300", "17.71"),  # 17.7083
        ("2020-04-06", "2020-12-31", 270, "5000.00", "4.25", "0", "0.00"),
        ("2021-01-01", "2021-01-31", 31, "5000.00", "4.25", "1/130", "50.67"),  # 50.6731
    ]
    assert [r.zero_reason for r in rows] == ["grace", None, "moratorium", None]
    assert penalty_total(rows) == 6838


def test_2022_moratorium_only_for_debts_arisen_before_april_2022():
    # February 2022, due 10.03.2022: the debt arose on 11.03.2022 → ПП 497 covers 01.04–30.09.2022. As of
    # 31.12.2022 the rate is min(9.5, 7.5) = 7.5 (ПП 1681).
    february = Obligation(Period(2022, 2), "water", 500000, d("2022-03-10"))
    rows = penalty_rows(february, [], rates=RATES, as_of=d("2022-12-31"))
    assert table(rows) == [
        ("2022-03-11", "2022-04-09", 30, "5000.00", "7.5", "0", "0.00"),  # grace wins over the moratorium
        ("2022-04-10", "2022-09-30", 174, "5000.00", "7.5", "0", "0.00"),
        ("2022-10-01", "2022-12-31", 92, "5000.00", "7.5", "1/130", "265.38"),  # 265.3846
    ]
    assert [r.zero_reason for r in rows] == ["grace", "moratorium", None]
    # April 2022, due 10.05.2022: arose after 01.04.2022 — penalties run through the moratorium.
    april = Obligation(Period(2022, 4), "water", 500000, d("2022-05-10"))
    rows = penalty_rows(april, [], rates=RATES, as_of=d("2022-12-31"))
    assert table(rows) == [
        ("2022-05-11", "2022-06-09", 30, "5000.00", "7.5", "0", "0.00"),
        ("2022-06-10", "2022-08-08", 60, "5000.00", "7.5", "1/300", "75.00"),
        ("2022-08-09", "2022-12-31", 145, "5000.00", "7.5", "1/130", "418.27"),  # 418.2692
    ]


def test_2022_moratorium_reading_can_be_chosen_by_arose():
    # The other reading: the March 2022 services were rendered before 01.04.2022, so the debt "arose" then.
    march = Obligation(Period(2022, 3), "water", 500000, d("2022-04-11"), arose=d("2022-03-31"))
    rows = penalty_rows(march, [], rates=RATES, as_of=d("2022-10-31"))
    assert [r.zero_reason for r in rows] == ["grace", "moratorium", None]
    default = Obligation(Period(2022, 3), "water", 500000, d("2022-04-11"))
    assert all(r.zero_reason != "moratorium" for r in penalty_rows(default, [], rates=RATES, as_of=d("2022-10-31")))


def test_fixed_cap_of_2022_gives_9_5_even_below_the_key_rate():
    # Paid on 26.07.2022: key rate 8 %, ПП 474 (fixed until 31.07.2022) → 9.5 %.
    debt = Obligation(Period(2022, 4), "water", 500000, d("2022-05-10"))
    rows = penalty_rows(debt, [Repayment(d("2022-07-26"), 500000, Period(2022, 4), "water")], rates=RATES,
                        as_of=d("2022-12-31"))
    assert {r.rate for r in rows} == {Decimal("9.5")}


def test_rate_change_in_2021_partial_payments_each_at_its_payment_days_rate():
    # January 2021: 10 000.00 due 10.02.2021 (day 30 = 12.03, day 90 = 11.05.2021); no cap in 2021.
    # 3 000.00 paid 20.04.2021 (key rate 4.5 %), 3 000.00 paid 30.06.2021 (5.5 %), 4 000.00 unpaid on 31.08.2021
    # (6.5 %): each portion bears the rate of the day it was paid, the rest the rate of as_of.
    jan = Period(2021, 1)
    debt = Obligation(jan, "heating", 1000000, d("2021-02-10"))
    repayments = [Repayment(d("2021-06-30"), 300000, jan, "heating"), Repayment(d("2021-04-20"), 300000, jan, "heating")]
    rows = penalty_rows(debt, repayments, rates=RATES, as_of=d("2021-08-31"))
    accruing = [row for row in table(rows) if row[5] != "0"]
    assert accruing == [
        ("2021-03-13", "2021-04-20", 39, "3000.00", "4.5", "1/300", "17.55"),  # 3000 × 39 × 4.5 % / 300
        ("2021-03-13", "2021-05-11", 60, "3000.00", "5.5", "1/300", "33.00"),
        ("2021-03-13", "2021-05-11", 60, "4000.00", "6.5", "1/300", "52.00"),
        ("2021-05-12", "2021-06-30", 50, "3000.00", "5.5", "1/130", "63.46"),  # 63.4615
        ("2021-05-12", "2021-08-31", 112, "4000.00", "6.5", "1/130", "224.00"),
    ]
    grace = [row for row in rows if row.zero_reason == "grace"]
    assert sum(row.debt for row in grace) == 1000000 and {row.days for row in grace} == {30}
    assert penalty_total(rows) == 39001


def test_unpaid_rest_takes_the_rate_of_as_of():
    jan = Period(2021, 1)
    debt = Obligation(jan, "heating", 1000000, d("2021-02-10"))
    on_may = penalty_rows(debt, [], rates=RATES, as_of=d("2021-05-01"))
    on_july = penalty_rows(debt, [], rates=RATES, as_of=d("2021-07-26"))
    assert {r.rate for r in on_may} == {Decimal("5.0")}
    assert {r.rate for r in on_july} == {Decimal("6.5")}


def test_capital_repair_from_day_one_without_the_1_130_step():
    cr = Obligation(JAN25, "capital_repair", 100000, d("2025-02-10"), kind="capital_repair")
    rows = penalty_rows(cr, [], rates=RATES, as_of=d("2025-03-12"))  # day 30
    assert table(rows) == [("2025-02-11", "2025-03-12", 30, "1000.00", "9.5", "1/300", "9.50")]
    rows = penalty_rows(cr, [], rates=RATES, as_of=d("2025-06-30"))  # day 140, still 1/300
    assert table(rows) == [("2025-02-11", "2025-06-30", 140, "1000.00", "9.5", "1/300", "44.33")]
    rows = penalty_rows(cr, [paid("2025-02-11", 40000, service="capital_repair")], rates=RATES, as_of=d("2025-02-12"))
    assert table(rows) == [
        ("2025-02-11", "2025-02-11", 1, "1000.00", "9.5", "1/300", "0.32"),
        ("2025-02-12", "2025-02-12", 1, "600.00", "9.5", "1/300", "0.19"),
    ]
    assert penalty_rows(cr, [paid("2025-02-10", 100000, service="capital_repair")], rates=RATES,
                        as_of=d("2025-06-30")) == []


def test_capital_repair_respects_the_2020_moratorium():
    cr = Obligation(Period(2020, 2), "capital_repair", 100000, d("2020-03-10"), kind="capital_repair")
    rows = penalty_rows(cr, [], rates=RATES, as_of=d("2020-04-30"))
    assert [(r.start.isoformat(), r.end.isoformat(), r.fraction, r.zero_reason) for r in rows] == [
        ("2020-03-11", "2020-04-05", "1/300", None),
        ("2020-04-06", "2020-04-30", "0", "moratorium"),
    ]


def test_only_this_obligations_repayments_up_to_as_of_and_up_to_its_amount_count():
    repayments = [
        paid("2025-02-01", 500000, period=Period(2024, 12)),  # another period
        paid("2025-02-01", 500000, service="heating"),  # another service
        paid("2025-04-01", 900000),  # more than owed: only 5 000.00 counts
        paid("2025-03-20", 100000),
    ]
    rows = penalty_rows(DEBT, repayments, rates=RATES, as_of=d("2025-12-31"))
    assert [(r.start.isoformat(), r.end.isoformat(), format_kop(r.debt)) for r in rows] == [
        ("2025-02-11", "2025-03-12", "5000.00"),
        ("2025-03-13", "2025-03-20", "5000.00"),
        ("2025-03-21", "2025-04-01", "4000.00"),
    ]
    later = penalty_rows(DEBT, [paid("2025-06-01", 500000)], rates=RATES, as_of=d("2025-05-11"))
    assert later[-1].end == d("2025-05-11") and later[-1].debt == 500000  # a payment after as_of is not yet made


def test_whole_period_obligation_takes_repayments_of_any_service():
    whole = Obligation(JAN25, None, 500000, d("2025-02-10"))
    rows = penalty_rows(whole, [paid("2025-02-10", 200000, service="a"), paid("2025-02-10", 300000, service=None)],
                        rates=RATES, as_of=d("2025-12-31"))
    assert rows == []


def test_a_period_wide_repayment_against_a_service_obligation_is_an_error():
    with pytest.raises(InvalidValue):
        penalty_rows(DEBT, [paid("2025-03-01", 1000, service=None)], rates=RATES, as_of=d("2025-12-31"))


def test_total_rounding_rounds_once_and_spreads_the_total_over_the_rows():
    # 102.74 due 10.02.2025, 10.00 repaid on 13, 14 and 15 March: four one-rate rows of 0.0325 + 0.0294 +
    # 0.0262 + 0.1152 = 0.2033 → 0.20 rounded once, but 0.03 + 0.03 + 0.03 + 0.12 = 0.21 per interval.
    small = Obligation(JAN25, "water", 10274, d("2025-02-10"))
    repayments = [paid("2025-03-13", 1000), paid("2025-03-14", 1000), paid("2025-03-15", 1000)]
    per_interval = penalty_rows(small, repayments, rates=RATES, as_of=d("2025-03-20"))
    total = penalty_rows(small, repayments, rates=RATES, as_of=d("2025-03-20"), rounding="total")
    assert [r.amount for r in per_interval] == [0, 3, 3, 3, 12]
    assert penalty_total(per_interval) == 21
    assert penalty_total(total) == 20
    assert all(abs(a.amount - b.amount) <= 1 for a, b in zip(per_interval, total))


def test_bad_input_is_refused():
    with pytest.raises(InvalidValue):
        penalty_rows(DEBT, [], rates=RATES, as_of=d("2025-12-31"), rounding="bankers")
    with pytest.raises(InvalidValue):
        Obligation(JAN25, "water", 100, d("2025-02-10"), kind="none")
    with pytest.raises(TypeError):
        Obligation(JAN25, "water", Decimal(100), d("2025-02-10"))
    with pytest.raises(InvalidValue):
        Repayment(d("2025-02-10"), 0, JAN25, "water")
    with pytest.raises(TypeError):
        penalty_rows(DEBT, [], rates=None, as_of=d("2025-12-31"))


def test_zero_or_negative_obligation_has_no_rows():
    assert penalty_rows(Obligation(JAN25, "water", 0, d("2025-02-10")), [], rates=RATES, as_of=d("2025-12-31")) == []
    assert penalty_rows(Obligation(JAN25, "water", -500, d("2025-02-10")), [], rates=RATES, as_of=d("2025-12-31")) == []


def test_rows_are_immutable():
    row = penalty_rows(DEBT, [], rates=RATES, as_of=d("2025-03-13"))[0]
    assert isinstance(row, PenaltyRow)
    with pytest.raises(AttributeError):
        row.amount = 1
