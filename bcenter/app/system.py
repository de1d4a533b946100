"""The database itself: identity and law tables (``init``), what it holds (``info``), backups."""
from __future__ import annotations

from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.modules.registry.service import DatabaseInfo, InitResult, initialize, is_initialized, summary
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

    @use_case(P.SYSTEM_SETUP, "восстановление из копии", writes=True)
    def restore(self, source: Path) -> None:
        """Replace the database's content with a backup (checked first), then bring its schema up to date."""
        restore_sqlite(self.db, source)
