"""Small helpers for Russian text shown to people."""
from __future__ import annotations


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The form of a noun after a number: 1 дом, 2 дома, 5 домов, 11 домов, 21 дом, 112 домов."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count_ru(n: int, one: str, few: str, many: str) -> str:
    """«23 дома», «1 лицевой счёт» — a number with a thin-spaced thousands separator and its noun."""
    return f"{n:,}".replace(",", "\u00a0") + " " + plural_ru(n, one, few, many)
