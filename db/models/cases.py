"""Residents' claims (учёт претензий) and debt collection (претензионно-исковая работа)."""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, MoneyField
from db.models.base import BaseModel, constraint
from db.models.reference import _in
from db.models.events import QualityEvent
from db.models.registry import Account, House, Premises


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


class CourtCase(BaseModel):
    """A debt collection case: notice, court order or claim, enforcement (ГПК РФ, 229-ФЗ)."""

    account = pw.ForeignKeyField(Account, backref="court_cases", on_delete="RESTRICT")
    stage = pw.CharField(max_length=20, default="notice")
    debt = MoneyField()
    penalties = MoneyField(default=0)
    court_costs = MoneyField(default=0)
    opened_on = pw.DateField()
    closed_on = pw.DateField(null=True)
    documents = JsonTextField(null=True)
