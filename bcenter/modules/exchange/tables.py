"""How each kind of exchange object is stored: its table and the columns of its storage row.

One table here serves both directions: the importer builds rows in this column order, the exporter and
the idempotency check read rows back in the same order.
"""
from __future__ import annotations

import json

KIND_TABLE = {
    "supplier": "supplier", "service": "service", "tariff": "tariff", "norm": "norm", "house": "house",
    "premises": "premises", "person": "person", "account": "account", "registration": "registration",
    "ownership": "ownership", "meter": "meter", "reading": "meter_reading", "house_reading": "house_reading",
    "absence": "absence", "quality_event": "quality_event", "payment": "payment",
    "payment_document": "payment_document", "meter_event": "meter_event", "meter_verification": "meter_verification",
}
"""Kinds whose objects carry an ``id`` kept as ``ext_id``."""

KIND_ARRAY = {
    "supplier": "suppliers", "service": "services", "tariff": "tariffs", "norm": "norms", "house": "houses",
    "premises": "premises", "person": "persons", "account": "accounts", "registration": "registrations",
    "ownership": "ownership", "meter": "meters", "reading": "readings", "house_reading": "house_readings",
    "absence": "absences", "quality_event": "quality_events", "payment": "payments",
    "payment_document": "payment_documents", "meter_event": "meter_events",
    "meter_verification": "meter_verifications",
}

COLUMNS = {
    "supplier": ("id", "ext_id", "name", "inn", "kpp", "phone", "extra", "address"),
    "bank_detail": ("id", "organization_id", "supplier_id", "bank_name", "bic", "corr_account", "account",
                    "valid_from"),
    "service": ("id", "ext_id", "name", "kind", "resource", "unit", "supplier_id", "penalty_rule", "sort_order",
                "extra"),
    "tariff": ("id", "ext_id", "service_id", "house_id", "zone", "valid_from", "valid_to", "rate",
               "cold_water_rate", "heat_rate", "heat_per_m3", "extra"),
    "norm": ("id", "ext_id", "service_id", "house_id", "amenity", "per", "valid_from", "valid_to", "value", "extra"),
    "key_rate": ("id", "valid_from", "rate", "source", "extra"),
    "moratorium": ("id", "valid_from", "valid_to", "debts_before", "source", "extra"),
    "house": ("id", "ext_id", "region", "city", "street", "building", "block", "total_area", "common_area", "fias",
              "heating_method", "heating_payment", "season_months", "extra", "postcode", "manager_name", "manager_inn",
              "section"),
    "house_service": ("id", "house_id", "service_id", "valid_from", "valid_to"),
    "premises": ("id", "ext_id", "house_id", "number", "kind", "total_area", "living_area", "rooms", "entrance",
                 "floor", "communal_flat", "meter_impossible", "extra"),
    "person": ("id", "ext_id", "last_name", "first_name", "middle_name", "document_kind", "extra", "sealed"),
    "account": ("id", "ext_id", "number", "premises_id", "opened", "closed", "holder_person_id",
                "holder_org_name", "holder_org_inn", "share", "extra", "els", "gis_id"),
    "account_service": ("id", "account_id", "service_id", "valid_from", "valid_to"),
    "registration": ("id", "ext_id", "person_id", "premises_id", "kind", "valid_from", "valid_to", "relation",
                     "extra", "supersedes_id"),
    "ownership": ("id", "ext_id", "owner_person_id", "owner_org_name", "owner_org_inn", "premises_id", "share",
                  "valid_from", "valid_to", "extra", "supersedes_id"),
    "meter": ("id", "ext_id", "serial", "resource", "kind", "premises_id", "house_id", "zones", "digits",
              "installed", "verified_until", "removed", "initial_total", "initial_day", "initial_night",
              "initial_peak", "initial_half_peak", "extra", "replaces_id"),
    "meter_event": ("id", "ext_id", "meter_id", "kind", "date", "seal", "document", "note", "extra"),
    "meter_verification": ("id", "ext_id", "meter_id", "verified_on", "valid_until", "document", "extra"),
    "meter_reading": ("id", "ext_id", "meter_id", "date", "period", "source", "total", "day", "night", "peak",
                      "half_peak", "extra"),
    "house_reading": ("id", "ext_id", "meter_id", "date", "period", "source", "total", "day", "night", "peak",
                      "half_peak", "extra"),
    "absence": ("id", "ext_id", "person_id", "valid_from", "valid_to", "documents", "extra"),
    "quality_event": ("id", "ext_id", "service_id", "house_id", "premises_id", "start_at", "end_at", "kind",
                      "measured", "allowed", "extra", "entrance", "supersedes_id"),
    "payment": ("id", "ext_id", "account_id", "amount", "paid_on", "period", "channel", "agent", "commission",
                "extra"),
    "payment_service_split": ("id", "payment_id", "service_id", "amount"),
    "payment_document": ("id", "ext_id", "account_id", "period", "ipd", "extra"),
    "opening_balance": ("id", "account_id", "service_id", "supplier_id", "period", "amount", "extra"),
    "billing_period": ("id", "period", "state", "imported"),
}

ZONE_SETS = {1: ({"total"},), 2: ({"day", "night"},), 3: ({"peak", "half_peak", "night"}, {"day", "night", "peak"})}
"""Which value keys a meter of 1, 2 or 3 zones carries (3 zones: peak / half-peak / night)."""


def private_json(values: dict) -> str | None:
    """A person's sealed fields (``core.access.PERSON_SEALED``) as one canonical JSON text — what the importer compares
    and then seals (``db.sealing``); None when there are none."""
    plain = {k: v for k, v in values.items() if v is not None and v != ""}
    return json.dumps(plain, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if plain else None


def storage_form(values) -> list:
    """Values as the importer writes them: ISO dates, ints for booleans, strings for UUIDs and decimals."""
    from datetime import date

    out = []
    for v in values:
        if isinstance(v, bool):
            v = int(v)
        elif isinstance(v, date):
            v = v.isoformat()
        elif v is not None and not isinstance(v, (int, str)):
            v = str(v)
        out.append(v)
    return out
