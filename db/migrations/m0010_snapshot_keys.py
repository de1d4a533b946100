"""Step 10 (issue 11): balance and account snapshots keyed by what they are, without ids of their own.

A balance snapshot is the balance of account × service × supplier in a closed period: that quadruple was already
unique (``uq_balance_snapshot``); it becomes the primary key, and the UUID and its index go. On SQLite the tables
are clustered by that key (``WITHOUT ROWID``): a close appends a period's rows in key order, and reading a period
(the next close, the bills) reads consecutive pages. The account snapshot likewise, by (period, account).
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

FOREIGN_KEYS_OFF = True
"""SQLite: the tables are rebuilt (dropping the old ones with foreign keys on would check each row)."""

MONEY = ("opening", "charged", "recalculated", "quality", "benefits", "paid", "penalties", "closing")

SQLITE_TABLES = {
    "balance_snapshot": (
        'CREATE TABLE "balance_snapshot__step10" ("period" VARCHAR(7) NOT NULL, "account_id" UUID NOT NULL, '
        '"service_id" UUID NOT NULL, "supplier_id" UUID NOT NULL, '
        + ", ".join(f'"{m}" INTEGER NOT NULL' for m in MONEY) + ', '
        'CONSTRAINT uq_balance_snapshot PRIMARY KEY ("period", "account_id", "service_id", "supplier_id"), '
        'FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT, '
        'FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT, '
        'FOREIGN KEY ("supplier_id") REFERENCES "supplier" ("id") ON DELETE RESTRICT) WITHOUT ROWID',
        ("period", "account_id", "service_id", "supplier_id", *MONEY)),
    "account_snapshot": (
        'CREATE TABLE "account_snapshot__step10" ("period" VARCHAR(7) NOT NULL, "account_id" UUID NOT NULL, '
        '"advance" INTEGER NOT NULL, "last_paid_on" DATE, '
        'CONSTRAINT uq_account_snapshot PRIMARY KEY ("period", "account_id"), '
        'FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT) WITHOUT ROWID',
        ("period", "account_id", "advance", "last_paid_on")),
}


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        for table, key in (("balance_snapshot", "period, account_id, service_id, supplier_id"),
                           ("account_snapshot", "period, account_id")):
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "id"')  # and its primary key
            db.execute_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "uq_{table}"')
            db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "uq_{table}" PRIMARY KEY ({key})')
        return
    conn = db.connection()
    for table, (ddl, columns) in SQLITE_TABLES.items():
        cols = ", ".join(f'"{c}"' for c in columns)
        key = ", ".join(f'"{c}"' for c in columns[:4 if table == "balance_snapshot" else 2])
        conn.execute(ddl)
        conn.execute(f'INSERT INTO "{table}__step10" ({cols}) SELECT {cols} FROM "{table}" ORDER BY {key}')
        conn.execute(f'DROP TABLE "{table}"')
        conn.execute(f'ALTER TABLE "{table}__step10" RENAME TO "{table}"')
