"""Закрытие периода: the arithmetic of a balance snapshot (сальдо) per account × service × supplier, pure.

Rules (ARCHITECTURE.md §3; ч. 14, 14.1 ст. 155 ЖК РФ for penalties):

* closing = opening + charged + recalculated + quality + benefits − paid + penalties, and the next period opens
  with it: ``closing(P) == opening(P+1)``.
* A line's kind says which column it moves (``KIND_FIELD``): charges and common-property lines are «начислено»,
  recalculations «перерасчёт», quality and absence reductions «снижение», benefits «льготы».
* **paid** of a period is what payments have covered of that key as of the period's last day less what earlier
  periods already counted (``movement``): money paid ahead counts in the month whose charges take it, a payment
  dated in a closed month but recorded later counts in the open month.
* **penalties** of a period are the penalty due as of its last day less the penalties posted into earlier periods
  (``movement`` again): a recalculation of an old month corrects its penalty in the month it is found.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

__all__ = ["FIELDS", "KIND_FIELD", "closing", "movement", "with_closing"]

FIELDS = ("opening", "charged", "recalculated", "quality", "benefits", "paid", "penalties", "closing")
"""The columns of a balance snapshot, in the order they are stored and printed."""

KIND_FIELD = {"charge": "charged", "common_property": "charged", "recalc": "recalculated", "quality": "quality",
              "absence": "quality", "benefit": "benefits"}
"""Which column a charge line of each kind moves."""

K = TypeVar("K")


def closing(values: Mapping[str, int]) -> int:
    """opening + charged + recalculated + quality + benefits − paid + penalties (kopecks)."""
    return (values["opening"] + values["charged"] + values["recalculated"] + values["quality"] + values["benefits"]
            - values["paid"] + values["penalties"])


def with_closing(values: Mapping[str, int]) -> dict[str, int]:
    """The snapshot's values with ``closing`` computed from the others."""
    out = dict(values)
    out["closing"] = closing(out)
    return out


def movement(to_date: Mapping[K, int], counted_before: Mapping[K, int]) -> dict[K, int]:
    """What a period adds per key: the total as of its last day less what earlier periods counted (only keys that
    move). Summed over consecutive periods it gives back the total — nothing counted twice, nothing lost."""
    out: dict[K, int] = {}
    for key in set(to_date) | set(counted_before):
        moved = to_date.get(key, 0) - counted_before.get(key, 0)
        if moved:
            out[key] = moved
    return out
