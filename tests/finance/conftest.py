"""The small town the registry tests load bank files into: 40 accounts (seed 5), history to October 2026, built once;
each test gets its own copy, opened with the clock at 5 December 2026."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bcenter.app import App
from bcenter.core.clock import FixedClock
from bcenter.core.period import Period

TODAY = datetime(2026, 12, 5, 12, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def registry_town(tmp_path_factory):
    path = tmp_path_factory.mktemp("registry") / "town.db"
    app = App.open(f"sqlite:///{path}", create=True)
    app.demo.build(accounts=40, seed=5, until=Period(2026, 10))
    app.close()
    return path


@pytest.fixture
def registry_app(registry_town, tmp_path):
    target = tmp_path / "town.db"
    target.write_bytes(registry_town.read_bytes())
    app = App.open(f"sqlite:///{target}", clock=FixedClock(TODAY))
    yield app
    app.close()
