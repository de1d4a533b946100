"""Make the repository importable when pytest runs from a checkout without an installed bcenter."""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("bcenter") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
