"""Loading a bank's payment registry: payments to the accounts they name, the rest to the suspense queue.

All or nothing, in one unit of work with its outbox and audit (ARCHITECTURE.md §4):
* the file is read and checked whole by its profile (``registry_formats``): any problem — a broken line, totals
  that do not add up to the footer, another encoding, a date in the future, a negative amount — and nothing is
  written, every problem listed with its line;
* a file loaded before (the same bytes from the same agent) is refused, naming when and as what;
* a line already loaded from another file (the same key: an overlapping registry) is skipped and counted — when its
  key holds the bank's operation number; a line without one (a CSV or DBF with no operation column) may as well be
  a second real payment of the same day, account and amount, so it goes to the suspense queue as a **possible
  repeat**, naming the earlier file and line, for a person to check against the bank statement: resolved to the
  account, or returned — neither paid twice nor dropped; a file whose *every* line is such a repeat is the same
  registry sent again or saved again by some program (new bytes, the same lines) and is refused, naming the earlier
  file, unless the operator says its lines are new payments (``repeats``): they then go to the suspense queue;
* a line whose account number is not in the registry (Картотека) becomes a **suspense** payment (невыясненный
  платёж): kept with its raw text and the reason until an operator resolves it to an account or returns it
  (DOMAIN.md §5.1) — never dropped;
* the others become payments (facts: never edited; a wrong one is reversed by storno) with the registry, the
  agent, the channel, the commission, the period the payer named and the line's particulars in ``extra``.
* the meter readings a line carries (``sber_tagged``: ``CounterVal_N``) become readings with source ``bank``, or are
  refused with their reason and kept with the payment (``bank_readings``); they never stop the money.
``dry_run`` does all of it but the writing and says what would happen.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import peewee as pw

from bcenter.core.errors import Problem, ValidationFailed
from bcenter.core.ids import uuid7
from bcenter.modules.finance.bank_readings import TakenReadings, take_readings
from bcenter.modules.finance.registry_formats import Profile, RegistryLine, read_registry
from db.dialect import param_mark
from db.models import BankRegistry, MeterReading, Payment, SuspensePayment
from db.uow import UnitOfWork

__all__ = ["RegistryImport", "held_counts", "import_registry", "payment_extra", "reading_rows"]

KEY_PREFIX = "registry"
"""A registry payment's external id: ``registry:<agent>:<line key>`` — the same line from any file, one payment."""


@dataclass(frozen=True)
class RegistryImport:
    """What a registry load did (or, with ``dry_run``, would do). Amounts in kopecks."""

    file_name: str
    profile: str
    agent: str
    registry_id: str | None
    lines: int
    total: int
    payments: int
    paid: int
    suspense: int
    suspense_total: int
    known: int
    known_total: int
    transfer: int | None
    commission: int | None
    order_number: str | None
    dry_run: bool
    unknown_accounts: tuple[tuple[int, str], ...] = ()
    """(line, account number) of the lines sent to the suspense queue."""
    readings: int = 0
    """Meter readings taken from the payments' lines (``CounterVal_N``) — stored, whatever the rules said."""
    readings_held: tuple[tuple[str, int], ...] = ()
    """(status, count) of those the validation rules kept out of the month: ``unconfirmed`` (waits for a person),
    ``rejected`` (e.g. after the meter's verification ran out)."""
    readings_refused: tuple[tuple[int, int, str, str], ...] = ()
    """(line, N, value as typed, reason) of the readings refused — kept with their payment."""
    repeats: tuple[tuple[int, str], ...] = ()
    """(line, where it was loaded before) of the lines without an operation number that match a line of an earlier
    file: sent to the suspense queue as possible repeats."""
    repeats_total: int = 0


def held_counts(readings) -> tuple[tuple[str, int], ...]:
    """(status, count) of the readings taken that the rules held: waiting for a person, or rejected."""
    counts: dict[str, int] = {}
    for taken in readings.taken.values():
        for reading in taken:
            if reading.status in ("unconfirmed", "rejected"):
                counts[reading.status] = counts.get(reading.status, 0) + 1
    return tuple(sorted(counts.items()))


def _ext_id(agent: str, line: RegistryLine) -> str:
    return f"{KEY_PREFIX}:{agent}:{line.key}"


def import_registry(db: pw.Database, path: Path, profile: Profile, *, today: date, actor: str,
                    agent: str | None = None, dry_run: bool = False, file_name: str | None = None,
                    repeats: bool = False) -> RegistryImport:
    """Load the registry at ``path`` (see the module's text); ``repeats``: load a file whose every line repeats lines
    loaded before (as possible repeats, into the suspense queue) instead of refusing it."""
    registry = read_registry(path, profile, today=today, file_name=file_name)
    agent = agent or profile.agent or profile.name
    mark = param_mark(db)
    before = db.execute_sql(f'SELECT received_on, file_name, agent FROM "bank_registry" WHERE file_sha256 = {mark}',
                            (registry.sha256,)).fetchone()  # the same bytes under any agent: the same money
    if before is not None:
        raise ValidationFailed([Problem(registry.file_name, f"этот файл уже загружен {_ru(before[0])} "
                                                            f"(как «{before[1]}», агент {before[2]}): повторно не "
                                                            "загружается")], title=f"Реестр {registry.file_name} "
                                                                                   "не загружен")
    accounts = _accounts(db, {line.account for line in registry.lines})
    keys = {line.line_no: _ext_id(agent, line) for line in registry.lines if line.identified}
    known = _known(db, list(keys.values()))
    keys, before_lines = _numbered_keys(db, agent, registry.lines, keys)
    repeated = [line for line in registry.lines if line.line_no in before_lines]
    if repeated and len(repeated) == len(registry.lines) and not repeats:
        raise ValidationFailed([Problem(registry.file_name, _all_repeat(registry.file_name, before_lines))],
                               title=f"Реестр {registry.file_name} не загружен")
    fresh = [line for line in registry.lines if keys[line.line_no] not in known]
    held = set(before_lines)
    paying = [line for line in fresh if line.account in accounts and line.line_no not in held]
    unknown = [line for line in fresh if line.account not in accounts and line.line_no not in held]
    footer = registry.footer
    readings = take_readings(db, [(x.line_no, accounts[x.account], x.paid_on, x.readings)
                                  for x in paying if x.readings])
    result = RegistryImport(
        file_name=registry.file_name, profile=profile.name, agent=agent, registry_id=None,
        lines=len(registry.lines), total=registry.total, payments=len(paying), paid=sum(x.amount for x in paying),
        suspense=len(unknown), suspense_total=sum(x.amount for x in unknown),
        known=len(registry.lines) - len(fresh), known_total=registry.total - sum(x.amount for x in fresh),
        repeats=tuple((x.line_no, before_lines[x.line_no]) for x in repeated),
        repeats_total=sum(x.amount for x in repeated),
        transfer=footer.transfer if footer else _sum_or_none(registry.lines, "transfer"),
        commission=footer.commission if footer else _sum_or_none(registry.lines, "commission"),
        order_number=footer.order_number if footer else None, dry_run=dry_run,
        unknown_accounts=tuple((x.line_no, x.account) for x in unknown), readings=readings.taken_count,
        readings_held=held_counts(readings),
        readings_refused=tuple((n, *r) for n, refused in sorted(readings.refused.items()) for r in refused))
    if dry_run:
        return result
    registry_id = uuid7()
    payment_ids = {x.line_no: uuid7() for x in paying}
    with UnitOfWork(action="finance.registry.import", actor=actor, db=db,
                    details={"file": registry.file_name, "profile": profile.name, "agent": agent,
                             "lines": len(registry.lines)}) as uow:
        uow.insert(BankRegistry, id=registry_id, agent=agent, file_name=registry.file_name,
                   file_sha256=registry.sha256, profile=profile.source or profile.name, received_on=today,
                   total=registry.total,
                   lines_count=len(registry.lines), transfer=result.transfer, commission=result.commission,
                   order_number=result.order_number, order_date=footer.order_date if footer else None)
        uow.insert_rows(Payment, ("id", "ext_id", "account_id", "amount", "paid_on", "period", "channel", "agent",
                                  "commission", "registry_id", "extra"),
                        [(payment_ids[x.line_no], keys[x.line_no], accounts[x.account], x.amount,
                          x.paid_on.isoformat(), None if x.period is None else str(x.period), profile.channel, agent,
                          x.commission, registry_id, payment_extra(x, readings.refused.get(x.line_no, ())))
                         for x in paying])
        uow.insert_rows(MeterReading, ("id", "ext_id", "meter_id", "date", "source", "total", "day", "night", "peak",
                                       "half_peak", "extra", "status", "checks"), reading_rows(readings, keys))
        uow.insert_rows(SuspensePayment, ("id", "registry_id", "line_no", "raw", "account_number", "amount",
                                          "paid_on", "reason", "line_key", "commission", "period"),
                        [(uuid7(), registry_id, x.line_no, x.raw, x.account, x.amount, x.paid_on.isoformat(),
                          f"лицевой счёт «{x.account}» не найден в картотеке", keys[x.line_no], x.commission,
                          None if x.period is None else str(x.period)) for x in unknown]
                        + [(uuid7(), registry_id, x.line_no, x.raw, x.account, x.amount, x.paid_on.isoformat(),
                            _repeat_reason(x, before_lines[x.line_no]), keys[x.line_no], x.commission,
                            None if x.period is None else str(x.period)) for x in repeated])
    return replace(result, registry_id=registry_id)


def _ru(value) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day:%d.%m.%Y}"


def _sum_or_none(lines: Sequence[RegistryLine], name: str) -> int | None:
    values = [getattr(x, name) for x in lines if getattr(x, name) is not None]
    return sum(values) if values else None


def reading_rows(readings: TakenReadings, keys: dict[int, str]) -> list[tuple]:
    """Rows of ``meter_reading`` for the readings taken: keyed by the payment's key and the first scale number (the
    same line from any file — one reading), the payment's key and line in ``extra``."""
    rows = []
    for line_no, taken in sorted(readings.taken.items()):
        for r in taken:
            rows.append((uuid7(), f"{keys[line_no]}:CounterVal_{r.numbers[0]}", r.meter_id, r.day.isoformat(), "bank",
                         *(r.values.get(z) for z in ("total", "day", "night", "peak", "half_peak")),
                         json.dumps({"payment": keys[line_no], "counters": list(r.numbers)}, ensure_ascii=False,
                                    separators=(",", ":")), r.status,
                         None if r.checks is None else json.dumps(r.checks, ensure_ascii=False, sort_keys=True,
                                                                  separators=(",", ":"))))
    return rows


def payment_extra(line: RegistryLine, refused: Sequence[tuple[int, str, str]] = ()) -> str:
    """The line's particulars kept with the payment: where and when it was paid, by whom, the line; the meter
    readings as typed, and the reasons of those refused."""
    data = {k: v for k, v in (
        ("line", line.line_no), ("time", line.paid_at.isoformat() if line.paid_at else None),
        ("branch", line.branch), ("cashier", line.cashier), ("operation", line.operation), ("payer", line.payer),
        ("address", line.address), ("document", line.document), ("method", line.method),
        ("transfer", line.transfer), ("readings", [list(r) for r in line.readings] or None),
        ("readings_refused", [[n, reason] for n, _, reason in refused] or None)) if v is not None}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _accounts(db: pw.Database, numbers: set[str]) -> dict[str, str]:
    """Account number → id, of the numbers asked."""
    out: dict[str, str] = {}
    wanted = sorted(numbers)
    mark = param_mark(db)
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        for uid, number in db.execute_sql(f'SELECT id, number FROM "account" WHERE number IN '
                                          f'({", ".join([mark] * len(chunk))})', chunk):
            out[number] = str(uid)
    return out


def _numbered_keys(db: pw.Database, agent: str, lines: Sequence[RegistryLine], keys: dict[int, str]
                   ) -> tuple[dict[int, str], dict[int, str]]:
    """Keys of the lines without an operation number, and where the possible repeats among them were loaded before.

    Such a line is the n-th of its kind — the same day, account and amount (its key's fields) — ever loaded from the
    agent: its key is ``K`` for the first, ``K#n`` for the n-th (one file's equal lines, and every later file's, take
    the next numbers in turn; none is reused: a returned or reversed line keeps its number). With ``c`` of its kind
    loaded before, the first ``c`` of a new file's are possible repeats of those ``c`` — whichever way they were
    settled — and the rest new payments. So a line resolved as a second real payment counts, and a file holding
    the same day again pays nothing twice."""
    keys = dict(keys)
    copies: dict[str, list[int]] = {}
    for line in lines:
        if not line.identified:
            copies.setdefault(_ext_id(agent, line), []).append(line.line_no)
    if not copies:
        return keys, {}
    taken = {base: 0 for base in copies}
    where: dict[str, str] = {}
    asking = {base: len(found) for base, found in copies.items()}
    while asking:  # how many of each kind in a row are taken: asked in growing steps
        ask = {_nth(base, n): base for base, step in asking.items()
               for n in range(taken[base] + 1, taken[base] + step + 1)}
        found = _known(db, list(ask))
        where.update(found)
        more = {}
        for base, step in asking.items():
            n = taken[base]
            while _nth(base, n + 1) in found:
                n += 1
            if n == taken[base] + step:
                more[base] = step * 2
            taken[base] = n
        asking = more
    before: dict[int, str] = {}
    for base, line_nos in copies.items():
        c = taken[base]
        for i, line_no in enumerate(line_nos, start=1):
            keys[line_no] = _nth(base, c + i)
            if i <= c:
                before[line_no] = where[_nth(base, i)]
    return keys, before


def _nth(key: str, n: int) -> str:
    return key if n == 1 else f"{key}#{n}"


def _all_repeat(file_name: str, before: dict[int, str]) -> str:
    files = list(dict.fromkeys(where.partition(", строка")[0] for where in before.values()))
    return (f"все строки файла ({len(before)}) — те же платежи (день, лицевой счёт, сумма), что уже загружены из: "
            f"{', '.join(files[:3])}{f' и ещё {len(files) - 3}' if len(files) > 3 else ''}; номеров операций в "
            "реестре нет. Похоже, это тот же реестр, присланный или сохранённый повторно: он не загружается. Если по "
            "выписке банка это новые платежи — загрузите его с отметкой «это новые платежи» (bcenter payments import "
            "--repeats): строки уйдут в невыясненные для сверки")


def _repeat_reason(line: RegistryLine, before: str) -> str:
    return (f"возможно, повтор: платёж {line.paid_on:%d.%m.%Y} на лицевой счёт «{line.account}» на эту сумму уже "
            f"загружен ({before}), а номера операции в реестре нет — сверьте с выпиской банка: второй платёж — "
            "разнесите на счёт, повтор — верните с причиной")


def _known(db: pw.Database, keys: list[str]) -> dict[str, str]:
    """The line keys already loaded — as payments or as suspense lines — and where from («файл …, строка N»)."""
    found: dict[str, str] = {}
    mark = param_mark(db)
    for sql in ('SELECT s.line_key, r.file_name, s.line_no FROM "suspense_payment" s LEFT JOIN "bank_registry" r '
                'ON r.id = s.registry_id WHERE s.line_key IN ({})',  # first: a line resolved keeps its key there
                'SELECT p.ext_id, r.file_name, p.extra FROM "payment" p LEFT JOIN "bank_registry" r '
                'ON r.id = p.registry_id WHERE p.ext_id IN ({})'):
        for start in range(0, len(keys), 900):
            chunk = keys[start:start + 900]
            for key, file_name, line in db.execute_sql(sql.format(", ".join([mark] * len(chunk))), chunk):
                if isinstance(line, str):  # a payment's particulars (JSON): its line in the file
                    line = json.loads(line).get("line") if line.startswith("{") else None
                found.setdefault(key, f"файл «{file_name or '—'}»" + (f", строка {line}" if line else ""))
    return found
