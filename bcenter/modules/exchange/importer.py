"""Import of an exchange document (EXCHANGE.md): every problem found and reported, and all written — or nothing.

A city's document (a gigabyte of JSON, millions of objects) is read twice, array by array, and never held whole:

1. the first reading, in the file's order: the top level (format, version, unknown sections), every object against
   the schema, ids and their duplicates within an array, what the checks across objects need (account numbers,
   tariff and norm periods, meters' kinds and zones); the ids of objects others refer to stay in memory — objects
   already in the database (matched by ``id`` = ``ext_id``) keep their UUID, new ones get a UUIDv7 — and so a
   reference resolves wherever in the file its object stands;
2. the second reading, array by array in the order of the tables (``ARRAY_ORDER``), in batches: references the
   document does not resolve itself are looked up in the database, each object is checked (``checks.Checker``) and
   made into rows, objects already imported are compared with what is stored (the same → skipped, so a second
   import changes nothing; different → an error for facts, an update for master data), and the rows are written
   through the caller's unit of work (outbox + audit) — until the first problem, after which the reading only checks;
   a row naming another of its table (a meter's ``replaces``, a fact's ``supersedes``) is written after it, even
   when the named one stands batches later (``_in_order``);
3. the readings of each meter never go down (``sequences``: noted in temporary tables, walked meter by meter);
4. on any problem: ``ValidationFailed`` listing all of them, and the unit of work rolls back everything written;
   else the search index of the touched accounts.

Memory: the ids of objects referred to (houses, premises, persons, accounts, meters …), the account numbers and a
batch — not the document, not its rows. A document in memory (a dict) takes the same way (``DictDocument``).
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Iterable

import peewee as pw

from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.ids import uuid7
from bcenter.core.quantity import canonical
from bcenter.core.settings import Settings
from bcenter.engine.reading_rules import STATUS_NAMES
from bcenter.modules.exchange import matching, schema as xs
from bcenter.modules.exchange.checks import Checker, find_overlaps, over_shared
from bcenter.modules.exchange.first_reading import FACT_KINDS, FATAL, SELF_REFERENCES, FirstReading
from bcenter.modules.exchange.reader import DictDocument, FileDocument
from bcenter.modules.exchange.result import ImportResult
from bcenter.modules.exchange.sequences import READING_TABLES, ReadingSequences
from bcenter.modules.exchange.tables import COLUMNS, KIND_ARRAY, KIND_TABLE, storage_form

NOTES_SHOWN = 20
"""How many readings kept out of the month an import names (the rest are counted; ``bcenter readings list``)."""
from db.dialect import constraint_refusal, db_date, db_id, db_ids, integrity_errors, is_postgres, param_mark
from db.fields import JsonTextField
from db.models import ALL_MODELS, Organization, Setting
from db.queries import settings_rows
from db.models.reference import BankDetail
from db.queries import LIVE_OWNERSHIP, LIVE_REGISTRATION
from db.search import rebuild_account_search
from db.uow import UnitOfWork

BATCH = 5000

REFS: dict[str, tuple[tuple[str, str], ...]] = {
    "service": (("supplier", "supplier"),),
    "tariff": (("service", "service"), ("house", "house")),
    "norm": (("service", "service"), ("house", "house")),
    "house": (("services[].service", "service"),),
    "premises": (("house", "house"),),
    "account": (("premises", "premises"), ("holder.person", "person"), ("services[].service", "service")),
    "registration": (("person", "person"), ("premises", "premises"), ("supersedes", "registration")),
    "ownership": (("owner.person", "person"), ("premises", "premises"), ("supersedes", "ownership")),
    "meter": (("premises", "premises"), ("house", "house"), ("replaces", "meter")),
    "meter_event": (("meter", "meter"),),
    "meter_verification": (("meter", "meter"),),
    "reading": (("meter", "meter"),),
    "house_reading": (("meter", "meter"),),
    "absence": (("person", "person"),),
    "quality_event": (("service", "service"), ("house", "house"), ("premises", "premises"),
                      ("supersedes", "quality_event")),
    "payment": (("account", "account"), ("services[].service", "service")),
    "payment_document": (("account", "account"),),
    "opening_balance": (("account", "account"), ("service", "service"), ("supplier", "supplier")),
}
"""Which fields of each kind refer to which kind (``a.b`` nested, ``a[].b`` in a list)."""

WRITE_ORDER = (
    "supplier", "bank_detail", "service", "key_rate", "moratorium", "house", "house_service", "tariff", "norm",
    "premises", "person", "account", "account_service", "registration", "ownership", "meter", "meter_event",
    "meter_verification", "meter_reading",
    "house_reading", "absence", "quality_event", "payment", "payment_service_split", "payment_document", "opening_balance",
    "billing_period",
)
CHILDREN = {"bank_detail": ("supplier_id", "supplier"), "house_service": ("house_id", "house"),
            "account_service": ("account_id", "account"), "payment_service_split": ("payment_id", "payment")}


def _values(obj: Any, spec: str) -> Iterable[str]:
    if "." not in spec:  # the common case: a plain field
        value = obj.get(spec)
        return () if value is None else (value,)
    return _nested_values(obj, spec)


def _nested_values(obj: Any, spec: str) -> Iterable[str]:
    head, _, rest = spec.partition(".")
    if head.endswith("[]"):
        for item in obj.get(head[:-2]) or ():
            yield from _values(item, rest)
        return
    value = obj.get(head) if isinstance(obj, dict) else None
    if value is None:
        return
    if rest:
        yield from _values(value, rest)
    else:
        yield value


ARRAY_ORDER = (
    "suppliers", "services", "key_rates", "moratoria", "houses", "tariffs", "norms", "premises", "persons",
    "accounts", "registrations", "ownership", "meters", "meter_events", "meter_verifications", "readings",
    "house_readings", "absences", "quality_events",
    "payments", "payment_documents", "opening_balances", "closed_periods",
)
"""The order of the second reading: every array after those its rows refer to (``WRITE_ORDER``)."""
assert set(ARRAY_ORDER) == set(xs.ARRAY_KINDS)


class Importer:
    """Imports one document within an open unit of work. Use :func:`import_document` for the usual case."""

    def __init__(self, db: pw.Database, uow: UnitOfWork, *, progress: Callable[[int], None] | None = None,
                 today: date | None = None, total: Callable[[int], None] | None = None):
        self.db = db
        self.uow = uow
        self.today = today or date.today()
        self.progress = progress or (lambda n: None)  # called with objects checked, then objects written
        self.total = total or (lambda n: None)  # called once the first reading has counted the objects
        self.pg = is_postgres(db)
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, str]] = {k: {} for k in KIND_TABLE}
        self.existing: dict[str, set[str]] = {k: set() for k in KIND_TABLE}
        self.meter_info: dict[str, tuple[str, int]] = {}
        self._nonempty: dict[str, bool] = {}
        self._existing_uids: dict[str, set[str]] = {}
        self._stored_natural: dict[str, dict] = {}
        self._last_closed: list = []
        self._entrances: dict[str, set[int]] = {}
        self._stored_kinds: dict[str, tuple | None] = {}
        self.first = FirstReading(self.progress)
        # the second reading, batch by batch
        self.paths: dict[str, str] = {}  # row UUID → where its object stands in the document (this batch)
        self.natural_objs: dict[str, dict] = {}  # row UUID → object without id, matched by natural key (this batch)
        self.natural_seen: dict[str, dict[tuple, str]] = defaultdict(dict)
        self.updates: list[tuple[str, str, dict, str, str]] = []  # (table, uid, changed columns, path, ext id)
        self.child_replacements: list[tuple[str, str, str, list]] = []  # (child table, parent column, uid, rows)
        self.sequences = ReadingSequences()
        self.result = ImportResult()
        self.writing = False
        self.touched: set[str] = set()  # accounts whose search entries change
        self.touched_premises: set[str] = set()
        self.accounts_written = False
        # objects named by another of their array (``replaces``, ``supersedes``): facts' UUIDs given before their
        # batch (kind → id → UUID), those not met yet in the document, the new ones not written yet, and rows
        # waiting for them (named UUID → (row, path))
        self.promised: dict[str, dict[str, str]] = {}
        self.unmet: dict[str, set[str]] = {}
        self.unwritten: set[str] = set()
        self.held: dict[str, list[tuple[tuple, str]]] = defaultdict(list)

    # --- SQL helpers --------------------------------------------------------------------------
    def _mark(self) -> str:
        return param_mark(self.db)

    def _select_in(self, sql_head: str, values: list, tail: str = "", *, ids: bool = False) -> list[tuple]:
        """``sql_head (?, …) tail`` in chunks; ``ids``: the values are keys (``db.dialect.db_id``)."""
        out = []
        values = list(db_ids(values)) if ids else values
        for start in range(0, len(values), 900):
            chunk = values[start:start + 900]
            marks = ", ".join([self._mark()] * len(chunk))
            out.extend(self.db.execute_sql(f"{sql_head} ({marks}){tail}", tuple(chunk)).fetchall())
        return out

    def _stored(self, table: str, exts: Iterable[str], more: str = "") -> list[tuple]:
        """The stored rows the document names by id, as ``(id in the document, UUID, *more)``: a row imported from
        elsewhere is named by its ``ext_id``; a row created in bcenter has none and is exported under its UUID
        (``exporter``), so a canonical UUID also names the row of that UUID whose ``ext_id`` is NULL — an export
        imported into its own database finds every object it came from (a payment moved at the desk, a reading
        taken at the window) instead of writing it a second time. ``more``: further columns (``", kind, zones"``)."""
        exts = list(exts)
        found = {row[0]: row for row in self._select_in(f'SELECT ext_id, id{more} FROM "{table}" WHERE ext_id IN',
                                                        exts)}
        uuids = [ext for ext in exts if ext not in found and _canonical_uuid(ext)]
        if uuids:
            for uid, *rest in self._select_in(f'SELECT id{more} FROM "{table}" WHERE ext_id IS NULL AND id IN',
                                              uuids, ids=True):
                found[str(uid)] = (str(uid), uid, *rest)
        return list(found.values())

    def _has_rows(self, table: str) -> bool:
        """Did ``table`` hold rows before this import (asked of every table before the first write)?"""
        if table not in self._nonempty:
            self._nonempty[table] = self.db.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
        return self._nonempty[table]

    def existing_uids(self, kind: str) -> set[str]:
        """The UUIDs of the objects of ``kind`` the document names again (found in the database by id)."""
        if kind not in self._existing_uids:
            self._existing_uids[kind] = {self.ids[kind][ext] for ext in self.existing[kind]}
        return self._existing_uids[kind]

    def stored_natural(self, table: str, sql: str) -> dict:
        """The stored rows without id of a table matched by natural key, read once before the table is written."""
        if table not in self._stored_natural:
            self._stored_natural[table] = {}
            for r in self.db.execute_sql(sql):
                r = storage_form(r)
                self._stored_natural[table][tuple(r[:len(matching.NATURAL[table][0])])] = \
                    tuple(r[len(matching.NATURAL[table][0]):])
        return self._stored_natural[table]

    # --- the run ------------------------------------------------------------------------------
    def run(self, doc: Any) -> ImportResult:
        """``doc``: a parsed document (dict) or a :class:`~bcenter.modules.exchange.reader.FileDocument`."""
        try:
            return self._run(doc if isinstance(doc, (FileDocument, DictDocument)) else DictDocument(doc))
        finally:
            self.sequences.close()

    def _run(self, document) -> ImportResult:
        first = self.first
        first.read(document)
        top = first.check_top()
        if any(p.path in FATAL for p in top):
            raise ValidationFailed(top, title="Документ не импортирован")
        self.total(2 * sum(first.counts.values()))
        first.confirm_duplicates(document)
        self.problems = [*top, *first.problems]
        self.meter_info = first.meter_info
        self.ids.update(first.first)  # id → index until _assign_ids gives each its UUID
        self._assign_ids()
        self._promise_named()
        self._check_account_numbers()
        self._check_premises_numbers()
        self._check_house_areas()
        self._check_overlaps()
        self._check_residence()
        settings = self._check_settings(first.top)
        for table in WRITE_ORDER:  # what "already there" means is fixed before the first write
            self._has_rows(table)
        self.checker = Checker(self.ids, self.meter_info, today=self.today)
        self.checker.house_entrances = self._house_entrances
        self.checker.service_kinds = self._service_kinds
        self.writing = not self.problems
        if self.writing:
            if "organization" in first.top:
                self._upsert_organization(first.top["organization"], self.result)
            for key, value in settings.items():
                self._upsert_setting(key, value, self.result)
        for array in ARRAY_ORDER:
            if first.counts.get(array):
                self._second_reading(document, array)
        self._check_named_again()
        self.problems.extend(self.sequences.problems(
            lambda sql, keys: self._select_in(sql, keys, ids=True),
            {t: self._has_rows(t) for t in ("meter", *(t for t, _ in READING_TABLES))}))
        if self.problems:
            raise ValidationFailed(self.problems, title="Документ не импортирован")
        self._keep_verdicts()
        self._rebuild_search()
        return self.result

    def _keep_verdicts(self) -> None:
        """The validation rules' verdicts on the new readings (``sequences.meter_verdicts``), stored with them: the
        rows were written by this unit of work a moment ago, so their outbox rows ship them as they end up. A reading
        the document says a person accepted (``accepted``) is ``confirmed`` with that decision, whatever the rules
        say here: the decision travels with the reading."""
        accepted = self.checker.accepted
        accepted = {k: accepted[k] for k in self.sequences.new_readings(accepted)} if accepted else {}
        updates = []
        for key, status, checks, where, found in self.sequences.verdicts:
            decision = accepted.pop(key, None)
            if decision is not None:
                status, checks = "confirmed", {**checks, "decision": {**decision, "was": status}}
            updates.append((key, status, checks))
            self.result.readings[status] += 1
            if len(self.result.reading_notes) < NOTES_SHOWN:
                self.result.reading_notes.append(f"{where}: {STATUS_NAMES[status]} — {'; '.join(v.message for v in found)}")
        updates += [(key, "confirmed", {"decision": {**decision, "was": "accepted"}}) for key, decision in accepted.items()]
        mark = self._mark()
        for key, status, checks in updates:
            self.db.execute_sql(f'UPDATE "meter_reading" SET status = {mark}, checks = {mark} WHERE id = {mark}',
                                (status, json.dumps(checks, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                                 db_id(key)))

    def _assign_ids(self) -> None:
        """Objects already in the database (matched by ``id`` = ``ext_id``) keep their UUID, new ones get a UUIDv7."""
        for kind, table in KIND_TABLE.items():
            ids = self.ids[kind]
            if kind in FACT_KINDS or not ids:
                continue
            found = {}
            if self._has_rows(table):
                found = dict(self._stored(table, ids))
            for ext in ids:
                uid = found.get(ext)
                if uid is not None:
                    ids[ext] = str(uid)
                    self.existing[kind].add(ext)
                else:
                    ids[ext] = uuid7()

    def _fact_ids(self, kind: str, batch: list[tuple[int, dict]]) -> None:
        """The ids of one batch of facts: those already imported keep their UUID, those another fact names
        (``supersedes``) the one promised to it (``_promise_named``), so it resolves wherever the two stand."""
        table = KIND_TABLE[kind]
        exts = [obj["id"] for _, obj in batch]
        found = {}
        if exts and self._has_rows(table):
            found = dict(self._stored(table, exts))
        promised = self.promised.get(kind, {})
        ids = dict(promised)
        for ext in exts:
            ids[ext] = str(found[ext]) if ext in found else promised.get(ext) or uuid7()
        self.ids[kind] = ids
        self.unmet.get(kind, set()).difference_update(exts)
        self.existing[kind] = set(found)
        self._existing_uids.pop(kind, None)

    def _promise_named(self) -> None:
        """Objects named by another of their own array — a meter by ``replaces``, a registration, an ownership
        or a quality act by ``supersedes`` — may stand after it, even batches after it. Facts get their UUIDs
        batch by batch, so the named ones get theirs now (a stored one keeps its own); the new named objects are
        ``unwritten`` until written, and a row naming one waits for it (``_in_order``)."""
        for kind, named in self.first.named_again.items():
            if not named:
                continue
            if kind in FACT_KINDS:
                table = KIND_TABLE[kind]
                found = dict(self._stored(table, named)) \
                    if self._has_rows(table) else {}
                self.promised[kind] = {ext: str(found[ext]) if ext in found else uuid7() for ext in named}
                self.unmet[kind] = {ext for ext in named if ext not in found}
                self.unwritten.update(self.promised[kind][ext] for ext in self.unmet[kind])
            else:
                self.unwritten.update(self.ids[kind][ext] for ext in named
                                      if ext in self.ids[kind] and ext not in self.existing[kind])

    def _in_order(self, table: str, rows: list[tuple]) -> list[tuple]:
        """``rows`` to write now, each after the row it names (``replaces``, ``supersedes``): a row naming a new
        object not written yet waits for it, and follows it once it is (the same batch or a later one)."""
        field = SELF_REFERENCES[_KIND_OF[table]]
        column = COLUMNS[table].index(f"{field}_id")
        ready = []
        for row in rows:
            if row[column] is not None and row[column] in self.unwritten:
                self.held[row[column]].append((row, f"{self.paths.get(row[0], table)}.{field}"))
            else:
                ready.append(row)
        i = 0
        while i < len(ready):
            uid = ready[i][0]
            if uid in self.unwritten:
                self.unwritten.discard(uid)
                ready.extend(row for row, _ in self.held.pop(uid, ()))
            i += 1
        return ready

    def _check_named_again(self) -> None:
        """A fact named by ``supersedes`` that the document never gives (nor the database holds) is unknown; a row
        still waiting for the object it names (a cycle of ``supersedes``) is refused, not written half."""
        unknown = set()
        for kind, unmet in self.unmet.items():
            for ext in sorted(unmet):
                unknown.add(self.promised[kind][ext])
                self.problems.append(Problem(self.first.named_again[kind][ext],
                                             f"ссылка на неизвестный объект {KIND_ARRAY[kind]} «{ext}»"))
        if self.writing:
            for uid, waiting in self.held.items():
                if uid in unknown:
                    continue
                for _, path in waiting:
                    self.problems.append(Problem(path, "ссылается на объект, который так и не был записан "
                                                       "(замкнутая цепочка замен?)"))

    def _resolve_external(self, kind: str, batch: list[tuple[int, dict]]) -> None:
        """References that the document does not resolve itself are looked up in the database."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for spec, target in REFS.get(kind, ()):
            known = self.ids[target]
            for _, obj in batch:
                for value in _values(obj, spec):
                    if value not in known:
                        wanted[target].add(value)
        self._look_up(wanted)

    def _look_up(self, wanted: dict[str, set[str]]) -> None:
        """Objects of the database named by id (``wanted``: kind → ids) join ``ids`` (meters: ``meter_info`` too)."""
        for target, values in wanted.items():
            table = KIND_TABLE[target]
            if not values or not self._has_rows(table):
                continue
            if target == "meter":
                rows = self._stored("meter", values, ", kind, zones")
                for ext, uid, kind_, zones in rows:
                    self.ids["meter"][ext] = str(uid)
                    self.meter_info[ext] = (kind_, zones)
            else:
                for ext, uid in self._stored(table, values):
                    self.ids[target][ext] = str(uid)

    # --- 3. the second reading: checks and rows, batch by batch ---------------------------------
    def _second_reading(self, document, array: str) -> None:
        kind = xs.ARRAY_KINDS[array]
        failed = self.first.failed.get(kind, ())
        if kind == "closed_period":
            self._closed_periods([(i, p) for i, p in enumerate(document.array(array)) if i not in failed])
            self.progress(self.first.counts[array])
            return
        batch: list[tuple[int, dict]] = []
        read = 0
        for index, obj in enumerate(document.array(array)):
            read += 1
            if index in failed or (kind, index) in self.first.duplicates:
                continue
            batch.append((index, obj))
            if len(batch) >= BATCH:
                self._batch(array, kind, batch)
                self.progress(read)
                batch, read = [], 0
        if batch:
            self._batch(array, kind, batch)
        self.progress(read)

    def _batch(self, array: str, kind: str, batch: list[tuple[int, dict]]) -> None:
        if kind in FACT_KINDS:
            self._fact_ids(kind, batch)
        self._resolve_external(kind, batch)
        if kind == "opening_balance":
            self._service_suppliers(batch)
        self.paths, self.natural_objs = {}, {}
        index_of: dict[str, int] = {}
        rows: dict[str, list[tuple]] = defaultdict(list)
        check = getattr(self.checker, kind)
        ids = self.ids.get(kind)
        for index, obj in batch:
            if ids is not None and "id" in obj:
                uid = ids[obj["id"]]
            else:
                uid = uuid7()
                self.natural_objs[uid] = obj
            self.paths[uid] = f"{array}[{index}]"
            index_of[uid] = index
            check(obj, self.paths[uid], uid, rows)
        self.problems.extend(self.checker.problems)
        self.checker.problems.clear()
        if kind == "meter":
            self.sequences.meters(rows.get("meter", ()))
        self._finish(rows)
        if kind in ("reading", "house_reading"):  # the new ones: those imported again are compared as facts
            table = KIND_TABLE[kind]
            self.sequences.readings(table, rows.get(table, ()), index_of)

    def _service_suppliers(self, batch: list[tuple[int, dict]]) -> None:
        """The supplier an opening balance that names none is owed to: its service's, as the database holds it now —
        the document's services are written before (``ARRAY_ORDER``). While nothing is written (a problem found),
        a new service is not there: its balances are only checked, never written."""
        known = self.checker.service_suppliers
        wanted = {self.ids["service"].get(obj["service"]) for _, obj in batch if "supplier" not in obj}
        wanted = [uid for uid in wanted if uid is not None and uid not in known]
        if wanted:
            known.update((str(s), str(p)) for s, p in self._select_in(
                'SELECT id, supplier_id FROM "service" WHERE id IN', wanted, ids=True))

    def _closed_periods(self, periods: list[tuple[int, str]]) -> None:
        """Periods closed in the source system are past months — and not months bcenter keeps open: a month with a
        row of its own here (calculated, posted into, being closed) is closed by ``bcenter close``, its balances
        written; taken as «closed elsewhere» it would be closed without them (and opening balances could rewrite it,
        ``_check_opening_balances``). A month already closed — here or by an earlier import — is the same record."""
        current = f"{self.today.year:04d}-{self.today.month:02d}"
        for index, period in periods:
            if period > current:
                self.problems.append(Problem(f"closed_periods[{index}]",
                                             f"период {period} ещё не наступил (сейчас {current}) — закрыть нельзя"))
        if periods and self._has_rows("billing_period"):
            wanted = {period: index for index, period in reversed(periods)}
            for period, state in self._select_in('SELECT period, state FROM "billing_period" WHERE period IN',
                                                 list(wanted)):
                if state != "closed":
                    self.problems.append(Problem(
                        f"closed_periods[{wanted[period]}]",
                        f"период {period} в bcenter не закрыт (состояние {state}: его ведёт bcenter) — закрытыми "
                        "документ объявляет только месяцы, закрытые в исходной системе; месяц bcenter закрывается "
                        "командой bcenter close"))
            (first_open,) = self.db.execute_sql(
                """SELECT MIN(period) FROM "billing_period" WHERE state <> 'closed'""").fetchone()
            known = {p for p, _ in self._select_in('SELECT period, state FROM "billing_period" WHERE period IN',
                                                   list(wanted))}
            for period, index in sorted(wanted.items()):  # a month after one bcenter keeps open: closed without
                if first_open is not None and period > str(first_open) and period not in known:  # its balances,
                    self.problems.append(Problem(  # it would drop the open month's debts from every later balance
                        f"closed_periods[{index}]",
                        f"период {period} позже месяца {first_open}, который bcenter ведёт и ещё не закрыл: закрытыми "
                        "документ объявляет только месяцы до первого открытого в bcenter — закройте "
                        f"{first_open} и следующие командой bcenter close"))
        self.paths, self.natural_objs = {}, {}
        self._finish({"billing_period": [(uuid7(), period, "closed", True)
                                         for period in sorted({p for _, p in periods})]})

    def _finish(self, rows: dict) -> None:
        """The checks of one batch against the document so far and the database, then its rows written — while
        nothing is wrong (the first problem stops the writing; the unit of work rolls back what was written)."""
        self.problems.extend(matching.natural_duplicates(rows, self.paths, self.natural_objs, self.natural_seen))
        matching.drop_existing(self, rows, self.result)
        self._check_opening_balances(rows)
        self._check_payment_documents(rows)
        self.writing = self.writing and not self.problems
        if self.writing:
            self._write_guarded(rows)
        self.updates.clear()
        self.child_replacements.clear()

    # --- 4. checks across objects -----------------------------------------------------------------
    def _check_account_numbers(self) -> None:
        """An account number is unique: within the document (found by the first reading) and against the database —
        the same account imported again keeps its number."""
        if not self.first.numbers or not self._has_rows("account"):
            return
        numbers = list(self.first.numbers)
        for number, ext, uid in self._select_in('SELECT number, ext_id, id FROM "account" WHERE number IN', numbers):
            index, mine = self.first.numbers[number]
            if mine != (ext if ext is not None else str(uid)):  # created in bcenter: exported under its UUID
                named = f"id «{ext}»" if ext is not None else f"создан в bcenter, id «{uid}»"
                self.problems.append(Problem(f"accounts[{index}].number",
                                             f"лицевой счёт с номером {number} уже есть в базе ({named})"))

    def _check_premises_numbers(self) -> None:
        """A premises' number is unique in its house (``uq_premises_number``): within the document (the first
        reading) and against the database — a premises imported again, or moved by the document, must not take the
        number another premises of that house holds (a swap of two numbers is refused too: written one by one, the
        first would collide)."""
        numbers = self.first.premises_numbers
        if not numbers or not self._has_rows("premises"):
            return
        self._look_up({"house": {h for h, _ in numbers if h not in self.ids["house"]}})
        houses = {self.ids["house"][h]: h for h, _ in numbers if h in self.ids["house"]}
        if not houses:
            return
        for house, number, uid, ext in self._select_in('SELECT house_id, number, id, ext_id FROM "premises" WHERE '
                                                       'house_id IN', list(houses), ids=True):
            found = numbers.get((houses[str(house)], number))
            if found is not None and self.ids["premises"].get(found[1]) != str(uid):
                named = f"id «{ext}»" if ext else "создано в bcenter"
                self.problems.append(Problem(f"premises[{found[0]}].number",
                                             f"в доме «{houses[str(house)]}» уже есть помещение № {number} "
                                             f"(в базе, {named})"))

    def _check_house_areas(self) -> None:
        """A house's ``total_area`` (S_об) is the area of all its premises — the month divides by it and refuses the
        house whose premises' areas add up to more («сумма площадей помещений больше площади дома»): the house's
        area, the document's or else the stored one, against the premises it will have after the import — the
        document's and those stored that the document does not name again."""
        first = self.first
        if not first.house_areas and not first.premises_areas:
            return
        houses = set(first.house_areas) | {house for house, _, _ in first.premises_areas.values()}
        areas = {house: area for house, (_, area) in first.house_areas.items()}
        sums: dict[str, Decimal] = defaultdict(Decimal)
        last: dict[str, int] = {}
        for house, area, index in first.premises_areas.values():
            sums[house] += area
            last[house] = max(index, last.get(house, index))
        if self._has_rows("house"):
            self._look_up({"house": {h for h in houses if h not in self.ids["house"]}})
            stored = {self.ids["house"][h]: h for h in houses if h in self.ids["house"]}
            for uid, area in self._select_in('SELECT id, total_area FROM "house" WHERE id IN', list(stored), ids=True):
                areas.setdefault(stored[str(uid)], Decimal(str(area)))
            for uid, ext, house, area in self._select_in('SELECT id, ext_id, house_id, total_area FROM "premises" '
                                                         'WHERE house_id IN', list(stored), ids=True):
                if (ext if ext is not None else str(uid)) not in first.premises_areas:
                    sums[stored[str(house)]] += Decimal(str(area))
        for house, total in sums.items():
            area = areas.get(house)
            if area is None or area <= 0 or total <= area:
                continue
            path = (f"houses[{first.house_areas[house][0]}].total_area" if house in first.house_areas
                    else f"premises[{last[house]}].total_area")
            self.problems.append(Problem(path, f"общая площадь дома «{house}» {canonical(area)} м² меньше суммы "
                                               f"площадей его помещений {canonical(total)} м² (в документе и в базе): "
                                               "S_об — площадь всех помещений дома, расчёт месяца дом с такой "
                                               "площадью не примет"))

    def _house_entrances(self, house: str) -> set[int]:
        """The entrances of a house (the document's id): its premises' in the document and in the database."""
        found = self._entrances.get(house)
        if found is None:
            found = set(self.first.entrances.get(house, ()))
            uid = self.ids["house"].get(house)
            if uid is not None and self._has_rows("premises"):
                found |= {e for (e,) in self._select_in('SELECT DISTINCT entrance FROM "premises" WHERE house_id IN',
                                                        [uid], ids=True) if e is not None}
            self._entrances[house] = found
        return found

    def _service_kinds(self, service: str) -> tuple[str, str | None, str] | None:
        """(kind, resource, unit) of a service (the document's id): as the document gives it, else as stored."""
        info = self.first.service_kinds.get(service)
        if info is None and self._has_rows("service"):
            if service not in self._stored_kinds:
                row = self._select_in('SELECT kind, resource, unit FROM "service" WHERE ext_id IN', [service])
                self._stored_kinds[service] = tuple(row[0]) if row else None
            info = self._stored_kinds[service]
        return info

    def _check_overlaps(self) -> None:
        """Tariffs (service, zone, house) and norms (service, house, amenity, per) must not overlap in time,
        neither within the document nor with what the database already holds."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for kind in ("tariff", "norm"):
            for _, key, _, _ in self.first.spans[kind]:
                for field, value in key:
                    if field in ("service", "house") and value is not None and value not in self.ids[field]:
                        wanted[field].add(value)
        self._look_up(wanted)
        for kind, reason in (("tariff", "тарифы одной услуги (зона, дом) пересекаются по датам"),
                             ("norm", "нормативы одной услуги пересекаются по датам")):
            spans = [(path, tuple(self._key_part(f, v) for f, v in key), start, end)
                     for path, key, start, end in self.first.spans[kind]]
            if spans and self._has_rows(kind):
                # a stored object without id, named again with the same key and dates, is matched by value later
                again = {(key, start, end) for path, key, start, end in spans}
                spans.extend(span for span in self._stored_spans(kind)
                             if not (span[0] == "(без id)" and span[1:] in again))
            for path, other in find_overlaps(spans):
                if path.startswith("("):
                    path, other = other, path
                if other.startswith("("):
                    other = f"записью в базе {other[1:-1]}"
                self.problems.append(Problem(path, f"{reason}: пересечение с {other}"))

    def _check_residence(self) -> None:
        """One place of residence at a time (ст. 2 Закона РФ № 5242-1): a person's permanent registrations in force
        must not overlap; the owners' shares of a premises must not exceed 1/1 on any day — within the document and
        with what the database holds. A registration ended or corrected by another (``supersedes``) no longer
        counts."""
        first = self.first
        if not first.residence and not first.ownership:
            return
        spans = [(path, person, start, end) for path, person, start, end, oid in first.residence
                 if oid not in first.superseded]
        # a stored row the document names again (its own id) is that object, not another one
        again_reg = {oid for *_, oid in first.residence} | first.superseded
        again_own = {oid for *_, oid in first.ownership} | first.superseded_ownership
        if spans and self._has_rows("registration"):
            # only the document's persons: a town imported house by house must not read the town every time
            persons = self._stored_of("person", {person for _, person, _, _ in spans})
            for ext, uid, person, start, end in self._select_in(
                    'SELECT r.ext_id, r.id, r.person_id, r.valid_from, r.valid_to FROM "registration" r WHERE '
                    f"r.kind = 'permanent' AND {LIVE_REGISTRATION} AND r.person_id IN", list(persons), ids=True):
                if (ext if ext is not None else str(uid)) not in again_reg:
                    spans.append((f"(id «{ext}»)" if ext else "(без id)", persons[str(person)], db_date(start),
                                  db_date(end)))
        for path, other in find_overlaps([(p, (person,), s, e) for p, person, s, e in spans]):
            if path.startswith("("):
                path, other = other, path
            if other.startswith("("):
                other = f"записью в базе {other[1:-1]}"
            self.problems.append(Problem(path, f"у гражданина уже есть регистрация по месту жительства в эти даты "
                                               f"({other}): место жительства одно — прежнюю нужно закончить"))
        shares = [(path, premises, share, start, end) for path, premises, share, start, end, oid in first.ownership
                  if oid not in first.superseded_ownership]
        if shares and self._has_rows("ownership"):
            wanted = self._stored_of("premises", {premises for _, premises, *_ in shares})
            for ext, uid, premises, share, start, end in self._select_in(
                    'SELECT o.ext_id, o.id, o.premises_id, o.share, o.valid_from, o.valid_to FROM "ownership" o '
                    f'WHERE {LIVE_OWNERSHIP} AND o.premises_id IN', list(wanted), ids=True):
                if (ext if ext is not None else str(uid)) not in again_own:
                    shares.append(("(база)", wanted[str(premises)], share, db_date(start), db_date(end)))
        for path, premises, total, day in over_shared(shares):
            self.problems.append(Problem(path, f"доли собственников помещения «{premises}» на {day:%d.%m.%Y} в сумме "
                                               f"{total} — больше 1/1"))

    def _stored_of(self, kind: str, exts: set[str]) -> dict[str, str]:
        """UUID → the document's id, of the stored objects of ``kind`` among ``exts`` (the document's or the
        database's, ``_stored``)."""
        return {str(uid): ext for ext, uid in self._stored(KIND_TABLE[kind], sorted(exts))}

    def _key_part(self, field: str, value):
        if value is None or field not in ("service", "house"):
            return value
        return self.ids[field].get(value, f"?{value}")

    def _stored_spans(self, kind: str) -> list:
        """Stored intervals, except rows this document imports again (matched by id), keyed by UUIDs."""
        again = self.existing[kind]
        cols = {"tariff": "id, ext_id, service_id, zone, house_id, valid_from, valid_to",
                "norm": "id, ext_id, service_id, house_id, amenity, per, valid_from, valid_to"}[kind]
        out = []
        for row in self.db.execute_sql(f'SELECT {cols} FROM "{kind}"'):
            uid, ext, *key, start, end = row
            if (ext if ext is not None else str(uid)) in again:  # created in bcenter: named by its UUID
                continue
            key = tuple(None if v is None else str(v) for v in key)
            start = start if isinstance(start, date) else date.fromisoformat(start)
            end = None if end is None else (end if isinstance(end, date) else date.fromisoformat(end))
            out.append((f"(id «{ext}»)" if ext else "(без id)", key, start, end))
        return out

    def _check_opening_balances(self, rows: dict) -> None:
        """A new opening balance opens a month after the last one bcenter itself closed: inside a month closed here
        (its balances written) it would rewrite it — debts would count it, the closed balances would not. Months
        closed in the source system (``closed_periods``, imported) hold no balances of bcenter's and do not stop
        it; neither does a balance already stored (an export imported again)."""
        new = rows.get("opening_balance", ())
        if not new or not self._has_rows("billing_period"):
            return
        if not self._last_closed:
            self._last_closed.append(self.db.execute_sql('SELECT MAX(period) FROM "billing_period" WHERE state = '
                                                         '\'closed\' AND NOT imported').fetchone()[0])
        last = self._last_closed[0]
        at = COLUMNS["opening_balance"].index("period")
        for row in new:
            if last is not None and row[at] <= last:
                self.problems.append(Problem(
                    f"{self.paths.get(row[0], 'opening_balances')}.period",
                    f"период {row[at]} закрыт (последний закрытый в bcenter — {last}): входящее сальдо задаётся на "
                    "первый открытый период"))

    def _check_payment_documents(self, rows: dict) -> None:
        """An ИПД names one document, and an account has one for a month (``uq_payment_document_ipd``,
        ``uq_payment_document_account_period``): the new ones of a batch against those stored (within the
        document ``Checker.payment_document`` sees to it)."""
        new = rows.get("payment_document", ())
        if not new or not self._has_rows("payment_document"):
            return
        by_ipd = {row[4]: row for row in new}
        by_month = {(row[2], row[3]): row for row in new}
        found = self._select_in('SELECT id, ext_id, account_id, period, ipd FROM "payment_document" WHERE ipd IN',
                                list(by_ipd))
        found += self._select_in('SELECT id, ext_id, account_id, period, ipd FROM "payment_document" WHERE '
                                 'account_id IN', list({row[2] for row in new}), ids=True)
        for uid, ext, account, period, ipd in dict.fromkeys(found):
            named = f"id «{ext}»" if ext else "создан в bcenter"
            mine = by_ipd.get(ipd)
            if mine is not None and mine[0] != str(uid):
                self.problems.append(Problem(f"{self.paths.get(mine[0], 'payment_documents')}.ipd",
                                             f"ИПД {ipd} уже указан в базе ({named})"))
            mine = by_month.get((str(account), period))
            if mine is not None and mine[0] != str(uid):
                self.problems.append(Problem(f"{self.paths.get(mine[0], 'payment_documents')}.period",
                                             f"у лицевого счёта уже есть ИПД за {period} в базе ({named})"))

    def _check_settings(self, doc: dict) -> dict:
        settings = doc.get("settings")
        if not isinstance(settings, dict):
            return {}
        checker = Checker(self.ids, self.meter_info, today=self.today)
        for key in ("non_working_days", "working_days"):
            for i, day in enumerate(settings.get(key) or ()):
                if isinstance(day, str):
                    checker.date(day, f"settings.{key}[{i}]")
        for key in ("increasing_coefficients", "penalty_rate_caps"):
            for i, row in enumerate(settings.get(key) or ()):
                if isinstance(row, dict):
                    checker.interval(row, f"settings.{key}[{i}]")
        self.problems.extend(checker.problems)
        if not any(p.path.startswith("settings") for p in self.problems):  # what the database will hold after
            stored = {key: json.loads(value) for key, value in settings_rows(self.db)}
            try:
                Settings.from_mapping({**stored, **settings})
            except ValidationFailed as exc:
                self.problems.extend(exc.problems)
        return settings

    # --- 5. writing -----------------------------------------------------------------------------
    def _write_guarded(self, rows: dict) -> None:
        """A batch written whole or not at all (a savepoint): a row the database refuses — by a constraint the checks
        above do not mirror, a rule added to the schema later — is a problem naming its object and the rule, not a
        traceback; the batch's rows are taken back, the reading goes on checking, and the import is refused."""
        try:
            with self.db.atomic():
                self._write(rows)
        except _Refused as refused:
            self.problems.append(refused.problem)
            self.writing = False

    def _insert_chunk(self, table: str, model, columns, chunk: list[tuple]) -> None:
        try:
            with self.db.atomic():
                self.uow.insert_rows(model, columns, chunk)
        except integrity_errors() as exc:
            raise _Refused(self._refused_row(table, model, columns, chunk, exc)) from None

    def _refused_row(self, table: str, model, columns, chunk: list[tuple], exc: BaseException) -> Problem:
        """The object whose row the database refused: the chunk's rows tried one by one (only on this path)."""
        for row in chunk:
            try:
                with self.db.atomic():
                    self.uow.insert_rows(model, columns, [row])
            except integrity_errors() as one:
                return Problem(self._row_path(table, columns, row), _refusal(one))
        return Problem(self._row_path(table, columns, chunk[0]) if len(chunk) == 1 else xs_array_of_table(table),
                       _refusal(exc))

    def _row_path(self, table: str, columns, row: tuple) -> str:
        """``array[index]`` of the object a row was made of (a child row: of its parent)."""
        key = row[0]
        if table in CHILDREN:
            key = row[list(columns).index(CHILDREN[table][0])]
        return self.paths.get(str(key)) or xs_array_of_table(table)

    def _write(self, rows: dict) -> None:
        self._apply_updates(self.result)
        for table in WRITE_ORDER:
            table_rows = rows.get(table)
            if not table_rows:
                continue
            model = _model(table)
            columns = COLUMNS[table]
            if table == "person":
                table_rows = matching.sealed_rows(table_rows)
            if table in _KIND_OF and self.unwritten:
                table_rows = self._in_order(table, table_rows)
            for start in range(0, len(table_rows), BATCH):
                self._insert_chunk(table, model, columns, table_rows[start:start + BATCH])
            self.result.inserted[table] += len(table_rows)
        if self._has_rows("account"):
            self.touched.update(r[0] for r in rows.get("account", ()))
            self.touched_premises.update(r[3] for r in rows.get("registration", ()))
        elif rows.get("account"):
            self.accounts_written = True

    def _rebuild_search(self) -> None:
        """The search index of the accounts written and of those whose premises got new registrations (all of it
        when the database had no accounts before)."""
        if not self._has_rows("account"):
            if self.accounts_written:
                rebuild_account_search(self.db, None)
            return
        touched = self.touched
        if self.touched_premises:
            touched.update(str(a) for (a,) in self._select_in('SELECT id FROM "account" WHERE premises_id IN',
                                                               list(self.touched_premises), ids=True))
        if touched:
            rebuild_account_search(self.db, sorted(touched))

    def _apply_updates(self, result: ImportResult) -> None:
        """Edits of reference and master data found by the re-import (audited, field by field)."""
        renamed: list[str] = []
        for table, uid, changes, path, ext in self.updates:
            model = _model(table)
            fields = {}
            labels = list(changes)
            for column, value in changes.items():
                if table == "person" and column == "sealed":  # named by the fields changed inside the seal
                    labels.remove(column)
                    labels += matching.sealed_changes(self.db, uid, value)
                    value = matching.sealed_rows([(value,)])[0][0]
                field_ = model._meta.columns[column]
                fields[field_.name] = json.loads(value) if isinstance(field_, JsonTextField) and value else value
            if fields:
                try:
                    with self.db.atomic():
                        self.uow.update(model, uid, **fields)
                except integrity_errors() as exc:
                    raise _Refused(Problem(path, _refusal(exc))) from None
                if table == "account":  # its holder, number or premises: what the search finds it by
                    self.touched.add(str(uid))
                elif table == "person":
                    renamed.append(uid)
            children = [label for child, (col, parent, label) in matching.CHILDREN.items()
                        if KIND_TABLE[parent] == table and any(c == child and u == uid
                                                               for c, _, u, _ in self.child_replacements)]
            result.updated.append(f"{path} (id «{ext}»): {', '.join([*labels, *children])}")
        if renamed:  # a person's name: the accounts it holds and the premises it lives in or owns are found by it
            self.touched.update(str(a) for (a,) in self._select_in(
                'SELECT id FROM "account" WHERE holder_person_id IN', renamed, ids=True))
            for table_, column in (("registration", "person_id"), ("ownership", "owner_person_id")):
                self.touched_premises.update(str(p) for (p,) in self._select_in(
                    f'SELECT premises_id FROM "{table_}" WHERE {column} IN', renamed, ids=True))
        for child, column, uid, new_rows in self.child_replacements:
            model = _model(child)
            old = [str(r[0]) for r in self._select_in(f'SELECT id FROM "{child}" WHERE {column} IN', [uid], ids=True)]
            self.uow.delete_rows(model, old)
            if new_rows:
                self._insert_chunk(child, model, COLUMNS[child], new_rows)

    def _upsert_organization(self, org: dict, result: ImportResult) -> None:
        values = dict(name=org["name"], inn=org["inn"], kpp=org.get("kpp"), ogrn=org.get("ogrn"),
                      address=org["address"], phone=org.get("phone"), email=org.get("email"), site=org.get("site"),
                      extra=org.get("extra"))
        bank = org.get("bank")
        current = Organization.select().order_by(Organization.id).first()
        if current is None:
            org_id = self.uow.insert(Organization, **values)
            if bank:
                self.uow.insert(BankDetail, organization=org_id, bank_name=bank["name"], bic=bank["bic"],
                                corr_account=bank["corr_account"], account=bank["account"])
            result.inserted["organization"] += 1
            return
        changes = {k: v for k, v in values.items() if getattr(current, k) != v}
        if changes:
            self.uow.update(Organization, current.id, **changes)
            result.updated.append("organization")
        if bank:
            stored = BankDetail.select().where(BankDetail.organization == current.id).order_by(BankDetail.id).first()
            bank_values = dict(bank_name=bank["name"], bic=bank["bic"], corr_account=bank["corr_account"],
                               account=bank["account"])
            if stored is None:
                self.uow.insert(BankDetail, organization=current.id, **bank_values)
                result.updated.append("organization.bank")
            else:
                bank_changes = {k: v for k, v in bank_values.items() if getattr(stored, k) != v}
                if bank_changes:
                    self.uow.update(BankDetail, stored.id, **bank_changes)
                    result.updated.append("organization.bank")

    def _upsert_setting(self, key: str, value: Any, result: ImportResult) -> None:
        current = Setting.get_or_none(Setting.key == key)
        if current is None:
            self.uow.insert(Setting, key=key, value=value)
            result.inserted["setting"] += 1
        elif current.value != value:
            self.uow.update(Setting, current.id, value=value)
            result.updated.append(f"settings.{key}")




_ARRAY_OF = {kind: array for array, kind in xs.ARRAY_KINDS.items()}
_KIND_OF = {KIND_TABLE[kind]: kind for kind in SELF_REFERENCES}
"""The tables whose rows may name another row of theirs, and their kinds."""


def xs_array(kind: str) -> str:
    return _ARRAY_OF[kind]


def xs_array_of_table(table: str) -> str:
    """The document's array whose objects make rows of ``table`` (a child table: its parent's array)."""
    if table in CHILDREN:
        return xs_array(CHILDREN[table][1])
    for kind, kind_table in KIND_TABLE.items():
        if kind_table == table:
            return xs_array(kind)
    return table


class _Refused(Exception):
    """A row the database refused while a batch was written (``Importer._write_guarded``)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.reason)
        self.problem = problem


def _canonical_uuid(value: str) -> bool:
    """Is ``value`` a UUID as bcenter writes one (the exporter's id of an object created in bcenter)?"""
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, TypeError, AttributeError):
        return False


def _refusal(exc: BaseException) -> str:
    return (f"база данных не приняла объект: {constraint_refusal(exc)} — правило, которого нет в проверках "
            "импорта (сообщите разработчикам bcenter)")


def _model(table: str):
    for model in ALL_MODELS:
        if model._meta.table_name == table:
            return model
    raise KeyError(table)


def import_document(doc: Any, *, db: pw.Database, uow: UnitOfWork, progress: Callable[[int], None] | None = None,
                    today: date | None = None, total: Callable[[int], None] | None = None) -> ImportResult:
    """Validate and write one exchange document inside `uow`; raises ValidationFailed with every problem.
    ``doc``: a dict, or a ``FileDocument`` read as a stream. ``today``: what «in the future» means for payments,
    readings and closed periods. ``total``: told the size of the work (objects checked + written) once known."""
    return Importer(db, uow, progress=progress, today=today, total=total).run(doc)


__all__ = ["FileDocument", "ImportResult", "Importer", "import_document"]


