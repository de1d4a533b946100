"""The bill fonts: DejaVu Sans Condensed from ``assets/fonts`` (Cyrillic, м², м³, кВт·ч), registered once per process."""
from __future__ import annotations

from functools import cache

from bcenter.paths import ASSETS

REGULAR = "DejaVuSansCondensed"
BOLD = "DejaVuSansCondensed-Bold"
FONTS = ASSETS / "fonts"


@cache
def register() -> tuple[str, str]:
    """Register the regular and bold faces with reportlab (idempotent); returns their names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
    return REGULAR, BOLD
