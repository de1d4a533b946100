"""The passport desk's screen (issue 18) without a browser: the card of an account opened, a person registered
back-dated, the documents shown only to the passport officer (an operator's «Показать документы» is refused by the
service and said on the screen), a person taken off the register from a date, a form issued as a PDF behind a link."""
from __future__ import annotations

import os
import time

import pytest

from tests.ui.conftest import by_key
from tests.ui.test_office_sections import _click, _office, _type


async def _open(session, refs, account: str, *, personal: bool = False):
    desk = refs["passport"]
    await _click(session, by_key(refs["nav"], "nav:passport"))
    await _type(session, desk["account"], account)
    if personal:
        desk["personal"].value = True
    await _click(session, desk["show"])
    return desk


@pytest.mark.asyncio
async def test_the_officer_registers_deregisters_and_issues_a_form(app, page, session, tmp_path):
    app.users.add(login="pasport", full_name="Паспортист П. П.", roles=["passport_officer"],
                  password="пароль-паспортиста")
    files = tmp_path / "files"
    refs = _office(app, page, login="pasport", password="пароль-паспортиста", files=files)
    account = app.registry.search("Ленина", limit=1)[0].number
    desk = await _open(session, refs, account, personal=True)
    assert desk["error"].value == ""
    assert by_key(desk["card"], "card_address").value.startswith("г. Заречный, ул. Ленина")
    assert any(k.startswith("private:") for k in _keys(desk["card"]))  # documents shown to the officer
    for field, text in (("last", "Петров"), ("first", "Андрей"), ("birth", "1990-05-06"), ("number", "765432"),
                        ("start", "2026-08-01"), ("relation", "брат")):
        await _type(session, desk[field], text)
    await _click(session, desk["register"])
    assert desk["error"].value == "" and "Месяцы с 2026-08" in desk["notice"].value
    code = next(k.split(":", 1)[1] for k in _keys(desk["card"]) if k.startswith("resident:")
                and "Петров Андрей" in by_key(desk["card"], k).value)
    await _click(session, by_key(desk["card"], f"leave:{code}"))
    assert desk["leave_box"].visible
    await _type(session, desk["leave_on"], "2026-09-16")
    await _click(session, desk["leave_do"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("Снят с учёта с 16.09.2026. Месяцы с ")
    assert "снят с учёта 16.09.2026" in by_key(desk["card"], f"resident:{code}").value
    left = files / "passport" / "left-by-yesterday.pdf"  # a form of a session long over
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(b"%PDF-")
    os.utime(left, (time.time() - 13 * 3600,) * 2)
    await _click(session, desk["issue"])
    assert desk["error"].value == ""
    link = by_key(desk["issued"], next(k for k in _keys(desk["issued"]) if k.startswith("open:ПС-2026-")))
    assert (files / link.url.lstrip("/")).read_bytes()[:5] == b"%PDF-"
    assert not left.exists()  # the web server hands its files to whoever names them: none beyond a session's time
    await _type(session, desk["start"], "2026-02-30")  # a bad date: said, nothing written
    await _type(session, desk["last"], "Орлова")
    await _type(session, desk["first"], "Вера")
    await _click(session, desk["register"])
    assert "«2026-02-30»: такого дня нет" in desk["error"].value
    assert "Орлова" not in str([by_key(desk["card"], k).value for k in _keys(desk["card"]) if k.startswith("resident:")])


@pytest.mark.asyncio
async def test_an_operator_sees_names_but_is_refused_the_documents(app, page, session):
    refs = _office(app, page)
    account = app.registry.search("Ленина", limit=1)[0].number
    desk = await _open(session, refs, account)
    assert desk["error"].value == "" and any(k.startswith("resident:") for k in _keys(desk["card"]))
    assert not any(k.startswith("private:") for k in _keys(desk["card"]))
    desk["personal"].value = True
    await _click(session, desk["show"])
    assert desk["error"].value.startswith("Недостаточно прав") and desk["card"].controls == []


def _keys(column) -> list[str]:
    out = []

    def walk(c):
        key = getattr(c, "key", None)
        if isinstance(key, str):
            out.append(key)
        for child in getattr(c, "controls", None) or ():
            walk(child)

    for c in column.controls:
        walk(c)
    return out


@pytest.mark.asyncio
async def test_the_officer_enters_a_new_passport(app, page, session):
    app.users.add(login="pasport", full_name="Паспортист П. П.", roles=["passport_officer"],
                  password="пароль-паспортиста")
    refs = _office(app, page, login="pasport", password="пароль-паспортиста")
    account = app.registry.search("Ленина", limit=1)[0].number
    desk = await _open(session, refs, account, personal=True)
    code = next(k.split(":", 1)[1] for k in _keys(desk["card"]) if k.startswith("edit:"))
    await _click(session, by_key(desk["card"], f"edit:{code}"))
    assert desk["person_box"].visible and desk["editing"]["document_number"].value
    await _type(session, desk["editing"]["document_number"], "111222")
    await _type(session, desk["editing"]["document_issued_on"], "2026-11-30")
    await _click(session, desk["save"])
    assert desk["error"].value == "" and desk["notice"].value == "Данные гражданина сохранены"
    assert "номер 111222" in by_key(desk["card"], f"private:{code}").value
    assert "дата выдачи: 30.11.2026" in by_key(desk["card"], f"private:{code}").value


@pytest.mark.asyncio
async def test_a_stay_typed_to_its_last_day_is_registered_through_that_day(app, page, session):
    """Review of 2026-12: the officer copies «по 28.02.2027» from the свидетельство о регистрации по месту пребывания
    into «По»; the screen passed it on as the first day without the registration, and the card then said «по
    27.02.2027» — the last day of the stay was neither registered nor counted in the month."""
    app.users.add(login="pasport", full_name="Паспортист П. П.", roles=["passport_officer"],
                  password="пароль-паспортиста")
    refs = _office(app, page, login="pasport", password="пароль-паспортиста")
    account = app.registry.search("Ленина", limit=1)[0].number
    desk = await _open(session, refs, account)
    desk["kind"].value = "temporary"
    for field, text in (("last", "Гостева"), ("first", "Анна"), ("start", "2026-09-01"), ("end", "2027-02-28")):
        await _type(session, desk[field], text)
    await _click(session, desk["register"])
    assert desk["error"].value == ""
    line = next(by_key(desk["card"], k).value for k in _keys(desk["card"]) if k.startswith("resident:")
                and "Гостева Анна" in by_key(desk["card"], k).value)
    assert "с 01.09.2026 по 28.02.2027" in line
