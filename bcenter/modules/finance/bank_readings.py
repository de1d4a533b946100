"""Meter readings a payer typed with a payment (a bank registry's ``CounterVal_N``) → readings with source ``bank``.

**Which meter ``CounterVal_N`` is** (DOMAIN.md §5.1 names the field, not its numbering; decided here, docs/design.md):
the bank shows the payer the account's meter *scales* in the order the settlement centre gives them, and returns the
values numbered 1, 2, … in that order. The order (``meter_scales``): the meters of the account's premises (not house
meters) in force on the payment day, by resource in bcenter's order (cold water, hot water, sewerage, electricity,
gas, heating), then by serial number; a one-zone meter is one scale, a two-zone meter two — T1 day, T2 night —, a
three-zone meter three — T1 peak, T2 night, T3 half-peak: the tariff numbers printed on Russian multi-tariff meters.
The bill and a debt registry sent to the bank use the same order.

**What is taken**: a value is a reading of its meter dated the payment day; the month it closes is the month of
that day (the reading-window rule, as any reading without a named period). The payment is money and is always
taken; a reading that cannot be right is **refused and kept** with its reason in the payment's ``extra``
(``readings_refused``) and reported by the import, never silently dropped:
* no scale with that number on the payment day (the account has fewer meters, or none);
* not a number (a decimal comma is a decimal point: terminals allow both; an empty value means «not given»);
* more integer digits than the meter has;
* below the meter's last reading before the day, or above its first reading after the day (a turnover over zero
  needs a person to confirm it — the meters module's operator acceptance);
* some but not all scales of a multi-zone meter (a reading of such a meter carries every zone).
A value taken is then judged by the meters' named validation rules (``bcenter.engine.reading_rules``, issue 15) like
a reading from any other source, and kept with their verdicts: a meter whose verification ran out, one removed, a
consumption far above the account's own average — the reading is stored ``rejected`` or ``unconfirmed`` and not
counted until a person accepts it (``bcenter readings accept``).
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import peewee as pw

from bcenter.core.period import Period
from bcenter.core.quantity import canonical
from bcenter.core.vocabulary import RESOURCES
from bcenter.engine import reading_rules as rules
from bcenter.engine.readings import HISTORY_MONTHS, monthly_history
from db.dialect import db_date, db_ids, param_mark
from db.models.meters import COUNTED_SQL as COUNTED, COUNTED_STATUSES

__all__ = ["SCALE_ZONES", "BankReading", "Scale", "TakenReadings", "meter_scales", "take_readings"]

SCALE_ZONES: Mapping[int, tuple[str, ...]] = {1: ("total",), 2: ("day", "night"), 3: ("peak", "night", "half_peak")}
"""A meter's scales by its number of zones, in tariff order (T1, T2, T3)."""

ZONE_NAMES = {"total": "показание", "day": "день (Т1)", "night": "ночь (Т2)", "peak": "пик (Т1)",
              "half_peak": "полупик (Т3)"}
_VALUE = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_RESOURCE_ORDER = {r: i for i, r in enumerate(RESOURCES)}
_CHUNK = 900


@dataclass(frozen=True)
class Scale:
    """One numbered scale of an account's meters: the meter, its zone, and what the checks need."""

    number: int
    meter_id: str
    serial: str
    resource: str
    zone: str
    zones: int
    digits: int


@dataclass(frozen=True)
class BankReading:
    """A reading ready to be stored: meter, day, zone values (canonical text), the scale numbers it came from, and
    its standing after the validation rules (``status``, ``checks`` as ``meter_reading`` keeps them)."""

    meter_id: str
    day: date
    values: Mapping[str, str]
    numbers: tuple[int, ...]
    status: str = "accepted"
    checks: dict | None = None


@dataclass
class TakenReadings:
    """Per registry line: the readings taken and the values refused — (number, value as typed, reason)."""

    taken: dict[int, list[BankReading]] = field(default_factory=lambda: defaultdict(list))
    refused: dict[int, list[tuple[int, str, str]]] = field(default_factory=lambda: defaultdict(list))

    @property
    def taken_count(self) -> int:
        return sum(len(x) for x in self.taken.values())

    @property
    def refused_count(self) -> int:
        return sum(len(x) for x in self.refused.values())


def meter_scales(meters: Iterable[tuple], day: date) -> list[Scale]:
    """The numbered scales of one account's meters on ``day`` (see the module's text).

    ``meters``: (id, serial, resource, zones, digits, installed, removed) of the meters of its premises."""
    working = [m for m in meters if db_date(m[5]) <= day and (m[6] is None or db_date(m[6]) > day)]
    working.sort(key=lambda m: (_RESOURCE_ORDER.get(m[2], len(_RESOURCE_ORDER)), str(m[1]), db_date(m[5]), str(m[0])))
    out: list[Scale] = []
    for mid, serial, resource, zones, digits, _installed, _removed in working:
        for zone in SCALE_ZONES[int(zones)]:
            out.append(Scale(len(out) + 1, str(mid), str(serial), resource, zone, int(zones), int(digits)))
    return out


def take_readings(db: pw.Database, lines: Sequence[tuple[int, str, date, Sequence[tuple[int, str]]]]
                  ) -> TakenReadings:
    """Check the readings of registry lines: (line number, account id, payment day, ((N, value), …))."""
    result = TakenReadings()
    lines = [x for x in lines if any(v.strip() for _, v in x[3])]
    if not lines:
        return result
    meters = _meters(db, {x[1] for x in lines})
    history = _history(db, {m[0] for ms in meters.values() for m in ms})
    facts = _facts(db, {m[0] for ms in meters.values() for m in ms})
    for line_no, account, day, values in lines:
        scales = meter_scales(meters.get(account, ()), day)
        by_meter: dict[str, dict[str, tuple[int, str, Decimal]]] = defaultdict(dict)
        for number, raw in values:
            text = raw.strip()
            if not text:
                continue
            if number < 1 or number > len(scales):
                have = (f"у лицевого счёта {_scales_text(len(scales))} на {day:%d.%m.%Y}" if scales else
                        f"у лицевого счёта нет приборов учёта на {day:%d.%m.%Y}")
                result.refused[line_no].append((number, raw, f"нет шкалы прибора № {number}: {have}"))
                continue
            scale = scales[number - 1]
            where = f"прибор № {scale.serial}, {ZONE_NAMES[scale.zone]}"
            if _VALUE.fullmatch(text) is None:
                result.refused[line_no].append((number, raw, f"{where}: не число «{raw}»"))
                continue
            value = Decimal(text.replace(",", "."))
            if len(str(int(value))) > scale.digits:
                result.refused[line_no].append(
                    (number, raw, f"{where}: у прибора {scale.digits} разрядов до запятой, в показании больше"))
                continue
            by_meter[scale.meter_id][scale.zone] = (number, raw, value)
        for meter_id, zones in by_meter.items():
            scale = next(s for s in scales if s.meter_id == meter_id)
            wanted = SCALE_ZONES[scale.zones]
            if set(zones) != set(wanted):
                missing = ", ".join(ZONE_NAMES[z] for z in wanted if z not in zones)
                for number, raw, _ in zones.values():
                    result.refused[line_no].append(
                        (number, raw, f"прибор № {scale.serial}: не передана зона {missing} — показание "
                                      "многотарифного прибора принимается по всем зонам"))
                continue
            reason = _against_history(history.get(meter_id, ()), day, {z: v for z, (_, _, v) in zones.items()})
            if reason is not None:
                for number, raw, _ in zones.values():
                    result.refused[line_no].append((number, raw, f"прибор № {scale.serial}: {reason}"))
                continue
            values = {z: v for z, (_, _, v) in zones.items()}
            verdicts = _judged(facts.get(meter_id), history.get(meter_id, ()), day, values)
            status = rules.STATUS_OF_OUTCOME[rules.outcome(verdicts)]
            result.taken[line_no].append(BankReading(
                meter_id, day, {z: canonical(v) for z, v in values.items()},
                tuple(sorted(n for n, _, _ in zones.values())), status,
                {"verdicts": [[v.rule, v.severity, v.message] for v in verdicts]} if verdicts else None))
            if status in COUNTED_STATUSES:  # the file's later lines follow it, as a second file's would
                bisect.insort(history.setdefault(meter_id, []), (day, values), key=lambda h: h[0])
    return result


def _judged(meter: rules.MeterFacts | None, history: Sequence[tuple[date, dict[str, Decimal]]], day: date,
            values: Mapping[str, Decimal]) -> tuple[rules.Verdict, ...]:
    """The named validation rules on a value taken (its shape and neighbours were checked above): the meter's
    verification and removal, and its consumption against the account's own average before the day's month."""
    if meter is None:
        return ()
    before = [h for h in history if h[0] <= day]
    after = [h for h in history if h[0] > day]
    closing: dict[str, dict[str, Decimal]] = {}
    for when, v in before:
        if when.strftime("%Y-%m") < day.strftime("%Y-%m"):
            closing[when.strftime("%Y-%m")] = v
    keys = sorted(closing)[-(HISTORY_MONTHS + 1):]
    chain = ([(None, history[0][1])] if history and len(keys) == len(closing) else []) + [
        (Period.parse(k), closing[k]) for k in keys]
    average = rules.average_of(monthly_history(chain, digits=meter.digits)[-HISTORY_MONTHS:])
    return rules.check(meter, rules.Reading(day, dict(values), "bank"),
                       before=rules.Reading(*before[-1]) if before else None,
                       after=rules.Reading(*after[0]) if after else None, average=average)


def _against_history(history: Sequence[tuple[date, dict[str, Decimal]]], day: date,
                     values: Mapping[str, Decimal]) -> str | None:
    """Why the values cannot follow the meter's readings (None when they can): below the last before the day
    (the initial values count as a reading on installation) or above the first after it."""
    before = [h for h in history if h[0] <= day]
    after = [h for h in history if h[0] > day]
    if before:
        when, last = before[-1]
        for zone, value in values.items():
            if zone in last and value < last[zone]:
                return (f"{ZONE_NAMES[zone]} {canonical(value)} меньше предыдущего показания "
                        f"{canonical(last[zone])} от {when:%d.%m.%Y} (переход через ноль подтверждает оператор)")
    if after:
        when, first = after[0]
        for zone, value in values.items():
            if zone in first and value > first[zone]:
                return (f"{ZONE_NAMES[zone]} {canonical(value)} больше следующего показания "
                        f"{canonical(first[zone])} от {when:%d.%m.%Y}")
    return None


def _scales_text(n: int) -> str:
    tail = n % 10 if n % 100 not in (11, 12, 13, 14) else 0
    return f"{n} шкала" if tail == 1 else f"{n} шкалы" if tail in (2, 3, 4) else f"{n} шкал"


def _meters(db: pw.Database, accounts: set[str]) -> dict[str, list[tuple]]:
    """Account id → (id, serial, resource, zones, digits, installed, removed) of its premises' meters."""
    out: dict[str, list[tuple]] = defaultdict(list)
    mark, wanted = param_mark(db), sorted(accounts)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        for account, *meter in db.execute_sql(
                'SELECT a.id, mt.id, mt.serial, mt.resource, mt.zones, mt.digits, mt.installed, mt.removed '
                'FROM "account" a JOIN "meter" mt ON mt.premises_id = a.premises_id '
                f'WHERE mt.kind <> \'house\' AND a.id IN ({", ".join([mark] * len(chunk))})', db_ids(chunk)):
            out[str(account)].append((str(meter[0]), *meter[1:]))
    return out


def _facts(db: pw.Database, meters: set[str]) -> dict[str, rules.MeterFacts]:
    """What the validation rules need of each meter: the verification in force is the latest recorded one, else
    the card's."""
    out: dict[str, rules.MeterFacts] = {}
    mark, wanted = param_mark(db), sorted(meters)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        for mid, serial, resource, zones, digits, installed, removed, card, latest in db.execute_sql(
                'SELECT m.id, m.serial, m.resource, m.zones, m.digits, m.installed, m.removed, m.verified_until, '
                '(SELECT MAX(v.valid_until) FROM "meter_verification" v WHERE v.meter_id = m.id) FROM "meter" m '
                f'WHERE m.id IN ({", ".join([mark] * len(chunk))})', db_ids(chunk)):
            out[str(mid)] = rules.MeterFacts(
                serial=str(serial), zones=int(zones), digits=int(digits), installed=db_date(installed),
                removed=None if removed is None else db_date(removed),
                valid_until=db_date(latest) if latest is not None else None if card is None else db_date(card),
                resource=resource)
    return out


def _history(db: pw.Database, meters: set[str]) -> dict[str, list[tuple[date, dict[str, Decimal]]]]:
    """Meter id → its readings by date (corrected ones replaced by their corrections), the initial values first."""
    out: dict[str, list[tuple[date, dict[str, Decimal]]]] = defaultdict(list)
    mark, wanted = param_mark(db), sorted(meters)
    zones = ("total", "day", "night", "peak", "half_peak")
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ", ".join([mark] * len(chunk))
        for mid, day, *values in db.execute_sql(
                'SELECT id, installed, initial_total, initial_day, initial_night, initial_peak, initial_half_peak '
                f'FROM "meter" WHERE id IN ({marks})', db_ids(chunk)):
            out[str(mid)].append((db_date(day), _values(zones, values)))
        for mid, day, *values in db.execute_sql(
                'SELECT r.meter_id, r.date, r.total, r.day, r.night, r.peak, r.half_peak FROM "meter_reading" r '
                f'WHERE r.meter_id IN ({marks}) AND r.status IN {COUNTED} AND NOT EXISTS (SELECT 1 FROM "meter_reading" x '
                'WHERE x.corrects_id = r.id) ORDER BY r.date', db_ids(chunk)):
            out[str(mid)].append((db_date(day), _values(zones, values)))
    for readings in out.values():
        readings.sort(key=lambda h: h[0])
    return out


def _values(zones: Sequence[str], values: Sequence) -> dict[str, Decimal]:
    return {z: Decimal(str(v)) for z, v in zip(zones, values) if v is not None}
