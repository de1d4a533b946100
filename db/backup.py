"""Backups of a SQLite database with the online backup API (ARCHITECTURE.md §8).

The backup runs while the database is in use and yields a consistent copy; a restore checks that the
file is a bcenter database and copies it over the current one page by page, in one step.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee as pw

from bcenter.core.errors import ConfigError, ValidationFailed, Problem
from db.dialect import is_postgres


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
    """Refuse a file that is not a bcenter SQLite database."""
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            version = conn.execute("SELECT MAX(version) FROM schema_migration").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationFailed([Problem(str(source), f"не база bcenter: {exc}")], title="Восстановление отменено")
    if not ok or version is None:
        raise ValidationFailed([Problem(str(source), "файл повреждён или не является базой bcenter")],
                               title="Восстановление отменено")


def restore_sqlite(db: pw.Database, source: Path) -> None:
    """Replace the current database's content with the backup `source`, then bring its schema up to date."""
    _require_sqlite(db)
    check_backup_file(Path(source))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        src.backup(db.connection())
    finally:
        src.close()
    from db.migrations import migrate

    migrate(db)
