"""Step 29 (issue 16): users sign in — the accountant's role (бухгалтер) joins the roles a user may have, and two
local tables: the sessions of this site (``user_session``) and its sign-in attempts (``sign_in``, what slows down a
guesser).

SQLite cannot change a CHECK constraint in place: ``user_role`` is written anew with the new constraint (no table
refers to it). PostgreSQL: the constraint is replaced.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres
from db.migrations.rebuild import replace_check

OLD = "CHECK (role IN ('administrator', 'operator', 'cashier', 'passport_officer', 'meter_reader', 'analyst'))"
NEW = ("CHECK (role IN ('administrator', 'operator', 'accountant', 'cashier', 'passport_officer', 'meter_reader', "
       "'analyst'))")

TABLES = {
    "sqlite": (
        'CREATE TABLE "user_session" ("token_hash" TEXT NOT NULL PRIMARY KEY, "user_id" UUID NOT NULL, "login" TEXT '
        'NOT NULL, "role" VARCHAR(20) NOT NULL, "created_at" TEXT NOT NULL, "seen_at" TEXT NOT NULL, "expires_at" '
        'TEXT NOT NULL, "ended" TEXT)',
        'CREATE TABLE "sign_in" ("seq" INTEGER NOT NULL PRIMARY KEY, "login" TEXT NOT NULL, "at" TEXT NOT NULL, '
        '"ok" INTEGER NOT NULL)',
    ),
    "postgresql": (
        'CREATE TABLE "user_session" ("token_hash" TEXT NOT NULL PRIMARY KEY, "user_id" UUID NOT NULL, "login" TEXT '
        'NOT NULL, "role" VARCHAR(20) NOT NULL, "created_at" TEXT NOT NULL, "seen_at" TEXT NOT NULL, "expires_at" '
        'TEXT NOT NULL, "ended" TEXT)',
        'CREATE TABLE "sign_in" ("seq" SERIAL NOT NULL PRIMARY KEY, "login" TEXT NOT NULL, "at" TEXT NOT NULL, '
        '"ok" BOOLEAN NOT NULL)',
    ),
}
INDEX = 'CREATE INDEX "sign_in_login_seq" ON "sign_in" ("login", "seq")'


def apply(db: pw.Database) -> None:
    for statement in (*TABLES["postgresql" if is_postgres(db) else "sqlite"], INDEX):
        db.execute_sql(statement)
    replace_check(db, "user_role", "ck_user_role", OLD, NEW, step=29)
