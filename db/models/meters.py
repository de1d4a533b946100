"""Meters (приборы учёта) and their readings; house meters (ОДПУ) read into ``house_reading``.

Readings are facts: a wrong reading is corrected by a new reading that ``corrects`` it, never edited.
Zone values are exact decimal text: ``total`` for one-zone meters, ``day``/``night``/``peak``/``half_peak``.
"""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, PeriodField, QuantityField
from db.models.base import BaseModel, constraint
from bcenter.core.vocabulary import RESOURCES
from db.models.reference import _in
from db.models.registry import House, Premises

METER_KINDS = ("individual", "common_apartment", "room", "house")
READING_SOURCES = ("resident", "inspector", "device", "import", "bank")
"""Where an individual meter's reading came from; ``bank``: typed by the payer with a payment (a registry's
``CounterVal_N``, step 21)."""
HOUSE_READING_SOURCES = ("resident", "inspector", "device", "import")
READING_STATUSES = ("accepted", "confirmed", "unconfirmed", "rejected")
"""A reading's standing after the named validation rules (``bcenter.engine.reading_rules``, step 27): ``accepted``
(nothing against it), ``unconfirmed`` (a rule asks a person to confirm it), ``rejected`` (it cannot be right),
``confirmed`` (a person confirmed or accepted it, with a reason — audited). Only ``accepted`` and ``confirmed``
readings are counted; the others are kept with their reasons in ``checks``."""
COUNTED_STATUSES = ("accepted", "confirmed")
COUNTED_SQL = "('accepted', 'confirmed')"
"""``COUNTED_STATUSES`` as an SQL list: ``… AND r.status IN {COUNTED_SQL}``."""
ZONE_COLUMNS = ("total", "day", "night", "peak", "half_peak")


class Meter(BaseModel):
    """A meter: individual (ИПУ), common apartment, room or house (ОДПУ); zones, digits, verification.

    A replacement is the old meter with ``removed`` set plus a new meter with its ``initial`` reading.
    """

    ext_id = pw.TextField(null=True)
    serial = pw.TextField()
    resource = pw.CharField(max_length=20)
    kind = pw.CharField(max_length=20)
    premises = pw.ForeignKeyField(Premises, null=True, backref="meters", on_delete="RESTRICT")
    house = pw.ForeignKeyField(House, null=True, backref="meters", on_delete="RESTRICT")
    zones = pw.SmallIntegerField(default=1)
    digits = pw.SmallIntegerField()
    installed = pw.DateField()
    verified_until = pw.DateField(null=True)
    removed = pw.DateField(null=True)
    initial_total = QuantityField(null=True)
    initial_day = QuantityField(null=True)
    initial_night = QuantityField(null=True)
    initial_peak = QuantityField(null=True)
    initial_half_peak = QuantityField(null=True)
    extra = JsonTextField(null=True)
    replaces = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT",
                                  index=False)  # step 28: the meter it replaced (read with the meter, never searched)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_meter_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_meter_kind CHECK ({_in('kind', METER_KINDS)})"),
            constraint(f"CONSTRAINT ck_meter_resource CHECK ({_in('resource', RESOURCES)})"),
            constraint("CONSTRAINT ck_meter_zones CHECK (zones IN (1, 2, 3))"),
            constraint("CONSTRAINT ck_meter_place CHECK ((premises_id IS NULL) <> (house_id IS NULL))"),
        ]


class MeterVerification(BaseModel):
    """A verification (поверка) fact: the meter was verified on a date and is valid until another; ``ext_id`` (step
    28) — its id in the exchange format."""

    meter = pw.ForeignKeyField(Meter, backref="verifications", on_delete="RESTRICT")
    verified_on = pw.DateField()
    valid_until = pw.DateField()
    document = pw.TextField(null=True)
    ext_id = pw.TextField(null=True)
    extra = JsonTextField(null=True)

    class Meta:
        indexes = ((("ext_id",), True),)


METER_EVENT_KINDS = ("seal", "fault")
"""Dated facts of a meter's life beside its card (installed, removed, ``replaces``) and its verifications
(``meter_verification``): a seal put on it (пломба) and a fault found (the meter out of order from that day until a
verification after it — ПП 354 п. 59 «а», п. 81(12)). Step 28."""


class MeterEvent(BaseModel):
    """A seal or a fault of a meter, on a day, with its act (document) and a note."""

    ext_id = pw.TextField(null=True)
    meter = pw.ForeignKeyField(Meter, backref="events", on_delete="RESTRICT")
    kind = pw.CharField(max_length=10)
    date = pw.DateField()
    seal = pw.TextField(null=True)
    document = pw.TextField(null=True)
    note = pw.TextField(null=True)
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_meter_event_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_meter_event_kind CHECK ({_in('kind', METER_EVENT_KINDS)})"),
        ]


class _ReadingBase(BaseModel):
    ext_id = pw.TextField(null=True)
    meter = pw.ForeignKeyField(Meter, backref="+", on_delete="RESTRICT", index=False)  # (meter_id, date) serves it
    date = pw.DateField()
    period = PeriodField(null=True)
    source = pw.CharField(max_length=10)
    total = QuantityField(null=True)
    day = QuantityField(null=True)
    night = QuantityField(null=True)
    peak = QuantityField(null=True)
    half_peak = QuantityField(null=True)
    corrects = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    extra = JsonTextField(null=True)


class MeterReading(_ReadingBase):
    """A reading of an individual, apartment or room meter (показание ИПУ), with its standing after the validation
    rules (``status``, ``READING_STATUSES``) and their verdicts — and a person's decision on them — in ``checks``
    (``{"verdicts": [[rule, severity, message], …], "decision": {"by", "on", "reason"}}``)."""

    status = pw.CharField(max_length=12, default="accepted")
    checks = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_meter_reading_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_meter_reading_source CHECK ({_in('source', READING_SOURCES)})"),
            constraint(f"CONSTRAINT ck_meter_reading_status CHECK ({_in('status', READING_STATUSES)})"),
        ]
        indexes = ((("meter_id", "date"), False),)


class HouseReading(_ReadingBase):
    """A reading of a house meter (показание ОДПУ)."""

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_house_reading_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_house_reading_source CHECK ({_in('source', HOUSE_READING_SOURCES)})"),
        ]
        indexes = ((("meter_id", "date"), False),)


class Route(BaseModel):
    """A reader's route (маршрут обхода): the meters of one reader in walking order — house, entrance, floor,
    premises (step 27). Exported to the reader's tablet as one file and imported back with the readings taken."""

    name = pw.TextField()
    reader = pw.TextField(null=True)
    created_on = pw.DateField()
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_route_name UNIQUE (name)")]


class RouteStop(BaseModel):
    """One meter of a route, at its place in the walking order (``position`` from 1)."""

    route = pw.ForeignKeyField(Route, backref="stops", on_delete="RESTRICT", index=False)  # the unique key serves it
    position = pw.IntegerField()
    meter = pw.ForeignKeyField(Meter, backref="+", on_delete="RESTRICT")

    class Meta:
        constraints = [constraint("CONSTRAINT uq_route_stop_position UNIQUE (route_id, position)"),
                       constraint("CONSTRAINT uq_route_stop_meter UNIQUE (route_id, meter_id)")]
