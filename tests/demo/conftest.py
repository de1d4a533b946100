"""Shared by the demo-town tests: one 2 000-account town per session, its arrays merged, format patterns.

The repository root is put on the path when the package is not installed (``db`` lives next to ``bcenter``).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

UNTIL = "2026-10"


@pytest.fixture(scope="session")
def town() -> list[dict]:
    """Every document of a 2 000-account town (seed 1, history up to October 2026)."""
    from bcenter.modules.demo import generate_town

    return list(generate_town(accounts=2000, seed=1, until=UNTIL))


@pytest.fixture(scope="session")
def merged(town) -> dict[str, list]:
    """All arrays of all documents, concatenated."""
    out: dict[str, list] = defaultdict(list)
    for doc in town:
        for key, value in doc.items():
            if isinstance(value, list):
                out[key].extend(value)
    return out
