"""Issue 13: the ЕПД agrees with the account. For every bill of the demo month — open, then closed —:

* Σ of the recipients' «К оплате» is what the account owes: its debts (``bcenter debts``) and its penalties not
  paid (``bcenter penalties``) as of the month's last day — the balances and the debts agree;
* old unpaid penalties are never unnamed debt: each recipient's «в т. ч. пени» of the opening and of «к оплате»
  add up to the penalties not paid at the month's start and at its end;
* a payment of what the bill asks, naming the bill (a bank registry line), leaves nothing owed for the month and
  before, pays the penalties the bill named, and leaves no advance (all of it is applied).

Product path: demo town (the demo pays its bills by habits: debtors with penalties, overpayers), bills printed and
read back from the PDF, reports and a registry import through ``bcenter.app``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from bcenter.core.period import Period
from tests.bills.pages import kop, pages_by_account
from tests.finance.registry_files import sber
from tests.finance.towns import OPEN, demo_town

MONEY = r"(−?\d{1,3}(?:[\u00a0 ]\d{3})*,\d{2})"


def _asked(text: str) -> tuple[list[int], int, int, int]:
    """A bill's «К оплате» per recipient, its «Итого к оплате», and the «в т. ч. пени» of the openings and of
    «к оплате»."""
    to_pay = [kop(x) for x in re.findall(r"К оплате, л/с \d+\s*" + MONEY, text)]
    total = kop(re.search(r"Итого к оплате: " + MONEY, text).group(1))
    opening = sum(kop(x) for x in re.findall(r"на начало\s*−?[\d\u00a0 ]+,\d{2}\s*в т\. ч\. пени\s*" + MONEY, text))
    owed = sum(kop(x) for x in re.findall(r"К оплате в т\. ч\. пени\s*" + MONEY, text))
    return to_pay, total, opening, owed


def _owed(app, day: date) -> tuple[dict[str, int], dict[str, int]]:
    """Per account number: debts and penalties not paid as of the day (the reports)."""
    debts = {a.account: a.total for a in app.finance.debts(as_of=day).accounts}
    penalties = {a.account: a.total - a.paid for a in app.finance.penalties(as_of=day).accounts}
    return debts, penalties


def test_every_bill_asks_what_the_account_owes_names_its_penalties_and_paying_it_settles_the_account(tmp_path):
    app = demo_town(tmp_path / "town.db", accounts=80, seed=1)
    try:
        asked: dict[str, int] = {}
        for closed in (False, True):  # the open month's bills, then the same month's after its close
            if closed:
                app.month.close(OPEN)
            pdf = tmp_path / f"bills-{closed}.pdf"
            app.bills.print(OPEN, out=pdf)
            pages = pages_by_account(pdf)
            debts, penalties = _owed(app, OPEN.last_day)
            _, penalties_before = _owed(app, (OPEN - 1).last_day)
            assert len(pages) >= 75
            with_penalties = 0
            for number, text in pages.items():
                to_pay, total, opening_penalties, penalties_asked = _asked(text)
                assert sum(to_pay) == total, number
                assert total == debts.get(number, 0) + penalties.get(number, 0), number
                assert penalties_asked == penalties.get(number, 0), number
                assert opening_penalties == penalties_before.get(number, 0), number
                with_penalties += penalties_asked > 0
                asked[number] = total
            assert with_penalties >= 5  # the town's debtors: their old пени named on every bill

        payday = date(2026, 11, 5)  # before October's due day: the payment is on time
        payers = sorted(n for n, total in asked.items() if total > 0)
        registry = sber(tmp_path / "day.txt", [(payday, n, f"{asked[n] // 100}.{asked[n] % 100:02d}", "0.00")
                                               for n in payers], period=f"{OPEN.month:02d}{OPEN.year % 100:02d}")
        assert app.payments.import_registry(registry, profile="sber").payments == len(payers)

        debts, _ = _owed(app, payday)
        assert {n for n, total in debts.items() if total} & set(payers) == set()  # nothing owed for October or before
        paid_before = {a.account: a.paid for a in app.finance.penalties(as_of=OPEN.last_day).accounts}
        paid_now = {a.account: a.paid for a in app.finance.penalties(as_of=payday).accounts}
        for n in payers:  # the penalties the bill named: paid by it
            assert paid_now.get(n, 0) - paid_before.get(n, 0) == penalties.get(n, 0), n
        applied: dict[str, int] = defaultdict(int)
        for row in app.month.balances(Period(2026, 11)).rows:
            applied[row.account] += row.paid
        assert {n: applied[n] for n in payers} == {n: asked[n] for n in payers}  # all applied: no advance
    finally:
        app.close()


def test_under_any_supplier_credits_a_bill_asks_what_the_account_owes(tmp_path):
    """With ``credit_application: any_supplier`` one recipient's advance pays the others' lines, so the bill sets it
    against them: an account whose УК advance of 948.88 covered the other recipients' 948.88 owed nothing and was
    asked 948.88 (review of 2026-12-07: 6 accounts of 200 asked 770.46 – 3 401.37 they did not owe)."""
    from bcenter.app import App
    from bcenter.core.clock import FixedClock
    from bcenter.modules.bills.gather import BillSource
    from db.context import bound
    from tests.finance.towns import TODAY

    app = App.open(f"sqlite:///{tmp_path / 'town.db'}", create=True, clock=FixedClock(TODAY))
    try:
        app.demo.build(accounts=200, seed=1, until=OPEN)
        app.db.execute_sql("UPDATE setting SET value = '\"any_supplier\"' WHERE key = 'credit_application'")
        app.demo.ledger(until=OPEN, workers=1)
        debts, penalties = _owed(app, OPEN.last_day)
        wrong, credited = {}, 0
        with bound(app.db):
            source = BillSource(app.db, OPEN)
            targets = source.targets()
            for t, bill in source.bills(sorted({x.house for x in targets}), targets):
                if bill is not None:
                    owed = debts.get(t.number, 0) + penalties.get(t.number, 0)
                    credited += sum(r.credited for r in bill.recipients)
                    if bill.to_pay != owed:
                        wrong[t.number] = (bill.to_pay, owed)
        assert not wrong, f"bill asks (to_pay, owed): {wrong}"
        assert credited > 0  # the case is there: advances set against other recipients
    finally:
        app.close()
