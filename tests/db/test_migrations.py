"""Migrations: forward-only steps applied from an empty database and from every earlier version, and the
migrated schema equals what the models declare (a model change without a migration step fails here)."""
from __future__ import annotations

import peewee as pw
import pytest

from db.connection import close_database, make_database
from db.dialect import is_postgres
from db.migrations import LATEST, MIGRATIONS, applied_versions, current_version, migrate
from db.models import ALL_MODELS


def _columns(db: pw.Database, table: str) -> set[str]:
    return {c.name for c in db.get_columns(table)}


def test_empty_database_migrates_to_latest(any_url):
    db = make_database(any_url)
    db.connect()
    assert migrate(db) == [v for v, _, _ in MIGRATIONS]
    assert current_version(db) == LATEST
    assert migrate(db) == []  # a second run does nothing
    db.close()


@pytest.mark.parametrize("start", [v for v, _, _ in MIGRATIONS])
def test_each_version_migrates_to_latest(any_url, start):
    db = make_database(any_url)
    db.connect()
    migrate(db, target=start)
    assert applied_versions(db) == [v for v, _, _ in MIGRATIONS if v <= start]
    migrate(db)
    assert current_version(db) == LATEST
    db.close()


def test_migrated_schema_matches_models(any_url):
    db = make_database(any_url)
    db.connect()
    migrate(db)
    tables = set(db.get_tables())
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in tables, f"no migration creates {table}"
        declared = {f.column_name for f in model._meta.sorted_fields}
        assert _columns(db, table) == declared, f"{table}: models and migrations disagree"
    db.close()


def test_named_constraints_exist(any_url):
    """Invariants live in the database under names the error messages can refer to."""
    db = make_database(any_url)
    db.connect()
    migrate(db)
    if is_postgres(db):
        names = {r[0] for r in db.execute_sql(
            "SELECT conname FROM pg_constraint WHERE connamespace = current_schema()::regnamespace")}
    else:
        names = set()
        for (sql,) in db.execute_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"):
            names.update(w for w in sql.replace("(", " ").split() if w.startswith(("uq_", "ck_")))
    for name in ("uq_account_number", "uq_premises_number", "uq_balance_snapshot", "ck_meter_place",
                 "ck_payment_amount", "uq_billing_period"):
        assert name in names
    db.close()
    close_database()


def test_migrated_indexes_are_those_the_models_declare(any_url):
    """The indexes of the migrated schema are the models' (unique keys aside): an index dropped or added in a step
    is dropped or added in the model too, so a new database made from the models would be the same."""
    from db.migrations.freeze import model_ddl

    db = make_database(any_url)
    db.connect()
    migrate(db)
    declared = {s.split('"')[1] for s in model_ddl(db) if s.startswith("CREATE INDEX")}
    tables = {model._meta.table_name for model in ALL_MODELS}  # the search index is derived, not a model
    if is_postgres(db):
        found = {r[0] for r in db.execute_sql(
            "SELECT indexname, tablename FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexdef NOT LIKE '%%UNIQUE%%'") if r[1] in tables}
    else:
        found = {r[0] for r in db.execute_sql(
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND sql NOT LIKE '%UNIQUE%'") if r[1] in tables}
    assert found == declared
    db.close()
