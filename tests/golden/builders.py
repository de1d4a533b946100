"""Builders of small exchange documents for the golden cases of DOMAIN.md §11 (run through the product path)."""
from __future__ import annotations

import copy

BANK = {"name": "ПАО СБЕРБАНК", "bic": "044525225", "corr_account": "30101810400000000225",
        "account": "40702810900000012345"}


def town(*, services: list[dict], tariffs: list[dict], norms: list[dict] = (), house: dict | None = None,
         premises: list[dict], persons: list[dict] = (), accounts: list[dict], registrations: list[dict] = (),
         meters: list[dict] = (), readings: list[dict] = (), house_readings: list[dict] = (),
         absences: list[dict] = (), quality_events: list[dict] = (), settings: dict | None = None) -> dict:
    """A one-house document: the executor, one supplier, the given services and the rest."""
    doc = {
        "format": "bcenter-exchange", "version": 1,
        "organization": {"name": "ООО \"УК Рассвет\"", "inn": "7701234567", "kpp": "770101001",
                         "address": "г. Москва, ул. Лесная, д. 5", "bank": BANK},
        "suppliers": [{"id": "uk", "name": "ООО \"УК Рассвет\"", "inn": "7701234567", "bank": BANK}],
        "services": [{"supplier": "uk", **s} for s in services],
        "tariffs": list(tariffs), "norms": list(norms),
        "houses": [house or {"id": "h1", "address": {"city": "Москва", "street": "ул. Лесная", "building": "5"},
                             "total_area": "140.0", "common_area": "80",
                             "heating": {"method": "norm", "payment": "season",
                                         "season_months": [1, 2, 3, 4, 5, 10, 11, 12]}}],
        "premises": list(premises), "persons": list(persons), "accounts": list(accounts),
        "registrations": list(registrations), "meters": list(meters), "readings": list(readings),
        "house_readings": list(house_readings), "absences": list(absences), "quality_events": list(quality_events),
    }
    if settings:
        doc["settings"] = settings
    return copy.deepcopy({k: v for k, v in doc.items() if v != []})


def flat(pid: str, number: str, area: str, **extra) -> dict:
    return {"id": pid, "house": "h1", "number": number, "kind": "residential", "total_area": area, **extra}


def account(aid: str, number: str, premises: str, services: list[str], person: str = "owner") -> dict:
    return {"id": aid, "number": number, "premises": premises, "opened": "2020-01-01",
            "holder": {"organization": {"name": "ООО \"Собственник\"", "inn": "7701000000"}} if person == "org"
            else {"person": person}, "services": [{"service": s, "from": "2020-01-01"} for s in services]}


def person(pid: str, last: str = "Иванов", first: str = "Иван") -> dict:
    return {"id": pid, "last_name": last, "first_name": first}


def metered_hot_water_flat(*, services: list[dict], tariffs: list[dict], norms: list[dict] = (), act_end: str,
                           measured: str) -> dict:
    """Flat 1 (54.3 m², one owner, account 1002003004 on hot water) with a hot-water meter read 100 → 110 m³ in
    March 2025, and an act of the house's hot water at ``measured`` °C from 5 March 2025 08:00 to ``act_end``."""
    return town(services=services, tariffs=tariffs, norms=norms,
                premises=[flat("p1", "1", "54.3")], persons=[person("owner")],
                accounts=[account("a1", "1002003004", "p1", ["hot"])],
                meters=[{"id": "m1", "serial": "A1", "resource": "hot_water", "kind": "individual", "premises": "p1",
                         "zones": 1, "digits": 5, "installed": "2024-01-10", "initial": {"total": "100"}}],
                readings=[{"id": "r1", "meter": "m1", "date": "2025-03-23", "values": {"total": "110"},
                           "source": "resident"}],
                quality_events=[{"id": "t1", "service": "hot", "house": "h1", "start": "2025-03-05T08:00:00+03:00",
                                 "end": act_end, "kind": "temperature", "measured": measured}])
