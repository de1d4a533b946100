"""The central server's door: enrolment of sites and the HTTP face of push (Starlette, run by uvicorn).

**Enrolment** (``enroll``): a site is known by its own immutable id (``bcenter info`` shows it) and a short code;
the server makes a 256-bit secret, shows it once and keeps only its SHA-256 (a random secret needs no slow hash:
nothing to guess), with the scopes the site may use and where its push chain begins.

**HTTP** (``make_app``): ``POST /sync/push`` (``sync.push``), ``GET /sync/pull`` (``sync.pull``), ``GET
/sync/site`` (the site's code and scopes), each with ``X-Bcenter-Site: <site id>`` and ``Authorization: Bearer
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
from db.locks import LEDGER, JobBusy, job_lock
from db.models import SyncSite
from sync.errors import Refused
from sync.pull import MAX_ROWS as PAGE_ROWS
from sync.pull import page
from sync.push import apply_push, start_chain
from sync.scopes import UnknownScope, implied, resolve

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
    _checked_scopes(db, scopes)
    m = param_mark(db)
    if db.execute_sql(f'SELECT 1 FROM "sync_site" WHERE site_id = {m} OR code = {m}',
                      (db_id(site_id), code)).fetchone():
        raise ValueError(f"Площадка {code} ({site_id}) уже зарегистрирована")
    secret = secrets.token_urlsafe(32)
    with db.atomic(), bound(db):
        SyncSite.insert(site_id=site_id, code=code, name=name, secret_hash=_hash(secret), scopes=",".join(scopes),
                        enrolled_at=datetime.now(timezone.utc).isoformat(timespec="seconds")).execute()
        start_chain(db, site_id, after_seq=after_seq)
    return secret


def _checked_scopes(db: pw.Database, scopes: list[str]) -> None:
    for scope in scopes:
        kind, _, value = scope.partition(":")
        if kind not in ("ref", "finance", "house", "route", "cashdesk", "*") or (
                kind not in ("ref", "finance", "*") and not value):
            raise ValueError(f"--scope: «{scope}» — ожидается ref, finance (нераспознанные платежи банков: контора, "
                             f"центр), house:КОД (house:* — все дома), route:ИМЯ, cashdesk:КОД или * (всё: центр, "
                             f"переносимый на новый сервер)")
    try:
        resolve(db, scopes)
    except UnknownScope as exc:
        kind, _, value = str(exc).partition(":")
        raise ValueError(f"--scope: «{exc}» — на сервере нет {'дома с кодом' if kind == 'house' else 'обхода'} "
                         f"«{value}»") from None


def rescope(db: pw.Database, code: str, *, add: list[str] = (), remove: list[str] = ()) -> list[str]:
    """Change an enrolled site's scopes (an office enrolled before the scope ``finance`` existed gets it; a tablet
    moved to another house); returns them. The site's next pull takes the new scopes from their start; rows of a
    scope removed stay on the site until it is adopted again."""
    m = param_mark(db)
    row = db.execute_sql(f'SELECT site_id, scopes FROM "sync_site" WHERE code = {m}', (code,)).fetchone()
    if row is None:
        raise ValueError(f"Площадка {code} не зарегистрирована (bcenter server enroll)")
    now = [s for s in row[1].split(",") if s]
    unknown = [s for s in remove if s not in now]
    if unknown:
        raise ValueError(f"У площадки {code} нет областей: {', '.join(unknown)} (есть: {', '.join(now)})")
    _checked_scopes(db, list(add))
    scopes = [s for s in now if s not in remove] + [s for s in add if s not in now]
    if not scopes:
        raise ValueError(f"У площадки {code} не осталось бы ни одной области")
    with db.atomic():
        db.execute_sql(f'UPDATE "sync_site" SET scopes = {m} WHERE code = {m}', (",".join(scopes), code))
    return scopes


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


PUSH_WAIT = 5.0
"""Seconds a batch waits for the database's job lock (a calculation or a close at the centre) before the server
answers 503 «busy» — the client retries later with the same batch."""


def make_app(db: pw.Database, *, max_body: int = MAX_BODY, lock_wait: float = PUSH_WAIT):
    """The ASGI application over the server's database ``db``. A batch is applied holding the database's job lock
    (``db.locks``), as every writing job is: a close never runs beside a push (it would find rows written while it
    computed and start over), a push waits for the close, then 503 with ``Retry-After``."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def _error(status: int, error: str, **more) -> JSONResponse:
        return JSONResponse({"error": error, **more}, status_code=status)

    async def _site(request: Request) -> str | None:
        claimed = request.headers.get(SITE_HEADER)
        auth = request.headers.get("authorization", "")
        secret = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
        site = await run_in_threadpool(_connected, authenticated, db, claimed, secret)
        if site is None:
            log.warning("sync %s refused: site %s not authenticated", request.url.path, claimed)
        return site

    async def push(request: Request) -> JSONResponse:
        site = await _site(request)
        if site is None:
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
        try:
            answer = await run_in_threadpool(_connected, _locked_push, db, batch, site_id=site, wait=lock_wait)
        except JobBusy as busy:
            log.info("sync push %s batch %s: busy (%s)", site, batch.get("batch_id"), busy)
            return JSONResponse({"error": "busy", "detail": str(busy)}, status_code=503,
                                headers={"Retry-After": "30"})
        log.info("sync push %s batch %s: %s%s", site, batch.get("batch_id"), answer.status,
                 " (replayed)" if answer.replayed else "")
        return JSONResponse(answer.body, status_code=answer.status)

    async def pull(request: Request) -> JSONResponse:
        """``GET /sync/pull?scope=…&cursor=…&limit=…[&own=1]``: the next page of a scope the site is enrolled in
        (``own=1``: with the site's own rows — a site restored from a backup)."""
        site = await _site(request)
        if site is None:
            return _error(401, "unauthenticated")
        scope = request.query_params.get("scope") or ""
        try:
            limit = min(max(int(request.query_params.get("limit") or PAGE_ROWS), 1), PAGE_ROWS)
        except ValueError:
            return _error(400, "bad_limit")
        try:
            got = await run_in_threadpool(_connected, page, db, site_id=site, scope=scope,
                                          cursor=request.query_params.get("cursor"), limit=limit,
                                          own=request.query_params.get("own") == "1")
        except Refused as refused:
            return JSONResponse(refused.body, status_code=refused.status)
        log.info("sync pull %s %s from %s: %s units%s", site, scope, request.query_params.get("cursor"),
                 len(got["units"]), " (up to date)" if got["up_to_date"] else "")
        return JSONResponse(got)

    async def whoami(request: Request) -> JSONResponse:
        """``GET /sync/site``: the authenticated site's code and scopes (what it pulls)."""
        site = await _site(request)
        if site is None:
            return _error(401, "unauthenticated")
        found = await run_in_threadpool(_connected, site_info, db, site)
        return JSONResponse(found)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/sync/push", push, methods=["POST"]), Route("/sync/pull", pull),
                             Route("/sync/site", whoami), Route("/sync/health", health)])


def _locked_push(db: pw.Database, batch: dict, *, site_id: str, wait: float):
    with job_lock(db, LEDGER, holder=f"sync:{site_id}", what="синхронизация: пакет площадки", wait=wait):
        return apply_push(db, batch, site_id=site_id)


def site_info(db: pw.Database, site_id: str) -> dict:
    row = db.execute_sql(f'SELECT code, name, scopes FROM "sync_site" WHERE site_id = {param_mark(db)}',
                         (db_id(site_id),)).fetchone()
    return {"site_id": site_id, "code": row[0], "name": row[1], "scopes": implied([s for s in row[2].split(",") if s])}


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


__all__ = ["MAX_BODY", "authenticated", "enroll", "make_app", "site_info"]
