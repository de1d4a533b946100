"""Benchmark: a site pushes ``--facts`` meter readings to the server (issue 17), against a raw insert of the same rows.

* The site: a copy of the centre's town (``demo --accounts N``, no ledger) with its own identity; the readings are
  written there through the unit of work in units of 1 000 (as a tablet's routes come back), so each has its
  outbox rows.
* The push, as shipped: batch after batch (``sync.push.next_batch`` → ``apply_push``: rows read at the site and
  encoded as JSON, decoded at the server, existing ids looked up, the fresh rows written through the server's unit
  of work with its outbox and audit, the answer stored) — in-process, without HTTP; then the same again through
  the Starlette app (``TestClient``) to show what the HTTP layer adds.
* The limit: ``executemany`` of the same rows, as the site stores them, into a copy of the server's database in one
  transaction, rolled back — on SQLite and, with ``--pg URL`` (or ``BCENTER_BENCH_PG``), on PostgreSQL
  (``execute_values`` into a schema the town is copied to).
* The ratio limit / push (target ≥ 0.2).
* The pull: another site (a copy of the centre, its cursors at the centre's end before the push) pulls the pushed
  facts page by page (``sync.pull.page`` → ``apply_page``: the server's outbox read by ``(xid, seq)``, the rows'
  scopes found by their joins, read and encoded; at the site decoded and upserted in one transaction per page with
  the cursor) — in-process and through the Starlette app; against ``executemany`` of the same rows into that
  site's database (the ratio, target ≥ 0.2).

Usage: python bench/sync.py [--facts 100000] [--accounts 500] [--pg postgresql://…] [--dir .bench]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UNIT = 1000


def _centre(folder: Path, accounts: int) -> Path:
    path = folder / f"sync-centre-{accounts}.db"
    if not path.exists():
        print(f"building the centre's town: {accounts} accounts (demo, no ledger) …", flush=True)
        subprocess.run([sys.executable, "-m", "bcenter.cli", "--db", f"sqlite:///{path}", "demo", "--accounts",
                        str(accounts), "--until", "2026-10"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return path


def _site(centre: Path, folder: Path, facts: int) -> tuple[Path, str]:
    """The site's database with ``facts`` readings written through the unit of work; returns it and its id."""
    from db.connection import make_database
    from bcenter.core.ids import uuid7
    from db.models import MeterReading
    from db.uow import UnitOfWork
    from sync.push import acknowledge

    path = folder / "sync-site.db"
    shutil.copy(centre, path)
    site_id = str(uuid.uuid4())
    db = make_database(f"sqlite:///{path}")
    db.connect()
    db.execute_sql("UPDATE local_setting SET value = ? WHERE key = 'site_id'", (site_id,))
    acknowledge(db, db.execute_sql("SELECT MAX(seq) FROM outbox").fetchone()[0] or 0)
    meters = [str(uuid.UUID(bytes=m)) if isinstance(m, bytes) else str(m)
              for (m,) in db.execute_sql("SELECT id FROM meter WHERE kind = 'individual'")]
    rng = random.Random(17)
    start = date(2020, 1, 1)
    columns = ("id", "meter_id", "date", "source", "total", "status")
    for first in range(0, facts, UNIT):
        rows = [(uuid7(), rng.choice(meters), (start + timedelta(days=rng.randrange(2400))).isoformat(), "inspector",
                 f"{rng.randrange(1, 99999)}.{rng.randrange(1000):03d}", "accepted")
                for _ in range(min(UNIT, facts - first))]
        with UnitOfWork(action="bench.readings", actor="bench", site_id=site_id, db=db) as uow:
            uow.insert_rows(MeterReading, columns, rows)
    db.close()
    return path, site_id


def _server(centre: Path, folder: Path, pg: str | None, name: str) -> str:
    if pg:
        from bench.shared import copy_to_postgres

        url, drop = copy_to_postgres(centre, pg)
        _server.drops.append(drop)
        return url
    path = folder / f"sync-{name}.db"
    shutil.copy(centre, path)
    return f"sqlite:///{path}"


_server.drops = []


def _push(site: Path, server_url: str, site_id: str, *, http: bool) -> tuple[float, int]:
    from db.connection import make_database
    from sync.push import acknowledge, apply_push, next_batch

    site_db, server_db = make_database(f"sqlite:///{site}"), make_database(server_url)
    site_db.connect()
    server_db.connect()
    start = int(site_db.execute_sql("SELECT value FROM local_setting WHERE key = 'sync.pushed_to_seq'").fetchone()[0])
    from sync.server import enroll

    secret = enroll(server_db, site_id=site_id, code="B1", name="bench", scopes=["ref", "house:*"], after_seq=start)
    started = time.perf_counter()
    inserted = 0
    if http:
        from starlette.testclient import TestClient

        from sync.client import push_all
        from sync.server import make_app

        started = time.perf_counter()
        with TestClient(make_app(server_db)) as client:
            report = push_all(site_db, url="http://bench", site_id=site_id, secret=secret, client=client)
        assert report.ok, report.error
        inserted = report.inserted
    else:
        while (batch := next_batch(site_db)) is not None:
            answer = apply_push(server_db, batch, site_id=site_id)
            assert answer.status == 200, answer.body
            inserted += answer.body["inserted"]
            acknowledge(site_db, batch["to_seq"])
    seconds = time.perf_counter() - started
    acknowledge(site_db, start)  # the next leg pushes the same facts again
    site_db.close()
    server_db.close()
    return seconds, inserted


def _puller(centre: Path, folder: Path, server_url: str) -> tuple[Path, str, str]:
    """Another site: a copy of the centre, enrolled for every house, its cursors at the server's end now."""
    from db.connection import make_database
    from sync.pull import apply_page
    from sync.server import enroll

    path = folder / "sync-puller.db"
    shutil.copy(centre, path)
    site_id = str(uuid.uuid4())
    db, server_db = make_database(f"sqlite:///{path}"), make_database(server_url)
    db.connect()
    server_db.connect()
    db.execute_sql("UPDATE local_setting SET value = ? WHERE key = 'site_id'", (site_id,))
    xid = "MAX(xid::text::bigint)" if server_url.startswith("postgresql") else "MAX(xid)"
    (top_xid, top_seq), = server_db.execute_sql(f"SELECT COALESCE({xid}, 0), COALESCE(MAX(seq), 0) FROM outbox")
    secret = enroll(server_db, site_id=site_id, code="P1", name="bench puller", scopes=["ref", "house:*"])
    for scope in ("ref", "house:*"):
        apply_page(db, {"scope": scope, "cursor": f"{top_xid}:{top_seq}", "units": []})
    db.close()
    server_db.close()
    return path, site_id, secret


def _pull(puller: Path, server_url: str, site_id: str, secret: str, *, http: bool) -> tuple[float, int]:
    from db.connection import make_database
    from sync.pull import apply_page, cursor_of, page

    site_db, server_db = make_database(f"sqlite:///{puller}"), make_database(server_url)
    site_db.connect()
    server_db.connect()
    started = time.perf_counter()
    got_rows = 0
    if http:
        from starlette.testclient import TestClient

        from sync.client import pull_all
        from sync.server import make_app

        with TestClient(make_app(server_db)) as client:
            report = pull_all(site_db, url="http://bench", site_id=site_id, secret=secret, client=client)
        assert report.ok and not report.held_back, report
        got_rows = report.rows.get("meter_reading", 0)
    else:
        for scope in ("ref", "house:*"):
            while True:
                got = page(server_db, site_id=site_id, scope=scope, cursor=cursor_of(site_db, scope))
                got_rows += apply_page(site_db, got).get("meter_reading", 0)
                if got["up_to_date"]:
                    break
    seconds = time.perf_counter() - started
    site_db.close()
    server_db.close()
    return seconds, got_rows


def _raw_rows(site: Path, facts: int) -> tuple[list[str], list[tuple]]:
    conn = sqlite3.connect(site)
    cursor = conn.execute("SELECT * FROM meter_reading ORDER BY rowid DESC LIMIT ?", (facts,))
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    conn.close()
    return columns, rows


def _limit(server_url: str, columns: list[str], rows: list[tuple]) -> float:
    """Seconds to insert ``rows`` raw into the server's ``meter_reading`` in one transaction, rolled back."""
    if server_url.startswith("sqlite:///"):
        conn = sqlite3.connect(server_url.removeprefix("sqlite:///"), isolation_level=None)
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(f'INSERT INTO meter_reading ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})',
                         rows)
        conn.execute("ROLLBACK")
        conn.close()
        return time.perf_counter() - started
    import psycopg2
    from psycopg2.extras import execute_values

    base, _, query = server_url.partition("?")
    schema = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("schema")
    conn = psycopg2.connect(base)
    as_pg = [tuple(str(uuid.UUID(bytes=v)) if isinstance(v, bytes) and len(v) == 16 else v for v in r) for r in rows]
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(f'SET search_path TO "{schema}"')
        execute_values(cur, f'INSERT INTO meter_reading ({", ".join(columns)}) VALUES %s', as_pg, page_size=2000)
    conn.rollback()
    conn.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--pg", default=os.environ.get("BCENTER_BENCH_PG"))
    parser.add_argument("--dir", type=Path, default=ROOT / ".bench")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    centre = _centre(args.dir, args.accounts)
    started = time.perf_counter()
    site, site_id = _site(centre, args.dir, args.facts)
    print(f"site: {args.facts} readings written through the unit of work in {time.perf_counter() - started:.1f} s")
    columns, rows = _raw_rows(site, args.facts)
    legs = [("SQLite", None)] + ([("PostgreSQL", args.pg)] if args.pg else [])
    try:
        for name, pg in legs:
            for http in (False, True):
                url = _server(centre, args.dir, pg, f"server-{'http' if http else 'direct'}")
                puller, puller_id, secret = _puller(centre, args.dir, url)
                limit = _limit(url, columns, rows)  # first: rolled back, the database stays as it was
                seconds, inserted = _push(site, url, site_id, http=http)
                assert inserted == args.facts, inserted
                way = "HTTP" if http else "direct"
                print(f"{name:<10} {way:<6} push {seconds:7.1f} s, {args.facts / seconds:8.0f} facts/s; "
                      f"raw insert {limit:5.1f} s; ratio {limit / seconds:.3f} (target ≥ 0.2)", flush=True)
                site_limit = _limit(f"sqlite:///{puller}", columns, rows)
                seconds, got = _pull(puller, url, puller_id, secret, http=http)
                assert got == args.facts, got
                print(f"{name:<10} {way:<6} pull {seconds:7.1f} s, {args.facts / seconds:8.0f} facts/s; "
                      f"raw insert at the site {site_limit:5.1f} s; ratio {site_limit / seconds:.3f} (target ≥ 0.2)",
                      flush=True)
    finally:
        for drop in _server.drops:
            drop()


if __name__ == "__main__":
    main()
