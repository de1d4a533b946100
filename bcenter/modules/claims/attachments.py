"""Files attached to a request (a photo of the leak, a scan of the resident's letter): kept beside the database —
``<database>-files/claims/`` for SQLite, ``$BCENTER_FILES`` (else the user's data directory) for PostgreSQL — under
their SHA-256 (the same file twice is stored once), checked by size (≤ 10 MB) and by their first bytes (PDF, JPEG,
PNG: what a scanner and a phone make; the name's extension proves nothing). The request's history names each."""
from __future__ import annotations

import hashlib
import os
import shutil
from datetime import datetime
from pathlib import Path

import peewee as pw

from bcenter.core.errors import Problem, ValidationFailed
from bcenter.modules.claims.acts import MSK
from db.dialect import is_postgres
from db.models import ClaimEvent
from db.uow import UnitOfWork

LIMIT = 10 * 1024 * 1024
SIGNATURES = ((b"%PDF-", ".pdf"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"))


def folder(db: pw.Database) -> Path:
    if is_postgres(db):
        base = os.environ.get("BCENTER_FILES")
        if not base:
            import platformdirs

            base = str(Path(platformdirs.user_data_dir("bcenter")) / "files")
        return Path(base) / "claims"
    database = Path(db.database)
    return database.with_name(database.name + "-files") / "claims"


def attach(uow: UnitOfWork, db: pw.Database, claim_id: str, state: str, source: Path, *, actor: str,
           now: datetime) -> Path:
    """Check and keep ``source`` for the request; returns where it is kept."""
    where = str(source)
    if not source.is_file():
        raise ValidationFailed([Problem(where, "файла нет")], title="Вложение не принято")
    size = source.stat().st_size
    if size > LIMIT:
        raise ValidationFailed([Problem(where, f"файл {size // 1024} КБ — больше {LIMIT // (1024 * 1024)} МБ")],
                               title="Вложение не принято")
    with source.open("rb") as f:
        head = f.read(16)
    suffix = next((s for magic, s in SIGNATURES if head.startswith(magic)), None)
    if suffix is None:
        raise ValidationFailed([Problem(where, "принимаются PDF, JPEG и PNG (по содержимому файла, не по имени)")],
                               title="Вложение не принято")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    target = folder(db) / f"{digest}{suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        temporary = target.with_suffix(".part")
        shutil.copyfile(source, temporary)
        temporary.replace(target)
    uow.insert(ClaimEvent, claim=claim_id, at=now.astimezone(MSK).isoformat(), actor=actor, state=state,
               note=f"вложение: {source.name} ({max(1, size // 1024)} КБ) — {target.name}")
    return target
