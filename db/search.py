"""Account search by number, address or a person's name (FTS5 on SQLite, tsvector on PostgreSQL).

The index is derived data (rebuilt from the registry, never synced): a row per account with its
number, its address («г. Заречный, ул. Ленина, д. 5, кв. 12») and the names of its holder and of the
people registered in its premises.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

import peewee as pw

from db.dialect import db_ids, is_postgres, param_mark, raw_insert

_TOKEN = re.compile(r"\w+", re.UNICODE)
BROAD = 2000
"""Matches beyond which a search is not ranked (``search_accounts``)."""


def fold(text: str) -> str:
    """ё → е: people type «Ковалева» for «Ковалёва» (and the tokenizers do not fold it)."""
    return text.replace("ё", "е").replace("Ё", "Е")


def format_address(city: str, street: str, building: str, block: str | None, number: str | None,
                   kind: str = "residential") -> str:
    """«г. Заречный, ул. Ленина, д. 5, кв. 12» (a non-residential premises is «пом.», not «кв.»)."""
    parts = [city if city.startswith(("г.", "пос.", "с.", "пгт")) else f"г. {city}", street, f"д. {building}"]
    if block:
        parts.append(f"корп. {block}")
    if number:
        parts.append(f"{'кв.' if kind == 'residential' else 'пом.'} {number}")
    return ", ".join(parts)


def _rows(db: pw.Database, account_ids: list[str] | None) -> Iterable[tuple]:
    where, params = "", ()
    if account_ids is not None:
        if not account_ids:
            return []
        marks = ", ".join([param_mark(db)] * len(account_ids))
        where, params = f"WHERE a.id IN ({marks})", db_ids(account_ids)
    names: dict[str, list[str]] = defaultdict(list)
    sql_names = (
        "SELECT a.id, p.last_name, p.first_name, p.middle_name FROM account a "
        "JOIN registration r ON r.premises_id = a.premises_id JOIN person p ON p.id = r.person_id "
        f"{where} UNION SELECT a.id, p.last_name, p.first_name, p.middle_name FROM account a "
        f"JOIN person p ON p.id = a.holder_person_id {where}"
    )
    for account_id, last, first, middle in db.execute_sql(sql_names, params + params):
        names[str(account_id)].append(" ".join(x for x in (last, first, middle) if x))
    sql = (
        "SELECT a.id, a.number, h.city, h.street, h.building, h.block, pr.number, pr.kind, a.holder_org_name "
        "FROM account a JOIN premises pr ON pr.id = a.premises_id JOIN house h ON h.id = pr.house_id "
        f"{where} ORDER BY a.number"
    )
    out = []
    for account_id, number, city, street, building, block, flat, kind, org in db.execute_sql(sql, params):
        account_id = str(account_id)
        people = sorted(set(names.get(account_id, [])))
        if org:
            people.append(org)
        address, names_text = format_address(city, street, building, block, flat, kind), "; ".join(people)
        out.append((account_id, number, address, names_text, fold(f"{number} {address} {names_text}")))
    return out


def rebuild_account_search(db: pw.Database, account_ids: list[str] | None = None) -> int:
    """Rebuild the search rows of the given accounts (all when None); returns how many were written."""
    if account_ids is None:
        db.execute_sql("DELETE FROM account_search")
    else:
        for start in range(0, len(account_ids), 500):
            chunk = account_ids[start:start + 500]
            marks = ", ".join([param_mark(db)] * len(chunk))
            db.execute_sql(f"DELETE FROM account_search WHERE account_id IN ({marks})", tuple(chunk))
    rows = list(_rows(db, account_ids))
    raw_insert(db, "account_search", ("account_id", "number", "address", "names", "folded"), rows)
    return len(rows)


def search_accounts(db: pw.Database, text: str, *, limit: int = 20) -> list[dict]:
    """Accounts whose number, address or names contain every word of `text` as a prefix."""
    tokens = [fold(t.lower()) for t in _TOKEN.findall(text)]
    if not tokens:
        return []
    if is_postgres(db):
        query = " & ".join(f"{t}:*" for t in tokens)
        sql = ("SELECT account_id, number, address, names FROM account_search "
               "WHERE document @@ to_tsquery('simple', %s) ORDER BY number LIMIT %s")
        cursor = db.execute_sql(sql, (query, limit))
    else:
        query = " AND ".join(f'"{t}"*' for t in tokens)
        # Ranking (bm25) scores every match: «За» matches the whole town of «г. Заречный» (100 000 rows, ~100 ms).
        # Beyond BROAD matches no order is more relevant than another: the first ones by account number (the
        # index's insertion order) come back at once.
        broad = db.execute_sql("SELECT COUNT(*) FROM (SELECT rowid FROM account_search WHERE account_search MATCH ? "
                               "LIMIT ?)", (query, BROAD + 1)).fetchone()[0] > BROAD
        sql = ("SELECT account_id, number, address, names FROM account_search WHERE account_search MATCH ? "
               + ("LIMIT ?" if broad else "ORDER BY rank LIMIT ?"))
        cursor = db.execute_sql(sql, (query, limit))
    return [dict(account_id=str(r[0]), number=r[1], address=r[2], names=r[3]) for r in cursor]
