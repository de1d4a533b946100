"""Versioned, forward-only migrations (in the spirit of sqlite-utils' migrations.py).

Each step has a number and a name and runs once, in its own transaction, recorded in
``schema_migration``. Step 1 is the frozen DDL of the first schema, one file per dialect
(``0001_initial.<dialect>.sql``), so that later model changes never alter what step 1 does: a model
change ships with a new step, and `tests/db/test_migrations.py` fails when models and migrations
disagree.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import peewee as pw

from db.dialect import is_postgres

HERE = Path(__file__).parent


def dialect(db: pw.Database) -> str:
    return "postgresql" if is_postgres(db) else "sqlite"


def _sql_file(name: str) -> Callable[[pw.Database], None]:
    def apply(db: pw.Database) -> None:
        text = (HERE / f"{name}.{dialect(db)}.sql").read_text(encoding="utf-8")
        for statement in split_sql(text):
            db.execute_sql(statement)

    apply.__doc__ = f"Runs {name}.<dialect>.sql"
    return apply


def _python_step(module: str) -> Callable[[pw.Database], None]:
    """A step written in Python (``db/migrations/<module>.py``: ``apply(db)``, and ``FOREIGN_KEYS_OFF`` when it
    replaces tables that others reference)."""
    import importlib

    step = importlib.import_module(f"db.migrations.{module}")

    def apply(db: pw.Database) -> None:
        step.apply(db)

    apply.__doc__ = step.__doc__
    apply.foreign_keys_off = getattr(step, "FOREIGN_KEYS_OFF", False)
    apply.vacuum_after = getattr(step, "VACUUM_AFTER", False)
    return apply


def split_sql(text: str) -> list[str]:
    """Statements of a migration file: separated by lines holding only ``;``-terminated statements."""
    statements, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if current:
        statements.append("\n".join(current))
    return statements


MIGRATIONS: list[tuple[int, str, Callable[[pw.Database], None]]] = [
    (1, "initial", _sql_file("0001_initial")),
    (2, "account_search", _sql_file("0002_account_search")),
    (3, "calc_runs", _sql_file("0003_calc_runs")),
    (4, "account_snapshot", _sql_file("0004_account_snapshot")),
    (5, "account_house", _sql_file("0005_account_house")),
    (6, "job_lock", _sql_file("0006_job_lock")),
    (7, "lean_indexes", _sql_file("0007_lean_indexes")),
    (8, "uuid_keys", _python_step("m0008_uuid_keys")),
    (9, "derivations", _python_step("m0009_derivations")),
    (10, "snapshot_keys", _python_step("m0010_snapshot_keys")),
    (11, "part_keys", _python_step("m0011_part_keys")),
    (12, "lines_of_entries", _python_step("m0012_lines_of_entries")),
    (13, "posting_index", _sql_file("0013_posting_index")),
    (14, "account_carry", _sql_file("0014_account_carry")),
    (15, "packed_derivations", _python_step("m0015_packed_derivations")),
    (16, "packed_snapshots", _python_step("m0016_packed_snapshots")),
    (17, "lines_by_entry", _python_step("m0017_lines_by_entry")),
    (18, "packed_outbox_ids", _python_step("m0018_packed_outbox_ids")),
    (19, "registry_controls", _sql_file("0019_registry_controls")),
    (20, "settlements", _sql_file("0020_settlements")),
    (21, "bank_readings", _python_step("m0021_bank_readings")),
    (22, "gis_ids", _sql_file("0022_gis_ids")),
    (23, "supplier_address", _sql_file("0023_supplier_address")),
    (24, "close_day", _sql_file("0024_close_day")),
    (25, "house_postcode", _sql_file("0025_house_postcode")),
    (26, "cash_desk", _sql_file("0026_cash_desk")),
    (27, "readings_routes", _sql_file("0027_readings_routes")),
    (28, "meter_life", _sql_file("0028_meter_life")),
    (29, "users", _python_step("m0029_users")),
    (30, "sync_push", _sql_file("0030_sync_push")),
    (31, "sync_pull", _sql_file("0031_sync_pull")),
    (32, "passport", _python_step("m0032_passport")),
    (33, "claims", _python_step("m0033_claims")),
    (34, "collection", _python_step("m0034_collection")),
    (35, "house_manager", _sql_file("0035_house_manager")),
    (36, "opening_supplier", _python_step("m0036_opening_supplier")),
    (37, "suspense_particulars", _sql_file("0037_suspense_particulars")),
]
LATEST = MIGRATIONS[-1][0]


def _ensure_table(db: pw.Database) -> None:
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )


def applied_versions(db: pw.Database) -> list[int]:
    _ensure_table(db)
    return [row[0] for row in db.execute_sql("SELECT version FROM schema_migration ORDER BY version")]


def current_version(db: pw.Database) -> int:
    versions = applied_versions(db)
    return versions[-1] if versions else 0


def migrate(db: pw.Database, *, target: int | None = None) -> list[int]:
    """Apply every pending step up to `target` (default: the latest); returns the versions applied."""
    done = set(applied_versions(db))
    applied = []
    for version, name, apply in MIGRATIONS:
        if version in done or (target is not None and version > target):
            continue
        keys_off = getattr(apply, "foreign_keys_off", False) and not is_postgres(db)
        if keys_off:
            db.execute_sql("PRAGMA foreign_keys = OFF")  # outside the transaction: inside it the pragma is ignored
        try:
            with db.atomic():
                apply(db)
                if keys_off:
                    broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"step {version}: {len(broken)} broken references, e.g. {broken[:3]}")
                _record(db, version, name)
        finally:
            if keys_off:
                db.execute_sql("PRAGMA foreign_keys = ON")
        applied.append(version)
    if any(getattr(apply, "vacuum_after", False) for version, _, apply in MIGRATIONS if version in applied) \
            and not is_postgres(db):
        # a step that removed data which must not stay readable (plain personal data, step 32): SQLite rewrites the
        # file without the free pages and the WAL's old page images (VACUUM runs outside any transaction)
        db.execute_sql("VACUUM")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return applied


def _record(db: pw.Database, version: int, name: str) -> None:
    db.execute_sql(
        "INSERT INTO schema_migration (version, name, applied_at) VALUES (%s, %s, %s)"
        if is_postgres(db) else
        "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
        (version, name, datetime.now(timezone.utc).isoformat(timespec="seconds")),
    )
