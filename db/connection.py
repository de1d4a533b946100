"""One database chosen by URL: ``sqlite:///path`` (default, embedded) or ``postgresql://…``.

SQLite pragmas follow ARCHITECTURE.md §4: WAL, foreign keys on, a busy timeout, ``synchronous=FULL``
because the file holds money.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import peewee as pw

from bcenter.core.errors import ConfigError
from db.context import database
from db.migrations import migrate as run_migrations

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "full",
    "cache_size": -64_000,
    "temp_store": "memory",
}

def default_url() -> str:
    """``BCENTER_DB`` if set, else a file under the user's data directory."""
    env = os.environ.get("BCENTER_DB")
    if env:
        return env
    import platformdirs

    path = Path(platformdirs.user_data_dir("bcenter")) / "bcenter.db"
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, or None for another backend or ``:memory:``."""
    if not url.startswith("sqlite:///"):
        return None
    rest = unquote(url[len("sqlite:///"):].split("?", 1)[0])
    return None if rest in ("", ":memory:") else Path(rest)


def make_database(url: str) -> pw.Database:
    """A peewee database for the URL (not yet connected)."""
    if url.startswith("sqlite:///") or url == "sqlite://":
        path = sqlite_path(url)
        if path is None:
            return pw.SqliteDatabase(":memory:", pragmas=SQLITE_PRAGMAS)
        path.parent.mkdir(parents=True, exist_ok=True)
        return pw.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)
    if url.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg2  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError("Для PostgreSQL установите пакет psycopg2-binary (pip install 'bcenter[pg]').") from exc
        parts = urlparse(url)
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        schema = options.pop("schema", None)
        kwargs = dict(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            **options,
        )
        if schema:
            kwargs["options"] = f"-c search_path={schema}"
        name = parts.path.lstrip("/") or "postgres"
        return pw.PostgresqlDatabase(name, **{k: v for k, v in kwargs.items() if v is not None})
    raise ConfigError(
        f"Неизвестный адрес базы данных «{url}»: ожидается sqlite:///путь или postgresql://пользователь@хост/база."
    )


def connect(url: str, *, migrate: bool = True) -> pw.Database:
    """A connected database for the URL with its schema brought up to date — owned by the caller (an application
    object, a worker, a sync server beside a site's file); nothing global is touched."""
    db = make_database(url)
    db.connect(reuse_if_open=True)
    if migrate:
        run_migrations(db)
    return db


def open_database(url: str | None = None, *, migrate: bool = True) -> pw.Database:
    """Connect to the database at `url` and make it the models' default (scripts, tests, worker processes)."""
    db = connect(url or default_url(), migrate=migrate)
    database.initialize(db)
    return db


def close_database() -> None:
    """Close the default database (``open_database``)."""
    db = database.default
    if db is not None and not db.is_closed():
        db.close()
