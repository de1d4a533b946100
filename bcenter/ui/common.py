"""What every screen shares: blocking work off the event loop, errors told in words, amounts for people.

Flet runs a synchronous handler on the asyncio loop's thread, so a database call in it freezes every connected
screen (FLET.md §2). Every call into ``bcenter.app`` from a view goes through ``off_loop``: a worker thread, its
``BcenterError`` turned into the message people read, anything else into «внутренняя ошибка» with the log's place.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import flet as ft

from bcenter.app import BcenterError
from bcenter.core.dates import format_moment_ru

T = TypeVar("T")
NBSP = "\u00a0"
log = logging.getLogger("bcenter.ui")


class Failed(Exception):
    """A use case refused or failed; ``message`` is for people, ``refusal`` the service's error when it refused
    (a form reads the fields a ``FieldErrors`` names)."""

    def __init__(self, message: str, refusal: BcenterError | None = None):
        super().__init__(message)
        self.message = message
        self.refusal = refusal


async def off_loop(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``call`` in a worker thread; its refusal becomes ``Failed`` with the Russian message."""
    try:
        return await asyncio.to_thread(call, *args, **kwargs)
    except BcenterError as exc:
        raise Failed(exc.message_ru, exc) from exc
    except Exception as exc:  # noqa: BLE001 - a screen tells, the log keeps the details
        log.exception("ui: %s failed", getattr(call, "__qualname__", call))
        raise Failed(f"Внутренняя ошибка ({type(exc).__name__}): действие не выполнено, данные не изменены") from exc


def updating(page: ft.Page, handler: Callable[..., Any], *, once: bool = False) -> Callable[..., Any]:
    """An async handler that sends what it changed when it ends, whatever the path: Flet 1.0.5 updates the page
    after a *sync* handler only — an async one that awaited a worker would otherwise leave the screen as it was
    before the await (seen in a real browser: the «Войти» button stayed disabled).

    ``once``: a handler that writes runs one at a time — a second click while it runs (a double click reaches the
    server before anything the first one changed reaches the browser) is dropped, not written twice. One at a time
    per row: a button carrying its row (``data``: a reading, a suspense line) is not held up by another row's — the
    operator's next row is an action of its own."""
    busy: set[int | None] = set()

    async def run(*args: Any, **kwargs: Any) -> None:
        control = getattr(args[0], "control", None) if args else None
        key = id(control) if getattr(control, "data", None) is not None else None
        if once and key in busy:
            return
        if once:
            busy.add(key)
        try:
            await handler(*args, **kwargs)
        finally:
            busy.discard(key)
            page.update()

    run.__name__ = getattr(handler, "__name__", "handler")
    return run


POLL = 0.25
"""How often a long job's progress is shown (seconds)."""


async def with_job(page: ft.Page, job, call: Callable[..., T], *args: Any,
                   on_progress: Callable[[Any], None] | None = None, **kwargs: Any) -> T:
    """``call(*args, job=job, **kwargs)`` off the loop (``off_loop``: a refusal becomes ``Failed``); every ``POLL``
    seconds the loop reads the job's counters (``on_progress(job)``) and sends the page — the worker never touches
    it. «Остановить» is ``job.cancel()`` from any handler."""
    task = asyncio.ensure_future(off_loop(call, *args, job=job, **kwargs))
    while True:
        done, _ = await asyncio.wait({task}, timeout=POLL)
        if on_progress is not None and job.size:
            on_progress(job)
        if done:
            return task.result()
        page.update()


def signing_out(page: ft.Page, signed, on_sign_out=None, *, before: Callable[[], None] | None = None):
    """The «Выйти» handler of a screen: the session ended in the service, then ``on_sign_out`` (sync or async)."""

    async def sign_out(_e=None) -> None:
        if before is not None:
            before()
        await off_loop(signed.app.users.sign_out, signed.session.token)
        if on_sign_out is not None:
            result = on_sign_out()
            if result is not None:
                await result

    return updating(page, sign_out)


def rub(kopecks: int) -> str:
    """3 412,08 — a non-breaking thousands space and a comma; the minus sign typographic."""
    rubles, kop = divmod(abs(int(kopecks)), 100)
    return f"{'−' if kopecks < 0 else ''}{rubles:,}".replace(",", NBSP) + f",{kop:02d}"


moment_ru = format_moment_ru
"""A stored moment as people read it on this machine (``core.dates.format_moment_ru``)."""


SCREEN_FILES_KEPT = timedelta(hours=12)
"""How long a file the screens made (a bill, a form, a report, a notice) stays in the screens' folder: the longest
session (``users.sessions.LONGEST``). The web server hands these files to whoever names them (by a random 128-bit
name); a form with passport data or a report of every account's debt is not kept on disk beyond the session that
asked for it."""


def screen_folder(files: Path, kind: str, *, now: float | None = None) -> Path:
    """The screens' folder ``kind`` under ``files``, made if missing, with its files older than
    ``SCREEN_FILES_KEPT`` removed (each new file sweeps its folder; ``serve`` sweeps them all at start)."""
    folder = files / kind
    folder.mkdir(parents=True, exist_ok=True)
    sweep_files(folder, now=now)
    return folder


def sweep_files(folder: Path, *, now: float | None = None) -> int:
    """Remove the files of ``folder`` (and its subfolders) last written more than ``SCREEN_FILES_KEPT`` ago;
    returns how many. A file that vanishes meanwhile (another screen's sweep) is no error."""
    limit = (time.time() if now is None else now) - SCREEN_FILES_KEPT.total_seconds()
    removed = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def amount_cell(kopecks: int, **style: Any) -> ft.Text:
    """An amount, right-aligned in its column."""
    return ft.Text(rub(kopecks), text_align=ft.TextAlign.RIGHT, **style)


def error_text(key: str) -> ft.Text:
    return ft.Text("", color=ft.Colors.RED_700, key=key)  # not selectable: a plain text node screen readers read


__all__ = ["NBSP", "POLL", "SCREEN_FILES_KEPT", "Failed", "amount_cell", "error_text", "moment_ru", "off_loop", "rub",
           "screen_folder", "signing_out", "sweep_files", "updating", "with_job"]
