"""Semantic checks of exchange objects and their conversion into storage rows.

The schema has already vouched for the shape of each object passed here; these checks add what a schema
cannot say: dates that exist, intervals that are not empty, areas > 0, references that resolve,
duplicates, overlapping tariff periods, readings for unknown meters, splits that add up. Every finding is
a ``Problem(path, reason)`` in Russian; a failed object yields no row.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Callable

from bcenter.core.dates import format_date_ru, parse_datetime
from bcenter.core.errors import InvalidValue, Problem
from bcenter.core.ids import uuid7
from bcenter.core.money import rub_to_kop
from bcenter.core.quantity import canonical, parse_decimal, parse_fraction
from bcenter.core.vocabulary import ZONES
from bcenter.engine.basis import quality_value_problems
from bcenter.modules.exchange.tables import KIND_ARRAY, ZONE_SETS, private_json

_parse_date = date.fromisoformat

EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
"""Dates outside these are typing errors (or a legacy «open end» like 9999-12-31 — an open interval has no `to`)."""
MAX_INTEGER_DIGITS, MAX_DECIMALS = 15, 10
"""A quantity's bounds: a volume, area or tariff of more digits is a typing error (ГИС ЖКХ: NUMERIC(22,7))."""
MAX_RUBLE_DIGITS = 13
"""A sum of at most 13 digits of rubles — under 10¹³ ₽, far inside what 64-bit kopecks hold."""


def _extra(obj: dict) -> str | None:
    extra = obj.get("extra")
    return None if extra is None else json.dumps(extra, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Checker:
    """Collects problems and resolves references for one document.

    ``ids[kind]`` maps the document's (or the database's) ids to bcenter's UUIDs; ``meter_info`` holds
    ``(kind, zones)`` of every known meter so readings can be checked against their meter.
    """

    def __init__(self, ids: dict[str, dict[str, str]], meter_info: dict[str, tuple[str, int]], *,
                 today: date | None = None):
        self.ids = ids
        self.meter_info = meter_info
        self.today = today or date.today()
        self.problems: list[Problem] = []
        self.accepted: dict[str, dict] = {}  # a reading's key → a person's acceptance the document carries
        self._dates: dict[str, date] = {}
        self._documents: dict[object, str] = {}  # ИПД and (account, month) → the path that named it first
        self.service_suppliers: dict[str, str] = {}  # a service's UUID → its supplier's (opening balances)
        # the entrances of a house (its id) — its premises' in the document and in the database (the importer's)
        self.house_entrances: Callable[[str], set[int]] = lambda house: set()
        # a service's id → (kind, resource, unit), the document's or else the database's (the importer's)
        self.service_kinds: Callable[[str], tuple[str, str | None, str] | None] = lambda service: None

    # --- primitives -----------------------------------------------------------------------------
    def fail(self, path: str, reason: str) -> None:
        self.problems.append(Problem(path, reason))

    def problems_at(self, path: str) -> bool:
        """Has anything inside ``path`` been found wrong already (so a sum of its parts says nothing more)?"""
        return any(p.path.startswith(path) for p in self.problems)

    def date(self, value: str | None, path: str) -> date | None:
        """A real calendar date (the schema only checked the shape ГГГГ-ММ-ДД)."""
        if value is None:
            return None
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        try:
            d = _parse_date(value)
        except ValueError:
            self.fail(path, f"такой даты не существует: \"{value}\"")
            return None
        if not EARLIEST <= d <= LATEST:
            self.fail(path, f"дата {value} вне 1900–2100 (открытый интервал записывается без конечной даты)")
            return None
        self._dates[value] = d
        return d

    def past(self, value: str | None, path: str, what: str) -> date | None:
        """A date of something that has happened: not after today."""
        d = self.date(value, path)
        if d is not None and d > self.today:
            self.fail(path, f"{what} {format_date_ru(d)} — в будущем (сегодня {format_date_ru(self.today)})")
            return None
        return d

    def _digits(self, value: str, path: str, *, integer: int, decimals: int) -> bool:
        whole, _, fraction = value.lstrip("-").partition(".")
        if len(whole.lstrip("0")) > integer:
            self.fail(path, f"слишком большое число ({len(whole)} цифр до запятой, допустимо {integer})")
            return False
        if len(fraction) > decimals:
            self.fail(path, f"слишком много знаков после запятой ({len(fraction)}, допустимо {decimals})")
            return False
        return True

    def interval(self, obj: dict, path: str, *, start: str = "from", end: str = "to",
                 allow_equal: bool = False) -> tuple[date | None, date | None, bool]:
        d1 = self.date(obj.get(start), f"{path}.{start}")
        d2 = self.date(obj.get(end), f"{path}.{end}")
        ok = (start not in obj or d1 is not None) and (end not in obj or d2 is not None)
        if d1 is not None and d2 is not None and (d2 < d1 or (d2 == d1 and not allow_equal)):
            self.fail(f"{path}.{end}", f"конец интервала ({format_date_ru(d2)}) должен быть позже начала "
                                       f"({format_date_ru(d1)}); "
                                       "интервалы полуоткрытые: to — первый день, который не входит")
            ok = False
        return d1, d2, ok

    def quantity(self, value: str | None, path: str, *, positive: bool = False,
                 non_negative: bool = False) -> str | None:
        if value is None:
            return None
        if not self._digits(value, path, integer=MAX_INTEGER_DIGITS, decimals=MAX_DECIMALS):
            return None
        d = Decimal(value)
        if positive and d <= 0:
            self.fail(path, f"должно быть > 0, получено \"{value}\"")
            return None
        if non_negative and d < 0:
            self.fail(path, f"не может быть отрицательным, получено \"{value}\"")
            return None
        return canonical(d)

    def money(self, value: str | None, path: str, *, positive: bool = False,
              non_negative: bool = False) -> int | None:
        if value is None:
            return None
        if not self._digits(value, path, integer=MAX_RUBLE_DIGITS, decimals=2):
            return None
        kop = rub_to_kop(value)
        if positive and kop <= 0:
            self.fail(path, f"сумма должна быть > 0, получено \"{value}\"")
        elif non_negative and kop < 0:
            self.fail(path, f"сумма не может быть отрицательной, получено \"{value}\"")
        return kop

    def share(self, value: str | None, path: str) -> str | None:
        if value is None:
            return None
        try:
            parse_fraction(value)
        except InvalidValue as exc:
            self.fail(path, exc.reason)
            return None
        return value

    def ref(self, kind: str, value: str | None, path: str) -> str | None:
        if value is None:
            return None
        uid = self.ids[kind].get(value)
        if uid is None:
            self.fail(path, f"ссылка на неизвестный объект {KIND_ARRAY.get(kind, kind)} «{value}»")
        return uid

    # --- shared pieces --------------------------------------------------------------------------
    def service_links(self, links: list | None, path: str, owner_column_value: str, rows: list) -> None:
        seen = set()
        for i, link in enumerate(links or ()):
            p = f"{path}.services[{i}]"
            service = self.ref("service", link["service"], f"{p}.service")
            d1, d2, ok = self.interval(link, p)
            key = (link["service"], link["from"])
            if key in seen:
                self.fail(p, f"услуга «{link['service']}» с датой {link['from']} указана дважды")
            seen.add(key)
            if service and ok:
                rows.append((uuid7(), owner_column_value, service, link["from"], link.get("to")))

    def bank(self, bank: dict, *, organization_id: str | None, supplier_id: str | None) -> tuple:
        return (uuid7(), organization_id, supplier_id, bank["name"], bank["bic"], bank["corr_account"],
                bank["account"], None)

    # --- kinds ----------------------------------------------------------------------------------
    def supplier(self, o: dict, path: str, uid: str, out: dict) -> None:
        out["supplier"].append((uid, o["id"], o["name"], o["inn"], o.get("kpp"), o.get("phone"), _extra(o),
                                 o.get("address")))
        out["bank_detail"].append(self.bank(o["bank"], organization_id=None, supplier_id=uid))

    def service(self, o: dict, path: str, uid: str, out: dict) -> None:
        supplier = self.ref("supplier", o["supplier"], f"{path}.supplier")
        if o["kind"] in ("communal", "common_property") and not o.get("resource"):
            self.fail(f"{path}.resource", f"для услуги вида {o['kind']} нужен ресурс (resource)")
            return
        if supplier:
            out["service"].append((uid, o["id"], o["name"], o["kind"], o.get("resource"), o["unit"], supplier,
                                   o.get("penalty_rule"), o.get("order"), _extra(o)))

    def tariff(self, o: dict, path: str, uid: str, out: dict) -> None:
        service = self.ref("service", o["service"], f"{path}.service")
        house = self.ref("house", o.get("house"), f"{path}.house")
        _, _, ok = self.interval(o, path)
        if "zone" in o and service and not self._zoned(o["service"], o["zone"], f"{path}.zone"):
            ok = False
        rate = self.quantity(o.get("rate"), f"{path}.rate", non_negative=True)
        comp = o.get("components") or {}
        parts = [self.quantity(comp.get(k), f"{path}.components.{k}", non_negative=True)
                 for k in ("cold_water_rate", "heat_rate", "heat_per_m3")]
        if service and ok and (rate is not None or all(p is not None for p in parts)) and \
                (o.get("house") is None or house):
            out["tariff"].append((uid, o.get("id"), service, house, o.get("zone"), o["from"], o.get("to"),
                                  rate, *parts, _extra(o)))

    def _zoned(self, service: str, zone: str, path: str) -> bool:
        """A tariff zone (day, night, peak, half_peak) is a zone of multi-tariff electricity metering: the month
        prices a zonal volume only for a communal metered resource and reads no zone elsewhere — a zone on a service
        billed by area, persons or heat leaves it without the one-part tariff it needs, and every month of the houses
        that take it fails («для услуги нужен одноставочный тариф»); water and gas are not metered by zones."""
        info = self.service_kinds(service)
        if info is None or (info[0], info[1]) == ("communal", "electricity"):
            return True
        kind, resource, unit = info
        self.fail(path, f"зона «{zone}» бывает только у тарифа на электроэнергию (коммунальная услуга, resource "
                        f"electricity, многотарифный учёт): услуга «{service}» — {kind}"
                        f"{', ' + resource if resource else ''}, за {unit}; расчёт месяца такой тариф не примет")
        return False

    def norm(self, o: dict, path: str, uid: str, out: dict) -> None:
        service = self.ref("service", o["service"], f"{path}.service")
        house = self.ref("house", o.get("house"), f"{path}.house")
        _, _, ok = self.interval(o, path)
        value = self.quantity(o["value"], f"{path}.value", non_negative=True)
        if service and ok and value is not None and (o.get("house") is None or house):
            out["norm"].append((uid, o.get("id"), service, house, o.get("amenity"), o["per"], o["from"], o.get("to"),
                                value, _extra(o)))

    def key_rate(self, o: dict, path: str, uid: str, out: dict) -> None:
        d = self.date(o["from"], f"{path}.from")
        rate = self.quantity(o["rate"], f"{path}.rate", non_negative=True)
        if d and rate is not None:
            out["key_rate"].append((uid, o["from"], rate, "document", _extra(o)))

    def moratorium(self, o: dict, path: str, uid: str, out: dict) -> None:
        _, _, ok = self.interval(o, path)
        applies = o["applies_to"]
        before = None
        if isinstance(applies, dict):
            before = applies["debts_before"]
            if self.date(before, f"{path}.applies_to.debts_before") is None:
                ok = False
        if ok:
            out["moratorium"].append((uid, o["from"], o["to"], before, "document", _extra(o)))

    def house(self, o: dict, path: str, uid: str, out: dict) -> None:
        a = o["address"]
        total = self.quantity(o["total_area"], f"{path}.total_area", positive=True)
        common = self.quantity(o["common_area"], f"{path}.common_area", non_negative=True)
        heating = o.get("heating") or {}
        months = heating.get("season_months")
        if months is not None and len(set(months)) != len(months):
            self.fail(f"{path}.heating.season_months", "месяцы отопительного сезона повторяются")
            months = None
        self.service_links(o.get("services"), path, uid, out["house_service"])
        manager = o.get("manager") or {}
        if total is not None and common is not None:
            out["house"].append((uid, o["id"], a.get("region"), a["city"], a["street"], a["building"], a.get("block"),
                                 total, common, o.get("fias"), heating.get("method", "norm"),
                                 heating.get("payment", "season"),
                                 None if months is None else ",".join(str(m) for m in months), _extra(o),
                                 a.get("postcode"), manager.get("name"), manager.get("inn"), o.get("section")))

    def premises(self, o: dict, path: str, uid: str, out: dict) -> None:
        house = self.ref("house", o["house"], f"{path}.house")
        total = self.quantity(o["total_area"], f"{path}.total_area", positive=True)
        living = self.quantity(o.get("living_area"), f"{path}.living_area", positive=True)
        if total is not None and living is not None and Decimal(living) > Decimal(total):
            self.fail(f"{path}.living_area", f"жилая площадь {living} больше общей {total}")
            living = None
        impossible = o.get("meter_impossible")
        if house and total is not None and (o.get("living_area") is None or living is not None):
            out["premises"].append((uid, o["id"], house, o["number"], o["kind"], total, living, o.get("rooms"),
                                    o.get("entrance"), o.get("floor"), bool(o.get("communal_flat", False)),
                                    None if impossible is None else ",".join(impossible), _extra(o)))

    def person(self, o: dict, path: str, uid: str, out: dict) -> None:
        doc = o.get("document") or {}
        ok = True
        if "birth_date" in o and self.date(o["birth_date"], f"{path}.birth_date") is None:
            ok = False
        if "issued_on" in doc and self.date(doc["issued_on"], f"{path}.document.issued_on") is None:
            ok = False
        if ok:  # what identifies the person beyond the name: sealed when written (importer, db.sealing)
            private = private_json({
                "birth_date": o.get("birth_date"), "birth_place": o.get("birth_place"),
                "document_series": doc.get("series"), "document_number": doc.get("number"),
                "document_issued_by": doc.get("issued_by"), "document_issued_on": doc.get("issued_on"),
                "snils": o.get("snils"), "phone": o.get("phone"), "email": o.get("email")})
            out["person"].append((uid, o["id"], o["last_name"], o["first_name"], o.get("middle_name"),
                                  doc.get("kind"), _extra(o), private))

    def _holder(self, holder: dict, path: str) -> tuple[str | None, str | None, str | None, bool]:
        if "person" in holder:
            person = self.ref("person", holder["person"], f"{path}.person")
            return person, None, None, person is not None
        org = holder["organization"]
        return None, org["name"], org["inn"], True

    def account(self, o: dict, path: str, uid: str, out: dict) -> None:
        premises = self.ref("premises", o["premises"], f"{path}.premises")
        _, _, ok = self.interval(o, path, start="opened", end="closed", allow_equal=True)
        person, org_name, org_inn, holder_ok = self._holder(o["holder"], f"{path}.holder")
        share = self.share(o.get("share"), f"{path}.share")
        self.service_links(o.get("services"), path, uid, out["account_service"])
        els, gis_id = o.get("els"), o.get("gis_id")
        if els and gis_id and not gis_id.startswith(els + "-"):
            self.fail(f"{path}.gis_id", f"идентификатор ЖКУ «{gis_id}» должен начинаться с ЕЛС «{els}» и «-»")
            ok = False
        if premises and ok and holder_ok and (o.get("share") is None or share):
            out["account"].append((uid, o["id"], o["number"], premises, o["opened"], o.get("closed"), person,
                                   org_name, org_inn, share, _extra(o), els, gis_id))

    def registration(self, o: dict, path: str, uid: str, out: dict) -> None:
        person = self.ref("person", o["person"], f"{path}.person")
        premises = self.ref("premises", o["premises"], f"{path}.premises")
        _, _, ok = self.interval(o, path)
        supersedes = self.ref("registration", o.get("supersedes"), f"{path}.supersedes")
        if "supersedes" in o and supersedes is None:
            ok = False
        if person and premises and ok:
            out["registration"].append((uid, o["id"], person, premises, o["kind"], o["from"], o.get("to"),
                                        o.get("relation"), _extra(o), supersedes))

    def ownership(self, o: dict, path: str, uid: str, out: dict) -> None:
        person, org_name, org_inn, holder_ok = self._holder(o["owner"], f"{path}.owner")
        premises = self.ref("premises", o["premises"], f"{path}.premises")
        share = self.share(o["share"], f"{path}.share")
        _, _, ok = self.interval(o, path)
        supersedes = self.ref("ownership", o.get("supersedes"), f"{path}.supersedes")
        if "supersedes" in o and supersedes is None:
            ok = False
        if premises and ok and holder_ok and share:
            out["ownership"].append((uid, o["id"], person, org_name, org_inn, premises, share, o["from"], o.get("to"),
                                     _extra(o), supersedes))

    def meter(self, o: dict, path: str, uid: str, out: dict) -> None:
        kind = o["kind"]
        premises = house = None
        if kind == "house":
            if "house" not in o or "premises" in o:
                self.fail(path, "у общедомового прибора (kind house) должен быть указан house и не указан premises")
                return
            house = self.ref("house", o["house"], f"{path}.house")
        else:
            if "premises" not in o or "house" in o:
                self.fail(path, f"у прибора вида {kind} должен быть указан premises и не указан house")
                return
            premises = self.ref("premises", o["premises"], f"{path}.premises")
        _, _, ok = self.interval(o, path, start="installed", end="removed", allow_equal=True)
        if "verified_until" in o and self.date(o["verified_until"], f"{path}.verified_until") is None:
            ok = False
        initial = o["initial"]
        if set(initial) not in ZONE_SETS[o["zones"]]:
            self.fail(f"{path}.initial", f"для прибора с {o['zones']} зон(ами) ожидаются показания "
                                         f"{' или '.join('/'.join(sorted(s)) for s in ZONE_SETS[o['zones']])}")
            ok = False
        values = [self.quantity(initial.get(z), f"{path}.initial.{z}", non_negative=True) for z in ZONES]
        if o["digits"] <= 0:
            self.fail(f"{path}.digits", "разрядность должна быть > 0")
            ok = False
        replaces = None
        if "replaces" in o:
            replaces = self.ref("meter", o["replaces"], f"{path}.replaces")
            if replaces is None:
                ok = False
            elif o["replaces"] == o["id"]:
                self.fail(f"{path}.replaces", "прибор не может заменять сам себя")
                ok = False
        if ok and (premises or house):
            out["meter"].append((uid, o["id"], o["serial"], o["resource"], kind, premises, house, o["zones"],
                                 o["digits"], o["installed"], o.get("verified_until"), o.get("removed"), *values,
                                 _extra(o), replaces))

    def meter_event(self, o: dict, path: str, uid: str, out: dict) -> None:
        meter = self.ref("meter", o["meter"], f"{path}.meter")
        day = self.past(o["date"], f"{path}.date", "дата")
        if o["kind"] == "seal" and "seal" not in o:
            self.fail(f"{path}.seal", "у пломбы (kind seal) нужен её номер")
            return
        if meter and day:
            out["meter_event"].append((uid, o["id"], meter, o["kind"], o["date"], o.get("seal"), o.get("document"),
                                       o.get("note"), _extra(o)))

    def meter_verification(self, o: dict, path: str, uid: str, out: dict) -> None:
        meter = self.ref("meter", o["meter"], f"{path}.meter")
        made = self.past(o["verified_on"], f"{path}.verified_on", "дата поверки")
        until = self.date(o["valid_until"], f"{path}.valid_until")
        if made and until and until <= made:
            self.fail(f"{path}.valid_until", f"поверка до {format_date_ru(until)} — не позже дня поверки "
                                             f"{format_date_ru(made)}")
            return
        if meter and made and until:
            out["meter_verification"].append((uid, o["id"], meter, o["verified_on"], o["valid_until"],
                                              o.get("document"), _extra(o)))

    def reading(self, o: dict, path: str, uid: str, out: dict, *, house: bool = False) -> None:
        meter_ext = o["meter"]
        meter = self.ids["meter"].get(meter_ext)
        if meter is None:
            self.fail(f"{path}.meter", f"показание для неизвестного прибора учёта «{meter_ext}»")
            return
        info = self.meter_info.get(meter_ext)
        if info is None:  # the meter itself failed its checks and is reported there
            return
        mkind, zones = info
        if house != (mkind == "house"):
            self.fail(f"{path}.meter", "показания общедомового прибора передаются в house_readings, "
                                       "остальных — в readings" if house else
                      "прибор «%s» — общедомовой: его показания передаются в house_readings" % meter_ext)
            return
        values = o["values"]
        if set(values) not in ZONE_SETS[zones]:
            self.fail(f"{path}.values", f"прибор «{meter_ext}» имеет {zones} зон(ы): ожидаются показания "
                                        f"{' или '.join('/'.join(sorted(s)) for s in ZONE_SETS[zones])}")
            return
        if self.past(o["date"], f"{path}.date", "дата показания") is None:
            return
        zone_values = []
        for z in ZONES:
            v = values.get(z)
            if v is not None:
                if v[0] == "-":
                    self.fail(f"{path}.values.{z}", f"показание не может быть отрицательным: \"{v}\"")
                    return
                v = self.quantity(v, f"{path}.values.{z}")
                if v is None:
                    return
            zone_values.append(v)
        if "accepted" in o:
            accepted = o["accepted"]
            if self.past(accepted["on"], f"{path}.accepted.on", "дата принятия") is None:
                return
            self.accepted[uid] = {"by": accepted.get("by"), "on": accepted["on"], "reason": accepted["reason"]}
        out["house_reading" if house else "meter_reading"].append(
            (uid, o["id"], meter, o["date"], o.get("period"), o["source"], *zone_values,
             None if "extra" not in o else _extra(o)))

    def house_reading(self, o: dict, path: str, uid: str, out: dict) -> None:
        self.reading(o, path, uid, out, house=True)

    def absence(self, o: dict, path: str, uid: str, out: dict) -> None:
        person = self.ref("person", o["person"], f"{path}.person")
        _, _, ok = self.interval(o, path, allow_equal=True)
        docs = o.get("documents")
        if person and ok:
            out["absence"].append((uid, o["id"], person, o["from"], o["to"],
                                   None if docs is None else json.dumps(docs, ensure_ascii=False), _extra(o)))

    def quality_event(self, o: dict, path: str, uid: str, out: dict) -> None:
        service = self.ref("service", o["service"], f"{path}.service")
        house = self.ref("house", o.get("house"), f"{path}.house")
        premises = self.ref("premises", o.get("premises"), f"{path}.premises")
        ok = True
        moments = []
        for key in ("start", "end"):
            try:
                moment = parse_datetime(o[key])
            except InvalidValue as exc:
                self.fail(f"{path}.{key}", exc.reason)
                ok = False
                continue
            if not EARLIEST <= moment.date() <= LATEST:
                self.fail(f"{path}.{key}", f"дата {o[key][:10]} вне 1900–2100")
                ok = False
            moments.append(moment)
        if ok and moments[1] <= moments[0]:
            self.fail(f"{path}.end", "конец события должен быть позже начала")
            ok = False
        measured = self.quantity(o.get("measured"), f"{path}.measured")
        allowed = self.quantity(o.get("allowed"), f"{path}.allowed")
        if ("measured" not in o or measured is not None) and ("allowed" not in o or allowed is not None):
            for problem in quality_value_problems(o["kind"], None if measured is None else Decimal(measured),
                                                  None if allowed is None else Decimal(allowed)):
                self.fail(f"{path}.{problem.path}", problem.reason)
                ok = False
        if "entrance" in o and house is None:
            self.fail(f"{path}.entrance", "подъезд указывается у акта на дом (house)")
            ok = False
        elif "entrance" in o and house and o["entrance"] not in self.house_entrances(o["house"]):
            self.fail(f"{path}.entrance", f"в доме «{o['house']}» нет подъезда {o['entrance']}: ни у одного его "
                                          "помещения (в документе и в базе) нет такого entrance")
            ok = False
        supersedes = self.ref("quality_event", o.get("supersedes"), f"{path}.supersedes")
        if "supersedes" in o and supersedes is None:
            ok = False
        if service and ok and (house or premises):
            out["quality_event"].append((uid, o["id"], service, house, premises, o["start"], o["end"], o["kind"],
                                         measured, allowed, _extra(o), o.get("entrance"), supersedes))

    def payment_document(self, o: dict, path: str, uid: str, out: dict) -> None:
        """An ИПД names one document: one per account and month, and never two documents."""
        account = self.ref("account", o["account"], f"{path}.account")
        ok = account is not None
        for key, field, what in (((o["account"], o["period"]), "period",
                                  f"у лицевого счёта «{o['account']}» за {o['period']} уже есть ИПД"),
                                 (o["ipd"], "ipd", f"ИПД {o['ipd']} уже указан")):
            if key in self._documents:
                self.fail(f"{path}.{field}", f"{what} ({self._documents[key]})")
                ok = False
            else:
                self._documents[key] = path
        if ok:
            out["payment_document"].append((uid, o["id"], account, o["period"], o["ipd"], _extra(o)))

    def payment(self, o: dict, path: str, uid: str, out: dict) -> None:
        account = self.ref("account", o["account"], f"{path}.account")
        amount = self.money(o["amount"], f"{path}.amount", positive=True)
        commission = self.money(o.get("commission"), f"{path}.commission", non_negative=True)
        paid_on = self.past(o["paid_on"], f"{path}.paid_on", "дата оплаты")
        splits = o.get("services")
        ok = account is not None and paid_on is not None and amount is not None and amount > 0
        if ok and commission is not None and commission > amount:  # the agent's fee is withheld from the payment
            self.fail(f"{path}.commission", f"вознаграждение агента {o['commission']} больше суммы платежа "
                                            f"{o['amount']}")
            ok = False
        if splits is not None:
            total, seen = 0, set()
            for i, split in enumerate(splits):
                p = f"{path}.services[{i}]"
                service = self.ref("service", split["service"], f"{p}.service")
                part = self.money(split["amount"], f"{p}.amount", non_negative=True)
                if split["service"] in seen:
                    self.fail(p, f"услуга «{split['service']}» указана дважды")
                seen.add(split["service"])
                total += part or 0
                if service and part is not None:
                    out["payment_service_split"].append((uuid7(), uid, service, part))
            if amount is not None and total != amount and not self.problems_at(path):
                self.fail(f"{path}.services", f"сумма по услугам {total / 100:.2f} не равна сумме платежа {o['amount']}")
                ok = False
        if ok:
            out["payment"].append((uid, o["id"], account, amount, o["paid_on"], o.get("period"), o["channel"],
                                   o.get("agent"), commission, _extra(o)))

    def opening_balance(self, o: dict, path: str, uid: str, out: dict) -> None:
        """Owed to (or by) the supplier named, else to the service's supplier as the database holds it now
        (``service_suppliers``, filled by the importer before the batch): a debt stays with whom it was owed to
        when the service later moves to another supplier."""
        account = self.ref("account", o["account"], f"{path}.account")
        service = self.ref("service", o["service"], f"{path}.service")
        if "supplier" in o:
            supplier = self.ref("supplier", o["supplier"], f"{path}.supplier")
            ok = supplier is not None
        else:
            supplier, ok = self.service_suppliers.get(service or ""), True
        amount = self.money(o["amount"], f"{path}.amount")
        if account and service and ok and amount is not None:
            out["opening_balance"].append((uid, account, service, supplier, o["period"], amount, _extra(o)))


def find_overlaps(items: list[tuple[str, tuple, date, date | None]]) -> list[tuple[str, str]]:
    """Pairs (path, earlier path) whose half-open intervals overlap within the same key.

    `items` are (path, key, from, to); a missing `to` is open-ended.
    """
    by_key = defaultdict(list)
    for path, key, start, end in items:
        by_key[key].append((start, end or date.max, path))
    clashes = []
    for spans in by_key.values():
        spans.sort(key=lambda s: (s[0], s[1]))
        reach, reach_path = None, None
        for start, end, path in spans:
            if reach is not None and start < reach:
                clashes.append((path, reach_path))
            if reach is None or end > reach:
                reach, reach_path = end, path
    return clashes


def over_shared(items: list[tuple[str, str, str, date, date | None]]) -> list[tuple[str, str, Fraction, date]]:
    """(path, premises, share sum, day) for the first day each premises' owners' shares exceed 1/1 — at the path of
    the document's object that starts that day (or the last of them). ``items``: (path, premises, share, from, to);
    a share that does not parse is the schema's business and skipped here."""
    events: dict[str, list[tuple[date, Fraction, str]]] = defaultdict(list)
    for path, premises, share, start, end in items:
        try:
            part = parse_fraction(share)
        except InvalidValue:
            continue
        events[premises].append((start, part, path))
        if end is not None:
            events[premises].append((end, -part, path))
    out = []
    for premises, changes in events.items():
        changes.sort(key=lambda c: (c[0], c[1]))  # an end before a start on the same day
        total = Fraction(0)
        for day, part, path in changes:
            total += part
            if total > 1:
                out.append((path, premises, total, day))
                break
    return out


__all__ = ["Checker", "find_overlaps", "over_shared", "parse_decimal"]
