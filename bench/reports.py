"""Benchmark: the оборотно-сальдовая ведомость of the shared demo town (issue 21), beside a raw GROUP BY of the same rows.

Prints, for the town built by ``demo --ledger`` (every month closed, the last one open):
* the ОСВ of the last closed month by house and by supplier (rows computed, not written), each in a child process:
  seconds and peak memory; and the ratio to the same sums done by SQLite itself — the month's balance rows
  unpacked into a plain table (account, service × supplier key, the eight money columns) before the clock starts,
  then ``SELECT … SUM(…) … GROUP BY`` the house (through ``account_house``) or the supplier (through
  ``balance_key``), measured in this process (issue 21's target: ratio ≥ 0.3);
* the ОСВ by account written to XLSX (a row per account × service × supplier, streamed house by house) against
  the same plain rows read ``ORDER BY`` house and account and written by xlsxwriter with no formats: seconds,
  peak memory, ratio;
* the ОСВ of the open month by house (balances computed from the ledger house by house): seconds and peak memory,
  and that time over the closed month's.

Usage: python bench/reports.py [--accounts 2000] [--until 2026-10] [--dir .bench] [--rebuild] [--repeat 2]
       [--skip-open] [--skip-xlsx]
Each figure is the best of ``--repeat`` runs; a child's peak memory is its own (``VmHWM``).
"""
from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import shared_town, town_arguments  # noqa: E402  (bench/shared.py)

SUMS = ", ".join(f"SUM(f.m{i})" for i in range(8))


def child_run(url: str, period: str, by: str, out: str | None) -> None:
    """In a child process: the report's rows consumed (or written to ``out``); prints seconds, rows, peak MB."""
    from bcenter.app import App
    from bcenter.core.period import Period
    from bcenter.modules.reports import catalog, files
    from db.context import bound

    with App.open(url) as app, bound(app.db):
        started = time.perf_counter()
        result = catalog.run(app.db, "osv", period=Period.parse(period), by=by)
        if out:
            totals = files.write(result, Path(out), "xlsx")
            rows = -1
        else:
            rows, totals = 0, [0] * 8
            for row in result.rows:
                rows += 1
                for i, v in enumerate(row[-8:]):
                    totals[i] += v
            totals = dict(enumerate(totals))
        elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "rows": rows, "peak_mb": peak_mb(), "totals": list(totals.values())}))


def peak_mb() -> float:
    """This process's peak resident memory: ``VmHWM`` (a new program's own — ``ru_maxrss`` keeps the high-water
    mark of the process it was forked from across ``exec``, and this bench's parent holds a table of rows)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(url: str, period: str, by: str, out: Path | None = None) -> dict:
    args = [sys.executable, __file__, "--child", url, period, by] + ([str(out)] if out else [])
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"the child {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def plain_rows(conn: sqlite3.Connection, period: str) -> int:
    """The period's balance rows unpacked into TEMP table ``flat`` (untimed); returns their count."""
    from db.snapshots import columns

    conn.execute("CREATE TEMP TABLE flat (account_id, key INTEGER, " + ", ".join(f"m{i} INTEGER" for i in range(8))
                 + ")")
    batch, count = [], 0
    sql = f"INSERT INTO flat VALUES (?, ?, {', '.join('?' * 8)})"
    for account, data in conn.execute("SELECT account_id, data FROM balance_snapshot WHERE period = ?",
                                      (period,)).fetchall():
        keys, money = columns(data)
        n = len(keys)
        for j, key in enumerate(keys):
            batch.append((account, key, *money[j::n][:8]))
        if len(batch) >= 50_000:
            conn.executemany(sql, batch)
            count += len(batch)
            batch = []
    conn.executemany(sql, batch)
    conn.commit()
    return count + len(batch)


def raw_group(conn: sqlite3.Connection, by: str) -> tuple[float, list[int]]:
    join = {"house": ('JOIN account_house a ON a.account_id = f.account_id', "a.house_id"),
            "supplier": ('JOIN balance_key k ON k.id = f.key', "k.supplier_id")}[by]
    started = time.perf_counter()
    rows = conn.execute(f"SELECT {join[1]}, {SUMS} FROM flat f {join[0]} GROUP BY {join[1]}").fetchall()
    elapsed = time.perf_counter() - started
    return elapsed, [sum(r[i + 1] for r in rows) for i in range(8)]


def raw_xlsx(conn: sqlite3.Connection, out: Path) -> float:
    """The plain rows by house and account written by xlsxwriter (constant memory, no formats, no names)."""
    import xlsxwriter

    started = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet()
    for n, row in enumerate(conn.execute(
            "SELECT a.number, f.key, f.m0, f.m1, f.m2, f.m3, f.m4, f.m5, f.m6, f.m7 FROM flat f JOIN account_house a "
            "ON a.account_id = f.account_id ORDER BY a.house_id, a.number, f.key")):
        sheet.write_string(n, 0, row[0])
        sheet.write_number(n, 1, row[1])
        for i in range(8):
            sheet.write_number(n, 2 + i, row[2 + i] / 100)
    book.close()
    return time.perf_counter() - started


def main() -> None:
    def extra(parser):
        parser.add_argument("--skip-open", action="store_true", help="without the open month")
        parser.add_argument("--skip-xlsx", action="store_true", help="without the XLSX by account")

    args = town_arguments(__doc__.split("\n\n")[0], repeat=True, extra=extra)
    from bcenter.core.period import Period

    source = shared_town(args.dir, args.accounts, args.until, args.rebuild)
    url = f"sqlite:///{source}"
    closed, open_ = str(Period.parse(args.until) - 1), args.until
    conn = sqlite3.connect(source)
    rows = plain_rows(conn, closed)
    accounts = conn.execute("SELECT COUNT(*) FROM balance_snapshot WHERE period = ?", (closed,)).fetchone()[0]
    print(f"town: {source.name}; the ОСВ of {closed} (closed): {accounts} accounts, {rows} rows "
          f"(account × service × supplier)")
    print(f"{'work':<36} {'seconds':>8} {'limit s':>8} {'ratio':>6} {'peak MB':>8}")
    for by in ("house", "supplier"):
        runs = [child(url, closed, by) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        limit, totals = min((raw_group(conn, by) for _ in range(args.repeat)), key=lambda t: t[0])
        if best["totals"] != totals:
            sys.exit(f"the ОСВ by {by} and the raw GROUP BY differ: {best['totals']} / {totals}")
        print(f"{'ОСВ by ' + by + ' (closed month)':<36} {best['seconds']:>8.2f} {limit:>8.2f} "
              f"{limit / best['seconds']:>6.2f} {max(r['peak_mb'] for r in runs):>8.0f}   ({best['rows']} rows)")
    if not args.skip_xlsx:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "osv.xlsx"
            runs = [child(url, closed, "account", out) for _ in range(args.repeat)]
            size = out.stat().st_size
            limit = min(raw_xlsx(conn, Path(folder) / "raw.xlsx") for _ in range(args.repeat))
        best = min(r["seconds"] for r in runs)
        print(f"{'ОСВ by account → XLSX (closed)':<36} {best:>8.2f} {limit:>8.2f} {limit / best:>6.2f} "
              f"{max(r['peak_mb'] for r in runs):>8.0f}   ({size / 1e6:.0f} MB file)")
    if not args.skip_open:
        runs = [child(url, open_, "house") for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        closed_best = min(child(url, closed, "house")["seconds"] for _ in range(args.repeat))
        print(f"{'ОСВ by house (open month, computed)':<36} {best['seconds']:>8.2f} {closed_best:>8.2f} "
              f"{closed_best / best['seconds']:>6.2f} {max(r['peak_mb'] for r in runs):>8.0f}   "
              f"(limit: the closed month's)")
    conn.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_run(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        main()
