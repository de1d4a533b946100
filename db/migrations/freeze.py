"""Developer tool: print the DDL that peewee derives from the models, per dialect.

Used once to write a new frozen step (``python -m db.migrations.freeze sqlite > …``); the migration
test compares the migrated schema with the models so that a forgotten step is caught.
"""
from __future__ import annotations

import sys

import peewee as pw


def model_ddl(db: pw.Database) -> list[str]:
    from db.models import ALL_MODELS

    statements = []
    with db.bind_ctx(ALL_MODELS):
        for model in ALL_MODELS:
            ctx = db.get_sql_context()
            sql, _ = ctx.sql(model._schema._create_table(safe=False)).query()
            statements.append(sql)
            for index in model._schema._create_indexes(safe=False):
                sql, _ = db.get_sql_context().sql(index).query()
                statements.append(sql)
    return statements


def main(argv: list[str]) -> None:
    db = pw.PostgresqlDatabase("x") if argv and argv[0] == "postgresql" else pw.SqliteDatabase(":memory:", field_types={"UUID": "UUID"})
    print("-- Frozen DDL of schema step 1 (generated from the models by db/migrations/freeze.py).")
    for statement in model_ddl(db):
        print(statement + ";")


if __name__ == "__main__":
    main(sys.argv[1:])
