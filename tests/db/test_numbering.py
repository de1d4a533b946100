"""Numbers of a «PREFIX-YEAR-nnnnnn» sequence (acts, requests, passport papers, collection cases):
``db.queries.next_in_sequence`` gives the largest number + 1 — a count of the rows gave again a number taken by an
imported act, after a gap, or when revisions («…/1») were counted."""
from __future__ import annotations

import pytest

from db.queries import next_in_sequence


@pytest.fixture
def numbered(db):
    db.execute_sql('CREATE TABLE "numbered" ("number" TEXT UNIQUE)')

    def add(*numbers: str) -> None:
        for number in numbers:
            db.execute_sql('INSERT INTO "numbered" ("number") VALUES (?)', (number,))
    return add


def test_the_first_number_of_a_year(db, numbered):
    assert next_in_sequence(db, "numbered", "number", "АКТ-2025-") == "АКТ-2025-000001"


def test_a_number_taken_from_elsewhere_is_not_given_again(db, numbered):
    numbered("АКТ-2025-000002")  # imported: one row, yet number 2
    assert next_in_sequence(db, "numbered", "number", "АКТ-2025-") == "АКТ-2025-000003"


def test_revisions_other_years_and_other_prefixes_do_not_count(db, numbered):
    numbered("АКТ-2025-000001", "АКТ-2025-000001/1", "АКТ-2025-000001/2", "АКТ-2024-000009", "АКТА-2025-000050",
             "акт-2025-000070", "АКТ-2025-ручной")
    assert next_in_sequence(db, "numbered", "number", "АКТ-2025-") == "АКТ-2025-000002"
    assert next_in_sequence(db, "numbered", "number", "АКТ-2025-000001/", width=1) == "АКТ-2025-000001/3"


def test_a_gap_is_not_filled(db, numbered):
    numbered("ДЛ-2026-0001", "ДЛ-2026-0007")
    assert next_in_sequence(db, "numbered", "number", "ДЛ-2026-", width=4) == "ДЛ-2026-0008"
