"""A report shown a page at a time: the last run's rows, as people read them, kept in a temporary file so that
«Дальше» and «Назад» read 50 lines instead of running the report again (at city size a report by account takes a
minute; its file ~150 bytes a row, its memory an offset every ``STEP`` rows).

The run is kept while nothing changed: its key is the report, period, cut and the database's last outbox row
(``outbox.seq`` — every write of a fact, a payment, a close, an edit has one, ARCHITECTURE.md §2), so a page after
any write runs the report anew. One run is kept per application (the screen pages through one report at a time);
the file disappears with it."""
from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

import peewee as pw

from bcenter.modules.reports import files
from bcenter.modules.reports.registry import Result

STEP = 50
"""Rows between two kept offsets."""


@dataclass(frozen=True, slots=True)
class Head:
    """What a screen shows around a report's rows: its name, title, subtitle, the columns' titles, which are numbers,
    their widths in characters (the report's own), the total row as shown and how many rows there are."""

    name: str
    title: str
    subtitle: str
    titles: tuple[str, ...]
    numeric: tuple[bool, ...]
    widths: tuple[int, ...]
    total: tuple[str, ...]
    count: int


@dataclass(slots=True)
class Run:
    """A kept run: its key, its head, its rows as JSON lines in a temporary file and an offset every ``STEP``."""

    key: tuple
    head: Head
    rows: IO[bytes]
    offsets: list[int]


def version(db: pw.Database) -> int:
    """The database's last outbox row: what changes when anything is written."""
    return int(db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0])


class Pages:
    """The last run of a report, for paging (thread-safe: the screens call from worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._run: Run | None = None
        self.runs = 0
        """How many times a report was run for the screen (the tests read it)."""

    def run(self, key: tuple, make: Callable[[], Result]) -> Run:
        with self._lock:
            if self._run is not None and self._run.key == key:
                return self._run
            result = make()
            self.runs += 1
            rows, sums = files.summing(result)
            out = tempfile.TemporaryFile()
            offsets, count = [], 0
            for count, row in enumerate(rows, start=1):
                if (count - 1) % STEP == 0:  # rows 1, 51, 101 … begin a step
                    offsets.append(out.tell())
                out.write(json.dumps([files.shown(c.kind, v) for c, v in zip(result.columns, row)],
                                     ensure_ascii=False).encode() + b"\n")
            total = tuple(files.total_row(result, sums))
            if self._run is not None:
                self._run.rows.close()
            head = Head(result.name, result.title, result.subtitle, tuple(c.title for c in result.columns),
                        tuple(c.kind != "text" for c in result.columns), tuple(c.width for c in result.columns),
                        total, count)
            self._run = Run(key, head, out, offsets)
            return self._run

    def slice(self, run: Run, offset: int, limit: int) -> tuple[tuple[str, ...], ...]:
        """Rows ``offset`` … ``offset + limit − 1`` of a run."""
        with self._lock:
            count = run.head.count
            if offset >= count or limit <= 0:
                return ()
            run.rows.seek(run.offsets[offset // STEP])
            for _ in range(offset % STEP):
                run.rows.readline()
            out = []
            for _ in range(min(limit, count - offset)):
                out.append(tuple(json.loads(run.rows.readline())))
            return tuple(out)


__all__ = ["Head", "Pages", "Run", "STEP", "version"]
