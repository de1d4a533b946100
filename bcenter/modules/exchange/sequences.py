"""Readings of each meter never go down from month to month — checked over a whole document in bounded memory.

A city's document holds millions of readings, in any order. The importer notes what the check needs of each new
reading (meter, date, month, values, its place in the document) and of each meter of the document (its initial
reading) in two temporary tables of its own transaction; at the end one sorted query walks them meter by meter,
together with the readings already stored for the same meters, and only one meter's readings are in memory at a
time. Temporary tables vanish with the transaction (PostgreSQL) or are dropped by the check (SQLite).
"""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Iterable, Iterator

import peewee as pw

from bcenter.core.errors import Problem
from bcenter.core.vocabulary import ZONES
from db.dialect import id_to_storage, is_postgres, raw_insert

READING_TABLES = (("meter_reading", "readings"), ("house_reading", "house_readings"))
"""The two reading tables and their arrays; a table's position is its number in the temporary table."""

_NEW = ("tbl", "meter", "date", "period", "idx", "id", "total", "day", "night", "peak", "half_peak", "rollover")
_METER = ("meter", "total", "day", "night", "peak", "half_peak")


class ReadingSequences:
    """What the sequence check needs, gathered while the document is read; :meth:`problems` at the end."""

    def __init__(self, db: pw.Database):
        self.db = db
        self.pg = is_postgres(db)
        self.to_key = id_to_storage(db)
        self.ready = False

    def _create(self) -> None:
        if self.ready:
            return
        key, tail = ("UUID", " ON COMMIT DROP") if self.pg else ("BLOB", "")
        self.drop()
        self.db.execute_sql(f"CREATE TEMPORARY TABLE import_reading (tbl SMALLINT NOT NULL, meter {key} NOT NULL, "
                            "date DATE NOT NULL, period VARCHAR(7), idx INTEGER, id " + key + ", total TEXT, "
                            "day TEXT, night TEXT, peak TEXT, half_peak TEXT, rollover SMALLINT NOT NULL)" + tail)
        self.db.execute_sql(f"CREATE TEMPORARY TABLE import_meter (meter {key} PRIMARY KEY, total TEXT, day TEXT, "
                            "night TEXT, peak TEXT, half_peak TEXT)" + tail)
        self.ready = True

    def drop(self) -> None:
        schema = "pg_temp" if self.pg else "temp"
        for table in ("import_reading", "import_meter"):
            self.db.execute_sql(f"DROP TABLE IF EXISTS {schema}.{table}")
        self.ready = False

    def meters(self, rows: Iterable[tuple], first_initial: int) -> None:
        """Meter rows of the document (``COLUMNS["meter"]``): their initial readings start their sequences."""
        rows = [(self.to_key(r[0]), *r[first_initial:first_initial + len(ZONES)]) for r in rows]
        if rows:
            self._create()
            raw_insert(self.db, "import_meter", _METER, rows)

    def readings(self, table: str, rows: Iterable[tuple], index_of: dict[str, int]) -> None:
        """New reading rows (``COLUMNS["meter_reading"]``) of one table, with their indexes in its array."""
        tbl = [t for t, _ in READING_TABLES].index(table)
        out = [(tbl, self.to_key(r[2]), r[3], r[4], index_of[r[0]], self.to_key(r[0]), *r[6:6 + len(ZONES)],
                int(r[-1] is not None and json.loads(r[-1]).get("rollover") is True)) for r in rows]
        if out:
            self._create()
            raw_insert(self.db, "import_reading", _NEW, out)

    def problems(self, stored: dict[str, bool]) -> list[Problem]:
        """Every decrease that involves a new reading. ``stored[table]``: did the table hold rows before the import
        (then the readings already accepted for the same meters take part, except the rows this import wrote)."""
        if not self.ready:
            return []
        found: list[Problem] = []
        for tbl, (table, array) in enumerate(READING_TABLES):
            new = f"SELECT {{0}} FROM import_reading WHERE tbl = {tbl} AND idx IS NOT NULL"
            if stored.get(table):
                self.db.execute_sql(
                    f"INSERT INTO import_reading ({', '.join(_NEW)}) SELECT {tbl}, r.meter_id, r.date, r.period, "
                    f"NULL, NULL, r.total, r.day, r.night, r.peak, r.half_peak, 0 FROM \"{table}\" r "
                    f"WHERE r.meter_id IN ({new.format('meter')}) AND r.id NOT IN ({new.format('id')})")
            sql = ("SELECT r.meter, r.date, r.period, r.idx, r.total, r.day, r.night, r.peak, r.half_peak, r.rollover, "
                   "n.meter, n.total, n.day, n.night, n.peak, n.half_peak, m.initial_total, m.initial_day, "
                   "m.initial_night, m.initial_peak, m.initial_half_peak "
                   "FROM import_reading r LEFT JOIN import_meter n ON n.meter = r.meter "
                   "LEFT JOIN meter m ON m.id = r.meter "
                   f"WHERE r.tbl = {tbl} AND r.meter IN ({new.format('meter')}) "
                   "ORDER BY r.meter, r.date, r.idx IS NOT NULL, r.idx")
            for initial, readings in self._by_meter(sql, array):
                found.extend(meter_sequence(readings, initial))
        if not self.pg:
            self.drop()
        return found

    def _by_meter(self, sql: str, array: str) -> Iterator[tuple[tuple | None, list[tuple]]]:
        """(initial values, readings as ``meter_sequence`` takes them) of one meter after another."""
        meter, initial, readings = None, None, []
        zones = len(ZONES)
        for row in self._rows(sql):
            if row[0] != meter:
                if readings:
                    yield initial, readings
                meter, readings = row[0], []
                # the document's meter, else the stored one (a meter of neither has all None: no start)
                initial = tuple(row[11:11 + zones]) if row[10] is not None else tuple(row[16:16 + zones])
            day, period, idx = str(row[1])[:10], row[2], row[3]
            readings.append((period or day[:7], day, None if idx is None else f"{array}[{idx}]",
                             tuple(row[4:4 + zones]), bool(row[9])))
        if readings:
            yield initial, readings

    def _rows(self, sql: str) -> Iterator[tuple]:
        """The rows of a query, a few thousand at a time (psycopg2 would fetch them all: a cursor of the server's)."""
        if not self.pg:
            yield from self.db.execute_sql(sql)
            return
        self.db.execute_sql(f"DECLARE import_sequences NO SCROLL CURSOR FOR {sql}")
        while True:
            rows = self.db.execute_sql("FETCH 5000 FROM import_sequences").fetchall()
            if not rows:
                break
            yield from rows
        self.db.execute_sql("CLOSE import_sequences")


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


__all__ = ["READING_TABLES", "ReadingSequences", "meter_sequence"]
