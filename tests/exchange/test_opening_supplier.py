"""Opening balances name the supplier they are owed to (schema step 36), and ``extra`` is kept on every object.

A debt brought from the system being left stays owed to whom it was owed: a service moved later to another supplier
(a new contract with a resource supplier) leaves its old debts with the old one. The document may name the supplier
(``supplier``); without it the service's supplier at import is meant — and a re-import of the same document after
the move changes nothing. ``extra`` of opening balances, key rates and moratoria was accepted and dropped.
"""
from __future__ import annotations

import copy
from datetime import date

import pytest

from bcenter.modules.exchange.service import export_document, import_data
from bcenter.modules.finance.position import Finance
from tests.exchange.test_import_bad import H, assert_problems, failing


AS_OF = date(2025, 1, 31)  # the example's first month: its opening balances are owed for the month before


@pytest.fixture
def loaded(any_db, example_doc):
    import_data(copy.deepcopy(example_doc), db=any_db)
    return any_db


def _openings(db) -> dict[tuple[str, str], str]:
    """(account, service) → the supplier of each opening balance as exported: named where it is not the service's."""
    doc = export_document(db=db)
    services = {s["id"]: s["supplier"] for s in doc["services"]}
    return {(o["account"], o["service"]): o.get("supplier", services[o["service"]]) for o in doc["opening_balances"]}


def _opening_suppliers(db, account_ext: str) -> set[tuple[str, str]]:
    """(service, supplier) of the obligations the account's opening balances make, as ``Finance.position`` sees."""
    finance = Finance(db)
    mark = "%s" if "Postgres" in type(db).__name__ else "?"
    (uid, number), = db.execute_sql(f'SELECT id, number FROM "account" WHERE ext_id = {mark}', (account_ext,))
    position = finance.position(str(uid), number, as_of=AS_OF)
    first = min(c.period for c in position.charges)
    return {(finance.services[c.service]["ext"], finance.suppliers[c.supplier]) for c in position.charges
            if c.period == first}


def test_an_opening_balance_is_owed_to_its_services_supplier_by_default(loaded, example_doc):
    openings = _openings(loaded)
    services = {s["id"]: s["supplier"] for s in example_doc["services"]}
    assert openings == {k: services[k[1]] for k in openings}
    assert not [o for o in export_document(db=loaded)["opening_balances"] if "supplier" in o]  # the default: unsaid


def test_a_service_moved_later_leaves_its_old_debts_with_the_old_supplier(loaded, example_doc):
    assert ("svc-heat", "sup-ts") in _opening_suppliers(loaded, "acc1")
    heat = next(s for s in example_doc["services"] if s["id"] == "svc-heat")
    result = import_data({**H, "services": [{**heat, "supplier": "sup-uk"}]}, db=loaded)
    assert result.updated  # the service moved
    assert _openings(loaded)[("acc1", "svc-heat")] == "sup-ts"
    assert [o["supplier"] for o in export_document(db=loaded)["opening_balances"] if "supplier" in o] == ["sup-ts"]
    assert ("svc-heat", "sup-ts") in _opening_suppliers(loaded, "acc1")
    assert ("svc-heat", "sup-uk") not in _opening_suppliers(loaded, "acc1")
    again = import_data(copy.deepcopy(example_doc) | {"services": [{**heat, "supplier": "sup-uk"}]}, db=loaded)
    assert again.unchanged["opening_balances"] == len(example_doc["opening_balances"])  # no supplier: not compared


def test_an_opening_balance_names_another_supplier(any_db, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["opening_balances"][1]["supplier"] = "sup-uk"  # acc1's heating debt: owed to the УК that billed it then
    import_data(doc, db=any_db)
    assert _openings(any_db)[("acc1", "svc-heat")] == "sup-uk"
    assert ("svc-heat", "sup-uk") in _opening_suppliers(any_db, "acc1")
    assert import_data(doc, db=any_db).unchanged["opening_balances"] == len(doc["opening_balances"])


def test_an_unknown_supplier_is_refused(any_db, example_doc, snapshot):
    doc = copy.deepcopy(example_doc)
    doc["opening_balances"][0]["supplier"] = "sup-nobody"
    problems = failing(any_db, doc, snapshot)
    assert_problems(problems, {"opening_balances[0].supplier": "неизвестный объект suppliers «sup-nobody»"})


def test_another_supplier_for_a_stored_balance_is_refused(loaded, example_doc, snapshot):
    doc = {**H, "opening_balances": [{**example_doc["opening_balances"][1], "supplier": "sup-uk"}]}
    problems = failing(loaded, doc, snapshot)
    assert_problems(problems, {"opening_balances[0]": "supplier «sup-ts»"})


def test_extra_of_opening_balances_key_rates_and_moratoria_comes_back(any_db, example_doc):
    doc = copy.deepcopy(example_doc)
    for array in ("opening_balances", "key_rates", "moratoria"):
        doc[array][0]["extra"] = {"source": array, "n": 1}
    import_data(doc, db=any_db)
    out = export_document(db=any_db)
    for array in ("opening_balances", "key_rates", "moratoria"):
        assert [o.get("extra") for o in out[array]].count({"source": array, "n": 1}) == 1, array
    assert import_data(doc, db=any_db).unchanged["key_rates"] == len(doc["key_rates"])


@pytest.mark.parametrize("array,table", [("opening_balances", "opening_balance"), ("key_rates", "key_rate"),
                                         ("moratoria", "moratorium")])
def test_a_document_loaded_before_extra_was_kept_loads_again_unchanged(any_db, example_doc, array, table):
    """Before schema step 36 these had no ``extra`` (the import dropped it; the step adds the column empty): the same
    document loaded again is the same record, not «another value»."""
    doc = copy.deepcopy(example_doc)
    doc[array][0]["extra"] = {"source_row": 17}
    import_data(copy.deepcopy(doc), db=any_db)
    any_db.execute_sql(f'UPDATE "{table}" SET extra = NULL')  # what an import before the step and the step leave
    assert import_data(copy.deepcopy(doc), db=any_db).unchanged[array] == len(doc[array])
