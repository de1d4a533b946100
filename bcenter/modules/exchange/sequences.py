"""Readings of each meter never go down from month to month — checked over a whole document in bounded memory.

A city's document holds millions of readings, in any order. The importer notes what the check needs of each new
reading (meter, date, month, values, its place in the document) and of each meter of the document (its initial
reading) in a scratch SQLite file of its own — on disk, outside the database and its transaction, on either backend
(an in-memory temporary table would hold them all: SQLite's ``temp_store`` is memory here). At the end the readings
already stored for the same meters join them, and one sorted query walks them meter by meter: one meter's readings
are in memory at a time. The scratch file is removed when the import ends, whatever its end.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from bcenter.core.errors import Problem
from bcenter.core.period import Period
from bcenter.core.vocabulary import ZONES
from bcenter.engine import reading_rules as rules
from bcenter.engine.readings import HISTORY_MONTHS, monthly_history
from bcenter.modules.exchange.tables import COLUMNS
from db.models.meters import COUNTED_SQL

READING_TABLES = (("meter_reading", "readings"), ("house_reading", "house_readings"))
"""The two reading tables and their arrays; a table's position is its number in the scratch file."""

_ZONES = ", ".join(ZONES)
FACTS = ("serial", "resource", "zones", "digits", "installed", "removed", "valid_until")
"""What the validation rules need of a meter, kept beside its initial reading."""
_FACTS = ", ".join(FACTS)
_SCHEMA = (
    f"CREATE TABLE reading (tbl INTEGER NOT NULL, meter TEXT NOT NULL, date TEXT NOT NULL, period TEXT, idx INTEGER, "
    f"id TEXT, {_ZONES}, rollover INTEGER NOT NULL)",
    f"CREATE TABLE meter (meter TEXT PRIMARY KEY, {_ZONES}, {_FACTS})",
    f"CREATE TABLE stored_meter (meter TEXT PRIMARY KEY, {_ZONES}, {_FACTS})",
)
_METER_AT = {name: COLUMNS["meter"].index(name) for name in ("serial", "resource", "zones", "digits", "installed",
                                                             "removed", "verified_until", "initial_total")}
CHUNK = 900
"""Keys per ``IN (…)`` list when the database is asked for what it already holds."""


class ReadingSequences:
    """What the sequence check needs, gathered while the document is read; :meth:`problems` at the end,
    :meth:`close` always."""

    def __init__(self) -> None:
        self.scratch: sqlite3.Connection | None = None
        self.path: str | None = None

    def _open(self) -> sqlite3.Connection:
        if self.scratch is None:
            handle, self.path = tempfile.mkstemp(prefix="bcenter-import-", suffix=".sqlite")
            os.close(handle)
            self.scratch = sqlite3.connect(self.path, isolation_level=None)
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE", "cache_size = -16000"):
                self.scratch.execute(f"PRAGMA {pragma}")
            self.scratch.execute("BEGIN")
            for statement in _SCHEMA:
                self.scratch.execute(statement)
            try:  # the open file outlives its name (POSIX): a killed import leaves no scratch file behind
                os.unlink(self.path)
                self.path = None
            except OSError:  # pragma: no cover - Windows keeps an open file's name; close() removes it
                pass
        return self.scratch

    def close(self) -> None:
        if self.scratch is not None:
            self.scratch.close()
            self.scratch = None
        if self.path is not None:
            os.unlink(self.path)
            self.path = None

    def meters(self, rows: Iterable[tuple]) -> None:
        """Meter rows of the document (``COLUMNS["meter"]``): their initial readings start their sequences; the rules
        read their facts."""
        at, first = _METER_AT, _METER_AT["initial_total"]
        rows = [(str(r[0]), *r[first:first + len(ZONES)], r[at["serial"]], r[at["resource"]], r[at["zones"]],
                 r[at["digits"]],
                 _day(r[at["installed"]]), _day(r[at["removed"]]), _day(r[at["verified_until"]])) for r in rows]
        if rows:
            self._open().executemany(
                f"INSERT OR REPLACE INTO meter VALUES (?, {', '.join('?' for _ in ZONES + FACTS)})", rows)

    def readings(self, table: str, rows: Iterable[tuple], index_of: dict[str, int]) -> None:
        """New reading rows (``COLUMNS["meter_reading"]``) of one table, with their indexes in its array."""
        tbl = [t for t, _ in READING_TABLES].index(table)
        out = [(tbl, str(r[2]), str(r[3]), r[4], index_of[r[0]], str(r[0]), *r[6:6 + len(ZONES)],
                int(r[-1] is not None and json.loads(r[-1]).get("rollover") is True)) for r in rows]
        if out:
            self._open().executemany(f"INSERT INTO reading VALUES ({', '.join('?' for _ in range(7 + len(ZONES)))})",
                                     out)

    def problems(self, select_in: Callable[[str, list], list[tuple]], stored: dict[str, bool]) -> list[Problem]:
        """Every decrease of a house meter's readings that involves a new reading (a document error); the
        individual meters' new readings are judged by the validation rules instead (``verdicts``). ``stored[table]``:
        did the table hold rows before the import — then the readings already counted for the same meters take part
        (except the rows this import wrote), and so do the initial readings of meters imported earlier.
        ``select_in(sql_head, keys)``: the database asked ``sql_head (keys…)``."""
        self.verdicts: list[tuple[str, str, dict, str, tuple[rules.Verdict, ...]]] = []
        if self.scratch is None:
            return []
        scratch = self.scratch
        if stored.get("meter") or any(stored.get(t) for t, _ in READING_TABLES):
            self._join_stored(select_in, stored)
        found: list[Problem] = []
        for tbl, (_, array) in enumerate(READING_TABLES):
            facts = ", ".join(f"COALESCE(n.{f}, s.{f})" for f in FACTS) + ", s.valid_until"
            rows = scratch.execute(
                f"SELECT r.meter, r.date, r.period, r.idx, {', '.join('r.' + z for z in ZONES)}, r.rollover, "
                f"n.meter, {', '.join('n.' + z for z in ZONES)}, {', '.join('s.' + z for z in ZONES)}, r.id, {facts} "
                "FROM reading r LEFT JOIN meter n ON n.meter = r.meter LEFT JOIN stored_meter s ON s.meter = r.meter "
                f"WHERE r.tbl = {tbl} AND r.meter IN (SELECT meter FROM reading WHERE tbl = {tbl} AND idx IS NOT NULL) "
                "ORDER BY r.meter, r.date, r.idx IS NOT NULL, r.idx")
            if tbl == 0:
                for initial, readings, meter in _by_meter(rows, array, with_facts=True):
                    self.verdicts.extend(meter_verdicts(readings, initial, meter))
            else:
                for initial, readings in _by_meter(rows, array):
                    found.extend(meter_sequence(readings, initial))
        return found

    def new_readings(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` are individual readings this import wrote (not objects it found stored already)."""
        if self.scratch is None:
            return set()
        keys = list(keys)
        found: set[str] = set()
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start:start + CHUNK]
            found.update(k for (k,) in self.scratch.execute(
                f"SELECT id FROM reading WHERE tbl = 0 AND idx IS NOT NULL AND id IN ({', '.join('?' for _ in chunk)})",
                chunk))
        return found

    def _join_stored(self, select_in: Callable[[str, list], list[tuple]], stored: dict[str, bool]) -> None:
        """The stored readings and initial readings of the meters this document reads."""
        scratch = self.scratch
        zones = len(ZONES)
        scratch.execute("CREATE INDEX reading_id ON reading (id)")
        for tbl, (table, _) in enumerate(READING_TABLES):
            meters = [m for (m,) in scratch.execute(
                f"SELECT DISTINCT meter FROM reading WHERE tbl = {tbl} AND idx IS NOT NULL")]
            for start in range(0, len(meters), CHUNK):
                chunk = meters[start:start + CHUNK]
                if stored.get(table):
                    counted = f"status IN {COUNTED_SQL} AND " if table == "meter_reading" else ""
                    rows = select_in(f'SELECT id, meter_id, date, period, {_ZONES} FROM "{table}" WHERE {counted}'
                                     'meter_id IN', chunk)
                    # the rows this import wrote are among them: they are in the scratch file already, by id
                    scratch.executemany(
                        f"INSERT INTO reading SELECT {tbl}, ?, ?, ?, NULL, NULL, {', '.join('?' for _ in ZONES)}, 0 "
                        "WHERE NOT EXISTS (SELECT 1 FROM reading WHERE id = ?)",
                        [(str(m), str(d)[:10], p, *values, str(i)) for i, m, d, p, *values in rows])
                if stored.get("meter"):
                    rows = select_in(f"SELECT id, {', '.join('initial_' + z for z in ZONES)}, serial, resource, zones, digits, "
                                     "installed, removed, verified_until, (SELECT MAX(v.valid_until) FROM "
                                     "\"meter_verification\" v WHERE v.meter_id = \"meter\".id) FROM \"meter\" "
                                     "WHERE id IN", chunk)
                    scratch.executemany(f"INSERT OR IGNORE INTO stored_meter VALUES "
                                        f"(?, {', '.join('?' for _ in range(zones + len(FACTS)))})",
                                        [(str(m), *values[:zones + 5], _day(values[zones + 5]),
                                          max(filter(None, (_day(values[zones + 6]), _day(values[zones + 7]))),
                                              default=None))
                                         for m, *values in rows])


def _day(value) -> str | None:
    return None if value is None else str(value)[:10]


def _by_meter(rows: Iterable[tuple], array: str, *, with_facts: bool = False) -> Iterator[tuple]:
    """(initial values, readings as ``meter_sequence`` takes them[, the meter's facts]) of one meter after another;
    with the facts, a reading also carries its key."""
    meter, initial, readings, facts = None, None, [], None
    zones = len(ZONES)
    at = 5 + zones
    for row in rows:
        if row[0] != meter:
            if readings:
                yield (initial, readings, facts) if with_facts else (initial, readings)
            meter, readings = row[0], []
            # the document's meter, else the stored one (a meter of neither: all None, no start)
            initial = tuple(row[at + 1:at + 1 + zones]) if row[at] is not None else tuple(row[at + 1 + zones:at + 1 + 2 * zones])
            if with_facts:
                serial, resource, zone_count, digits, installed, removed, valid_until, stored_until = \
                    row[at + 2 + 2 * zones:]
                facts = None if serial is None else rules.MeterFacts(
                    serial=serial, resource=resource, zones=int(zone_count), digits=int(digits), installed=_date(installed),
                    removed=_date(removed), valid_until=max(filter(None, (_date(valid_until), _date(stored_until))),
                                                           default=None))
        day, period, idx = row[1], row[2], row[3]
        entry = (period or day[:7], day, None if idx is None else f"{array}[{idx}]", tuple(row[4:4 + zones]),
                 bool(row[4 + zones]))
        readings.append((*entry, row[at + 1 + 2 * zones]) if with_facts else entry)
    if readings:
        yield (initial, readings, facts) if with_facts else (initial, readings)


def _date(value) -> date | None:
    return None if value is None else date.fromisoformat(str(value)[:10])


def _values(values: tuple) -> dict[str, Decimal]:
    return {z: Decimal(str(v)) for z, v in zip(ZONES, values) if v is not None}


def meter_verdicts(readings: list[tuple], initial: tuple | None,
                   meter: rules.MeterFacts | None) -> list[tuple[str, str, dict, str, tuple[rules.Verdict, ...]]]:
    """The validation rules (``bcenter.engine.reading_rules``) on one meter's new readings, as the month reads
    them: of several readings closing one month the latest counts (a correcting reading replaces a mistyped one),
    and each new one that closes its month is judged against the counted month before it (else the initial
    reading), the month after it and the average of the months before (п. 59's history). A reading kept out —
    rejected or waiting for a person — opens nothing: the next month is judged against the last counted one.
    Returns ``(key, status, checks, where, verdicts)`` for the new readings with a verdict."""
    if meter is None:
        return []
    closing: dict[str, tuple] = {}
    for entry in readings:
        closing[entry[0]] = entry
    months = sorted(closing)
    out = []
    previous = (meter.installed, _values(initial)) if initial and any(v is not None for v in initial) else None
    chain: list[tuple] = [(None, previous[1])] if previous else []
    for i, month in enumerate(months):
        _, day, where, values, rollover, key = closing[month]
        current = _values(values)
        if where is None:  # a counted reading already kept
            previous = (_date(day), current)
            chain.append((Period.parse(month), current))
            continue
        after = next(((_date(closing[m][1]), _values(closing[m][3])) for m in months[i + 1:]
                      if closing[m][2] is None), None)
        average = rules.average_of(monthly_history(chain[-(HISTORY_MONTHS + 1):],
                                                   digits=meter.digits)[-HISTORY_MONTHS:])
        verdicts = rules.check(
            meter, rules.Reading(_date(day), current, "import"),
            before=rules.Reading(*previous) if previous else None,
            after=rules.Reading(*after) if after else None, average=average)
        if rollover:
            verdicts = tuple(v for v in verdicts if v.rule != "rollover")
        status = rules.STATUS_OF_OUTCOME[rules.outcome(verdicts)]
        if verdicts:
            out.append((key, status, {"verdicts": [[v.rule, v.severity, v.message] for v in verdicts]}, where,
                        verdicts))
        if status == "accepted":
            previous = (_date(day), current)
            chain.append((Period.parse(month), current))
    return out


def meter_sequence(readings: list[tuple], initial: tuple | None) -> list[Problem]:
    """One meter's readings never go down from month to month, starting from its initial reading.

    ``readings``: ``(month, date, where, values, rollover)`` sorted by date, the stored ones of a day before the new
    ones (``where``: the path of a new reading, None for one already stored). As the month run reads them: a reading
    closes the month it names (else its date's month) and, of several closing one month, the latest by date counts —
    so a correcting reading for a month replaces a mistyped one instead of being refused. Only a decrease involving a
    reading of this document is its error. A reading confirmed ``"extra": {"rollover": true}`` may go down."""
    problems = []
    closing: dict[str, tuple] = {}
    for entry in readings:  # the latest of a month wins
        closing[entry[0]] = entry
    previous, previous_label, previous_where = initial, "начального показания прибора", None
    for month in sorted(closing):
        _, day, where, values, rollover = closing[month]
        if previous is not None and not rollover and (where or previous_where):
            for zone, value, old in zip(ZONES, values, previous):
                if value is not None and old is not None and Decimal(value) < Decimal(old):
                    problems.append(Problem(
                        f"{where or previous_where}.values.{zone}",
                        f"показание {value} меньше {previous_label} ({old}); если счётчик перешёл через ноль, "
                        "подтвердите это полем \"extra\": {\"rollover\": true}" if where else
                        f"показание {old} больше следующего, уже принятого: {value} от {day}"))
        previous, previous_label = values, f"предыдущего от {day}"
        previous_where = where
    return problems


__all__ = ["READING_TABLES", "ReadingSequences", "meter_sequence", "meter_verdicts"]
