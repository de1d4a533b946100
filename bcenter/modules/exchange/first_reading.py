"""The first reading of an exchange document, in the file's order: what each object alone can tell, and what the
checks across objects need — kept small (issue 11: a city's document, a gigabyte of JSON, is never held whole).

* the top level: format, version, masked, unknown sections, sections that are not arrays, organization, settings;
* every object against the schema (``value_problems``, the compiled validator, the explainer for a failing one);
* ids and their duplicates within an array: of the kinds others refer to, ``id → index of its first object`` (the
  importer gives them UUIDs, so a reference resolves wherever its object stands in the file); of facts (millions,
  referred to by nothing but another fact's ``supersedes``) only hashes while their array is read — a hash seen
  twice is confirmed by reading that array again (``confirm_duplicates``);
* the ids named by ``replaces`` and ``supersedes`` (the importer writes a named object before its namer, wherever
  the two stand in the array);
* account numbers and premises' numbers in their house (duplicates in the document), tariff and norm periods,
  meters' kinds and zones.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from bcenter.core.errors import Problem
from bcenter.modules.exchange import schema as xs
from bcenter.modules.exchange.reader import Array
from bcenter.modules.exchange.tables import KIND_ARRAY, KIND_TABLE
from bcenter.modules.exchange.values import value_problems

FACT_KINDS = frozenset({"registration", "ownership", "reading", "house_reading", "absence", "quality_event", "payment",
                        "payment_document", "meter_event", "meter_verification"})
"""Kinds no object refers to: their ids are looked up and assigned batch by batch (a city has millions of them);
the other kinds' ids stay in memory for the whole import (references to them resolve in any order)."""

SELF_REFERENCES = {"meter": "replaces", "registration": "supersedes", "ownership": "supersedes",
                   "quality_event": "supersedes"}
"""Kinds whose objects may name another of the same array, and the field that does."""

FATAL = frozenset({"format", "version", "masked", "(документ)", *xs.ARRAY_KINDS})
"""A document with a problem here is not read further: another format or version, masked, the root not an object,
a section not an array — its objects would only produce noise."""


class FirstReading:
    """What the first reading found: ``problems`` of the objects, ``top`` (the members that are not arrays),
    ``counts`` of elements per array, ``failed`` (indexes the schema refused, per kind), ``duplicates`` ((kind, index)
    repeating an earlier id), ``first`` (kind → id → index), ``numbers`` (account number → (index, id)),
    ``premises_numbers`` ((house, number) → (index, id)), ``named_again`` (ids named by ``replaces`` or
    ``supersedes``, with where), ``spans`` (tariff and norm periods with the ids of their keys), ``meter_info``
    (meter id → (kind, zones))."""

    def __init__(self, progress: Callable[[int], None]):
        self.progress = progress
        self.problems: list[Problem] = []
        self.top: dict[str, Any] = {}
        self.top_problems: dict[str, list[Problem]] = defaultdict(list)  # root, unknown sections, not arrays
        self.counts: dict[str, int] = {}
        self.failed: dict[str, set[int]] = defaultdict(set)
        self.duplicates: set[tuple[str, int]] = set()
        self.suspects: dict[str, list[tuple[int, str]]] = {}  # array → (index, id) whose id's hash was seen
        self.first: dict[str, dict[str, Any]] = {k: {} for k in KIND_TABLE if k not in FACT_KINDS}
        self.numbers: dict[str, tuple[int, str]] = {}
        self.premises_numbers: dict[tuple[str, str], tuple[int, str]] = {}  # (house, number) → (index, id)
        self.spans: dict[str, list] = {"tariff": [], "norm": []}
        self.residence: list[tuple] = []   # permanent registrations: (path, person, from, to, id)
        self.ownership: list[tuple] = []   # (path, premises, share, from, to, id)
        self.superseded: set[str] = set()  # ids of registrations the document ends or corrects (``supersedes``)
        self.superseded_ownership: set[str] = set()
        self.meter_info: dict[str, tuple[str, int]] = {}
        self.service_kinds: dict[str, tuple[str, str | None, str]] = {}  # service id → (kind, resource, unit)
        self.entrances: dict[str, set[int]] = defaultdict(set)  # house id → its premises' entrances
        self.house_areas: dict[str, tuple[int, Decimal]] = {}  # house id → (index, total_area)
        self.premises_areas: dict[str, tuple[str, Decimal, int]] = {}  # premises id → (house, total_area, index)
        # objects named by another of their own array (a meter by ``replaces``, a fact by ``supersedes``): kind →
        # the named id → where it is named first; they may stand anywhere in the array (``Importer._in_order``)
        self.named_again: dict[str, dict[str, str]] = {k: {} for k in SELF_REFERENCES}

    def read(self, document) -> None:
        """Read every member in the file's order (arrays element by element)."""
        for key, value in document.members():
            if key is None:
                self.top_problems["(документ)"].append(
                    Problem("(документ)", "ожидается объект JSON с полями format и version"))
            elif key not in xs.TOP_LEVEL:
                self.top_problems["unknown"].append(Problem(key, "неизвестный раздел верхнего уровня (опечатка?)"))
            elif key not in xs.ARRAY_KINDS:
                self.top[key] = value
            elif not isinstance(value, (list, Array)):
                self.top_problems["arrays"].append(Problem(key, "ожидается массив"))
            elif not self._hopeless():
                self.counts[key] = self._array(key, xs.ARRAY_KINDS[key], value)
                self.progress(self.counts[key])
        self.problems.extend(getattr(document, "repeated_keys", ()))  # a file's: keys repeated inside an object

    def _hopeless(self) -> bool:
        """Is the document already known not to be read further (another format or version, masked, the root not
        an object, a section not an array)? Its objects would only produce noise."""
        return any(p.path in FATAL for ps in self.top_problems.values() for p in ps) or \
            any(p.path in FATAL for p in self.check_top(seen_only=True))

    def _array(self, array: str, kind: str, elements) -> int:
        validate = xs.fast_validator(kind)
        table = KIND_TABLE.get(kind)
        fact = kind in FACT_KINDS
        first = self.first.get(kind)  # id → index of its first object
        hashes: set[int] = set()
        suspects = []
        failed = self.failed[kind]
        count = 0
        for index, obj in enumerate(elements):
            count += 1
            path = f"{array}[{index}]"
            found = list(value_problems(obj, path))
            try:
                validate(obj)
            except Exception as exc:
                # never skip: when the full explainer finds nothing to say, the fast check's own words stand
                found += xs.explain(kind, obj, path) or ([] if found else [xs.fast_problem(exc, path)])
            if found:
                self.problems.extend(found)
                failed.add(index)
                if table is None or not (isinstance(obj, dict) and isinstance(obj.get("id"), str)):
                    continue
                ext = obj["id"]  # still resolvable: one error, not one per reference
            else:
                self._note(kind, index, obj)
                ext = obj.get("id") if table is not None else None
                if ext is None:
                    continue
            if fact:
                hashed = hash(ext)
                if hashed in hashes:
                    suspects.append((index, ext))  # the same id, or (rarely) another id of the same hash
                else:
                    hashes.add(hashed)
            elif ext in first:
                self._duplicate(kind, index, ext, first[ext])
            else:
                first[ext] = index
        if suspects:
            self.suspects[array] = suspects
        return count

    def _duplicate(self, kind: str, index: int, ext: str, earlier: int) -> None:
        self.problems.append(Problem(f"{KIND_ARRAY[kind]}[{index}].id",
                                     f"дубликат id «{ext}» (уже в {KIND_ARRAY[kind]}[{earlier}])"))
        self.duplicates.add((kind, index))

    def _note(self, kind: str, index: int, obj: dict) -> None:
        """What the checks across objects need of one object that passed the schema."""
        field = SELF_REFERENCES.get(kind)
        if field is not None and isinstance(obj.get(field), str):
            self.named_again[kind].setdefault(obj[field], f"{KIND_ARRAY[kind]}[{index}].{field}")
        if kind == "meter":
            self.meter_info.setdefault(obj["id"], (obj["kind"], obj["zones"]))
        elif kind == "service":
            self.service_kinds.setdefault(obj["id"], (obj["kind"], obj.get("resource"), obj["unit"]))
        elif kind == "house":
            area = _area(obj["total_area"])
            if area is not None:
                self.house_areas.setdefault(obj["id"], (index, area))
        elif kind == "premises":
            if obj.get("entrance") is not None:
                self.entrances[obj["house"]].add(obj["entrance"])
            area = _area(obj["total_area"])
            if area is not None:
                self.premises_areas.setdefault(obj["id"], (obj["house"], area, index))
            house, number = key = (obj["house"], obj["number"])
            earlier = _taken(self.premises_numbers, key, index, obj["id"])
            if earlier is not None:
                self.problems.append(Problem(f"premises[{index}].number", f"в доме «{house}» уже есть помещение "
                                                                          f"№ {number} (premises[{earlier}])"))
        elif kind == "account":
            number = obj["number"]
            earlier = _taken(self.numbers, number, index, obj["id"])
            if earlier is not None:
                self.problems.append(Problem(f"accounts[{index}].number", f"номер лицевого счёта {number} "
                                                                          f"повторяется (уже в accounts[{earlier}])"))
        elif kind in ("registration", "ownership"):
            try:
                start = date.fromisoformat(obj["from"])
                end = date.fromisoformat(obj["to"]) if obj.get("to") else None
            except ValueError:
                return
            path = f"{KIND_ARRAY[kind]}[{index}]"
            if kind == "ownership":
                if obj.get("supersedes"):
                    self.superseded_ownership.add(obj["supersedes"])
                self.ownership.append((path, obj["premises"], obj["share"], start, end, obj["id"]))
                return
            if obj.get("supersedes"):
                self.superseded.add(obj["supersedes"])
            if obj["kind"] == "permanent":
                self.residence.append((path, obj["person"], start, end, obj["id"]))
        elif kind in self.spans:
            try:
                start = date.fromisoformat(obj["from"])
                end = date.fromisoformat(obj["to"]) if obj.get("to") else None
            except ValueError:
                return
            fields = ("service", "zone", "house") if kind == "tariff" else ("service", "house", "amenity", "per")
            self.spans[kind].append((f"{KIND_ARRAY[kind]}[{index}]", tuple((f, obj.get(f)) for f in fields),
                                     start, end))

    def check_top(self, *, seen_only: bool = False) -> list[Problem]:
        """The top level: unknown sections, format, version, masked, sections that are not arrays, organization
        and settings. ``seen_only``: of what the first reading has met so far (a later member may still come)."""
        top = self.top
        problems = [] if seen_only else [*self.top_problems["(документ)"], *self.top_problems["unknown"]]
        if self.top_problems["(документ)"]:
            return problems
        if (not seen_only or "format" in top) and top.get("format") != "bcenter-exchange":
            problems.append(Problem("format", f"ожидается \"bcenter-exchange\", получено "
                                              f"{json.dumps(top.get('format'), ensure_ascii=False)}"))
        if top.get("masked") is not None and top.get("masked") is not False:
            problems.append(Problem("masked", "документ выгружен с --mask-personal-data: паспорта, СНИЛС, телефоны "
                                              "и e-mail в нём — маски, импорт заменил бы ими настоящие; выгрузите "
                                              "без маскирования"))
        version = top.get("version")
        if (not seen_only or "version" in top) and not (type(version) is int and version == 1):
            # True == 1 in Python; the schema says integer 1
            problems.append(Problem("version", f"поддерживается версия 1, получено "
                                               f"{json.dumps(top.get('version'), ensure_ascii=False)}"))
        if seen_only:
            return problems
        problems.extend(self.top_problems["arrays"])
        for single in ("organization", "settings"):
            if single in top:
                found = list(value_problems(top[single], single))
                try:
                    xs.fast_validator(single)(top[single])
                except Exception as exc:
                    found += xs.explain(single, top[single], single) or ([] if found else [xs.fast_problem(exc, single)])
                problems.extend(found)
        return problems

    def confirm_duplicates(self, document) -> None:
        """Ids of facts whose hash was seen before: the array read again finds the earlier object of each."""
        for array, suspects in self.suspects.items():
            wanted = {ext for _, ext in suspects}
            first: dict[str, int] = {}
            for index, obj in enumerate(document.array(array)):
                ext = obj.get("id") if isinstance(obj, dict) else None
                if isinstance(ext, str) and ext in wanted and ext not in first:
                    first[ext] = index
            for index, ext in suspects:
                if first.get(ext, index) < index:
                    self._duplicate(xs.ARRAY_KINDS[array], index, ext, first[ext])


__all__ = ["FACT_KINDS", "FATAL", "FirstReading", "SELF_REFERENCES"]


def _area(value: str) -> Decimal | None:
    """An area as a number for the sums across objects (a malformed one is the second reading's to report)."""
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


def _taken(seen: dict, key, index: int, ext: str) -> int | None:
    """The index of the object that took ``key`` earlier in its array (a unique value: an account's number, a
    premises' number in its house) — else ``key`` is this object's from now on and None."""
    if key in seen:
        return seen[key][0]
    seen[key] = (index, ext)
    return None
