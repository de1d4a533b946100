"""The named validation rules of a meter reading (issue 15): a test per rule — what it catches, what it lets through,
its severity and its Russian reason — and the outcome of several verdicts together."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bcenter.engine.reading_rules import RULES, MeterFacts, Reading, check, outcome

WATER = MeterFacts("12345678", zones=1, digits=5, installed=date(2024, 1, 10), valid_until=date(2030, 1, 9))
POWER = MeterFacts("87654321", zones=2, digits=6, installed=date(2024, 1, 10))
BEFORE = Reading(date(2026, 10, 24), {"total": D("1234.5")})


def rules(verdicts) -> list[str]:
    return [v.rule for v in verdicts]


def test_a_plain_reading_is_accepted():
    verdicts = check(WATER, Reading(date(2026, 11, 24), {"total": D("1240.125")}), before=BEFORE, average=D(6))
    assert verdicts == () and outcome(verdicts) == "accepted"


def test_too_many_digits():
    verdicts = check(WATER, Reading(date(2026, 11, 24), {"total": D("123456")}), before=BEFORE)
    assert rules(verdicts) == ["too_many_digits"] and outcome(verdicts) == "rejected"
    assert "5 разрядов до запятой" in verdicts[0].message and "123456" in verdicts[0].message
    assert check(WATER, Reading(date(2026, 11, 24), {"total": D("99999.999")})) == ()


def test_a_negative_reading_is_named_negative():
    """A counter shows no negative value: «-5» is refused as such, not as «a digit too many» (a misleading hint)."""
    verdicts = check(WATER, Reading(date(2026, 11, 24), {"total": D("-5")}), before=BEFORE)
    assert rules(verdicts) == ["too_many_digits"] and outcome(verdicts) == "rejected"
    assert "-5" in verdicts[0].message and "отрицательн" in verdicts[0].message
    assert "разрядов" not in verdicts[0].message


def test_zones_mismatch():
    day_only = check(POWER, Reading(date(2026, 11, 24), {"day": D("1000")}))
    assert rules(day_only) == ["zones_mismatch"]
    assert "нужны день (Т1), ночь (Т2), переданы день (Т1)" in day_only[0].message
    assert rules(check(WATER, Reading(date(2026, 11, 24), {"day": D(1), "night": D(1)}))) == ["zones_mismatch"]
    assert check(POWER, Reading(date(2026, 11, 24), {"day": D(1), "night": D(2)})) == ()


def test_meter_not_installed_and_meter_removed():
    assert rules(check(WATER, Reading(date(2024, 1, 9), {"total": D(1)}))) == ["meter_not_installed"]
    removed = MeterFacts("1", zones=1, digits=5, installed=date(2024, 1, 10), removed=date(2026, 11, 15))
    assert check(removed, Reading(date(2026, 11, 15), {"total": D(5)})) == ()  # the final reading on the day
    verdicts = check(removed, Reading(date(2026, 11, 16), {"total": D(5)}))
    assert rules(verdicts) == ["meter_removed"] and "снят 15.11.2026" in verdicts[0].message


def test_verification_expired():
    expired = MeterFacts("1", zones=1, digits=5, installed=date(2020, 1, 1), valid_until=date(2026, 10, 15))
    assert check(expired, Reading(date(2026, 10, 31), {"total": D(5)})) == ()  # its month: still by the reading
    verdicts = check(expired, Reading(date(2026, 11, 1), {"total": D(5)}))
    assert rules(verdicts) == ["verification_expired"] and "п. 81(12)" in verdicts[0].message


def test_below_previous_without_a_rollover():
    verdicts = check(WATER, Reading(date(2026, 11, 24), {"total": D("1200")}), before=BEFORE)
    assert rules(verdicts) == ["below_previous"] and outcome(verdicts) == "rejected"
    assert verdicts[0].message == "показание 1200 меньше предыдущего показания 1234,5 от 24.10.2026 — проверьте цифры"


def test_a_rollover_needs_confirmation():
    near_top = Reading(date(2026, 10, 24), {"total": D("99990")})
    verdicts = check(WATER, Reading(date(2026, 11, 24), {"total": D("4")}), before=near_top, average=D(10))
    assert rules(verdicts) == ["rollover"] and outcome(verdicts) == "needs_confirmation"
    assert "переход счётчика через ноль (расход 14)" in verdicts[0].message


def test_above_the_next_reading():
    after = Reading(date(2026, 12, 24), {"total": D("1250")})
    assert rules(check(WATER, Reading(date(2026, 11, 24), {"total": D("1260")}), before=BEFORE, after=after)) == \
        ["above_next"]
    assert check(WATER, Reading(date(2026, 11, 24), {"total": D("1245")}), before=BEFORE, after=after) == ()


def test_far_above_the_accounts_own_average():
    verdicts = check(WATER, Reading(date(2026, 11, 24), {"total": D("1274.5")}), before=BEFORE, average=D(10))
    assert rules(verdicts) == ["far_above_average"] and outcome(verdicts) == "needs_confirmation"
    assert check(WATER, Reading(date(2026, 11, 24), {"total": D("1264.5")}), before=BEFORE, average=D(10)) == ()
    # two months since the last reading: the month's rate, not the sum, is compared
    assert check(WATER, Reading(date(2026, 12, 24), {"total": D("1284.5")}), before=BEFORE, average=D(10)) == ()
    assert check(WATER, Reading(date(2026, 11, 24), {"total": D("1294.5")}), before=BEFORE, average=D(0)) == ()


def test_outside_the_submission_window_is_a_note():
    verdicts = check(WATER, Reading(date(2026, 11, 27), {"total": D("1240")}), before=BEFORE, window=(23, 25))
    assert rules(verdicts) == ["outside_window"] and outcome(verdicts) == "accepted"
    inspector = Reading(date(2026, 11, 27), {"total": D("1240")}, source="inspector")
    assert check(WATER, inspector, before=BEFORE, window=(23, 25)) == ()


def test_several_verdicts_and_every_rule_is_tested():
    verdicts = check(MeterFacts("1", 1, 5, date(2024, 1, 1), removed=date(2026, 1, 1), valid_until=date(2025, 1, 1)),
                     Reading(date(2026, 2, 1), {"total": D(5)}))
    assert rules(verdicts) == ["meter_removed", "verification_expired"] and outcome(verdicts) == "rejected"
    tested = {"too_many_digits", "zones_mismatch", "meter_not_installed", "meter_removed", "verification_expired",
              "below_previous", "rollover", "above_next", "far_above_average", "outside_window"}
    assert tested == set(RULES)


@pytest.mark.parametrize("value", ["1234.5", "1234.500"])
def test_an_equal_reading_is_no_consumption_not_an_error(value):
    assert check(WATER, Reading(date(2026, 11, 24), {"total": D(value)}), before=BEFORE, average=D(6)) == ()
