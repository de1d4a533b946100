"""The cuts (разрезы) a report groups its rows by — the seed's «анализ информации в любых разрезах»: management
company and section (участок) of the house (schema step 35), house (address), supplier, service, bank (the payments'
agent), account — and the names they are shown by.

A report reads its facts as rows keyed by the ids they carry (account, service, supplier, bank) with a tuple of
measures; ``Dimensions.group`` sums them by a cut (``map(add)`` over the tuples: C speed, a few bytes a group) and
yields one row per group, sorted as people read them (addresses by street and house number — «д. 2» before
«д. 10» — names alphabetically). Nothing here holds a report's facts: only the groups' sums.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from operator import add

import peewee as pw

from bcenter.modules.reports.registry import Column


def natural(text: str) -> tuple:
    """A sort key reading the numbers in ``text`` as numbers: «д. 2» < «д. 10», «кв. 9» < «кв. 12»."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", text) if part)


class Dimensions:
    """The names of a database's houses, accounts, services and suppliers, read once per report run (about 100 bytes
    an account: 100 000 accounts take ~10 MB)."""

    def __init__(self, db: pw.Database):
        from db.search import format_address

        self.db = db
        self.house_address: dict[str, str] = {}
        self.house_manager: dict[str, str] = {}
        self.house_section: dict[str, str] = {}
        for house, city, street, building, block, manager, section in db.execute_sql(
                'SELECT id, city, street, building, block, manager_name, section FROM "house"'):
            house = str(house)
            self.house_address[house] = format_address(city, street, building, block, None)
            self.house_manager[house] = manager or NO_MANAGER
            self.house_section[house] = section or NO_SECTION
        self.account_house: dict[str, str] = {}
        self.account_number: dict[str, str] = {}
        self.account_premises: dict[str, str] = {}
        """The premises of an account as its address ends: «кв. 12», «пом. 1» (non-residential)."""
        for account, number, house, premises, kind in db.execute_sql(
                'SELECT a.id, a.number, p.house_id, p.number, p.kind FROM "account" a '
                'JOIN "premises" p ON p.id = a.premises_id'):
            account = str(account)
            self.account_house[account] = str(house)
            self.account_number[account] = number
            if premises:
                self.account_premises[account] = f"{'кв.' if kind == 'residential' else 'пом.'} {premises}"
        self._by_house = {"house": self.house_address, "manager": self.house_manager, "section": self.house_section}
        self.service_name = {str(i): n for i, n in db.execute_sql('SELECT id, name FROM "service"')}
        self.supplier_name = {str(i): n for i, n in db.execute_sql('SELECT id, name FROM "supplier"')}

    def address(self, account: str) -> str:
        house = self.account_house.get(account)
        if house is None:
            return "—"
        premises = self.account_premises.get(account)
        return self.house_address[house] + (f", {premises}" if premises else "")

    def house_order(self) -> list[str]:
        """Every house id in the order of their addresses."""
        return sorted(self.house_address, key=lambda h: natural(self.house_address[h]))

    def key(self, by: str, account: str | None = None, service: str | None = None, supplier: str | None = None,
            bank: str | None = None, house: str | None = None) -> tuple:
        """The group of a fact in the cut ``by``: (sort key, the cells shown); a fact's house is its account's
        unless given."""
        if by in HOUSE_CUTS:
            house = house or self.account_house.get(account or "", "")
            name = self._by_house[by].get(house, "—")
            return (natural(name),), (name,)
        if by == "supplier":
            name = self.supplier_name.get(supplier or "", supplier or "—")
            return (name.casefold(),), (name,)
        if by == "service":
            name = self.service_name.get(service or "", service or "—")
            return (name.casefold(),), (name,)
        if by == "bank":
            name = bank or "Касса и прочие"
            return (name.casefold(),), (name,)
        if by == "account":
            number = self.account_number.get(account or "", account or "—")
            address = self.address(account or "")
            return (natural(address), number), (number, address)
        raise KeyError(by)

    def group(self, by: str, facts: Iterable[tuple[tuple, tuple[int, ...]]]) -> Iterator[tuple]:
        """Rows of the cut ``by`` from facts ((account, service, supplier, bank[, house]) ids, measures): the cut's
        cells then the measures summed, sorted."""
        sums: dict[tuple, list] = {}
        for ids, measures in facts:
            sort, cells = self.key(by, *ids)
            found = sums.get(cells)
            if found is None:
                sums[cells] = [sort, tuple(measures)]
            else:
                found[1] = tuple(map(add, found[1], measures))
        for cells, (_, measures) in sorted(sums.items(), key=lambda kv: kv[1][0]):
            yield (*cells, *measures)

    def group_parts(self, by: str, parts: Iterable[Iterable[tuple[tuple, tuple[int, ...]]]]) -> Iterator[tuple]:
        """``group`` of facts that come part by part, each part a few houses' in address order (``house_chunks``):
        by account each part is grouped alone — an account's facts are all in its house's part, and the parts'
        accounts in order are the town's — so only one part's accounts are held; any other cut sums every part."""
        if by == "account":
            for part in parts:
                yield from self.group(by, part)
        else:
            yield from self.group(by, (fact for part in parts for fact in part))


NO_MANAGER = "Непосредственное управление"
NO_SECTION = "Без участка"
HOUSE_CUTS = ("house", "manager", "section")
"""The cuts a house decides: a fact of an account goes where its house is."""

ROWS = {"account": "по лицевым счетам", "house": "по домам", "supplier": "по поставщикам", "service": "по услугам",
        "bank": "по банкам", "day": "по дням и банкам", "month": "по месяцам", "meter": "по приборам",
        "line": "по строкам с причинами", "manager": "по управляющим организациям", "section": "по участкам"}
"""How a report's subtitle says what its rows are."""

KEY_COLUMNS = {
    "manager": (Column("manager", "Управляющая организация", width=40),),
    "section": (Column("section", "Участок", width=24),),
    "account": (Column("account", "Лицевой счёт", width=12), Column("address", "Адрес", width=40)),
    "house": (Column("house", "Дом", width=40),),
    "supplier": (Column("supplier", "Поставщик", width=40),),
    "service": (Column("service", "Услуга", width=40),),
    "bank": (Column("bank", "Банк (платёжный агент)", width=40),),
}
"""The columns a cut's rows start with."""

__all__ = ["Dimensions", "HOUSE_CUTS", "KEY_COLUMNS", "NO_MANAGER", "NO_SECTION", "ROWS", "natural"]
