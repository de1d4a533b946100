"""The ESC/POS receipt printer through python-escpos, read back by the simulator's strict tokenizer over every host:
the Russian text as printed (CP866 forced, «» ₽ — normalised), the code page set again after every init and after
an image (python-escpos 3.1 forgets), the QR payload native or as an image that a reader decodes, no paper → a
Russian message and nothing printed."""
from __future__ import annotations

import itertools

import pytest

from drivers import sim
from drivers.errors import DeviceRejected, FrameError
from drivers.printer.base import Line, ReceiptDoc, columns
from drivers.printer.escpos_backend import EscposPrinter
from drivers.sim.escpos_printer import EscposModel, decode
from drivers.sim.hosts import SocketHost
from tests.drivers.hosting import HOSTS, behind

_names = itertools.count()
PAYLOAD = "ST00012|Name=ООО «УК «Заречье»»|PersonalAcc=40702810516540012874|Sum=155569|PersAcc=1000010015"
DOC = ReceiptDoc((
    Line("КВИТАНЦИЯ № 17-000123", bold=True, align="center", big=True),
    Line("ООО «УК «Заречье»», ИНН 6683015829"),
    Line(columns("Содержание жилого помещения — сентябрь", "1 487,67 ₽", 42)),
    Line(columns("Итого", "1 555,69 ₽", 42), bold=True),
), qr=PAYLOAD)
EXPECTED = ["КВИТАНЦИЯ № 17-000123", 'ООО "УК "Заречье"", ИНН 6683015829',
            "Содержание жилого помещения - сентябрь",  # wrapped: the amount goes on a line of its own
            " " * 29 + "1 487,67 руб.", "Итого" + " " * 24 + "1 555,69 руб."]


@pytest.fixture(params=HOSTS)
def printer(request):
    model = EscposModel()
    with behind(request.param, model) as url:
        yield model, url


def test_a_receipt_reads_back_as_its_russian_text_and_its_qr(printer):
    model, url = printer
    EscposPrinter(url).print(DOC)
    assert [line.rstrip() for line in model.lines()] == [line.rstrip() for line in EXPECTED]
    assert model.qr_payloads() == [PAYLOAD.encode("utf-8")] and model.cuts() == 1
    assert all(len(line) <= 42 for line in model.lines()[1:])


def test_the_code_page_is_set_again_after_every_init(printer):
    model, url = printer
    p = EscposPrinter(url)
    p.print(DOC)
    p.print(ReceiptDoc((Line("Ёлка № 5, щётка"),)))
    kinds = [(t.kind, t.value) for t in model.tokens if t.kind in ("init", "codepage")]
    assert kinds == [("init", None), ("codepage", 17)] * 2
    assert model.lines()[-1] == "Ёлка № 5, щётка"


def test_a_printer_without_native_qr_gets_an_image_that_decodes_and_text_after_it_stays_russian(printer):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    model, url = printer
    p = EscposPrinter(url, native_qr=False)
    p.print(DOC)
    p.print(ReceiptDoc((Line("Спасибо!"),), cut=False))
    (width, height, bits), = [t.value for t in model.tokens if t.kind == "raster"]
    image = Image.frombytes("1", (width, height), bits).convert("L").point(lambda v: 255 - v)
    image = image.resize((width * 3, height * 3), Image.NEAREST)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in found] == [PAYLOAD]
    assert model.lines()[-1] == "Спасибо!"
    tokens = model.tokens
    raster = next(i for i, t in enumerate(tokens) if t.kind == "raster")
    assert any(t.kind == "codepage" and t.value == 17 for t in tokens[raster:])


def test_no_paper_is_said_in_russian_and_nothing_is_printed(printer):
    model, url = printer
    model.paper = False
    with pytest.raises(DeviceRejected, match="закончилась бумага"):
        EscposPrinter(url).print(DOC)
    assert model.lines() == [] and [t.kind for t in model.tokens] == ["status"]


def test_paper_that_runs_out_during_a_receipt_is_reported(printer):
    model, url = printer
    model.run_out_after = 40
    with pytest.raises(DeviceRejected, match="во время печати"):
        EscposPrinter(url).print(DOC)


@pytest.mark.parametrize("data, why", [
    (b"\x1b\x40\x1b\x99", "неизвестная команда ESC"), (b"\x1d\x28\x6b\x10\x00\x31", "обрывается"),
    (b"\x1b\x74\x63", "кодовая страница 99"), (b"abc\x07", "управляющий байт"),
])
def test_the_tokenizer_is_strict(data, why):
    with pytest.raises(FrameError, match=why):
        decode(data)


class _Unplugged(EscposModel):
    """A printer whose cable is pulled once the job starts arriving."""

    def feed(self, data: bytes) -> bytes:
        if b"\x1b\x40" in data:
            raise sim.Hangup()
        return super().feed(data)


def test_a_printer_unplugged_or_gone_is_a_disconnect_in_russian(tmp_path):
    from drivers.errors import DeviceDisconnected

    url = sim.register(f"printer{next(_names)}", _Unplugged())
    with pytest.raises(DeviceDisconnected, match="Связь с принтером чеков .* прервана"):
        EscposPrinter(url).print(DOC)
    with SocketHost(EscposModel()) as host:
        gone = host.url
    with pytest.raises(DeviceDisconnected, match="Не удалось открыть порт устройства"):
        EscposPrinter(gone).print(DOC)


def test_a_printer_that_cannot_answer_still_prints(printer):
    """A port that cannot read (a plain file, a printer without status): the paper is unknown, the job is sent."""
    model, url = printer

    class Mute(EscposModel):
        def feed(self, data: bytes) -> bytes:
            super().feed(data)
            return b""
    mute = Mute()
    name = f"printer{next(_names)}"
    p = EscposPrinter(sim.register(name, mute), timeout=0.05)
    assert p.paper() is None
    p.print(DOC)
    assert mute.lines()[0] == "КВИТАНЦИЯ № 17-000123"
