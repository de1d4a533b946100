"""Money text: the exchange form "1234.56" (EXCHANGE.md) and the Russian display form "3 412,08 ₽" with no-break
spaces and a typographic minus (ARCHITECTURE.md §7)."""

import pytest

from bcenter.core.money import format_kop, format_rub_ru

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize(
    ("kop", "text"),
    [(123456, "1234.56"), (-8029, "-80.29"), (0, "0.00"), (5, "0.05"), (-5, "-0.05"), (100, "1.00"),
     (123456789012, "1234567890.12")],
)
def test_format_kop_exchange_form(kop, text):
    assert format_kop(kop) == text


@pytest.mark.parametrize(
    ("kop", "text"),
    [
        (341208, f"3{NBSP}412,08{NBSP}₽"),
        (-8029, f"{MINUS}80,29{NBSP}₽"),
        (0, f"0,00{NBSP}₽"),
        (99999, f"999,99{NBSP}₽"),
        (100000, f"1{NBSP}000,00{NBSP}₽"),
        (123456789, f"1{NBSP}234{NBSP}567,89{NBSP}₽"),
        (-100000000, f"{MINUS}1{NBSP}000{NBSP}000,00{NBSP}₽"),
    ],
)
def test_format_rub_ru_display_form(kop, text):
    assert format_rub_ru(kop) == text


def test_format_rub_ru_never_uses_a_breaking_space_or_hyphen_minus():
    text = format_rub_ru(-123456789)
    assert " " not in text
    assert "-" not in text
