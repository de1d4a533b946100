"""Running the month: charges of the period, and automatic recalculation of earlier periods.

``run_month(db, period)`` goes house by house (``HouseCalculator``, in worker processes when asked; the calling
process writes, a batch of houses per transaction):
1. gathers the house's basis for the period and calculates it (``bcenter.engine.month``);
2. compares with what is already posted for the period and posts only the difference — the first run
   posts every line (a CHARGE entry per account; so does an account whose entries were all reversed by a
   storno), a second run with the same inputs posts nothing (idempotent);
3. for every earlier period the house was calculated for, whose inputs may have changed since (the
   outbox says which houses and from which month), gathers that period's basis again; when its fingerprint
   differs, calculates it with today's knowledge and posts the differences into this period as RECALC lines
   with ``corrects_period`` and a human-readable reason (ARCHITECTURE.md §3, the seed's «автоматический
   перерасчёт»).
A house whose data has gaps (no tariff, no norm, no areas, a reading that makes a volume negative) is not
posted at all; its gaps are reported and the other houses go on.
"""
from __future__ import annotations

import json
import multiprocessing
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
from db.connection import sqlite_path
from db.dialect import param_mark
from db.models import CalcRun, ChargeLine, JournalEntry
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


def _posted(db: pw.Database, house_id: str, period: Period) -> tuple[dict[tuple[str, str], dict], set[str]]:
    """What is posted for a period of a house, per (account, service): the total and the latest line; and the
    accounts whose every entry for it is reversed by a storno (or that have none), which take a fresh CHARGE."""
    mark = param_mark(db)
    out: dict[tuple[str, str], dict] = {}
    live: dict[str, set[str]] = defaultdict(set)
    reversed_: set[str] = set()
    rows = db.execute_sql(
        f'SELECT c.account_id, c.service_id, c.amount, c.volume, c.tariff, c.method, c.kind, c.entry_id, e.kind, '
        f'e.storno_of_id FROM "charge_line" c JOIN "journal_entry" e ON e.id = c.entry_id '
        f'JOIN "account" a ON a.id = c.account_id JOIN "premises" p ON p.id = a.premises_id '
        f'WHERE p.house_id = {mark} AND ((c.period = {mark} AND c.corrects_period IS NULL) OR c.corrects_period = {mark}) '
        f'ORDER BY c.id', (house_id, str(period), str(period)))
    for account, service, amount, volume, tariff, method, kind, entry, entry_kind, storno_of in rows:
        account = str(account)
        if entry_kind == "STORNO":
            reversed_.add(str(storno_of))
        else:
            live[account].add(str(entry))
        entry = out.setdefault((account, str(service)), {"amount": 0, "volume": None, "tariff": None,
                                                         "method": None})
        entry["amount"] += amount
        if kind in ("charge", "common_property", "recalc"):  # not quality/absence lines: they hide the charge
            entry["method"] = method if method is not None else entry["method"]
            entry["volume"] = volume if volume is not None else entry["volume"]
            entry["tariff"] = tariff if tariff is not None else entry["tariff"]
    charged = {account for account, entries in live.items() if not entries <= reversed_}
    return out, charged


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
    """Builds the rows of one house's journal entries and charge lines (written later, by the writer)."""

    def __init__(self, period: Period, run_id: str, suppliers: dict[str, str], today: str, work: HouseWork):
        self.period, self.run_id, self.suppliers, self.today = period, run_id, suppliers, today
        self.entries, self.lines = work.entries, work.lines

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


@dataclass
class HouseWork:
    """One house's outcome, ready to write: rows to insert, fingerprints to save, or the gaps that stop it."""

    house_id: str
    accounts: int = 0
    gaps: tuple[str, ...] = ()
    entries: list[tuple] = field(default_factory=list)
    lines: list[tuple] = field(default_factory=list)
    updates: list[tuple[Period, str]] = field(default_factory=list)
    posted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    amounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalculated: set[str] = field(default_factory=set)


class HouseCalculator:
    """Gathers a house's bases, calculates them and builds the rows to post — reads only, never writes, so it
    runs in worker processes as well as in the writer's own."""

    def __init__(self, db: pw.Database, period: Period, run_id: str, today: str):
        self.db, self.period, self.run_id, self.today = db, period, run_id, today
        self.reader = BasisReader(db, period)
        self.earlier: dict[Period, BasisReader] = {}

    def house(self, house_id: str, states: dict[Period, str], since: Period | None) -> HouseWork:
        """`states`: the fingerprints the house was last calculated from, per period; `since`: the earliest
        period its data may have changed from (None: unchanged since the last run)."""
        period = self.period
        work = HouseWork(house_id)
        plan: list[tuple[Period, object]] = []
        for q in sorted(p for p in states if p < period):
            if since is None or q < since:
                continue
            q_reader = self.earlier.get(q) or self.earlier.setdefault(q, BasisReader(self.db, q))
            basis, digest = q_reader.house_and_digest(house_id)
            if digest != states[q]:
                plan.append((q, basis))
                work.updates.append((q, digest))
        if period in states and (since is None or since > period) and not plan:
            return work  # calculated before and nothing of it written since: nothing to gather
        basis, digest = self.reader.house_and_digest(house_id)
        work.accounts = len(basis.accounts)
        if states.get(period) != digest:
            plan.append((period, basis))
            work.updates.append((period, digest))
        if not plan:
            return work
        try:
            calculated = [(q, calculate_house(b)) for q, b in plan]
            gaps = tuple(g for _, r in calculated for g in r.gaps)
        except InvalidValue as exc:  # contradictory data the engine refuses (e.g. premises larger than the house)
            calculated, gaps = [], (f"дом {house_id}: {exc.message_ru}",)
        if gaps:
            work.gaps, work.updates = gaps, []
            return work
        poster = _Poster(period, self.run_id, {k: s.supplier for k, s in basis.services.items()}, self.today, work)
        for q, house_result in calculated:
            _post_differences(self.db, poster, house_id, q, period, house_result, work)
        return work


# worker processes: one calculator each, opened on the same database URL
_worker_calculator: HouseCalculator | None = None


def _worker_init(url: str, period: Period, run_id: str, today: str) -> None:
    global _worker_calculator
    from db.connection import open_database

    _worker_calculator = HouseCalculator(open_database(url, migrate=False), period, run_id, today)


def _worker_house(task: tuple[str, dict, Period | None]) -> HouseWork:
    return _worker_calculator.house(*task)


MIN_HOUSES_FOR_WORKERS = 40
"""Below this many houses the worker processes cost more to start than they save."""


def run_month(db: pw.Database, period: Period, *, actor: str | None = None, today: str | None = None,
              progress: Callable[[int], None] | None = None, house_ids: list[str] | None = None,
              workers: int = 1, url: str | None = None) -> MonthResult:
    """Calculate `period` for every house (or the given ones) and recalculate what changed before it.

    With ``workers`` > 1 and the database's ``url``, houses are gathered and calculated in that many processes
    while this one writes (one transaction per house, in house order, as without workers)."""
    actor = actor or default_actor()
    today = today or period.last_day.isoformat()
    result = MonthResult(period)
    with UnitOfWork(action="registry.month.open", actor=actor, db=db) as uow:
        periods.ensure_open(uow, period)
    run_id = uuid7()
    seq = db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0]
    previous = (CalcRun.select(pw.fn.MAX(CalcRun.outbox_seq)).where(CalcRun.finished_at.is_null(False)).scalar() or 0)
    CalcRun.insert(id=run_id, period=str(period), started_at=utc_now_iso(), outbox_seq=seq, actor=actor).execute()
    states = defaultdict(dict)
    for house, p, digest in db.execute_sql('SELECT house_id, period, basis_hash FROM "calc_state"'):
        states[str(house)][Period.parse(p)] = digest
    # what changed since the last run matters only for houses calculated before
    dirty = dirty_houses(db, after_seq=previous) if states else Dirty()
    if house_ids is None:
        house_ids = [str(r[0]) for r in db.execute_sql('SELECT id FROM "house" ORDER BY id')]
    tasks = [(h, states.get(h, {}), dirty.since(h)) for h in house_ids]
    shared = url is not None and (sqlite_path(url) is not None or url.startswith(("postgresql://", "postgres://")))
    if workers > 1 and shared and len(tasks) >= MIN_HOUSES_FOR_WORKERS:
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connections
        with context.Pool(workers, initializer=_worker_init, initargs=(url, period, run_id, today)) as pool:
            _write_all(db, pool.imap(_worker_house, tasks, chunksize=2), result, actor, run_id, progress)
        return _finish(run_id, result)
    calculator = HouseCalculator(db, period, run_id, today)
    _write_all(db, (calculator.house(*task) for task in tasks), result, actor, run_id, progress)
    return _finish(run_id, result)


BATCH_LINES = 20_000
"""Houses are written in transactions of about this many lines: one commit (an fsync) per house would cost more
than the month's inserts on a town of small houses. A batch is all-or-nothing; after a crash its houses are
simply calculated again by the next run (their fingerprints were not saved)."""


def _write_all(db: pw.Database, works, result: MonthResult, actor: str, run_id: str,
               progress: Callable[[int], None] | None) -> None:
    """Writes the houses' rows and fingerprints, a batch of houses per transaction; failed houses are only
    reported."""
    batch: list[HouseWork] = []
    size = 0
    for work in works:
        if work.gaps:
            result.failed.append((work.house_id, work.gaps))
        else:
            result.houses_ok += 1
            if work.updates:
                batch.append(work)
                size += len(work.lines) + 1
            for kind, count in work.posted.items():
                result.posted[kind] += count
                result.amounts[kind] += work.amounts[kind]
            result.recalculated_periods |= work.recalculated
        if size >= BATCH_LINES:
            _write_batch(db, batch, result.period, actor, run_id)
            batch, size = [], 0
        if progress and work.accounts:
            progress(work.accounts)
    if batch:
        _write_batch(db, batch, result.period, actor, run_id)


def _write_batch(db: pw.Database, batch: list[HouseWork], period: Period, actor: str, run_id: str) -> None:
    with UnitOfWork(action="registry.month", actor=actor, db=db,
                    details={"period": str(period), "houses": len(batch)}) as uow:
        entries = [row for work in batch for row in work.entries]
        if entries:
            uow.insert_rows(JournalEntry, ENTRY_COLUMNS, entries)
            uow.insert_rows(ChargeLine, LINE_COLUMNS, [row for work in batch for row in work.lines])
        for work in batch:
            _save_states(db, work.house_id, work.updates, run_id)


def _finish(run_id: str, result: MonthResult) -> MonthResult:
    CalcRun.update(finished_at=utc_now_iso(), houses_ok=result.houses_ok, houses_failed=len(result.failed),
                   lines=result.lines).where(CalcRun.id == run_id).execute()
    return result


ENTRY_COLUMNS = ("id", "kind", "period", "business_date", "posted_at", "account_id", "payment_id", "corrects_period",
                 "reason", "storno_of_id", "run_id")
LINE_COLUMNS = ("id", "entry_id", "period", "account_id", "service_id", "supplier_id", "kind", "method", "volume",
                "tariff", "coefficient", "amount", "excess", "corrects_period", "reason", "derivation")


def _post_differences(db, poster: _Poster, house_id: str, q: Period, period: Period, house_result,
                      result: HouseWork) -> None:
    posted, charged = _posted(db, house_id, q)
    new_by_key: dict[tuple[str, str], list[Line]] = defaultdict(list)
    fresh: set[str] = set()
    for account, lines in house_result.lines.items():
        if q == period and account not in charged:
            fresh.add(account)
            continue
        for line in lines:
            new_by_key[(account, line.service)].append(line)
    if fresh:  # the month's own lines, as calculated: one CHARGE entry per account (also after a storno)
        for account, lines in house_result.lines.items():
            if account not in fresh or not lines:
                continue
            entry = poster.entry(account, "CHARGE", None, None)
            for line in lines:  # each line keeps its own kind (charge, common_property, quality, absence)
                poster.line(entry, account, line, kind=line.kind, amount=line.amount, corrects=None, reason=None)
                result.posted[line.kind] += 1
                result.amounts[line.kind] += line.amount
    for key in sorted(set(new_by_key) | {k for k in posted if k[0] not in fresh}):
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
        result.posted["recalc"] += 1
        result.amounts["recalc"] += diff
        result.recalculated.add(str(q))


def _save_states(db: pw.Database, house_id: str, updates: list[tuple[Period, str]], run_id: str) -> None:
    mark = param_mark(db)
    for q, digest in updates:
        db.execute_sql(f'DELETE FROM "calc_state" WHERE house_id = {mark} AND period = {mark}', (house_id, str(q)))
        db.execute_sql(f'INSERT INTO "calc_state" (house_id, period, basis_hash, run_id) VALUES ({mark}, {mark}, '
                       f'{mark}, {mark})', (house_id, str(q), digest, run_id))
