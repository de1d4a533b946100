"""due_date(): the last day to pay for a billing period (DOMAIN.md §3.3) — the 10th for periods up to January 2026,
the 15th from the February 2026 period (177-ФЗ), the move to the next working day (ст. 193 ГК РФ) over weekends and
the 2025–2026 holidays, contractual "day:N" rules (only before February 2026 for ordinary services, always for
capital repair by regional law), shift off, no calendar (weekends only), bad rules, and properties: the result is a
working day, never before the nominal day, and within a few days of it."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import InvalidValue
from bcenter.core.period import Period
from bcenter.engine.due import NEW_RULE_FIRST_PERIOD, due_date, parse_due_rule

# The production calendar of 2025–2026 (ПП о переносе выходных дней в 2025 / 2026 году): Monday–Friday days off
# and working Saturdays — written out here, the engine reads no files.
HOLIDAYS = [
    "2025-01-01", "2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07", "2025-01-08",
    "2025-05-01", "2025-05-02", "2025-05-08", "2025-05-09", "2025-06-12", "2025-06-13",
    "2025-11-03", "2025-11-04", "2025-12-31",
    "2026-01-01", "2026-01-02", "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09",
    "2026-02-23", "2026-03-09", "2026-05-01", "2026-05-11", "2026-06-12", "2026-11-04", "2026-12-31",
]
CALENDAR = WorkCalendar([date.fromisoformat(d) for d in HOLIDAYS], [date(2025, 11, 1)])


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025-01", "2025-02-10"),  # Monday, the old 10th (G12)
        ("2025-04", "2025-05-12"),  # 10.05.2025 Saturday, 11.05 Sunday
        ("2025-12", "2026-01-12"),  # 10.01.2026 Saturday after the New Year holidays 01–09.01
        ("2026-01", "2026-02-10"),  # the last period under the old rule
        ("2026-02", "2026-03-16"),  # the first under 177-ФЗ: 15.03.2026 is a Sunday
        ("2026-03", "2026-04-15"),  # Wednesday
        ("2026-04", "2026-05-15"),  # Friday
        ("2026-09", "2026-10-15"),
        ("2026-10", "2026-11-16"),  # 15.11.2026 Sunday
    ],
)
def test_law_rule_across_the_2026_02_switch(period, expected):
    assert due_date(Period.parse(period), calendar=CALENDAR) == d(expected)


def test_the_switch_is_the_february_2026_period():
    assert NEW_RULE_FIRST_PERIOD == Period(2026, 2)
    assert due_date(Period(2026, 1), calendar=CALENDAR, shift=False) == d("2026-02-10")
    assert due_date(Period(2026, 2), calendar=CALENDAR, shift=False) == d("2026-03-15")


def test_shift_off_keeps_the_nominal_day():
    assert due_date(Period(2026, 2), calendar=CALENDAR, shift=False) == d("2026-03-15")
    assert due_date(Period(2025, 12), calendar=CALENDAR, shift=False) == d("2026-01-10")


def test_without_a_calendar_only_saturdays_and_sundays_move():
    assert due_date(Period(2026, 2), calendar=None) == d("2026-03-16")
    # A holiday is not known without the calendar: 09.03.2026 (Monday, the 8 March day off moved) stays.
    assert due_date(Period(2026, 2), rule="day:9", calendar=None, kind="capital_repair") == d("2026-03-09")
    assert due_date(Period(2026, 2), rule="day:9", calendar=CALENDAR, kind="capital_repair") == d("2026-03-10")


def test_contract_day_applies_before_february_2026():
    assert due_date(Period(2025, 1), rule="day:20", calendar=CALENDAR) == d("2025-02-20")
    # 23.02.2026 (Monday) is a holiday → 24.02.2026.
    assert due_date(Period(2026, 1), rule="day:23", calendar=CALENDAR) == d("2026-02-24")


def test_contract_day_is_overridden_by_law_from_february_2026():
    assert due_date(Period(2026, 2), rule="day:20", calendar=CALENDAR) == d("2026-03-16")
    assert due_date(Period(2026, 4), rule="day:5", calendar=CALENDAR) == d("2026-05-15")


def test_capital_repair_follows_the_law_or_the_regional_day():
    assert due_date(Period(2026, 2), calendar=CALENDAR, kind="capital_repair") == d("2026-03-16")
    assert due_date(Period(2025, 1), calendar=CALENDAR, kind="capital_repair") == d("2025-02-10")
    # A regional day holds after 177-ФЗ too: 10.05.2026 Sunday, 11.05 holiday → 12.05.
    assert due_date(Period(2026, 4), rule="day:10", calendar=CALENDAR, kind="capital_repair") == d("2026-05-12")


def test_a_day_past_the_month_end_is_its_last_day():
    # February 2026 has 28 days: 28.02.2026 is a Saturday → Monday 02.03.2026.
    assert due_date(Period(2026, 1), rule="day:31", calendar=CALENDAR, shift=False) == d("2026-02-28")
    assert due_date(Period(2026, 1), rule="day:31", calendar=CALENDAR) == d("2026-03-02")
    assert due_date(Period(2024, 1), rule="day:30", calendar=None, shift=False) == d("2024-02-29")


def test_a_transferred_working_saturday_is_a_working_day():
    # 01.11.2025 was worked (перенос на 03.11): a term ending on it does not move.
    assert due_date(Period(2025, 10), rule="day:1", calendar=CALENDAR) == d("2025-11-01")
    assert due_date(Period(2025, 10), rule="day:1", calendar=None) == d("2025-11-03")


@pytest.mark.parametrize("rule", ["", "tenth", "day:", "day:0", "day:32", "day:x", "day:1.5", "DAY:10", "day:١٠"])
def test_bad_rules_are_refused(rule):
    with pytest.raises(InvalidValue):
        due_date(Period(2025, 1), rule=rule, calendar=None)
    with pytest.raises(InvalidValue):
        parse_due_rule(rule)


def test_parse_due_rule():
    assert parse_due_rule("law") is None
    assert parse_due_rule("day:20") == 20


def test_bad_kind_and_period_are_refused():
    with pytest.raises(InvalidValue):
        due_date(Period(2025, 1), calendar=None, kind="gas")
    with pytest.raises(TypeError):
        due_date("2025-01", calendar=None)


def test_calendar_must_be_named():
    with pytest.raises(TypeError):
        due_date(Period(2025, 1))  # the caller states which calendar (or None) ст. 193 ГК uses


periods = st.builds(Period, st.integers(2016, 2030), st.integers(1, 12))
rules = st.one_of(st.just("law"), st.integers(1, 31).map(lambda n: f"day:{n}"))


@given(period=periods, rule=rules, kind=st.sampled_from(["standard", "capital_repair"]))
def test_due_is_a_working_day_on_or_just_after_the_nominal_day(period, rule, kind):
    nominal = due_date(period, rule=rule, calendar=CALENDAR, shift=False, kind=kind)
    due = due_date(period, rule=rule, calendar=CALENDAR, kind=kind)
    assert nominal in period + 1
    assert CALENDAR.is_working(due)
    assert nominal <= due <= nominal + timedelta(days=12)  # the longest run of days off is the New Year's
    assert all(not CALENDAR.is_working(nominal + timedelta(days=i)) for i in range((due - nominal).days))


@given(period=periods)
def test_law_day_is_10th_before_and_15th_from_the_switch(period):
    nominal = due_date(period, calendar=None, shift=False)
    assert nominal.day == (10 if period < Period(2026, 2) else 15)
