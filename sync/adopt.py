"""A new site from a copy of the centre's database: its own identity, nothing of the centre's to push.

A site starts as a copy of the centre's SQLite file (same keys everywhere: the registry, the law tables, the
ledger). ``adopt`` gives the copy an identity of its own — a new site id and code, its ``site`` row written as its
first unit to push — marks the centre's rows in its outbox as not its own to push (the push chain begins after
them: the ``--after-seq`` of the enrolment) and clears what belonged to the copied database's sync (server, secret,
cursors: the first pull goes through the centre's log from the start, every op an upsert, so the rows the copy has
are taken again unchanged).
"""
from __future__ import annotations

import platform
import re
from dataclasses import dataclass

import peewee as pw

from bcenter.core.ids import uuid7
from db.context import bound
from db.models import LocalSetting, Site, SyncCursor
from db.uow import UnitOfWork, local_site_id
from sync.push import acknowledge

KINDS = ("office", "kiosk", "tablet")


@dataclass(frozen=True)
class Adopted:
    site_id: str
    code: str
    previous_site_id: str | None
    after_seq: int  # the enrolment's --after-seq: the site's own units begin after it


def adopt(db: pw.Database, *, code: str, kind: str, name: str | None = None, actor: str | None = None) -> Adopted:
    """Give this copy its own identity (``ValueError`` for a code or kind refused)."""
    code = code.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", code):
        raise ValueError(f"--code: «{code}» — латинские буквы, цифры, «-» и «_», до 16 знаков (K1, T1, O2)")
    if kind not in KINDS:
        raise ValueError(f"--kind: «{kind}» — {', '.join(KINDS)}")
    previous = local_site_id(db)
    with bound(db):
        taken = Site.select().where(Site.code == code).exists()
    if taken:
        raise ValueError(f"Код {code} уже занят другим рабочим местом этой базы: выберите другой")
    site_id = uuid7()
    with db.atomic(), bound(db):
        after = int(db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0])
        for key, value in (("site_id", site_id), ("site_code", code)):
            LocalSetting.insert(key=key, value=value).on_conflict(
                conflict_target=[LocalSetting.key], update={LocalSetting.value: value}).execute()
        LocalSetting.delete().where(LocalSetting.key.in_(["sync.server", "sync.secret"])).execute()
        SyncCursor.delete().execute()
        acknowledge(db, after)
    with UnitOfWork(action="sync.adopt", actor=actor, site_id=site_id, db=db,
                    details={"previous_site": previous}) as uow:
        uow.insert(Site, id=site_id, code=code, name=name or platform.node() or code, kind=kind, enrolled_at=None)
    return Adopted(site_id, code, previous, after)


__all__ = ["KINDS", "Adopted", "adopt"]
