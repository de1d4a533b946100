"""What every group of use cases shares: the application it belongs to, and the ``use_case`` decorator — the
permission check and the database binding around each call."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from bcenter.core.access import Permission
from db.context import bound

F = TypeVar("F", bound=Callable)


class UseCases:
    """A module's use cases, bound to one application (``bcenter.app.App``: its database, actor and clock)."""

    def __init__(self, app: Any):
        self.app = app

    @property
    def db(self):
        return self.app.db


def use_case(permission: Permission, action: str) -> Callable[[F], F]:
    """A use case: refused unless the actor's role has ``permission`` (``action`` names it in the refusal); runs
    with the application's database bound for the models of this context."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def run(self: UseCases, *args, **kwargs):
            self.app.actor.require(permission, action)
            with bound(self.app.db):
                return method(self, *args, **kwargs)

        run.permission = permission  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return wrap
