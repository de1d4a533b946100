"""The unit of work: a domain change, its outbox rows and its audit record commit or roll back together,
and no domain table can change without an outbox row — checked for every writer we have."""
from __future__ import annotations

import json

import peewee as pw
import pytest

from bcenter.core.ids import uuid7
from db.models import DOMAIN_MODELS, AuditLog, Outbox, Supplier, UnitOfWorkRequired
from db.uow import UnitOfWork


def outbox_ids(db) -> dict[str, set[str]]:
    """Table → the ids its outbox rows name; for a table recorded by a column value (``Meta.outbox_by``, e.g. the
    period of the balance snapshots), the values as «column=value»."""
    out: dict[str, set[str]] = {}
    from db.packed_ids import unpack_ids

    for table, packed, changes in db.execute_sql("SELECT table_name, packed_ids, changes FROM outbox"):
        out.setdefault(table, set()).update(unpack_ids(packed))
        for column, value in (json.loads(changes or "{}").get("where") or {}).items():
            out[table].add(f"{column}={value}")
    return out


def assert_every_row_in_outbox(db) -> int:
    """Every row of every synced domain table is named by an outbox row: of its table, of its parent (a journal
    entry's lines and postings) or of its table's group (a period's snapshots)."""
    recorded = outbox_ids(db)
    total = 0
    for model in DOMAIN_MODELS:
        table = model._meta.table_name
        by = getattr(model._meta, "outbox_by", None)
        if by is None:
            ids = {str(r[0]) for r in db.execute_sql(f'SELECT id FROM "{table}"')}
            missing = ids - recorded.get(table, set())
        elif isinstance(model._meta.columns[by], pw.ForeignKeyField):
            parent = model._meta.columns[by].rel_model._meta.table_name
            ids = {str(r[0]) for r in db.execute_sql(f'SELECT DISTINCT "{by}" FROM "{table}"')}
            missing = ids - recorded.get(parent, set())
        else:
            ids = {f"{by}={r[0]}" for r in db.execute_sql(f'SELECT DISTINCT "{by}" FROM "{table}"')}
            missing = ids - recorded.get(table, set())
        assert not missing, f"{table}: {len(missing)} rows written without an outbox record"
        total += db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    return total


def test_peewee_writes_outside_a_unit_are_refused(any_db):
    with pytest.raises(UnitOfWorkRequired):
        Supplier.create(name="ООО Вода", inn="7701234567")
    with pytest.raises(UnitOfWorkRequired):
        Supplier.insert_many([{"name": "x", "inn": "1"}]).execute()
    with pytest.raises(UnitOfWorkRequired):
        Supplier.update(name="y").execute()
    with pytest.raises(UnitOfWorkRequired):
        Supplier.delete().execute()
    with UnitOfWork(action="test.sneak", db=any_db):  # inside a unit too: only the unit's own methods write
        with pytest.raises(UnitOfWorkRequired):
            Supplier.insert(id=uuid7(), name="x", inn="1").execute()


def test_commit_writes_domain_outbox_and_audit_together(any_db):
    with UnitOfWork(action="test.add", actor="tester", db=any_db) as uow:
        sid = uow.insert(Supplier, name="ООО Вода", inn="7701234567")
        uow.insert_rows(Supplier, ("id", "name", "inn"), [(uuid7(), "Теплосеть", "7702000000")])
    assert Supplier.select().count() == 2
    assert {r.table_name for r in Outbox.select().where(Outbox.unit_id == uow.id)} == {"supplier"}
    audit = AuditLog.get(AuditLog.unit_id == uow.id)
    assert audit.actor == "tester" and audit.summary["rows"] == {"supplier": 2}
    assert sid in outbox_ids(any_db)["supplier"]


def test_error_rolls_back_everything(any_db):
    before = (Supplier.select().count(), Outbox.select().count(), AuditLog.select().count())
    with pytest.raises(RuntimeError):
        with UnitOfWork(action="test.fail", db=any_db) as uow:
            uow.insert(Supplier, name="x", inn="1")
            raise RuntimeError("boom")
    assert (Supplier.select().count(), Outbox.select().count(), AuditLog.select().count()) == before


def test_update_records_before_and_after(any_db):
    with UnitOfWork(action="test.add", db=any_db) as uow:
        sid = uow.insert(Supplier, name="ООО Вода", inn="7701234567")
    with UnitOfWork(action="test.rename", actor="оператор", db=any_db) as uow:
        uow.update(Supplier, sid, name="ООО «Водоканал»")
    row = AuditLog.get((AuditLog.table_name == "supplier") & (AuditLog.row_id == sid))
    assert row.before == {"name": "ООО Вода"} and row.after == {"name": "ООО «Водоканал»"}
    change = Outbox.get((Outbox.unit_id == uow.id) & (Outbox.op == "update"))
    assert change.changes == {"after": {"name": "ООО «Водоканал»"}, "before": {"name": "ООО Вода"}}
    assert change.hlc is not None


def test_units_do_not_nest(any_db):
    with UnitOfWork(action="outer", db=any_db):
        with pytest.raises(RuntimeError):
            with UnitOfWork(action="inner", db=any_db):
                pass


def test_init_import_and_demo_leave_nothing_outside_the_outbox(any_db, example_doc):
    """The invariant for every writer: init (fixture), exchange import, the demo town."""
    from bcenter.core.period import Period
    from bcenter.modules.demo.service import build_demo
    from bcenter.modules.exchange.service import import_data

    import_data(example_doc, db=any_db)
    build_demo(any_db, accounts=40, seed=3, until=Period(2026, 2))  # its history opens after the example's closed months
    assert assert_every_row_in_outbox(any_db) > 1000


def test_a_month_and_its_close_are_recorded_by_entry_and_by_period(any_url, tmp_path):
    """Issue 11: a charge line or posting is recorded through its journal entry (sync ships the entry whole), the
    period's balance snapshots by the period — and still every row is accounted for."""
    from bcenter.cli import main

    assert main(["--db", any_url, "demo", "--accounts", "30", "--until", "2026-03", "--ledger"]) == 0
    from db.connection import open_database

    db = open_database(any_url)
    tables = {t for (t,) in db.execute_sql("SELECT DISTINCT table_name FROM outbox")}
    assert not tables & {"charge_line", "posting"}
    snapshots = [json.loads(c) for (c,) in db.execute_sql(
        "SELECT changes FROM outbox WHERE table_name = 'balance_snapshot'")]
    assert snapshots and all(c["where"].keys() == {"period"} for c in snapshots)
    assert len({c["where"]["period"] for c in snapshots}) == len(snapshots)  # once per period
    assert assert_every_row_in_outbox(db) > 1000


def test_a_part_without_its_entry_in_the_unit_is_refused(any_db):
    from bcenter.core.period import Period
    from db.ledger import LedgerWriter, PostingRow
    from db.models import Posting

    with UnitOfWork(action="test", db=any_db) as uow:
        with pytest.raises(ValueError, match="not inserted by this unit"):
            uow.insert_rows(Posting, PostingRow._fields,
                            [PostingRow(uuid7(), "penalties", None, None, None, str(Period(2026, 1)), 1)])
        assert LedgerWriter(uow).postings == 0
