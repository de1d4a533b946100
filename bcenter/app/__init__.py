"""bcenter.app — the one API of bcenter for every face (ARCHITECTURE.md §1).

Open an ``App`` on a database with an ``Actor``; call its use cases (``app.month.calc(...)``); long ones take a
``Job`` for progress and cancellation. Errors are ``BcenterError`` with a Russian message and an exit code;
``PermissionDenied`` when the actor's role does not allow the use case; ``Cancelled`` when a job was stopped.
"""
from bcenter.app.actor import Actor
from bcenter.app.application import App
from bcenter.core.access import ROLES, Permission
from bcenter.core.errors import BcenterError, PermissionDenied, UsageError, ValidationFailed
from bcenter.core.jobs import Cancelled, Job

__all__ = ["ROLES", "Actor", "App", "BcenterError", "Cancelled", "Job", "Permission", "PermissionDenied",
           "UsageError", "ValidationFailed"]
