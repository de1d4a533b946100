"""The residents' portal's door to requests: portals known by name with a token (256 random bits, shown once, kept
as SHA-256 — ``intake_client``, local to the centre); a request posted with an ``Idempotency-Key`` is registered
once however often it arrives (``claim.intake_key`` = «portal:key», unique)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

import peewee as pw

from db.dialect import param_mark
from db.uow import utc_now_iso


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_client(db: pw.Database, name: str) -> str:
    """A portal allowed to post requests; returns its token (shown once). A name given again gets a new token."""
    token = secrets.token_urlsafe(32)
    m = param_mark(db)
    with db.atomic():
        db.execute_sql(f'DELETE FROM "intake_client" WHERE name = {m}', (name,))
        db.execute_sql(f'INSERT INTO "intake_client" (name, token_hash, created_at, disabled) VALUES ({m}, {m}, {m}, '
                       f'{m})', (name, _hash(token), utc_now_iso(), False))
    return token


def client_of(db: pw.Database, token: str | None) -> str | None:
    """The portal a token belongs to (None: unknown, disabled or no token)."""
    if not token:
        return None
    digest = _hash(token)
    for name, stored, disabled in db.execute_sql('SELECT name, token_hash, disabled FROM "intake_client"'):
        if hmac.compare_digest(stored, digest) and not disabled:
            return name
    return None


def known(db: pw.Database, intake_key: str) -> str | None:
    """The number of the request already registered under this key, if any."""
    row = db.execute_sql(f'SELECT number FROM "claim" WHERE intake_key = {param_mark(db)}', (intake_key,)).fetchone()
    return row and row[0]
