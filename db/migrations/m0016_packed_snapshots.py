"""Step 16 (issue 11): a closed period's balances kept as one row per account, its service × supplier rows packed
(``db.snapshots``): 876 bytes an account-month become about 190.

``balance_key`` numbers the (service, supplier) pairs the snapshots hold (in key order); ``balance_snapshot`` is
written anew — (period, account_id, data), clustered by that key on SQLite — from the old rows, a page of accounts of
a period at a time (a city's history is never in memory), and takes the old one's name and its key's name.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import db_id, is_postgres, param_mark
from db.snapshots import COLUMNS, pack

FOREIGN_KEYS_OFF = True
"""SQLite: the table is rebuilt (dropping it with foreign keys on would check each row)."""

PAGE = 2000
"""Accounts of a period packed at a time."""


def apply(db: pw.Database) -> None:
    pg = is_postgres(db)
    key_type, blob = ("UUID", "BYTEA") if pg else ("UUID", "BLOB")
    db.execute_sql(
        f'CREATE TABLE "balance_key" ("id" INTEGER NOT NULL PRIMARY KEY, "service_id" {key_type} NOT NULL, '
        f'"supplier_id" {key_type} NOT NULL, CONSTRAINT uq_balance_key UNIQUE (service_id, supplier_id), '
        'FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT, '
        'FOREIGN KEY ("supplier_id") REFERENCES "supplier" ("id") ON DELETE RESTRICT)')
    if pg:  # the old table and its key's name step aside
        db.execute_sql('ALTER TABLE "balance_snapshot" RENAME TO "balance_snapshot__step15"')
        db.execute_sql('ALTER TABLE "balance_snapshot__step15" RENAME CONSTRAINT "uq_balance_snapshot" '
                       'TO "uq_balance_snapshot__step15"')
        old, new = "balance_snapshot__step15", "balance_snapshot"
    else:
        old, new = "balance_snapshot", "balance_snapshot__step16"
    db.execute_sql(
        f'CREATE TABLE "{new}" ("period" VARCHAR(7) NOT NULL, "account_id" {key_type} NOT NULL, '
        f'"data" {blob} NOT NULL, CONSTRAINT uq_balance_snapshot PRIMARY KEY ("period", "account_id"), '
        'FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT)' + ("" if pg else " WITHOUT ROWID"))
    mark = param_mark(db)
    pairs = db.execute_sql(f'SELECT DISTINCT service_id, supplier_id FROM "{old}" ORDER BY 1, 2').fetchall()
    numbers = {(str(s), str(p)): n for n, (s, p) in enumerate(pairs, 1)}  # keys are read as text, bound as keys
    for n, (service, supplier) in enumerate(pairs, 1):
        db.execute_sql(f'INSERT INTO "balance_key" ("id", "service_id", "supplier_id") VALUES ({mark}, {mark}, {mark})',
                       (n, db_id(str(service)), db_id(str(supplier))))
    money = ", ".join(f'"{c}"' for c in COLUMNS)
    periods = [p for (p,) in db.execute_sql(f'SELECT DISTINCT period FROM "{old}" ORDER BY 1').fetchall()]
    for period in periods:
        last = None
        while True:
            accounts = [str(a) for (a,) in db.execute_sql(
                f'SELECT DISTINCT account_id FROM "{old}" WHERE period = {mark}'
                + ("" if last is None else f' AND account_id > {mark}') + f' ORDER BY 1 LIMIT {PAGE}',
                (period,) if last is None else (period, db_id(last))).fetchall()]
            if not accounts:
                break
            grouped: dict = {}
            for account, service, supplier, *values in db.execute_sql(
                    f'SELECT account_id, service_id, supplier_id, {money} FROM "{old}" WHERE period = {mark} '
                    f'AND account_id >= {mark} AND account_id <= {mark} ORDER BY 1, 2, 3',
                    (period, db_id(accounts[0]), db_id(accounts[-1]))).fetchall():
                grouped.setdefault(str(account), []).append((numbers[(str(service), str(supplier))], tuple(int(v) for v in values)))
            # format 1: the balance columns; the unpaid penalties format 2 adds were never kept (unknown)
            rows = [(period, db_id(account), pack(parts, version=1)) for account, parts in grouped.items()]
            if pg:
                from psycopg2.extras import execute_values

                with db.cursor() as cur:
                    execute_values(cur, f'INSERT INTO "{new}" ("period", "account_id", "data") VALUES %s', rows,
                                   page_size=1000)
            else:
                db.connection().executemany(f'INSERT INTO "{new}" ("period", "account_id", "data") VALUES (?, ?, ?)',
                                            rows)
            last = accounts[-1]
    db.execute_sql(f'DROP TABLE "{old}"')
    if not pg:
        db.execute_sql(f'ALTER TABLE "{new}" RENAME TO "balance_snapshot"')
