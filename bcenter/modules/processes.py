"""Worker processes for the long jobs (the month, closing, bills): one helper, one way.

Workers are *spawned* (a fresh interpreter: no connection or lock inherited from the parent), each opens the
database itself by its URL, and only reads; the calling process writes. The pool lives exactly as long as its
results are consumed: when the consumer stops early — an error, a cancelled job — the workers are terminated, so
nothing keeps running behind a finished command.
"""
from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from db.connection import sqlite_path

__all__ = ["can_share", "pooled"]


def can_share(url: str | None) -> bool:
    """May other processes open this database by its URL? (A file or a server — not an in-memory database.)"""
    return url is not None and (sqlite_path(url) is not None or url.startswith(("postgresql://", "postgres://")))


def pooled(fn: Callable[[Any], Any], tasks: Iterable[Any], *, workers: int, initializer: Callable | None = None,
           initargs: tuple = (), ordered: bool = True, chunksize: int = 1) -> Iterator[Any]:
    """``fn(task)`` for every task in ``workers`` spawned processes, yielded in task order (or as they finish when
    not ``ordered``). ``fn`` and ``initializer`` must be importable module-level functions. Workers ignore Ctrl+C:
    the terminal sends it to the whole process group, and a worker dying of it would lose its task and leave the
    parent waiting; the parent decides (the job stops at its next safe point, the pool is terminated)."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start, initargs=(initializer, initargs)) as pool:
        run = pool.imap if ordered else pool.imap_unordered
        yield from run(fn, tasks, chunksize=chunksize)


def _start(initializer: Callable | None, initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
