"""Worker processes for the long jobs (the month, closing, bills): one helper, one way.

Workers are *spawned* (a fresh interpreter: no connection or lock inherited from the parent), each opens the
database itself by its URL, and only reads; the calling process writes. The pool lives exactly as long as its
results are consumed: when the consumer stops early — an error, a cancelled job — the workers are terminated, so
nothing keeps running behind a finished command.

A worker that dies (killed by the out-of-memory killer, a crash in a C library) fails the job with
``WorkerDied`` instead of leaving it waiting forever for the task the worker held: ``concurrent.futures`` notices a
process gone and breaks the pool, where ``multiprocessing.Pool`` silently starts another worker and the lost task's
result never comes.
"""
from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from bcenter.core.errors import BcenterError
from db.connection import sqlite_path

__all__ = ["WorkerDied", "can_share", "pooled"]


class WorkerDied(BcenterError):
    """A worker process ended without finishing its task; nothing of the job's unfinished part was written."""


def can_share(url: str | None) -> bool:
    """May other processes open this database by its URL? (A file or a server — not an in-memory database.)"""
    return url is not None and (sqlite_path(url) is not None or url.startswith(("postgresql://", "postgres://")))


def pooled(fn: Callable[[Any], Any], tasks: Iterable[Any], *, workers: int, initializer: Callable | None = None,
           initargs: tuple = (), chunksize: int = 1) -> Iterator[Any]:
    """``fn(task)`` for every task in ``workers`` spawned processes, yielded in task order; ``chunksize`` tasks
    travel to a worker together. ``fn`` and ``initializer`` must be importable module-level functions. An exception
    raised by ``fn`` is raised here; a worker that dies raises ``WorkerDied``. Workers ignore Ctrl+C: the terminal
    sends it to the whole process group, and a worker dying of it would lose its task; the parent decides (the job
    stops at its next safe point, the pool is terminated)."""
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                                   initargs=(initializer, initargs))
    finished = False
    try:
        source = iter(tasks)
        futures: deque[Future] = deque()
        while chunk := list(islice(source, chunksize)):
            futures.append(executor.submit(_run_chunk, fn, chunk))
        while futures:  # each result dropped once yielded: a month's houses are not all held
            yield from _results(futures.popleft())
        finished = True
    finally:
        _terminate(executor, finished=finished)


def _results(future: Future) -> list[Any]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerDied("рабочий процесс завершился аварийно (например, не хватило памяти); незавершённая часть "
                         "работы не записана — запустите команду ещё раз") from exc


def _terminate(executor: ProcessPoolExecutor, *, finished: bool) -> None:
    """Shut the pool down; when its work is not ``finished`` (the consumer stopped early, a task failed), stop the
    workers first, whatever they are doing (Python 3.14 has ``terminate_workers()`` for this). The processes are
    reaped by the pool's own thread only — two threads waiting for one child would leave it counted as alive."""
    if not finished:
        stop = getattr(executor, "terminate_workers", None)
        if stop is not None:
            stop()
            return
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)


def _run_chunk(fn: Callable[[Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(task) for task in chunk]


def _start(initializer: Callable | None, initargs: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
