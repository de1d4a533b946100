"""Step 9 (issue 11): a charge line's derivation is stored once per distinct text, under the text's hash.

Before it every charge line carried its derivation JSON (~290 bytes: the formula with its numbers, the legal basis,
the inputs); in the 2 000-account demo town only 15 % of those texts were distinct — a flat's area × rate, a norm
× persons × tariff repeat month after month and flat after flat. ``derivation`` holds each text once, keyed by the
first 16 bytes of its SHA-256 (content-addressed: the same text has the same key on every site, so sync ships a
line with its key and the texts the receiver lacks, never translating keys); ``charge_line.derivation_key`` points
to it. The texts themselves are kept byte for byte: a closed period explains and reprints as it did.
"""
from __future__ import annotations

import hashlib

import peewee as pw

from db.dialect import is_postgres


def derivation_key(text: str) -> bytes:
    """The key of a derivation text: the first 16 bytes of SHA-256 of its UTF-8 (PostgreSQL computes the same)."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


FOREIGN_KEYS_OFF = True
"""SQLite: the charge line table is rebuilt (dropping it with foreign keys on would check each row)."""


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        db.execute_sql('CREATE TABLE "derivation" ("key" BYTEA NOT NULL PRIMARY KEY, "text" TEXT NOT NULL)')
        key = "substring(sha256(convert_to(derivation, 'UTF8')) from 1 for 16)"
        db.execute_sql(f'INSERT INTO "derivation" ("key", "text") SELECT DISTINCT {key}, derivation '
                       'FROM "charge_line" WHERE derivation IS NOT NULL')
        db.execute_sql('ALTER TABLE "charge_line" ADD COLUMN "derivation_key" BYTEA')
        db.execute_sql(f'UPDATE "charge_line" SET derivation_key = {key} WHERE derivation IS NOT NULL')
        db.execute_sql('ALTER TABLE "charge_line" DROP COLUMN "derivation"')
        return
    conn = db.connection()
    conn.create_function("bc_derivation_key", 1, derivation_key, deterministic=True)
    conn.execute('CREATE TABLE "derivation" ("key" BLOB NOT NULL PRIMARY KEY, "text" TEXT NOT NULL) WITHOUT ROWID')
    conn.execute('INSERT OR IGNORE INTO "derivation" ("key", "text") SELECT bc_derivation_key(derivation), '
                 'derivation FROM "charge_line" WHERE derivation IS NOT NULL')
    # a new table written in key order is dense; altering the old one in place would leave its pages half empty
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'charge_line'")
    indexes = [r[0] for r in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'charge_line' AND sql IS NOT NULL")]
    new = sql.replace('CREATE TABLE "charge_line"', 'CREATE TABLE "charge_line__step9"', 1)
    new = new.replace('"derivation" TEXT', '"derivation_key" BLOB', 1)
    if new.count("charge_line__step9") != 1 or '"derivation_key" BLOB' not in new:
        raise RuntimeError("step 9: unexpected definition of charge_line")
    names = [row[1] for row in conn.execute('PRAGMA table_info("charge_line")')]
    select = ", ".join("bc_derivation_key(derivation)" if n == "derivation" else f'"{n}"' for n in names)
    columns = ", ".join('"derivation_key"' if n == "derivation" else f'"{n}"' for n in names)
    conn.execute(new)
    conn.execute(f'INSERT INTO "charge_line__step9" ({columns}) SELECT {select} FROM "charge_line" ORDER BY id')
    conn.execute('DROP TABLE "charge_line"')
    conn.execute('ALTER TABLE "charge_line__step9" RENAME TO "charge_line"')
    for index in indexes:
        conn.execute(index)
