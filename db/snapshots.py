"""Balance snapshots packed per account and period (schema step 16, issue 11).

A closed period's balance is kept per account × service × supplier (ARCHITECTURE.md §3: opening, charged,
recalculated, quality, benefits, paid, penalties, closing; ``closing(P) == opening(P+1)``). An account has about
ten such rows a month, and as rows of their own each repeated the period, the account and two 16-byte keys: 876
bytes an account-month, the largest table but the charge lines. Since step 16 an account's rows of a period are one
row of ``balance_snapshot`` — (period, account, ``data``) — and ``data`` packs them:

* one byte of format version (2; 1 before issue 13);
* raw DEFLATE (1 KB window) of the rows column by column: the rows' (service, supplier) numbers as little-endian
  unsigned 16-bit integers, then each money column as little-endian signed 64-bit kopecks — format 1 the balance
  columns ``COLUMNS``, format 2 those and ``unpaid_penalties`` (``STORED``): the part of the closing that is
  penalties billed and not paid, what the ЕПД prints as «в т. ч. пени» (issue 13; the ``paid`` column mixes money
  paid for charges and for penalties, so it could not be told from the others). Both formats are read; a row of
  format 1 comes back without it (unknown: its bill prints no «в т. ч. пени», as it printed when it was closed).

Column by column, the columns that are zero (recalculations and benefits, most months) deflate to a few bits; a
month of an account takes about 160 bytes. Packing and unpacking are C calls (``zlib``, ``struct``): ~15 µs and
~3 µs an account.

The (service, supplier) numbers are this database's: ``balance_key`` numbers each pair the first time a close
needs it, and is never renumbered. They never leave the database: anything that ships or shows a snapshot reads it
through ``read_snapshots``, which gives the pairs' UUIDs (sync ships those).
"""
from __future__ import annotations

import struct
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import peewee as pw

from db.dialect import db_ids, param_mark

if TYPE_CHECKING:  # pragma: no cover
    from db.uow import UnitOfWork

__all__ = ["COLUMNS", "STORED", "VERSION", "columns", "every_snapshot", "insert_snapshots", "key_pairs", "numbered",
           "pack", "pack_balances", "packed_columns", "read_snapshots", "unpack"]

COLUMNS = ("opening", "charged", "recalculated", "quality", "benefits", "paid", "penalties", "closing")
"""The balance columns of a snapshot row, in their packed order (kopecks): the engine's ``FIELDS``."""
STORED = (*COLUMNS, "unpaid_penalties")
"""What format 2 packs: the balance columns, then the closing's unpaid penalties."""
VERSION = 2
_WIDTH = {1: len(COLUMNS), 2: len(STORED)}  # money columns per row, by format
WINDOW_BITS = 10  # an account's month unpacks to ~700 bytes: a 1 KB window holds it and is cheap to set up
LEVEL = 1  # level 9 saves 3 % and takes twice as long
MAX_KEY = 0xFFFF


def pack(rows: list[tuple[int, tuple[int, ...]]], *, version: int = VERSION) -> bytes:
    """An account's rows of a period — (key number, money in ``STORED`` order) — as stored (``version`` 1: the
    ``COLUMNS`` only — what an older release wrote, for its tests)."""
    n, width = len(rows), _WIDTH[version]
    raw = struct.pack(f"<{n}H{width * n}q", *(k for k, _ in rows),
                      *(values[i] for i in range(width) for _, values in rows))
    return bytes((version,)) + zlib.compress(raw, LEVEL, -WINDOW_BITS)


def unpack(data: bytes | memoryview) -> list[tuple[int, tuple[int, ...]]]:
    """The rows of a packed snapshot: (key number, money in ``STORED`` order — of format 1, ``COLUMNS`` only)."""
    keys, money = columns(data)
    n = len(keys)
    return [(keys[j], money[j::n]) for j in range(n)]


def columns(data: bytes | memoryview) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A packed snapshot as stored, column by column: its rows' key numbers and their money, the first column
    (``opening``) of every row, then the second…; row ``j`` of ``n`` is ``money[j::n]`` — what a report summing
    many accounts adds up a column at a time without building rows."""
    data = bytes(data)
    width = _WIDTH.get(data[0])
    if width is None:
        raise ValueError(f"сальдо упаковано в формате {data[0]}, а эта версия bcenter знает {VERSION}: "
                         f"обновите bcenter")
    raw = zlib.decompress(data[1:], -15)
    row = 2 + 8 * width
    n, rest = divmod(len(raw), row)
    if rest:
        raise ValueError(f"упакованное сальдо повреждено: {len(raw)} байт не делятся на строки по {row}")
    return struct.unpack_from(f"<{n}H", raw), struct.unpack_from(f"<{width * n}q", raw, 2 * n)


def key_pairs(db: pw.Database) -> dict[int, tuple[str, str]]:
    """This database's (service, supplier) pair of each key number, ids as text."""
    return _keys(db)


def packed_columns(db: pw.Database, period: str, scope: str = "", params: tuple = ()
                   ) -> Iterator[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    """The stored balances of ``period`` account by account as (account id, key numbers, money column by column —
    ``columns``); the numbers' pairs are ``key_pairs``. ``scope``/``params`` as ``read_snapshots``'."""
    for account, data in db.execute_sql(f'SELECT account_id, data FROM "balance_snapshot" WHERE period = '
                                        f'{param_mark(db)}{scope}', (period, *params)):
        yield (str(account), *columns(data))


def _keys(db: pw.Database) -> dict[int, tuple[str, str]]:
    return {int(n): (str(s), str(p)) for n, s, p in
            db.execute_sql('SELECT "id", "service_id", "supplier_id" FROM "balance_key"')}


def _decoded(db: pw.Database, where: str = "", params: tuple = ()
             ) -> Iterator[tuple[str, str, str, str, tuple[int, ...]]]:
    """Stored balances ``WHERE …`` as (period, account, service, supplier, money), by period and account."""
    keys = _keys(db)
    for period, account, data in db.execute_sql(
            f'SELECT period, account_id, data FROM "balance_snapshot"{where} ORDER BY period, account_id', params):
        period, account = str(period), str(account)
        for key, money in unpack(data):
            yield (period, account, *keys[key], money)


def read_snapshots(db: pw.Database, period: str, scope: str = "", params: tuple = (), *,
                   before: bool = False) -> Iterator[tuple[str, str, str, tuple[int, ...]]]:
    """The stored balances of ``period`` (of every period before it when ``before``) as (account, service,
    supplier, money in ``STORED`` order — a row of format 1 has the ``COLUMNS`` only), ids as text;
    ``scope``/``params`` narrow the accounts (``db.queries.in_houses``). Rows of several periods come period by
    period."""
    where = f' WHERE period {"<" if before else "="} {param_mark(db)}{scope}'
    for _, account, service, supplier, money in _decoded(db, where, (period, *params)):
        yield account, service, supplier, money


def every_snapshot(db: pw.Database) -> Iterator[tuple[str, str, str, str, tuple[int, ...]]]:
    """Every stored balance as (period, account, service, supplier, money in ``STORED`` order — of format 1,
    ``COLUMNS`` only), ids as text."""
    return _decoded(db)


def numbered(db: pw.Database, pairs: Iterable[tuple[str, str]] = ()) -> dict[tuple[str, str], int]:
    """This database's numbers of (service, supplier) pairs — those numbered before and ``pairs``, numbered now
    when new (inside the caller's transaction)."""
    numbers = {pair: n for n, pair in _keys(db).items()}
    missing = sorted(set(pairs) - set(numbers))
    if missing:
        start = max(numbers.values(), default=0) + 1
        if start + len(missing) - 1 > MAX_KEY:
            raise ValueError(f"пар услуга × поставщик больше {MAX_KEY}: сальдо не упаковать")
        mark = param_mark(db)
        for i, pair in enumerate(missing):
            db.execute_sql(f'INSERT INTO "balance_key" ("id", "service_id", "supplier_id") VALUES ({mark}, {mark}, '
                           f'{mark})', (start + i, *db_ids(pair)))
            numbers[pair] = start + i
    return numbers


def pack_balances(balances: Mapping[tuple[str, str, str], Mapping[str, int]], numbers: Mapping[tuple[str, str], int],
                  ) -> tuple[list[tuple[str, bytes]], dict[tuple[str, str, str], Mapping[str, int]]]:
    """A period's balances — {(account, service, supplier): {column: kopecks}} — packed an account a row, by
    account, where every pair of the account has a number; the rest returned as they came (to be numbered)."""
    by_account: dict[str, list[tuple[int, tuple[int, ...]]]] = defaultdict(list)
    unnumbered: set[str] = set()
    for (account, service, supplier), values in balances.items():
        number = numbers.get((service, supplier))
        if number is None:
            unnumbered.add(account)
        else:
            by_account[account].append((number, tuple(values.get(c, 0) for c in STORED)))
    rows = [(account, pack(sorted(parts))) for account, parts in sorted(by_account.items())
            if account not in unnumbered]
    return rows, {k: v for k, v in balances.items() if k[0] in unnumbered}


def insert_snapshots(uow: "UnitOfWork", period: str, rows: Iterable[tuple[str, bytes]], *,
                     batch: int = 5000) -> None:
    """Write a period's packed snapshots ((account, data), by account) with the period's outbox row."""
    from db.models import BalanceSnapshot

    rows = [(period, account, data) for account, data in rows]
    for start in range(0, len(rows), batch):
        uow.insert_rows(BalanceSnapshot, ("period", "account_id", "data"), rows[start:start + batch])
