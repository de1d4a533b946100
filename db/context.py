"""Which database and which unit of work the code running now works with.

Models are bound to one proxy, ``database``. It is not a single global connection: while a use case runs, the
application binds *its* database for the running context (``bound(db)``; ``contextvars``, so threads and tasks do
not see each other's), and a unit of work binds its own for its lifetime — two databases open in one process (a
sync server beside a site's file) never receive each other's rows. Outside any binding the proxy falls back to the
database opened by ``db.connection.open_database`` (scripts, tests, worker processes).
"""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import peewee as pw

_bound: contextvars.ContextVar[pw.Database | None] = contextvars.ContextVar("bcenter_database", default=None)
_unit: contextvars.ContextVar[Any] = contextvars.ContextVar("bcenter_uow", default=None)


class SessionDatabase(pw.DatabaseProxy):
    """A peewee proxy that resolves to the database bound in the current context, else to the default one."""

    __slots__ = ()

    def __setattr__(self, attr, value) -> None:
        if attr not in pw.DatabaseProxy.__slots__:
            raise AttributeError("Cannot set attribute on proxy.")
        object.__setattr__(self, attr, value)

    @property
    def obj(self):  # type: ignore[override]
        bound = _bound.get()
        return bound if bound is not None else pw.Proxy.obj.__get__(self)

    @obj.setter
    def obj(self, value) -> None:
        pw.Proxy.obj.__set__(self, value)

    @property
    def default(self) -> pw.Database | None:
        """The database ``open_database`` set, whatever the current context binds."""
        return pw.Proxy.obj.__get__(self)


database = SessionDatabase()
"""The proxy every model is bound to."""


@contextlib.contextmanager
def bound(db: pw.Database) -> Iterator[pw.Database]:
    """Within the block, models read and write ``db`` (in this context only)."""
    token = _bound.set(db)
    try:
        yield db
    finally:
        _bound.reset(token)


def current_unit_of_work() -> Any:
    """The unit of work open in this context (a ``db.uow.UnitOfWork``), or None."""
    return _unit.get()


def enter_unit(unit: Any) -> contextvars.Token:
    if _unit.get() is not None:
        raise RuntimeError("UnitOfWork cannot be nested: pass the open unit of work down instead")
    return _unit.set(unit)


def leave_unit(token: contextvars.Token) -> None:
    _unit.reset(token)
