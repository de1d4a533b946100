"""Demo towns for the finance tests: opened through ``bcenter.app`` on a fixed «today», every month of the history
calculated and closed but the last (the demo's own payments: the generator's estimates, many overpayers)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.period import Period

TODAY = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)
OPEN = Period(2026, 10)


def open_town(path: Path) -> App:
    """An existing town's database, on the fixed day."""
    return App.open(f"sqlite:///{path}", clock=FixedClock(TODAY))


def demo_town(path: Path, *, accounts: int, seed: int, until: Period = OPEN) -> App:
    """A new demo town at ``path`` with its ledger; the caller closes the app."""
    app = App.open(f"sqlite:///{path}", create=True, clock=FixedClock(TODAY))
    app.demo.build(accounts=accounts, seed=seed, until=until)
    app.demo.ledger(until=until, workers=1)
    return app
