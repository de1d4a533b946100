"""One house's month: every charge line of every account, by every method the law knows.

``calculate_house(basis)`` is a pure function of a :class:`~bcenter.engine.basis.HouseBasis`. It returns the
lines per account, or the list of gaps (missing or contradictory data) that stop the house — never a half
result: a house with a gap gets no lines at all, and the caller reports every gap.

Methods (ПП 354, Приложение 2; DOMAIN.md §1–§2):
* housing services and capital repair — area × rate (§1.10);
* metered resources — readings (ф. 1), average for missing readings within the п. 59 limits, then the norm;
  no meter — norm × persons (ф. 4) with the increasing coefficient where a meter could be installed (§1.5);
* sewerage — the sum of cold and hot water volumes where they are metered, else its norm;
* heating — norm × area (ф. 2, in season or evenly over the year) or the house meter by area share (ф. 3);
* two-part hot water (§1.8); common property (КР на СОИ) by area share of the billable house volume (§1.9);
* reductions for quality (Приложение 1) and temporary absence (раздел VIII).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Mapping

from bcenter.core.errors import InvalidValue
from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.core.settings import AverageLimits
from bcenter.engine import charges, common_property, reductions, volumes
from bcenter.engine.basis import AccountBasis, HouseBasis, MeterState, Price, ServiceInfo
from bcenter.engine.types import Line

METERED = ("cold_water", "hot_water", "electricity", "gas")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class HouseResult:
    """Lines per account key, or the gaps that stopped the house (then `lines` is empty)."""

    house: str
    period: Period
    lines: Mapping[str, tuple[Line, ...]] = field(default_factory=dict)
    gaps: tuple[str, ...] = ()
    carry_forward: Mapping[str, Decimal] = field(default_factory=dict)


class _Gaps(list):
    def add(self, where: str, what: str) -> None:
        self.append(f"{where}: {what}")


def _collapsed(gaps: list[str], prefix: str, shown: int = 3) -> tuple[str, ...]:
    """The house's gaps, one line per reason: a reason met on several accounts (a tariff, a norm or the house meter's
    reading missing for all of them) names how many and the first few accounts, not a line per account — an
    operator reads «нет тарифа» once for the house, with the accounts it stops."""
    groups: dict[str, list[str]] = {}
    for gap in gaps:
        if gap.startswith(prefix):
            rest = gap[len(prefix):]
            cut = min(i for i in (rest.find(", "), rest.find(": "), len(rest)) if i >= 0)
            groups.setdefault(rest[cut:], []).append(rest[:cut])
        else:
            groups.setdefault(gap, [])
    out = []
    for tail, numbers in groups.items():
        numbers = list(dict.fromkeys(numbers))
        if not numbers:
            out.append(tail)
        elif len(numbers) == 1:
            out.append(f"{prefix}{numbers[0]}{tail}")
        else:
            more = f" и ещё {len(numbers) - shown}" if len(numbers) > shown else ""
            out.append(f"{prefix[:-len('ЛС ')]}{len(numbers)} ЛС ({', '.join(numbers[:shown])}{more}){tail}")
    return tuple(out)


def calculate_house(basis: HouseBasis) -> HouseResult:
    """Every line of every account of the house for the period (or the gaps, and no lines)."""
    gaps = _Gaps()
    house_where = f"дом {basis.label}"
    if basis.total_area <= 0:
        gaps.add(house_where, "не задана общая площадь помещений дома (S_об)")
    lines: dict[str, list[Line]] = {}
    volumes_by_account: dict[str, dict[str, Decimal]] = {}
    for account in basis.accounts:
        own, vols = _account_lines(basis, account, gaps)
        lines[account.key] = own
        volumes_by_account[account.key] = vols
    carry = _common_property(basis, lines, volumes_by_account, gaps)
    for account in basis.accounts:
        lines[account.key] += _reductions(basis, account, lines[account.key])
    if gaps:
        return HouseResult(basis.key, basis.period, gaps=_collapsed(gaps, f"дом {basis.label}, ЛС "))
    order = {key: (svc.order, key) for key, svc in basis.services.items()}
    kinds = {"charge": 0, "common_property": 1, "quality": 2, "absence": 3, "recalc": 4, "benefit": 5}
    result = {key: tuple(sorted(ls, key=lambda ln: (order.get(ln.service, (999, ln.service)), kinds[ln.kind])))
              for key, ls in lines.items()}
    return HouseResult(basis.key, basis.period, lines=result, carry_forward=carry)


# --- individual lines ---------------------------------------------------------------------------------
def _account_lines(basis: HouseBasis, account: AccountBasis, gaps: _Gaps) -> tuple[list[Line], dict[str, Decimal]]:
    where = f"дом {basis.label}, ЛС {account.number}"
    out: list[Line] = []
    vols: dict[str, Decimal] = {}  # resource → the individual volume billed (for sewerage and common property)
    services = [basis.services[k] for k in account.services if k in basis.services]
    for key in account.services:
        if key not in basis.services:
            gaps.add(where, f"услуга «{key}» подключена, но неизвестна")
    deferred = []
    for svc in sorted(services, key=lambda s: (s.order, s.key)):
        if svc.kind == "common_property":
            continue
        if svc.resource == "sewerage":
            deferred.append(svc)
            continue
        try:
            line = _service_line(basis, account, svc, gaps, vols, f"{where}, услуга «{svc.name}»")
        except InvalidValue as exc:  # a contradiction in the data (a flat larger than the house): this line's gap —
            gaps.add(f"{where}, услуга «{svc.name}»", exc.message_ru)  # the other gaps are still found and said
            continue
        if line is not None:
            out.append(line)
    for svc in deferred:
        line = _sewerage_line(basis, account, svc, gaps, vols, f"{where}, услуга «{svc.name}»")
        if line is not None:
            out.append(line)
    return out, vols


def _price(basis: HouseBasis, svc: ServiceInfo, gaps: _Gaps, where: str) -> Price | None:
    price = basis.prices.get(svc.key)
    if price is None or (price.rate is None and not price.zones and not price.two_part):
        gaps.add(where, f"нет тарифа на {basis.period}")
        return None
    return price


def _norm(basis: HouseBasis, svc: ServiceInfo, per: str, gaps: _Gaps, where: str) -> Decimal | None:
    norm = basis.norms.get((svc.key, per))
    if norm is None and (svc.key, per) in basis.norms:
        gaps.add(where, f"нормативы ({per}) на {basis.period} различаются по степени благоустройства, а какая она "
                        "у дома, неизвестно: задайте норматив для дома (norms[].house)")
    elif norm is None:
        gaps.add(where, f"нет норматива ({per}) на {basis.period}")
    return norm


def _persons(account: AccountBasis) -> Decimal:
    """Residents; when nobody resides, the owners (п. 56(2) ПП 354)."""
    return account.residents if account.residents > 0 else account.owners


def _service_line(basis: HouseBasis, account: AccountBasis, svc: ServiceInfo, gaps: _Gaps,
                  vols: dict[str, Decimal], where: str) -> Line | None:
    price = _price(basis, svc, gaps, where)
    if price is None:
        return None
    if svc.kind != "communal" or svc.resource is None:
        return _unit_line(account, svc, price, gaps, where)
    if svc.resource == "heating":
        return _heating_line(basis, account, svc, price, gaps, where)
    if svc.resource in METERED:
        return _named_unused(account, svc, _resource_line(basis, account, svc, price, gaps, vols, where))
    if svc.unit in ("m2", "person", "premises"):
        return _unit_line(account, svc, price, gaps, where)
    norm = _norm(basis, svc, "person", gaps, where)  # e.g. solid waste by a per-person norm in m³
    if norm is None:
        return None
    return charges.norm_charge(svc.key, persons=_persons(account), norm=norm, tariff=price.rate or ZERO,
                               unit=svc.unit)


def _unit_line(account: AccountBasis, svc: ServiceInfo, price: Price, gaps: _Gaps, where: str) -> Line | None:
    if price.rate is None:
        gaps.add(where, "для услуги нужен одноставочный тариф")
        return None
    if svc.unit == "m2":
        return charges.area_charge(svc.key, area=account.area, rate=price.rate)
    if svc.unit == "person":
        return charges.per_unit_charge(svc.key, units=_persons(account), rate=price.rate, method="person")
    if svc.unit == "premises":
        return charges.per_unit_charge(svc.key, units=Decimal(1), rate=price.rate, method="premises")
    gaps.add(where, f"не знаю, как начислять услугу вида {svc.kind} в единицах {svc.unit}")
    return None


def _heating_line(basis: HouseBasis, account: AccountBasis, svc: ServiceInfo, price: Price, gaps: _Gaps,
                  where: str) -> Line | None:
    """Heating: by the norm and area (ф. 2) or the house heat meter's volume by area share (ф. 3), ПП 354 п. 42(1).
    Paid in the heating season, a month outside ``season_months`` charges nothing by the norm and, when the house
    meter has no reading for it, by the meter either (a reading given then — the heating started early — is billed)."""
    if price.rate is None:
        gaps.add(where, "для отопления нужен одноставочный тариф (руб./Гкал)")
        return None
    if basis.heating_method == "house_meter":
        volume = basis.house_volumes.get("heating")
        if volume is None and basis.heating_payment == "season" and basis.season_months and \
                basis.period.month not in basis.season_months:
            return None  # paid in the heating season (ПП 354 п. 42(1)): nothing out of it, no reading needed
        if volume is None:
            gaps.add(where, f"нет показаний общедомового прибора учёта тепла за {basis.period}")
            return None
        return charges.heating_house_meter_charge(svc.key, house_volume=volume, area=account.area,
                                                  house_area=basis.total_area, tariff=price.rate)
    norm = _norm(basis, svc, "m2", gaps, where)
    if norm is None:
        return None
    if not basis.season_months:
        gaps.add(where, "не заданы месяцы отопительного сезона дома")
        return None
    return charges.heating_norm_charge(svc.key, area=account.area, norm=norm, tariff=price.rate,
                                       month=basis.period.month, season_months=basis.season_months,
                                       payment=basis.heating_payment)


def _priced(svc: ServiceInfo, price: Price, volume_by_zone: Mapping[str, Decimal], method: str) -> Line:
    """A volume priced: zonal, two-part or one-part."""
    total = sum(volume_by_zone.values(), ZERO)
    if price.two_part:
        return charges.two_part_hot_water_charge(svc.key, volume=total, cold_water_rate=price.cold_water_rate,
                                                 heat_per_m3=price.heat_per_m3, heat_rate=price.heat_rate,
                                                 method=method)
    if method == "meter" and set(volume_by_zone) != {"total"} and price.zones and \
            set(volume_by_zone) <= set(price.zones):
        return charges.meter_charge(svc.key, volumes=volume_by_zone, tariffs=price.zones, unit=svc.unit)
    rate = price.rate if price.rate is not None else next(iter(price.zones.values()))
    if method == "meter":
        return charges.meter_charge(svc.key, volumes={"total": total}, tariffs={"total": rate}, unit=svc.unit)
    return charges.average_charge(svc.key, volume=total, tariff=rate, unit=svc.unit)


def _named_unused(account: AccountBasis, svc: ServiceInfo, line: Line | None) -> Line | None:
    """A line of a metered resource names the period's readings that were not counted (rejected or waiting for a
    person's confirmation) among its inputs: why the month went by the average or the norm (issue 15)."""
    if line is None:
        return None
    notes = [n for m in account.meters if m.resource == svc.resource for n in m.unused]
    if not notes:
        return line
    inputs = {**line.derivation.inputs, "не учтено": "; ".join(notes)}
    return replace(line, derivation=replace(line.derivation, inputs=inputs))


def _resource_line(basis: HouseBasis, account: AccountBasis, svc: ServiceInfo, price: Price, gaps: _Gaps,
                   vols: dict[str, Decimal], where: str) -> Line | None:
    resource = svc.resource
    meters = [m for m in account.meters if m.resource == resource]
    limits = basis.settings.average_limits
    working = [m for m in meters if not m.broken]
    if working and len(working) == len(meters):
        if all(m.current is not None and m.previous is not None for m in working):
            by_zone: dict[str, Decimal] = {}
            for meter in working:
                try:
                    delta = volumes.meter_volume(meter.previous, meter.current, digits=meter.digits,
                                                 rollover=meter.rollover)
                except Exception as exc:  # a reading that makes the volume negative
                    gaps.add(where, f"прибор {meter.key}: {getattr(exc, 'reason', exc)}")
                    return None
                for zone, value in delta.items():
                    by_zone[zone] = by_zone.get(zone, ZERO) + value
            by_zone, whole = _part_of(basis, account, by_zone)
            vols[resource] = sum(by_zone.values(), ZERO)
            return _of_part(account, _priced(svc, price, by_zone, "meter"), whole)
        try:
            average = _estimate(meters, "not_submitted", limits)
        except InvalidValue as exc:  # a read meter's reading that makes its volume negative
            gaps.add(where, exc.message_ru)
            return None
        if average is not None:
            by_zone, whole = _part_of(basis, account, {"total": average})
            vols[resource] = by_zone["total"]
            return _of_part(account, _priced(svc, price, by_zone, "average"), whole)
        return _norm_line(basis, account, svc, price, gaps, vols, where, with_coefficient=False)
    if meters:  # a meter failed, lost its verification or was removed: average, then the norm with K
        try:
            average = _estimate(meters, "meter_failed", limits)
        except InvalidValue as exc:
            gaps.add(where, exc.message_ru)
            return None
        if average is not None:
            by_zone, whole = _part_of(basis, account, {"total": average})
            vols[resource] = by_zone["total"]
            return _of_part(account, _priced(svc, price, by_zone, "average"), whole)
    return _norm_line(basis, account, svc, price, gaps, vols, where, with_coefficient=True)


def _part_of(basis: HouseBasis, account: AccountBasis, volumes: dict[str, Decimal]
             ) -> tuple[dict[str, Decimal], Decimal | None]:
    """A premises' meter volumes by zone as the account's part of them: times its part of the
    premises' month (share × days, ``AccountBasis.part``) — a meter of a flat with two co-owners' accounts, or whose
    owner changed within the month, is billed once in all, not once per account (``shared_meter_volume``). Also the
    whole volume, or None when the account has all of it."""
    part = account.part
    if part == 1 or basis.settings.shared_meter_volume != "by_part":
        return volumes, None
    return ({z: v * part.numerator / part.denominator for z, v in volumes.items()},
            sum(volumes.values(), ZERO))


def _of_part(account: AccountBasis, line: Line, whole: Decimal | None) -> Line:
    """A line billed on the account's part of a meter's volume names the whole and the part among its inputs."""
    if whole is None:
        return line
    inputs = {**line.derivation.inputs, "объём по прибору": charges.fmt_quantity(whole),
              "доля лицевого счёта": str(account.part)}
    return replace(line, derivation=replace(line.derivation, inputs=inputs))


def _points(meters: list[MeterState]) -> list[MeterState]:
    """Measuring points: a meter replaced within the period and the meter replacing it are one (the new one's
    history begins with the old one's), so the average counts it once."""
    replaced = {m.replaces for m in meters if m.replaces}
    return [m for m in meters if m.key not in replaced]


def _estimate(meters: list[MeterState], case: str, limits: AverageLimits) -> Decimal | None:
    """The month's volume of a resource some of whose measuring points have no reading (п. 59 «б») or a meter out of
    order (п. 59 «а»): each point read this month — its meters in order, each with its opening and closing values —
    counts by its reading (ПП 354 п. 42, ф. 1), each other point by its own average (п. 59, ``_average`` under
    ``case``); None when one of those may not go by the average (no history, the п. 59 limit passed): then the
    resource goes by the norm (п. 60). A flat with a kitchen and a bathroom cold-water meter, the kitchen's read
    4 м³ and the bathroom's unread (average 3 м³), uses 7 м³ — not both averages. A meter replaced within the month
    and its replacement are one point (``_points``). Raises ``InvalidValue`` for a read point's reading below the
    one before it (unconfirmed)."""
    total = ZERO
    for point in _points(meters):
        members = [point] + [m for m in meters if point.replaces is not None and m.key == point.replaces]
        if all(not m.broken and m.current is not None and m.previous is not None for m in members):
            for meter in members:
                total += sum(volumes.meter_volume(meter.previous, meter.current, digits=meter.digits,
                                                  rollover=meter.rollover).values(), ZERO)
            continue
        value = _average([point], case, limits)
        if value is None:
            return None
        total += value
    return total


def _average(meters: list[MeterState], case: str, limits: AverageLimits) -> Decimal | None:
    total = ZERO
    for meter in meters:
        if not volumes.average_allowed(meter.periods_without, case=case, limits=limits):
            return None
        value = volumes.average_volume(meter.history)
        if value is None:
            return None
        total += value
    return total


def _norm_line(basis: HouseBasis, account: AccountBasis, svc: ServiceInfo, price: Price, gaps: _Gaps,
               vols: dict[str, Decimal], where: str, *, with_coefficient: bool) -> Line | None:
    norm = _norm(basis, svc, "person", gaps, where)
    if norm is None:
        return None
    persons = _persons(account)
    impossible = svc.resource in account.meter_impossible
    coefficient = Decimal(1)
    if with_coefficient and not impossible:
        coefficient = charges.increasing_coefficient(svc.resource, basis.period.first_day, table=basis.coefficients,
                                                     meter_impossible=impossible, meter_missing=True)
    vols[svc.resource] = persons * norm
    if price.two_part:
        return charges.two_part_hot_water_charge(svc.key, volume=persons * norm, cold_water_rate=price.cold_water_rate,
                                                 heat_per_m3=price.heat_per_m3, heat_rate=price.heat_rate,
                                                 method="norm", coefficient=coefficient)
    rate = price.rate if price.rate is not None else next(iter(price.zones.values()))
    return charges.norm_charge(svc.key, persons=persons, norm=norm, tariff=rate, coefficient=coefficient,
                               method="norm_k" if coefficient > 1 else "norm", unit=svc.unit)


def _sewerage_line(basis: HouseBasis, account: AccountBasis, svc: ServiceInfo, gaps: _Gaps,
                   vols: dict[str, Decimal], where: str) -> Line | None:
    """Sewerage = cold + hot water volumes where water is metered; otherwise its own norm (ПП 354 п. 42), with the
    increasing coefficient of the coefficient table's sewerage rows (none built in; a document may set them —
    DOMAIN.md §1.5 [P], EXCHANGE.md ``increasing_coefficients``) when the premises has no water meter and one can
    be installed (п. 42: no act of impossibility for its water, ``_meter_impossible``)."""
    price = _price(basis, svc, gaps, where)
    if price is None or price.rate is None:
        return None
    water_meters = [m for m in account.meters if m.resource in ("cold_water", "hot_water")]
    if water_meters and ("cold_water" in vols or "hot_water" in vols):
        volume = vols.get("cold_water", ZERO) + vols.get("hot_water", ZERO)
        vols["sewerage"] = volume
        return charges.meter_charge(svc.key, volumes={"total": volume}, tariffs={"total": price.rate}, unit=svc.unit)
    norm = _norm(basis, svc, "person", gaps, where)
    if norm is None:
        return None
    vols["sewerage"] = _persons(account) * norm
    coefficient = charges.increasing_coefficient(
        svc.resource, basis.period.first_day, table=basis.coefficients,
        meter_impossible=_meter_impossible(basis, account, svc), meter_missing=not water_meters)
    return charges.norm_charge(svc.key, persons=_persons(account), norm=norm, tariff=price.rate,
                               coefficient=coefficient, unit=svc.unit)


# --- common property -----------------------------------------------------------------------------------
def _common_property(basis: HouseBasis, lines: dict[str, list[Line]], vols: dict[str, dict[str, Decimal]],
                     gaps: _Gaps) -> dict[str, Decimal]:
    carry: dict[str, Decimal] = {}
    for svc in sorted((s for s in basis.services.values() if s.kind == "common_property"), key=lambda s: s.order):
        takers = [a for a in basis.accounts if svc.key in a.services]
        if not takers:
            continue
        where = f"дом {basis.label}, услуга «{svc.name}»"
        price = _price(basis, svc, gaps, where)
        norm = _norm(basis, svc, "common_m2", gaps, where)
        if price is None or norm is None or price.rate is None or basis.total_area <= 0:
            continue
        premises_volume = sum((v.get(svc.resource, ZERO) for v in vols.values()), ZERO)
        billable, carried = common_property.billable_house_volume(
            house_volume=basis.house_volumes.get(svc.resource), premises_volume=premises_volume, norm=norm,
            common_area=basis.common_area, cap=basis.settings.common_property_cap,
            negative=basis.settings.negative_common_property)
        if carried:
            carry[svc.key] = carried
        try:
            shares = common_property.distribute(
                svc.key, billable=billable, areas={a.key: a.area for a in takers}, house_area=basis.total_area,
                tariff=price.rate, rounding=basis.settings.common_property_rounding, norm=norm,
                common_area=basis.common_area)
        except InvalidValue as exc:
            gaps.add(f"дом {basis.label}, услуга «{svc.name}»", exc.message_ru)
            continue
        for key, line in shares.items():
            lines[key].append(line)
    return carry


# --- reductions ---------------------------------------------------------------------------------------
def _named_acts(lines: list[Line], events: list) -> list[Line]:
    """The reductions with the acts that caused them among their inputs («акт»: their numbers) — so ``explain`` and
    the bill name the act whether the line is the month's own or a recalculation's (issue 19)."""
    acts = ", ".join(dict.fromkeys(e.act for e in events if e.act))
    if not acts:
        return lines
    return [replace(ln, derivation=replace(ln.derivation, inputs={**ln.derivation.inputs, "акт": acts}))
            if ln.kind == "quality" else ln for ln in lines]


def _reductions(basis: HouseBasis, account: AccountBasis, own: list[Line]) -> list[Line]:
    out: list[Line] = []
    events = basis.quality + account.quality
    if not events and not account.absent_days:  # no act and no absence: nothing reduces a line (most accounts)
        return out
    for line in own:
        if line.kind != "charge" or line.amount <= 0:
            continue
        mine = [e for e in events if e.service == line.service]
        out += _named_acts(_line_reductions(basis, account, line, mine), mine)
    return out


def _line_reductions(basis: HouseBasis, account: AccountBasis, line: Line, mine: list) -> list[Line]:
    """The reductions of one charge line: interruptions, temperatures (Приложение 1 ПП 354), absence (разд. VIII)."""
    out: list[Line] = []
    policy = basis.settings.quality_excess_hours
    svc = basis.services[line.service]
    rule = reductions.QUALITY_RULES.get(svc.resource or "")
    # the act may state the allowance of an event (e.g. 24 h for an accident on a dead-end main)
    interruptions = [(e.start, e.end) if e.allowed is None else (e.start, e.end, e.allowed)
                     for e in mine if e.kind == "interruption"]
    if interruptions and rule is not None:
        single = rule.single_allowance_h.get("default", max(rule.single_allowance_h.values()))
        reduction = reductions.interruption_reduction(
            line.service, charge=line.amount, events=interruptions, period=basis.period,
            monthly_allowance_h=rule.monthly_allowance_h, single_allowance_h=single,
            rate_pct_per_h=rule.rate_pct_per_h, policy=policy)
        if reduction is not None:
            out.append(reduction)
    temperatures = [e for e in mine if e.kind == "temperature" and e.measured is not None]
    if temperatures and svc.resource == "hot_water":
        out += _hot_water_temperature(basis, account, line, temperatures)
    if temperatures and svc.resource == "heating":  # прил. 1, п. 15: the room is colder than the norm
        reduction = reductions.room_temperature_reduction(
            line.service, charge=line.amount, period=basis.period,
            events=[(e.start, e.end, e.measured, e.allowed) for e in temperatures],
            excluded=[(e.start, e.end) for e in mine if e.kind == "interruption"],
            night=basis.settings.room_temperature_night)
        if reduction is not None:
            out.append(reduction)
    absent: list[Line] = []
    if account.absent_days and line.method in ("norm", "norm_k") and reductions.absence_applies(
            svc.resource, svc.kind, meter_impossible=_meter_impossible(basis, account, svc), metered=False):
        norm = basis.norms.get((svc.key, "person"))
        price = basis.prices.get(svc.key)
        rate = None if price is None else price.hot_water_rate if price.two_part else price.rate
        if norm is not None and rate is not None:
            for days in account.absent_days:
                absent.append(reductions.absence_recalc(
                    line.service, norm=norm, tariff=rate, coefficient=line.coefficient, absent_days=days,
                    days_in_month=basis.period.days,
                    part=account.part if basis.settings.shared_meter_volume == "by_part" else Fraction(1)))
    return _within(line.amount, absent + out)


def _meter_impossible(basis: HouseBasis, account: AccountBasis, svc: ServiceInfo) -> bool:
    """Whether the service's meter cannot be installed in the account's premises (an act, ПП 354 п. 86): its own
    resource's; for sewerage, which has no meter of its own and is billed by the water meters' volumes (п. 42), every
    water the account takes — sewerage by norm in premises whose water meters are impossible is recalculated for an
    absence as the water is (п. 86: «водоотведение»; DOMAIN.md §2.1 [U])."""
    if svc.resource != "sewerage":
        return svc.resource in account.meter_impossible
    water = {basis.services[k].resource for k in account.services if k in basis.services} & {"cold_water", "hot_water"}
    return bool(water) and water <= set(account.meter_impossible)


def _within(charge: int, lowered: list[Line]) -> list[Line]:
    """Reductions of one charge line, together never more than the line charged: the absence recalculation first
    (разд. VIII ПП 354: the volume not consumed), then the quality reductions on what is left (прил. 1: the charge
    for the month is reduced — never below zero). A reduction cut short says so in its formula."""
    out, left = [], charge
    for line in lowered:
        take = min(-line.amount, max(left, 0))
        if take != -line.amount:
            line = replace(line, amount=-take, derivation=replace(
                line.derivation, formula=f"{line.derivation.formula}; не больше остатка начисления: "
                                         f"{format_kop(take)}"))
        left -= take
        if take:
            out.append(line)
    return out


def _hot_water_temperature(basis: HouseBasis, account: AccountBasis, line: Line, events: list) -> list[Line]:
    """Прил. 1, п. 5: 0.1 % per 3 °C below the norm per hour; below +40 °C the water of those days is billed at the
    cold-water tariff — the tariff of a cold-water service of the same supplier, else of any. With no cold-water
    tariff in force (cold water billed by someone else) those hours are reduced as at +40 °C instead [P]: the act
    still lowers the charge and the house is not stopped for a tariff it does not bill."""
    out = []
    price = basis.prices[line.service]
    cold = None
    if price.two_part:
        hot, cold = price.hot_water_rate, price.cold_water_rate
    else:
        hot = price.rate if price.rate is not None else next(iter(price.zones.values()))
        supplier = basis.services[line.service].supplier
        candidates = sorted((s for s in basis.services.values() if s.resource == "cold_water"
                             and s.kind == "communal" and s.key in basis.prices and basis.prices[s.key].rate is not None),
                            key=lambda s: (s.supplier != supplier, s.order, s.key))
        cold = basis.prices[candidates[0].key].rate if candidates else None
    rebill = cold is not None and line.volume is not None
    hours = [(Decimal((end - start).total_seconds()) / 3600, t if rebill or t >= 40 else Decimal(40))
             for start, end, t in _coldest(basis, events)]
    hours = [(h, t) for h, t in hours if h > 0]
    reduction = reductions.hot_water_temperature_reduction(line.service, charge=line.amount, hours=hours) \
        if hours else None
    if reduction is not None:
        out.append(reduction)
    days = set()
    for e in events:
        if e.measured < 40:
            start, end = max(e.start, _month_start(basis, e)), min(e.end, _month_end(basis, e))
            if start < end:
                last = (end - timedelta(microseconds=1)).date()
                days |= {start.date() + timedelta(days=k) for k in range((last - start.date()).days + 1)}
    if days and rebill:
        line_ = reductions.below_40_rebill(line.service, volume=line.volume, days_below_40=len(days),
                                           period=basis.period, hot_water_tariff=hot, cold_water_tariff=cold,
                                           coefficient=line.coefficient)
        if line_ is not None:
            out.append(line_)
    return out


def _coldest(basis: HouseBasis, events: list) -> list[tuple[datetime, datetime, Decimal]]:
    """The hot water's temperature acts clipped to the month as (from, to, °C), hour by hour the coldest act: the
    house's act and a flat's (or an entrance's) over the same hours are one deviation, reduced once (ПП 354 прил. 1
    п. 5: «за каждый час» of it), at the lowest temperature measured. Acts that do not overlap come out as they are,
    in the order of their start."""
    pieces = [(max(e.start, _month_start(basis, e)), min(e.end, _month_end(basis, e)), e.measured) for e in events]
    pieces = sorted((p for p in pieces if p[0] < p[1]), key=lambda p: p[0])
    if all(a[1] <= b[0] for a, b in zip(pieces, pieces[1:])):
        return pieces
    bounds = sorted({t for start, end, _ in pieces for t in (start, end)})
    out: list[tuple[datetime, datetime, Decimal]] = []
    for low, high in zip(bounds, bounds[1:]):
        measured = [t for start, end, t in pieces if start <= low and high <= end]
        if not measured:
            continue
        coldest = min(measured)
        if out and out[-1][1] == low and out[-1][2] == coldest:
            out[-1] = (out[-1][0], high, coldest)
        else:
            out.append((low, high, coldest))
    return out


def _month_start(basis: HouseBasis, event) -> datetime:
    return datetime.combine(basis.period.first_day, datetime.min.time(), tzinfo=event.start.tzinfo)


def _month_end(basis: HouseBasis, event) -> datetime:
    return datetime.combine(basis.period.end, datetime.min.time(), tzinfo=event.end.tzinfo)


def charge_by_norm(basis: HouseBasis, account_key: str, service_key: str) -> Line | None:
    """The account's monthly charge for a metered resource computed by the norm — norm × persons (residents, else
    owners, п. 56(2)) × tariff, without the increasing coefficient: the measure of a debt that allows a restriction
    (ПП 354 п. 118: «2 месячных размеров платы … исходя из норматива потребления»). ``None`` when the service is not
    a metered resource of the account or its norm or tariff is missing."""
    svc = basis.services.get(service_key)
    account = next((a for a in basis.accounts if a.key == account_key), None)
    if svc is None or account is None or svc.resource not in METERED or service_key not in account.services:
        return None
    gaps = _Gaps()
    price = _price(basis, svc, gaps, "")
    if price is None:
        return None
    return _norm_line(basis, account, svc, price, gaps, {}, "", with_coefficient=False)
