"""Acts of an interruption or of poor quality of a communal service (акт о непредоставлении или предоставлении
услуги ненадлежащего качества, ПП 354 п. 104–113; the reductions: Приложение 1) — the engine's quality events.

An act is drawn up for a house (every flat) or one premises, a service, its start and end (aware date-times, the
house's local time) and, for a deviation, what was measured; it is numbered «АКТ-<year>-<seq>» (its ``ext_id``, so
the recalculation and the bill name it). An act is a fact: closing it earlier (the service restored sooner than
written) is a new act that repeats it with the new end and ``supersedes`` it — the month's run recalculates the
months it touches with the act named (``registry.dirty``).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import peewee as pw

from bcenter.core.errors import InvalidValue, NotFound, Problem, ValidationFailed
from bcenter.core.quantity import parse_decimal
from bcenter.engine.basis import quality_value_problems
from bcenter.modules.claims.places import account_of, house_of
from bcenter.modules.passport.desk import key_text
from db.dialect import db_id, integrity_errors, param_mark
from db.models import QualityEvent
from db.models.events import QUALITY_KINDS
from db.queries import LIVE_QUALITY, next_in_sequence
from db.uow import UnitOfWork

MSK = timezone(timedelta(hours=3))
"""Times typed without an offset are the house's local time; the demo town and most of the country's billing
centres keep Moscow's (+03:00) — an act of another zone states its offset."""


def _moment(text: str, field: str, problems: list[Problem]) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        problems.append(Problem(field, f"«{text}»: время пишется как ГГГГ-ММ-ДД ЧЧ:ММ (например 2026-10-05 08:00)"))
        return None
    return value if value.tzinfo else value.replace(tzinfo=MSK)


def _fail(problems: list[Problem]) -> None:
    if problems:
        raise ValidationFailed(problems, title="Акт не составлен")


def _number(db: pw.Database, year: int) -> str:
    return next_in_sequence(db, "quality_event", "ext_id", f"АКТ-{year}-")


def draw_up(uow: UnitOfWork, db: pw.Database, *, service: str, start: str, end: str, kind: str = "interruption",
            house: str | None = None, account: str | None = None, measured: str | None = None,
            note: str | None = None, entrance: int | None = None) -> str:
    """Draw up an act for a house (by its code; ``entrance``: one entrance of it) or the premises of an account;
    returns its number."""
    problems: list[Problem] = []
    m = param_mark(db)
    if kind not in QUALITY_KINDS:
        problems.append(Problem("kind", f"вид акта «{kind}» неизвестен: {', '.join(QUALITY_KINDS)}"))
    if (house is None) == (account is None):
        problems.append(Problem("place", "акт составляется на дом (--house) или на помещение лицевого счёта "
                                         "(--account) — одно из двух"))
    row = db.execute_sql(f'SELECT id FROM "service" WHERE ext_id = {m}', (service,)).fetchone()
    if row is None:
        problems.append(Problem("service", f"нет услуги с кодом «{service}»"))
    begin, finish = _moment(start, "from", problems), _moment(end, "to", problems)
    if begin and finish and finish <= begin:
        problems.append(Problem("to", "окончание не позже начала"))
    value = None
    if measured is not None:
        try:
            value = parse_decimal(measured)
        except InvalidValue as exc:
            problems.append(exc.to_problem("measured"))
    if measured is None or value is not None:  # the engine's rules of an act's values, as the import applies them
        problems += quality_value_problems(kind, value, None)
    place_house = place_premises = None
    if house is not None:
        place_house = house_of(db, house, problems)
        if place_house is not None:
            if entrance is not None and not db.execute_sql(
                    f'SELECT 1 FROM "premises" WHERE house_id = {m} AND entrance = {m}',
                    (db_id(place_house), entrance)).fetchone():
                problems.append(Problem("entrance", f"в доме «{house}» нет подъезда {entrance}"))
    if entrance is not None and house is None:
        problems.append(Problem("entrance", "подъезд указывается вместе с домом (--house)"))
    if account is not None:
        found = account_of(db, account, problems)
        place_premises = found and found[1]
    _fail(problems)
    number = _number(db, begin.year)
    _insert_numbered(db, number, lambda: uow.insert(
        QualityEvent, ext_id=number, service=key_text(row[0]), house=place_house, premises=place_premises,
        start_at=begin.isoformat(), end_at=finish.isoformat(), kind=kind, measured=value,
        extra={"note": note} if note else None, entrance=entrance))
    return number


def _insert_numbered(db: pw.Database, number: str, insert) -> None:
    """The act's row written under its number — a number taken meanwhile (another desk drew up an act at the same
    moment, or a sync brought one) refuses the act in Russian, nothing written, rather than with a traceback."""
    try:
        with db.atomic():
            insert()
    except integrity_errors():
        if db.execute_sql(f'SELECT 1 FROM "quality_event" WHERE ext_id = {param_mark(db)}', (number,)).fetchone():
            raise ValidationFailed([Problem("number", f"номер {number} уже занят другим актом (составлен в это же "
                                                      "время на другом рабочем месте?) — составьте акт ещё раз")],
                                   title="Акт не составлен") from None
        raise


def _shown(stamp: str) -> str:
    """An act's moment as the act states it (its own local time, the zone it was written in): «05.10.2026 20:00»."""
    return datetime.fromisoformat(stamp).strftime("%d.%m.%Y %H:%M")


def close_earlier(uow: UnitOfWork, db: pw.Database, number: str, *, end: str) -> str:
    """The service restored sooner than the act says: the act repeated with the earlier end supersedes it."""
    m = param_mark(db)
    number = number.strip()
    base = number.split("/", 1)[0]  # «…/1», a revision's number, names the same act (when «…» is an act's)
    if base != number and db.execute_sql(f'SELECT 1 FROM "quality_event" WHERE ext_id = {m}', (base,)).fetchone():
        number = base
    row = db.execute_sql(
        'SELECT q.id, q.service_id, q.house_id, q.premises_id, q.start_at, q.end_at, q.kind, q.measured, q.allowed, '
        f'q.extra, q.entrance FROM "quality_event" q WHERE (q.ext_id = {m} OR q.ext_id LIKE {m}) AND {LIVE_QUALITY} '
        'ORDER BY q.ext_id DESC', (number, number + "/%")).fetchone()
    if row is None:
        raise NotFound(f"Нет действующего акта № {number}")
    qid, service, house, prem, s_at, e_at, kind, measured, allowed, extra, entrance = row
    problems: list[Problem] = []
    finish = _moment(end, "to", problems)
    if finish is not None and not datetime.fromisoformat(s_at) < finish < datetime.fromisoformat(e_at):
        problems.append(Problem("to", f"новое окончание должно быть между началом {_shown(s_at)} и прежним "
                                      f"окончанием {_shown(e_at)}"))
    _fail(problems)
    revised = next_in_sequence(db, "quality_event", "ext_id", f"{number}/", width=1)
    _insert_numbered(db, revised, lambda: uow.insert(QualityEvent, ext_id=revised, service=key_text(service), house=house and key_text(house),
               premises=prem and key_text(prem), start_at=s_at, end_at=finish.isoformat(), kind=kind,
               measured=None if measured is None else Decimal(str(measured)),
               allowed=None if allowed is None else Decimal(str(allowed)), supersedes=key_text(qid),
               extra=QualityEvent.extra.python_value(extra),
               entrance=entrance))
    return revised
