"""The job lock (db.locks): a second writer waits, then refuses naming the first; a holder killed with kill -9 frees
it at once; within one thread it is re-entrant. The database's own errors come as words (db.failures)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import peewee as pw
import pytest

from bcenter.core.errors import ConfigError
from db.connection import connect
from db.failures import DatabaseBusy, plain_errors
from db.locks import JobBusy, job_lock

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent("""
    import sys
    from db.connection import connect
    from db.locks import job_lock
    db = connect(sys.argv[1])
    with job_lock(db, "ledger", holder="cli:клерк", what="расчёт месяца", wait=0):
        print("held", flush=True)
        sys.stdin.readline()
""")


def hold(url: str) -> subprocess.Popen:
    """Another process holding the lock until its stdin closes (or it is killed)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, url], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env={"PYTHONPATH": str(ROOT)})
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_job_refuses_naming_the_first_and_a_killed_holder_frees_the_lock(any_url):
    db = connect(any_url, create=True)
    holder = hold(any_url)
    try:
        with pytest.raises(JobBusy) as busy:
            with job_lock(db, "ledger", holder="cli:второй", what="закрытие периода", wait=0):
                pass
        message = str(busy.value)
        assert "расчёт месяца" in message and "cli:клерк" in message and f"процесс {holder.pid}" in message
    finally:
        holder.kill()  # kill -9: no chance to clean up
        holder.wait()
    with job_lock(db, "ledger", holder="cli:второй", what="закрытие периода", wait=5):
        row = db.execute_sql('SELECT holder, what FROM "job_lock"').fetchall()
        assert [tuple(r) for r in row] == [("cli:второй", "закрытие периода")]
    assert db.execute_sql('SELECT COUNT(*) FROM "job_lock"').fetchone()[0] == 0
    db.close()


def test_the_lock_is_reentrant_in_one_thread(sqlite_url):
    db = connect(sqlite_url, create=True)
    with job_lock(db, "ledger", holder="a", what="импорт", wait=0):
        with job_lock(db, "ledger", holder="a", what="расчёт", wait=0):
            assert db.execute_sql('SELECT what FROM "job_lock"').fetchone()[0] == "импорт"
    db.close()


@pytest.mark.parametrize("text, kind, words", [
    ("database is locked", DatabaseBusy, "занята"),
    ("attempt to write a readonly database", ConfigError, "только для чтения"),
    ("file is not a database", ConfigError, "не является базой"),
])
def test_the_driver_s_errors_come_as_words(text, kind, words):
    with pytest.raises(kind, match=words):
        with plain_errors():
            raise pw.OperationalError(text)


def test_opening_a_file_fresh_from_a_backup_waits_for_another_process_switching_it_to_wal(tmp_path):
    """A copy from `backup` is in rollback-journal mode; when two processes open it at once SQLite answers one of
    them «database is locked» at once, busy handler or not. The switch to WAL retries until the other is done."""
    import sqlite3

    from db import connection

    class Contended:
        """A connection whose first two switches meet another process's."""

        def __init__(self):
            self.tries = 0

        def execute(self, sql):
            self.tries += 1
            if self.tries <= 2:
                raise sqlite3.OperationalError("database is locked")
            return sqlite3.connect(":memory:").execute("SELECT 'wal'")

    conn = Contended()
    connection._enable_wal(conn)
    assert conn.tries == 3

    class Broken(Contended):
        def execute(self, sql):
            raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError, match="disk"):
        connection._enable_wal(Broken())

    path = tmp_path / "copy.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode=DELETE").fetchall()
    connect(f"sqlite:///{path}", create=True).close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
