"""Benchmark: closing a month beside calculating one, on a demo town with a year of history.

Prints, for the town built by ``demo --ledger`` (every month calculated and closed, the last one open):
* the month's own time: ``calc`` of the open month after a ``storno`` of its charges (every house posted again,
  with the year of history behind it);
* ``close`` of that month: seconds and peak memory (balances, payments applied, penalties of every account), and
  the ratio close / month (issue 11's target: close ≤ the month's own time); with ``--repeat N`` (2 by default)
  each run on a fresh copy, and the median of the runs' ratios — on a 2-core machine one run varies by ±10 %.

Usage: python bench/close.py [--accounts 2000] [--until 2026-10] [--dir .bench] [--rebuild] [--repeat 2]
The town is built once into ``--dir``/town-<accounts>.db (shared with bench/bills.py) and copied before it is
changed; about a minute for 2 000 accounts on 2 cores.
"""
from __future__ import annotations

import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import shared_town, town_arguments  # noqa: E402  (bench/shared.py)


def child(args: list[str]) -> tuple[float, float, str]:
    """A bcenter command in a child process: (seconds, peak RSS of the children so far in MB, stdout)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bcenter.cli", *args], cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"bcenter {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, proc.stdout


def copy(source: Path, target: Path) -> str:
    for suffix in ("", "-wal", "-shm", "-ledger.lock"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close(), dst.close()
    return f"sqlite:///{target}"


def main() -> None:
    args = town_arguments(__doc__.splitlines()[0], repeat=True)
    from bcenter.core.period import Period

    source = shared_town(args.dir, args.accounts, args.until, args.rebuild)
    period = Period.parse(args.until)
    ratios, peak = [], 0.0
    for run in range(1, args.repeat + 1):  # each run on a fresh copy: month and close of the same state
        url = copy(source, args.dir / "close.db")
        child(["--db", url, "storno", "--period", str(period), "--reason", "bench/close.py: the month again"])
        month, peak1, out = child(["--db", url, "calc", "--period", str(period), "--json"])
        lines = sum(json.loads(out[out.index("{"):])["lines"].values())
        close, peak2, _ = child(["--db", url, "close", "--period", str(period)])
        peak = max(peak, peak1, peak2)
        ratios.append(close / month)
        print(f"run {run}: calc {month:7.1f} s ({lines} lines: the month's own time), close {close:7.1f} s, "
              f"close / month {close / month:.2f}", flush=True)
    print(f"accounts {args.accounts}, period {period}; peak RSS of a child process {peak:.0f} MB")
    print(f"ratio close / month = {statistics.median(ratios):.2f} (the median of {len(ratios)} runs; target ≤ 1)")


if __name__ == "__main__":
    main()
