"""Plain immutable data shared by the engine's functions.

Attributes are documented on each class (as beancount's directives are). Nothing here knows about the
database: services, accounts and suppliers are referred to by opaque string keys chosen by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping



@dataclass(frozen=True, slots=True)
class Derivation:
    """Why a line is what it is.

    Attributes:
        method: how it was computed (``meter``, ``norm``, ``norm_k``, ``average``, ``house_meter_share``,
            ``area`` …).
        formula: the formula with its numbers, in Russian, as the ЕПД and ``explain`` show it:
            ``"8.333 м³ × 48.57 руб./м³ = 404.73381 → 404.73"``.
        basis: the legal basis: ``"ПП 354, прил. 2, ф. 1"``.
        inputs: every input by name as canonical text (readings, persons, norm, tariff, K, areas, days…).
    """

    method: str
    formula: str
    basis: str
    inputs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Line:
    """One calculated line for an account × service × period.

    Attributes:
        service: the caller's key of the service.
        kind: ``charge``, ``common_property``, ``recalc``, ``quality``, ``absence`` or ``benefit``.
        method: as in ``Derivation.method``.
        volume: the volume billed (unrounded), or None for area-based lines without volume.
        tariff: the rate applied (rubles per unit), or None where several apply (zones, two-part).
        coefficient: the increasing coefficient applied (1 when none).
        amount: kopecks, rounded once (ROUND_HALF_UP); negative for reductions.
        excess: kopecks by which the increasing coefficient raised the amount (ЕПД shows it), else 0.
        derivation: the why.
    """

    service: str
    kind: str
    method: str
    volume: Decimal | None
    tariff: Decimal | None
    coefficient: Decimal
    amount: int
    excess: int
    derivation: Derivation
