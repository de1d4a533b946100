"""Benchmark: build the demo town, export it, import the export — against the raw write limit.

Prints
* demo generation + import: accounts/s and peak memory (RSS of the child process);
* export: objects/s;
* import of the export into an empty database: rows/s, peak memory, and the ratio to a raw
  ``executemany`` of the same rows into the same schema, measured in the same run (target ≥ 0.25).

Usage: python bench/demo_build.py [--accounts 100000] [--seed 1] [--dir .bench]
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_child(args: list[str]) -> tuple[float, float, str]:
    """Run a bcenter command in a child process; returns (seconds, peak RSS of the children so far in MB, its
    output)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bcenter.cli", *args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"bcenter {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024, proc.stdout


def domain_tables() -> list[str]:
    from db.models import DOMAIN_MODELS

    return [m._meta.table_name for m in DOMAIN_MODELS]


def raw_limit(source: Path, target: Path) -> tuple[int, float]:
    """Insert every domain row of `source` into an empty, migrated `target` with executemany, one transaction."""
    from db.connection import close_database, open_database

    target.unlink(missing_ok=True)
    open_database(f"sqlite:///{target}")
    close_database()
    src = sqlite3.connect(source)
    tables = domain_tables()
    data = {}
    for table in tables:
        cursor = src.execute(f'SELECT * FROM "{table}"')
        data[table] = ([d[0] for d in cursor.description], cursor.fetchall())
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    for pragma in ("journal_mode=wal", "foreign_keys=1", "synchronous=full"):
        dst.execute(f"PRAGMA {pragma}")
    rows = 0
    started = time.perf_counter()
    dst.execute("BEGIN")
    for table in tables:
        columns, values = data[table]
        if not values:
            continue
        marks = ", ".join("?" for _ in columns)
        dst.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', values)
        rows += len(values)
    dst.execute("COMMIT")
    elapsed = time.perf_counter() - started
    dst.close()
    return rows, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-10")
    parser.add_argument("--dir", type=Path, default=ROOT / ".bench")
    args = parser.parse_args()
    work = args.dir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    town, copy, raw, doc = work / "town.db", work / "copy.db", work / "raw.db", work / "town.json"

    print(f"demo --accounts {args.accounts} --seed {args.seed} --until {args.until}")
    seconds, peak, _ = run_child(["--db", f"sqlite:///{town}", "demo", "--accounts", str(args.accounts),
                               "--seed", str(args.seed), "--until", args.until])
    print(f"  demo:   {seconds:8.1f} s  {args.accounts / seconds:10.0f} accounts/s  peak RSS {peak:7.0f} MB")

    seconds, _, said = run_child(["--db", f"sqlite:///{town}", "export", str(doc)])
    size = doc.stat().st_size / 1e6
    # «Выгружено в FILE: suppliers 6, services 12, …» — the document itself is not parsed here (10× its size)
    objects = sum(int(n) for n in re.findall(r"\b[a-z_]+ (\d+)", said.rsplit(": ", 1)[-1]))
    print(f"  export: {seconds:8.1f} s  {objects / seconds:10.0f} objects/s  ({objects} objects, {size:.0f} MB)")

    # the import of the export: the parent's own children peak is already ≥ the demo's, so measure in a fresh child
    probe = [sys.executable, "-c", (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        f"r=subprocess.run([sys.executable,'-m','bcenter.cli','--db','sqlite:///{copy}','import','{doc}'],"
        "stdout=subprocess.DEVNULL);"
        "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, r.returncode)")]
    out = subprocess.run(probe, cwd=ROOT, capture_output=True, text=True).stdout.split()
    import_seconds, import_peak, code = float(out[0]), float(out[1]), int(out[2])
    if code != 0:
        sys.exit("import of the export failed")
    rows, raw_seconds = raw_limit(copy, raw)
    import_rate, raw_rate = rows / import_seconds, rows / raw_seconds
    print(f"  import: {import_seconds:8.1f} s  {import_rate:10.0f} rows/s  peak RSS {import_peak:7.0f} MB "
          f"({rows} domain rows, incl. validation, JSON parsing, outbox, audit and search index)")
    print(f"  raw executemany of the same rows into the same schema: {raw_seconds:.1f} s  {raw_rate:.0f} rows/s")
    ratio = import_rate / raw_rate
    print(f"  ratio import / raw = {ratio:.3f}  (target ≥ 0.25: {'OK' if ratio >= 0.25 else 'BELOW TARGET'})")


if __name__ == "__main__":
    main()
