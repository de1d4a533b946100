"""Backups of a SQLite database with the online backup API (ARCHITECTURE.md §8).

The backup runs while the database is in use and yields a consistent copy; a restore checks that the
file is a bcenter database and copies it over the current one page by page, in one step.
"""
from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import peewee as pw

from bcenter.core.errors import ConfigError, ValidationFailed, Problem
from db.connection import APPLICATION_ID, stamp_identity
from db.dialect import is_postgres
from db.migrations import LATEST, migrate


def _require_sqlite(db: pw.Database) -> None:
    if is_postgres(db):
        raise ConfigError("Резервное копирование PostgreSQL делается средствами сервера (pg_dump / pg_basebackup).")


def backup_sqlite(db: pw.Database, target: Path) -> int:
    """Copy the live database into `target` (replaced if it exists); returns the page count."""
    _require_sqlite(db)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))  # a copy of personal data: its owner's only
    dest = sqlite3.connect(tmp)
    try:
        db.connection().backup(dest)
        pages = dest.execute("PRAGMA page_count").fetchone()[0]
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
    tmp.replace(target)
    return pages


def check_backup_file(source: Path) -> None:
    """Refuse a file that is not a whole bcenter SQLite database this version can read: damaged, another program's
    (another application id, or no bcenter schema), or of a newer schema."""
    try:
        conn = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            version = conn.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0] \
                if "schema_migration" in tables else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationFailed([Problem(str(source), f"не база bcenter: {exc}")], title="Восстановление отменено")
    if not ok:
        raise ValidationFailed([Problem(str(source), "файл повреждён")], title="Восстановление отменено")
    if app_id not in (0, APPLICATION_ID) or version is None or not {"account", "outbox"} <= tables:
        raise ValidationFailed([Problem(str(source), "это не резервная копия базы bcenter")],
                               title="Восстановление отменено")
    if version > LATEST:
        raise ValidationFailed([Problem(str(source), f"копия сделана более новой версией bcenter (схема {version}, "
                                                     f"эта версия знает до {LATEST}): обновите bcenter")],
                               title="Восстановление отменено")


RESTORED = "restored_at"
"""``local_setting``: when this database was last restored from a backup — until its next complete pull, the site
asks the sync server for its own rows too (``sync.pull``): what it pushed after the backup was made comes back."""


def restore_sqlite(db: pw.Database, source: Path) -> None:
    """Replace the current database's content with the backup `source`, then bring its schema up to date, and mark
    it restored (``RESTORED``)."""
    _require_sqlite(db)
    check_backup_file(Path(source))
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.backup(db.connection())
    finally:
        src.close()
    migrate(db)
    stamp_identity(db)
    with db.atomic():
        db.execute_sql("INSERT INTO local_setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET "
                       "value = excluded.value",
                       (RESTORED, datetime.now(timezone.utc).isoformat(timespec="seconds")))
