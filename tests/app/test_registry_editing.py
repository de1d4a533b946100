"""Картотека edited record by record (``app.registry``): through the exchange importer, so a form's bad value is
refused by field with nothing written, a good one is audited and sent to the outbox, a norm's new value from a date
closes the old one, and only roles with ``registry.write`` may edit."""
from __future__ import annotations

import pytest

from bcenter.app import PermissionDenied
from bcenter.app.registry import FieldErrors
from bcenter.core.errors import NotFound, UsageError
from tests.ui.towns import USERS, build_town, copy_town


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    return build_town(tmp_path_factory.mktemp("editing") / "town.db")


@pytest.fixture
def app(town_file, tmp_path):
    opened = copy_town(town_file, tmp_path)
    yield opened
    opened.close()


def _outbox(app) -> int:
    return app.db.execute_sql("SELECT COUNT(*) FROM outbox").fetchone()[0]


def test_a_premises_edited_field_by_field(app):
    before = _outbox(app)
    with pytest.raises(FieldErrors) as refused:
        app.registry.edit("premises", "h00001-p1", {"total_area": "0", "rooms": "две", "floor": "2"})
    assert refused.value.fields == {"rooms": "«две» — не целое число"}
    assert app.registry.record("premises", "h00001-p1").values["floor"] == "1" and _outbox(app) == before
    with pytest.raises(FieldErrors) as refused:
        app.registry.edit("premises", "h00001-p1", {"total_area": "0"})
    assert refused.value.fields == {"total_area": 'должно быть > 0, получено "0"'}
    record, changed = app.registry.edit("premises", "h00001-p1", {"living_area": "21,4", "floor": "2"})
    assert record.values["living_area"] == "21,4" and record.values["floor"] == "2"  # as a person types it
    assert changed == ["premises[0] (id «h00001-p1»): living_area, floor"]
    assert _outbox(app) > before


def test_a_norm_gets_a_new_value_from_a_date(app):
    record = app.registry.new_rate("norm", "cold_water.norm", start="2027-01-01", value="4,02")
    assert record.code == "cold_water.2027-01-01" and record.values["value"] == "4,02"
    assert record.values["from"] == "01.01.2027" and " с 01.01.2027: 4,02" in record.title
    assert app.registry.record("norm", "cold_water.norm").values["to"] == "01.01.2027"
    listed = dict(app.registry.records("norm", "cold_water"))
    assert listed["cold_water.2027-01-01"].endswith(": 4,02 с 01.01.2027")
    with pytest.raises(FieldErrors) as refused:
        app.registry.new_rate("norm", "cold_water.norm", start="01.02.2027", value="4")
    assert refused.value.fields == {"from": "запись «cold_water.norm» действует только до 01.01.2027: выберите ту, "
                                            "что действует с этой даты"}
    with pytest.raises(FieldErrors) as refused:
        app.registry.new_rate("norm", "cold_water.2027-01-01", start="31.02.2027", value="4")
    assert refused.value.fields == {"from": "«31.02.2027» — не дата (ДД.ММ.ГГГГ)"}


def test_unknown_records_and_kinds_are_said(app):
    with pytest.raises(NotFound, match="Нет записи «h99999» \\(дом\\)"):
        app.registry.record("house", "h99999")
    with pytest.raises(UsageError, match="Нет такого раздела картотеки «street»"):
        app.registry.records("street")


def test_only_roles_that_edit_the_registry_may(app):
    cashier = app.users.sign_in("kassa", USERS["kassa"][2]).app
    with pytest.raises(PermissionDenied):
        cashier.registry.edit("house", "h00001", {"total_area": "900"})
    operator = app.users.sign_in("oper", USERS["oper"][2]).app
    assert operator.registry.edit("house", "h00001", {"total_area": "900"})[1]


def test_an_account_is_re_registered_to_another_person(app):
    """A flat sold: the ЖЭК re-registers the account to the buyer (its holder, who the bills are addressed to) — a
    person of the passport desk by code; an unknown code is refused at the field, nothing written."""
    number = app.db.execute_sql("SELECT number FROM account ORDER BY number LIMIT 1").fetchone()[0]
    record = app.registry.record("account", number)
    holder = record.values["holder.person"]
    other = app.db.execute_sql(
        "SELECT p.ext_id FROM person p JOIN account a ON a.holder_person_id = p.id WHERE p.ext_id <> ? "
        "ORDER BY a.number LIMIT 1", (holder,)).fetchone()[0]
    before, was = _outbox(app), app.registry.card(number).holder
    with pytest.raises(FieldErrors) as refused:
        app.registry.edit("account", number, {"holder.person": "нет-такого"})
    assert "нет-такого" in refused.value.fields["holder.person"] and _outbox(app) == before
    record, changed = app.registry.edit("account", number, {"holder.person": other})
    assert record.values["holder.person"] == other
    assert changed == [f"accounts[0] (id «{record.code}»): holder_person_id"]
    assert app.registry.card(number).holder not in ("", was)


def _first_account(app) -> tuple[str, str]:
    """The first account and another account's holder (a person of the passport desk, by code)."""
    number = app.db.execute_sql("SELECT number FROM account ORDER BY number LIMIT 1").fetchone()[0]
    holder = app.registry.record("account", number).values["holder.person"]
    other = app.db.execute_sql(
        "SELECT p.ext_id FROM person p JOIN account a ON a.holder_person_id = p.id WHERE p.ext_id <> ? "
        "ORDER BY a.number LIMIT 1", (holder,)).fetchone()[0]
    return number, other


def test_the_account_is_found_by_its_new_holders_name_after_re_registration(app):
    """The ЖЭК re-registers an account to the buyer in its card; the cashier then looks the account up by the
    buyer's name in the account search (the cash desk's, the registry's finder) — nothing is found, while the
    seller's name still finds it and the result line still names the seller: the search row was not rebuilt.

    Cause: ``exchange.importer.Importer._rebuild_search`` rebuilds the rows of the accounts INSERTED (``touched``
    comes from the rows written) and of premises with new registrations; an account UPDATED through
    ``_apply_updates`` (the card's edit goes there) keeps its old row in ``account_search``."""
    number, other = _first_account(app)
    before = app.registry.card(number).holder
    app.registry.edit("account", number, {"holder.person": other})
    now = app.registry.card(number).holder
    assert now != before
    found = {a.number: a.names for a in app.registry.search(now)}
    assert number in found, f"the account is not found by its holder's name «{now}»"
    assert now in found[number]


def test_clearing_the_holder_is_refused_at_the_field(app):
    """The operator empties «Владелец счёта: код лица» (an account must have a holder). The save is refused, but
    not at the field: the form shows «Не сохранено (лицевой счёт): accounts[0].holder: обязательное поле
    отсутствует» — the exchange file's path, not the field's label — and no error under the field itself.

    Cause: ``editing.edit`` — an emptied ``holder.person`` leaves ``holder`` = {} dropped from the document, the
    import's schema error names ``accounts[0].holder``, which is not a field path (``_imported`` maps only the form's
    paths), so it goes to ``other``."""
    number, _other = _first_account(app)
    with pytest.raises(FieldErrors) as refused:
        app.registry.edit("account", number, {"holder.person": ""})
    assert "holder.person" in refused.value.fields, str(refused.value)
