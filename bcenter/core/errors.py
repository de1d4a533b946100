"""Ошибки bcenter: одна иерархия, сообщения для людей — по-русски.

Rule (ARCHITECTURE.md §8): bad input gets a clear message naming the place (file, line, field) and the reason,
in Russian; nothing is silently dropped. So every error we raise on purpose is a ``BcenterError`` that carries

* ``message_ru`` — the text a person reads (the CLI prints it, the UI shows it), and
* ``exit_code`` — what the ``bcenter`` command returns: 1 for a failed job, 2 for wrong usage (as click does).

A single bad value is an ``InvalidValue`` (it also is a ``ValueError``, so generic code may catch either).
Checks that look at many values collect ``Problem`` items — ``Problem("реестр.txt:12:сумма", "не число")`` —
and raise one ``ValidationFailed`` listing them all, instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "BcenterError",
    "ConfigError",
    "IntegrityAlarm",
    "InvalidValue",
    "NotFound",
    "PeriodClosed",
    "PermissionDenied",
    "Problem",
    "UsageError",
    "ValidationFailed",
]


class BcenterError(Exception):
    """Base of every error bcenter raises on purpose; ``str(error)`` is ``message_ru``."""

    exit_code: int = 1
    default_message_ru: str = "Ошибка bcenter"

    def __init__(self, message_ru: str | None = None) -> None:
        self.message_ru: str = message_ru if message_ru is not None else self.default_message_ru
        super().__init__(self.message_ru)

    def __str__(self) -> str:
        return self.message_ru


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One finding of a check: where (``path`` — file:line:field, or a dotted field path) and why.

    Attributes:
        path: the place, e.g. ``"payments.csv:12:amount"`` or ``"accounts[3].area"``.
        reason: the reason in Russian, e.g. ``"площадь не может быть отрицательной"``.
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class InvalidValue(BcenterError, ValueError):
    """A single value is unacceptable (malformed number, impossible date, negative area...).

    ``reason`` says why in Russian; ``value`` (optional) is the offending input, quoted in the message;
    ``path`` (optional) names the place. ``to_problem(path)`` turns it into a ``Problem`` for collection.
    """

    def __init__(self, reason: str, *, value: object = None, path: str | None = None) -> None:
        self.reason = reason
        self.value = value
        self.path = path
        super().__init__(_invalid_value_message(reason, value=value, path=path))

    def to_problem(self, path: str | None = None) -> Problem:
        """The same finding as a ``Problem`` at ``path`` (or the path given when raised)."""
        where = path if path is not None else (self.path or "?")
        if self.value is None:
            return Problem(where, self.reason)
        return Problem(where, f"«{self.value}»: {self.reason}")


def _invalid_value_message(reason: str, *, value: object, path: str | None) -> str:
    text = "Недопустимое значение"
    if value is not None:
        text += f" «{value}»"
    text += f": {reason}"
    return f"{path}: {text}" if path else text


class ValidationFailed(BcenterError):
    """Several problems found at once; the message lists every one, one per line."""

    def __init__(self, problems: Iterable[Problem], *, title: str = "Данные не прошли проверку") -> None:
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("ValidationFailed needs at least one Problem")
        self.title = title
        count = len(self.problems)
        lines = [f"{title} ({_problems_ru(count)}):"]
        lines.extend(str(problem) for problem in self.problems)
        super().__init__("\n".join(lines))


def _problems_ru(count: int) -> str:
    """«1 ошибка», «2 ошибки», «5 ошибок» — Russian plural agreement."""
    if count % 10 == 1 and count % 100 != 11:
        word = "ошибка"
    elif count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        word = "ошибки"
    else:
        word = "ошибок"
    return f"{count} {word}"


class NotFound(BcenterError):
    """The thing asked for does not exist: ``NotFound(what="лицевой счёт", key="1002003004")``."""

    default_message_ru = "Объект не найден"

    def __init__(self, message_ru: str | None = None, *, what: str | None = None, key: object = None) -> None:
        self.what = what
        self.key = key
        if message_ru is None and what is not None:
            message_ru = f"Не найдено: {what}" + (f" «{key}»" if key is not None else "")
        super().__init__(message_ru)


class IntegrityAlarm(BcenterError):
    """Stored data contradicts itself, e.g. the same fact id arrives with different content (ARCHITECTURE.md §5)."""

    default_message_ru = "Нарушена целостность данных"


class PermissionDenied(BcenterError):
    """The user's role does not allow the action (ARCHITECTURE.md §8)."""

    default_message_ru = "Недостаточно прав для этого действия"


class PeriodClosed(BcenterError):
    """A closed billing period cannot be changed; corrections go to the open period (ARCHITECTURE.md §3)."""

    default_message_ru = "Расчётный период закрыт: изменения в нём запрещены"

    def __init__(self, message_ru: str | None = None, *, period: object = None) -> None:
        self.period = period
        if message_ru is None and period is not None:
            message_ru = f"Расчётный период {period} закрыт: изменения в нём запрещены"
        super().__init__(message_ru)


class ConfigError(BcenterError):
    """The configuration (settings, URLs, profiles) is missing or wrong."""

    default_message_ru = "Ошибка в настройках"


class UsageError(BcenterError):
    """The command was called wrongly (unknown option, missing argument); exit code 2 as in click."""

    exit_code = 2
    default_message_ru = "Команда вызвана неверно"
