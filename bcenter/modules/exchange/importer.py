"""Import of an exchange document (EXCHANGE.md): validate everything, then write everything — or nothing.

Order of work:
1. the top level (format, version, unknown sections), then every object against the schema;
2. ids: duplicates within an array; objects already in the database (matched by ``id`` = ``ext_id``)
   keep their UUID, new ones get a UUIDv7;
3. references that the document does not resolve itself are looked up in the database;
4. semantic checks per object (``checks.Checker``), overlapping tariff and norm periods, account numbers;
5. objects already imported are compared with what is stored: the same → skipped (a second import
   changes nothing), different → an error (facts are never overwritten);
6. on any problem: ``ValidationFailed`` listing all of them, nothing written; else bulk inserts through
   the caller's unit of work (outbox + audit), then the search index of the touched accounts.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any, Callable, Iterable

import peewee as pw

from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.ids import uuid7
from bcenter.core.settings import Settings
from bcenter.modules.exchange import matching, schema as xs
from bcenter.modules.exchange.checks import Checker, find_overlaps
from bcenter.modules.exchange.result import ImportResult
from bcenter.modules.exchange.tables import COLUMNS, KIND_ARRAY, KIND_TABLE
from bcenter.modules.exchange.values import value_problems
from db.dialect import db_ids, is_postgres, param_mark
from db.fields import JsonTextField
from db.models import ALL_MODELS, Organization, Setting
from db.queries import settings_rows
from db.models.reference import BankDetail
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
    "registration": (("person", "person"), ("premises", "premises")),
    "ownership": (("owner.person", "person"), ("premises", "premises")),
    "meter": (("premises", "premises"), ("house", "house")),
    "reading": (("meter", "meter"),),
    "house_reading": (("meter", "meter"),),
    "absence": (("person", "person"),),
    "quality_event": (("service", "service"), ("house", "house"), ("premises", "premises")),
    "payment": (("account", "account"), ("services[].service", "service")),
    "opening_balance": (("account", "account"), ("service", "service")),
}
"""Which fields of each kind refer to which kind (``a.b`` nested, ``a[].b`` in a list)."""

WRITE_ORDER = (
    "supplier", "bank_detail", "service", "key_rate", "moratorium", "house", "house_service", "tariff", "norm",
    "premises", "person", "account", "account_service", "registration", "ownership", "meter", "meter_reading",
    "house_reading", "absence", "quality_event", "payment", "payment_service_split", "opening_balance",
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


class Importer:
    """Imports one document within an open unit of work. Use :func:`import_document` for the usual case."""

    def __init__(self, db: pw.Database, uow: UnitOfWork, *, progress: Callable[[int], None] | None = None,
                 today: date | None = None):
        self.db = db
        self.uow = uow
        self.today = today or date.today()
        self.progress = progress or (lambda n: None)  # called with objects checked, then rows written
        self.pg = is_postgres(db)
        self.problems: list[Problem] = []
        self.ids: dict[str, dict[str, str]] = {k: {} for k in KIND_TABLE}
        self.existing: dict[str, set[str]] = {k: set() for k in KIND_TABLE}
        self.meter_info: dict[str, tuple[str, int]] = {}
        self._nonempty: dict[str, bool] = {}
        self.failed_ids: dict[str, list[tuple[int, str]]] = {}
        self.duplicates: set[tuple[str, int]] = set()  # (kind, index) of objects repeating an earlier id
        self.paths: dict[str, str] = {}  # row UUID → where its object stands in the document
        self.natural_objs: dict[str, dict] = {}
        self.updates: list[tuple[str, str, dict, str, str]] = []  # (table, uid, changed columns, path, ext id)
        self.child_replacements: list[tuple[str, str, str, list]] = []  # (child table, parent column, uid, rows)  # row UUID → object without id (matched by natural key)

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

    def _has_rows(self, table: str) -> bool:
        if table not in self._nonempty:
            self._nonempty[table] = self.db.execute_sql(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
        return self._nonempty[table]

    # --- the run ------------------------------------------------------------------------------
    def run(self, doc: Any) -> ImportResult:
        if not self._check_top(doc):
            raise ValidationFailed(self.problems, title="Документ не импортирован")
        items = self._schema_pass(doc)
        self._assign_ids(items)
        self._resolve_external(items)
        checker = Checker(self.ids, self.meter_info, today=self.today)
        rows: dict[str, list[tuple]] = defaultdict(list)
        for kind, entries in items.items():
            check = getattr(checker, kind, None)
            if check is None:  # closed_period
                continue
            ids = self.ids.get(kind)
            array = xs_array(kind)
            for index, obj in entries:
                if (kind, index) in self.duplicates:
                    continue
                path = f"{array}[{index}]"
                if ids is not None and "id" in obj:
                    uid = ids[obj["id"]]
                else:
                    uid = uuid7()
                    self.natural_objs[uid] = obj
                self.paths[uid] = path
                check(obj, path, uid, rows)
        self.problems.extend(checker.problems)
        self._check_account_numbers(items)
        self._check_overlaps(items, rows)
        # readings imported again are the facts-never-overwritten check's (below); the sequence is of the new ones
        again = {self.ids[k][ext] for k in ("reading", "house_reading") for ext in self.existing[k]}
        fresh = {**rows, **{t: [r for r in rows.get(t, ()) if r[0] not in again]
                            for t in ("meter_reading", "house_reading")}}
        self.problems.extend(matching.reading_sequences(fresh, self.paths, *self._stored_readings(fresh)))
        self._check_closed_periods(items)
        settings_rows = self._check_settings(doc)
        for period in sorted({o for _, o in items.get("closed_period", ())}):
            rows["billing_period"].append((uuid7(), period, "closed", True))
        result = ImportResult()
        self.problems.extend(matching.natural_duplicates(rows, self.paths, self.natural_objs))
        matching.drop_existing(self, rows, result)
        self._check_opening_balances(rows)
        if self.problems:
            raise ValidationFailed(self.problems, title="Документ не импортирован")
        self._write(doc, rows, settings_rows, result)
        return result

    # --- 1. top level and schema --------------------------------------------------------------
    def _check_top(self, doc: Any) -> bool:
        if not isinstance(doc, dict):
            self.problems.append(Problem("(документ)", "ожидается объект JSON с полями format и version"))
            return False
        for key in doc:
            if key not in xs.TOP_LEVEL:
                self.problems.append(Problem(key, "неизвестный раздел верхнего уровня (опечатка?)"))
        if doc.get("format") != "bcenter-exchange":
            self.problems.append(Problem("format", f"ожидается \"bcenter-exchange\", получено "
                                                   f"{json.dumps(doc.get('format'), ensure_ascii=False)}"))
        if doc.get("masked") is not None and doc.get("masked") is not False:
            self.problems.append(Problem("masked", "документ выгружен с --mask-personal-data: паспорта, СНИЛС, телефоны "
                                                   "и e-mail в нём — маски, импорт заменил бы ими настоящие; выгрузите "
                                                   "без маскирования"))
        version = doc.get("version")
        if not (type(version) is int and version == 1):  # True == 1 in Python; the schema says integer 1
            self.problems.append(Problem("version", f"поддерживается версия 1, получено "
                                                    f"{json.dumps(doc.get('version'), ensure_ascii=False)}"))
        for array in xs.ARRAY_KINDS:
            if array in doc and not isinstance(doc[array], list):
                self.problems.append(Problem(array, "ожидается массив"))
        for single in ("organization", "settings"):
            if single in doc:
                found = list(value_problems(doc[single], single))
                try:
                    xs.fast_validator(single)(doc[single])
                except Exception as exc:
                    found += xs.explain(single, doc[single], single) or ([] if found else [xs.fast_problem(exc, single)])
                self.problems.extend(found)
        # a document of another format or version, or with sections of the wrong type, is not read further:
        # its objects would only produce noise; unknown sections and a bad organization/settings are not fatal
        fatal = {"format", "version", "masked", "(документ)"} | {a for a in xs.ARRAY_KINDS if a in doc}
        return not any(p.path in fatal for p in self.problems)

    def _schema_pass(self, doc: dict) -> dict[str, list[tuple[int, Any]]]:
        items: dict[str, list[tuple[int, Any]]] = {}
        for array, kind in xs.ARRAY_KINDS.items():
            entries = doc.get(array)
            if not entries:
                continue
            validate = xs.fast_validator(kind)
            good, failed = [], []
            for index, obj in enumerate(entries):
                path = f"{array}[{index}]"
                found = list(value_problems(obj, path))
                try:
                    validate(obj)
                except Exception as exc:
                    # never skip: when the full explainer finds nothing to say, the fast check's own words stand
                    found += xs.explain(kind, obj, path) or ([] if found else [xs.fast_problem(exc, path)])
                if found:
                    self.problems.extend(found)
                    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
                        failed.append((index, obj["id"]))  # still resolvable: one error, not one per reference
                    continue
                good.append((index, obj))
            items[kind] = good
            self.progress(len(entries))
            if failed:
                self.failed_ids[kind] = failed
        return items

    # --- 2. ids ---------------------------------------------------------------------------------
    def _assign_ids(self, items: dict) -> None:
        for kind, table in KIND_TABLE.items():
            entries = items.get(kind) or []
            failed = self.failed_ids.get(kind, [])
            if not entries and not failed:
                continue
            seen: dict[str, int] = {}
            for index, obj in sorted(entries + [(i, {"id": ext}) for i, ext in failed], key=lambda e: e[0]):
                ext = obj.get("id")
                if ext is None:
                    continue
                if ext in seen:
                    self.problems.append(Problem(f"{KIND_ARRAY[kind]}[{index}].id",
                                                 f"дубликат id «{ext}» (уже в {KIND_ARRAY[kind]}[{seen[ext]}])"))
                    self.duplicates.add((kind, index))
                    continue
                seen[ext] = index
            found = {}
            if self._has_rows(table):
                found = dict(self._select_in(f'SELECT ext_id, id FROM "{table}" WHERE ext_id IN', list(seen)))
            ids = self.ids[kind]
            for ext in seen:
                uid = found.get(ext)
                if uid is not None:
                    ids[ext] = str(uid)
                    self.existing[kind].add(ext)
                else:
                    ids[ext] = uuid7()
            if kind == "meter":
                for _, obj in entries:
                    self.meter_info.setdefault(obj["id"], (obj["kind"], obj["zones"]))

    def _resolve_external(self, items: dict) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for kind, specs in REFS.items():
            for _, obj in items.get(kind, ()):
                for spec, target in specs:
                    for value in _values(obj, spec):
                        if value not in self.ids[target]:
                            wanted[target].add(value)
        for target, values in wanted.items():
            table = KIND_TABLE[target]
            if not values or not self._has_rows(table):
                continue
            if target == "meter":
                rows = self._select_in('SELECT ext_id, id, kind, zones FROM "meter" WHERE ext_id IN', list(values))
                for ext, uid, kind, zones in rows:
                    self.ids["meter"][ext] = str(uid)
                    self.meter_info[ext] = (kind, zones)
            else:
                for ext, uid in self._select_in(f'SELECT ext_id, id FROM "{table}" WHERE ext_id IN', list(values)):
                    self.ids[target][ext] = str(uid)

    # --- 4. cross-object checks -----------------------------------------------------------------
    def _check_account_numbers(self, items: dict) -> None:
        entries = items.get("account", ())
        seen: dict[str, int] = {}
        for index, obj in entries:
            number = obj["number"]
            if number in seen:
                self.problems.append(Problem(f"accounts[{index}].number", f"номер лицевого счёта {number} "
                                                                          f"повторяется (уже в accounts[{seen[number]}])"))
            else:
                seen[number] = index
        if seen and self._has_rows("account"):
            ids_at = {index: obj["id"] for index, obj in entries}
            for number, ext in self._select_in('SELECT number, ext_id FROM "account" WHERE number IN', list(seen)):
                index = seen[number]
                if ext is None or ids_at[index] != ext:  # the same account imported again keeps its number
                    self.problems.append(Problem(f"accounts[{index}].number",
                                                 f"лицевой счёт с номером {number} уже есть в базе "
                                                 f"(id «{ext}»)"))

    def _check_overlaps(self, items: dict, rows: dict) -> None:
        """Tariffs (service, zone, house) and norms (service, house, amenity, per) must not overlap in time,
        neither within the document nor with what the database already holds."""
        for kind, key_fields, reason in (
            ("tariff", ("service", "zone", "house"), "тарифы одной услуги (зона, дом) пересекаются по датам"),
            ("norm", ("service", "house", "amenity", "per"), "нормативы одной услуги пересекаются по датам"),
        ):
            spans = []
            for index, obj in items.get(kind, ()):
                try:
                    start = date.fromisoformat(obj["from"])
                    end = date.fromisoformat(obj["to"]) if obj.get("to") else None
                except ValueError:
                    continue
                key = tuple(self._key_part(k, obj.get(k)) for k in key_fields)
                spans.append((f"{KIND_ARRAY[kind]}[{index}]", key, start, end))
            if spans and self._has_rows(kind):
                # a stored object without id, named again with the same key and dates, is matched by value later
                again = {(key, start, end) for path, key, start, end in spans}
                spans.extend(span for span in self._stored_spans(kind, items)
                             if not (span[0] == "(без id)" and span[1:] in again))
            for path, other in find_overlaps(spans):
                if path.startswith("("):
                    path, other = other, path
                if other.startswith("("):
                    other = f"записью в базе {other[1:-1]}"
                self.problems.append(Problem(path, f"{reason}: пересечение с {other}"))

    def _key_part(self, field: str, value):
        if value is None or field not in ("service", "house"):
            return value
        return self.ids[field].get(value, f"?{value}")

    def _stored_spans(self, kind: str, items: dict) -> list:
        """Stored intervals, except rows this document imports again (matched by id), keyed by UUIDs."""
        again = {obj.get("id") for _, obj in items.get(kind, ()) if obj.get("id") in self.existing[kind]}
        cols = {"tariff": "ext_id, service_id, zone, house_id, valid_from, valid_to",
                "norm": "ext_id, service_id, house_id, amenity, per, valid_from, valid_to"}[kind]
        out = []
        for row in self.db.execute_sql(f'SELECT {cols} FROM "{kind}"'):
            ext, *key, start, end = row
            if ext is not None and ext in again:
                continue
            key = tuple(None if v is None else str(v) for v in key)
            start = start if isinstance(start, date) else date.fromisoformat(start)
            end = None if end is None else (end if isinstance(end, date) else date.fromisoformat(end))
            out.append((f"(id «{ext}»)" if ext else "(без id)", key, start, end))
        return out

    def _stored_readings(self, rows: dict) -> tuple[dict[str, list[tuple]], dict[str, tuple]]:
        """The readings already stored for the meters this document reads (listed in it again or not), and the
        initial values of meters imported earlier: a reading lower than one already accepted is refused."""
        meters = sorted({r[2] for table in ("meter_reading", "house_reading") for r in rows.get(table, ())})
        stored: dict[str, list[tuple]] = defaultdict(list)
        initial: dict[str, tuple] = {}
        if not meters or not self._has_rows("meter"):
            return stored, initial
        for table in ("meter_reading", "house_reading"):
            for meter, day, period, *values in self._select_in(
                    f'SELECT meter_id, date, period, total, day, night, peak, half_peak FROM "{table}" '
                    'WHERE meter_id IN', meters, ids=True):
                stored[str(meter)].append((str(day)[:10], period, tuple(values)))
        for meter, *values in self._select_in(
                'SELECT id, initial_total, initial_day, initial_night, initial_peak, initial_half_peak FROM "meter" '
                'WHERE id IN', meters, ids=True):
            initial[str(meter)] = tuple(values)
        return stored, initial

    def _check_closed_periods(self, items: dict) -> None:
        """Periods closed in the source system are past months."""
        current = f"{self.today.year:04d}-{self.today.month:02d}"
        for index, period in items.get("closed_period", ()):
            if period > current:
                self.problems.append(Problem(f"closed_periods[{index}]",
                                             f"период {period} ещё не наступил (сейчас {current}) — закрыть нельзя"))

    def _check_opening_balances(self, rows: dict) -> None:
        """A new opening balance opens a month after the last one bcenter itself closed: inside a month closed here
        (its balances written) it would rewrite it — debts would count it, the closed balances would not. Months
        closed in the source system (``closed_periods``, imported) hold no balances of bcenter's and do not stop
        it; neither does a balance already stored (an export imported again)."""
        new = rows.get("opening_balance", ())
        if not new or not self._has_rows("billing_period"):
            return
        last = self.db.execute_sql('SELECT MAX(period) FROM "billing_period" WHERE state = \'closed\' '
                                   'AND NOT imported').fetchone()[0]
        for row in new:
            if last is not None and row[3] <= last:
                self.problems.append(Problem(
                    f"{self.paths.get(row[0], 'opening_balances')}.period",
                    f"период {row[3]} закрыт (последний закрытый в bcenter — {last}): входящее сальдо задаётся на "
                    "первый открытый период"))

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

    # --- 6. writing -----------------------------------------------------------------------------
    def _write(self, doc: dict, rows: dict, settings: dict, result: ImportResult) -> None:
        if "organization" in doc:
            self._upsert_organization(doc["organization"], result)
        for key, value in settings.items():
            self._upsert_setting(key, value, result)
        self._apply_updates(result)
        for table in WRITE_ORDER:
            table_rows = rows.get(table)
            if not table_rows:
                continue
            model = _model(table)
            columns = COLUMNS[table]
            for start in range(0, len(table_rows), BATCH):
                self.uow.insert_rows(model, columns, table_rows[start:start + BATCH])
            result.inserted[table] += len(table_rows)
            self.progress(len(table_rows))
        touched = {r[0] for r in rows.get("account", ())}
        premises = {r[3] for r in rows.get("registration", ())}
        if premises and self._has_rows("account"):
            touched.update(str(a) for (a,) in self._select_in('SELECT id FROM "account" WHERE premises_id IN',
                                                               list(premises), ids=True))
        if touched:
            fresh = not self._has_rows("account")
            rebuild_account_search(self.db, None if fresh else sorted(touched))

    def _apply_updates(self, result: ImportResult) -> None:
        """Edits of reference and master data found by the re-import (audited, field by field)."""
        for table, uid, changes, path, ext in self.updates:
            model = _model(table)
            fields = {}
            for column, value in changes.items():
                field_ = model._meta.columns[column]
                fields[field_.name] = json.loads(value) if isinstance(field_, JsonTextField) and value else value
            if fields:
                self.uow.update(model, uid, **fields)
            children = [label for child, (col, parent, label) in matching.CHILDREN.items()
                        if KIND_TABLE[parent] == table and any(c == child and u == uid
                                                               for c, _, u, _ in self.child_replacements)]
            result.updated.append(f"{path} (id «{ext}»): {', '.join([*changes, *children])}")
        for child, column, uid, new_rows in self.child_replacements:
            model = _model(child)
            old = [str(r[0]) for r in self._select_in(f'SELECT id FROM "{child}" WHERE {column} IN', [uid], ids=True)]
            self.uow.delete_rows(model, old)
            if new_rows:
                self.uow.insert_rows(model, COLUMNS[child], new_rows)

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


def xs_array(kind: str) -> str:
    return _ARRAY_OF[kind]


def _model(table: str):
    for model in ALL_MODELS:
        if model._meta.table_name == table:
            return model
    raise KeyError(table)


def import_document(doc: Any, *, db: pw.Database, uow: UnitOfWork, progress: Callable[[int], None] | None = None,
                    today: date | None = None) -> ImportResult:
    """Validate and write one exchange document inside `uow`; raises ValidationFailed with every problem.
    ``today``: what «in the future» means for payments, readings and closed periods."""
    return Importer(db, uow, progress=progress, today=today).run(doc)


def count_objects(doc: Any) -> int:
    """How many objects a document holds (the size of an import's progress bar: checked + written)."""
    if not isinstance(doc, dict):
        return 0
    return sum(len(v) for k, v in doc.items() if k in xs.ARRAY_KINDS and isinstance(v, list))


__all__ = ["ImportResult", "Importer", "count_objects", "import_document"]
