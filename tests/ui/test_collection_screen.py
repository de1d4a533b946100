"""The debt collection desk on the office screen (issue 20) without a browser: the debtors over three months listed,
a restriction warning issued as a PDF behind a link, a case filed for the first debtor and taken through its stages,
ФССП money entered, the court application printed; a refusal said on the screen, nothing written."""
from __future__ import annotations

import pytest

from tests.ui.conftest import by_key
from tests.ui.test_office_sections import _click, _office, _type


def _keys(control) -> list[str]:
    out = []
    for child in getattr(control, "controls", None) or []:
        if getattr(child, "key", None):
            out.append(str(child.key))
        out += _keys(child)
    return out


@pytest.mark.asyncio
async def test_the_operator_lists_debtors_warns_files_a_case_and_enters_recovered_money(app, page, session,
                                                                                          tmp_path):
    files = tmp_path / "files"
    refs = _office(app, page, files=files)
    desk = refs["collection"]
    await _click(session, by_key(refs["nav"], "nav:collection"))
    assert desk["error"].value == ""
    debtors = [k for k in _keys(desk["rows"]) if k.startswith("debtor:")]
    assert debtors and desk["total"].value.startswith(f"Должников: {len(debtors)}")
    first = debtors[0].split(":", 1)[1]
    assert first == app.collection.debtors(_three())[0].account  # the largest debt first
    assert by_key(desk["case_rows"], "cases_none")

    await _click(session, by_key(desk["rows"], debtors[0]))
    assert desk["debtor_box"].visible
    desk["kind"].value = "restriction"
    await _type(session, desk["notice_service"], "heating")
    await _click(session, desk["issue"])
    assert "отопление и холодную воду" in desk["error"].value and not _keys(desk["issued"])
    await _type(session, desk["notice_service"], "electricity")
    await _click(session, desk["issue"])
    assert desk["error"].value == "" and desk["notice"].value == "Выдан документ ПО-2026-0001"
    link = by_key(desk["issued"], "open:ПО-2026-0001")
    assert (files / link.url.lstrip("/")).read_bytes()[:5] == b"%PDF-"

    await _type(session, desk["filed"], "2026-11-20")
    await _click(session, desk["open_case"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("Заведено дело Д-2026-0001: цена")
    assert desk["case_box"].visible and by_key(desk["case_rows"], "case:Д-2026-0001")
    assert by_key(desk["card"], "case_line:1").value == "Стадия: подано заявление о вынесении судебного приказа"
    desk["stage"].value = "judgment"
    await _click(session, desk["advance"])
    assert "можно перейти" in desk["error"].value
    desk["stage"].value = "order_issued"
    await _type(session, desk["stage_day"], "2026-11-20")
    await _type(session, desk["stage_number"], "2-1234/2026")
    await _click(session, desk["advance"])
    assert desk["error"].value == "" and desk["notice"].value == "Дело Д-2026-0001: судебный приказ вынесен"
    desk["stage"].value = "enforcement"
    await _type(session, desk["stage_day"], "2026-12-01")
    await _type(session, desk["stage_number"], "ИП 555/26")
    await _click(session, desk["advance"])
    assert "когда должник получил приказ" in desk["error"].value  # the objection days cannot be counted
    await _type(session, desk["stage_received"], "2026-11-19")
    await _click(session, desk["advance"])
    assert "приказ не мог быть получен раньше" in desk["error"].value
    await _type(session, desk["stage_received"], "2026-11-20")  # 10 working days: to 04.12
    await _click(session, desk["advance"])
    assert "срок для возражений должника на судебный приказ — по 04.12.2026" in desk["error"].value
    await _type(session, desk["stage_day"], "2026-12-05")
    await _click(session, desk["advance"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("Дело Д-2026-0001: исполнительное")
    await _type(session, desk["amount"], "12 000,00")
    await _click(session, desk["recover"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("ВЗ-2026-0001: в долг по месяцам дела")
    assert app.collection.case("Д-2026-0001").recovered == 12_000_00
    await _type(session, desk["amount"], "много")
    await _click(session, desk["recover"])
    assert "«много»: это не десятичное число" in desk["error"].value
    await _click(session, desk["document"])
    assert desk["notice"].value == "Выдан документ ЗСП-2026-0001"
    assert by_key(desk["issued"], "open:ЗСП-2026-0001")
    assert any("Документ ЗСП-2026-0001 от" in by_key(desk["card"], k).value for k in _keys(desk["card"]))


def _three():
    from bcenter.app.collection import Criteria

    return Criteria(min_months=3)


@pytest.mark.asyncio
async def test_bad_criteria_are_said_on_the_screen(app, page, session):
    refs = _office(app, page)
    desk = refs["collection"]
    await _click(session, by_key(refs["nav"], "nav:collection"))
    await _type(session, desk["months"], "три")
    await _click(session, desk["find"])
    assert desk["error"].value == "«три»: число месяцев — целое число"
    await _type(session, desk["months"], "3")
    await _type(session, desk["service"], "nosuch")
    await _click(session, desk["find"])
    assert "нет услуги с кодом «nosuch»" in desk["error"].value


@pytest.mark.asyncio
async def test_a_sold_flat_is_filed_as_two_cases_and_the_screen_names_both(app, page, session):
    """The first debtor's flat sold on 01.03.2026: the months before are the sellers', those after the buyer's — two
    cases, each said on the screen with its months and debtors; the debtor's row then shows both."""
    from bcenter.app.passport import NewPerson
    from bcenter.modules.passport.desk import key_text

    acc = app.collection.debtors(_three())[0].account
    sellers = app.db.execute_sql(
        'SELECT o.owner_person_id, pe.ext_id FROM "ownership" o JOIN "account" a ON a.premises_id = o.premises_id '
        'JOIN "person" pe ON pe.id = o.owner_person_id WHERE a.number = ? AND o.valid_to IS NULL', (acc,)).fetchall()
    for pid, ext in sellers:
        app.passport.end_ownership(acc, person=ext or key_text(pid), on="2026-03-01")
    app.passport.own(acc, share="1/1", start="2026-03-01", new=NewPerson("Покупатель", "Павел", "Петрович"))
    refs = _office(app, page)
    desk = refs["collection"]
    await _click(session, by_key(refs["nav"], "nav:collection"))
    await _click(session, by_key(desk["rows"], f"debtor:{acc}"))
    await _type(session, desk["filed"], "2026-11-20")
    await _click(session, desk["open_case"])
    said = desk["notice"].value
    assert desk["error"].value == "" and said.startswith("Заведено дел: 2 — по одному на каждый состав должников")
    assert "Д-2026-0001 (месяцы 09.2025–02.2026;" in said and "Д-2026-0002 (месяцы 03.2026–10.2026; Покупатель " \
        "Павел Петрович)" in said
    assert by_key(desk["case_rows"], "case:Д-2026-0001") and by_key(desk["case_rows"], "case:Д-2026-0002")
    assert "дела Д-2026-0001, Д-2026-0002" in by_key(desk["rows"], f"debtor:{acc}").content


@pytest.mark.asyncio
async def test_the_case_is_filed_with_barred_months_when_the_operator_marks_it(app, page, session, monkeypatch):
    """A refusal for months past their limitation names the screen's mark (not only the CLI's flag); marked, the
    filing asks for them: the screen passes the mark to the use case (unmarked, it does not)."""
    from bcenter.modules.collection.cases import INCLUDE_BARRED_HINT

    from bcenter.app.collection import CollectionCases

    asked = []
    real = CollectionCases.open_case

    def spy(self, account, **kw):  # the screen's session has an application of its own (its user's)
        asked.append(kw["include_barred"])
        return real(self, account, **kw)

    monkeypatch.setattr(CollectionCases, "open_case", spy)
    refs = _office(app, page)
    desk = refs["collection"]
    assert desk["include_barred"].label in INCLUDE_BARRED_HINT
    await _click(session, by_key(refs["nav"], "nav:collection"))
    debtors = [k for k in _keys(desk["rows"]) if k.startswith("debtor:")]
    await _click(session, by_key(desk["rows"], debtors[0]))
    await _type(session, desk["filed"], "2026-11-20")
    desk["include_barred"].value = True
    await _click(session, desk["open_case"])
    assert desk["error"].value == "" and desk["notice"].value.startswith("Заведено дело Д-2026-0001")
    await _click(session, by_key(desk["rows"], debtors[1]))
    desk["include_barred"].value = False
    await _click(session, desk["open_case"])
    assert asked == [True, False]
