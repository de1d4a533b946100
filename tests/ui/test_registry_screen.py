"""The office's registry section without a browser (issue 16): a house's area changed and saved (audited, the next
month run recalculates), a wrong value said under its field with nothing written, a tariff's new rate from a date
(a new record, the old one closed), and a role without the right refused by the service."""
from __future__ import annotations

import pytest

from bcenter.core.period import Period
from tests.ui.conftest import by_key, texts

from bcenter.ui.office import build_office


async def _type(session, field, text: str) -> None:
    session.apply_patch(field._i, {"value": text})
    field.value = text
    await session.dispatch_event(field._i, "change", text)


async def _click(session, control) -> None:
    await session.dispatch_event(control._i, "click", None)


async def _open(session, page, app, login="oper", password="пароль-оператора"):
    refs = build_office(page, app.users.sign_in(login, password))
    await _click(session, by_key(refs["nav"], "nav:registry"))
    return refs["registry"]


@pytest.mark.asyncio
async def test_a_house_edited_at_its_fields(app, page, session):
    reg = await _open(session, page, app)
    tile = by_key(reg["records"], "record:h00001")
    await _click(session, tile)
    assert reg["title"].value == "Дом «h00001»: г. Заречный, ул. Ленина, д. 3"
    area = by_key(reg["form"], "field:total_area")
    common = by_key(reg["form"], "field:common_area")
    assert area.value == "888"
    before = app.db.execute_sql('SELECT total_area FROM "house"').fetchone()[0]
    await _type(session, area, "-5")
    await _click(session, reg["save"])
    assert area.error == 'должно быть > 0, получено "-5"' and common.error is None
    assert reg["error"].value.startswith("Не сохранено (дом): Площадь помещений, м²: должно быть > 0")
    assert app.db.execute_sql('SELECT total_area FROM "house"').fetchone()[0] == before
    await _type(session, area, "890,5")
    await _click(session, reg["save"])
    assert area.error is None and reg["error"].value == ""
    assert reg["saved"].value.startswith("Сохранено: houses[0] (id «h00001»): total_area")
    assert by_key(reg["form"], "field:total_area").value == "890,5"
    audit = app.db.execute_sql("SELECT action, actor FROM audit_log WHERE action = 'registry.edit.house'").fetchall()
    assert audit and audit[-1][1] == "oper"
    run = app.month.calc(Period(2026, 10))
    assert run.lines > 0  # the house's area priced the month: recalculated


@pytest.mark.asyncio
async def test_a_tariff_gets_a_new_rate_from_a_date(app, page, session):
    reg = await _open(session, page, app)
    reg["kind"].value = "tariff"
    await _type(session, reg["find"], "Содержание жилого")
    codes = [c.data for c in reg["records"].controls if getattr(c, "data", None)]
    assert codes == ["maintenance.2025", "maintenance.2026"]
    await _click(session, by_key(reg["records"], "record:maintenance.2026"))
    assert reg["rate_from"].visible is not False and by_key(reg["form"], "field:rate").value == "34,84"
    await _type(session, reg["rate_from"], "01.01.2026")
    await _type(session, reg["rate_value"], "36,20")
    await _click(session, reg["rate_new"])
    assert reg["rate_from"].error == "новое значение должно начинаться позже действующего (с 01.07.2026)"
    await _type(session, reg["rate_from"], "01.01.2027")
    await _click(session, reg["rate_new"])
    assert reg["error"].value == "" and reg["saved"].value.startswith("Введено новое значение: ")
    assert reg["title"].value.startswith("Тариф «maintenance.2027-01-01»")
    assert "maintenance.2027-01-01" in [c.data for c in reg["records"].controls if getattr(c, "data", None)]
    old = app.registry.record("tariff", "maintenance.2026")
    assert old.values["to"] == "01.01.2027" and old.values["rate"] == "34,84"


@pytest.mark.asyncio
async def test_a_cashier_is_refused_the_registry(app, page, session):
    reg = await _open(session, page, app, "kassa", "пароль-кассира")
    assert reg["error"].value.startswith("Недостаточно прав: картотека")
    assert not [t for t in texts(reg["records"]) if t]
