"""One house of the demo town and everything under it, as one exchange document."""

from __future__ import annotations

import random
import uuid

from .calendar import iso
from .layout import HouseSpec
from .meters import Metering
from .names import ABSENCE_DOCUMENTS, LUHN_3, SHOPS, inn10, luhn_sum
from .payments import Payer
from .people import People, Tenancy, occupancy
from .reference import (CITY, HEATING_SEASON, NINE_STOREY_NORMS, NORMS_SINCE, POSTCODE, REGION, norm_change_date, rub,
                        tariff_kop)

_HOUSE_ARRAYS = ("houses", "premises", "persons", "accounts", "registrations", "ownership", "meters", "readings",
                 "house_readings", "absences", "quality_events", "payments", "opening_balances", "tariffs", "norms")


# степень благоустройства, for people reading the card; norms carry no amenity (one level in the whole town)
_AMENITY = {"k9": "с ЦХВС, ЦГВС, ваннами 1500–1700 мм, с лифтом", "k5": "с ЦХВС, ЦГВС, ваннами 1500–1700 мм",
            "k3": "с ЦХВС, ЦГВС, ваннами 1500–1700 мм", "k2": "с ЦХВС, ЦГВС, душем", "k1": "с ЦХВС, ЦГВС, душем"}


def _area(t: int) -> str:
    return f"{t // 10}.{t % 10}"


MANAGERS = (("ООО «УК «Заречье»»", "668301582"), ("ООО «УК «Северная»»", "668302746"))
"""The town's management companies (the first is also the supplier of содержание); every fifth house is a ТСЖ."""
SECTIONS = 4


def managed(spec: HouseSpec) -> dict:
    """Who manages the house and its section (участок) — from the house's number and street alone, drawing nothing
    from the town's random stream (the same town as before step 35)."""
    from .names import STREETS

    if spec.code % 5 == 0:
        manager = {"name": f"ТСЖ «{spec.street.removeprefix('ул. ').removeprefix('пр. ')}, {spec.building}»",
                   "inn": inn10(f"6683{spec.code:05d}")}
    else:
        name, inn9 = MANAGERS[spec.code % 5 == 2]
        manager = {"name": name, "inn": inn10(inn9)}
    street = STREETS.index(spec.street) if spec.street in STREETS else spec.code
    return {"manager": manager, "section": f"Участок № {street % SECTIONS + 1}"}


class HouseBuilder:
    def __init__(self, town, spec: HouseSpec, rng: random.Random) -> None:
        self.town = town
        self.spec = spec
        self.rng = rng
        self.r = rng.random
        self.hp = f"h{spec.code:05d}"
        self.hid = self.hp
        self.doc: dict = {"format": "bcenter-exchange", "version": 1}
        for key in _HOUSE_ARRAYS:
            self.doc[key] = []
        self.n_accounts = 0
        if spec.code > 99_999:
            raise ValueError("the town has more than 99 999 houses: account numbers would not fit 10 digits")
        self.number_prefix = f"1{spec.code:05d}"
        self.luhn_prefix = luhn_sum(self.number_prefix, 3)

    def _ri(self, a: int, b: int) -> int:
        return a + int(self.r() * (b - a + 1))

    # ------------------------------------------------------------------------------------------------------------
    def build(self) -> tuple[dict, int]:
        """Returns the document and the number of accounts it opens."""
        town, spec, r = self.town, self.spec, self.r
        series = spec.series
        idx = spec.index
        if idx == 0:
            house_meters = series.floors >= 3      # the first house shows every case (unless it is a cottage)
        elif idx == 1:
            house_meters = False
        else:
            house_meters = r() < {"k9": 0.6, "k5": 0.35, "k3": 0.35}.get(series.code, 0.0)
        heat_meter = house_meters and (idx == 0 or r() < 0.7)
        lifts = series.floors >= 9

        people = People(self)
        metering = Metering(self, summing=house_meters)
        payer = Payer(self)
        payer.set_heating(not heat_meter, town.season)
        shutdown = self._summer_shutdown(metering)

        # ---- premises: flats entrance by entrance, floor by floor; shops on the ground floor ----------------------
        landing = series.landings[int(r() * len(series.landings))]
        pos_area = [self._ri(*series.areas.get(rooms, series.areas[max(series.areas)])) for rooms in landing]
        pos_living = [int(a * (0.55 + r() * 0.13)) for a in pos_area]
        shops = 0
        if not spec.last and series.code in ("k5", "k9", "k3"):
            if idx == 0:
                shops = 1
            else:
                x = r()
                p1 = {"k9": 0.3, "k5": 0.12, "k3": 0.3}[series.code]
                shops = 2 if x < p1 * 0.25 and spec.entrances >= 3 else (1 if x < p1 else 0)
        shop_entrances = {1, spec.entrances} if shops == 2 else ({1} if shops else set())
        flats = []    # (number, entrance, floor, position on the landing)
        shop_at = []  # (entrance, area_t)
        number = 0
        for e in range(1, spec.entrances + 1):
            converted = e in shop_entrances
            q = spec.per_floor[e - 1]
            gone = spec.missing[e - 1]
            for f in range(1, series.floors + 1):
                for p in range(q):
                    number += 1
                    if f == 1 and (converted or p < gone):
                        continue
                    flats.append((number, e, f, p))
            if converted:
                shop_at.append((e, int(sum(pos_area[:q]) * (0.85 + r() * 0.1))))
        # what kind of household each flat has; extra accounts only while the budget allows
        scenarios = []
        accounts = len(shop_at)
        for number, e, f, p in flats:
            rooms = landing[p]
            x = r()
            if not spec.last and rooms >= 2 and series.code in ("k5", "k3") and x < 0.025:
                sc = min(rooms, 3)           # a communal flat: 2 or 3 households, an account each
            elif not spec.last and x < 0.037:
                sc = -1                      # sold during the history: the old account closes, a new one opens
            elif x < 0.097:
                sc = 0                       # owners live elsewhere, nobody registered
            else:
                sc = 1
            scenarios.append(sc)
            accounts += 2 if sc in (-1, 2) else (3 if sc == 3 else 1)
        for i in range(len(scenarios) - 1, -1, -1):
            if accounts <= spec.budget:
                break
            if scenarios[i] in (-1, 2, 3):
                accounts -= (3 if scenarios[i] == 3 else 2) - 1
                scenarios[i] = 1

        total_t = 0
        premises = self.doc["premises"]
        mids = town.mids
        p_impossible = 0.01 if series.code == "k9" else 0.05
        for i, (number, e, f, p) in enumerate(flats):
            pid = f"{self.hp}-p{number}"
            rooms = landing[p]
            area_t = pos_area[p]
            if r() < 0.15:
                area_t += self._ri(-3, 3)
            total_t += area_t
            sc = scenarios[i]
            row = {"id": pid, "house": self.hid, "number": str(number), "kind": "residential",
                   "total_area": _area(area_t), "living_area": _area(pos_living[p]), "rooms": rooms,
                   "entrance": e, "floor": f}
            if sc >= 2:
                row["communal_flat"] = True
            replace, gap7 = self._designations()
            metered = replace or gap7
            if not metered and ((idx == 0 and i == 2) or r() < p_impossible):
                row["meter_impossible"] = ["cold_water", "hot_water"]
                water = False
            else:
                water = metered or r() >= 0.04        # some could have meters and have none (norm × K)
            x = r()
            zones = 0 if (x < 0.01 and not metered) else (1 if x < 0.26 else 2)
            if metered and not water and zones == 0:
                zones = 2
            if replace:
                self.town.pending_replace = False
            if gap7:
                self.town.pending_gap7 = False
            premises.append(row)

            # who lives here and who pays
            if sc == 1:
                tenancies = [people.family(pid)]
                if r() < 0.04:
                    tenancies[0].regs.append(people.tenant(pid))
            elif sc == 0:
                tenancies = [people.absent_owners(pid)]
            elif sc == -1:
                sold = people.in_history(90, 110)
                old = people.family(pid, end=sold, events=False)
                new = people.family(pid, acquired_after=sold, young=True, events=False)
                tenancies = [old, new]
            else:
                tenancies = people.communal(pid, sc, area_t)
            regs = [reg for t in tenancies for reg in t.regs]
            occ = occupancy(regs, mids)
            for t in tenancies:
                self._account(t, pid, t.area_t or area_t, payer, mids, residential=True,
                              occ=occ if len(tenancies) == 1 else None)
            metering.premises(pid, occ, water=water, zones=zones,
                              kind="common_apartment" if sc >= 2 else "individual",
                              replace=replace, gap7=gap7, empty_use=r() * 0.6 if sc == 0 else 0.0)
            if not water and regs and r() < 0.35:
                self._absence(regs, long=r() < 0.7)
            elif regs and r() < 0.01:
                self._absence(regs, long=r() < 0.7)

        for k, (e, area_t) in enumerate(shop_at, start=1):
            pid = f"{self.hp}-n{k}"
            total_t += area_t
            premises.append({"id": pid, "house": self.hid, "number": f"Н{k}", "kind": "nonresidential",
                             "total_area": _area(area_t), "entrance": e, "floor": 1})
            name = SHOPS[int(r() * len(SHOPS))]
            org = {"name": name, "inn": inn10(f"66{self._ri(0, 9999999):07d}")}
            t = people.organization(pid, org)
            self._account(t, pid, area_t, payer, mids, residential=False)
            replace, gap7 = self._designations()
            if replace:
                self.town.pending_replace = False
            if gap7:
                self.town.pending_gap7 = False
            metering.premises(pid, [1] * len(mids), water=True, zones=1, nonresidential=True, replace=replace,
                              gap7=gap7)

        common_t = total_t * self._ri(*series.common_share) // 1000
        if house_meters:
            metering.house_meters(self.hid, total_area_t=total_t, common_area_t=common_t, heat=heat_meter,
                                  lifts=lifts)
        heating = ({"method": "house_meter", "payment": "year_evenly"} if heat_meter else
                   {"method": "norm", "payment": "season", "season_months": list(HEATING_SEASON)})
        address = {"postcode": POSTCODE, "region": REGION, "city": CITY, "street": spec.street,
                   "building": spec.building}
        if spec.block:
            address["block"] = spec.block
        self.doc["houses"].append({
            "id": self.hid, "address": address, "total_area": _area(total_t), "common_area": _area(common_t),
            "fias": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), "heating": heating,
            **managed(spec),
            "services": town.house_services,
            "extra": {"floors": series.floors, "entrances": spec.entrances, "built": spec.built,
                      "walls": spec.walls, "lifts": lifts, "amenity": _AMENITY.get(series.code, _AMENITY["k5"])},
        })
        self._quality_events(shutdown)
        self._house_tariffs(heat_meter, lifts)
        return self.doc, self.n_accounts

    # ------------------------------------------------------------------------------------------------------------
    def _account_number(self, seq: int) -> str:
        """10 digits: "1", the house code (5), the account's place in the house (3), a Luhn check digit."""
        if seq > 999:
            raise ValueError("more than 999 accounts in one house")
        return f"{self.number_prefix}{seq:03d}{(10 - (self.luhn_prefix + LUHN_3[seq]) % 10) % 10}"

    def _designations(self) -> tuple[bool, bool]:
        """One replaced meter per 200 premises and one 7-month silence per 1 000, counted town-wide; the duty
        waits for the next premises when this one cannot carry it."""
        town = self.town
        g = town.premises_g
        town.premises_g = g + 1
        if g % 200 == 23:
            town.pending_replace = True
        if g % 1000 == 113:
            town.pending_gap7 = True
        return town.pending_replace, town.pending_gap7 and not town.pending_replace

    def _account(self, t: Tenancy, pid: str, area_t: int, payer: Payer, mids, *, residential: bool,
                 occ: list[int] | None = None) -> None:
        town = self.town
        self.n_accounts += 1
        aid = self._account_number(self.n_accounts)
        F = town.history.first_day
        if t.opened < F:
            services = town.res_services if residential else town.nonres_services
            s_from = 1
        else:
            services = [{"service": s["service"], "from": iso(t.opened)} for s in town.res_services]
            s_from = town.history.slot_of(t.opened)
        row = {"id": aid, "number": aid, "premises": pid, "opened": iso(t.opened)}
        s_to = len(mids) - 1
        if t.closed is not None:
            row["closed"] = iso(t.closed)
            services = [{"service": s["service"], "from": s["from"], "to": iso(t.closed)} for s in services]
            s_to = town.history.slot_of(t.closed)
        row["holder"] = t.holder
        if t.share:
            row["share"] = t.share
        row["services"] = services
        self.doc["accounts"].append(row)
        if occ is None:
            occ = occupancy(t.regs, mids) if t.regs else [0] * len(mids)
        payer.account(aid, area_t, occ, s_from, s_to, owners=t.owners, organization=t.organization,
                      opening=t.opened < F)

    def _absence(self, regs, *, long: bool) -> None:
        """Temporary absence: > 5 full days (recalculated where there is no meter) or a short one (not)."""
        town = self.town
        F, L = town.history.first_day, town.history.last_day
        candidates = [(a, b, pid) for a, b, pid in regs if b - a > 60]
        if not candidates:
            return
        a, b, pid = candidates[int(self.r() * len(candidates))]
        lo, hi = max(F, a) + 3, min(L, b) - 40
        if lo >= hi:
            return
        away = self._ri(6, 30) if long else self._ri(1, 5)     # full days between departure and return
        start = self._ri(lo, hi)
        row = {"id": f"{self.hp}-a{len(self.doc['absences']) + 1}", "person": pid, "from": iso(start),
               "to": iso(start + away + 1)}
        if long:
            row["documents"] = list(ABSENCE_DOCUMENTS[int(self.r() * len(ABSENCE_DOCUMENTS))])
        self.doc["absences"].append(row)

    # ---- quality events --------------------------------------------------------------------------------------------
    def _summer_shutdown(self, metering: Metering):
        """Half the houses lose hot water for 10–13 days in summer (planned maintenance of the mains)."""
        r = self.r
        if r() >= 0.5:
            return None
        summer = [s for s, mo in enumerate(self.town.history.slots) if s >= 1 and mo.month in (6, 7, 8)]
        if not summer:
            return None
        s = summer[int(r() * len(summer))]
        metering.shutdown = s
        mo = self.town.history.slots[s]
        start = mo.first + self._ri(0, 14)
        return start, 9, start + self._ri(10, 13), 18

    def _when(self, s_lo: int = 1, months=None, hours: tuple[int, int] = (2, 30)) -> tuple[str, str]:
        slots = self.town.history.slots
        choices = [s for s in range(s_lo, len(slots)) if months is None or slots[s].month in months]
        mo = slots[choices[int(self.r() * len(choices))]]
        day = mo.first + self._ri(0, mo.days - 4)
        hour = self._ri(0, 23)
        end = hour + self._ri(*hours)
        return self._dt(day, hour), self._dt(day + end // 24, end % 24)

    @staticmethod
    def _dt(o: int, hour: int) -> str:
        return f"{iso(o)}T{hour:02d}:00:00+03:00"

    def _quality_events(self, shutdown) -> None:
        r = self.r
        events = self.doc["quality_events"]

        def add(service, kind, start, end, *, measured=None, premises=None):
            row = {"id": f"{self.hp}-q{len(events) + 1}", "service": service}
            if premises:
                row["premises"] = premises
            else:
                row["house"] = self.hid
            row.update({"start": start, "end": end, "kind": kind})
            if measured is not None:
                row["measured"] = measured
            events.append(row)

        if shutdown:
            a, ha, b, hb = shutdown
            add("hot_water", "interruption", self._dt(a, ha), self._dt(b, hb))
        if r() < 0.3:
            add("cold_water", "interruption", *self._when(hours=(5, 30)))
        if r() < 0.15:
            add("electricity", "interruption", *self._when(hours=(2, 9)))
        if r() < 0.2:
            add("hot_water", "temperature", *self._when(hours=(6, 72)), measured=str(self._ri(36, 52)))
        if r() < 0.1:
            add("heating", "interruption", *self._when(months=(1, 2, 3, 11, 12), hours=(20, 40)))
        residential = [p["id"] for p in self.doc["premises"] if p["kind"] == "residential"]
        if residential and r() < 0.15:
            start, end = self._when(months=(1, 2, 12), hours=(48, 120))
            add("heating", "temperature", start, end, measured=f"{self._ri(140, 170) / 10:.1f}",
                premises=residential[int(r() * len(residential))])

    # ---- house-specific tariffs and norms ----------------------------------------------------------------------
    def _house_tariffs(self, heat_meter: bool, lifts: bool) -> None:
        """A few houses set their own maintenance rate at a general meeting; 9-storey houses have norms of their
        category (heating, common-property electricity with lifts)."""
        r = self.r
        hist = self.town.history
        if self.spec.index >= 2 and r() < 0.15:
            year, o = hist.julys[0]
            a = int(tariff_kop("maintenance", year) * (0.85 + r() * 0.4))
            b = int(a * (1.04 + r() * 0.08))
            change = hist.slots[self._ri(3, 12)].first
            tariffs = self.doc["tariffs"]
            tariffs.append({"id": f"{self.hp}.maintenance.1", "service": "maintenance", "from": iso(o),
                            "to": iso(change), "rate": rub(a), "house": self.hid})
            tariffs.append({"id": f"{self.hp}.maintenance.2", "service": "maintenance", "from": iso(change),
                            "rate": rub(b), "house": self.hid})
        if lifts:
            change = norm_change_date(hist)
            norms = self.doc["norms"]
            for service, (before, after) in NINE_STOREY_NORMS.items():
                if service == "heating" and heat_meter:
                    continue
                per = "m2" if service == "heating" else "common_m2"
                norms.append({"id": f"{self.hp}.{service}.norm", "service": service, "from": NORMS_SINCE,
                              "to": change, "value": before, "per": per, "house": self.hid})
                norms.append({"id": f"{self.hp}.{service}.norm.{change[:4]}", "service": service, "from": change,
                              "value": after, "per": per, "house": self.hid})
