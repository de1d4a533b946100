"""``bcenter meters read --save --meter``: what a meter says over its line becomes a reading of the registry's meter
(source «device») through the same rules — tariff 1 and 2 of a two-tariff meter as day and night, the sum of tariffs
of a single-tariff one; a meter on the line with another serial number saves nothing."""
from __future__ import annotations

import json
import sqlite3

import pytest

from bcenter.cli import main
from tests.finance.towns import demo_town

SIM_SERIAL = "40680048"  # the Меркурий 230 simulator's (drivers/sim/mercury230.py)


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    path = tmp_path_factory.mktemp("read-save") / "town.db"
    demo_town(path, accounts=20, seed=2).close()
    with sqlite3.connect(path) as conn:  # the demo's first two-tariff electricity meter is the simulator's
        (mid,), = conn.execute("SELECT id FROM meter WHERE resource = 'electricity' AND zones = 2 "
                               "AND kind = 'individual' AND removed IS NULL ORDER BY serial LIMIT 1").fetchall()
        conn.execute("UPDATE meter SET serial = ? WHERE id = ?", (SIM_SERIAL, mid))
        (other,), = conn.execute("SELECT serial FROM meter WHERE resource = 'electricity' AND zones = 1 "
                                 "AND kind = 'individual' AND removed IS NULL ORDER BY serial LIMIT 1").fetchall()
    return path, other


def test_read_and_save_through_the_rules(town, capsys, tmp_path, monkeypatch):
    path, other = town
    monkeypatch.chdir(tmp_path)  # the simulators' state beside nothing of the town's
    url = f"sqlite:///{path}"
    assert main(["--db", url, "meters", "read", "--port", "sim://mercury230", "--protocol", "mercury230", "--save",
                 "--meter", SIM_SERIAL, "--json"]) == 0
    saved = json.loads(capsys.readouterr().out)["saved"]
    assert saved["source"] == "device" and saved["values"] == {"day": "3001.1", "night": "1511.245"}
    # the demo's meter has counted more than the simulator's: the rules keep the reading out, and say why
    assert saved["status"] == "rejected" and saved["verdicts"][0]["rule"] == "below_previous"
    assert main(["--db", url, "meters", "read", "--port", "sim://mercury230", "--protocol", "mercury230", "--save",
                 "--meter", other]) != 0
    assert f"На линии счётчик № {SIM_SERIAL}, а указан прибор № {other}" in capsys.readouterr().err
    assert main(["--db", url, "meters", "read", "--port", "sim://mercury230", "--protocol", "mercury230",
                 "--save"]) != 0
    assert "--save и --meter" in capsys.readouterr().err
    assert main(["--db", url, "readings", "list", "--meter", SIM_SERIAL]) == 0
    assert "прибор по линии связи" in capsys.readouterr().out
