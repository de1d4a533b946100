"""What every group of use cases shares: the application it belongs to, and the ``use_case`` decorator — the
permission check and the database binding around each call."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from bcenter.core.access import Permission
from db.context import bound
from db.failures import plain_errors
from db.locks import LEDGER, job_lock
from bcenter.modules.users.sessions import alive

F = TypeVar("F", bound=Callable)


class UseCases:
    """A module's use cases, bound to one application (``bcenter.app.App``: its database, actor and clock)."""

    def __init__(self, app: Any):
        self.app = app

    @property
    def db(self):
        return self.app.db



def use_case(permission: Permission, action: str, *, writes: bool = False) -> Callable[[F], F]:
    """A use case: refused unless the actor's role has ``permission`` (``action`` names it in the refusal); runs
    with the application's database bound for the models of this context, the database's own errors told in words
    (``db.failures``). A use case that ``writes`` holds the database's job lock (``db.locks``) for its whole run:
    two writing jobs never run beside each other — the second waits ``app.lock_wait`` seconds, then refuses."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def run(self: UseCases, *args, **kwargs):
            self.app.actor.require(permission, action)
            with bound(self.app.db), plain_errors():
                if self.app.actor.session is not None:
                    alive(self.app.db, self.app.actor.session, now=self.app.clock.now())
                if not writes:
                    return method(self, *args, **kwargs)
                with job_lock(self.app.db, LEDGER, holder=self.app.actor.user, what=action,
                              wait=self.app.lock_wait):
                    return method(self, *args, **kwargs)

        run.permission = permission  # type: ignore[attr-defined]
        run.writes = writes  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return wrap


__all__ = ["LEDGER", "UseCases", "use_case"]  # LEDGER (db.locks): the job lock's scope every writing use case takes
