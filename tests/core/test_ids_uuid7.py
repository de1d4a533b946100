"""uuid7() — RFC 9562 UUIDv7 keys made where a row is created (ARCHITECTURE.md §2): canonical lowercase text,
version and variant bits, strictly increasing within the process (also when the clock stalls or steps back),
embedded time, is_uuid() for the canonical form."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from bcenter.core import ids
from bcenter.core.errors import InvalidValue
from bcenter.core.ids import is_uuid, uuid7, uuid7_time


def test_format_is_canonical_lowercase_36_characters():
    u = uuid7()
    assert len(u) == 36
    assert u == u.lower()
    assert [len(part) for part in u.split("-")] == [8, 4, 4, 4, 12]
    assert str(uuid.UUID(u)) == u


def test_version_and_variant_bits():
    for _ in range(1000):
        parsed = uuid.UUID(uuid7())
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122


def test_ids_strictly_increase_and_are_unique():
    made = [uuid7() for _ in range(50_000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)


@pytest.fixture
def fresh_generator(monkeypatch):
    """A generator that has not made an id yet, so a fake clock may start anywhere (restored afterwards)."""
    monkeypatch.setattr(ids, "_last_ms", 0)
    monkeypatch.setattr(ids, "_counter", 0)


def test_monotonic_when_the_clock_stalls_or_steps_back(monkeypatch, fresh_generator):
    now = [1_767_225_600_000 * 1_000_000]  # 2026-01-01T00:00:00Z in ns
    monkeypatch.setattr(ids, "_time_ns", lambda: now[0])
    first = uuid7()
    second = uuid7()  # same millisecond: the counter moves
    now[0] -= 5_000 * 1_000_000  # the clock steps back 5 s
    third = uuid7()
    now[0] += 10_000 * 1_000_000
    fourth = uuid7()
    assert first < second < third < fourth
    assert uuid7_time(second) == uuid7_time(first) == uuid7_time(third)
    assert uuid.UUID(second).int - uuid.UUID(first).int == 1
    assert uuid7_time(fourth) == datetime(2026, 1, 1, 0, 0, 5, tzinfo=timezone.utc)


def test_counter_overflow_borrows_the_next_millisecond(monkeypatch, fresh_generator):
    monkeypatch.setattr(ids, "_time_ns", lambda: 1_767_225_600_000 * 1_000_000)
    first = uuid7()
    monkeypatch.setattr(ids, "_counter", (1 << 74) - 1)
    second = uuid7()
    assert first < second
    assert uuid7_time(first) == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert uuid7_time(second) - uuid7_time(first) == timedelta(milliseconds=1)
    assert uuid.UUID(second).version == 7


def test_embedded_time_is_now():
    before = datetime.now(timezone.utc)
    u = uuid7()
    after = datetime.now(timezone.utc)
    created = uuid7_time(u)
    assert created.tzinfo is not None
    assert before - timedelta(milliseconds=1) <= created <= after


def test_uuid7_time_refuses_other_ids():
    with pytest.raises(InvalidValue):
        uuid7_time(str(uuid.uuid4()))
    with pytest.raises(InvalidValue):
        uuid7_time("not-a-uuid")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01a22129-1954-772f-8159-e5ebf687f2f9", True),
        ("3230f82f-3f5d-4c07-9c04-b5d468272eba", True),  # a version-4 id from elsewhere
        ("01A22129-1954-772F-8159-E5EBF687F2F9", False),  # not our canonical lowercase form
        ("01a221291954772f8159e5ebf687f2f9", False),
        ("{01a22129-1954-772f-8159-e5ebf687f2f9}", False),
        ("01a22129-1954-772f-8159-e5ebf687f2f9\n", False),
        ("", False),
        (None, False),
        (uuid.uuid4(), False),
    ],
)
def test_is_uuid(value, expected):
    assert is_uuid(value) is expected
