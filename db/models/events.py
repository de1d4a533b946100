"""Facts that reduce charges: temporary absence (раздел VIII ПП 354) and quality events (Приложение 1)."""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, QuantityField
from db.models.base import BaseModel, constraint
from db.models.reference import Service, _in
from db.models.registry import House, Person, Premises

QUALITY_KINDS = ("interruption", "temperature", "pressure", "composition")


class Absence(BaseModel):
    """A temporary absence of a person: departure date ``valid_from`` and return date ``valid_to``."""

    ext_id = pw.TextField(null=True)
    person = pw.ForeignKeyField(Person, backref="absences", on_delete="RESTRICT")
    valid_from = pw.DateField()
    valid_to = pw.DateField()
    documents = JsonTextField(null=True)
    supersedes = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_absence_ext_id UNIQUE (ext_id)"),
            constraint("CONSTRAINT ck_absence_interval CHECK (valid_to >= valid_from)"),
        ]


class QualityEvent(BaseModel):
    """An interruption or a quality deviation of a service in a house or one premises (акт, Прил. 1 ПП 354)."""

    ext_id = pw.TextField(null=True)
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT")
    house = pw.ForeignKeyField(House, null=True, backref="+", on_delete="RESTRICT")
    premises = pw.ForeignKeyField(Premises, null=True, backref="+", on_delete="RESTRICT")
    start_at = pw.TextField()  # ISO 8601 with offset, as written in the act
    end_at = pw.TextField()
    kind = pw.CharField(max_length=16)
    measured = QuantityField(null=True)
    allowed = QuantityField(null=True)
    supersedes = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    extra = JsonTextField(null=True)
    entrance = pw.IntegerField(null=True)
    """An act for one entrance (подъезд) of the house: its premises only (step 33, issue 19)."""

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_quality_event_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_quality_event_kind CHECK ({_in('kind', QUALITY_KINDS)})"),
            constraint("CONSTRAINT ck_quality_event_place CHECK ((house_id IS NULL) <> (premises_id IS NULL))"),
        ]
