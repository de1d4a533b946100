"""Who is acting: a user with a role, at a site — and what that role may do (``bcenter.core.access``)."""
from __future__ import annotations

import getpass
from dataclasses import dataclass

from bcenter.core.access import ROLE_NAMES, ROLE_PERMISSIONS, ROLES, Permission
from bcenter.core.errors import ConfigError, PermissionDenied

__all__ = ["Actor"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A user (their login, as the audit log names them), their role and the site they work at."""

    user: str
    role: str
    site: str | None = None
    session: str | None = None
    """The sign-in session's token when the actor is a signed-in person (a screen): every use case first checks the
    session still lives (``bcenter.app.base.use_case``) — idle too long, signed out or the user disabled, and the
    next action is refused, whatever the screen still shows."""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ConfigError(f"Неизвестная роль «{self.role}»: допустимы {', '.join(ROLES)}")

    @classmethod
    def local_administrator(cls) -> "Actor":
        """The person at this machine's terminal: the CLI acts as the local administrator until users exist."""
        try:
            login = getpass.getuser()
        except Exception:  # pragma: no cover - no user database in some containers
            login = "unknown"
        return cls(user=f"cli:{login}", role="administrator")

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission, action: str) -> None:
        """Refuse an action the role does not allow, naming both."""
        if not self.may(permission):
            raise PermissionDenied(f"Недостаточно прав: {action} — роли «{ROLE_NAMES[self.role]}» это не "
                                   f"разрешено (нужно право {permission.value})")
