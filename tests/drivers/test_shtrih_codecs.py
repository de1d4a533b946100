"""The Штрих-М codecs against the frames of two public drivers (``tests/drivers/vectors``, copied from
``../shared/vectors``): the same inputs give exactly their bytes; broken frames are refused naming what is wrong;
numbers and frames round-trip."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.codecs import shtrih
from drivers.errors import FrameError

VECTORS = Path(__file__).parent / "vectors"


def _vectors(name: str) -> dict[str, dict]:
    return {v["id"]: v for v in json.loads((VECTORS / name).read_text(encoding="utf-8"))["vectors"]}


RESTAR = _vectors("shtrih_re-star-ru_shtrih-m-driver.json")
AFILIPPOV = _vectors("shtrih_afilippov1985_kkt-shtrih.json")
REQUESTS = {  # vector → (command, password)
    "shB-01": (0x10, 30), "shB-02": (0x0A, 30), "shB-03": (0xFF02, 2), "shB-04": (0xFF01, 2), "shB-05": (0x10, 2),
    "shB-06": (0xFF01, 30),
}


@pytest.mark.parametrize("vector", sorted(REQUESTS))
def test_request_frames_are_those_of_the_reference_driver(vector):
    code, password = REQUESTS[vector]
    expected = bytes.fromhex(RESTAR[vector]["frame_hex"])
    assert shtrih.frame(shtrih.message(code, password)) == expected
    assert shtrih.unframe(expected) == shtrih.message(code, password)


def test_the_close_receipt_message_and_frame():
    """FF45: 16 payment sums (cash 1 kopeck), rounding, 6 tax sums, the tax system (ПСН, bit 0x20), 64 bytes of
    text."""
    v = RESTAR["shB-07"]
    data = (shtrih.money(1) + b"".join(shtrih.money(0) for _ in range(15)) + bytes((0,))
            + b"".join(shtrih.money(0) for _ in range(6)) + bytes((0x20,)) + shtrih.text("", 64))
    message = shtrih.message(0xFF45, 30, data)
    assert message == bytes.fromhex(v["expected_message_hex"]) and len(message) == v["expected_len"]
    assert shtrih.frame(message) == bytes.fromhex(v["expected_frame_hex_derived"])


def test_the_supplier_stlv_and_quantities():
    v = AFILIPPOV["shC-01"]
    assert shtrih.stlv(1224, [shtrih.tlv_text(1171, "+79123456789"), shtrih.tlv_uint(1225, 128)]) == \
        bytes.fromhex(v["expected_hex"])
    assert shtrih.quantity(1_000_000) == bytes.fromhex(AFILIPPOV["shC-02"]["expected_hex"])
    assert shtrih.quantity(281474976710655) == bytes.fromhex(AFILIPPOV["shC-03"]["expected_hex"])
    with pytest.raises(ValueError, match="не помещается в 6 байт"):
        shtrih.quantity(281474976710656)
    with pytest.raises(ValueError, match="не помещается в 5 байт"):
        shtrih.money(-1)


def test_the_answers_of_a_register_read_back():
    for reply in AFILIPPOV["shC-05"]["replies"]:
        frame = bytes.fromhex(reply["reply_frame_hex_derived"])
        code, error, data = shtrih.answer(shtrih.unframe(frame))
        assert f"{code:02X}" == reply["command"] and error == 0
        assert shtrih.frame(bytes.fromhex(reply["reply_payload_hex"])) == frame
    *_, data = shtrih.answer(shtrih.unframe(bytes.fromhex(
        next(r for r in AFILIPPOV["shC-05"]["replies"] if r["command"] == "FF45")["reply_frame_hex_derived"])))
    assert shtrih.number(data[:5]) == 0 and shtrih.number(data[5:9]) == 221363  # change; ФД number


@pytest.mark.parametrize("frame, why", [
    (b"", "STX"), (bytes.fromhex("03 05 10 1e 00 00 00 0b"), "STX"),
    (bytes.fromhex("02 05 10 1e 00 00 00"), "длина 5, а байт 4"),
    (bytes.fromhex("02 05 10 1e 00 00 00 0c"), "контрольная сумма 0c, ожидалась 0b"),
    (bytes.fromhex("02 00 00"), "длина 0"),
])
def test_a_broken_frame_is_refused_naming_what_is_wrong(frame, why):
    with pytest.raises(FrameError, match=why):
        shtrih.unframe(frame)


@given(st.binary(min_size=1, max_size=255))
def test_any_message_round_trips_through_its_frame(message):
    assert shtrih.unframe(shtrih.frame(message)) == message


@given(st.integers(0, 2 ** 40 - 1))
def test_money_round_trips(kopecks):
    assert shtrih.number(shtrih.money(kopecks)) == kopecks


def test_a_message_too_long_for_one_frame_is_refused():
    with pytest.raises(FrameError, match="от 1 до 255"):
        shtrih.frame(bytes(256))
