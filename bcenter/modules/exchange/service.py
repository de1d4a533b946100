"""Use cases of the exchange module: import a file, export a file (EXCHANGE.md).

Import is all-or-nothing in one unit of work (domain rows + outbox + audit); a broken file is reported
with the place and the reason and leaves the database as it was. A file is read as a stream, array by array
(``reader.FileDocument``): a city's document is never held in memory whole.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import peewee as pw

from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.jobs import Job
from bcenter.modules.exchange.exporter import Exporter
from bcenter.modules.exchange.importer import import_document
from bcenter.modules.exchange.reader import FileDocument
from bcenter.modules.exchange.result import ImportResult
from db.uow import UnitOfWork


def import_file(path: Path | str, *, db: pw.Database, actor: str | None = None, job: Job | None = None,
                today: date | None = None) -> ImportResult:
    """Import a file; ``job`` counts objects checked and rows written, and may stop the import at any of them
    (one transaction: a stopped import writes nothing)."""
    path = Path(path)
    progress = total = None
    if job is not None:
        total = job.total

        def progress(n: int) -> None:
            job.advance(n)
            job.check()
    with UnitOfWork(action="exchange.import", actor=actor, details={"file": path.name}, db=db) as uow:
        result = import_document(FileDocument(path), db=db, uow=uow, progress=progress, today=today, total=total)
        uow.note(unchanged=dict(result.unchanged), updated=result.updated)
    return result


def import_data(doc: Any, *, db: pw.Database, actor: str | None = None, action: str = "exchange.import",
                today: date | None = None) -> ImportResult:
    with UnitOfWork(action=action, actor=actor, db=db) as uow:
        return import_document(doc, db=db, uow=uow, today=today)


def export_file(path: Path | str, *, db: pw.Database, mask_personal_data: bool = False, hide_names: bool = False,
                job: Job | None = None) -> Mapping[str, int]:
    """Write the database as an exchange document; written to a temporary file first, then renamed (a stopped
    export leaves no file). ``hide_names``: persons as pseudonyms (``Exporter``)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    progress = None
    if job is not None:
        def progress(_section: str, n: int) -> None:
            job.advance(n)
            job.check()
    try:
        with db.atomic():  # one consistent snapshot
            with open(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
                counts = Exporter(db, mask_personal_data=mask_personal_data, hide_names=hide_names).write(
                    out, progress=progress)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationFailed([Problem(str(path), f"файл не записан: {exc.strerror or exc}")],
                               title="Выгрузка не выполнена") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return counts


def export_document(*, db: pw.Database, mask_personal_data: bool = False) -> dict:
    with db.atomic():
        return Exporter(db, mask_personal_data=mask_personal_data).document()
