"""Money conversions (ARCHITECTURE.md §2): the decimal context, to_decimal refusing float, rounding half up once,
exact ruble→kopeck conversion of input, kopeck→ruble round trips."""

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.money import (
    CONTEXT,
    KOPECK,
    decimal_context,
    format_kop,
    kop_to_rub,
    round_rub,
    rub_to_kop,
    to_decimal,
    to_kop,
)

kopecks = st.integers(min_value=-10**15, max_value=10**15)


def test_context_is_half_up_and_traps_float_mixing():
    assert CONTEXT.prec == 34
    assert CONTEXT.rounding == decimal.ROUND_HALF_UP
    for trap in (decimal.InvalidOperation, decimal.DivisionByZero, decimal.FloatOperation):
        assert CONTEXT.traps[trap]


def test_decimal_context_refuses_float_mixing():
    with decimal_context():
        with pytest.raises(decimal.FloatOperation):
            Decimal(0.1)
        with pytest.raises(decimal.FloatOperation):
            Decimal("1.10") < 1.1  # noqa: B015 — the comparison itself is what must fail


def test_decimal_context_rounds_half_up_and_restores_the_previous_context():
    before = decimal.getcontext()
    with decimal_context():
        assert Decimal("2.5").to_integral_value() == 3
        assert decimal.getcontext().rounding == decimal.ROUND_HALF_UP
    assert decimal.getcontext() is before


def test_kopeck_constant():
    assert KOPECK == Decimal("0.01")


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), True, False, None, [1], object()])
def test_to_decimal_refuses_anything_but_str_int_decimal(value):
    with pytest.raises(TypeError):
        to_decimal(value)


@pytest.mark.parametrize("value", [0.1, True])
def test_money_functions_refuse_float_and_bool(value):
    for function in (rub_to_kop, round_rub, to_kop, kop_to_rub, format_kop):
        with pytest.raises(TypeError):
            function(value)


def test_to_decimal_accepts_str_int_decimal():
    assert to_decimal("6.935") == Decimal("6.935")
    assert to_decimal(" 12 ") == Decimal(12)
    assert to_decimal(7) == Decimal(7)
    assert to_decimal(Decimal("1.50")) == Decimal("1.50")


@pytest.mark.parametrize("text", ["abc", "", "1,5", "NaN", "Infinity", "-inf"])
def test_to_decimal_rejects_text_that_is_not_a_finite_number(text):
    with pytest.raises(InvalidValue):
        to_decimal(text)


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        ("404.73381", "404.73"),  # G1
        ("602.1405", "602.14"),  # G3
        ("2581.2687654", "2581.27"),  # G5
        ("8.3268", "8.33"),  # G9
        ("-80.2854", "-80.29"),  # G8
        ("0.005", "0.01"),
        ("0.0049999", "0.00"),
        ("-0.005", "-0.01"),  # half away from zero, symmetric
        ("2.675", "2.68"),  # float would give 2.67
    ],
)
def test_round_rub_and_to_kop_round_half_up_once(exact, rounded):
    assert round_rub(Decimal(exact)) == Decimal(rounded)
    assert str(round_rub(Decimal(exact))) == rounded
    assert to_kop(Decimal(exact)) == rub_to_kop(rounded)


def test_round_rub_ignores_the_callers_decimal_context():
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_HALF_EVEN
        assert round_rub(Decimal("0.125")) == Decimal("0.13")
        assert to_kop(Decimal("0.125")) == 13


@pytest.mark.parametrize(
    ("value", "kop"),
    [("1234.56", 123456), ("-80.29", -8029), ("0", 0), ("0.5", 50), ("1.500", 150), (7, 700),
     (Decimal("1E+2"), 10000), ("5000.00", 500000)],
)
def test_rub_to_kop_is_exact(value, kop):
    assert rub_to_kop(value) == kop


@pytest.mark.parametrize("value", ["1.005", "0.001", "-80.295", "abc", "", "1e-3", Decimal("0.125")])
def test_rub_to_kop_refuses_fractions_of_a_kopeck_and_non_numbers(value):
    with pytest.raises(InvalidValue):
        rub_to_kop(value)


def test_rub_to_kop_message_is_russian_and_names_the_value():
    with pytest.raises(InvalidValue) as caught:
        rub_to_kop("1.005")
    assert "«1.005»" in caught.value.message_ru
    assert "копейк" in caught.value.reason


def test_kop_to_rub_has_two_decimals():
    assert str(kop_to_rub(0)) == "0.00"
    assert str(kop_to_rub(5)) == "0.05"
    assert str(kop_to_rub(-8029)) == "-80.29"
    assert str(kop_to_rub(10**12)) == "10000000000.00"


@given(kopecks)
def test_kopecks_round_trip_through_rubles_and_text(k):
    assert rub_to_kop(kop_to_rub(k)) == k
    assert to_kop(kop_to_rub(k)) == k
    assert rub_to_kop(format_kop(k)) == k
    assert Decimal(format_kop(k)) == kop_to_rub(k)


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=8))
def test_to_kop_equals_round_rub_in_kopecks_and_is_within_half_a_kopeck(d):
    k = to_kop(d)
    assert kop_to_rub(k) == round_rub(d)
    assert abs(kop_to_rub(k) - d) <= Decimal("0.005")


@pytest.mark.parametrize("text, kop", [("12 500,00", 1250000), ("12500.5", 1250050), ("1\u00a0000", 100000),
                                       ("-80,29", -8029), ("0,50", 50), (",50", 50), ("100,", 10000),
                                       ("12\t500,00\n", 1250000)])  # the last three: the strict reading refused
def test_rubles_as_a_person_types_them(text, kop):
    from bcenter.core.money import parse_rub_ru

    assert parse_rub_ru(text) == kop


@pytest.mark.parametrize("text", ["1e5", "1E2", "1_000", "+5", "12,345", "0x10", "١٢", ",", "1,2,", "-,5"])
def test_rubles_a_person_did_not_mean_are_refused(text):
    """Text from a person is read strictly (``parse_decimal``): «1e5» for a transfer was 100 000,00 ₽."""
    from bcenter.core.money import parse_rub_ru

    with pytest.raises(InvalidValue):
        parse_rub_ru(text)


def test_a_refused_sum_is_said_in_a_cashiers_words_with_the_text_as_typed():
    """The strict reading names the text as the person typed it (their comma, not the point it was read with) and
    says how a sum is written — not «ожидается число вида 123 или -123.45»."""
    from bcenter.core.money import parse_rub_ru

    with pytest.raises(InvalidValue) as letters:
        parse_rub_ru("много")
    said = "«много»: это не десятичное число (сумма пишется цифрами, копейки через запятую: 1 234,56)"
    assert said in str(letters.value)
    with pytest.raises(InvalidValue) as kopecks:
        parse_rub_ru("12,345")
    assert "«12,345»" in str(kopecks.value) and "после запятой" in str(kopecks.value)
