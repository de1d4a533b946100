"""Step 17 (issue 11): a charge line is keyed by its entry and its number in the entry, and kept with its entry.

Lines are always read through their entries (by period or account, then ``entry_id``); keyed by a local number
(step 11) they needed an index on ``entry_id`` — 16 bytes and a row number per line, 304 bytes an account-month.
Keyed by (``entry_id``, ``line_no``) — the line's place in its entry, 1, 2, … in the order it was posted — the
lines of an entry lie together (SQLite ``WITHOUT ROWID``: the table is that key's tree), the index goes, and the key
means the same on every site (sync ships an entry with its lines). Lines were numbered in the order they were
written, so numbering each entry's lines by their old number keeps their order; entries sort by creation (UUIDv7),
so reading an account's lines by (entry, number) gives the order the old numbers gave.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

FOREIGN_KEYS_OFF = True
"""SQLite: the table is rebuilt."""

NUMBERED = 'ROW_NUMBER() OVER (PARTITION BY "entry_id" ORDER BY "id")'


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        db.execute_sql('ALTER TABLE "charge_line" ADD COLUMN "line_no" INTEGER')
        db.execute_sql(f'UPDATE "charge_line" c SET "line_no" = n.r FROM (SELECT "id", {NUMBERED} AS r '
                       'FROM "charge_line") n WHERE n."id" = c."id"')
        db.execute_sql('ALTER TABLE "charge_line" ALTER COLUMN "line_no" SET NOT NULL')
        db.execute_sql('ALTER TABLE "charge_line" DROP COLUMN "id"')  # and its primary key
        db.execute_sql('ALTER TABLE "charge_line" ADD CONSTRAINT "charge_line_pkey" PRIMARY KEY ("entry_id", "line_no")')
        db.execute_sql('DROP INDEX IF EXISTS "charge_line_entry_id"')
        return
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'charge_line'")
    head = '"id" INTEGER NOT NULL PRIMARY KEY, "entry_id" UUID NOT NULL, '
    if sql.count(head) != 1 or sql.count('FOREIGN KEY ("entry_id")') != 1:
        raise RuntimeError("step 17: unexpected definition of charge_line")
    new = (sql.replace('CREATE TABLE "charge_line"', 'CREATE TABLE "charge_line__step17"', 1)
           .replace(head, '"entry_id" UUID NOT NULL, "line_no" INTEGER NOT NULL, ', 1)
           .replace('FOREIGN KEY ("entry_id")', 'PRIMARY KEY ("entry_id", "line_no"), FOREIGN KEY ("entry_id")', 1)
           + " WITHOUT ROWID")
    names = [row[1] for row in conn.execute('PRAGMA table_info("charge_line")') if row[1] != "id"]
    cols = ", ".join(f'"{n}"' for n in names)
    conn.execute(new)
    conn.execute(f'INSERT INTO "charge_line__step17" ("line_no", {cols}) SELECT {NUMBERED}, {cols} '
                 'FROM "charge_line" ORDER BY "entry_id", "id"')
    conn.execute('DROP TABLE "charge_line"')  # and its index
    conn.execute('ALTER TABLE "charge_line__step17" RENAME TO "charge_line"')
