"""Gathering a house's month from the database into the engine's plain data (``HouseBasis``).

A handful of queries per house (never the whole town at once), so the month streams house by house. What is
read here is selected, not judged:
* a tariff or norm in force on the first day of the period; a house's own one wins over the town-wide one;
* an account's area is its premises' total area times its share; so are its residents and owners;
* residents by the engine's person-count rule (``bcenter.engine.persons``, the ``person_count`` setting);
* a meter's readings by the month each closes, turned into the month's state by ``bcenter.engine.readings``
  (п. 59 history, п. 61 spreading, verification expiry).

``house_and_digest`` also returns the house's **fingerprint**: a hash of every row read for it (and of the
town-wide data it uses), so the month can tell cheaply whether anything it was calculated from has changed.
Every query orders by a unique key, so the same data always gives the same fingerprint.
"""
from __future__ import annotations

import hashlib
import json
import marshal
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

import peewee as pw

from bcenter.core.dates import DateInterval
from bcenter.core.period import Period
from bcenter.core.settings import Settings
from bcenter.engine import persons as engine_persons
from bcenter.engine.basis import AccountBasis, HouseBasis, MeterState, Price, QualityEvent, ServiceInfo
from bcenter.core.vocabulary import ZONES
from bcenter.engine.readings import (HISTORY_MONTHS, READ_MONTHS, MeterFacts, Reading, enough_history, meter_state,
                                     monthly_history, reading_period, recent_suffice)
from bcenter.engine.reading_rules import unused_note
from db.dialect import db_id, param_mark
from db.models.meters import COUNTED_STATUSES
from db.queries import LIVE_ABSENCE, LIVE_OWNERSHIP, LIVE_QUALITY, LIVE_REGISTRATION
from db.search import format_address


def _d(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _share(value: Decimal, factor: Decimal) -> Decimal:
    if factor == 1:
        return value
    return (value * factor).quantize(Decimal("0.000001"), rounding=ROUND_DOWN).normalize()  # never above the whole


def _fingerprinted(rows: list[tuple]) -> bytes:
    """Rows as bytes for the fingerprint: ``marshal`` (format 2: no back-references, so equal rows give equal
    bytes) when they hold only what SQLite returns — six times faster than ``repr`` — else their ``repr``
    (PostgreSQL's dates and decimals). A fingerprint only has to be equal for equal rows: when it changes with the
    code, the next run calculates the houses again and posts nothing new."""
    try:
        return marshal.dumps(rows, 2)
    except ValueError:
        return repr(rows).encode()


def _chunks(keys: list[str], size: int = 500):
    """Keys in chunks small enough for one ``IN (…)`` (SQLite's default limit of bound parameters)."""
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class BasisReader:
    """Reads bases for one period; town-wide data (services, tariffs, norms, settings) is read once."""

    def __init__(self, db: pw.Database, period: Period):
        self.db = db
        self.period = period
        self.mark = param_mark(db)
        self.start, self.end = period.first_day, period.end
        self._hasher = None  # set while a house is read: every row read feeds its fingerprint
        self.services = self._services()
        stored = {k: json.loads(v) for k, v in db.execute_sql('SELECT key, value FROM "setting" ORDER BY key')}
        self.settings = Settings.from_mapping(stored)
        self.coefficients = self._coefficients()
        self.general_prices, self.house_prices = self._prices()
        self.general_norms, self.house_norms = self._norms()
        self._town_digest = hashlib.blake2b(repr((
            str(period), sorted(self.services.items()), sorted(stored.items()), self.coefficients,
            sorted(self.general_prices.items()), sorted(self.general_norms.items()))).encode(), digest_size=32)

    def _q(self, sql: str, params: tuple = ()) -> list[tuple]:
        rows = self.db.execute_sql(sql.replace("?", self.mark), params).fetchall()
        if self._hasher is not None:
            self._hasher.update(_fingerprinted(rows))
        return rows

    # --- town-wide ----------------------------------------------------------------------------------
    def _services(self) -> dict[str, ServiceInfo]:
        return {str(uid): ServiceInfo(key=str(uid), kind=kind, resource=resource, unit=unit, supplier=str(supplier),
                                      order=order or 0, name=name)
                for uid, kind, resource, unit, supplier, order, name in self._q(
                    'SELECT id, kind, resource, unit, supplier_id, sort_order, name FROM "service" ORDER BY id')}

    def _coefficients(self) -> tuple:
        rows = [(r, _d(a), _d(b), _dec(v)) for r, a, b, v in self._q(
            'SELECT resource, valid_from, valid_to, value FROM "increasing_coefficient" ORDER BY valid_from')]
        for row in self.settings.increasing_coefficients:
            rows.append((row.resource, row.start, row.end, row.value))
        return tuple(rows)

    def _in_force(self, start, end) -> bool:
        start, end = _d(start), _d(end)
        return start <= self.start and (end is None or end > self.start)

    def _prices(self):
        general: dict[str, dict] = defaultdict(dict)
        per_house: dict[str, dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
        for service, house, zone, start, end, rate, cw, heat, q in self._q(
                'SELECT service_id, house_id, zone, valid_from, valid_to, rate, cold_water_rate, heat_rate, '
                'heat_per_m3 FROM "tariff" ORDER BY id'):
            if not self._in_force(start, end):
                continue
            target = per_house[str(house)][str(service)] if house else general[str(service)]
            if zone:
                target.setdefault("zones", {})[zone] = _dec(rate)
            elif rate is not None:
                target["rate"] = _dec(rate)
            else:
                target.update(cold_water_rate=_dec(cw), heat_rate=_dec(heat), heat_per_m3=_dec(q))
        return general, per_house

    def _norms(self):
        """Norms in force, town-wide and per house. Norms of one service that differ by amenity
        (благоустройство, DOMAIN §1.4) cannot be told apart — nothing says which amenity a house has — so when
        their values differ the key maps to None and the engine reports the gap (a house's own norm settles it)."""
        found: dict[tuple[str | None, str, str], set[Decimal]] = defaultdict(set)
        for service, house, per, start, end, value in self._q(
                'SELECT service_id, house_id, per, valid_from, valid_to, value FROM "norm" ORDER BY id'):
            if self._in_force(start, end):
                found[(None if house is None else str(house), str(service), per)].add(_dec(value))
        general: dict[tuple[str, str], Decimal | None] = {}
        per_house: dict[str, dict[tuple[str, str], Decimal | None]] = defaultdict(dict)
        for (house, service, per), values in sorted(found.items(), key=lambda kv: (kv[0][0] or "", kv[0][1:])):
            value = next(iter(values)) if len(values) == 1 else None
            (per_house[house] if house else general)[(service, per)] = value
        return general, per_house

    # --- houses -------------------------------------------------------------------------------------
    def house_ids(self) -> list[str]:
        return [str(r[0]) for r in self._q('SELECT id FROM "house" ORDER BY id')]

    def house_and_digest(self, house_id: str) -> tuple[HouseBasis, str]:
        """The basis and its fingerprint (hex): equal fingerprints mean equal inputs."""
        self._hasher = hasher = self._town_digest.copy()
        try:
            hasher.update(repr((sorted(self.house_prices.get(house_id, {}).items()),
                                sorted(self.house_norms.get(house_id, {}).items()))).encode())
            basis = self.house(house_id)
        finally:
            self._hasher = None
        return basis, hasher.hexdigest()

    def house(self, house_id: str) -> HouseBasis:
        (total, common, method, payment, months, city, street, building, block), = self._q(
            'SELECT total_area, common_area, heating_method, heating_payment, season_months, city, street, building, '
            'block FROM "house" WHERE id = ?', (db_id(house_id),))
        prices = {key: Price(**values) for key, values in self.general_prices.items()}
        for key, values in self.house_prices.get(house_id, {}).items():
            prices[key] = Price(**values)
        norms = dict(self.general_norms)
        norms.update(self.house_norms.get(house_id, {}))
        premises = self._premises(house_id)
        accounts = self._accounts(house_id, premises)
        return HouseBasis(
            key=house_id, period=self.period, total_area=_dec(total), common_area=_dec(common),
            label=format_address(city, street, building, block, None),
            heating_method=method, heating_payment=payment,
            season_months=tuple(int(m) for m in months.split(",")) if months else (),
            services=self.services, prices=prices, norms=norms, coefficients=self.coefficients,
            house_volumes=self._house_volumes(house_id), accounts=accounts,
            quality=self._house_quality(house_id), settings=self.settings)

    def _premises(self, house_id: str) -> dict[str, dict]:
        out = {}
        for pid, area, kind, impossible in self._q(
                'SELECT id, total_area, kind, meter_impossible FROM "premises" WHERE house_id = ? ORDER BY id', (db_id(house_id),)):
            out[str(pid)] = {"area": _dec(area), "kind": kind,
                             "impossible": frozenset(impossible.split(",")) if impossible else frozenset()}
        return out

    def _accounts(self, house_id: str, premises: dict[str, dict]) -> tuple[AccountBasis, ...]:
        rows = self._q(
            'SELECT a.id, a.number, a.premises_id, a.share, a.opened, a.closed FROM "account" a '
            'JOIN "premises" p ON p.id = a.premises_id '
            'WHERE p.house_id = ? AND a.opened < ? AND (a.closed IS NULL OR a.closed > ?) ORDER BY a.number',
            (db_id(house_id), self.end.isoformat(), self.start.isoformat()))
        if not rows:
            return ()
        services = defaultdict(list)  # the links in force in the period (ISO dates compare as text)
        for account, service in self._q(
                'SELECT s.account_id, s.service_id FROM "account_service" s '
                'JOIN "account_house" ah ON ah.account_id = s.account_id WHERE ah.house_id = ? '
                'AND s.valid_from < ? AND (s.valid_to IS NULL OR s.valid_to > ?) ORDER BY s.id',
                (db_id(house_id), self.end.isoformat(), self.start.isoformat())):
            services[str(account)].append(str(service))
        residents, absent = self._residents(house_id)
        owners = self._owners(house_id)
        meters = self._meters(house_id)
        quality = self._premises_quality(house_id)
        out = []
        for account, number, prem, share, opened, closed in rows:
            prem = str(prem)
            info = premises[prem]
            part = Fraction(share) if share else Fraction(1)
            # an account opened or closed inside the month (a new owner) has its part of the month: [opened, closed)
            first, stop = max(_d(opened), self.start), min(_d(closed) if closed else self.end, self.end)
            days = max(0, (stop - first).days)
            if days < self.period.days:
                part *= Fraction(days, self.period.days)
            # a share like 1/3 has no finite decimal: kept to 1e-6 m² / person, far below any kopeck
            factor = Decimal(part.numerator) / Decimal(part.denominator)
            out.append(AccountBasis(
                key=str(account), number=number, area=_share(info["area"], factor), premises_kind=info["kind"],
                meter_impossible=info["impossible"], services=tuple(services.get(str(account), ())),
                residents=_share(residents.get(prem, Decimal(0)), factor),
                owners=_share(owners.get(prem, Decimal(0)), factor),
                meters=tuple(meters.get(prem, ())), absent_days=tuple(absent.get(prem, ())),
                quality=quality.get(prem, ()), part=part))
        return tuple(out)

    def _residents(self, house_id: str) -> tuple[dict[str, Decimal], dict[str, list[int]]]:
        """The number of residents of each premises in the month (ПП 354 п. 56(1)) and the days of its residents'
        absences. A person counts once whatever their registrations: the stays of one person in one premises
        (a temporary registration and a permanent one over the same days, overlapping imported records) are merged
        before the person-days are summed (``engine.persons.resident_count`` leaves the merge to its caller)."""
        records = defaultdict(list)
        people = defaultdict(set)
        for person, prem, start, end in self._q(
                'SELECT r.person_id, r.premises_id, r.valid_from, r.valid_to FROM "registration" r '
                'JOIN "premises" p ON p.id = r.premises_id WHERE p.house_id = ? AND r.valid_from < ? '
                f'AND (r.valid_to IS NULL OR r.valid_to > ?) AND {LIVE_REGISTRATION} ORDER BY r.id',
                (db_id(house_id), self.end.isoformat(), self.start.isoformat())):
            records[(str(prem), str(person))].append(DateInterval(_d(start), _d(end)))
            people[str(person)].add(str(prem))
        stays = defaultdict(list)
        for (prem, _person), intervals in records.items():
            stays[prem].extend(engine_persons.merged_stays(intervals))
        rule = self.settings.person_count
        residents = {prem: engine_persons.resident_count(s, self.period, rule=rule) for prem, s in stays.items()}
        absent: dict[str, list[int]] = defaultdict(list)
        if people:
            seen = set()  # an absence once, however many registrations of the person the join meets
            away: dict[str, list[DateInterval]] = defaultdict(list)
            for absence, person, start, end in self._q(
                    'SELECT a.id, a.person_id, a.valid_from, a.valid_to FROM "absence" a JOIN "registration" r '
                    'ON r.person_id = a.person_id JOIN "premises" p ON p.id = r.premises_id WHERE p.house_id = ? '
                    f'AND a.valid_from < ? AND a.valid_to >= ? AND {LIVE_REGISTRATION} AND {LIVE_ABSENCE} '
                    'ORDER BY a.id, r.id', (db_id(house_id), self.end.isoformat(), self.start.isoformat())):
                if absence in seen:
                    continue
                seen.add(absence)
                days = engine_persons.absent_interval(_d(start), _d(end), rule=self.settings.absence_days)
                if days is not None and engine_persons.absence_eligible(self._total_absence(_d(start), _d(end))):
                    away[str(person)].append(days)
            # the person's days away while counted in each premises: overlapping absences once, none outside the
            # registrations there (before it, after снятие с учёта)
            for person, intervals in away.items():
                for prem in sorted(people.get(person, ())):
                    days = engine_persons.absent_days_in_stays(intervals, records[(prem, person)], self.period)
                    if days > 0:
                        absent[prem].append(days)
        return residents, absent

    @staticmethod
    def _total_absence(start: date, end: date) -> int:
        return max(0, (end - start).days - 1)  # full days between departure and arrival

    def _owners(self, house_id: str) -> dict[str, Decimal]:
        """The number of owners of each premises on the 1st of the month (ПП 354 п. 56(2): persons, so an owner
        holding two shares — 1/2 bought, 1/2 inherited — is one owner, not two)."""
        owners: dict[str, set] = defaultdict(set)
        for prem, person in self._q(  # owners on the 1st of the month (ISO dates compare as text)
                'SELECT o.premises_id, o.owner_person_id FROM "ownership" o JOIN "premises" p '
                f'ON p.id = o.premises_id WHERE p.house_id = ? AND o.owner_person_id IS NOT NULL AND {LIVE_OWNERSHIP} '
                'AND o.valid_from <= ? AND (o.valid_to IS NULL OR o.valid_to > ?) ORDER BY o.id',
                (db_id(house_id), self.start.isoformat(), self.start.isoformat())):
            owners[str(prem)].add(str(person))
        return {prem: Decimal(len(people)) for prem, people in owners.items()}

    def _meters(self, house_id: str) -> dict[str, list[MeterState]]:
        """The house's individual meters over the period: their cards, the verification and the fault in force
        (``_life``), the replaced meter's history for a replacing one, and their readings."""
        rows = self._q(
            'SELECT m.id, m.premises_id, m.resource, m.zones, m.digits, m.installed, m.verified_until, m.removed, '
            'm.replaces_id, m.initial_total, m.initial_day, m.initial_night, m.initial_peak, m.initial_half_peak '
            'FROM "meter" m JOIN "premises" p ON p.id = m.premises_id WHERE p.house_id = ? AND m.installed < ? '
            'AND (m.removed IS NULL OR m.removed >= ?) ORDER BY m.id',
            (db_id(house_id), self.end.isoformat(), self.start.isoformat()))
        if not rows:
            return {}
        verified, failed = self._life(house_id)
        priors = self._prior_histories({str(r[8]) for r in rows if r[8] is not None})
        meters = {}
        for row in rows:
            mid, prem, resource, zones, digits, installed, card_until, removed, replaces, *initial = row
            mid, replaces = str(mid), (None if replaces is None else str(replaces))
            meters[mid] = (str(prem), MeterFacts(
                key=mid, resource=resource, zones=zones, digits=digits,
                verified_until=verified.get(mid, _d(card_until)), removed=_d(removed),
                initial={z: _dec(v) for z, v in zip(ZONES, initial) if v is not None}, failed=failed.get(mid),
                replaces=replaces, prior_history=priors.get(replaces, ()), installed=_d(installed)))
        if not meters:
            return {}
        # First the readings closing the month before and after (a reading closes the month it names, else the
        # month of its date: the query takes exactly those). Most months every meter of a premises has both, and
        # that is all the month reads of them (engine.readings.recent_suffice: their history is never asked). The
        # meters of the other premises get the readings of the last READ_MONTHS months, and a meter whose readings
        # leave gaps there its whole history (enough_history): older readings change nothing of the month.
        before = self.period - 1
        unused: dict[str, list[str]] = defaultdict(list)  # the period's readings kept out (in the first query)
        readings = self._readings(unused,
            'JOIN "meter" m ON m.id = r.meter_id JOIN "premises" p ON p.id = m.premises_id '
            'WHERE p.house_id = ? AND m.installed < ? AND (m.removed IS NULL OR m.removed >= ?) '
            'AND (r.period >= ? OR (r.period IS NULL AND r.date >= ?))',
            (db_id(house_id), self.end.isoformat(), self.start.isoformat(), str(before), before.first_day.isoformat()))
        whole = {prem for mid, (prem, facts) in meters.items()
                 if not recent_suffice(facts, readings.get(mid, {}), self.period)}
        since = self.period - READ_MONTHS
        for chunk in _chunks([mid for mid, (prem, _) in meters.items() if prem in whole]):
            readings.update(self._readings(defaultdict(list), f'WHERE r.meter_id IN ({", ".join("?" for _ in chunk)}) '
                                           'AND (r.period >= ? OR (r.period IS NULL AND r.date >= ?))',
                                           (*(db_id(mid) for mid in chunk), str(since), since.first_day.isoformat())))
        short = [mid for mid, (prem, _) in meters.items()
                 if prem in whole and not enough_history(readings.get(mid, {}), self.period)]
        for chunk in _chunks(short):
            readings.update(self._readings(defaultdict(list), f'WHERE r.meter_id IN ({", ".join("?" for _ in chunk)})',
                                           tuple(db_id(mid) for mid in chunk)))
        out: dict[str, list[MeterState]] = defaultdict(list)
        for mid, (prem, facts) in meters.items():
            out[prem].append(meter_state(facts, readings.get(mid, {}), self.period, unused=tuple(unused.get(mid, ())),
                                         with_history=prem in whole))
        return out

    def _life(self, house_id: str) -> tuple[dict[str, date], dict[str, date]]:
        """By meter: the end of the verification in force in the period — the latest verification made before the
        period ends (``meter_verification``) over the card's ``verified_until`` —, and the day of a fault not
        followed by a verification before the period ends (ПП 354 п. 59 «а»: out of order from then)."""
        made: dict[str, date] = {}
        until: dict[str, date] = {}
        for mid, on, valid in self._q(
                'SELECT v.meter_id, v.verified_on, v.valid_until FROM "meter_verification" v JOIN "meter" m '
                'ON m.id = v.meter_id JOIN "premises" p ON p.id = m.premises_id WHERE p.house_id = ? '
                'AND v.verified_on < ? ORDER BY v.verified_on', (db_id(house_id), self.end.isoformat())):
            made[str(mid)], until[str(mid)] = _d(on), _d(valid)
        failed: dict[str, date] = {}
        for mid, day in self._q(
                'SELECT e.meter_id, e.date FROM "meter_event" e JOIN "meter" m ON m.id = e.meter_id JOIN "premises" p '
                'ON p.id = m.premises_id WHERE p.house_id = ? AND e.kind = \'fault\' AND e.date < ? ORDER BY e.date',
                (db_id(house_id), self.end.isoformat())):
            day = _d(day)
            if made.get(str(mid)) is None or made[str(mid)] < day:
                failed[str(mid)] = day
        return until, failed

    def _prior_histories(self, replaced: set[str]) -> dict[str, tuple]:
        """The monthly volumes of meters replaced by others (their counted readings from their initial values):
        the replacing meter's average continues them."""
        if not replaced:
            return {}
        keys = sorted(replaced)
        marks = ", ".join("?" for _ in keys)
        initial, digits = {}, {}
        for mid, places, *values in self._q(
                f'SELECT id, digits, initial_total, initial_day, initial_night, initial_peak, initial_half_peak '
                f'FROM "meter" WHERE id IN ({marks})', tuple(db_id(k) for k in keys)):
            initial[str(mid)] = {z: _dec(v) for z, v in zip(ZONES, values) if v is not None}
            digits[str(mid)] = places
        readings = self._readings(defaultdict(list), f'WHERE r.meter_id IN ({marks})', tuple(db_id(k) for k in keys))
        out = {}
        for key in keys:
            by_month = readings.get(key, {})
            chain = [(None, initial.get(key, {}))] + [(Period.parse(m), by_month[m].decimals()) for m in sorted(by_month)
                                                    if m < str(self.period)]
            out[key] = tuple(monthly_history(chain, digits=digits.get(key))[-HISTORY_MONTHS:])
        return out

    def _readings(self, unused: dict[str, list[str]], where: str, params: tuple) -> dict[str, dict[str, Reading]]:
        """Counted readings of ``meter_reading r`` ``where`` …, by meter and the month each closes (the last one
        closing a month by date counts); a reading the validation rules rejected or left unconfirmed for this
        period goes to ``unused`` instead — by meter, what it was and why (the month's ``explain`` names it)."""
        readings: dict[str, dict[str, Reading]] = defaultdict(dict)
        this = str(self.period)
        for mid, day, period, extra, status, checks, *values in self._q(
                f'SELECT r.meter_id, r.date, r.period, r.extra, r.status, r.checks, r.total, r.day, r.night, r.peak, '
                f'r.half_peak FROM "meter_reading" r {where} ORDER BY r.date, r.id', params):
            month = reading_period(period, day)
            if status in COUNTED_STATUSES:
                readings[str(mid)][month] = Reading(
                    values, rollover=bool(extra and '"rollover":true' in extra.replace(" ", "")))
            elif month == this:
                unused[str(mid)].append(unused_note(
                    _d(day), status, {z: v for z, v in zip(ZONES, values) if v is not None},
                    json.loads(checks).get("verdicts", ()) if checks else ()))
        return readings

    def _house_volumes(self, house_id: str) -> dict[str, Decimal | None]:
        volumes: dict[str, Decimal | None] = {}
        rows = self._q(
            'SELECT m.id, m.resource, m.initial_total, r.date, r.period, r.total FROM "meter" m '
            'LEFT JOIN "house_reading" r ON r.meter_id = m.id AND r.date < ? WHERE m.house_id = ? ORDER BY r.date, m.id, r.id',
            (self.end.isoformat(), db_id(house_id)))
        by_meter = defaultdict(lambda: {"resource": None, "initial": None, "periods": {}})
        for mid, resource, initial, day, period, total in rows:
            entry = by_meter[str(mid)]
            entry["resource"], entry["initial"] = resource, _dec(initial)
            if day is not None and total is not None:
                rp = Period.parse(period) if period else Period.of(_d(day))
                if rp <= self.period:
                    entry["periods"][rp] = _dec(total)
        for entry in by_meter.values():
            periods = entry["periods"]
            current = periods.get(self.period)
            earlier = [p for p in sorted(periods) if p < self.period]
            previous = periods[earlier[-1]] if earlier else entry["initial"]
            value = None if current is None or previous is None else current - previous
            resource = entry["resource"]
            if resource in volumes and volumes[resource] is not None and value is not None:
                volumes[resource] += value
            elif resource not in volumes or value is None:
                volumes[resource] = value
        return volumes

    def _house_quality(self, house_id: str) -> tuple[QualityEvent, ...]:
        """Events of the whole house (an act for the house, not for one premises)."""
        return self._quality_rows(self._q(
            'SELECT NULL, q.service_id, q.kind, q.start_at, q.end_at, q.measured, q.allowed, q.ext_id '
            'FROM "quality_event" q '
            f'WHERE q.house_id = ? AND q.entrance IS NULL AND {LIVE_QUALITY} ORDER BY q.id',
            (db_id(house_id),))).get(None, ())

    def _premises_quality(self, house_id: str) -> dict[str, tuple[QualityEvent, ...]]:
        """Events of single premises of the house, by premises, then the acts of an entrance given to each of its
        premises (issue 19)."""
        own = self._quality_rows(self._q(
            'SELECT q.premises_id, q.service_id, q.kind, q.start_at, q.end_at, q.measured, q.allowed, q.ext_id '
            f'FROM "quality_event" q JOIN "premises" p ON p.id = q.premises_id WHERE p.house_id = ? AND {LIVE_QUALITY} '
            'ORDER BY q.id', (db_id(house_id),)))
        entrances = self._quality_rows(self._q(
            'SELECT p.id, q.service_id, q.kind, q.start_at, q.end_at, q.measured, q.allowed, q.ext_id '
            'FROM "quality_event" q JOIN "premises" p ON p.house_id = q.house_id AND p.entrance = q.entrance '
            f'WHERE q.house_id = ? AND {LIVE_QUALITY} ORDER BY q.id, p.id', (db_id(house_id),)))
        for place, events in entrances.items():
            own[place] = own.get(place, ()) + events
        return own

    def _quality_rows(self, rows) -> dict:
        """The events of each place that reach into the month, and the interruptions of the same service that touch
        them, however far back or on: an interruption is judged whole against its allowance (``engine.reductions``),
        so two touching acts over the month's edge — 31.01 10:00–22:00 and 22:00–06:00 — are one 20-hour cut in
        January and in February alike (with the second act alone February saw 8 hours and reduced nothing)."""
        events: dict = defaultdict(list)
        for place, service, kind, start, end, measured, allowed, number in rows:
            events[None if place is None else str(place)].append(QualityEvent(
                service=str(service), kind=kind, start=datetime.fromisoformat(start), end=datetime.fromisoformat(end),
                measured=_dec(measured), allowed=_dec(allowed), act=number))
        out = {}
        for place, found in events.items():
            kept = [ev for ev in found if ev.start.date() < self.end and ev.end.date() >= self.start]
            chain = [ev for ev in kept if ev.kind == "interruption"]
            rest = [ev for ev in found if ev.kind == "interruption" and not any(ev is k for k in kept)]
            while chain and rest:
                joined = [ev for ev in rest if any(ev.service == c.service and ev.start <= c.end and c.start <= ev.end
                                                   for c in chain)]
                if not joined:
                    break
                chain += joined
                kept += joined
                rest = [ev for ev in rest if not any(ev is j for j in joined)]
            if kept:
                out[place] = tuple(kept)
        return out
