"""Users and their roles (ARCHITECTURE.md §8): a login, a full name, a password hash, one or more roles (each
optionally limited to one site), active or disabled. Written through the unit of work — outbox and audit —, as any
domain data (a user signs in at every site the central server syncs them to); the audit never holds the hash.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import peewee as pw

from bcenter.core.access import ROLE_NAMES, ROLES
from bcenter.core.errors import NotFound, UsageError
from bcenter.modules.users.passwords import check_strength, hash_password
from db.dialect import db_id, param_mark
from db.models.system import AppUser, UserRole
from db.uow import UnitOfWork

LOGIN = re.compile(r"[a-z][a-z0-9._-]{1,31}")


@dataclass(frozen=True)
class User:
    id: str
    login: str
    full_name: str
    roles: tuple[str, ...]
    active: bool
    has_password: bool

    @property
    def roles_text(self) -> str:
        return ", ".join(ROLE_NAMES.get(r, r) for r in self.roles) or "без роли"


def _user(db: pw.Database, login: str) -> User:
    m = param_mark(db)
    row = db.execute_sql(f'SELECT id, login, full_name, active, password_hash FROM "app_user" WHERE login = {m}',
                         ((login or "").strip().lower(),)).fetchone()
    if row is None:
        raise NotFound(f"Нет пользователя «{login}». Список: bcenter users list")
    uid, name, full, active, stored = row
    roles = tuple(r for (r,) in db.execute_sql(f'SELECT role FROM "user_role" WHERE user_id = {m} ORDER BY role',
                                               (db_id(str(uid)),)))
    return User(str(uid), name, full, tuple(sorted(roles, key=ROLES.index)), bool(active), bool(stored))


def find_user(db: pw.Database, login: str) -> User:
    return _user(db, login)


def add_user(db: pw.Database, *, login: str, full_name: str, roles: list[str], password: str, actor: str) -> User:
    """A new user with roles and a password (checked for length); refused in words when the login is taken or
    malformed or a role unknown."""
    login = (login or "").strip().lower()
    if not LOGIN.fullmatch(login):
        raise UsageError(f"Логин «{login}»: латинские строчные буквы, цифры, «.», «_», «-», от 2 до 32 знаков, "
                         "начинается с буквы")
    if not (full_name or "").strip():
        raise UsageError("Укажите ФИО пользователя (--name)")
    if not roles:
        raise UsageError(f"Укажите роль (--role): {', '.join(ROLES)}")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise UsageError(f"Неизвестная роль «{unknown[0]}»: есть {', '.join(f'{r} ({ROLE_NAMES[r]})' for r in ROLES)}")
    check_strength(password)
    m = param_mark(db)
    if db.execute_sql(f'SELECT 1 FROM "app_user" WHERE login = {m}', (login,)).fetchone():
        raise UsageError(f"Пользователь «{login}» уже есть: bcenter users list")
    with UnitOfWork(action="users.add", actor=actor, db=db, details={"login": login, "roles": sorted(set(roles))}) as uow:
        uid = uow.insert(AppUser, login=login, full_name=full_name.strip(), password_hash=hash_password(password),
                         active=True)
        for role in sorted(set(roles), key=ROLES.index):
            uow.insert(UserRole, user=uid, role=role)
    return _user(db, login)


def set_password(db: pw.Database, login: str, password: str, *, actor: str) -> User:
    user = _user(db, login)
    check_strength(password)
    with UnitOfWork(action="users.passwd", actor=actor, db=db, details={"login": user.login}) as uow:
        uow.update(AppUser, user.id, password_hash=hash_password(password))
    _end_sessions(db, user.login)  # whoever signed in with the old password (it may have leaked) signs in again
    return _user(db, login)


def _end_sessions(db: pw.Database, login: str) -> None:
    db.execute_sql(f'UPDATE "user_session" SET ended = expires_at WHERE login = {param_mark(db)} AND ended IS NULL',
                   (login,))


def set_active(db: pw.Database, login: str, active: bool, *, actor: str) -> User:
    user = _user(db, login)
    if user.active == active:
        raise UsageError(f"Пользователь «{user.login}» уже {'активен' if active else 'отключён'}")
    with UnitOfWork(action="users.enable" if active else "users.disable", actor=actor, db=db,
                    details={"login": user.login}) as uow:
        uow.update(AppUser, user.id, active=active)
    if not active:  # a disabled user's sessions end now
        _end_sessions(db, user.login)
    return _user(db, login)


def list_users(db: pw.Database) -> list[User]:
    return [_user(db, login) for (login,) in db.execute_sql('SELECT login FROM "app_user" ORDER BY login')]


__all__ = ["User", "add_user", "find_user", "list_users", "set_active", "set_password"]
