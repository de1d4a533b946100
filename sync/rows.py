"""Rows as they travel: every column of a synced table as JSON, the same text on every site and at the server.

A row is read through its peewee model (so a key is its UUID text whether SQLite keeps 16 bytes or PostgreSQL a
``uuid``) and written as JSON values: dates and timestamps ISO text, exact quantities their decimal text, JSON
columns as they are, bytes as ``{"b64": …}``. Decoding gives the model's Python values back. Two rows are the same
fact exactly when their encodings are equal — the comparison the server makes for a pushed id it already has.
"""
from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import peewee as pw

from db.context import bound
from db.models import DOMAIN_MODELS
from db.uow import key_columns

MODELS: dict[str, type[pw.Model]] = {m._meta.table_name: m for m in DOMAIN_MODELS}
"""The tables that travel, by name: the synced domain tables (``db.models.DOMAIN_MODELS``)."""


class UnknownColumn(Exception):
    """A pushed row names a table or a column this database does not know: refused loudly, never skipped."""

    def __init__(self, table: str, column: str | None = None):
        super().__init__(f"{table}.{column}" if column else table)
        self.table, self.column = table, column


def model_of(table: str) -> type[pw.Model]:
    if table not in MODELS:
        raise UnknownColumn(table)
    return MODELS[table]


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str, dict, list)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return str(value)  # a UUID object, a quantity type: its text


def encode(model: type[pw.Model], row: dict) -> dict:
    """A row of ``model`` (column name → the model's Python value) as JSON values."""
    return {name: _plain(row[name]) for name in model._meta.columns if name in row}


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


def read_rows(db: pw.Database, model: type[pw.Model], ids: Iterable[str]) -> dict[str, dict]:
    """The encoded rows of ``model`` with these ids, by id."""
    ids = list(ids)
    out: dict[str, dict] = {}
    pk = model._meta.primary_key
    with bound(db):
        for start in range(0, len(ids), 500):
            for row in model.select().where(pk.in_(ids[start:start + 500])).dicts():
                plain = {model._meta.fields[k].column_name: v for k, v in row.items()}
                out[str(plain["id"])] = encode(model, plain)
    return out


def storable(model: type[pw.Model], rows: list[dict], *, columns: list[str] | None = None
             ) -> tuple[list[str], list[list]]:
    """Decoded rows (by field name) as the columns and values a bulk insert takes: keys as their text (the unit of
    work stores them), other values through their field's conversion, dates as ISO text."""
    by_column = model._meta.columns
    columns = columns or ["id"] + [c for c in by_column if c != "id"]
    keys = key_columns(model)
    out = []
    for row in rows:
        values = []
        for column in columns:
            field = by_column[column]
            value = row.get(field.name)
            if column not in keys and value is not None:
                value = field.db_value(value)
                if isinstance(value, (date, datetime)):
                    value = value.isoformat()
            values.append(value)
        out.append(values)
    return columns, out


__all__ = ["MODELS", "UnknownColumn", "decode", "encode", "model_of", "read_rows", "storable"]
