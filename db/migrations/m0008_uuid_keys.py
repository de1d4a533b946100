"""Step 8 (issue 11): keys stored in 16 bytes on SQLite, as PostgreSQL's native ``uuid`` always did.

Before it, SQLite kept every UUIDv7 key as its 36-character text (peewee's default for a UUID field): six of them on
a charge line, in the row and again in each index — a quarter of the file. The step rebuilds every table that holds
keys (SQLite cannot change a column's type in place: the documented way is a new table, a copy, a rename): the key
columns are declared ``UUID`` (so the driver reads them back as text: ``db.connection``) and hold the key's 16
bytes. Indexes and views are recreated as they were. Foreign keys are off while it runs (a table being replaced is
referenced by others) and checked before it commits. PostgreSQL: nothing to do.

The columns are frozen here as they were at step 8 (a later model change must not change what this step does).
"""
from __future__ import annotations

import re
import uuid

import peewee as pw

from db.dialect import is_postgres

ID_COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id",),
    "supplier": ("id",),
    "bank_detail": ("id", "organization_id", "supplier_id"),
    "service": ("id", "supplier_id"),
    "increasing_coefficient": ("id",),
    "key_rate": ("id",),
    "penalty_rate_cap": ("id",),
    "moratorium": ("id",),
    "calendar_day": ("id",),
    "setting": ("id",),
    "house": ("id",),
    "house_service": ("id", "house_id", "service_id"),
    "premises": ("id", "house_id"),
    "person": ("id",),
    "account": ("id", "premises_id", "holder_person_id"),
    "account_service": ("id", "account_id", "service_id"),
    "registration": ("id", "person_id", "premises_id", "supersedes_id"),
    "ownership": ("id", "owner_person_id", "premises_id", "supersedes_id"),
    "tariff": ("id", "service_id", "house_id"),
    "norm": ("id", "service_id", "house_id"),
    "meter": ("id", "premises_id", "house_id"),
    "meter_verification": ("id", "meter_id"),
    "meter_reading": ("id", "meter_id", "corrects_id"),
    "house_reading": ("id", "meter_id", "corrects_id"),
    "absence": ("id", "person_id", "supersedes_id"),
    "quality_event": ("id", "service_id", "house_id", "premises_id", "supersedes_id"),
    "bank_registry": ("id",),
    "cash_shift": ("id",),
    "payment": ("id", "account_id", "registry_id", "shift_id", "storno_of_id"),
    "payment_service_split": ("id", "payment_id", "service_id"),
    "suspense_payment": ("id", "registry_id", "resolved_payment_id"),
    "fiscal_receipt": ("id", "payment_id", "shift_id"),
    "opening_balance": ("id", "account_id", "service_id"),
    "billing_period": ("id",),
    "journal_entry": ("id", "account_id", "payment_id", "storno_of_id"),
    "posting": ("id", "entry_id", "account_id", "service_id", "supplier_id"),
    "charge_line": ("id", "entry_id", "account_id", "service_id", "supplier_id"),
    "balance_snapshot": ("id", "account_id", "service_id", "supplier_id"),
    "account_snapshot": ("id", "account_id"),
    "claim": ("id", "house_id", "premises_id", "account_id", "quality_event_id"),
    "court_case": ("id", "account_id"),
    "site": ("id",),
    "app_user": ("id",),
    "user_role": ("id", "user_id", "site_id"),
    "outbox": ("id", "unit_id", "site_id"),
    "audit_log": ("id", "unit_id", "site_id", "row_id"),
    "calc_run": ("id",),
    "calc_state": ("house_id", "run_id"),
}

FOREIGN_KEYS_OFF = True
"""The runner turns foreign keys off around this step (they cannot be switched inside a transaction)."""


def _blob(value):
    """Text key → its 16 bytes (NULL stays NULL; a value already 16 bytes stays)."""
    if value is None or isinstance(value, bytes):
        return value
    return uuid.UUID(value).bytes


def _declare_uuid(sql: str, table: str, columns: tuple[str, ...]) -> str:
    new = sql.replace(f'CREATE TABLE "{table}"', f'CREATE TABLE "{table}__step8"', 1)
    if new == sql:
        raise RuntimeError(f"step 8: unexpected definition of {table}")
    for column in columns:
        new, count = re.subn(rf'"{column}" TEXT\b', f'"{column}" UUID', new, count=1)
        if count != 1:
            raise RuntimeError(f"step 8: {table}.{column} is not a TEXT column")
    return new


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        return
    conn = db.connection()
    conn.create_function("bc_uuid_blob", 1, _blob, deterministic=True)
    master = {name: (kind, sql) for kind, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")}
    views = [sql for kind, sql in master.values() if kind == "view"]
    for name, (kind, _) in master.items():
        if kind == "view":
            conn.execute(f'DROP VIEW "{name}"')
    for table, columns in ID_COLUMNS.items():
        if table not in master:
            continue
        indexes = [sql for kind, sql in (master[n] for n in master)
                   if kind == "index" and re.search(rf'\bON "{table}" \(', sql)]
        names = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        conn.execute(_declare_uuid(master[table][1], table, columns))
        select = ", ".join(f'bc_uuid_blob("{n}")' if n in columns else f'"{n}"' for n in names)
        quoted = ", ".join(f'"{n}"' for n in names)
        conn.execute(f'INSERT INTO "{table}__step8" ({quoted}) SELECT {select} FROM "{table}"')
        conn.execute(f'DROP TABLE "{table}"')
        conn.execute(f'ALTER TABLE "{table}__step8" RENAME TO "{table}"')
        for sql in indexes:
            conn.execute(sql)
    for sql in views:
        conn.execute(sql)
