"""Review of «an account is re-registered to another person in its card» (``registry.editing.edit``, the account's
«Владелец счёта: код лица»). Each test fails on the branch for the reason its docstring gives."""
from __future__ import annotations

import pytest

from bcenter.app.registry import FieldErrors
from tests.ui.towns import build_town, copy_town


@pytest.fixture(scope="module")
def town_file(tmp_path_factory):
    return build_town(tmp_path_factory.mktemp("review") / "town.db")


@pytest.fixture
def app(town_file, tmp_path):
    opened = copy_town(town_file, tmp_path)
    yield opened
    opened.close()


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
