"""The payment QR payload of ГОСТ Р 56042-2014 («ST00012|Name=…|…»): a strict generator and a tolerant parser.

Format (DOMAIN.md §4.3): ``"ST" "0001" <charset> <separator>`` then ``key=value`` pairs joined by the separator;
charset ``1`` = Windows-1251, ``2`` = UTF-8, ``3`` = KOI8-R; the separator is ``|``.

The **generator** (``payload``) writes the keys in the canonical spelling and our canonical order (required
fields first, then ``CANONICAL_ORDER``, then any other known key alphabetically), checks every value against the
standard's lengths and formats, refuses a value containing the separator or a line break, and never ends with a
separator (strict parsers read a trailing one as an empty field). Every problem is reported at once, naming the
field (and the supplier, when the caller says whose details these are).

The **parser** (``parse``) is what a kiosk needs for a scanned bill from any issuer: keys in any case
(``persacc``, ``PERSACC``), the charset from the header for bytes, a trailing separator or empty fields tolerated,
unknown keys kept as written; and what a keyboard-wedge scanner makes of a code — its bytes typed as Latin-1
characters, CR/LF after them, a byte-order mark — recovered (issue 14).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from bcenter.core.errors import InvalidValue, Problem, ValidationFailed

FORMAT = "ST0001"
SEPARATOR = "|"
CHARSETS = {"1": "cp1251", "2": "utf-8", "3": "koi8-r"}
CHARSET_CODES = {v: k for k, v in CHARSETS.items()}

REQUIRED = ("Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc")
CANONICAL_ORDER = REQUIRED + (
    "PayeeINN", "KPP", "Sum", "Purpose", "PersAcc", "PaymPeriod", "LastName", "FirstName", "MiddleName",
    "PayerAddress", "Category", "ServiceName", "CounterId", "CounterVal", "QuittId", "QuittDate", "AddAmount",
    "PaymTerm", "UIN", "PayerINN", "TechCode",
)
OTHER_KEYS = (
    "DrawerStatus", "CBC", "OKTMO", "PaytReason", "TaxPeriod", "DocNo", "DocDate", "TaxPaytKind", "PersonalAccount",
    "Flat", "Phone", "Contract", "DocIdx", "PensAcc", "PayerIdType", "PayerIdNum", "ChildFio", "BirthDate", "InstNum",
    "ClassNum", "SpecFio", "RuleId", "ExecId", "RegType",
)
KNOWN = {key.lower(): key for key in CANONICAL_ORDER + OTHER_KEYS}
_ORDER = {key: (i, key) for i, key in enumerate(CANONICAL_ORDER)}


def _place(key: str) -> tuple[int, str]:
    """A field's place in the payload: the canonical order, the other keys after it by name."""
    return _ORDER.get(key) or (len(_ORDER), key)

_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: \d would pass "٠" (Arabic-Indic)
_CONTROL = re.compile(r"[\x00-\x1f]")  # line breaks, tabs and every other control character
# (exact length or None, maximum length, digits only) — lengths per the standard (DOMAIN.md §4.3)
RULES: dict[str, tuple[tuple[int, ...] | None, int, bool]] = {
    "Name": (None, 160, False),
    "PersonalAcc": ((20,), 20, True),
    "BankName": (None, 45, False),
    "BIC": ((9,), 9, True),
    "CorrespAcc": (None, 20, True),
    "Sum": (None, 18, True),
    "Purpose": (None, 210, False),
    "PayeeINN": ((10, 12), 12, True),
    "PayerINN": ((10, 12), 12, True),
    "KPP": ((9,), 9, False),
    "CBC": (None, 20, False),
    "OKTMO": (None, 11, True),
    "TechCode": ((2,), 2, True),
    "PaymPeriod": (None, 6, True),
    "AddAmount": (None, 18, True),
}
FIELD_NAMES_RU = {
    "Name": "наименование получателя", "PersonalAcc": "расчётный счёт", "BankName": "банк", "BIC": "БИК",
    "CorrespAcc": "корр. счёт", "PayeeINN": "ИНН получателя", "PayerINN": "ИНН плательщика", "KPP": "КПП",
    "Sum": "сумма (копейки)", "Purpose": "назначение платежа", "PersAcc": "лицевой счёт",
    "PaymPeriod": "период оплаты", "TechCode": "технический код",
}


REQUIRED_BLOCK_LIMIT = 300
"""ГОСТ Р 56042-2014: the service data and the block of required fields (``Name`` … ``CorrespAcc``) take at most 300
bytes in the payload's charset."""


def required_block(fields: Mapping[str, object], charset: str) -> int:
    """Bytes of the header and the required block (``ST0001x|Name=…|…|CorrespAcc=…``) in ``charset``."""
    parts = [f"{key}={fields[key]}" for key in REQUIRED if fields.get(key) not in (None, "")]
    return len((FORMAT + "2" + SEPARATOR + SEPARATOR.join(parts)).encode(charset, errors="replace"))


def fitting_charset(fields: Mapping[str, object], *, whose: str | None = None) -> str:
    """UTF-8 while the required block fits in 300 bytes in it; else Windows-1251 (one byte a letter), when it fits
    there; else the details cannot make a code: refused, naming whose they are."""
    for charset in ("utf-8", "cp1251"):
        try:
            "".join(str(fields.get(k) or "") for k in REQUIRED).encode(charset)
        except UnicodeEncodeError:
            continue
        if required_block(fields, charset) <= REQUIRED_BLOCK_LIMIT:
            return charset
    prefix = f"{whose}: " if whose else ""
    raise ValidationFailed([Problem(f"{prefix}QR Name, BankName", (
        f"обязательные реквизиты занимают {required_block(fields, 'utf-8')} байт в UTF-8 и "
        f"{required_block(fields, 'cp1251')} в Windows-1251 — больше {REQUIRED_BLOCK_LIMIT} по ГОСТ Р 56042: "
        "сократите наименование получателя или банка"))], title="Реквизиты QR-кода платежа неверны")


def payload(fields: Mapping[str, object], *, charset: str = "utf-8", whose: str | None = None) -> str:
    """The QR text for `fields` (canonical key spelling; values str or int; None or "" values are left out).

    ``charset`` is ``utf-8`` (header ``ST00012``), ``cp1251`` (``ST00011``), ``koi8-r`` (``ST00013``) or ``auto``
    (``fitting_charset``: UTF-8, or Windows-1251 when the required block is over 300 bytes in UTF-8); a value the
    charset cannot hold is an error. ``whose`` (e.g. «поставщик ВОДОКАНАЛ») prefixes every message.
    Raises ``ValidationFailed`` listing every bad field.
    """
    if charset == "auto":
        charset = fitting_charset(fields, whose=whose)
    code = CHARSET_CODES.get(charset.lower())
    if code is None:
        raise InvalidValue(f"кодировка QR: {charset} (допустимы utf-8, cp1251, koi8-r)", value=charset)
    problems: list[tuple[str, str]] = []
    values: dict[str, str] = {}
    for key, value in fields.items():
        canonical = KNOWN.get(key.lower())
        if canonical is None:
            problems.append((key, "неизвестный реквизит ГОСТ Р 56042"))
            continue
        if value is None or value == "":
            continue
        values[canonical] = str(value)
    for key in REQUIRED:
        if key not in values:
            problems.append((key, "обязательный реквизит не указан"))
    for key, text in values.items():
        problems += [(key, reason) for reason in _check(key, text, charset)]
    if problems:
        prefix = f"{whose}: " if whose else ""
        raise ValidationFailed([
            Problem(f"{prefix}QR {key} ({FIELD_NAMES_RU[key]})" if key in FIELD_NAMES_RU else f"{prefix}QR {key}",
                    reason) for key, reason in problems], title="Реквизиты QR-кода платежа неверны")
    keys = sorted(values, key=_place)
    return FORMAT + code + SEPARATOR + SEPARATOR.join(f"{k}={values[k]}" for k in keys)


@lru_cache(maxsize=4096)
def _check(key: str, text: str, charset: str) -> tuple[str, ...]:
    """What is wrong with one value (nothing: an empty tuple). Kept for the values met lately: a recipient's
    name and bank details are checked once per batch, not once per bill."""
    out = []
    if SEPARATOR in text:
        out.append(f"значение содержит разделитель «{SEPARATOR}»: {text!r}")
    if _CONTROL.search(text):
        out.append("значение содержит перевод строки или управляющий символ")
    if text != text.strip():
        out.append("пробелы в начале или в конце значения")
    exact, longest, digits = RULES.get(key, (None, 0, False))
    if digits and not _DIGITS.fullmatch(text):
        out.append(f"ожидаются только цифры: {text!r}")
    if exact is not None and len(text) not in exact:
        lengths = " или ".join(map(str, exact))
        out.append(f"длина {len(text)}, ожидается {lengths}")
    elif longest and len(text) > longest:
        out.append(f"длина {len(text)} больше допустимой {longest}")
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        out.append(f"символы, которых нет в кодировке {charset}")
    return tuple(out)


def encode(text: str) -> bytes:
    """The payload's bytes in the charset its header declares."""
    return text.encode(_charset_of(text[:len(FORMAT) + 1]))


def _charset_of(header: str) -> str:
    if len(header) < len(FORMAT) + 1 or header[:len(FORMAT)].upper() != FORMAT:
        raise InvalidValue("это не QR платёжного документа: строка должна начинаться с ST0001",
                           value=header[:16])
    charset = CHARSETS.get(header[len(FORMAT)])
    if charset is None:
        raise InvalidValue(f"QR: неизвестная кодировка «{header[len(FORMAT)]}» (1, 2 или 3)", value=header[:8])
    return charset


_BOM = "\ufeff"
_UTF8_BOM = b"\xef\xbb\xbf"


def _decode(data: bytes) -> str:
    """A payload's bytes as text: the charset its header declares — but UTF-8 when a ``ST00011`` (cp1251) header
    carries valid multi-byte UTF-8 (an issuer that wrote UTF-8 under the wrong header: cp1251 Cyrillic is almost
    never valid UTF-8)."""
    data = data.strip(b"\r\n\t")
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):].strip(b"\r\n\t")
    charset = _charset_of(data[:len(FORMAT) + 1].decode("ascii", errors="replace"))
    if charset == "cp1251" and any(b > 0x7F for b in data):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode(charset)
    except UnicodeDecodeError as exc:
        raise InvalidValue(f"QR: байты не в объявленной кодировке {charset}", value=data[:16]) from exc


def parse(data: bytes | str) -> dict[str, str]:
    """The fields of a scanned payment QR, keys in canonical spelling (unknown keys as written), keys and values
    trimmed.

    Bytes are decoded by the charset the header declares (``_decode``). Text is what a scanner typed: a
    keyboard-wedge scanner types the code's *bytes*, each as the character of that number (Latin-1), so a cp1251 or
    UTF-8 payload arrives garbled («ÐÐÐ»…»); text whose every character is below U+0100 and some above U+007F is
    turned back into those bytes and decoded as bytes are. Text with Cyrillic in it was decoded by the scanner
    and is taken as is. The scanner's CR/LF and a byte-order mark are stripped. The separator is the 8th character,
    whatever it is. Empty fields and a trailing separator are ignored; a repeated key keeps its first value; a code
    with no fields is refused.
    """
    if isinstance(data, str):
        text = data.strip("\r\n\t").lstrip(_BOM).strip("\r\n\t")
        if any(ord(c) > 0x7F for c in text) and all(ord(c) < 0x100 for c in text):
            text = _decode(text.encode("latin-1"))  # the bytes a scanner typed one by one
        else:
            _charset_of(text[:len(FORMAT) + 1])
    else:
        text = _decode(bytes(data))
    fields: dict[str, str] = {}
    separator = text[len(FORMAT) + 1] if len(text) > len(FORMAT) + 1 else SEPARATOR
    for part in text[len(FORMAT) + 2:].split(separator):
        if not part.strip():
            continue
        key, eq, value = part.partition("=")
        if not eq:
            raise InvalidValue(f"QR: реквизит без «=»: {part!r}", value=part)
        fields.setdefault(KNOWN.get(key.strip().lower(), key.strip()), value.strip())
    if not fields:
        raise InvalidValue("QR: после заголовка нет реквизитов", value=text[:16])
    return fields
