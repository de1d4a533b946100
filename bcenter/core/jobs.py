"""Долгие задания: ход выполнения и отмена.

A long use case (import, calc, close, bills, demo) takes a ``Job``: it tells the job how much there is to do
(``total``) and how much is done (``advance``), and asks at safe points whether to stop (``check``) — between
houses, chunks, objects — where stopping leaves nothing half-written (each unit of work is whole; an output file is
moved into place only at the end). ``check`` raises ``Cancelled`` once ``cancel()`` was called, from any thread (a
screen's «Отмена» button, the terminal's Ctrl+C). The faces decide how to show progress: the CLI draws a bar on a
terminal, a screen a progress ring; a use case without a job runs silent and uncancellable.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

from bcenter.core.errors import BcenterError

__all__ = ["Cancelled", "Job"]


class Cancelled(BcenterError):
    """The job was cancelled at a safe point; what it had committed is whole and a rerun finishes the rest."""

    default_message_ru = "Прервано по запросу: незавершённая часть не записана, повторный запуск доделает остальное."


class Job:
    """Progress and cancellation of one long use case."""

    __slots__ = ("_on_total", "_on_advance", "_cancel", "done", "size")

    def __init__(self, *, on_total: Callable[[int | None], None] | None = None,
                 on_advance: Callable[[int], None] | None = None) -> None:
        self._on_total = on_total
        self._on_advance = on_advance
        self._cancel = threading.Event()
        self.done = 0
        self.size: int | None = None

    def total(self, n: int | None) -> None:
        """How much there is to do (None: unknown)."""
        self.size = n
        if self._on_total is not None:
            self._on_total(n)

    def advance(self, n: int = 1) -> None:
        """``n`` more done."""
        self.done += n
        if self._on_advance is not None and n:
            self._on_advance(n)

    def cancel(self) -> None:
        """Ask the job to stop at its next safe point (safe to call from another thread or a signal handler)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """At a safe point: stop here if cancelled."""
        if self._cancel.is_set():
            raise Cancelled()

