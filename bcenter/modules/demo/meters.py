"""Meters of one house and their monthly readings.

Consumption is simulated per flat and month (cold 2–4 m³, hot 1.5–3 m³, electricity 80–150 kWh by day and
30–60 kWh by night per resident) and accumulated into the readings, so every meter's readings never decrease.
The house meters read the sum of the flats plus common use and losses (a few months read less, as real
house meters sometimes do). Water is counted in litres and printed with 3 decimals; electricity in whole kWh.
"""

from __future__ import annotations

from operator import add

from .calendar import iso

YEAR = 365.2425
INTERVAL_YEARS = {"cold_water": 6, "hot_water": 4, "electricity": 16, "heating": 4}
HOUSE_INTERVAL_YEARS = {"cold_water": 6, "hot_water": 6, "electricity": 16, "heating": 4}
_RESIDENT = "resident"
_INSPECTOR = "inspector"
_DEVICE = "device"
# Gcal per m² of the house in each calendar month (heating season October–May)
HEAT_MILLI_GCAL_PER_M2 = (0, 32, 28, 24, 15, 5, 0, 0, 0, 0, 12, 22, 30)


def _litres(v: int) -> str:
    return f"{v // 1000}.{v % 1000:03d}"


class Metering:
    """Meters, readings and the monthly sums a house meter sees, for one house."""

    def __init__(self, b, *, summing: bool) -> None:
        self.b = b
        self.summing = summing      # the house has meters of its own: keep the monthly sums of the flats
        self.r = b.rng.random
        self.hp = b.hp
        town = b.town
        self.town = town
        h = town.history
        self.slots = h.slots
        self.n = len(h.slots)
        self.keys = town.slot_keys
        self.meters = b.doc["meters"]
        self.readings = b.doc["readings"]
        self.house_readings = b.doc["house_readings"]
        self.n_meter = 0
        self.sum_cold = [0] * self.n
        self.sum_hot = [0] * self.n
        self.sum_el = [0] * self.n
        self.shutdown: int | None = None     # the slot of the summer hot-water shutdown, if any
        self.no_gaps = bytes(self.n)
        self.L = h.last_day
        self.slot0_first = h.slots[0].first
        self.slot0_mid = h.slots[0].mid

    # ---- meters --------------------------------------------------------------------------------------------------
    def _serial(self) -> str:
        town = self.town
        n = town.meter_serial
        town.meter_serial = n + 1
        return f"{(n * 48_271_517 + town.serial_mix) % 90_000_000 + 10_000_000}"

    def meter(self, resource: str, kind: str, where: tuple[str, str], zones: int, digits: int, installed: int,
              verified: int, initial: dict, removed: int | None = None) -> str:
        self.n_meter += 1
        mid = f"{self.hp}-m{self.n_meter}"
        row = {"id": mid, "serial": self._serial(), "resource": resource, "kind": kind, where[0]: where[1],
               "zones": zones, "digits": digits, "installed": iso(installed), "verified_until": iso(verified),
               "initial": initial}
        if removed is not None:
            row["removed"] = iso(removed)
        self.meters.append(row)
        return mid

    def _installed_before(self, years: int, within: int | None = None) -> tuple[int, int]:
        """Installed before the history (at most ``within`` years before its end), with its verification valid
        past the end of it."""
        lo = self.L - int(min(years, within or years) * YEAR) + 40
        hi = self.slot0_first - 30
        o = lo + int(self.r() * (hi - lo))
        return o, o + int(years * YEAR)

    def _gaps(self, seven: bool) -> bytes:
        """Months without a reading: most meters none, some 1–3 in a row, the chosen one 7 (and then back)."""
        if seven:
            g = bytearray(self.n)
            for s in range(4, 11):
                g[s] = 1
            return bytes(g)
        r = self.r
        if r() >= 0.1:
            return self.no_gaps
        g = bytearray(self.n)
        start = 1 + int(r() * (self.n - 1))
        for s in range(start, min(self.n, start + 1 + int(r() * 3))):
            g[s] = 1
        return bytes(g)

    # ---- readings ------------------------------------------------------------------------------------------------
    def _habits(self, seven: bool) -> tuple[tuple, tuple, bytes]:
        """Reading dates (a day 20–25 each month, drawn from the town's patterns), who read it (the resident, in
        some months an inspector's check) and the months without a reading."""
        r = self.r
        town = self.town
        dates = town.reading_rows[int(r() * len(town.reading_rows))]
        src = town.all_resident
        if r() < 0.35:
            k = int(r() * self.n)
            src = src[:k] + (_INSPECTOR,) + src[k + 1:]
        return dates, src, self._gaps(seven)

    def _total(self, mid: str, inc: list[int], v: int, s_from: int, s_to: int, habits, div: int) -> int:
        """One-zone readings for slots s_from..s_to-1 printed as whole units (v // div); ``v`` is the value at
        slot s_from. Returns the value at the last slot."""
        dates, src, gaps = habits
        append = self.readings.append
        keys = self.keys
        s = s_from
        if not gaps[s]:
            append({"id": mid + keys[s], "meter": mid, "date": dates[s], "values": {"total": str(v // div)},
                    "source": src[s]})
        if gaps is self.no_gaps:
            for s in range(s_from + 1, s_to):
                v += inc[s]
                append({"id": mid + keys[s], "meter": mid, "date": dates[s], "values": {"total": str(v // div)},
                        "source": src[s]})
            return v
        for s in range(s_from + 1, s_to):
            v += inc[s]
            if not gaps[s]:
                append({"id": mid + keys[s], "meter": mid, "date": dates[s], "values": {"total": str(v // div)},
                        "source": src[s]})
        return v

    def _litres(self, mid: str, inc: list[int], v: int, s_from: int, s_to: int, habits) -> int:
        """As ``_total`` for water read to the litre (3 decimals)."""
        dates, src, gaps = habits
        append = self.readings.append
        keys = self.keys
        for s in range(s_from, s_to):
            if s != s_from:
                v += inc[s]
            if gaps[s]:
                continue
            t = str(v) if v >= 1000 else f"{v:04d}"
            append({"id": mid + keys[s], "meter": mid, "date": dates[s], "values": {"total": t[:-3] + "." + t[-3:]},
                    "source": src[s]})
        return v

    def _zones(self, mid: str, inc_d: list[int], inc_n: list[int], vd: int, vn: int, s_from: int, s_to: int,
               habits) -> tuple[int, int]:
        dates, src, gaps = habits
        append = self.readings.append
        keys = self.keys
        s = s_from
        if not gaps[s]:
            append({"id": mid + keys[s], "meter": mid, "date": dates[s], "values": {"day": str(vd), "night": str(vn)},
                    "source": src[s]})
        if gaps is self.no_gaps:
            for s in range(s_from + 1, s_to):
                vd += inc_d[s]
                vn += inc_n[s]
                append({"id": mid + keys[s], "meter": mid, "date": dates[s],
                        "values": {"day": str(vd), "night": str(vn)}, "source": src[s]})
            return vd, vn
        for s in range(s_from + 1, s_to):
            vd += inc_d[s]
            vn += inc_n[s]
            if not gaps[s]:
                append({"id": mid + keys[s], "meter": mid, "date": dates[s],
                        "values": {"day": str(vd), "night": str(vn)}, "source": src[s]})
        return vd, vn

    def _final(self, mid: str, o: int, values: dict) -> None:
        self.readings.append({"id": mid + "-final", "meter": mid, "date": iso(o), "values": values,
                              "source": _INSPECTOR})

    # ---- one premises --------------------------------------------------------------------------------------------
    def premises(self, pid: str, occ: list, *, water: bool, zones: int, kind: str = "individual",
                 nonresidential: bool = False, replace: bool = False, gap7: bool = False,
                 empty_use: float = 0.0) -> None:  # float-ok: randomness or time spans, not money
        """Meters and readings of one premises; its consumption (metered or not) goes into the house sums.
        ``zones``: 0 = no electricity meter, 1 or 2 zones. ``replace``: one meter is replaced during the
        history. ``gap7``: one meter goes 7 months without readings."""
        r = self.r
        n = self.n
        town = self.town
        rows = town.profiles
        j = int(r() * len(rows))
        pc, ph, pd, pn = rows[j], rows[j - 1], rows[j - 2], rows[j - 3]
        if nonresidential:
            cold_k, hot_k = 5000 + r() * 10000, 0.0
            day_k, night_k = 800 + r() * 1700, 0.0
            const = 1
        else:
            cold_k, hot_k = 2000 + r() * 2000, 1500 + r() * 1500
            day_k, night_k = 80 + r() * 70, 30 + r() * 30
            const = occ[0] if occ.count(occ[0]) == n else -1
            if const == 0:
                const = empty_use
        # (profile row: the month's seasonal factor × noise, drawn once per town)
        sc, sh, sd, sn = pc[0], ph[1], pd[2], pn[3]
        if const >= 0:
            k = cold_k * const
            cold = [int(k * f) for f in sc]
            k = day_k * const
            day = [int(k * f) for f in sd]
            if hot_k:
                k = hot_k * const
                hot = [int(k * f) for f in sh]
            else:
                hot = None
            if night_k:
                k = night_k * const
                night = [int(k * f) for f in sn]
            else:
                night = None
        else:
            eff = [x if x else empty_use for x in occ]
            cold = [int(cold_k * e * f) for e, f in zip(eff, sc)]
            day = [int(day_k * e * f) for e, f in zip(eff, sd)]
            hot = [int(hot_k * e * f) for e, f in zip(eff, sh)] if hot_k else None
            night = [int(night_k * e * f) for e, f in zip(eff, sn)] if night_k else None
        if self.shutdown is not None and hot is not None:
            s = self.shutdown
            hot[s] = hot[s] * 2 // 3            # no hot water for 10–13 days of that month
        if self.summing:
            self.sum_cold = list(map(add, self.sum_cold, cold))
            if hot is not None:
                self.sum_hot = list(map(add, self.sum_hot, hot))
            self.sum_el = list(map(add, self.sum_el, day))
            if night is not None:
                self.sum_el = list(map(add, self.sum_el, night))

        # which channel is replaced / goes silent for 7 months
        channels = (["cold_water", "hot_water"] if water and hot is not None else
                    ["cold_water"] if water else []) + (["electricity"] if zones else [])
        replaced = channels[int(r() * len(channels))] if replace and channels else None
        silent = channels[0] if gap7 and channels else None
        where = ("premises", pid)
        if water:
            litres = r() < 0.2          # most residents report whole m³, some read the red digits too
            self._water_meter("cold_water", kind, where, cold, replaced == "cold_water", silent == "cold_water",
                              litres)
            if hot is not None:
                self._water_meter("hot_water", kind, where, hot, replaced == "hot_water", False, litres)
        if zones:
            self._power_meter(kind, where, zones, day, night, replaced == "electricity", silent == "electricity")

    def _replacement_slot(self) -> tuple[int, int]:
        """A slot and a day before its reading window: the old meter's last day of service."""
        s = 2 + int(self.r() * (self.n - 4))
        mo = self.slots[s]
        return s, mo.first + 4 + int(self.r() * 14)

    def _used_before(self, inc: list[int], k: int, removed: int) -> int:
        """Consumption between the last reading before the replacement (about the 22nd) and the removal day."""
        used = int(inc[k] * (removed - self.slots[k - 1].first - 22) / 30.0)
        return max(0, min(inc[k], used))

    def _water_meter(self, resource: str, kind: str, where, inc: list[int], replace: bool, seven: bool,
                     litres: bool) -> None:
        r = self.r
        years = INTERVAL_YEARS[resource]
        n = self.n
        initial = int(r() * 30) if litres else 0
        init_text = _litres(initial) if litres else "0"
        avg = sum(inc) // n
        if not replace:
            installed, verified = self._installed_before(years)
            base = initial + int((self.slot0_mid - installed) / 30.44 * avg)
            mid = self.meter(resource, kind, where, 1, 5, installed, verified, {"total": init_text})
            habits = self._habits(seven)
            if litres:
                self._litres(mid, inc, base, 0, n, habits)
            else:
                self._total(mid, inc, base, 0, n, habits, 1000)
            return
        k, removed = self._replacement_slot()
        verified = removed + int(r() * 45)          # replaced when its verification was due
        installed = verified - int(years * YEAR)
        base = initial + int((self.slot0_mid - installed) / 30.44 * avg)
        old = self.meter(resource, kind, where, 1, 5, installed, verified, {"total": init_text}, removed=removed)
        habits = self._habits(False)
        v = self._litres(old, inc, base, 0, k, habits)
        used = self._used_before(inc, k, removed)
        self._final(old, removed, {"total": _litres(v + used)})
        start = int(r() * 20)
        new = self.meter(resource, kind, where, 1, 5, removed, removed + int(years * YEAR),
                         {"total": _litres(start)})
        self._litres(new, inc, start + inc[k] - used, k, n, habits)

    def _power_meter(self, kind: str, where, zones: int, day: list[int], night: list[int] | None, replace: bool,
                     seven: bool) -> None:
        r = self.r
        n = self.n
        years = INTERVAL_YEARS["electricity"]
        habits = self._habits(seven and not replace)
        if night is None or zones == 1:
            inc = day if night is None else list(map(add, day, night))
            initial = int(r() * 12)
            avg = sum(inc) // n
            if not replace:
                installed, verified = self._installed_before(years)
                base = initial + int((self.slot0_mid - installed) / 30.44 * avg)
                mid = self.meter("electricity", kind, where, 1, 6, installed, verified, {"total": str(initial)})
                self._total(mid, inc, base, 0, n, habits, 1)
                return
            k, removed = self._replacement_slot()
            verified = removed + int(r() * 45)
            installed = verified - int(years * YEAR)
            base = initial + int((self.slot0_mid - installed) / 30.44 * avg)
            old = self.meter("electricity", kind, where, 1, 6, installed, verified, {"total": str(initial)},
                             removed=removed)
            v = self._total(old, inc, base, 0, k, habits, 1)
            used = self._used_before(inc, k, removed)
            self._final(old, removed, {"total": str(v + used)})
            start = int(r() * 5)
            new = self.meter("electricity", kind, where, 1, 6, removed, removed + int(years * YEAR),
                             {"total": str(start)})
            self._total(new, inc, start + inc[k] - used, k, n, habits, 1)
            return
        init_d, init_n = int(r() * 8), int(r() * 4)
        avg_d, avg_n = sum(day) // n, sum(night) // n
        if not replace:
            installed, verified = self._installed_before(years)
            months = (self.slot0_mid - installed) / 30.44
            mid = self.meter("electricity", kind, where, 2, 6, installed, verified,
                             {"day": str(init_d), "night": str(init_n)})
            self._zones(mid, day, night, init_d + int(months * avg_d), init_n + int(months * avg_n), 0, n, habits)
            return
        k, removed = self._replacement_slot()
        verified = removed + int(r() * 45)
        installed = verified - int(years * YEAR)
        months = (self.slot0_mid - installed) / 30.44
        old = self.meter("electricity", kind, where, 2, 6, installed, verified,
                         {"day": str(init_d), "night": str(init_n)}, removed=removed)
        vd, vn = self._zones(old, day, night, init_d + int(months * avg_d), init_n + int(months * avg_n), 0, k,
                             habits)
        ud, un = self._used_before(day, k, removed), self._used_before(night, k, removed)
        self._final(old, removed, {"day": str(vd + ud), "night": str(vn + un)})
        new = self.meter("electricity", kind, where, 2, 6, removed, removed + int(years * YEAR),
                         {"day": "0", "night": "0"})
        self._zones(new, day, night, day[k] - ud, night[k] - un, k, n, habits)

    # ---- house meters --------------------------------------------------------------------------------------------
    def house_meters(self, hid: str, *, total_area_t: int, common_area_t: int, heat: bool, lifts: bool) -> None:
        """ОДПУ of cold and hot water and electricity (and heat when the house is heated by its meter), read
        by the device on the last day of every month."""
        r = self.r
        n = self.n

        def losses() -> list[float]:
            return [(0.94 + r() * 0.05) if r() < 0.08 else (1.02 + r() * 0.10) for _ in range(n)]

        common_kwh = common_area_t * (25 if lifts else 8) // 10   # lifts, stair lighting, pumps
        cold = [int(v * k) for v, k in zip(self.sum_cold, losses())]
        hot = [int(v * k) for v, k in zip(self.sum_hot, losses())]
        el = [int(v * k) + int(common_kwh * (0.8 + 0.4 * r())) for v, k in zip(self.sum_el, losses())]
        where = ("house", hid)
        self._house_meter("cold_water", where, cold, 6, _litres, 1000)
        self._house_meter("hot_water", where, hot, 6, _litres, 1000)
        self._house_meter("electricity", where, el, 7, str, 1)
        if heat:
            months = [mo.month for mo in self.slots]
            gcal = [int(total_area_t * HEAT_MILLI_GCAL_PER_M2[m] / 10 * (0.85 + 0.3 * r())) for m in months]
            self._house_meter("heating", where, gcal, 6, _litres, 1000)

    def _house_meter(self, resource: str, where, inc: list[int], digits: int, fmt, unit: int) -> None:
        years = HOUSE_INTERVAL_YEARS[resource]
        installed, verified = self._installed_before(years, within=5)   # house meters are recent (since ~2021)
        initial = int(self.r() * 5 * unit)
        avg = sum(inc) // self.n
        v = initial + int((self.slot0_mid - installed) / 30.44 * avg)
        mid = self.meter(resource, "house", where, 1, digits, installed, verified, {"total": fmt(initial)})
        append = self.house_readings.append
        for s, mo in enumerate(self.slots):
            if s:
                v += inc[s]
            append({"id": mid + self.keys[s], "meter": mid, "date": mo.dates[mo.days], "values": {"total": fmt(v)},
                    "source": _DEVICE, "period": mo.period})
