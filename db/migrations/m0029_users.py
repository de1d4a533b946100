"""Step 29 (issue 16): users sign in — the accountant's role (бухгалтер) joins the roles a user may have, and two
local tables: the sessions of this site (``user_session``) and its sign-in attempts (``sign_in``, what slows down a
guesser).

SQLite cannot change a CHECK constraint in place: ``user_role`` is written anew with the new constraint (no table
refers to it). PostgreSQL: the constraint is replaced.
"""
from __future__ import annotations

import peewee as pw

from db.dialect import is_postgres

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
    dialect = "postgresql" if is_postgres(db) else "sqlite"
    for statement in (*TABLES[dialect], INDEX):
        db.execute_sql(statement)
    if is_postgres(db):
        db.execute_sql('ALTER TABLE "user_role" DROP CONSTRAINT "ck_user_role"')
        db.execute_sql(f'ALTER TABLE "user_role" ADD CONSTRAINT "ck_user_role" {NEW}')
        return
    conn = db.connection()
    (sql,), = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'user_role'")
    if sql.count(OLD) != 1:
        raise RuntimeError("step 29: unexpected definition of user_role")
    indexes = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND "
                                              "tbl_name = 'user_role' AND sql IS NOT NULL ORDER BY name")]
    new = sql.replace('CREATE TABLE "user_role"', 'CREATE TABLE "user_role__step29"', 1).replace(OLD, NEW, 1)
    cols = ", ".join(f'"{row[1]}"' for row in conn.execute('PRAGMA table_info("user_role")'))
    conn.execute(new)
    conn.execute(f'INSERT INTO "user_role__step29" ({cols}) SELECT {cols} FROM "user_role"')
    conn.execute('DROP TABLE "user_role"')
    conn.execute('ALTER TABLE "user_role__step29" RENAME TO "user_role"')
    for index in indexes:
        conn.execute(index)
