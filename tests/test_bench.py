"""The benchmarks run: ``bench/month.py`` on a small demo town prints its figures and ratios — on PostgreSQL too
when the suite has one (its leg broke unseen once: the raw limit copied charge lines with keys of no entry)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_month_benchmark_prints_its_ratios(tmp_path):
    pg = os.environ.get("BCENTER_TEST_PG")
    args = [sys.executable, str(ROOT / "bench" / "month.py"), "--accounts", "150", "--dir", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k != "BCENTER_BENCH_PG"}
    proc = subprocess.run(args + (["--pg", pg] if pg else []), cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "ratio month / raw = " in proc.stdout and "recalculation after a retroactive tariff" in proc.stdout
    if pg:
        assert "PostgreSQL: ratio month / raw = " in proc.stdout, proc.stdout
