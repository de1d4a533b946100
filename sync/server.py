"""The central server's door: enrolment of sites and the HTTP face of push (Starlette, run by uvicorn).

**Enrolment** (``enroll``): a site is known by its own immutable id (``bcenter info`` shows it) and a short code;
the server makes a 256-bit secret, shows it once and keeps only its SHA-256 (a random secret needs no slow hash:
nothing to guess), with the scopes the site may use and where its push chain begins.

**HTTP** (``make_app``): ``POST /sync/push`` with ``X-Bcenter-Site: <site id>`` and ``Authorization: Bearer
<secret>``, the batch as JSON (``sync.push``); the answer's status and body are ``apply_push``'s. Unauthenticated
or unknown sites get 401, a body over ``max_body`` bytes 413, not JSON 400. Every request is logged. The server
binds to 127.0.0.1 unless told otherwise (``bcenter server --host``).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import uuid
from datetime import datetime, timezone

import peewee as pw

from db.context import bound
from db.dialect import db_id, param_mark
from db.models import SyncSite
from sync.push import apply_push, start_chain

log = logging.getLogger("bcenter.sync")
MAX_BODY = 64 * 1024 * 1024
SITE_HEADER = "x-bcenter-site"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def enroll(db: pw.Database, *, site_id: str, code: str, name: str, scopes: list[str], after_seq: int = 0) -> str:
    """Enrol the site; returns its secret (shown once). Refused when the id or the code is enrolled already."""
    try:
        site_id = str(uuid.UUID(str(site_id)))
    except ValueError:
        raise ValueError(f"--site-id: «{site_id}» — не идентификатор площадки (его показывает bcenter info)") from None
    for scope in scopes:
        kind, _, value = scope.partition(":")
        if kind not in ("ref", "house", "route", "cashdesk") or (kind != "ref" and not value):
            raise ValueError(f"--scope: «{scope}» — ожидается ref, house:КОД, route:КОД или cashdesk:КОД")
    m = param_mark(db)
    if db.execute_sql(f'SELECT 1 FROM "sync_site" WHERE site_id = {m} OR code = {m}', (db_id(site_id), code)).fetchone():
        raise ValueError(f"Площадка {code} ({site_id}) уже зарегистрирована")
    secret = secrets.token_urlsafe(32)
    with db.atomic(), bound(db):
        SyncSite.insert(site_id=site_id, code=code, name=name, secret_hash=_hash(secret), scopes=",".join(scopes),
                        enrolled_at=datetime.now(timezone.utc).isoformat(timespec="seconds")).execute()
        start_chain(db, site_id, after_seq=after_seq)
    return secret


def authenticated(db: pw.Database, site_id: str | None, secret: str | None) -> str | None:
    """The site id when ``secret`` is that enrolled, active site's; else None."""
    if not site_id or not secret:
        return None
    try:
        key = db_id(str(uuid.UUID(site_id)))
    except ValueError:
        return None
    row = db.execute_sql(f'SELECT secret_hash, active FROM "sync_site" WHERE site_id = {param_mark(db)}',
                         (key,)).fetchone()
    if row is None or not row[1] or not hmac.compare_digest(row[0], _hash(secret)):
        return None
    return str(uuid.UUID(site_id))


def make_app(db: pw.Database, *, max_body: int = MAX_BODY):
    """The ASGI application over the server's database ``db``."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def _error(status: int, error: str, **more) -> JSONResponse:
        return JSONResponse({"error": error, **more}, status_code=status)

    async def push(request: Request) -> JSONResponse:
        claimed = request.headers.get(SITE_HEADER)
        auth = request.headers.get("authorization", "")
        secret = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        site = await run_in_threadpool(_connected, authenticated, db, claimed, secret)
        if site is None:
            log.warning("sync push refused: site %s not authenticated", claimed)
            return _error(401, "unauthenticated")
        size = int(request.headers.get("content-length") or 0)
        if size > max_body:
            return _error(413, "too_large", limit=max_body)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                return _error(413, "too_large", limit=max_body)
        try:
            batch = json.loads(body)
        except ValueError:
            return _error(400, "not_json")
        if not isinstance(batch, dict):
            return _error(400, "not_a_batch")
        answer = await run_in_threadpool(_connected, apply_push, db, batch, site_id=site)
        log.info("sync push %s batch %s: %s%s", site, batch.get("batch_id"), answer.status,
                 " (replayed)" if answer.replayed else "")
        return JSONResponse(answer.body, status_code=answer.status)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/sync/push", push, methods=["POST"]), Route("/sync/health", health)])


def _connected(call, db: pw.Database, *args, **kwargs):
    """Run ``call`` on this worker thread's own connection (peewee keeps one per thread), closed after."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        return call(db, *args, **kwargs)
    finally:
        if opened:
            db.close()


__all__ = ["MAX_BODY", "authenticated", "enroll", "make_app"]
