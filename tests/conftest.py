"""Shared fixtures: a fresh database per test, on SQLite always and on PostgreSQL when asked.

``db`` is a fresh SQLite file. ``any_db`` runs the test on SQLite and, when ``BCENTER_TEST_PG`` names a
server (e.g. ``postgresql://postgres@127.0.0.1:5432/test``), again on PostgreSQL in a schema of its own
that is dropped afterwards — the storage suites (models, migrations, import/export, unit of work) use it.
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # a checkout without an installed bcenter
    sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BCENTER_TEST_PG")
# Personal data is sealed under keys kept outside the database (db.sealing): the tests' keys live in a directory of
# their own, one per run (shared by its xdist workers and the programs they start), never the user's.
os.environ.setdefault("BCENTER_KEYS", os.path.join(
    __import__("tempfile").gettempdir(), f"bcenter-test-keys-{os.environ.get('PYTEST_XDIST_TESTRUNUID', os.getpid())}"))
EXAMPLE = ROOT / "docs" / "examples" / "full.json"


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def _pg_schema_url(base: str):
    import psycopg2

    schema = f"t_{uuid.uuid4().hex[:16]}"
    conn = psycopg2.connect(base.split("?")[0])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    return conn, schema, f"{base}{sep}schema={schema}"


_DROPPED = [0]
VACUUM_EVERY = 25
"""Schemas a process drops between two plain ``VACUUM`` of the catalogs (see ``pytest_sessionfinish``): on a server
without autovacuum the dead rows of one run alone slowed its later tests."""


def _drop_schema(conn, schema: str) -> None:
    """Drop a test's schema; one a lock holds for a minute (a connection the test left open in a transaction) is
    left, named, rather than the run hanging."""
    import psycopg2

    with conn.cursor() as cur:
        try:
            cur.execute("SET lock_timeout = '60s'")
            cur.execute(f'DROP SCHEMA "{schema}" CASCADE')
        except psycopg2.errors.LockNotAvailable:
            print(f"\nPostgreSQL schema {schema} not dropped: a lock stayed (a connection left open)", file=sys.stderr)
            conn.close()
            return
        _DROPPED[0] += 1
        if _DROPPED[0] % VACUUM_EVERY == 0:  # plain VACUUM: no lock the other workers' DDL waits on
            cur.execute(f"VACUUM {', '.join(_catalogs(cur))}")
    conn.close()


def _catalogs(cur) -> list[str]:
    """The database's own (not shared) catalog tables."""
    cur.execute("SELECT c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'r' AND NOT c.relisshared "
                "AND c.relnamespace = 'pg_catalog'::regnamespace ORDER BY 1")
    return [row[0] for row in cur.fetchall()]


def pytest_sessionfinish(session, exitstatus):
    """The last process out compacts the PostgreSQL catalogs the run bloated. Every run creates and drops hundreds of
    schemas; on a server without autovacuum (this machine's, CI's) their dead catalog rows stayed: 4 GB after a day
    of runs, and each run slower than the one before (the suite 11 → 17 minutes, a PostgreSQL test twice as slow).
    ``VACUUM FULL`` of the database's own catalogs takes seconds once no test is running (the xdist workers have
    finished when the controller gets here)."""
    if PG_URL:
        _pg_drop_pool()
    if not PG_URL or hasattr(session.config, "workerinput"):
        return
    import psycopg2

    try:
        conn = psycopg2.connect(PG_URL.split("?")[0])
    except psycopg2.Error:
        return
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"VACUUM FULL {', '.join(_catalogs(cur))}")
    except psycopg2.Error as exc:  # a server busy with another run: leave it, the next run's end compacts
        print(f"\nPostgreSQL catalogs not compacted: {exc}", file=sys.stderr)
    finally:
        conn.close()


@pytest.fixture
def sqlite_url(tmp_path):
    return _sqlite_url(tmp_path)


def _backends():
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(params=_backends())
def any_url(request, tmp_path):
    """A database URL on every configured backend (a fresh, empty database each time)."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path)
        return
    conn, schema, url = _pg_schema_url(PG_URL)
    try:
        yield url
    finally:
        from db.connection import close_database

        close_database()
        fingerprint = _PG_IN_USE.pop(schema, None)
        if fingerprint is not None and _pg_recycle(conn, schema, fingerprint):
            conn.close()
        else:
            _drop_schema(conn, schema)


# --- PostgreSQL: migrated schemas used again ----------------------------------------------------------------
# Migrating a new schema took 0.45 s and dropping it 0.15 s — 370 s of a run's 1 500 s of work went to ~430
# PostgreSQL tests' fixtures. An ``any_db`` schema is therefore emptied after its test and given to the next one
# of the process, renamed to the next test's name; one whose tables, columns, keys, indexes or migrations the test
# changed is dropped as before (``_pg_fingerprint``), so is one a leftover lock keeps (``lock_timeout``).
_PG_POOL: list[tuple[str, str]] = []
"""(schema, fingerprint): this process's emptied migrated schemas, free."""
_PG_IN_USE: dict[str, str] = {}
"""schema → its fingerprint when migrated: ``any_db`` schemas of running tests."""


def _pg_fingerprint(cur, schema: str) -> str:
    """A digest of the schema's structure — relations, columns and their defaults, constraints, indexes, views,
    sequences' parameters, triggers and functions — and its migrations, without its name (a pooled schema is
    renamed)."""
    cur.execute(
        "SELECT md5(replace(string_agg(x, ',' ORDER BY x), %s, '')) FROM ("
        "SELECT c.relname || ':' || c.relkind::text || ':' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) "
        "|| ':' || a.attnotnull::text AS x FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
        "AND NOT a.attisdropped WHERE c.relnamespace = %s::regnamespace "
        "UNION ALL SELECT 'k:' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = %s::regnamespace "
        "UNION ALL SELECT 'i:' || indexdef FROM pg_indexes WHERE schemaname = %s "
        "UNION ALL SELECT 'd:' || c.relname || ':' || a.attname || ':' || pg_get_expr(d.adbin, d.adrelid) "
        "FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = d.adrelid "
        "AND a.attnum = d.adnum WHERE c.relnamespace = %s::regnamespace "
        "UNION ALL SELECT 'v:' || c.relname || ':' || pg_get_viewdef(c.oid) FROM pg_class c "
        "WHERE c.relkind IN ('v', 'm') AND c.relnamespace = %s::regnamespace "
        "UNION ALL SELECT 's:' || sequencename || ':' || increment_by || ':' || min_value || ':' || max_value || ':' "
        "|| cycle::text FROM pg_sequences WHERE schemaname = %s "
        "UNION ALL SELECT 't:' || c.relname || ':' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = %s::regnamespace "
        "UNION ALL SELECT 'f:' || proname FROM pg_proc WHERE pronamespace = %s::regnamespace) t",
        (f"{schema}.", schema, schema, schema, schema, schema, schema, schema, schema))
    digest = cur.fetchone()[0]
    cur.execute(f'SELECT string_agg(version::text, \',\' ORDER BY version) FROM "{schema}".schema_migration')
    return f"{digest}:{cur.fetchone()[0]}"


def _pg_take(schema: str) -> bool:
    """Put a pooled schema in place of the new empty ``schema``; False when the pool is empty."""
    import psycopg2

    if not _PG_POOL:
        return False
    pooled, fingerprint = _PG_POOL.pop()
    conn = psycopg2.connect(PG_URL.split("?")[0])
    try:
        with conn, conn.cursor() as cur:
            cur.execute(f'DROP SCHEMA "{schema}"')
            cur.execute(f'ALTER SCHEMA "{pooled}" RENAME TO "{schema}"')
    finally:
        conn.close()
    _PG_IN_USE[schema] = fingerprint
    return True


def _pg_recycle(conn, schema: str, fingerprint: str) -> bool:
    """Empty the schema of a finished test and pool it: every table but ``schema_migration`` truncated (those with a
    row), every sequence back to 1. False — the schema is dropped instead — when its structure changed or a lock
    held by something the test left running does not come free."""
    import psycopg2

    try:
        conn.autocommit = False
        with conn, conn.cursor() as cur:
            cur.execute("SET LOCAL lock_timeout = '5s'")
            if _pg_fingerprint(cur, schema) != fingerprint:
                return False
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> 'schema_migration'",
                        (schema,))
            tables = [row[0] for row in cur.fetchall()]
            cur.execute(" UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{schema}\".\"{t}\")"
                                           for t in tables))
            filled = [row[0] for row in cur.fetchall()]
            if filled:
                cur.execute("TRUNCATE " + ", ".join(f'"{schema}"."{t}"' for t in filled) + " CASCADE")
            cur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = %s", (schema,))
            for (sequence,) in cur.fetchall():
                cur.execute(f'ALTER SEQUENCE "{schema}"."{sequence}" RESTART')
            pooled = f"p_{uuid.uuid4().hex[:16]}"
            cur.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{pooled}"')
        _PG_POOL.append((pooled, fingerprint))
        return True
    except psycopg2.Error:
        conn.rollback()
        return False
    finally:
        conn.autocommit = True


def _pg_drop_pool() -> None:
    """Drop this process's pooled schemas (at the end of its session)."""
    if not _PG_POOL:
        return
    import psycopg2

    conn = psycopg2.connect(PG_URL.split("?")[0])
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for pooled, _fingerprint in _PG_POOL:
                cur.execute(f'DROP SCHEMA IF EXISTS "{pooled}" CASCADE')
        _PG_POOL.clear()
    finally:
        conn.close()


_MIGRATED: list[Path] = []
"""This process's empty SQLite file with every migration applied (``_migrated_copy``)."""


def _migrated_copy(url: str) -> None:
    """Put a migrated empty file where ``url`` points (a new SQLite file): a copy of one this process migrated once.
    Replaying the schema's history took 0.3 s a database — 40 % of the suite's fixture time; what a migration does
    to a new file is the migration tests' (tests/db), not every test's."""
    import atexit
    import shutil
    import tempfile

    from db.connection import connect, sqlite_path

    path = sqlite_path(url)
    if path is None or path.exists():
        return
    if not _MIGRATED:
        folder = tempfile.mkdtemp(prefix="bcenter-migrated-")
        atexit.register(shutil.rmtree, folder, True)
        template = Path(folder) / "empty.db"
        connect(f"sqlite:///{template}", create=True).close()
        _MIGRATED.append(template)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_MIGRATED[0], path)
    path.chmod(0o600)


def _open(url: str):
    from bcenter.modules.registry.service import initialize
    from db.connection import close_database, open_database

    import re

    _migrated_copy(url)
    schema = re.search(r"[?&]schema=([^&]+)", url) if PG_URL and not url.startswith("sqlite") else None
    reused = schema is not None and _pg_take(schema.group(1))
    db = open_database(url)
    if schema is not None and not reused:  # migrated now: its fingerprint, for its reuse after the test
        _PG_IN_USE[schema.group(1)] = _pg_fingerprint(db.cursor(), schema.group(1))
    initialize(db)
    return db, close_database


@pytest.fixture
def db(sqlite_url):
    """A fresh, initialised SQLite database (migrated, site identity, law tables)."""
    database, close = _open(sqlite_url)
    yield database
    close()


@pytest.fixture
def any_db(any_url):
    """A fresh, initialised database on every configured backend."""
    database, close = _open(any_url)
    yield database
    close()


@pytest.fixture
def example_doc():
    """The documented example exchange document (a fresh copy per test)."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))
