"""Push (issue 17, first step): a site's outbox in batches of whole units of work, applied at the server once —
a repeat replays the first answer, a gap is refused with the sequence expected, a fact pushed with an existing id
and other content raises an integrity alarm instead of overwriting, an unknown column or table is refused by name.
The server on SQLite and on PostgreSQL (``any_url``); the sites are SQLite files that share the centre's registry
(as they will after a pull)."""
from __future__ import annotations

import copy
import uuid

from sync.push import acknowledge, apply_push, next_batch, pushed_to, waiting
from sync.rows import model_of, read_rows
from tests.sync.conftest import read as _read
from tests.sync.conftest import readings as _readings
from tests.sync.conftest import site_id as _site_id


def test_a_reading_arrives_once_whatever_the_network_does(server, sites):
    kiosk, tablet = sites
    before = _readings(server)
    _read(tablet, "19-034518", "140")
    assert waiting(tablet.db) == (1, 1)
    batch = next_batch(tablet.db)
    assert batch["from_seq"] == pushed_to(tablet.db) + 1 and len(batch["units"]) == 1
    first = apply_push(server.db, batch, site_id=_site_id(tablet))
    assert first.status == 200 and first.body["inserted"] == 1 and not first.replayed
    # the answer was lost on the way back: the same batch again — the first answer, nothing applied twice
    again = apply_push(server.db, copy.deepcopy(batch), site_id=_site_id(tablet))
    assert again.replayed and (again.status, again.body) == (first.status, first.body)
    assert _readings(server) == before + 1
    acknowledge(tablet.db, batch["to_seq"])
    assert waiting(tablet.db) == (0, 0) and next_batch(tablet.db) is None
    # the other site's chain is its own: its first batch starts at its own first sequence number
    _read(kiosk, "24-118207", "77")
    other = next_batch(kiosk.db)
    assert apply_push(server.db, other, site_id=_site_id(kiosk)).status == 200
    assert _readings(server) == before + 2


def test_a_gap_is_refused_with_the_sequence_expected(server, sites):
    _, tablet = sites
    site = _site_id(tablet)
    _read(tablet, "19-034518", "140")
    first = next_batch(tablet.db)
    _read(tablet, "19-034518", "150")
    acknowledge(tablet.db, first["to_seq"])  # the site believes the first went through; it never arrived
    second = next_batch(tablet.db)
    refused = apply_push(server.db, second, site_id=site)
    assert refused.status == 409 and refused.body["error"] == "gap"
    assert refused.body["expected_from_seq"] == first["from_seq"]
    assert apply_push(server.db, second, site_id=site).body == refused.body  # the refusal is replayed too
    acknowledge(tablet.db, refused.body["expected_from_seq"] - 1)  # the client starts again where asked
    resent = next_batch(tablet.db)
    assert resent["batch_id"] != second["batch_id"] and resent["from_seq"] == first["from_seq"]
    done = apply_push(server.db, resent, site_id=site)
    assert done.status == 200 and done.body["inserted"] == 2


def test_the_same_id_with_other_content_raises_an_alarm_and_overwrites_nothing(server, sites):
    _, tablet = sites
    site = _site_id(tablet)
    _read(tablet, "19-034518", "140")
    batch = next_batch(tablet.db)
    assert apply_push(server.db, batch, site_id=site).status == 200
    acknowledge(tablet.db, batch["to_seq"])
    forged = copy.deepcopy(batch)
    forged["batch_id"], forged["from_seq"] = "forged", batch["to_seq"] + 1
    row = forged["units"][0]["ops"][0]["rows"][0]
    row["total"] = "999"
    answer = apply_push(server.db, forged, site_id=site)
    assert answer.status == 200 and answer.body["inserted"] == 0
    assert answer.body["alarms"] == [{"table": "meter_reading", "id": row["id"], "result": "exists_with_different_total"}]
    kept = read_rows(server.db, model_of("meter_reading"), [row["id"]])[row["id"]]
    assert kept["total"] == "140"  # never overwritten
    alarm = server.db.execute_sql("SELECT table_name, fields FROM sync_alarm").fetchall()
    assert alarm == [("meter_reading", "total")]


def test_unknown_columns_tables_sites_and_schemas_are_refused_by_name(server, sites):
    _, tablet = sites
    site = _site_id(tablet)
    _read(tablet, "19-034518", "140")
    batch = next_batch(tablet.db)
    unknown = copy.deepcopy(batch)
    unknown["batch_id"] = "u"  # a refusal is stored against its batch id: the good batch comes under its own
    unknown["units"][0]["ops"][0]["rows"][0]["colour"] = "red"
    answer = apply_push(server.db, unknown, site_id=site)
    (parked,) = answer.body["parked"]  # refused for good: the unit is kept at the server, the batch answered
    assert (answer.status, parked["status"], parked["error"], parked["column"]) == (200, 422, "unknown_column",
                                                                                   "colour")
    table = copy.deepcopy(batch)
    table["batch_id"] = "t"
    table["units"][0]["ops"][0]["table"] = "spaceship"
    assert apply_push(server.db, table, site_id=site).body["parked"][0]["table"] == "spaceship"
    assert apply_push(server.db, batch, site_id=str(uuid.uuid4())).status == 403  # another site's batch
    newer = copy.deepcopy(batch)
    newer["batch_id"], newer["schema_version"] = "n", batch["schema_version"] + 1
    assert apply_push(server.db, newer, site_id=site).body["error"] == "schema"
    before = _readings(server)
    assert apply_push(server.db, batch, site_id=site).status == 200  # the good batch still applies after
    assert _readings(server) == before + 1


def test_a_unit_of_work_is_never_split_across_batches(sites):
    _, tablet = sites
    for value in ("140", "150", "160"):
        _read(tablet, "19-034518", value)
    firsts = next_batch(tablet.db, max_rows=1)
    assert len(firsts["units"]) == 1
    units = []
    while (batch := next_batch(tablet.db, max_rows=2)) is not None:
        units += [u["unit"] for u in batch["units"]]
        acknowledge(tablet.db, batch["to_seq"])
    assert len(units) == len(set(units)) == 3
