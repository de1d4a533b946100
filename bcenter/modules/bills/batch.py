"""Printing bills in batches: one PDF, or a file per account in a folder, in delivery order, on every core.

* The recipients' bank details are checked first (every supplier, every field at once): a batch with a bad detail
  prints nothing.
* Accounts are cut into chunks of whole houses in delivery order (house, entrance, flat). With more than one
  worker and at least ``MIN_ACCOUNTS_FOR_WORKERS`` accounts, spawned processes draw the chunks (each opens the
  database itself); the calling process collects them in order.
* Nothing half-written: everything is drawn into a hidden folder beside the target and moved into place only when
  the whole batch succeeded — one ``os.replace`` for a PDF, a rename per file for a folder. On any error the hidden
  folder is removed and the target is as it was.
* A single PDF from several chunks is joined with pypdf (the pages are copied, not drawn again).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import peewee as pw

from bcenter.core.errors import BcenterError, Problem, UsageError, ValidationFailed
from bcenter.core.period import Period
from bcenter.modules.bills.model import KINDS

MIN_ACCOUNTS_FOR_WORKERS = 300
CHUNK_ACCOUNTS = 150


@dataclass(frozen=True)
class Job:
    """What to print (picklable: it travels to the worker processes)."""

    url: str
    period: str
    kind: str = "monthly"
    months: int = 3
    as_of: str | None = None


@dataclass
class BatchResult:
    printed: int = 0
    skipped: int = 0
    pages: int = 0
    files: list[Path] = field(default_factory=list)
    skipped_accounts: list[str] = field(default_factory=list)


def print_bills(db: pw.Database, job: Job, *, out: Path, house: str | None = None, account: str | None = None,
                workers: int = 1, progress: Callable[[int], None] | None = None,
                total: Callable[[int], None] | None = None) -> BatchResult:
    """Print the bills of ``job`` into ``out`` (``*.pdf`` — one file; anything else — a folder of files)."""
    if job.kind not in KINDS:
        raise UsageError(f"--kind: {job.kind} (допустимы {', '.join(KINDS)})")
    if job.kind == "advance" and not 1 <= job.months <= 36:
        raise UsageError(f"--months: от 1 до 36, получено {job.months}")
    single = out.suffix.lower() == ".pdf"
    if single and out.is_dir():
        raise UsageError(f"{out}: это каталог, а ожидается файл .pdf")
    if not single and out.exists() and not out.is_dir():
        raise UsageError(f"{out}: файл уже существует, а ожидается каталог (или укажите имя .pdf)")
    if not single and out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out}: каталог не пуст — счета кладутся в новый или пустой каталог "
                         "(чужие файлы не перезаписываются и не удаляются)")
    source = _source(db, job)
    source.check_recipients()
    targets = source.targets(house=house, account=account)
    source.check_ready(targets)
    if total:
        total(len(targets))
    chunks = _chunks(targets)
    parent = out.parent if single else out
    created = next((p for p in reversed([parent, *parent.parents]) if not p.exists()), None)
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=parent))
    result = BatchResult()
    done = False
    try:
        tasks = [(job, i, chunk, str(work), single) for i, chunk in enumerate(chunks)]
        if workers > 1 and len(targets) >= MIN_ACCOUNTS_FOR_WORKERS and len(chunks) > 1:
            import multiprocessing

            with multiprocessing.get_context("spawn").Pool(min(workers, len(chunks))) as pool:
                outcomes = _collect(pool.imap(_draw_chunk, tasks), progress)
        else:
            outcomes = _collect((_draw_chunk(task, source=source) for task in tasks), progress)
        parts = []
        for part in outcomes:
            result.printed += part["printed"]
            result.pages += part["pages"]
            result.skipped_accounts += part["skipped"]
            parts += part["files"]
        result.skipped = len(result.skipped_accounts)
        if single:
            result.files = [_finish_pdf(parts, work, out)] if parts else []
        else:
            result.files = _finish_folder(parts, out)
        done = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if created is not None and (not done or not result.files):
            shutil.rmtree(created, ignore_errors=True)  # the folders this run made, nothing else
    return result


def _source(db: pw.Database, job: Job):
    from bcenter.modules.bills.gather import BillSource

    return BillSource(db, Period.parse(job.period), kind=job.kind, months=job.months,
                      as_of=date.fromisoformat(job.as_of) if job.as_of else None)


def _chunks(targets: list) -> list[list]:
    """Runs of whole houses of about ``CHUNK_ACCOUNTS`` accounts, keeping delivery order."""
    chunks: list[list] = []
    current: list = []
    for i, t in enumerate(targets):
        if current and len(current) >= CHUNK_ACCOUNTS and t.house != targets[i - 1].house:
            chunks.append(current)
            current = []
        current.append(t)
    if current:
        chunks.append(current)
    return chunks


def _collect(outcomes, progress) -> list[dict]:
    done = []
    for outcome in outcomes:
        if "error" in outcome:
            problems, title, message, code = outcome["error"]
            if problems:
                raise ValidationFailed([Problem(p, r) for p, r in problems], title=title)
            error = BcenterError(message)
            error.exit_code = code
            raise error
        if progress:
            progress(outcome["printed"] + len(outcome["skipped"]))
        done.append(outcome)
    return done


_PROCESS: dict = {}


def _draw_chunk(task, source=None) -> dict:
    """Draw one chunk (in a worker or in the calling process); errors come back as data, not exceptions, so a
    worker's message reaches the user whole."""
    from bcenter.modules.bills.render import Renderer

    job, index, targets, work, single = task
    try:
        if source is None:
            if _PROCESS.get("job") != job:
                from db.connection import open_database

                _PROCESS.update(job=job, source=_source(open_database(job.url), job))
            source = _PROCESS["source"]
        renderer = _PROCESS.setdefault("renderer", Renderer())
        printed, pages, skipped, files = 0, 0, [], []
        canvas = None
        if single:
            path = Path(work) / f"part-{index:06d}.pdf"
            canvas = renderer.new_canvas(str(path))
        for n, (target, bill) in enumerate(source.bills(sorted({t.house for t in targets}), targets)):
            if bill is None:
                skipped.append(target.number)
                continue
            if single:
                pages += renderer.draw(canvas, bill)
            else:
                path = Path(work) / f"{index:06d}-{n:05d}_{_safe(target.number)}.pdf"
                one = renderer.new_canvas(str(path))
                pages += renderer.draw(one, bill)
                one.save()
                files.append(str(path))
            printed += 1
        if single and printed:
            canvas.save()
            files.append(str(path))
        return {"printed": printed, "pages": pages, "skipped": skipped, "files": files}
    except ValidationFailed as exc:
        return {"error": ([(p.path, p.reason) for p in exc.problems], exc.title, str(exc), exc.exit_code)}
    except BcenterError as exc:  # the message and the exit code cross the process boundary, not the object
        return {"error": (None, None, str(exc), exc.exit_code)}


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _finish_pdf(parts: list[str], work: Path, out: Path) -> Path:
    """Join the parts into ``out`` atomically (an empty batch writes no file)."""
    if not parts:
        return out
    if len(parts) == 1:
        joined = Path(parts[0])
    else:
        from pypdf import PdfWriter

        writer = PdfWriter()
        for part in parts:
            writer.append(part)
        writer.add_metadata({"/Title": "Платёжные документы", "/Producer": "bcenter"})
        joined = work / "joined.pdf"
        with open(joined, "wb") as fh:
            writer.write(fh)
    os.replace(joined, out)
    return out


def _finish_folder(parts: list[str], out: Path) -> list[Path]:
    """Move the files into ``out`` under their final names: «0001_1000010015.pdf» (delivery order)."""
    final = []
    width = max(4, len(str(len(parts))))
    for seq, part in enumerate(parts, start=1):
        name = Path(part).name.split("_", 1)[1]
        target = out / f"{seq:0{width}d}_{name}"
        os.replace(part, target)
        final.append(target)
    return final
