"""Документы должнику и в суд: напоминание, предупреждение об ограничении, претензия; заявление о вынесении
судебного приказа и исковое заявление по делу — numbered (<prefix>-<year>-<nnnn>), logged with their payload and
template version (a reprint is the same bytes) and their delivery.

The amounts are the engine's: the debt by month and service is ``bcenter debts`` on the document's day, the penalty
table and its total ``bcenter penalties`` (less what payments paid of penalties). A restriction warning (ПП 354
п. 117–119) is issued only for hot water, electricity or gas whose overdue debt exceeds two monthly charges by the
norm (``bcenter.engine.month.charge_by_norm``: norm × persons × tariff); the 20 days run from its delivery — the
ЕПД's text counts as delivery (п. 119 «а»), a registered letter or a provable electronic message too.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

import peewee as pw

from bcenter.core.errors import NotFound, Problem, ValidationFailed
from bcenter.core.money import format_amount_ru as _money
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.collection import RESTRICTABLE, RESTRICTION_DAYS, restriction_deadline, restriction_due
from bcenter.engine.month import charge_by_norm
from bcenter.engine.penalties import penalty_total
from bcenter.modules.collection import forms
from bcenter.modules.collection.accounts import (
    accounts_info, as_date, debtors_of, next_number, service_names, supplier_names,
)
from bcenter.modules.collection.cases import Case, case as read_case
from bcenter.modules.finance.position import Finance
from bcenter.modules.passport.desk import key_text
from bcenter.modules.registry.basis import BasisReader
from db.dialect import db_id, param_mark
from db.models.cases import CollectionDocument
from db.uow import UnitOfWork

NOTICES = ("reminder", "restriction", "pretrial")
DELIVERY = {"epd": "в тексте ЕПД", "mail": "заказным письмом", "hand": "вручено лично", "email": "по электронной почте",
            "sms": "SMS-сообщением", "gis": "через ГИС ЖКХ"}


def _issuer(db: pw.Database) -> dict:
    row = db.execute_sql('SELECT name, inn, address, phone FROM "organization" ORDER BY name LIMIT 1').fetchone()
    if row is None:
        return {"name": "Управляющая организация"}
    return {"name": row[0], "inn": row[1], "address": row[2], "phone": row[3]}


def _next_number(db: pw.Database, kind: str, year: int) -> str:
    return next_number(db, "collection_document", forms.PREFIXES[kind], year)


@dataclass(frozen=True, slots=True)
class Issued:
    number: str
    kind: str
    pdf: bytes
    payload: dict


def _debt_rows(db: pw.Database, finance: Finance, lines: list[pay.DebtLine], names: dict[str, str]) -> list[list]:
    """Rows of the debt table: what is printed, then the service's and the supplier's exchange codes (what
    ``bcenter debts`` names them by)."""
    suppliers = supplier_names(db)
    return [[str(ln.period), names.get(ln.service, ln.service), suppliers.get(ln.supplier, ln.supplier),
             ln.charged, ln.paid, ln.debt, ln.due.isoformat(), finance.services[ln.service]["ext"],
             finance.suppliers[ln.supplier]] for ln in lines]


def _penalty_rows(rows, names_by_ext: dict[str, str]) -> list[list]:
    return [[str(r.period), names_by_ext.get(service, service) if service else "все услуги", r.start.isoformat(),
             r.end.isoformat(), r.days, r.debt, str(r.rate), r.fraction, r.amount, service] for r, service in rows]


def notice(uow: UnitOfWork, db: pw.Database, *, account: str, kind: str, as_of: date, service: str | None = None,
           actor: str) -> Issued:
    """Issue a reminder, a restriction warning (for ``service``) or a pre-trial claim for ``account`` as of
    ``as_of``."""
    problems = []
    if kind not in NOTICES:
        problems.append(Problem("kind", f"вид документа: {', '.join(NOTICES)}"))
    info = accounts_info(db, [account]).get(account)
    if info is None:
        problems.append(Problem("account", f"нет лицевого счёта «{account}»"))
    if problems:
        raise ValidationFailed(problems, title="Документ не выдан")
    finance = Finance(db)
    position = finance.position(info.id, account, as_of=as_of)
    application = finance.application(position, as_of=as_of)
    lines = pay.debts(application, as_of=as_of)
    overdue = [ln for ln in lines if ln.due < as_of]
    if not overdue:
        raise ValidationFailed([Problem("account", f"у лицевого счёта {account} нет просроченного долга на "
                                                   f"{as_of:%d.%m.%Y}")], title="Документ не выдан")
    ids, names_by_ext = service_names(db)
    pen_rows = finance.penalty_rows(position, application, as_of=as_of)
    paid = sum(application.penalties_paid.values())
    accrued = penalty_total(pen_rows)
    total = sum(ln.debt for ln in lines)
    issuer = _issuer(db)
    fields = {"payer": info.payer, "address": info.address, "account": account, "as_of": as_of.strftime("%d.%m.%Y"),
              "debt_total": _money(total), "overdue_total": _money(sum(ln.debt for ln in overdue)),
              "penalties_total": _money(max(accrued - paid, 0)), "days": RESTRICTION_DAYS,
              "issuer": issuer["name"]}
    service_id = None
    extra: dict = {"debt_total": total, "penalties_accrued": accrued, "penalties_paid": paid}
    if kind == "restriction":
        service_id, numbers = _restriction(db, finance, info, overdue, service, as_of)
        fields.update(service=ids[service_id], service_debt=_money(numbers["debt"]),
                      norm_monthly=_money(numbers["norm_monthly"]), threshold=_money(2 * numbers["norm_monthly"]))
        extra.update(numbers)
    number = _next_number(db, kind, as_of.year)
    payload = {
        "kind": kind, "number": number, "issued_on": as_of.isoformat(), "issuer": issuer, "fields": fields,
        "debts": _debt_rows(db, finance, lines, ids),
        "penalties": _penalty_rows([(r, finance.services[r.service]["ext"] if r.service else None) for r in pen_rows],
                                   names_by_ext) if kind != "reminder" else [],
        "totals": [["Итого не оплачено", total], ["Пени начислено", accrued], ["Пени оплачено", paid],
                   ["Пени к оплате", max(accrued - paid, 0)]],
        "amounts": extra,
    }
    return _store(uow, db, payload, account_id=info.id, case_id=None, service_id=service_id, day=as_of, actor=actor)


def _restriction(db: pw.Database, finance: Finance, info, overdue: list[pay.DebtLine], service: str | None,
                 as_of: date) -> tuple[str, dict]:
    if not service:
        raise ValidationFailed([Problem("service", "для предупреждения об ограничении укажите услугу (--service): "
                                                   "горячая вода, электроснабжение или газ")],
                               title="Предупреждение не выдано")
    sid = finance.by_ext.get(service)
    if sid is None:
        raise ValidationFailed([Problem("service", f"нет услуги с кодом «{service}»")],
                               title="Предупреждение не выдано")
    resource = db.execute_sql(f'SELECT resource, kind FROM "service" WHERE id = {param_mark(db)}',
                              (db_id(sid),)).fetchone()
    if resource[0] not in RESTRICTABLE or resource[1] != "communal":
        raise ValidationFailed([Problem("service", "ограничить можно только горячее водоснабжение, электроснабжение "
                                                   "и газоснабжение; отопление и холодную воду в многоквартирном доме "
                                                   "не ограничивают (п. 119 ПП 354)")],
                               title="Предупреждение не выдано")
    debt = sum(ln.debt for ln in overdue if ln.service == sid)
    norm = _norm_monthly(db, info, sid, as_of)
    if norm is None:
        raise ValidationFailed([Problem("service", "нельзя рассчитать плату по нормативу (нет норматива или тарифа "
                                                   "на месяц): порог п. 118 ПП 354 неизвестен")],
                               title="Предупреждение не выдано")
    if not restriction_due(debt, norm):
        raise ValidationFailed([Problem("service", f"просроченный долг по услуге {_money(debt)} руб. не превышает "
                                                   f"двух месячных размеров платы по нормативу (2 × {_money(norm)} = "
                                                   f"{_money(2 * norm)} руб.): предупреждать об ограничении нельзя "
                                                   "(п. 117, 118 ПП 354)")], title="Предупреждение не выдано")
    return sid, {"debt": debt, "norm_monthly": norm, "service": service}


def _norm_monthly(db: pw.Database, info, service: str, as_of: date) -> int | None:
    """The account's monthly charge for the service by the norm in the month of ``as_of`` (or the one before)."""
    for period in (Period.of(as_of), Period.of(as_of) - 1):
        basis = BasisReader(db, period).house(info.house)
        line = charge_by_norm(basis, info.id, service)
        if line is not None:
            return line.amount
    return None


def court_document(uow: UnitOfWork, db: pw.Database, number: str, *, day: date, actor: str) -> Issued:
    """The case's application: the claim once one was filed (after a cancelled order, or from the start), else the
    application for a судебный приказ."""
    current = read_case(db, number, as_of=day)
    kind = "claim" if any(e.stage == "claim" for e in current.events) else "court_order"
    if not current.is_open:
        raise ValidationFailed([Problem("case", f"дело {number} закрыто ({current.stage_name})")],
                               title="Документ не выдан")
    payload = court_payload(db, current, kind=kind, day=day)
    payload["number"] = _next_number(db, kind, day.year)
    info = accounts_info(db, [current.account])[current.account]
    return _store(uow, db, payload, account_id=info.id, case_id=current.id, service_id=None, day=day, actor=actor)


FORMER_ADDRESS = "— (прежний собственник: укажите место жительства должника, ст. 124 ч. 2 п. 3 ГПК РФ)"


def _standing(db: pw.Database, current: Case, day: date) -> dict[str, str]:
    """How the court document states the debtors' tie to the premises (template version 2): «является собственником
    (нанимателем)» and the premises' address when the persons the case names are liable for it on ``day``; a case
    against a former owner (a flat sold — its months were theirs, ЖК ст. 153 ч. 2 п. 5) says «являлся … в месяцы,
    за которые взыскивается долг» and leaves the debtor's address for the officer to fill: the premises are not where
    they live, and bcenter does not know where they moved (the court sends the order to the debtor's address, ГПК
    ст. 124 ч. 2 п. 3)."""
    named = {d.person for d in current.debtors if d.person}
    info = accounts_info(db, [current.account]).get(current.account)
    now = {d.person for d in debtors_of(db, info, day) if d.person} if info is not None else set()
    if not named or named <= now:
        return {"relation": "является собственником (нанимателем)", "duty_verb": "обязан",
                "debtor_address": current.address}
    gone = _departed_to(db, info.premises, current.debtors) if info is not None else {}
    if gone and len(gone) == len(current.debtors):
        where = "; ".join(f"{name} — {place}" if len(gone) > 1 else place for name, place in gone.items())
        address = f"{where} (выбыл(а) туда по сведениям паспортного стола — проверьте)"
    else:
        address = FORMER_ADDRESS
    return {"relation": "являлся собственником (нанимателем) в месяцы, за которые взыскивается долг,",
            "duty_verb": "был обязан", "debtor_address": address}


def _departed_to(db: pw.Database, premises: str, debtors) -> dict[str, str]:
    """By debtor's name: where the passport desk recorded them going when they were taken off the register of the
    premises («выбыл по адресу», ``passport.desk.deregister``'s ``departed_to``) — the last such record; a debtor
    without one is not in the result."""
    from db.queries import LIVE_REGISTRATION

    m = param_mark(db)
    out: dict[str, str] = {}
    for d in debtors:
        if not d.person:
            continue
        for (extra,) in db.execute_sql(
                f'SELECT r.extra FROM "registration" r WHERE r.person_id = {m} AND r.premises_id = {m} '
                f'AND r.valid_to IS NOT NULL AND {LIVE_REGISTRATION} ORDER BY r.valid_to DESC',
                (db_id(d.person), db_id(premises))):
            place = (json.loads(extra) if isinstance(extra, str) else (extra or {})).get("departed_to")
            if place:
                out[d.name] = place
                break
    return out


def court_payload(db: pw.Database, current: Case, *, kind: str, day: date) -> dict:
    _ids, names_by_ext = service_names(db)
    suppliers = supplier_names(db)
    included = [ln for ln in current.lines if ln.included and ln.amount > 0]  # a line paid before a claim: 0
    periods = sorted({ln.period for ln in included})
    liabilities = current.liabilities()
    joint = any(d.joint for d in current.debtors)
    debtors = [[d.name, ("солидарно" if joint else (d.share or "1"))
                + (" (возраст не проверен)" if d.age_unchecked else ""), liabilities.get(d.name, 0)]
               for d in current.debtors]
    cancelled = next((e for e in current.events if e.stage == "order_cancelled"), None)
    issuer = _issuer(db)
    fields = {"payer": current.payer, "address": current.address, "account": current.account,
              **_standing(db, current, day),
              "as_of": current.penalty_as_of.strftime("%d.%m.%Y") if current.penalty_as_of else "—",
              "court": current.court or "мировому судье судебного участка по месту жительства должника",
              "issuer": issuer["name"],
              "debtors": "; ".join(d.name for d in current.debtors), "price": _money(current.price),
              "principal": _money(current.principal), "penalties": _money(current.penalties),
              "duty": _money(current.duty), "case": current.number,
              "period_from": _period_text(periods[0]) if periods else "—",
              "period_to": _period_text(periods[-1]) if periods else "—",
              "order_note": (f"Судебный приказ отменён определением от {cancelled.day:%d.%m.%Y} (ст. 129 ГПК РФ); "
                             "государственная пошлина, уплаченная за его выдачу, засчитана." if cancelled else "")}
    return {
        "kind": kind, "number": None, "issued_on": day.isoformat(), "issuer": issuer, "fields": fields,
        "debtors": debtors,
        "debts": [[str(ln.period), ln.service_name + (" (срок исковой давности истёк)" if ln.barred else ""),
                   suppliers.get(ln.supplier, ln.supplier), ln.amount, 0, ln.amount, ln.due.isoformat()]
                  for ln in included],
        "penalties": [[str(r.period), names_by_ext.get(r.service, r.service) if r.service else "все услуги",
                       r.start.isoformat(), r.end.isoformat(), r.days, r.debt, str(r.rate), r.fraction, r.amount,
                       r.service] for r in current.penalty_rows],
        "totals": [["Основной долг", current.principal], ["Пени", current.penalties],
                   ["Цена требования", current.price], ["Государственная пошлина", current.duty]],
        "amounts": {"principal": current.principal, "penalties": current.penalties, "duty": current.duty,
                    "barred_left_out": sum(ln.amount for ln in current.lines if not ln.included)},
    }


def _period_text(period: Period) -> str:
    return f"{period.month:02d}.{period.year}"


def _store(uow: UnitOfWork, db: pw.Database, payload: dict, *, account_id: str, case_id: str | None,
           service_id: str | None, day: date, actor: str) -> Issued:
    kind = payload["kind"]
    pdf = forms.render(payload)
    uow.insert(CollectionDocument, kind=kind, number=payload["number"], account=account_id, case=case_id,
               service=service_id, issued_on=day, issued_by=actor, template=f"{kind}@{forms.template_version(kind)}",
               payload=json.dumps(payload, ensure_ascii=False, sort_keys=True), sha256=hashlib.sha256(pdf).hexdigest())
    return Issued(payload["number"], kind, pdf, payload)


@dataclass(frozen=True, slots=True)
class DocumentRow:
    number: str
    kind: str
    account: str
    case: str | None
    issued_on: date
    issued_by: str
    delivered_on: date | None
    delivery: str | None
    deadline: date | None

    @property
    def name(self) -> str:
        return forms.FORMS[self.kind]


def documents(db: pw.Database, *, account: str | None = None, case: str | None = None) -> list[DocumentRow]:
    m = param_mark(db)
    where, params = [], []
    if account:
        where.append(f"a.number = {m}")
        params.append(account)
    if case:
        where.append(f"k.number = {m}")
        params.append(case)
    sql = ('SELECT d.number, d.kind, a.number, k.number, d.issued_on, d.issued_by, d.delivered_on, d.delivery, '
           'd.deadline FROM "collection_document" d JOIN "account" a ON a.id = d.account_id LEFT JOIN "court_case" k '
           'ON k.id = d.case_id' + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY d.issued_on, d.number")
    return [DocumentRow(n, kind, acc, k, as_date(i), by, as_date(dl), how, as_date(dd))
            for n, kind, acc, k, i, by, dl, how, dd in db.execute_sql(sql, tuple(params))]


def _document(db: pw.Database, number: str) -> tuple:
    row = db.execute_sql(f'SELECT id, kind, issued_on, template, payload, sha256, delivered_on FROM '
                         f'"collection_document" WHERE number = {param_mark(db)}', (number,)).fetchone()
    if row is None:
        raise NotFound(f"Нет документа «{number}» (список: bcenter debtors documents)")
    return row


def deliver(uow: UnitOfWork, db: pw.Database, number: str, *, day: date, how: str, today: date) -> DocumentRow:
    """Record the delivery of a document; a restriction warning's deadline is 20 days after it (п. 119 «а»)."""
    did, kind, issued, *_rest, delivered = _document(db, number)
    problems = []
    if how not in DELIVERY:
        problems.append(Problem("how", f"способ доставки: {', '.join(f'{k} ({v})' for k, v in DELIVERY.items())}"))
    if day < as_date(issued):
        problems.append(Problem("day", f"доставлен {day:%d.%m.%Y} — раньше, чем выдан ({as_date(issued):%d.%m.%Y})"))
    if day > today:
        problems.append(Problem("day", f"дата {day:%d.%m.%Y} ещё не наступила"))
    if delivered is not None:
        problems.append(Problem("number", f"доставка документа {number} уже записана ({as_date(delivered):%d.%m.%Y})"))
    if problems:
        raise ValidationFailed(problems, title="Доставка не записана")
    deadline = restriction_deadline(day) if kind == "restriction" else (
        day + timedelta(days=10) if kind == "pretrial" else None)
    uow.update(CollectionDocument, key_text(did), delivered_on=day, delivery=how, deadline=deadline)
    return next(d for d in documents(db) if d.number == number)


def reprint(db: pw.Database, number: str) -> bytes:
    """The document as it was issued, byte for byte (the stored payload, the same template version)."""
    _did, kind, _issued, template, payload, sha, _delivered = _document(db, number)
    current = f"{kind}@{forms.template_version(kind)}"
    version = template.rpartition("@")[2]
    if not template.startswith(f"{kind}@") or not forms.has_template(kind, version):
        raise ValidationFailed([Problem("template", f"документ выдан по шаблону {template}, а сейчас {current}, и "
                                                    f"версии {version} нет в assets/collection/v{version}/: "
                                                    "повторная печать байт в байт невозможна")],
                               title="Документ не напечатан")
    pdf = forms.render(json.loads(payload), version=version)
    if hashlib.sha256(pdf).hexdigest() != sha:
        raise ValidationFailed([Problem("number", "напечатанное не совпадает с выданным (контрольная сумма)")],
                               title="Документ не напечатан")
    return pdf


def payload_of(db: pw.Database, number: str) -> dict:
    return json.loads(_document(db, number)[4])


__all__ = ["DELIVERY", "NOTICES", "DocumentRow", "Issued", "court_document", "deliver", "documents", "notice",
           "payload_of", "reprint"]
