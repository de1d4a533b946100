"""Bills from the database: which accounts, in what order, and what each bill says.

Everything a bill shows comes from the ledger of its period, so a bill of a closed period prints the same
whenever it is printed (DOMAIN.md §4.2, issue 4):

* Раздел 3 and 5 — the period's charge lines (``charge_line``) but those reversed by a storno and the storno's
  own (they net to zero; the table shows what stands): charges and common-property lines are «начислено»,
  recalculations, quality and absence reductions «перерасчёты» (each with its reason), benefits «льготы»; the
  table's total is the sum of every line of the account in the period — the ``bcenter charges`` total.
* Раздел 2 — per recipient (supplier), the balance of the period (``balance_snapshot`` of a closed period, computed
  the same way for an open one — ``bcenter balances``): debt or advance at the start, paid, charged, penalties;
  «к оплате» is the recipient's closing balance, never below zero. The QR asks for exactly that sum.
* money paid and not taken by any charge (an advance, ст. 319.1 ГК order in ``Finance``) and the day of the last
  payment are shown beside the total: frozen in ``account_snapshot`` when the period closed, computed with the
  balances while it is open.

Debt bills take the arrears and penalties as of a day (``bcenter debts`` / ``bcenter penalties``); advance bills
the balance plus N months of the period's regular charges (charges and common-property lines, without
recalculations).

Delivery order: house (street, building, block), entrance, flat number (natural order: 2 before 10, «Н1» after
the flats of its entrance), account number.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import peewee as pw

from bcenter.core.dates import format_date_ru
from bcenter.core.errors import BcenterError, NotFound, Problem, ValidationFailed
from bcenter.core.ids import is_uuid
from bcenter.core.money import allocate
from bcenter.core.period import Period
from bcenter.core.vocabulary import METHOD_SHORT, UNIT_LABELS
from bcenter.engine import payments as pay
from bcenter.engine.due import DUE_KINDS, due_date
from bcenter.engine.closing import FIELDS, KIND_FIELD
from bcenter.modules.bills import qr
from bcenter.modules.bills.model import (Bill, DebtLine, Party, Payer, Recalculation, Recipient, Reference, Row)
from bcenter.modules.finance.position import Finance
from bcenter.modules.registry import periods
from bcenter.modules.registry.closing import compute_balances, last_payments
from bcenter.modules.registry.storno import FORGOTTEN
from db.dialect import db_id, db_ids, param_mark
from db.derivations import unpack
from db.models.meters import COUNTED_SQL as COUNTED
from db.ledger import LINE_FROM
from db.queries import LIVE_REGISTRATION, in_houses
from db.search import format_address
from db.snapshots import STORED, read_snapshots

REGULAR = tuple(k for k, f in KIND_FIELD.items() if f == "charged")                  # charge, common_property
RECALCULATED = tuple(k for k, f in KIND_FIELD.items() if f in ("recalculated", "quality"))  # recalc, quality, absence


def natural(text: str | None) -> tuple:
    """«2» < «10» < «10а» < «Н1»: digits compare as numbers, letters as text."""
    parts = re.findall(r"\d+|\D+", text or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _plain(text: str | None) -> str | None:
    """A payer's name or address for the QR: spaces and line breaks collapsed, the separator «|» as «/». The
    payer's fields are optional in ГОСТ Р 56042 and a typo in one surname must not stop a town's bills; the
    recipient's details, which route the money, are checked instead and never altered."""
    if text is None:
        return None
    return " ".join("".join(_cp1251(ch) for ch in text.replace(qr.SEPARATOR, "/")).split()) or None


def _cp1251(ch: str) -> str:
    """A character of a payer's field that a Windows-1251 code (chosen when the recipient's long details need it)
    can hold: itself, else its letter without the accent («ü» → «u»), else nothing — one foreign letter in a surname
    («Müller») stopped the whole town's batch. Control characters become spaces."""
    if not ch.isprintable():
        return " "
    try:
        ch.encode("cp1251")
        return ch
    except UnicodeEncodeError:
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            return base.encode("cp1251").decode("cp1251") if base.isprintable() else ""
        except UnicodeEncodeError:
            return ""


def _ru_date(value) -> str:
    """A date from either database (a ``date`` or ISO text) for people: 28.11.2026."""
    return format_date_ru(date.fromisoformat(str(value)[:10]))


def _volume(text: str | None) -> str | None:
    """A volume, tariff or reading for the page: at most 4 decimals (half up), no trailing zeros, decimal comma.
    The ledger keeps the exact figure; the charge was computed from it."""
    if text in (None, ""):
        return None
    value = str(text)
    if "." in value and len(value.split(".", 1)[1]) > 4:
        value = str(Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.replace(".", ",")


@dataclass(frozen=True)
class Target:
    """An account to bill, with what sorts it for delivery."""

    account: str
    number: str
    house: str
    key: tuple


class BillSource:
    """Reads once what every bill of a run shares (executor, suppliers, services, law tables), then bills
    house by house. ``kind``: monthly | debt | advance; ``months`` for advance bills; ``as_of`` for debt bills
    (default: the last day of the period)."""

    def __init__(self, db: pw.Database, period: Period, *, kind: str = "monthly", months: int = 3,
                 as_of: date | None = None, issued: date | None = None):
        self.db, self.period, self.kind, self.months = db, period, kind, months
        self.as_of = as_of or period.last_day
        self.mark = param_mark(db)
        self.closed = periods.is_closed(period)
        self.finance = Finance(db)
        self.issued, self.due = self._issued(issued), {
            kind_: format_date_ru(due_date(period, rule=self.finance.settings.due_day_rule,
                                           calendar=self.finance.calendar,
                                           shift=self.finance.settings.shift_due_to_working_day, kind=kind_))
            for kind_ in DUE_KINDS}
        self.services: dict[str, dict] = {}
        for sid, ext, name, kind_, resource, unit, supplier, order in db.execute_sql(
                'SELECT id, ext_id, name, kind, resource, unit, supplier_id, sort_order FROM "service"'):
            self.services[str(sid)] = {"ext": ext, "name": name, "kind": kind_, "resource": resource,
                                       "unit": UNIT_LABELS.get(unit, unit), "supplier": str(supplier),
                                       "order": (order if order is not None else 10 ** 6, ext or "")}
        self.suppliers: dict[str, dict] = {}
        for sid, ext, name, inn, kpp, phone, address in db.execute_sql(
                'SELECT id, ext_id, name, inn, kpp, phone, address FROM "supplier"'):
            self.suppliers[str(sid)] = {"ext": ext or str(sid), "name": name, "inn": inn, "kpp": kpp, "bank": None,
                                        "phone": phone, "address": address}
        details = sorted(db.execute_sql(
            'SELECT supplier_id, valid_from, id, bank_name, bic, corr_account, account FROM "bank_detail" '
            'WHERE supplier_id IS NOT NULL'), key=lambda r: (str(r[0]), r[1] is not None, str(r[1]), str(r[2])))
        for supplier, valid_from, _id, bank, bic, corr, acc in details:  # undated first, then by date: the last
            if valid_from is None or str(valid_from)[:10] <= period.last_day.isoformat():  # in force wins
                self.suppliers[str(supplier)]["bank"] = {"bank_name": bank, "bic": bic, "corr_account": corr,
                                                         "account": acc}
        self.supplier_order = {}
        for sid in sorted(self.services, key=lambda s: self.services[s]["order"]):
            self.supplier_order.setdefault(self.services[sid]["supplier"], len(self.supplier_order))
        row = db.execute_sql('SELECT name, inn, kpp, address, phone, email, site, extra FROM "organization" '
                             'ORDER BY id LIMIT 1').fetchone()
        if row is None:
            raise ValidationFailed([Problem("исполнитель (organization)", "не заполнены сведения об исполнителе: "
                                            "импортируйте раздел organization")], title="Счета не сформированы")
        extra = json.loads(row[7]) if row[7] else {}
        self.executor = Party(name=row[0], inn=row[1], kpp=row[2], address=row[3], phone=row[4], email=row[5],
                              site=row[6], hours=extra.get("hours"))

    def _issued(self, print_day: date | None) -> str | None:
        """The date of issue: a closed month's is the business day it was closed (``closed_on``) — its figures
        final, its reprints the same —; an open month's is the print day. A month closed before schema step 24
        prints the UTC day of its close's moment; one closed in the system we migrated from has none known."""
        if not self.closed:
            return format_date_ru(print_day) if print_day else None
        row = self.db.execute_sql(f'SELECT closed_on, closed_at, imported FROM "billing_period" '
                                  f'WHERE period = {self.mark}', (str(self.period),)).fetchone()
        if row is None or (row[0] is None and (row[2] or row[1] is None)):
            return None
        return _ru_date(row[0] or row[1])

    # --- what to print ----------------------------------------------------------------------------
    def targets(self, *, house: str | None = None, account: str | None = None) -> list[Target]:
        """Accounts open in the period (for debt bills: opened by the day, closed or not; for monthly bills also an
        account closed before with lines posted this month — a recalculation of its last month, п. 69 «ж»), in
        delivery order;
        ``house`` is a house's id or exchange id."""
        m = self.mark
        if self.kind == "debt":  # a closed account's arrears are still owed
            where, params = [f"a.opened <= {m}"], [self.as_of.isoformat()]
        elif self.kind == "monthly":  # an account closed before, with a recalculation posted to it this month
            where = [f"a.opened <= {m}", f'(a.closed IS NULL OR a.closed >= {m} OR EXISTS (SELECT 1 FROM '
                                         f'"journal_entry" e JOIN "charge_line" c ON c.entry_id = e.id WHERE '
                                         f'e.account_id = a.id AND e.period = {m}))']  # lines: not a close's penalty
            params = [self.period.last_day.isoformat(), self.period.first_day.isoformat(), str(self.period)]
        else:
            where = [f"a.opened <= {m}", f"(a.closed IS NULL OR a.closed >= {m})"]
            params = [self.period.last_day.isoformat(), self.period.first_day.isoformat()]
        if house is not None:
            row = self.db.execute_sql(f'SELECT id FROM "house" WHERE ext_id = {m}', (house,)).fetchone()
            if row is None and is_uuid(house):
                row = self.db.execute_sql(f'SELECT id FROM "house" WHERE id = {m}', (db_id(house),)).fetchone()
            if row is None:
                raise NotFound(what="дом", key=house)
            where.append(f"p.house_id = {m}")
            params.append(db_id(row[0]))
        if account is not None:
            where.append(f"a.number = {m}")
            params.append(account)
        rows = self.db.execute_sql(
            'SELECT a.id, a.number, p.house_id, h.street, h.building, h.block, p.entrance, p.number '
            'FROM "account" a JOIN "premises" p ON p.id = a.premises_id JOIN "house" h ON h.id = p.house_id '
            f'WHERE {" AND ".join(where)}', tuple(params)).fetchall()
        if account is not None and not rows:
            raise NotFound(what="лицевой счёт" + ("" if self.kind == "debt" else f", открытый в периоде {self.period}"),
                           key=account)
        out = [Target(str(a), n, str(h), (natural(street), natural(building), natural(block), str(h), entrance or 0,
                                          natural(flat), n))
               for a, n, h, street, building, block, entrance, flat in rows]
        return sorted(out, key=lambda t: t.key)

    def check_recipients(self) -> None:
        """Every supplier's details make a valid QR (ГОСТ Р 56042): raises one ``ValidationFailed`` naming each
        supplier and field — before anything is drawn."""
        problems = []
        billed = set(self.supplier_order) | {str(s) for (s,) in self.db.execute_sql(  # a former supplier has balances
            'SELECT s.id FROM "supplier" s WHERE EXISTS (SELECT 1 FROM "charge_line" c WHERE c.supplier_id = s.id)')}
        for sid in sorted(self.suppliers, key=lambda s: (self.supplier_order.get(s, 10 ** 6), s)):
            if sid not in billed:
                continue  # never charged anything: never on a bill
            sup = self.suppliers[sid]
            whose = f"поставщик «{sup['name']}» ({sup['ext']})"
            if sup["bank"] is None:
                problems.append(Problem(f"{whose}: банковские реквизиты",
                                        "не указаны (р/с, банк, БИК, к/с) — импортируйте их в разделе suppliers"))
                continue
            try:
                qr.payload(self._payee(sup) | {"Sum": 100, "Purpose": "проверка"}, whose=whose)
            except ValidationFailed as exc:
                problems += exc.problems
        if problems:
            raise ValidationFailed(problems, title="Реквизиты получателей платежей неверны: счета не сформированы")

    def check_ready(self, targets: Sequence[Target]) -> None:
        """Monthly and advance bills of an open month need the month calculated for their houses and the month
        before closed (its closing is their opening); a closed month is its snapshot. Debt bills take the ledger as
        it stands."""
        if self.kind == "debt" or self.closed or not targets:
            return
        m, p = self.mark, self.period
        previous = p - 1
        earlier = self.db.execute_sql(f'SELECT 1 FROM "journal_entry" e WHERE e.period < {m} AND EXISTS '
                                      '(SELECT 1 FROM "charge_line" c WHERE c.entry_id = e.id) LIMIT 1',
                                      (str(p),)).fetchone()
        if earlier is not None and not periods.is_closed(previous):
            raise BcenterError(f"Сначала закройте период {previous} (bcenter close --period {previous}): без его "
                               f"сальдо долг или аванс на начало {p} неизвестен")
        done = {str(h) for (h,) in self.db.execute_sql(
            f'SELECT house_id FROM "calc_state" WHERE period = {m} AND basis_hash <> {m}', (str(p), FORGOTTEN))}
        missing = sorted({t.house for t in targets} - done)
        if missing:
            raise BcenterError(f"Период {p} не рассчитан для домов: {len(missing)} — сначала bcenter calc --period {p}")

    @staticmethod
    def _payee(sup: dict) -> dict:
        bank = sup["bank"] or {}
        return {"Name": sup["name"], "PersonalAcc": bank.get("account"), "BankName": bank.get("bank_name"),
                "BIC": bank.get("bic"), "CorrespAcc": bank.get("corr_account"), "PayeeINN": sup["inn"],
                "KPP": sup["kpp"]}

    # --- bills ------------------------------------------------------------------------------------
    def bills(self, houses: Sequence[str], targets: Iterable[Target]) -> Iterator[tuple[Target, Bill | None]]:
        """``(target, bill)`` for each target (of these houses), ``bill`` None when there is nothing to show."""
        targets = list(targets)
        data = _HouseData(self, houses)
        for target in targets:
            yield target, self._bill(target, data)

    def _bill(self, t: Target, data: _HouseData) -> Bill | None:
        """One account's bill, or None when there is nothing to show."""
        lines = data.lines.get(t.account, [])
        services_of: dict[str, set[str]] = defaultdict(set)  # recipient → its services on this bill
        by_supplier: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
        for (service, supplier), values in data.balances.get(t.account, {}).items():
            for f in FIELDS:
                by_supplier[supplier][f] += values[f]
            services_of[supplier].add(service)
        for line in lines:
            services_of[line["supplier"]].add(line["service"])
        if self.kind == "debt":
            found = self._debt_amounts(t, services_of)
        elif self.kind == "advance":
            found = self._advance_amounts(lines, by_supplier)
        else:
            found = _monthly_amounts(by_supplier, data.unpaid.get(t.account), data.unpaid_before.get(t.account))
            if self.finance.settings.credit_application == "any_supplier":
                found = (_net_of_credits(found[0], by_supplier), *found[1:])
        if found is None:
            return None
        amounts, debts, advance = found
        if advance is None:
            advance = data.advances.get(t.account, 0) if data.advances is not None else self._advance(t)
        if self.kind == "advance":
            amounts = _net_of_advance(amounts, advance)
        if self.kind == "monthly" and not lines and not advance and not any(
                any(v.values()) for v in by_supplier.values()):
            return None
        payer = data.payer(t)
        named = self.period  # the QR's PaymPeriod: the month paid for; a debt bill's — its last overdue month
        if self.kind == "debt":
            named = max((Period.parse(d.period) for d in debts), default=self._last_overdue())
        recipients = [self._recipient(s, amounts[s], services_of.get(s, set()), payer, named)
                      for s in sorted(amounts, key=lambda s: (self.supplier_order.get(s, 10 ** 6), s))
                      if any(amounts[s].values()) or services_of.get(s)]
        rows, recalcs, refs = self._table(lines, data.readings.get(t.account, {}),
                                          data.house_meters.get(data.accounts[t.account]["house"], {}))
        suffix = {"monthly": "", "debt": "-Д", "advance": "-А"}[self.kind]
        return Bill(kind=self.kind, period=str(self.period), period_label=f"{self.period.label_ru} г.",
                    number=f"{t.number}-{self.period.month:02d}{self.period.year % 100:02d}{suffix}",
                    payer=payer, executor=self.executor, recipients=tuple(recipients), rows=rows,
                    recalculations=recalcs, references=refs, debts=tuple(debts),
                    last_payment=data.last_payment.get(t.account), advance=advance,
                    months=self.months if self.kind == "advance" else 0,
                    court_costs=tuple(data.court_costs.get(t.account, ())),
                    as_of=format_date_ru(self.as_of), **self._dates(lines, data.balances.get(t.account, {})),
                    since=f"{(self.period + 1).label_ru_genitive} г." if self.kind == "advance" else None,
                    ipd=data.ipd.get(t.account))

    def _last_overdue(self) -> Period:
        """The last month whose payment term has passed on the debt bill's day (a bill of penalties only)."""
        month = Period.of(self.as_of) - 1
        while due_date(month, rule=self.finance.settings.due_day_rule, calendar=self.finance.calendar,
                       shift=self.finance.settings.shift_due_to_working_day) >= self.as_of:
            month -= 1
        return month

    def _dates(self, lines: list[dict], balances: dict) -> dict:
        """A monthly bill's date of issue and due date(s): the capital-repair fee's apart when it differs."""
        if self.kind != "monthly":
            return {}
        services = {line["service"] for line in lines} | {service for service, _ in balances}
        capital = any(self.services[s]["kind"] == "capital_repair" for s in services if s in self.services)
        apart = capital and self.due["capital_repair"] != self.due["standard"]
        return {"issued": self.issued, "due": self.due["standard"],
                "due_capital": self.due["capital_repair"] if apart else None}

    def _advance(self, t: Target) -> int:
        """Real money no charge took as of the bill's day (a closed month closed before account snapshots)."""
        position = self.finance.position(t.account, t.number, as_of=self.as_of)
        application = self.finance.application(position, as_of=self.as_of)
        return self.finance.advance(application)

    def _debt_amounts(self, t: Target, services_of: dict[str, set[str]]):
        """Arrears by period and service and penalties as of the day (``debts`` and ``penalties``), per recipient:
        «к оплате» = debt + penalties."""
        position = self.finance.position(t.account, t.number, as_of=self.as_of)
        application = self.finance.application(position, as_of=self.as_of)
        debt_lines = [ln for ln in pay.debts(application, as_of=self.as_of) if ln.due < self.as_of]  # overdue only
        penalty: dict[str, int] = defaultdict(int)
        for r in self.finance.penalty_rows(position, application, as_of=self.as_of):
            penalty[r.supplier] += r.amount  # a row is one charge line's: its supplier's
        for (_service, supplier), paid in application.penalties_paid.items():  # what payments paid of them
            penalty[supplier] -= paid
        penalty = defaultdict(int, {s: max(v, 0) for s, v in penalty.items()})
        if not debt_lines and not any(penalty.values()):
            return None
        owed: dict[str, int] = defaultdict(int)
        debts = []
        for ln in debt_lines:
            owed[ln.supplier] += ln.debt
            services_of[ln.supplier].add(ln.service)
            debts.append(DebtLine(period=str(ln.period), service=self.services[ln.service]["name"], charged=ln.charged,
                                  paid=ln.paid, debt=ln.debt, due=format_date_ru(ln.due)))
        amounts = {s: dict(opening=owed.get(s, 0), charged=0, paid=0, penalties=penalty.get(s, 0),
                           to_pay=owed.get(s, 0) + penalty.get(s, 0)) for s in set(owed) | set(penalty)}
        advance = self.finance.advance(application)
        return amounts, debts, advance

    def _advance_amounts(self, lines: list[dict], by_supplier: dict[str, dict[str, int]]):
        """The balance now plus N months of the period's regular charges, per recipient (never below zero). The
        balance is the period's closing — the period's own charges in it —, so the N months are those after it."""
        regular: dict[str, int] = defaultdict(int)
        for line in lines:
            if line["kind"] in REGULAR:
                regular[line["supplier"]] += line["amount"]
        if not any(regular.values()):
            return None
        amounts = {}
        for s in set(by_supplier) | set(regular):
            closing = by_supplier[s]["closing"] if s in by_supplier else 0
            ahead = regular.get(s, 0) * self.months
            amounts[s] = dict(opening=closing, charged=ahead, paid=0, penalties=0, to_pay=max(closing + ahead, 0))
        return amounts, [], None

    def _recipient(self, supplier: str, amounts: dict[str, int], services: set[str], payer: Payer,
                   named: Period) -> Recipient:
        sup = self.suppliers[supplier]
        bank = sup["bank"] or {}
        names = sorted(services, key=lambda x: self.services[x]["order"])
        return Recipient(supplier=sup["ext"], name=sup["name"], inn=sup["inn"], kpp=sup["kpp"],
                         bank_name=bank.get("bank_name"), bic=bank.get("bic"), corr_account=bank.get("corr_account"),
                         account=bank.get("account"), services=tuple(self.services[x]["name"] for x in names),
                         phone=sup["phone"], address=sup["address"],
                         qr=self._qr(sup, payer, amounts["to_pay"], named, services), **amounts)

    def _what(self, services: set[str]) -> str:
        """What a recipient is paid for: ``capital`` — the capital-repair fund takes contributions (взнос на
        капитальный ремонт, ст. 169 ЖК РФ), ``waste`` — the regional operator of ТКО its service, else ``housing``."""
        kinds = {self.services[s]["kind"] for s in services if s in self.services}
        resources = {self.services[s]["resource"] for s in services if s in self.services}
        if kinds == {"capital_repair"}:
            return "capital"
        if resources == {"solid_waste"}:
            return "waste"
        return "housing"

    def _qr(self, sup: dict, payer: Payer, to_pay: int, named: Period, services: set[str]) -> str | None:
        """The recipient's payment code: its details, the sum, the account and the month; the Purpose by what the
        recipient is paid for; the payer's name and address only as the setting ``qr_payer_fields`` says (a lean
        code by default); UTF-8, or Windows-1251 when the required block is over 300 bytes in UTF-8
        (``qr.fitting_charset``)."""
        if sup["bank"] is None:
            return None
        p, what = self.period, self._what(services)
        month, account = f"{p.month:02d}.{p.year}", f"л/с {payer.account}"
        purpose = {
            "monthly": {"housing": f"Оплата ЖКУ за {month}", "capital": f"Взнос на капремонт за {month}",
                        "waste": f"Оплата обращения с ТКО за {month}"},
            "debt": {"housing": "Погашение задолженности за ЖКУ", "capital": "Погашение долга по взносам на капремонт",
                     "waste": "Погашение задолженности за обращение с ТКО"},
            "advance": {"housing": "Оплата ЖКУ вперёд", "capital": "Взносы на капремонт вперёд",
                        "waste": "Оплата обращения с ТКО вперёд"},
        }[self.kind][what]
        if self.kind == "debt":
            purpose += f" на {format_date_ru(self.as_of)}"
        elif self.kind == "advance":  # the balance asked holds the period itself: the months ahead follow it
            ahead = p + 1
            purpose += f" на {self.months} мес. с {ahead.month:02d}.{ahead.year}"
        purpose += f", {account}"
        fields = self._payee(sup) | {
            "Sum": to_pay or None, "Purpose": purpose, "PersAcc": payer.account, "PaymPeriod": named.mmyyyy,
            "Category": "ЖКУ", "TechCode": "02"}
        payer_fields = self.finance.settings.qr_payer_fields
        if payer_fields in ("name", "name_address"):
            fields |= {"LastName": _plain(payer.last_name), "FirstName": _plain(payer.first_name),
                       "MiddleName": _plain(payer.middle_name)}
        if payer_fields == "name_address":
            fields["PayerAddress"] = _plain(payer.address)
        return qr.payload(fields, charset="auto", whose=f"лицевой счёт {payer.account}, поставщик «{sup['name']}»")

    def _table(self, lines: list[dict], readings: dict[str, str], house_meters: dict[str, str]):
        """Раздел 3 rows, Раздел 5 recalculations and Раздел 4 references of an account's lines, by service."""
        by_service: dict[str, list[dict]] = defaultdict(list)
        for line in lines:
            by_service[line["service"]].append(line)
        rows, recalcs, refs = [], [], []
        for sid in sorted(by_service, key=lambda s: self.services[s]["order"]):
            svc, group = self.services[sid], by_service[sid]
            main = [ln for ln in group if ln["kind"] in REGULAR]
            inputs: dict[str, str] = {}
            for ln in main:
                if ln["derivation"]:
                    inputs.update(json.loads(ln["derivation"]).get("inputs") or {})
            rows.append(_row(svc, main, group, inputs))
            recalcs += [Recalculation(service=svc["name"], reason=_reason(ln), amount=ln["amount"])
                        for ln in group if ln["kind"] in RECALCULATED or ln["kind"] == "benefit"]
            refs.append(_reference(svc, inputs, readings, house_meters))
        return tuple(rows), tuple(recalcs), tuple(refs)


def _net_of_advance(amounts: dict[str, dict[str, int]], advance: int) -> dict[str, dict[str, int]]:
    """An advance bill asks for what is still to pay after the account's advance (money no charge took yet):
    the advance is set against the recipients in proportion to what each asks (largest remainder), never
    beyond it."""
    asked = sorted(s for s in amounts if amounts[s]["to_pay"] > 0)
    total = sum(amounts[s]["to_pay"] for s in asked)
    used = min(max(advance, 0), total)
    if not used:
        return amounts
    parts = allocate(used, [amounts[s]["to_pay"] for s in asked])
    out = {s: dict(v) for s, v in amounts.items()}
    for s, part in zip(asked, parts):
        out[s]["to_pay"] -= part
        out[s]["credited"] = part
    return out


def _net_of_credits(amounts: dict[str, dict[str, int]], balances: dict[str, dict[str, int]]
                    ) -> dict[str, dict[str, int]]:
    """With ``credit_application: any_supplier`` one recipient's advance pays the others' lines (the engine's
    position): «к оплате» of the others is what is left after it — the advances set against them in proportion to
    what each asks (largest remainder), never beyond; shown on each as «зачтено». Else a bill asked the other
    recipients for money the engine counted as paid (an account owing nothing asked 948.88)."""
    credit = sum(-min(v["closing"], 0) for v in balances.values())
    if not credit:
        return amounts
    out = _net_of_advance(amounts, credit)
    for v in out.values():
        if v.get("to_pay_penalties") is not None:
            v["to_pay_penalties"] = min(v["to_pay_penalties"], v["to_pay"])
    return out


def _monthly_amounts(by_supplier: dict[str, dict[str, int]], unpaid: dict[str, int] | None,
                     unpaid_before: dict[str, int] | None):
    """The period's balance per recipient: «начислено» with recalculations and benefits, «к оплате» = the closing
    balance, never below zero (an advance with one recipient does not pay another). Penalties apart (п. 69 ПП 354,
    issue 13): of the opening and of «к оплате», the penalties billed and not paid — per recipient, as the
    snapshots of the month before and of the month keep them; None where a snapshot of an older format does not
    (nothing is made up)."""
    amounts = {}
    for s, v in by_supplier.items():
        to_pay = max(v["closing"], 0)
        amounts[s] = dict(opening=v["opening"], charged=v["charged"] + v["recalculated"] + v["quality"] + v["benefits"],
                          paid=v["paid"], penalties=v["penalties"], to_pay=to_pay,
                          opening_penalties=None if unpaid_before is None else max(unpaid_before.get(s, 0), 0),
                          to_pay_penalties=None if unpaid is None else min(max(unpaid.get(s, 0), 0), to_pay))
    return amounts, [], None


def _row(svc: dict, main: list[dict], group: list[dict], inputs: dict[str, str]) -> Row:
    """One service's row: volume, method, tariff and coefficient when one line carries them (several lines — a month
    split by a change — show the sums only)."""
    first = main[0] if len(main) == 1 else None
    common = svc["kind"] == "common_property"
    volume = _volume(first["volume"]) if first else None
    return Row(
        service=svc["name"], unit=svc["unit"],
        volume_individual=None if common else volume, volume_common=volume if common else None,
        method=METHOD_SHORT.get(main[0]["method"], main[0]["method"]) if main and main[0]["method"] else None,
        tariff=_tariff(first, inputs) if first else None,
        charged=sum(ln["amount"] for ln in main),
        coefficient=_volume(first["coefficient"]) if first and first["coefficient"] not in (None, "1") else None,
        excess=sum(ln["excess"] or 0 for ln in main),
        recalculated=sum(ln["amount"] for ln in group if ln["kind"] in RECALCULATED),
        benefits=sum(ln["amount"] for ln in group if ln["kind"] == "benefit"))


def _tariff(line: dict, inputs: dict[str, str]) -> str | None:
    """The line's tariff; a two-zone meter's day/night tariffs, a two-part hot-water tariff's cold-water and heat
    rates («53,62/3254,04», the heat per m³ in Раздел 4)."""
    if line["tariff"]:
        return _volume(line["tariff"])
    if "tariff.day" in inputs:
        return "/".join(_volume(inputs[k]) for k in ("tariff.day", "tariff.night", "tariff.peak") if k in inputs)
    if "cold_water_rate" in inputs and "heat_rate" in inputs:
        return f"{_volume(inputs['cold_water_rate'])}/{_volume(inputs['heat_rate'])}"
    return None


def _reason(line: dict) -> str:
    """Раздел 5: what a recalculation or reduction is for, named (п. 69 «ж» ПП 354): the month it corrects, the reason
    the month run recorded, and for a reduction its cause from the line's derivation — what the quality rule found
    (its legal basis: «перерывы сверх допустимой продолжительности», «температура горячей воды», …) or the days of
    a temporary absence. The month is named once: not «за 2026-10: перерасчёт за октябрь 2026: …»."""
    reason = line["reason"] or {"quality": "снижение за качество / перерыв", "absence": "временное отсутствие",
                                "benefit": "льгота"}.get(line["kind"], "перерасчёт")
    if not line["reason"] and line["kind"] in ("quality", "absence") and line["derivation"]:
        try:
            derivation = json.loads(line["derivation"])
        except ValueError:
            derivation = {}
        inputs, cause = derivation.get("inputs") or {}, re.search(r"\(([^)]*)\)", derivation.get("basis") or "")
        if line["kind"] == "quality" and cause:
            reason = f"снижение за качество: {cause.group(1)} ({derivation['basis'].split(' (')[0]})"
        elif line["kind"] == "absence" and inputs.get("absent_days") and inputs.get("days_in_month"):
            reason = f"временное отсутствие: {inputs['absent_days']} дн. из {inputs['days_in_month']}"
    corrects = line["corrects"] and str(line["corrects"])
    if corrects and corrects not in reason and Period.parse(corrects).label_ru not in reason:
        reason = f"за {corrects}: {reason}"  # the month once: «перерасчёт за октябрь 2026: …» names it already
    return reason


def _reference(svc: dict, inputs: dict[str, str], readings: dict[str, str],
               house_meters: dict[str, str]) -> Reference:
    common = svc["kind"] == "common_property"
    norm = inputs.get("norm")
    house = inputs.get("house_volume") or (inputs.get("billable") if common else None)
    tariff = None
    if "cold_water_rate" in inputs and "heat_per_m3" in inputs and "heat_rate" in inputs:
        tariff = (f"тариф {_volume(inputs['cold_water_rate'])} руб./м³ + {_volume(inputs['heat_per_m3'])} Гкал/м³ × "
                  f"{_volume(inputs['heat_rate'])} руб./Гкал")
    per = "/чел." if "persons" in inputs else ("/м²" if "area" in inputs and svc["unit"] != "м²" else "")
    if common and norm and inputs.get("common_area"):  # N_СОИ per m² of the common property, and its area
        per = f" на 1 м² общего имущества (площадь общего имущества {_volume(inputs['common_area'])} м²)"
    return Reference(service=svc["name"], norm=f"{_volume(norm)} {svc['unit']}{per}" if norm else None,
                     readings=None if common else readings.get(svc["resource"] or ""),
                     house_volume=f"{_volume(house)} {svc['unit']}" if house else None, tariff=tariff,
                     house_meter=house_meters.get(svc["resource"] or "") if common or svc["resource"] == "heating"
                     else None)


def _latest_by_month(rows: Iterable[tuple], wanted: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """(meter, month) → the value of the last reading closing that month (rows ordered by date), for the page: the
    total, or day/night. A reading closes the month it names, else its date's month (as the month run reads it)."""
    latest: dict[tuple[str, str], str] = {}
    for mid, per, day, total, dayz, night in rows:
        closes = per or str(day)[:7]
        if closes in wanted:
            latest[(str(mid), closes)] = (_volume(total) if total is not None else
                                          "/".join(_volume(v) or "—" for v in (dayz, night)))
    return latest


def _meter_text(serial: str, latest: dict[tuple[str, str], str], mid: str, period: Period, *,
                missing: str) -> str | None:
    """«№ serial: previous → current» of a meter for the month, or None when it has neither reading."""
    current, previous = latest.get((mid, str(period))), latest.get((mid, str(period - 1)))
    if current is None and previous is None:
        return None
    return f"№ {serial}: {previous or '—'} → {current or missing}"


class _HouseData:
    """What the bills of a few houses need, read in a handful of queries."""

    def __init__(self, source: BillSource, houses: Sequence[str]):
        db, m, period = source.db, source.mark, source.period
        self.source = source
        marks = ", ".join([m] * len(houses))
        houses = tuple(houses)
        keys = db_ids(houses)  # bound in raw SQL
        self.accounts: dict[str, dict] = {}
        for (aid, number, org, first, last, middle, pnum, pkind, area, entrance, pid, hid, city, street,
             building, block, els, gis_id, postcode, region, share) in db.execute_sql(
                'SELECT a.id, a.number, a.holder_org_name, pe.first_name, pe.last_name, pe.middle_name, p.number, '
                'p.kind, p.total_area, p.entrance, p.id, p.house_id, h.city, h.street, h.building, h.block, '
                'a.els, a.gis_id, h.postcode, h.region, a.share '
                'FROM "account" a JOIN "premises" p ON p.id = a.premises_id JOIN "house" h ON h.id = p.house_id '
                f'LEFT JOIN "person" pe ON pe.id = a.holder_person_id WHERE p.house_id IN ({marks})', keys):
            self.accounts[str(aid)] = {
                "org": org, "first": first, "last": last, "middle": middle, "flat": pnum, "entrance": entrance,
                "area": _volume(area) or "0", "premises": str(pid), "house": str(hid),
                "address": ", ".join(x for x in (postcode, region, format_address(city, street, building, block,
                                                                                    pnum, pkind)) if x),
                "els": els, "gis_id": gis_id, "share": share if share and Fraction(share) != 1 else None}
        self.ipd: dict[str, str] = {}  # account → the ИПД ГИС ЖКХ gave this month's document
        if source.kind == "monthly":
            for aid, ipd in db.execute_sql(
                    'SELECT d.account_id, d.ipd FROM "payment_document" d JOIN "account" a ON a.id = d.account_id '
                    f'JOIN "premises" p ON p.id = a.premises_id WHERE p.house_id IN ({marks}) AND d.period = {m}',
                    (*keys, str(period))):
                self.ipd[str(aid)] = ipd
        day = period.last_day.isoformat()
        self.registered: dict[str, int] = defaultdict(int)
        for pid, n in db.execute_sql(
                f'SELECT r.premises_id, COUNT(*) FROM "registration" r JOIN "premises" p ON p.id = r.premises_id '
                f'WHERE p.house_id IN ({marks}) AND r.valid_from <= {m} AND (r.valid_to IS NULL OR r.valid_to > {m}) '
                f'AND {LIVE_REGISTRATION} GROUP BY r.premises_id', (*keys, day, day)):
            self.registered[str(pid)] = int(n)
        scope, params = in_houses(db, houses, "e.account_id")
        self.lines: dict[str, list[dict]] = defaultdict(list)
        for aid, sid, sup, kind, method, volume, tariff, coef, amount, excess, corrects, reason, derivation in \
                db.execute_sql(
                    'SELECT e.account_id, c.service_id, c.supplier_id, c.kind, c.method, c.volume, c.tariff, '
                    'c.coefficient, c.amount, c.excess, e.corrects_period, e.reason, d.data '
                    f'{LINE_FROM} WHERE e.period = {m}{scope} '
                    "AND e.kind <> 'STORNO' AND NOT EXISTS (SELECT 1 FROM \"journal_entry\" s "
                    "WHERE s.storno_of_id = c.entry_id) ORDER BY c.entry_id, c.line_no", (str(period), *params)):
            self.lines[str(aid)].append({
                "service": str(sid), "supplier": str(sup), "kind": kind, "method": method, "volume": volume,
                "tariff": tariff, "coefficient": coef, "amount": int(amount), "excess": excess,
                "corrects": corrects, "reason": reason, "derivation": derivation and unpack(derivation)})
        self.balances: dict[str, dict[tuple[str, str], dict[str, int]]] = defaultdict(dict)
        self.advances: dict[str, int] | None = None  # None: to be computed from the payments, account by account
        self.last_payment: dict[str, str] | None = None
        rows = {}
        scope, params = in_houses(db, houses)
        if source.kind == "debt":
            pass  # arrears and penalties as of a day come from the position itself
        elif source.closed:
            rows = {(a, s, p): dict(zip(STORED, money))  # format 1 rows: without «unpaid_penalties»
                    for a, s, p, money in read_snapshots(db, str(period), scope, params)}
            if db.execute_sql(f'SELECT 1 FROM "account_snapshot" WHERE period = {m} LIMIT 1',
                              (str(period),)).fetchone() is not None:  # closed by a version that froze them
                self.advances, self.last_payment = {}, {}
                for a, advance, paid_on in db.execute_sql(
                        f'SELECT account_id, advance, last_paid_on FROM "account_snapshot" WHERE period = {m}{scope}',
                        (str(period), *params)):
                    self.advances[str(a)] = int(advance)
                    if paid_on is not None:
                        self.last_payment[str(a)] = _ru_date(paid_on)
        else:
            self.advances = {}
            rows = compute_balances(db, period, houses=houses, finance=source.finance, advances=self.advances)
        for (a, s, p), values in rows.items():
            self.balances[a][(s, p)] = values
        # the penalties billed and not paid, per account and recipient, at the end and at the start of the month
        # (a monthly bill prints them apart); an account is missing where its snapshot's format does not keep them
        self.unpaid: dict[str, dict[str, int]] = {}
        self.unpaid_before: dict[str, dict[str, int]] = {}
        if source.kind == "monthly":
            for (a, s, p), values in rows.items():
                if not source.closed or "unpaid_penalties" in values:
                    self.unpaid.setdefault(a, defaultdict(int))[p] += values.get("unpaid_penalties", 0)
            for a, s, p, money in read_snapshots(db, str(period - 1), scope, params):
                if len(money) == len(STORED):
                    self.unpaid_before.setdefault(a, defaultdict(int))[p] += money[-1]
        if self.last_payment is None:
            self.last_payment = {a: _ru_date(d) for a, d in last_payments(
                db, source.as_of if source.kind == "debt" else period.last_day, houses).items()}
        self.readings = self._readings(db, m, marks, keys, period)
        self.house_meters = self._house_readings(db, m, marks, keys, period)
        self.court_costs: dict[str, list[tuple[str, int]]] = defaultdict(list)
        stages = {"court_order": "судебный приказ", "order_issued": "судебный приказ", "order_cancelled":
                  "судебный приказ отменён", "claim": "иск", "judgment": "решение суда",
                  "enforcement": "исполнительное производство"}
        # what the open cases' court costs still ask (the duty and other costs less what recoveries took of them) on
        # the bill's day: a debt bill's «на» day, a monthly bill's month end
        on = source.as_of.isoformat() if source.kind == "debt" and source.as_of else day
        cases = list(db.execute_sql(
            f'SELECT account_id, stage, court_costs, opened_on, number, (SELECT COALESCE(SUM(r.to_costs), 0) '
            f'FROM "court_recovery" r WHERE r.case_id = k.id AND r.received_on <= {m}), debtors FROM "court_case" k '
            f'WHERE court_costs > 0 AND opened_on <= {m} AND (closed_on IS NULL OR closed_on > {m}){scope} '
            'ORDER BY opened_on, id', (on, on, on, *params)))
        liable = _liable_now(db, {a for a, *_rest in cases}, on) if cases else {}
        for a, stage, costs, opened, number, taken, debtors in cases:
            listed = [d for d in json.loads(debtors or "[]") if isinstance(d, dict)]
            named = {d.get("person") for d in listed} - {None}
            if listed and liable.get(str(a)) and not named & liable[str(a)]:
                continue  # a former owner's case (a flat sold, an organisation's too): theirs, not this payer's to
                # read (152-ФЗ ст. 7)
            if int(costs) > int(taken):
                name = f"дело {number} от {_ru_date(opened)}" if number else f"дело от {_ru_date(opened)}"
                self.court_costs[str(a)].append((f"{name} ({stages.get(stage, stage)})", int(costs) - int(taken)))

    def _house_readings(self, db, m, marks, keys, period: Period) -> dict[str, dict[str, str]]:
        """Per house: resource → «№ serial: previous → current» of its house meters (ОДПУ) for the month — the
        readings that decide heating by the house meter and the common-property volumes (п. 69 «е» ПП 354)."""
        meters = {str(mid): (serial, resource, str(hid)) for mid, serial, resource, hid in db.execute_sql(
            f'SELECT id, serial, resource, house_id FROM "meter" WHERE kind = \'house\' AND house_id IN ({marks}) '
            f'AND installed <= {m} AND (removed IS NULL OR removed > {m})',
            (*keys, period.last_day.isoformat(), period.first_day.isoformat()))}
        if not meters:
            return {}
        wanted = (str(period - 1), str(period))
        ids = list(meters)
        latest = _latest_by_month(db.execute_sql(
                f'SELECT r.meter_id, r.period, r.date, r.total, r.day, r.night FROM "house_reading" r '
                f'WHERE r.meter_id IN ({", ".join([m] * len(ids))}) AND (r.period IN ({m}, {m}) OR (r.period IS NULL '
                f'AND r.date >= {m} AND r.date < {m})) AND NOT EXISTS (SELECT 1 FROM "house_reading" x '
                'WHERE x.corrects_id = r.id) ORDER BY r.date, r.id',
                (*db_ids(ids), *wanted, (period - 1).first_day.isoformat(), period.end.isoformat())), wanted)
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for mid, (serial, resource, hid) in sorted(meters.items(), key=lambda kv: kv[1][0]):
            text = _meter_text(serial, latest, mid, period, missing="не снято")
            if text is not None:
                out[hid][resource] = f"{out[hid][resource]}; {text}" if resource in out[hid] else text
        return out

    def _readings(self, db, m, marks, keys, period: Period) -> dict[str, dict[str, str]]:
        """Per account: resource → «№ serial: previous → current» of the meters of its premises."""
        premises_accounts: dict[str, list[str]] = defaultdict(list)
        for aid, info in self.accounts.items():
            premises_accounts[info["premises"]].append(aid)
        meters = {}
        for mid, serial, resource, pid, zones in db.execute_sql(
                f'SELECT mt.id, mt.serial, mt.resource, mt.premises_id, mt.zones FROM "meter" mt JOIN "premises" p '
                f'ON p.id = mt.premises_id WHERE p.house_id IN ({marks}) AND mt.kind <> \'house\' AND '
                f'mt.installed <= {m} AND (mt.removed IS NULL OR mt.removed > {m})',
                (*keys, period.last_day.isoformat(), period.first_day.isoformat())):
            meters[str(mid)] = (serial, resource, str(pid), zones)
        if not meters:
            return {}
        wanted = (str(period - 1), str(period))
        latest = _latest_by_month(db.execute_sql(
                f'SELECT r.meter_id, r.period, r.date, r.total, r.day, r.night FROM "meter_reading" r '
                f'JOIN "meter" mt ON mt.id = r.meter_id JOIN "premises" p ON p.id = mt.premises_id '
                f'WHERE p.house_id IN ({marks}) AND (r.period IN ({m}, {m}) OR (r.period IS NULL AND r.date >= {m} '
                f'AND r.date < {m})) AND r.status IN {COUNTED} '
                f'AND NOT EXISTS (SELECT 1 FROM "meter_reading" x WHERE x.corrects_id = r.id) ORDER BY r.date, r.id',
                (*keys, *wanted, (period - 1).first_day.isoformat(), period.end.isoformat())), wanted)
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for mid, (serial, resource, pid, _zones) in sorted(meters.items(), key=lambda kv: kv[1][0]):
            text = _meter_text(serial, latest, mid, period, missing="не передано")
            if text is None:
                continue
            for aid in premises_accounts.get(pid, ()):
                out[aid][resource] = f"{out[aid][resource]}; {text}" if resource in out[aid] else text
        return out

    def payer(self, t: Target) -> Payer:
        info = self.accounts[t.account]
        if info["org"]:
            name, last, first, middle = info["org"], None, None, None
        else:
            last, first, middle = info["last"], info["first"], info["middle"]
            name = " ".join(x for x in (last, first, middle) if x)
        return Payer(account=t.number, name=name or "—", last_name=last, first_name=first, middle_name=middle,
                     address=info["address"], area=info["area"].replace(".", ","),
                     registered=self.registered.get(info["premises"], 0), house_id=info["house"],
                     entrance=info["entrance"], flat=info["flat"], els=info["els"], gis_id=info["gis_id"],
                     share=info["share"])


def _liable_now(db: pw.Database, accounts: set, day: str) -> dict[str, set[str]]:
    """Per account (by ``str`` of its stored key): who is liable for it on ``day`` (ISO) — the premises' owners then
    (persons), or, where no person owns it (municipal housing), the account's holder; a share's own account (a flat
    billed by shares, ЖК ст. 155 ч. 2, ст. 249 ГК), its holder — the share's owner. A court case names its debtors
    (the owners or the family of its months, ``bcenter.modules.collection``); a bill shows a case's costs only when
    one of them is among these: after a sale the buyer's bill does not tell the seller's court case (also before the
    account is re-registered to the buyer — its holder, the registry card's «Владелец счёта»)."""
    from bcenter.modules.passport.desk import key_text
    from db.queries import LIVE_OWNERSHIP

    m = param_mark(db)
    stored = {key_text(a): str(a) for a in accounts}  # a case's account key as its table stores it
    keys = list(stored)
    holder_of: dict[str, str] = {}
    owners: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        marks = ", ".join([m] * len(chunk))
        for account, holder, share, owner in db.execute_sql(
                f'SELECT a.id, a.holder_person_id, a.share, o.owner_person_id FROM "account" a LEFT JOIN "ownership" o '
                f'ON o.premises_id = a.premises_id AND o.owner_person_id IS NOT NULL AND o.valid_from <= {m} '
                f'AND (o.valid_to IS NULL OR o.valid_to > {m}) AND {LIVE_OWNERSHIP} WHERE a.id IN ({marks})',
                (day, day, *db_ids(chunk))):
            key = stored[key_text(account)]
            if holder is not None:
                holder_of[key] = key_text(holder)
            if owner is not None and share in (None, "", "1", "1/1"):  # a share's own account: its holder only
                owners[key].add(key_text(owner))
    return {a: owners.get(a) or {holder_of[a]} for a in set(owners) | set(holder_of)}

