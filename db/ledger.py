"""The ledger's rows and their one writer (ARCHITECTURE.md §3).

Journal entries, charge lines and postings are immutable facts; they are built as typed rows (named tuples whose
fields are the table's columns, in storage form: ids and periods as text, dates ISO, money in kopecks, quantities
canonical text) and written by ``LedgerWriter`` inside a unit of work, in batches, with their outbox rows. Every
writer of the ledger uses them: the month (CHARGE, RECALC), storno (STORNO), closing (PENALTY) — and payments next.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import NamedTuple

import peewee as pw

from bcenter.core.ids import uuid7
from bcenter.core.period import Period
from db.derivations import pack, unpack
from db.dialect import is_postgres, param_mark
from db.migrations.m0009_derivations import derivation_key
from db.models import ChargeLine, JournalEntry, Posting
from db.uow import UnitOfWork, utc_now_iso

__all__ = ["ENTRY_FIELDS", "LINE_COLUMNS", "LINE_FROM", "LINE_SELECT", "EntryRow", "LedgerWriter", "LineRow", "PostingRow", "derivation_key", "read_line",
           "entry_row", "reversed_line"]


class EntryRow(NamedTuple):
    """A journal entry: its ``kind`` (CHARGE, RECALC, STORNO, PENALTY …), the open ``period`` it is posted into,
    its business date, the account (or payment) it concerns, the period it corrects and why, the entry it
    reverses (storno) and the month run that made it."""

    id: str
    kind: str
    period: str
    business_date: str
    posted_at: str
    account_id: str | None
    payment_id: str | None
    corrects_period: str | None
    reason: str | None
    storno_of_id: str | None
    run_id: str | None


class LineRow(NamedTuple):
    """A charge line of an entry: account × service × supplier, kind, method, volume, tariff, coefficient, amount
    (kopecks), excess due to the increasing coefficient, the period it corrects and why, its derivation (JSON).
    A line is a part of its entry: its key in the database is the entry and its number there (schema step 17), given
    by the writer in the order the lines come."""

    entry_id: str
    period: str
    account_id: str
    service_id: str
    supplier_id: str
    kind: str
    method: str | None
    volume: str | None
    tariff: str | None
    coefficient: str | None
    amount: int
    excess: int | None
    corrects_period: str | None
    reason: str | None
    derivation: str | None


class PostingRow(NamedTuple):
    """One side of an entry without lines (penalties, payments): an amount on a ledger account for account ×
    service × supplier and the period of the obligation (a part of its entry, like a line: no UUID)."""

    entry_id: str
    ledger_account: str
    account_id: str | None
    service_id: str | None
    supplier_id: str | None
    period: str | None
    amount: int


def entry_row(kind: str, period: Period, *, account: str | None, business_date: str | None = None,
              corrects: Period | str | None = None, reason: str | None = None, storno_of: str | None = None,
              run_id: str | None = None, payment: str | None = None) -> EntryRow:
    """A new entry posted into ``period`` (business date: the period's last day unless given)."""
    return EntryRow(uuid7(), kind, str(period), business_date or period.last_day.isoformat(), utc_now_iso(),
                    account, payment, None if corrects is None else str(corrects), reason, storno_of, run_id)


def reversed_line(line: LineRow, entry: EntryRow, reason: str) -> LineRow:
    """A storno line: the same account, service, supplier, kind and corrected period, the opposite amount and
    excess, posted with the storno entry into its period."""
    return line._replace(entry_id=entry.id, period=entry.period, amount=-line.amount,
                         excess=None if line.excess is None else -line.excess, reason=reason)


ENTRY_FIELDS = ("period", "account_id", "corrects_period", "reason")
"""A line's fields that are its entry's: stored with the entry only (schema step 12)."""

LINE_COLUMNS = ("entry_id", "line_no", *(f for f in LineRow._fields[1:-1] if f not in ENTRY_FIELDS),
                "derivation_key")
"""The stored columns of a charge line: keyed by its entry and its number there (schema step 17); its derivation
is kept once per distinct text (schema step 9)."""

_ENTRY_ID, _DERIVATION = LineRow._fields.index("entry_id"), LineRow._fields.index("derivation")
"""A line's fields the writer reads by position: it takes ``LineRow`` s or plain tuples in their order (the month's
worker processes send plain tuples: ``HouseWork``)."""
_stored_fields = itemgetter(*(LineRow._fields.index(f) for f in LINE_COLUMNS[2:-1]))
_entry_fields = itemgetter(*(LineRow._fields.index(f) for f in ENTRY_FIELDS))

LINE_SELECT = ", ".join("d.data" if f == "derivation" else f"e.{f}" if f in ENTRY_FIELDS else f"c.{f}"
                        for f in LineRow._fields)
LINE_FROM = ('FROM "charge_line" c JOIN "journal_entry" e ON e.id = c.entry_id '
             'LEFT JOIN "derivation" d ON d.key = c.derivation_key')
"""``SELECT {LINE_SELECT} {LINE_FROM} WHERE …`` reads whole ``LineRow`` s (entry ``e``, derivation ``d``; each row
through ``read_line``); a query of lines by period or account asks the entry: ``e.period``, ``e.account_id``,
``e.corrects_period``."""


def read_line(row: Sequence) -> LineRow:
    """A row of ``SELECT {LINE_SELECT} {LINE_FROM}`` as a ``LineRow``: values as stored text, the derivation
    unpacked (``db.derivations``)."""
    *fields, packed = row
    return LineRow(*(v if v is None or isinstance(v, (int, str)) else str(v) for v in fields),
                   None if packed is None else unpack(packed))


class LedgerWriter:
    """Writes entries with their lines and postings through a unit of work, in batches of ``batch`` rows; a line's
    derivation text goes to ``derivation`` once (content key: ``derivation_key``), the line keeps the key."""

    def __init__(self, uow: UnitOfWork, *, batch: int = 10_000):
        self.uow = uow
        self.batch = batch
        self.entries = self.lines = self.postings = 0
        # derivation keys written or found in this unit of work (they go with its transaction, so with the unit)
        self._stored: set[bytes] = uow.__dict__.setdefault("_ledger_derivation_keys", set())

    def write(self, entries: Iterable[EntryRow], lines: Iterable[LineRow] = (),
              postings: Iterable[PostingRow] = (), *, fresh_keys: bool = False) -> None:
        """Write entries with their lines (``LineRow`` s, or plain tuples of their fields in order) and postings.
        ``fresh_keys``: the entries were made elsewhere (the
        month's worker processes) and get their keys here, new UUIDv7 in the order written — keys made by two
        processes at once interleave, and every write of such a batch would split half-filled pages of the tables
        clustered by entry (charge lines) and of the entries' key; new keys in write order only append. Nothing
        may refer to the entries but their own lines and postings."""
        entries, lines, postings = list(entries), list(lines), list(postings)
        of_entry = {e.id: (e.period, e.account_id, e.corrects_period, e.reason) for e in entries}
        for line in lines:  # a line is written with its entry, whose period, account … are the line's
            entry = line[_ENTRY_ID]
            if entry not in of_entry:
                raise ValueError(f"a line is written with its entry: {entry} is not among the entries")
            if _entry_fields(line) != of_entry[entry]:
                raise ValueError(f"a line's period, account, corrected period and reason are its entry's: "
                                 f"{_entry_fields(line)} ≠ {of_entry[entry]}")
        renamed = None
        if fresh_keys:  # the lines get their entries' new keys as they are stored (_derivations)
            renamed = {e.id: uuid7() for e in entries}
            entries = [e._replace(id=renamed[e.id]) for e in entries]
            postings = [(renamed.get(p[0], p[0]), *p[1:]) for p in postings]  # (entry_id first: PostingRow)
        stored_lines = self._derivations(lines, renamed)
        for model, fields, rows in ((JournalEntry, EntryRow._fields, list(entries)),
                                    (ChargeLine, LINE_COLUMNS, stored_lines),
                                    (Posting, PostingRow._fields, postings)):
            for start in range(0, len(rows), self.batch):
                self.uow.insert_rows(model, fields, rows[start:start + self.batch])
            if model is JournalEntry:
                self.entries += len(rows)
            elif model is ChargeLine:
                self.lines += len(rows)
            else:
                self.postings += len(rows)

    def _derivations(self, lines: Iterable[LineRow], renamed: dict[str, str] | None = None) -> list[tuple]:
        """The lines as stored (their entry's new key when ``renamed``, the derivation's key in place of its text),
        the new texts written."""
        out, new = [], {}
        numbers: dict[str, int] = {}  # each entry's lines numbered in the order given (all are written here)
        keys: dict[str, bytes] = {}  # a text met twice in the batch is hashed once
        for line in lines:
            text = line[_DERIVATION]
            if text is None:
                key = None
            else:
                key = keys.get(text)
                if key is None:
                    key = keys[text] = derivation_key(text)
                    if key not in self._stored:
                        new[key] = text
            entry = line[_ENTRY_ID]
            number = numbers[entry] = numbers.get(entry, 0) + 1
            out.append((entry if renamed is None else renamed[entry], number, *_stored_fields(line), key))
        if new:
            db = self.uow.db
            keys = list(new)
            mark = "%s" if is_postgres(db) else "?"
            for start in range(0, len(keys), 900):  # packing costs more than asking: texts stored before are skipped
                chunk = keys[start:start + 900]
                for (key,) in db.execute_sql(f'SELECT "key" FROM "derivation" WHERE "key" IN '
                                             f'({", ".join([mark] * len(chunk))})', chunk):
                    self._stored.add(bytes(key))
                    new.pop(bytes(key), None)
            store_derivations(db, [(key, pack(text)) for key, text in new.items()])
            self._stored.update(new)
        return out


def store_derivations(db: pw.Database, rows: list[tuple[bytes, bytes]]) -> None:
    """Packed derivations (content key, data) inserted where absent: content-addressed, the same on every database
    (the ledger's writer, and ``sync`` bringing an entry's lines). Raw SQL, bytes bound as they are."""
    if not rows:
        return
    if is_postgres(db):
        from psycopg2.extras import execute_values

        with db.cursor() as cursor:
            execute_values(cursor, 'INSERT INTO "derivation" ("key", "data") VALUES %s ON CONFLICT DO NOTHING', rows,
                           page_size=2000)
    else:
        db.connection().executemany('INSERT OR IGNORE INTO "derivation" ("key", "data") VALUES (?, ?)', rows)


def read_derivations(db: pw.Database, keys: list[bytes]) -> list[tuple[bytes, bytes]]:
    """(key, packed data) of these derivations, read raw (a blob through a model takes the binary type of whichever
    database the model was last bound to)."""
    mark = param_mark(db)
    out = []
    for start in range(0, len(keys), 900):
        chunk = keys[start:start + 900]
        out += [(bytes(k), bytes(d)) for k, d in db.execute_sql(
            f'SELECT "key", "data" FROM "derivation" WHERE "key" IN ({", ".join([mark] * len(chunk))})', chunk)]
    return out
