"""Step 15 (issue 11): derivation texts packed against a preset dictionary (``db.derivations``): ~280 bytes a text
become ~50. The key (the hash of the text) is kept, so no charge line changes; ``text`` becomes ``data``.

SQLite: the table is written anew in key order (dense pages), then takes the old one's name. PostgreSQL: a column
added, filled in batches, the text column dropped.
"""
from __future__ import annotations

import peewee as pw

from db.derivations import pack
from db.dialect import is_postgres

BATCH = 5000


def apply(db: pw.Database) -> None:
    if is_postgres(db):
        from psycopg2.extras import execute_values

        db.execute_sql('ALTER TABLE "derivation" ADD COLUMN "data" BYTEA')
        conn = db.connection()
        last = b""
        while True:  # by pages of keys: the texts are never all in memory
            with conn.cursor() as cur:
                cur.execute('SELECT "key", "text" FROM "derivation" WHERE "key" > %s ORDER BY "key" LIMIT %s',
                            (last, BATCH))
                rows = cur.fetchall()
            if not rows:
                break
            last = bytes(rows[-1][0])
            with conn.cursor() as cur:
                execute_values(cur, 'UPDATE "derivation" d SET "data" = v.data FROM (VALUES %s) AS v(key, data) '
                                    'WHERE d."key" = v.key', [(bytes(key), pack(text)) for key, text in rows],
                               template="(%s::bytea, %s::bytea)", page_size=1000)
        db.execute_sql('ALTER TABLE "derivation" DROP COLUMN "text"')
        db.execute_sql('ALTER TABLE "derivation" ALTER COLUMN "data" SET NOT NULL')
        return
    conn = db.connection()
    conn.execute('CREATE TABLE "derivation__step15" ("key" BLOB NOT NULL PRIMARY KEY, "data" BLOB NOT NULL) '
                 'WITHOUT ROWID')
    source = conn.execute('SELECT "key", "text" FROM "derivation" ORDER BY "key"')
    while rows := source.fetchmany(BATCH):
        conn.executemany('INSERT INTO "derivation__step15" ("key", "data") VALUES (?, ?)',
                         [(key, pack(text)) for key, text in rows])
    conn.execute('DROP TABLE "derivation"')
    conn.execute('ALTER TABLE "derivation__step15" RENAME TO "derivation"')
