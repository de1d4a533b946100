"""Step 21 (issue 12): a meter reading may come with a payment — source ``bank``.

A bank's registry (``sber_tagged``: ``CounterVal_N``) carries the readings a payer typed at the terminal; they are
readings like any other, with their source named so that a wrong one can be traced to its payment. House meters'
readings never come from a bank: ``house_reading`` keeps its sources.

SQLite cannot change a CHECK constraint in place: the table is written anew with the new constraint, then takes the
old one's name and indexes. PostgreSQL: the constraint is replaced.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

FOREIGN_KEYS_OFF = True
"""SQLite: the table is rebuilt (other rows' ``corrects_id`` point into it)."""

OLD = "CHECK (source IN ('resident', 'inspector', 'device', 'import'))"
NEW = "CHECK (source IN ('resident', 'inspector', 'device', 'import', 'bank'))"


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        db.execute_sql('ALTER TABLE "meter_reading" DROP CONSTRAINT "ck_meter_reading_source"')
        db.execute_sql(f'ALTER TABLE "meter_reading" ADD CONSTRAINT "ck_meter_reading_source" {NEW}')
        return
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'meter_reading'")
    if sql.count(OLD) != 1:
        raise RuntimeError("step 21: unexpected definition of meter_reading")
    indexes = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                              "tbl_name = 'meter_reading' AND sql IS NOT NULL ORDER BY name")]
    new = sql.replace('CREATE TABLE "meter_reading"', 'CREATE TABLE "meter_reading__step21"', 1).replace(OLD, NEW, 1)
    cols = ", ".join(f'"{row[1]}"' for row in conn.execute('PRAGMA table_info("meter_reading")'))
    conn.execute(new)
    conn.execute(f'INSERT INTO "meter_reading__step21" ({cols}) SELECT {cols} FROM "meter_reading"')
    conn.execute('DROP TABLE "meter_reading"')  # and its indexes
    conn.execute('ALTER TABLE "meter_reading__step21" RENAME TO "meter_reading"')
    for index in indexes:
        conn.execute(index)
