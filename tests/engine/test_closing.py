"""Closing arithmetic (bcenter.engine.closing): the closing formula, and «what a period adds» — summed over
consecutive periods it gives back the total, so a balance chain holds closing(P) == opening(P+1) and nothing paid
or accrued is counted twice or lost."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.engine.closing import FIELDS, KIND_FIELD, closing, movement, with_closing


def test_the_closing_formula():
    values = dict(opening=1000, charged=500, recalculated=-30, quality=-20, benefits=-10, paid=700, penalties=5,
                  closing=0)
    assert closing(values) == 745 and with_closing(values)["closing"] == 745
    assert set(KIND_FIELD.values()) <= set(FIELDS)


def test_movement_is_what_changed_since_the_last_count():
    assert movement({"a": 100, "b": 50}, {"a": 60, "c": 10}) == {"a": 40, "b": 50, "c": -10}
    assert movement({"a": 5}, {"a": 5}) == {}


totals = st.dictionaries(st.sampled_from(["x", "y", "z"]), st.integers(-10_000, 10_000), max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(totals, min_size=1, max_size=8))
def test_what_periods_add_sums_to_the_last_total(snapshots):
    """Totals as of each period's end (paid to date, penalty due to date): the periods' movements add up to the
    last total, per key."""
    counted: dict[str, int] = {}
    for to_date in snapshots:
        for key, moved in movement(to_date, counted).items():
            counted[key] = counted.get(key, 0) + moved
    assert {k: v for k, v in counted.items() if v} == {k: v for k, v in snapshots[-1].items() if v}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(*[st.integers(-10_000, 10_000)] * 6), min_size=1, max_size=12), st.integers(-5000, 5000))
def test_a_balance_chain_opens_each_period_with_the_last_closing(months, opening):
    for charged, recalculated, quality, benefits, paid, penalties in months:
        values = with_closing(dict(opening=opening, charged=charged, recalculated=recalculated, quality=quality,
                                   benefits=benefits, paid=paid, penalties=penalties, closing=0))
        assert values["closing"] - values["opening"] == charged + recalculated + quality + benefits - paid + penalties
        opening = values["closing"]
