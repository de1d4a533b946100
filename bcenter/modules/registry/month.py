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

import gc
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import peewee as pw

from bcenter.core.collector import collector_paused
from bcenter.core.errors import InvalidValue
from bcenter.core.ids import uuid7
from bcenter.core.jobs import Job
from bcenter.core.period import Period
from bcenter.core.quantity import canonical
from bcenter.engine.month import calculate_house
from bcenter.engine.recalc import Posted, Repair, repairs, stored_volume
from bcenter.engine.types import Line
from bcenter.modules.processes import can_share, pooled
from bcenter.modules.registry import periods
from bcenter.modules.registry.basis import BasisReader
from bcenter.modules.registry.dirty import Dirty, Fact, dirty_houses
from db.connection import open_database
from db.dialect import db_id, param_mark
from db.ledger import EntryRow, LedgerWriter, LineRow, entry_row
from db.models import CalcRun
from db.queries import house_ids as all_house_ids
from db.uow import UnitOfWork, default_actor, utc_now_iso


@dataclass
class _Tally:
    """What a run has done so far (mutable, while it runs)."""

    period: Period
    houses_ok: int = 0
    failed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    posted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    amounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalculated_periods: set[str] = field(default_factory=set)

    @property
    def lines(self) -> int:
        return sum(self.posted.values())


@dataclass(frozen=True)
class MonthResult:
    """What a run did.

    Attributes:
        period: the period run.
        houses_ok: houses calculated (posted or unchanged).
        failed: (house address, its gaps) of the houses not posted because of missing or contradictory data.
        posted: lines posted by kind; amounts: their kopecks by kind.
        recalculated_periods: earlier periods corrected by recalculation lines («ГГГГ-ММ»).
    """

    period: Period
    houses_ok: int
    failed: tuple[tuple[str, tuple[str, ...]], ...]
    posted: Mapping[str, int]
    amounts: Mapping[str, int]
    recalculated_periods: frozenset[str]

    @property
    def lines(self) -> int:
        return sum(self.posted.values())


def _posted(db: pw.Database, house_id: str, period: Period) -> tuple[dict[tuple[str, str], Posted], set[str]]:
    """What is posted for a period of a house, per (account, service): the total and the particulars of the latest
    line that carried them; and the accounts with a live (not reversed) entry for it."""
    mark = param_mark(db)
    out: dict[tuple[str, str], dict] = {}
    live: dict[str, set[str]] = defaultdict(set)
    reversed_: set[str] = set()
    rows = db.execute_sql(
        f'SELECT e.account_id, c.service_id, c.amount, c.volume, c.tariff, c.method, c.kind, c.entry_id, e.kind, '
        f'e.storno_of_id FROM "account_house" ah JOIN "journal_entry" e ON e.account_id = ah.account_id '
        f'JOIN "charge_line" c ON c.entry_id = e.id '
        f'WHERE ah.house_id = {mark} AND ((e.period = {mark} AND e.corrects_period IS NULL) OR e.corrects_period = {mark}) '
        f'ORDER BY c.entry_id, c.line_no', (db_id(house_id), str(period), str(period)))
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
    return {k: Posted(**v) for k, v in out.items()}, charged


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""A derivation's JSON as ``json.dumps(…, ensure_ascii=False, separators=(",", ":"))`` writes it — one encoder, not
one made per call (``dumps`` makes one whenever an option is given: a third of its time for a derivation)."""


class _Poster:
    """Turns the engine's repairs into ledger rows of one house (written later, by the writer)."""

    def __init__(self, period: Period, run_id: str, suppliers: dict[str, str], today: str, work: HouseWork,
                 kept: dict[int, tuple[Line, tuple]]):
        self.period, self.run_id, self.suppliers, self.today = period, run_id, suppliers, today
        self.work, self.kept = work, kept
        self.period_text = str(period)

    def particulars(self, line: Line) -> tuple:
        """A line's own columns as stored — method, volume, tariff, coefficient, excess and the derivation's JSON
        (its method is the line's own column). The engine hands the same line object to every account whose inputs
        are the same (``engine.charges.memoized``): its columns are made once, and the one derivation string
        travels to the writer once per batch of houses (pickle keeps one copy of an object met twice)."""
        kept = self.kept.get(id(line))
        if kept is not None and kept[0] is line:
            return kept[1]
        if len(self.kept) >= 20_000:
            self.kept.clear()
        d = line.derivation
        columns = (line.method, None if line.volume is None else stored_volume(line.volume),
                   None if line.tariff is None else canonical(line.tariff), canonical(line.coefficient), line.excess,
                   _JSON.encode({"formula": d.formula, "basis": d.basis, "inputs": dict(d.inputs)}))
        self.kept[id(line)] = (line, columns)
        return columns

    def post(self, repair: Repair) -> None:
        entry = entry_row(repair.kind, self.period, account=repair.account, business_date=self.today,
                          corrects=repair.corrects, reason=repair.reason, run_id=self.run_id)
        work = self.work
        work.entries.append(entry)
        corrects = None if repair.corrects is None else str(repair.corrects)
        for part in repair.lines:
            line = part.line
            method, volume, tariff, coefficient, excess, text = self.particulars(line)
            work.lines.append(LineRow(entry.id, self.period_text, repair.account, line.service,
                                      self.suppliers[line.service], part.kind, method, volume, tariff, coefficient,
                                      part.amount, excess, corrects, repair.reason, text))
            work.posted[part.kind] += 1
            work.amounts[part.kind] += part.amount
        if repair.kind == "RECALC":
            work.recalculated.add(corrects)


@dataclass
class HouseWork:
    """One house's outcome, ready to write: rows to insert, fingerprints to save, or the gaps that stop it."""

    house_id: str
    label: str = ""
    accounts: int = 0
    gaps: tuple[str, ...] = ()
    entries: list[EntryRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    updates: list[tuple[Period, str]] = field(default_factory=list)
    posted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    amounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recalculated: set[str] = field(default_factory=set)

    def __getstate__(self) -> dict:
        """Pickled to the writer with its lines as plain tuples of their fields (``LedgerWriter`` takes either): a
        named tuple pickles as a call of its class, three times the cost of a tuple — 0.6 s of CPU for the 215 000
        lines of a 20 000-account month."""
        state = dict(self.__dict__)
        state["lines"] = [tuple(row) for row in self.lines]
        return state


def unchanged(states: Mapping[Period, str], since: Period | None, period: Period) -> bool:
    """Whether a house was calculated for ``period`` (``states``: its fingerprints by period) and nothing it reads
    for that period or before was written since (``since``: the earliest month its data may have changed from):
    then the run has nothing to gather for it — ``HouseCalculator.house`` returns at once, and no worker process is
    started for it."""
    return period in states and (since is None or since > period)


class HouseCalculator:
    """Gathers a house's bases, calculates them and builds the rows to post — reads only, never writes, so it
    runs in worker processes as well as in the writer's own."""

    def __init__(self, db: pw.Database, period: Period, run_id: str, today: str):
        self.db, self.period, self.run_id, self.today = db, period, run_id, today
        self.reader = BasisReader(db, period)
        self.earlier: dict[Period, BasisReader] = {}
        self.kept: dict[int, tuple[Line, tuple]] = {}  # lines' stored columns by the object (_Poster.particulars)

    @collector_paused()  # a house's bases, lines and rows: no reference cycle (bcenter.core.collector)
    def house(self, house_id: str, states: dict[Period, str], since: Period | None,
              facts: Mapping[str, list[Fact]] | None = None) -> HouseWork:
        """`states`: the fingerprints the house was last calculated from, per period; `since`: the earliest
        period its data may have changed from (None: unchanged since the last run); `facts`: per account, the
        facts written since that changed its inputs — named in the reasons of its recalculation lines."""
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
        if unchanged(states, since, period) and not plan:
            return work  # calculated before and nothing of it written since: nothing to gather
        basis, digest = self.reader.house_and_digest(house_id)
        work.accounts, work.label = len(basis.accounts), basis.label
        if states.get(period) != digest:
            plan.append((period, basis))
            work.updates.append((period, digest))
        if not plan:
            return work
        try:
            calculated = [(q, calculate_house(b)) for q, b in plan]
            gaps = tuple(dict.fromkeys(g for _, r in calculated for g in r.gaps))  # a gap of each period once
        except InvalidValue as exc:  # contradictory data the engine refuses (e.g. premises larger than the house)
            calculated, gaps = [], (f"дом {basis.label}: {exc.message_ru}",)
        if gaps:
            work.gaps, work.updates = gaps, []
            return work
        poster = _Poster(period, self.run_id, {k: s.supplier for k, s in basis.services.items()}, self.today, work,
                        self.kept)
        for q, house_result in calculated:
            posted, charged = _posted(self.db, house_id, q)
            for repair in repairs(house_result.lines, posted, charged, corrects=q, own=q == period):
                poster.post(_named(repair, facts, q))
        return work


def _named(repair: Repair, facts: Mapping[str, list[Fact]] | None, q: Period) -> Repair:
    """A recalculation with the facts that caused it named after its reason («…; основание: регистрация …»)."""
    if repair.kind != "RECALC" or not facts or not facts.get(repair.account):
        return repair
    named = list(dict.fromkeys(f.text for f in facts[repair.account] if f.touches(q)))
    if not named:
        return repair
    return replace(repair, reason=f"{repair.reason}; основание: {'; '.join(named)}")


# worker processes: one calculator each, opened on the same database URL
_worker_calculator: HouseCalculator | None = None


def _worker_init(url: str, period: Period, run_id: str, today: str) -> None:
    """A worker's calculator, and Python's cyclic collector off for the worker's life: a house's work makes no
    reference cycle (``bcenter.core.collector``), and switched on again after every house it collected right away
    what the house left alive — 2.5 ms a house, 3 % of a worker. The process ends with the run."""
    global _worker_calculator
    gc.disable()
    _worker_calculator = HouseCalculator(open_database(url, migrate=False), period, run_id, today)


def _worker_house(task: tuple[str, dict, Period | None, dict | None]) -> HouseWork:
    return _worker_calculator.house(*task)


MIN_HOUSES_FOR_WORKERS = 40
"""Below this many houses to calculate the worker processes cost more to start than they save (a retroactive change
of one house recalculates it here: the month's rerun is then a few hundred milliseconds, not the workers' start)."""


def run_month(db: pw.Database, period: Period, *, actor: str | None = None, today: str | None = None,
              job: Job | None = None, house_ids: list[str] | None = None, workers: int = 1,
              url: str | None = None) -> MonthResult:
    """Calculate `period` for every house (or the given ones) and recalculate what changed before it.

    With ``workers`` > 1 and the database's ``url``, houses are gathered and calculated in that many processes
    while this one writes (a batch of houses per transaction, in house order, as without workers). ``job`` is told
    the houses done; cancelled, the run stops after the last whole batch it wrote (a rerun finishes the rest)."""
    actor = actor or default_actor()
    today = today or period.last_day.isoformat()
    tally = _Tally(period)
    with UnitOfWork(action="registry.month.open", actor=actor, db=db) as uow:
        periods.ensure_open(uow, period)
    run_id = uuid7()
    seq = db.execute_sql('SELECT COALESCE(MAX(seq), 0) FROM "outbox"').fetchone()[0]
    previous = (CalcRun.select(pw.fn.MAX(CalcRun.outbox_seq)).where(CalcRun.finished_at.is_null(False))
                .scalar(db) or 0)
    CalcRun.insert(id=run_id, period=str(period), started_at=utc_now_iso(), outbox_seq=seq, actor=actor).execute(db)
    states = defaultdict(dict)
    for house, p, digest in db.execute_sql('SELECT house_id, period, basis_hash FROM "calc_state"'):
        states[str(house)][Period.parse(p)] = digest
    # what changed since the last run matters only for houses calculated before
    dirty = dirty_houses(db, after_seq=previous) if states else Dirty()
    if house_ids is None:
        house_ids = all_house_ids(db)
    tasks = [(h, states.get(h, {}), dirty.since(h), dirty.facts.get(h)) for h in house_ids]
    if job is not None:
        job.total(len(tasks))
    busy = sum(1 for _, done, since, _facts in tasks if not unchanged(done, since, period))  # the rest return at once
    if workers > 1 and can_share(url) and busy >= MIN_HOUSES_FOR_WORKERS:
        works = pooled(_worker_house, tasks, workers=workers, initializer=_worker_init,
                       initargs=(url, period, run_id, today), chunksize=2)
    else:
        calculator = HouseCalculator(db, period, run_id, today)
        works = (calculator.house(*task) for task in tasks)
    try:
        _write_all(db, works, tally, actor, run_id, job)
    finally:
        works.close()  # a stopped run: the worker processes are terminated with their pool
    CalcRun.update(finished_at=utc_now_iso(), houses_ok=tally.houses_ok, houses_failed=len(tally.failed),
                   lines=tally.lines).where(CalcRun.id == run_id).execute(db)
    return MonthResult(period, tally.houses_ok, tuple(tally.failed), dict(tally.posted), dict(tally.amounts),
                       frozenset(tally.recalculated_periods))


BATCH_LINES = 20_000
"""Houses are written in transactions of about this many lines: one commit (an fsync) per house would cost more
than the month's inserts on a town of small houses. A batch is all-or-nothing; after a crash (or a cancelled run)
its houses are simply calculated again by the next run (their fingerprints were not saved)."""


def _write_all(db: pw.Database, works, tally: _Tally, actor: str, run_id: str, job: Job | None) -> None:
    """Writes the houses' rows and fingerprints, a batch of houses per transaction; failed houses are only
    reported. A cancelled job stops before the next house: what is batched and not written is dropped."""
    batch: list[HouseWork] = []
    size = 0
    for work in works:
        if job is not None:
            job.check()
        if work.gaps:
            tally.failed.append((work.label or work.house_id, work.gaps))
        else:
            tally.houses_ok += 1
            if work.updates:
                batch.append(work)
                size += len(work.lines) + 1
            for kind, count in work.posted.items():
                tally.posted[kind] += count
                tally.amounts[kind] += work.amounts[kind]
            tally.recalculated_periods |= work.recalculated
        if size >= BATCH_LINES:
            _write_batch(db, batch, tally.period, actor, run_id)
            batch, size = [], 0
        if job is not None:
            job.advance()
    if job is not None:
        job.check()
    if batch:
        _write_batch(db, batch, tally.period, actor, run_id)


def _write_batch(db: pw.Database, batch: list[HouseWork], period: Period, actor: str, run_id: str) -> None:
    with UnitOfWork(action="registry.month", actor=actor, db=db,
                    details={"period": str(period), "houses": len(batch)}) as uow:
        LedgerWriter(uow, batch=10 ** 9).write([row for work in batch for row in work.entries],
                                               [row for work in batch for row in work.lines], fresh_keys=True)
        for work in batch:
            _save_states(db, work.house_id, work.updates, run_id)


def _save_states(db: pw.Database, house_id: str, updates: list[tuple[Period, str]], run_id: str) -> None:
    mark = param_mark(db)
    for q, digest in updates:
        db.execute_sql(f'DELETE FROM "calc_state" WHERE house_id = {mark} AND period = {mark}',
                       (db_id(house_id), str(q)))
        db.execute_sql(f'INSERT INTO "calc_state" (house_id, period, basis_hash, run_id) VALUES ({mark}, {mark}, '
                       f'{mark}, {mark})', (db_id(house_id), str(q), digest, db_id(run_id)))
