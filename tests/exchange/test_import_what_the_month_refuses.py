"""The import refuses what the month's calculation would refuse later — an accepted document must not stop every
later month of a house — and what ``bcenter claims act`` refuses (docs/exchange.md «Правила импорта», 3):

* an act's ``allowed`` (hours, the room's norm in °C, MPa) and a pressure measured are not negative (the engine's
  own rule, ``engine.basis.quality_value_problems``); a temperature or pressure act carries ``measured``; its
  date-times lie in 1900–2100; its ``entrance`` is an entrance of the house (its premises, document and database);
* a tariff ``zone`` only on communal electricity (multi-tariff metering);
* a house's ``total_area`` (S_об) is not smaller than its premises' areas together — document and database.
"""
from __future__ import annotations

import copy

import pytest

from bcenter.core.errors import ValidationFailed
from bcenter.modules.exchange.service import import_data

H = {"format": "bcenter-exchange", "version": 1}


def _refused_at(db, doc, path) -> list:
    with pytest.raises(ValidationFailed) as info:
        import_data(doc, db=db)
    assert any(p.path.startswith(path) for p in info.value.problems), info.value.problems
    return info.value.problems


def _act(example_doc, **fields) -> dict:
    doc = copy.deepcopy(example_doc)
    doc["quality_events"][0].update(fields)
    for key in [k for k, v in fields.items() if v is None]:
        doc["quality_events"][0].pop(key)
    return doc


# --- acts -----------------------------------------------------------------------------------------------------------
def test_negative_allowed_hours_of_an_act_are_refused_by_the_import(db, example_doc):
    problems = _refused_at(db, _act(example_doc, allowed="-100"), "quality_events[0].allowed")
    assert "не может быть меньше 0" in problems[0].reason


def test_negative_room_temperature_norm_is_refused_by_the_import(db, example_doc):
    doc = _act(example_doc, service="svc-heat", kind="temperature", measured="10", allowed="-5")
    _refused_at(db, doc, "quality_events[0].allowed")


def test_negative_pressure_is_refused_by_the_import(db, example_doc):
    _refused_at(db, _act(example_doc, service="svc-cold", kind="pressure", measured="-0.1", allowed=None),
                "quality_events[0].measured")


def test_a_flat_colder_than_zero_is_a_temperature_the_import_takes(db, example_doc):
    doc = _act(example_doc, service="svc-heat", kind="temperature", measured="-2", allowed=None)
    assert import_data(doc, db=db).inserted["quality_event"] == 2


def test_a_temperature_act_without_a_measurement_is_refused_as_bcenter_claims_act_refuses_it(db, example_doc):
    _refused_at(db, _act(example_doc, kind="temperature", allowed=None), "quality_events[0].measured")


def test_a_pressure_act_without_a_measurement_is_refused(db, example_doc):
    _refused_at(db, _act(example_doc, kind="pressure", allowed=None), "quality_events[0].measured")


@pytest.mark.parametrize("field, value", [("end", "2999-01-01T00:00:00+03:00"),
                                          ("start", "1812-09-07T10:00:00+03:00")])
def test_act_date_times_outside_1900_2100_are_refused(db, example_doc, field, value):
    problems = _refused_at(db, _act(example_doc, **{field: value}), f"quality_events[0].{field}")
    assert "1900–2100" in problems[0].reason


def test_an_act_on_an_entrance_the_house_does_not_have_is_refused_as_bcenter_claims_act_refuses_it(db, example_doc):
    problems = _refused_at(db, _act(example_doc, entrance=99), "quality_events[0].entrance")
    assert "нет подъезда 99" in problems[0].reason


def test_an_act_on_an_entrance_of_premises_already_in_the_database_is_imported(db, example_doc):
    import_data(copy.deepcopy(example_doc), db=db)
    act = dict(example_doc["quality_events"][0], id="q-entrance", entrance=1)
    assert import_data({**H, "quality_events": [act]}, db=db).inserted["quality_event"] == 1
    act = dict(act, id="q-entrance-2", entrance=2)
    _refused_at(db, {**H, "quality_events": [act]}, "quality_events[0].entrance")


# --- tariffs ----------------------------------------------------------------------------------------------------------
def test_a_zone_on_a_tariff_of_an_area_service_is_refused(db, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["tariffs"][0]["zone"] = "night"
    problems = _refused_at(db, doc, "tariffs[0].zone")
    assert "электроэнергию" in problems[0].reason


def test_a_zone_on_a_tariff_of_a_service_already_in_the_database_is_refused(db, example_doc):
    import_data(copy.deepcopy(example_doc), db=db)
    tariff = {"id": "t-heat-night", "service": "svc-heat", "from": "2026-01-01", "rate": "1", "zone": "night"}
    _refused_at(db, {**H, "tariffs": [tariff]}, "tariffs[0].zone")
    tariff = dict(tariff, id="t-elec-peak", service="svc-elec", zone="peak")
    assert import_data({**H, "tariffs": [tariff]}, db=db).inserted["tariff"] == 1


# --- areas -----------------------------------------------------------------------------------------------------------
def test_a_house_smaller_than_its_premises_is_refused(db, example_doc):
    doc = copy.deepcopy(example_doc)
    doc["houses"][0]["total_area"] = "1"
    problems = _refused_at(db, doc, "houses[0].total_area")
    assert "194.3" in problems[0].reason and "меньше суммы" in problems[0].reason


def test_a_house_made_smaller_than_its_stored_premises_is_refused(db, example_doc):
    import_data(copy.deepcopy(example_doc), db=db)
    house = dict(example_doc["houses"][0], total_area="100")
    _refused_at(db, {**H, "houses": [house]}, "houses[0].total_area")


def test_a_new_premises_that_overfills_a_stored_house_is_refused(db, example_doc):
    import_data(copy.deepcopy(example_doc), db=db)
    flat = {"id": "p-extra", "house": "h2", "number": "99", "kind": "residential", "total_area": "1"}
    _refused_at(db, {**H, "premises": [flat]}, "premises[0].total_area")


def test_a_stored_premises_named_again_with_its_own_area_counts_once(db, example_doc):
    import_data(copy.deepcopy(example_doc), db=db)
    doc = {**H, "houses": example_doc["houses"], "premises": example_doc["premises"]}
    assert not import_data(copy.deepcopy(doc), db=db).changed
