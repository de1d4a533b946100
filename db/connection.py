"""One database chosen by URL: ``sqlite:///path`` (default, embedded) or ``postgresql://…``.

SQLite pragmas follow ARCHITECTURE.md §4: WAL, foreign keys on, a busy timeout, ``synchronous=FULL``
because the file holds money.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import peewee as pw

from bcenter.core.errors import ConfigError
from db.context import database
from db.dialect import is_postgres, register_postgres_adapters
from db.failures import DatabaseBusy
from db.migrations import LATEST, applied_versions
from db.migrations import migrate as run_migrations

SQLITE_PRAGMAS = {
    "busy_timeout": 10_000,  # first: the pragmas after it may wait for another process
    "foreign_keys": 1,
    "synchronous": "full",
    "cache_size": -64_000,
    "temp_store": "memory",
}



def _uuid_from_storage(value: bytes) -> str:
    """A column declared UUID read back: 16 bytes → the canonical text (a text id of a file not yet migrated to
    step 8 passes as it is). Called for every key read, so it formats the hex itself: 4× faster than
    ``str(uuid.UUID(bytes=…))`` (close of the demo town: 2.5 s of 26 under the profiler)."""
    found = _UUID_TEXTS.get(value)
    if found is not None:  # the same keys come back row after row (services, suppliers, houses, accounts)
        return found
    if len(value) != 16:
        return value.decode()
    h = value.hex()
    found = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    if len(_UUID_TEXTS) >= 50_000:
        _UUID_TEXTS.clear()
    _UUID_TEXTS[value] = found
    return found


_UUID_TEXTS: dict[bytes, str] = {}
"""The keys read lately, by their bytes (cleared at 50 000: a few MB)."""


# Columns are read with their declared types (PARSE_DECLTYPES) so that keys come back as text; the two converters
# Python registers by default (DATE, TIMESTAMP → date objects) are replaced by text, which every reader expects.
sqlite3.register_converter("UUID", _uuid_from_storage)
sqlite3.register_converter("DATE", bytes.decode)
sqlite3.register_converter("TIMESTAMP", bytes.decode)
SQLITE_FIELD_TYPES = {"UUID": "UUID", "XID8": "INTEGER"}  # peewee's default maps UUID to TEXT on SQLite


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


BUSY_TIMEOUT_S = SQLITE_PRAGMAS["busy_timeout"] / 1000


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch a connection's file to WAL mode (readers never wait for a writer), retrying while another process holds
    it: a file fresh from ``backup``/``restore`` is in rollback-journal mode, and when two processes open it at once
    SQLite answers one of them «database is locked» at once, without its busy handler (each holds a shared lock the
    other's switch needs). The switch is a no-op on a file already in WAL mode."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    delay = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode = wal").fetchall()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)  # back off: the other process finishes its switch in a moment
        delay = min(delay * 2, 0.2)


class SqliteFile(pw.SqliteDatabase):
    """A bcenter SQLite database: its pragmas, then WAL mode, on every connection it opens."""

    def _add_conn_hooks(self, conn):
        super()._add_conn_hooks(conn)
        _enable_wal(conn)


def make_database(url: str) -> pw.Database:
    """A peewee database for the URL (not yet connected)."""
    if url.startswith("sqlite:///") or url == "sqlite://":
        path = sqlite_path(url)
        options = dict(pragmas=SQLITE_PRAGMAS, field_types=SQLITE_FIELD_TYPES, detect_types=sqlite3.PARSE_DECLTYPES)
        return SqliteFile(":memory:" if path is None else str(path), **options)
    if url.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg2  # noqa: F401
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigError("Для PostgreSQL установите пакет psycopg2-binary (pip install 'bcenter[pg]').") from exc
        register_postgres_adapters()
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
        f"Неизвестный адрес базы данных «{shown_url(url)}»: ожидается sqlite:///путь или "
        "postgresql://пользователь@хост/база."
    )


def shown_url(url: str) -> str:
    """The address as a message or a screen may show it: its password replaced by ``***``."""
    try:
        password = urlparse(url).password
    except ValueError:
        return url
    return url.replace(f":{password}@", ":***@", 1) if password else url


def connect(url: str, *, migrate: bool = True, create: bool = False) -> pw.Database:
    """A connected database for the URL with its schema brought up to date — owned by the caller (an application
    object, a worker, a sync server beside a site's file); nothing global is touched.

    A SQLite file that does not exist is created (readable by its owner only) when ``create`` — else refused: a
    mistyped path must not become an empty database a calculation then «succeeds» on. A database of another
    program, or of a newer bcenter, is refused before anything is written to it (``check_identity``)."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise ConfigError(f"Базы «{path}» нет: проверьте путь (--db или BCENTER_DB). Новую базу создают "
                              "bcenter init, bcenter demo и bcenter import.")
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    elif path is not None:  # looked at read-only first: opening it sets WAL mode, which rewrites the file's header
        _identify(*_sqlite_header(path), str(path))
    db = make_database(url)
    db.connect(reuse_if_open=True)
    if is_postgres(db):
        tables = set(db.get_tables())
        _identify(0, tables, applied_versions(db)[-1:] if "schema_migration" in tables else [], shown_url(url))
    if migrate:
        run_migrations(db)
        stamp_identity(db)
    return db


def open_database(url: str | None = None, *, migrate: bool = True, create: bool = True) -> pw.Database:
    """Connect to the database at `url` and make it the models' default (scripts, tests, worker processes)."""
    db = connect(url or default_url(), migrate=migrate, create=create)
    database.initialize(db)
    return db


def close_database() -> None:
    """Close the default database (``open_database``)."""
    db = database.default
    if db is not None and not db.is_closed():
        db.close()


APPLICATION_ID = 0x62636E74
"""``PRAGMA application_id`` of a bcenter SQLite file («bcnt»): a file with another is another program's."""


def _tables(db: pw.Database) -> set[str]:
    return set(db.get_tables())


def _sqlite_header(path: Path) -> tuple[int, set[str], list[int]]:
    """The application id, tables and schema versions of a SQLite file, read without changing it."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ConfigError(f"Файл базы «{path}» не открывается: {exc}") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migration ORDER BY version")] \
            if "schema_migration" in tables else []
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseBusy(f"База «{path}» занята другой программой: повторите через минуту") from exc
        raise ConfigError(f"Файл базы «{path}» не читается: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise ConfigError(f"«{path}» не является базой bcenter или повреждён ({exc}): укажите другой файл или "
                          "восстановите копию (bcenter restore)") from exc
    finally:
        conn.close()
    return app_id, tables, versions


def _identify(app_id: int, tables: set[str], versions: list[int], where: str) -> None:
    """Refuse a database that is not bcenter's (another program's tables, another application id) or whose schema is
    newer than this version knows — naming what was found. An empty database, or a bcenter one from before the
    application id, passes."""
    if app_id not in (0, APPLICATION_ID):
        raise ConfigError(f"«{where}» — база другой программы (application_id {app_id:#x}), не bcenter: "
                          "укажите файл базы bcenter")
    if tables and "schema_migration" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
        raise ConfigError(f"«{where}» — база другой программы (таблицы: {shown}), не bcenter: в ней ничего не "
                          "изменено; укажите файл базы bcenter")
    if versions and versions[-1] > LATEST:
        raise ConfigError(f"Схема базы «{where}» — версия {versions[-1]}, а эта версия bcenter знает до {LATEST}: "
                          "обновите bcenter (база не изменена)")


def stamp_identity(db: pw.Database) -> None:
    """Mark a SQLite file as bcenter's (its header's application id)."""
    if not is_postgres(db) and db.execute_sql("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
