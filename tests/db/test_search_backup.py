"""Account search (FTS5 / tsvector) by number, street or name, and SQLite online backup and restore."""
from __future__ import annotations

import sqlite3

import pytest

from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange.service import import_data
from db.backup import backup_sqlite, restore_sqlite
from db.models import Account
from db.search import search_accounts


def test_search_by_number_street_and_name(any_db, example_doc):
    import_data(example_doc, db=any_db)
    number = example_doc["accounts"][0]["number"]
    assert [r["number"] for r in search_accounts(any_db, number)] == [number]
    street = example_doc["houses"][0]["address"]["street"].split()[-1]
    assert len(search_accounts(any_db, street.lower())) >= 2
    person = next(p for p in example_doc["persons"] if p["id"] == example_doc["accounts"][0]["holder"]["person"])
    found = search_accounts(any_db, person["last_name"][:4].upper())
    assert number in {r["number"] for r in found}
    assert search_accounts(any_db, "несуществующаяулица") == []
    assert search_accounts(any_db, "  ") == []


def test_backup_and_restore_roundtrip(db, example_doc, tmp_path):
    import_data(example_doc, db=db)
    target = tmp_path / "copy.db"
    assert backup_sqlite(db, target) > 0
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT COUNT(*) FROM account").fetchone()[0] == len(example_doc["accounts"])
    copy.close()
    # damage the live data, then restore
    db.execute_sql("PRAGMA foreign_keys=OFF")
    db.execute_sql("DELETE FROM account_service")
    db.execute_sql("PRAGMA foreign_keys=ON")
    restore_sqlite(db, target)
    assert Account.select().count() == len(example_doc["accounts"])
    assert db.execute_sql("SELECT COUNT(*) FROM account_service").fetchone()[0] > 0


def test_restore_refuses_a_file_that_is_not_a_bcenter_database(db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ValidationFailed) as err:
        restore_sqlite(db, junk)
    assert "junk.db" in str(err.value)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ValidationFailed):
        restore_sqlite(db, other)


def test_search_folds_yo(any_db, example_doc):
    """«Ковалева» finds «Ковалёва»; «Ковалёва» finds it too."""
    example_doc["persons"][0]["last_name"] = "Ковалёва"
    import_data(example_doc, db=any_db)
    assert search_accounts(any_db, "ковалева") and search_accounts(any_db, "КОВАЛЁВА")
    assert "Ковалёва" in search_accounts(any_db, "ковалева")[0]["names"]


def test_a_broad_search_is_answered_by_account_number_without_ranking(db, example_doc, monkeypatch):
    """A query matching more than ``BROAD`` accounts (a two-letter prefix of the town's name) is not ranked — any
    order is as relevant — but answered by account number at once; a narrow one stays ranked."""
    import db.search as search

    import_data(example_doc, db=db)
    everyone = sorted(a["number"] for a in example_doc["accounts"])
    city = example_doc["houses"][0]["address"]["city"].split()[-1][:2]
    monkeypatch.setattr(search, "BROAD", 1)
    assert [r["number"] for r in search_accounts(db, city, limit=2)] == everyone[:2]
    monkeypatch.setattr(search, "BROAD", 1000)
    assert sorted(r["number"] for r in search_accounts(db, city)) == everyone
