"""A close computes every balance before it commits (a minute at city size, the penalty entries written part by
part meanwhile); anything another program writes in that time — a payment taken at a kiosk — would be missing from
the snapshots. Such a close fails with a message saying what happened and what to do, leaves the period open and
writes nothing; the payment stays, and the next close counts it. On SQLite and PostgreSQL (``BCENTER_TEST_PG``)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bcenter.core.errors import PeriodClosed
from bcenter.core.period import Period
from bcenter.modules.demo.service import build_demo
from bcenter.modules.registry import closing, month, periods
from bcenter.modules.registry.service import initialize
from db.connection import close_database, open_database
from db.dialect import param_mark
from tests.conftest import ROOT

FIRST, SECOND = Period.parse("2025-11"), Period.parse("2025-12")


def _pay_from_another_program(url: str, tmp_path, account: str) -> None:
    doc = tmp_path / "kiosk.json"
    doc.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, "payments": [
        {"id": "kiosk-1", "account": account, "amount": "100.00", "paid_on": f"{SECOND}-20", "channel": "cash"}]}),
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "bcenter.cli", "--db", url, "import", str(doc)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_payment_written_while_the_balances_are_computed_fails_the_close(any_url, tmp_path, monkeypatch):
    url = any_url
    db = open_database(url)
    try:
        initialize(db)
        build_demo(db, accounts=40, seed=3, until=SECOND)
        month.run_month(db, FIRST)
        closing.close_period(db, FIRST)  # numbers the (service, supplier) pairs: the next close writes nothing first
        month.run_month(db, SECOND)
        account = db.execute_sql('SELECT number FROM "account" ORDER BY number LIMIT 1').fetchone()[0]
        entries = db.execute_sql('SELECT COUNT(*) FROM "journal_entry"').fetchone()[0]
        real = closing.compute_balances

        def meanwhile(*args, **kwargs):
            _pay_from_another_program(url, tmp_path, account)
            return real(*args, **kwargs)

        monkeypatch.setattr(closing, "compute_balances", meanwhile)
        with pytest.raises(PeriodClosed, match="пока считались сальдо, в базу записали новые данные — повторите "
                                               f"bcenter close --period {SECOND}"):
            closing.close_period(db, SECOND)
        assert not periods.is_closed(SECOND)
        assert db.execute_sql('SELECT COUNT(*) FROM "journal_entry"').fetchone()[0] == entries  # no PENALTY entry
        assert db.execute_sql('SELECT COUNT(*) FROM "payment" p JOIN "account" a ON a.id = p.account_id '
                              f'WHERE a.number = {param_mark(db)} AND p.ext_id = \'kiosk-1\'',
                              (account,)).fetchone()[0] == 1  # the kiosk's payment is kept

        monkeypatch.setattr(closing, "compute_balances", real)
        closing.close_period(db, SECOND)  # repeated: it closes, with the payment
        assert periods.is_closed(SECOND)
    finally:
        close_database()
