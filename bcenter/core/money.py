"""Деньги: целые копейки в хранении, ``Decimal`` рубли в расчётах, ROUND_HALF_UP, никогда ``float``.

The law on numbers (ARCHITECTURE.md §2; DOMAIN.md §0 conventions and §11 golden cases):

1. **Storage and exchange between modules: integer kopecks** (``int``). A database column holding money is an
   ``INTEGER`` / ``BIGINT`` of kopecks; sums of kopecks never drift.
2. **Calculation: ``decimal.Decimal`` rubles** inside ``decimal_context()`` — ``CONTEXT``: 34 significant digits,
   ``ROUND_HALF_UP`` («математическое округление»), and traps for invalid operations, division by zero and any
   mixing with ``float``.
3. **Never ``float``.** ``to_decimal`` — the one constructor — refuses it with ``TypeError``; so do the other
   functions here. (``Decimal(6.935)`` is 6.93499999999999960920149533194489777088165283203125.)
4. **Round once**, to the kopeck, half up, at the named points of DOMAIN.md §0 (once per charge line, after
   multiplying the unrounded volume by the unrounded tariff): ``round_rub`` for a ``Decimal`` result,
   ``to_kop`` to land it in kopecks. Amounts that arrive as text must already be whole kopecks:
   ``rub_to_kop("1.005")`` is an error, not a rounding.
5. **A total split into parts sums exactly** (payment split, п. 118 ПП 354; "balanced" common-property split):
   ``allocate`` by the largest-remainder method on kopecks with a deterministic tie-break (DOMAIN.md §0, G14).
6. **Formatting**: ``format_kop`` for exchange files (``"1234.56"``, EXCHANGE.md), ``format_rub_ru`` for people
   (``"3 412,08 ₽"``, ARCHITECTURE.md §7).

Named constants: ``KOPECK`` (0.01), ``CONTEXT``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    FloatOperation,
    Inexact,
    InvalidOperation,
    localcontext,
)

from bcenter.core.errors import InvalidValue
from bcenter.core.quantity import parse_typed_decimal

__all__ = [
    "CONTEXT",
    "KOPECK",
    "allocate",
    "decimal_context",
    "format_amount_ru",
    "format_kop",
    "format_rub_ru",
    "kop_to_rub",
    "parse_rub_ru",
    "round_rub",
    "rub_to_kop",
    "to_decimal",
    "to_kop",
]

CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, FloatOperation])
"""The one decimal context for money and quantities: 34 digits, half up, float mixing trapped."""

# Same as CONTEXT but any inexact result is an error: used where a result must be exact (scaling by 100).
_EXACT = Context(
    prec=CONTEXT.prec,
    rounding=ROUND_HALF_UP,
    traps=[InvalidOperation, DivisionByZero, FloatOperation, Inexact],
)

# Scaling weights by 10**places must be exact however many digits they carry.
_EXACT_WIDE = Context(prec=999_999, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Inexact])

KOPECK = Decimal("0.01")
"""One kopeck in rubles: the quantum of money."""

_NBSP = "\u00a0"
_MINUS = "\u2212"


def decimal_context():
    """A context manager running the block in (a copy of) ``CONTEXT``: ``with decimal_context(): ...``."""
    return localcontext(CONTEXT)


def to_decimal(value: str | int | Decimal) -> Decimal:
    """The one constructor of ``Decimal`` from code: ``str``, ``int`` or ``Decimal``; ``float`` is refused.

    Strings use Python's decimal syntax (surrounding spaces ignored); NaN and infinities are refused. For text
    coming from outside (files, forms) use the stricter ``bcenter.core.quantity.parse_decimal``.
    """
    if isinstance(value, (float, bool)):
        kind = type(value).__name__
        raise TypeError(
            f"деньги и количества не бывают {kind}: передайте str, int или Decimal "
            f"(money and quantities never come from {kind})"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidValue("это не десятичное число", value=value) from None
    else:
        kind = type(value).__name__
        raise TypeError(f"ожидается str, int или Decimal, получено {kind} (expected str, int or Decimal)")
    if not result.is_finite():
        raise InvalidValue("число должно быть конечным", value=value)
    return result


def round_rub(d: Decimal) -> Decimal:
    """Round rubles to the kopeck, half up (DOMAIN.md §0: once per charge line): 404.73381 → 404.73."""
    return _as_decimal(d).quantize(KOPECK, rounding=ROUND_HALF_UP, context=CONTEXT)


def to_kop(d: Decimal) -> int:
    """A computed ruble amount → kopecks, rounding half up exactly once: Decimal("602.1405") → 60214."""
    return int(_as_decimal(d).scaleb(2, context=CONTEXT).to_integral_value(ROUND_HALF_UP, context=CONTEXT))


def rub_to_kop(value: Decimal | str | int) -> int:
    """An amount that must already be whole kopecks → kopecks, exactly: "1234.56" → 123456.

    Raises ``InvalidValue`` if the value is not a decimal number or has a fraction of a kopeck ("1.005");
    trailing zeros are fine ("1.500" → 150). Use it for amounts read from files, forms and registries
    (EXCHANGE.md: money is a decimal string with up to 2 decimals); computed amounts go through ``to_kop``.
    """
    amount = to_decimal(value)
    try:
        scaled = amount.scaleb(2, context=_EXACT)
    except Inexact:
        raise InvalidValue("слишком много значащих цифр для суммы", value=value) from None
    integral = scaled.to_integral_value(context=CONTEXT)
    if integral != scaled:
        raise InvalidValue("сумма должна быть в целых копейках (не больше 2 знаков после точки)", value=value)
    return int(integral)


def parse_rub_ru(text: str) -> int:
    """Rubles as a person types them → kopecks, exactly: «12 500,00», «12500.5» → 1250000, 1250050 (the decimal comma,
    spaces of any kind, «,50» and «100,» allowed; what is left must be digits 0–9 with a point — ``parse_decimal``:
    «1e3», «1_000» or other scripts' digits are no sum a cashier meant — and whole kopecks — ``rub_to_kop``)."""
    try:
        amount = parse_typed_decimal(text)
    except InvalidValue as exc:  # the reason in a cashier's words, the text as typed
        reason = "это не десятичное число" if exc.reason.startswith("ожидается") else exc.reason
        raise InvalidValue(f"{reason} (сумма пишется цифрами, копейки через запятую: 1 234,56)", value=text) from None
    try:
        return rub_to_kop(amount)
    except InvalidValue as exc:
        raise InvalidValue(exc.reason.replace("после точки", "после запятой"), value=text) from None


def kop_to_rub(k: int) -> Decimal:
    """Kopecks → rubles with exactly two decimals: 123456 → Decimal("1234.56"), 0 → Decimal("0.00")."""
    return Decimal(_as_kop(k)).scaleb(-2, context=_EXACT)


def format_kop(k: int) -> str:
    """Kopecks as the exchange-format string (EXCHANGE.md): 123456 → "1234.56", -8029 → "-80.29", 0 → "0.00"."""
    k = _as_kop(k)
    rubles, kopecks = divmod(abs(k), 100)
    return f"{'-' if k < 0 else ''}{rubles}.{kopecks:02d}"


def format_rub_ru(k: int) -> str:
    """Kopecks for people (ARCHITECTURE.md §7): 341208 → "3 412,08 ₽", -8029 → "−80,29 ₽".

    Thousands are separated and the ruble sign is preceded by a NO-BREAK SPACE (U+00A0), so an amount never
    wraps across lines; the minus is the typographic MINUS SIGN (U+2212).
    """
    return f"{format_amount_ru(k)}{_NBSP}₽"


def format_amount_ru(k: int) -> str:
    """``format_rub_ru`` without the ruble sign — a table's column whose title says «руб.»: 341208 → "3 412,08"."""
    k = _as_kop(k)
    rubles, kopecks = divmod(abs(k), 100)
    grouped = f"{rubles:,}".replace(",", _NBSP)
    return f"{_MINUS if k < 0 else ''}{grouped},{kopecks:02d}"


def allocate(
    total: int,
    weights: Sequence[int | Decimal],
    *,
    tie_break: Sequence | None = None,
) -> list[int]:
    """Split ``total`` kopecks in proportion to ``weights`` so that the parts sum exactly to ``total``.

    Largest-remainder method (DOMAIN.md §0; п. 118 ПП 354 for payment splits; golden case G14): each part
    first gets the floor of its exact share ``total × wᵢ / Σw``; the kopecks left over go one each to the
    parts with the largest remainders. Equal remainders are ranked by ``tie_break[i]`` (lower key wins, e.g.
    (service priority, code)), then by position (earlier wins). So every part is within one kopeck of its
    exact share, parts with zero weight get zero, and the result is a pure function of the input.

    A negative ``total`` is split as ``-allocate(-total, ...)``: a storno of a split nets every part to zero.

    Weights are non-negative ``int`` or ``Decimal`` (``float`` is refused). All-zero weights are a
    ``ValueError`` unless ``total`` is 0 (then every part is 0).
    """
    total = _as_kop(total)
    count = len(weights)
    if tie_break is not None and len(tie_break) != count:
        raise ValueError(f"tie_break has {len(tie_break)} keys for {count} weights")
    scaled = _integer_weights(weights)
    weight_sum = sum(scaled)
    if weight_sum == 0:
        if total == 0:
            return [0] * count
        raise ValueError("нельзя распределить ненулевую сумму по нулевым весам (all weights are zero)")
    if total < 0:
        return [-part for part in allocate(-total, weights, tie_break=tie_break)]

    parts: list[int] = []
    remainders: list[int] = []
    for weight in scaled:
        part, remainder = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append(remainder)
    left_over = total - sum(parts)
    if left_over:
        if tie_break is None:
            order = sorted(range(count), key=lambda i: (-remainders[i], i))
        else:
            order = sorted(range(count), key=lambda i: (-remainders[i], tie_break[i], i))
        for i in order[:left_over]:
            parts[i] += 1
    return parts


def _integer_weights(weights: Sequence[int | Decimal]) -> list[int]:
    """Weights as integers with the same ratios: Decimals are scaled by a common power of ten, exactly."""
    places = 0
    for weight in weights:
        if isinstance(weight, bool) or not isinstance(weight, (int, Decimal)):
            raise TypeError(f"вес должен быть int или Decimal, получено {type(weight).__name__}")
        if isinstance(weight, Decimal):
            if not weight.is_finite():
                raise ValueError(f"вес должен быть конечным числом: {weight}")
            places = max(places, -weight.as_tuple().exponent)
        if weight < 0:
            raise ValueError(f"вес не может быть отрицательным: {weight}")
    if places == 0:
        return [int(weight) for weight in weights]
    factor = 10**places
    return [
        int(weight.scaleb(places, context=_EXACT_WIDE)) if isinstance(weight, Decimal) else int(weight) * factor
        for weight in weights
    ]



def _as_decimal(d: Decimal) -> Decimal:
    return d if type(d) is Decimal else to_decimal(d)


def _as_kop(k: int) -> int:
    """Kopecks must be an ``int`` (not ``bool``, not ``float``, not ``Decimal``)."""
    if type(k) is int:
        return k
    if isinstance(k, int) and not isinstance(k, bool):
        return int(k)
    raise TypeError(f"копейки — это int, получено {type(k).__name__} (kopecks must be int)")
