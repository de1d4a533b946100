"""Every report of the registry by every cut gives the same document on PostgreSQL as on SQLite (issue 21): the
screens' town copied into a PostgreSQL schema, a closed and the open month, and the XLSX written from there."""
from __future__ import annotations

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from db.connection import make_database
from tests.conftest import PG_URL, _drop_schema, _pg_schema_url
from tests.finance.towns import OPEN, TODAY

pytestmark = pytest.mark.skipif(not PG_URL, reason="BCENTER_TEST_PG is not set")


@pytest.fixture(scope="module")
def both(town):
    from db.connection import close_database
    from db.transfer import copy_sqlite_to_postgres

    conn, schema, url = _pg_schema_url(PG_URL)
    db = make_database(url)
    db.connect()
    copy_sqlite_to_postgres(town, db)
    db.close()
    lite, pg = App.open(f"sqlite:///{town}", clock=FixedClock(TODAY)), App.open(url, clock=FixedClock(TODAY))
    try:
        yield lite, pg
    finally:
        lite.close()
        pg.close()
        close_database()
        _drop_schema(conn, schema)


def test_every_report_is_the_same_on_both_databases(both, tmp_path):
    lite, pg = both
    reports = lite.reports.list()
    assert [r.name for r in pg.reports.list()] == [r.name for r in reports]
    for report in reports:
        for by in report.cuts:
            for period in (OPEN - 1, OPEN):
                assert pg.reports.json(report.name, period=period, by=by) == \
                    lite.reports.json(report.name, period=period, by=by), (report.name, by, period)
    totals = pg.reports.write("osv", period=OPEN - 1, by="manager", out=tmp_path / "osv.xlsx")
    assert totals == lite.reports.write("osv", period=OPEN - 1, by="manager", out=tmp_path / "lite.xlsx")
