"""Residents' claims (учёт претензий) and debt collection (претензионно-исковая работа)."""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, MoneyField
from db.models.base import BaseModel
from db.models.events import QualityEvent
from db.models.registry import Account, House, Premises


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
