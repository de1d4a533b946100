"""Начисления за месяц: по прибору учёта, по нормативу (с повышающим коэффициентом), по среднему, по площади,
отопление (по нормативу и по ОДПУ), ГВС по двухкомпонентному тарифу, по числу единиц (ТКО на человека).

Rules (DOMAIN.md §0, §1.2–§1.10; ПП 354 прил. 2):

* every function returns one ``Line`` of kind ``charge``; its amount is the exact product of the unrounded inputs
  rounded **once** to the kopeck, half up (``to_kop``); products are formed before any division, so a repeating
  fraction (7/12 of a year, a share of the house area) never rounds before the kopeck does;
* volumes stay unrounded; ``derivation.formula`` shows the numbers in Russian, ``derivation.inputs`` every input
  as canonical text (money as ``format_kop``).

The small helpers at the top (``fmt_quantity``, ``unit_label``, ``rate_label``, ``decimal_math``, ``make_line``)
are shared by ``common_property`` and ``reductions``.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from bcenter.core.errors import InvalidValue
from bcenter.core.money import decimal_context, format_kop, to_decimal, to_kop
from bcenter.core.quantity import canonical
from bcenter.core.vocabulary import UNIT_LABELS
from bcenter.engine.types import Derivation, Line

__all__ = [
    "area_charge", "average_charge", "decimal_math", "fmt_quantity", "heating_house_meter_charge",
    "heating_norm_charge", "increasing_coefficient", "make_line", "meter_charge", "norm_charge", "per_unit_charge",
    "quantity", "rate_label", "two_part_hot_water_charge", "unit_label",
]

# --- shared helpers ---------------------------------------------------------------------------------------------


_ZONE_LABELS = {"day": "день", "night": "ночь", "peak": "пик", "half_peak": "полупик", "total": ""}
_SHOWN_DECIMALS = 10

F = TypeVar("F", bound=Callable)


def decimal_math(fn: F) -> F:
    """Run the function inside ``decimal_context()`` (34 digits, ROUND_HALF_UP, float mixing trapped)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with decimal_context():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


_MEMO_SIZE = 10_000
"""Lines kept per charge function (``memoized``; ~1 kB each, so at most ~10 MB a function)."""


def _typed(value):
    """A memo key's part: the value with its type (``Decimal("0.5") == 0.5`` and ``True == 1`` hash alike, but a
    float must still be refused and a bool is not a count); mappings and sequences item by item, in their order."""
    kind = type(value)
    if kind is dict:
        return tuple((k, _typed(v)) for k, v in value.items())
    if kind is tuple or kind is list:
        return kind, tuple(_typed(v) for v in value)
    return kind, value


def memoized(fn: F) -> F:
    """Keep the lines a pure charge function returned, by its arguments (their values and types).

    A month of a town asks for the same line again and again: the same area × rate, the same persons × norm, the
    same volume × tariff (on a 20 000-account town 155 600 calls, 26 700 distinct — 83 % asked before). A ``Line``
    is immutable, so the one kept is the one the call would make. An argument that cannot be a key (an unhashable
    value) just calls the function; a call that raises keeps nothing."""
    memo: dict = {}

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            key = (tuple(_typed(a) for a in args), tuple((k, _typed(v)) for k, v in kwargs.items()))
            found = memo.get(key, memo)
        except TypeError:  # an unhashable argument: not kept
            return fn(*args, **kwargs)
        if found is memo:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            found = memo[key] = fn(*args, **kwargs)
        return found

    return wrapper  # type: ignore[return-value]


def unit_label(unit: str) -> str:
    """"m3" → "м³", "kwh" → "кВт·ч"; an unknown or Russian label is returned as is; "" stays ""."""
    return UNIT_LABELS.get(unit, unit)


def rate_label(unit: str) -> str:
    """The unit of a rate: "руб./м³"; without a unit "руб./ед."."""
    label = unit_label(unit)
    return f"руб./{label}" if label else "руб./ед."


def fmt_quantity(d: Decimal, unit: str = "") -> str:
    """A quantity for a formula: canonical text, cut to 10 decimals with "…" when longer (display only — the exact
    value is in ``inputs`` or recomputable), followed by the unit label: "8.333 м³", "17.1257142857… кВт·ч".

    The text depends on the value and the unit only, so those of a finite ``Decimal`` met lately are kept: a month's
    formulas print the same areas, rates and norms hundreds of thousands of times."""
    if type(d) is Decimal and d.is_finite():
        key = (d, unit)
        text = _FORMATTED.get(key)
        if text is None:
            if len(_FORMATTED) >= 100_000:
                _FORMATTED.clear()
            text = _FORMATTED[key] = _fmt_quantity(d, unit)
        return text
    return _fmt_quantity(d, unit)


_FORMATTED: dict[tuple[Decimal, str], str] = {}


def _fmt_quantity(d: Decimal, unit: str) -> str:
    text = canonical(d)
    whole, _, fraction = text.partition(".")
    if len(fraction) > _SHOWN_DECIMALS:
        text = f"{whole}.{fraction[:_SHOWN_DECIMALS]}…"
    label = unit_label(unit)
    return f"{text} {label}" if label else text


def quantity(value: Decimal | int | str, name: str, *, minimum: Decimal | int | None = 0) -> Decimal:
    """An input quantity as ``Decimal`` (``float`` refused); below ``minimum`` raises ``InvalidValue`` naming it."""
    d = to_decimal(value)
    if minimum is not None and d < minimum:
        raise InvalidValue(f"{name}: значение не может быть меньше {minimum}", value=canonical(d))
    return d


def make_line(
    service: str,
    *,
    kind: str,
    method: str,
    exact: Decimal,
    expression: str,
    basis: str,
    inputs: Mapping[str, str],
    volume: Decimal | None = None,
    tariff: Decimal | None = None,
    coefficient: Decimal = Decimal(1),
    excess: int = 0,
    amount: int | None = None,
    note: str = "",
) -> Line:
    """A ``Line`` whose amount is ``exact`` rounded once (``to_kop``), or ``amount`` when it was allocated.

    The formula reads "<expression> = <exact> → <amount>[; <note>]".
    """
    rounded = to_kop(exact) if amount is None else amount
    formula = f"{expression} = {fmt_quantity(exact)} → {format_kop(rounded)}"
    if note:
        formula += f"; {note}"
    return Line(
        service=service,
        kind=kind,
        method=method,
        volume=volume,
        tariff=tariff,
        coefficient=coefficient,
        amount=rounded,
        excess=excess,
        derivation=Derivation(method=method, formula=formula, basis=basis, inputs=dict(inputs)),
    )


def _rate(value: Decimal, unit: str) -> str:
    return f"{fmt_quantity(value)} {rate_label(unit)}"


# --- communal services by meter, average and norm ---------------------------------------------------------------

@memoized
@decimal_math
def meter_charge(
    service: str, *, volumes: Mapping[str, Decimal], tariffs: Mapping[str, Decimal], unit: str = ""
) -> Line:
    """Плата по показаниям ИПУ: P = Σ_z V_z × T_z, округлённая один раз (ПП 354, п. 42, прил. 2, ф. 1).

    ``volumes`` and ``tariffs`` are keyed by tariff zone ("total" for a one-zone meter; "day"/"night"/"peak"/
    "half_peak" for a multi-zone electricity meter); every zone with a volume needs a tariff. The zone products are
    summed unrounded and the sum is rounded once (G1: 8.333 м³ × 48.57 = 404.73381 → 404.73). The line's volume is
    Σ V_z; its tariff is T for one zone and None for several.
    """
    return _volume_line(service, volumes=volumes, tariffs=tariffs, unit=unit, method="meter",
                        basis="ПП 354, п. 42, прил. 2, ф. 1")


@memoized
@decimal_math
def average_charge(service: str, *, volume: Decimal, tariff: Decimal, unit: str = "") -> Line:
    """Плата по среднемесячному объёму, когда показаний нет: P = V_ср × T (ПП 354, п. 59, п. 42).

    ``volume`` comes from ``volumes.average_volume`` (unrounded); the limits of п. 59 are checked by
    ``volumes.average_allowed``.
    """
    return _volume_line(service, volumes={"total": volume}, tariffs={"total": tariff}, unit=unit,
                        method="average", basis="ПП 354, п. 59 (по среднемесячному объёму), п. 42")


def _volume_line(service, *, volumes, tariffs, unit, method, basis) -> Line:
    if not volumes:
        raise InvalidValue("нет объёма ни по одной зоне")
    missing = [zone for zone in volumes if zone not in tariffs]
    if missing:
        raise InvalidValue("нет тарифа для зоны", value=", ".join(missing))
    terms, inputs = [], {}
    total_volume, exact = Decimal(0), Decimal(0)
    single = len(volumes) == 1
    for zone, raw_volume in volumes.items():
        v = quantity(raw_volume, f"объём ({zone})")
        t = quantity(tariffs[zone], f"тариф ({zone})")
        total_volume += v
        exact += v * t
        zone_label = "" if single else _ZONE_LABELS.get(zone, zone)
        prefix = f"{zone_label}: " if zone_label else ""
        terms.append(f"{prefix}{fmt_quantity(v, unit)} × {_rate(t, unit)}")
        suffix = "" if single and zone == "total" else f".{zone}"
        inputs[f"volume{suffix}"] = canonical(v)
        inputs[f"tariff{suffix}"] = canonical(t)
    tariff = quantity(tariffs[next(iter(volumes))], "тариф") if single else None
    return make_line(service, kind="charge", method=method, exact=exact, expression=" + ".join(terms),
                     basis=basis, inputs=inputs, volume=total_volume, tariff=tariff)


@memoized
@decimal_math
def norm_charge(
    service: str,
    *,
    persons: Decimal,
    norm: Decimal,
    tariff: Decimal,
    coefficient: Decimal = Decimal(1),
    method: str = "norm",
    unit: str = "",
) -> Line:
    """Плата по нормативу: P = n × N × K × T (ПП 354, п. 42, прил. 2, ф. 4; K — п. 42, DOMAIN.md §1.4–§1.5).

    ``persons`` is the number of permanent and temporary residents (fractional when prorated by person-days,
    ``persons.resident_count``); the owners' count when nobody lives there is the caller's choice (п. 56(2)).
    The line's volume is n × N (unrounded), its coefficient K (≥ 1). With K > 1 the method "norm" becomes
    "norm_k" and ``excess`` = to_kop(n × N × K × T) − to_kop(n × N × T), the ЕПД's «размер превышения» [P].
    G3: 3 × 4.745 × 42.30 = 602.1405 → 602.14.
    """
    n = quantity(persons, "число проживающих")
    norm_value = quantity(norm, "норматив")
    t = quantity(tariff, "тариф")
    k = quantity(coefficient, "повышающий коэффициент", minimum=1)
    volume = n * norm_value
    exact = volume * k * t
    without_k = volume * t
    excess = to_kop(exact) - to_kop(without_k)
    if method == "norm" and k > 1:
        method = "norm_k"
    label = unit_label(unit)
    norm_text = f"{fmt_quantity(norm_value)} {label}/чел." if label else fmt_quantity(norm_value)
    expression = f"{fmt_quantity(n)} чел. × {norm_text}"
    note = ""
    if k != 1:
        expression += f" × K {fmt_quantity(k)}"
        note = (f"без K: {fmt_quantity(without_k)} → {format_kop(to_kop(without_k))}; "
                f"превышение {format_kop(excess)}")
    expression += f" × {_rate(t, unit)}"
    inputs = {"persons": canonical(n), "norm": canonical(norm_value), "tariff": canonical(t),
              "coefficient": canonical(k)}
    basis = "ПП 354, п. 42, прил. 2, ф. 4" + (" (с повышающим коэффициентом)" if k > 1 else "")
    return make_line(service, kind="charge", method=method, exact=exact, expression=expression, basis=basis,
                     inputs=inputs, volume=volume, tariff=t, coefficient=k, excess=excess, note=note)


@decimal_math
def increasing_coefficient(
    resource: str,
    day: date,
    *,
    table: Sequence[tuple[str, date, date | None, Decimal]],
    meter_impossible: bool,
    meter_missing: bool,
) -> Decimal:
    """The increasing coefficient K for a norm-based charge (ПП 354, п. 42; ПП 603, ПП 1871; DOMAIN.md §1.5).

    K applies only when the premises has no working meter (``meter_missing``) **and** installing one is technically
    possible (no act of impossibility, ``meter_impossible`` False); otherwise 1. The value comes from the dated
    ``table`` rows ``(resource, from, to, value)`` — half-open ``[from, to)``, ``to`` None = open-ended — for the
    row of ``resource`` covering ``day``; no such row → 1 (heating since ПП 232; gas; sewerage by default).
    When rows overlap, the one with the latest ``from`` wins (a document's row overrides the law's); two covering
    rows with the same ``from`` and different values are ambiguous → ``InvalidValue``.
    """
    if meter_impossible or not meter_missing:
        return Decimal(1)
    found: tuple[date, Decimal] | None = None
    for row_resource, start, end, value in table:
        if row_resource != resource or day < start or (end is not None and day >= end):
            continue
        k = quantity(value, f"коэффициент {resource}", minimum=1)
        if found is None or start > found[0]:
            found = (start, k)
        elif start == found[0] and k != found[1]:
            raise InvalidValue(f"два разных коэффициента для {resource} с {start.isoformat()}",
                               value=f"{canonical(found[1])} / {canonical(k)}")
    return Decimal(1) if found is None else found[1]


# --- area-based lines: housing services, capital repair, heating -------------------------------------------------

@memoized
@decimal_math
def area_charge(service: str, *, area: Decimal, rate: Decimal, method: str = "area") -> Line:
    """Плата по площади: P = S × ставка (ЖК РФ ст. 156 — содержание, ст. 169 — взнос на капремонт; DOMAIN.md §1.10).

    ``area`` is the premises' total area (общая площадь), ``rate`` rubles per m² per month. No volume.
    """
    s = quantity(area, "площадь")
    r = quantity(rate, "ставка")
    return make_line(service, kind="charge", method=method, exact=s * r,
                     expression=f"{fmt_quantity(s, 'm2')} × {_rate(r, 'm2')}",
                     basis="ЖК РФ, ст. 154, 156, 158, 169 (площадь × ставка)",
                     inputs={"area": canonical(s), "rate": canonical(r)}, tariff=r)


_HEATING_PAYMENTS = ("season", "year_evenly")


@memoized
@decimal_math
def heating_norm_charge(
    service: str,
    *,
    area: Decimal,
    norm: Decimal,
    tariff: Decimal,
    month: int,
    season_months: Sequence[int],
    payment: str,
) -> Line | None:
    """Отопление без ОДПУ, по нормативу и площади: P = S × N_т × T_т (ПП 354, п. 42(1), прил. 2, ф. 2).

    ``payment`` is the region's way of paying (п. 42(1)): "season" — the charge only in the heating-season
    months (None in the others); "year_evenly" — every month S × N_т × (months of the season / 12) × T_т, so the
    year's volume is the same. G5: 54.3 × 0.0194 × 2450.37 = 2581.2687654 → 2581.27.
    """
    if payment not in _HEATING_PAYMENTS:
        raise InvalidValue("способ оплаты отопления: season или year_evenly", value=payment)
    season = _season(month, season_months)
    s = quantity(area, "площадь")
    n = quantity(norm, "норматив отопления")
    t = quantity(tariff, "тариф на тепловую энергию")
    expression = f"{fmt_quantity(s, 'm2')} × {fmt_quantity(n)} Гкал/м²"
    inputs = {"area": canonical(s), "norm": canonical(n), "tariff": canonical(t), "month": str(month),
              "season_months": ",".join(str(m) for m in season), "payment": payment}
    if payment == "season":
        if month not in season:
            return None
        volume, exact = s * n, s * n * t
        basis = "ПП 354, п. 42(1), прил. 2, ф. 2 (оплата в отопительный период)"
    else:
        months = len(season)
        volume, exact = s * n * months / 12, s * n * months * t / 12
        expression += f" × {months}/12"
        basis = "ПП 354, п. 42(1), прил. 2, ф. 2 (оплата равномерно в течение года)"
    expression += f" × {_rate(t, 'gcal')}"
    return make_line(service, kind="charge", method="norm", exact=exact, expression=expression, basis=basis,
                     inputs=inputs, volume=volume, tariff=t)


def _season(month: int, season_months: Sequence[int]) -> tuple[int, ...]:
    if type(month) is not int or not 1 <= month <= 12:
        raise InvalidValue("месяц должен быть от 1 до 12", value=month)
    season = tuple(season_months)
    if not season or len(set(season)) != len(season) or any(type(m) is not int or not 1 <= m <= 12 for m in season):
        raise InvalidValue("месяцы отопительного периода: неповторяющиеся числа от 1 до 12",
                           value=",".join(str(m) for m in season))
    return season


@memoized
@decimal_math
def heating_house_meter_charge(
    service: str, *, house_volume: Decimal, area: Decimal, house_area: Decimal, tariff: Decimal
) -> Line:
    """Отопление по ОДПУ, доля дома по площади: P = V_д × S_i / S_об × T_т (ПП 354, п. 42(1), прил. 2, ф. 3).

    ``house_volume`` is the house heat meter's Гкал for the month, ``area`` S_i, ``house_area`` S_об (all
    premises). The share is multiplied before dividing, so the amount is rounded once from the exact value.
    """
    v = quantity(house_volume, "объём по ОДПУ")
    s = quantity(area, "площадь помещения")
    s_house = quantity(house_area, "площадь дома")
    t = quantity(tariff, "тариф на тепловую энергию")
    if s_house <= 0:
        raise InvalidValue("общая площадь помещений дома должна быть больше нуля", value=canonical(s_house))
    if s > s_house:
        raise InvalidValue("площадь помещения больше площади дома", value=canonical(s))
    return make_line(service, kind="charge", method="house_meter_share", exact=v * s * t / s_house,
                     expression=(f"{fmt_quantity(v, 'gcal')} × {fmt_quantity(s, 'm2')} / {fmt_quantity(s_house, 'm2')}"
                                 f" × {_rate(t, 'gcal')}"),
                     basis="ПП 354, п. 42(1), прил. 2, ф. 3",
                     inputs={"house_volume": canonical(v), "area": canonical(s), "house_area": canonical(s_house),
                             "tariff": canonical(t)},
                     volume=v * s / s_house, tariff=t)


# --- hot water with a two-part tariff; per-unit lines -------------------------------------------------------------

@memoized
@decimal_math
def two_part_hot_water_charge(
    service: str,
    *,
    volume: Decimal,
    cold_water_rate: Decimal,
    heat_per_m3: Decimal,
    heat_rate: Decimal,
    method: str = "meter",
    coefficient: Decimal = Decimal(1),
) -> Line:
    """ГВС по двухкомпонентному тарифу: P = V × T_хв + V × q × T_тэ, округлённая один раз (ПП 354, п. 42,
    прил. 2; ПП 406 — двухкомпонентный тариф; DOMAIN.md §1.8, EXCHANGE.md ``tariffs.components``).

    ``volume`` м³ (by meter, norm or average — ``method`` says which), ``cold_water_rate`` руб./м³,
    ``heat_per_m3`` q Гкал/м³ (the norm of heat for heating water, or measured), ``heat_rate`` руб./Гкал. The
    line has no single tariff (None). By norm without a meter where one could be installed, pass the increasing
    coefficient: P = (V × T_хв + V × q × T_тэ) × K, "norm" becomes "norm_k" and ``excess`` is the part due to K,
    as in ``norm_charge``; the volume stays V.
    """
    v = quantity(volume, "объём ГВС")
    cw = quantity(cold_water_rate, "компонент на холодную воду")
    q = quantity(heat_per_m3, "расход тепловой энергии на подогрев")
    heat = quantity(heat_rate, "компонент на тепловую энергию")
    k = quantity(coefficient, "повышающий коэффициент", minimum=1)
    without_k = v * cw + v * q * heat
    expression = (f"{fmt_quantity(v, 'm3')} × {_rate(cw, 'm3')} + {fmt_quantity(v, 'm3')} × "
                  f"{fmt_quantity(q)} Гкал/м³ × {_rate(heat, 'gcal')}")
    inputs = {"volume": canonical(v), "cold_water_rate": canonical(cw), "heat_per_m3": canonical(q),
              "heat_rate": canonical(heat)}
    excess, note = 0, ""
    if k != 1:
        expression = f"({expression}) × K {fmt_quantity(k)}"
        excess = to_kop(without_k * k) - to_kop(without_k)
        note = f"без K: {fmt_quantity(without_k)} → {format_kop(to_kop(without_k))}; превышение {format_kop(excess)}"
        inputs["coefficient"] = canonical(k)
        if method == "norm":
            method = "norm_k"
    return make_line(service, kind="charge", method=method, exact=without_k * k, expression=expression,
                     basis="ПП 354, п. 42, прил. 2 (двухкомпонентный тариф на горячую воду)", inputs=inputs,
                     volume=v, coefficient=k, excess=excess, note=note)


_PER_UNIT_BASIS = {
    "person": "ПП 354, п. 148(30), прил. 2, ф. 9(1) (по числу проживающих)",
    "premises": "ПП 354, п. 148(30) (на помещение)",
}


@memoized
@decimal_math
def per_unit_charge(service: str, *, units: Decimal, rate: Decimal, method: str, unit: str = "") -> Line:
    """Плата по числу единиц: P = количество × ставка (e.g. ТКО per resident — ПП 354, п. 148(30), прил. 2,
    ф. 9(1) [U: formula number]; per premises; a fixed monthly fee).

    ``method`` names the unit ("person", "premises", "fixed"…); its label is used unless ``unit`` is given.
    """
    u = quantity(units, "количество")
    r = quantity(rate, "ставка")
    label = unit or (method if method in UNIT_LABELS else "")
    return make_line(service, kind="charge", method=method, exact=u * r,
                     expression=f"{fmt_quantity(u, label)} × {_rate(r, label)}",
                     basis=_PER_UNIT_BASIS.get(method, "ставка × количество единиц"),
                     inputs={"units": canonical(u), "rate": canonical(r)}, volume=u, tariff=r)
