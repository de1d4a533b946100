"""Benchmark: printing the month's bills (ЕПД with a QR code per recipient) for a demo town, one core and two.

Prints, for a closed month (the usual order: calc → close → print) and for the open month (balances and
penalties computed while printing):
* bills/s of ``print_bills`` as shipped — reading the ledger, building the QR payloads and symbols, drawing,
  writing one PDF — with one process and with two (and the speed-up; target ≥ 1.6×);
* the limit: reportlab drawing the same pages **without the QR codes**, from bills already read, same run;
* the ratio of the one-process rate to that limit (target ≥ 0.3).

Usage: python bench/bills.py [--accounts 2000] [--until 2026-10] [--dir .bench] [--rebuild]
The town (``demo --ledger``: every month calculated and closed, the last one open) is built once into
``--dir``/town-<accounts>.db (shared with bench/close.py) and reused; about a minute for 2 000 accounts on 2 cores.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from shared import shared_town, town_arguments  # noqa: E402  (bench/shared.py)


def timed_print(url: str, period: str, workers: int, out: Path) -> tuple[float, int, int]:
    from bcenter.app import App
    from bcenter.core.period import Period

    with App.open(url) as app:
        started = time.perf_counter()
        result = app.bills.print(Period.parse(period), out=out, workers=workers)
        elapsed = time.perf_counter() - started
    return elapsed, result.printed, result.pages


def drawing_limit(url: str, period: str, out: Path) -> tuple[float, float, int]:
    """Seconds for reportlab to draw the same bills without QR codes, and with them (bills read beforehand)."""
    from bcenter.core.period import Period
    from bcenter.modules.bills.gather import BillSource
    from bcenter.modules.bills.render import Renderer
    from db.connection import close_database, open_database

    db = open_database(url)
    source = BillSource(db, Period.parse(period))
    targets = source.targets()
    bills = [b for _, b in source.bills(sorted({t.house for t in targets}), targets) if b is not None]
    close_database()
    times = []
    for qr in (False, True):
        renderer = Renderer(qr=qr)
        started = time.perf_counter()
        canvas = renderer.new_canvas(str(out))
        for bill in bills:
            renderer.draw(canvas, bill)
        canvas.save()
        times.append(time.perf_counter() - started)
    return times[0], times[1], len(bills)


def main() -> None:
    args = town_arguments(__doc__.splitlines()[0])
    url = f"sqlite:///{shared_town(args.dir, args.accounts, args.until, args.rebuild)}"
    from bcenter.core.period import Period

    last = Period.parse(args.until)
    print(f"cores: {os.cpu_count()}, accounts: {args.accounts}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bills.pdf"
        for label, period in (("closed month", str(last - 1)), ("open month", str(last))):
            one, printed, pages = timed_print(url, period, 1, out)
            size = out.stat().st_size
            two, _, _ = timed_print(url, period, 2, out)
            bare, drawn, n = drawing_limit(url, period, Path(tmp) / "limit.pdf")
            rate1, rate2, limit = printed / one, printed / two, n / bare
            print(f"\n{label} {period}: {printed} bills, {pages} pages, {size / 1e6:.1f} MB "
                  f"({size / max(pages, 1) / 1e3:.1f} kB a page)")
            print(f"  bcenter bills, one process   {one:7.2f} s  {rate1:7.1f} bills/s")
            print(f"  bcenter bills, two processes {two:7.2f} s  {rate2:7.1f} bills/s   speed-up {rate2 / rate1:.2f}× "
                  f"(target ≥ 1.6×)")
            print(f"  limit: reportlab, same pages without QR {bare:7.2f} s  {limit:7.1f} pages/s "
                  f"(with QR, drawing only: {n / drawn:.1f}/s)")
            print(f"  ratio one process / limit = {rate1 / limit:.2f} (target ≥ 0.3)")


if __name__ == "__main__":
    main()
