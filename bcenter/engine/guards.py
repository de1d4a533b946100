"""Type guards at the engine's doors: a date is a date (not a datetime), kopecks are int, a period is a Period.

Wrong types are programming errors (``TypeError``), not bad user data; the messages name the argument.
"""
from __future__ import annotations

from datetime import date, datetime

from bcenter.core.period import Period


def check_date(value: object, name: str) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name}: ожидается date, получено {type(value).__name__} (expected datetime.date)")


def check_kop(value: object, name: str) -> None:
    if type(value) is not int:
        raise TypeError(f"{name}: копейки — это int, получено {type(value).__name__} (kopecks must be int)")


def check_period(value: object, name: str) -> None:
    if not isinstance(value, Period):
        raise TypeError(f"{name}: ожидается Period, получено {type(value).__name__}")
