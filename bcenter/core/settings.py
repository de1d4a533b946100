"""Настройки расчёта: политики там, где закон оставляет выбор (DOMAIN.md, пометки [P]), — одним типом.

Rule: every setting, its default and its allowed values are written here and nowhere else. A database keeps the
settings a document brought (EXCHANGE.md ``settings``: one row per key); ``Settings.from_mapping`` turns those rows
into one frozen value, refusing an unknown key or a value outside the allowed ones with a message naming the key.
The engine and the services read attributes (``settings.person_count``), never a raw mapping with a default beside
it. ``tests/test_architecture.py`` checks that the exchange schema's defaults are these.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bcenter.core.errors import Problem, ValidationFailed

__all__ = ["AverageLimits", "CHOICES", "CoefficientRow", "DEFAULTS", "RateCapRow", "Settings"]

CHOICES: Mapping[str, tuple[str, ...]] = {
    "due_day_rule": ("law",),
    "common_property_cap": ("norm", "none"),
    "common_property_rounding": ("balanced", "independent"),
    "negative_common_property": ("zero", "carry_forward"),
    "quality_excess_hours": ("max", "total_only"),
    "payment_application": ("specified_then_fifo", "fifo"),
    "penalty_application": ("named_bill", "last", "never"),
    "credit_application": ("own_supplier", "any_supplier"),
    "shared_meter_volume": ("by_part", "whole"),
    "person_count": ("person_days", "month_start"),
    "absence_days": ("exclude_travel_days",),
    "penalty_rounding": ("per_interval",),
    "room_temperature_night": ("measured", "day_only"),
    "qr_payer_fields": ("none", "name", "name_address"),
}
"""The allowed values of each choice; the first is the default."""


@dataclass(frozen=True, slots=True)
class AverageLimits:
    """Consecutive periods billed by the average before the norm (ПП 354 п. 59, 60).

    Attributes:
        not_submitted: readings not submitted (п. 59 «б»).
        meter_failed: the meter failed, was lost or its verification expired (п. 59 «а»).
    """

    not_submitted: int = 6
    meter_failed: int = 3

    def of(self, case: str) -> int:
        return {"not_submitted": self.not_submitted, "meter_failed": self.meter_failed}[case]


@dataclass(frozen=True, slots=True)
class CoefficientRow:
    """A row added to the built-in table of increasing coefficients (ПП 354 п. 42; ПП 1871)."""

    resource: str
    start: date
    end: date | None
    value: Decimal


@dataclass(frozen=True, slots=True)
class RateCapRow:
    """A row added to the built-in table of penalty-rate caps (ПП 474, 2382, 329): ``[start, end)``."""

    start: date
    end: date
    max_rate: str


@dataclass(frozen=True, slots=True)
class Settings:
    """Every policy setting with its default (EXCHANGE.md ``settings``).

    Attributes:
        due_day_rule: "law" — the 10th of the next month, the 15th from billing period 2026-02 (177-ФЗ).
        common_property_cap: "norm" — КР на СОИ capped by norm × S_ои; "none" — the meeting decided the actual.
        common_property_rounding: "balanced" (largest remainder) | "independent".
        negative_common_property: "zero" | "carry_forward".
        quality_excess_hours: "max" (max of the monthly total and the per-event excess) | "total_only".
        payment_application: "specified_then_fifo" (ст. 319.1 ГК) | "fifo".
        penalty_application: "named_bill" — a payment naming a bill and covering its total pays that bill's
            penalties too, else charges first, penalties last | "last" — always charges first, penalties last |
            "never" — payments never pay penalties (``bcenter.engine.payments`` rule 6) [P].
        credit_application: "own_supplier" — a migrated advance or a month's negative net pays the lines of the
            supplier it came from only | "any_supplier" — any line, as before 2026-12-05
            (``bcenter.engine.position``) [P].
        shared_meter_volume: a meter of premises with several accounts (shares of co-owners, an owner changed
            within the month): "by_part" — each account is billed the meter's volume times its part (share ×
            days), as its persons and area are, and a person's absence is recalculated on that part too [P];
            "whole" — every account the whole volume and the whole absence, as releases before 2026-12-07 did
            (billed once per account: kept only to compare old outputs).
        person_count: "person_days" (prorated by days) | "month_start".
        absence_days: "exclude_travel_days" (departure and return days not counted).
        penalty_rounding: "per_interval".
        room_temperature_night: heating room temperature acts (ПП 354 прил. 1 п. 15) give one measured temperature
            for the whole event; "measured" — it holds at night (00:00–05:00) too, where 3 °C less is allowed;
            "day_only" — night hours are not counted (nobody measured at night) [P].
        qr_payer_fields: the payer's fields in the ЕПД's payment codes (all optional in ГОСТ Р 56042) — "none"
            (a lean code: the account number names the payer; fewer bytes, larger modules, read at 100 dpi) |
            "name" (LastName, FirstName, MiddleName) | "name_address" (and PayerAddress) [P].
        average_limits: periods of the average before the norm (п. 59).
        shift_due_to_working_day: a due date on a non-working day moves to the next working day (ст. 193 ГК).
        increasing_coefficients, penalty_rate_caps: rows added to the built-in law tables.
        non_working_days, working_days: days added to the built-in production calendar.
    """

    due_day_rule: str = "law"
    common_property_cap: str = "norm"
    common_property_rounding: str = "balanced"
    negative_common_property: str = "zero"
    quality_excess_hours: str = "max"
    payment_application: str = "specified_then_fifo"
    penalty_application: str = "named_bill"
    credit_application: str = "own_supplier"
    shared_meter_volume: str = "by_part"
    person_count: str = "person_days"
    absence_days: str = "exclude_travel_days"
    penalty_rounding: str = "per_interval"
    room_temperature_night: str = "measured"
    qr_payer_fields: str = "none"
    average_limits: AverageLimits = field(default_factory=AverageLimits)
    shift_due_to_working_day: bool = True
    increasing_coefficients: tuple[CoefficientRow, ...] = ()
    penalty_rate_caps: tuple[RateCapRow, ...] = ()
    non_working_days: tuple[date, ...] = ()
    working_days: tuple[date, ...] = ()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, where: str = "settings") -> "Settings":
        """Settings from stored or imported values (JSON-like); a missing key takes its default. Every problem —
        an unknown key, a value not allowed, a malformed row — is reported at once, named ``settings.<key>``."""
        problems: list[Problem] = []
        known = {f.name for f in fields(cls)} | {"extra"}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            path = f"{where}.{key}"
            if key not in known:
                problems.append(Problem(path, "неизвестная настройка"))
            elif key in CHOICES:
                if value not in CHOICES[key]:
                    problems.append(Problem(path, f"допустимы: {', '.join(CHOICES[key])}; получено {value!r}"))
                else:
                    kwargs[key] = value
            elif key == "shift_due_to_working_day":
                if not isinstance(value, bool):
                    problems.append(Problem(path, "ожидается true или false"))
                else:
                    kwargs[key] = value
            elif key == "average_limits":
                kwargs[key] = _limits(value, path, problems)
            elif key == "increasing_coefficients":
                kwargs[key] = tuple(r for r in (_coefficient(v, f"{path}[{i}]", problems)
                                                for i, v in enumerate(_list(value, path, problems))) if r)
            elif key == "penalty_rate_caps":
                kwargs[key] = tuple(r for r in (_cap(v, f"{path}[{i}]", problems)
                                                for i, v in enumerate(_list(value, path, problems))) if r)
            elif key in ("non_working_days", "working_days"):
                days = [_date(v, f"{path}[{i}]", problems) for i, v in enumerate(_list(value, path, problems))]
                kwargs[key] = tuple(d for d in days if d is not None)
        if problems:
            raise ValidationFailed(problems, title="Настройки неверны")
        return cls(**kwargs)


def _list(value: Any, path: str, problems: list[Problem]) -> list:
    if isinstance(value, list):
        return value
    problems.append(Problem(path, "ожидается массив"))
    return []


def _date(value: Any, path: str, problems: list[Problem]) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(path, f"ожидается дата ГГГГ-ММ-ДД, получено {value!r}"))
    return None


def _limits(value: Any, path: str, problems: list[Problem]) -> AverageLimits:
    if not isinstance(value, dict):
        problems.append(Problem(path, "ожидается объект {not_submitted, meter_failed}"))
        return AverageLimits()
    out = {}
    for key, number in value.items():
        if key not in ("not_submitted", "meter_failed"):
            problems.append(Problem(f"{path}.{key}", "неизвестное поле"))
        elif type(number) is not int or number < 0:
            problems.append(Problem(f"{path}.{key}", "ожидается целое число ≥ 0"))
        else:
            out[key] = number
    return AverageLimits(**out)


def _coefficient(value: Any, path: str, problems: list[Problem]) -> CoefficientRow | None:
    if not isinstance(value, dict) or not {"resource", "from", "value"} <= set(value):
        problems.append(Problem(path, "ожидается {resource, from, to?, value}"))
        return None
    start = _date(value["from"], f"{path}.from", problems)
    end = _date(value["to"], f"{path}.to", problems) if value.get("to") is not None else None
    try:
        number = Decimal(str(value["value"]))
    except InvalidOperation:
        problems.append(Problem(f"{path}.value", f"ожидается число, получено {value['value']!r}"))
        return None
    return None if start is None else CoefficientRow(str(value["resource"]), start, end, number)


def _cap(value: Any, path: str, problems: list[Problem]) -> RateCapRow | None:
    if not isinstance(value, dict) or not {"from", "to", "max_rate"} <= set(value):
        problems.append(Problem(path, "ожидается {from, to, max_rate}"))
        return None
    start, end = _date(value["from"], f"{path}.from", problems), _date(value["to"], f"{path}.to", problems)
    return None if start is None or end is None else RateCapRow(start, end, str(value["max_rate"]))


DEFAULTS = Settings()
"""Every setting at its default: what a function of the engine assumes when its caller names no policy."""
