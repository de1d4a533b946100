"""Values an exchange document may not carry, whatever field they are in (issue 10: accepted though wrong, or
dropped silently).

Every string outside ``extra`` (free-form, kept as is) must be something a person typed on purpose: not empty, no
spaces at its ends, no control characters (a line break, a tab, a bell), no invisible direction or width marks
(U+202E turns «1002003004» into «4003002001» on screen), no lone halves of a surrogate pair, and no digits other than
0–9 (Arabic-Indic «٣» looks like a digit and sorts like one, but is not an account number). Every integer stays
within what a database column holds. Each finding is a ``Problem`` at the value's own path.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from bcenter.core.errors import Problem

__all__ = ["MAX_INTEGER", "value_problems"]

MAX_INTEGER = 2 ** 31 - 1
"""The largest integer a document may give (zones, digits, rooms, floor, order): an INTEGER column's."""

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                        "\ud800-\udfff]")
_NAMES = {"\n": "перевод строки", "\r": "возврат каретки", "\t": "табуляция", "\u202e": "смена направления текста",
          "\u200b": "невидимый пробел", "\ufeff": "метка порядка байтов"}


def _character(ch: str) -> str:
    name = _NAMES.get(ch)
    if name is None:
        name = "половина суррогатной пары" if "\ud800" <= ch <= "\udfff" else \
            unicodedata.name(ch, "управляющий символ").lower()
    return f"U+{ord(ch):04X} ({name})"


def _string(value: str, path: str) -> Problem | None:
    if value and value.isascii() and value.isprintable() and value[0] != " " and value[-1] != " ":
        return None  # the common case at once: printable ASCII (no control characters) without end spaces
    if not value.strip():
        return Problem(path, "пустое значение: заполните поле или уберите его")
    found = _INVISIBLE.search(value)
    if found:
        return Problem(path, f"недопустимый символ {_character(found.group())}")
    if value != value.strip():
        return Problem(path, f"лишние пробелы в начале или в конце: «{value}»")
    if not value.isascii():
        odd = next((ch for ch in value if ch.isdecimal() and not "0" <= ch <= "9"), None)
        if odd is not None:
            return Problem(path, f"цифра «{odd}» не из набора 0–9 ({unicodedata.name(odd, 'цифра').lower()})")
    return None


def value_problems(value: Any, path: str) -> Iterator[Problem]:
    """The problems of every string and integer inside ``value`` (``extra``: only what cannot be stored at all)."""
    if isinstance(value, str):
        problem = _string(value, path)
        if problem is not None:
            yield problem
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if key == "extra":
                yield from _unstorable(item, where)
            else:
                yield from value_problems(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from value_problems(item, f"{path}[{index}]")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
        yield Problem(path, f"слишком большое число: {str(value)[:20]}{'…' if len(str(value)) > 20 else ''}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _unstorable(value: Any, path: str) -> Iterator[Problem]:
    """Inside ``extra`` (free-form, kept as is): a lone half of a surrogate pair, in a key or a value, has no
    UTF-8 form — the row could not be written."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found:
            yield Problem(path, f"недопустимый символ {_character(found.group())}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key):  # named printably: the path itself must be printable
                key = key.encode("utf-8", "backslashreplace").decode()
                yield Problem(f"{path}.{key}", "недопустимый символ в имени поля: половина суррогатной пары")
            yield from _unstorable(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, f"{path}[{index}]")
