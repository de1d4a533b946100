"""What was charged, read back from the ledger: the ``charges --json`` lines and ``explain``.

Lines come from ``charge_line`` rows posted into a period, so a reprint of a closed period is identical.
Accounts are shown by their number, services by the id they were imported with (EXCHANGE.md).
"""
from __future__ import annotations

import json
from collections import defaultdict

import peewee as pw

from bcenter.core.errors import NotFound
from bcenter.core.money import format_kop
from bcenter.core.period import Period
from db.dialect import param_mark

KIND_TOTALS = ("charge", "common_property", "recalc", "quality", "absence", "benefit")
METHOD_RU = {"meter": "по показаниям прибора учёта", "norm": "по нормативу", "norm_k": "по нормативу с повышающим "
             "коэффициентом", "average": "по среднемесячному объёму", "house_meter_share": "по общедомовому прибору "
             "пропорционально площади", "area": "по площади", "person": "по числу проживающих",
             "premises": "на помещение", "fixed": "фиксированная сумма"}
KIND_RU = {"charge": "начисление", "common_property": "КР на СОИ", "recalc": "перерасчёт",
           "quality": "снижение за качество", "absence": "временное отсутствие", "benefit": "льгота"}


def _mark(db) -> str:
    return param_mark(db)


def account_id(db: pw.Database, number: str) -> str:
    row = db.execute_sql(f'SELECT id FROM "account" WHERE number = {_mark(db)}', (number,)).fetchone()
    if row is None:
        raise NotFound(what="лицевой счёт", key=number)
    return str(row[0])


def charge_lines(db: pw.Database, period: Period, *, account: str | None = None) -> dict:
    """``{"period", "lines": [...], "totals": {...}}`` as EXCHANGE.md fixes it."""
    mark = _mark(db)
    where, params = f"c.period = {mark}", [str(period)]
    if account is not None:
        where += f" AND c.account_id = {mark}"
        params.append(account_id(db, account))
    rows = db.execute_sql(
        'SELECT a.number, COALESCE(s.ext_id, CAST(s.id AS TEXT)), c.kind, c.method, c.volume, c.tariff, c.coefficient, '
        'c.amount, c.corrects_period, c.reason, c.excess FROM "charge_line" c JOIN "account" a ON a.id = c.account_id '
        f'JOIN "service" s ON s.id = c.service_id WHERE {where} ORDER BY a.number, s.sort_order, c.id', tuple(params))
    lines, totals = [], defaultdict(int)
    for number, service, kind, method, volume, tariff, coefficient, amount, corrects, reason, excess in rows:
        lines.append({"account": number, "service": service, "kind": kind, "method": method, "volume": volume,
                      "tariff": tariff, "coefficient": coefficient, "amount": format_kop(amount),
                      "corrects_period": corrects, "reason": reason})
        totals[kind] += amount
    return {"period": str(period), "lines": lines,
            "totals": {k: format_kop(totals.get(k, 0)) for k in ("charge", "common_property", "recalc", "quality",
                                                                  "absence")}}


def explain(db: pw.Database, *, account: str, period: Period) -> list[str]:
    """Each line of an account's month with its formula, inputs and legal basis, in Russian."""
    mark = _mark(db)
    aid = account_id(db, account)
    rows = db.execute_sql(
        'SELECT s.name, c.kind, c.method, c.amount, c.corrects_period, c.reason, c.derivation, c.excess '
        'FROM "charge_line" c JOIN "service" s ON s.id = c.service_id '
        f'WHERE c.account_id = {mark} AND c.period = {mark} ORDER BY s.sort_order, c.id', (aid, str(period)))
    out = [f"Лицевой счёт {account}, {period.label_ru}"]
    total = 0
    for name, kind, method, amount, corrects, reason, derivation, excess in rows:
        d = json.loads(derivation) if derivation else {}
        head = f"{name} — {KIND_RU.get(kind, kind)}"
        if method:
            head += f", {METHOD_RU.get(method, method)}"
        out.append(f"{head}: {format_kop(amount)} руб.")
        if kind == "recalc":
            out.append(f"    {reason}")
        if d.get("formula"):
            out.append(f"    {d['formula']}")
        if d.get("inputs"):
            out.append("    исходные данные: " + ", ".join(f"{k} = {v}" for k, v in d["inputs"].items()))
        if d.get("basis"):
            out.append(f"    основание: {d['basis']}")
        if excess:
            out.append(f"    превышение из-за повышающего коэффициента: {format_kop(excess)} руб.")
        total += amount
    if len(out) == 1:
        out.append("Начислений за период нет.")
    else:
        out.append(f"Итого за {period.label_ru}: {format_kop(total)} руб.")
    return out
