"""Search as you type (issue 16): what the office's search field answers at city size, per keystroke.

A person types a street, a house and a flat, or a surname, or an account number, one character at a time; each
change is a search (``app.registry.search``, limit 20 — the use case the screen calls, permission check and all).
Each query is also run as the bare FTS5 statement on its own ``sqlite3`` connection — the same MATCH expression,
the same ORDER BY and LIMIT — the limit of what any code could do with this index. Printed: per kind of query the
median, 95th percentile and worst time per keystroke, and the ratio of the raw FTS time to the use case's (1 = no
overhead). Target: under 100 ms per query at 100 000 accounts.

The town: ``.bench/town-<N>.db`` when another bench built it (``demo --ledger``), else ``.bench/search-<N>.db`` —
the registry and its history without the ledger (search needs no charges; 100 000 accounts build in ~5 min).

    .venv/bin/python bench/search.py --accounts 100000
"""
from __future__ import annotations

import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.shared import ROOT, town_arguments  # noqa: E402

TARGET_MS = 100.0
SAMPLE = 40


def _town(args) -> Path:
    ledger = args.dir / f"town-{args.accounts}.db"
    if ledger.exists() and not args.rebuild:
        return ledger
    path = args.dir / f"search-{args.accounts}.db"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    if not path.exists():
        print(f"building the town: {args.accounts} accounts (demo, no ledger) …", flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bcenter.cli", "--db", f"sqlite:///{path}", "demo", "--accounts",
                        str(args.accounts), "--until", args.until], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        print(f"  built in {time.perf_counter() - started:.0f} s")
    return path


def _typed(text: str, start: int = 2) -> list[str]:
    """What the field holds after each keystroke (from the second character: the screen waits for two)."""
    return [text[:n] for n in range(start, len(text) + 1) if not text[:n].endswith(" ")]


def _sessions(conn: sqlite3.Connection, rng: random.Random) -> dict[str, list[str]]:
    """Queries as people type them, by kind, for a sample of the town's accounts."""
    rows = conn.execute("SELECT number, address, names FROM account_search").fetchall()
    picked = rng.sample(rows, min(SAMPLE, len(rows)))
    out: dict[str, list[str]] = {"адрес": [], "фамилия": [], "номер": []}
    for number, address, names in picked:
        parts = [p.strip() for p in address.split(",")]
        street = parts[1].split()[-1] if len(parts) > 1 else parts[0]
        house = parts[2].removeprefix("д. ") if len(parts) > 2 else ""
        flat = parts[-1].split()[-1] if parts[-1].startswith(("кв.", "пом.")) else ""
        out["адрес"] += _typed(" ".join(x for x in (street, house, flat) if x))
        if names:
            out["фамилия"] += _typed(names.split()[0])
        out["номер"] += _typed(number, start=4)
    return out


def _raw(conn: sqlite3.Connection, text: str) -> float:
    """The bare FTS5 statement of ``db.search.search_accounts`` for ``text``: seconds."""
    from db.search import _TOKEN, fold

    tokens = [fold(t.lower()) for t in _TOKEN.findall(text)]
    query = " AND ".join(f'"{t}"*' for t in tokens)
    started = time.perf_counter()
    conn.execute("SELECT account_id, number, address, names FROM account_search WHERE account_search MATCH ? "
                  "ORDER BY rank LIMIT 20", (query,)).fetchall()
    return time.perf_counter() - started


def main() -> None:
    args = town_arguments(__doc__.split("\n\n")[0], repeat=True)
    from bcenter.app import App

    path = _town(args)
    conn = sqlite3.connect(path)
    sessions = _sessions(conn, random.Random(16))
    with App.open(f"sqlite:///{path}") as app:
        app.registry.search("прогрев", limit=20)  # the first query opens the connection and loads the index
        _raw(conn, "прогрев")
        print(f"town: {path.name}, accounts in the index: "
              f"{conn.execute('SELECT COUNT(*) FROM account_search').fetchone()[0]}")
        print(f"{'queries':>8} {'kind':<8} {'median ms':>10} {'p95 ms':>8} {'worst ms':>9} {'raw FTS median ms':>18} "
              f"{'raw/app':>8}")
        worst_all, slowest = 0.0, []
        for kind, queries in sessions.items():
            app_times, raw_times = [], []
            for text in queries:
                best_app = best_raw = float("inf")
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    app.registry.search(text, limit=20)
                    best_app = min(best_app, time.perf_counter() - started)
                    best_raw = min(best_raw, _raw(conn, text))
                app_times.append(best_app * 1000)
                raw_times.append(best_raw * 1000)
                slowest.append((best_app * 1000, best_raw * 1000, text))
            app_times.sort()
            p95 = app_times[max(0, int(len(app_times) * 0.95) - 1)]
            worst_all = max(worst_all, app_times[-1])
            ratio = statistics.median(raw_times) / statistics.median(app_times)
            print(f"{len(queries):>8} {kind:<8} {statistics.median(app_times):>10.2f} {p95:>8.2f} "
                  f"{app_times[-1]:>9.2f} {statistics.median(raw_times):>18.2f} {ratio:>8.2f}")
        for ms, raw, text in sorted(slowest, reverse=True)[:3]:
            print(f"  slowest: «{text}» {ms:.1f} ms (raw FTS {raw:.1f} ms)")
        print(f"worst query: {worst_all:.1f} ms — target < {TARGET_MS:.0f} ms per query: "
              f"{'✓' if worst_all < TARGET_MS else '✗'}")
    conn.close()


if __name__ == "__main__":
    main()
