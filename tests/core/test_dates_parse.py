"""Date text: strict "YYYY-MM-DD" with Russian reasons (impossible days, wrong formats), ISO 8601 date-times that
must state their offset, and the Russian display form "28.11.2026"."""

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.dates import format_date_ru, parse_date, parse_datetime
from bcenter.core.errors import InvalidValue


def test_parse_date():
    assert parse_date("2025-01-31") == date(2025, 1, 31)
    assert parse_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("2025-02-30", "в феврале 2025 года 28 дней"),
        ("2025-02-29", "в феврале 2025 года 28 дней"),
        ("2025-04-31", "в апреле 2025 года 30 дней"),
        ("2025-01-32", "в январе 2025 года 31 день"),
        ("2025-01-00", "такого дня нет"),
        ("2025-13-01", "месяц"),
        ("0000-01-01", "год"),
        ("30.01.2025", "ГГГГ-ММ-ДД"),
        ("2025-1-5", "ГГГГ-ММ-ДД"),
        ("20250105", "ГГГГ-ММ-ДД"),
        ("2025-01-05T00:00", "ГГГГ-ММ-ДД"),
        (" 2025-01-05", "ГГГГ-ММ-ДД"),
        ("", "ГГГГ-ММ-ДД"),
    ],
)
def test_parse_date_is_strict_with_russian_reasons(text, reason_part):
    with pytest.raises(InvalidValue) as caught:
        parse_date(text)
    assert reason_part in caught.value.reason
    assert f"«{text}»" in caught.value.message_ru


def test_parse_date_refuses_non_strings():
    with pytest.raises(TypeError):
        parse_date(date(2025, 1, 1))


@given(st.dates())
def test_iso_text_round_trips(day):
    assert parse_date(day.isoformat()) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01T09:30:00+03:00", datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc)),
        ("2025-03-01T06:30:00Z", datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc)),
        ("2025-03-01T06:30Z", datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc)),
        ("2025-03-01T06:30:00.123456-01:00", datetime(2025, 3, 1, 7, 30, 0, 123456, tzinfo=timezone.utc)),
    ],
)
def test_parse_datetime_with_offset(text, expected):
    parsed = parse_datetime(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None


def test_parse_datetime_keeps_the_given_offset():
    assert parse_datetime("2025-03-01T09:30:00+03:00").utcoffset() == timedelta(hours=3)


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("2025-03-01T09:30:00", "смещение"),
        ("2025-03-01", "ISO 8601"),
        ("01.03.2025 09:30", "ISO 8601"),
        ("2025-03-01 09:30:00+03:00", "ISO 8601"),
        ("2025-02-30T09:30:00Z", "не существует"),
        ("2025-03-01T25:00:00Z", "не существует"),
    ],
)
def test_parse_datetime_refuses_ambiguous_or_malformed_text(text, reason_part):
    with pytest.raises(InvalidValue) as caught:
        parse_datetime(text)
    assert reason_part in caught.value.reason


@pytest.mark.parametrize(
    ("day", "text"),
    [(date(2026, 11, 28), "28.11.2026"), (date(2025, 1, 5), "05.01.2025"), (date(987, 3, 4), "04.03.0987")],
)
def test_format_date_ru(day, text):
    assert format_date_ru(day) == text
