"""The database itself: identity and law tables (``init``), what it holds (``info``), backups, the move of a SQLite
database whole into PostgreSQL (``copy_to``)."""
from __future__ import annotations

import tempfile
from pathlib import Path

import peewee as pw

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.errors import ConfigError
from bcenter.modules.registry.service import (DatabaseInfo, InitResult, initialize, is_initialized, safe_url,
                                              summary)
from db.backup import backup_sqlite, restore_sqlite


class SystemCases(UseCases):
    @use_case(P.SYSTEM_SETUP, "инициализация базы", writes=True)
    def init(self, *, site_code: str | None = None, site_kind: str = "office") -> InitResult:
        """Create or update the database: schema, this site's identity, the built-in law tables."""
        return initialize(self.db, site_code=site_code, site_kind=site_kind, actor=self.app.actor.user)

    def ensure_initialized(self) -> None:
        """Give a fresh database its identity before the first job that writes (what ``init`` does, once) — part of
        that job, so it needs no permission of its own."""
        if not is_initialized(self.db):
            initialize(self.db, actor=self.app.actor.user)

    @use_case(P.SYSTEM_INFO, "сведения о базе")
    def info(self) -> DatabaseInfo:
        return summary(self.db, url=self.app.url)

    @use_case(P.SYSTEM_SETUP, "резервная копия")
    def backup(self, target: Path) -> int:
        """Copy the live SQLite database into ``target``; returns its pages."""
        return backup_sqlite(self.db, target)

    @use_case(P.SYSTEM_SETUP, "перенос базы в PostgreSQL")
    def copy_to(self, url: str) -> DatabaseInfo:
        """Copy this SQLite database whole — the registry, the facts, every posted month, closed ones included, the
        outbox and the audit — into the empty PostgreSQL database at ``url`` (an office that outgrows its laptop):
        a consistent online copy of the file first (the backup API), then every row in one transaction
        (``db.transfer``). What is written to the file after its copy stays there: the office stops work for the
        move. The exchange document carries no posted months: it is for other systems. Returns what the new database
        holds."""
        from db.backup import _require_sqlite
        from db.connection import make_database
        from db.dialect import is_postgres
        from db.transfer import copy_sqlite_to_postgres, require_empty

        _require_sqlite(self.db)
        if not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(f"Переносить базу можно только в PostgreSQL (postgresql://…), а не в {safe_url(url)}")
        target = make_database(url)
        target.connect()
        try:
            assert is_postgres(target)
            require_empty(target, safe_url(url))
            with tempfile.TemporaryDirectory(prefix="bcenter-copy-") as folder:
                snapshot = Path(folder) / "copy.db"
                backup_sqlite(self.db, snapshot)
                try:
                    copy_sqlite_to_postgres(snapshot, target)
                except pw.DatabaseError as exc:  # the schema is made before the copy's transaction: it stays
                    raise ConfigError(f"Перенос в {safe_url(url)} не удался: {exc}. Строки не скопированы, но "
                                      "таблицы в базе назначения могли остаться — удалите её и создайте заново "
                                      "(dropdb, createdb), затем повторите") from exc
            return summary(target, url=url)
        finally:
            target.close()

    @use_case(P.SYSTEM_SETUP, "восстановление из копии", writes=True)
    def restore(self, source: Path) -> None:
        """Replace the database's content with a backup (checked first), then bring its schema up to date."""
        restore_sqlite(self.db, source)
