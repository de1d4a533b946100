"""Signing in: a login and password give a session in one of the user's roles; the session ends on signing out, after
``IDLE`` without use or ``LONGEST`` after it began, and when the user is disabled or given a new password.

**Slowed down, not locked out**: after ``FREE_FAILURES`` failed attempts in a row for a login (at this site, since its
last success), each next attempt must wait ``5 s × 2^(k)`` after the last one, up to ``MAX_WAIT`` — a person who
mistyped waits seconds, a guesser gets a few dozen tries an hour; nobody can lock a colleague out for good. The
wait is refused with its time, never slept (the screen stays responsive). Every attempt — success or not, known
login or not — is in the audit log (who, when, from which site); the token is only with the screen, the database
keeps its SHA-256.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee as pw

from bcenter.core.access import ROLE_NAMES
from bcenter.core.errors import BcenterError, UsageError
from bcenter.core.ids import uuid7
from bcenter.modules.users.accounts import User, find_user
from bcenter.modules.users.passwords import verify_password
from db.dialect import param_mark
from db.models.system import AuditLog, SignIn, UserSession

IDLE = timedelta(minutes=30)
LONGEST = timedelta(hours=12)
FREE_FAILURES = 3
MAX_WAIT = timedelta(minutes=5)
_DUMMY = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
"""Checked against when the login is unknown: the answer takes as long as for a known one."""


class SignInRefused(BcenterError):
    """Wrong login or password, a disabled user, a role the user has not, or too many attempts."""

    default_message_ru = "Вход не выполнен"


class SessionExpired(BcenterError):
    default_message_ru = "Сеанс завершён — войдите снова"


@dataclass(frozen=True)
class Session:
    token: str
    login: str
    full_name: str
    role: str
    expires_at: datetime


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(db: pw.Database, action: str, login: str, site_id: str | None, now: datetime, **details) -> None:
    AuditLog.insert(id=uuid7(), unit_id=uuid7(), at=_iso(now), actor=login, site_id=site_id, action=action,
                    summary={"login": login, **details}).execute(db)


def wait_left(db: pw.Database, login: str, now: datetime) -> timedelta:
    """How long ``login`` must wait before the next attempt (zero when it may try now)."""
    m = param_mark(db)
    rows = db.execute_sql(f'SELECT at, ok FROM "sign_in" WHERE login = {m} ORDER BY seq DESC LIMIT 20',
                          (login,)).fetchall()
    failures = 0
    for _at, ok in rows:
        if ok:
            break
        failures += 1
    if failures < FREE_FAILURES:
        return timedelta(0)
    wait = min(timedelta(seconds=5) * 2 ** (failures - FREE_FAILURES), MAX_WAIT)
    left = datetime.fromisoformat(rows[0][0]) + wait - now
    return max(left, timedelta(0))


def sign_in(db: pw.Database, login: str, password: str, *, role: str | None, now: datetime,
            site_id: str | None = None) -> Session:
    """A session for ``login`` in ``role`` (the user's only role when not given); refused in words."""
    login = (login or "").strip().lower()
    if not login:
        raise UsageError("Введите логин")
    left = wait_left(db, login, now)
    if left > timedelta(0):
        _audit(db, "users.sign_in.throttled", login, site_id, now)
        raise SignInRefused(f"Слишком много неудачных попыток входа: попробуйте через {math.ceil(left.total_seconds())} с")
    try:
        user: User | None = find_user(db, login)
    except BcenterError:
        user = None
    stored = None if user is None else db.execute_sql(
        f'SELECT password_hash FROM "app_user" WHERE login = {param_mark(db)}', (login,)).fetchone()[0]
    ok = verify_password(password or "", stored or _DUMMY) and stored is not None
    reason = None
    if not ok:
        reason = "неверный логин или пароль"
    elif not user.active:
        reason = "пользователь отключён — обратитесь к администратору"
    elif role is None and len(user.roles) != 1:
        reason = f"выберите роль: {', '.join(f'{r} ({ROLE_NAMES[r]})' for r in user.roles)}"
    elif role is not None and role not in user.roles:
        reason = f"у пользователя нет роли «{ROLE_NAMES.get(role, role)}»"
    SignIn.insert(login=login, at=_iso(now), ok=reason is None).execute(db)
    if reason is not None:
        _audit(db, "users.sign_in.failed", login, site_id, now, reason=reason)
        raise SignInRefused(f"Вход не выполнен: {reason}")
    role = role or user.roles[0]
    token = secrets.token_urlsafe(32)
    expires = now + LONGEST
    UserSession.insert(token_hash=_hash(token), user_id=user.id, login=login, role=role, created_at=_iso(now),
                       seen_at=_iso(now), expires_at=_iso(expires)).execute(db)
    _audit(db, "users.sign_in", login, site_id, now, role=role)
    return Session(token, login, user.full_name, role, expires)


TOUCH = timedelta(minutes=1)
"""How stale a session's «last seen» may get before a use case notes it: a write a minute per person, not one per
keystroke (and none that waits behind a long job's transaction more than once a minute)."""


def _living(db: pw.Database, token: str, now: datetime, *, touch: timedelta) -> tuple:
    """The session row of ``token`` (login, role, expires, full name) if it still lives — else ``SessionExpired``,
    the session marked ended when it ran out; its use noted when «last seen» is ``touch`` old or older."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT s.login, s.role, s.seen_at, s.expires_at, s.ended, u.active, u.full_name '
                         f'FROM "user_session" s JOIN "app_user" u ON u.login = s.login WHERE s.token_hash = {m}',
                         (_hash(token or ""),)).fetchone()
    if row is None:
        raise SessionExpired("Сеанс не найден — войдите снова")
    login, role, seen, expires, ended, active, full_name = row
    if ended is not None or not active:
        raise SessionExpired()
    idle = now - datetime.fromisoformat(seen)
    if now >= datetime.fromisoformat(expires) or idle >= IDLE:
        with db.atomic():
            db.execute_sql(f'UPDATE "user_session" SET ended = {m} WHERE token_hash = {m}', (_iso(now), _hash(token)))
        raise SessionExpired("Сеанс истёк — войдите снова")
    if idle >= touch:
        with db.atomic():
            db.execute_sql(f'UPDATE "user_session" SET seen_at = {m} WHERE token_hash = {m}', (_iso(now), _hash(token)))
    return login, role, expires, full_name


def resume(db: pw.Database, token: str, *, now: datetime) -> Session:
    """The session of ``token`` if it is still alive (and its use noted); else ``SessionExpired``."""
    login, role, expires, full_name = _living(db, token, now, touch=timedelta(0))
    return Session(token, login, full_name, role, datetime.fromisoformat(expires))


def alive(db: pw.Database, token: str, *, now: datetime) -> None:
    """Refuse (``SessionExpired``) unless the session of ``token`` still lives; note its use at most once a
    ``TOUCH``. What every use case of a signed-in person checks first."""
    _living(db, token, now, touch=TOUCH)


def sign_out(db: pw.Database, token: str, *, now: datetime, site_id: str | None = None) -> None:
    m = param_mark(db)
    row = db.execute_sql(f'SELECT login FROM "user_session" WHERE token_hash = {m} AND ended IS NULL',
                         (_hash(token or ""),)).fetchone()
    if row is None:
        return
    db.execute_sql(f'UPDATE "user_session" SET ended = {m} WHERE token_hash = {m}', (_iso(now), _hash(token)))
    _audit(db, "users.sign_out", row[0], site_id, now)




__all__ = ["IDLE", "LONGEST", "TOUCH", "Session", "SessionExpired", "alive", "SignInRefused", "resume", "sign_in", "sign_out",
           "wait_left"]
