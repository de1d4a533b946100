"""An account's position (bcenter.engine.position): obligations from the ledger's sums and migrated balances,
credits that are not money paid, and which obligations bear penalties (ч. 14, 14.1 ст. 155 ЖК РФ)."""
from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.position import advance, obligations, paid_in_time, penalty_rows
from bcenter.engine.rates import RateTable

LAW = Path(__file__).resolve().parents[2] / "assets" / "law"
RATES = RateTable.from_tables(**{k: json.loads((LAW / f"{f}.json").read_text(encoding="utf-8")) for k, f in
                                 (("key_rates", "key_rates"), ("caps", "penalty_rate_caps"), ("moratoria", "moratoria"))})
JAN = Period(2025, 1)


def due(period: Period, service: str) -> date:
    return (period + 1).first_day + timedelta(days=9)


def test_a_negative_month_is_a_credit_and_migrated_balances_open_the_account():
    owed = {(JAN, "cw", "vk"): 5000, (JAN + 1, "cw", "vk"): -300}
    openings = [(JAN, "cw", "vk", 1200), (JAN, "hw", "ts", -800)]
    charges, credits = obligations(owed, openings, due=due, as_of=date(2025, 3, 31))
    assert [(c.period, c.amount) for c in charges] == [(JAN - 1, 1200), (JAN, 5000)]
    assert [(c.id, c.day, c.amount) for c in credits] == [
        ("opening-2025-01-hw", JAN.first_day, 800), ("credit-2025-02-cw-vk", (JAN + 1).last_day, 300)]


def test_a_credit_pays_its_own_supplier_only():
    """Issue 12: a migrated advance belongs to the supplier it came from — the heat company's 8.00 pays its hot water
    and heating, not the water company's debt; ``any_supplier`` (the setting ``credit_application``) keeps the old
    way."""
    owed = {(JAN, "cw", "vk"): 5000, (JAN, "hw", "ts"): 300, (JAN, "heat", "ts"): 100, (JAN + 1, "hw", "ts"): 700}
    openings = [(JAN, "hw", "ts", -800)]
    charges, credits = obligations(owed, openings, due=due, as_of=date(2025, 3, 31))
    assert [c.supplier for c in credits] == ["ts"]
    application = pay.apply_payments(charges, credits)
    assert application.debt(JAN, "cw", "vk") == 5000
    assert application.debt(JAN, "hw", "ts") == application.debt(JAN, "heat", "ts") == 0
    assert application.debt(JAN + 1, "hw", "ts") == 300
    charges, credits = obligations(owed, openings, due=due, as_of=date(2025, 3, 31), credits="any_supplier")
    application = pay.apply_payments(charges, credits)
    assert application.debt(JAN, "cw", "vk") == 5000 - 741  # January's lines by 5000 : 300 : 100 — 740.7 to water
    assert credits[0].supplier is None


def test_a_credit_waits_for_its_supplier_and_survives_a_carry():
    """What a supplier's lines cannot take now waits for its later lines — continued from a stored carry as from
    the first month."""
    from bcenter.engine import carry as carry_engine

    owed = {(JAN, "cw", "vk"): 5000, (JAN, "hw", "ts"): 300}
    charges, credits = obligations(owed, [(JAN, "hw", "ts", -800)], due=due, as_of=JAN.last_day)
    options = dict(policy="specified_then_fifo", rules={"cw": "standard", "hw": "standard"}, rates=RATES,
                   rounding="per_interval")
    first = carry_engine.decode(carry_engine.encode(carry_engine.advance(None, charges, credits, period=JAN,
                                                                         **options)))
    assert [(r.amount, r.supplier) for r in first.residuals] == [(500, "ts")]
    later = [pay.Charge(JAN + 1, "hw", "ts", 700, due(JAN + 1, "hw")), pay.Charge(JAN + 1, "cw", "vk", 900,
                                                                                 due(JAN + 1, "cw"))]
    second = carry_engine.advance(first, later, [], period=JAN + 1, **options)
    assert {(k[0], k[1]): v[1] for k, v in second.lines.items()} == {
        (JAN, "cw"): 5000, (JAN + 1, "hw"): 200, (JAN + 1, "cw"): 900}


def test_credits_are_not_an_advance():
    charges, credits = obligations({(JAN, "cw", "vk"): 100}, [(JAN, "cw", "vk", -500)], due=due,
                                   as_of=date(2025, 3, 31))
    application = pay.apply_payments(charges, credits)
    assert application.total_debt == 0 and advance(application) == 0


def test_periods_after_the_day_are_not_owed_yet():
    charges, _ = obligations({(JAN + 3, "cw", "vk"): 100}, [], due=due, as_of=date(2025, 3, 31))
    assert charges == []


def test_what_bears_no_penalty():
    charges = [pay.Charge(JAN, "cw", "vk", 5000, date(2025, 2, 10)), pay.Charge(JAN, "tko", "ro", 900, date(2025, 2, 10)),
               pay.Charge(JAN, "kr", "fond", 700, date(2025, 2, 10))]
    paid = pay.apply_payments(charges, [pay.Payment("p", date(2025, 2, 5), 900, services={"tko": 900})])
    rows = penalty_rows(charges, paid, rules={"cw": "none", "tko": "standard", "kr": "capital_repair"}, rates=RATES,
                        as_of=date(2025, 6, 30), rounding="per_interval")
    assert {r.service for r in rows} == {"kr"}  # cw: rule none; tko: paid in full by the due date
    assert paid_in_time(charges[1], pay.to_repayments(paid))


@settings(max_examples=100, deadline=None)
@given(amounts=st.lists(st.integers(1, 100_000), min_size=1, max_size=6), early=st.integers(0, 9))
def test_obligations_paid_in_full_by_their_due_date_bear_no_penalty(amounts, early):
    charges = [pay.Charge(JAN + i, "cw", "vk", a, due(JAN + i, "cw")) for i, a in enumerate(amounts)]
    payments = [pay.Payment(f"p{i}", c.due - timedelta(days=early), c.amount, period=c.period)
                for i, c in enumerate(charges)]
    application = pay.apply_payments(charges, payments)
    assert penalty_rows(charges, application, rules={"cw": "standard"}, rates=RATES, as_of=date(2027, 1, 1),
                        rounding="per_interval") == []


def test_two_suppliers_of_one_service_in_a_month_owe_their_penalties_apart():
    """A service that changed supplier within a month has two charge lines: a payment that paid half of each left
    each half unpaid, but the repayments were summed per service, so each line looked repaid by the other's money
    and bore nothing (review of 2026-12-07). Each half bears its own: due 10.02.2025, 60 days at 1/300 and 50 days
    at 1/130 of 9.5 % to 30.06.2025 — 500 × 60 × 9.5 % / 300 = 9.50, 500 × 50 × 9.5 % / 130 = 18.27."""
    from bcenter.engine import carry as carry_engine

    charges = [pay.Charge(JAN, "tko", "a", 100000, date(2025, 2, 10)), pay.Charge(JAN, "tko", "b", 100000,
                                                                                    date(2025, 2, 10))]
    payments = [pay.Payment("p1", date(2025, 2, 5), 100000)]
    application = pay.apply_payments(charges, payments, as_of=date(2025, 6, 30))
    assert [ln.debt for ln in application.lines] == [50000, 50000]
    rows = penalty_rows(charges, application, rules={"tko": "standard"}, rates=RATES, as_of=date(2025, 6, 30),
                        rounding="per_interval")
    by_supplier = {}
    for r in rows:
        by_supplier[r.supplier] = by_supplier.get(r.supplier, 0) + r.amount
    assert by_supplier == {"a": 2777, "b": 2777}
    # the carry agrees, computed at once and continued month by month
    options = dict(policy="specified_then_fifo", rules={"tko": "standard"}, rates=RATES, rounding="per_interval")
    whole = carry_engine.advance(None, charges, payments, period=Period(2025, 6), **options)
    assert dict(whole.penalties) == {("tko", "a"): 2777, ("tko", "b"): 2777}
    month = carry_engine.advance(None, charges, [p for p in payments if p.day <= date(2025, 2, 28)],
                                 period=Period(2025, 2), **options)
    for n in range(3, 7):
        month = carry_engine.decode(carry_engine.encode(carry_engine.advance(month, [], [], period=Period(2025, n),
                                                                             **options)))
    assert dict(month.penalties) == dict(whole.penalties)


def test_a_carry_of_format_7_is_continued_unless_a_service_had_two_suppliers():
    """Before format 8 a carry kept repayments per (period, service): read as its one supplier's when the service
    had one that month (an upgrade's first close continues), else the month starts from nothing."""
    import json
    import zlib

    from bcenter.engine import carry as carry_engine

    options = dict(policy="specified_then_fifo", rules={"tko": "standard"}, rates=RATES, rounding="per_interval")
    payments = [pay.Payment("p1", date(2025, 2, 5), 50000)]

    def as_format_7(carry) -> bytes:
        data = json.loads(zlib.decompress(carry_engine.encode(carry)))
        data["v"] = 7
        data["r"] = [[p, s, days, amounts] for p, s, _u, days, amounts in data["r"]]
        return zlib.compress(json.dumps(data).encode())

    one = [pay.Charge(JAN, "tko", "a", 100000, date(2025, 2, 10))]
    carried = carry_engine.advance(None, one, payments, period=Period(2025, 2), **options)
    old = carry_engine.decode(as_format_7(carried))
    assert old is not None and old.repaid == carried.repaid
    two = [*one, pay.Charge(JAN, "tko", "b", 100000, date(2025, 2, 10))]
    carried = carry_engine.advance(None, two, payments, period=Period(2025, 2), **options)
    assert carried.repaid and carry_engine.decode(as_format_7(carried)) is None
