"""Step 33 (issue 19): residents' requests get kinds with deadlines, priorities, an assignee and a history.

``claim_kind`` — the kinds and their deadlines (hours from receipt, or working days by the production calendar;
the usual ones are written by the first use of requests, through the unit of work, so they travel like any row);
``claim`` gains its kind, priority, deadline, assignee, closing time and author;
``claim_event`` — every step of a request (received, assigned, commented, closed); ``claim.intake_key`` (unique) —
a portal's request posted twice is registered once; ``intake_client`` — the portals allowed to post (local);
``quality_event.entrance`` — an act for one entrance of a house.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

STATEMENTS = (
    'CREATE TABLE "claim_kind" ("id" UUID NOT NULL PRIMARY KEY, "code" TEXT NOT NULL, "name" TEXT NOT NULL, '
    '"priority" VARCHAR(10) NOT NULL, "deadline_hours" INTEGER, "deadline_working_days" INTEGER, "basis" TEXT, '
    'CONSTRAINT uq_claim_kind_code UNIQUE (code), CONSTRAINT ck_claim_kind_priority CHECK (priority IN '
    "('emergency', 'urgent', 'normal')), CONSTRAINT ck_claim_kind_deadline CHECK ((deadline_hours IS NULL) <> "
    "(deadline_working_days IS NULL)))",
    'ALTER TABLE "claim" ADD COLUMN "kind_id" UUID REFERENCES "claim_kind" ("id") ON DELETE RESTRICT',
    'ALTER TABLE "claim" ADD COLUMN "priority" VARCHAR(10)',
    'ALTER TABLE "claim" ADD COLUMN "deadline_at" TEXT',
    'ALTER TABLE "claim" ADD COLUMN "assignee" TEXT',
    'ALTER TABLE "claim" ADD COLUMN "closed_at" TEXT',
    'ALTER TABLE "claim" ADD COLUMN "author" TEXT',
    'ALTER TABLE "claim" ADD COLUMN "intake_key" TEXT',
    'CREATE UNIQUE INDEX "claim_intake_key" ON "claim" ("intake_key")',
    'ALTER TABLE "quality_event" ADD COLUMN "entrance" INTEGER',
    'CREATE TABLE "claim_event" ("id" UUID NOT NULL PRIMARY KEY, "claim_id" UUID NOT NULL, "at" TEXT NOT NULL, '
    '"actor" TEXT NOT NULL, "state" VARCHAR(12) NOT NULL, "assignee" TEXT, "note" TEXT, FOREIGN KEY ("claim_id") '
    'REFERENCES "claim" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "claim_event_claim_id" ON "claim_event" ("claim_id")',
)
INTAKE = {
    "sqlite": 'CREATE TABLE "intake_client" ("name" TEXT NOT NULL PRIMARY KEY, "token_hash" TEXT NOT NULL, '
              '"created_at" TEXT NOT NULL, "disabled" INTEGER NOT NULL)',
    "postgresql": 'CREATE TABLE "intake_client" ("name" TEXT NOT NULL PRIMARY KEY, "token_hash" TEXT NOT NULL, '
                  '"created_at" TEXT NOT NULL, "disabled" BOOLEAN NOT NULL)',
}

def apply(db: pw.Database) -> None:
    for statement in STATEMENTS:
        db.execute_sql(statement)
    db.execute_sql(INTAKE["postgresql" if is_postgres(db) else "sqlite"])
