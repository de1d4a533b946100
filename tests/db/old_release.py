"""A database made by an earlier release, and what that release printed from it.

``data/release-<N>.db.gz`` is the SQLite file (compacted by ``VACUUM INTO``, gzipped) of a 20-account demo town (seed 11, history to
October 2026: 13 months closed, October calculated and open) made by the code of schema step N;
``data/release-<N>.outputs.json.gz`` holds the digests of what that code printed from it: `charges`, `balances`,
`debts`, `penalties --json` for every month and the amounts of the month's bills (ЕПД) of a closed and of the open
month (their whole text until issue 13 changed the layout). ``test_old_release.py`` loads that file with today's code — which migrates it — and compares.

    python tests/db/old_release.py record     # on the release being frozen: write both files for its step

Everything goes through the command's entry point (``bcenter.cli.main``) and the file through ``sqlite3``, so the
recorder runs on any version of the code.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# the behaviour baseline's entry point, months (2025-09 … 2026-10) and reports
from tests.scenarios.town_baseline import MONTHS, REPORTS, bill_amounts, cli, last_day, render  # noqa: E402

DATA = Path(__file__).with_name("data")
ACCOUNTS, SEED, UNTIL = 20, 11, "2026-10"
BILL_MONTHS = ("2026-09", "2026-10")  # the last closed month (snapshots) and the open one (computed)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def bills_amounts(url: str, month: str, folder: Path) -> str:
    """Every amount the month's bills print, account by account (``town_baseline.bill_amounts``): what a release
    printed, whatever the layout since. (The fixtures held the digests of the bills' whole text until issue 13
    changed the layout; they were replaced by these, printed by the code of d7fad4f — whose text still had the
    recorded digests — from the same migrated files.)"""
    out = folder / f"bills-{month}.pdf"
    code, _ = cli("--db", url, "bills", "--period", month, "--out", out, "--workers", "1")
    if code != 0:
        raise RuntimeError(f"bills {month}: exit code {code}")
    return bill_amounts(out)


def outputs(url: str, folder: Path) -> dict[str, str]:
    """Digest of every report of every month and of the bills' amounts."""
    found = {}
    for month in MONTHS:
        for report in REPORTS:
            args = (report, "--period", month) if report in ("charges", "balances") else \
                (report, "--as-of", last_day(month))
            code, text = cli("--db", url, *args, "--json")
            if code != 0:
                raise RuntimeError(f"{report} {month}: exit code {code}")
            if report == "penalties":  # without the keys added by issue 12 (what payments paid of them)
                data = json.loads(text)
                for item in data["accounts"]:
                    item.pop("paid", None)
                    item.pop("unpaid", None)
                text = render(data)
            found[f"{report} {month}"] = digest(text)
    for month in BILL_MONTHS:
        found[f"bills {month}"] = digest(bills_amounts(url, month, folder))
    return found


def restore(frozen: Path, path: Path) -> str:
    """The frozen file unpacked to ``path``; its URL."""
    path.write_bytes(gzip.decompress(frozen.read_bytes()))
    return f"sqlite:///{path}"


def record() -> None:
    from db.migrations import LATEST

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'town.db'}"
        code, _ = cli("--db", url, "demo", "--accounts", ACCOUNTS, "--seed", SEED, "--until", UNTIL, "--ledger")
        if code != 0:
            raise RuntimeError(f"demo failed with exit code {code}")
        conn = sqlite3.connect(folder / "town.db")
        conn.execute("VACUUM INTO ?", (str(folder / "frozen.db"),))
        conn.close()
        frozen = (folder / "frozen.db").read_bytes()
        found = outputs(url, folder)
    DATA.mkdir(exist_ok=True)
    (DATA / f"release-{LATEST}.db.gz").write_bytes(gzip.compress(frozen, 9, mtime=0))
    (DATA / f"release-{LATEST}.outputs.json.gz").write_bytes(gzip.compress(
        json.dumps({"schema": LATEST, "outputs": found}, ensure_ascii=False, indent=1, sort_keys=True).encode(),
        9, mtime=0))
    for name in (f"release-{LATEST}.db.gz", f"release-{LATEST}.outputs.json.gz"):
        print(f"{DATA / name}: {(DATA / name).stat().st_size} bytes")


if __name__ == "__main__":
    if sys.argv[1:] != ["record"]:
        print(__doc__)
        sys.exit(2)
    record()
