"""Prices and norms: tariffs and consumption norms of services, town-wide or for one house.

Intervals are half-open ``[valid_from, valid_to)``; tariffs change typically on 1 July (DOMAIN.md §1.1).
"""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, QuantityField
from db.models.base import BaseModel, constraint
from db.models.reference import NORM_BASES, Service, _in
from db.models.registry import House


class Tariff(BaseModel):
    """A tariff (руб. за единицу) of a service for a half-open interval; zonal, two-part or per house."""

    ext_id = pw.TextField(null=True)
    service = pw.ForeignKeyField(Service, backref="tariffs", on_delete="RESTRICT")
    house = pw.ForeignKeyField(House, null=True, backref="+", on_delete="RESTRICT")
    zone = pw.CharField(max_length=10, null=True)
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)
    rate = QuantityField(null=True)
    cold_water_rate = QuantityField(null=True)
    heat_rate = QuantityField(null=True)
    heat_per_m3 = QuantityField(null=True)
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_tariff_ext_id UNIQUE (ext_id)"),
            constraint("CONSTRAINT ck_tariff_interval CHECK (valid_to IS NULL OR valid_to > valid_from)"),
            constraint(
                "CONSTRAINT ck_tariff_parts CHECK ((rate IS NULL) <> (cold_water_rate IS NULL AND heat_rate IS NULL))"
            ),
        ]


class Norm(BaseModel):
    """A consumption norm (норматив потребления, ПП 306) per person, per m² or per m² of common area."""

    ext_id = pw.TextField(null=True)
    service = pw.ForeignKeyField(Service, backref="norms", on_delete="RESTRICT")
    house = pw.ForeignKeyField(House, null=True, backref="+", on_delete="RESTRICT")
    amenity = pw.TextField(null=True)
    per = pw.CharField(max_length=10)
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)
    value = QuantityField()
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_norm_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_norm_per CHECK ({_in('per', NORM_BASES)})"),
            constraint("CONSTRAINT ck_norm_interval CHECK (valid_to IS NULL OR valid_to > valid_from)"),
        ]
