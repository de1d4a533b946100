"""Rows as they travel: every column of a synced table as JSON, the same text on every site and at the server.

A row is read with raw SQL and converted column by column by the model's field types (``select_rows``): keys as
their UUID text whether SQLite keeps 16 bytes or PostgreSQL a ``uuid``, dates and timestamps ISO text, exact
quantities their decimal text, JSON columns as they are, bytes as ``{"b64": …}``; ``storage_rows`` turns them back
into what a bulk insert binds, ``decode`` into the model's Python values (an edit through the unit of work). Two
rows are the same fact exactly when their travelling forms are equal — the comparison the server makes for a pushed
id it already has.
"""
from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

import peewee as pw

from db.dialect import marks
from db.fields import IdField, JsonTextField, MoneyField, QuantityField
from db.models import DOMAIN_MODELS

MODELS: dict[str, type[pw.Model]] = {m._meta.table_name: m for m in DOMAIN_MODELS}
"""The tables that travel, by name: the synced domain tables (``db.models.DOMAIN_MODELS``)."""


class UnknownColumn(Exception):
    """A pushed row names a table or a column this database does not know: refused loudly, never skipped."""

    def __init__(self, table: str, column: str | None = None):
        super().__init__(f"{table}.{column}" if column else table)
        self.table, self.column = table, column


class BadValue(Exception):
    """A pushed value not of its column's travelling type (a fraction of a kopeck, a number as a date…): refused by
    column, never stored as it came (SQLite would keep 100.5 as REAL, PostgreSQL round it silently)."""

    def __init__(self, table: str, column: str, reason: str):
        super().__init__(f"{table}.{column}: {reason}")
        self.table, self.column, self.reason = table, column, reason


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parses(parse, value) -> bool:
    try:
        parse(value)
    except (ValueError, TypeError, ArithmeticError):
        return False
    return True


def _decimal_text(value) -> bool:
    """Exact: decimal text (or a whole number); never a binary fraction (a float)."""
    return _is_int(value) or (isinstance(value, str) and _parses(Decimal, value) and Decimal(value).is_finite())


def _expected(field: pw.Field) -> tuple[Callable[[object], bool], str] | None:
    """The check a travelling value of ``field`` passes, and what it must be (said to people), or None (any)."""
    target = field.rel_field if isinstance(field, pw.ForeignKeyField) else field
    if isinstance(target, IdField):
        return (lambda v: isinstance(v, str) and _parses(uuid.UUID, v)), "идентификатор (UUID текстом)"
    if isinstance(field, MoneyField):
        return _is_int, "сумма — целое число копеек"
    if isinstance(field, (pw.IntegerField, pw.BigIntegerField)):
        return _is_int, "целое число"
    if isinstance(field, pw.BooleanField):
        return (lambda v: isinstance(v, bool) or v in (0, 1) and _is_int(v)), "да или нет (true / false)"
    if isinstance(field, QuantityField):
        return _decimal_text, "точное десятичное число текстом («4.745», «54.3», «10»), не дробь с плавающей точкой"
    if isinstance(field, pw.DecimalField):
        return _decimal_text, "десятичное число текстом"
    if isinstance(field, pw.DateTimeField):
        return (lambda v: isinstance(v, str) and _parses(datetime.fromisoformat, v)), "дата и время ISO 8601"
    if isinstance(field, pw.DateField):
        return (lambda v: isinstance(v, str) and len(v) == 10 and _parses(date.fromisoformat, v)), "дата ГГГГ-ММ-ДД"
    if isinstance(field, JsonTextField) or isinstance(field, pw.BlobField):
        return None
    if isinstance(field, (pw.CharField, pw.TextField)):
        return (lambda v: isinstance(v, str)), "текст"
    return None


def check_values(model: type[pw.Model], row: dict) -> None:
    """Every value of a pushed row is of its column's travelling type (``_expected``): else BadValue naming the
    column (an unknown column: UnknownColumn). None passes here (the table's own constraints judge it)."""
    columns = model._meta.columns
    for name, value in row.items():
        field = columns.get(name)
        if field is None:
            raise UnknownColumn(model._meta.table_name, name)
        if value is None:
            continue
        expected = _expected(field)
        if expected is not None and not expected[0](value):
            raise BadValue(model._meta.table_name, name, expected[1])


def model_of(table: str) -> type[pw.Model]:
    if table not in MODELS:
        raise UnknownColumn(table)
    return MODELS[table]


def decode(model: type[pw.Model], row: dict) -> dict:
    """JSON values back to the model's Python values, by column; a column the model lacks raises UnknownColumn."""
    columns = model._meta.columns
    out = {}
    for name, value in row.items():
        field = columns.get(name)
        if field is None:
            raise UnknownColumn(model._meta.table_name, name)
        if isinstance(value, dict) and set(value) == {"b64"} and isinstance(field, pw.BlobField):
            value = base64.b64decode(value["b64"])
        elif value is not None and isinstance(field, pw.DateTimeField):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(field, pw.DateField):
            value = date.fromisoformat(value)
        out[field.name] = value
    return out


def key_text(value) -> str:
    """A stored key as its UUID text: 16 bytes on SQLite (spelled out from hex, several times faster than
    ``uuid.UUID``), the text itself on PostgreSQL."""
    if isinstance(value, (bytes, memoryview)):
        h = bytes(value).hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return str(value)


def key_params(db: pw.Database, ids: list[str]) -> list:
    """Text keys as raw SQL binds them: 16 bytes on SQLite, text on PostgreSQL (compared with ``uuid``)."""
    if isinstance(db, pw.PostgresqlDatabase):
        return list(ids)
    return [bytes.fromhex(i.replace("-", "")) for i in ids]


def _plain_date(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _b64(value):
    return {"b64": base64.b64encode(bytes(value)).decode("ascii")}


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _reader(field: pw.Field):
    """How a column's stored value travels as JSON (the inverse of ``decode``)."""
    target = field.rel_field if isinstance(field, pw.ForeignKeyField) else field
    if isinstance(target, IdField):
        return key_text
    if isinstance(field, pw.BlobField):
        return _b64
    if isinstance(field, JsonTextField):
        return _json
    if isinstance(field, (pw.DateField, pw.DateTimeField)):
        return _plain_date
    if isinstance(field, pw.BooleanField):
        return bool
    if isinstance(field, pw.DecimalField):
        return lambda v: format(v, "f")
    return None


def select_rows(db: pw.Database, model: type[pw.Model], column: str, values: Iterable[str], *,
                columns: list[str] | None = None) -> Iterator[dict]:
    """The rows of ``model`` whose key ``column`` is one of ``values``, as they travel — read with raw SQL and
    converted column by column (the sync feed reads every row it ships through here)."""
    values = list(values)
    columns = columns or list(model._meta.columns)
    readers = [_reader(model._meta.columns[c]) for c in columns]
    select = ", ".join(f'"{c}"' for c in columns)
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        cursor = db.execute_sql(f'SELECT {select} FROM "{model._meta.table_name}" WHERE "{column}" IN '
                                f'({marks(db, len(chunk))})', key_params(db, chunk))
        for raw in cursor:
            yield {c: (v if r is None or v is None else r(v)) for c, r, v in zip(columns, readers, raw)}


def read_rows(db: pw.Database, model: type[pw.Model], ids: Iterable[str]) -> dict[str, dict]:
    """The travelling rows of ``model`` with these ids, by id."""
    pk = model._meta.primary_key.column_name
    return {str(row[pk]): row for row in select_rows(db, model, pk, ids)}


def _writer(db: pw.Database, field: pw.Field):
    """How a travelling value is stored (the inverse of ``_reader``): keys to the database's key form, bytes from
    base64, JSON to its text, the rest as it travels (ISO dates, decimal text, integers)."""
    target = field.rel_field if isinstance(field, pw.ForeignKeyField) else field
    if isinstance(target, IdField):
        if isinstance(db, pw.PostgresqlDatabase):
            return None
        return lambda v: bytes.fromhex(v.replace("-", ""))
    if isinstance(field, pw.BlobField):
        return lambda v: base64.b64decode(v["b64"]) if isinstance(v, dict) else v
    if isinstance(field, JsonTextField):
        return field.db_value
    if isinstance(field, pw.BooleanField):
        return bool
    return None


def storage_rows(db: pw.Database, model: type[pw.Model], rows: list[dict], *,
                 columns: list[str] | None = None) -> tuple[list[str], list[list]]:
    """Travelling rows (column → JSON value) as the columns and values a bulk insert takes, references already in
    the database's key form; a column the model lacks raises UnknownColumn (refused by name, never skipped)."""
    by_column = model._meta.columns
    for row in rows:
        unknown = set(row) - set(by_column)
        if unknown:
            raise UnknownColumn(model._meta.table_name, sorted(unknown)[0])
    columns = columns or ["id"] + [c for c in by_column if c != "id"]
    writers = [None if c == "id" else _writer(db, by_column[c]) for c in columns]  # the id stays text: the unit
    # of work records it in the outbox (and converts it with the rest of its keys)
    out = []
    for row in rows:
        values = []
        for column, writer in zip(columns, writers):
            value = row.get(column)
            values.append(value if writer is None or value is None else writer(value))
        out.append(values)
    return columns, out


__all__ = ["BadValue", "MODELS", "UnknownColumn", "check_values", "decode", "model_of", "key_params", "key_text",
           "read_rows", "select_rows", "storage_rows"]
