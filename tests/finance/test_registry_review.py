"""Payment registries: what an adversarial review (2026-12-07) found stored wrong or crashing, each now refused by
place and reason with nothing written, or read right.

* the same file loaded again under another ``--agent`` paid every line twice;
* a DBF cut short (its header counts more records than the file holds) loaded what was left — a value cut inside
  its field stored short;
* a CSV line with more fields than its header (``1234,56`` unquoted) stored 1 234,00; a quoted field holding the
  separator was refused as «не сумма»;
* an amount of twenty digits ended in «Внутренняя ошибка (OverflowError)»;
* a file in UTF-8 read by a cp1251 profile loaded its names and addresses as mojibake;
* readings of one meter within one file were not checked against each other (a meter could go backwards).
A line met twice — in one file or in two — is in ``test_registry_repeats.py``.
"""
from __future__ import annotations

import pytest

from bcenter.core.errors import ValidationFailed
from tests.finance import registry_files as files
from tests.finance.registry_files import DAY
from tests.finance.test_registry_import import _numbers, _state


@pytest.fixture
def app(registry_app):  # tests/finance/conftest.py
    return registry_app


def _refused(app, path, profile: str, **kwargs) -> str:
    state = _state(app)
    with pytest.raises(ValidationFailed) as info:
        app.payments.import_registry(path, profile=profile, **kwargs)
    assert _state(app) == state  # payments, suspense, registries, outbox, audit: as they were
    return str(info.value)


def test_the_same_file_under_another_agent_is_refused(app, tmp_path):
    (a,) = _numbers(app, 1)
    path = files.sber(tmp_path / "s.txt", [(DAY, a, "1000.00", "0.00"), (DAY, "9999999999", "15.00", "0.00")])
    app.payments.import_registry(path, profile="sber")
    renamed = tmp_path / "s-renamed.txt"
    renamed.write_bytes(path.read_bytes())
    text = _refused(app, renamed, "sber", agent="ПАО Сбербанк")
    assert "уже загружен" in text and "«s.txt»" in text
    assert len(app.payments.suspense()) == 1


@pytest.mark.parametrize("cut", [30 - 16 + 1, 43 + 1], ids=["inside the last record", "a whole record"])
def test_a_dbf_cut_short_is_refused(app, tmp_path, cut):
    a, b, c = _numbers(app, 3)
    path = files.dbf(tmp_path / "p.dbf", [(DAY, a, "12.30"), (DAY, b, "4567.89"), (DAY, c, "100.00")])
    path.write_bytes(path.read_bytes()[:-cut])
    text = _refused(app, path, "dbf")
    assert "p.dbf: файл обрезан: в заголовке DBF 3 записей, целиком в файле 2" in text


def test_a_whole_dbf_without_its_end_marker_loads(app, tmp_path):
    a, b = _numbers(app, 2)
    path = files.dbf(tmp_path / "p.dbf", [(DAY, a, "12.30"), (DAY, b, "4567.89")])
    path.write_bytes(path.read_bytes()[:-1])  # the 0x1A marker is optional
    assert app.payments.import_registry(path, profile="dbf").paid == 1230 + 456789


def test_a_csv_line_with_more_fields_than_its_header_is_refused(app, tmp_path):
    (a,) = _numbers(app, 1)
    path = tmp_path / "p.csv"
    path.write_text(f"Дата,ЛС,Сумма\n2026-12-04,{a},1234,56\n", encoding="utf-8")
    text = _refused(app, path, "csv")
    assert "p.csv:2: в строке 4 полей через «,», а столбцов в заголовке 3" in text


def test_a_quoted_csv_field_keeps_its_separator_and_trailing_empty_fields_pass(app, tmp_path):
    (a,) = _numbers(app, 1)
    path = tmp_path / "q.csv"
    path.write_text(f'Дата,ЛС,ФИО,Сумма\n2026-12-04,{a},"Иванов, Иван",100.00,,\n'
                    f'2026-12-04,{a},"Петров ""младший""","1 234,56"\n', encoding="utf-8")
    result = app.payments.import_registry(path, profile="csv")
    assert (result.payments, result.paid) == (2, 10000 + 123456)


@pytest.mark.parametrize("amount", ["99999999999999999999", "10000000000.00", "1 000 000 000 000 000 000,00"])
def test_an_amount_of_ten_billion_rubles_or_more_is_refused(app, tmp_path, amount):
    (a,) = _numbers(app, 1)
    path = tmp_path / "h.csv"
    path.write_text(f'Дата,ЛС,Сумма\n2026-12-04,{a},"{amount}"\n', encoding="utf-8")
    text = _refused(app, path, "csv")
    assert "h.csv:2:amount" in text and "ошибка в поле, а не платёж" in text


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "with a BOM"])
def test_a_utf8_file_read_by_a_cp1251_profile_is_refused(app, tmp_path, bom):
    """cp1251 decodes any bytes: a bank file re-saved in UTF-8 loaded as «РџРµС‚СЂРѕРІР°» before."""
    a, b = _numbers(app, 2)
    path = files.sber(tmp_path / "u.txt", [(DAY, a, "100.00", "0.00"), (DAY, b, "200.00", "0.00")], encoding="utf-8")
    # «Петрова»: none of its UTF-8 bytes is one cp1251 lacks (unlike «И», 0xD0 0x98) — the file decodes without error
    path.write_bytes(bom + path.read_bytes().replace("ИВАНОВА М. П.".encode(), "Петрова М. П.".encode()))
    text = _refused(app, path, "sber")
    assert "u.txt:1: файл в кодировке UTF-8, а профиль «sber» читает cp1251" in text


def test_readings_of_one_meter_in_one_file_follow_each_other(app, tmp_path):
    """A meter read twice in one file (last + 5 on the 2nd, last + 3 on the 4th): the second is below the first —
    refused as it is when the two come in two files; the payment is taken all the same."""
    from decimal import Decimal

    a, last = next((number, Decimal(str(total))) for number, total in app.db.execute_sql(
        'SELECT a.number, MAX(r.total) FROM "account" a JOIN "meter" m ON m.premises_id = a.premises_id '
        'JOIN "meter_reading" r ON r.meter_id = m.id WHERE r.status = \'accepted\' GROUP BY a.id, a.number '
        'HAVING COUNT(DISTINCT m.id) = 1 AND MAX(m.zones) = 1 ORDER BY a.number'))
    first, second = last + 5, last + 3
    path = tmp_path / "r.txt"
    rows = [f"8607;0123;0000001;ЖКУ;100.00;0.00;02/12/2026;CLIENTNO:{a};CLIENTDOCNO:a;method_pay:card;"
            f"CounterVal_1:{first}",
            f"8607;0123;0000002;ЖКУ;50.00;0.00;04/12/2026;CLIENTNO:{a};CLIENTDOCNO:b;method_pay:card;"
            f"CounterVal_1:{second}"]
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1251"))
    result = app.payments.import_registry(path, profile="sber_tagged")
    assert (result.payments, result.readings) == (2, 1)
    assert [(line, n) for line, n, _, _ in result.readings_refused] == [(2, 1)], result.readings_refused
    assert f"меньше предыдущего показания {first} от 02.12.2026" in result.readings_refused[0][3]


def test_a_reading_far_above_the_average_is_said_to_wait(app, tmp_path):
    """Taken with its payment but kept out of the month until a person confirms it: the summary says so and where to
    look, instead of counting it among the «принято» alone."""
    from decimal import Decimal

    from bcenter.cli.payments import _import_text

    a, last = next((number, Decimal(str(total))) for number, total in app.db.execute_sql(
        'SELECT a.number, MAX(r.total) FROM "account" a JOIN "meter" m ON m.premises_id = a.premises_id '
        'JOIN "meter_reading" r ON r.meter_id = m.id WHERE r.status = \'accepted\' GROUP BY a.id, a.number '
        'HAVING COUNT(DISTINCT m.id) = 1 AND MAX(m.zones) = 1 ORDER BY a.number'))
    path = tmp_path / "r.txt"
    path.write_bytes((f"8607;0123;0000001;ЖКУ;100.00;0.00;02/12/2026;CLIENTNO:{a};CLIENTDOCNO:a;method_pay:card;"
                      f"CounterVal_1:{last + 900}\n").encode("cp1251"))
    result = app.payments.import_registry(path, profile="sber_tagged")
    assert (result.readings, result.readings_held) == (1, (("unconfirmed", 1),))
    text = "\n".join(_import_text(result))
    assert "ждут подтверждения 1" in text and "bcenter readings list --status pending" in text


def test_a_cp1251_file_behind_a_utf8_mark_reads_right(app, tmp_path):
    """A tool that puts a UTF-8 BOM before a cp1251 text: the mark went into line 1's date («п»ї04-12-2026»)."""
    a, b = _numbers(app, 2)
    path = files.sber(tmp_path / "b.txt", [(DAY, a, "100.00", "0.00"), (DAY, b, "200.00", "0.00")])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = app.payments.import_registry(path, profile="sber")
    assert (result.payments, result.paid) == (2, 30000)


def test_a_form_feed_between_pages_keeps_the_line_numbers(app, tmp_path):
    """A DOS registry with a form feed before its second page: ``splitlines`` made it a line of its own, and every
    line after it was named one too far on."""
    a, b, c = _numbers(app, 3)
    path = files.sber(tmp_path / "f.txt", [(DAY, a, "100.00", "0.00"), (DAY, b, "200.00", "0.00"),
                                           (DAY, c, "300.00", "0.00")])
    lines = path.read_bytes().split(b"\r\n")
    lines[1] = b"\x0c" + lines[1]  # the page break in front of line 2
    lines[2] = lines[2].replace(b"300.00;300.00", b"3OO.00;300.00")
    path.write_bytes(b"\r\n".join(lines))
    text = _refused(app, path, "sber")
    assert "f.txt:3:amount" in text
    lines[2] = lines[2].replace(b"3OO.00;300.00", b"300.00;300.00")
    path.write_bytes(b"\r\n".join(lines))
    assert app.payments.import_registry(path, profile="sber").payments == 3


@pytest.mark.parametrize("day", ["01-01-1900", "04-12-2006"])
def test_a_payment_dated_years_ago_is_a_typo_of_the_year(app, tmp_path, day):
    a, b = _numbers(app, 2)
    path = files.sber(tmp_path / "y.txt", [(DAY, a, "100.00", "0.00"), (DAY, b, "200.00", "0.00")])
    lines = path.read_bytes().split(b"\r\n")
    lines[1] = lines[1].replace(b"04-12-2026", day.encode())
    path.write_bytes(b"\r\n".join(lines))
    text = _refused(app, path, "sber")
    assert f"y.txt:2:date: дата платежа {day.replace('-', '.')} раньше 05.12.2021" in text and "проверьте год" in text


def test_a_form_feed_before_the_summary_line_is_a_page_break(app, tmp_path):
    a, b = _numbers(app, 2)
    path = files.sber(tmp_path / "s.txt", [(DAY, a, "100.00", "0.00"), (DAY, b, "200.00", "0.00")])
    path.write_bytes(path.read_bytes().replace(b"\r\n=", b"\r\n\x0c="))
    assert app.payments.import_registry(path, profile="sber").payments == 2
