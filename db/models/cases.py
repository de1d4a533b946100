"""Residents' claims (учёт претензий) and debt collection (претензионно-исковая работа)."""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, MoneyField
from db.models.base import BaseModel, constraint
from db.models.reference import _in
from db.models.events import QualityEvent
from db.models.registry import Account, House, Premises
from db.models.reference import Service, Supplier


CLAIM_PRIORITIES = ("emergency", "urgent", "normal")


class ClaimKind(BaseModel):
    """A kind of request (аварийная заявка, жалоба на качество, обращение …) and its deadline: hours from receipt,
    or working days (the production calendar) — a settings table the office may change (step 33, issue 19)."""

    code = pw.TextField()
    name = pw.TextField()
    priority = pw.CharField(max_length=10)
    deadline_hours = pw.IntegerField(null=True)
    deadline_working_days = pw.IntegerField(null=True)
    basis = pw.TextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_claim_kind_code UNIQUE (code)"),
            constraint(f"CONSTRAINT ck_claim_kind_priority CHECK ({_in('priority', CLAIM_PRIORITIES)})"),
            constraint("CONSTRAINT ck_claim_kind_deadline CHECK "
                       "((deadline_hours IS NULL) <> (deadline_working_days IS NULL))"),
        ]


class Claim(BaseModel):
    """A request from a resident or a dispatcher; may lead to a quality event (акт недопоставки)."""

    number = pw.TextField()
    received_at = pw.TextField()
    channel = pw.TextField()
    house = pw.ForeignKeyField(House, null=True, backref="+", on_delete="RESTRICT")
    premises = pw.ForeignKeyField(Premises, null=True, backref="+", on_delete="RESTRICT")
    account = pw.ForeignKeyField(Account, null=True, backref="+", on_delete="RESTRICT")
    text = pw.TextField()
    state = pw.CharField(max_length=12, default="new")
    quality_event = pw.ForeignKeyField(QualityEvent, null=True, backref="+", on_delete="RESTRICT")
    kind = pw.ForeignKeyField(ClaimKind, null=True, backref="+", on_delete="RESTRICT", index=False)
    priority = pw.CharField(max_length=10, null=True)
    deadline_at = pw.TextField(null=True)
    assignee = pw.TextField(null=True)
    closed_at = pw.TextField(null=True)
    author = pw.TextField(null=True)
    intake_key = pw.TextField(null=True)
    """«portal name:Idempotency-Key» of a request posted by a portal: posted twice, registered once."""

    class Meta:
        indexes = ((("intake_key",), True),)


class ClaimEvent(BaseModel):
    """A step in a request's history: received, assigned, commented, closed — who, when, to whom, why."""

    claim = pw.ForeignKeyField(Claim, backref="events", on_delete="RESTRICT")
    at = pw.TextField()
    actor = pw.TextField()
    state = pw.CharField(max_length=12)
    assignee = pw.TextField(null=True)
    note = pw.TextField(null=True)


CASE_STAGES = ("court_order", "order_issued", "order_cancelled", "claim", "judgment", "enforcement", "closed",
               "written_off")
"""A debt case's stages (ГПК ст. 121–130 судебный приказ, ст. 131 иск, 229-ФЗ исполнительное производство): the
application for an order filed, the order issued, cancelled, a claim filed, the judgment, the executive document
with ФССП, closed (nothing owed), written off."""
COLLECTION_DOCUMENT_KINDS = ("reminder", "restriction", "pretrial", "court_order", "claim")
RECOVERY_SOURCES = ("fssp", "bank", "employer", "voluntary")


class CourtCase(BaseModel):
    """A debt collection case (претензионно-исковая работа, DOMAIN.md §7; step 34): its debtors, the principal by
    month and service (``court_case_line``), the penalties as of ``penalty_as_of`` (their table kept in
    ``penalty_rows``), the duty and other costs, the court and case numbers, the stage and its history
    (``court_case_event``), what was recovered (``court_recovery``)."""

    account = pw.ForeignKeyField(Account, backref="court_cases", on_delete="RESTRICT")
    stage = pw.CharField(max_length=20, default="court_order")
    """One of ``CASE_STAGES`` (checked by the module: rows of earlier releases said «notice»)."""
    debt = MoneyField()
    """The principal claimed (kopecks): the sum of the case's lines not left out."""
    penalties = MoneyField(default=0)
    """The penalties claimed as of ``penalty_as_of``."""
    court_costs = MoneyField(default=0)
    """The duty paid and other court costs claimed (what the ЕПД lists as «судебные расходы»)."""
    opened_on = pw.DateField()
    closed_on = pw.DateField(null=True)
    documents = JsonTextField(null=True)
    number = pw.TextField(null=True)
    debtors = JsonTextField(null=True)
    """[{name, person (key or null), share ("1/2" or null), joint (bool)}] — co-owners by share, a social tenant's
    family jointly."""
    penalty_as_of = pw.DateField(null=True)
    penalty_rows = JsonTextField(null=True)
    duty = MoneyField(default=0)
    """The state duty of the stage filed last (НК ст. 333.19), after the credit of a cancelled order's."""
    duty_paid = MoneyField(default=0)
    """Every duty paid on the case (an order's, then a claim's) — credited against a claim after a cancellation."""
    other_costs = MoneyField(default=0)
    court = pw.TextField(null=True)
    court_number = pw.TextField(null=True)
    responsible = pw.TextField(null=True)
    closed_reason = pw.TextField(null=True)

    class Meta:
        indexes = ((("number",), True),)


class CourtCaseLine(BaseModel):
    """A monthly payment a case claims: (month, service, supplier), its due date and the principal claimed; ``barred``
    — its limitation period ran out by the filing date (left out unless the office chose to claim it)."""

    case = pw.ForeignKeyField(CourtCase, backref="lines", on_delete="RESTRICT")
    period = pw.CharField(max_length=7)
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT", index=False)
    supplier = pw.ForeignKeyField(Supplier, backref="+", on_delete="RESTRICT", index=False)
    due = pw.DateField()
    amount = MoneyField()
    barred = pw.BooleanField(default=False)
    included = pw.BooleanField(default=True)


class CourtCaseEvent(BaseModel):
    """A step of a case: a stage reached on a day (filed, issued, cancelled, judgment, executive document, …), with
    the court, its case or document number, the duty paid, who entered it and when."""

    case = pw.ForeignKeyField(CourtCase, backref="events", on_delete="RESTRICT")
    stage = pw.CharField(max_length=20)
    day = pw.DateField()
    court = pw.TextField(null=True)
    number = pw.TextField(null=True)
    note = pw.TextField(null=True)
    actor = pw.TextField()
    at = pw.TextField()


class CourtRecovery(BaseModel):
    """Money recovered on a case (through ФССП, a bank, an employer, or paid by the debtor on the case) and how it was
    taken — costs, principal (paid into the case's months as payments, ``payments``), penalties, overpaid."""

    case = pw.ForeignKeyField(CourtCase, backref="recoveries", on_delete="RESTRICT")
    number = pw.TextField()
    received_on = pw.DateField()
    amount = MoneyField()
    source = pw.CharField(max_length=10)
    document = pw.TextField(null=True)
    to_costs = MoneyField(default=0)
    to_principal = MoneyField(default=0)
    to_penalties = MoneyField(default=0)
    overpaid = MoneyField(default=0)
    payments = JsonTextField(null=True)
    actor = pw.TextField()

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_court_recovery_number UNIQUE (number)"),
            constraint(f"CONSTRAINT ck_court_recovery_source CHECK ({_in('source', RECOVERY_SOURCES)})"),
        ]


class CollectionDocument(BaseModel):
    """A document of debt collection (напоминание, предупреждение об ограничении, претензия, заявление о вынесении
    судебного приказа, исковое заявление): numbered, logged with its payload and template version (a reprint is the
    same bytes), its delivery recorded (the 20 days of a restriction warning run from it)."""

    kind = pw.CharField(max_length=12)
    number = pw.TextField()
    account = pw.ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
    case = pw.ForeignKeyField(CourtCase, null=True, backref="+", on_delete="RESTRICT")
    service = pw.ForeignKeyField(Service, null=True, backref="+", on_delete="RESTRICT", index=False)
    issued_on = pw.DateField()
    issued_by = pw.TextField()
    template = pw.TextField()
    payload = pw.TextField()
    sha256 = pw.TextField()
    delivered_on = pw.DateField(null=True)
    delivery = pw.TextField(null=True)
    deadline = pw.DateField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_collection_document_number UNIQUE (number)"),
            constraint(f"CONSTRAINT ck_collection_document_kind CHECK ({_in('kind', COLLECTION_DOCUMENT_KINDS)})"),
        ]


class DebtorFilter(BaseModel):
    """A saved list of debtors' criteria (amount, months overdue, service, supplier, house, not in court, limitation
    near), by name."""

    name = pw.TextField()
    criteria = JsonTextField()
    author = pw.TextField()

    class Meta:
        constraints = [constraint("CONSTRAINT uq_debtor_filter_name UNIQUE (name)")]
