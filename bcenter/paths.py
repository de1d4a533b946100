"""Where bcenter's shipped files live (assets/: fonts, law tables, templates)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
LAW = ASSETS / "law"
