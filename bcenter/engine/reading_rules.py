"""Named validation rules for a meter reading (issue 15), pure: the facts of the meter and its neighbouring readings
in, verdicts out. A verdict is stored with the reading, whatever its source; a reading is never dropped.

Severity: ``reject`` — the reading cannot be right and is not used (kept with its reason; an operator may accept it
with a reason of their own, audited); ``confirm`` — plausible but unusual: used only once an operator confirms it;
``note`` — used, flagged for people.

Rules (in the order checked; the first ``reject`` of the shape rules stops the sequence rules):

* ``too_many_digits`` (reject) — more digits before the point than the meter's counter has, or a negative value
  (no counter shows one): a typing error.
* ``zones_mismatch`` (reject) — the zones given are not the meter's (a two-tariff meter is read by day and night
  together; a single-tariff meter by its total).
* ``meter_not_installed`` / ``meter_removed`` (reject) — dated before the meter was installed or after its removal
  (the removal day itself takes the final reading).
* ``verification_expired`` (reject) — dated in a month that begins after the verification's interval ran out: the
  meter is not a measuring instrument then (ПП 354 п. 81(12) «д»: the charge goes by the average, then the norm —
  п. 59, 60). The month the interval runs out in is still billed by its reading, as the month engine has it
  (``engine.readings``: a meter is out of order from the first month after its expiry) [U: day or month].
* ``below_previous`` (reject) — lower than the reading before it and no rollover explains it.
* ``rollover`` (confirm) — lower than the reading before it, but the counter was near its top and now near zero:
  it went round (consumption = 10^digits − previous + value); an operator confirms.
* ``above_next`` (reject) — higher than a later reading already kept.
* ``far_above_average`` (confirm) — the month's consumption more than ``factor`` times the account's own average
  (3 by default) and more than a floor of the resource (``FLOORS``: a few cubic metres of water are no alarm however
  small the average) [P: the factor and the floors are a policy]. A reading an exchange document brings (source
  ``import``) gets it as a note: the system it comes from accepted it, and a migrated history is billed as it was.
* ``outside_window`` (note) — a resident's reading outside the submission window (e.g. the 23rd–25th, п. 31 «е(1)»
  ПП 354, or as the contract sets [U]): kept and used for the month it falls into.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZONES = {1: ("total",), 2: ("day", "night"), 3: ("peak", "night", "half_peak")}
ZONE_NAMES = {"total": "показание", "day": "день (Т1)", "night": "ночь (Т2)", "peak": "пик (Т1)",
              "half_peak": "полупик (Т3)"}
SEVERITIES = ("reject", "confirm", "note")
RULES = ("too_many_digits", "zones_mismatch", "meter_not_installed", "meter_removed", "verification_expired",
         "below_previous", "rollover", "above_next", "far_above_average", "outside_window")
RESIDENT_SOURCES = ("resident", "portal", "bank", "phone")
DAYS_PER_MONTH = Decimal("30.4375")
FLOORS = {"cold_water": Decimal(10), "hot_water": Decimal(10), "electricity": Decimal(300), "gas": Decimal(30),
          "heating": Decimal(1)}
"""Monthly consumption (м³, кВт·ч, Гкал) below which ``far_above_average`` never fires [P]."""


@dataclass(frozen=True)
class MeterFacts:
    serial: str
    zones: int
    digits: int
    installed: date
    removed: date | None = None
    valid_until: date | None = None
    resource: str | None = None


@dataclass(frozen=True)
class Reading:
    day: date
    values: Mapping[str, Decimal]
    source: str = "resident"


@dataclass(frozen=True)
class Verdict:
    rule: str
    severity: str
    message: str


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def check(meter: MeterFacts, reading: Reading, *, before: Reading | None = None, after: Reading | None = None,
          average: Decimal | None = None, factor: Decimal = Decimal(3),
          window: tuple[int, int] | None = None) -> tuple[Verdict, ...]:
    """The verdicts on ``reading`` of ``meter``, given the reading kept before it and after it (by date; the
    meter's initial values count as a reading on its installation day) and the account's average monthly
    consumption of this meter (the sum of zones)."""
    out: list[Verdict] = []
    top = Decimal(10) ** meter.digits
    for zone, value in reading.values.items():
        if value < 0:
            out.append(Verdict("too_many_digits", "reject",
                               f"{ZONE_NAMES.get(zone, zone)} {_fmt(value)}: показание прибора не бывает "
                               "отрицательным — проверьте, не лишний ли минус"))
        elif value >= top:
            out.append(Verdict("too_many_digits", "reject",
                               f"{ZONE_NAMES.get(zone, zone)} {_fmt(value)}: у прибора № {meter.serial} "
                               f"{meter.digits} разрядов до запятой — проверьте, не лишняя ли цифра"))
    wanted = ZONES.get(meter.zones, ZONES[1])
    if set(reading.values) != set(wanted):
        out.append(Verdict("zones_mismatch", "reject",
                           f"прибор № {meter.serial} {'однотарифный' if meter.zones == 1 else f'{meter.zones}-тарифный'}"
                           f": нужны {', '.join(ZONE_NAMES[z] for z in wanted)}, переданы "
                           f"{', '.join(ZONE_NAMES.get(z, z) for z in reading.values) or 'никакие'}"))
    if reading.day < meter.installed:
        out.append(Verdict("meter_not_installed", "reject",
                           f"показание от {reading.day:%d.%m.%Y}, а прибор № {meter.serial} установлен "
                           f"{meter.installed:%d.%m.%Y}"))
    if meter.removed is not None and reading.day > meter.removed:
        out.append(Verdict("meter_removed", "reject",
                           f"прибор № {meter.serial} снят {meter.removed:%d.%m.%Y}: показание от "
                           f"{reading.day:%d.%m.%Y} не принимается"))
    if meter.valid_until is not None and reading.day.replace(day=1) > meter.valid_until:
        out.append(Verdict("verification_expired", "reject",
                           f"срок поверки прибора № {meter.serial} истёк {meter.valid_until:%d.%m.%Y}: показания не "
                           "принимаются к расчёту до новой поверки (ПП 354, п. 81(12)) — начисление по среднему"))
    if any(v.rule in ("too_many_digits", "zones_mismatch") for v in out):
        return tuple(out)
    consumption = None
    if before is not None:
        consumption = Decimal(0)
        for zone, value in reading.values.items():
            last = before.values.get(zone)
            if last is None:
                continue
            if value >= last:
                consumption += value - last
            elif last >= top * Decimal("0.9") and value < top * Decimal("0.1"):
                used = top - last + value
                consumption += used
                out.append(Verdict("rollover", "confirm",
                                   f"{ZONE_NAMES.get(zone, zone)} {_fmt(value)} меньше предыдущего {_fmt(last)} от "
                                   f"{before.day:%d.%m.%Y}: похоже на переход счётчика через ноль (расход "
                                   f"{_fmt(used)}) — подтвердите"))
            else:
                consumption = None
                out.append(Verdict("below_previous", "reject",
                                   f"{ZONE_NAMES.get(zone, zone)} {_fmt(value)} меньше предыдущего показания "
                                   f"{_fmt(last)} от {before.day:%d.%m.%Y} — проверьте цифры"))
                break
    if after is not None:
        for zone, value in reading.values.items():
            following = after.values.get(zone)
            if following is not None and value > following:
                out.append(Verdict("above_next", "reject",
                                   f"{ZONE_NAMES.get(zone, zone)} {_fmt(value)} больше следующего показания "
                                   f"{_fmt(following)} от {after.day:%d.%m.%Y}"))
                break
    if consumption is not None and average and average > 0 and before is not None:
        months = max(Decimal((reading.day - before.day).days) / DAYS_PER_MONTH, Decimal(1))
        monthly = consumption / months
        if monthly > average * factor and monthly > FLOORS.get(meter.resource or "", Decimal(0)):
            out.append(Verdict("far_above_average", "note" if reading.source == "import" else "confirm",
                               f"расход {_fmt(monthly.quantize(Decimal('0.001')))} в месяц больше среднего по "
                               f"лицевому счёту {_fmt(average)} в {_fmt(factor)} раза и более — подтвердите"))
    if window is not None and reading.source in RESIDENT_SOURCES and not window[0] <= reading.day.day <= window[1]:
        out.append(Verdict("outside_window", "note",
                           f"передано {reading.day:%d.%m.%Y}, вне срока приёма показаний (с {window[0]} по "
                           f"{window[1]} число)"))
    return tuple(out)


STATUS_OF_OUTCOME = {"accepted": "accepted", "needs_confirmation": "unconfirmed", "rejected": "rejected"}
"""The stored status (``meter_reading.status``) of each outcome."""
STATUS_NAMES = {"accepted": "принято", "confirmed": "принято оператором", "unconfirmed": "ждёт подтверждения",
                "rejected": "отклонено"}
SHAPE_RULES = ("too_many_digits", "zones_mismatch")
"""Rules whose reading cannot be used even when a person wants it: the values are not the meter's."""
SEQUENCE_RULES = ("below_previous", "above_next")
"""Rules whose reading cannot be used as it stands: the readings around it would make a negative volume — the wrong
one of them is corrected by a new reading instead."""


def values_text(values: Mapping[str, object]) -> str:
    """A reading's values for people: «1234,5» for one zone, «день (Т1) 2527, ночь (Т2) 1514» for several."""
    return ", ".join(_fmt(Decimal(str(v))) if zone == "total" else f"{ZONE_NAMES.get(zone, zone)} {_fmt(Decimal(str(v)))}"
                     for zone, v in values.items())


def average_of(monthly: "list | tuple") -> Decimal | None:
    """The account's own average monthly consumption the rule ``far_above_average`` compares with: the mean of the
    monthly volumes given (п. 59's history, ``engine.readings.monthly_history``), to 0.001; None without any."""
    if not monthly:
        return None
    return (sum(monthly, Decimal(0)) / len(monthly)).quantize(Decimal("0.001"))


def unused_note(day: date, status: str, values: Mapping[str, object],
                verdicts: "tuple | list" = ()) -> str:
    """What a month's ``explain`` says of a reading it did not count: its values and date, its status and the
    reasons of the verdicts that keep it out (``[rule, severity, message]``; notes are not reasons)."""
    shown = values_text(values)
    reasons = "; ".join(message for _rule, severity, message in verdicts if severity != "note")
    return f"показание {shown} от {day:%d.%m.%Y} {STATUS_NAMES.get(status, status)}" + (f": {reasons}" if reasons else "")


def outcome(verdicts: tuple[Verdict, ...]) -> str:
    """``rejected`` (a rejecting verdict), ``needs_confirmation`` (one to confirm), else ``accepted``."""
    severities = {v.severity for v in verdicts}
    if "reject" in severities:
        return "rejected"
    if "confirm" in severities:
        return "needs_confirmation"
    return "accepted"
