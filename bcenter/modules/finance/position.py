"""An account's money position on a date: what is owed by period and service, and the penalties on it.

Charges come from the ledger (every line posted into a period is owed with that period's due date: the
month's charges, its recalculations and reductions), opening balances from migration, payments from the
payment facts. The engine applies payments (the named period first, then the oldest — ст. 319.1 ГК; within a
period in proportion to the bill — п. 118 ПП 354) and computes penalties (ч. 14, 14.1 ст. 155 ЖК РФ) with the
key rate, the caps of 2022–2026, the moratoria and the production calendar held in the database.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.calendar import WorkCalendar
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine import position as engine_position
from bcenter.engine.due import due_date
from bcenter.engine.penalties import PenaltyRow
from bcenter.engine.rates import RateTable
from db.dialect import db_date, db_id, param_mark
from db.queries import account_numbers, in_houses, live_payment, load_settings


@dataclass(frozen=True)
class Position:
    """One account's charges and payments, ready for the engine."""

    account: str
    number: str
    charges: tuple[pay.Charge, ...]
    payments: tuple[pay.Payment, ...]
    penalties: tuple[pay.PenaltyBilled, ...] = ()
    """The penalties closes posted (billed) per month, service and supplier — what payments pay after charges."""


NO_FACTS = ((0, 0, 0, 0), (0, 0, 0, 0), False)
"""``Finance.facts`` of an account without payments and opening balances (it leaves such accounts out)."""


class Finance:
    """Reads what the position of accounts needs once (services, law tables, settings), then account by account."""

    def __init__(self, db: pw.Database):
        self.db = db
        self.mark = param_mark(db)
        self.settings = load_settings(db)
        self.services = {}
        for uid, ext, kind, supplier, rule in db.execute_sql(
                'SELECT id, ext_id, kind, supplier_id, penalty_rule FROM "service"'):
            rule = rule or ("capital_repair" if kind == "capital_repair" else "standard")
            self.services[str(uid)] = {"ext": ext, "kind": kind, "supplier": str(supplier), "rule": rule}
        self.rules = {uid: svc["rule"] for uid, svc in self.services.items()}
        self.suppliers = {str(uid): ext or str(uid) for uid, ext in db.execute_sql('SELECT id, ext_id FROM "supplier"')}
        self.by_ext = {v["ext"]: k for k, v in self.services.items()}
        self.calendar = self._calendar()
        self.rates = self._rates()
        self._due: dict[tuple[Period, str], date] = {}
        self._billed_rows: dict[str, list[pay.PenaltyBilled]] | None = None
        self.basis = hashlib.sha256(repr((
            self.settings, self.rates, sorted(self.rules.items()), sorted(self._non_working), sorted(self._working),
        )).encode()).hexdigest()[:16]
        """A fingerprint of what due dates, rates, rules and the order of application come from: a carry computed
        with another (``bcenter.engine.carry``) is not continued. Not the services' suppliers: a line names its own,
        an opening balance too (schema step 36) — a service moved to another supplier changes no old obligation."""

    # --- law tables ---------------------------------------------------------------------------------
    def _calendar(self) -> WorkCalendar:
        non_working, working = set(), set()
        for day, is_working in self.db.execute_sql('SELECT day, working FROM "calendar_day"'):
            (working if is_working else non_working).add(db_date(day))
        for day in self.settings.non_working_days:
            non_working.add(day)
            working.discard(day)
        for day in self.settings.working_days:
            working.add(day)
            non_working.discard(day)
        self._non_working, self._working = non_working, working
        return WorkCalendar(non_working, working)

    def _rates(self) -> RateTable:
        key_rates = {}
        for start, rate in self.db.execute_sql(
                'SELECT valid_from, rate FROM "key_rate" ORDER BY valid_from, CASE WHEN source = \'law\' THEN 0 ELSE 1 END'):
            key_rates[db_date(start)] = str(rate)  # a document's row for the same day comes after the law's and wins
        caps = [{"from": str(db_date(a)), "to": str(db_date(b)), "max_rate": str(m), "mode": mode}
                for a, b, m, mode in self.db.execute_sql(
                    'SELECT valid_from, valid_to, max_rate, mode FROM "penalty_rate_cap" ORDER BY valid_from')]
        for cap in self.settings.penalty_rate_caps:  # a setting's cap wins on its days: the others clipped around
            start, end = cap.start.isoformat(), cap.end.isoformat()  # it, as ``RateTable.overridden_by`` does (they
            clipped = []  # were dropped whole: a cap to 2028 wiped out the law's 9.5 % of 2025–2026)
            for c in caps:
                if not (c["from"] < end and start < c["to"]):
                    clipped.append(c)
                    continue
                if c["from"] < start:
                    clipped.append({**c, "to": start})
                if end < c["to"]:
                    clipped.append({**c, "from": end})
            caps = [*clipped, {"mode": "min", "from": start, "to": end, "max_rate": cap.max_rate}]
        moratoria = [{"from": str(db_date(a)), "to": str(db_date(b)),
                      "applies_to": "all" if before is None else {"debts_before": str(db_date(before))}}
                     for a, b, before in self.db.execute_sql(
                         'SELECT valid_from, valid_to, debts_before FROM "moratorium" ORDER BY valid_from')]
        return RateTable.from_tables(
            key_rates=[{"from": str(day), "rate": rate} for day, rate in sorted(key_rates.items())],
            caps=sorted(caps, key=lambda c: c["from"]), moratoria=moratoria)

    def due(self, period: Period, service: str) -> date:
        kind = "capital_repair" if self.services[service]["rule"] == "capital_repair" else "standard"
        key = (period, kind)
        if key not in self._due:
            self._due[key] = due_date(period, rule=self.settings.due_day_rule, calendar=self.calendar,
                                      shift=self.settings.shift_due_to_working_day, kind=kind)
        return self._due[key]

    # --- accounts -----------------------------------------------------------------------------------
    def _billed(self) -> dict[str, list[pay.PenaltyBilled]]:
        """The penalties closes posted, per account: read once for all (postings are read by ledger account and
        period, not by account — ``db/migrations`` step 13 — and a report walks every account)."""
        if self._billed_rows is None:
            rows: dict[str, list[pay.PenaltyBilled]] = defaultdict(list)
            for account, period, service, supplier, amount in self.db.execute_sql(
                    'SELECT account_id, period, service_id, supplier_id, SUM(amount) FROM "posting" '
                    'WHERE ledger_account = \'penalties\' GROUP BY account_id, period, service_id, supplier_id'):
                rows[str(account)].append(pay.PenaltyBilled(Period.parse(period), str(service), str(supplier),
                                                            int(amount)))
            self._billed_rows = rows
        return self._billed_rows

    def account_numbers(self, number: str | None = None) -> list[tuple[str, str]]:
        return account_numbers(self.db, number)

    def position(self, account: str, number: str, *, as_of: date) -> Position:
        m = self.mark
        owed: dict[tuple[Period, str, str], int] = defaultdict(int)
        for period, service, supplier, amount in self.db.execute_sql(
                f'SELECT e.period, c.service_id, c.supplier_id, SUM(c.amount) FROM "journal_entry" e '
                f'JOIN "charge_line" c ON c.entry_id = e.id WHERE e.account_id = {m} '
                f'GROUP BY e.period, c.service_id, c.supplier_id', (db_id(account),)):
            owed[(Period.parse(period), str(service), str(supplier))] += int(amount)
        openings = [(Period.parse(period), str(service), str(supplier), int(amount))
                    for service, supplier, period, amount in self.db.execute_sql(
                        f'SELECT service_id, supplier_id, period, amount FROM "opening_balance" WHERE account_id = {m}',
                        (db_id(account),))]
        charges, credits = engine_position.obligations(owed, openings, due=self.due, as_of=as_of,
                                                       credits=self.settings.credit_application)
        splits = defaultdict(dict)
        for payment, service, amount in self.db.execute_sql(
                f'SELECT s.payment_id, s.service_id, s.amount FROM "payment_service_split" s JOIN "payment" p '
                f'ON p.id = s.payment_id WHERE p.account_id = {m}', (db_id(account),)):
            splits[str(payment)][str(service)] = int(amount)
        payments = list(credits)
        for pid, amount, day, period in self.db.execute_sql(
                f'SELECT id, amount, paid_on, period FROM "payment" WHERE account_id = {m} AND {live_payment()} '
                f'AND paid_on <= {m} ORDER BY paid_on, id', (db_id(account), as_of.isoformat())):
            payments.append(pay.Payment(id=str(pid), day=db_date(day), amount=int(amount),
                                        period=Period.parse(period) if period else None,
                                        services=splits.get(str(pid))))
        month = Period.of(as_of)
        billed = tuple(row for row in self._billed().get(str(account), ()) if row.period < month)
        return Position(account, number, tuple(charges), tuple(p for p in payments if p.day <= as_of), billed)

    def month_payments(self, period: Period, houses: Sequence[str] | None = None) -> dict[str, list[pay.Payment]]:
        """The payments of every account (of the ``houses``, when given) dated in the period, by account, in the
        order ``position`` reads them."""
        m = self.mark
        bounds = (period.first_day.isoformat(), period.last_day.isoformat())
        scope, scope_params = in_houses(self.db, houses)
        paid_scope, _ = in_houses(self.db, houses, "p.account_id")
        splits: dict[str, dict[str, int]] = defaultdict(dict)
        for payment, service, amount in self.db.execute_sql(
                f'SELECT s.payment_id, s.service_id, s.amount FROM "payment_service_split" s JOIN "payment" p '
                f'ON p.id = s.payment_id WHERE p.paid_on >= {m} AND p.paid_on <= {m}{paid_scope}',
                (*bounds, *scope_params)):
            splits[str(payment)][str(service)] = int(amount)
        out: dict[str, list[pay.Payment]] = defaultdict(list)
        for pid, account, amount, day, named in self.db.execute_sql(
                f'SELECT id, account_id, amount, paid_on, period FROM "payment" WHERE paid_on >= {m} AND paid_on <= {m} '
                f'AND {live_payment()}{scope} ORDER BY paid_on, id', (*bounds, *scope_params)):
            out[str(account)].append(pay.Payment(id=str(pid), day=db_date(day), amount=int(amount),
                                                 period=Period.parse(named) if named else None,
                                                 services=splits.get(str(pid))))
        return out

    def facts(self, period: Period, scope: str = "", scope_params: Sequence = ()
              ) -> dict[str, tuple[tuple[int, int, int, int], tuple[int, int, int, int], bool]]:
        """Per account: the (count, kopecks) of its payments and opening balances up to the month before ``period``
        and up to ``period`` itself, and whether a payment or an opening balance up to ``period`` is of a later
        month — what ``bcenter.engine.carry`` checks a carry against and stores with it. Every payment counts, a
        reversal too: any fact dated into a closed month since its close changes the figures."""
        m = self.mark
        before = (period - 1).last_day.isoformat()
        payments: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for account, old, count, total, ahead in self.db.execute_sql(
                f'SELECT account_id, CASE WHEN paid_on <= {m} THEN 1 ELSE 0 END, COUNT(*), SUM(amount), '
                f'SUM(CASE WHEN period > {m} THEN 1 ELSE 0 END) FROM "payment" WHERE paid_on <= {m}{scope} '
                f'GROUP BY 1, 2', (before, str(period), period.last_day.isoformat(), *scope_params)):
            row = payments[str(account)]
            if old:
                row[0] += int(count)
                row[1] += int(total)
            row[2] += int(count)
            row[3] += int(total)
            row[4] += int(ahead)
        openings: dict[str, tuple[int, int, str]] = {}
        for account, count, total, last in self.db.execute_sql(
                f'SELECT account_id, COUNT(*), SUM(amount), MAX(period) FROM "opening_balance" WHERE 1 = 1{scope} '
                f'GROUP BY account_id', tuple(scope_params)):
            openings[str(account)] = (int(count), int(total), str(last))
        out = {}  # an account with neither: NO_FACTS
        for account in set(payments) | set(openings):
            p = payments.get(account, (0, 0, 0, 0, 0))
            o = openings.get(account, (0, 0, ""))
            out[account] = ((p[0], p[1], o[0], o[1]), (p[2], p[3], o[0], o[1]), bool(p[4]) or o[2] > str(period))
        return out

    @staticmethod
    def advance(application: pay.Application) -> int:
        """Real money taken by no charge (аванс) — ``bcenter.engine.position.advance``."""
        return engine_position.advance(application)

    def application(self, position: Position, *, as_of: date) -> pay.Application:
        return pay.apply_payments(position.charges, position.payments, policy=self.settings.payment_application,
                                  as_of=as_of, penalties=position.penalties,
                                  penalty_policy=self.settings.penalty_application)

    def penalty_rows(self, position: Position, application: pay.Application, *, as_of: date) -> list[PenaltyRow]:
        """Penalty intervals of an account as of a day (ч. 14, 14.1 ст. 155 ЖК РФ), per unpaid obligation."""
        return engine_position.penalty_rows(position.charges, application, rules=self.rules, rates=self.rates,
                                            as_of=as_of, rounding=self.settings.penalty_rounding)
