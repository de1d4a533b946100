"""WorkCalendar: weekends, holidays and transfers (ст. 111–112 ТК РФ), due dates moved by ст. 193 ГК РФ.

Uses the built-in production calendar (assets/law/production_calendar.json) the way a service would: read the JSON,
pass the mapping to ``WorkCalendar.from_table``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bcenter.core.calendar import DEFAULT_HOLIDAY_RULE, HolidayRule, WorkCalendar
from bcenter.core.errors import InvalidValue

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads((ROOT / "assets" / "law" / "production_calendar.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_table(TABLE)


def test_february_2026_charges_due_on_sunday_move_to_monday(cal: WorkCalendar) -> None:
    # DOMAIN.md §3.3: the 15th of March 2026 is a Sunday, so February 2026 charges are due 16.03.2026.
    assert date(2026, 3, 15).weekday() == 6
    assert cal.next_working_day(date(2026, 3, 15)) == date(2026, 3, 16)


def test_a_working_day_is_its_own_next_working_day(cal: WorkCalendar) -> None:
    assert cal.is_working(date(2025, 2, 10))  # an ordinary Monday
    assert cal.next_working_day(date(2025, 2, 10)) == date(2025, 2, 10)


def test_new_year_holidays(cal: WorkCalendar) -> None:
    for day in range(1, 12):
        assert not cal.is_working(date(2026, 1, day)), f"{day}.01.2026 is a day off"
    assert cal.next_working_day(date(2026, 1, 1)) == date(2026, 1, 12)
    assert cal.next_working_day(date(2025, 12, 31)) == date(2026, 1, 12)  # 31.12.2025 moved from 05.01.2025
    assert cal.next_working_day(date(2025, 1, 1)) == date(2025, 1, 9)


def test_transferred_working_saturday_is_working(cal: WorkCalendar) -> None:
    assert date(2025, 11, 1).weekday() == 5
    assert cal.is_working(date(2025, 11, 1))
    assert not cal.is_working(date(2025, 11, 3))  # the Monday it was moved to
    assert cal.is_working(date(2024, 12, 28)) and not cal.is_working(date(2024, 12, 30))
    assert not cal.is_working(date(2025, 11, 8))  # an ordinary Saturday


def test_may_2026_holidays(cal: WorkCalendar) -> None:
    off = [date(2026, 5, d) for d in (1, 2, 3, 9, 10, 11)]
    worked = [date(2026, 5, d) for d in (4, 5, 6, 7, 8, 12)]
    assert not any(cal.is_working(d) for d in off)
    assert all(cal.is_working(d) for d in worked)
    assert cal.next_working_day(date(2026, 5, 9)) == date(2026, 5, 12)


def test_2026_other_holidays(cal: WorkCalendar) -> None:
    assert not cal.is_working(date(2026, 2, 23))
    assert not cal.is_working(date(2026, 3, 9))  # 8 March is a Sunday
    assert cal.is_working(date(2026, 3, 10))
    assert not cal.is_working(date(2026, 6, 12))
    assert not cal.is_working(date(2026, 11, 4))
    assert not cal.is_working(date(2026, 12, 31))  # moved from Sunday 04.01.2026


def test_2025_government_moved_the_automatic_transfers(cal: WorkCalendar) -> None:
    # ПП 1335: 23.02 (Sunday) → 08.05 and 08.03 (Saturday) → 13.06, so 24.02 and 10.03.2025 were working days.
    assert cal.is_working(date(2025, 2, 24)) and cal.is_working(date(2025, 3, 10))
    assert not cal.is_working(date(2025, 5, 8)) and not cal.is_working(date(2025, 6, 13))


def test_working_days_between_is_half_open(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2026, 1, 1), date(2027, 1, 1)) == 247
    assert cal.working_days_between(date(2025, 1, 1), date(2026, 1, 1)) == 247
    assert cal.working_days_between(date(2024, 1, 1), date(2025, 1, 1)) == 248
    assert cal.working_days_between(date(2026, 3, 16), date(2026, 3, 16)) == 0
    assert cal.working_days_between(date(2026, 3, 16), date(2026, 3, 17)) == 1
    assert cal.working_days_between(date(2026, 3, 17), date(2026, 3, 16)) == -1
    assert cal.working_days_between(date(2025, 10, 27), date(2025, 11, 3)) == 6  # a six-day week


def test_working_days_between_agrees_with_day_by_day_count(cal: WorkCalendar) -> None:
    start = date(2023, 12, 20)
    for span in (0, 1, 5, 7, 13, 40, 400):
        end = date.fromordinal(start.toordinal() + span)
        naive = sum(cal.is_working(date.fromordinal(o)) for o in range(start.toordinal(), end.toordinal()))
        assert cal.working_days_between(start, end) == naive


def test_weekends_only_without_overrides() -> None:
    plain = WorkCalendar()
    assert plain.is_working(date(2026, 1, 1))  # nothing listed: only the weekend rule
    assert not plain.is_working(date(2026, 1, 3))
    assert plain.next_working_day(date(2026, 1, 3)) == date(2026, 1, 5)


def test_document_overrides_win_over_the_table(cal: WorkCalendar) -> None:
    local = cal.with_overrides(non_working_days=[date(2026, 3, 20)], working_days=[date(2026, 1, 9)])
    assert not local.is_working(date(2026, 3, 20))  # e.g. a regional holiday
    assert local.is_working(date(2026, 1, 9))
    assert cal.is_working(date(2026, 3, 20))  # the original is unchanged


def test_a_day_cannot_be_both_working_and_non_working() -> None:
    with pytest.raises(InvalidValue):
        WorkCalendar([date(2026, 1, 10)], [date(2026, 1, 10)])


def test_only_dates_are_accepted(cal: WorkCalendar) -> None:
    with pytest.raises(TypeError):
        cal.is_working("2026-03-15")  # type: ignore[arg-type]


def test_holiday_rule_moves_weekend_holidays_but_not_january_ones() -> None:
    off, worked = DEFAULT_HOLIDAY_RULE.derive(2027)
    assert date(2027, 5, 3) in off  # 1 May 2027 is a Saturday → Monday 3 May
    assert date(2027, 6, 14) in off  # 12 June 2027 is a Saturday → Monday 14 June
    assert date(2027, 1, 4) in off and date(2027, 1, 11) not in off  # 2–3 January move only by a decree
    assert worked == frozenset()


def test_holiday_rule_with_transfers_reproduces_2025() -> None:
    pairs = TABLE["years"]["2025"]["transfers"]
    transfers = [(date.fromisoformat(t["from"]), date.fromisoformat(t["to"])) for t in pairs]
    off, worked = DEFAULT_HOLIDAY_RULE.derive(2025, transfers)
    assert date(2025, 2, 24) not in off and date(2025, 5, 8) in off
    assert worked == {date(2025, 11, 1)}


def test_holiday_rule_refuses_a_transfer_from_a_weekday() -> None:
    with pytest.raises(InvalidValue):
        DEFAULT_HOLIDAY_RULE.derive(2026, [(date(2026, 3, 10), date(2026, 3, 11))])
    assert isinstance(DEFAULT_HOLIDAY_RULE, HolidayRule)


def test_from_table_can_derive_a_missing_year() -> None:
    derived = WorkCalendar.from_table(TABLE, derive_years=[2028])
    assert not derived.is_working(date(2028, 1, 3))  # a Monday inside the New Year holidays
    assert WorkCalendar.from_table(TABLE).is_working(date(2028, 1, 3))


def test_from_table_rejects_a_date_filed_under_another_year() -> None:
    bad = {"years": {"2026": {"non_working_days": ["2025-12-31"], "working_days": []}}}
    with pytest.raises(InvalidValue):
        WorkCalendar.from_table(bad)
