"""Fixtures of the exchange tests: row-count snapshots, a second database, a CLI runner.

* ``snapshot`` — the function ``snapshot(db)``: the row count of every table of ``db.models.ALL_MODELS`` plus
  ``schema_migration`` (so outbox and audit_log too); two equal snapshots mean nothing was written.
* ``second_db`` — another fresh, initialised database on the same backend as ``any_db`` (round trips). The model
  proxy stays bound to ``any_db``; call ``bind(db)`` before using the other one through the services.
* ``bind`` — binds the global model proxy to a database (the importer's ORM writes — organization,
  settings, audit — go through it).
* ``run_cli`` — runs ``bcenter.cli.main`` and returns ``(exit code, stdout, stderr)``; ``db=`` re-binds the
  proxy to the test's database afterwards (``main`` opens its own connection and closes it).
"""
from __future__ import annotations

import os
import uuid

import pytest


def table_names() -> list[str]:
    from db.models import ALL_MODELS

    return sorted({model._meta.table_name for model in ALL_MODELS} | {"schema_migration"})


def take_snapshot(db) -> dict[str, int]:
    """Row count of every table (domain, outbox, audit_log, schema_migration)."""
    return {table: db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in table_names()}


def bind_proxy(db) -> None:
    from db.context import database

    database.initialize(db)


@pytest.fixture
def snapshot():
    return take_snapshot


@pytest.fixture
def bind():
    return bind_proxy


@pytest.fixture
def second_db(any_db, any_url, tmp_path):
    """A second fresh, initialised database on the backend of ``any_db``."""
    from bcenter.modules.registry.service import initialize
    from db.connection import open_database

    conn = schema = None
    if any_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'second.db'}"
    else:
        import psycopg2

        base = os.environ["BCENTER_TEST_PG"]
        schema = f"t_{uuid.uuid4().hex[:16]}"
        conn = psycopg2.connect(base.split("?")[0])
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{base}{'&' if '?' in base else '?'}schema={schema}"
    other = open_database(url)
    initialize(other)
    bind_proxy(any_db)
    try:
        yield other
    finally:
        if not other.is_closed():
            other.close()
        bind_proxy(any_db)
        if conn is not None:
            with conn.cursor() as cur:
                cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
            conn.close()


@pytest.fixture
def run_cli(capsys):
    def run(*args: str, db=None) -> tuple[int, str, str]:
        from bcenter.cli import main

        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        finally:
            if db is not None:
                bind_proxy(db)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
