"""What the ``bcenter`` command prints: the ``--json`` shapes (a public contract, EXCHANGE.md) and the lines for
people. Everything here formats typed results of ``bcenter.app``; nothing reads a database or computes a rule."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import orjson

from bcenter.core.dates import format_date_ru
from bcenter.core.money import format_amount_ru, format_kop, format_rub_ru
from bcenter.core.quantity import canonical, format_decimal_ru
from bcenter.core.vocabulary import LINE_KIND_NAMES, METHOD_NAMES

BALANCE_COLUMNS = ("opening", "charged", "recalculated", "paid", "penalties", "closing", "quality", "benefits")
"""The order of the ``balances --json`` fields (EXCHANGE.md lists the first six)."""


_PLAIN = {str, int, bool, type(None)}


def _plain(data) -> bool:
    """Whether ``data`` holds only strings, integers, booleans, None, lists, tuples and dicts with string keys — what
    orjson prints exactly as the standard library does (a float it formats otherwise — «1e-5», NaN as null —, and a
    date, a UUID or a dataclass it prints where ``json.dumps`` refuses them)."""
    stack = [data]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _PLAIN:
            continue
        if kind is dict:
            if any(type(k) is not str for k in item):
                return False
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return False
    return True


def dumps(data) -> str:
    """``data`` as ``json.dumps(data, ensure_ascii=False, indent=2)`` writes it, byte for byte — by orjson, which
    is ~25× quicker (the standard library has no C encoder for an indented document: ``charges --json`` of a town
    spent more time in the encoder than in the query), when ``data`` holds only the plain values both print alike
    (``_plain``); anything else — and an integer beyond 64 bits — goes to the standard library, which prints it or
    refuses it as it always did."""
    if _plain(data):
        try:
            return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
        except TypeError:  # an integer beyond 64 bits, a lone surrogate, nesting deeper than orjson's 255 levels
            pass
    return json.dumps(data, ensure_ascii=False, indent=2)


def _q(value: Decimal | None) -> str | None:
    return None if value is None else canonical(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


# --- charges, explain ------------------------------------------------------------------------------------
def charges_json(statement) -> dict:
    return {"period": str(statement.period), "lines": [
        {"account": ln.account, "service": ln.service, "kind": ln.kind, "method": ln.method,
         "volume": _q(ln.volume), "tariff": _q(ln.tariff), "coefficient": _q(ln.coefficient),
         "amount": format_kop(ln.amount),
         "corrects_period": None if ln.corrects_period is None else str(ln.corrects_period), "reason": ln.reason}
        for ln in statement.lines], "totals": {k: format_kop(v) for k, v in statement.totals.items()}}


def charges_text(statement) -> list[str]:
    out = []
    for ln in statement.lines:
        out.append(f"{ln.account}  {ln.service:<16} {ln.kind:<15} {ln.method or '':<18} {_q(ln.volume) or '':>12} "
                   f"{_q(ln.tariff) or '':>10} {format_kop(ln.amount):>12}" + (f"  ({ln.reason})" if ln.reason else ""))
    if not statement.lines and statement.note:
        return [f"{statement.note}."]
    out.append("Итого: " + ", ".join(f"{k} {format_kop(v)}" for k, v in statement.totals.items()))
    return out


def explain_text(explanation) -> list[str]:
    out = [f"Лицевой счёт {explanation.account}, {explanation.period.label_ru}"]
    for ln in explanation.lines:
        head = f"{ln.service} — {LINE_KIND_NAMES.get(ln.kind, ln.kind)}"
        if ln.method:
            head += f", {METHOD_NAMES.get(ln.method, ln.method)}"
        out.append(f"{head}: {format_rub_ru(ln.amount)}")
        if ln.kind == "recalc":
            out.append(f"    {ln.reason}")
        if ln.formula:
            out.append(f"    {ln.formula}")
        if ln.inputs:
            out.append("    исходные данные: " + ", ".join(f"{k} = {v}" for k, v in ln.inputs.items()))
        if ln.basis:
            out.append(f"    основание: {ln.basis}")
        if ln.excess:
            out.append(f"    превышение из-за повышающего коэффициента: {format_rub_ru(ln.excess)}")
    if not explanation.lines:
        out.append("Начислений за период нет.")
    else:
        out.append(f"Итого за {explanation.period.label_ru}: {format_rub_ru(explanation.total)}")
    return out


# --- balances, debts, penalties ----------------------------------------------------------------------------
def balances_json(report) -> dict:
    return {"period": str(report.period), "closed": report.closed, "accounts": [
        {"account": r.account, "service": r.service, "supplier": r.supplier,
         **{f: format_kop(getattr(r, f)) for f in BALANCE_COLUMNS}} for r in report.rows]}


def balances_text(report) -> list[str]:
    rub = format_amount_ru
    return [f"{r.account} {r.service:<16} вх. {rub(r.opening):>10} нач. {rub(r.charged):>10} "
            f"перерасч. {rub(r.recalculated):>9} опл. {rub(r.paid):>10} исх. {rub(r.closing):>10}"
            for r in report.rows] or _empty(report)


def _empty(report) -> list[str]:
    """A report with nothing to show says why (its use case's ``note``), not nothing."""
    return [f"{report.note}."] if report.note else []


def debts_json(report) -> dict:
    return {"as_of": report.as_of.isoformat(), "accounts": [
        {"account": a.account, "total": format_kop(a.total), "periods": [
            {"period": str(p.period), "service": p.service, "supplier": p.supplier, "charged": format_kop(p.charged),
             "paid": format_kop(p.paid), "debt": format_kop(p.debt), "due": p.due.isoformat()} for p in a.periods]}
        for a in report.accounts]}


def debts_text(report) -> list[str]:
    out = []
    for a in report.accounts:
        out.append(f"{a.account}: долг {format_rub_ru(a.total)}")
        for p in a.periods:
            out.append(f"  {p.period} {p.service:<16} начислено {format_amount_ru(p.charged):>10} оплачено "
                       f"{format_amount_ru(p.paid):>10} долг {format_amount_ru(p.debt):>10} "
                       f"срок {format_date_ru(p.due)}")
    return out or _empty(report)


def penalties_json(report) -> dict:
    return {"as_of": report.as_of.isoformat(), "accounts": [
        {"account": a.account, "total": format_kop(a.total), "paid": format_kop(a.paid),
         "unpaid": format_kop(a.total - a.paid), "rows": [
            {"period": str(r.period), "service": r.service, "from": r.start.isoformat(), "to": r.end.isoformat(),
             "days": r.days, "debt": format_kop(r.debt), "rate": str(r.rate), "fraction": r.fraction,
             "amount": format_kop(r.amount)} for r in a.rows]}
        for a in report.accounts]}


def penalties_text(report) -> list[str]:
    out = []
    for a in report.accounts:
        paid = f", оплачено {format_rub_ru(a.paid)}, к оплате {format_rub_ru(a.total - a.paid)}" if a.paid else ""
        out.append(f"{a.account}: пени {format_rub_ru(a.total)}{paid}")
        for r in a.rows:
            out.append(f"  {r.period} {r.service or '':<16} {format_date_ru(r.start)}–{format_date_ru(r.end)} "
                       f"{r.days:>4} дн. долг {format_amount_ru(r.debt):>10} × {format_decimal_ru(r.rate)} % × "
                       f"{r.fraction} = {format_rub_ru(r.amount)}")
    return out or _empty(report)


# --- calc, info, search ------------------------------------------------------------------------------------
def calc_json(result) -> dict:
    return {"period": str(result.period), "houses_ok": result.houses_ok, "houses_failed": len(result.failed),
            "lines": dict(result.posted), "amounts": {k: format_kop(v) for k, v in result.amounts.items()},
            "recalculated_periods": sorted(result.recalculated_periods),
            "failed": [{"house": h, "gaps": list(g)} for h, g in result.failed]}


def info_json(info) -> dict:
    return {"database": info.database, "schema_version": info.schema_version, "site_code": info.site_code,
            "counts": dict(info.counts), "periods": {k: [_day(a), _day(b)] for k, (a, b) in info.periods.items()},
            "billing_periods": dict(info.billing_periods), "payments_total_kop": info.payments_total_kop,
            "towns": [{"city": t.city, "houses": t.houses} for t in info.towns], "size_bytes": info.size_bytes}


def search_json(found) -> list[dict]:
    return [{"account_id": a.account_id, "number": a.number, "address": a.address, "names": a.names} for a in found]
