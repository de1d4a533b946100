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


PRIVATE_NAMES = {"birth_date": "дата рождения", "birth_place": "место рождения", "document_series": "паспорт: серия",
                 "document_number": "номер", "document_issued_by": "выдан", "document_issued_on": "дата выдачи",
                 "snils": "СНИЛС", "phone": "телефон", "email": "e-mail", "sex": "пол", "citizenship": "гражданство"}


def describe_private(private: dict | None) -> str:
    """A person's sealed fields for people, in the order of a form: «дата рождения: 06.05.1990; паспорт: серия
    4510; номер 765432; …» (dates as ДД.ММ.ГГГГ)."""
    parts = []
    for key, name in PRIVATE_NAMES.items():
        value = (private or {}).get(key)
        if value in (None, ""):
            continue
        if key in ("birth_date", "document_issued_on") and len(str(value)) == 10:
            value = f"{value[8:10]}.{value[5:7]}.{value[:4]}"
        parts.append(f"{name} {value}" if key in ("document_series", "document_number") else f"{name}: {value}")
    return "; ".join(parts)
