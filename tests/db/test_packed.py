"""Balance snapshots packed per account and period (schema step 16, ``db.snapshots``) and the outbox's row ids
(step 18, ``db.packed_ids``): whatever goes in comes back exactly; a format this version does not know is refused
with a message; a month of an account and a batch of UUIDv7 take what the steps promise."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.ids import uuid7
from bcenter.engine.closing import FIELDS
from db.packed_ids import pack_ids, unpack_ids
from db.snapshots import COLUMNS, STORED, pack, unpack

kopecks = st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)
rows = st.lists(st.tuples(st.integers(min_value=1, max_value=0xFFFF), st.tuples(*[kopecks] * len(STORED))),
                max_size=40)


def test_the_stored_columns_are_the_engines_balance_fields_and_the_unpaid_penalties():
    assert COLUMNS == FIELDS and STORED == (*FIELDS, "unpaid_penalties")


@settings(max_examples=300, deadline=None)
@given(rows)
def test_any_snapshot_comes_back(parts):
    assert unpack(pack(parts)) == parts
    assert unpack(memoryview(pack(parts))) == parts  # PostgreSQL gives a memoryview


@settings(max_examples=100, deadline=None)
@given(rows)
def test_a_snapshot_an_older_release_packed_comes_back_without_the_unpaid_penalties(parts):
    """Format 1 (before issue 13) kept the balance columns only: they come back, and nothing is made up for the
    rest (its bill prints no «в т. ч. пени», as it did when the month was closed)."""
    old = [(k, money[:len(COLUMNS)]) for k, money in parts]
    packed = pack(old, version=1)
    assert packed[0] == 1 and unpack(packed) == old


def test_an_accounts_month_takes_under_200_bytes():
    month = [(k, (150_000 + k, 231_045, 0, -1200 * (k % 2), 0, 200_000, 37 * k, 181_045 + k, 37 * k * (k % 3 == 0)))
             for k in range(1, 12)]
    assert len(pack(month)) < 200


def test_a_snapshot_of_another_format_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="формате 3"):
        unpack(b"\x03" + pack([(1, (0,) * 9)])[1:])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.uuids().map(str), st.text(max_size=40), st.integers())))
def test_any_ids_come_back(ids):
    assert unpack_ids(pack_ids(ids)) == ids
    assert unpack_ids(pack_ids([str(i).upper() for i in ids])) == [str(i).upper() for i in ids]


def test_a_batch_of_our_keys_takes_about_a_byte_or_two_each():
    ids = [uuid7() for _ in range(5000)]
    packed = pack_ids(ids)
    assert unpack_ids(packed) == ids
    assert len(packed) < 5000 * 3  # as JSON text: 39 bytes each


def test_ids_of_an_unknown_format_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="неизвестном формате"):
        unpack_ids(b"\x07...")


def test_an_account_with_a_pair_not_numbered_is_left_whole_to_be_numbered():
    """The close's workers pack what they can; an account with a (service, supplier) pair met for the first time
    comes back as it was, all its rows, for the close to number and pack."""
    from db.snapshots import pack_balances

    zero = dict.fromkeys(COLUMNS, 0)
    balances = {("a1", "s1", "p1"): {**zero, "closing": 100}, ("a2", "s1", "p1"): {**zero, "charged": 5},
                ("a2", "s9", "p9"): {**zero, "paid": -5}}
    packed, left = pack_balances(balances, {("s1", "p1"): 1})
    assert [account for account, _ in packed] == ["a1"]
    assert unpack(packed[0][1]) == [(1, (0, 0, 0, 0, 0, 0, 0, 100, 0))]  # no unpaid penalties: 0
    assert left == {k: v for k, v in balances.items() if k[0] == "a2"}
