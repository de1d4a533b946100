"""Step 18 (issue 11): the outbox's row ids packed (``db.packed_ids``): ``row_ids`` (JSON text) becomes
``packed_ids`` — 277 bytes an account-month of the demo town become 15.

SQLite: the table is written anew in its order (``seq``) with the ids packed by a function the step lends the
connection, then takes the old one's name and index. PostgreSQL: a column added, filled in batches, the old one
dropped.
"""
from __future__ import annotations

import json

import peewee as pw

from db.dialect import is_postgres
from db.packed_ids import pack_ids

BATCH = 5000


def _pack(text: str) -> bytes:
    return pack_ids(json.loads(text))


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        from psycopg2.extras import execute_values

        db.execute_sql('ALTER TABLE "outbox" ADD COLUMN "packed_ids" BYTEA')
        conn = db.connection()
        last = 0
        while True:
            with conn.cursor() as cur:
                cur.execute('SELECT seq, row_ids FROM "outbox" WHERE seq > %s ORDER BY seq LIMIT %s', (last, BATCH))
                rows = cur.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            with conn.cursor() as cur:
                execute_values(cur, 'UPDATE "outbox" o SET "packed_ids" = v.ids FROM (VALUES %s) AS v(seq, ids) '
                                    'WHERE o.seq = v.seq', [(seq, _pack(text)) for seq, text in rows],
                               template="(%s::integer, %s::bytea)", page_size=1000)
        db.execute_sql('ALTER TABLE "outbox" DROP COLUMN "row_ids"')
        db.execute_sql('ALTER TABLE "outbox" ALTER COLUMN "packed_ids" SET NOT NULL')
        return
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox'")
    old = '"row_ids" TEXT NOT NULL'
    if sql.count(old) != 1:
        raise RuntimeError("step 18: unexpected definition of outbox")
    new = sql.replace('CREATE TABLE "outbox"', 'CREATE TABLE "outbox__step18"', 1).replace(old, '"packed_ids" BLOB NOT NULL', 1)
    names = [row[1] for row in conn.execute('PRAGMA table_info("outbox")')]
    target = ", ".join(f'"{"packed_ids" if n == "row_ids" else n}"' for n in names)
    source = ", ".join('bcenter_pack_ids("row_ids")' if n == "row_ids" else f'"{n}"' for n in names)
    conn.create_function("bcenter_pack_ids", 1, _pack, deterministic=True)
    try:
        conn.execute(new)
        conn.execute(f'INSERT INTO "outbox__step18" ({target}) SELECT {source} FROM "outbox" ORDER BY seq')
    finally:
        conn.create_function("bcenter_pack_ids", 1, None)
    conn.execute('DROP TABLE "outbox"')  # and its index
    conn.execute('ALTER TABLE "outbox__step18" RENAME TO "outbox"')
    conn.execute('CREATE UNIQUE INDEX "outbox_id" ON "outbox" ("id")')
