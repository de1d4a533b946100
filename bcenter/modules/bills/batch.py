"""Printing bills in batches: one PDF, or a file per account in a folder, in delivery order, on every core.

* The recipients' bank details are checked first (every supplier, every field at once): a batch with a bad detail
  prints nothing.
* Accounts are cut into chunks of whole houses in delivery order (house, entrance, flat). With more than one
  worker and at least ``MIN_ACCOUNTS_FOR_WORKERS`` accounts, spawned processes draw the chunks (each opens the
  database itself); the calling process collects them in order.
* Nothing half-written: everything is drawn into a hidden folder beside the target and moved into place only when
  the whole batch succeeded — one ``os.replace`` for a PDF, a rename per file for a folder. On any error the hidden
  folder is removed and the target is as it was.
* A single PDF from several chunks is joined with pikepdf (qpdf, C++): the pages and their compressed streams are
  copied, not drawn again nor decoded, into one array of the page tree (``_join_pages``: linear in the pages, where
  ``pages.extend`` part after part was quadratic). qpdf holds what it copies — about twice the file in the joining
  process (2.4 GB for the 100 000-account town's 1.17 GB of bills, 2026-12-04); a folder output joins nothing.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import peewee as pw

from bcenter.core.errors import BcenterError, Problem, UsageError, ValidationFailed
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.modules.bills.gather import BillSource
from bcenter.modules.bills.model import KINDS
from bcenter.modules.bills.render import Renderer
from bcenter.modules.processes import pooled
from db.connection import open_database

MIN_ACCOUNTS_FOR_WORKERS = 300
CHUNK_ACCOUNTS = 150


@dataclass(frozen=True)
class BillRequest:
    """What to print (picklable: it travels to the worker processes)."""

    url: str
    period: str
    kind: str = "monthly"
    months: int = 3
    as_of: str | None = None
    issued: str | None = None
    """The print day (ISO): the date of issue of an open month's bills (a closed month's is its close day)."""


@dataclass(frozen=True)
class BatchResult:
    """Bills printed, accounts skipped (nothing to show), pages, the files written (in delivery order)."""

    printed: int
    pages: int
    files: tuple[Path, ...]
    skipped_accounts: tuple[str, ...]

    @property
    def skipped(self) -> int:
        return len(self.skipped_accounts)


def print_bills(db: pw.Database, request: BillRequest, *, out: Path, house: str | None = None,
                account: str | None = None, workers: int = 1, job: Job | None = None) -> BatchResult:
    """Print the bills of ``request`` into ``out`` (``*.pdf`` — one file; anything else — a folder of files).
    ``job`` counts accounts done and may stop the batch between chunks: nothing is written then."""
    if request.kind not in KINDS:
        raise UsageError(f"--kind: {request.kind} (допустимы {', '.join(KINDS)})")
    if request.kind == "advance" and not 1 <= request.months <= 36:
        raise UsageError(f"--months: от 1 до 36, получено {request.months}")
    single = out.suffix.lower() == ".pdf"
    _clean_leftovers(out.parent if single else out, out.name)
    if single and out.is_dir():
        raise UsageError(f"{out}: это каталог, а ожидается файл .pdf")
    if not single and out.exists() and not out.is_dir():
        raise UsageError(f"{out}: файл уже существует, а ожидается каталог (или укажите имя .pdf)")
    if not single and out.is_dir() and any(out.iterdir()):
        raise UsageError(f"{out}: каталог не пуст — счета кладутся в новый или пустой каталог "
                         "(чужие файлы не перезаписываются и не удаляются)")
    source = _source(db, request)
    source.check_recipients()
    targets = source.targets(house=house, account=account)
    source.check_ready(targets)
    if job is not None:
        job.total(len(targets))
    chunks = _chunks(targets)
    parent = out.parent if single else out
    created = next((p for p in reversed([parent, *parent.parents]) if not p.exists()), None)
    try:  # a path through a file, a read-only or vanished disk: the user's --out, said so — not an internal error
        parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-{os.getpid()}-", dir=parent))  # 0700
    except OSError as exc:
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        why = {errno.EEXIST: "на пути к нему файл, а не каталог", errno.ENOTDIR: "на пути к нему файл, а не каталог",
               errno.EACCES: "нет прав на запись", errno.EPERM: "нет прав на запись",
               errno.EROFS: "диск только для чтения"}.get(exc.errno, exc.strerror or str(exc))
        raise UsageError(f"--out {out}: каталог {parent} не создан или недоступен для записи: {why}") from None
    files: list[Path] = []
    done = False
    try:
        tasks = [(request, i, chunk, str(work), single) for i, chunk in enumerate(chunks)]
        if workers > 1 and len(targets) >= MIN_ACCOUNTS_FOR_WORKERS and len(chunks) > 1:
            drawn = pooled(_draw_chunk, tasks, workers=min(workers, len(chunks)))
        else:
            drawn = (_draw_chunk(task, source=source) for task in tasks)
        try:
            outcomes = _collect(drawn, job)
        finally:
            drawn.close()
        if job is not None:
            job.check()  # the last chance to stop: nothing is in place yet
        printed, pages, skipped, parts = 0, 0, [], []
        for part in outcomes:
            printed += part["printed"]
            pages += part["pages"]
            skipped += part["skipped"]
            parts += part["files"]
        if single:
            files = [_finish_pdf(parts, work, out)] if parts else []
        else:
            files = _finish_folder(parts, out)
        done = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if created is not None and (not done or not files):
            shutil.rmtree(created, ignore_errors=True)  # the folders this run made, nothing else
    return BatchResult(printed, pages, tuple(files), tuple(skipped))


def _source(db: pw.Database, request: BillRequest) -> BillSource:
    return BillSource(db, Period.parse(request.period), kind=request.kind, months=request.months,
                      as_of=date.fromisoformat(request.as_of) if request.as_of else None,
                      issued=date.fromisoformat(request.issued) if request.issued else None)


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


def _collect(outcomes, job: Job | None) -> list[dict]:
    done = []
    for outcome in outcomes:
        if job is not None:
            job.check()
        if "error" in outcome:
            problems, title, message, code = outcome["error"]
            if problems:
                raise ValidationFailed([Problem(p, r) for p, r in problems], title=title)
            error = BcenterError(message)
            error.exit_code = code
            raise error
        if job is not None:
            job.advance(outcome["printed"] + len(outcome["skipped"]))
        done.append(outcome)
    return done


_PROCESS: dict = {}


def _draw_chunk(task, source=None) -> dict:
    """Draw one chunk (in a worker or in the calling process); errors come back as data, not exceptions, so a
    worker's message reaches the user whole."""
    request, index, targets, work, single = task
    try:
        if source is None:
            if _PROCESS.get("request") != request:
                _PROCESS.update(request=request, source=_source(open_database(request.url, migrate=False), request))
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
    """Join the parts into ``out`` atomically (an empty batch writes no file). The joined file's /ID is computed
    from its content (``deterministic_id``), so a reprint is byte for byte the same."""
    if not parts:
        return out
    if len(parts) == 1:
        joined = Path(parts[0])
    else:
        import pikepdf  # only when joining

        joined = work / "joined.pdf"
        sources = []
        try:
            with pikepdf.Pdf.new() as pdf:
                _join_pages(pdf, parts, sources)
                pdf.docinfo["/Title"] = "Платёжные документы"
                pdf.docinfo["/Producer"] = "bcenter"
                pdf.save(joined, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                         object_stream_mode=pikepdf.ObjectStreamMode.disable, deterministic_id=True)
        finally:
            for source in sources:
                source.close()
    os.chmod(joined, 0o600)  # bills carry names and addresses: their owner's only
    os.replace(joined, out)
    return out


_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
"""What a page may take from its page-tree node (PDF 32000 §7.7.3.4)."""


def _join_pages(pdf, parts: list[str], sources: list) -> None:
    """Every page of the parts, in order, as the new document's one page-tree node's kids. ``pages.extend`` took
    time in proportion to the pages already there at each call — 80 parts of 195 pages 13 s, a city's 650 parts
    most of the batch's quarter hour (2026-12-04); the pages copied into one array take 0.6 s for those 80. Parts
    whose page tree hands attributes down to its pages (not reportlab's: each page carries its own) are joined the
    slow, careful way."""
    import pikepdf

    for part in parts:
        sources.append(pikepdf.Pdf.open(part))  # read lazily: their objects are copied while saving
    if any(key in source.Root.Pages for source in sources for key in _INHERITED):
        for source in sources:
            pdf.pages.extend(source.pages)
        return
    root = pdf.Root.Pages
    kids = []
    for source in sources:
        for page in source.pages:
            copied = pdf.copy_foreign(page.obj)
            copied.Parent = root
            kids.append(copied)
    root.Kids, root.Count = pikepdf.Array(kids), len(kids)


def _clean_leftovers(parent: Path, name: str) -> None:
    """Remove the hidden work folders a killed run left (``.<name>.partial-<pid>-…`` of a process that is gone):
    otherwise a rerun into the same folder would find it not empty."""
    if not parent.is_dir():
        return
    for leftover in parent.glob(f".{name}.partial-*"):
        pid = leftover.name.rsplit(".partial-", 1)[1].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows cannot be asked this way: leave the folder alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or a system that cannot tell: leave its folder alone
    return True


def _finish_folder(parts: list[str], out: Path) -> list[Path]:
    """Move the files into ``out`` under their final names: «0001_1000010015.pdf» (delivery order)."""
    final = []
    width = max(4, len(str(len(parts))))
    for seq, part in enumerate(parts, start=1):
        name = Path(part).name.split("_", 1)[1]
        target = out / f"{seq:0{width}d}_{name}"
        os.chmod(part, 0o600)
        os.replace(part, target)
        final.append(target)
    return final
