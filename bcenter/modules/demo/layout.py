"""House shapes of the demo town: series, landings, flat areas, and how the account total is met exactly."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .names import STREETS


@dataclass(frozen=True)
class Series:
    code: str            # "k5" хрущёвка, "k9" панельная девятиэтажка, "k3" сталинка, "k2" двухэтажный дом
    floors: int
    per_floor: int
    entrances: tuple[int, ...]
    built: tuple[int, int]
    walls: tuple[str, ...]
    landings: tuple[tuple[int, ...], ...]     # rooms of the flats on one landing, left to right
    areas: dict                                # rooms → (min, max) total area in tenths of m²
    common_share: tuple[int, int]              # S_ои as per mille of S_об


SERIES: dict[str, Series] = {
    "k5": Series("k5", 5, 4, (2, 3, 4, 4, 4, 6), (1960, 1972), ("панель", "кирпич"),
                 ((1, 2, 2, 3), (2, 1, 3, 2), (1, 2, 3, 2), (2, 2, 2, 3)),
                 {1: (300, 330), 2: (420, 465), 3: (550, 605), 4: (610, 640)}, (120, 170)),
    "k9": Series("k9", 9, 4, (2, 3, 4), (1976, 1993), ("панель", "панель", "кирпич"),
                 ((1, 2, 3, 2), (1, 2, 2, 3), (1, 3, 2, 4), (2, 1, 3, 2)),
                 {1: (330, 385), 2: (480, 545), 3: (620, 700), 4: (740, 786)}, (180, 240)),
    "k3": Series("k3", 3, 3, (2, 3), (1951, 1958), ("кирпич",),
                 ((2, 3, 2), (3, 2, 3)),
                 {2: (520, 580), 3: (700, 786)}, (140, 190)),
    "k2": Series("k2", 2, 4, (2,), (1954, 1962), ("шлакоблок", "кирпич"),
                 ((1, 2, 2, 3), (2, 2, 3, 2)),
                 {1: (312, 350), 2: (410, 470), 3: (520, 590)}, (100, 140)),
}

# (series, entrances) → weight of that shape among the houses of the town
_SHAPES: tuple[tuple[str, int, int], ...] = (
    ("k5", 2, 6), ("k5", 3, 8), ("k5", 4, 26), ("k5", 6, 6),
    ("k9", 2, 10), ("k9", 3, 14), ("k9", 4, 14),
    ("k3", 2, 3), ("k3", 3, 2), ("k2", 2, 4),
)
SMALLEST_REMAINDER = 40   # never leave fewer accounts than this for the houses after a full one
LAST_HOUSE_MAX = 144      # at most this many accounts left: the last house takes them all


@dataclass
class HouseSpec:
    index: int
    code: int
    series: Series
    entrances: int
    per_floor: tuple[int, ...]   # flats on each landing, by entrance
    missing: tuple[int, ...]     # ground-floor flats never built (the room serves the house), by entrance
    last: bool            # the last house: exactly the remaining accounts, plain flats only
    budget: int           # the most accounts this house may open
    street: str
    building: str
    block: str | None
    built: int
    walls: str


def capacity(code: str, entrances: int) -> int:
    s = SERIES[code]
    return s.floors * s.per_floor * entrances


def _shape_for(n: int) -> tuple[Series, tuple[int, ...], tuple[int, ...]]:
    """The last house holds exactly ``n`` flats: the series by size, as many entrances as needed, the last
    entrances with narrower landings (3 or 2 flats), and a few ground-floor flats not built (a room for the
    house's own use) — so the house is whole, only smaller."""
    if n <= 8:
        floors = 2 if n >= 4 else 1
        q = -(-n // floors)
        base = SERIES["k2"]
        landing = (base.landings[0] * 2)[:q]
        series = Series("k2" if floors == 2 else "k1", floors, q, (1,), base.built, base.walls, (landing,),
                        base.areas, base.common_share)
        return series, (q,), (floors * q - n,)
    candidates = ("k2",) if n <= 16 else (("k5", "k3", "k2") if n <= 100 else ("k9", "k5"))
    for code in candidates:
        series = SERIES[code]
        floors, q0 = series.floors, series.per_floor
        entrances = -(-n // (floors * q0))
        per_floor = [q0] * entrances
        deficit = entrances * floors * q0 - n
        i = entrances - 1
        while deficit >= floors and i >= 0:
            per_floor[i] -= 1
            deficit -= floors
            if per_floor[i] == 2:
                i -= 1
        missing = [0] * entrances
        for j in range(entrances):
            take = min(deficit, per_floor[j] - 1)
            missing[j] = take
            deficit -= take
        if deficit == 0:
            return series, tuple(per_floor), tuple(missing)
    raise AssertionError(f"no house shape for {n} flats")


class Planner:
    """Chooses house after house so that the flats (and their extra accounts) add up to the total exactly."""

    def __init__(self, rng: random.Random, total: int) -> None:
        self.rng = rng
        self.remaining = total
        self.index = 0
        rest = list(range(1, len(STREETS)))
        rng.shuffle(rest)
        self._street_order = [0] + rest      # every town starts from its ул. Ленина
        self._street_pos = 0
        self._run_left = 0
        self._numbers: dict[int, tuple[int, bool]] = {}
        self._street = 0

    def _address(self) -> tuple[str, str, str | None]:
        """Houses come in runs along a street; numbers grow with gaps (buildings of other owners), now and then
        «12А» or «12 корп. 2» next to «12». Every (street, building, block) is new."""
        rng = self.rng
        if self._run_left <= 0:
            self._street = self._street_order[self._street_pos % len(self._street_order)]
            self._street_pos += 1
            self._run_left = rng.randint(2, 9)
        self._run_left -= 1
        st = self._street
        last, varied = self._numbers.get(st, (0, True))
        x = rng.random()
        if not varied and x < 0.08:
            self._numbers[st] = (last, True)
            if x < 0.05:
                return STREETS[st], f"{last}А", None
            return STREETS[st], str(last), "2"
        n = last + rng.randint(1, 4)
        self._numbers[st] = (n, False)
        return STREETS[st], str(n), None

    def next(self) -> HouseSpec | None:
        if self.remaining <= 0:
            return None
        rng = self.rng
        rem = self.remaining
        last = rem <= LAST_HOUSE_MAX
        if last:
            exact = [(c, e) for c, e, _ in _SHAPES if capacity(c, e) == rem]
            if exact:
                code, entrances = exact[int(rng.random() * len(exact))]
                series = SERIES[code]
                per_floor, missing = (series.per_floor,) * entrances, (0,) * entrances
            else:
                series, per_floor, missing = _shape_for(rem)
            budget = rem
        else:
            shapes = [(c, e, w) for c, e, w in _SHAPES if rem - capacity(c, e) >= SMALLEST_REMAINDER]
            total_w = sum(w for _, _, w in shapes)
            x = rng.random() * total_w
            for code, entrances, w in shapes:
                x -= w
                if x < 0:
                    break
            series = SERIES[code]
            per_floor, missing = (series.per_floor,) * entrances, (0,) * entrances
            budget = rem - SMALLEST_REMAINDER
        street, building, block = self._address()
        built = rng.randint(*series.built)
        walls = series.walls[int(rng.random() * len(series.walls))]
        spec = HouseSpec(self.index, self.index + 1, series, len(per_floor), per_floor, missing, last, budget,
                         street, building, block, built, walls)
        self.index += 1
        return spec

    def used(self, accounts: int) -> None:
        self.remaining -= accounts
