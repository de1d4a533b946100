"""Меркурий 230 and 200: our codecs against every vector of a public driver's tests (wb-mqtt-serial, copied into
``tests/drivers/vectors``) — requests byte for byte, answers decoded to their values, the simulator answering their
requests byte for byte — and the reading driver over ``sim://``, a pty and ``socket://`` with the fault matrix of
DRIVERS.md §5: silence, a flipped CRC, a garbage prefix, a truncated frame with a hang-up, a slow meter, a wrong
password, a channel not open."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from drivers.codecs import mercury
from drivers.errors import DeviceDisconnected, DeviceRejected, DeviceTimeout, FrameError
from drivers.meters.mercury230 import Mercury230
from drivers.sim.mercury230 import Mercury230Model
from tests.drivers.hosting import HOSTS, behind

VECTORS = {v["id"]: v for v in json.loads(
    (Path(__file__).parent / "vectors" / "mercury230_200_wirenboard_wb-mqtt-serial.json").read_text(
        encoding="utf-8"))["vectors"]}


def _hex(text: str) -> bytes:
    return bytes.fromhex(text)


def test_every_frame_of_the_vectors_has_a_good_crc():
    frames = [_hex(v[k]) for v in VECTORS.values() for k in ("request_hex", "response_hex") if k in v]
    assert len(frames) == 66
    for frame in frames:
        mercury.open_frame(frame)
    with pytest.raises(FrameError, match="контрольная сумма"):
        mercury.open_frame(_hex("00 00 01 b1"))


def test_sessions_and_energy_requests_are_those_of_the_vectors():
    assert mercury.open_channel(0, 1, "111111") == _hex(VECTORS["m230-01"]["request_hex"])
    assert mercury.open_channel(0, 2, bytes(range(0x12, 0x18))) == _hex(VECTORS["m230-02"]["request_hex"])
    assert mercury.read_energy(0) == _hex(VECTORS["m230-03"]["request_hex"])
    assert mercury.read_energy(0, array=6) == _hex(VECTORS["m230-05"]["request_hex"])
    assert mercury.read_param(0, 0x11) == _hex(VECTORS["m230-06"]["request_hex"])
    assert mercury.status_of(mercury.open_frame(_hex(VECTORS["m230-01"]["response_hex"]))) == 0


@pytest.mark.parametrize("vector, expected", [
    ("m230-03", [3196200, None, 300444, None]), ("m230-04", [3196201, None, 300445, None]),
    ("m230-05", [3196201, 3145769, 300445]),
])
def test_energy_answers_decode_to_their_values(vector, expected):
    assert mercury.energies(mercury.open_frame(_hex(VECTORS[vector]["response_hex"]))) == expected


def test_instantaneous_values_decode_as_the_vectors_say():
    def value(vector: str, decode) -> int:
        return decode(mercury.open_frame(_hex(VECTORS[vector]["response_hex"]))[1:])

    assert [value(v, mercury.param_unsigned) for v in ("m230-06", "m230-07", "m230-08")] == [24128, 24043, 50405]
    assert [value(v, mercury.param_unsigned) for v in ("m230-09", "m230-10", "m230-11", "m230-12")] == [69, 96, 102,
                                                                                                      144]
    assert [value(v, mercury.param_word) for v in ("m230-13", "m230-14", "m230-15")] == [36865, 65025, 34828]
    assert value("m230-16", lambda d: mercury.param_word(d, big_endian=True)) == 24
    assert [value(v, mercury.param_signed) for v in ("m230-17", "m230-18", "m230-19", "m230-20", "m230-21")] == \
        [553095, -553095, -554631, -572295, -561287]
    assert value("m230-25", lambda d: mercury.param_signed(d, reactive=True)) < 0
    assert value("m230-27", lambda d: mercury.param_signed(d, reactive=True)) > 0  # bit 7 set, bit 6 clear
    assert [mercury.status_of(mercury.open_frame(_hex(VECTORS[v]["response_hex"]))) for v in ("m230-29", "m230-30")] \
        == [5, 2]


def test_mercury_200_requests_and_bcd_answers():
    address = 0xFE123456
    assert [mercury.m200_request(address, c) for c in (0x27, 0x63, 0x29)] == \
        [_hex(VECTORS[v]["request_hex"]) for v in ("m200-01", "m200-02", "m200-03")]
    assert mercury.m200_energy(_hex(VECTORS["m200-01"]["response_hex"])[:-2]) == \
        [Decimal("621.42"), Decimal("208.34"), Decimal("111.11"), Decimal("222.22")]
    assert mercury.m200_params(_hex(VECTORS["m200-02"]["response_hex"])[:-2]) == \
        (Decimal("123.4"), Decimal("56.78"), 765432)
    assert mercury.m200_battery(_hex(VECTORS["m200-03"]["response_hex"])[:-2]) == Decimal("3.91")


def test_the_simulator_answers_the_vectors_requests_byte_for_byte():
    params = {int(VECTORS[v]["request_hex"].split()[3], 16): _hex(VECTORS[v]["response_hex"])[1:-2]
              for v in VECTORS if v.startswith("m230") and VECTORS[v]["request_hex"].startswith("00 08 11")
              and len(_hex(VECTORS[v]["response_hex"])) > 4}
    model = Mercury230Model(address=0x30, passwords={1: bytes([1] * 6), 2: bytes(range(0x12, 0x18))},
                            energy={(0, 0): (3196200, None, 300444, None), (6, 0): (3196201, 3145769, 300445)},
                            params=params)
    assert model.feed(_hex(VECTORS["m230-29"]["request_hex"])) == _hex(VECTORS["m230-29"]["response_hex"])
    for vector in ("m230-01", "m230-02", "m230-03", "m230-05", "m230-06", "m230-13", "m230-16", "m230-17"):
        assert model.feed(_hex(VECTORS[vector]["request_hex"])) == _hex(VECTORS[vector]["response_hex"]), vector


# --- the reading driver over every host, with faults --------------------------------------------------------------
@pytest.fixture(params=HOSTS)
def meter(request):
    model = Mercury230Model()
    with behind(request.param, model) as url:
        yield model, url


def test_a_reading_gives_the_serial_and_energy_by_tariff_in_kwh(meter):
    model, url = meter
    reading = Mercury230(url, address=0x30).read()
    assert (reading.serial, reading.extra["made"]) == ("40680048", "22.01.20")
    assert reading.value("1.8.0") == Decimal("4512.345") and reading.value("1.8.1") == Decimal("3001.1")
    assert reading.value("1.8.2") == Decimal("1511.245") and reading.value("3.8.0") == Decimal("1.2")
    assert reading.value("2.8.0") is None  # A− not measured (FF FF FF FF)
    labels = {v.code: v.label for v in reading.values}
    assert labels["1.8.1"] == "активная энергия, прямое направление (A+), тариф 1"
    assert model.received[:3] == [bytes.fromhex("30 01 01 01 01 01 01 01 01 23 80"), bytes.fromhex("30 08 00 76 0f"),
                                  bytes.fromhex("30 05 00 00 1f 25")]  # DRIVERS.md §3.3's transcript
    assert model.level == 0  # the channel closed


@pytest.mark.parametrize("fault, value", [("garbage", b"\x13\x00\xff"), ("flip_crc", 0), ("late", 0)])
def test_noise_before_an_answer_is_skipped(meter, fault, value):
    model, url = meter
    if fault == "garbage":
        model.garbage = value
        assert Mercury230(url, address=0x30).read().value("1.8.0") == Decimal("4512.345")
    elif fault == "flip_crc":
        model.flip_crc = 1
        with pytest.raises(FrameError, match="повреждённый ответ"):
            Mercury230(url, address=0x30, timeout=0.1).read()
    else:  # a slow meter: its answer comes after the host gave up, and must not pass for the next one's
        model.late = 1
        with pytest.raises(DeviceTimeout):
            Mercury230(url, address=0x30, timeout=0.1).read()
        reading = Mercury230(url, address=0x30).read()
        assert reading.value("1.8.0") == Decimal("4512.345") and reading.serial == "40680048"


def test_a_silent_meter_times_out_and_a_dropped_line_is_a_disconnect(meter):
    model, url = meter
    model.silent = True
    with pytest.raises(DeviceTimeout, match="не ответил"):
        Mercury230(url, address=0x30, timeout=0.1).read()
    model.silent, model.hangup_after = False, 2
    with pytest.raises(DeviceDisconnected, match="прервана"):
        Mercury230(url, address=0x30, timeout=0.3).read()


def test_a_wrong_password_and_a_closed_channel(meter):
    model, url = meter
    with pytest.raises(DeviceRejected, match="неверный пароль уровня 1"):
        Mercury230(url, address=0x30, password="123456").read()
    reader = Mercury230(url, address=0x30)
    reader._session()
    model.level = 0  # the meter closed the channel by itself (an idle timeout): opened again, the read repeated
    body = reader._call(mercury.read_energy(0x30), 19)
    assert mercury.energies(body)[0] == 4512345
    reader.close()


def test_bcenter_meters_read_works_on_a_fresh_install_with_the_simulator(tmp_path, monkeypatch, capsys):
    """No database, no init: a reader checks a meter on a new tablet — readings labelled in Russian."""
    from bcenter.cli import main

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("BCENTER_DB", f"sqlite:///{tmp_path / 'none.db'}")
    assert main(["meters", "read", "--port", "sim://mercury230", "--protocol", "mercury230"]) == 0
    out = capsys.readouterr().out
    assert "Счётчик (Меркурий 230/231/234/236) № 40680048" in out
    assert "1.8.1   активная энергия, прямое направление (A+), тариф 1: 3\u00a0001,1 кВт·ч" in out
    assert not (tmp_path / "none.db").exists()
    assert main(["meters", "read", "--port", "sim://mercury230", "--protocol", "mercury230", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["serial"] == "40680048" and {"code": "1.8.0", "label": "активная энергия, прямое направление (A+), "
                                              "сумма тарифов", "value": "4512.345", "unit": "кВт·ч"} in found["values"]
    assert main(["meters", "read", "--port", "sim://nothing", "--protocol", "mercury230"]) == 1
    assert "нет имитатора устройства «nothing»" in capsys.readouterr().err
