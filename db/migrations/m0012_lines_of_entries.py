"""Step 12 (issue 11): a charge line's period, account, corrected period and reason are kept by its entry only.

The month, storno and every other writer post a line with exactly its entry's period, account, corrected period and
reason (``db.ledger.LedgerWriter`` checks it); the line kept its own copies and two indexes on them. Now the line
holds what is its own (entry, service, supplier, kind, method, volume, tariff, coefficient, amount, excess,
derivation) and is found through its entry: by period or account through ``journal_entry`` (indexes (account,
period) and, new, (period, account)), then its lines by ``entry_id``. The step refuses to run if any line
disagrees with its entry (nothing is lost silently).
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

FOREIGN_KEYS_OFF = True
"""SQLite: the table is rebuilt."""

DROPPED = ("period", "account_id", "corrects_period", "reason")


def apply(db: pw.Database) -> None:
    (disagree,), = db.execute_sql(
        'SELECT COUNT(*) FROM "charge_line" c JOIN "journal_entry" e ON e.id = c.entry_id WHERE c.period <> e.period '
        'OR c.account_id <> e.account_id OR e.account_id IS NULL OR (c.corrects_period IS NULL) <> '
        '(e.corrects_period IS NULL) OR c.corrects_period <> e.corrects_period OR (c.reason IS NULL) <> '
        '(e.reason IS NULL) OR c.reason <> e.reason').fetchall()
    if disagree:
        raise RuntimeError(f"step 12: {disagree} charge lines differ from their entries in period, account, "
                           "corrected period or reason — the database needs a look before it is migrated")
    db.execute_sql('CREATE INDEX "journal_entry_period_account_id" ON "journal_entry" ("period", "account_id")')
    if is_postgres(db):
        db.execute_sql('DROP INDEX IF EXISTS "charge_line_period_account_id"')
        db.execute_sql('DROP INDEX IF EXISTS "charge_line_account_id"')
        for column in DROPPED:
            db.execute_sql(f'ALTER TABLE "charge_line" DROP COLUMN "{column}"')
        return
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'charge_line'")
    names = [row[1] for row in conn.execute('PRAGMA table_info("charge_line")') if row[1] not in DROPPED]
    new = (sql.replace('CREATE TABLE "charge_line"', 'CREATE TABLE "charge_line__step12"', 1)
           .replace('"period" VARCHAR(7) NOT NULL, ', '', 1).replace('"account_id" UUID NOT NULL, ', '', 1)
           .replace('"corrects_period" VARCHAR(7), ', '', 1).replace('"reason" TEXT, ', '', 1)
           .replace('FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT, ', '', 1))
    if any(f'"{c}"' in new for c in DROPPED) or new.count("charge_line__step12") != 1:
        raise RuntimeError("step 12: unexpected definition of charge_line")
    cols = ", ".join(f'"{n}"' for n in names)
    conn.execute(new)
    conn.execute(f'INSERT INTO "charge_line__step12" ({cols}) SELECT {cols} FROM "charge_line" ORDER BY id')
    conn.execute('DROP TABLE "charge_line"')  # and its indexes
    conn.execute('ALTER TABLE "charge_line__step12" RENAME TO "charge_line"')
    conn.execute('CREATE INDEX "charge_line_entry_id" ON "charge_line" ("entry_id")')
