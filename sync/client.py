"""The site's side of push over HTTP: batch after batch until the outbox is empty, each retried on a failure of
the network or the server (5xx) with exponential backoff — **the same batch, under the same id**, so whatever
happened (lost before the server, applied but the answer lost) the server applies it once and answers as the
first time. A 409 gap restarts the chain back where the server asks (or past the site's enrolment) — never forward
on trust (``sync.push.follow_gap``); a refusal (4xx) stops with the server's reason. A unit the server refuses
for good (a row outside the site's scopes, a fact edited…) is parked there and reported (``PushReport.parked``):
the units after it go on. A site restored from a backup
pulls its own rows too until a pull completes (``sync.pull.restored``).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import peewee as pw

from db.dialect import param_mark

from sync.pull import SchemaMismatch, apply_page, caught_up, cursor_of, dangling, restored
from sync.push import acknowledge, follow_gap, next_batch
from sync.server import SITE_HEADER

RETRIES = 6
BACKOFF = 0.5  # seconds, doubled each retry


@dataclass
class PushReport:
    batches: int = 0
    rows: int = 0        # rows shipped
    inserted: int = 0
    exists: int = 0
    alarms: list[dict] = field(default_factory=list)
    parked: list[dict] = field(default_factory=list)  # units the server refused and kept for a person (sync.push)
    retries: int = 0
    restarts: int = 0    # gaps the server asked to restart from
    error: dict | None = None  # the server's refusal, or the network's last failure

    @property
    def ok(self) -> bool:
        return self.error is None


def push_all(db: pw.Database, *, url: str, site_id: str, secret: str, client: httpx.Client | None = None,
             max_rows: int = 5000, retries: int = RETRIES, backoff: float = BACKOFF,
             sleep: Callable[[float], None] = time.sleep) -> PushReport:
    """Push everything waiting in the outbox of ``db`` to the server at ``url``, authenticated as ``site_id`` with
    ``secret`` (the server refuses a batch of another site than the one authenticated)."""
    report = PushReport()
    own = client is None
    client = client or httpx.Client(timeout=60)
    headers = {SITE_HEADER: site_id, "Authorization": f"Bearer {secret}"}
    try:
        while (batch := next_batch(db, max_rows=max_rows)) is not None:
            answer = _send(client, url.rstrip("/") + "/sync/push", batch, headers, report, retries, backoff, sleep)
            if answer is None:
                return report
            status, body = answer
            if status == 409 and body.get("error") == "gap":
                report.restarts += 1
                if report.restarts > 3:
                    report.error = {"status": status, **body, "detail": "разрыв цепочки пакетов не устранён"}
                    return report
                if not follow_gap(db, body):
                    report.error = {"status": status, **body, "detail": "сервер просит пропустить неотправленные "
                                                                        "единицы работы — отказано, они ждут в outbox"}
                    return report
                continue
            if status != 200:
                report.error = {"status": status, **body}
                return report
            acknowledge(db, int(batch["to_seq"]))
            report.batches += 1
            report.rows += sum(len(op.get("rows") or ()) for u in batch["units"] for op in u["ops"])
            report.inserted += int(body.get("inserted", 0))
            report.exists += int(body.get("exists", 0))
            report.alarms += body.get("alarms", [])
            report.parked += body.get("parked", [])
            if body.get("parked"):
                remember_parked(db, body["parked"])
        return report
    finally:
        if own:
            client.close()


PARKED_KEY = "sync.parked"
"""``local_setting``: the units the server parked (refused for good and kept for a person), newest last — the site
acknowledged their batch and will not send them again, so ``bcenter sync status`` keeps saying so until a person
clears it (``forget_parked``)."""
PARKED_KEPT = 200


def remember_parked(db: pw.Database, parked: list[dict]) -> None:
    """Keep what the server parked, with the moment (at most ``PARKED_KEPT``, the newest)."""
    import json
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    kept = parked_units(db) + [{"at": now, "unit": p.get("unit"), "table": p.get("table"), "error": p.get("error"),
                                "detail": p.get("detail")} for p in parked]
    text = json.dumps(kept[-PARKED_KEPT:], ensure_ascii=False)
    m = param_mark(db)
    with db.atomic():
        if db.execute_sql(f"SELECT 1 FROM local_setting WHERE key = {m}", (PARKED_KEY,)).fetchone():
            db.execute_sql(f"UPDATE local_setting SET value = {m} WHERE key = {m}", (text, PARKED_KEY))
        else:
            db.execute_sql(f"INSERT INTO local_setting (key, value) VALUES ({m}, {m})", (PARKED_KEY, text))


def parked_units(db: pw.Database) -> list[dict]:
    """The units the server parked, as remembered by ``remember_parked``."""
    import json

    row = db.execute_sql(f"SELECT value FROM local_setting WHERE key = {param_mark(db)}", (PARKED_KEY,)).fetchone()
    return json.loads(row[0]) if row and row[0] else []


def forget_parked(db: pw.Database) -> int:
    """Clear the remembered parked units (a person settled them with the centre); returns how many there were."""
    n = len(parked_units(db))
    with db.atomic():
        db.execute_sql(f"DELETE FROM local_setting WHERE key = {param_mark(db)}", (PARKED_KEY,))
    return n


def _send(client: httpx.Client, url: str, batch: dict | None, headers: dict, report, retries: int,
          backoff: float, sleep: Callable[[float], None], *, params: dict | None = None) -> tuple[int, dict] | None:
    """POST ``batch`` (GET with ``params`` when None), retried on the network's and the server's failures."""
    wait = backoff
    for attempt in range(retries + 1):
        try:
            if batch is None:
                response = client.get(url, params=params, headers=headers)
            else:
                response = client.post(url, json=batch, headers=headers)
            if response.status_code < 500:
                return response.status_code, _body(response)
            failure = {"status": response.status_code, "error": "server_error"}
            try:  # a busy centre (a close) says so: kept as the failure's reason if the retries run out
                failure.update(response.json())
            except ValueError:
                pass
        except httpx.TransportError as exc:
            failure = {"error": "network", "detail": f"{type(exc).__name__}: {exc}"}
        if attempt == retries:
            report.error = failure
            return None
        report.retries += 1
        sleep(wait)
        wait *= 2
    return None


def _body(response: httpx.Response) -> dict:
    """The server's JSON answer — or, for anything else (a proxy's HTML page: 404, 413, a login form), a refusal
    saying so, never an exception that would stop the sync without a word."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    text = " ".join(response.text.split())[:120]
    return {"error": "not_json", "detail": f"ответ не от сервера синхронизации (HTTP {response.status_code}, не JSON): "
                                           f"{text or 'пусто'} — проверьте адрес сервера и прокси"}


@dataclass
class PullReport:
    pages: int = 0
    units: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows written, by table
    scopes: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # scopes a running transaction at the server held back
    refetched: list[str] = field(default_factory=list)  # scopes the server asked to start over
    dangling: int = 0  # rows naming rows this site does not have, after the pull (a scope the site lacks)
    retries: int = 0
    error: dict | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def pull_all(db: pw.Database, *, url: str, site_id: str, secret: str, client: httpx.Client | None = None,
             limit: int | None = None, retries: int = RETRIES, backoff: float = BACKOFF, hold: float = 5.0,
             sleep: Callable[[float], None] = time.sleep) -> PullReport:
    """Pull every scope the site is enrolled in, page after page, each applied in one local transaction with its
    cursor (an interrupted pull resumes where the last applied page ended). A page that is empty but not up to date
    means a transaction at the server is still running below the rows that follow: the client waits (doubling from
    ``backoff``, ``hold`` seconds at most for the whole pull) and asks again, and leaves the scope for the next sync if
    it is still held back."""
    report = PullReport()
    opened = client is None  # the client this pull opened is the one it closes
    client = client or httpx.Client(timeout=120)
    headers = {SITE_HEADER: site_id, "Authorization": f"Bearer {secret}"}
    base = url.rstrip("/")
    try:
        body = _fetch(client, base + "/sync/site", headers, report, retries, backoff, sleep)
        if body is None:
            return report
        report.scopes = list(body.get("scopes") or [])
        own = restored(db)  # restored from a backup: its own rows pushed after the backup come back too
        waited, wait = 0.0, backoff  # one budget for the whole pull: what holds one scope back holds them all
        for scope in report.scopes:
            restarts = 0
            while True:
                params = {"scope": scope, "cursor": cursor_of(db, scope)}
                if limit:
                    params["limit"] = str(limit)
                if own:
                    params["own"] = "1"
                got = _fetch(client, base + "/sync/pull", headers, report, retries, backoff, sleep, params=params)
                if got is None:
                    return report
                try:
                    counts = apply_page(db, got)
                except SchemaMismatch as exc:
                    report.error = {"error": "schema", "detail": str(exc), "server": exc.server, "site": exc.site}
                    return report
                report.pages += 1
                report.units += len(got.get("units") or ())
                for table, n in counts.items():
                    report.rows[table] = report.rows.get(table, 0) + n
                if got.get("must_refetch"):
                    restarts += 1
                    report.refetched.append(scope)
                    if restarts > 2:
                        report.error = {"error": "must_refetch", "scope": scope}
                        return report
                    continue
                if got.get("up_to_date"):
                    break
                if not got.get("outbox_rows"):
                    if waited >= hold:
                        report.held_back.append(scope)
                        break
                    sleep(wait)
                    waited += wait
                    wait *= 2
        report.dangling = len(dangling(db))
        if own and not report.held_back:
            caught_up(db)
        return report
    finally:
        if opened:
            client.close()


def _fetch(client: httpx.Client, url: str, headers: dict, report: PullReport, retries: int, backoff: float,
           sleep: Callable[[float], None], *, params: dict | None = None) -> dict | None:
    """GET ``url``: the body of a 200 answer, else None with the failure or the refusal in ``report.error``."""
    answer = _send(client, url, None, headers, report, retries, backoff, sleep, params=params)
    if answer is None:
        return None
    status, body = answer
    if status != 200:
        report.error = {"status": status, **body}
        return None
    return body


__all__ = ["PullReport", "PushReport", "pull_all", "push_all"]
