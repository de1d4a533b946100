"""Town-wide reference data of the demo town: the executor, settings, suppliers, services, tariffs, norms, key rates.

The tables at the top are the single place to correct a figure. Tariffs change on 1 July of every year (the
usual indexation date) by 9–12 %; the factor of a year is fixed by the tariff family and the year, so the same
July has the same tariffs whatever ``until`` or ``seed`` is.
"""

from __future__ import annotations

import zlib
from decimal import ROUND_HALF_UP, Decimal

from .calendar import History, iso
from .names import bank_account, corr_account, inn10, ogrn

# Bank of Russia key rate: (first day in force, percent) — the same figures as the built-in law table
# assets/law/key_rates.json (see its sources); tests/demo checks that they agree.
KEY_RATES: tuple[tuple[str, str], ...] = (
    ("2020-07-27", "4.25"),
    ("2021-03-22", "4.5"),
    ("2021-04-26", "5.0"),
    ("2021-06-15", "5.5"),
    ("2021-07-26", "6.5"),
    ("2021-09-13", "6.75"),
    ("2021-10-25", "7.5"),
    ("2021-12-20", "8.5"),
    ("2022-02-14", "9.5"),
    ("2022-02-28", "20.0"),
    ("2022-04-11", "17.0"),
    ("2022-05-04", "14.0"),
    ("2022-05-27", "11.0"),
    ("2022-06-14", "9.5"),
    ("2022-07-25", "8.0"),
    ("2022-09-19", "7.5"),
    ("2023-07-24", "8.5"),
    ("2023-08-15", "12.0"),
    ("2023-09-18", "13.0"),
    ("2023-10-30", "15.0"),
    ("2023-12-18", "16.0"),
    ("2024-07-29", "18.0"),
    ("2024-09-16", "19.0"),
    ("2024-10-28", "21.0"),
    ("2025-06-09", "20.0"),
    ("2025-07-28", "18.0"),
    ("2025-09-15", "17.0"),
    ("2025-10-27", "16.5"),
    ("2025-12-22", "16.0"),
    ("2026-02-16", "15.5"),
    ("2026-03-23", "15.0"),
    ("2026-04-27", "14.5"),
    ("2026-06-22", "14.25"),
    ("2026-07-27", "14.0"),
)

REGION = "Свердловская обл."
CITY = "г. Заречный"
POSTCODE = "624250"

# Tariffs in force from 1 July 2025, kopecks per unit; other years follow by the yearly factor.
BASE_YEAR = 2025
BASE_TARIFFS_KOP: dict[str, int] = {
    "maintenance": 3185,      # руб/м² — town default; some houses have their own (general meeting)
    "capital_repair": 1325,   # руб/м² — regional minimum contribution
    "cold_water": 4857,       # руб/м³
    "sewerage": 3894,         # руб/м³
    "heat": 295017,           # руб/Гкал — heating and the heat component of hot water
    "electricity": 643,       # руб/кВт·ч, single rate
    "electricity.day": 738,
    "electricity.night": 369,
    "solid_waste": 78540,     # руб/м³ of waste; the norm is per person
}
HEAT_PER_M3 = "0.0598"        # Гкал per м³ of hot water (two-part hot-water tariff)

# Norms: (service, per, value before the July change, value from it). None = unchanged since 2017.
NORMS: tuple[tuple[str, str, str, str | None], ...] = (
    ("cold_water", "person", "4.18", None),
    ("hot_water", "person", "3.07", None),
    ("sewerage", "person", "7.25", None),
    ("electricity", "person", "96", None),
    ("solid_waste", "person", "0.1833", "0.1917"),
    ("heating", "m2", "0.0223", "0.0219"),
    ("cp_cold_water", "common_m2", "0.0283", None),
    ("cp_hot_water", "common_m2", "0.0283", None),
    ("cp_sewerage", "common_m2", "0.0566", None),
    ("cp_electricity", "common_m2", "0.95", "1.02"),
)
NORMS_SINCE = "2017-07-01"
# House-specific norms for buildings of another category (9 storeys, lifts): per (service) → (before, from July)
NINE_STOREY_NORMS: dict[str, tuple[str, str]] = {
    "heating": ("0.0184", "0.0181"),
    "cp_electricity": ("2.17", "2.25"),
}

HEATING_SEASON = [1, 2, 3, 4, 5, 10, 11, 12]

SETTINGS: dict = {
    "due_day_rule": "law",
    "common_property_cap": "norm",
    "common_property_rounding": "balanced",
    "negative_common_property": "zero",
    "quality_excess_hours": "max",
    "payment_application": "specified_then_fifo",
    "penalty_application": "named_bill",
    "credit_application": "own_supplier",
    "person_count": "person_days",
    "absence_days": "exclude_travel_days",
    "penalty_rounding": "per_interval",
    "average_limits": {"not_submitted": 6, "meter_failed": 3},
    "shift_due_to_working_day": True,
}

# (id, name, kind, resource, unit, supplier, penalty_rule)
SERVICES: tuple[tuple[str, str, str, str | None, str, str, str], ...] = (
    ("maintenance", "Содержание жилого помещения", "housing", None, "m2", "uk", "standard"),
    ("capital_repair", "Взнос на капитальный ремонт", "capital_repair", None, "m2", "fkr", "capital_repair"),
    ("cold_water", "Холодное водоснабжение", "communal", "cold_water", "m3", "vodokanal", "standard"),
    ("hot_water", "Горячее водоснабжение", "communal", "hot_water", "m3", "teploset", "standard"),
    ("sewerage", "Водоотведение", "communal", "sewerage", "m3", "vodokanal", "standard"),
    ("electricity", "Электроснабжение", "communal", "electricity", "kwh", "energosbyt", "standard"),
    ("heating", "Отопление", "communal", "heating", "gcal", "teploset", "standard"),
    ("solid_waste", "Обращение с твёрдыми коммунальными отходами", "communal", "solid_waste", "m3", "tko",
     "standard"),
    ("cp_cold_water", "Холодная вода на содержание общего имущества", "common_property", "cold_water", "m3", "uk",
     "standard"),
    ("cp_hot_water", "Горячая вода на содержание общего имущества", "common_property", "hot_water", "m3", "uk",
     "standard"),
    ("cp_electricity", "Электроэнергия на содержание общего имущества", "common_property", "electricity", "kwh",
     "uk", "standard"),
    ("cp_sewerage", "Водоотведение на содержание общего имущества", "common_property", "sewerage", "m3", "uk",
     "standard"),
)
SERVICE_IDS = tuple(s[0] for s in SERVICES)
RESIDENTIAL_SERVICES = SERVICE_IDS
NONRESIDENTIAL_SERVICES = ("maintenance", "capital_repair", "cold_water", "sewerage", "electricity", "heating",
                           "cp_cold_water", "cp_hot_water", "cp_electricity", "cp_sewerage")

# (id, name, ИНН first 9 digits, КПП, phone, bank name, BIC, account prefix, account tail)
_SBER = ("Уральский банк ПАО Сбербанк", "046577674")
_BANKS = (
    _SBER,
    ("Филиал «Екатеринбургский» АО «Альфа-Банк»", "046577964"),
    ("Филиал «Уральский» Банка ВТБ (ПАО)", "046577952"),
    ("Уральский филиал ПАО «Промсвязьбанк»", "046577975"),
)
SUPPLIERS: tuple[tuple[str, str, str, str, str, int, str, str], ...] = (
    ("uk", "ООО «УК «Заречье»»", "668301582", "668301001", "+7 34377 7-12-34", 0, "40702810",
     "16540012874"),
    ("vodokanal", "МУП «Водоканал» г. Заречный", "668300417", "668301001", "+7 34377 3-22-10", 0, "40702810",
     "51654000311"),
    ("teploset", "АО «Заречная теплосеть»", "668302296", "668301001", "+7 34377 3-45-67", 2, "40702810",
     "90054000145"),
    ("energosbyt", "АО «Энергосбыт»", "667101364", "668345001", "+7 800 100-55-55", 1, "40702810",
     "33810001276"),
    ("tko", "ООО «Региональный оператор ТКО»", "667901175", "667901001", "+7 800 300-19-19", 3, "40702810",
     "16220000458"),
    ("fkr", "НКО «Фонд капитального ремонта общего имущества МКД Свердловской обл.»", "667101930", "667101001",
     "+7 343 311-00-11", 0, "40604810", "16540000117"),
)


def bank(index: int, prefix8: str, tail11: str) -> dict:
    name, bic = _BANKS[index]
    return {"name": name, "bic": bic, "corr_account": corr_account(bic), "account": bank_account(bic, prefix8, tail11)}


def _round_kop(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yearly_factor(family: str, year: int) -> Decimal:
    """The July indexation of ``year`` for a tariff family: 9.0 … 12.0 %, fixed by (family, year)."""
    return Decimal("1.090") + Decimal(zlib.crc32(f"{family}:{year}".encode()) % 31) / 1000


def tariff_kop(family: str, year: int) -> int:
    """Kopecks per unit of ``family`` in force from 1 July ``year``."""
    v = BASE_TARIFFS_KOP[family]
    base = family.split(".")[0]
    for y in range(BASE_YEAR + 1, year + 1):
        v = _round_kop(v * yearly_factor(base, y))
    for y in range(BASE_YEAR, year, -1):
        v = _round_kop(v / yearly_factor(base, y))
    return v


def rub(kop: int) -> str:
    """Kopecks → "1234.56" (exchange-format money)."""
    if kop < 0:
        return "-" + rub(-kop)
    return f"{kop // 100}.{kop % 100:02d}"


def key_rates(history: History) -> list[dict]:
    """The key rates in force over the history and the three years before it (penalties on opening debts)."""
    horizon = iso(history.first_day - 3 * 366)
    last = iso(history.last_day)
    rows = [(f, r) for f, r in KEY_RATES if f <= last]
    first = 0
    for i, (f, _) in enumerate(rows):
        if f <= horizon:
            first = i
    return [{"from": f, "rate": r} for f, r in rows[first:]]


def tariffs(history: History) -> list[dict]:
    """One row per service (and zone) per tariff year, half-open and back to back; the last one open-ended."""
    out: list[dict] = []
    julys = history.julys

    def rows(service: str, family: str, zone: str | None = None) -> None:
        for i, (year, o) in enumerate(julys):
            row = {"id": f"{service}{'.' + zone if zone else ''}.{year}", "service": service, "from": iso(o)}
            if i + 1 < len(julys):
                row["to"] = iso(julys[i + 1][1])
            row["rate"] = rub(tariff_kop(family, year))
            if zone:
                row["zone"] = zone
            out.append(row)

    def hot_water_rows(service: str) -> None:
        for i, (year, o) in enumerate(julys):
            row = {"id": f"{service}.{year}", "service": service, "from": iso(o)}
            if i + 1 < len(julys):
                row["to"] = iso(julys[i + 1][1])
            row["components"] = {"cold_water_rate": rub(tariff_kop("cold_water", year)),
                                 "heat_rate": rub(tariff_kop("heat", year)),
                                 "heat_per_m3": HEAT_PER_M3}
            out.append(row)

    rows("maintenance", "maintenance")
    rows("capital_repair", "capital_repair")
    rows("cold_water", "cold_water")
    hot_water_rows("hot_water")
    rows("sewerage", "sewerage")
    rows("electricity", "electricity")
    rows("electricity", "electricity.day", "day")
    rows("electricity", "electricity.night", "night")
    rows("heating", "heat")
    rows("solid_waste", "solid_waste")
    rows("cp_cold_water", "cold_water")
    hot_water_rows("cp_hot_water")
    rows("cp_electricity", "electricity")
    rows("cp_sewerage", "sewerage")
    return out


def norm_change_date(history: History) -> str:
    """Norms are revised on the last 1 July inside the history."""
    return iso(history.julys[-1][1])


def norms(history: History) -> list[dict]:
    change = norm_change_date(history)
    out: list[dict] = []
    for service, per, before, after in NORMS:
        if after is None:
            out.append({"id": f"{service}.norm", "service": service, "from": NORMS_SINCE, "value": before,
                        "per": per})
        else:
            out.append({"id": f"{service}.norm", "service": service, "from": NORMS_SINCE, "to": change,
                        "value": before, "per": per})
            out.append({"id": f"{service}.norm.{change[:4]}", "service": service, "from": change, "value": after,
                        "per": per})
    return out


SUPPLIER_ADDRESSES = {
    "uk": f"{POSTCODE}, {REGION}, {CITY}, ул. Ленина, д. 20, пом. 3",
    "vodokanal": f"{POSTCODE}, {REGION}, {CITY}, ул. Заречная, д. 2",
    "teploset": f"{POSTCODE}, {REGION}, {CITY}, ул. Энергетиков, д. 9",
    "energosbyt": "620000, Свердловская обл., г. Екатеринбург, ул. Демонстрационная, д. 1",
    "tko": "620000, Свердловская обл., г. Екатеринбург, ул. Демонстрационная, д. 7",
    "fkr": "620000, Свердловская обл., г. Екатеринбург, ул. Демонстрационная, д. 12",
}
"""Where each demo recipient receives people (made up, like the rest of the town)."""


def suppliers() -> list[dict]:
    out = []
    for sid, name, inn9, kpp, phone, bank_index, prefix, tail in SUPPLIERS:
        out.append({"id": sid, "name": name, "inn": inn10(inn9), "kpp": kpp, "phone": phone,
                    "address": SUPPLIER_ADDRESSES[sid], "bank": bank(bank_index, prefix, tail)})
    return out


def services() -> list[dict]:
    out = []
    for order, (sid, name, kind, resource, unit, supplier, penalty) in enumerate(SERVICES, start=1):
        row = {"id": sid, "name": name, "kind": kind}
        if resource:
            row["resource"] = resource
        row.update({"unit": unit, "supplier": supplier, "penalty_rule": penalty, "order": order})
        out.append(row)
    return out


def organization() -> dict:
    sid, name, inn9, kpp, phone, bank_index, prefix, tail = SUPPLIERS[0]
    return {
        "name": name,
        "inn": inn10(inn9),
        "kpp": kpp,
        "ogrn": ogrn("106668300412"),
        "address": f"{POSTCODE}, {REGION}, {CITY}, ул. Ленина, д. 20, пом. 3",
        "phone": phone,
        "email": "info@uk-zarechye.example",
        "site": "https://uk-zarechye.example",
        "bank": bank(bank_index, prefix, tail),
    }


def reference_document(history: History) -> dict:
    return {
        "format": "bcenter-exchange",
        "version": 1,
        "organization": organization(),
        "settings": {k: (dict(v) if isinstance(v, dict) else v) for k, v in SETTINGS.items()},
        "suppliers": suppliers(),
        "services": services(),
        "tariffs": tariffs(history),
        "norms": norms(history),
        "key_rates": key_rates(history),
    }
