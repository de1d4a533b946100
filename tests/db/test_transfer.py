"""A SQLite database copied into PostgreSQL (``db.transfer``) prints there what it printed on SQLite — charges,
balances, debts and penalties of the last months, the open month's bills' recipients — and takes the next write
(the sequences were moved past the copied rows)."""
from __future__ import annotations

import pytest

from tests.conftest import PG_URL
from tests.scenarios.town_baseline import cli

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not PG_URL, reason="BCENTER_TEST_PG is not set")]


def _reports(url: str) -> dict[str, str]:
    out = {}
    for args in (("charges", "--period", "2026-03"), ("balances", "--period", "2026-02"),
                 ("balances", "--period", "2026-03"), ("debts", "--as-of", "2026-03-31"),
                 ("penalties", "--as-of", "2026-03-31")):
        code, text = cli("--db", url, *args, "--json")
        assert code == 0, args
        out[" ".join(args)] = text
    return out


def test_a_sqlite_town_copied_into_postgresql_prints_the_same(tmp_path):
    from db.connection import close_database, make_database
    from db.transfer import copy_sqlite_to_postgres
    from tests.conftest import _drop_schema, _pg_schema_url

    path = tmp_path / "office.db"
    sqlite_url = f"sqlite:///{path}"
    assert cli("--db", sqlite_url, "demo", "--accounts", "30", "--until", "2026-03", "--ledger")[0] == 0
    before = _reports(sqlite_url)
    close_database()
    conn, schema, url = _pg_schema_url(PG_URL)
    try:
        db = make_database(url)
        db.connect()
        copy_sqlite_to_postgres(path, db)
        db.close()
        assert _reports(url) == before
        assert cli("--db", url, "close", "--period", "2026-03")[0] == 0  # new rows, new outbox sequence numbers
    finally:
        close_database()
        _drop_schema(conn, schema)


def test_bcenter_copy_to_moves_an_office_database_whole_into_postgresql(tmp_path, capsys):
    """`bcenter copy-to` — what the README's «SQLite → PostgreSQL» move runs: the closed months come with their
    postings (the exchange document carries none: imported, they arrived empty — review of 2026-12-07), the reports
    are the same, and a second copy into the same database is refused rather than mixed in."""
    from bcenter.cli import main
    from db.connection import close_database
    from tests.conftest import _drop_schema, _pg_schema_url

    sqlite_url = f"sqlite:///{tmp_path / 'office.db'}"
    assert cli("--db", sqlite_url, "demo", "--accounts", "30", "--until", "2026-03", "--ledger")[0] == 0
    before = _reports(sqlite_url)
    close_database()
    conn, schema, url = _pg_schema_url(PG_URL)
    try:
        capsys.readouterr()
        assert main(["--db", sqlite_url, "copy-to", url]) == 0
        said = capsys.readouterr().out
        assert "База перенесена в postgresql://" in said and "закрытых месяцев 0" not in said, said
        assert _reports(url) == before
        assert main(["--db", sqlite_url, "copy-to", url]) == 1
        assert "не пуста" in capsys.readouterr().err
    finally:
        close_database()
        _drop_schema(conn, schema)
