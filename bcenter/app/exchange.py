"""The exchange format (EXCHANGE.md): import and export."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.core.jobs import Job
from bcenter.modules.exchange.result import ImportResult
from bcenter.modules.exchange.service import export_file, import_file
from db.uow import UnitOfWork


class ExchangeCases(UseCases):
    @use_case(P.EXCHANGE_IMPORT, "импорт документа", writes=True)
    def import_file(self, path: Path, *, job: Job | None = None) -> ImportResult:
        """All or nothing: every problem of the document listed, nothing written on any."""
        self.app.system.ensure_initialized()
        return import_file(path, db=self.db, actor=self.app.actor.user, job=job, today=self.app.clock.today())

    @use_case(P.EXCHANGE_EXPORT, "выгрузка документа")
    def export_file(self, path: Path, *, mask_personal_data: bool = True, job: Job | None = None
                    ) -> Mapping[str, int]:
        """The database as an exchange document; personal data (documents, СНИЛС, phones, e-mail) unmasked only for
        a role allowed to export it. Who lives where under which name is what the passport desk's cards show
        (``PASSPORT_READ``): a role that may not read them (an accountant, an analyst) gets persons as pseudonyms —
        the same document without names, relations and absence documents, the residents still counted."""
        if not mask_personal_data:
            self.app.actor.require(P.PERSONAL_DATA_EXPORT, "выгрузка без маскирования персональных данных")
        hide_names = not self.app.actor.may(P.PASSPORT_READ)
        counts = export_file(path, db=self.db, mask_personal_data=mask_personal_data, hide_names=hide_names, job=job)
        if not mask_personal_data and counts.get("persons"):  # personal data left the database: who, when, where to
            with UnitOfWork(action="exchange.export.personal_data", db=self.db, actor=self.app.actor.user) as uow:
                uow.viewed("person", [], file=str(path), persons=counts["persons"])
        return counts
