"""Running the month: charges of the period, and automatic recalculation of earlier periods.

``run_month(db, period)`` goes house by house (one transaction each):
1. gathers the house's basis for the period and calculates it (``bcenter.engine.month``);
2. compares with what is already posted for the period and posts only the difference — the first run
   posts every line, a second run with the same inputs posts nothing (idempotent);
3. for every earlier period the house was calculated for, whose inputs may have changed since (the
   outbox says which houses and from which month), gathers that period's basis again; when its fingerprint
   differs, calculates it with today's knowledge and posts the differences into this period as RECALC lines
   with ``corrects_period`` and a human-readable reason (ARCHITECTURE.md §3, the seed's «автоматический
   перерасчёт»).
A house whose data has gaps (no tariff, no norm, no areas, a reading that makes a volume negative) is not
posted at all; its gaps are reported and the other houses go on.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

import peewee as pw

from bcenter.core.errors import InvalidValue
from bcenter.core.ids import uuid7
from bcenter.core.period import Period
from bcenter.core.quantity import canonical
from bcenter.engine.month import calculate_house
from bcenter.engine.types import Line
from bcenter.modules.registry import periods
from bcenter.modules.registry.basis import BasisReader
from bcenter.modules.registry.dirty import Dirty, dirty_houses
from db.connection import param_mark
from db.models import CalcRun, ChargeLine, JournalEntry, Posting
from db.uow import UnitOfWork, default_actor, utc_now_iso


@dataclass
class MonthResult:
    """What a run did: houses calculated and failed (with their gaps), lines posted by kind."""

    period: Period
    houses_ok: int = 0
    failed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    posted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    amounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalculated_periods: set[str] = field(default_factory=set)

    @property
    def lines(self) -> int:
        return sum(self.posted.values())


def fingerprint(basis) -> str:
    """A stable hash of a basis (dataclasses of Decimals, dates and strings)."""
    def plain(value):
        if hasattr(value, "__dataclass_fields__"):
            return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__}
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
        if isinstance(value, (list, tuple, frozenset, set)):
            items = [plain(v) for v in value]
            return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
        if isinstance(value, Decimal):
            return canonical(value)
        return str(value) if value is not None and not isinstance(value, (int, str, bool)) else value
    text = json.dumps(plain(basis), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _posted(db: pw.Database, house_id: str, period: Period) -> dict[tuple[str, str], dict]:
    """What is posted for a period of a house, per (account, service): the total and the latest line."""
    mark = param_mark(db)
    out: dict[tuple[str, str], dict] = {}
    rows = db.execute_sql(
        f'SELECT c.account_id, c.service_id, c.amount, c.volume, c.tariff, c.method, c.kind FROM "charge_line" c '
        f'JOIN "account" a ON a.id = c.account_id JOIN "premises" p ON p.id = a.premises_id '
        f'WHERE p.house_id = {mark} AND ((c.period = {mark} AND c.corrects_period IS NULL) OR c.corrects_period = {mark}) '
        f'ORDER BY c.id', (house_id, str(period), str(period)))
    for account, service, amount, volume, tariff, method, kind in rows:
        entry = out.setdefault((str(account), str(service)), {"amount": 0, "volume": None, "tariff": None,
                                                             "method": None})
        entry["amount"] += amount
        if kind in ("charge", "common_property", "recalc"):  # not quality/absence lines: they hide the charge
            entry["method"] = method if method is not None else entry["method"]
            entry["volume"] = volume if volume is not None else entry["volume"]
            entry["tariff"] = tariff if tariff is not None else entry["tariff"]
    return out


def _reason(old: dict | None, new: list[Line], corrects: Period) -> str:
    """Why a line was recalculated, in words an accountant reads on the bill."""
    parts = []
    main = next((ln for ln in new if ln.kind in ("charge", "common_property")), None)
    if old is None or old.get("method") is None:
        parts.append("начисление не проводилось")
    elif main is None:
        parts.append("услуга больше не начисляется")
    else:
        if main.method != old["method"]:
            parts.append(f"способ расчёта: {old['method']} → {main.method}")
        if main.tariff is not None and old["tariff"] is not None and Decimal(old["tariff"]) != main.tariff:
            parts.append(f"тариф {old['tariff']} → {canonical(main.tariff)}")
        if main.volume is not None and old["volume"] is not None and old["volume"] != _stored_volume(main.volume):
            parts.append(f"объём {old['volume']} → {_stored_volume(main.volume)}")
    kinds = {ln.kind for ln in new} - {"charge", "common_property"}
    if "quality" in kinds:
        parts.append("снижение платы за качество")
    if "absence" in kinds:
        parts.append("временное отсутствие")
    return f"перерасчёт за {corrects.label_ru}: " + ("; ".join(parts) or "изменились исходные данные")


def _stored_volume(volume: Decimal) -> str:
    """The volume as the ledger and the ЕПД keep it: at most 7 decimals (ГИС ЖКХ NUMERIC(22,7), DOMAIN §0).
    Money was computed from the unrounded volume; this rounding is for showing only."""
    exact = canonical(volume)
    if "." in exact and len(exact.split(".")[1]) > 7:
        return canonical(volume.quantize(Decimal("0.0000001"), rounding=ROUND_HALF_UP))
    return exact


class _Poster:
    """Builds the rows of one house's postings and writes them through the unit of work."""

    def __init__(self, uow: UnitOfWork, period: Period, run_id: str, suppliers: dict[str, str], today: str):
        self.uow, self.period, self.run_id, self.suppliers, self.today = uow, period, run_id, suppliers, today
        self.entries, self.lines, self.postings = [], [], []

    def entry(self, account: str, kind: str, corrects: Period | None, reason: str | None) -> str:
        uid = uuid7()
        self.entries.append((uid, kind, str(self.period), self.today, utc_now_iso(), account, None,
                             None if corrects is None else str(corrects), reason, None, self.run_id))
        return uid

    def line(self, entry: str, account: str, line: Line, *, kind: str, amount: int, corrects: Period | None,
             reason: str | None) -> None:
        d = line.derivation
        self.lines.append((uuid7(), entry, str(self.period), account, line.service, self.suppliers[line.service],
                           kind, line.method, None if line.volume is None else _stored_volume(line.volume),
                           None if line.tariff is None else canonical(line.tariff), canonical(line.coefficient),
                           amount, line.excess, None if corrects is None else str(corrects), reason,
                           json.dumps({"method": d.method, "formula": d.formula, "basis": d.basis,
                                       "inputs": dict(d.inputs)}, ensure_ascii=False)))

    def balance(self, entry: str, account: str, by_supplier: dict[str, int]) -> None:
        for supplier, amount in sorted(by_supplier.items()):
            if amount:
                self.postings.append((uuid7(), entry, "receivable", account, None, supplier, str(self.period), amount))
                self.postings.append((uuid7(), entry, "revenue", None, None, supplier, str(self.period), -amount))

    def flush(self) -> None:
        if self.entries:
            self.uow.insert_rows(JournalEntry, ("id", "kind", "period", "business_date", "posted_at", "account_id",
                                                "payment_id", "corrects_period", "reason", "storno_of_id", "run_id"),
                                 self.entries)
            self.uow.insert_rows(ChargeLine, ("id", "entry_id", "period", "account_id", "service_id", "supplier_id",
                                              "kind", "method", "volume", "tariff", "coefficient", "amount", "excess",
                                              "corrects_period", "reason", "derivation"), self.lines)
            self.uow.insert_rows(Posting, ("id", "entry_id", "ledger_account", "account_id", "service_id",
                                           "supplier_id", "period", "amount"), self.postings)


def run_month(db: pw.Database, period: Period, *, actor: str | None = None, today: str | None = None,
              progress: Callable[[int], None] | None = None, house_ids: list[str] | None = None) -> MonthResult:
    """Calculate `period` for every house (or the given ones) and recalculate what changed before it."""
    actor = actor or default_actor()
    today = today or period.last_day.isoformat()
    result = MonthResult(period)
    with UnitOfWork(action="registry.month.open", actor=actor, db=db) as uow:
        periods.ensure_open(uow, period)
    run_id = uuid7()
    seq = db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0]
    previous = (CalcRun.select(pw.fn.MAX(CalcRun.outbox_seq)).where(CalcRun.finished_at.is_null(False)).scalar() or 0)
    CalcRun.insert(id=run_id, period=str(period), started_at=utc_now_iso(), outbox_seq=seq, actor=actor).execute()
    reader = BasisReader(db, period)
    earlier_readers: dict[Period, BasisReader] = {}
    states = defaultdict(dict)
    for house, p, digest in db.execute_sql('SELECT house_id, period, basis_hash FROM "calc_state"'):
        states[str(house)][Period.parse(p)] = digest
    # what changed since the last run matters only for houses calculated before
    dirty = dirty_houses(db, after_seq=previous) if states else Dirty()
    for house_id in (house_ids if house_ids is not None else reader.house_ids()):
        updates: list[tuple[Period, str]] = []
        plan: list[tuple[Period, object]] = []
        since = dirty.since(house_id)
        for q in sorted(p for p in states[house_id] if p < period):
            if since is None or q < since:
                continue
            q_reader = earlier_readers.get(q) or earlier_readers.setdefault(q, BasisReader(db, q))
            basis = q_reader.house(house_id)
            digest = fingerprint(basis)
            if digest != states[house_id][q]:
                plan.append((q, basis))
                updates.append((q, digest))
        if period in states[house_id] and (since is None or since > period) and not plan:
            result.houses_ok += 1  # calculated before and nothing of it written since: nothing to gather
            continue
        basis = reader.house(house_id)
        digest = fingerprint(basis)
        if states[house_id].get(period) != digest:
            plan.append((period, basis))
            updates.append((period, digest))
        if not plan:
            result.houses_ok += 1
            if progress:
                progress(len(basis.accounts))
            continue
        try:
            calculated = [(q, calculate_house(b)) for q, b in plan]
            gaps = tuple(g for _, r in calculated for g in r.gaps)
        except InvalidValue as exc:  # contradictory data the engine refuses (e.g. premises larger than the house)
            calculated, gaps = [], (f"дом {house_id}: {exc.message_ru}",)
        if gaps:
            result.failed.append((house_id, gaps))
            if progress:
                progress(len(basis.accounts))
            continue
        with UnitOfWork(action="registry.month", actor=actor, db=db, details={"period": str(period)}) as uow:
            poster = _Poster(uow, period, run_id, {k: s.supplier for k, s in basis.services.items()}, today)
            for q, house_result in calculated:
                _post_differences(db, poster, house_id, q, period, house_result, result)
            poster.flush()
            _save_states(db, house_id, updates, run_id)
        result.houses_ok += 1
        if progress:
            progress(len(basis.accounts))
    CalcRun.update(finished_at=utc_now_iso(), houses_ok=result.houses_ok, houses_failed=len(result.failed),
                   lines=result.lines).where(CalcRun.id == run_id).execute()
    return result


def _post_differences(db, poster: _Poster, house_id: str, q: Period, period: Period, house_result, result) -> None:
    posted = _posted(db, house_id, q)
    first_time = not posted
    new_by_key: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for account, lines in house_result.lines.items():
        for line in lines:
            new_by_key[(account, line.service)].append(line)
    if first_time and q == period:  # the month's own lines, as calculated: one CHARGE entry per account
        for account, lines in house_result.lines.items():
            if not lines:
                continue
            entry = poster.entry(account, "CHARGE", None, None)
            by_supplier: dict[str, int] = defaultdict(int)
            for line in lines:  # each line keeps its own kind (charge, common_property, quality, absence)
                poster.line(entry, account, line, kind=line.kind, amount=line.amount, corrects=None, reason=None)
                by_supplier[poster.suppliers[line.service]] += line.amount
                result.posted[line.kind] += 1
                result.amounts[line.kind] += line.amount
            poster.balance(entry, account, by_supplier)
        return
    for key in sorted(set(new_by_key) | set(posted)):
        account, service = key
        new_lines = new_by_key.get(key, [])
        new_total = sum(ln.amount for ln in new_lines)
        old = posted.get(key)
        diff = new_total - (old["amount"] if old else 0)
        if diff == 0:
            continue
        reason = _reason(old, new_lines, q)
        main = next((ln for ln in new_lines if ln.kind in ("charge", "common_property")), None)
        template = main or (new_lines[0] if new_lines else None)
        entry = poster.entry(account, "RECALC", q, reason)
        if template is None:
            from bcenter.engine.types import Derivation

            template = Line(service=service, kind="recalc", method="fixed", volume=None, tariff=None,
                            coefficient=Decimal(1), amount=0, excess=0,
                            derivation=Derivation("fixed", "услуга больше не начисляется", "ПП 354, п. 61"))
        poster.line(entry, account, template, kind="recalc", amount=diff, corrects=q, reason=reason)
        poster.balance(entry, account, {poster.suppliers[service]: diff})
        result.posted["recalc"] += 1
        result.amounts["recalc"] += diff
        result.recalculated_periods.add(str(q))


def _save_states(db: pw.Database, house_id: str, updates: list[tuple[Period, str]], run_id: str) -> None:
    mark = param_mark(db)
    for q, digest in updates:
        db.execute_sql(f'DELETE FROM "calc_state" WHERE house_id = {mark} AND period = {mark}', (house_id, str(q)))
        db.execute_sql(f'INSERT INTO "calc_state" (house_id, period, basis_hash, run_id) VALUES ({mark}, {mark}, '
                       f'{mark}, {mark})', (house_id, str(q), digest, run_id))
