"""The Штрих-М register driver against the byte-level simulator, over every host — ``sim://`` (in process), a pty
and ``socket://`` — with the fault matrix of DRIVERS.md §5: a whole shift; frames exactly as two public drivers send
them; NAK storms, spoiled answers, lost answers, line noise, silence, a hang-up mid-frame; and the register's own
refusals (shift over 24 hours, no paper, underpayment, wrong password) as Russian messages, the receipt annulled."""
from __future__ import annotations

import itertools
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from drivers import sim
from drivers.codecs import shtrih
from drivers.errors import DeviceDisconnected, DeviceRejected, DeviceTimeout, FrameError
from drivers.fiscal.base import TAX_PSN, TAX_USN_INCOME, Item, Payment, Supplier
from drivers.fiscal.shtrih.driver import ShtrihRegister
from drivers.sim.hosts import PtyHost, SocketHost
from drivers.sim.shtrih_kkt import ShtrihModel

VECTORS = {v["id"]: v for v in json.loads(
    (Path(__file__).parent / "vectors" / "shtrih_re-star-ru_shtrih-m-driver.json").read_text(encoding="utf-8"))["vectors"]}
HOSTS = ["sim", "pty", "socket"] if sys.platform != "win32" else ["sim", "socket"]
_names = itertools.count()


class Recording:
    """The model, with every byte the host wrote."""

    def __init__(self, model: ShtrihModel) -> None:
        self.model, self.written = model, bytearray()

    def feed(self, data: bytes) -> bytes:
        self.written += data
        return self.model.feed(data)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 9, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=HOSTS)
def kkt(request):
    """(register, model, recording): a fresh simulated register behind the host."""
    clock = Clock()
    model = ShtrihModel(now=clock)
    model.clock = clock
    recording = Recording(model)
    hosts = []

    def connect() -> ShtrihRegister:
        if request.param == "sim":
            url = sim.register(f"kkt{next(_names)}", recording)
        else:
            host = (PtyHost if request.param == "pty" else SocketHost)(recording)
            hosts.append(host)
            url = host.url
        return ShtrihRegister(url, timeout=0.2, command_timeout=0.5)

    register = connect()
    register.connect = connect
    yield register, model, recording
    register.close()
    for host in hosts:
        host.close()


UK = Item("Содержание жилого помещения", 148767)
WATER = Item("Холодное водоснабжение", 44826, supplier=Supplier("МУП «Водоканал» г. Заречный", "6683004175",
                                                              "+73437732210"))


def _tags(data: bytes) -> dict[int, bytes]:
    out, i = {}, 0
    while i < len(data):
        tag, length = shtrih.number(data[i:i + 2]), shtrih.number(data[i + 2:i + 4])
        out[tag] = data[i + 4:i + 4 + length]
        i += 4 + length
    return out


def test_a_whole_shift(kkt):
    register, model, _ = kkt
    assert not register.status().shift_open
    register.open_shift("Иванова М. П.", "668301234567")
    assert register.status().shift_open
    result = register.sell([UK, WATER], Payment(cash=200000), tax_system=TAX_USN_INCOME, account="1000010015",
                           contact="+79120000000")
    receipt = model.documents[-1]
    assert (result.document, result.sign, result.change) == (receipt.number, receipt.sign, 200000 - 193593)
    own, agent = receipt.items
    assert own.tags == [] and own.name == UK.name and own.amount == 148767  # the company's own service: no agent tag
    tags = _tags(agent.tags[0])
    assert tags[1222] == bytes((0x04,)) and tags[1226] == b"6683004175  "
    assert _tags(tags[1224]) == {1225: "МУП \"Водоканал\" г. Заречный".encode("cp866"),
                                 1171: b"+73437732210"}
    receipt_tags = {k: v for t in receipt.tags for k, v in _tags(t).items()}
    assert _tags(receipt_tags[1084])[1086] == b"1000010015" and receipt_tags[1008] == b"+79120000000"
    assert model.cash == 193593
    register.x_report()
    register.close_shift()
    assert not register.status().shift_open
    assert [d.kind for d in model.documents] == [2, 3, 5]
    assert _tags(model.documents[0].tags[0])[1021] == "Иванова М. П.".encode("cp866")
    status = register.fn_status()
    assert status.last_document == model.documents[-1].number and status.fn_serial == model.fn_serial
    found = register.find_document(result.document)
    assert (found.kind, found.operation, found.total, found.sign) == (3, 1, 193593, result.sign)
    assert register.find_document(99999) is None


def test_the_frames_are_those_of_a_public_driver(kkt):
    register, model, recording = kkt
    register.status()
    assert bytes(recording.written).startswith(b"\x05" + bytes.fromhex(VECTORS["shB-01"]["frame_hex"]))
    recording.written.clear()
    register.fn_status()
    assert bytes.fromhex(VECTORS["shB-06"]["frame_hex"]) in bytes(recording.written)
    register.open_shift("Кассир")
    recording.written.clear()
    register.sell([Item("Пени", 1)], Payment(cash=1), tax_system=TAX_PSN)  # one kopeck in cash, ПСН
    assert bytes.fromhex(VECTORS["shB-07"]["expected_frame_hex_derived"]) in bytes(recording.written)


@pytest.mark.parametrize("fault", ["nak_frames", "corrupt_answers", "lose_answers", "garbage", "lose_acks",
                                   "noise_before_ack"])
@pytest.mark.parametrize("command", [0xFF46, 0xFF45])
def test_the_link_gets_through_line_faults_and_sells_once(kkt, fault, command):
    """Each fault strikes the item's command or the receipt's close: every command is carried out exactly once —
    a lost or spoiled ACK is asked about with ENQ, never answered by sending the command again."""
    register, model, _ = kkt
    register.open_shift("Кассир")
    value = {"garbage": b"\x00\xff\x13noise", "noise_before_ack": b"\x13\x7f", "nak_frames": 2}.get(fault, 1)
    original = model._execute

    def strike(message: bytes) -> bytes:
        if int.from_bytes(message[:2], "big") == command:
            setattr(model, fault, value)
            model._execute = original
        return original(message)
    model._execute = strike
    if fault in ("nak_frames",):  # a NAK strikes the frame before it is carried out: arm it before sending
        model._execute = original
        setattr(model, fault, value)
    result = register.sell([UK], Payment(cash=148767), tax_system=TAX_USN_INCOME)
    receipts = [d for d in model.documents if d.kind == 3]
    assert len(receipts) == 1 and receipts[0].number == result.document and receipts[0].total == 148767
    assert [m[:2] for m in model.received].count(b"\xff\x46") == 1
    assert [m[:2] for m in model.received].count(b"\xff\x45") == 1
    assert result.change == 0 and len(receipts[0].items) == 1


def test_a_nak_storm_is_an_error_and_sells_nothing(kkt):
    register, model, _ = kkt
    register.open_shift("Кассир")
    model.nak_frames = 100
    with pytest.raises(FrameError, match="не приняла команду"):
        register.sell([UK], Payment(cash=148767), tax_system=TAX_USN_INCOME)
    model.nak_frames = 0
    assert [d.kind for d in model.documents] == [2]


def test_a_silent_register_times_out(kkt):
    register, model, _ = kkt
    model.silent = True
    with pytest.raises(DeviceTimeout, match="не отвечает"):
        register.status()


def test_a_line_dropped_mid_frame_is_a_disconnect(kkt):
    register, model, _ = kkt
    model.hangup_after = 4  # ACK and half of the answer
    with pytest.raises(DeviceDisconnected, match="Связь с ККТ .* прервана"):
        register.status()
    assert register.link.port is None  # reopened on the next call


def test_an_answer_the_host_never_took_is_set_aside_by_the_next_session(kkt):
    """The cash process dies after the register answered and before its ACK: the next session's first ENQ finds the
    stale answer, reads it and sets it aside; the sale is found in the ФН, not made again."""
    register, model, _ = kkt
    register.open_shift("Кассир")
    model.lose_answers = 1
    model.silent = False
    link = register.link
    frame = shtrih.frame(shtrih.message(0xFF46, 30, b""))  # (any command: its answer is lost)
    link._ready()
    link._write(frame)
    assert link._byte(0.2) == shtrih.ACK  # taken; the answer is never read: the process «dies» here
    register.close()
    again = register.connect()
    try:
        assert again.status().shift_open
        assert len(again.link.stale) == 1 and shtrih.answer(again.link.stale[0])[0] == 0xFF46
    finally:
        again.close()


@pytest.mark.parametrize("setup, code, message", [
    (lambda m, c: setattr(c, "now", c.now + timedelta(hours=25)), 0x4E, "больше 24 часов"),
    (lambda m, c: setattr(m, "paper", False), 0x6B, "нет чековой ленты"),
])
def test_the_registers_refusals_say_what_to_do_and_leave_no_receipt_open(kkt, setup, code, message):
    register, model, _ = kkt
    register.open_shift("Кассир")
    setup(model, model.clock)
    with pytest.raises(DeviceRejected, match=message) as caught:
        register.sell([UK], Payment(cash=148767), tax_system=TAX_USN_INCOME)
    assert caught.value.code == code and model.receipt is None
    assert [d.kind for d in model.documents] == [2]


def test_an_underpaid_receipt_is_refused_and_annulled(kkt):
    register, model, _ = kkt
    register.open_shift("Кассир")
    with pytest.raises(DeviceRejected, match="меньше суммы чека"):
        register.sell([UK, WATER], Payment(cash=100), tax_system=TAX_USN_INCOME)
    assert model.receipt is None and not register.status().receipt_open
    assert register.sell([UK], Payment(card=148767), tax_system=TAX_USN_INCOME).change == 0


def test_a_wrong_password_and_a_closed_shift(kkt):
    register, model, _ = kkt
    with pytest.raises(DeviceRejected, match="смену"):
        register.sell([UK], Payment(cash=148767), tax_system=TAX_USN_INCOME)
    register.admin_password = 7
    with pytest.raises(DeviceRejected, match="пароль"):
        register.x_report()


def test_on_ffd_1_2_the_account_number_goes_in_1192(kkt):
    register, model, _ = kkt
    register.ffd = 120
    register.open_shift("Кассир")
    register.sell([UK], Payment(cash=148767), tax_system=TAX_USN_INCOME, account="1000010015")
    tags = {k: v for t in model.documents[-1].tags for k, v in _tags(t).items()}
    assert tags == {1192: "л/с 1000010015".encode("cp866")}
    with pytest.raises(ValueError, match="ФФД"):
        ShtrihRegister("sim://x", ffd=200)


@pytest.mark.parametrize("command", [0xFF46, 0xFF45])
def test_a_stray_stx_before_the_answer_is_noise_not_a_lost_sale(kkt, command):
    """Line noise that happens to be an STX (and a length longer than what follows) before the answer: the host
    waits for a frame that never completes. The register still holds its answer — a NAK gets it again; the cashier
    sees a receipt sold once, not «ККТ оборвала ответ» with the sale left to a reconciliation."""
    register, model, _ = kkt
    register.open_shift("Кассир")
    original = model._execute

    def strike(message: bytes) -> bytes:
        if int.from_bytes(message[:2], "big") == command:
            model.garbage = b"\x02\x60"
            model._execute = original
        return original(message)
    model._execute = strike
    result = register.sell([UK], Payment(cash=148767), tax_system=TAX_USN_INCOME)
    receipts = [d for d in model.documents if d.kind == 3]
    assert len(receipts) == 1 and receipts[0].number == result.document
    assert [m[:2] for m in model.received].count(command.to_bytes(2, "big")) == 1
