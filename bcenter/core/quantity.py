"""Количества: объёмы, нормативы, тарифы, площади, коэффициенты, доли — точные десятичные числа.

Rules (ARCHITECTURE.md §2, EXCHANGE.md): quantities are exact decimals, stored as canonical TEXT (never REAL) and
exchanged as decimal strings of any precision (``"4.745"``). Tariffs carry up to 6 decimals, volumes up to 7
(DOMAIN.md §0, after ГИС ЖКХ NUMERIC(14,6) / NUMERIC(22,7)); we keep whatever precision arrives and round
only money, once.

* ``parse_decimal`` reads external text strictly: ``-?digits[.digits]`` and nothing else — no exponent,
  spaces, thousands separators, decimal comma or plus sign, so a malformed file fails loudly instead of being
  guessed at.
* ``canonical`` writes one text per value, so equal quantities store and export identically:
  Decimal("4.7450") → "4.745", Decimal("1E+1") → "10", Decimal("-0.0") → "0".
* ``format_decimal_ru`` shows one to people with a decimal comma (ARCHITECTURE.md §7): "34.84" → «34,84».
* ``parse_fraction`` reads ownership shares («доля в праве») such as "1/2" or "2/3".
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from bcenter.core.errors import InvalidValue

__all__ = ["canonical", "format_decimal_ru", "parse_decimal", "parse_fraction", "parse_typed_decimal"]

_DECIMAL_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_FRACTION_RE = re.compile(r"([0-9]+)/([0-9]+)")
_MAX_FRACTION_DIGITS = 18  # no real share needs more; keeps hostile input from building huge integers


def parse_decimal(text: str) -> Decimal:
    """Strictly parse a decimal number from external text: "4.745", "-80.29", "10" (``^-?\\d+(\\.\\d+)?$``).

    Raises ``InvalidValue`` with the reason in Russian for anything else ("1e3", " 1", "1,5", "+1", ".5", "").
    """
    if not isinstance(text, str):
        raise TypeError(f"ожидается строка, получено {type(text).__name__} (expected str)")
    if _DECIMAL_RE.fullmatch(text) is None:
        raise InvalidValue(_decimal_reason(text), value=text)
    return Decimal(text)


def parse_typed_decimal(text: str) -> Decimal:
    """A number as a person types it: spaces of any kind dropped (digit groups, a pasted tab), a decimal comma,
    «,5» and «12,» read as 0.5 and 12 — then strictly, as ``parse_decimal`` («1e3», «1_000», other scripts' digits
    refused with its reason)."""
    typed = "".join(text.split()).replace(",", ".")
    if typed[:1] == "." and typed[1:].isascii() and typed[1:].isdigit():
        typed = "0" + typed
    elif typed[-1:] == "." and typed[:-1].isascii() and typed[:-1].isdigit():
        typed = typed[:-1]
    return parse_decimal(typed)


def _decimal_reason(text: str) -> str:
    """Say what is wrong in words a clerk understands."""
    if not text:
        return "пустое значение вместо числа"
    if text != text.strip():
        return "лишние пробелы вокруг числа"
    if "," in text:
        return "десятичный разделитель — точка, а не запятая"
    if " " in text or "\u00a0" in text:
        return "пробелы внутри числа недопустимы"
    if "e" in text.lower():
        return "экспоненциальная запись недопустима"
    if text.startswith("+"):
        return "знак «+» недопустим"
    return "ожидается число вида 123 или -123.45"


def canonical(d: Decimal) -> str:
    """The canonical text of a quantity for storage and export: no exponent, no trailing fractional zeros,
    no negative zero. Decimal("4.7450") → "4.745", Decimal("54.30") → "54.3", Decimal("1E+1") → "10".

    ``canonical(parse_decimal(canonical(d))) == canonical(d)`` for every finite ``d``; ints are accepted too.
    The text depends on the value only (equal decimals have equal texts), so the texts of the values met lately
    are kept: a month asks for the same tariffs, areas and norms hundreds of thousands of times.
    """
    if type(d) is Decimal and d.is_finite():
        text = _CANONICAL.get(d)
        if text is None:
            if len(_CANONICAL) >= 100_000:
                _CANONICAL.clear()
            text = _CANONICAL[d] = _canonical(d)
        return text
    return _canonical(d)


_CANONICAL: dict[Decimal, str] = {}


def _canonical(d: Decimal) -> str:
    if isinstance(d, bool) or not isinstance(d, (Decimal, int)):
        raise TypeError(f"ожидается Decimal, получено {type(d).__name__} (expected Decimal)")
    if isinstance(d, int):
        return str(int(d))
    if not d.is_finite():
        raise InvalidValue("число должно быть конечным", value=d)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_decimal_ru(value: Decimal | int | str) -> str:
    """A quantity as people read it — an area, a volume, a tariff — with a decimal comma: "34.84" → «34,84»,
    Decimal("4.7450") → «4,745». Text (as stored) keeps its digits; a ``Decimal`` is written ``canonical``. No
    digit grouping, so the text typed back into a form (``parse_typed_decimal``) reads the same number."""
    text = value if isinstance(value, str) else canonical(value)
    return text.replace(".", ",")


def parse_fraction(text: str) -> Fraction:
    """Parse a share «доля» written "числитель/знаменатель": "1/2", "2/3", "1/1" → ``Fraction``.

    A share is positive and at most the whole: "0/1", "3/2" and "1/0" raise ``InvalidValue``. The result is
    reduced ("2/4" → 1/2).
    """
    if not isinstance(text, str):
        raise TypeError(f"ожидается строка, получено {type(text).__name__} (expected str)")
    match = _FRACTION_RE.fullmatch(text)
    if match is None:
        raise InvalidValue("доля записывается как «числитель/знаменатель», например 1/2", value=text)
    numerator, denominator = match.groups()
    if len(numerator) > _MAX_FRACTION_DIGITS or len(denominator) > _MAX_FRACTION_DIGITS:
        raise InvalidValue("слишком длинные числитель или знаменатель доли", value=text)
    if int(denominator) == 0:
        raise InvalidValue("знаменатель доли не может быть нулём", value=text)
    share = Fraction(int(numerator), int(denominator))
    if share == 0:
        raise InvalidValue("доля должна быть больше нуля", value=text)
    if share > 1:
        raise InvalidValue("доля не может быть больше целого (1/1)", value=text)
    return share
