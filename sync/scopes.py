"""Scopes: which rows a site may push and pulls (ARCHITECTURE.md §5).

A site is enrolled with scopes — ``ref`` (reference data: services, suppliers, the town's tariffs and norms, the
calendar, users…; pull-only: ``writable``), ``finance`` (the bank lines no account matched: an office, the
centre), ``house:<code>`` (a house and everything in it: premises, accounts, residents, meters and their
readings, payments, the ledger of its accounts), ``route:<name>`` (a reader's route: its stops, their meters and
readings), ``cashdesk:<code>`` (a cash desk's shifts, their operations and payments); ``house:*`` is every house, ``*`` every
row (a centre replaying its outbox into a new server). A row belongs to the scopes its
keys lead to — found in the server's database, by the joins below, the same for a row pushed (checked after it is
written, inside the push's transaction, so a row and the rows it names arrive in one batch) and a row pulled.

A person belongs to every house where they hold an account, are registered or own a share. Tables nobody has placed
here raise ``Unplaced`` (a new table must say where it travels: ``tests/sync/test_scopes.py`` checks them all).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import peewee as pw

from db.dialect import db_id, marks, param_mark
from sync.rows import key_params, key_text

REF = "ref"
REF_TABLES = frozenset({
    "organization", "supplier", "bank_detail", "service", "increasing_coefficient", "key_rate", "penalty_rate_cap",
    "moratorium", "calendar_day", "setting", "billing_period", "bank_registry",
    "supplier_contract", "supplier_transfer", "site", "app_user", "user_role", "claim_kind", "debtor_filter"})
"""Tables every row of which is reference data (the scope ``ref``). ``bank_registry`` (a bank's file: agent, file
name, totals — no payer's data) stays here: every payment taken from a file names it, wherever the payment goes."""

FINANCE = "finance"
FINANCE_TABLES = frozenset({"suspense_payment"})
"""Tables of the scope ``finance`` (the office's and the centre's finance desk): the bank lines no account matched —
the payer's name and address as the bank wrote them (personal data), never on a cash desk or a reader's tablet."""

ALSO_REF = frozenset({"cash_shift"})
"""Tables in ``ref`` as well as their own scope: a shift is named by every payment taken in it, whichever house."""

_PREMISES = 'LEFT JOIN "premises" p ON p.id = t.premises_id'
_ACCOUNT = 'LEFT JOIN "account" a ON a.id = t.account_id LEFT JOIN "premises" p ON p.id = a.premises_id'
_METER = ('LEFT JOIN "meter" m ON m.id = t.meter_id LEFT JOIN "premises" p ON p.id = m.premises_id')
_CASE = ('LEFT JOIN "court_case" k ON k.id = t.case_id LEFT JOIN "account" a ON a.id = k.account_id '
         'LEFT JOIN "premises" p ON p.id = a.premises_id')
_SHIFT = 'LEFT JOIN "cash_shift" s ON s.id = t.shift_id'

HOUSE_OF: dict[str, tuple[str, str]] = {
    "house": ("", "t.id"),
    "premises": ("", "t.house_id"),
    "house_service": ("", "t.house_id"),
    "tariff": ("", "t.house_id"),  # none: the town's (ref)
    "norm": ("", "t.house_id"),
    "meter": (_PREMISES, "COALESCE(t.house_id, p.house_id)"),
    "quality_event": (_PREMISES, "COALESCE(t.house_id, p.house_id)"),
    "account": (_PREMISES, "p.house_id"),
    "registration": (_PREMISES, "p.house_id"),
    "ownership": (_PREMISES, "p.house_id"),
    "account_service": (_ACCOUNT, "p.house_id"),
    "payment": (_ACCOUNT, "p.house_id"),
    "cash_operation": (_ACCOUNT, "p.house_id"),
    "opening_balance": (_ACCOUNT, "p.house_id"),
    "payment_document": (_ACCOUNT, "p.house_id"),
    "journal_entry": (_ACCOUNT, "p.house_id"),  # none (a supplier's transfer): ref
    "claim": (_ACCOUNT, "COALESCE(t.house_id, p.house_id)"),
    "court_case": (_ACCOUNT, "p.house_id"),
    "court_case_line": (_CASE, "p.house_id"),
    "court_case_event": (_CASE, "p.house_id"),
    "court_recovery": (_CASE, "p.house_id"),
    "collection_document": (_ACCOUNT, "p.house_id"),
    "payment_service_split": ('LEFT JOIN "payment" y ON y.id = t.payment_id LEFT JOIN "account" a ON a.id = '
                              'y.account_id LEFT JOIN "premises" p ON p.id = a.premises_id', "p.house_id"),
    "meter_verification": (_METER, "COALESCE(m.house_id, p.house_id)"),
    "meter_event": (_METER, "COALESCE(m.house_id, p.house_id)"),
    "meter_reading": (_METER, "COALESCE(m.house_id, p.house_id)"),
    "house_reading": (_METER, "COALESCE(m.house_id, p.house_id)"),
    "route_stop": (_METER, "COALESCE(m.house_id, p.house_id)"),
    "passport_document": (_PREMISES, "COALESCE(t.house_id, p.house_id)"),
    "claim_event": ('LEFT JOIN "claim" c ON c.id = t.claim_id LEFT JOIN "account" a ON a.id = c.account_id '
                    'LEFT JOIN "premises" p ON p.id = COALESCE(c.premises_id, a.premises_id)',
                    "COALESCE(c.house_id, p.house_id)"),
}
"""Per table: the joins from its row ``t`` and the expression giving its house (NULL: reference data where the
table allows it — a town-wide tariff, a ledger entry of no account)."""

_PERSON_HOUSES = [  # (person column of t, the way to a house)
    ('JOIN "account" a ON a.holder_person_id = {p} JOIN "premises" p ON p.id = a.premises_id', "p.house_id"),
    ('JOIN "registration" r ON r.person_id = {p} JOIN "premises" p ON p.id = r.premises_id', "p.house_id"),
    ('JOIN "ownership" o ON o.owner_person_id = {p} JOIN "premises" p ON p.id = o.premises_id', "p.house_id"),
]
PERSON_OF = {"person": "t.id", "absence": "t.person_id"}

ROUTE_OF: dict[str, tuple[str, str]] = {
    "route": ("", "t.id"),
    "route_stop": ("", "t.route_id"),
    "meter": ('JOIN "route_stop" rs ON rs.meter_id = t.id', "rs.route_id"),
    "meter_reading": ('JOIN "route_stop" rs ON rs.meter_id = t.meter_id', "rs.route_id"),
    "meter_event": ('JOIN "route_stop" rs ON rs.meter_id = t.meter_id', "rs.route_id"),
    "meter_verification": ('JOIN "route_stop" rs ON rs.meter_id = t.meter_id', "rs.route_id"),
}
CASHDESK_OF: dict[str, tuple[str, str]] = {
    "cash_shift": ("", "t.site_code"),
    "cash_operation": (_SHIFT, "s.site_code"),
    "payment": (_SHIFT, "s.site_code"),
}
PLACED = REF_TABLES | FINANCE_TABLES | set(HOUSE_OF) | set(PERSON_OF) | set(ROUTE_OF) | set(CASHDESK_OF)


ALL_HOUSES = "house:*"
"""Every house: a settlement centre's office, a cash desk taking payments for the whole town."""


EVERYTHING = "*"
"""Every row: a centre replaying its outbox into a new server, a second centre."""


def in_scope(row_scopes: set[str], allowed: set[str]) -> bool:
    """Whether a row of these scopes is in one of the ``allowed`` (resolved) scopes."""
    if EVERYTHING in allowed or row_scopes & allowed:
        return True
    return ALL_HOUSES in allowed and any(s.startswith("house:") for s in row_scopes)


def writable(table: str, row_id: str, row_scopes: set[str], allowed: set[str], *, site_id: str, code: str) -> bool:
    """Whether a site may write (push) a row of these scopes. ``ref`` is pull-only for sites: reference data, users
    and roles are written at the centre — a row of ``ref`` is writable through another scope of the site's only
    (a payment's house, a shift's cash desk), or when it is the site's own (``REF_WRITABLE``). A site of ``*`` (a
    centre replaying its outbox) writes everything."""
    if EVERYTHING in allowed:
        return True
    if in_scope(row_scopes - {REF}, allowed - {REF}):
        return True
    if table == "site":
        return row_id == site_id  # its own site row (``sync.adopt`` writes it as the site's first unit)
    if table == "cash_shift":
        return f"cashdesk:{code}" in row_scopes  # a shift of its own desk, whatever its scopes
    if table in OFFICE_WRITABLE:
        return bool(allowed & {FINANCE, ALL_HOUSES})  # an office's work: a bank file, claim kinds, a debtors' list
    return False


REF_WRITABLE = frozenset({"site", "cash_shift"})
"""The tables of ``ref`` a site writes rows of: its own ``site`` row, its own desk's shifts (``writable``)."""

OFFICE_WRITABLE = frozenset({"bank_registry", "claim_kind", "debtor_filter", "supplier_transfer", "supplier_contract",
                             "journal_entry"})
"""Tables of ``ref`` an office (a site of ``finance`` or ``house:*``) writes in its daily work: a bank's file loaded
at the office (every payment of the file names it — refused, it parked the file's payments), the claim kinds and
deadlines, a saved debtors' list, a transfer to a supplier and its entry of no account, a supplier's contract. Users,
roles, settings, tariffs and the calendar stay the centre's."""


class Unplaced(Exception):
    """A table no scope places (a new table must be placed before it travels)."""


class UnknownScope(Exception):
    """A scope naming a house or route the server does not have."""


_text = key_text


def _pairs(db: pw.Database, sql: str, ids: list[str]) -> Iterable[tuple[str, object]]:
    """(row id as text, value) for the rows of these ids; keys bound and read without ``uuid.UUID`` (the feed asks
    this for every row it ships)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for rid, value in db.execute_sql(sql.format(ids=marks(db, len(chunk))), key_params(db, chunk)).fetchall():
            yield key_text(rid), value


def scopes_of(db: pw.Database, table: str, ids: Iterable[str]) -> dict[str, set[str]]:
    """The scopes each row of ``table`` with these ids belongs to, as ``ref``, ``house:<uuid>``, ``route:<uuid>``,
    ``cashdesk:<code>`` (rows not found are left out)."""
    if table not in PLACED:
        raise Unplaced(table)
    ids = [str(i) for i in ids]
    out: dict[str, set[str]] = defaultdict(set)
    if table in REF_TABLES:
        return {i: {REF} for i in ids}
    if table in FINANCE_TABLES:
        return {i: {FINANCE} for i in ids}
    if table in ALSO_REF:
        for i in ids:
            out[i].add(REF)
    if table in HOUSE_OF:
        joins, house = HOUSE_OF[table]
        named: dict = {}  # the few houses, spelled once
        for rid, hid in _pairs(db, f'SELECT t.id, {house} FROM "{table}" t {joins} WHERE t.id IN ({{ids}})', ids):
            scope = named.get(hid)
            if scope is None:
                scope = named[hid] = REF if hid is None else f"house:{_text(hid)}"
            out[rid].add(scope)
    if table in PERSON_OF:
        person = PERSON_OF[table]
        for joins, house in _PERSON_HOUSES:
            sql = f'SELECT t.id, {house} FROM "{table}" t {joins.format(p=person)} WHERE t.id IN ({{ids}})'
            for rid, hid in _pairs(db, sql, ids):
                out[rid].add(f"house:{_text(hid)}")
    for kind, paths in (("route", ROUTE_OF), ("cashdesk", CASHDESK_OF)):
        if table in paths:
            joins, key = paths[table]
            for rid, value in _pairs(db, f'SELECT t.id, {key} FROM "{table}" t {joins} WHERE t.id IN ({{ids}})', ids):
                if value is not None:
                    out[rid].add(f"{kind}:{_text(value)}")
    return dict(out)


def enrolled(db: pw.Database, site_id: str) -> list[str]:
    """The scopes an active enrolled site may push into and pull (``Refused`` 403 for a site not enrolled)."""
    from sync.errors import Refused

    m = param_mark(db)
    row = db.execute_sql(f'SELECT scopes FROM "sync_site" WHERE site_id = {m} AND active = {m}',
                         (db_id(site_id), True)).fetchone()
    if row is None:
        raise Refused(403, {"error": "not_enrolled", "site_id": site_id})
    return implied([s for s in row[0].split(",") if s])


def implied(scopes: list[str]) -> list[str]:
    """A site's scopes with what they imply: every house (``house:*``) without a cash desk — an office of the whole
    town — holds the finance desk's queue too (``finance``): such sites enrolled before that scope existed had it
    through ``ref``. A cash desk does not (the payers' names of the bank lines stay off the kiosk); an office of
    single houses gets it with ``bcenter server scopes КОД --add finance``."""
    office = ALL_HOUSES in scopes and not any(s.startswith("cashdesk:") for s in scopes)
    return scopes + [FINANCE] if office and FINANCE not in scopes else scopes


def resolve(db: pw.Database, scopes: Iterable[str]) -> set[str]:
    """A site's scopes as ``scopes_of`` names them: ``house:<code>`` by the house's code (or id), ``route:<name>``
    by the route's name (or id) — with the houses of its stops: the reader's tablet shows addresses and holds the
    meters' premises. Raises UnknownScope for a house or route the server does not have."""
    m = param_mark(db)
    out = set()
    for scope in scopes:
        kind, _, value = scope.partition(":")
        if kind in (REF, FINANCE, "cashdesk", EVERYTHING) or scope == ALL_HOUSES:
            out.add(scope)
            continue
        table, column = ("house", "ext_id") if kind == "house" else ("route", "name")
        try:
            key = db_id(value)
            found = db.execute_sql(f'SELECT id FROM "{table}" WHERE id = {m}', (key,)).fetchall()
        except ValueError:
            found = []
        found = found or db.execute_sql(f'SELECT id FROM "{table}" WHERE {column} = {m}', (value,)).fetchall()
        if not found:
            raise UnknownScope(scope)
        out.update(f"{kind}:{_text(rid)}" for (rid,) in found)
        if kind == "route":  # a reader's tablet needs the houses of its stops (addresses, meters' premises)
            for (rid,) in found:
                out.update(f"house:{_text(h)}" for (h,) in db.execute_sql(
                    'SELECT DISTINCT COALESCE(m.house_id, p.house_id) FROM "route_stop" rs JOIN "meter" m ON '
                    f'm.id = rs.meter_id LEFT JOIN "premises" p ON p.id = m.premises_id WHERE rs.route_id = {m}',
                    (rid,)))
    return out


__all__ = ["ALL_HOUSES", "EVERYTHING", "FINANCE", "FINANCE_TABLES", "HOUSE_OF", "enrolled", "in_scope", "PLACED",
           "REF", "REF_TABLES",
           "REF_WRITABLE", "UnknownScope", "Unplaced", "resolve", "scopes_of", "writable"]
