"""Use cases of the database itself: give it a site identity and the law tables (``init``), say what it holds
(``info``)."""
from __future__ import annotations

import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import peewee as pw

from bcenter.core.ids import uuid7
from bcenter.core.vocabulary import TABLE_NAMES
from bcenter.modules.registry.law import load_law_tables
from db.connection import shown_url
from db.context import bound
from db.dialect import is_postgres
from db.migrations import current_version
from db.models import LocalSetting, Site
from db.queries import load_settings
from db.uow import UnitOfWork

__all__ = ["DatabaseInfo", "InitResult", "Town", "default_site_code", "initialize", "is_initialized",
           "safe_url", "summary"]



@dataclass(frozen=True, slots=True)
class InitResult:
    """The database's site code, whether the identity was created now, and the law rows added per table."""

    site_code: str
    created: bool
    law_rows: Mapping[str, int]


def is_initialized(db: pw.Database) -> bool:
    return db.execute_sql("SELECT 1 FROM local_setting WHERE key = 'site_id'").fetchone() is not None


def initialize(db: pw.Database, *, site_code: str | None = None, site_kind: str = "office",
               actor: str | None = None) -> InitResult:
    """Give the database its site identity and load the built-in law tables (idempotent); the stored settings
    are checked (``bcenter.core.settings``) — a value outside the allowed ones stops here, named."""
    with bound(db):  # the queries are built for this database (RETURNING or not), whatever the default one is
        return _initialize(db, site_code=site_code, site_kind=site_kind, actor=actor)


def _initialize(db: pw.Database, *, site_code: str | None, site_kind: str, actor: str | None) -> InitResult:
    load_settings(db)
    existing = LocalSetting.select().where(LocalSetting.key == "site_id").first(db)
    if existing is None:
        code = site_code or default_site_code()
        site_id = uuid7()
        with db.atomic():
            LocalSetting.insert(key="site_id", value=site_id).execute(db)
            LocalSetting.insert(key="site_code", value=code).execute(db)
        with UnitOfWork(action="registry.init", actor=actor, site_id=site_id, db=db) as uow:
            uow.insert(Site, id=site_id, code=code, name=platform.node() or code, kind=site_kind,
                       enrolled_at=None)
            law_rows = load_law_tables(uow)
        return InitResult(code, True, law_rows)
    code = LocalSetting.select().where(LocalSetting.key == "site_code").get(db).value
    with UnitOfWork(action="registry.law_update", actor=actor, db=db) as uow:
        law_rows = load_law_tables(uow)
    return InitResult(code, False, law_rows)


def default_site_code() -> str:
    return os.environ.get("BCENTER_SITE_CODE", "S01")


@dataclass(frozen=True, slots=True)
class Town:
    city: str
    houses: int


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """What ``bcenter info`` shows: the database (URL without its password), schema version, this site's code,
    row counts of the tables ``TABLE_NAMES`` names, the dates the readings, payments and tariffs span, billing periods by state,
    the sum of payments (kopecks), towns, and the size on disk (bytes)."""

    database: str
    schema_version: int
    site_code: str | None
    counts: Mapping[str, int]
    periods: Mapping[str, tuple[date | None, date | None]]
    billing_periods: Mapping[str, int]
    payments_total_kop: int
    towns: tuple[Town, ...]
    size_bytes: int


def _day(value) -> date | None:
    return None if value is None else date.fromisoformat(str(value)[:10])


def summary(db: pw.Database, *, url: str) -> DatabaseInfo:
    """Counts, periods covered, size and schema version."""
    counts = {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in TABLE_NAMES}

    def span(sql: str) -> tuple[date | None, date | None]:
        row = db.execute_sql(sql).fetchone()
        return (_day(row[0]), _day(row[1])) if row else (None, None)

    periods = {
        "readings": span('SELECT MIN(date), MAX(date) FROM "meter_reading"'),
        "payments": span('SELECT MIN(paid_on), MAX(paid_on) FROM "payment"'),
        "tariffs": span('SELECT MIN(valid_from), MAX(valid_from) FROM "tariff"'),
    }
    states = {state: n for state, n in db.execute_sql('SELECT state, COUNT(*) FROM "billing_period" GROUP BY state')}
    payments_total = db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "payment"').fetchone()[0]
    houses = db.execute_sql('SELECT city, COUNT(*) FROM "house" GROUP BY city ORDER BY COUNT(*) DESC').fetchall()
    site = {key: value for key, value in db.execute_sql("SELECT key, value FROM local_setting")}
    if is_postgres(db):
        size = db.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0]
    else:
        path = db.database
        size = sum(Path(p).stat().st_size for p in (path, f"{path}-wal") if Path(p).exists()) if path != ":memory:" else 0
    return DatabaseInfo(safe_url(url), current_version(db), site.get("site_code"), counts, periods, states,
                        int(payments_total), tuple(Town(c, n) for c, n in houses), int(size))


safe_url = shown_url
"""The URL without a password (``db.connection.shown_url``)."""
