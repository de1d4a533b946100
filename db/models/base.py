"""The base of every model: bound to the database proxy, guarded by the unit of work.

A domain table (``Meta.synced = True``, the default) may only be written inside a
:class:`db.uow.UnitOfWork`; peewee's own write paths raise otherwise, so that no domain change can
happen without its outbox and audit rows (ARCHITECTURE.md §4).
"""
from __future__ import annotations

import peewee as pw

from bcenter.core.ids import uuid7
from db.connection import database
from db.fields import IdField


class UnitOfWorkRequired(RuntimeError):
    """Raised when a domain table is written outside a unit of work."""


def _check_writable(model) -> None:
    if not getattr(model._meta, "synced", True):
        return
    from db.uow import current_unit_of_work

    if current_unit_of_work() is None:
        raise UnitOfWorkRequired(
            f"запись в таблицу {model._meta.table_name} возможна только внутри UnitOfWork (outbox + audit)"
        )


class BaseModel(pw.Model):
    """Every synced row has a UUIDv7 primary key generated where it is created."""

    id = IdField(primary_key=True, default=uuid7)

    class Meta:
        database = database
        legacy_table_names = False
        synced = True

    # --- guarded write paths -------------------------------------------------------------
    @classmethod
    def insert(cls, *args, **kwargs):
        _check_writable(cls)
        return super().insert(*args, **kwargs)

    @classmethod
    def insert_many(cls, *args, **kwargs):
        _check_writable(cls)
        return super().insert_many(*args, **kwargs)

    @classmethod
    def insert_from(cls, *args, **kwargs):
        _check_writable(cls)
        return super().insert_from(*args, **kwargs)

    @classmethod
    def replace(cls, *args, **kwargs):
        _check_writable(cls)
        return super().replace(*args, **kwargs)

    @classmethod
    def update(cls, *args, **kwargs):
        _check_writable(cls)
        return super().update(*args, **kwargs)

    @classmethod
    def delete(cls):
        _check_writable(cls)
        return super().delete()

    def save(self, *args, **kwargs):
        _check_writable(type(self))
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        _check_writable(type(self))
        return super().delete_instance(*args, **kwargs)


class LocalModel(pw.Model):
    """Technical tables that are not synced domain data (outbox, audit, migrations, cursors)."""

    class Meta:
        database = database
        legacy_table_names = False
        synced = False


def constraint(sql: str) -> pw.SQL:
    """A named table constraint, e.g. ``constraint('CONSTRAINT uq_account_number UNIQUE (number)')``."""
    return pw.SQL(sql)
