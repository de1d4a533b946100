"""bcenter.core — money, quantities, periods, dates, ids, clock, errors: pure data and algorithms.

Rule (ARCHITECTURE.md §1): this package imports nothing of ours and only the standard library; it does no I/O
and reads no clock (except ``clock.SystemClock``). ``engine`` builds on it; everything else may use it.
"""

from bcenter.core.clock import Clock, FixedClock, SystemClock
from bcenter.core.dates import DateInterval, format_date_ru, parse_date, parse_datetime
from bcenter.core.errors import (
    BcenterError,
    ConfigError,
    IntegrityAlarm,
    InvalidValue,
    NotFound,
    PeriodClosed,
    PermissionDenied,
    Problem,
    UsageError,
    ValidationFailed,
)
from bcenter.core.ids import is_uuid, uuid7, uuid7_time
from bcenter.core.money import (
    CONTEXT,
    KOPECK,
    allocate,
    decimal_context,
    format_kop,
    format_rub_ru,
    kop_to_rub,
    round_rub,
    rub_to_kop,
    to_decimal,
    to_kop,
)
from bcenter.core.period import Period
from bcenter.core.quantity import canonical, parse_decimal, parse_fraction

__all__ = [
    "CONTEXT",
    "KOPECK",
    "BcenterError",
    "Clock",
    "ConfigError",
    "DateInterval",
    "FixedClock",
    "IntegrityAlarm",
    "InvalidValue",
    "NotFound",
    "Period",
    "PeriodClosed",
    "PermissionDenied",
    "Problem",
    "SystemClock",
    "UsageError",
    "ValidationFailed",
    "allocate",
    "canonical",
    "decimal_context",
    "format_date_ru",
    "format_kop",
    "format_rub_ru",
    "is_uuid",
    "kop_to_rub",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "parse_fraction",
    "round_rub",
    "rub_to_kop",
    "to_decimal",
    "to_kop",
    "uuid7",
    "uuid7_time",
]
