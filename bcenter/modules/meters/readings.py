"""Показания ИПУ: every reading, whatever brought it — an operator, a reader's route, a meter read over a line, an
exchange document —, goes through the named validation rules (``bcenter.engine.reading_rules``) and is kept with
their verdicts, whatever they say (issue 15). Its standing (``meter_reading.status``, schema step 27):

* ``accepted`` — nothing against it: the month counts it;
* ``unconfirmed`` — a rule asks a person (a rollover, a consumption far above the account's own average): kept, not
  counted until confirmed;
* ``rejected`` — it cannot be right (below the previous, after removal, verification expired …): kept with its
  reasons, not counted; the month goes by the average, then the norm (ПП 354 п. 59, 60), and its ``explain`` names
  the reading and why;
* ``confirmed`` — a person accepted it with a reason of their own (audited): counted from then on, and the month
  run recalculates the months it closes (the status change is in the outbox like any write).

A reading whose values are not the meter's (more digits than its counter, zones it has not) or that would make a
negative volume against the readings around it cannot be accepted: the right values are entered as a new reading.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import peewee as pw

from bcenter.core.errors import InvalidValue, NotFound, UsageError
from bcenter.core.ids import is_uuid
from bcenter.core.period import Period
from bcenter.core.quantity import parse_typed_decimal
from bcenter.core.vocabulary import ZONES
from bcenter.engine import reading_rules as rules
from bcenter.engine.readings import HISTORY_MONTHS, monthly_history, reading_period
from db.dialect import db_date, db_id, param_mark
from db.models.meters import COUNTED_SQL, MeterReading
from db.search import format_address
from db.uow import UnitOfWork

SOURCE_NAMES = {"resident": "житель", "inspector": "контролёр", "device": "прибор по линии связи",
                "import": "файл обмена", "bank": "банк (при оплате)"}


@dataclass(frozen=True)
class MeterInfo:
    """A meter as the rules and the faces need it."""

    id: str
    serial: str
    resource: str
    kind: str
    zones: int
    digits: int
    installed: date
    removed: date | None
    valid_until: date | None
    initial: dict[str, Decimal]
    address: str
    accounts: tuple[str, ...]

    @property
    def facts(self) -> rules.MeterFacts:
        return rules.MeterFacts(serial=self.serial, zones=self.zones, digits=self.digits, installed=self.installed,
                                removed=self.removed, valid_until=self.valid_until, resource=self.resource)


@dataclass(frozen=True)
class KeptReading:
    """A reading as kept: values by zone, its standing and the verdicts (``(rule, severity, message)``)."""

    id: str
    meter: str
    day: date
    period: str | None
    source: str
    values: dict[str, Decimal]
    status: str
    verdicts: tuple[tuple[str, str, str], ...]
    decision: dict | None = None

    @property
    def code(self) -> str:
        """What people type: the key's last eight characters (its random part — a UUIDv7 begins with the time)."""
        return self.id[-8:]

    @property
    def counted(self) -> bool:
        return self.status in ("accepted", "confirmed")

    @property
    def status_name(self) -> str:
        return rules.STATUS_NAMES.get(self.status, self.status)

    def values_text(self) -> str:
        return rules.values_text(self.values)


def _values(row) -> dict[str, Decimal]:
    return {z: Decimal(str(v)) for z, v in zip(ZONES, row) if v is not None}


_METER_SQL = (
    'SELECT mt.id, mt.serial, mt.resource, mt.kind, mt.zones, mt.digits, mt.installed, mt.removed, mt.verified_until, '
    'mt.initial_total, mt.initial_day, mt.initial_night, mt.initial_peak, mt.initial_half_peak, mt.premises_id, '
    'p.number, p.kind, h.city, h.street, h.building, h.block FROM "meter" mt '
    'JOIN "premises" p ON p.id = mt.premises_id JOIN "house" h ON h.id = p.house_id ')


def _meter_info(db: pw.Database, row) -> MeterInfo:
    m = param_mark(db)
    (mid, serial, resource, kind, zones, digits, installed, removed, own_until, *rest) = row
    initial, (pid, flat, pkind, city, street, building, block) = rest[:5], rest[5:]
    latest = db.execute_sql(f'SELECT MAX(valid_until) FROM "meter_verification" WHERE meter_id = {m}',
                            (db_id(mid),)).fetchone()[0]
    accounts = tuple(n for (n,) in db.execute_sql(
        f'SELECT number FROM "account" WHERE premises_id = {m} AND closed IS NULL ORDER BY number', (db_id(pid),)))
    return MeterInfo(str(mid), serial, resource, kind, zones, digits, db_date(installed), db_date(removed),
                     db_date(latest) or db_date(own_until), _values(initial),
                     format_address(city, street, building, block, flat, pkind), accounts)


def find_meter(db: pw.Database, text: str) -> MeterInfo:
    """The individual (apartment, room) meter with serial number or exchange code ``text``; refused — in words — when
    there is none or several (several meters of one serial: name it by its code)."""
    m = param_mark(db)
    text = (text or "").strip()
    if not text:
        raise UsageError("Укажите прибор учёта: заводской номер (--meter)")
    if is_uuid(text):  # a screen names the meter it showed by its key
        return meter_by_id(db, text)
    rows = db.execute_sql(_METER_SQL + f'WHERE mt.serial = {m} OR mt.ext_id = {m} ORDER BY mt.installed',
                          (text, text)).fetchall()
    if not rows:
        house = db.execute_sql(f'SELECT 1 FROM "meter" WHERE kind = \'house\' AND (serial = {m} OR ext_id = {m})',
                               (text, text)).fetchone()
        if house:
            raise UsageError(f"Прибор № {text} — общедомовой: его показания принимаются вместе с файлом обмена "
                             "(house_readings), не как показания ИПУ")
        raise NotFound(f"Нет прибора учёта с заводским номером «{text}». Номера приборов лицевого счёта: "
                       "bcenter account show НОМЕР")
    if len(rows) > 1:
        infos = [_meter_info(db, r) for r in rows]
        raise UsageError(f"Приборов с номером «{text}» несколько: " + "; ".join(
            f"{i.address} (код {code})" for i, code in zip(infos, _codes(db, [i.id for i in infos])))
            + " — укажите код прибора")
    return _meter_info(db, rows[0])


def _codes(db: pw.Database, ids: list[str]) -> list[str]:
    m = param_mark(db)
    return [db.execute_sql(f'SELECT COALESCE(ext_id, \'\') FROM "meter" WHERE id = {m}', (db_id(i),)).fetchone()[0]
            or i for i in ids]


def meter_by_id(db: pw.Database, meter_id: str) -> MeterInfo:
    m = param_mark(db)
    row = db.execute_sql(_METER_SQL + f'WHERE mt.id = {m}', (db_id(meter_id),)).fetchone()
    if row is None:
        raise NotFound(f"Нет прибора учёта {meter_id}")
    return _meter_info(db, row)


def parse_values(meter: MeterInfo, given: dict[str, str | Decimal | None]) -> dict[str, Decimal]:
    """Zone values as typed (a decimal comma accepted), refused in words when not a number; the zones are the
    rules' business (``zones_mismatch``)."""
    out = {}
    for zone, text in given.items():
        if text is None or str(text).strip() == "":
            continue
        raw = format(text, "f") if isinstance(text, Decimal) and text.is_finite() else str(text)
        try:  # digits 0–9 and one comma: «1e3», «1_000» or other scripts' digits are no reading a person meant
            value = parse_typed_decimal(raw)
        except InvalidValue:
            raise UsageError(f"{rules.ZONE_NAMES.get(zone, zone)}: «{text}» — не число (цифры, дробная часть через "
                             "запятую: 12345,678)") from None
        if value.as_tuple().exponent < -3:  # type: ignore[operator]
            raise UsageError(f"{rules.ZONE_NAMES.get(zone, zone)}: «{text}» — не больше трёх знаков после запятой")
        out[zone] = value
    if not out:
        wanted = rules.ZONES.get(meter.zones, rules.ZONES[1])
        raise UsageError(f"Не указано показание прибора № {meter.serial}: нужны "
                         f"{', '.join(rules.ZONE_NAMES[z] for z in wanted)}")
    return out


def _counted(db: pw.Database, meter_id: str) -> list[tuple[date, str, dict[str, Decimal], bool]]:
    """The meter's counted readings (date, the month each closes, values, rollover confirmed), by date."""
    m = param_mark(db)
    out = []
    for day, period, extra, *values in db.execute_sql(
            f'SELECT r.date, r.period, r.extra, r.total, r.day, r.night, r.peak, r.half_peak FROM "meter_reading" r '
            f'WHERE r.meter_id = {m} AND r.status IN {COUNTED_SQL} AND NOT EXISTS (SELECT 1 FROM "meter_reading" x '
            'WHERE x.corrects_id = r.id) ORDER BY r.date, r.id', (db_id(meter_id),)):
        out.append((db_date(day), reading_period(period, db_date(day)), _values(values),
                    bool(extra and '"rollover":true' in str(extra).replace(" ", ""))))
    return out


def _average(meter: MeterInfo, counted: list, before_month: str) -> Decimal | None:
    """The account's own average monthly consumption of this meter (all zones) over the last months with readings
    before ``before_month`` (п. 59's history, ``engine.readings.monthly_history``), or None without one."""
    closing: dict[str, dict[str, Decimal]] = {}
    for _day, month, values, _rollover in counted:
        if month < before_month:
            closing[month] = values
    keys = sorted(closing)
    window = keys[-(HISTORY_MONTHS + 1):]
    chain = ([(None, meter.initial)] if len(window) == len(keys) and meter.initial else []) + [
        (Period.parse(k), closing[k]) for k in window]
    return rules.average_of(monthly_history(chain, digits=meter.digits)[-HISTORY_MONTHS:])


def judge(db: pw.Database, meter: MeterInfo, day: date, values: dict[str, Decimal], *, source: str,
          period: str | None = None, rollover: bool = False) -> tuple[rules.Verdict, ...]:
    """The verdicts of the rules on a reading of ``meter`` not yet kept, against the meter's counted readings as the
    month reads them (``engine.readings``): by the month each closes (the period named, else its date's month), the
    latest by date closing a month. So it is judged against the last counted reading of an earlier month (else the
    initial values) — a reading naming an earlier month where it will count; a reading of its own month dated the
    same day or before it is the one it replaces (a mistyped value is corrected by a new reading, as the exchange
    judges it, ``exchange.sequences``) — and against the next counted reading: of a later month, or of its own month
    dated after it."""
    counted = _counted(db, meter.id)
    before = after = None
    month = reading_period(period, day)
    earlier = sorted((r for r in counted if r[1] < month), key=lambda r: (r[1], r[0]))
    later = sorted((r for r in counted if r[1] > month or (r[1] == month and r[0] > day)), key=lambda r: (r[1], r[0]))
    if earlier:
        before = rules.Reading(earlier[-1][0], earlier[-1][2])
    elif meter.initial:
        before = rules.Reading(meter.installed, meter.initial)
    if later:
        after = rules.Reading(later[0][0], later[0][2])
    verdicts = rules.check(meter.facts, rules.Reading(day, values, source), before=before, after=after,
                           average=_average(meter, counted, month))
    if rollover:  # the rollover is confirmed by whoever brought the reading ("extra": {"rollover": true})
        verdicts = tuple(v for v in verdicts if v.rule != "rollover")
    return verdicts


def _kept(row) -> KeptReading:
    rid, serial, day, period, source, status, checks, *values = row
    data = json.loads(checks) if checks else {}
    return KeptReading(str(rid), serial, db_date(day), period, source, _values(values), status,
                       tuple(tuple(v) for v in data.get("verdicts", ())), data.get("decision"))


_KEPT_SQL = ('SELECT r.id, mt.serial, r.date, r.period, r.source, r.status, r.checks, r.total, r.day, r.night, r.peak, '
             'r.half_peak FROM "meter_reading" r JOIN "meter" mt ON mt.id = r.meter_id ')


def reading(db: pw.Database, reading_id: str) -> KeptReading:
    """A kept reading by its key, or — among those waiting for a decision — by its code (the key's last eight
    characters, as ``readings list`` shows)."""
    m = param_mark(db)
    text = (reading_id or "").strip().lower()
    if len(text) < 8:
        raise UsageError(f"Показание: «{reading_id}» — укажите код показания (не короче 8 знаков, как в "
                         "bcenter readings list)")
    if len(text) == 36:
        rows = db.execute_sql(_KEPT_SQL + f'WHERE r.id = {m}', (db_id(text),)).fetchall()
    else:
        rows = [r for r in db.execute_sql(_KEPT_SQL + "WHERE r.status IN ('unconfirmed', 'rejected')")
                if str(r[0]).endswith(text)]
    if not rows:
        raise NotFound(f"Нет показания «{reading_id}» среди ждущих решения. Их список: bcenter readings list "
                       "--status pending")
    if len(rows) > 1:
        raise UsageError(f"Код «{reading_id}» подходит к {len(rows)} показаниям — укажите длиннее")
    return _kept(rows[0])


def record(db: pw.Database, meter: MeterInfo, day: date, values: dict[str, Decimal], *, source: str, actor: str,
           period: str | None = None, reading_id: str | None = None, extra: dict | None = None,
           action: str = "readings.add", today: date | None = None) -> KeptReading:
    """Keep a reading of ``meter`` with the rules' verdicts, in one unit of work (outbox, audit)."""
    if today is not None and day > today:
        raise UsageError(f"Дата показания {day:%d.%m.%Y} ещё не наступила")
    if period is not None:
        Period.parse(period)
    rollover = bool(extra and extra.get("rollover"))
    verdicts = judge(db, meter, day, values, source=source, period=period, rollover=rollover)
    with UnitOfWork(action=action, actor=actor, db=db, details={"meter": meter.serial, "date": day.isoformat()}) as uow:
        rid = _insert(uow, meter, day, values, source=source, period=period, reading_id=reading_id, extra=extra,
                      verdicts=verdicts)
    return reading(db, rid)


def _insert(uow: UnitOfWork, meter: MeterInfo, day: date, values: dict[str, Decimal], *, source: str,
            period: str | None, reading_id: str | None, extra: dict | None,
            verdicts: tuple[rules.Verdict, ...]) -> str:
    status = rules.STATUS_OF_OUTCOME[rules.outcome(verdicts)]
    checks = {"verdicts": [[v.rule, v.severity, v.message] for v in verdicts]} if verdicts else None
    row = {"meter": meter.id, "date": day, "period": period, "source": source, "status": status, "checks": checks,
           "extra": extra or None, **{z: format(v, "f") for z, v in values.items()}}
    if reading_id is not None:
        row["id"] = reading_id
    return str(uow.insert(MeterReading, **row))


def accept(db: pw.Database, reading_id: str, *, reason: str, actor: str, today: date) -> KeptReading:
    """A person accepts (confirms) a rejected or unconfirmed reading with a reason: counted from now on; the month
    run recalculates the months it closes. Accepting a reading held as a rollover confirms the turnover (the volume
    is 10^digits − previous + value, DOMAIN.md §1.3 [P]), as ``--rollover`` does when the reading is entered. Refused
    for readings whose values are not the meter's or would make a negative volume — the right values go in as a new
    reading."""
    if not (reason or "").strip():
        raise UsageError("Укажите причину, по которой показание принимается (--reason «…»): она остаётся в журнале")
    kept = reading(db, reading_id)
    if kept.counted:
        raise UsageError(f"Показание {kept.code} прибора № {kept.meter} уже учитывается ({kept.status_name})")
    blocking = [v for v in kept.verdicts if v[0] in rules.SHAPE_RULES + rules.SEQUENCE_RULES]
    if blocking:
        raise UsageError(f"Показание {kept.code} прибора № {kept.meter} нельзя принять: {blocking[0][2]}. "
                         "Введите верное показание: bcenter readings add --meter "
                         f"{kept.meter} --date {kept.day.isoformat()} --value …")
    decision = {"by": actor, "on": today.isoformat(), "reason": reason.strip(), "was": kept.status}
    checks = {"verdicts": [list(v) for v in kept.verdicts], "decision": decision}
    rivals = _same_day_rivals(db, kept) if any(v[0] == "same_day_other_site" for v in kept.verdicts) else []
    changes: dict = {"status": "confirmed", "checks": checks}
    if any(v[0] == "rollover" for v in kept.verdicts):  # accepting a rollover confirms it, as --rollover does
        changes["extra"] = {**_extra(db, kept.id), "rollover": True}
    with UnitOfWork(action="readings.accept", actor=actor, db=db,
                    details={"reading": kept.id, "meter": kept.meter, "reason": reason.strip()}) as uow:
        uow.update(MeterReading, kept.id, **changes)
        for rival, status, was in rivals:  # one reading of the day counts: the one a person confirmed
            uow.update(MeterReading, rival, status="rejected", checks={**was, "decision": {
                "by": actor, "on": today.isoformat(), "was": status,
                "reason": f"учтено другое показание того же дня ({kept.code}): {reason.strip()}"}})
    return reading(db, kept.id)


def _extra(db: pw.Database, reading_id: str) -> dict:
    """The reading's ``extra`` as kept (a final reading's mark, a confirmed rollover …), {} when none."""
    m = param_mark(db)
    raw, = db.execute_sql(f'SELECT extra FROM "meter_reading" WHERE id = {m}', (db_id(reading_id),)).fetchone()
    data = json.loads(raw) if isinstance(raw, str) else raw
    return dict(data) if isinstance(data, dict) else {}


def _same_day_rivals(db: pw.Database, kept: KeptReading) -> list[tuple[str, str, dict]]:
    """The other counted readings of the meter and day of a reading held because two sites read the meter that day
    (``sync.push``): confirming it rejects them — else both counted and the month took the later by id, maybe the
    one the person had just ruled out."""
    m = param_mark(db)
    rows = db.execute_sql(
        f'SELECT r.id, r.status, r.checks FROM "meter_reading" r JOIN "meter_reading" k ON k.meter_id = r.meter_id '
        f"AND k.date = r.date WHERE k.id = {m} AND r.id <> k.id AND r.status IN ('accepted', 'confirmed')",
        (db_id(kept.id),)).fetchall()
    out = []
    for rid, status, checks in rows:
        was = json.loads(checks) if isinstance(checks, str) else (checks or {})
        out.append((str(rid), status, was if isinstance(was, dict) else {}))
    return out


STATUS_FILTERS = {"all": None, "pending": ("unconfirmed", "rejected"), "rejected": ("rejected",),
                  "unconfirmed": ("unconfirmed",), "counted": ("accepted", "confirmed"), "confirmed": ("confirmed",)}


def list_readings(db: pw.Database, *, meter: MeterInfo | None = None, account: str | None = None,
                  status: str = "all", limit: int = 50) -> list[KeptReading]:
    """Kept readings, newest first: of one meter, of an account's meters, or all; by standing."""
    m = param_mark(db)
    if status not in STATUS_FILTERS:
        raise UsageError(f"--status: «{status}»; есть: {', '.join(STATUS_FILTERS)}")
    where, params = [], []
    if meter is not None:
        where.append(f"r.meter_id = {m}")
        params.append(db_id(meter.id))
    if account is not None:
        found = db.execute_sql(f'SELECT premises_id FROM "account" WHERE number = {m}', (account,)).fetchone()
        if found is None:
            raise NotFound(f"Нет лицевого счёта № {account}")
        where.append(f"mt.premises_id = {m}")
        params.append(db_id(found[0]))
    wanted = STATUS_FILTERS[status]
    if wanted:
        where.append(f"r.status IN ({', '.join(repr(s) for s in wanted)})")
    sql = _KEPT_SQL + (f"WHERE {' AND '.join(where)} " if where else "") + f"ORDER BY r.date DESC, r.id DESC LIMIT {int(limit)}"
    return [_kept(r) for r in db.execute_sql(sql, tuple(params))]


__all__ = ["KeptReading", "MeterInfo", "SOURCE_NAMES", "STATUS_FILTERS", "accept", "find_meter", "judge",
           "list_readings", "meter_by_id", "parse_values", "reading", "record"]
