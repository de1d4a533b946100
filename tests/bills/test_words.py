"""Amounts in words as payment forms print them, and the delivery order of flat numbers."""
from __future__ import annotations

import pytest

from bcenter.modules.bills.gather import natural
from bcenter.modules.bills.words import rub_in_words


@pytest.mark.parametrize("kop, words", [
    (654365, "Шесть тысяч пятьсот сорок три рубля 65 копеек"),
    (2101, "Двадцать один рубль 01 копейка"),
    (202, "Два рубля 02 копейки"),
    (1100, "Одиннадцать рублей 00 копеек"),
    (0, "Ноль рублей 00 копеек"),
    (100_000_000, "Один миллион рублей 00 копеек"),
    (200_000_021, "Два миллиона рублей 21 копейка"),
    (-150, "Минус один рубль 50 копеек"),
])
def test_rubles_in_words_kopecks_in_figures(kop, words):
    assert rub_in_words(kop) == words


def test_words_take_kopecks_only():
    from decimal import Decimal

    for bad in (1.5, Decimal("1.50"), "150", True):
        with pytest.raises(TypeError):
            rub_in_words(bad)


def test_flats_in_natural_order():
    flats = ["10", "2", "1", "10а", "Н1", "11", "Н2", "100", "9б"]
    assert sorted(flats, key=natural) == ["1", "2", "9б", "10", "10а", "11", "100", "Н1", "Н2"]
