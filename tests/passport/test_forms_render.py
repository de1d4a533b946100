"""The passport desk's forms (bcenter.modules.passport.forms): every form renders the same bytes twice and its text,
read back with pypdf, holds the title, the number, the persons, their dates as DD.MM.YYYY and their relations."""
from __future__ import annotations

import io
import tomllib

import pytest

from bcenter.core.dates import format_date_ru, parse_date
from bcenter.modules.passport import forms

ISSUER = {"name": "ТСЖ «Солнечный»", "address": "г. Москва, ул. Тверская, д. 1"}
ADDRESS = "г. Москва, ул. Садовая, д. 5, кв. 12"
PERSONS = [
    {"name": "Иванов Иван Иванович", "birth_date": "1970-03-15", "birth_place": "г. Тула", "relation": "собственник",
     "kind": "permanent", "registered_from": "2001-06-01", "registered_to": None, "arrived_from": "г. Тула",
     "departed_to": None, "document": "паспорт гражданина РФ 45 10 123456, выдан ОВД района Хамовники 01.02.2015"},
    {"name": "Иванова Мария Петровна", "birth_date": "1972-11-02", "birth_place": None, "relation": "жена",
     "kind": "temporary", "registered_from": "2024-01-10", "registered_to": "2027-01-10", "arrived_from": None,
     "departed_to": None, "document": None},
    {"name": "Иванов Пётр Иванович", "birth_date": "1995-07-20", "birth_place": "г. Москва", "relation": "сын",
     "kind": "permanent", "registered_from": "1995-08-01", "registered_to": "2020-04-03", "arrived_from": None,
     "departed_to": "г. Казань, ул. Баумана, д. 7", "document": None},
]
PREMISES = {"kind": "жилое", "total_area": "45.6", "living_area": "30.1", "rooms": 2}
OWNERS = [{"name": "Иванов Иван Иванович", "share": "1/1", "since": "2001-05-20",
           "basis": "договор купли-продажи от 20.05.2001"}]


def _common(form: str) -> dict:
    return {"form": form, "number": "ПС-2026-000012", "issued_on": "2026-02-01", "issuer": ISSUER,
            "official": "Петрова Анна Сергеевна", "address": ADDRESS}


def payload(form: str) -> dict:
    p = _common(form)
    if form == "form9":
        p["person"] = {**PERSONS[2], "sex": "М", "citizenship": "Российская Федерация"}
        p["registrations"] = [
            {"address": ADDRESS, "kind": "permanent", "registered_from": "1995-08-01", "registered_to": "2020-04-03",
             "arrived_from": None, "departed_to": "г. Казань"},
            {"address": "г. Казань, ул. Баумана, д. 7", "kind": "temporary", "registered_from": "2020-04-05",
             "registered_to": None, "arrived_from": ADDRESS, "departed_to": None},
        ]
    elif form == "form11":
        p["house_address"] = "г. Москва, ул. Садовая, д. 5"
        p["premises_list"] = [{"number": "12", "persons": PERSONS}, {"number": "13", "persons": []}]
    else:
        p.update(premises=PREMISES, owners=OWNERS, holder="Иванов Иван Иванович", persons=PERSONS,
                 applicant="Иванов Иван Иванович")
    return p


def text_of(data: bytes) -> tuple[str, int]:
    """The document's text, runs of whitespace (line breaks of wrapped cells) as one space, and its page count."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages), len(reader.pages)


TITLES = {"form9": ["Карточка регистрации", "Форма № 9"], "form10": ["Поквартирная карточка", "Форма № 10"],
          "form11": ["Домовая книга", "Форма № 11"], "extract": ["Выписка из домовой книги"],
          "family": ["Справка о составе семьи"]}


@pytest.mark.parametrize("form", list(forms.FORMS))
def test_form_renders_the_same_bytes_and_its_text(form):
    data = forms.render(payload(form))
    assert data.startswith(b"%PDF") and forms.render(payload(form)) == data
    text, pages = text_of(data)
    assert pages == 1 and "Лист 1 из 1" in text
    assert "№ ПС-2026-000012" in text and "01.02.2026" in text and "None" not in text
    for title in TITLES[form]:
        assert title in text
    assert "Паспортист" in text and "Петрова Анна Сергеевна" in text
    assert ISSUER["name"] in text


@pytest.mark.parametrize("form", ["form10", "form11", "extract"])
def test_lists_current_and_former_persons(form):
    text, _ = text_of(forms.render(payload(form)))
    for person in PERSONS:
        assert person["name"] in text
        assert format_date_ru(parse_date(person["birth_date"])) in text
        assert format_date_ru(parse_date(person["registered_from"])) in text
    assert "20.07.1995" in text and "03.04.2020" in text and "по месту жительства" in text
    if form == "form11":
        assert "Кв." in text and "13 зарегистрированных нет" in text
    assert "по месту пребывания" in text
    if form != "form11":
        for relation in ("собственник", "жена", "сын"):
            assert relation in text


def test_card_and_extract_details():
    text, _ = text_of(forms.render(payload("form10")))
    assert "45,6" in text and "30,1" in text and "1/1" in text and "20.05.2001" in text
    assert "г. Казань, ул. Баумана, д. 7" in text and "45 10 123456" in text
    text, _ = text_of(forms.render(payload("extract")))
    assert "Выписка дана для предъявления по месту требования" in text
    assert "зарегистрирован с 01.08.1995, снят с учёта 03.04.2020" in text and "зарегистрирован с 01.06.2001" in text
    assert "зарегистрирован с 10.01.2024 по 09.01.2027" in text  # a temporary registration's last day
    text, _ = text_of(forms.render(payload("form9")))
    for value in ("Иванов Пётр Иванович", "20.07.1995", "Российская Федерация", "05.04.2020", "03.04.2020",
                  "по месту пребывания", "г. Казань, ул. Баумана, д. 7"):
        assert value in text


def test_family_lists_only_those_registered_on_the_day_of_issue():
    text, _ = text_of(forms.render(payload("family")))
    assert "Иванов Иван Иванович" in text and "Иванова Мария Петровна" in text
    assert "Иванов Пётр Иванович" not in text
    assert "собственник" in text and "жена" in text and "15.03.1970" in text and "02.11.1972" in text
    assert "01.06.2001" in text and "10.01.2024" in text and "(всего 2)" in text
    assert "Справка выдана 01.02.2026 для предъявления по месту требования" in text


def test_missing_values_print_as_dashes():
    p = payload("family")
    p.update(official=None, issuer={"name": "УК «Дом»", "address": None}, persons=[{"name": "Сидоров Сидор"}])
    text, _ = text_of(forms.render(p))
    assert "None" not in text and "Сидоров Сидор" in text and "—" in text


def test_house_book_of_many_flats_spans_pages():
    p = payload("form11")
    p["premises_list"] = [
        {"number": str(flat), "persons": [
            {**PERSONS[i % 3], "name": f"Жильцов{flat:03d} Житель{i} Квартирович"} for i in range(3)]}
        for flat in range(1, 41)]
    data = forms.render(p)
    assert forms.render(p) == data
    text, pages = text_of(data)
    assert pages > 2
    assert f"Лист 1 из {pages}" in text and f"Лист {pages} из {pages}" in text
    assert text.count("Фамилия, имя, отчество") == pages  # the table's header on every page
    for flat in range(1, 41):
        for i in range(3):
            assert f"Жильцов{flat:03d} Житель{i} Квартирович" in text
    assert "Всего записей о регистрации: 120" in text


def test_unknown_form_is_refused():
    with pytest.raises(ValueError, match="неизвестный вид документа"):
        forms.render({**_common("form12")})
    with pytest.raises(ValueError):
        forms.render({})
    with pytest.raises(ValueError):
        forms.template_version("form12")


def test_templates_have_versions_and_fit_the_page():
    for kind in forms.FORMS:
        assert forms.template_version(kind) == ("2" if kind in ("extract", "family") else "1")
        tpl = tomllib.loads((forms.TEMPLATES / f"{kind}.toml").read_text(encoding="utf-8"))
        width = 273 if tpl.get("orientation") == "landscape" else 186
        for table in ("columns", "owner_columns"):
            assert sum(c["width"] for c in tpl.get(table, [])) <= width, (kind, table)


def test_a_template_with_an_unknown_column_or_placeholder_is_refused():
    good = {"version": "1", "title": "T", "columns": [{"key": "name", "header": "ФИО", "width": 50}]}
    forms._check_template("t.toml", good)
    with pytest.raises(ValueError, match="столбец"):
        forms._check_template("t.toml", {**good, "columns": [{"key": "nmae", "header": "ФИО", "width": 50}]})
    with pytest.raises(ValueError, match="подстановка"):
        forms._check_template("t.toml", {**good, "footer": ["Выдана {aplicant}"]})
