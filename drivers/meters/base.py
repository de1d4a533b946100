"""What a meter read over a line gives: values with their OBIS codes, Russian labels and units, the meter's serial."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol, runtime_checkable

ENERGY_LABELS = {1: "активная энергия, прямое направление (A+)", 2: "активная энергия, обратное направление (A−)",
                 3: "реактивная энергия, прямое направление (R+)", 4: "реактивная энергия, обратное направление (R−)"}


def tariff_label(tariff: int) -> str:
    return "сумма тарифов" if tariff == 0 else f"тариф {tariff}"


@dataclass(frozen=True)
class MeterValue:
    code: str        # OBIS (1.8.0 — A+ total, 1.8.1 — A+ T1 …) or the meter's own name (ET0PE)
    label: str       # for people, in Russian
    value: Decimal
    unit: str        # кВт·ч, квар·ч, В, …


@dataclass(frozen=True)
class MeterReading:
    protocol: str
    serial: str
    values: tuple[MeterValue, ...]
    extra: dict = field(default_factory=dict)

    def value(self, code: str) -> Decimal | None:
        return next((v.value for v in self.values if v.code == code), None)


@runtime_checkable
class MeterReader(Protocol):
    def read(self) -> MeterReading: ...
