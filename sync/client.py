"""The site's side of push over HTTP: batch after batch until the outbox is empty, each retried on a failure of
the network or the server (5xx) with exponential backoff — **the same batch, under the same id**, so whatever
happened (lost before the server, applied but the answer lost) the server applies it once and answers as the
first time. A 409 gap restarts the chain where the server asks; a refusal (4xx) stops with the server's reason.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import peewee as pw

from sync.push import acknowledge, next_batch
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
                acknowledge(db, int(body["expected_from_seq"]) - 1)
                report.restarts += 1
                if report.restarts > 3:
                    report.error = body
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
        return report
    finally:
        if own:
            client.close()


def _send(client: httpx.Client, url: str, batch: dict, headers: dict, report: PushReport, retries: int,
          backoff: float, sleep: Callable[[float], None]) -> tuple[int, dict] | None:
    wait = backoff
    for attempt in range(retries + 1):
        try:
            response = client.post(url, json=batch, headers=headers)
            if response.status_code < 500:
                return response.status_code, response.json()
            failure = {"status": response.status_code, "error": "server_error"}
        except httpx.TransportError as exc:
            failure = {"error": "network", "detail": f"{type(exc).__name__}: {exc}"}
        if attempt == retries:
            report.error = failure
            return None
        report.retries += 1
        sleep(wait)
        wait *= 2
    return None


__all__ = ["PushReport", "push_all"]
