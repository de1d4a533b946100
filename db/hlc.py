"""A hybrid logical clock per database (Kulkarni, Demirbas et al., «Logical Physical Clocks», 2014): «newer wins»
for contacts and free text compares two edits by it (ARCHITECTURE.md §5, ``sync.conflicts``).

A stamp is the wall clock in milliseconds, a counter and the site's code — ``0001764950400000-00000-K1`` (the text
every release wrote and reads) — compared parsed, as (milliseconds, counter, site) (``later``). A unit of work takes
a stamp greater than every stamp this database has made or seen: the wall clock when it has moved on, else the last
stamp's milliseconds with the counter up by one — and when the counter would pass ``MAX_COUNTER`` (five digits),
the next millisecond with the counter at 0 (the standard HLC rule: the logical clock runs ahead of the wall clock by
a millisecond per 100 000 stamps, never stops). A site whose clock runs behind still orders its edits after
everything it has pulled (the server's stamps are observed with every page), and a site whose clock runs days ahead
wins «newer wins» only against edits it had not seen — the bound of any clock-based rule; the legally significant
fields never go by the clock (centre wins, conflict queued). **An observed stamp is believed up to ``MAX_AHEAD``
past this database's wall clock** (an hour): one site's clock set a day ahead would otherwise drag every database
that hears of it a day ahead; beyond it the database takes wall + ``MAX_AHEAD`` and ``observe`` says so (the sync
server raises an alarm).
"""
from __future__ import annotations

import threading
import time

import peewee as pw

from db.dialect import is_postgres, param_mark

KEY = "sync.hlc"
WIDTH_MS, WIDTH_COUNTER = 16, 5
MAX_COUNTER = 10 ** WIDTH_COUNTER - 1
MAX_AHEAD = 3600 * 1000
"""How far past this database's wall clock an observed stamp is believed (milliseconds)."""


def wall_ms() -> int:
    return int(time.time() * 1000)


def stamp(ms: int, counter: int, site: str) -> str:
    return f"{ms:0{WIDTH_MS}d}-{counter:0{WIDTH_COUNTER}d}-{site}"


def parse(text: str) -> tuple[int, int, str]:
    """(milliseconds, counter, site) of a stamp; ValueError for anything else. A counter of more than five digits
    (written by a release that let it overflow) is read, so such a database moves on."""
    ms, counter, site = text.split("-", 2)
    if len(ms) != WIDTH_MS or len(counter) < WIDTH_COUNTER or not (ms.isdigit() and counter.isdigit()):
        raise ValueError(f"не отметка часов: {text!r}")
    return int(ms), int(counter), site


def later(a: str | None, b: str | None) -> bool:
    """Whether stamp ``a`` is after stamp ``b`` (parsed: milliseconds, counter, then the site's code); no stamp is
    before every stamp."""
    if not a:
        return False
    if not b:
        return True
    return parse(a) > parse(b)


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
    """After ``last``: the wall clock if it moved on, else the counter up by one — past ``MAX_COUNTER``, the next
    millisecond (the stamp's text keeps its five digits)."""
    if last is not None and last[0] >= now:
        if last[1] >= MAX_COUNTER:
            return last[0] + 1, 0
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


def observe(db: pw.Database, seen: str | None, *, now_ms: int | None = None) -> bool:
    """A stamp made elsewhere (a pushed unit, a pulled page): this database's next stamps come after it — believed
    up to ``MAX_AHEAD`` past the wall clock. Returns False when the stamp was further ahead (capped: the caller
    raises the alarm), True otherwise."""
    if not seen:
        return True
    ms, counter, _ = parse(seen)
    bound_ms = (wall_ms() if now_ms is None else now_ms) + MAX_AHEAD
    believed = ms <= bound_ms
    if not believed:
        ms, counter = bound_ms, 0
    if is_postgres(db):
        with _lock:
            last = _memory.get(id(db))
            if last is None or (ms, counter) > last:
                _memory[id(db)] = (ms, counter)
        return believed
    last = _last(db)
    if last is None or (ms, counter) > parse(last)[:2]:
        _store(db, stamp(ms, counter, _site(db)))
    return believed


def last_stamp(db: pw.Database) -> str | None:
    """The last stamp this database made or observed (what a pulled page carries for the site to observe)."""
    if is_postgres(db):
        with _lock:
            last = _memory.get(id(db))
        if last is not None:
            return stamp(*last, _site(db))
    return _last(db)


__all__ = ["KEY", "MAX_AHEAD", "MAX_COUNTER", "last_stamp", "later", "observe", "parse", "stamp", "tick", "wall_ms"]
