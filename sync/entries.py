"""A journal entry travels whole: its row, its postings, its charge lines and the derivations the lines name
(docs/design.md «Outbox granularity»: the entry's outbox row stands for its parts).

Parts have no ids of their own that mean anything elsewhere — a posting's number is its database's, a line is
(entry, line_no) — so they travel under their entry and are written under it: on a push only with an entry the
server did not have (an entry never changes: one it has is compared, its parts with it), on a pull instead of
whatever parts the site held for that entry (so a page applied twice leaves the same rows). Derivations are
content-addressed (the key is the text's hash): the same on every database, inserted if absent.
"""
from __future__ import annotations

import base64
from collections.abc import Iterable

import peewee as pw

from db.dialect import db_ids, marks
from db.ledger import read_derivations, store_derivations
from db.models import ChargeLine, Posting
from db.uow import UnitOfWork
from sync.rows import select_rows, storage_rows

PARTS: tuple[type[pw.Model], ...] = (Posting, ChargeLine)


def _columns(model: type[pw.Model]) -> list[str]:
    """The columns a part travels with: all but a database's own number (a posting's ``id``)."""
    return [c for c in model._meta.columns if not (c == "id" and isinstance(model._meta.columns[c], pw.AutoField))]


def read_parts(db: pw.Database, entry_ids: Iterable[str]) -> dict[str, list[dict]]:
    """The parts of these entries, encoded, by table — with the derivations their lines name."""
    ids = [str(i) for i in entry_ids]
    out: dict[str, list[dict]] = {}
    keys: set[bytes] = set()
    for model in PARTS:
        rows = out[model._meta.table_name] = list(select_rows(db, model, "entry_id", ids, columns=_columns(model)))
        keys.update(base64.b64decode(r["derivation_key"]["b64"]) for r in rows if r.get("derivation_key"))
    out["derivation"] = [{"key": base64.b64encode(key).decode(), "data": base64.b64encode(data).decode()}
                         for key, data in read_derivations(db, sorted(keys))]
    return out


def write_parts(uow: UnitOfWork, parts: dict[str, list[dict]], *, replace: Iterable[str] = ()) -> int:
    """Write shipped parts through ``uow`` (their entries inserted by it before); ``replace``: entries whose parts
    this database may hold already (a pull) — removed first. Returns the rows written."""
    db = uow.db
    written = 0
    store_derivations(db, [(base64.b64decode(d["key"]), base64.b64decode(d["data"]))
                           for d in parts.get("derivation") or ()])
    replace = [str(i) for i in replace]
    for model in PARTS:
        table = model._meta.table_name
        for start in range(0, len(replace), 500):
            chunk = replace[start:start + 500]
            db.execute_sql(f'DELETE FROM "{table}" WHERE entry_id IN ({marks(db, len(chunk))})', db_ids(chunk))
        rows = parts.get(table) or []
        if not rows:
            continue
        columns, values = storage_rows(db, model, rows, columns=_columns(model))
        for start in range(0, len(values), 5000):
            uow.insert_rows(model, columns, values[start:start + 5000])
        written += len(values)
    return written


__all__ = ["PARTS", "read_parts", "write_parts"]
