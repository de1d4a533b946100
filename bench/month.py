"""Benchmark: one month of a demo town, against a raw executemany of the same rows; and a recalculation month.

Prints
* the month (``calc`` as shipped: a worker process per core gathers and calculates, one process writes): charge
  lines/s and peak memory (RSS of the largest process, and a bound for all of them);
* raw limit: ``executemany`` of as many rows of each table as the month wrote (journal entries, charge lines, new
  derivation texts), copies of real rows with new keys, into the same database, same run;
* the ratio (target ≥ 0.5, issue 11);
* a recalculation month after a retroactive change of one house's tariff, as a share of the full month
  (target < 5 %);
* with ``--pg URL`` (or ``BCENTER_BENCH_PG``), the same month on PostgreSQL: the town copied into a new schema
  before the month, ``calc`` there, and its ratio to a multi-row ``INSERT`` (``execute_values``) of as many rows of
  each table in one transaction; the schema is dropped after.

Usage: python bench/month.py [--accounts 100000 | --from-db PATH] [--period 2026-10] [--pg postgresql://…]
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def child(args: list[str]) -> tuple[float, float, str]:
    probe = ("import resource,subprocess,sys,time;t=time.perf_counter();"
             f"r=subprocess.run([sys.executable,'-m','bcenter.cli',*{args!r}],capture_output=True,text=True);"
             "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, r.returncode);"
             "print(r.stdout[-2000:]); print(r.stderr[-2000:], file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    head, _, out = proc.stdout.partition("\n")
    seconds, peak, code = head.split()
    if code != "0":
        sys.exit(f"bcenter {' '.join(args)} failed:\n{out}\n{proc.stderr}")
    return float(seconds), float(peak), out


MONTH_TABLES = ("journal_entry", "charge_line", "derivation")
"""What a month run writes, row for row: an entry per account, its lines, the derivation texts not yet stored."""


def counts(db: Path) -> dict[str, int]:
    from shared import table_counts  # bench/shared.py

    return table_counts(db, MONTH_TABLES)


def raw_limit(db: Path, written: dict[str, int]) -> float:
    """Seconds to executemany, in one transaction, as many rows of each table as the month wrote — copies of real
    rows with new keys (a key that is the row number is left to SQLite) — into the same database; undone after."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    batches = []
    for prefix, table in enumerate(MONTH_TABLES):
        n = written.get(table, 0)
        if not n:
            continue
        info = list(conn.execute(f'PRAGMA table_info("{table}")'))
        key = next(i for i, r in enumerate(info) if r[5] == 1)
        sample = conn.execute(f'SELECT * FROM "{table}" LIMIT {min(n, 100000)}').fetchall()
        if info[key][2].upper() == "INTEGER":  # the row number: assigned by SQLite
            cols = [r[1] for i, r in enumerate(info) if i != key]
            rows = [tuple(v for i, v in enumerate(sample[j % len(sample)]) if i != key) for j in range(n)]
        else:  # a new key in the stored form of the sample's, never one of a real row
            cols = [r[1] for r in info]
            fresh = (lambda j: ((0xF0 + prefix) << 120 | j).to_bytes(16, "big")) \
                if isinstance(sample[0][key], bytes) else (lambda j: f"{j:032x}"[:8] + f"-bench-{prefix}-{j:019d}")
            rows = [tuple(fresh(j) if i == key else v for i, v in enumerate(sample[j % len(sample)]))
                    for j in range(n)]
        batches.append((f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})', rows))
    from shared import timed_inserts  # bench/shared.py

    elapsed = timed_inserts(conn, batches)
    conn.close()
    return elapsed


def raw_limit_pg(url: str, written: dict[str, int]) -> float:
    """Seconds to insert, in one transaction, as many rows of each table as the month wrote on PostgreSQL — copies
    of real rows with new keys (a serial key left to its sequence) — with ``execute_values``; undone after."""
    import uuid

    from psycopg2.extras import execute_values

    from db.connection import make_database

    db = make_database(url)
    db.connect()
    conn = db.connection()
    batches = []
    entries: list[str] = []  # the copies' journal entries: a charge line's key is (its entry, its number)
    with conn.cursor() as cur:
        for table in MONTH_TABLES:
            n = written.get(table, 0)
            if not n:
                continue
            cur.execute("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_index i JOIN pg_attribute a "
                        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass "
                        "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)", (table,))
            keys = cur.fetchall()
            key, kind = keys[0]
            cur.execute(f'SELECT * FROM "{table}" LIMIT {min(n, 100000)}')
            names = [d[0] for d in cur.description]
            sample = cur.fetchall()
            k = names.index(key)
            if table == "charge_line":  # (entry_id, line_no): lines spread over the copied entries, as the month's
                assert [c for c, _ in keys] == ["entry_id", "line_no"] and entries, keys
                cols, no = names, names.index("line_no")
                rows = [tuple(entries[j % len(entries)] if i == k else 1000 + j // len(entries) if i == no else v
                              for i, v in enumerate(sample[j % len(sample)])) for j in range(n)]
            elif kind == "bigint":  # a serial: assigned by its sequence
                cols = [c for c in names if c != key]
                rows = [tuple(v for i, v in enumerate(sample[j % len(sample)]) if i != k) for j in range(n)]
            else:
                cols = names
                fresh = (lambda j: str(uuid.uuid4())) if kind == "uuid" else (lambda j: uuid.uuid4().bytes)
                rows = [tuple(fresh(j) if i == k else v for i, v in enumerate(sample[j % len(sample)]))
                        for j in range(n)]
                if table == "journal_entry":
                    entries = [row[k] for row in rows]
            batches.append((f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES %s', rows))
    conn.rollback()
    started = time.perf_counter()
    with conn.cursor() as cur:
        for sql, rows in batches:
            execute_values(cur, sql, rows, page_size=2000)
    conn.rollback()  # measured, then undone
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def pg_counts(url: str) -> dict[str, int]:
    from db.connection import make_database

    db = make_database(url)
    db.connect()
    try:
        return {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in MONTH_TABLES}
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--from-db", type=Path, default=None, help="a demo database to copy instead of building one")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--dir", type=Path, default=ROOT / ".bench")
    parser.add_argument("--pg", default=os.environ.get("BCENTER_BENCH_PG"),
                        help="PostgreSQL URL: the same month there too (a schema made and dropped)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / "month.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if args.from_db:
        src = sqlite3.connect(args.from_db)
        dst = sqlite3.connect(db)
        src.backup(dst)
        src.close(), dst.close()
    else:
        child(["--db", f"sqlite:///{db}", "demo", "--accounts", str(args.accounts), "--until", args.period])
    url = f"sqlite:///{db}"
    pg = None
    if args.pg:  # the town as it is before the month, copied now
        from shared import copy_to_postgres

        started = time.perf_counter()
        pg = copy_to_postgres(db, args.pg)
        print(f"the town copied to PostgreSQL in {time.perf_counter() - started:.0f} s")
    before = counts(db)
    seconds, peak, out = child(["--db", url, "calc", "--period", args.period, "--json"])
    written = {t: n - before[t] for t, n in counts(db).items()}
    summary = json.loads(out[out.index("{"):])
    lines = sum(summary["lines"].values())
    cores = os.cpu_count() or 1
    print(f"month {args.period}: {seconds:.1f} s, {lines} lines, {lines / seconds:.0f} lines/s, "
          f"houses {summary['houses_ok']} ok / {summary['houses_failed']} failed "
          f"({cores} worker processes and the writer)")
    print(f"peak RSS of the largest process {peak:.0f} MB; all {cores + 1} together at most {peak * (cores + 1):.0f} MB "
          "(target < 1 GB)")
    raw = raw_limit(db, written)
    rows = sum(written.values())
    print(f"raw executemany of the same rows ({', '.join(f'{t} {n}' for t, n in written.items())}): {raw:.1f} s, "
          f"{rows / raw:.0f} rows/s")
    print(f"ratio month / raw = {raw / seconds:.3f} (target ≥ 0.5)")

    # a retroactive change of one house's tariff, then the next month's run
    conn = sqlite3.connect(db)
    house, ext = conn.execute('SELECT id, ext_id FROM "house" ORDER BY id LIMIT 1').fetchone()
    service, = conn.execute('SELECT ext_id FROM "service" WHERE kind = \'housing\' LIMIT 1').fetchone()
    conn.close()
    doc = args.dir / "retro.json"
    doc.write_text(json.dumps({"format": "bcenter-exchange", "version": 1, "tariffs": [
        {"id": "bench-retro", "service": service, "house": ext, "from": f"{args.period}-01", "rate": "99.99"}]}),
        encoding="utf-8")
    child(["--db", url, "import", str(doc)])
    # the same period again: only the changed house is recalculated
    re_seconds, _, out = child(["--db", url, "calc", "--period", args.period, "--json"])
    summary = json.loads(out[out.index("{"):])
    print(f"recalculation after a retroactive tariff for one house: {re_seconds:.1f} s "
          f"({100 * re_seconds / seconds:.1f} % of the full month; target < 5 %), lines {sum(summary['lines'].values())}")
    if pg is not None:
        pg_url, drop = pg
        try:
            before = pg_counts(pg_url)
            seconds, peak, out = child(["--db", pg_url, "calc", "--period", args.period, "--json"])
            written = {t: n - before[t] for t, n in pg_counts(pg_url).items()}
            lines = sum(json.loads(out[out.index("{"):])["lines"].values())
            raw = raw_limit_pg(pg_url, written)
            print(f"PostgreSQL: month {seconds:.1f} s, {lines} lines, {lines / seconds:.0f} lines/s; peak RSS of the "
                  f"largest process {peak:.0f} MB")
            print(f"PostgreSQL: raw execute_values of the same rows ({', '.join(f'{t} {n}' for t, n in written.items())}"
                  f"): {raw:.1f} s, {sum(written.values()) / raw:.0f} rows/s")
            print(f"PostgreSQL: ratio month / raw = {raw / seconds:.3f} (target ≥ 0.5)")
        finally:
            drop()


if __name__ == "__main__":
    main()
