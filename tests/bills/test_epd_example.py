"""The picture of a ЕПД in the docs is what the code prints: ``make epd-example`` (a 40-account demo town, a closed
month — its figures and dates fixed) run into a temporary folder gives docs/epd-example.png byte for byte."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_docs_picture_of_a_bill_is_current(tmp_path):
    if shutil.which("pdftoppm") is None:
        if os.environ.get("BCENTER_TEST_PDFTOPPM") == "required":
            pytest.fail("pdftoppm (poppler-utils) не найден, а .ci/run должен был его поставить")
        pytest.skip("pdftoppm (poppler-utils) не установлен — .ci/run ставит его")
    done = subprocess.run(["make", "-s", "epd-example", f"EPD_DIR={tmp_path}", f"EPD_PNG={tmp_path / 'epd'}"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    fresh = (tmp_path / "epd.png").read_bytes()
    assert fresh == (ROOT / "docs" / "epd-example.png").read_bytes(), (
        "docs/epd-example.png отстал от вёрстки ЕПД: выполните make epd-example")
