"""A database made by an earlier release opens, migrates and prints what that release printed (issue 11).

The fixtures (``data/release-<N>.*``, made by ``old_release.py record`` on the code of schema step N) are the SQLite
file of a 20-account demo town and the digests of every report and of the bills' text that code printed from it.
"""
from __future__ import annotations

import gzip
import json
import sqlite3

import pytest

from db.migrations import LATEST
from tests.db import old_release as old

RELEASES = sorted(int(p.name.split("-")[1].split(".")[0]) for p in old.DATA.glob("release-*.db.gz"))


@pytest.mark.parametrize("release", RELEASES)
def test_a_database_of_an_earlier_release_migrates_and_prints_the_same(tmp_path, release):
    url = old.restore(old.DATA / f"release-{release}.db.gz", tmp_path / "old.db")
    recorded = json.loads(gzip.decompress((old.DATA / f"release-{release}.outputs.json.gz").read_bytes()))
    assert recorded["schema"] == release

    code, text = old.cli("--db", url, "info")  # opening migrates
    assert code == 0, text
    conn = sqlite3.connect(tmp_path / "old.db")
    versions = [v for (v,) in conn.execute("SELECT version FROM schema_migration ORDER BY version")]
    conn.close()
    assert versions[-1] == LATEST and versions[:release] == list(range(1, release + 1))

    found = old.outputs(url, tmp_path)
    differ = sorted(k for k in recorded["outputs"] if found.get(k) != recorded["outputs"][k])
    assert not differ, f"printed differently after the migration: {differ}"

    # the migrated database keeps working: the open month recalculates to nothing new, then closes
    code, text = old.cli("--db", url, "calc", "--period", old.UNTIL, "--json")
    assert code == 0, text
    assert json.loads(text)["lines"] == {}, text
    code, text = old.cli("--db", url, "close", "--period", old.UNTIL)
    assert code == 0, text
    assert old.outputs(url, tmp_path)[f"charges {old.UNTIL}"] == recorded["outputs"][f"charges {old.UNTIL}"]
