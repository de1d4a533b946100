"""M-Bus: every frame of pyMeterBus's own tests (``tests/drivers/vectors/mbus_*.json``) checked by our frame checks
and decoded through pyMeterBus to its records and values as the meter sent them; our requests as DRIVERS.md §3.4
writes them; the reading driver over ``sim://``, a pty and ``socket://`` with faults (silence, a spoiled checksum,
noise, a hang-up); ``bcenter meters read --protocol mbus``."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import meterbus
import pytest

from drivers.codecs import mbus
from drivers.errors import DeviceDisconnected, DeviceTimeout, FrameError
from drivers.meters.mbus import MbusMeter
from drivers.sim.mbus_meter import HEAT, MbusMeterModel
from tests.drivers.hosting import HOSTS, behind

VECTORS = {v["id"]: v for v in json.loads(
    (Path(__file__).parent / "vectors" / "mbus_ganehag_pyMeterBus.json").read_text("utf-8"))["vectors"]}


def test_our_requests_and_the_short_and_control_frames():
    assert mbus.short(mbus.SND_NKE, 5) == bytes.fromhex("10 40 05 45 16")
    assert mbus.short(mbus.REQ_UD2, 5) == bytes.fromhex("10 5b 05 60 16")
    assert mbus.short(0x08, 0x0B) == bytes.fromhex(VECTORS["mbus-02"]["frame_hex"])
    assert type(meterbus.load(bytes.fromhex(VECTORS["mbus-01"]["frame_hex"]))).__name__ == "TelegramACK"
    assert type(meterbus.load(bytes.fromhex(VECTORS["mbus-04"]["frame_hex"]))).__name__ == "TelegramControl"
    assert mbus.long_frame(0x08, 0x0B, 0x72, b"") == bytes.fromhex(VECTORS["mbus-04"]["frame_hex"])
    with pytest.raises(Exception):
        meterbus.load(bytes.fromhex(VECTORS["mbus-03"]["frame_hex"]))
    with pytest.raises(Exception):
        meterbus.load(VECTORS["mbus-07"]["input_text"])


@pytest.mark.parametrize("vector", ["mbus-08", "mbus-09", "mbus-10", "mbus-11", "mbus-12"])
def test_long_frames_decode_to_their_records(vector):
    v = VECTORS[vector]
    frame = mbus.check_long(bytes.fromhex(v["frame_hex"]))
    records = meterbus.load(frame).records
    assert len(records) == v["expected_record_count"]
    for want in v["expected_records"]:
        got = records[want["i"] - 1]
        if isinstance(want["value"], (int, float)) and not isinstance(want["value"], bool):
            assert float(mbus.value(got.parsed_value)) == pytest.approx(want["value"], abs=10 ** -want.get("places", 6))
        if "unit" in want and want["unit"] not in ("none", "date"):
            assert got.unit == want["unit"]
    broken = frame[:-2] + bytes((frame[-2] ^ 0xFF, 0x16))
    with pytest.raises(FrameError, match="контрольная сумма"):
        mbus.check_long(broken)


def test_the_heat_meter_of_drivers_md():
    assert [(mbus.value(r.parsed_value), r.unit) for r in meterbus.load(HEAT).records] == \
        [(Decimal(4512000), "Wh"), (Decimal("123.456"), "m^3"), (Decimal("65.12"), "C"), (Decimal("42.03"), "C")]
    assert mbus.secondary_id(HEAT) == "12345678"


@pytest.fixture(params=HOSTS)
def meter(request):
    model = MbusMeterModel()
    with behind(request.param, model) as url:
        yield model, url


def test_a_reading_of_a_heat_meter(meter):
    model, url = meter
    reading = MbusMeter(url, address=5).read()
    assert reading.serial == "12345678" and reading.value("6.8") == Decimal("4512.000")
    assert [(v.label, v.unit) for v in reading.values] == [("тепловая энергия", "кВт·ч"), ("объём", "м³"),
                                                           ("температура подачи", "°C"),
                                                           ("температура обратки", "°C")]
    assert model.received == [mbus.short(0x40, 5), mbus.short(0x5B, 5)]
    assert MbusMeter(url).read().serial == "12345678"  # the broadcast address 254


def test_faults_are_typed_and_noise_is_skipped(meter):
    model, url = meter
    model.garbage = b"\x68\x00\xff"
    assert MbusMeter(url, address=5).read().value("8.0") == Decimal("123.456")
    model.flip_cs = 1
    with pytest.raises(FrameError, match="повреждённый ответ"):
        MbusMeter(url, address=5, timeout=0.2).read()
    with pytest.raises(DeviceTimeout, match="не ответил"):
        MbusMeter(url, address=7, timeout=0.1).read()  # another meter's address: silence
    model.hangup_after = 10
    with pytest.raises(DeviceDisconnected, match="прервана"):
        MbusMeter(url, address=5, timeout=0.3).read()


def test_bcenter_meters_read_mbus(tmp_path, monkeypatch, capsys):
    from bcenter.cli import main

    monkeypatch.setenv("BCENTER_DB", f"sqlite:///{tmp_path / 'none.db'}")
    assert main(["meters", "read", "--port", "sim://mbus", "--protocol", "mbus"]) == 0
    out = capsys.readouterr().out
    assert "Счётчик (M-Bus) № 12345678" in out and "6.8     тепловая энергия: 4\u00a0512,000 кВт·ч" in out
    assert main(["meters", "read", "--port", "sim://mbus", "--protocol", "mbus", "--address", "300"]) == 2


def test_a_neighbours_late_answer_is_not_taken_for_this_meters(meter):
    """Two heat meters on one bus: meter 5 answers late, its telegram arriving as meter 6 is asked. The reader must
    get meter 6's values (its own ident and energy), not meter 5's credited to the flat of meter 6."""
    model, url = meter
    ours = bytearray(HEAT)
    ours[5], ours[7:11], ours[21:25] = 6, bytes.fromhex("21436587"), (1000).to_bytes(4, "little")
    ours[-2] = sum(ours[4:-2]) & 0xFF
    model.address, model.answer = 6, bytes(ours)
    original = model.feed

    def late_neighbour(data: bytes) -> bytes:
        answer = original(data)
        return HEAT + answer if data == mbus.short(mbus.REQ_UD2, 6) else answer
    model.feed = late_neighbour
    reading = MbusMeter(url, address=6).read()
    assert reading.serial == "87654321" and reading.value("6.8") == Decimal("1000.000")


def test_tariff_and_input_registers_are_told_apart(meter):
    """A heat meter whose telegram carries its own volume, a tariff register and the volumes of two water meters on
    its pulse inputs (pyMeterBus's mbus-08): each line says which it is, and the meter's own volume is the one saved
    as «8.0» — not one of four «объём» lines the reader cannot tell apart."""
    model, url = meter
    frame = bytes.fromhex(VECTORS["mbus-08"]["frame_hex"])
    model.address, model.answer = frame[5], frame
    reading = MbusMeter(url, address=frame[5]).read()
    volumes = [(v.code, v.label) for v in reading.values if v.unit == "м³"]
    assert [label for _, label in volumes] == ["объём", "объём (тариф 2)", "объём (вход 1)", "объём (вход 2)"]
    assert len({code for code, _ in volumes}) == 4 and reading.value("8.0") == Decimal("1369.443")
    assert [v.label for v in reading.values if v.code.startswith("6.8")] == ["тепловая энергия",
                                                                             "тепловая энергия (тариф 1)"]
