"""Column types that keep money and quantities exact on every backend.

* Money is integer kopecks (`MoneyField`, BIGINT) — never REAL, never peewee's DecimalField, which SQLite
  stores as REAL so that sums drift (ARCHITECTURE.md §2).
* Quantities (volumes, areas, norms, tariffs, coefficients, readings) are canonical decimal TEXT
  (`QuantityField`): exact on SQLite and PostgreSQL alike, and byte-identical on export.
* Ids are UUIDv7 strings in Python (`IdField`), 16 bytes in the database: native `uuid` on PostgreSQL, a BLOB in a
  column declared UUID on SQLite (schema step 8; before it, 36-character TEXT).
"""
from __future__ import annotations

import uuid
from decimal import Decimal

import peewee as pw

from bcenter.core.quantity import canonical


class IdField(pw.Field):
    """A UUIDv7 key: its canonical 36-character string in Python, 16 bytes stored (bound as ``uuid.UUID``, which
    both drivers adapt: ``db.dialect``)."""

    field_type = "UUID"

    def db_value(self, value):
        if value is None or isinstance(value, uuid.UUID):
            return value
        return uuid.UUID(str(value))

    def python_value(self, value):
        if value is None:
            return None
        if isinstance(value, bytes):  # a value read without the declared type (an expression over a key)
            return str(uuid.UUID(bytes=value)) if len(value) == 16 else value.decode()
        return str(value)


class TransactionIdField(pw.Field):
    """The id of the transaction that wrote the row: PostgreSQL's ``xid8`` (the column's default is
    ``pg_current_xact_id()``, so a row never names it when inserted); 0 on SQLite, whose writers do not overlap.
    Read as an integer (``sync.pull`` compares it with the snapshot's ``xmin``)."""

    field_type = "XID8"

    def python_value(self, value):
        return None if value is None else int(value)


class MoneyField(pw.BigIntegerField):
    """Integer kopecks."""


class QuantityField(pw.TextField):
    """An exact decimal stored as canonical text ("4.745", "54.3", "10")."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float is not accepted for a quantity")
        return canonical(value if isinstance(value, Decimal) else Decimal(str(value)))

    def python_value(self, value):
        return None if value is None else Decimal(value)


class PeriodField(pw.CharField):
    """A billing month as "YYYY-MM" (sorts correctly as text)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        return None if value is None else str(value)


class JsonTextField(pw.TextField):
    """JSON kept as text (portable); the Python value is the decoded object."""

    def db_value(self, value):
        import json

        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def python_value(self, value):
        import json

        return None if value is None else json.loads(value)
