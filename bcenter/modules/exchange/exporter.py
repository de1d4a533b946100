"""Export of the database into an exchange document (EXCHANGE.md) — the inverse of the importer.

Objects keep the ids they were imported with (``ext_id``); objects created inside bcenter are exported
under their UUID. Rows come out in creation order (UUIDv7 keys are time-ordered), so importing an export
into an empty database and exporting again gives the same document. The file is written array by
array, so memory stays bounded by one row at a time.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterator, TextIO

import peewee as pw

from db.dialect import db_id, param_mark
from db.queries import live_payment

from bcenter.core.access import PERSONAL_MASK
from bcenter.core.money import format_kop
from bcenter.core.vocabulary import ZONES
from bcenter.modules.exchange.tables import COLUMNS
from db.sealing import keyring

SNILS_MASK = "000-000-000 00"  # keeps the masked document valid against the schema


def _d(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _put(obj: dict, key: str, value: Any) -> None:
    if value is not None:
        obj[key] = value


PAYER_FIELDS = frozenset({"payer", "address", "document"})
"""A registry payment's particulars that name the payer (``finance.registry_import.payment_extra``): masked."""


def _extra(obj: dict, value: str | None) -> dict:
    if value is not None:
        obj["extra"] = json.loads(value)
    return obj


class Exporter:
    """Streams the exchange document of a database."""

    def __init__(self, db: pw.Database, *, mask_personal_data: bool = False, hide_names: bool = False,
                 only: tuple[str, str] | None = None):
        """``only``: (table, row id) — that table's rows limited to the one (an editing form reads one record as
        the document carries it). ``hide_names`` (a masked export for a role that may not read the passport desk's
        cards, ``PASSPORT_READ``): persons are pseudonyms — their id and «***» for the names, nothing else; a
        registration keeps who (the pseudonym), where and when (what the month counts residents by), not the
        relation; an absence keeps its dates, not its documents."""
        self.db = db
        self.mask = mask_personal_data or hide_names
        self.hide_names = hide_names
        self.ext: dict[str, dict[str, str]] = {}
        self.only = only

    def _rows(self, table: str, columns: tuple[str, ...] | None = None, where: str = "") -> Iterator[tuple]:
        cols = columns or COLUMNS[table]
        params: tuple = ()
        if self.only is not None and self.only[0] == table:
            where = f"{where} {'AND' if where else 'WHERE'} id = {param_mark(self.db)}"
            params = (db_id(self.only[1]),)
        cursor = self.db.execute_sql(f'SELECT {", ".join(cols)} FROM "{table}" {where} ORDER BY id', params)
        while True:
            batch = cursor.fetchmany(2000)
            if not batch:
                return
            yield from batch

    def _ids(self, table: str) -> dict[str, str]:
        """UUID → the id shown in the document (ext_id, or the UUID itself)."""
        if table not in self.ext:
            self.ext[table] = {str(uid): (ext if ext is not None else str(uid))
                               for uid, ext in self.db.execute_sql(f'SELECT id, ext_id FROM "{table}"')}
        return self.ext[table]

    def _links(self, table: str, owner_col: str) -> dict[str, list[dict]]:
        services = self._ids("service")
        out: dict[str, list[dict]] = {}
        where, params = "", ()
        if self.only is not None and owner_col == f"{self.only[0]}_id":  # one record's links only
            where, params = f"WHERE {owner_col} = {param_mark(self.db)}", (db_id(self.only[1]),)
        cursor = self.db.execute_sql(f'SELECT {", ".join(COLUMNS[table])} FROM "{table}" {where} ORDER BY id', params)
        for _, owner, service, start, end in cursor:
            link = {"service": services[str(service)], "from": _d(start)}
            _put(link, "to", _d(end))
            out.setdefault(str(owner), []).append(link)
        return out

    # --- sections -----------------------------------------------------------------------------
    def organization(self) -> dict | None:
        row = self.db.execute_sql('SELECT id, name, inn, kpp, ogrn, address, phone, email, site, extra '
                                  'FROM "organization" ORDER BY id LIMIT 1').fetchone()
        if row is None:
            return None
        org_id, name, inn, kpp, ogrn, address, phone, email, site, extra = row
        obj = {"name": name, "inn": inn}
        for key, value in (("kpp", kpp), ("ogrn", ogrn)):
            _put(obj, key, value)
        obj["address"] = address
        for key, value in (("phone", phone), ("email", email), ("site", site)):
            _put(obj, key, value)
        bank = self._bank("organization_id", org_id)
        if bank:
            obj["bank"] = bank
        return _extra(obj, extra)

    def _bank(self, column: str, owner: Any) -> dict | None:
        mark = param_mark(self.db)
        row = self.db.execute_sql(f'SELECT bank_name, bic, corr_account, account FROM "bank_detail" '
                                  f'WHERE {column} = {mark} ORDER BY id LIMIT 1', (db_id(owner),)).fetchone()
        if row is None:
            return None
        return {"name": row[0], "bic": row[1], "corr_account": row[2], "account": row[3]}

    def settings(self) -> dict | None:
        rows = list(self.db.execute_sql('SELECT key, value FROM "setting" ORDER BY key'))
        return {key: json.loads(value) for key, value in rows} or None

    def suppliers(self) -> Iterator[dict]:
        banks = {}
        for _, _, supplier, name, bic, corr, account, _ in self._rows("bank_detail", where="WHERE supplier_id IS NOT NULL"):
            banks.setdefault(str(supplier), {"name": name, "bic": bic, "corr_account": corr, "account": account})
        for uid, ext, name, inn, kpp, phone, extra, address in self._rows("supplier"):
            obj = {"id": ext or str(uid), "name": name, "inn": inn}
            _put(obj, "kpp", kpp)
            _put(obj, "phone", phone)
            _put(obj, "address", address)
            obj["bank"] = banks.get(str(uid))
            yield _extra(obj, extra)

    def services(self) -> Iterator[dict]:
        suppliers = self._ids("supplier")
        for uid, ext, name, kind, resource, unit, supplier, penalty_rule, order, extra in self._rows("service"):
            obj = {"id": ext, "name": name, "kind": kind}
            _put(obj, "resource", resource)
            obj["unit"] = unit
            obj["supplier"] = suppliers[str(supplier)]
            _put(obj, "penalty_rule", penalty_rule)
            _put(obj, "order", order)
            yield _extra(obj, extra)

    def tariffs(self) -> Iterator[dict]:
        services, houses = self._ids("service"), self._ids("house")
        for uid, ext, service, house, zone, start, end, rate, cw, heat, per_m3, extra in self._rows("tariff"):
            obj = {"id": ext or str(uid), "service": services[str(service)], "from": _d(start)}
            _put(obj, "to", _d(end))
            if rate is not None:
                obj["rate"] = rate
            else:
                obj["components"] = {"cold_water_rate": cw, "heat_rate": heat, "heat_per_m3": per_m3}
            _put(obj, "zone", zone)
            if house is not None:
                obj["house"] = houses[str(house)]
            yield _extra(obj, extra)

    def norms(self) -> Iterator[dict]:
        services, houses = self._ids("service"), self._ids("house")
        for uid, ext, service, house, amenity, per, start, end, value, extra in self._rows("norm"):
            obj = {"id": ext or str(uid), "service": services[str(service)], "from": _d(start)}
            _put(obj, "to", _d(end))
            obj["value"] = value
            obj["per"] = per
            if house is not None:
                obj["house"] = houses[str(house)]
            _put(obj, "amenity", amenity)
            yield _extra(obj, extra)

    def key_rates(self) -> Iterator[dict]:
        for _, start, rate, _, extra in self._rows("key_rate", where="WHERE source = 'document'"):
            yield _extra({"from": _d(start), "rate": rate}, extra)

    def moratoria(self) -> Iterator[dict]:
        for _, start, end, before, _, extra in self._rows("moratorium", where="WHERE source = 'document'"):
            yield _extra({"from": _d(start), "to": _d(end),
                          "applies_to": "all" if before is None else {"debts_before": _d(before)}}, extra)

    def houses(self) -> Iterator[dict]:
        links = self._links("house_service", "house_id")
        for (uid, ext, region, city, street, building, block, total, common, fias, method, payment, months,
             extra, postcode, manager_name, manager_inn, section) in self._rows("house"):
            address = {}
            _put(address, "postcode", postcode)
            _put(address, "region", region)
            address.update(city=city, street=street, building=building)
            _put(address, "block", block)
            obj = {"id": ext or str(uid), "address": address, "total_area": total, "common_area": common}
            _put(obj, "fias", fias)
            heating = {"method": method, "payment": payment}
            if months:
                heating["season_months"] = [int(m) for m in months.split(",")]
            obj["heating"] = heating
            if str(uid) in links:
                obj["services"] = links[str(uid)]
            if manager_name:
                obj["manager"] = {"name": manager_name, "inn": manager_inn}
            _put(obj, "section", section)
            yield _extra(obj, extra)

    def premises(self) -> Iterator[dict]:
        houses = self._ids("house")
        for (uid, ext, house, number, kind, total, living, rooms, entrance, floor, communal, impossible,
             extra) in self._rows("premises"):
            obj = {"id": ext or str(uid), "house": houses[str(house)], "number": number, "kind": kind,
                   "total_area": total}
            for key, value in (("living_area", living), ("rooms", rooms), ("entrance", entrance), ("floor", floor)):
                _put(obj, key, value)
            if communal:
                obj["communal_flat"] = True
            if impossible:
                obj["meter_impossible"] = impossible.split(",")
            yield _extra(obj, extra)

    def persons(self) -> Iterator[dict]:
        ring = keyring()
        for uid, ext, last, first, middle, dkind, extra, sealed in self._rows("person"):
            private = ring.unseal(sealed)  # masked or not, the document says which fields the person has
            birth, dseries, dnumber, dby, don, snils, phone, email = (private.get(k) for k in (
                "birth_date", "document_series", "document_number", "document_issued_by", "document_issued_on",
                "snils", "phone", "email"))
            if self.hide_names:
                yield {"id": ext or str(uid), "last_name": PERSONAL_MASK, "first_name": PERSONAL_MASK}
                continue
            obj = {"id": ext or str(uid), "last_name": last, "first_name": first}
            _put(obj, "middle_name", middle)
            if not self.mask:  # a masked document leaves the birth date out (no date field takes a mask)
                _put(obj, "birth_date", _d(birth))
                _put(obj, "birth_place", private.get("birth_place"))
            if dkind is not None or dnumber is not None:
                doc = {"kind": dkind}
                if self.mask:  # the kind of document stays; what identifies it does not
                    if dseries is not None:
                        doc["series"] = PERSONAL_MASK
                    doc["number"] = PERSONAL_MASK
                else:
                    _put(doc, "series", dseries)
                    doc["number"] = dnumber
                    _put(doc, "issued_by", dby)
                    _put(doc, "issued_on", _d(don))
                obj["document"] = doc
            if self.mask:
                _put(obj, "snils", None if snils is None else SNILS_MASK)
                _put(obj, "phone", None if phone is None else PERSONAL_MASK)
                _put(obj, "email", None if email is None else PERSONAL_MASK)
            else:
                _put(obj, "snils", snils)
                _put(obj, "phone", phone)
                _put(obj, "email", email)
            yield _extra(obj, extra)

    def accounts(self) -> Iterator[dict]:
        premises, persons = self._ids("premises"), self._ids("person")
        links = self._links("account_service", "account_id")
        for (uid, ext, number, prem, opened, closed, person, org_name, org_inn, share,
             extra, els, gis_id) in self._rows("account"):
            obj = {"id": ext or str(uid), "number": number, "premises": premises[str(prem)], "opened": _d(opened)}
            _put(obj, "closed", _d(closed))
            obj["holder"] = ({"person": persons[str(person)]} if person is not None
                             else {"organization": {"name": org_name, "inn": org_inn}})
            _put(obj, "share", share)
            obj["services"] = links.get(str(uid), [])
            _put(obj, "els", els)
            _put(obj, "gis_id", gis_id)
            yield _extra(obj, extra)

    def registrations(self) -> Iterator[dict]:
        persons, premises, own = self._ids("person"), self._ids("premises"), self._ids("registration")
        for uid, ext, person, prem, kind, start, end, relation, extra, supersedes in self._rows("registration"):
            obj = {"id": ext or str(uid), "person": persons[str(person)], "premises": premises[str(prem)],
                   "kind": kind, "from": _d(start)}
            _put(obj, "to", _d(end))
            _put(obj, "relation", None if self.hide_names else relation)
            _put(obj, "supersedes", None if supersedes is None else own[str(supersedes)])
            yield _extra(obj, extra)

    def ownership(self) -> Iterator[dict]:
        persons, premises, own = self._ids("person"), self._ids("premises"), self._ids("ownership")
        for uid, ext, person, org_name, org_inn, prem, share, start, end, extra, supersedes in self._rows("ownership"):
            owner = ({"person": persons[str(person)]} if person is not None
                     else {"organization": {"name": org_name, "inn": org_inn}})
            obj = {"id": ext or str(uid), "owner": owner, "premises": premises[str(prem)], "share": share,
                   "from": _d(start)}
            _put(obj, "to", _d(end))
            _put(obj, "supersedes", None if supersedes is None else own[str(supersedes)])
            yield _extra(obj, extra)

    def meters(self) -> Iterator[dict]:
        premises, houses = self._ids("premises"), self._ids("house")
        meters = self._ids("meter")
        for (uid, ext, serial, resource, kind, prem, house, zones, digits, installed, verified, removed,
             *initial, extra, replaces) in self._rows("meter"):
            obj = {"id": ext or str(uid), "serial": serial, "resource": resource, "kind": kind}
            if prem is not None:
                obj["premises"] = premises[str(prem)]
            if house is not None:
                obj["house"] = houses[str(house)]
            obj.update(zones=zones, digits=digits, installed=_d(installed))
            _put(obj, "verified_until", _d(verified))
            _put(obj, "removed", _d(removed))
            obj["initial"] = {z: v for z, v in zip(ZONES, initial) if v is not None}
            if replaces is not None:
                obj["replaces"] = meters[str(replaces)]
            yield _extra(obj, extra)

    def meter_events(self) -> Iterator[dict]:
        meters = self._ids("meter")
        for uid, ext, meter, kind, day, seal, document, note, extra in self._rows("meter_event"):
            obj = {"id": ext or str(uid), "meter": meters[str(meter)], "kind": kind, "date": _d(day)}
            _put(obj, "seal", seal)
            _put(obj, "document", document)
            _put(obj, "note", note)
            yield _extra(obj, extra)

    def meter_verifications(self) -> Iterator[dict]:
        meters = self._ids("meter")
        for uid, ext, meter, made, until, document, extra in self._rows("meter_verification"):
            obj = {"id": ext or str(uid), "meter": meters[str(meter)], "verified_on": _d(made),
                   "valid_until": _d(until)}
            _put(obj, "document", document)
            yield _extra(obj, extra)

    def _readings(self, table: str) -> Iterator[dict]:
        meters = self._ids("meter")
        decisions = {} if table != "meter_reading" else {  # readings a person accepted: few
            str(uid): json.loads(checks).get("decision") for uid, checks in self.db.execute_sql(
                'SELECT id, checks FROM "meter_reading" WHERE status = \'confirmed\'')}
        for uid, ext, meter, day, period, source, *values, extra in self._rows(table):
            obj = {"id": ext or str(uid), "meter": meters[str(meter)], "date": _d(day),
                   "values": {z: v for z, v in zip(ZONES, values) if v is not None}, "source": source}
            _put(obj, "period", period)
            decision = decisions.get(str(uid))
            if decision:
                obj["accepted"] = {k: decision[k] for k in ("by", "on", "reason") if decision.get(k)}
            yield _extra(obj, extra)

    def readings(self) -> Iterator[dict]:
        return self._readings("meter_reading")

    def house_readings(self) -> Iterator[dict]:
        return self._readings("house_reading")

    def absences(self) -> Iterator[dict]:
        persons = self._ids("person")
        for uid, ext, person, start, end, documents, extra in self._rows("absence"):
            obj = {"id": ext or str(uid), "person": persons[str(person)], "from": _d(start), "to": _d(end)}
            if documents is not None and not self.hide_names:  # what the documents say is the person's own
                obj["documents"] = json.loads(documents)
            yield _extra(obj, extra)

    def quality_events(self) -> Iterator[dict]:
        services, houses, premises = self._ids("service"), self._ids("house"), self._ids("premises")
        acts = self._ids("quality_event")
        for (uid, ext, service, house, prem, start, end, kind, measured, allowed, extra, entrance,
             supersedes) in self._rows("quality_event"):
            obj = {"id": ext or str(uid), "service": services[str(service)]}
            if house is not None:
                obj["house"] = houses[str(house)]
            if prem is not None:
                obj["premises"] = premises[str(prem)]
            obj.update(start=start, end=end, kind=kind)
            _put(obj, "measured", measured)
            _put(obj, "allowed", allowed)
            _put(obj, "entrance", entrance)
            _put(obj, "supersedes", None if supersedes is None else acts[str(supersedes)])
            yield _extra(obj, extra)

    def payments(self) -> Iterator[dict]:
        accounts, services = self._ids("account"), self._ids("service")
        splits: dict[str, list[dict]] = {}
        for _, payment, service, amount in self._rows("payment_service_split"):
            splits.setdefault(str(payment), []).append({"service": services[str(service)],
                                                        "amount": format_kop(amount)})
        # a reversed payment and its storno are left out together: the document knows no storno of a payment,
        # and the pair is as if neither were (db.queries.live_payment)
        for uid, ext, account, amount, paid_on, period, channel, agent, commission, extra in self._rows(
                "payment", where=f'WHERE {live_payment("payment")}'):
            obj = {"id": ext or str(uid), "account": accounts[str(account)], "amount": format_kop(amount),
                   "paid_on": _d(paid_on)}
            _put(obj, "period", period)
            obj["channel"] = channel
            _put(obj, "agent", agent)
            if commission is not None:
                obj["commission"] = format_kop(commission)
            if str(uid) in splits:
                obj["services"] = splits[str(uid)]
            obj = _extra(obj, extra)
            if self.mask and isinstance(obj.get("extra"), dict):  # a bank line's payer: name, address, document
                obj["extra"] = {k: ("***" if k in PAYER_FIELDS else v) for k, v in obj["extra"].items()}
            yield obj

    def payment_documents(self) -> Iterator[dict]:
        accounts = self._ids("account")
        for uid, ext, account, period, ipd, extra in self._rows("payment_document"):
            yield _extra({"id": ext or str(uid), "account": accounts[str(account)], "period": period, "ipd": ipd},
                         extra)

    def opening_balances(self) -> Iterator[dict]:
        """``supplier`` only where it is not the service's supplier (a service moved since): what the import fills in
        by default is left out, so a document that needs no more than an earlier release knows stays readable there."""
        accounts, services, suppliers = self._ids("account"), self._ids("service"), self._ids("supplier")
        current = {str(s): str(p) for s, p in self.db.execute_sql('SELECT id, supplier_id FROM "service"')}
        for _, account, service, supplier, period, amount, extra in self._rows("opening_balance"):
            obj = {"account": accounts[str(account)], "service": services[str(service)], "period": period,
                   "amount": format_kop(amount)}
            if current.get(str(service)) != str(supplier):
                obj["supplier"] = suppliers[str(supplier)]
            yield _extra(obj, extra)

    def closed_periods(self) -> Iterator[str]:
        for (period,) in self.db.execute_sql("SELECT period FROM billing_period WHERE state = 'closed' ORDER BY period"):
            yield period

    # --- the document ---------------------------------------------------------------------------
    SECTIONS: tuple[str, ...] = (
        "suppliers", "services", "tariffs", "norms", "key_rates", "moratoria", "houses", "premises", "persons",
        "accounts", "registrations", "ownership", "meters", "meter_events", "meter_verifications", "readings",
        "house_readings", "absences",
        "quality_events", "payments", "payment_documents", "opening_balances", "closed_periods",
    )

    def write(self, out: TextIO, *, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
        """Write the whole document to `out`; returns the number of objects per array."""
        counts: dict[str, int] = {}
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode
        out.write('{"format":"bcenter-exchange","version":1' + (',"masked":true' if self.mask else ""))
        for single in ("organization", "settings"):
            value = getattr(self, single)()
            if value is not None:
                out.write(f',\n"{single}":{dumps(value)}')
        for section in self.SECTIONS:
            n = 0
            for obj in getattr(self, section)():
                out.write((f',\n"{section}":[\n' if n == 0 else ",\n") + dumps(obj))
                n += 1
            if n:
                out.write("\n]")
                counts[section] = n
                if progress:
                    progress(section, n)
        out.write("}\n")
        return counts

    def document(self) -> dict:
        """The whole document as a dict (tests and small databases)."""
        import io

        buffer = io.StringIO()
        self.write(buffer)
        return json.loads(buffer.getvalue())


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))
