"""The JSON Schema of the exchange format, compiled for speed and explained in Russian.

Each object is first checked by a per-kind validator compiled with fastjsonschema (a few µs per
object); only an object that fails is checked again with ``jsonschema`` to list *all* its errors, each
translated into a ``path: reason`` message a person can act on.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import fastjsonschema

if TYPE_CHECKING:  # pragma: no cover - jsonschema is imported only when an object fails (70 ms of start-up spared)
    import jsonschema

from bcenter.core.errors import Problem

SCHEMA_PATH = Path(__file__).with_name("exchange.schema.json")

ARRAY_KINDS = {
    "suppliers": "supplier", "services": "service", "tariffs": "tariff", "norms": "norm",
    "key_rates": "key_rate", "moratoria": "moratorium", "houses": "house", "premises": "premises",
    "persons": "person", "accounts": "account", "registrations": "registration", "ownership": "ownership",
    "meters": "meter", "meter_events": "meter_event", "meter_verifications": "meter_verification",
    "readings": "reading", "house_readings": "house_reading", "absences": "absence",
    "quality_events": "quality_event", "payments": "payment",
    "payment_documents": "payment_document", "opening_balances": "opening_balance",
    "closed_periods": "closed_period",
}
"""Top-level array → the ``$defs`` kind of its items, in import (dependency) order."""

TOP_LEVEL = ("format", "version", "masked", "organization", "settings", *ARRAY_KINDS)


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _wrapper(kind: str) -> dict:
    return {"$defs": schema()["$defs"], "$ref": f"#/$defs/{kind}"}


@lru_cache(maxsize=None)
def fast_validator(kind: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(_wrapper(kind), use_default=False)


@lru_cache(maxsize=None)
def full_validator(kind: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(_wrapper(kind))


def is_valid(kind: str, obj: Any) -> bool:
    try:
        fast_validator(kind)(obj)
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def fast_problem(error: Exception, path: str) -> Problem:
    """The fast validator's own finding as a problem (when the full explainer sees none — e.g. a trailing line break
    that Python's ``$`` lets pass): its place and a Russian reason."""
    place = path
    name = getattr(error, "name", "") or ""
    if name.startswith("data"):
        place = path + name[4:]
    return Problem(place, f"значение не прошло проверку формата ({getattr(error, 'message', error)})")


def explain(kind: str, obj: Any, path: str) -> list[Problem]:
    """Every schema error of one object as Russian ``path: reason`` problems (sorted, deduplicated)."""
    problems = set()
    for error in full_validator(kind).iter_errors(obj):
        for leaf in _leaves(error):
            problems.add(_problem(leaf, path))
    return sorted(problems)


def _leaves(error: jsonschema.ValidationError):
    """For oneOf/anyOf errors, report the branch closest to what was written rather than "not valid"."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and best.validator not in ("oneOf", "anyOf"):
            yield best
            return
    yield error


def _join(path: str, parts) -> str:
    out = path
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_PATTERN_REASONS = {
    "money": "сумма — строка с не более чем двумя знаками после точки, например \"1234.56\"",
    "decimal": "ожидается десятичное число строкой, например \"4.745\"",
    "date": "ожидается дата строкой ГГГГ-ММ-ДД, например \"2025-01-31\"",
    "datetime": "ожидается дата и время ISO 8601 со смещением, например \"2025-02-10T09:00:00+03:00\"",
    "period": "ожидается расчётный период ГГГГ-ММ, например \"2025-01\"",
    "inn": "ИНН — 10 или 12 цифр",
    "kpp": "КПП — 9 символов",
    "bic": "БИК — 9 цифр",
    "bank_account": "номер счёта — 20 цифр",
    "share": "доля — дробь вида \"1/2\"",
    "els": "ЕЛС — 10 знаков: цифры и заглавные буквы",
    "gis_id": "идентификатор ЖКУ — ЕЛС, «-» и две цифры",
    "ipd": "идентификатор платёжного документа — 18 знаков: цифры, заглавные буквы, «-»",
}
_TYPE_RU = {"string": "строка", "object": "объект", "array": "массив", "integer": "целое число",
            "number": "число", "boolean": "true или false", "null": "null"}


def _pattern_kind(pattern: str) -> str | None:
    for kind, sub in schema()["$defs"].items():
        if isinstance(sub, dict) and sub.get("pattern") == pattern and kind in _PATTERN_REASONS:
            return kind
    return None


def _problem(error: jsonschema.ValidationError, path: str) -> Problem:
    where = _join(path, error.absolute_path)
    v, value = error.validator, error.instance
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.validator_value
        return Problem(_join(where, [missing]), "обязательное поле отсутствует")
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed) if isinstance(value, dict) else []
        return Problem(_join(where, extra[:1]) if len(extra) == 1 else where,
                       ("неизвестное поле" if len(extra) == 1 else f"неизвестные поля: {', '.join(extra)}")
                       + " (свои данные кладите в \"extra\")")
    if v == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        if "string" in expected and isinstance(value, (int, float)) and not isinstance(value, bool):
            return Problem(where, "число должно быть записано строкой, например \"1234.56\" (не JSON-числом)")
        return Problem(where, "ожидается " + " или ".join(_TYPE_RU.get(t, t) for t in expected))
    if v == "pattern":
        kind = _pattern_kind(error.validator_value)
        reason = _PATTERN_REASONS.get(kind, f"не соответствует формату {error.validator_value}")
        return Problem(where, f"{reason}; получено {json.dumps(value, ensure_ascii=False)}")
    if v == "enum":
        allowed = ", ".join(str(x) for x in error.validator_value)
        return Problem(where, f"недопустимое значение {json.dumps(value, ensure_ascii=False)}; допустимо: {allowed}")
    if v == "const":
        return Problem(where, f"должно быть {json.dumps(error.validator_value, ensure_ascii=False)}, "
                              f"получено {json.dumps(value, ensure_ascii=False)}")
    if v in ("minLength", "maxLength"):
        return Problem(where, "пустая строка" if v == "minLength" and error.validator_value == 1
                       else f"длина строки вне допустимых пределов ({v} {error.validator_value})")
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return Problem(where, f"значение {value} вне допустимых пределов ({v} {error.validator_value})")
    if v in ("minItems", "maxItems", "uniqueItems"):
        return Problem(where, f"массив не соответствует ограничению {v} {error.validator_value}")
    if v in ("oneOf", "anyOf"):
        return Problem(where, "ожидается ровно один из вариантов: " + (error.schema.get("description") or "см. схему"))
    if v == "not":
        return Problem(where, "недопустимое сочетание полей: " + (error.schema.get("description") or "см. схему"))
    return Problem(where, f"не соответствует схеме ({v})")
