"""A payment reversed after its month was closed: the closed month's balances stay as they were printed, and the
difference is posted into the open month — less paid, more owed, the penalties on it (issue 12: «закрытый период
не меняется, исправление — в открытом»)."""
from __future__ import annotations


from bcenter.app import App
from bcenter.core.period import Period
from tests.finance.towns import demo_town

CLOSED, OPEN = Period(2026, 9), Period(2026, 10)


def _sums(app: App, period: Period, number: str) -> tuple[int, int, int]:
    rows = [r for r in app.month.balances(period).rows if r.account == number]
    return sum(r.paid for r in rows), sum(r.closing for r in rows), sum(r.penalties for r in rows)


def test_a_payment_of_a_closed_month_reversed_corrects_the_open_month(tmp_path):
    app = demo_town(tmp_path / "town.db", accounts=30, seed=4)
    try:
        owed: dict[str, int] = {}
        for r in app.month.balances(CLOSED).rows:
            owed[r.account] = owed.get(r.account, 0) + r.closing
        debtors = sorted((n for n in owed if owed[n] > 100_000), key=lambda n: (-owed[n], n))  # owe over 1 000 ₽
        payment = next(p for number in debtors for p in app.payments.list(account=number)
                       if p.paid_on.month == 9 and p.amount > 0)
        closed_before = app.month.balances(CLOSED).rows
        paid, closing, penalties = _sums(app, OPEN, payment.account)

        app.payments.storno(payment.id, reason="платёж другого плательщика")

        assert app.month.balances(CLOSED).rows == closed_before  # printed and closed: never changed
        paid_now, closing_now, penalties_now = _sums(app, OPEN, payment.account)
        assert paid_now < paid  # the open month has the money back out …
        assert closing_now - closing == (paid - paid_now) + (penalties_now - penalties)  # … owed again, with пени
        assert paid - paid_now <= payment.amount
    finally:
        app.close()
