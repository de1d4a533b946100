"""The behaviour baseline: what `bcenter charges | balances | debts | penalties --json` print for every month of a
500-account demo town built with a fixed seed.

It was recorded on the code before the application layer (issue 9) and is kept as digests in
``data/town500_baseline.json.gz``: per report and month, the digest of the whole output and of each account's part
of it. ``test_behaviour_baseline.py`` builds the same town with today's code and compares. Everything goes through
the command's entry point only (``bcenter.cli.main``), so the recorder runs on any version of the code.

    python tests/scenarios/town_baseline.py record   # write the baseline (on the code you trust)
    python tests/scenarios/town_baseline.py dump DIR # write the full outputs, to diff two versions by hand
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import re
import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASELINE = Path(__file__).with_name("data") / "town500_baseline.json.gz"
ACCOUNTS, SEED, UNTIL = 500, 6, "2026-10"
MONTHS = [f"{y}-{m:02d}" for y, m in
          [((2025 * 12 + 8 + i) // 12, (2025 * 12 + 8 + i) % 12 + 1) for i in range(14)]]  # 2025-09 … 2026-10
REPORTS = ("charges", "balances", "debts", "penalties")
ACCOUNT_LIST = {"charges": "lines", "balances": "accounts", "debts": "accounts", "penalties": "accounts"}


def cli(*args: str) -> tuple[int, str]:
    """Run ``bcenter`` in this process; (exit code, standard output)."""
    from bcenter.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main([str(a) for a in args])
    return code, out.getvalue()


def build_town(url: str) -> None:
    # the payments as the town had them when the baseline was recorded: the generator's estimates (issue 12 made the
    # demo pay its calculated bills by default — a different town)
    code, _ = cli("--db", url, "demo", "--accounts", str(ACCOUNTS), "--seed", str(SEED), "--until", UNTIL, "--ledger",
                  "--payments", "estimates")
    if code != 0:
        raise RuntimeError(f"demo failed with exit code {code}")


def last_day(month: str) -> str:
    y, m = map(int, month.split("-"))
    first_next = date(y + m // 12, m % 12 + 1, 1)
    return (first_next - timedelta(days=1)).isoformat()


def outputs(url: str) -> Iterator[tuple[str, str, str]]:
    """(report, month, the text printed) for every report and month."""
    for month in MONTHS:
        for report in REPORTS:
            if report in ("charges", "balances"):
                args = (report, "--period", month, "--json")
            else:
                args = (report, "--as-of", last_day(month), "--json")
            code, text = cli("--db", url, *args)
            if code != 0:
                raise RuntimeError(f"{report} {month}: exit code {code}")
            yield report, month, text


AMOUNT = re.compile(r"−?\d{1,3}(?:[\u00a0 ]\d{3})*,\d{2}")


HOUSE_METER = re.compile(r"ОДПУ\s+№\s*[^:]+:\s*[\d,/—]+\s*→\s*(?:[\d,/]+|не\s+снято)")
"""A house meter's readings in Раздел 4 (issue 13) — «11849,68 → 12164,478» looks like money to ``AMOUNT``."""

PENALTIES_APART = re.compile(r"(в\s+т\.\s+ч\.\s+пени|не\s+оплачено,\s+в\s+сумме\s+к\s+оплате:)\s*"
                             r"−?\d{1,3}(?:[\u00a0 ]\d{3})*,\d{2}")
"""The unpaid penalties a monthly bill names apart (issue 13) — the opening's and «к оплате»'s «в т. ч. пени»: new
figures, parts of amounts printed before, left out of what must not change."""

COMMON_NORM = re.compile(r"норматив\s+[\d,]+\s+\S+\s+на\s+1\s+м²\s+общего\s+имущества\s+\(площадь\s+общего\s+"
                         r"имущества\s+[\d,]+\s+м²\)")
"""A common-property norm and the common area in Раздел 4 (issue 13): new figures that look like money."""


def bill_amounts(pdf: Path) -> str:
    """Every amount a PDF of bills prints, account by account in print order (a page's footer names its account;
    the footer itself is left out): what a layout change must not alter, wherever the pages now break."""
    from pypdf import PdfReader

    pages: dict[str, str] = {}
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        number = re.search(r"Лицевой счёт (\d+) · ", text).group(1)
        pages[number] = pages.get(number, "") + text.split("\n", 1)[1] + "\n"
    out = {}
    for number, text in pages.items():  # an account's pages as one text: a new item may go on over a page break
        for new in (HOUSE_METER, PENALTIES_APART, COMMON_NORM):
            text = new.sub("", text)
        out[number] = AMOUNT.findall(text)
    return "\n".join(f"{n}: {' '.join(v)}" for n, v in out.items())


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def render(data) -> str:
    """The text ``bcenter … --json`` prints for ``data`` (``click.echo`` adds the line break)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def by_account(report: str, data: dict) -> dict[str, str]:
    """Each account's part of a report, as text."""
    parts: dict[str, list] = {}
    for item in data[ACCOUNT_LIST[report]]:
        parts.setdefault(item["account"], []).append(item)
    return {number: json.dumps(items, ensure_ascii=False, indent=2) for number, items in parts.items()}


def record(url: str) -> dict:
    baseline: dict = {"accounts": ACCOUNTS, "seed": SEED, "until": UNTIL, "reports": {}}
    for report, month, text in outputs(url):
        data = json.loads(text)
        baseline["reports"].setdefault(report, {})[month] = {
            "text": digest(text),
            "accounts": {n: digest(t) for n, t in sorted(by_account(report, data).items())},
            **({"totals": data["totals"]} if report == "charges" else {}),
        }
    return baseline


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("record", "dump"):
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'town.db'}"
        build_town(url)
        if argv[0] == "record":
            BASELINE.parent.mkdir(exist_ok=True)
            data = json.dumps(record(url), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
            BASELINE.write_bytes(gzip.compress(data, mtime=0))
            print(f"{BASELINE}: {BASELINE.stat().st_size} bytes")
        else:
            target = Path(argv[1])
            target.mkdir(parents=True, exist_ok=True)
            for report, month, text in outputs(url):
                (target / f"{report}-{month}.json").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
