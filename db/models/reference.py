"""Reference data (effective-dated, written centrally; sites only read it) — ARCHITECTURE.md §2.

Organization and suppliers with their bank details, services, tariffs, norms and the dated law tables
(increasing coefficients, key rates, penalty-rate caps, moratoria, the production calendar).
Intervals are half-open ``[valid_from, valid_to)``; a missing ``valid_to`` is open-ended.
"""
from __future__ import annotations

import peewee as pw

from bcenter.core.vocabulary import SERVICE_KINDS, UNITS
from db.fields import JsonTextField, QuantityField
from db.models.base import BaseModel, constraint

NORM_BASES = ("person", "m2", "common_m2")
LAW_SOURCES = ("law", "document")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organization(BaseModel):
    """The executor (исполнитель: УК, ТСЖ, РСО, расчётный центр) whose name heads the ЕПД."""

    name = pw.TextField()
    inn = pw.CharField(max_length=12)
    kpp = pw.CharField(max_length=9, null=True)
    ogrn = pw.CharField(max_length=15, null=True)
    address = pw.TextField()
    phone = pw.TextField(null=True)
    email = pw.TextField(null=True)
    site = pw.TextField(null=True)
    extra = JsonTextField(null=True)


class Supplier(BaseModel):
    """A payment recipient (поставщик/получатель платежа): УК, водоканал, теплосеть, фонд капремонта."""

    ext_id = pw.TextField(null=True)
    name = pw.TextField()
    inn = pw.CharField(max_length=12)
    kpp = pw.CharField(max_length=9, null=True)
    phone = pw.TextField(null=True)
    extra = JsonTextField(null=True)
    address = pw.TextField(null=True)
    """Where the recipient receives people (step 23): printed with its phone in its cell of the ЕПД (п. 69 ПП 354)."""

    class Meta:
        constraints = [constraint("CONSTRAINT uq_supplier_ext_id UNIQUE (ext_id)")]


class BankDetail(BaseModel):
    """Bank details of the organization or of a supplier, effective from a date (реквизиты)."""

    organization = pw.ForeignKeyField(Organization, null=True, backref="bank_details", on_delete="RESTRICT")
    supplier = pw.ForeignKeyField(Supplier, null=True, backref="bank_details", on_delete="RESTRICT")
    bank_name = pw.TextField()
    bic = pw.CharField(max_length=9)
    corr_account = pw.CharField(max_length=20)
    account = pw.CharField(max_length=20)
    valid_from = pw.DateField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT ck_bank_detail_owner CHECK ((organization_id IS NULL) <> (supplier_id IS NULL))")
        ]


class Service(BaseModel):
    """A service billed to accounts (услуга): housing, communal, common property, capital repair."""

    ext_id = pw.TextField()
    name = pw.TextField()
    kind = pw.CharField(max_length=20)
    resource = pw.CharField(max_length=20, null=True)
    unit = pw.CharField(max_length=10)
    supplier = pw.ForeignKeyField(Supplier, backref="services", on_delete="RESTRICT")
    penalty_rule = pw.CharField(max_length=20, null=True)
    sort_order = pw.IntegerField(null=True)
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_service_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_service_kind CHECK ({_in('kind', SERVICE_KINDS)})"),
            constraint(f"CONSTRAINT ck_service_unit CHECK ({_in('unit', UNITS)})"),
        ]


class IncreasingCoefficient(BaseModel):
    """The increasing coefficient by resource and date (п. 42 ПП 354; ПП 1871: 3 for cold water from 06.12.2025)."""

    resource = pw.CharField(max_length=20)
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)
    value = QuantityField()
    source = pw.CharField(max_length=10, default="law")
    basis = pw.TextField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_increasing_coefficient UNIQUE (resource, valid_from, source)")]


class KeyRate(BaseModel):
    """The Bank of Russia key rate (ключевая ставка, %) from a date (ч. 14 ст. 155 ЖК РФ)."""

    valid_from = pw.DateField()
    rate = QuantityField()
    source = pw.CharField(max_length=10, default="law")
    basis = pw.TextField(null=True)
    extra = JsonTextField(null=True)  # the exchange document's (step 36)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_key_rate UNIQUE (valid_from, source)")]


class PenaltyRateCap(BaseModel):
    """A cap on the rate used for penalties (ПП 474, 2479, 2382, 329: 9.5 %); mode ``min`` or ``fixed``."""

    valid_from = pw.DateField()
    valid_to = pw.DateField()
    max_rate = QuantityField()
    mode = pw.CharField(max_length=10, default="min")
    source = pw.CharField(max_length=10, default="law")
    basis = pw.TextField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_penalty_rate_cap UNIQUE (valid_from, source)")]


class Moratorium(BaseModel):
    """A moratorium on penalties (ПП 424, ПП 497): [from, to), for all debts or those before a date."""

    valid_from = pw.DateField()
    valid_to = pw.DateField()
    debts_before = pw.DateField(null=True)
    source = pw.CharField(max_length=10, default="law")
    basis = pw.TextField(null=True)
    extra = JsonTextField(null=True)  # the exchange document's (step 36)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_moratorium UNIQUE (valid_from, valid_to, source)")]


class CalendarDay(BaseModel):
    """An exception to the weekend rule of the production calendar (ст. 112 ТК РФ; ст. 193 ГК РФ)."""

    day = pw.DateField()
    working = pw.BooleanField()
    source = pw.CharField(max_length=10, default="law")

    class Meta:
        constraints = [constraint("CONSTRAINT uq_calendar_day UNIQUE (day, source)")]


class Setting(BaseModel):
    """A policy setting where the law leaves a choice (DOMAIN.md [P]; EXCHANGE.md ``settings``)."""

    key = pw.TextField()
    value = JsonTextField()

    class Meta:
        constraints = [constraint("CONSTRAINT uq_setting_key UNIQUE (key)")]
