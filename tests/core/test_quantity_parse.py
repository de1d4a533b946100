"""Quantities (ARCHITECTURE.md §2, EXCHANGE.md): strict parse_decimal with Russian reasons, the canonical storage
text (no exponent, no trailing zeros, no "-0") and its round-trip property, and ownership shares as fractions."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.quantity import canonical, format_decimal_ru, parse_decimal, parse_fraction, parse_typed_decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [("4.745", "4.745"), ("-80.29", "-80.29"), ("10", "10"), ("0", "0"), ("-0", "0"), ("0.0000001", "1E-7"),
     ("007.50", "7.5"), ("123456789012345678901234567890.123456", "123456789012345678901234567890.123456")],
)
def test_parse_decimal_accepts_plain_decimals(text, value):
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("", "пуст"),
        (" 1", "пробел"),
        ("1 ", "пробел"),
        ("1 000", "пробел"),
        ("1\u00a0000", "пробел"),
        ("1,5", "запятая"),
        ("1e3", "экспоненц"),
        ("1E-2", "экспоненц"),
        ("+1", "«+»"),
        (".5", "ожидается"),
        ("5.", "ожидается"),
        ("--1", "ожидается"),
        ("NaN", "ожидается"),
        ("Infinity", "ожидается"),
        ("1_000", "ожидается"),
        ("١٢", "ожидается"),  # Arabic-Indic digits: Decimal() would take them, we do not
        ("1\n", "пробел"),
    ],
)
def test_parse_decimal_rejects_everything_else_with_a_russian_reason(text, reason_part):
    with pytest.raises(InvalidValue) as caught:
        parse_decimal(text)
    assert reason_part in caught.value.reason


def test_parse_decimal_wants_a_string():
    with pytest.raises(TypeError):
        parse_decimal(1.5)


@pytest.mark.parametrize(
    ("value", "text"),
    [("4.7450", "4.745"), ("10", "10"), ("1E+1", "10"), ("54.30", "54.3"), ("-0", "0"), ("-0.000", "0"),
     ("0.00", "0"), ("1E-7", "0.0000001"), ("-12.500", "-12.5"), ("100.0", "100"), ("1.05342", "1.05342")],
)
def test_canonical_text(value, text):
    assert canonical(Decimal(value)) == text


def test_a_quantity_for_people_has_a_decimal_comma_and_reads_back():
    """ARCHITECTURE.md §7: an area «34,84 м²», a volume «4,745»; a form's text typed back is the same number."""
    assert format_decimal_ru("34.84") == "34,84"
    assert format_decimal_ru(Decimal("4.7450")) == "4,745"
    assert format_decimal_ru(Decimal("-12.50")) == "-12,5"
    assert format_decimal_ru(3) == "3" and format_decimal_ru("1234.5") == "1234,5"
    assert parse_typed_decimal(format_decimal_ru(Decimal("0.0000001"))) == Decimal("0.0000001")


def test_canonical_of_int_and_refusals():
    assert canonical(42) == "42"
    with pytest.raises(TypeError):
        canonical(1.5)
    with pytest.raises(TypeError):
        canonical("1.5")
    with pytest.raises(InvalidValue):
        canonical(Decimal("NaN"))


finite_decimals = st.decimals(allow_nan=False, allow_infinity=False)


@given(finite_decimals)
def test_canonical_round_trips_through_the_strict_parser(d):
    text = canonical(d)
    assert canonical(parse_decimal(text)) == text
    assert parse_decimal(text) == d


@given(finite_decimals, st.integers(min_value=1, max_value=6))
def test_equal_values_have_one_canonical_text(d, zeros):
    sign, digits, exponent = d.as_tuple()
    padded = Decimal((sign, digits + (0,) * zeros, exponent - zeros))  # same value, more trailing zeros
    assert padded == d
    assert canonical(padded) == canonical(d)
    assert "E" not in canonical(d) and "e" not in canonical(d)


@pytest.mark.parametrize(("text", "share"), [("1/2", Fraction(1, 2)), ("1/1", Fraction(1)), ("2/3", Fraction(2, 3)),
                                             ("2/4", Fraction(1, 2)), ("13/100", Fraction(13, 100))])
def test_parse_fraction_accepts_shares(text, share):
    assert parse_fraction(text) == share


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [("0/1", "больше нуля"), ("3/2", "больше целого"), ("1/0", "нулём"), ("1", "числитель/знаменатель"),
     ("-1/2", "числитель/знаменатель"), ("1 / 2", "числитель/знаменатель"), ("0.5", "числитель/знаменатель"),
     ("", "числитель/знаменатель"), ("1" * 30 + "/" + "1" * 31, "длинные")],
)
def test_parse_fraction_rejects_non_shares(text, reason_part):
    with pytest.raises(InvalidValue) as caught:
        parse_fraction(text)
    assert reason_part in caught.value.reason
