"""КР на СОИ (бывшее ОДН): объём дома к оплате и его распределение по помещениям пропорционально площади.

Rules (DOMAIN.md §1.9; ЖК РФ ч. 9.2 ст. 156; ПП 354, п. 44, прил. 2, ф. 10–15; EXCHANGE.md ``settings``):

* house volume V = V_ОДПУ − Σ V_помещений (meters, norms and averages of all premises, residential or not); without a
  house meter V = N_СОИ × S_ои;
* cap ("norm", default): owners pay at most N_СОИ × S_ои, the excess is borne by the УК; "none": the general
  meeting decided to distribute the actual volume;
* a negative V bills 0 ("zero", default) or is also carried into the next period's difference
  ("carry_forward") [P];
* V_i = V × S_i / S_об, P_i = V_i × T. "balanced" (default): the house total to_kop(V × Σ S_i / S_об × T) is split by
  largest remainder so the lines sum exactly to it (G7b); "independent": each line rounded alone.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from bcenter.core.errors import InvalidValue
from bcenter.core.money import allocate, format_kop, to_kop
from bcenter.core.quantity import canonical
from bcenter.core.settings import CHOICES, DEFAULTS
from bcenter.engine.charges import (
    decimal_math,
    fmt_quantity,
    make_line,
    quantity,
    rate_label,
)
from bcenter.engine.types import Line

__all__ = ["billable_house_volume", "distribute"]

_CAPS = CHOICES["common_property_cap"]
_NEGATIVES = CHOICES["negative_common_property"]
_ROUNDINGS = CHOICES["common_property_rounding"]
_BASIS = "ЖК РФ, ч. 9.2 ст. 156; ПП 354, п. 44, прил. 2, ф. 10, 11 (распределение пропорционально площади)"


@decimal_math
def billable_house_volume(
    *,
    house_volume: Decimal | None,
    premises_volume: Decimal,
    norm: Decimal,
    common_area: Decimal,
    cap: str = DEFAULTS.common_property_cap,
    negative: str = DEFAULTS.negative_common_property,
    carried: Decimal = Decimal(0),
) -> tuple[Decimal, Decimal]:
    """Объём КР на СОИ к оплате собственниками и переносимый остаток: ``(billable, carry_forward)``
    (ЖК РФ ч. 9.2 ст. 156; ПП 354, п. 44; DOMAIN.md §1.9, G7).

    * No house meter (``house_volume`` None): billable = ``norm`` × ``common_area`` (N_СОИ × S_ои, ф. 15); a
      carried negative waits for the next metered period (returned unchanged).
    * Otherwise actual = house_volume − premises_volume + carried (``carried`` ≤ 0 is last period's
      carry-forward, applied before the cap [P]).
    * actual < 0: billable 0; carry-forward 0 for ``negative`` "zero", ``actual`` for "carry_forward".
    * actual ≥ 0: billable = min(actual, N_СОИ × S_ои) for ``cap`` "norm", actual for "none"; carry-forward 0.

    G7: 1300 − 1200 = 100 кВт·ч, cap 0.9 × 80 = 72 → (72, 0); G7b (cap "none") → (100, 0). Volumes stay exact.
    """
    if cap not in _CAPS:
        raise InvalidValue("ограничение объёма СОИ: norm или none", value=cap)
    if negative not in _NEGATIVES:
        raise InvalidValue("отрицательный объём СОИ: zero или carry_forward", value=negative)
    norm_volume = quantity(norm, "норматив СОИ") * quantity(common_area, "площадь общего имущества")
    carry = quantity(carried, "перенесённый остаток", minimum=None)
    if carry > 0:
        raise InvalidValue("перенесённый остаток объёма СОИ может быть только отрицательным", value=canonical(carry))
    if house_volume is None:
        return norm_volume, carry
    actual = quantity(house_volume, "объём по ОДПУ") - quantity(premises_volume, "объём помещений") + carry
    if actual < 0:
        return Decimal(0), actual if negative == "carry_forward" else Decimal(0)
    if cap == "norm":
        return min(actual, norm_volume), Decimal(0)
    return actual, Decimal(0)


@decimal_math
def distribute(
    service: str,
    *,
    billable: Decimal,
    areas: Mapping[str, Decimal],
    house_area: Decimal,
    tariff: Decimal,
    rounding: str = DEFAULTS.common_property_rounding,
    unit: str = "",
    norm: Decimal | None = None,
    common_area: Decimal | None = None,
) -> dict[str, Line]:
    """Распределение КР на СОИ по помещениям: V_i = V × S_i / S_об, P_i = V_i × T (ПП 354, прил. 2, ф. 10, 11;
    DOMAIN.md §1.9, §0 largest remainder, G7/G7b).

    ``areas`` maps the caller's key of each premises (or account) to S_i; ``house_area`` is S_об of all premises of
    the house (Σ S_i may be smaller when some premises are billed elsewhere, never larger). Lines are
    kind "common_property", method "house_meter_share", keyed like ``areas``.

    * "balanced": the house total to_kop(V × Σ S_i / S_об × T) is split in proportion to S_i by largest remainder
      (ties: lower key first), so the lines sum exactly to it — G7b: 152.94 / 209.89 / 280.17 = 643.00.
    * "independent": each line is to_kop(V × S_i / S_об × T) — G7b: 152.94 / 209.89 / 280.16 = 642.99.

    ``norm`` (N_СОИ per m² of common property) and ``common_area`` (S_ои), when given, go into the lines' inputs:
    the ЕПД prints them (п. 69 «е» ПП 354: the norms of the resources for common property).
    """
    if rounding not in _ROUNDINGS:
        raise InvalidValue("округление КР на СОИ: balanced или independent", value=rounding)
    v = quantity(billable, "объём СОИ к оплате")
    s_house = quantity(house_area, "площадь дома")
    t = quantity(tariff, "тариф")
    if s_house <= 0:
        raise InvalidValue("общая площадь помещений дома должна быть больше нуля", value=canonical(s_house))
    keys = list(areas)
    shares = {key: quantity(areas[key], f"площадь помещения {key}") for key in keys}
    s_sum = sum(shares.values(), Decimal(0))
    if s_sum > s_house:
        raise InvalidValue(f"сумма площадей помещений больше площади дома ({canonical(s_house)})",
                           value=canonical(s_sum))
    inputs_common = {"billable": canonical(v), "house_area": canonical(s_house), "tariff": canonical(t),
                     "rounding": rounding}
    if norm is not None and common_area is not None:
        inputs_common |= {"norm": canonical(quantity(norm, "норматив СОИ")),
                          "common_area": canonical(quantity(common_area, "площадь общего имущества"))}
    allocated: dict[str, int] = {}
    note = ""
    if rounding == "balanced" and keys:
        house_total = to_kop(v * s_sum * t / s_house)
        parts = allocate(house_total, [shares[k] for k in keys], tie_break=keys)
        allocated = dict(zip(keys, parts))
        inputs_common |= {"areas_sum": canonical(s_sum), "house_amount": format_kop(house_total)}
        note = f"итог по дому {format_kop(house_total)} распределён по площадям методом наибольшего остатка"
    lines = {}
    for key in keys:
        s = shares[key]
        expression = (f"{fmt_quantity(v, unit)} × {fmt_quantity(s, 'm2')} / {fmt_quantity(s_house, 'm2')} × "
                      f"{fmt_quantity(t)} {rate_label(unit)}")
        lines[key] = make_line(
            service, kind="common_property", method="house_meter_share", exact=v * s * t / s_house,
            expression=expression, basis=_BASIS, inputs={**inputs_common, "area": canonical(s)},
            volume=v * s / s_house, tariff=t, amount=allocated.get(key), note=note,
        )
    return lines
