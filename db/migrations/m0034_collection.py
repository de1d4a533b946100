"""Step 34 (issue 20): debt collection — cases with their lines, history, recoveries; documents; saved lists.

``court_case`` (a table since step 1, never written) gains its number, debtors, the penalty table as of a date, the
duty paid and credited, other costs, the court and its case number, the person responsible and the reason it closed;
``court_case_line`` — the months × services a case claims (with their limitation flag); ``court_case_event`` — the
stage history; ``court_recovery`` — money recovered and how it was taken; ``collection_document`` — notices, claims
and court applications, numbered and logged with their delivery; ``debtor_filter`` — saved criteria of debtor lists.
Booleans and money are typed per database (BOOLEAN / BIGINT on PostgreSQL).
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

CASE_COLUMNS = (
    '"number" TEXT', '"debtors" TEXT', '"penalty_as_of" DATE', '"penalty_rows" TEXT',
    '"duty" {money} NOT NULL DEFAULT 0', '"duty_paid" {money} NOT NULL DEFAULT 0',
    '"other_costs" {money} NOT NULL DEFAULT 0', '"court" TEXT', '"court_number" TEXT', '"responsible" TEXT',
    '"closed_reason" TEXT',
)
POSTGRESQL = (
    'CREATE TABLE "court_case_line" ("id" UUID NOT NULL PRIMARY KEY, "case_id" UUID NOT NULL, '
    '"period" VARCHAR(7) NOT NULL, "service_id" UUID NOT NULL, "supplier_id" UUID NOT NULL, "due" DATE NOT NULL, '
    '"amount" BIGINT NOT NULL, "barred" BOOLEAN NOT NULL, "included" BOOLEAN NOT NULL, '
    'FOREIGN KEY ("case_id") REFERENCES "court_case" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("supplier_id") REFERENCES "supplier" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "court_case_line_case_id" ON "court_case_line" ("case_id")',
    'CREATE TABLE "court_case_event" ("id" UUID NOT NULL PRIMARY KEY, "case_id" UUID NOT NULL, '
    '"stage" VARCHAR(20) NOT NULL, "day" DATE NOT NULL, "court" TEXT, "number" TEXT, "note" TEXT, '
    '"actor" TEXT NOT NULL, "at" TEXT NOT NULL, '
    'FOREIGN KEY ("case_id") REFERENCES "court_case" ("id") ON DELETE RESTRICT)',
    'CREATE INDEX "court_case_event_case_id" ON "court_case_event" ("case_id")',
    'CREATE TABLE "court_recovery" ("id" UUID NOT NULL PRIMARY KEY, "case_id" UUID NOT NULL, '
    '"number" TEXT NOT NULL, "received_on" DATE NOT NULL, "amount" BIGINT NOT NULL, "source" VARCHAR(10) NOT NULL, '
    '"document" TEXT, "to_costs" BIGINT NOT NULL, "to_principal" BIGINT NOT NULL, "to_penalties" BIGINT NOT NULL, '
    '"overpaid" BIGINT NOT NULL, "payments" TEXT, "actor" TEXT NOT NULL, '
    'FOREIGN KEY ("case_id") REFERENCES "court_case" ("id") ON DELETE RESTRICT, '
    'CONSTRAINT uq_court_recovery_number UNIQUE (number), '
    "CONSTRAINT ck_court_recovery_source CHECK (source IN ('fssp', 'bank', 'employer', 'voluntary')))",
    'CREATE INDEX "court_recovery_case_id" ON "court_recovery" ("case_id")',
    'CREATE TABLE "collection_document" ("id" UUID NOT NULL PRIMARY KEY, "kind" VARCHAR(12) NOT NULL, '
    '"number" TEXT NOT NULL, "account_id" UUID NOT NULL, "case_id" UUID, "service_id" UUID, '
    '"issued_on" DATE NOT NULL, "issued_by" TEXT NOT NULL, "template" TEXT NOT NULL, "payload" TEXT NOT NULL, '
    '"sha256" TEXT NOT NULL, "delivered_on" DATE, "delivery" TEXT, "deadline" DATE, '
    'FOREIGN KEY ("account_id") REFERENCES "account" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("case_id") REFERENCES "court_case" ("id") ON DELETE RESTRICT, '
    'FOREIGN KEY ("service_id") REFERENCES "service" ("id") ON DELETE RESTRICT, '
    'CONSTRAINT uq_collection_document_number UNIQUE (number), '
    "CONSTRAINT ck_collection_document_kind CHECK (kind IN ('reminder', 'restriction', 'pretrial', 'court_order', "
    "'claim')))",
    'CREATE INDEX "collection_document_account_id" ON "collection_document" ("account_id")',
    'CREATE INDEX "collection_document_case_id" ON "collection_document" ("case_id")',
    'CREATE TABLE "debtor_filter" ("id" UUID NOT NULL PRIMARY KEY, "name" TEXT NOT NULL, "criteria" TEXT NOT NULL, '
    '"author" TEXT NOT NULL, CONSTRAINT uq_debtor_filter_name UNIQUE (name))',
)


def apply(db: pw.Database) -> None:
    postgres = is_postgres(db)
    money = "BIGINT" if postgres else "INTEGER"
    for column in CASE_COLUMNS:
        db.execute_sql(f'ALTER TABLE "court_case" ADD COLUMN {column.replace("{money}", money)}')
    db.execute_sql('CREATE UNIQUE INDEX "court_case_number" ON "court_case" ("number")')
    db.execute_sql('UPDATE "court_case" SET stage = \'court_order\' WHERE stage = \'notice\'')
    for statement in POSTGRESQL:
        if not postgres:
            statement = statement.replace(" BIGINT ", " INTEGER ").replace(" BOOLEAN ", " INTEGER ")
        db.execute_sql(statement)
