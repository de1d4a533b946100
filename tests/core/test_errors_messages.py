"""Errors (ARCHITECTURE.md §8): one hierarchy with Russian messages and CLI exit codes; Problem "path: reason";
InvalidValue naming the value and place; ValidationFailed listing every problem, one per line."""

import dataclasses

import pytest

from bcenter.core.errors import (
    BcenterError,
    ConfigError,
    IntegrityAlarm,
    InvalidValue,
    NotFound,
    PeriodClosed,
    PermissionDenied,
    Problem,
    UsageError,
    ValidationFailed,
)
from bcenter.core.period import Period

ALL = [InvalidValue, ValidationFailed, NotFound, IntegrityAlarm, PermissionDenied, PeriodClosed, ConfigError,
       UsageError]


def has_cyrillic(text):
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)


def test_problem_formats_as_path_colon_reason_and_is_immutable():
    problem = Problem("payments.csv:12:amount", "сумма должна быть в целых копейках")
    assert str(problem) == "payments.csv:12:amount: сумма должна быть в целых копейках"
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.path = "x"


def test_invalid_value_message_reason_and_place():
    error = InvalidValue("месяц должен быть от 01 до 12", value="2025-13", path="accounts.json:3:period")
    assert error.reason == "месяц должен быть от 01 до 12"
    assert error.message_ru == "accounts.json:3:period: Недопустимое значение «2025-13»: месяц должен быть от 01 до 12"
    assert str(error) == error.message_ru
    assert isinstance(error, ValueError)
    assert error.exit_code == 1


def test_invalid_value_becomes_a_problem():
    error = InvalidValue("это не десятичное число", value="abc")
    assert str(error.to_problem("f.csv:2:area")) == "f.csv:2:area: «abc»: это не десятичное число"
    assert str(InvalidValue("пусто").to_problem("f.csv:3:area")) == "f.csv:3:area: пусто"


def test_validation_failed_lists_every_problem_one_per_line():
    problems = [Problem("реестр.txt:1:сумма", "не число"), Problem("реестр.txt:7:дата", "такого дня нет"),
                Problem("реестр.txt:9:лс", "лицевой счёт не найден")]
    error = ValidationFailed(problems)
    lines = error.message_ru.splitlines()
    assert lines[0] == "Данные не прошли проверку (3 ошибки):"
    assert lines[1:] == [str(p) for p in problems]
    assert error.problems == problems


@pytest.mark.parametrize(("count", "word"), [(1, "1 ошибка"), (2, "2 ошибки"), (5, "5 ошибок"), (11, "11 ошибок"),
                                             (21, "21 ошибка"), (22, "22 ошибки"), (112, "112 ошибок")])
def test_validation_failed_counts_in_russian(count, word):
    error = ValidationFailed([Problem(str(i), "плохо") for i in range(count)])
    assert f"({word})" in error.message_ru.splitlines()[0]


def test_validation_failed_needs_problems():
    with pytest.raises(ValueError):
        ValidationFailed([])


@pytest.mark.parametrize("error_class", [NotFound, IntegrityAlarm, PermissionDenied, PeriodClosed, ConfigError,
                                         UsageError])
def test_default_messages_are_russian(error_class):
    error = error_class()
    assert isinstance(error, BcenterError)
    assert has_cyrillic(error.message_ru)
    assert str(error) == error.message_ru


def test_exit_codes():
    assert BcenterError().exit_code == 1
    assert UsageError().exit_code == 2
    for error_class in ALL:
        assert issubclass(error_class, BcenterError)
        if error_class is not UsageError:
            assert error_class.exit_code == 1


def test_specific_messages():
    assert NotFound(what="лицевой счёт", key="1002003004").message_ru == "Не найдено: лицевой счёт «1002003004»"
    assert "2025-01" in PeriodClosed(period=Period(2025, 1)).message_ru
    assert PermissionDenied("Кассир не может закрыть месяц").message_ru == "Кассир не может закрыть месяц"


def test_errors_can_be_raised_and_caught_by_the_base():
    with pytest.raises(BcenterError) as caught:
        raise PeriodClosed(period=Period(2024, 12))
    assert caught.value.period == Period(2024, 12)
