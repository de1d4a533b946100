"""Reading printed bills back (pypdf): each account's pages and the amounts on them."""
from __future__ import annotations

import os
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

AMOUNT = re.compile(r"−?\d{1,3}(?:[\u00a0 ]\d{3})*,\d{2}")


def kop(text: str) -> int:
    """«12 345,67» / «−0,50» / «12345.67» → kopecks."""
    text = text.replace("\u00a0", "").replace(" ", "").replace("−", "-").replace(",", ".")
    return int(Decimal(text) * 100)


def pages_by_account(pdf: Path) -> dict[str, str]:
    """The text of each account's pages (every page's footer names its account)."""
    from pypdf import PdfReader

    out: dict[str, str] = defaultdict(str)
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        number = re.search(r"Лицевой счёт (\d+) · ", text).group(1)
        out[number] += text + "\n"
    return dict(out)


def need_tool(tool: str, variable: str, package: str) -> None:
    """Skip without a rendering or scanning tool here — fail in CI, where ``.ci/run`` installs it."""
    import pytest

    if shutil.which(tool) is None:
        if os.environ.get(variable) == "required":
            pytest.fail(f"{tool} ({package}) не найден, а .ci/run должен был его поставить")
        pytest.skip(f"{tool} ({package}) не установлен — .ci/run ставит его")
