"""The unit of work owns its database: with several databases open in one process (a sync server holding a site's
file beside its own), every row a unit writes — the domain row, its outbox row, its audit rows — lands in the
unit's database, whatever the models' default is, also from two threads at once."""
from __future__ import annotations

import threading

import pytest

from bcenter.core.ids import uuid7
from db.connection import close_database, connect, open_database
from db.models import Supplier
from db.uow import UnitOfWork
from tests.conftest import PG_URL, _drop_schema, _pg_schema_url

TABLES = ("supplier", "outbox", "audit_log")


def counts(db) -> dict[str, int]:
    return {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def names(db) -> set[str]:
    return {r[0] for r in db.execute_sql('SELECT name FROM "supplier"')}


def write(db, name: str) -> None:
    """Every write path of a unit: bulk rows, one row, an edit, a removal."""
    with UnitOfWork(action="test.write", actor="tester", db=db) as uow:
        sid = uow.insert(Supplier, name=f"{name} 1", inn="7701234567")
        uow.update(Supplier, sid, name=f"{name} 1а")
        uow.insert_rows(Supplier, ("id", "name", "inn"), [(uuid7(), f"{name} 2", "7702000000")])
        gone = uow.insert(Supplier, name=f"{name} 3", inn="7703000000")
        uow.delete_rows(Supplier, [gone])


@pytest.fixture
def default_db(tmp_path):
    """A third database as the models' default: anything that still went through it would show up there."""
    db = open_database(f"sqlite:///{tmp_path / 'default.db'}")
    yield db
    close_database()


@pytest.fixture(params=["sqlite+sqlite", "sqlite+postgresql"])
def two(request, tmp_path):
    a = connect(f"sqlite:///{tmp_path / 'a.db'}", create=True)
    if request.param == "sqlite+sqlite":
        b = connect(f"sqlite:///{tmp_path / 'b.db'}", create=True)
        yield a, b
        a.close(), b.close()
        return
    if not PG_URL:
        pytest.skip("BCENTER_TEST_PG is not set")
    conn, schema, url = _pg_schema_url(PG_URL)
    b = connect(url)
    try:
        yield a, b
    finally:
        a.close(), b.close()
        _drop_schema(conn, schema)


def test_each_unit_writes_only_its_own_database(two, default_db):
    a, b = two
    write(a, "Вода")
    write(b, "Тепло")
    write(a, "Свет")
    assert names(a) == {"Вода 1а", "Вода 2", "Свет 1а", "Свет 2"}
    assert names(b) == {"Тепло 1а", "Тепло 2"}
    assert counts(default_db) == dict.fromkeys(TABLES, 0)
    for db, units in ((a, 2), (b, 1)):
        audit = db.execute_sql("SELECT action FROM audit_log").fetchall()
        assert sorted(r[0] for r in audit) == sorted(
            ["test.write", "test.write:update", "test.write:delete"] * units)
        # three inserts, the update, the removal — each named in the outbox of the same database
        assert counts(db)["outbox"] == 5 * units


def test_two_threads_write_two_databases_at_once(two, default_db):
    a, b = two
    inside = threading.Barrier(2)
    errors = []

    def worker(db, name):
        try:
            with UnitOfWork(action="test.thread", actor=name, db=db) as uow:
                inside.wait(timeout=30)  # both units are open now
                uow.insert(Supplier, name=name, inn="7701234567")
                uow.insert_rows(Supplier, ("id", "name", "inn"), [(uuid7(), f"{name}+", "7701234567")])
                inside.wait(timeout=30)
        except Exception as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(db, name)) for db, name in ((a, "А"), (b, "Б"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert names(a) == {"А", "А+"} and names(b) == {"Б", "Б+"}
    assert counts(default_db) == dict.fromkeys(TABLES, 0)
