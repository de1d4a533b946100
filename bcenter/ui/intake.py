"""The intake of residents' requests from a portal (issue 19): ``POST /claims`` over ``bcenter.app`` (Starlette, run
by uvicorn on 127.0.0.1 unless configured — ``bcenter claims intake``). A face like the screens: it stands on the
application only.

A portal authenticates with ``Authorization: Bearer <token>`` (``bcenter claims portal-token``); it may post
``per_minute`` requests a minute (then 429 with ``Retry-After``); a body over ``max_body`` bytes is 413; not JSON,
not an object, a field missing or of the wrong type is 400 with the reason in Russian; a request the rules refuse
(unknown account, kind) is 422 with the problems. The body: ``{"kind", "text", "account" | "house", "contact"?}``
and the header ``Idempotency-Key`` (required: a portal retrying after a lost answer must not register twice) —
201 with the request's number and deadline, 200 with the same for a key seen before.
"""
from __future__ import annotations

import json
import logging
import time
from collections import defaultdict, deque

from bcenter.app import Actor, App, BcenterError, ValidationFailed

log = logging.getLogger("bcenter.intake")
FIELDS = {"kind": str, "text": str, "account": str, "house": str, "contact": str}
MAX_TEXT = 4000


def make_intake(app: App, *, max_body: int = 16 * 1024, per_minute: int = 60, clock=time.monotonic):
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    recent: dict[str, deque] = defaultdict(deque)

    def error(status: int, code: str, message: str, **more) -> JSONResponse:
        return JSONResponse({"error": code, "message": message, **more}, status_code=status)

    def limited(portal: str) -> bool:
        now, window = clock(), recent[portal]
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= per_minute:
            return True
        window.append(now)
        return False

    def acting(portal: str) -> App:
        return app.as_actor(Actor(user=f"portal:{portal}", role="operator"))

    def connected(call, *args, **kwargs):
        opened = app.db.is_closed()
        if opened:
            app.db.connect()
        try:
            return call(*args, **kwargs)
        finally:
            if opened:
                app.db.close()

    async def post(request: Request) -> JSONResponse:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else None
        portal = await run_in_threadpool(connected, app.claims.portal, token) if token else None
        if portal is None:
            log.warning("intake refused: not authenticated")
            return error(401, "unauthenticated", "нужен действующий ключ портала (Authorization: Bearer …)")
        if limited(portal):
            return JSONResponse({"error": "too_many", "message": f"не больше {per_minute} заявок в минуту"},
                                status_code=429, headers={"Retry-After": "60"})
        if int(request.headers.get("content-length") or 0) > max_body:
            return error(413, "too_large", f"заявка больше {max_body} байт", limit=max_body)
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body:
                return error(413, "too_large", f"заявка больше {max_body} байт", limit=max_body)
        key = (request.headers.get("idempotency-key") or "").strip()
        if not key or len(key) > 100:
            return error(400, "no_idempotency_key", "нужен заголовок Idempotency-Key (до 100 знаков): повтор той же "
                                                    "заявки после потерянного ответа не должен стать второй заявкой")
        try:
            data = json.loads(body)
        except ValueError:
            return error(400, "not_json", "тело заявки — не JSON")
        if not isinstance(data, dict):
            return error(400, "not_an_object", "ожидается объект JSON с полями kind, text, account или house")
        wrong = [f"{k}: ожидается строка" for k, v in data.items() if k in FIELDS and not isinstance(v, FIELDS[k])]
        wrong += [f"{k}: неизвестное поле" for k in data if k not in FIELDS]
        wrong += [f"{k}: обязательное поле" for k in ("kind", "text") if k not in data]
        if isinstance(data.get("text"), str) and len(data["text"]) > MAX_TEXT:
            wrong.append(f"text: длиннее {MAX_TEXT} знаков")
        if wrong:
            return error(400, "malformed", "; ".join(wrong))
        text = data["text"] + (f"\nКонтакт: {data['contact']}" if data.get("contact") else "")
        intake_key = f"{portal}:{key}"
        try:
            before = await run_in_threadpool(connected, acting(portal).claims.known, intake_key)
            found = await run_in_threadpool(connected, acting(portal).claims.add, kind=data["kind"], text=text,
                                            account=data.get("account"), house=data.get("house"), channel="portal",
                                            intake_key=intake_key)
        except ValidationFailed as exc:
            return JSONResponse({"error": "refused", "message": exc.title,
                                 "problems": [{"field": p.path, "reason": p.reason} for p in exc.problems]},
                                status_code=422)
        except BcenterError as exc:
            return error(422, "refused", exc.message_ru)
        log.info("intake %s key %s: %s%s", portal, key, found.number, " (again)" if before else "")
        return JSONResponse({"number": found.number, "deadline_at": found.deadline_at.isoformat(),
                             "kind": found.kind_name, "state": found.state}, status_code=200 if before else 201)

    return Starlette(routes=[Route("/claims", post, methods=["POST"])])


__all__ = ["make_intake"]
