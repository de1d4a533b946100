"""The ledger and the month (ARCHITECTURE.md §3).

A billing period is a calendar month, OPEN → CLOSING → CLOSED. Journal entries are immutable; each has
postings that sum to zero. Charge lines keep their derivation (method, inputs, legal basis) so that
``bcenter explain`` and the ЕПД can show why, and a reprint of a closed period is identical.
"""
from __future__ import annotations

import peewee as pw

from bcenter.core.vocabulary import LINE_KINDS
from db.fields import IdField, MoneyField, PeriodField, QuantityField
from db.models.base import BaseModel, LocalModel, UnitWritten, constraint
from db.models.finance import Payment
from db.models.reference import Service, Supplier, _in
from db.models.registry import Account

PERIOD_STATES = ("open", "closing", "closed")
ENTRY_KINDS = (
    "CHARGE", "RECALC", "QUALITY", "ABSENCE", "COMMON_PROPERTY", "BENEFIT", "PAYMENT", "ALLOCATION",
    "PENALTY", "WRITE_OFF", "TRANSFER", "REFUND", "STORNO", "OPENING",
)
LEDGER_ACCOUNTS = ("receivable", "revenue", "cash", "bank_in_transit", "penalties", "write_off", "advance", "opening")


class BillingPeriod(BaseModel):
    """A billing month and its state; nothing may be posted into a closed period."""

    period = PeriodField()
    state = pw.CharField(max_length=8, default="open")
    closed_at = pw.TextField(null=True)
    closed_by = pw.TextField(null=True)
    imported = pw.BooleanField(default=False)  # closed in the system we migrated from
    closed_on = pw.DateField(null=True)
    """The business day of the close (the app's clock; step 24): the date of issue its bills print. ``closed_at`` is
    the technical moment and never stands in for it (ARCHITECTURE.md §2)."""

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_billing_period UNIQUE (period)"),
            constraint(f"CONSTRAINT ck_billing_period_state CHECK ({_in('state', PERIOD_STATES)})"),
        ]


class JournalEntry(BaseModel):
    """An immutable journal entry posted into an open period (``period``), possibly correcting another."""

    kind = pw.CharField(max_length=16)
    period = PeriodField()
    business_date = pw.DateField()
    posted_at = pw.TextField()
    account = pw.ForeignKeyField(Account, null=True, backref="entries", on_delete="RESTRICT", index=False)
    payment = pw.ForeignKeyField(Payment, null=True, backref="entries", on_delete="RESTRICT")
    corrects_period = PeriodField(null=True)
    reason = pw.TextField(null=True)
    storno_of = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    run_id = pw.TextField(null=True)

    class Meta:
        constraints = [constraint(f"CONSTRAINT ck_journal_entry_kind CHECK ({_in('kind', ENTRY_KINDS)})")]
        indexes = ((("account_id", "period"), False), (("period", "account_id"), False))


class Posting(UnitWritten):
    """One side of a journal entry: an amount on a ledger account for account × service × supplier. A part of its
    entry: a local number for a key (schema step 11), shipped by sync with the entry."""

    id = pw.BigAutoField()
    entry = pw.ForeignKeyField(JournalEntry, backref="postings", on_delete="RESTRICT", index=False)  # read by nothing
    ledger_account = pw.CharField(max_length=20)
    account = pw.ForeignKeyField(Account, null=True, backref="+", on_delete="RESTRICT", index=False)
    service = pw.ForeignKeyField(Service, null=True, backref="+", on_delete="RESTRICT", index=False)
    supplier = pw.ForeignKeyField(Supplier, null=True, backref="+", on_delete="RESTRICT", index=False)
    period = PeriodField(null=True)  # the obligation's period (for debts and penalties)
    amount = MoneyField()

    class Meta:
        constraints = [constraint(f"CONSTRAINT ck_posting_ledger CHECK ({_in('ledger_account', LEDGER_ACCOUNTS)})")]
        outbox_by = "entry_id"  # recorded through its entry: sync ships an entry with its postings


class ChargeLine(UnitWritten):
    """A calculated line with its derivation (DOMAIN.md §1.11): what the ЕПД and ``explain`` show. A part of its
    entry, keyed by the entry and its number in it (``line_no``: 1, 2, … in the order posted; schema step 17 —
    clustered with its entry on SQLite), shipped by sync with the entry. Its period, account, the period it
    corrects and why are its entry's (schema step 12: read through ``db.ledger.LINE_FROM``)."""

    entry = pw.ForeignKeyField(JournalEntry, backref="lines", on_delete="RESTRICT", index=False)  # the key leads
    line_no = pw.IntegerField()
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT", index=False)
    supplier = pw.ForeignKeyField(Supplier, backref="+", on_delete="RESTRICT", index=False)
    kind = pw.CharField(max_length=16)
    method = pw.CharField(max_length=20, null=True)
    volume = QuantityField(null=True)
    tariff = QuantityField(null=True)
    coefficient = QuantityField(null=True)
    amount = MoneyField()
    excess = MoneyField(null=True)
    derivation_key = pw.BlobField(null=True)  # → Derivation (schema step 9)

    class Meta:
        primary_key = pw.CompositeKey("entry", "line_no")
        without_rowid = True
        constraints = [constraint(f"CONSTRAINT ck_charge_line_kind CHECK ({_in('kind', LINE_KINDS)})")]
        outbox_by = "entry_id"  # recorded through its entry: sync ships an entry with its lines


class Derivation(LocalModel):
    """A charge line's derivation (JSON: formula with its numbers, legal basis, inputs), stored once per distinct
    text under its content key — the first 16 bytes of the text's SHA-256 (schema step 9) — packed against a preset
    dictionary (``db.derivations``, schema step 15). Content-addressed, so it is the same on every site; written by
    ``db.ledger.LedgerWriter`` with the lines, never changed."""

    key = pw.BlobField(primary_key=True)
    data = pw.BlobField()

    class Meta:
        without_rowid = True


class AccountCarry(LocalModel):
    """What an account's money position carries from its last closed month into the next (``bcenter.engine.carry``:
    open obligations with their repayments, payments' unapplied parts, the counters the snapshots counted), deflated
    JSON. One row per account, replaced by each close (schema step 14); a cache of the ledger and the payments, so
    it is local (every site derives it) and a stale or missing row only means the next month starts from the first
    one."""

    account_id = IdField(primary_key=True)
    period = PeriodField()
    state = pw.BlobField()

    class Meta:
        without_rowid = True


class BalanceSnapshot(UnitWritten):
    """The balances of an account for a closed period, per service × supplier: opening, charged, recalculated,
    quality, benefits, paid, penalties, closing; closing(P) == opening(P+1) (ARCHITECTURE.md §3).

    One row per (period, account) — the primary key ``uq_balance_snapshot``, clustered on SQLite (``WITHOUT
    ROWID``) — its service × supplier rows packed in ``data`` (schema step 16, ``db.snapshots``: read through
    ``read_snapshots``, written through ``pack_balances`` and ``insert_snapshots``). Written once, by close, and
    recorded in the outbox by its period. A service × supplier row that would be all zeros is not kept
    (``compute_balances``)."""

    period = PeriodField()
    account = pw.ForeignKeyField(Account, backref="+", on_delete="RESTRICT", index=False)  # the key serves
    data = pw.BlobField()

    class Meta:
        primary_key = pw.CompositeKey("period", "account")  # uq_balance_snapshot
        outbox_by = "period"  # written once, by close: recorded as «the period's snapshots»


class BalanceKey(LocalModel):
    """This database's numbers of the (service, supplier) pairs that packed balance snapshots refer to (schema step
    16, ``db.snapshots``): numbered by the close that first needs a pair, never renumbered; local — a snapshot
    leaves the database with the pairs' UUIDs."""

    id = pw.IntegerField(primary_key=True)
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT", index=False)
    supplier = pw.ForeignKeyField(Supplier, backref="+", on_delete="RESTRICT", index=False)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_balance_key UNIQUE (service_id, supplier_id)")]


class AccountSnapshot(UnitWritten):
    """What a closed period's bill shows about the account as a whole, frozen at closing so a reprint is
    identical: money paid and taken by no charge (аванс) and the day of the last payment up to the period's end.
    Keyed by (period, account) like the balance snapshot (schema step 10)."""

    period = PeriodField()
    account = pw.ForeignKeyField(Account, backref="+", on_delete="RESTRICT", index=False)  # the key serves
    advance = MoneyField()
    last_paid_on = pw.DateField(null=True)

    class Meta:
        primary_key = pw.CompositeKey("period", "account")  # uq_account_snapshot
        outbox_by = "period"  # written once, by close: recorded as «the period's snapshots»
