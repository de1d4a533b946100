"""Issue 14's acceptance: every bill of the demo town's month — drawn, rasterised (150 dpi) and read back as a
keyboard-wedge scanner types it (its bytes as Latin-1 characters, then CR/LF) — finds at the desk the right account
and the amount its recipient's «К оплате» asks."""
from __future__ import annotations

import re
import subprocess
from collections import defaultdict

from tests.bills.pages import kop, need_tool, pages_by_account
from tests.finance.towns import OPEN

MONEY = r"(−?\d{1,3}(?:[\u00a0 ]\d{3})*,\d{2})"


def test_every_bill_of_the_month_scanned_at_the_desk_finds_its_account_and_amount(desk, tmp_path):
    need_tool("pdftoppm", "BCENTER_TEST_PDFTOPPM", "poppler-utils")
    import zxingcpp
    from PIL import Image

    app = desk.app
    pdf = tmp_path / "bills.pdf"
    app.bills.print(OPEN, out=pdf)
    pages = pages_by_account(pdf)
    asked = {n: sorted(kop(x) for x in re.findall(r"К оплате, л/с \d+\s*" + MONEY, text) if kop(x) > 0)
             for n, text in pages.items()}
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-x", "0", "-y", "0", "-W", "1245", "-H", "1095",
                    str(pdf), str(tmp_path / "p")], check=True)  # netpbm: PNG's compression was ~95 % of the time
    found: dict[str, list[int]] = defaultdict(list)
    scanned = 0
    for png in sorted(tmp_path.glob("p-*.pgm")):
        for code in zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode):
            typed = code.bytes.decode("latin-1") + "\r\n"  # what the scanner types
            bill = app.cash.scan(typed)
            assert bill.period == OPEN
            scanned += 1
            if bill.amount:
                found[bill.account].append(bill.amount)
    assert scanned >= 6 * len(pages) - 6 and len(pages) >= 38
    assert {n: sorted(v) for n, v in found.items()} == {n: v for n, v in asked.items() if v}
