"""The basis of one house's month: everything the engine needs, gathered by the caller (``modules/registry``).

Plain immutable data; keys (services, accounts, meters, suppliers) are opaque strings. Values are already
resolved for the period: the tariff and norm in force, the number of residents by the person-count rule,
the readings that open and close the period for each meter.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Mapping, Sequence

from bcenter.core.errors import InvalidValue, Problem
from bcenter.core.period import Period
from bcenter.core.settings import Settings
from bcenter.engine.charges import quantity


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """A service as the engine sees it.

    Attributes:
        key: the caller's key. kind: housing | communal | common_property | capital_repair | additional.
        resource: cold_water … solid_waste, or None. unit: m3 | kwh | gcal | m2 | person | premises.
        supplier: the caller's key of the recipient. order: the line order on the bill.
        name: what people call it (messages name services so); the key when not given.
    """

    key: str
    kind: str
    resource: str | None
    unit: str
    supplier: str
    order: int = 0
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.key)


@dataclass(frozen=True, slots=True)
class Price:
    """The tariff of a service in force for the period.

    Attributes:
        rate: one-part rate (rubles per unit) or None. zones: zone → rate for multi-zone electricity.
        cold_water_rate, heat_rate, heat_per_m3: the two-part hot-water components, or None.
    """

    rate: Decimal | None = None
    zones: Mapping[str, Decimal] = field(default_factory=dict)
    cold_water_rate: Decimal | None = None
    heat_rate: Decimal | None = None
    heat_per_m3: Decimal | None = None

    @property
    def two_part(self) -> bool:
        return self.cold_water_rate is not None and self.heat_rate is not None and self.heat_per_m3 is not None

    @property
    def hot_water_rate(self) -> Decimal:
        """A two-part hot-water tariff as one rate per m³: cold water + heat per m³ × heat (EXCHANGE.md: the charge is
        V × cold_water_rate + V × heat_per_m3 × heat_rate) — what a volume's reduction is priced at."""
        return self.cold_water_rate + self.heat_per_m3 * self.heat_rate


@dataclass(frozen=True, slots=True)
class MeterState:
    """An individual meter over the period.

    Attributes:
        key: the caller's key; resource; zones (1–3); digits (integer positions, for rollover).
        previous: the values that open the period (the last reading of an earlier period, or the initial one).
        current: the values that close the period (the last reading assigned to it), or None when missing.
        history: monthly volumes (total over zones) of the latest periods with actual readings, oldest first,
            for the average (п. 59 ПП 354).
        periods_without: consecutive periods without a reading, this one included (0 when `current` is set).
        broken: the meter failed, its verification expired or it was removed without a replacement (п. 59 «а»).
        rollover: the current reading is confirmed as having gone over zero.
        unused: readings of the period the validation rules rejected or left unconfirmed, each said in words
            (``reading_rules.unused_note``): the month's line names them when it goes by the average or the norm.
        replaces: the key of the meter this one replaced within the period (both are one measuring point: the
            month's average counts it once).
    """

    key: str
    resource: str
    zones: int
    digits: int
    previous: Mapping[str, Decimal] | None
    current: Mapping[str, Decimal] | None
    history: Sequence[Decimal] = ()  # a tuple, or readings.History: worked out when read
    periods_without: int = 0
    broken: bool = False
    rollover: bool = False
    unused: tuple[str, ...] = ()
    replaces: str | None = None


@dataclass(frozen=True, slots=True)
class QualityEvent:
    """An interruption or deviation of a service (Приложение 1 ПП 354).

    Attributes:
        service: key. kind: interruption | temperature | pressure | composition. start/end: aware date-times.
        measured: °C for temperature. allowed: an allowance in hours given by the act, if any.
    """

    service: str
    kind: str
    start: datetime
    end: datetime
    measured: Decimal | None = None
    allowed: Decimal | None = None
    act: str | None = None
    """The act's number (issue 19): named in the derivation of the reduction it causes."""


MEASURED_KINDS = ("temperature", "pressure")
"""Acts of a deviation: what was measured is what reduces the charge — such an act without it reduces nothing."""

_ALLOWED_NAMES = {"interruption": "допустимая продолжительность перерыва, ч", "temperature": "норма температуры, °C",
                  "pressure": "допустимое давление, МПа", "composition": "допустимое значение"}


def quality_value_problems(kind: str, measured: Decimal | None, allowed: Decimal | None) -> list[Problem]:
    """The values of an act as the month's reductions read them, checked where the act is written (``claims act``,
    the import) rather than in every later month of its house: a temperature or pressure act needs ``measured``
    (without it the act reduces nothing); ``allowed`` — the hours of an interruption allowed, the room's norm in °C,
    MPa — and a pressure measured are not below 0 (``charges.quantity``, as the reductions take them; a temperature
    measured may be: a flat below 0 °C). Problems at the field's name (``measured``, ``allowed``)."""
    problems = []
    if kind in MEASURED_KINDS and measured is None:
        problems.append(Problem("measured", "для акта о качестве (температура, давление) нужно измеренное значение: "
                                            "без него акт ничего не снижает"))
    for field_, value, name in (("allowed", allowed, _ALLOWED_NAMES.get(kind, "допустимое значение")),
                                ("measured", measured if kind == "pressure" else None, "давление, МПа")):
        if value is None:
            continue
        try:
            quantity(value, name)
        except InvalidValue as exc:
            problems.append(exc.to_problem(field_))
    return problems


@dataclass(frozen=True, slots=True)
class AccountBasis:
    """One account's month.

    Attributes:
        key: the caller's key; number: the account number people see.
        area: the premises' total area (the account's share applied); premises_kind: residential | nonresidential.
        meter_impossible: resources with an act of no technical possibility to install a meter.
        services: keys of the services connected in the period.
        residents: persons residing by the person-count rule (person-days / days in month).
        owners: owners, used when nobody resides (п. 56(2) ПП 354).
        meters: the individual meters of the premises.
        absent_days: per absent person, full days of absence in the period (> 5 days only, caller decides).
        quality: quality events of the premises itself (house-wide ones are on the house).
        part: the account's part of the premises' month — its share of ownership × the days it was open — which
            its area and persons already carry, and its meters' volumes take (``shared_meter_volume``).
    """

    key: str
    number: str
    area: Decimal
    premises_kind: str = "residential"
    meter_impossible: frozenset[str] = frozenset()
    services: tuple[str, ...] = ()
    residents: Decimal = Decimal(0)
    owners: Decimal = Decimal(0)
    meters: tuple[MeterState, ...] = ()
    absent_days: tuple[int, ...] = ()
    quality: tuple[QualityEvent, ...] = ()
    part: Fraction = Fraction(1)


@dataclass(frozen=True, slots=True)
class HouseBasis:
    """One house's month.

    Attributes:
        key: the caller's key; period; total_area S_об; common_area S_ои; label: the address people know the
            house by (messages name houses so; the key when not given).
        heating_method: norm | house_meter; heating_payment: season | year_evenly; season_months.
        services: every service used in the house, by key.
        prices: the tariff in force per service key; norms: (service key, per) → value, or None where norms of
            different amenity levels are in force and the house's is unknown (a gap).
        coefficients: the increasing-coefficient table rows (resource, from, to, value).
        house_volumes: resource → the house meter's volume for the period (None: no house meter or no reading).
        accounts: the accounts of the house.
        quality: house-wide quality events.
        settings: the policy settings (``bcenter.core.settings.Settings``).
    """

    key: str
    period: Period
    total_area: Decimal
    common_area: Decimal
    label: str = ""
    heating_method: str = "norm"
    heating_payment: str = "season"
    season_months: tuple[int, ...] = ()
    services: Mapping[str, ServiceInfo] = field(default_factory=dict)
    prices: Mapping[str, Price] = field(default_factory=dict)
    norms: Mapping[tuple[str, str], Decimal | None] = field(default_factory=dict)
    coefficients: tuple[tuple[str, date, date | None, Decimal], ...] = ()
    house_volumes: Mapping[str, Decimal | None] = field(default_factory=dict)
    accounts: tuple[AccountBasis, ...] = ()
    quality: tuple[QualityEvent, ...] = ()
    settings: Settings = field(default_factory=Settings)

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.key)
