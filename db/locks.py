"""The database's job lock: writing jobs (calc, close, storno, import, the demo, restore) never run beside each other.

Two calculations of one month at once charged every account twice; a payment imported while `close` computed its
balances was missing from them. So a writing job holds the lock of its scope for its whole run, across processes:

* on a SQLite file — an operating-system lock on a file beside the database (``<db>-jobs.lock``; ``fcntl.flock``,
  ``msvcrt.locking`` on Windows): the system drops it when the process ends, however it ends (kill -9 included);
* on PostgreSQL — a session advisory lock (``pg_try_advisory_lock``), dropped with the connection;
* on an in-memory database — a lock of this process.

A second job waits up to ``wait`` seconds for the lock, then refuses with ``JobBusy`` naming what holds it (the row
in ``job_lock`` — who, what, since when, which process on which host — written by the holder for exactly this
message). The lock is re-entrant within a thread (a use case calling another).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import peewee as pw

from bcenter.core.errors import BcenterError
from db.dialect import is_postgres, param_mark

__all__ = ["DEFAULT_WAIT_S", "LEDGER", "JobBusy", "job_lock"]

LEDGER = "ledger"
"""The scope every writing job holds: the whole database's ledger and its inputs (the use cases of ``bcenter.app``
that write, and the sync server applying a site's batch)."""

DEFAULT_WAIT_S = 10.0
"""How long a job waits for another to finish before it refuses."""


class JobBusy(BcenterError):
    """Another writing job holds the database."""

    default_message_ru = "База занята другим заданием: повторите, когда оно закончится"


_local = threading.local()
_memory_locks: dict[int, threading.Lock] = {}
_memory_guard = threading.Lock()


def _held() -> dict:
    if not hasattr(_local, "held"):
        _local.held = {}
    return _local.held


class _FileLock:
    """An exclusive lock on a file beside the SQLite database."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None

    def try_acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.name == "nt":  # pragma: no cover - Windows kiosks
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor drops the lock
            self.fd = None


class _AdvisoryLock:
    """A PostgreSQL session advisory lock on the job's own connection."""

    def __init__(self, db: pw.Database, scope: str):
        self.db = db
        self.key = int.from_bytes(hashlib.blake2b(f"bcenter:{scope}".encode(), digest_size=8).digest(), "big",
                                  signed=True)

    def try_acquire(self) -> bool:
        return bool(self.db.execute_sql("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0])

    def release(self) -> None:
        self.db.execute_sql("SELECT pg_advisory_unlock(%s)", (self.key,))


class _ProcessLock:
    """An in-memory database is one process's: a lock of this process is enough."""

    def __init__(self, db: pw.Database):
        with _memory_guard:
            self.lock = _memory_locks.setdefault(id(db), threading.Lock())

    def try_acquire(self) -> bool:
        return self.lock.acquire(blocking=False)

    def release(self) -> None:
        self.lock.release()


def _lock_for(db: pw.Database, scope: str):
    if is_postgres(db):
        return _AdvisoryLock(db, scope)
    if db.database in ("", ":memory:"):
        return _ProcessLock(db)
    return _FileLock(Path(f"{db.database}-{scope}.lock"))


def _identity(db: pw.Database) -> str:
    return f"pg:{id(db)}" if is_postgres(db) else str(db.database)


def _holder_text(db: pw.Database, scope: str) -> str:
    try:
        row = db.execute_sql(f'SELECT holder, what, started_at, pid, host FROM "job_lock" WHERE scope = '
                             f'{param_mark(db)}', (scope,)).fetchone()
    except pw.DatabaseError:
        row = None
    if row is None:
        return "другое задание"
    holder, what, started, pid, host = row
    return f"{what} ({holder}, с {str(started)[11:19]} UTC, процесс {pid} на {host})"


@contextlib.contextmanager
def job_lock(db: pw.Database, scope: str, *, holder: str, what: str, wait: float = DEFAULT_WAIT_S,  # float-ok
             poll: float = 0.1) -> Iterator[None]:  # float-ok: seconds of waiting, not money
    """Hold ``scope`` of ``db`` for the block (waiting up to ``wait`` seconds, then ``JobBusy``)."""
    key = (_identity(db), scope)
    held = _held()
    if key in held:  # the same thread already holds it: a use case inside another
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    lock = _lock_for(db, scope)
    deadline = time.monotonic() + max(0.0, wait)
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise JobBusy(f"База занята: идёт {_holder_text(db, scope)}. Повторите, когда задание закончится.")
        time.sleep(poll)
    mark = param_mark(db)
    try:
        with db.atomic():
            db.execute_sql(f'DELETE FROM "job_lock" WHERE scope = {mark}', (scope,))
            db.execute_sql(f'INSERT INTO "job_lock" (scope, holder, what, pid, host, started_at) VALUES '
                           f'({mark}, {mark}, {mark}, {mark}, {mark}, {mark})',
                           (scope, holder, what, os.getpid(), socket.gethostname(),
                            datetime.now(timezone.utc).isoformat(timespec="seconds")))
        held[key] = 1
        try:
            yield
        finally:
            del held[key]
            with contextlib.suppress(pw.DatabaseError):
                with db.atomic():
                    db.execute_sql(f'DELETE FROM "job_lock" WHERE scope = {mark} AND pid = {mark}',
                                   (scope, os.getpid()))
    finally:
        with contextlib.suppress(Exception):  # a broken connection already dropped a server's lock with itself
            lock.release()
