"""What the importer finds already there, and natural keys repeated inside the document.

* Objects with an ``id`` already imported: the same content (children included — a payment's split, the
  services of an account or house, a supplier's bank) is skipped; anything different is an error, because
  facts are never overwritten (a correction is a new object).
* Objects without an id are matched by their natural keys (key rates by date, moratoria by interval, opening
  balances by account × service × period, closed periods by value, tariffs and norms by service, house,
  zone/amenity and dates); a duplicate natural key inside one document is an error too.

The importer calls these batch by batch (``Importing``: the UUIDs found again, the stored rows without id read once
before their table is written); the readings' sequences are ``sequences``'.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Protocol

import peewee as pw

from bcenter.core.errors import Problem
from bcenter.core.money import format_kop
from bcenter.modules.exchange.result import ImportResult
from bcenter.modules.exchange.tables import COLUMNS, KIND_ARRAY, KIND_TABLE, private_json, storage_form
from db.sealing import keyring


def unsealed_row(row) -> tuple:
    """A stored person row with its sealed column opened into the importer's plain form (``private_json``)."""
    *head, sealed = row
    return (*head, private_json(keyring().unseal(sealed)))


def sealed_changes(db: pw.Database, uid: str, private: str | None) -> list[str]:
    """The sealed fields of a stored person that ``private`` (the importer's plain form) changes."""
    from db.dialect import db_id, param_mark

    (stored,), = db.execute_sql(f'SELECT sealed FROM "person" WHERE id = {param_mark(db)}', (db_id(uid),))
    old, new = keyring().unseal(stored), json.loads(private) if private else {}
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def sealed_rows(rows: list) -> list:
    """Person rows of the importer (plain private JSON last) as stored: sealed (``db.sealing``)."""
    ring = keyring()
    return [(*head, None if private is None else ring.seal(json.loads(private))) for *head, private in rows]


class Importing(Protocol):
    """What the matching needs of an import in progress (``importer.Importer``)."""

    db: pw.Database
    ids: dict[str, dict[str, str]]
    existing: dict[str, set[str]]
    paths: dict[str, str]
    natural_objs: dict[str, dict]
    problems: list[Problem]
    updates: list[tuple[str, str, dict, str, str]]
    child_replacements: list[tuple[str, str, str, list]]

    def _select_in(self, sql_head: str, values: list, tail: str = "", *, ids: bool = False) -> list[tuple]: ...

    def _has_rows(self, table: str) -> bool: ...

    def existing_uids(self, kind: str) -> set[str]: ...

    def stored_natural(self, table: str, sql: str) -> dict: ...

UPDATABLE = {"supplier", "service", "tariff", "norm", "house", "premises", "person", "account", "meter"}
"""Reference and master data: a re-import with other content updates them (audited, field by field).
Facts — readings, payments, registrations, ownership, absences, quality events — are never overwritten."""

CHILDREN = {
    "bank_detail": ("supplier_id", "supplier", "bank"),
    "house_service": ("house_id", "house", "services"),
    "account_service": ("account_id", "account", "services"),
    "payment_service_split": ("payment_id", "payment", "services"),
}
"""Child table → (its parent column, the parent kind, the field of the parent object it comes from)."""

NATURAL = {
    # table: (key columns, value columns, array, key fields of the document object)
    "key_rate": (("valid_from", "source"), ("rate", "extra"), "key_rates", ("from",)),
    "moratorium": (("valid_from", "valid_to", "source"), ("debts_before", "extra"), "moratoria", ("from", "to")),
    "opening_balance": (("account_id", "service_id", "period"), ("amount", "supplier_id", "extra"), "opening_balances",
                        ("account", "service", "period")),
    "billing_period": (("period",), (), "closed_periods", ()),
    "tariff": (("service_id", "house_id", "zone", "valid_from", "valid_to"),
               ("rate", "cold_water_rate", "heat_rate", "heat_per_m3", "extra"), "tariffs",
               ("service", "house", "zone", "from", "to")),
    "norm": (("service_id", "house_id", "amenity", "per", "valid_from", "valid_to"), ("value", "extra"), "norms",
             ("service", "house", "amenity", "per", "from", "to")),
}


DEFAULTED = {"opening_balance": {"supplier_id": "supplier"}}
"""Columns the document may leave out, filled by the importer (an opening balance's supplier: its service's): on a
re-import they are compared only when the document names them — else the stored value stands (the service may have
moved to another supplier since; the balance stays owed to the one it was owed to)."""

UNKNOWN_WHEN_NULL = {"opening_balance": {"extra"}, "key_rate": {"extra"}, "moratorium": {"extra"}}
"""Columns whose stored NULL means «not known», not «none»: before schema step 36 these tables had no ``extra`` and
the import dropped it — a document loaded then, loaded again, is the same record."""


def _was(imp: Importing, column: str, value) -> str:
    """A stored value as the message names it: a supplier by the document's id, ``extra`` only as «other»."""
    if column == "extra":
        return "extra другое"
    if column == "supplier_id" and value is not None:
        found = imp._select_in('SELECT ext_id FROM "supplier" WHERE id IN', [str(value)], ids=True)
        return f"supplier «{found[0][0] if found and found[0][0] else value}»"
    return f"{column} {_show(column, value)}"


def _show(column: str, value) -> str:
    if value is None:
        return "—"
    if column == "amount" and isinstance(value, int):
        return format_kop(value)
    return str(value)


def drop_existing(imp: Importing, rows: dict, result: ImportResult) -> None:
    """Remove rows already stored: the same content is skipped; other content updates reference and master data
    (``imp.updates``, ``imp.child_replacements``) and is an error for facts."""
    for kind, table in KIND_TABLE.items():
        if not rows.get(table):
            continue
        existing_ids = imp.existing_uids(kind)
        if not existing_ids:
            continue
        fresh, again = [], {}
        for row in rows.get(table, ()):
            if row[0] in existing_ids:
                again[row[0]] = row
            else:
                fresh.append(row)
        rows[table] = fresh
        columns = COLUMNS[table]
        differences: dict[str, list[str]] = defaultdict(list)
        replaced_children: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        stored = imp._select_in(f'SELECT {", ".join(columns)} FROM "{table}" WHERE id IN', list(again), ids=True)
        if table == "person":  # compared as the document says them, not as sealed (a seal differs every time)
            stored = [unsealed_row(row) for row in stored]
        for db_row in stored:
            new = again[str(db_row[0])]
            differences[new[0]] += [c for c, a, b in zip(columns[2:], storage_form(db_row[2:]),
                                                         storage_form(new[2:])) if a != b]
        for child, (column, parent_kind, label) in CHILDREN.items():
            if parent_kind != kind:
                continue
            pos = COLUMNS[child].index(column)
            mine, keep = defaultdict(list), []
            for r in rows.get(child, ()):
                if r[pos] in existing_ids:
                    mine[r[pos]].append(_child_content(child, r))
                    replaced_children[child][r[pos]].append(r)
                else:
                    keep.append(r)
            rows[child] = keep
            theirs = defaultdict(list)
            cols = COLUMNS[child]
            for r in imp._select_in(f'SELECT {", ".join(cols)} FROM "{child}" WHERE {column} IN', list(again),
                                    ids=True):
                theirs[str(r[pos])].append(_child_content(child, r))
            for uid in again:
                if sorted(mine.get(uid, [])) != sorted(theirs.get(uid, [])):
                    differences[uid].append(label)
        if kind == "meter" and differences:
            _meter_changes(imp, again, differences)
        for uid, new in again.items():
            diff = differences.get(uid)
            if diff and kind in UPDATABLE:
                imp.updates.append((table, uid, {c: v for c, v in zip(columns, new) if c in diff},
                                    imp.paths.get(uid, KIND_ARRAY[kind]), new[1]))
                for child, (column, parent_kind, label) in CHILDREN.items():
                    if parent_kind == kind and label in diff:
                        imp.child_replacements.append((child, column, uid, replaced_children[child].get(uid, [])))
            elif diff:
                imp.problems.append(Problem(imp.paths.get(uid, KIND_ARRAY[kind]),
                                            f"объект с id «{new[1]}» уже импортирован с другим содержимым "
                                            f"(поля: {', '.join(dict.fromkeys(diff))}); факты не перезаписываются "
                                            "— исправление вносится новым объектом"))
            else:
                result.unchanged[KIND_ARRAY[kind]] += 1
    _drop_natural(imp, rows, result)


METER_IDENTITY = {"resource": "ресурс", "kind": "вид", "zones": "число тарифных зон"}
"""What a meter's readings are readings of: changed under stored readings, those would no longer fit the meter
(a two-zone reading of a one-zone meter, water read as electricity) — a replacement is a new meter (``replaces``)."""


def _meter_changes(imp: Importing, again: dict[str, tuple], differences: dict[str, list[str]]) -> None:
    """A meter imported again with other content is updated — but not what its stored readings depend on: its
    identity (``METER_IDENTITY``) once it has readings, its installation after its first reading, its removal before
    its last one. Such a change is refused (the meter is left as it is) with the reason."""
    wanted = [uid for uid, diff in differences.items()
              if uid in again and set(diff) & {*METER_IDENTITY, "installed", "removed"}]
    if not wanted:
        return
    spans: dict[str, tuple] = {}
    for table in ("meter_reading", "house_reading"):
        for meter, first, last, count in imp._select_in(
                f'SELECT meter_id, MIN(date), MAX(date), COUNT(*) FROM "{table}" WHERE meter_id IN', wanted,
                " GROUP BY meter_id", ids=True):
            spans[str(meter)] = (str(first), str(last), count)
    columns = COLUMNS["meter"]
    for uid in wanted:
        if uid not in spans:
            continue
        first, last, count = spans[uid]
        new = dict(zip(columns, again[uid]))
        path = imp.paths.get(uid, "meters")
        found = []
        for column in differences[uid]:
            if column in METER_IDENTITY:
                found.append(Problem(f"{path}.{column}", f"у прибора уже есть показания ({count}): "
                                                         f"{METER_IDENTITY[column]} не меняется — замену оформляют "
                                                         "новым прибором (replaces)"))
            elif column == "installed" and str(new["installed"]) > first:
                found.append(Problem(f"{path}.installed", f"дата установки {new['installed']} позже первого "
                                                          f"показания прибора ({first})"))
            elif column == "removed" and new["removed"] is not None and str(new["removed"]) < last:
                found.append(Problem(f"{path}.removed", f"дата снятия {new['removed']} раньше последнего "
                                                        f"показания прибора ({last})"))
        if found:
            imp.problems.extend(found)
            differences.pop(uid)
            again.pop(uid)


def _child_content(child: str, row) -> tuple:
    """A child row without its own id and its parent's id (bank details: without both owner columns)."""
    skip = 3 if child == "bank_detail" else 2
    return tuple(storage_form(row[skip:]))


def _drop_natural(imp: Importing, rows: dict, result: ImportResult) -> None:
    for table, (key_cols, value_cols, array, fields) in NATURAL.items():
        new_rows = rows.get(table)
        if not new_rows or not imp._has_rows(table):
            continue
        cols = COLUMNS[table]
        where = " WHERE ext_id IS NULL" if "ext_id" in cols else ""
        stored = imp.stored_natural(table, f'SELECT {", ".join(key_cols + value_cols)} FROM "{table}"{where}')
        keep = []
        for row in new_rows:
            if "ext_id" in cols and row[1] is not None:
                keep.append(row)
                continue
            key = tuple(storage_form(row[cols.index(c)] for c in key_cols))
            if key not in stored:
                keep.append(row)
                continue
            values = tuple(storage_form(row[cols.index(c)] for c in value_cols))
            obj = imp.natural_objs.get(row[0], {})
            defaulted, unknown = DEFAULTED.get(table, {}), UNKNOWN_WHEN_NULL.get(table, ())
            if defaulted or unknown:
                values = tuple(was if (c in defaulted and defaulted[c] not in obj) or (c in unknown and was is None)
                               else v for c, v, was in zip(value_cols, values, stored[key]))
            if values == stored[key]:
                result.unchanged[array] += 1
                continue
            named = ", ".join(f"{f} {json.dumps(obj.get(f), ensure_ascii=False)}" for f in fields if f in obj)
            was = ", ".join(_was(imp, c, v) for c, v, n in zip(value_cols, stored[key], values)
                            if v != n or c == "amount")
            imp.problems.append(Problem(imp.paths.get(row[0], array),
                                        f"запись ({named}) уже есть в базе с другим значением ({was}); "
                                        "исправление вносится новой записью"))
        rows[table] = keep


def natural_duplicates(rows: dict, paths: dict, objs: dict, seen_before: dict[str, dict[tuple, str]]) -> list[Problem]:
    """Two objects without id with the same natural key in one document (``seen_before``: table → key → path of
    the objects of earlier batches)."""
    problems = []
    for table, (key_cols, _, array, _) in NATURAL.items():
        if table in ("tariff", "norm") or not rows.get(table):  # tariffs' and norms' duplicates overlap, said so
            continue
        cols = COLUMNS[table]
        seen = seen_before[table]
        for row in rows.get(table, ()):
            key = tuple(row[cols.index(c)] for c in key_cols)
            path = paths.get(row[0], array)
            if key in seen:
                problems.append(Problem(path, f"повторяет {seen[key]}: запись с теми же ключевыми полями "
                                              f"({', '.join(c for c in key_cols if c != 'source')}) уже есть в документе"))
            else:
                seen[key] = path
    return problems
