"""Which houses may have changed inputs since the last month run, and from which month — read off the outbox.

Every write goes through the unit of work and leaves outbox rows naming the table and the row ids, so the
rows written since the last run say what to look at again: a reading → its house from the reading's month;
a registration, ownership or absence → the house from its start; a meter's fault or verification → its house
from its day; a tariff or norm → its house (or every house) from the month it starts; a change of the house,
premises, account or meter → the whole history of the house; a change of a service, setting or coefficient
table → every house; a storno of charges → the house from the earliest period it corrects (``storno.py``; only
storno units are looked at among the ledger's own rows, which every run writes by the million). The month run then
compares fingerprints, so looking at too much costs time, never correctness.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import peewee as pw

from bcenter.core.period import Period
from db.dialect import db_ids, param_mark
from db.queries import LIVE_REGISTRATION
from db.fields import IdField
from db.packed_ids import unpack_ids

EARLIEST = Period(1900, 1)
GLOBAL_TABLES = {"service", "setting", "increasing_coefficient", "supplier", "calendar_day"}
WHOLE_HOUSE = {
    "house": 'SELECT id FROM "house" WHERE id IN',
    "house_service": 'SELECT house_id FROM "house_service" WHERE id IN',
    "premises": 'SELECT house_id FROM "premises" WHERE id IN',
    "account": 'SELECT house_id FROM "account_house" WHERE account_id IN',
    "account_service": 'SELECT ah.house_id FROM "account_service" s JOIN "account_house" ah '
                       'ON ah.account_id = s.account_id WHERE s.id IN',
    "meter": 'SELECT COALESCE(p.house_id, m.house_id) FROM "meter" m LEFT JOIN "premises" p ON p.id = m.premises_id '
             'WHERE m.id IN',
}
DATED = {
    "meter_reading": 'SELECT p.house_id, r.date, r.period FROM "meter_reading" r JOIN "meter" m ON m.id = r.meter_id '
                     'JOIN "premises" p ON p.id = m.premises_id WHERE r.id IN',
    "house_reading": 'SELECT m.house_id, r.date, r.period FROM "house_reading" r JOIN "meter" m ON m.id = r.meter_id '
                     'WHERE r.id IN',
    # a meter's fault and its verification: the meter is out of order, or back in service, from their day on
    # (п. 59 «а»; engine.readings) — a seal changes nothing of the month
    "meter_event": 'SELECT COALESCE(p.house_id, m.house_id), e.date, NULL FROM "meter_event" e JOIN "meter" m '
                   'ON m.id = e.meter_id LEFT JOIN "premises" p ON p.id = m.premises_id WHERE e.kind = \'fault\' '
                   'AND e.id IN',
    "meter_verification": 'SELECT COALESCE(p.house_id, m.house_id), v.verified_on, NULL FROM "meter_verification" v '
                          'JOIN "meter" m ON m.id = v.meter_id LEFT JOIN "premises" p ON p.id = m.premises_id '
                          'WHERE v.id IN',
    "ownership": 'SELECT p.house_id, o.valid_from, NULL FROM "ownership" o JOIN "premises" p ON p.id = o.premises_id '
                 'WHERE o.id IN',
    "tariff": 'SELECT house_id, valid_from, NULL FROM "tariff" WHERE id IN',
    "norm": 'SELECT house_id, valid_from, NULL FROM "norm" WHERE id IN',
    "journal_entry": 'SELECT ah.house_id, e.business_date, COALESCE(e.corrects_period, e.period) '
                     'FROM "journal_entry" e JOIN "account_house" ah ON ah.account_id = e.account_id '
                     'WHERE e.kind = \'STORNO\' AND e.id IN',
}
STORNO_ACTION = "registry.storno"

_key = IdField().python_value
"""A house read back as text — also through ``COALESCE`` (meter, quality act), which loses the column's declared
type: SQLite then returns the key's 16 bytes, and a house named by bytes would never be recalculated."""


REGISTRATIONS = (
    'SELECT p.house_id, r.premises_id, r.kind, r.valid_from, r.valid_to, s.valid_from, s.valid_to, pe.last_name, '
    'pe.first_name, pe.middle_name FROM "registration" r JOIN "premises" p ON p.id = r.premises_id '
    'JOIN "person" pe ON pe.id = r.person_id LEFT JOIN "registration" s ON s.id = r.supersedes_id WHERE r.id IN')
"""A registration written since the last run and the one it supersedes (a de-registration: the same one ended)."""


@dataclass(frozen=True, slots=True)
class Fact:
    """A fact that changed the inputs of an account over [start, end) — named in the reason of its recalculation
    lines (issue 18: «the registration named in explain and on the next bill»)."""

    start: date
    end: date | None
    text: str

    def touches(self, period: Period) -> bool:
        return self.start < period.end and (self.end is None or self.end > period.first_day)


def _initials(last, first, middle) -> str:
    return " ".join([last, *(f"{n[0]}." for n in (first, middle) if n)])


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def registration_change(start, end, old_start, old_end) -> tuple[date, date | None]:
    """The days a registration changed: all of it when new; when it supersedes another (ended, corrected), the
    days between the two intervals' differing edges."""
    start, end = _day(start), end and _day(end)
    if old_start is None:
        return start, end
    old_start, old_end = _day(old_start), old_end and _day(old_end)
    if start != old_start:
        first = min(start, old_start)
    else:
        ends = [x for x in (end, old_end) if x is not None]
        first = min(ends) if ends else start
    if end == old_end:
        last = max(start, old_start)
    else:
        last = None if end is None or old_end is None else max(end, old_end)
    return first, last


REGISTRATION_WORDS = {"permanent": "по месту жительства", "temporary": "по месту пребывания"}


def registration_text(kind, start, end, old_start, last, first, middle) -> str:
    """«регистрация Петрова А. В. по месту жительства с 01.10.2026» / «снятие с учёта Петрова А. В. с 15.11.2026».

    A registration with an end is named to its last day: ``end`` is the first day without it (a stay «до 01.09.2026»
    runs through 31.08.2026 — «по 31.08.2026», as the passport desk's card and forms print it)."""
    who = _initials(last, first, middle)
    if old_start is not None and end is not None and _day(start) == _day(old_start):
        return f"снятие с регистрационного учёта {who} с {_day(end):%d.%m.%Y}"
    text = f"регистрация {who} {REGISTRATION_WORDS.get(kind, kind)} с {_day(start):%d.%m.%Y}"
    return text + (f" по {_day(end) - timedelta(days=1):%d.%m.%Y}" if end else "")


@dataclass
class Dirty:
    """Houses to look at again and the first month of each; ``everywhere`` applies to every house; ``facts``: per
    house and account, the facts (registrations) that changed its inputs, to name in the recalculation."""

    everywhere: Period | None = None
    houses: dict[str, Period] = field(default_factory=dict)
    facts: dict[str, dict[str, list[Fact]]] = field(default_factory=dict)

    def mark(self, house: str | None, since: Period) -> None:
        if house is None:
            self.everywhere = since if self.everywhere is None else min(self.everywhere, since)
        else:
            house = str(house)
            self.houses[house] = min(self.houses.get(house, since), since)

    def since(self, house: str) -> Period | None:
        candidates = [p for p in (self.everywhere, self.houses.get(str(house))) if p is not None]
        return min(candidates) if candidates else None


def _period_of(day, period) -> Period:
    if period:
        return Period.parse(period)
    if isinstance(day, datetime):
        return Period.of(day.date())
    if isinstance(day, date):
        return Period.of(day)
    return Period.of(date.fromisoformat(str(day)[:10]))


def dirty_houses(db: pw.Database, *, after_seq: int) -> Dirty:
    dirty = Dirty()
    ids: dict[str, list[str]] = defaultdict(list)
    mark = param_mark(db)
    for table, packed in db.execute_sql(
            f'SELECT table_name, packed_ids FROM "outbox" WHERE seq > {mark} AND table_name NOT IN '
            f'(\'charge_line\', \'journal_entry\', \'posting\', \'balance_snapshot\') UNION ALL '
            f'SELECT table_name, packed_ids FROM "outbox" WHERE seq > {mark} AND table_name = \'journal_entry\' '
            f'AND unit_id IN (SELECT unit_id FROM "audit_log" WHERE action = {mark})', (after_seq, after_seq, STORNO_ACTION)):
        if table in GLOBAL_TABLES:
            dirty.mark(None, EARLIEST)
        elif table in WHOLE_HOUSE or table in DATED or table in NAMED:
            ids[table].extend(unpack_ids(packed))
    for table, values in ids.items():
        if table in NAMED:
            NAMED[table](db, values, dirty)
            continue
        for start in range(0, len(values), 900):
            chunk = values[start:start + 900]
            sql = f"{WHOLE_HOUSE.get(table) or DATED[table]} ({', '.join([mark] * len(chunk))})"
            for row in db.execute_sql(sql, db_ids(chunk)):
                if table in WHOLE_HOUSE:
                    dirty.mark(_key(row[0]), EARLIEST)
                else:
                    house, day, period = row
                    since = _period_of(day, period)
                    if table == "meter_reading":  # a late reading also settles the averaged months before it (п. 61)
                        since = since - 12
                    dirty.mark(_key(house), since)
    return dirty


def _registrations(db: pw.Database, ids: list[str], dirty: Dirty) -> None:
    """Registrations written since the last run: their house from the first day they changed, and the fact named
    for every account of their premises."""
    mark = param_mark(db)
    premises_facts: dict[str, list[Fact]] = defaultdict(list)
    houses: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for house, prem, kind, v_from, v_to, o_from, o_to, last, first, middle in db.execute_sql(
                f"{REGISTRATIONS} ({', '.join([mark] * len(chunk))})", db_ids(chunk)):
            begin, end = registration_change(v_from, v_to, o_from, o_to)
            dirty.mark(_key(house), Period.of(begin))
            premises_facts[_key(prem)].append(Fact(begin, end, registration_text(kind, v_from, v_to, o_from, last,
                                                                                   first, middle)))
            houses[_key(prem)] = _key(house)
    _name_in_premises(db, dirty, premises_facts, houses)


def _name_in_premises(db: pw.Database, dirty: Dirty, facts: dict[str, list[Fact]], houses: dict[str, str]) -> None:
    """Give every account of each premises the facts about it (``houses``: the premises' house)."""
    mark = param_mark(db)
    prems = list(facts)
    for start in range(0, len(prems), 900):
        chunk = prems[start:start + 900]
        for account, prem in db.execute_sql(
                f'SELECT id, premises_id FROM "account" WHERE premises_id IN ({", ".join([mark] * len(chunk))})',
                db_ids(chunk)):
            prem = _key(prem)
            dirty.facts.setdefault(houses[prem], {}).setdefault(_key(account), []).extend(facts[prem])


ABSENCES = (
    'SELECT p.house_id, r.premises_id, a.valid_from, a.valid_to, s.valid_from, s.valid_to, pe.last_name, '
    'pe.first_name, pe.middle_name, r.valid_from, r.valid_to FROM "absence" a JOIN "registration" r '
    'ON r.person_id = a.person_id JOIN "premises" p ON p.id = r.premises_id JOIN "person" pe ON pe.id = a.person_id '
    f'LEFT JOIN "absence" s ON s.id = a.supersedes_id WHERE {LIVE_REGISTRATION} AND a.id IN')
"""An absence written since the last run, the premises its person is registered in (registrations in force; those
over its days are kept, ``_absences``), and the absence it corrects."""


def _absences(db: pw.Database, ids: list[str], dirty: Dirty) -> None:
    """Absences written since the last run: the houses of their person's premises from the first day they changed
    (a corrected absence: from the earlier of the two departures), the absence named for the accounts of those
    premises — «временное отсутствие Петровой А. В. с 05.08.2026 по 18.08.2026» (ПП 354 разд. VIII)."""
    mark = param_mark(db)
    premises_facts: dict[str, list[Fact]] = defaultdict(list)
    houses: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for house, prem, v_from, v_to, o_from, o_to, last, first, middle, r_from, r_to in db.execute_sql(
                f"{ABSENCES} ({', '.join([mark] * len(chunk))})", db_ids(chunk)):
            days = [_day(d) for d in (v_from, v_to, o_from, o_to) if d is not None]
            if _day(r_from) > max(days) or (r_to is not None and _day(r_to) <= min(days)):
                continue  # a premises the person left before it (or came to after): its months are not touched
            begin, end = registration_change(v_from, v_to, o_from, o_to)
            end = None if end is None else end + timedelta(days=1)  # the day of return is a day it touched
            dirty.mark(_key(house), Period.of(begin))
            text = (f"временное отсутствие {_initials(last, first, middle)} с {_day(v_from):%d.%m.%Y} "
                    f"по {_day(v_to):%d.%m.%Y}")
            premises_facts[_key(prem)].append(Fact(begin, end, text))
            houses[_key(prem)] = _key(house)
    _name_in_premises(db, dirty, premises_facts, houses)


ACTS = (
    'SELECT COALESCE(q.house_id, p.house_id), q.house_id, q.premises_id, q.ext_id, q.kind, q.start_at, q.end_at, '
    's.start_at, s.end_at, sv.name, q.entrance FROM "quality_event" q LEFT JOIN "premises" p ON p.id = q.premises_id '
    'JOIN "service" sv ON sv.id = q.service_id LEFT JOIN "quality_event" s ON s.id = q.supersedes_id WHERE q.id IN')
"""An act written since the last run (interruption, poor quality) and the one it supersedes (closed earlier)."""

ACT_WORDS = {"interruption": "перерыв в предоставлении", "temperature": "температура ниже нормы",
             "pressure": "давление не соответствует норме", "composition": "состав не соответствует норме"}


def act_text(number, kind, service, start, end, old_end, entrance=None) -> str:
    """«акт АКТ-2026-000001: перерыв в предоставлении «Горячее водоснабжение» с 05.10.2026 08:00 по 06.10.2026
    14:00» — the act as the reason of its recalculation names it (issue 19)."""
    s, e = datetime.fromisoformat(start), datetime.fromisoformat(end)
    text = (f"акт {number or 'без номера'}: {ACT_WORDS.get(kind, kind)} «{service}»"
            + (f" (подъезд {entrance})" if entrance is not None else "")
            + f" с {s:%d.%m.%Y %H:%M} по {e:%d.%m.%Y %H:%M}")
    if old_end is not None and old_end != end:
        text += f" (окончание исправлено: было {datetime.fromisoformat(old_end):%d.%m.%Y %H:%M})"
    return text


def _acts(db: pw.Database, ids: list[str], dirty: Dirty) -> None:
    """Acts written since the last run: their house from the first day they changed, the act named for the accounts
    of its house (an act for the house) or of its premises."""
    mark = param_mark(db)
    by_house: dict[str, list[Fact]] = defaultdict(list)
    by_premises: dict[str, list[Fact]] = defaultdict(list)
    homes: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        for house, own_house, prem, number, kind, s_at, e_at, o_start, o_end, service, entrance in db.execute_sql(
                f"{ACTS} ({', '.join([mark] * len(chunk))})", db_ids(chunk)):
            begin, end = registration_change(s_at[:10], e_at[:10], o_start and o_start[:10], o_end and o_end[:10])
            end = None if end is None else end + timedelta(days=1)  # the act's last day is a day it touched
            house = _key(house)
            dirty.mark(house, Period.of(begin))
            fact = Fact(begin, end, act_text(number, kind, service, s_at, e_at, o_end, entrance))
            if own_house is not None:
                by_house[house].append(fact)
            else:
                by_premises[_key(prem)].append(fact)
                homes[_key(prem)] = house
    for house, facts in by_house.items():
        for (account,) in db.execute_sql(f'SELECT account_id FROM "account_house" WHERE house_id = {mark}',
                                         db_ids([house])):
            dirty.facts.setdefault(house, {}).setdefault(_key(account), []).extend(facts)
    _name_in_premises(db, dirty, by_premises, homes)


NAMED = {"registration": _registrations, "quality_event": _acts, "absence": _absences}
"""Facts whose recalculation names them (``Fact``): how each is read off the outbox."""
