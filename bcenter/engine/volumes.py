"""Объёмы по приборам учёта: разность показаний по зонам, переход через ноль, замена прибора в месяце,
среднемесячный объём и пределы расчёта по среднему.

Rules (DOMAIN.md §1.3, §1.6):

* V = current − previous per tariff zone (ПП 354, п. 42); volumes stay exact, never rounded.
* A reading below the previous one is refused (more often a typing error than a turned-over counter); the caller
  confirms a turnover with ``rollover=True``: V = current + 10^digits − previous [P].
* A meter replaced mid-month: V = (final of the old − previous) + (current of the new − initial of the new).
* Missing readings: the average over the last ≤ 6 periods with actual readings, at least 3 (п. 59 ПП 354), for a
  limited number of consecutive periods (п. 59 «а»: 3 when the meter failed, «б»: 6 when readings were not
  submitted — settings ``average_limits``), then the norm (п. 60).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from bcenter.core.errors import InvalidValue
from bcenter.core.quantity import canonical
from bcenter.core.settings import DEFAULTS, AverageLimits
from bcenter.engine.charges import decimal_math, quantity

__all__ = ["average_allowed", "average_volume", "meter_volume", "replacement_volume"]

_CASES = ("not_submitted", "meter_failed")


@decimal_math
def meter_volume(
    previous: Mapping[str, Decimal],
    current: Mapping[str, Decimal],
    *,
    digits: int,
    rollover: bool = False,
) -> dict[str, Decimal]:
    """Объём по показаниям: V_z = текущее − предыдущее по каждой зоне (ПП 354, п. 42; DOMAIN.md §1.3).

    Both mappings must name the same zones ("total", or "day"/"night"/…). A negative difference raises
    ``InvalidValue`` unless the operator confirmed a turnover (``rollover=True``): then V = current + 10^digits −
    previous, where ``digits`` is the number of integer positions of the counter and both readings must be below
    10^digits. Readings are non-negative. The result keeps the zone order of ``current``.
    """
    if type(digits) is not int or digits < 1:
        raise InvalidValue("разрядность счётного механизма — целое число больше нуля", value=digits)
    if not current:
        raise InvalidValue("нет показаний ни по одной зоне")
    if set(previous) != set(current):
        raise InvalidValue("зоны текущих и предыдущих показаний не совпадают",
                           value=f"{', '.join(sorted(previous))} / {', '.join(sorted(current))}")
    capacity = Decimal(10) ** digits
    volumes: dict[str, Decimal] = {}
    for zone in current:
        before = quantity(previous[zone], f"предыдущее показание ({zone})")
        after = quantity(current[zone], f"текущее показание ({zone})")
        delta = after - before
        if delta < 0:
            if not rollover:
                raise InvalidValue(
                    f"показание по зоне «{zone}» меньше предыдущего ({canonical(before)}): ошибка ввода "
                    f"или переход счётчика через ноль — переход нужно подтвердить",
                    value=canonical(after),
                )
            if before >= capacity:
                raise InvalidValue(f"показание не помещается в {digits} разрядов счётчика", value=canonical(before))
            delta = after + capacity - before
        volumes[zone] = delta
    return volumes


@decimal_math
def replacement_volume(
    *,
    old_previous: Mapping[str, Decimal],
    old_final: Mapping[str, Decimal],
    new_initial: Mapping[str, Decimal],
    new_current: Mapping[str, Decimal],
    digits_old: int,
    digits_new: int,
    rollover: bool = False,
) -> dict[str, Decimal]:
    """Объём за месяц, в котором прибор заменили: (конечное старого − предыдущее) + (текущее нового − начальное
    нового) по каждой зоне (ПП 354, п. 42, п. 81; DOMAIN.md §1.3).

    Each meter's part is ``meter_volume`` with its own digits (``rollover`` applies to both). When the new meter
    has other zones than the old one (one-zone → day/night) the result has the zones of both: the old meter's
    volume under its zones, the new one's under its own; equal zones are summed.
    """
    old = meter_volume(old_previous, old_final, digits=digits_old, rollover=rollover)
    new = meter_volume(new_initial, new_current, digits=digits_new, rollover=rollover)
    total = dict(old)
    for zone, volume in new.items():
        total[zone] = total.get(zone, Decimal(0)) + volume
    return total


@decimal_math
def average_volume(monthly: Sequence[Decimal], *, min_months: int = 3, window: int = 6) -> Decimal | None:
    """Среднемесячный объём (ПП 354, п. 59: за не менее 6 месяцев, а если прибор работал меньше — за фактический
    период, но не менее 3 месяцев; DOMAIN.md §1.6).

    ``monthly`` are the volumes of the periods with actual readings, oldest first; the average is taken over the
    last ``window`` of them (all, if fewer) and is exact (unrounded). Fewer than ``min_months`` → None (bill by
    the norm). Heating uses the heating-season months only — the caller passes those.
    """
    if type(min_months) is not int or type(window) is not int or not 1 <= min_months <= window:
        raise InvalidValue("нужно 1 ≤ min_months ≤ window", value=f"{min_months}, {window}")
    values = [quantity(v, "месячный объём") for v in monthly]
    base = values[-window:]
    if len(base) < min_months:
        return None
    return sum(base, Decimal(0)) / len(base)


def average_allowed(
    consecutive_periods_without: int,
    *,
    case: Literal["not_submitted", "meter_failed"],
    limits: AverageLimits = DEFAULTS.average_limits,
) -> bool:
    """May this period still be billed by the average? (ПП 354, п. 59 «а», «б»; after the limit — п. 60, norm).

    ``consecutive_periods_without`` counts the periods in a row without readings up to and including the one
    being billed (the first such period is 1). True while it is ≤ the limit of ``case``: "meter_failed" (п. 59 «а»:
    meter failed, lost or out of verification; default 3) or "not_submitted" (п. 59 «б»; default 6). ``limits``
    are the settings' ``average_limits`` (residential premises; non-residential ones have 3 and 2 [U]).
    """
    if case not in _CASES:
        raise InvalidValue("случай п. 59: not_submitted или meter_failed", value=case)
    if type(consecutive_periods_without) is not int or consecutive_periods_without < 0:
        raise InvalidValue("число периодов без показаний — целое неотрицательное",
                           value=consecutive_periods_without)
    limit = limits.of(case)
    if type(limit) is not int or limit < 0:
        raise InvalidValue(f"предел расчёта по среднему ({case}) — целое неотрицательное", value=limit)
    return consecutive_periods_without <= limit
