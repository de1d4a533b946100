"""What debt collection reads about accounts: their payer, address, house, co-owners and residents, and the open
cases — one query each for many accounts."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction

import peewee as pw

from bcenter.core.period import Period
from bcenter.core.errors import ConfigError
from bcenter.engine.collection import Pause, years_after
from bcenter.modules.passport.desk import key_text
from db.dialect import db_date, db_id, is_postgres, param_mark
from db.queries import LIVE_OWNERSHIP, LIVE_REGISTRATION
from db.sealing import keyring
from db.search import format_address

OPEN_STAGES = ("court_order", "order_issued", "order_cancelled", "claim", "judgment", "enforcement")
STAGE_NAMES = {
    "court_order": "подано заявление о вынесении судебного приказа",
    "order_issued": "судебный приказ вынесен",
    "order_cancelled": "судебный приказ отменён",
    "claim": "подано исковое заявление",
    "judgment": "решение суда",
    "enforcement": "исполнительное производство",
    "closed": "закрыто: долг погашен",
    "written_off": "списано",
}


as_date = db_date
"""A date read by raw SQL (``db.dialect.db_date``), by the name the collection modules use."""


def next_number(db: pw.Database, table: str, prefix: str, year: int) -> str:
    """The next «<prefix>-<year>-<nnnn>» of a numbered table (cases, recoveries, documents): per database, so two
    sites numbering at once would collide — the numbered work stays at one desk until numbers carry a site prefix."""
    from db.queries import next_in_sequence  # the largest number + 1, not a count (db/queries.py)
    return next_in_sequence(db, table, "number", f"{prefix}-{year}-", width=4)


def service_names(db: pw.Database) -> tuple[dict[str, str], dict[str, str]]:
    """Service names by id and by exchange code."""
    by_id, by_ext = {}, {}
    for sid, ext, name in db.execute_sql('SELECT id, ext_id, name FROM "service"'):
        by_id[key_text(sid)] = name
        by_ext[ext] = name
    return by_id, by_ext


def supplier_names(db: pw.Database) -> dict[str, str]:
    """Supplier names by id and by exchange code (what a debtor and a court read)."""
    out = {}
    for sid, ext, name in db.execute_sql('SELECT id, ext_id, name FROM "supplier"'):
        out[key_text(sid)] = name
        if ext:
            out[ext] = name
    return out


def _name(last, first, middle) -> str:
    return " ".join(p for p in (last, first, middle) if p)


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: str
    number: str
    house: str
    house_code: str
    premises: str
    address: str
    payer: str
    closed: bool
    person: str | None
    share: str | None = None
    """The share of the premises the account bills (a share's own account, ЖК ст. 155 ч. 2 / ГК ст. 249: «1/2»), or
    None for the premises whole."""


def accounts_info(db: pw.Database, numbers: list[str] | None = None) -> dict[str, AccountInfo]:
    """By account number: its payer, address and house (every account, or those ``numbers``)."""
    m = param_mark(db)
    where, params = "", ()
    if numbers is not None:
        if not numbers:
            return {}
        where, params = f"WHERE a.number IN ({', '.join([m] * len(numbers))})", tuple(numbers)
    out = {}
    for aid, number, hid, code, pid, city, street, building, block, pnum, kind, closed, last, first, middle, org, \
            holder, share in db.execute_sql(
            'SELECT a.id, a.number, h.id, h.ext_id, p.id, h.city, h.street, h.building, h.block, p.number, p.kind, '
            'a.closed, s.last_name, s.first_name, s.middle_name, a.holder_org_name, a.holder_person_id, a.share '
            'FROM "account" a JOIN "premises" p ON p.id = a.premises_id JOIN "house" h ON h.id = p.house_id '
            f'LEFT JOIN "person" s ON s.id = a.holder_person_id {where}', params):
        out[number] = AccountInfo(key_text(aid), number, key_text(hid), code or key_text(hid), key_text(pid),
                                  format_address(city, street, building, block, pnum, kind),
                                  _name(last, first, middle) or org or "—", closed is not None,
                                  key_text(holder) if holder is not None else None, share or None)
    return out


@dataclass(frozen=True, slots=True)
class Debtor:
    """A person liable for a case: a co-owner by share, or a member of a social tenant's family jointly."""

    name: str
    person: str | None
    share: str | None
    joint: bool
    birth_date: str | None = None
    age_unchecked: bool = False
    """A family member whose birth date is not known (or cannot be opened here): listed, marked for the officer."""


ADULT_YEARS = 18


def _birth_date(db: pw.Database, person) -> date | None:
    """The person's birth date from the sealed fields, None when not recorded or not readable on this machine."""
    row = db.execute_sql(f'SELECT sealed FROM "person" WHERE id = {param_mark(db)}', (db_id(key_text(person)),)
                         ).fetchone()
    if not row or not row[0]:
        return None
    try:
        text = keyring().unseal(row[0]).get("birth_date")
        return date.fromisoformat(text) if text else None
    except (ConfigError, ValueError, TypeError):
        return None


def _owner_across_gap(db: pw.Database, info: AccountInfo, day: date) -> date | None:
    """For a day nobody owns the premises by the registry — no person's nor an organisation's ownership covers it —
    after a person's ownership ended (a gap between a seller's ownership and a buyer's registration, or before an
    heir's certificate): the day whose owners answer for it — the first day of the next person's ownership, or,
    with none after, the last day of the previous one. None otherwise: a municipality or another organisation owns
    it that day (a social tenancy: the family rule, ЖК ст. 69), or no person ever owned it before that day (municipal
    housing, or a flat before its privatization whose earlier history is not recorded [P]).

    The next owner [P]: the buyer who took the flat over before the registration pays from the transfer (ЖК ст. 153
    ч. 2 п. 6 [U]: the one who accepted the premises under the transfer act; Пленум ВС № 22 п. 27 [U]), while the
    seller's ownership in the registry has ended; never the residents as a social tenancy of a private flat."""
    m = param_mark(db)
    live = f'FROM "ownership" o WHERE o.premises_id = {m} AND {LIVE_OWNERSHIP}'
    premises, text = db_id(info.premises), day.isoformat()
    (covered,) = db.execute_sql(f'SELECT COUNT(*) {live} AND o.valid_from <= {m} AND (o.valid_to IS NULL OR '
                                f'o.valid_to > {m})', (premises, text, text)).fetchone()
    if covered:
        return None
    persons = f'{live} AND o.owner_person_id IS NOT NULL'
    (before,) = db.execute_sql(f'SELECT MAX(o.valid_to) {persons} AND o.valid_to IS NOT NULL AND o.valid_to <= {m}',
                               (premises, text)).fetchone()
    if before is None:
        return None
    (after,) = db.execute_sql(f'SELECT MIN(o.valid_from) {persons} AND o.valid_from > {m}', (premises, text)
                              ).fetchone()
    return db_date(after) if after is not None else db_date(before) - timedelta(days=1)


def debtors_of(db: pw.Database, info: AccountInfo, day: date, *, births: dict | None = None) -> list[Debtor]:
    """Who owes for the premises on ``day``: its owners (persons) each by share (ЖК ст. 158, ГК ст. 249); on a day
    nobody owns it after a person's ownership ended (a gap in the registry) the next owner's, else the previous one's
    (``_owner_across_gap`` [P]); where no person owns it (municipal housing), the holder of the account
    and the adult members registered with them jointly (ЖК ст. 69 ч. 2: «дееспособные члены семьи»): one under 18
    on ``day`` by the sealed birth date is left out; one whose birth date is not known (or whose key is not on this
    machine) is listed marked ``age_unchecked`` [P].
    The holder is the account's holder now (no history of holders is kept) [P]. ``births``: a cache of birth dates
    by person for a caller asking about many days."""
    births = {} if births is None else births
    m = param_mark(db)
    owners = []
    for pid, share, last, first, middle in db.execute_sql(
            f'SELECT o.owner_person_id, o.share, s.last_name, s.first_name, s.middle_name FROM "ownership" o '
            f'JOIN "person" s ON s.id = o.owner_person_id WHERE o.premises_id = {m} AND o.valid_from <= {m} '
            f'AND (o.valid_to IS NULL OR o.valid_to > {m}) AND {LIVE_OWNERSHIP} ORDER BY s.last_name, s.first_name',
            (db_id(info.premises), day.isoformat(), day.isoformat())):
        owners.append(Debtor(_name(last, first, middle), key_text(pid), str(Fraction(share or "1")), False))
    if owners:
        return _share_owners(db, info, owners) if info.share else owners
    handover = _owner_across_gap(db, info, day)
    if handover is not None:
        return debtors_of(db, info, handover, births=births)
    family = []
    seen = set()
    if info.person is not None:
        family.append(Debtor(info.payer, info.person, None, True))
        seen.add(info.person)
    for pid, last, first, middle in db.execute_sql(
            f'SELECT r.person_id, s.last_name, s.first_name, s.middle_name FROM "registration" r JOIN "person" s '
            f'ON s.id = r.person_id WHERE r.premises_id = {m} AND r.kind = \'permanent\' AND r.valid_from <= {m} '
            f'AND (r.valid_to IS NULL OR r.valid_to > {m}) AND {LIVE_REGISTRATION} ORDER BY s.last_name',
            (db_id(info.premises), day.isoformat(), day.isoformat())):
        if key_text(pid) not in seen:
            seen.add(key_text(pid))
            if key_text(pid) not in births:
                births[key_text(pid)] = _birth_date(db, pid)
            born = births[key_text(pid)]
            if born is not None and years_after(born, ADULT_YEARS) > day:
                continue  # a minor is not a joint debtor
            family.append(Debtor(_name(last, first, middle), key_text(pid), None, True, age_unchecked=born is None))
    if not family:
        family.append(Debtor(info.payer, None, None, False))
    return family


def _share_owners(db: pw.Database, info: AccountInfo, owners: list[Debtor]) -> list[Debtor]:
    """Of the premises' ``owners`` on a day, those liable for a share's own account (the premises billed by shares,
    ЖК ст. 155 ч. 2, ГК ст. 249: each co-owner pays for their share only, by their own account): the account's holder
    when they owned then; else the owners who hold no other share account of the premises (the share's earlier
    owner: no history of holders is kept), those of the account's share first [P]. Each share is then a part of the
    account's debt — a holder alone is liable for all of it (``1``), not for their share of the premises' (the case
    claims this account's debt only). With nobody found, the owners as they are."""
    mine = [o for o in owners if o.person is not None and o.person == info.person]
    if not mine:
        m = param_mark(db)
        others = {key_text(h) for (h,) in db.execute_sql(
            f'SELECT holder_person_id FROM "account" WHERE premises_id = {m} AND id <> {m} AND share IS NOT NULL '
            'AND closed IS NULL AND holder_person_id IS NOT NULL', (db_id(info.premises), db_id(info.id)))}
        free = [o for o in owners if o.person not in others]
        mine = [o for o in free if Fraction(o.share or 1) == Fraction(info.share)] or free
    if not mine:
        return owners
    whole = sum(Fraction(o.share or 1) for o in mine)
    return [replace(o, share=str(Fraction(o.share or 1) / whole)) for o in mine]


Liable = tuple[Debtor, ...]
"""The persons liable for a month, in ``debtors_of``'s order: what a case names (one case per liable set)."""


def liable_by_month(db: pw.Database, info: AccountInfo, periods) -> dict[Period, Liable]:
    """Who was liable for each month of ``periods``: ``debtors_of`` on the month's last day. The duty to pay follows
    the ownership of the month, not today's (ЖК ст. 153 ч. 2 п. 5: it arises with the registration of the right; a
    seller owes for the months before the sale, the buyer for those after; ст. 158, ГК ст. 249 by share), and for
    municipal housing the family registered then (ЖК ст. 69 ч. 2). A month whose owners or family changed within it
    goes whole to those of its last day [P: the exact rule splits the month by days — see ``changed_within``]."""
    births: dict = {}
    return {p: tuple(debtors_of(db, info, p.last_day, births=births)) for p in sorted(set(periods))}


def changed_within(db: pw.Database, info: AccountInfo, liable: dict[Period, Liable]) -> tuple[Period, ...]:
    """The months of ``liable`` (``liable_by_month``'s) whose liable set on the first day differs from the one on the
    last day (a sale, a death, a family member registered or come of age within the month): claimed whole from the
    last day's [P], so a case marks them for the officer."""
    births: dict = {}
    return tuple(p for p in sorted(liable) if tuple(debtors_of(db, info, p.first_day, births=births)) != liable[p])


@dataclass(frozen=True, slots=True)
class CaseRef:
    id: str
    number: str
    account: str
    stage: str


def open_cases(db: pw.Database) -> dict[str, list[CaseRef]]:
    """By account id: its open cases, the first opened first — an account has one per liable set and filing (a case
    names its debtors and claims their months only), never two over the same month and service."""
    out: dict[str, list[CaseRef]] = defaultdict(list)
    for cid, number, account, stage in db.execute_sql(
            f'SELECT id, number, account_id, stage FROM "court_case" WHERE stage IN '
            f'({", ".join(repr(s) for s in OPEN_STAGES)}) ORDER BY opened_on, number'):
        out[key_text(account)].append(CaseRef(key_text(cid), number or "—", key_text(account), stage))
    return dict(out)


def claimed_months(db: pw.Database, account: str) -> dict[tuple[Period, str], CaseRef]:
    """By (month, service id): the open case of the account (id ``account``) that claims it — an included line of
    the case. A month and service is in at most one open case: a new case leaves it out (a debt is claimed once)."""
    m = param_mark(db)
    out = {}
    for cid, number, stage, period, service in db.execute_sql(
            'SELECT k.id, k.number, k.stage, l.period, l.service_id FROM "court_case_line" l JOIN "court_case" k '
            f'ON k.id = l.case_id WHERE k.account_id = {m} AND l.included = {"TRUE" if is_postgres(db) else "1"} '
            f'AND k.stage IN ({", ".join(repr(s) for s in OPEN_STAGES)}) ORDER BY k.opened_on, k.number',
            (db_id(account),)):
        out.setdefault((Period.parse(period), key_text(service)),
                       CaseRef(key_text(cid), number or "—", account, stage))
    return out


def claimed_lines(db: pw.Database) -> dict[str, set[tuple[Period, str]]]:
    """By account id: the (month, service id) pairs its open cases claim (their included lines) — every account at
    once, for the debtors' list («без дела в суде»: overdue debt outside these)."""
    out: dict[str, set[tuple[Period, str]]] = defaultdict(set)
    for account, period, service in db.execute_sql(
            'SELECT k.account_id, l.period, l.service_id FROM "court_case_line" l JOIN "court_case" k '
            f'ON k.id = l.case_id WHERE l.included = {"TRUE" if is_postgres(db) else "1"} '
            f'AND k.stage IN ({", ".join(repr(s) for s in OPEN_STAGES)})'):
        out[key_text(account)].add((Period.parse(period), key_text(service)))
    return dict(out)


def pauses(db: pw.Database, account: str | None = None) -> dict[str, dict[tuple[Period, str], list[Pause]]]:
    """By account id, by (month, service id): the times a судебный приказ stood over the month's payment — from the
    day its application was filed to the day the order was cancelled (open while it stands: the case has not been
    cancelled). ГК ст. 204 п. 1, Пленум ВС № 43 п. 17–18."""
    m = param_mark(db)
    where, params = "", ()
    if account is not None:
        where, params = f" AND k.account_id = {m}", (db_id(account),)
    events: dict[str, dict[str, date]] = defaultdict(dict)
    for cid, stage, day in db.execute_sql(
            'SELECT e.case_id, e.stage, e.day FROM "court_case_event" e JOIN "court_case" k ON k.id = e.case_id '
            f'WHERE e.stage IN (\'court_order\', \'order_cancelled\', \'claim\'){where} ORDER BY e.day', params):
        events[key_text(cid)].setdefault(stage, day if isinstance(day, date) else date.fromisoformat(str(day)))
    out: dict[str, dict[tuple[Period, str], list[Pause]]] = defaultdict(lambda: defaultdict(list))
    if not events:
        return out
    for cid, acc, period, service in db.execute_sql(
            'SELECT l.case_id, k.account_id, l.period, l.service_id FROM "court_case_line" l JOIN "court_case" k '
            f'ON k.id = l.case_id WHERE l.included = {"TRUE" if is_postgres(db) else "1"}{where}', params):
        days = events.get(key_text(cid), {})
        stood = out[key_text(acc)][(Period.parse(period), key_text(service))]
        if "court_order" in days:  # until cancelled — or until a claim replaced a refused application
            stood.append(Pause(days["court_order"], days.get("order_cancelled", days.get("claim"))))
        if "claim" in days:  # a claim stops the time until the case ends (ГК ст. 204 п. 1)
            stood.append(Pause(days["claim"]))
    return out
