"""An account's money position on a date: what is owed by period and service, and the penalties on it.

Charges come from the ledger (every line posted into a period is owed with that period's due date: the
month's charges, its recalculations and reductions), opening balances from migration, payments from the
payment facts. The engine applies payments (the named period first, then the oldest — ст. 319.1 ГК; within a
period in proportion to the bill — п. 118 ПП 354) and computes penalties (ч. 14, 14.1 ст. 155 ЖК РФ) with the
key rate, the caps of 2022–2026, the moratoria and the production calendar held in the database.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import peewee as pw

from bcenter.core.calendar import WorkCalendar
from bcenter.core.money import format_kop
from bcenter.core.period import Period
from bcenter.engine import payments as pay
from bcenter.engine.due import due_date
from bcenter.engine.penalties import Obligation, penalty_rows, penalty_total
from bcenter.engine.rates import RateTable
from db.dialect import param_mark


SYNTHETIC = ("credit-", "opening-")
"""Ids of the credits ``Finance.position`` makes of negative month nets and migrated advances (not money paid)."""


def _d(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class Position:
    """One account's charges and payments, ready for the engine."""

    account: str
    number: str
    charges: tuple[pay.Charge, ...]
    payments: tuple[pay.Payment, ...]


class Finance:
    """Reads what the position of accounts needs once (services, law tables, settings), then account by account."""

    def __init__(self, db: pw.Database):
        self.db = db
        self.mark = param_mark(db)
        self.settings = {k: json.loads(v) for k, v in db.execute_sql('SELECT key, value FROM "setting"')}
        self.services = {}
        for uid, ext, kind, supplier, rule in db.execute_sql(
                'SELECT id, ext_id, kind, supplier_id, penalty_rule FROM "service"'):
            rule = rule or ("capital_repair" if kind == "capital_repair" else "standard")
            self.services[str(uid)] = {"ext": ext, "kind": kind, "supplier": str(supplier), "rule": rule}
        self.suppliers = {str(uid): ext or str(uid) for uid, ext in db.execute_sql('SELECT id, ext_id FROM "supplier"')}
        self.by_ext = {v["ext"]: k for k, v in self.services.items()}
        self.calendar = self._calendar()
        self.rates = self._rates()
        self._due: dict[tuple[Period, str], date] = {}

    # --- law tables ---------------------------------------------------------------------------------
    def _calendar(self) -> WorkCalendar:
        non_working, working = set(), set()
        for day, is_working in self.db.execute_sql('SELECT day, working FROM "calendar_day"'):
            (working if is_working else non_working).add(_d(day))
        for day in self.settings.get("non_working_days") or ():
            non_working.add(_d(day))
            working.discard(_d(day))
        for day in self.settings.get("working_days") or ():
            working.add(_d(day))
            non_working.discard(_d(day))
        return WorkCalendar(non_working, working)

    def _rates(self) -> RateTable:
        key_rates = {}
        for start, rate, source in self.db.execute_sql(
                'SELECT valid_from, rate, source FROM "key_rate" ORDER BY valid_from, source'):
            key_rates[_d(start)] = str(rate)  # a document's row for the same day comes after the law's
        caps = [{"from": str(_d(a)), "to": str(_d(b)), "max_rate": str(m), "mode": mode}
                for a, b, m, mode in self.db.execute_sql(
                    'SELECT valid_from, valid_to, max_rate, mode FROM "penalty_rate_cap" ORDER BY valid_from')]
        for cap in self.settings.get("penalty_rate_caps") or ():
            caps = [c for c in caps if not (c["from"] < cap["to"] and cap["from"] < c["to"])]
            caps.append({"mode": "min", **cap})
        moratoria = [{"from": str(_d(a)), "to": str(_d(b)),
                      "applies_to": "all" if before is None else {"debts_before": str(_d(before))}}
                     for a, b, before in self.db.execute_sql(
                         'SELECT valid_from, valid_to, debts_before FROM "moratorium" ORDER BY valid_from')]
        return RateTable.from_tables(
            key_rates=[{"from": str(day), "rate": rate} for day, rate in sorted(key_rates.items())],
            caps=sorted(caps, key=lambda c: c["from"]), moratoria=moratoria)

    def due(self, period: Period, service: str) -> date:
        kind = "capital_repair" if self.services[service]["rule"] == "capital_repair" else "standard"
        key = (period, kind)
        if key not in self._due:
            self._due[key] = due_date(period, rule=str(self.settings.get("due_day_rule", "law")),
                                      calendar=self.calendar,
                                      shift=bool(self.settings.get("shift_due_to_working_day", True)), kind=kind)
        return self._due[key]

    # --- accounts -----------------------------------------------------------------------------------
    def account_numbers(self, number: str | None = None) -> list[tuple[str, str]]:
        if number is not None:
            rows = self.db.execute_sql(f'SELECT id, number FROM "account" WHERE number = {self.mark}', (number,))
        else:
            rows = self.db.execute_sql('SELECT id, number FROM "account" ORDER BY number')
        return [(str(a), n) for a, n in rows]

    def position(self, account: str, number: str, *, as_of: date) -> Position:
        m = self.mark
        owed: dict[tuple[Period, str, str], int] = defaultdict(int)
        credits: list[pay.Payment] = []
        for period, service, supplier, amount in self.db.execute_sql(
                f'SELECT period, service_id, supplier_id, SUM(amount) FROM "charge_line" WHERE account_id = {m} '
                f'GROUP BY period, service_id, supplier_id', (account,)):
            owed[(Period.parse(period), str(service), str(supplier))] += int(amount)
        for service, period, amount in self.db.execute_sql(
                f'SELECT service_id, period, amount FROM "opening_balance" WHERE account_id = {m}', (account,)):
            service, start = str(service), Period.parse(period)
            if amount > 0:  # a debt brought from the system we left: owed for the month before
                owed[(start - 1, service, self.services[service]["supplier"])] += int(amount)
            elif amount < 0:
                credits.append(pay.Payment(id=f"opening-{start}-{service}", day=start.first_day, amount=-int(amount)))
        charges = []
        for (period, service, supplier), amount in sorted(owed.items()):
            if period.first_day > as_of:
                continue
            if amount >= 0:
                charges.append(pay.Charge(period=period, service=service, supplier=supplier, amount=amount,
                                          due=self.due(period, service)))
            else:  # the month gave money back (a recalculation): a credit on its last day
                credits.append(pay.Payment(id=f"credit-{period}-{service}", day=period.last_day, amount=-amount))
        splits = defaultdict(dict)
        for payment, service, amount in self.db.execute_sql(
                f'SELECT s.payment_id, s.service_id, s.amount FROM "payment_service_split" s JOIN "payment" p '
                f'ON p.id = s.payment_id WHERE p.account_id = {m}', (account,)):
            splits[str(payment)][str(service)] = int(amount)
        payments = list(credits)
        for pid, amount, day, period in self.db.execute_sql(
                f'SELECT id, amount, paid_on, period FROM "payment" WHERE account_id = {m} AND amount > 0 '
                f'AND paid_on <= {m} ORDER BY paid_on, id', (account, as_of.isoformat())):
            payments.append(pay.Payment(id=str(pid), day=_d(day), amount=int(amount),
                                        period=Period.parse(period) if period else None,
                                        services=splits.get(str(pid))))
        return Position(account, number, tuple(charges), tuple(p for p in payments if p.day <= as_of))

    @staticmethod
    def advance(application: pay.Application) -> int:
        """Real money taken by no charge (аванс): the payments' unapplied remainders, not those of the synthetic
        credits (a month's negative net left unabsorbed already shows as a negative balance of its service)."""
        return sum(p.advance for p in application.payments if not p.payment_id.startswith(SYNTHETIC))

    def application(self, position: Position, *, as_of: date) -> pay.Application:
        return pay.apply_payments(position.charges, position.payments,
                                  policy=str(self.settings.get("payment_application", "specified_then_fifo")),
                                  as_of=as_of)

    # --- the two reports ----------------------------------------------------------------------------
    def debts(self, *, as_of: date, number: str | None = None) -> dict:
        accounts = []
        for account, num in self.account_numbers(number):
            position = self.position(account, num, as_of=as_of)
            lines = pay.debts(self.application(position, as_of=as_of), as_of=as_of)
            if not lines:
                continue
            accounts.append({"account": num, "total": format_kop(sum(ln.debt for ln in lines)), "periods": [
                {"period": str(ln.period), "service": self.services[ln.service]["ext"],
                 "supplier": self.suppliers[ln.supplier], "charged": format_kop(ln.charged),
                 "paid": format_kop(ln.paid), "debt": format_kop(ln.debt), "due": ln.due.isoformat()}
                for ln in lines]})
        return {"as_of": as_of.isoformat(), "accounts": accounts}

    def penalty_rows(self, position: Position, application: pay.Application, *, as_of: date) -> list:
        """Penalty intervals of an account as of a day (ч. 14, 14.1 ст. 155 ЖК РФ), per unpaid obligation."""
        rounding = str(self.settings.get("penalty_rounding", "per_interval"))
        repayments: dict[tuple[Period, str], list] = defaultdict(list)
        for r in pay.to_repayments(application, as_of=as_of):
            repayments[(r.period, r.service)].append(r)
        rows = []
        for charge in position.charges:
            rule = self.services[charge.service]["rule"]
            if rule == "none" or charge.amount == 0 or charge.due >= as_of:
                continue
            obligation = Obligation(period=charge.period, service=charge.service, amount=charge.amount,
                                    due=charge.due, kind="capital_repair" if rule == "capital_repair" else "standard")
            mine = repayments.get((charge.period, charge.service), [])
            if sum(r.amount for r in mine) >= charge.amount and all(r.day <= charge.due for r in mine):
                continue  # paid in full by the due date: no day of debt after it, no penalty
            rows += [r for r in penalty_rows(obligation, mine, rates=self.rates, as_of=as_of, rounding=rounding)
                     if r.amount]
        return rows

    def penalties(self, *, as_of: date, number: str | None = None) -> dict:
        accounts = []
        for account, num in self.account_numbers(number):
            position = self.position(account, num, as_of=as_of)
            rows = self.penalty_rows(position, self.application(position, as_of=as_of), as_of=as_of)
            if not rows:
                continue
            accounts.append({"account": num, "total": format_kop(penalty_total(rows)), "rows": [
                {"period": str(r.period), "service": self.services[r.service]["ext"] if r.service else None,
                 "from": r.start.isoformat(), "to": r.end.isoformat(), "days": r.days, "debt": format_kop(r.debt),
                 "rate": str(r.rate), "fraction": r.fraction, "amount": format_kop(r.amount)} for r in rows]})
        return {"as_of": as_of.isoformat(), "accounts": accounts}
