"""Period — the billing month (п. 37 ПП 354): strict "YYYY-MM" parsing, month arithmetic across year boundaries,
day counts incl. leap Februaries, the half-open date range, labels for people and for the QR code, immutability."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period

periods = st.builds(Period, st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))


def test_parse_and_str():
    assert Period.parse("2025-01") == Period(2025, 1)
    assert str(Period(2025, 1)) == "2025-01"
    assert str(Period(987, 12)) == "0987-12"


@pytest.mark.parametrize("text", ["2025-1", "2025-13", "2025-00", "25-01", "2025/01", "2025-01-01", " 2025-01",
                                  "2025-01\n", "", "0000-01", "2025-٠١"])
def test_parse_is_strict(text):
    with pytest.raises(InvalidValue) as caught:
        Period.parse(text)
    assert "2025-01" in caught.value.message_ru or "месяц" in caught.value.reason or "год" in caught.value.reason


def test_parse_is_cached_and_refuses_non_strings():
    assert Period.parse("2025-06") is Period.parse("2025-06")
    with pytest.raises(TypeError):
        Period.parse(202506)


def test_constructor_validates():
    with pytest.raises(InvalidValue):
        Period(2025, 13)
    with pytest.raises(InvalidValue):
        Period(0, 1)
    with pytest.raises(TypeError):
        Period("2025", 1)


@pytest.mark.parametrize(
    ("period", "months", "result"),
    [
        (Period(2025, 1), 1, Period(2025, 2)),
        (Period(2025, 12), 1, Period(2026, 1)),
        (Period(2025, 1), -1, Period(2024, 12)),
        (Period(2025, 1), 12, Period(2026, 1)),
        (Period(2025, 1), -25, Period(2022, 12)),
        (Period(2025, 6), 0, Period(2025, 6)),
    ],
)
def test_adding_months_crosses_year_boundaries(period, months, result):
    assert period + months == result
    assert months + period == result
    assert result - months == period


def test_difference_of_periods_is_months():
    assert Period(2026, 1) - Period(2025, 12) == 1
    assert Period(2025, 3) - Period(2024, 12) == 3
    assert Period(2024, 12) - Period(2025, 3) == -3


def test_arithmetic_refuses_other_types():
    with pytest.raises(TypeError):
        Period(2025, 1) + 1.0
    with pytest.raises(TypeError):
        Period(2025, 1) - "2024-12"
    with pytest.raises(TypeError):
        Period(2025, 1) + True


@given(periods, st.integers(min_value=-600, max_value=600))
def test_add_then_subtract_is_identity_and_difference_inverts_add(period, months):
    assert (period + months) - months == period
    assert (period + months) - period == months


@pytest.mark.parametrize(
    ("period", "days"),
    [(Period(2024, 2), 29), (Period(2025, 2), 28), (Period(2000, 2), 29), (Period(1900, 2), 28),
     (Period(2100, 2), 28), (Period(2025, 1), 31), (Period(2025, 4), 30), (Period(2025, 12), 31)],
)
def test_days_in_month_with_leap_februaries(period, days):
    assert period.days == days
    assert period.last_day == date(period.year, period.month, days)
    assert (period.end - period.first_day).days == days


def test_first_last_and_half_open_end():
    december = Period(2025, 12)
    assert december.first_day == date(2025, 12, 1)
    assert december.last_day == date(2025, 12, 31)
    assert december.end == date(2026, 1, 1)
    assert date(2025, 12, 31) in december
    assert december.end not in december
    assert date(2025, 11, 30) not in december


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_of_date_contains_the_date(day):
    period = Period.of(day)
    assert period.first_day <= day < period.end
    assert day in period
    assert Period.of(period.end) == period + 1


def test_range_is_half_open():
    expected = [Period(2024, 11), Period(2024, 12), Period(2025, 1)]
    assert list(Period.range(Period(2024, 11), Period(2025, 2))) == expected
    assert list(Period.range(Period(2025, 1), Period(2025, 1))) == []
    assert list(Period.range(Period(2025, 2), Period(2025, 1))) == []


def test_ordering_and_hashing():
    assert Period(2024, 12) < Period(2025, 1) < Period(2025, 2)
    assert sorted([Period(2025, 1), Period(2024, 12), Period(2024, 2)]) == [
        Period(2024, 2), Period(2024, 12), Period(2025, 1)]
    assert len({Period(2025, 1), Period.parse("2025-01")}) == 1
    assert max(Period(2025, 3), Period(2025, 10)) == Period(2025, 10)


def test_period_is_immutable():
    period = Period(2025, 1)
    with pytest.raises(AttributeError):
        period.month = 2
    with pytest.raises(AttributeError):
        period.day = 1  # no attributes of its own either
    with pytest.raises(TypeError):
        period * 2  # a period is not a sequence to repeat


@pytest.mark.parametrize(
    ("period", "label", "mmyyyy"),
    [(Period(2025, 1), "январь 2025", "012025"), (Period(2025, 5), "май 2025", "052025"),
     (Period(2026, 12), "декабрь 2026", "122026")],
)
def test_labels_for_people_and_for_the_qr_code(period, label, mmyyyy):
    assert period.label_ru == label
    assert period.mmyyyy == mmyyyy
