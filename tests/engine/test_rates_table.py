"""RateTable: the key rate on a day (boundaries of a change), the effective penalty rate under the caps of
ПП 474 ("fixed" 9.5 % until 31.07.2022 even when the key rate is lower) and ПП 1681/2479/2382/329 ("min"), no cap in
2021 and from 2027, the moratoria of ПП 424 (all debts, 06.04.2020–31.12.2020) and ПП 497 (debts before
01.04.2022), building from the JSON rows of assets/law (and the shipped tables themselves), a document's rows
overriding the law's, bad tables refused, and immutability."""

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bcenter.core.errors import InvalidValue
from bcenter.engine.rates import KeyRate, Moratorium, RateCap, RateTable

LAW = Path(__file__).resolve().parents[2] / "assets" / "law"

KEY_RATES = [
    {"from": "2020-07-27", "rate": "4.25"},
    {"from": "2021-03-22", "rate": "4.5"},
    {"from": "2021-04-26", "rate": "5.0"},
    {"from": "2022-02-14", "rate": "9.5"},
    {"from": "2022-02-28", "rate": "20.0"},
    {"from": "2022-07-25", "rate": "8.0"},
    {"from": "2022-09-19", "rate": "7.5"},
    {"from": "2024-10-28", "rate": "21.0"},
    {"from": "2025-06-09", "rate": "20.0"},
    {"from": "2026-07-27", "rate": "14.0"},
]
CAPS = [
    {"from": "2022-02-28", "to": "2022-08-01", "max_rate": "9.5", "mode": "fixed"},
    {"from": "2022-08-01", "to": "2023-01-01", "max_rate": "9.5", "mode": "min"},
    {"from": "2025-01-01", "to": "2027-01-01", "max_rate": "9.5"},  # mode defaults to "min" (settings form)
]
MORATORIA = [
    {"from": "2020-04-06", "to": "2021-01-01", "applies_to": "all"},
    {"from": "2022-04-01", "to": "2022-10-01", "applies_to": {"debts_before": "2022-04-01"}},
]
TABLE = RateTable.from_tables(key_rates=KEY_RATES, caps=CAPS, moratoria=MORATORIA)


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("day", "rate"),
    [("2021-03-21", "4.25"), ("2021-03-22", "4.5"), ("2021-04-25", "4.5"), ("2021-04-26", "5.0"), ("2030-01-01", "14.0")],
)
def test_key_rate_holds_from_its_start_until_the_next(day, rate):
    assert TABLE.key_rate(d(day)) == Decimal(rate)


def test_no_key_rate_before_the_table():
    with pytest.raises(InvalidValue):
        TABLE.key_rate(d("2020-07-26"))


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        ("2021-05-01", "5.0"),  # no cap in 2021: the key rate
        ("2022-03-15", "9.5"),  # ПП 474 fixed, key rate 20
        ("2022-07-26", "9.5"),  # still fixed although the key rate is 8: the rate of 27.02.2022
        ("2022-08-01", "8.0"),  # ПП 1681: min(9.5, 8)
        ("2022-09-19", "7.5"),
        ("2023-06-01", "7.5"),  # no cap row in this test table for 2023: the key rate
        ("2025-03-20", "9.5"),  # ПП 329: min(9.5, 21)
        ("2026-12-31", "9.5"),
        ("2027-01-01", "14.0"),  # no extension found: the key rate again
    ],
)
def test_effective_rate(day, rate):
    assert TABLE.effective_rate(d(day)) == Decimal(rate)


def test_cap_lookup():
    assert TABLE.cap(d("2022-02-27")) is None
    assert TABLE.cap(d("2022-02-28")).mode == "fixed"
    assert TABLE.cap(d("2025-01-01")) == RateCap(d("2025-01-01"), d("2027-01-01"), Decimal("9.5"), "min")
    assert TABLE.cap(d("2027-01-01")) is None


@pytest.mark.parametrize(
    ("day", "arose", "expected"),
    [
        ("2020-04-05", "2020-01-11", False),
        ("2020-04-06", "2020-01-11", True),
        ("2020-12-31", "2020-11-11", True),  # ПП 424 covers every debt, also those arising during it
        ("2021-01-01", "2020-01-11", False),
        ("2022-04-01", "2022-03-11", True),  # ПП 497: a debt from before 01.04.2022
        ("2022-09-30", "2022-03-31", True),
        ("2022-10-01", "2022-03-11", False),
        ("2022-05-15", "2022-04-01", False),  # a debt that arose on 01.04.2022 or later is not covered
    ],
)
def test_in_moratorium(day, arose, expected):
    assert TABLE.in_moratorium(d(day), debt_arose=d(arose)) is expected


def test_moratoria_for_a_debt():
    assert len(TABLE.moratoria_for(d("2022-03-11"))) == 2
    assert TABLE.moratoria_for(d("2022-04-12")) == (Moratorium(d("2020-04-06"), d("2021-01-01"), None),)


def test_rows_in_any_order_are_sorted():
    rates = [KeyRate(d("2025-06-09"), Decimal(20)), KeyRate(d("2024-10-28"), Decimal(21))]
    table = RateTable(rates)
    assert [r.start for r in table.key_rates] == [d("2024-10-28"), d("2025-06-09")]
    assert table.effective_rate(d("2025-06-08")) == Decimal(21)


def test_the_shipped_law_tables_load():
    def load(name):
        return json.loads((LAW / f"{name}.json").read_text(encoding="utf-8"))

    law = RateTable.from_tables(key_rates=load("key_rates"), caps=load("penalty_rate_caps"), moratoria=load("moratoria"))
    assert law.effective_rate(d("2025-03-20")) == Decimal("9.5")
    assert law.effective_rate(d("2021-06-15")) == Decimal("5.5")
    assert law.in_moratorium(d("2020-06-01"), debt_arose=d("2020-06-01"))


def test_overlapping_caps_and_duplicate_key_rates_are_refused():
    with pytest.raises(InvalidValue):
        RateTable(
            (KeyRate(d("2025-01-01"), Decimal(21)),),
            (RateCap(d("2025-01-01"), d("2026-01-01"), Decimal("9.5")), RateCap(d("2025-06-01"), d("2027-01-01"), Decimal(9))),
        )
    with pytest.raises(InvalidValue):
        RateTable((KeyRate(d("2025-01-01"), Decimal(21)), KeyRate(d("2025-01-01"), Decimal(20))))


def test_bad_rows_are_refused():
    with pytest.raises(InvalidValue):
        RateCap(d("2025-01-01"), d("2025-01-01"), Decimal("9.5"))
    with pytest.raises(InvalidValue):
        RateCap(d("2025-01-01"), d("2026-01-01"), Decimal("9.5"), "max")
    with pytest.raises(InvalidValue):
        Moratorium(d("2025-01-02"), d("2025-01-01"))
    with pytest.raises(TypeError):
        KeyRate(d("2025-01-01"), 9.5)
    with pytest.raises(InvalidValue):
        KeyRate(d("2025-01-01"), Decimal(-1))
    with pytest.raises(InvalidValue):
        RateTable.from_tables(key_rates=KEY_RATES, moratoria=[{"from": "2020-04-06", "to": "2021-01-01", "applies_to": "some"}])


def test_a_documents_rows_override_the_laws():
    doc = TABLE.overridden_by(
        key_rates=[KeyRate(d("2026-07-27"), Decimal("13.0"))],
        caps=[RateCap(d("2026-01-01"), d("2028-01-01"), Decimal(8), "min")],
        moratoria=[Moratorium(d("2025-05-01"), d("2025-06-01"))],
    )
    assert doc.key_rate(d("2026-08-01")) == Decimal("13.0")
    assert doc.effective_rate(d("2025-12-31")) == Decimal("9.5")  # the law's cap, clipped at 2026-01-01
    assert doc.effective_rate(d("2026-01-01")) == Decimal(8)
    assert doc.effective_rate(d("2027-06-01")) == Decimal(8)
    assert doc.in_moratorium(d("2025-05-15"), debt_arose=d("2025-01-01"))
    assert TABLE.effective_rate(d("2026-01-01")) == Decimal("9.5")  # the original is unchanged


def test_rows_and_table_are_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        TABLE.caps = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        TABLE.key_rates[0].rate = Decimal(1)
