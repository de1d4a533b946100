"""A hybrid logical clock per database (Kulkarni, Demirbas et al., «Logical Physical Clocks», 2014): «newer wins»
for contacts and free text compares two edits by it (ARCHITECTURE.md §5, ``sync.conflicts``).

A stamp is the wall clock in milliseconds, a counter and the site's code — ``0001764950400000-00000-K1`` — compared
as text. A unit of work takes a stamp greater than every stamp this database has made or seen: the wall clock when it
has moved on, else the last stamp's milliseconds with the counter up by one. A site whose clock runs behind still
orders its edits after everything it has pulled (the server's stamps are observed with every page), and a site whose
clock runs days ahead wins «newer wins» only against edits it had not seen — the bound of any clock-based rule; the
legally significant fields never go by the clock (centre wins, conflict queued).
"""
from __future__ import annotations

import threading
import time

import peewee as pw

from db.dialect import is_postgres, param_mark

KEY = "sync.hlc"
WIDTH_MS, WIDTH_COUNTER = 16, 5


def wall_ms() -> int:
    return int(time.time() * 1000)


def stamp(ms: int, counter: int, site: str) -> str:
    return f"{ms:0{WIDTH_MS}d}-{counter:0{WIDTH_COUNTER}d}-{site}"


def parse(text: str) -> tuple[int, int, str]:
    """(milliseconds, counter, site) of a stamp; ValueError for anything else."""
    ms, counter, site = text.split("-", 2)
    if len(ms) != WIDTH_MS or len(counter) != WIDTH_COUNTER:
        raise ValueError(f"не отметка часов: {text!r}")
    return int(ms), int(counter), site


def _last(db: pw.Database) -> str | None:
    row = db.execute_sql(f"SELECT value FROM local_setting WHERE key = {param_mark(db)}", (KEY,)).fetchone()
    return row[0] if row else None


def _store(db: pw.Database, value: str) -> None:
    m = param_mark(db)
    db.execute_sql(f"INSERT INTO local_setting (key, value) VALUES ({m}, {m}) ON CONFLICT (key) DO UPDATE SET "
                   f"value = excluded.value", (KEY, value))


def _site(db: pw.Database) -> str:
    row = db.execute_sql("SELECT value FROM local_setting WHERE key = 'site_code'").fetchone()
    return row[0] if row else "-"


_lock = threading.Lock()
_memory: dict[int, tuple[int, int]] = {}  # PostgreSQL: the last stamp per database object, in this process


def _next(last: tuple[int, int] | None, now: int) -> tuple[int, int]:
    if last is not None and last[0] >= now:
        return last[0], last[1] + 1
    return now, 0


def tick(db: pw.Database, *, now_ms: int | None = None) -> str:
    """A new stamp, after every stamp this database made or observed (inside the caller's transaction).

    SQLite (a site: one writer at a time) keeps the last stamp in ``local_setting``. PostgreSQL (the centre: many
    writers, a close running for minutes) keeps it in the process, seeded from ``local_setting`` — one row written
    by every unit would make each wait for the one before it to commit."""
    now = wall_ms() if now_ms is None else now_ms
    if is_postgres(db):
        with _lock:
            last = _memory.get(id(db))
            if last is None:
                stored = _last(db)
                last = parse(stored)[:2] if stored else None
            made = _memory[id(db)] = _next(last, now)
        return stamp(*made, _site(db))
    last = _last(db)
    made = _next(parse(last)[:2] if last else None, now)
    value = stamp(*made, _site(db))
    _store(db, value)
    return value


def observe(db: pw.Database, seen: str | None) -> None:
    """A stamp made elsewhere (a pushed unit, a pulled page): this database's next stamps come after it."""
    if not seen:
        return
    ms, counter, _ = parse(seen)
    if is_postgres(db):
        with _lock:
            last = _memory.get(id(db))
            if last is None or (ms, counter) > last:
                _memory[id(db)] = (ms, counter)
        return
    last = _last(db)
    if last is None or (ms, counter) > parse(last)[:2]:
        _store(db, stamp(ms, counter, _site(db)))


def last_stamp(db: pw.Database) -> str | None:
    """The last stamp this database made or observed (what a pulled page carries for the site to observe)."""
    if is_postgres(db):
        with _lock:
            last = _memory.get(id(db))
        if last is not None:
            return stamp(*last, _site(db))
    return _last(db)


__all__ = ["KEY", "last_stamp", "observe", "parse", "stamp", "tick", "wall_ms"]
