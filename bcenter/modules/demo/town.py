"""The demo town: a believable Russian town of a given number of accounts, streamed house by house.

``generate_town`` yields exchange documents (EXCHANGE.md, version 1): first the town-wide reference data, then one
document per house with the house and everything under it. Same (accounts, seed, until) → the same documents;
only ``random.Random(seed)`` and values derived from it are used, never the global random state or the clock.
Memory is one house at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from bcenter.core.collector import collector_paused

from .calendar import History, ordinal
from .house import HouseBuilder
from .layout import Planner
from .reference import HEATING_SEASON, NONRESIDENTIAL_SERVICES, RESIDENTIAL_SERVICES, reference_document

# seasonal factors of consumption by calendar month (index 1..12)
_COLD = (0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.12, 1.12, 1.1, 1.05, 1.0, 1.0, 1.0)
_HOT = (0, 1.05, 1.05, 1.0, 1.0, 0.95, 0.9, 0.88, 0.9, 0.95, 1.0, 1.05, 1.05)
_DAY = (0, 1.2, 1.12, 1.05, 1.0, 0.92, 0.85, 0.85, 0.92, 1.0, 1.05, 1.12, 1.2)
_NIGHT = (0, 1.1, 1.06, 1.03, 1.0, 0.96, 0.92, 0.92, 0.96, 1.0, 1.03, 1.06, 1.1)


class Town:
    """What every house of one town shares: the calendar, precomputed strings, and town-wide counters."""

    def __init__(self, history: History, seed: int) -> None:
        self.history = history
        slots = history.slots
        self.mids = [mo.mid for mo in slots]
        self.slot_keys = ["-" + mo.key for mo in slots]
        self.season = [mo.month in HEATING_SEASON for mo in slots]
        self.sf_cold = [_COLD[mo.month] for mo in slots]
        self.sf_hot = [_HOT[mo.month] for mo in slots]
        self.sf_day = [_DAY[mo.month] for mo in slots]
        self.sf_night = [_NIGHT[mo.month] for mo in slots]
        self.o1965 = ordinal(1965, 1, 1)
        self.o1985 = ordinal(1985, 1, 1)
        start = history.start_date
        self.res_services = [{"service": s, "from": start} for s in RESIDENTIAL_SERVICES]
        self.nonres_services = [{"service": s, "from": start} for s in NONRESIDENTIAL_SERVICES]
        self.house_services = [{"service": s, "from": start} for s in RESIDENTIAL_SERVICES]
        # town-wide counters: unique СНИЛС, passport and meter serial numbers; duties spread over the premises
        mix = random.Random(seed ^ 0x5EED)
        self.snils_mix = mix.randrange(900_000_000)
        self.passport_mix = mix.randrange(900_000)
        self.serial_mix = mix.randrange(90_000_000)
        self.person_serial = 0
        self.meter_serial = 0
        self.premises_g = 0
        self.pending_replace = False
        self.pending_gap7 = False
        self._years: dict[int, int] = {}
        # patterns drawn once per town: reading days (20th–25th), payment days (10th–25th), consumption noise
        self.all_resident = ("resident",) * len(slots)
        self.reading_rows = [tuple(mo.dates[mix.randint(20, 25)] for mo in slots) for _ in range(64)]
        self.pay_rows = [tuple(mo.dates[mix.randint(10, 25)] for mo in slots) for _ in range(64)]
        # consumption profiles: per month the seasonal factor of (cold, hot, day, night) × noise 0.8 … 1.2
        seasonal = list(zip(self.sf_cold, self.sf_hot, self.sf_day, self.sf_night))
        self.profiles = [tuple([f[i] * (0.8 + 0.4 * mix.random()) for f in seasonal] for i in range(4))
                         for _ in range(256)]

    def year_ordinal(self, year: int) -> int:
        o = self._years.get(year)
        if o is None:
            o = self._years[year] = ordinal(year, 1, 1)
        return o


def generate_town(*, accounts: int = 2000, seed: int = 1, until: str = "2026-10") -> Iterator[dict]:
    """Yields exchange documents ({"format": "bcenter-exchange", "version": 1, ...arrays}).

    The first document holds the town-wide reference data: organization, settings, suppliers, services, tariffs,
    norms, key_rates. Then one document per house holding that house and everything under it: houses (1 item),
    premises, persons, accounts, registrations, ownership, meters, readings, house_readings, absences,
    quality_events, payments, opening_balances, and the tariffs and norms that apply to that house only. Later
    documents refer to ids of earlier ones (services, suppliers); persons stay within their house's document.

    ``until`` is the last month of history; the history is the 14 months ending with it (start = until − 13
    months), and meter readings also cover the month before the start as the base of the first period.
    """
    if isinstance(accounts, bool) or not isinstance(accounts, int) or accounts < 0:
        raise ValueError(f"accounts: expected a non-negative integer, got {accounts!r}")
    if accounts > 99_999 * 40:
        raise ValueError("accounts: at most 3 999 960 (5-digit house codes in the account numbers)")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed: expected an integer, got {seed!r}")
    history = History(until)
    return _generate(accounts, seed, history)


def _generate(accounts: int, seed: int, history: History) -> Iterator[dict]:
    town = Town(history, seed)
    yield reference_document(history)
    planner = Planner(random.Random(seed), accounts)
    while (spec := planner.next()) is not None:
        # A house is tens of thousands of fresh dicts and lists without a single reference cycle: the cyclic
        # collector would only walk them again and again (~15 % of the time). It is paused while one house is
        # built and switched back on before the document leaves, so the caller runs with its own setting.
        with collector_paused():
            doc, used = HouseBuilder(town, spec, random.Random(seed * 1_000_003 + spec.index)).build()
        planner.used(used)
        yield doc
