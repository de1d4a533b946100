"""Картотека: houses, premises, accounts, tariffs and norms edited one record at a time — through the exchange
importer, the one path by which master data enter the database.

A record is read as the exchange document carries it (``Exporter(only=…)``), the fields a person changed are put
into it, and the one-record document is imported: the same checks as a file (a negative area, a tariff overlapping
another, an unknown service), the same field-by-field audit and outbox (``UnitOfWork.update``), the search index
rebuilt, and the next month run recalculating what the change touched (its inputs changed: ARCHITECTURE.md §3).
A refusal names the fields (``FieldErrors``: ``{"total_area": "должно быть > 0, получено \"-1\""}``) so a form
says it at the field. A new tariff or norm from a date is a new record, and the one in force is closed the day
before it starts (facts of the past are not rewritten: the old rate stays for the months it priced).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import peewee as pw

from bcenter.core.dates import format_date_ru
from bcenter.core.errors import BcenterError, NotFound, UsageError, ValidationFailed
from bcenter.core.quantity import format_decimal_ru
from bcenter.modules.exchange.exporter import Exporter
from bcenter.modules.exchange.result import ImportResult
from bcenter.modules.exchange.service import import_data
from db.dialect import param_mark
from db.search import format_address


@dataclass(frozen=True)
class Field:
    path: str          # dotted path in the document's record: "address.street", "total_area"
    label: str
    kind: str = "text"  # text | decimal | int | date | choice
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()


HEATING_METHODS = (("norm", "по нормативу"), ("house_meter", "по ОДПУ"), ("individual", "индивидуальное"))

KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (table, the document's section, what people call it)
    "house": ("house", "houses", "дом"),
    "premises": ("premises", "premises", "помещение"),
    "account": ("account", "accounts", "лицевой счёт"),
    "tariff": ("tariff", "tariffs", "тариф"),
    "norm": ("norm", "norms", "норматив"),
}

FIELDS: dict[str, tuple[Field, ...]] = {
    "house": (Field("address.street", "Улица", required=True), Field("address.building", "Дом", required=True),
              Field("address.block", "Корпус"), Field("address.postcode", "Почтовый индекс"),
              Field("total_area", "Площадь помещений, м²", "decimal", True),
              Field("common_area", "Площадь общего имущества, м²", "decimal", True),
              Field("heating.method", "Отопление", "choice", True, HEATING_METHODS),
              Field("manager.name", "Управляющая организация"), Field("manager.inn", "ИНН управляющей организации"),
              Field("section", "Участок")),
    "premises": (Field("number", "Номер", required=True), Field("total_area", "Общая площадь, м²", "decimal", True),
                 Field("living_area", "Жилая площадь, м²", "decimal"), Field("rooms", "Комнат", "int"),
                 Field("entrance", "Подъезд", "int"), Field("floor", "Этаж", "int")),
    "account": (Field("opened", "Открыт", "date", True), Field("closed", "Закрыт", "date"),
                Field("share", "Доля (например 1/2)"), Field("els", "ЕЛС ГИС ЖКХ"),
                Field("holder.person", "Владелец счёта: код лица (паспортный стол)")),
    "tariff": (Field("rate", "Тариф, руб. за единицу", "decimal"), Field("from", "Действует с", "date", True),
               Field("to", "Действует по (не включая)", "date")),
    "norm": (Field("value", "Норматив", "decimal", True), Field("from", "Действует с", "date", True),
             Field("to", "Действует по (не включая)", "date")),
}


class FieldErrors(BcenterError):
    """An edit refused; ``fields`` — what is wrong at each field (by its path), ``message_ru`` lists them."""

    def __init__(self, kind: str, fields: dict[str, str], other: list[str] | None = None) -> None:
        self.fields = fields
        labels = {f.path: f.label for f in FIELDS.get(kind, ())}
        lines = [f"{labels.get(p, p)}: {why}" for p, why in fields.items()] + list(other or ())
        super().__init__(f"Не сохранено ({KINDS[kind][2]}): " + "; ".join(lines))


@dataclass(frozen=True)
class Record:
    kind: str
    code: str          # the exchange id (ext_id, or the key)
    title: str
    values: dict[str, str]  # field path → the value as text for the form
    document: dict     # the record as the exchange document carries it


def _kind(kind: str) -> tuple[str, str, str]:
    if kind not in KINDS:
        raise UsageError(f"Нет такого раздела картотеки «{kind}»; есть: {', '.join(KINDS)}")
    return KINDS[kind]


def _row_id(db: pw.Database, kind: str, code: str) -> str:
    table = _kind(kind)[0]
    m = param_mark(db)
    code = (code or "").strip()
    if not code:
        raise UsageError(f"Укажите код: {KINDS[kind][2]}")
    by_number = ' OR number = ' + m if kind == "account" else ""
    row = db.execute_sql(f'SELECT id FROM "{table}" WHERE ext_id = {m}{by_number}',
                         (code, code) if by_number else (code,)).fetchone()
    if row is None:
        raise NotFound(f"Нет записи «{code}» ({KINDS[kind][2]}): выберите её из списка")
    return str(row[0])


def _get(obj: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)
    return obj


def _set(obj: dict, path: str, value: Any) -> None:
    *head, last = path.split(".")
    for part in head:
        obj = obj.setdefault(part, {})
    if value is None:
        obj.pop(last, None)
    else:
        obj[last] = value


def _title(kind: str, doc: dict) -> str:
    if kind == "house":
        a = doc["address"]
        return format_address(a["city"], a["street"], a["building"], a.get("block"), None)
    if kind == "premises":
        return f"помещение {doc['number']} (дом {doc['house']})"
    if kind == "account":
        return f"лицевой счёт {doc['number']}"
    what = doc.get("rate", doc.get("value"))
    return (f"{doc['service']} с {_day(doc['from'])}" + (f" по {_day(doc['to'])}" if doc.get("to") else "")
            + f": {_shown(what)}")


def read(db: pw.Database, kind: str, code: str) -> Record:
    """The record ``code`` of ``kind`` as the form shows it."""
    table, section, _name = _kind(kind)
    uid = _row_id(db, kind, code)
    found = list(getattr(Exporter(db, only=(table, uid)), section)())
    if not found:
        raise NotFound(f"Нет записи «{code}» ({KINDS[kind][2]})")
    doc = found[0]
    values = {f.path: _form_text(f, _get(doc, f.path)) for f in FIELDS[kind]}
    return Record(kind, doc["id"], _title(kind, doc), values, doc)


def _form_text(f: Field, value: Any) -> str:
    """A field's value as the form shows it and a person types it: a date ДД.ММ.ГГГГ, a number with a decimal
    comma (ARCHITECTURE.md §7); ``_parsed`` reads both back."""
    if value is None:
        return ""
    if f.kind == "date":
        return _day(value)
    if f.kind == "decimal":
        return _shown(value)
    return str(value)


def _shown(value: Any) -> str:
    """A rate, norm or area for people: «34,84»; nothing (a two-part tariff has no one rate) as «—»."""
    return "—" if value is None else format_decimal_ru(str(value))


def listing(db: pw.Database, kind: str, text: str = "", *, limit: int = 50) -> list[tuple[str, str]]:
    """(code, title) of the records of ``kind`` whose code or title contains ``text`` — what a form picks from."""
    m = param_mark(db)
    like = f"%{(text or '').strip().lower()}%"
    if kind == "house":
        rows = db.execute_sql('SELECT ext_id, city, street, building, block FROM "house" ORDER BY ext_id').fetchall()
        found = [(c, format_address(ci, st, b, bl, None)) for c, ci, st, b, bl in rows]
    elif kind == "premises":
        rows = db.execute_sql(
            'SELECT p.ext_id, h.city, h.street, h.building, h.block, p.number, p.kind FROM "premises" p '
            f'JOIN "house" h ON h.id = p.house_id WHERE lower(p.ext_id) LIKE {m} OR lower(h.street) LIKE {m} '
            f'ORDER BY p.ext_id LIMIT {int(limit) * 4}', (like, like)).fetchall()
        found = [(c, format_address(ci, st, b, bl, n, k)) for c, ci, st, b, bl, n, k in rows]
    elif kind == "account":
        rows = db.execute_sql(f'SELECT number FROM "account" WHERE number LIKE {m} ORDER BY number LIMIT {int(limit)}',
                              (like,)).fetchall()
        found = [(n, f"лицевой счёт {n}") for (n,) in rows]
    elif kind in ("tariff", "norm"):
        value = "rate" if kind == "tariff" else "value"
        rows = db.execute_sql(
            f'SELECT t.ext_id, s.ext_id, s.name, t.valid_from, t.valid_to, t.{value} FROM "{kind}" t '
            f'JOIN "service" s ON s.id = t.service_id ORDER BY s.ext_id, t.valid_from').fetchall()
        found = [(c, f"{name}: {_shown(v)} с {_day(f)}" + (f" по {_day(t)}" if t else ""))
                 for c, _s, name, f, t, v in rows if c]
    else:
        _kind(kind)
        found = []
    text = (text or "").strip().lower()
    return [(c, t) for c, t in found if not text or text in c.lower() or text in t.lower()][:limit]


def _day(value: Any) -> str:
    return format_date_ru(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))


def _parsed(f: Field, text: str | None) -> Any:
    """A form's text as the document carries it; a mistake raises ``ValueError`` with the reason."""
    text = (text or "").strip()
    if not text:
        if f.required:
            raise ValueError("обязательное поле")
        return None
    if f.kind == "decimal":
        try:
            value = Decimal(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except InvalidOperation:
            raise ValueError(f"«{text}» — не число") from None
        if not value.is_finite():
            raise ValueError(f"«{text}» — не число")
        return format(value, "f")
    if f.kind == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"«{text}» — не целое число")
        return int(text)
    if f.kind == "date":
        for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
        raise ValueError(f"«{text}» — не дата (ДД.ММ.ГГГГ)")
    if f.kind == "choice" and text not in {k for k, _ in f.choices}:
        raise ValueError(f"«{text}»: выберите из списка")
    return text


def _imported(db: pw.Database, kind: str, docs: list[dict], *, actor: str | None, today: date,
              field_of: dict[int, str] | None = None) -> ImportResult:
    """Import ``docs`` (records of ``kind``) as one document; problems mapped to the fields of the first."""
    section = KINDS[kind][1]
    try:
        return import_data({"format": "bcenter-exchange", "version": 1, section: docs}, db=db, actor=actor,
                           action=f"registry.edit.{kind}", today=today)
    except ValidationFailed as exc:
        fields: dict[str, str] = {}
        other: list[str] = []
        known = {f.path for f in FIELDS[kind]}
        for problem in exc.problems:
            found = re.fullmatch(rf"{section}\[(\d+)\]\.?(.*)", problem.path or "")
            path = found.group(2) if found else ""
            if found and found.group(1) == "0" and path in known:
                fields[path] = problem.reason
            else:
                other.append(f"{problem.path}: {problem.reason}" if problem.path else problem.reason)
        raise FieldErrors(kind, fields, other) from exc


def edit(db: pw.Database, kind: str, code: str, values: dict[str, str | None], *, actor: str | None,
         today: date) -> tuple[Record, list[str]]:
    """Save the fields ``values`` (path → text as typed) of the record; returns it as saved and what changed."""
    record = read(db, kind, code)
    doc = dict(record.document)
    doc = {k: (dict(v) if isinstance(v, dict) else v) for k, v in doc.items()}
    errors: dict[str, str] = {}
    for f in FIELDS[kind]:
        if f.path not in values:
            continue
        try:
            _set(doc, f.path, _parsed(f, values[f.path]))
        except ValueError as exc:
            errors[f.path] = str(exc)
    if kind == "account" and "holder.person" in values and not (values["holder.person"] or "").strip() \
            and "person" in (record.document.get("holder") or {}):
        errors["holder.person"] = "у лицевого счёта должен быть владелец: укажите код лица"
    if errors:
        raise FieldErrors(kind, errors)
    if kind == "account" and (values.get("holder.person") or "").strip():
        # the account re-registered to a person (a flat sold, the holder died): the person replaces an organisation
        # that held it — the document's holder is one of the two (EXCHANGE.md)
        doc["holder"] = {"person": doc["holder"]["person"]}
    doc = {k: v for k, v in doc.items() if v != {}}  # every field of a part cleared (a house's manager): no part
    result = _imported(db, kind, [doc], actor=actor, today=today)
    return read(db, kind, record.code), list(result.updated)


def new_rate(db: pw.Database, kind: str, code: str, *, start: str, value: str, actor: str | None,
             today: date) -> Record:
    """A new tariff or norm of the same service (and house, zone, …) from ``start``: a new record, and ``code``
    — the one in force then — closed when the new one begins (``to`` is exclusive, as the document has it)."""
    if kind not in ("tariff", "norm"):
        raise UsageError("С новой даты меняются тариф и норматив")
    current = read(db, kind, code)
    amount = "rate" if kind == "tariff" else "value"
    fields = {f.path: f for f in FIELDS[kind]}
    errors: dict[str, str] = {}
    try:
        day = _parsed(Field("from", "Действует с", "date", True), start)
    except ValueError as exc:
        errors["from"] = str(exc)
    try:
        number = _parsed(Field(amount, fields[amount].label, "decimal", True), value)
    except ValueError as exc:
        errors[amount] = str(exc)
    if errors:
        raise FieldErrors(kind, errors)
    old = dict(current.document)
    if kind == "tariff" and "components" in old:
        raise UsageError("Двухкомпонентный тариф (ГВС) меняется файлом обмена: bcenter import")
    if day <= old["from"]:
        raise FieldErrors(kind, {"from": "новое значение должно начинаться позже действующего "
                                         f"(с {_day(old['from'])})"})
    if old.get("to") and day >= old["to"]:
        raise FieldErrors(kind, {"from": f"запись «{current.code}» действует только до {_day(old['to'])}: "
                                         "выберите ту, что действует с этой даты"})
    new = {k: v for k, v in old.items() if k not in ("id", "from", "to", "extra")}
    new.update({"id": f"{old['service']}.{day}" + (f".{old['house']}" if old.get("house") else "")
                + (f".{old['zone']}" if old.get("zone") else ""), "from": day, amount: number})
    if old.get("to"):
        new["to"] = old["to"]
    if kind == "tariff":
        new.pop("components", None)
    old["to"] = day
    _imported(db, kind, [new, old], actor=actor, today=today)
    return read(db, kind, new["id"])


__all__ = ["FIELDS", "FieldErrors", "KINDS", "Record", "edit", "listing", "new_rate", "read"]
