"""Who lives in and who owns each premises: persons, families, registrations, ownership shares, accounts.

A family is drawn from a few believable shapes (a pensioner alone, a couple with children, three generations…);
names agree in sex (Иванов Иван Иванович / Иванова Мария Ивановна), children take the father's name for their
patronymic. Dates are day ordinals until they are written out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .calendar import iso
from .names import FEMALE_BY_ERA, MALE_BY_ERA, MALE_NAMES, SURNAMES, female_surname, snils

YEAR = 365.2425
MALE, FEMALE = 0, 1
NOT_ENDED = 10**7   # an ordinal after any date: an open registration or ownership
_FEMALE_FORM = {s: female_surname(s) for s in SURNAMES}
_PATRONYMIC = {name: forms for name, forms in MALE_NAMES.items()}
_ISSUERS = ((2016, "ГУ МВД России по Свердловской обл."),
            (2005, "Отделением УФМС России по Свердловской обл. в г. Заречный"),
            (0, "Заречным ОВД Свердловской обл."))
MUNICIPALITY = {"name": "Администрация городского округа Заречный", "inn": "6609002911"}
_REGISTRY_OFFICE = "Отдел ЗАГС г. Заречный Свердловской обл."
# ages in days; a passport is issued within 43 days after the birthday, so it must have been that long ago
_DAYS_14, _DAYS_20, _DAYS_45 = int(14 * YEAR), int(20 * YEAR), int(45 * YEAR)
_AGE_14, _AGE_20, _AGE_45 = _DAYS_14 + 43, _DAYS_20 + 43, _DAYS_45 + 43
_AGE_16 = int(16 * YEAR)
_ROMAN = ("I", "II", "III", "IV", "V", "VI")
_CERT_LETTERS = ("АИ", "АЕ", "ПО", "РИ", "ИВ", "ЛТ")


@dataclass
class Tenancy:
    """One account to open: who holds it, from when, what share, and how many live on it (for the payment guess)."""
    holder: dict
    opened: int
    closed: int | None = None
    share: str | None = None
    area_t: int = 0                 # the account's part of the premises area, tenths of m²
    regs: list = field(default_factory=list)    # (from, to, person) registered on this account
    owners: int = 1
    organization: bool = False


class People:
    """Creates persons, registrations and ownership of one house into its document arrays."""

    def __init__(self, b) -> None:
        self.b = b
        self.r = b.rng.random
        self.hp = b.hp
        self.persons = b.doc["persons"]
        self.registrations = b.doc["registrations"]
        self.ownership = b.doc["ownership"]
        self.n_person = 0
        self.person_prefix = b.hp + "-c"
        self.n_reg = 0
        self.n_own = 0
        t = b.town
        self.town = t
        self.F = t.history.first_day
        self.L = t.history.last_day
        self.o1965 = t.o1965
        self.o1985 = t.o1985

    # ---- persons -------------------------------------------------------------------------------------------------
    def _ri(self, a: int, b: int) -> int:
        return a + int(self.r() * (b - a + 1))

    def _pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def birth(self, age_lo: float, age_hi: float) -> int:  # float-ok: randomness or time spans, not money
        """A birth day for someone aged age_lo…age_hi at the start of the history."""
        return self.F - int((age_lo + self.r() * (age_hi - age_lo)) * YEAR) - int(self.r() * 365)

    def surname(self) -> str:
        return self._pick(SURNAMES)

    def father_for(self, birth_o: int) -> str:
        """A father's first name plausible for someone born on ``birth_o`` (the father born ~27 years before)."""
        fb = birth_o - int(27 * YEAR)
        return self._pick(MALE_BY_ERA[0 if fb < self.o1965 else (1 if fb < self.o1985 else 2)])

    def person(self, sex: int, birth_o: int, surname: str, father: str) -> tuple[str, str]:
        """Appends a person; returns (id, first name). A passport is issued at 14 and replaced at 20 and 45
        (series: region 65 and the year of issue); a child under 14 has a birth certificate."""
        r = self.r
        town = self.town
        serial = town.person_serial
        town.person_serial = serial + 1
        self.n_person += 1
        pid = self.person_prefix + str(self.n_person)
        names = (MALE_BY_ERA if sex == MALE else FEMALE_BY_ERA)[
            0 if birth_o < self.o1965 else (1 if birth_o < self.o1985 else 2)]
        first = names[int(r() * len(names))]
        age = self.L - birth_o
        if age >= _AGE_14:
            issued = birth_o + (_DAYS_45 if age >= _AGE_45 else (_DAYS_20 if age >= _AGE_20 else _DAYS_14)) \
                + 3 + int(r() * 40)
            day = iso(issued)
            doc = {"kind": "passport", "series": "65" + day[2:4],
                   "number": str((serial * 481_547 + town.passport_mix) % 900000 + 100000),
                   "issued_by": _ISSUERS[0][1] if day >= "2016" else (_ISSUERS[1][1] if day >= "2005" else
                                                                       _ISSUERS[2][1]),
                   "issued_on": day}
        else:
            doc = {"kind": "birth_certificate",
                   "series": _ROMAN[int(r() * 6)] + "-" + _CERT_LETTERS[int(r() * 6)],
                   "number": str((serial * 318_377 + town.passport_mix) % 900000 + 100000),
                   "issued_by": _REGISTRY_OFFICE, "issued_on": iso(birth_o + 5 + int(r() * 25))}
        p = {"id": pid,
             "last_name": surname if sex == MALE else _FEMALE_FORM[surname],
             "first_name": first,
             "middle_name": _PATRONYMIC[father][sex],
             "birth_date": iso(birth_o),
             "document": doc,
             "snils": snils((serial * 7_654_321 + town.snils_mix) % 900_000_000 + 100_000_000)}
        if age >= _AGE_16 and r() < 0.85:
            t = str(1_000_000_000 + int(r() * 1_000_000_000))
            p["phone"] = "+7 9" + t[1:3] + " " + t[3:6] + "-" + t[6:8] + "-" + t[8:]
        self.persons.append(p)
        return pid, first

    # ---- facts ---------------------------------------------------------------------------------------------------
    def register(self, pid: str, premises: str, start: int, end: int | None = None, relation: str | None = None,
                 temporary: bool = False) -> tuple[int, int, str]:
        self.n_reg += 1
        row = {"id": f"{self.hp}-r{self.n_reg}", "person": pid, "premises": premises,
               "kind": "temporary" if temporary else "permanent", "from": iso(start)}
        if end is not None:
            row["to"] = iso(end)
        if relation:
            row["relation"] = relation
        self.registrations.append(row)
        return start, NOT_ENDED if end is None else end, pid

    def own(self, owner: dict, premises: str, share: str, start: int, end: int | None = None) -> None:
        self.n_own += 1
        row = {"id": f"{self.hp}-o{self.n_own}", "owner": owner, "premises": premises, "share": share,
               "from": iso(start)}
        if end is not None:
            row["to"] = iso(end)
        self.ownership.append(row)

    def in_history(self, lo_margin: int = 20, hi_margin: int = 20) -> int:
        return self._ri(self.F + lo_margin, self.L - hi_margin)

    # ---- families ------------------------------------------------------------------------------------------------
    def family(self, premises: str, *, acquired_after: int | None = None, young: bool = False,
               events: bool = True, end: int | None = None) -> Tenancy:
        """A family that owns and lives in ``premises``. ``acquired_after``: the family bought it on that day
        (a sale inside the history). ``end``: the family leaves (sold) on that day."""
        r = self.r
        x = r()
        if young:
            kind = "young_couple" if x < 0.5 else "family_kids"
        elif x < 0.17:
            kind = "single_old"
        elif x < 0.31:
            kind = "couple_old"
        elif x < 0.58:
            kind = "family_kids"
        elif x < 0.69:
            kind = "adult_child"
        elif x < 0.76:
            kind = "single_parent"
        elif x < 0.85:
            kind = "young_single"
        elif x < 0.93:
            kind = "young_couple"
        else:
            kind = "three_gen"
        members: list[tuple[str, int, int, str]] = []   # (pid, sex, birth, relation)
        sur = self.surname()
        husband = None

        def add(sex, birth_o, surname, father, relation):
            pid, first = self.person(sex, birth_o, surname, father)
            members.append((pid, sex, birth_o, relation))
            return pid, first

        shift = 0 if acquired_after is None else (acquired_after - self.F)
        if kind == "single_old":
            sex = FEMALE if r() < 0.75 else MALE
            b0 = self.birth(62, 90)
            add(sex, b0, sur, self.father_for(b0), "собственник")
            low = 1993
        elif kind in ("couple_old", "family_kids", "adult_child", "young_couple"):
            lo, hi = {"couple_old": (60, 85), "family_kids": (28, 50), "adult_child": (45, 68),
                      "young_couple": (22, 35)}[kind]
            hb = self.birth(lo, hi) + shift
            wb = hb + int(r() * 5 * YEAR)
            _, husband = add(MALE, hb, sur, self.father_for(hb), "собственник")
            wife_sur = sur if r() < 0.9 else self.surname()
            add(FEMALE, wb, wife_sur, self.father_for(wb), "жена")
            if kind == "family_kids":
                mother_age = (self.F + shift - wb) / YEAR
                for _ in range(1 + int(r() * 2.4)):
                    kid_age = r() * min(17.0, max(0.5, mother_age - 21))
                    kb = self.F + shift - int(kid_age * YEAR)
                    ksex = MALE if r() < 0.5 else FEMALE
                    add(ksex, kb, sur, husband, "сын" if ksex == MALE else "дочь")
            elif kind == "adult_child":
                for _ in range(1 if r() < 0.8 else 2):
                    kb = self.birth(18, 32) + shift
                    if kb < hb + int(20 * YEAR):
                        kb = hb + int(20 * YEAR) + int(r() * 3 * YEAR)
                    ksex = MALE if r() < 0.5 else FEMALE
                    add(ksex, kb, sur, husband, "сын" if ksex == MALE else "дочь")
            low = {"couple_old": 1993, "family_kids": 1998, "adult_child": 1993, "young_couple": 2012}[kind]
        elif kind == "single_parent":
            mb = self.birth(25, 48)
            add(FEMALE, mb, sur, self.father_for(mb), "собственник")
            kid_father = self._pick(MALE_BY_ERA[1 if mb < self.o1985 else 2])
            for _ in range(1 + int(r() * 1.5)):
                kb = self.F - int(r() * min(17.0, max(1.0, (self.F - mb) / YEAR - 21)) * YEAR)
                ksex = MALE if r() < 0.5 else FEMALE
                add(ksex, kb, sur, kid_father, "сын" if ksex == MALE else "дочь")
            low = 2003
        elif kind == "young_single":
            sex = MALE if r() < 0.5 else FEMALE
            b0 = self.birth(20, 35) + shift
            add(sex, b0, sur, self.father_for(b0), "собственник")
            low = 2010
        else:  # three_gen: the grandmother owns the flat, her son's family lives with her
            gb = self.birth(60, 85)
            add(FEMALE, gb, sur, self.father_for(gb), "собственник")
            sb = gb + int((22 + r() * 12) * YEAR)
            _, son = add(MALE, sb, sur, self._pick(MALE_BY_ERA[0]), "сын")
            db_ = sb + int(r() * 4 * YEAR)
            add(FEMALE, db_, sur, self.father_for(db_), "невестка")
            for _ in range(1 + int(r() * 1.6)):
                kb = self.F - int(r() * min(17.0, max(0.5, (self.F - db_) / YEAR - 21)) * YEAR)
                ksex = MALE if r() < 0.5 else FEMALE
                add(ksex, kb, sur, son, "внук" if ksex == MALE else "внучка")
            low = 1993

        # when the flat was acquired
        head_birth = members[0][2]
        if acquired_after is not None:
            acq = acquired_after
        else:
            lo = max(self.town.year_ordinal(low), head_birth + int(19 * YEAR))
            hi = self.F - 120
            if lo > hi:
                lo = hi - 200
            acq = self._ri(lo, hi)

        # ownership: one owner, spouses in halves, or equal shares of everyone living there when it was bought
        x = r()
        if kind in ("couple_old", "family_kids", "young_couple", "adult_child"):
            born_then = [m for m in members if m[2] <= acq]
            if x < 0.3 and len(born_then) >= 3:
                owners = born_then
            elif x < 0.75:
                owners = members[:2]
            else:
                owners = members[:1]
        elif kind == "single_parent" and x < 0.3:
            owners = [m for m in members if m[2] <= acq] or members[:1]
        else:
            owners = members[:1]
        share = f"1/{len(owners)}" if len(owners) > 1 else "1/1"
        gift = None
        if events and end is None and len(owners) == 1 and len(members) >= 2 and r() < 0.02:
            gift = self.in_history(40, 40)   # the owner gives half to the spouse or a child
            receiver = members[1] if members[1][2] <= gift - int(18 * YEAR) else None
            if receiver is None:
                gift = None
        head_ref = {"person": members[0][0]}
        for m in owners:
            ref = head_ref if m is members[0] else {"person": m[0]}
            if gift is not None:
                self.own(ref, premises, share, acq, gift)
                self.own(ref, premises, "1/2", gift, end)
                self.own({"person": receiver[0]}, premises, "1/2", gift, end)
            else:
                self.own(ref, premises, share, acq, end)

        # registrations, with the moves of the history
        regs = []
        moved_in = acq + int(r() * 45)          # the family registers together some days after the deal
        for pid, sex, birth_o, relation in members:
            start = max(moved_in, birth_o + 7 + int(r() * 33))
            stop = None
            if end is not None:
                stop = max(start + 1, end - int(r() * 20))
            elif events and relation in ("сын", "дочь") and kind == "adult_child" and r() < 0.15:
                stop = self.in_history(30, 10)
            elif events and kind == "couple_old" and relation == "собственник" and r() < 0.03:
                stop = self.in_history(30, 10)
            if stop is not None and stop <= start:
                stop = start + 1
            if start > self.L:
                continue
            regs.append(self.register(pid, premises, start, stop, relation))
        if events and end is None:
            if kind in ("young_couple", "family_kids") and r() < (0.25 if kind == "young_couple" else 0.05):
                kb = self.in_history(10, 70)        # a baby born during the history
                ksex = MALE if r() < 0.5 else FEMALE
                pid, _ = self.person(ksex, kb, sur, husband or self.father_for(kb))
                regs.append(self.register(pid, premises, kb + 7 + int(r() * 30), None,
                                          "сын" if ksex == MALE else "дочь"))
            elif kind == "young_single" and r() < 0.1:
                head_sex = members[0][1]
                sb = members[0][2] + int((r() * 6 - 3) * YEAR)
                if head_sex == MALE:
                    pid, _ = self.person(FEMALE, sb, sur, self.father_for(sb))
                    relation = "жена"
                else:
                    other = self.surname()
                    pid, _ = self.person(MALE, sb, other, self.father_for(sb))
                    relation = "муж"
                regs.append(self.register(pid, premises, self.in_history(30, 10), None, relation))
        return Tenancy(holder=head_ref, opened=acq, closed=end, regs=regs, owners=len(owners))

    def absent_owners(self, premises: str) -> Tenancy:
        """Owners who live elsewhere: nobody registered (the norm then counts the owners), sometimes a tenant."""
        r = self.r
        sur = self.surname()
        b0 = self.birth(30, 75)
        sex = MALE if r() < 0.55 else FEMALE
        head, _ = self.person(sex, b0, sur, self.father_for(b0))
        acq = self._ri(self.town.year_ordinal(1998), self.F - 100)
        head_ref = {"person": head}
        regs = []
        if r() < 0.3:
            b1 = b0 + int((r() * 6 - 3) * YEAR)
            other, _ = self.person(FEMALE if sex == MALE else MALE, b1, sur, self.father_for(b1))
            self.own(head_ref, premises, "1/2", acq)
            self.own({"person": other}, premises, "1/2", acq)
            owners = 2
        else:
            self.own(head_ref, premises, "1/1", acq)
            owners = 1
        if r() < 0.3:
            regs.append(self.tenant(premises))
        return Tenancy(holder=head_ref, opened=acq, regs=regs, owners=owners)

    def tenant(self, premises: str) -> tuple[int, int, str]:
        """Someone renting the flat, registered temporarily (по месту пребывания) for half a year to a year."""
        r = self.r
        tb = self.birth(18, 40)
        sex = MALE if r() < 0.5 else FEMALE
        pid, _ = self.person(sex, tb, self.surname(), self.father_for(tb))
        start = self._ri(self.F - 300, self.L - 60)
        return self.register(pid, premises, start, start + 180 + int(r() * 186), None, temporary=True)

    def lodgers(self, premises: str, share: str, area_t: int) -> Tenancy:
        """One household of a communal flat: a room, a share and an account of its own."""
        r = self.r
        sur = self.surname()
        b0 = self.birth(25, 80)
        sex = MALE if r() < 0.5 else FEMALE
        head, first = self.person(sex, b0, sur, self.father_for(b0))
        acq = self._ri(self.town.year_ordinal(1995), self.F - 100)
        head_ref = {"person": head}
        self.own(head_ref, premises, share, acq)
        regs = [self.register(head, premises, acq + int(r() * 30), None, "собственник")]
        if r() < 0.4:
            b1 = b0 + int((r() * 6 - 3) * YEAR)
            if sex == MALE:
                other, _ = self.person(FEMALE, b1, sur, self.father_for(b1))
                rel = "жена"
            else:
                other, _ = self.person(MALE, b1, self.surname(), self.father_for(b1))
                rel = "муж"
            regs.append(self.register(other, premises, acq + int(r() * 60), None, rel))
        return Tenancy(holder=head_ref, opened=acq, share=share, area_t=area_t, regs=regs)

    def communal(self, premises: str, rooms: int, area_t: int) -> list[Tenancy]:
        """A communal flat: a household per room, each with a share and an account; a room not yet privatised
        belonged to the town (so the shares add up to one at any date)."""
        share = f"1/{rooms}"
        tenancies = [self.lodgers(premises, share, area_t // rooms) for _ in range(rooms)]
        first = min(t.opened for t in tenancies)
        for t in tenancies:
            if t.opened > first:
                self.own({"organization": MUNICIPALITY}, premises, share, first, t.opened)
        return tenancies

    def organization(self, premises: str, org: dict) -> Tenancy:
        acq = self._ri(self.town.year_ordinal(2004), self.F - 200)
        self.own({"organization": org}, premises, "1/1", acq)
        return Tenancy(holder={"organization": org}, opened=acq, organization=True, owners=1)


def occupancy(regs: list[tuple[int, int, str]], mids: list[int]) -> list[int]:
    """Persons registered on the 15th of each month."""
    lo = mids[0]
    hi = mids[-1]
    for a, b, _ in regs:
        if a > lo or b <= hi:
            return [sum(1 for a, b, _ in regs if a <= m < b) for m in mids]
    return [len(regs)] * len(mids)
