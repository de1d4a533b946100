"""Step 32 (issue 18): a person's personal data sealed, and the passport desk's register of issued documents.

``person`` gets ``sealed`` — one JSON object of the document's series, number, issuer and date, СНИЛС, birth date,
phone and e-mail, encrypted under a key outside the database (``db.sealing``: ``$BCENTER_KEYS`` or the user's
configuration directory; the first key is made here when the database holds personal data and the directory none)
— and loses the eight plain columns. SQLite drops them with ``secure_delete`` on and the file is vacuumed after the
migration (``VACUUM_AFTER``: earlier table rebuilds left copies of the rows in free pages, and the WAL keeps old page
images), so the plain values do not stay behind; PostgreSQL leaves dead tuples to ``VACUUM FULL person``
(docs/design.md «The passport desk and personal data»).

``passport_document``: the forms and extracts issued — number, kind, day, whom and where they concern, who issued
them, the template version and the sealed payload they were printed from (a reprint is byte for byte the first).
"""
from __future__ import annotations

from datetime import date

import peewee as pw

from db.dialect import db_id, is_postgres, param_mark
from db.sealing import keyring

VACUUM_AFTER = True
"""The plain values must not survive in SQLite's free pages or WAL: the file is rewritten after the migration."""

PLAIN = ("birth_date", "document_series", "document_number", "document_issued_by", "document_issued_on", "snils",
         "phone", "email")

DOCUMENTS = {
    "table": (
        'CREATE TABLE "passport_document" ("id" UUID NOT NULL PRIMARY KEY, "kind" VARCHAR(10) NOT NULL, "number" TEXT '
        'NOT NULL, "issued_on" DATE NOT NULL, "house_id" UUID, "premises_id" UUID, "person_id" UUID, "issued_by" TEXT '
        'NOT NULL, "template" TEXT NOT NULL, "payload" TEXT NOT NULL, "sha256" TEXT NOT NULL, FOREIGN KEY ("house_id") '
        'REFERENCES "house" ("id") ON DELETE RESTRICT, FOREIGN KEY ("premises_id") REFERENCES "premises" ("id") ON '
        'DELETE RESTRICT, FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE RESTRICT, CONSTRAINT '
        'uq_passport_document_number UNIQUE (number), CONSTRAINT ck_passport_document_kind CHECK (kind IN (\'form9\', '
        '\'form10\', \'form11\', \'extract\', \'family\')))'),
    "indexes": (
        'CREATE INDEX "passport_document_house_id" ON "passport_document" ("house_id")',
        'CREATE INDEX "passport_document_premises_id" ON "passport_document" ("premises_id")',
        'CREATE INDEX "passport_document_person_id" ON "passport_document" ("person_id")'),
}


def _text(value):
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def apply(db: pw.Database) -> None:
    pg = is_postgres(db)
    if not pg:
        db.execute_sql("PRAGMA secure_delete = ON")
    db.execute_sql('ALTER TABLE "person" ADD COLUMN "sealed" TEXT')
    m = param_mark(db)
    rows = db.execute_sql(f'SELECT id, {", ".join(PLAIN)} FROM "person" WHERE '
                          + " OR ".join(f"{c} IS NOT NULL" for c in PLAIN)).fetchall()
    if rows:
        ring = keyring()
        for pid, *values in rows:
            sealed = ring.seal({c: _text(v) for c, v in zip(PLAIN, values)})
            db.execute_sql(f'UPDATE "person" SET sealed = {m} WHERE id = {m}', (sealed, db_id(str(pid))))
    for column in PLAIN:
        db.execute_sql(f'ALTER TABLE "person" DROP COLUMN "{column}"')
    db.execute_sql(DOCUMENTS["table"])
    for index in DOCUMENTS["indexes"]:
        db.execute_sql(index)
