"""A demo town with a cash desk: the register and the printer simulated (``drivers.sim``), the town built once and
copied for each test; ``desk`` gives the app, the register's and the printer's models and their addresses."""
from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from bcenter.app import App
from drivers import sim
from drivers.sim.escpos_printer import EscposModel
from drivers.sim.shtrih_kkt import ShtrihModel
from tests.finance.towns import TODAY, demo_town, open_town

_names = itertools.count()


@pytest.fixture(scope="session")
def cash_town_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cash") / "town.db"
    demo_town(path, accounts=40, seed=1).close()
    return path


@dataclass
class Desk:
    app: App
    kkt: ShtrihModel
    printer: EscposModel
    register_url: str
    printer_url: str
    path: Path

    def devices(self) -> dict:
        return {"register": self.register_url, "printer": self.printer_url}

    def debtor(self) -> str:
        """The account that owes most today."""
        return max(self.app.finance.debts(as_of=date(2026, 12, 5)).accounts, key=lambda a: a.total).account

    def payments(self) -> int:
        return len(self.app.payments.list(limit=100000))

    def sales(self) -> list:
        return [d for d in self.kkt.documents if d.kind == 3]


@pytest.fixture
def desk(cash_town_file, tmp_path):
    path = tmp_path / "town.db"
    shutil.copy(cash_town_file, path)
    app = open_town(path)
    kkt = ShtrihModel(now=lambda: TODAY.replace(tzinfo=None))
    printer = EscposModel()
    n = next(_names)
    found = Desk(app, kkt, printer, sim.register(f"desk-kkt{n}", kkt) + "#timeout=0.05",
                 sim.register(f"desk-printer{n}", printer), path)
    yield found
    found.app.close()
