"""Schema step 36 on a database whose service moved to another supplier after its first close.

Before the step an opening balance followed its service's *current* supplier; the first closed month's balances show
it under the supplier of that day. The step fills the new column from those balances — not from the service as it
stands at the upgrade, which would move the old debt to the new supplier in `bcenter debts`, the debt bills and the
penalties, against what the closed month shows. The history is made with today's code; the column is then set as a
step-35 database's would be filled from its services (``FILL``), and the step's correction runs.
"""
from __future__ import annotations

import contextlib
import io
import json

from db.connection import close_database, make_database
from db.migrations.m0036_opening_supplier import FILL, _as_first_closed
from tests.exchange.test_import_bad import H


def _cli(url: str, *args) -> str:
    from bcenter.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([str(a) for a in ("--db", url, *args)])
    assert code == 0, out.getvalue()
    return out.getvalue()


def _heating_suppliers(url: str) -> tuple[set[str], set[str]]:
    """Whom the closed January shows acc1's heating opening under, and whom `bcenter debts` owes December's to."""
    closed = json.loads(_cli(url, "balances", "--period", "2025-01", "--json"))
    shown = {r["supplier"] for r in closed["accounts"] if r["service"] == "svc-heat" and r["opening"] != "0.00"}
    debts = json.loads(_cli(url, "debts", "--as-of", "2025-02-28", "--json"))
    owed = {p["supplier"] for a in debts["accounts"] for p in a["periods"]
            if p["service"] == "svc-heat" and p["period"] == "2024-12"}
    return shown, owed


def test_the_step_keeps_an_old_debt_where_the_closed_month_shows_it(any_url, example_doc, tmp_path):
    doc = tmp_path / "full.json"
    doc.write_text(json.dumps(example_doc), encoding="utf-8")
    _cli(any_url, "import", doc)
    _cli(any_url, "calc", "--period", "2025-01")
    _cli(any_url, "close", "--period", "2025-01")
    heat = next(s for s in example_doc["services"] if s["id"] == "svc-heat")
    move = tmp_path / "move.json"
    move.write_text(json.dumps({**H, "services": [{**heat, "supplier": "sup-uk"}]}), encoding="utf-8")
    _cli(any_url, "import", move)
    assert _heating_suppliers(any_url) == ({"sup-ts"}, {"sup-ts"})  # today's import named the supplier

    db = make_database(any_url)
    db.connect()
    with db.atomic():
        db.execute_sql(FILL)  # what the step's first statement gives a step-35 database: the current supplier
    assert _heating_suppliers(any_url) == ({"sup-ts"}, {"sup-uk"})  # the old debt moved — what the step mends
    with db.atomic():
        _as_first_closed(db)
    db.close()
    close_database()
    assert _heating_suppliers(any_url) == ({"sup-ts"}, {"sup-ts"})
