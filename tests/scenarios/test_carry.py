"""Closing from the carry (issue 11 item 3): a month continued from what the month before carried gives the same
balances, advances and penalties as applying every payment from the first one — in the ordinary month, after a
payment dated into a closed month, a payment naming a month not billed yet, a payer's split that no line
of its service can take — on both backends; and a close stores one carry per account, of the closed month."""
from __future__ import annotations

import json
import zlib

import pytest

from bcenter.cli import main
from bcenter.core.period import Period
from bcenter.engine.carry import decode, encode
from bcenter.modules.registry.closing import compute_balances
from db.connection import open_database
from db.dialect import db_id
from db.fields import IdField

pytestmark = pytest.mark.slow

OPEN = Period.parse("2026-03")


@pytest.fixture
def town(any_url):
    # the estimate-based payments: many overpay (advances, and penalties paid by them — issue 12), some pay part
    assert main(["--db", any_url, "demo", "--accounts", "40", "--until", str(OPEN), "--ledger",
                 "--payments", "estimates"]) == 0
    return any_url


def _both(url: str, period: Period) -> None:
    """The balances and advances of the period from the carries and from the first month are the same."""
    db = open_database(url)
    carried, full = {}, {}
    fast = compute_balances(db, period, advances=carried)
    slow = compute_balances(db, period, advances=full, carry=False)
    assert fast == slow
    assert carried == full
    assert any(v["penalties"] for v in fast.values())  # penalties are there to compare
    assert any(carried.values())  # and advances


def _pay(url: str, tmp_path, name: str, payments: list[dict]) -> None:
    doc = tmp_path / f"{name}.json"
    doc.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, "payments": payments}), encoding="utf-8")
    assert main(["--db", url, "import", str(doc)]) == 0


def _accounts(url: str) -> list[str]:
    db = open_database(url)
    return [n for (n,) in db.execute_sql('SELECT number FROM "account" ORDER BY number')]


def test_the_open_month_from_the_carries_is_the_month_from_the_first_one(town):
    db = open_database(town)
    stored = {str(a): decode(s) for a, s in db.execute_sql('SELECT account_id, state FROM "account_carry"')}
    assert stored and {c.period for c in stored.values()} == {OPEN - 1}  # each close replaced the month before's
    for carry in stored.values():  # stored and read back whole, the lines in their order (payments go by it)
        again = decode(encode(carry))
        assert again == carry and list(again.lines) == list(carry.lines)
    assert any(len(c.tails) > 10 for c in stored.values())  # debtors' tails are among them
    _both(town, OPEN)


def test_a_carry_of_another_format_is_computed_from_the_first_month(town):
    db = open_database(town)
    account, = db.execute_sql('SELECT account_id FROM "account_carry" LIMIT 1').fetchone()
    with db.atomic():  # as an older release would have left it
        db.execute_sql(f'UPDATE "account_carry" SET state = {"%s" if "postgresql" in town else "?"} '
                       f'WHERE account_id = {"%s" if "postgresql" in town else "?"}',
                       (zlib.compress(b'{"v": 0}'), db_id(str(IdField().python_value(account)))))
    _both(town, OPEN)


def _format_5(carry) -> bytes:
    """A carry as the release of 2026-12-04 stored it (format 5: a line a row, its tail in the same row)."""
    data = json.loads(zlib.decompress(encode(carry)))
    names = {name: place for place, name in enumerate(data["n"])}
    tails = carry.tails
    rows = []
    for key, (c, o, d) in carry.lines.items():
        row = [str(key[0]), names[key[1]], names[key[2]], c, o, d.toordinal()]
        if key in tails:
            total, t = tails[key]
            row += (total, t.start.toordinal(), t.debt, t.unpaid, str(t.rate), t.amount, t.as_of.toordinal(),
                    t.fraction)
        rows.append(row)
    data.update(v=5, l=rows)
    del data["t"]  # and its repayments per (period, service), days and kopecks in one list
    data["r"] = [[p, s, [x for pair in zip(days, amounts) for x in pair]] for p, s, _u, days, amounts in data["r"]]
    return zlib.compress(json.dumps(data).encode())


def test_a_carry_stored_by_the_release_before_is_continued_not_computed_again(town):
    """An upgrade's first close continues from the carries the release before stored (format 5): computing a city
    from its first month once would take minutes."""
    db = open_database(town)
    stored = [decode(s) for _, s in db.execute_sql('SELECT account_id, state FROM "account_carry"')]
    assert any(c.tails for c in stored)
    for carry in stored:
        again = decode(_format_5(carry))
        assert again == carry and list(again.lines) == list(carry.lines)


def test_late_facts_and_odd_payments_are_computed_from_the_first_month(town, tmp_path):
    first, second, third, fourth = _accounts(town)[:4]
    _pay(town, tmp_path, "odd", [
        # dated into a closed month, recorded now: the carry of that account no longer holds
        {"id": "late-1", "account": first, "amount": "1234.56", "paid_on": "2026-01-20", "channel": "bank"},
        # names a month not billed yet: next month it goes there first
        {"id": "ahead-1", "account": second, "amount": "5000.00", "paid_on": "2026-03-05", "channel": "cash",
         "period": "2026-04"},
        # a payer's split larger than its service owes: the part waits for that service's next lines
        {"id": "split-1", "account": third, "amount": "30100.00", "paid_on": "2026-03-06", "channel": "cash",
         "services": [{"service": "heating", "amount": "30000.00"}, {"service": "maintenance", "amount": "100.00"}]},
        {"id": "big-1", "account": fourth, "amount": "90000.00", "paid_on": "2026-03-07", "channel": "cash"},
    ])
    _both(town, OPEN)
    assert main(["--db", town, "close", "--period", str(OPEN)]) == 0
    db = open_database(town)
    ahead = db.execute_sql('SELECT c.state FROM "account_carry" c JOIN "account" a ON a.id = c.account_id '
                           'WHERE a.number = %s' % ("%s" if "postgresql" in town else "?"), (second,)).fetchone()
    assert decode(ahead[0]).ahead
    following = OPEN + 1  # not calculated (the town's facts end in March): payments and penalties only
    _pay(town, tmp_path, "later", [
        {"id": "late-2", "account": fourth, "amount": "10.00", "paid_on": "2026-02-02", "channel": "bank"},
    ])
    _both(town, following)


def test_the_month_payments_of_some_houses_read_only_their_accounts(tmp_path):
    """A close's worker asks for the payments of its houses: the query's scope must stay a list of those houses'
    accounts. (Once its column was renamed by a string replace inside the subquery too — «SELECT p.account_id FROM account_house» — and
    every task read the whole town's month of payments: correct, and 2.5× slower at 100 000 accounts.)"""
    import sqlite3

    from bcenter.modules.finance.position import Finance

    url = f"sqlite:///{tmp_path / 'town.db'}"
    assert main(["--db", url, "demo", "--accounts", "40", "--until", str(OPEN)]) == 0
    db = open_database(url)
    houses = [str(h) for (h,) in db.execute_sql('SELECT id FROM "house" ORDER BY id')][:1]
    statements: list[str] = []
    conn: sqlite3.Connection = db.connection()
    conn.set_trace_callback(statements.append)
    try:
        paid = Finance(db).month_payments(OPEN - 1, houses)
    finally:
        conn.set_trace_callback(None)
    mine = {str(a) for (a,) in db.execute_sql('SELECT account_id FROM "account_house" WHERE house_id = ?',
                                               (db_id(houses[0]),))}
    assert paid and set(paid) <= mine
    assert statements and not any("SELECT p.account_id" in s for s in statements)
