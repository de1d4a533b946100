"""A period's balances per account × service × supplier as facts for the reports (the ОСВ, charges and payments,
collection, penalties) — ``bcenter balances``' figures: the stored snapshots of a closed period, computed now
(``compute_balances``) for an open one.

Streamed, never held (issue 21): a closed period summed by a cut reads the packed snapshots account by account and
adds each account's columns to those of its group with the same (service, supplier) pairs (``db.snapshots.columns``:
no row objects at all); an open period, and every period by account in address order, goes house by house, a few
thousand accounts at a time."""
from __future__ import annotations

from collections.abc import Iterator
from operator import add

import peewee as pw

from bcenter.core.period import Period
from bcenter.modules.registry import periods
from bcenter.modules.registry.closing import compute_balances
from bcenter.modules.reports.cuts import HOUSE_CUTS, Dimensions
from db.queries import in_houses
from db.snapshots import STORED, key_pairs, packed_columns, read_snapshots

WIDTH = len(STORED)
"""The money of a fact: the balance columns (``COLUMNS``) and the closing's unpaid penalties."""
CHUNK = 2000
"""Accounts a part read house by house holds at a time."""


def period_state(period: Period) -> str:
    """How a report's subtitle says where its period stands: closed (the figures stored by its close) or open
    (computed now, changing with every payment)."""
    return "закрыт" if periods.is_closed(period) else "открыт: на сейчас"


def house_chunks(dims: Dimensions, size: int | None = None) -> Iterator[list[str]]:
    """The houses in address order, in parts of about ``size`` accounts (``CHUNK``)."""
    size = size or CHUNK
    counts: dict[str, int] = {}
    for house in dims.account_house.values():
        counts[house] = counts.get(house, 0) + 1
    part, n = [], 0
    for house in dims.house_order():
        if not counts.get(house):
            continue
        part.append(house)
        n += counts[house]
        if n >= size:
            yield part
            part, n = [], 0
    if part:
        yield part


def _padded(money: tuple[int, ...]) -> tuple[int, ...]:
    return money if len(money) == WIDTH else (*money[:WIDTH], *(0,) * (WIDTH - len(money)))


def balances_of(db: pw.Database, period: Period, closed: bool, houses: list[str], finance=None
                ) -> Iterator[tuple[str, str, str, tuple[int, ...]]]:
    """(account, service, supplier, money in ``STORED`` order) of the accounts of ``houses``; a snapshot of format 1
    (no unpaid penalties kept) has 0 there."""
    if closed:
        scope, params = in_houses(db, houses)
        for account, service, supplier, money in read_snapshots(db, str(period), scope, params):
            yield account, service, supplier, _padded(tuple(money))
        return
    for (account, service, supplier), values in compute_balances(db, period, houses=houses, finance=finance).items():
        yield account, service, supplier, tuple(values.get(c, 0) for c in STORED)


def by_houses(db: pw.Database, period: Period, dims: Dimensions, closed: bool | None = None
              ) -> Iterator[list[tuple[str, str, str, tuple[int, ...]]]]:
    """The period's balances part by part (houses in address order)."""
    from bcenter.modules.finance.position import Finance

    closed = periods.is_closed(period) if closed is None else closed
    finance = None if closed else Finance(db)
    for houses in house_chunks(dims):
        yield list(balances_of(db, period, closed, houses, finance))


def facts(db: pw.Database, period: Period, by: str, dims: Dimensions
          ) -> Iterator[tuple[tuple, tuple[int, ...]]]:
    """The period's balances as facts for ``Dimensions.group``: ((account, service, supplier, bank, house),
    money in ``STORED`` order). A closed period summed by a house's cut (house, manager, section), supplier or
    service comes summed already per house (or for the town) and (service, supplier): the account is then None."""
    if periods.is_closed(period) and by in (*HOUSE_CUTS, "supplier", "service", "month"):
        yield from _closed_groups(db, period, by, dims)
        return
    for part in by_houses(db, period, dims, closed=periods.is_closed(period)):
        for account, service, supplier, money in part:
            yield (account, service, supplier, None, None), money


def _closed_groups(db: pw.Database, period: Period, by: str, dims: Dimensions
                   ) -> Iterator[tuple[tuple, tuple[int, ...]]]:
    pairs = key_pairs(db)
    sums: dict[tuple, tuple[int, ...]] = {}
    by_house = by in HOUSE_CUTS
    for account, keys, money in packed_columns(db, str(period)):
        group = (dims.account_house.get(account) if by_house else None, keys, len(money))
        found = sums.get(group)
        sums[group] = money if found is None else tuple(map(add, found, money))
    for (house, keys, _), money in sums.items():
        n = len(keys)
        for j, key in enumerate(keys):
            service, supplier = pairs[key]
            yield (None, service, supplier, None, house), _padded(money[j::n])


__all__ = ["CHUNK", "WIDTH", "balances_of", "by_houses", "facts", "house_chunks", "period_state"]
