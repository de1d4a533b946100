"""Уменьшение платы: перерывы и ненадлежащее качество (Приложение № 1 к ПП 354) и временное отсутствие
(раздел VIII ПП 354).

Rules (DOMAIN.md §2.1, §2.2; EXCHANGE.md ``settings.quality_excess_hours``):

* a quality reduction is a percentage of the month's charge of that service (already rounded, in kopecks),
  cumulative, capped at 100 %; it is rounded once: −to_kop(charge × pct / 100), kind "quality";
* interruptions: clipped to the month, overlapping or touching ones merged; excess hours = max(total excess over the
  monthly allowance, Σ per-event excess over the single allowance) — "max", default — or the total only
  ("total_only"); minutes count as fractions of an hour [P];
* hot water colder than allowed: 0.1 % per full 3 °C beyond the allowed deviation, per hour; below +40 °C the water
  of those days is billed at the cold-water tariff instead (``below_40_rebill``);
* a room colder than the norm (18 °C, or the act's): 0.15 % per hour per degree, night (00–05) allowing 3 °C less,
  the hours of a heating interruption not counted again (``room_temperature_reduction``);
* temporary absence: −N × T × K × days / days in month per absent person, kind "absence" — only for communal
  services billed by norm where a meter is technically impossible, never heating, СОИ or housing services.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from bcenter.core.errors import InvalidValue
from bcenter.core.money import format_kop, to_kop
from bcenter.core.period import Period
from bcenter.core.quantity import canonical
from bcenter.core.settings import CHOICES, DEFAULTS
from bcenter.engine.charges import (
    decimal_math,
    fmt_quantity,
    make_line,
    quantity,
    rate_label,
    unit_label,
)
from bcenter.engine.types import Line

__all__ = [
    "DAY_DEVIATION_C",
    "NIGHT_DEVIATION_C",
    "QUALITY_RULES",
    "QualityRule",
    "absence_applies",
    "absence_recalc",
    "below_40_rebill",
    "hot_water_temperature_reduction",
    "interruption_reduction",
    "room_temperature_reduction",
]

_D = Decimal


@dataclass(frozen=True, slots=True)
class QualityRule:
    """Allowed interruptions of one resource and the reduction beyond them (ПП 354, прил. 1).

    Attributes:
        monthly_allowance_h: hours allowed in total per month, or None when the law sets only a per-event limit.
        single_allowance_h: hours allowed at a time, by band ("default", or the temperature / supply band).
        rate_pct_per_h: percent of the month's charge per hour beyond the allowance.
        basis: the item of Приложение 1.
        verified: which figures were checked against a public source (DOMAIN.md §2.2 tags).
    """

    monthly_allowance_h: Decimal | None
    single_allowance_h: Mapping[str, Decimal] = field(default_factory=dict)
    rate_pct_per_h: Decimal = Decimal("0.15")
    basis: str = ""
    verified: str = ""

    def single(self, band: str | None = None) -> Decimal:
        """The single-event allowance for ``band`` (None → "default"); an unknown band raises ``InvalidValue``."""
        key = "default" if band is None else band
        if key not in self.single_allowance_h:
            raise InvalidValue(f"нужен диапазон: {', '.join(self.single_allowance_h)}", value=band)
        return self.single_allowance_h[key]


QUALITY_RULES: Mapping[str, QualityRule] = {
    # п. 1: 8 h/month, 4 h at a time [V: starjkh.ru]; 0.15 %/h [U].
    "cold_water": QualityRule(_D(8), {"default": _D(4)}, _D("0.15"), "ПП 354, прил. 1, п. 1",
                              "допустимые часы [V]; 0.15 %/ч [U]"),
    # п. 4: 8/4 h; 24 h in a row for an accident on a dead-end main [V: vihyno.org]; 0.15 %/h [U]. The annual
    # 14-day maintenance shutdown is not an interruption: the caller leaves it out of the events.
    "hot_water": QualityRule(_D(8), {"default": _D(4), "dead_end_accident": _D(24)}, _D("0.15"),
                             "ПП 354, прил. 1, п. 4", "допустимые часы [V]; 0.15 %/ч и 14 дней [U]"),
    # п. 8: [U] numbers (same as water).
    "sewerage": QualityRule(_D(8), {"default": _D(4)}, _D("0.15"), "ПП 354, прил. 1, п. 8", "[U]"),
    # п. 9: 2 h with two independent mutually redundant power sources, 24 h with one; no monthly total [U].
    "electricity": QualityRule(None, {"two_sources": _D(2), "one_source": _D(24)}, _D("0.15"),
                               "ПП 354, прил. 1, п. 9", "[U]"),
    # п. 11: 4 h per month in total [U]; no separate per-event limit known, the monthly one is used [U].
    "gas": QualityRule(_D(4), {"default": _D(4)}, _D("0.15"), "ПП 354, прил. 1, п. 11", "[U]"),
    # п. 14: 24 h/month in total; at a time 16 h at +12 °C…norm, 8 h at +10…+12 °C, 4 h at +8…+10 °C [V];
    # 0.15 %/h [V: docs.cntd.ru 902280037]. While п. 14 applies, п. 15 (room temperature) does not.
    "heating": QualityRule(_D(24), {"12_to_norm": _D(16), "10_to_12": _D(8), "8_to_10": _D(4)}, _D("0.15"),
                           "ПП 354, прил. 1, п. 14", "[V]"),
    # п. 17: 72 h/month in total; 48 h at a time at ≤ +5 °C, 24 h at > +5 °C; 3.3 % per 24 h of deviation,
    # taken pro rata per hour: 3.3 / 24 = 0.1375 %/h [U numbers; P pro rata vs whole 24-hour steps].
    "solid_waste": QualityRule(_D(72), {"up_to_5c": _D(48), "above_5c": _D(24)}, _D("0.1375"),
                               "ПП 354, прил. 1, п. 17", "[U]; пропорционально часам [P]"),
}
"""Allowances and rates of Приложение 1 by resource (DOMAIN.md §2.2); the [U] figures must be confirmed."""

DAY_DEVIATION_C = _D(3)
"""Allowed fall of hot-water temperature by day, 05:00–00:00 (ПП 354, прил. 1, п. 5)."""
NIGHT_DEVIATION_C = _D(5)
"""Allowed fall of hot-water temperature at night, 00:00–05:00 (ПП 354, прил. 1, п. 5)."""

_POLICIES = CHOICES["quality_excess_hours"]
_SECONDS_PER_HOUR = 3600


def _seconds(start: datetime, end: datetime) -> Decimal:
    delta = end - start
    return _D(delta.days * 86400 + delta.seconds) + _D(delta.microseconds).scaleb(-6)


def _hours(seconds: Decimal) -> str:
    return fmt_quantity(seconds / _SECONDS_PER_HOUR) + " ч"


def _check_charge(charge: int) -> None:
    if type(charge) is not int or charge < 0:
        raise InvalidValue("начисление за месяц — целое неотрицательное число копеек", value=charge)


def _percent_of_charge(charge: int, pct_times: Decimal, *, per: int = 1) -> tuple[Decimal, str]:
    """The reduction −charge × pct / 100 in rubles for pct = ``pct_times`` / ``per``, capped at 100 % (a single
    division, so nothing rounds before the kopeck), and the percentage as shown in the formula."""
    if pct_times >= 100 * per:
        return -_D(charge).scaleb(-2), "100 % (предел)"
    return -(_D(charge) * pct_times / (per * 10_000)), f"{fmt_quantity(pct_times / per)} %"


def _merged_events(events, period: Period, default_single: Decimal):
    """Events merged when they overlap or touch (the stricter allowance wins), each with its part in the month.

    Returns (start, end, allowance, month_start, month_end) of the merged events that reach into ``period`` (in
    their own time zone): an event is judged whole against its single allowance, and the month takes its own
    hours of it — so a 6-hour interruption from 31.01 21:00 to 01.02 03:00 (4 h allowed at a time) has 2 hours
    over the allowance, all of them in February, where they fall; clipped to each month first it had none."""
    whole = []
    for event in events:
        if len(event) not in (2, 3):
            raise InvalidValue("перерыв — (начало, конец) или (начало, конец, допустимо подряд, ч)")
        start, end = event[0], event[1]
        single = quantity(event[2], "допустимая продолжительность перерыва") if len(event) == 3 else default_single
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            raise TypeError("начало и конец перерыва — datetime")
        if end <= start:
            raise InvalidValue(f"конец перерыва раньше начала ({start.isoformat()})", value=end.isoformat())
        whole.append((start, end, single))
    whole.sort(key=lambda e: e[0])
    merged: list[tuple[datetime, datetime, Decimal]] = []
    for start, end, single in whole:
        if merged and start <= merged[-1][1]:
            first, last, allowed = merged[-1]
            merged[-1] = (first, max(last, end), min(allowed, single))
        else:
            merged.append((start, end, single))
    out = []
    for start, end, single in merged:
        low = datetime.combine(period.first_day, time(), tzinfo=start.tzinfo)
        high = datetime.combine(period.end, time(), tzinfo=start.tzinfo)
        if max(start, low) < min(end, high):
            out.append((start, end, single, max(start, low), min(end, high)))
    return out


def _excess_in_month(start: datetime, end: datetime, allowed_h: Decimal, low: datetime, high: datetime) -> Decimal:
    """Seconds of an event over its single allowance that fall within [low, high): the hours after the allowed
    ones ran out."""
    allowed = allowed_h * _SECONDS_PER_HOUR
    if allowed >= _seconds(start, end):
        return _D(0)
    begin, finish = max(start + timedelta(microseconds=int(allowed * 1_000_000)), low), min(end, high)
    return _seconds(begin, finish) if begin < finish else _D(0)


@decimal_math
def interruption_reduction(
    service: str,
    *,
    charge: int,
    events: Sequence[tuple[datetime, datetime] | tuple[datetime, datetime, Decimal]],
    period: Period,
    monthly_allowance_h: Decimal | None,
    single_allowance_h: Decimal,
    rate_pct_per_h: Decimal = Decimal("0.15"),
    policy: str = DEFAULTS.quality_excess_hours,
) -> Line | None:
    """Снижение платы за перерывы сверх допустимых (ПП 354, прил. 1, пп. 1, 4, 8, 9, 11, 14, 17; п. 98;
    DOMAIN.md §2.2, G9).

    ``charge`` is the month's charge of the service in kopecks; ``events`` the interruptions (start, end) — with an
    optional third item, that event's single allowance in hours (heating: by room temperature). Events are clipped
    to ``period`` (in their own time zone), merged when they overlap or touch. excess_total = max(0, Σ − monthly
    allowance) (no monthly allowance: 0), excess_single = Σ max(0, duration − single allowance); ``policy`` "max"
    takes the larger, "total_only" the total (with no monthly allowance, the per-event excess). pct =
    min(100, excess × rate); the line is −to_kop(charge × pct / 100), kind "quality", method "interruption".
    No excess (or a zero charge) → None. G9: 4 + 3 + 4 = 11 h, allowance 8 h → 3 h × 0.15 % = 0.45 % of 1850.40 →
    −8.33.
    """
    if policy not in _POLICIES:
        raise InvalidValue("учёт сверхнормативных часов: max или total_only", value=policy)
    _check_charge(charge)
    rate = quantity(rate_pct_per_h, "процент за час")
    single_default = quantity(single_allowance_h, "допустимо подряд, ч")
    monthly = None if monthly_allowance_h is None else quantity(monthly_allowance_h, "допустимо в месяц, ч")
    merged = _merged_events(events, period, single_default)
    durations = [_seconds(low, high) for _, _, _, low, high in merged]
    total = sum(durations, _D(0))
    excess_single = sum((_excess_in_month(*event) for event in merged), _D(0))
    excess_total = None if monthly is None else max(_D(0), total - monthly * _SECONDS_PER_HOUR)
    if excess_total is None:
        excess = excess_single
    elif policy == "max":
        excess = max(excess_total, excess_single)
    else:
        excess = excess_total
    if excess == 0 or charge == 0:
        return None
    exact, pct_text = _percent_of_charge(charge, excess * rate, per=_SECONDS_PER_HOUR)
    allowance = "нет предела в месяц" if monthly is None else f"допустимо {fmt_quantity(monthly)} ч в месяц"
    expression = (
        f"перерывы {' + '.join(_hours(d) + _whole(e) for d, e in zip(durations, merged))} = {_hours(total)}; "
        f"{allowance}, "
        f"{fmt_quantity(single_default)} ч подряд; сверх допустимого: суммарно "
        f"{'—' if excess_total is None else _hours(excess_total)}, по перерывам {_hours(excess_single)} → "
        f"{_hours(excess)} ({policy}) × {fmt_quantity(rate)} %/ч = {pct_text}; "
        f"-({format_kop(charge)} руб. × {pct_text})"
    )
    inputs = {
        "charge": format_kop(charge),
        "events": "; ".join(f"{s.isoformat()}/{e.isoformat()}" for s, e, _, _, _ in merged),
        "monthly_allowance_h": "" if monthly is None else canonical(monthly),
        "single_allowance_h": canonical(single_default),
        "rate_pct_per_h": canonical(rate),
        "policy": policy,
        "period": str(period),
    }
    return make_line(service, kind="quality", method="interruption", exact=exact, expression=expression,
                     basis="ПП 354, прил. 1 (перерывы сверх допустимой продолжительности), п. 98", inputs=inputs)


def _whole(event) -> str:
    """An event reaching over the month's edge names its whole length, which its allowance is judged on."""
    start, end, _, low, high = event
    return "" if (start, end) == (low, high) else f" (перерыв целиком {_hours(_seconds(start, end))})"


@decimal_math
def hot_water_temperature_reduction(
    service: str,
    *,
    charge: int,
    hours: Sequence[tuple[Decimal, Decimal] | tuple[Decimal, Decimal, Decimal]],
    norm_min_c: Decimal = Decimal(60),
    allowed_deviation_c: Decimal = DAY_DEVIATION_C,
    rate_pct: Decimal = Decimal("0.1"),
    step_c: Decimal = Decimal(3),
) -> Line | None:
    """Снижение платы за ГВС ниже нормы температуры (ПП 354, прил. 1, п. 5; СанПиН 2.1.3684-21 п. 84;
    DOMAIN.md §2.2).

    ``hours`` are entries (hours, measured °C) or (hours, measured °C, allowed deviation °C) — by day the
    deviation allowed is 3 °C (``DAY_DEVIATION_C``), at night 5 °C (``NIGHT_DEVIATION_C``). For each entry:
    steps = ⌊(norm_min − deviation − measured) / 3⌋ full steps of 3 °C beyond the allowed deviation [P: whole
    steps]; pct = Σ hours × steps × 0.1 %, capped at 100 %. Entries below +40 °C are left out: the water of those
    days is billed at the cold-water tariff (``below_40_rebill``). The line is −to_kop(charge × pct / 100), kind
    "quality", method "temperature"; nothing to reduce → None.
    """
    _check_charge(charge)
    norm_min = quantity(norm_min_c, "нормативная температура")
    default_dev = quantity(allowed_deviation_c, "допустимое отклонение")
    rate = quantity(rate_pct, "процент за шаг")
    step = quantity(step_c, "шаг, °C", minimum=_D("0.001"))
    pct, terms, inputs_entries = _D(0), [], []
    for entry in hours:
        if len(entry) not in (2, 3):
            raise InvalidValue("запись — (часы, °C) или (часы, °C, допустимое отклонение °C)")
        h = quantity(entry[0], "часы")
        measured = quantity(entry[1], "температура", minimum=None)
        dev = quantity(entry[2], "допустимое отклонение") if len(entry) == 3 else default_dev
        inputs_entries.append(f"{canonical(h)} ч при {canonical(measured)} °C (±{canonical(dev)})")
        shortfall = norm_min - dev - measured
        if measured < 40 or shortfall < step:
            continue
        steps = shortfall // step
        pct += h * steps * rate
        terms.append(f"{fmt_quantity(h)} ч × {steps} × {fmt_quantity(rate)} % ({fmt_quantity(measured)} °C)")
    if pct == 0 or charge == 0:
        return None
    exact, pct_text = _percent_of_charge(charge, pct)
    expression = (f"{' + '.join(terms)} = {pct_text} (норма {fmt_quantity(norm_min)} °C); "
                  f"-({format_kop(charge)} руб. × {pct_text})")
    inputs = {"charge": format_kop(charge), "hours": "; ".join(inputs_entries), "norm_min_c": canonical(norm_min),
              "rate_pct": canonical(rate), "step_c": canonical(step)}
    return make_line(service, kind="quality", method="temperature", exact=exact, expression=expression,
                     basis="ПП 354, прил. 1, п. 5 (температура горячей воды)", inputs=inputs)


NIGHT_START_H = 0
NIGHT_END_H = 5
"""Night for the temperature rules: 00:00–05:00 local time (ПП 354, прил. 1, пп. 5, 15)."""
ROOM_NORM_C = Decimal(18)
"""The room temperature below which heating is reduced, unless the act gives another (ПП 354, прил. 1, п. 15;
corner rooms +20 °C, regions with design temperature ≤ −31 °C +20/+22 °C — the act's ``allowed``)."""
ROOM_NIGHT_ALLOWANCE_C = Decimal(3)
"""How much colder a room may be at night, 00:00–05:00 (п. 15)."""


def _without(spans: list[tuple[datetime, datetime]], holes: Sequence[tuple[datetime, datetime]]):
    """``spans`` with the parts covered by ``holes`` cut out."""
    for cut_start, cut_end in sorted(holes):
        left = []
        for start, end in spans:
            if cut_end <= start or cut_start >= end:
                left.append((start, end))
                continue
            if start < cut_start:
                left.append((start, cut_start))
            if cut_end < end:
                left.append((cut_end, end))
        spans = left
    return spans


def _union_seconds(spans: Sequence[tuple[datetime, datetime]]) -> Decimal:
    """Seconds covered by any of the spans (overlaps counted once)."""
    total, reach = _D(0), None
    for start, end in sorted(spans):
        if reach is not None and start < reach:
            start = reach
        if start < end:
            total += _seconds(start, end)
            reach = end if reach is None else max(reach, end)
    return total


def _night_seconds(start: datetime, end: datetime) -> Decimal:
    """Seconds of [start, end) that fall between 00:00 and 05:00 of the interval's own time zone."""
    total = _D(0)
    day = start.date()
    while True:
        night_start = datetime.combine(day, time(NIGHT_START_H), tzinfo=start.tzinfo)
        if night_start >= end:
            break
        night_end = datetime.combine(day, time(NIGHT_END_H), tzinfo=start.tzinfo)
        low, high = max(start, night_start), min(end, night_end)
        if low < high:
            total += _seconds(low, high)
        day = day + timedelta(days=1)
    return total


@decimal_math
def room_temperature_reduction(
    service: str,
    *,
    charge: int,
    events: Sequence[tuple[datetime, datetime, Decimal] | tuple[datetime, datetime, Decimal, Decimal | None]],
    period: Period,
    excluded: Sequence[tuple[datetime, datetime]] = (),
    night: str = DEFAULTS.room_temperature_night,
    rate_pct: Decimal = Decimal("0.15"),
) -> Line | None:
    """Снижение платы за отопление при температуре в помещении ниже нормы (ПП 354, прил. 1, п. 15; DOMAIN.md §2.2).

    ``events`` are acts (start, end, measured °C[, the norm °C the act gives — ``allowed``]); the norm is 18 °C
    (``ROOM_NORM_C``) unless the act gives another. Each act is clipped to ``period``; the hours of ``excluded``
    intervals — the heating interruptions of the premises (п. 14: while it applies, п. 15 does not) — are cut out.
    By day the deviation is norm − measured, at night (00:00–05:00 in the act's own UTC offset — acts are written in
    the building's local time) norm − 3 − measured; where acts overlap, each hour counts the coldest of them;
    ``night`` "day_only" leaves night hours out (the act measured by day only) [P]. pct = Σ hours × degrees × 0.15 %,
    exact degrees (14.7 °C is 3.3 below 18) [P], capped at 100 %; the line is −to_kop(charge × pct / 100), kind
    "quality", method "room_temperature". Nothing below the norm → None.
    """
    _check_charge(charge)
    if night not in CHOICES["room_temperature_night"]:
        raise InvalidValue(f"ночные часы: {', '.join(CHOICES['room_temperature_night'])}", value=night)
    rate = quantity(rate_pct, "процент за час и градус")
    pieces: list[tuple[datetime, datetime, Decimal, Decimal]] = []  # (from, to, degrees by day, degrees at night)
    clipped: list[tuple[datetime, datetime]] = []
    inputs_entries = []
    for event in events:
        if len(event) not in (3, 4):
            raise InvalidValue("акт — (начало, конец, °C) или (начало, конец, °C, норма °C)")
        start, end = event[0], event[1]
        measured = quantity(event[2], "температура в помещении", minimum=None)
        norm = ROOM_NORM_C if len(event) == 3 or event[3] is None else quantity(event[3], "норма температуры")
        if not isinstance(start, datetime) or not isinstance(end, datetime):
            raise TypeError("начало и конец акта — datetime")
        if end <= start:
            raise InvalidValue(f"конец акта раньше начала ({start.isoformat()})", value=end.isoformat())
        inputs_entries.append(f"{start.isoformat()}/{end.isoformat()} {canonical(measured)} °C "
                              f"(норма {canonical(norm)})")
        low = datetime.combine(period.first_day, time(), tzinfo=start.tzinfo)
        high = datetime.combine(period.end, time(), tzinfo=start.tzinfo)
        if max(start, low) >= min(end, high):
            continue
        clipped.append((max(start, low), min(end, high)))
        by_day = max(_D(0), norm - measured)
        by_night = _D(0) if night == "day_only" else max(_D(0), norm - ROOM_NIGHT_ALLOWANCE_C - measured)
        pieces += [(a, b, by_day, by_night) for a, b in _without([clipped[-1]], excluded)]
    # hour by hour the coldest act counts: two acts over the same hours (the house's and a flat's) are not added
    day_hours: dict[Decimal, Decimal] = {}
    night_hours: dict[Decimal, Decimal] = {}
    bounds = sorted({t for a, b, _, _ in pieces for t in (a, b)})
    for a, b in zip(bounds, bounds[1:]):
        covering = [p for p in pieces if p[0] <= a and b <= p[1]]
        if not covering:
            continue
        night_s = _night_seconds(a, b)
        by_day, by_night = max(p[2] for p in covering), max(p[3] for p in covering)
        if by_day:
            day_hours[by_day] = day_hours.get(by_day, _D(0)) + (_seconds(a, b) - night_s) / _SECONDS_PER_HOUR
        if by_night:
            night_hours[by_night] = night_hours.get(by_night, _D(0)) + night_s / _SECONDS_PER_HOUR
    pct = (sum((h * d for d, h in day_hours.items()), _D(0)) + sum((h * d for d, h in night_hours.items()), _D(0))) \
        * rate
    if pct == 0 or charge == 0:
        return None
    terms = [f"{fmt_quantity(h)} ч × {fmt_quantity(d)} °C" for d, h in sorted(day_hours.items(), reverse=True) if h]
    terms += [f"{fmt_quantity(h)} ч ночью × {fmt_quantity(d)} °C" for d, h in sorted(night_hours.items(), reverse=True)
              if h]
    exact, pct_text = _percent_of_charge(charge, pct)
    expression = (f"({' + '.join(terms)}) × {fmt_quantity(rate)} %/(ч·°C) = {pct_text}; "
                  f"-({format_kop(charge)} руб. × {pct_text})")
    removed = _union_seconds(clipped) - _union_seconds([(a, b) for a, b, _, _ in pieces])
    inputs = {"charge": format_kop(charge), "events": "; ".join(inputs_entries), "rate_pct": canonical(rate),
              "night": night, "excluded_h": canonical(removed / _SECONDS_PER_HOUR), "period": str(period)}
    return make_line(service, kind="quality", method="room_temperature", exact=exact, expression=expression,
                     basis="ПП 354, прил. 1, п. 15 (температура воздуха в жилом помещении)", inputs=inputs)


@decimal_math
def below_40_rebill(
    service: str,
    *,
    volume: Decimal,
    days_below_40: int,
    period: Period,
    hot_water_tariff: Decimal,
    cold_water_tariff: Decimal,
    coefficient: Decimal = Decimal(1),
) -> Line | None:
    """Горячая вода ниже +40 °C оплачивается по тарифу на холодную воду за эти дни (ПП 354, прил. 1, п. 5).

    The month's hot-water ``volume`` is apportioned to the calendar days on which the water was below +40 °C by days
    [P]: V_d = V × days / days in month; the line is −to_kop(V_d × K × (T_гв − T_хв)), kind "quality", method
    "below_40" (K: the increasing coefficient the charge carried). For a two-part tariff pass
    T_гв = T_хв + q × T_тэ and the cold-water component as T_хв. No days → None.
    """
    v = quantity(volume, "объём ГВС")
    hot = quantity(hot_water_tariff, "тариф ГВС")
    cold = quantity(cold_water_tariff, "тариф ХВС")
    k = quantity(coefficient, "повышающий коэффициент", minimum=1)
    if type(days_below_40) is not int or not 0 <= days_below_40 <= period.days:
        raise InvalidValue(f"дней ниже +40 °C — от 0 до {period.days}", value=days_below_40)
    if days_below_40 == 0 or v == 0 or hot <= cold:
        return None
    k_text = f" × K {fmt_quantity(k)}" if k != 1 else ""
    exact = -(v * days_below_40 * k * (hot - cold) / period.days)
    expression = (f"-({fmt_quantity(v, 'm3')} × {days_below_40}/{period.days} дн.{k_text} × "
                  f"({fmt_quantity(hot)} − {fmt_quantity(cold)}) {rate_label('m3')})")
    return make_line(service, kind="quality", method="below_40", exact=exact, expression=expression,
                     basis="ПП 354, прил. 1, п. 5 (ниже +40 °C — по тарифу на холодную воду)",
                     inputs={"volume": canonical(v), "days_below_40": str(days_below_40), "period": str(period),
                             "hot_water_tariff": canonical(hot), "cold_water_tariff": canonical(cold),
                             "coefficient": canonical(k)},
                     volume=-(v * days_below_40 / period.days), coefficient=k)


@decimal_math
def absence_recalc(
    service: str,
    *,
    norm: Decimal,
    tariff: Decimal,
    coefficient: Decimal,
    absent_days: int,
    days_in_month: int,
    unit: str = "",
    part: Fraction = Fraction(1),
) -> Line:
    """Перерасчёт за временное отсутствие одного человека: −N × T × K × дни / дней в месяце (ПП 354, раздел VIII,
    пп. 86, 90; DOMAIN.md §2.1, G8); × ``part``, the account's part of the premises (a co-owner's share), as its
    persons were counted.

    One line per absent person and month (an absence over two months gives a line in each); kind "absence",
    method "norm" ("norm_k" when K > 1), volume −N × days / days_in_month; with K > 1 ``excess`` is the part of the
    reduction due to K (negative). G8: −4.745 × 42.30 × 12/30 = −80.2854 → −80.29; with the charge 401.43 the
    month comes to 321.14. Eligibility (``persons.absence_eligible``, ``absence_applies``) is the caller's check.
    """
    n = quantity(norm, "норматив")
    t = quantity(tariff, "тариф")
    k = quantity(coefficient, "повышающий коэффициент", minimum=1)
    if type(days_in_month) is not int or not 28 <= days_in_month <= 31:
        raise InvalidValue("дней в месяце — от 28 до 31", value=days_in_month)
    if type(absent_days) is not int or not 0 <= absent_days <= days_in_month:
        raise InvalidValue(f"дней отсутствия — от 0 до {days_in_month}", value=absent_days)
    exact = -(n * t * k * absent_days * part.numerator / (days_in_month * part.denominator))
    without_k = -(n * t * absent_days * part.numerator / (days_in_month * part.denominator))
    excess = to_kop(exact) - to_kop(without_k)
    norm_text = f"{fmt_quantity(n)} {unit_label(unit)}/чел." if unit else fmt_quantity(n)
    k_text = f" × K {fmt_quantity(k)}" if k != 1 else ""
    expression = (f"-({norm_text} × {fmt_quantity(t)} {rate_label(unit)}{k_text} × "
                  f"{absent_days}/{days_in_month} дн." + (f" × доля {part}" if part != 1 else "") + ")")
    return make_line(service, kind="absence", method="norm_k" if k > 1 else "norm", exact=exact,
                     expression=expression, basis="ПП 354, раздел VIII, пп. 86, 90 (временное отсутствие)",
                     inputs={"norm": canonical(n), "tariff": canonical(t), "coefficient": canonical(k),
                             "absent_days": str(absent_days), "days_in_month": str(days_in_month),
                             **({"part": str(part)} if part != 1 else {})},
                     volume=-(n * absent_days * part.numerator / (days_in_month * part.denominator)), tariff=t,
                     coefficient=k, excess=excess)


_NO_ABSENCE_RESOURCES = ("heating",)


def absence_applies(resource: str | None, kind: str, *, meter_impossible: bool, metered: bool) -> bool:
    """Does temporary absence reduce this service? (ПП 354, п. 86, п. 88; п. 148(44) for ТКО; DOMAIN.md §2.1).

    Only communal services (``kind`` "communal"): never housing services, capital repair, additional services or
    КР на СОИ (п. 88), never heating (electricity or gas used for heating is the caller's to exclude). Only when the
    service is not metered and a meter is technically impossible (an act exists) — except ТКО ("solid_waste"),
    billed per resident and recalculated under its own rule (п. 148(44)) whenever it is not metered.
    """
    if kind != "communal" or resource is None or resource in _NO_ABSENCE_RESOURCES or metered:
        return False
    if resource == "solid_waste":
        return True
    return meter_impossible
