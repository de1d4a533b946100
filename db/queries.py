"""The common reads that the month, the reports, the bills and the screens share — one place for each join.

An account's house is read through the view ``account_house`` (account, number, premises, house, opened, closed;
migration step 5) instead of the account → premises join written at every call site.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence

import peewee as pw

from bcenter.core.errors import NotFound
from bcenter.core.settings import Settings
from db.dialect import db_ids, marks, param_mark

LIVE_REGISTRATION = 'NOT EXISTS (SELECT 1 FROM "registration" s_r WHERE s_r.supersedes_id = r.id)'
LIVE_OWNERSHIP = 'NOT EXISTS (SELECT 1 FROM "ownership" s_o WHERE s_o.supersedes_id = o.id)'
LIVE_ABSENCE = 'NOT EXISTS (SELECT 1 FROM "absence" s_a WHERE s_a.supersedes_id = a.id)'
LIVE_QUALITY = 'NOT EXISTS (SELECT 1 FROM "quality_event" s_q WHERE s_q.supersedes_id = q.id)'
"""A fact still in force: no later fact supersedes it (a de-registration repeats a registration with its end, a
correction with the right dates — facts are never edited, issue 18; an act closed earlier, issue 19). For the aliases
``r``, ``o``, ``a``, ``q``."""

IN_CHUNK = 900
"""Values per ``IN (…)`` list: SQLite allows 999 parameters in a statement by default."""


def select_in(db: pw.Database, sql_head: str, values: Sequence, tail: str = "", params: tuple = (), *,
              ids: bool = False) -> list[tuple]:
    """``sql_head (?, ?, …) tail`` for ``values`` in chunks; ``params`` come after each chunk's values. ``ids``: the
    values are keys (bound as such: ``db.dialect.db_id``)."""
    out: list[tuple] = []
    values = list(db_ids(values) if ids else values)
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start:start + IN_CHUNK]
        out.extend(db.execute_sql(f"{sql_head} ({marks(db, len(chunk))}){tail}", (*chunk, *params)).fetchall())
    return out


def next_in_sequence(db: pw.Database, table: str, column: str, prefix: str, *, width: int = 6) -> str:
    """The next number of a «PREFIX-YEAR-nnnnnn» sequence (``prefix`` up to the number: «АКТ-2025-»): the largest
    number stored under ``prefix`` + 1, zero-padded to ``width`` — never a count of the rows, which gives again a number
    taken when numbers came from elsewhere (an act imported with its own number), left gaps or carry revisions
    («АКТ-2025-000002/1»: only the digits right after the prefix are read). Per database: two sites numbering at once
    may still take the same number — the table's unique key refuses the second."""
    best = 0
    for (value,) in db.execute_sql(f'SELECT "{column}" FROM "{table}" WHERE "{column}" LIKE {param_mark(db)}',
                                   (prefix + "%",)):
        if not str(value).startswith(prefix):  # LIKE reads «_», «%» and (SQLite) case loosely: the prefix decides
            continue
        found = _LEADING_DIGITS.match(str(value), len(prefix))
        if found:
            best = max(best, int(found.group()))
    return f"{prefix}{best + 1:0{width}d}"


_LEADING_DIGITS = re.compile(r"[0-9]+")


def account_id(db: pw.Database, number: str) -> str:
    """The id of the account with this number (``NotFound`` names it)."""
    row = db.execute_sql(f'SELECT id FROM "account" WHERE number = {param_mark(db)}', (number,)).fetchone()
    if row is None:
        raise NotFound(what="лицевой счёт", key=number)
    return str(row[0])


def account_numbers(db: pw.Database, number: str | None = None) -> list[tuple[str, str]]:
    """(id, number) of every account by number, or of the one with ``number``."""
    if number is not None:
        rows = db.execute_sql(f'SELECT id, number FROM "account" WHERE number = {param_mark(db)}', (number,))
    else:
        rows = db.execute_sql('SELECT id, number FROM "account" ORDER BY number')
    return [(str(a), n) for a, n in rows]


def house_ids(db: pw.Database) -> list[str]:
    return [str(r[0]) for r in db.execute_sql('SELECT id FROM "house" ORDER BY id')]


def houses_of(db: pw.Database, accounts: Sequence[str]) -> dict[str, str]:
    """account id → its house id."""
    return {str(a): str(h) for a, h in select_in(db, 'SELECT account_id, house_id FROM "account_house" '
                                                     'WHERE account_id IN', sorted(set(accounts)), ids=True)}


def live_payment(alias: str = "payment") -> str:
    """The SQL condition of a payment that counts: real money (not a storno row, whose amount is negative) not
    reversed by a storno since (``payment.storno_of_id``) — a reversed payment and its storno are as if neither
    were (issue 12: «корректировка оплат»)."""
    return (f'{alias}.amount > 0 AND NOT EXISTS (SELECT 1 FROM "payment" reversal '
            f'WHERE reversal.storno_of_id = {alias}.id)')


def in_houses(db: pw.Database, houses: Sequence[str] | None, column: str = "account_id") -> tuple[str, tuple]:
    """``AND <column> IN (the accounts of these houses)`` and its parameters; nothing when ``houses`` is None."""
    if houses is None:
        return "", ()
    return (f' AND {column} IN (SELECT account_id FROM "account_house" WHERE house_id IN '
            f'({marks(db, len(houses))}))', db_ids(houses))


def settings_rows(db: pw.Database) -> list[tuple[str, str]]:
    """The stored settings as (key, JSON text), by key."""
    return [(k, v) for k, v in db.execute_sql('SELECT key, value FROM "setting" ORDER BY key')]


def load_settings(db: pw.Database) -> Settings:
    """The database's settings (defaults where a key is not stored); a stored value outside the allowed ones is an
    error naming it."""
    return Settings.from_mapping({k: json.loads(v) for k, v in settings_rows(db)})
