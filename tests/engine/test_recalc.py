"""The recalculation diff (bcenter.engine.recalc): posted vs calculated → repair entries. Golden cases (a month's
own CHARGE, a retroactive tariff, a service withdrawn, the reasons people read) and properties: after the repairs
every account × service holds exactly what is calculated, and a second diff posts nothing."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.period import Period
from bcenter.engine.recalc import Posted, repairs, stored_volume
from bcenter.engine.types import Derivation, Line

P = Period(2026, 3)


def line(service: str, amount: int, *, kind: str = "charge", method: str = "meter", volume: str | None = "10",
         tariff: str | None = "40") -> Line:
    return Line(service=service, kind=kind, method=method, volume=None if volume is None else D(volume),
                tariff=None if tariff is None else D(tariff), coefficient=D(1), amount=amount, excess=0,
                derivation=Derivation(method, "формула", "ПП 354"))


def test_the_months_own_lines_are_one_charge_entry_per_account():
    calculated = {"a": (line("cw", 400), line("cw", -10, kind="quality", method="interruption")), "b": ()}
    out = repairs(calculated, {}, set(), corrects=P, own=True)
    assert [(r.account, r.kind, [(x.kind, x.amount) for x in r.lines]) for r in out] == [
        ("a", "CHARGE", [("charge", 400), ("quality", -10)])]


def test_a_retroactive_tariff_is_one_recalc_line_naming_what_changed():
    posted = {("a", "cw"): Posted(400, "meter", "10", "40")}
    out = repairs({"a": (line("cw", 450, tariff="45"),)}, posted, {"a"}, corrects=P, own=False)
    (repair,) = out
    assert (repair.kind, repair.corrects, repair.lines[0].kind, repair.lines[0].amount) == ("RECALC", P, "recalc", 50)
    assert repair.reason == "перерасчёт за март 2026: тариф 40 → 45"


def test_a_service_no_longer_charged_is_taken_back():
    out = repairs({"a": ()}, {("a", "cw"): Posted(400, "meter", "10", "40")}, {"a"}, corrects=P, own=False)
    (repair,) = out
    assert repair.lines[0].amount == -400 and repair.reason == "перерасчёт за март 2026: услуга больше не начисляется"
    assert repair.lines[0].line.method == "fixed"


def test_equal_totals_post_nothing_and_a_reversed_account_is_charged_afresh():
    posted = {("a", "cw"): Posted(400, "meter", "10", "40")}
    assert repairs({"a": (line("cw", 400),)}, posted, {"a"}, corrects=P, own=True) == []
    out = repairs({"a": (line("cw", 400),)}, posted, set(), corrects=P, own=True)  # every entry reversed
    assert [r.kind for r in out] == ["CHARGE"]


def test_volumes_are_kept_to_seven_decimals_for_showing():
    assert stored_volume(D("17.12571428571428")) == "17.1257143" and stored_volume(D("8.3330")) == "8.333"


lines = st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from(["cw", "hw", "el"]), st.integers(-5000, 50000)),
                 max_size=12)


@settings(max_examples=200, deadline=None)
@given(calculated=lines, posted=lines, own=st.booleans(), charged=st.sets(st.sampled_from("abc")))
def test_after_the_repairs_the_ledger_holds_what_is_calculated(calculated, posted, own, charged):
    calc: dict[str, list[Line]] = defaultdict(list)
    for account, service, amount in calculated:
        calc[account].append(line(service, amount))
    calc = {a: tuple(ls) for a, ls in calc.items()}
    held: dict[tuple[str, str], int] = defaultdict(int)
    for account, service, amount in posted:
        if not own or account in charged:  # an account with nothing live holds nothing for its own month
            held[(account, service)] += amount
    ledger = {k: Posted(v, "meter", "10", "40") for k, v in held.items()}
    live = set(charged) | {a for a, _ in held}
    totals = defaultdict(int, held)
    for repair in repairs(calc, ledger, live, corrects=P, own=own):
        for part in repair.lines:
            totals[(repair.account, part.line.service)] += part.amount
    wanted = defaultdict(int)
    for account, ls in calc.items():
        for ln in ls:
            wanted[(account, ln.service)] += ln.amount
    assert {k: v for k, v in totals.items() if v} == {k: v for k, v in wanted.items() if v}
    again = {k: Posted(v, "meter", "10", "40") for k, v in totals.items()}
    assert repairs(calc, again, live | set(calc), corrects=P, own=own) == []
