"""Пользователи и вход (issue 16, first step): users and roles managed by an administrator; signing in gives a
session, and a session gives the application acting as that user in that role — what every screen stands on
(``App.as_actor``): the permissions of ``bcenter.app`` are the user's, whatever a screen shows or hides."""
from __future__ import annotations

from dataclasses import dataclass

from bcenter.app.actor import Actor
from bcenter.app.base import UseCases, use_case
from bcenter.core.access import ROLE_NAMES, Permission as P  # noqa: F401  (ROLE_NAMES for the faces)
from bcenter.modules.users import accounts, sessions
from bcenter.modules.users.accounts import User  # noqa: F401  (for the faces)
from bcenter.modules.users.sessions import Session, SessionExpired, SignInRefused  # noqa: F401
from db.context import bound
from db.failures import plain_errors
from db.uow import local_site_id


@dataclass(frozen=True)
class SignedIn:
    """A session and the application acting as its user."""

    session: Session
    app: object


class UsersCases(UseCases):
    @use_case(P.USERS_MANAGE, "добавление пользователей", writes=True)
    def add(self, *, login: str, full_name: str, roles: list[str], password: str) -> User:
        return accounts.add_user(self.db, login=login, full_name=full_name, roles=roles, password=password,
                                 actor=self.app.actor.user)

    @use_case(P.USERS_MANAGE, "смена пароля", writes=True)
    def passwd(self, login: str, password: str) -> User:
        return accounts.set_password(self.db, login, password, actor=self.app.actor.user)

    @use_case(P.USERS_MANAGE, "отключение пользователей", writes=True)
    def disable(self, login: str) -> User:
        return accounts.set_active(self.db, login, False, actor=self.app.actor.user)

    @use_case(P.USERS_MANAGE, "включение пользователей", writes=True)
    def enable(self, login: str) -> User:
        return accounts.set_active(self.db, login, True, actor=self.app.actor.user)

    @use_case(P.USERS_MANAGE, "список пользователей")
    def list_users(self) -> list[User]:
        return accounts.list_users(self.db)

    # --- signing in: open to anyone who knows a password ----------------------------------------------------
    def sign_in(self, login: str, password: str, *, role: str | None = None) -> SignedIn:
        """A session in ``role`` (the user's only one when not given) and the application acting as the user."""
        with bound(self.db), plain_errors():
            session = sessions.sign_in(self.db, login, password, role=role, now=self.app.clock.now(),
                                       site_id=local_site_id(self.db))
        return SignedIn(session, self._acting(session))

    def resume(self, token: str) -> SignedIn:
        """The session of a token still alive — ``SessionExpired`` otherwise (idle, too long, signed out, the user
        disabled)."""
        with bound(self.db), plain_errors():
            session = sessions.resume(self.db, token, now=self.app.clock.now())
        return SignedIn(session, self._acting(session))

    def sign_out(self, token: str) -> None:
        with bound(self.db), plain_errors():
            sessions.sign_out(self.db, token, now=self.app.clock.now(), site_id=local_site_id(self.db))

    def _acting(self, session: Session):
        return self.app.as_actor(Actor(user=session.login, role=session.role, site=local_site_id(self.db),
                                       session=session.token))
