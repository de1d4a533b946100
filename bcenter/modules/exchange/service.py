"""Use cases of the exchange module: import a file, export a file (EXCHANGE.md).

Import is all-or-nothing in one unit of work (domain rows + outbox + audit); a broken file is reported
with the place and the reason and leaves the database as it was.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import peewee as pw

from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.jobs import Job
from bcenter.modules.exchange.exporter import Exporter
from bcenter.modules.exchange.importer import count_objects, import_document
from bcenter.modules.exchange.result import ImportResult
from db.uow import UnitOfWork


def read_document(path: Path) -> Any:
    """Parse a JSON file; a syntax error becomes a problem naming the line and column."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ValidationFailed([Problem(str(path), f"файл не прочитан: {exc.strerror or exc}")],
                               title="Документ не импортирован") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Problem(f"{path}:байт {exc.start}", "файл не в кодировке UTF-8")],
                               title="Документ не импортирован") from None
    duplicates: list[str] = []
    try:
        return json.loads(text, object_pairs_hook=lambda pairs: _object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        raise ValidationFailed([Problem(f"{path}:{exc.lineno}:{exc.colno}", f"ошибка JSON: {_json_reason(exc.msg)}")],
                               title="Документ не импортирован") from None
    except RecursionError:
        raise ValidationFailed([Problem(str(path), "слишком глубокая вложенность JSON: это не документ обмена")],
                               title="Документ не импортирован") from None
    finally:
        if duplicates:
            raise ValidationFailed([Problem(str(path), reason) for reason in duplicates],
                                   title="Документ не импортирован")


def _object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict:
    """A JSON object whose keys must not repeat (json keeps the last silently: one of two amounts would vanish)."""
    out: dict = {}
    for key, value in pairs:
        if key in out:
            where = f" (объект с id «{out['id']}»)" if isinstance(out.get("id"), str) else ""
            duplicates.append(f"ключ «{key}» повторяется в одном объекте{where}")
        out[key] = value
    return out


_JSON_REASONS = {
    "Expecting value": "ожидается значение",
    "Expecting property name enclosed in double quotes": "имя поля должно быть в двойных кавычках",
    "Expecting ',' delimiter": "пропущена запятая",
    "Expecting ':' delimiter": "пропущено двоеточие",
    "Unterminated string starting at": "незакрытая строка",
    "Extra data": "лишние данные после конца документа",
    "Invalid control character at": "недопустимый управляющий символ",
}


def _json_reason(msg: str) -> str:
    for english, russian in _JSON_REASONS.items():
        if msg.startswith(english):
            return russian
    return msg


def import_file(path: Path | str, *, db: pw.Database, actor: str | None = None, job: Job | None = None,
                today: date | None = None) -> ImportResult:
    """Import a file; ``job`` counts objects checked and rows written, and may stop the import at any of them
    (one transaction: a stopped import writes nothing)."""
    path = Path(path)
    doc = read_document(path)
    progress = None
    if job is not None:
        job.total(2 * count_objects(doc))

        def progress(n: int) -> None:
            job.advance(n)
            job.check()
    with UnitOfWork(action="exchange.import", actor=actor, details={"file": path.name}, db=db) as uow:
        result = import_document(doc, db=db, uow=uow, progress=progress, today=today)
        uow.note(unchanged=dict(result.unchanged), updated=result.updated)
    return result


def import_data(doc: Any, *, db: pw.Database, actor: str | None = None, action: str = "exchange.import",
                today: date | None = None) -> ImportResult:
    with UnitOfWork(action=action, actor=actor, db=db) as uow:
        return import_document(doc, db=db, uow=uow, today=today)


def export_file(path: Path | str, *, db: pw.Database, mask_personal_data: bool = False,
                job: Job | None = None) -> Mapping[str, int]:
    """Write the database as an exchange document; written to a temporary file first, then renamed (a stopped
    export leaves no file)."""
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
                counts = Exporter(db, mask_personal_data=mask_personal_data).write(out, progress=progress)
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
