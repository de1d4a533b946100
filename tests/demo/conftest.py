"""Makes the repository root importable when the package is not installed (``db`` lives next to ``bcenter``)."""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
