"""The base of every model: bound to the database proxy, written only by the unit of work.

A domain table (``BaseModel``) is written only by :class:`db.uow.UnitOfWork`, which records every row it writes in
the outbox and the audit log of its own database; peewee's own write paths raise, so that no domain change can
happen without its outbox and audit rows (ARCHITECTURE.md §4). ``LocalModel`` tables (outbox, audit, cursors) are
technical and written directly.
"""
from __future__ import annotations

import peewee as pw

from bcenter.core.ids import uuid7
from db.context import database
from db.fields import IdField


class UnitOfWorkRequired(RuntimeError):
    """Raised when a domain table is written other than through a unit of work."""


def _refuse(model) -> None:
    raise UnitOfWorkRequired(
        f"запись в таблицу {model._meta.table_name} — только через UnitOfWork (uow.insert, insert_rows, update, "
        "delete_rows): так у каждой записи есть строка outbox и запись аудита"
    )


class UnitWritten(pw.Model):
    """A synced domain table: peewee's own write paths (``insert``, ``create``, ``save``, ``update``, ``delete`` …)
    are refused; the unit of work writes its rows, with their outbox and audit rows, through ``unit_insert`` /
    ``unit_update`` / ``unit_delete``."""

    class Meta:
        database = database
        legacy_table_names = False
        synced = True

    # --- refused write paths -------------------------------------------------------------
    @classmethod
    def insert(cls, *args, **kwargs):
        _refuse(cls)

    @classmethod
    def insert_many(cls, *args, **kwargs):
        _refuse(cls)

    @classmethod
    def insert_from(cls, *args, **kwargs):
        _refuse(cls)

    @classmethod
    def replace(cls, *args, **kwargs):
        _refuse(cls)

    @classmethod
    def update(cls, *args, **kwargs):
        _refuse(cls)

    @classmethod
    def delete(cls):
        _refuse(cls)

    # --- the unit of work's own write paths ---------------------------------------------
    @classmethod
    def unit_insert(cls, **values) -> pw.ModelInsert:
        return super(UnitWritten, cls).insert(**values)

    @classmethod
    def unit_update(cls, **changes) -> pw.ModelUpdate:
        return super(UnitWritten, cls).update(**changes)

    @classmethod
    def unit_delete(cls) -> pw.ModelDelete:
        return super(UnitWritten, cls).delete()


class BaseModel(UnitWritten):
    """Every synced row has a UUIDv7 primary key generated where it is created — except the rows of a few ledger
    tables keyed by what they are (``UnitWritten`` directly: a period's balance snapshot is the balance of account ×
    service × supplier in that period)."""

    id = IdField(primary_key=True, default=uuid7)


class LocalModel(pw.Model):
    """Technical tables that are not synced domain data (outbox, audit, migrations, cursors)."""

    class Meta:
        database = database
        legacy_table_names = False
        synced = False


def constraint(sql: str) -> pw.SQL:
    """A named table constraint, e.g. ``constraint('CONSTRAINT uq_account_number UNIQUE (number)')``."""
    return pw.SQL(sql)
