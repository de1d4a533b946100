"""The carry (``bcenter.engine.carry``) against what it summarises, after changes an adversarial review found it
missed (2026-12-07): the closes and the reports from the carries must be what the same database gives computed from
the first month.

* a service moved to another supplier: an opening balance stays owed to the supplier it names (schema step 36; it
  used to follow the service's current one), so the carry made before the move still holds — the close posts what a
  close from the first month posts;
* the debt ageing of the last closed month reads the carries its close stored — not once a payment dated into that
  month was written after the close: it then shows what ``bcenter debts`` shows.
"""
from __future__ import annotations

import shutil

import pytest

from bcenter.modules.exchange.service import export_document, import_data
from bcenter.modules.finance.position import Finance
from tests.finance.towns import OPEN, demo_town, open_town

CLOSED = OPEN - 1
H = {"format": "bcenter-exchange", "version": 1}


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("carry-review") / "town.db"
    demo_town(path, accounts=60, seed=7).close()
    return path


def _town(town_file, tmp_path, name: str):
    path = tmp_path / f"{name}.db"
    shutil.copy(town_file, path)
    return open_town(path)


def _balances(app, period) -> list[tuple]:
    return sorted((r.account, r.service, r.supplier, r.opening, r.charged, r.paid, r.penalties, r.closing)
                  for r in app.month.balances(period).rows)


def test_a_service_moved_to_another_supplier_leaves_its_old_debts_with_the_old_one(town_file, tmp_path):
    """A debt stays owed to whom it was owed: the opening balance names its supplier (schema step 36), so a service
    moved to another supplier (a re-import of ``services``) changes no old obligation — the carry of the last close
    stays good, and a close continuing it posts what a close from the first month posts."""
    kept, dropped = _town(town_file, tmp_path, "kept"), _town(town_file, tmp_path, "dropped")
    try:
        doc = export_document(db=kept.db)
        opening = next(o for o in doc["opening_balances"] if not o["amount"].startswith("-"))
        service = next(s for s in doc["services"] if s["id"] == opening["service"])
        assert "supplier" not in opening  # the service's: the export leaves the default unsaid
        other = next(s["id"] for s in doc["suppliers"] if s["id"] != service["supplier"])
        before = Finance(kept.db).basis
        for app in (kept, dropped):
            import_data({**H, "services": [{**service, "supplier": other}]}, db=app.db)
        assert Finance(kept.db).basis == before  # the carries of the last close still hold
        after = export_document(db=kept.db)  # the moved service's balances now name their supplier
        assert {(o["account"], o["service"], o.get("supplier")) for o in after["opening_balances"]} == \
            {(o["account"], o["service"], service["supplier"] if o["service"] == service["id"] else None)
             for o in doc["opening_balances"]}

        finance = Finance(kept.db)
        number = next(a["number"] for a in doc["accounts"] if a["id"] == opening["account"])
        (account,), = kept.db.execute_sql('SELECT id FROM "account" WHERE number = ?', (number,)).fetchall()
        owed = finance.position(str(account), number, as_of=OPEN.last_day).charges
        old_uid, = [uid for uid, ext in finance.suppliers.items() if ext == service["supplier"]]
        first = min(c.period for c in owed if finance.services[c.service]["ext"] == service["id"])
        assert {c.supplier for c in owed if c.period == first and finance.services[c.service]["ext"] == service["id"]} \
            == {old_uid}

        dropped.db.execute_sql('DELETE FROM "account_carry"')
        kept.month.close(OPEN)
        dropped.month.close(OPEN)
        assert _balances(kept, OPEN) == _balances(dropped, OPEN)
    finally:
        kept.close(), dropped.close()


def _ageing_is_debts(app, period) -> None:
    debts = app.finance.debts(as_of=period.last_day)
    owed = {a.account: sum(line.debt for line in a.periods) for a in debts.accounts}
    rows = app.reports.json("ageing", period=period, by="account")["rows"]
    assert {r["account"]: r["debt"] for r in rows} == {k: f"{v / 100:.2f}" for k, v in owed.items() if v}


def test_the_ageing_of_the_last_closed_month_reads_its_carries(town_file, tmp_path, monkeypatch):
    import bcenter.modules.reports.ageing as ageing

    app = _town(town_file, tmp_path, "ageing")
    try:
        def computed(*args, **kwargs):
            raise AssertionError("computed though the stored carries are current")

        monkeypatch.setattr(ageing, "compute_balances", computed)
        _ageing_is_debts(app, CLOSED)
    finally:
        app.close()


def test_the_ageing_after_a_payment_dated_into_the_closed_month(town_file, tmp_path):
    app = _town(town_file, tmp_path, "late")
    try:
        debts = app.finance.debts(as_of=CLOSED.last_day)
        debtor = max(debts.accounts, key=lambda a: sum(line.debt for line in a.periods))
        number = debtor.account
        ext = next(a["id"] for a in export_document(db=app.db)["accounts"] if a["number"] == number)
        import_data({**H, "payments": [{"id": "late-1", "account": ext, "amount": "500.00",
                                        "paid_on": f"{CLOSED}-20", "channel": "cash"}]}, db=app.db)
        _ageing_is_debts(app, CLOSED)
    finally:
        app.close()
