"""Списки должников: accounts whose overdue debt meets saved criteria (amount, months overdue, service, supplier,
house, not yet in court, limitation near), and their CSV for calls, SMS and e-mail.

A debt is what ``bcenter debts`` shows (the engine's application of payments: the named month first, then the
oldest — ст. 319.1 ГК РФ), counted overdue when its due date has passed (ЖК ст. 155 ч. 1): a month is «overdue» when
something of it is still owed the day after its due date. The limitation of the oldest overdue month is the engine's
(3 years from the day after its due date, a судебный приказ's time given back — ``bcenter.engine.collection``).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import peewee as pw

from bcenter.core.errors import InvalidValue, NotFound, Problem, ValidationFailed
from bcenter.core.jobs import Job
from bcenter.core.money import format_kop, format_rub_ru
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.collection import limitation_end
from bcenter.modules.collection.accounts import STAGE_NAMES, accounts_info, claimed_lines, open_cases, pauses
from bcenter.modules.finance.position import Finance
from db.dialect import param_mark
from db.models.cases import DebtorFilter
from db.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Criteria:
    """What makes a debtor of the list (every field optional; kopecks, days)."""

    min_debt: int = 0
    min_months: int = 0
    service: str | None = None
    supplier: str | None = None
    house: str | None = None
    not_in_court: bool = False
    """«Без дела в суде»: accounts with overdue debt no open case claims (a month and service in no case), counted by
    that debt only — an account whose order for old months is being enforced stays while a later month is unfiled."""
    limitation_within: int | None = None
    """Only accounts whose oldest overdue month runs out of its limitation within this many days (or already has)."""

    def __post_init__(self) -> None:
        problems = []
        if self.min_debt < 0:
            problems.append(Problem("min_debt", "сумма долга не может быть отрицательной"))
        if self.min_months < 0:
            problems.append(Problem("months", "число месяцев не может быть отрицательным"))
        if self.limitation_within is not None and self.limitation_within < 0:
            problems.append(Problem("limitation", "число дней не может быть отрицательным"))
        if problems:
            raise ValidationFailed(problems, title="Список должников: условия не приняты")

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, 0, False)}

    @classmethod
    def from_json(cls, data: dict) -> "Criteria":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})

    def describe(self) -> str:
        parts = []
        if self.min_debt:
            parts.append(f"долг от {format_rub_ru(self.min_debt)}")
        if self.min_months:
            parts.append(f"просрочено месяцев: от {self.min_months}")
        if self.service:
            parts.append(f"услуга {self.service}")
        if self.supplier:
            parts.append(f"поставщик {self.supplier}")
        if self.house:
            parts.append(f"дом {self.house}")
        if self.not_in_court:
            parts.append("без дела в суде")
        if self.limitation_within is not None:
            parts.append(f"давность истекает в ближайшие {self.limitation_within} дн.")
        return ", ".join(parts) or "все должники"


@dataclass(frozen=True, slots=True)
class DebtorRow:
    """An account of the list: its overdue debt (kopecks) and months, the oldest overdue month and when its
    limitation runs out, the services owed, its open cases (an account may have several: one per liable set and
    filing)."""

    account: str
    payer: str
    address: str
    house: str
    debt: int
    months: int
    oldest: Period
    limitation_ends: date | None
    services: tuple[str, ...]
    cases: tuple[tuple[str, str], ...] = ()
    """The open cases: (number, stage), the first opened first."""
    total: int = 0
    """Everything owed, the months not yet due included (what ``bcenter debts`` totals)."""
    contacts: dict = field(default_factory=dict)

    @property
    def case(self) -> str | None:
        """The open cases' numbers, «Д-2026-0001, Д-2026-0002» (None without one)."""
        return ", ".join(number for number, _stage in self.cases) or None

    @property
    def case_stage(self) -> str | None:
        """The open cases' stages in the same order, comma-separated (None without a case)."""
        return ", ".join(stage for _number, stage in self.cases) or None

    @property
    def case_text(self) -> str:
        """«Д-2026-0001 (судебный приказ вынесен), …» — what the list's column «Дело» shows."""
        return ", ".join(f"{number} ({STAGE_NAMES.get(stage, stage)})" for number, stage in self.cases)


def debtors(db: pw.Database, criteria: Criteria, *, as_of: date, job: Job | None = None) -> list[DebtorRow]:
    """The accounts meeting ``criteria`` on ``as_of``, the largest debt first."""
    finance = Finance(db)
    info = accounts_info(db)
    problems = []
    if criteria.service and criteria.service not in finance.by_ext:
        problems.append(Problem("service", f"нет услуги с кодом «{criteria.service}»"))
    if criteria.supplier and criteria.supplier not in set(finance.suppliers.values()):
        problems.append(Problem("supplier", f"нет поставщика с кодом «{criteria.supplier}»"))
    if criteria.house and criteria.house not in {i.house_code for i in info.values()}:
        problems.append(Problem("house", f"нет дома с кодом «{criteria.house}»"))
    if problems:
        raise ValidationFailed(problems, title="Список должников: условия не приняты")
    cases = open_cases(db)
    claimed = claimed_lines(db) if criteria.not_in_court else {}
    stood = pauses(db)
    numbers = [n for n, i in sorted(info.items()) if criteria.house is None or i.house_code == criteria.house]
    if job is not None:
        job.total(len(numbers))
    out = []
    for number in numbers:
        acc = info[number]
        position = finance.position(acc.id, number, as_of=as_of)
        lines = pay.debts(finance.application(position, as_of=as_of), as_of=as_of)
        if job is not None:
            job.advance()
            job.check()
        row = _row(finance, acc, lines, criteria, as_of, cases, stood, claimed)
        if row is not None:
            out.append(row)
    out.sort(key=lambda r: (-r.debt, r.account))
    return out


def _row(finance: Finance, acc, lines: list[pay.DebtLine], criteria: Criteria, as_of: date, cases, stood,
         claimed: dict | None = None) -> DebtorRow | None:
    """The account's row, None when it does not meet ``criteria``. ``claimed``: by account id, the (month, service)
    pairs open cases claim (``accounts.claimed_lines``) — with ``not_in_court`` an account with open cases stays in
    the list when it has overdue debt outside them, that debt only (a month and service is claimed by one case)."""
    claimed = claimed or {}
    mine = cases.get(acc.id, [])
    total = sum(ln.debt for ln in lines)
    overdue = [ln for ln in lines if ln.due < as_of
               and (criteria.service is None or finance.services[ln.service]["ext"] == criteria.service)
               and (criteria.supplier is None or finance.suppliers[ln.supplier] == criteria.supplier)]
    if criteria.not_in_court and mine:
        # «без дела в суде»: the overdue debt no open case claims (a later month, another owner's months): an account
        # with such debt is still to be filed, and its row counts that debt only
        overdue = [ln for ln in overdue if (ln.period, ln.service) not in claimed.get(acc.id, ())]
    if not overdue:
        return None
    debt = sum(ln.debt for ln in overdue)
    months = len({ln.period for ln in overdue})
    if debt < max(criteria.min_debt, 1) or months < criteria.min_months:
        return None
    oldest = min(overdue, key=lambda ln: (ln.due, ln.period))
    ends = [limitation_end(ln.due, stood.get(acc.id, {}).get((ln.period, ln.service), ()), on=as_of)
            for ln in overdue if ln.period == oldest.period]
    known = [e for e in ends if e is not None]
    limit = min(known) if known else None
    if criteria.limitation_within is not None and (
            limit is None or limit > as_of + timedelta(days=criteria.limitation_within)):
        return None
    services = tuple(sorted({finance.services[ln.service]["ext"] for ln in overdue}))
    return DebtorRow(acc.number, acc.payer, acc.address, acc.house_code, debt, months, oldest.period, limit,
                     services, tuple((c.number, c.stage) for c in mine), total)


CSV_COLUMNS = ("account", "payer", "address", "debt", "months", "oldest", "limitation_ends", "case", "phone",
               "email")
CSV_HEADER = ("Лицевой счёт", "Плательщик", "Адрес", "Долг, руб.", "Месяцев", "С периода", "Давность до",
              "Дело", "Телефон", "E-mail")


def to_csv(rows: Iterable[DebtorRow]) -> str:
    """The list for calls, SMS and e-mail: semicolon-separated, a header in Russian, money as 1234.56 (what a
    spreadsheet and a mailing service read); phones and e-mails only where the reader may see them."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([r.account, r.payer, r.address, format_kop(r.debt), r.months, str(r.oldest),
                         r.limitation_ends.isoformat() if r.limitation_ends else "",
                         r.case_text,
                         r.contacts.get("phone") or "", r.contacts.get("email") or ""])
    return buf.getvalue()


def save_filter(uow: UnitOfWork, db: pw.Database, name: str, criteria: Criteria, *, author: str) -> str:
    """Keep ``criteria`` under ``name`` (a name used before is given the new criteria)."""
    name = (name or "").strip()
    if not name:
        raise InvalidValue("у списка должно быть название", path="name")
    row = db.execute_sql(f'SELECT id FROM "debtor_filter" WHERE name = {param_mark(db)}', (name,)).fetchone()
    if row is not None:
        from bcenter.modules.passport.desk import key_text

        uow.update(DebtorFilter, key_text(row[0]), criteria=criteria.to_json(), author=author)
        return key_text(row[0])
    return uow.insert(DebtorFilter, name=name, criteria=criteria.to_json(), author=author)


def saved_filters(db: pw.Database) -> dict[str, Criteria]:
    import json

    return {name: Criteria.from_json(json.loads(criteria)) for name, criteria in db.execute_sql(
        'SELECT name, criteria FROM "debtor_filter" ORDER BY name')}


def saved_filter(db: pw.Database, name: str) -> Criteria:
    found = saved_filters(db)
    if name not in found:
        known = ", ".join(found) or "сохранённых списков нет"
        raise NotFound(f"Нет сохранённого списка «{name}» ({known})")
    return found[name]
