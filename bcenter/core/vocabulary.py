"""Словари: the codes bcenter stores and exchanges, with the Russian words people read — each in one place.

Codes are the exchange format's (EXCHANGE.md) and the ledger's; the database's CHECK constraints, the engine, the
bills, the CLI and the screens all take them from here.
"""
from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LINE_KINDS", "LINE_KIND_NAMES", "METHODS", "METHOD_NAMES", "METHOD_SHORT", "PENALTY_RULES", "RESOURCES",
           "SERVICE_KINDS", "TABLE_NAMES", "UNITS", "UNIT_LABELS", "ZONES"]

SERVICE_KINDS = ("housing", "communal", "common_property", "capital_repair", "additional")
PENALTY_RULES = ("standard", "capital_repair", "none")
"""ч. 14 ст. 155 ЖК РФ, ч. 14.1 (капремонт), none."""
RESOURCES = ("cold_water", "hot_water", "sewerage", "electricity", "gas", "heating", "solid_waste")

UNIT_LABELS: Mapping[str, str] = {
    "m3": "м³", "kwh": "кВт·ч", "gcal": "Гкал", "m2": "м²", "person": "чел.", "premises": "помещ.",
}
"""Units of services (EXCHANGE.md ``unit``) and how they are written."""
UNITS = tuple(UNIT_LABELS)

ZONES = ("total", "day", "night", "peak", "half_peak")
"""Zones of a meter reading, in the order they are stored; ``total`` is a one-zone meter."""

LINE_KIND_NAMES: Mapping[str, str] = {
    "charge": "начисление", "common_property": "КР на СОИ", "recalc": "перерасчёт",
    "quality": "снижение за качество", "absence": "временное отсутствие", "benefit": "льгота",
}
"""Kinds of charge lines."""
LINE_KINDS = tuple(LINE_KIND_NAMES)

METHOD_NAMES: Mapping[str, str] = {
    "meter": "по показаниям прибора учёта", "norm": "по нормативу",
    "norm_k": "по нормативу с повышающим коэффициентом", "average": "по среднемесячному объёму",
    "house_meter_share": "по общедомовому прибору пропорционально площади", "area": "по площади",
    "person": "по числу проживающих", "premises": "на помещение", "fixed": "фиксированная сумма",
    "interruption": "за перерывы сверх допустимых", "temperature": "за температуру горячей воды",
    "below_40": "вода ниже +40 °C — по тарифу на холодную воду",
    "room_temperature": "за температуру воздуха в помещении",
}
"""How a line was calculated (``Derivation.method``)."""
METHOD_SHORT: Mapping[str, str] = {
    "meter": "ИПУ", "norm": "норматив", "norm_k": "норматив×К", "average": "среднее", "house_meter_share": "ОДПУ",
    "area": "площадь", "person": "по чел.", "premises": "на помещ.", "fixed": "фикс.",
    "interruption": "перерывы", "temperature": "t° ГВС", "below_40": "ниже +40 °C", "room_temperature": "t° в помещ.",
}
"""The same for a narrow table column (the ЕПД)."""
METHODS = tuple(METHOD_NAMES)

TABLE_NAMES: Mapping[str, str] = {
    "organization": "организация", "supplier": "поставщики", "service": "услуги", "tariff": "тарифы",
    "norm": "нормативы", "house": "дома", "premises": "помещения", "person": "граждане",
    "account": "лицевые счета", "registration": "регистрации", "ownership": "права собственности",
    "meter": "приборы учёта", "meter_reading": "показания ИПУ", "house_reading": "показания ОДПУ",
    "absence": "временные отсутствия", "quality_event": "акты о качестве", "payment": "платежи",
    "opening_balance": "входящие сальдо", "journal_entry": "проводки", "outbox": "очередь синхронизации",
}
"""The tables ``bcenter info`` counts, in the order it shows them."""
