"""Use cases of the registry: initialise a database, build the demo town, summarise what it holds."""
from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Callable

import peewee as pw

from bcenter.core.ids import uuid7
from bcenter.modules.registry.law import load_law_tables
from db.dialect import is_postgres
from db.migrations import current_version
from db.models import LocalSetting, Site
from db.uow import UnitOfWork, utc_now_iso

INFO_TABLES = (
    ("organization", "организация"), ("supplier", "поставщики"), ("service", "услуги"), ("tariff", "тарифы"),
    ("norm", "нормативы"), ("house", "дома"), ("premises", "помещения"), ("person", "граждане"),
    ("account", "лицевые счета"), ("registration", "регистрации"), ("ownership", "права собственности"),
    ("meter", "приборы учёта"), ("meter_reading", "показания ИПУ"), ("house_reading", "показания ОДПУ"),
    ("absence", "временные отсутствия"), ("quality_event", "акты о качестве"), ("payment", "платежи"),
    ("opening_balance", "входящие сальдо"), ("journal_entry", "проводки"), ("outbox", "очередь синхронизации"),
)


def initialize(db: pw.Database, *, site_code: str | None = None, site_kind: str = "office",
               actor: str | None = None) -> dict:
    """Give the database its site identity and load the built-in law tables (idempotent)."""
    result = {"site_code": None, "law_rows": {}}
    existing = LocalSetting.get_or_none(LocalSetting.key == "site_id")
    if existing is None:
        code = site_code or default_site_code()
        site_id = uuid7()
        with db.atomic():
            LocalSetting.insert(key="site_id", value=site_id).execute()
            LocalSetting.insert(key="site_code", value=code).execute()
        with UnitOfWork(action="registry.init", actor=actor, site_id=site_id, db=db) as uow:
            uow.insert(Site, id=site_id, code=code, name=platform.node() or code, kind=site_kind,
                       enrolled_at=None)
            result["law_rows"] = load_law_tables(uow)
        result["site_code"] = code
    else:
        result["site_code"] = LocalSetting.get(LocalSetting.key == "site_code").value
        with UnitOfWork(action="registry.law_update", actor=actor, db=db) as uow:
            result["law_rows"] = load_law_tables(uow)
    return result


def default_site_code() -> str:
    return os.environ.get("BCENTER_SITE_CODE", "S01")


def summary(db: pw.Database, *, url: str) -> dict:
    """Counts, periods covered, size and schema version: what ``bcenter info`` prints."""
    counts = {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table, _ in INFO_TABLES}

    def span(sql: str):
        row = db.execute_sql(sql).fetchone()
        return [None if v is None else str(v)[:10] for v in row] if row else [None, None]

    periods = {
        "readings": span('SELECT MIN(date), MAX(date) FROM "meter_reading"'),
        "payments": span('SELECT MIN(paid_on), MAX(paid_on) FROM "payment"'),
        "tariffs": span('SELECT MIN(valid_from), MAX(valid_from) FROM "tariff"'),
    }
    states = {state: n for state, n in db.execute_sql('SELECT state, COUNT(*) FROM "billing_period" GROUP BY state')}
    payments_total = db.execute_sql('SELECT COALESCE(SUM(amount), 0) FROM "payment"').fetchone()[0]
    houses = db.execute_sql('SELECT city, COUNT(*) FROM "house" GROUP BY city ORDER BY COUNT(*) DESC').fetchall()
    site = {row.key: row.value for row in LocalSetting.select()}
    if is_postgres(db):
        size = db.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0]
    else:
        path = db.database
        size = sum(Path(p).stat().st_size for p in (path, f"{path}-wal") if Path(p).exists()) if path != ":memory:" else 0
    return {"database": _safe_url(url), "schema_version": current_version(db), "site_code": site.get("site_code"),
            "counts": counts, "periods": periods, "billing_periods": states, "payments_total_kop": int(payments_total),
            "towns": [{"city": c, "houses": n} for c, n in houses], "size_bytes": int(size)}


def _safe_url(url: str) -> str:
    """The URL without a password."""
    from urllib.parse import urlparse

    parts = urlparse(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def build_demo(db: pw.Database, *, accounts: int, seed: int, until: str, actor: str | None = None,
               progress: Callable[[int], None] | None = None) -> dict:
    """Generate the demo town house by house and import it through the exchange path (one unit per house)."""
    from bcenter.modules.exchange.importer import Importer
    from db.demo import generate_town

    totals: dict[str, int] = {}
    unchanged = 0
    for doc in generate_town(accounts=accounts, seed=seed, until=until):
        with UnitOfWork(action="registry.demo", actor=actor, db=db, details={"seed": seed}) as uow:
            result = Importer(db, uow).run(doc)
        for table, n in result.inserted.items():
            totals[table] = totals.get(table, 0) + n
        unchanged += sum(result.unchanged.values())
        if progress:
            progress(len(doc.get("accounts", ())))
    return {"inserted": totals, "unchanged": unchanged, "finished_at": utc_now_iso()}


def build_demo_ledger(db: pw.Database, *, until: str, workers: int = 1, url: str | None = None,
                      progress: Callable[[str], None] | None = None) -> list[str]:
    """The demo town's months as an office would have them: every month of the history calculated and closed in
    turn (balances, penalties), the last one calculated and left open. Returns the periods closed.

    Without it the town has fourteen months of payments and one month of charges: its money would all look paid
    ahead (an advance) and its bills would ask for nothing.
    """
    from bcenter.core.errors import BcenterError
    from bcenter.core.period import Period
    from bcenter.modules.registry import periods
    from bcenter.modules.registry.closing import close_period
    from bcenter.modules.registry.month import run_month
    from db.demo.calendar import HISTORY_MONTHS

    last = Period.parse(until)
    closed = []
    for period in Period.range(last - (HISTORY_MONTHS - 1), last + 1):
        if periods.is_closed(period):
            continue
        result = run_month(db, period, workers=workers, url=url)
        if result.failed:
            raise BcenterError(f"Демо-город: период {period} рассчитан не полностью — домов с ошибками "
                               f"{len(result.failed)}")
        if period < last:
            close_period(db, period, workers=workers, url=url)
            closed.append(str(period))
        if progress:
            progress(str(period))
    return closed
