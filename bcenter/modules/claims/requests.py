"""Residents' requests (заявки и обращения): received by phone, at the kiosk or from a portal; classified by kind,
each kind with its deadline (``claim_kind``: hours from receipt, or working days by the production calendar — ст.
193 ГК for a deadline falling on a day off does not apply to hours); assigned, commented, closed — every step in
``claim_event`` (who, when, to whom, why). Numbered «З-<year>-<seq>».

Overdue: not closed when its deadline has passed (now), or closed after it (the report of deadlines kept and missed).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import peewee as pw

from bcenter.core.calendar import WorkCalendar
from bcenter.core.errors import NotFound, Problem, ValidationFailed
from bcenter.modules.claims.acts import MSK
from bcenter.modules.claims.places import account_of, house_of
from bcenter.modules.passport.desk import key_text
from db.dialect import db_id, integrity_errors, param_mark
from db.models import Claim, ClaimEvent, ClaimKind
from db.queries import next_in_sequence
from db.uow import UnitOfWork

STATES = {"new": "новая", "assigned": "в работе", "closed": "закрыта"}
CHANNELS = ("phone", "kiosk", "portal", "office")
END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True, slots=True)
class Request:
    number: str
    kind: str
    kind_name: str
    priority: str
    received_at: datetime
    deadline_at: datetime
    state: str
    channel: str
    place: str
    text: str
    assignee: str | None
    closed_at: datetime | None
    account: str | None = None   # the account's number, when the request is about a premises
    house: str | None = None     # the house's code

    def overdue(self, now: datetime) -> bool:
        """Past its deadline: still open at ``now``, or closed after it."""
        return (self.closed_at or now) > self.deadline_at


@dataclass(frozen=True, slots=True)
class KindTally:
    kind: str
    name: str
    received: int
    closed_in_time: int
    closed_late: int
    open_in_time: int
    open_overdue: int


def _calendar(db: pw.Database) -> WorkCalendar:
    non_working, working = set(), set()
    for day, is_working in db.execute_sql('SELECT day, working FROM "calendar_day"'):
        day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        (working if is_working else non_working).add(day)
    return WorkCalendar(non_working, working)


def deadline(received: datetime, *, hours: int | None, working_days: int | None, calendar: WorkCalendar) -> datetime:
    """Hours run round the clock from receipt; working days are counted from the day after receipt, the deadline
    being the end of the last of them (ст. 191, 193 ГК РФ)."""
    if hours is not None:
        return received + timedelta(hours=hours)
    day, left = received.date(), working_days or 0
    while left > 0:
        day += timedelta(days=1)
        if calendar.is_working(day):
            left -= 1
    return datetime.combine(day, END_OF_DAY, tzinfo=received.tzinfo)


DEFAULT_KINDS = (
    # code, name, priority, hours, working days, basis — the deadlines an office may change (bcenter claims kinds)
    ("emergency", "Аварийная заявка", "emergency", 2, None,
     "ПП 416 п. 13: аварийно-диспетчерское обслуживание, устранение аварии [U: срок по виду аварии]"),
    ("quality", "Жалоба на качество или перерыв услуги", "urgent", 2, None,
     "ПП 354 п. 108: проверка не позднее 2 часов с получения сообщения, если иное время не согласовано"),
    ("repair", "Заявка на ремонт", "urgent", 72, None, "договор управления [P: 3 суток]"),
    ("billing", "Вопрос по начислениям", "normal", None, 3,
     "ПП 354 п. 31 «д»: проверка правильности начисления [U: 3 рабочих дня]"),
    ("inquiry", "Обращение, запрос информации", "normal", None, 10, "ПП 416 п. 34 [U: 10 рабочих дней]"),
)


def ensure_kinds(db: pw.Database, *, actor: str) -> None:
    """The usual kinds, written once (through the unit of work: they travel to the other sites like any row; their
    ids are the same everywhere — ``uuid5`` of the code — so two sites seeding them agree)."""
    if db.execute_sql('SELECT COUNT(*) FROM "claim_kind"').fetchone()[0]:
        return
    rows = [(str(uuid.uuid5(uuid.NAMESPACE_URL, f"bcenter:claim_kind:{code}")), code, name, priority, hours, days,
             basis) for code, name, priority, hours, days, basis in DEFAULT_KINDS]
    with UnitOfWork(action="claims.kinds", db=db, actor=actor) as uow:
        uow.insert_rows(ClaimKind, ("id", "code", "name", "priority", "deadline_hours", "deadline_working_days",
                                    "basis"), rows)


def _fail(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems, title="Заявка не принята")


def _number(db: pw.Database, year: int) -> str:
    return next_in_sequence(db, "claim", "number", f"З-{year}-")


def add(uow: UnitOfWork, db: pw.Database, *, kind: str, text: str, now: datetime, channel: str = "phone",
        account: str | None = None, house: str | None = None, author: str, intake_key: str | None = None) -> str:
    """Register a request; returns its number. Its deadline comes from its kind."""
    problems: list[Problem] = []
    m = param_mark(db)
    found = db.execute_sql(f'SELECT id, priority, deadline_hours, deadline_working_days FROM "claim_kind" '
                           f'WHERE code = {m}', (kind,)).fetchone()
    if found is None:
        codes = ", ".join(c for (c,) in db.execute_sql('SELECT code FROM "claim_kind" ORDER BY code'))
        problems.append(Problem("kind", f"вид заявки «{kind}» неизвестен: {codes}"))
    if not (text or "").strip():
        problems.append(Problem("text", "текст заявки пуст"))
    if channel not in CHANNELS:
        problems.append(Problem("channel", f"канал «{channel}» неизвестен: {', '.join(CHANNELS)}"))
    house_id = premises_id = account_id = None
    if account is not None:
        found_account = account_of(db, account, problems)
        if found_account is not None:
            account_id, premises_id, house_id = found_account
    elif house is not None:
        house_id = house_of(db, house, problems)
    else:
        problems.append(Problem("place", "укажите лицевой счёт (--account) или дом (--house)"))
    _fail(problems)
    kid, priority, hours, days = found
    received = now.astimezone(MSK)
    due = deadline(received, hours=hours, working_days=days, calendar=_calendar(db))
    number = _number(db, received.year)
    try:
        with db.atomic():
            cid = uow.insert(Claim, number=number, received_at=received.isoformat(), channel=channel, house=house_id,
                             premises=premises_id, account=account_id, text=text.strip(), state="new",
                             kind=key_text(kid), priority=priority, deadline_at=due.isoformat(), author=author,
                             intake_key=intake_key)
    except integrity_errors():  # the number taken meanwhile (another desk at the same moment): said, not a traceback
        if intake_key is not None and (first := db.execute_sql(f'SELECT number FROM "claim" WHERE intake_key = {m}',
                                                                (intake_key,)).fetchone()) is not None:
            return first[0]  # the portal's retry raced its first post, stored meanwhile: that request is the one
        if db.execute_sql(f'SELECT 1 FROM "claim" WHERE number = {m}', (number,)).fetchone() is None:
            raise
        raise ValidationFailed([Problem("number", f"номер {number} уже занят другой заявкой (принята в это же время "
                                                  "на другом рабочем месте?) — примите заявку ещё раз")],
                               title="Заявка не принята") from None
    uow.insert(ClaimEvent, claim=cid, at=received.isoformat(), actor=author, state="new", note=None)
    return number


def claim_of(db: pw.Database, number: str) -> tuple[str, str]:
    row = db.execute_sql(f'SELECT id, state FROM "claim" WHERE number = {param_mark(db)}', (number,)).fetchone()
    if row is None:
        raise NotFound(f"Нет заявки № {number}")
    return key_text(row[0]), row[1]


def step(uow: UnitOfWork, db: pw.Database, number: str, *, state: str, actor: str, now: datetime,
         assignee: str | None = None, note: str | None = None) -> None:
    """Assign (``assigned`` with ``assignee``), comment (the state it has, with ``note``) or close (``closed``)."""
    cid, current = claim_of(db, number)
    if current == "closed":
        raise ValidationFailed([Problem("state", f"заявка № {number} уже закрыта")], title="Заявка не изменена")
    if state == "assigned" and not (assignee or "").strip():
        raise ValidationFailed([Problem("assignee", "кому поручить?")], title="Заявка не изменена")
    if state == "closed" and not (note or "").strip():
        raise ValidationFailed([Problem("note", "что сделано? закрытие без ответа не принимается")],
                               title="Заявка не изменена")
    at = now.astimezone(MSK).isoformat()
    changes: dict = {"state": state} if state != current else {}
    if state == "assigned":
        changes["assignee"] = assignee.strip()
    if state == "closed":
        changes["closed_at"] = at
    if changes:
        uow.update(Claim, cid, **changes)
    uow.insert(ClaimEvent, claim=cid, at=at, actor=actor, state=state, assignee=changes.get("assignee"), note=note)


def link_act(uow: UnitOfWork, db: pw.Database, number: str, *, act: str, actor: str, now: datetime) -> None:
    """The request answered by an act: linked (``claim.quality_event``) and said in its history."""
    cid, state = claim_of(db, number)
    m = param_mark(db)
    (qid,), = db.execute_sql(f'SELECT id FROM "quality_event" WHERE ext_id = {m}', (act,)).fetchall()
    uow.update(Claim, cid, quality_event=key_text(qid))
    uow.insert(ClaimEvent, claim=cid, at=now.astimezone(MSK).isoformat(), actor=actor, state=state,
               note=f"составлен акт {act}")


SELECT = ('SELECT c.number, k.code, k.name, c.priority, c.received_at, c.deadline_at, c.state, c.channel, '
          'h.city, h.street, h.building, p.number, c.text, c.assignee, c.closed_at, a.number, h.ext_id FROM "claim" c '
          'JOIN "claim_kind" k ON k.id = c.kind_id LEFT JOIN "premises" p ON p.id = c.premises_id '
          'LEFT JOIN "house" h ON h.id = COALESCE(c.house_id, p.house_id) LEFT JOIN "account" a ON a.id = c.account_id')


def _request(row) -> Request:
    (number, code, name, priority, received, due, state, channel, city, street, building, flat, text, who, closed,
     account, house) = row
    place = ", ".join(x for x in (street, building and f"д. {building}", flat and f"кв. {flat}") if x) or "—"
    return Request(number, code, name, priority, datetime.fromisoformat(received), datetime.fromisoformat(due),
                   state, channel, place, text, who, closed and datetime.fromisoformat(closed), account,
                   None if account else house)


def listing(db: pw.Database, *, now: datetime, which: str = "open", assignee: str | None = None) -> list[Request]:
    """``open`` (not closed), ``new``, ``overdue`` (open past the deadline), ``mine`` (``assignee``'s open), ``all``
    — by deadline, the most urgent first."""
    rows = [_request(r) for r in db.execute_sql(f"{SELECT} ORDER BY c.deadline_at, c.number")]
    keep = {
        "all": lambda r: True,
        "open": lambda r: r.state != "closed",
        "new": lambda r: r.state == "new",
        "overdue": lambda r: r.state != "closed" and r.overdue(now),
        "mine": lambda r: r.state != "closed" and r.assignee == assignee,
    }[which]
    return [r for r in rows if keep(r)]


def history(db: pw.Database, number: str) -> list[tuple[str, str, str, str | None, str | None]]:
    cid, _ = claim_of(db, number)
    return [tuple(r) for r in db.execute_sql(
        f'SELECT at, actor, state, assignee, note FROM "claim_event" WHERE claim_id = {param_mark(db)} '
        'ORDER BY at, id', (db_id(cid),))]


def deadline_report(db: pw.Database, *, start: date, end: date, now: datetime) -> list[KindTally]:
    """Requests received in [start, end] by kind: closed in time or late, still open in time or overdue."""
    tallies: dict[str, list] = {}
    for code, name in db.execute_sql('SELECT code, name FROM "claim_kind" ORDER BY code'):
        tallies[code] = [name, 0, 0, 0, 0, 0]
    for r in listing(db, now=now, which="all"):
        if not start <= r.received_at.date() <= end:
            continue
        t = tallies[r.kind]
        t[1] += 1
        late = r.overdue(now)
        t[2 + (1 if late else 0) if r.state == "closed" else 4 + (1 if late else 0)] += 1
    return [KindTally(code, *t) for code, t in tallies.items()]


@dataclass(frozen=True, slots=True)
class Kind:
    code: str
    name: str
    priority: str
    hours: int | None
    working_days: int | None
    basis: str | None


def kinds(db: pw.Database) -> list[Kind]:
    return [Kind(*r) for r in db.execute_sql('SELECT code, name, priority, deadline_hours, deadline_working_days, '
                                             'basis FROM "claim_kind" ORDER BY code')]


def set_deadline(uow: UnitOfWork, db: pw.Database, code: str, *, hours: int | None, working_days: int | None,
                 basis: str | None) -> Kind:
    """Change a kind's deadline (hours or working days, one of the two); requests taken from now on get it."""
    if (hours is None) == (working_days is None) or (hours or working_days or 0) <= 0:
        raise ValidationFailed([Problem("deadline", "срок — часы или рабочие дни (одно из двух), больше нуля")],
                               title="Срок не изменён")
    row = db.execute_sql(f'SELECT id FROM "claim_kind" WHERE code = {param_mark(db)}', (code,)).fetchone()
    if row is None:
        raise NotFound(f"Нет вида заявки «{code}»")
    changes = {"deadline_hours": hours, "deadline_working_days": working_days}
    if basis:
        changes["basis"] = basis
    uow.update(ClaimKind, key_text(row[0]), **changes)
    return next(k for k in kinds(db) if k.code == code)


__all__ = ["Kind", "kinds", "set_deadline", "CHANNELS", "STATES", "KindTally", "Request", "add", "deadline", "deadline_report", "history", "link_act",
           "listing", "step", "claim_of"]
