"""The payment QR payload (ГОСТ Р 56042-2014): golden case G15 of DOMAIN.md §11, round trips, the tolerant parser
and every kind of bad input (a clear message naming the field, nothing produced)."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcenter.core.errors import InvalidValue, ValidationFailed
from bcenter.modules.bills import qr

G15_FIELDS = {
    "Name": 'ООО "УК Рассвет"', "PersonalAcc": "40702810900000012345", "BankName": "ПАО СБЕРБАНК",
    "BIC": "044525225", "CorrespAcc": "30101810400000000225", "PayeeINN": "7701234567", "KPP": "770101001",
    "Sum": 654365, "Purpose": "Оплата ЖКУ за 01.2025, л/с 1002003004", "PersAcc": "1002003004",
    "PaymPeriod": "012025", "LastName": "Иванов", "FirstName": "Иван", "MiddleName": "Иванович",
    "PayerAddress": "г. Москва, ул. Лесная, д. 5, кв. 12", "Category": "ЖКУ", "TechCode": "02",
}
G15 = ('ST00012|Name=ООО "УК Рассвет"|PersonalAcc=40702810900000012345|BankName=ПАО СБЕРБАНК|BIC=044525225|'
       'CorrespAcc=30101810400000000225|PayeeINN=7701234567|KPP=770101001|Sum=654365|'
       'Purpose=Оплата ЖКУ за 01.2025, л/с 1002003004|PersAcc=1002003004|PaymPeriod=012025|LastName=Иванов|'
       'FirstName=Иван|MiddleName=Иванович|PayerAddress=г. Москва, ул. Лесная, д. 5, кв. 12|Category=ЖКУ|TechCode=02')


def test_g15_exact_string_length_and_hash():
    shuffled = dict(reversed(list(G15_FIELDS.items())))  # the caller's order does not matter
    text = qr.payload(shuffled)
    assert text == G15
    data = qr.encode(text)
    assert (len(text), len(data)) == (383, 458)
    assert hashlib.sha256(data).hexdigest() == "75399b99d7005e3e2ec3c789ad50ba2917f15a8aff04a43b851a517c74bce1c7"
    assert data[:8] == bytes.fromhex("535430303031327c")
    assert not text.endswith("|")


def test_g15_in_cp1251():
    text = qr.payload(G15_FIELDS, charset="cp1251")
    assert text.startswith("ST00011|") and text[8:] == G15[8:]
    assert len(qr.encode(text)) == 383
    assert qr.parse(qr.encode(text)) == qr.parse(G15)


def test_parser_reads_lower_case_keys_cp1251_and_a_trailing_separator():
    foreign = ("ST00011|name=ООО Водоканал|personalacc=40702810900000012345|bankname=ПАО СБЕРБАНК|bic=044525225|"
               "correspacc=0|persAcc=210042076|SUM=299441|paymPeriod=0521|TechCode=02|MyKey=своё|")
    fields = qr.parse(foreign.encode("cp1251"))
    assert fields["PersAcc"] == "210042076" and fields["Sum"] == "299441" and fields["PaymPeriod"] == "0521"
    assert fields["Name"] == "ООО Водоканал" and fields["MyKey"] == "своё"
    assert qr.parse(foreign) == fields  # text already decoded by the scanner
    assert qr.parse("ST00012;Name=A;PersAcc=1;;")["PersAcc"] == "1"  # another separator, empty fields


# --- what a keyboard-wedge scanner types (issue 14) --------------------------------------------------------------
def _typed(data: bytes, suffix: str = "\r\n") -> str:
    """A scanner that types the code's bytes one by one: each byte as the character of that number (Latin-1), then
    its Enter."""
    return data.decode("latin-1") + suffix


@pytest.mark.parametrize("charset", ["utf-8", "cp1251", "koi8-r"])
def test_a_code_typed_byte_by_byte_by_a_scanner_is_read_back(charset):
    text = qr.payload(G15_FIELDS, charset=charset)
    expected = qr.parse(text)
    typed = _typed(qr.encode(text))
    assert typed.rstrip() != text  # garbled as typed: «ÐÐÐ "Ð£Ð Ð Ð°Ñ…» for UTF-8
    assert qr.parse(typed) == expected
    assert qr.parse("\ufeff" + typed) == expected  # a byte-order mark the scanner passed on
    assert qr.parse(typed.rstrip("\r\n") + "\r") == qr.parse(typed.rstrip() + "\n") == expected
    if charset == "utf-8":
        assert qr.parse(_typed(b"\xef\xbb\xbf" + qr.encode(text))) == expected  # a UTF-8 BOM, typed too
        assert qr.parse(b"\xef\xbb\xbf" + qr.encode(text) + b"\r\n") == expected


def test_utf8_under_a_cp1251_header_is_read_as_utf8_and_cp1251_stays_cp1251():
    """Issuers that write UTF-8 bytes under «ST00011»: valid multi-byte UTF-8 is preferred (Cyrillic in cp1251 is
    almost never valid UTF-8 — «ООО» is CE CE CE)."""
    wrong = ("ST00011|" + qr.payload(G15_FIELDS)[8:]).encode("utf-8")
    assert qr.parse(wrong) == qr.parse(G15)
    assert qr.parse(_typed(wrong)) == qr.parse(G15)
    right = qr.encode(qr.payload(G15_FIELDS, charset="cp1251"))
    assert qr.parse(right) == qr.parse(_typed(right)) == qr.parse(G15)


def test_keys_and_values_are_trimmed():
    fields = qr.parse("ST00012| Name = ООО «Вода» |PersAcc= 1000010015 |Sum=  12345\t|\r\n")
    assert fields == {"Name": "ООО «Вода»", "PersAcc": "1000010015", "Sum": "12345"}


@pytest.mark.parametrize("data", ["ST00012", "ST00012|", "ST00012||", "ST00012|\r\n", "\ufeffST00012|\r\n",
                                  b"ST00012", b"ST00011|\r\n", _typed(b"ST00011|"), _typed(b"ST00011| |\xa0")])
def test_a_header_with_no_fields_is_refused_in_every_path(data):
    with pytest.raises(InvalidValue, match="нет реквизитов|без «=»"):
        qr.parse(data)


@settings(max_examples=200)
@given(
    name=st.text(st.characters(codec="cp1251", exclude_characters="|", min_codepoint=32), min_size=1, max_size=160)
    .map(str.strip).filter(bool),
    account=st.from_regex(r"[0-9]{1,20}", fullmatch=True),
    amount=st.integers(0, 10**17),
    address=st.text(st.characters(codec="cp1251", exclude_characters="|", min_codepoint=32), max_size=300)
    .map(str.strip),
    charset=st.sampled_from(["utf-8", "cp1251", "koi8-r"]),
)
def test_generator_then_parser_gives_the_same_fields(name, account, amount, address, charset):
    fields = {"Name": name, "PersonalAcc": "40702810900000012345", "BankName": "ПАО СБЕРБАНК", "BIC": "044525225",
              "CorrespAcc": "30101810400000000225", "Sum": amount, "PersAcc": account, "PayerAddress": address}
    try:
        text = qr.payload(fields, charset=charset)
    except ValidationFailed as exc:  # only a character koi8-r lacks may stop it
        assert charset == "koi8-r" and all("кодировке" in p.reason for p in exc.problems)
        return
    expected = {k: str(v) for k, v in fields.items() if v != ""}
    assert qr.parse(qr.encode(text)) == expected
    assert qr.parse(text.lower().replace("st0001", "ST0001")).keys() == expected.keys()


@pytest.mark.parametrize("change, where, why", [
    ({"PersonalAcc": None}, "QR PersonalAcc (расчётный счёт)", "обязательный реквизит не указан"),
    ({"BIC": "04452522"}, "QR BIC (БИК)", "длина 8, ожидается 9"),
    ({"PayeeINN": "77012345678"}, "QR PayeeINN (ИНН получателя)", "длина 11, ожидается 10 или 12"),
    ({"Name": "ООО «Свет|Тепло»"}, "QR Name (наименование получателя)", "разделитель"),
    ({"Purpose": "Оплата\nЖКУ"}, "QR Purpose (назначение платежа)", "перевод строки"),
    ({"Sum": "6543.65"}, "QR Sum (сумма (копейки))", "только цифры"),
    ({"PersonalAcc": "4070281090000001234X"}, "QR PersonalAcc (расчётный счёт)", "только цифры"),
    ({"BIC": "٠٤٤٥٢٥٢٢٥"}, "QR BIC (БИК)", "только цифры"),  # Arabic-Indic digits are not digits here
    ({"BankName": "Б" * 46}, "QR BankName (банк)", "длина 46 больше допустимой 45"),
    ({"Nmae": "опечатка"}, "QR Nmae", "неизвестный реквизит"),
])
def test_bad_details_name_the_supplier_and_the_field(change, where, why):
    fields = {**G15_FIELDS, **change}
    with pytest.raises(ValidationFailed) as caught:
        qr.payload(fields, whose="поставщик ООО \"УК Рассвет\"")
    problem, = caught.value.problems
    assert problem.path == f'поставщик ООО "УК Рассвет": {where}' and why in problem.reason
    assert where in str(caught.value) and "Реквизиты QR-кода платежа неверны" in str(caught.value)


def test_every_problem_at_once_and_unknown_charset():
    with pytest.raises(ValidationFailed) as caught:
        qr.payload({"Name": "A|B", "BIC": "1"})
    assert len(caught.value.problems) == 5  # Name's separator, BIC's length, three required fields missing
    with pytest.raises(InvalidValue):
        qr.payload(G15_FIELDS, charset="latin-1")
    with pytest.raises(ValidationFailed, match="кодировке cp1251"):
        qr.payload({**G15_FIELDS, "Purpose": "Оплата ЖКУ ✓"}, charset="cp1251")


def test_a_required_block_over_300_bytes_in_utf8_is_coded_in_cp1251_and_over_300_there_refused():
    """ГОСТ Р 56042: the header and the required fields take at most 300 bytes in the payload's charset. A long
    Cyrillic name takes two bytes a letter in UTF-8, one in Windows-1251."""
    assert qr.required_block(G15_FIELDS, "utf-8") <= 300
    assert qr.payload(G15_FIELDS, charset="auto").startswith("ST00012|")
    long_name = "ООО «" + "Управляющая компания жилищного хозяйства " * 3 + "»"  # 130 letters: 260 bytes
    fields = {**G15_FIELDS, "Name": long_name[:160]}
    assert qr.required_block(fields, "utf-8") > 300 >= qr.required_block(fields, "cp1251")
    text = qr.payload(fields, charset="auto")
    assert text.startswith("ST00011|")
    assert qr.parse(qr.encode(text)) == qr.parse(qr.payload(fields))  # the same fields, decoded by its header
    too_long = {**fields, "Name": "Ж" * 160, "BankName": "Б" * 45}
    with pytest.raises(ValidationFailed, match="больше 300 по ГОСТ Р 56042") as caught:
        qr.payload(too_long, charset="auto", whose="поставщик «Ж»")
    assert caught.value.problems[0].path.startswith("поставщик «Ж»: QR Name")


@pytest.mark.parametrize("data", ["", "ST0002|Name=A", "ST00019|Name=A", b"ST00012|Name=\xff\xfe", "ST00012|Name"])
def test_parser_refuses_what_is_not_a_payment_code(data):
    with pytest.raises(InvalidValue):
        qr.parse(data)


# --- the symbol -----------------------------------------------------------------------------------------------
def _decode(text: str, tmp_path) -> list:
    import zxingcpp
    from PIL import Image

    from bcenter.modules.bills import qr_image

    path = tmp_path / "qr.png"
    qr_image.png(text, path, scale=4)
    return zxingcpp.read_barcodes(Image.open(path).convert("L"))


@pytest.mark.parametrize("charset", ["utf-8", "cp1251"])
def test_the_drawn_symbol_decodes_to_the_same_fields(charset, tmp_path):
    """Encoded by zint, decoded by zxing-cpp's reader: two independent implementations agree."""
    text = qr.payload(G15_FIELDS, charset=charset)
    found, = _decode(text, tmp_path)
    assert found.bytes == qr.encode(text)
    assert qr.parse(found.bytes) == qr.parse(G15)
    assert found.symbology_identifier == "]Q1"  # no ECI header: the charset is the payload's own («ST00011»)


def test_the_symbol_has_error_correction_m_and_the_fixed_mask(tmp_path):
    from bcenter.modules.bills import qr_image

    found, = _decode(G15, tmp_path)
    assert (found.ec_level, found.extra["DataMask"]) == ("M", qr_image.MASK)
    version = int(found.extra["Version"])
    grid = qr_image.matrix(G15)
    assert len(grid) == len(grid[0]) == 17 + 4 * version
    assert {b for row in grid for b in row} == {0, 1}
