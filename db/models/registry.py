"""The registry (Картотека): houses, premises, persons, accounts and the facts of who lives and owns.

Houses, premises, persons and accounts are master data (field-level edits); registrations and
ownership are dated facts from which the number of residents and owners is derived (ARCHITECTURE.md §2).
"""
from __future__ import annotations

import peewee as pw

from db.fields import JsonTextField, QuantityField
from db.models.base import BaseModel, constraint
from db.models.reference import Service, _in

HEATING_METHODS = ("norm", "house_meter")
HEATING_PAYMENTS = ("season", "year_evenly")
PREMISES_KINDS = ("residential", "nonresidential")
REGISTRATION_KINDS = ("permanent", "temporary")


class House(BaseModel):
    """A house (МКД): S_об = total area of all premises, S_ои = area of common property (DOMAIN.md §1.1)."""

    ext_id = pw.TextField(null=True)
    region = pw.TextField(null=True)
    city = pw.TextField()
    street = pw.TextField()
    building = pw.TextField()
    block = pw.TextField(null=True)
    total_area = QuantityField()
    common_area = QuantityField()
    fias = pw.TextField(null=True)
    heating_method = pw.CharField(max_length=12, default="norm")
    heating_payment = pw.CharField(max_length=12, default="season")
    season_months = pw.TextField(null=True)  # "1,2,3,4,5,10,11,12"
    extra = JsonTextField(null=True)
    postcode = pw.CharField(max_length=6, null=True)
    """Почтовый индекс (step 25): the ЕПД prints the premises' address with it and the region (п. 69 «а» ПП 354)."""
    manager_name = pw.TextField(null=True)
    """The organization managing the house (УК, ТСЖ, ЖСК; step 35) — none under the owners' direct management."""
    manager_inn = pw.CharField(max_length=12, null=True)
    section = pw.TextField(null=True)
    """The settlement centre's section (участок) the house belongs to (step 35): a cut of the reports."""

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_house_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_house_heating_method CHECK ({_in('heating_method', HEATING_METHODS)})"),
            constraint(f"CONSTRAINT ck_house_heating_payment CHECK ({_in('heating_payment', HEATING_PAYMENTS)})"),
        ]


class HouseService(BaseModel):
    """A service provided in a house over an interval (the default list for its accounts)."""

    house = pw.ForeignKeyField(House, backref="services", on_delete="RESTRICT")
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT")
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_house_service UNIQUE (house_id, service_id, valid_from)")]


class Premises(BaseModel):
    """A premises (помещение), residential or not; ``meter_impossible`` lists resources with an act of
    no technical possibility to install a meter (п. 42 ПП 354)."""

    ext_id = pw.TextField(null=True)
    house = pw.ForeignKeyField(House, backref="premises", on_delete="RESTRICT")
    number = pw.TextField()
    kind = pw.CharField(max_length=16, default="residential")
    total_area = QuantityField()
    living_area = QuantityField(null=True)
    rooms = pw.IntegerField(null=True)
    entrance = pw.IntegerField(null=True)
    floor = pw.IntegerField(null=True)
    communal_flat = pw.BooleanField(default=False)
    meter_impossible = pw.TextField(null=True)  # "cold_water,hot_water"
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_premises_ext_id UNIQUE (ext_id)"),
            constraint("CONSTRAINT uq_premises_number UNIQUE (house_id, number)"),
            constraint(f"CONSTRAINT ck_premises_kind CHECK ({_in('kind', PREMISES_KINDS)})"),
        ]


class Person(BaseModel):
    """A person (гражданин): a resident, owner or payer.

    The name and the kind of identity document are plain; what identifies the person beyond the name — the
    document's series, number, issuer and date, СНИЛС, birth date and place, phone, e-mail — is personal data kept
    sealed (``sealed``: one JSON object encrypted under a key outside the database, ``db.sealing``; step 32)."""

    ext_id = pw.TextField(null=True)
    last_name = pw.TextField()
    first_name = pw.TextField()
    middle_name = pw.TextField(null=True)
    document_kind = pw.TextField(null=True)
    extra = JsonTextField(null=True)
    sealed = pw.TextField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_person_ext_id UNIQUE (ext_id)")]


class Account(BaseModel):
    """A personal account (лицевой счёт): binds a premises (or a share of it) to a payer.

    ``number`` is what people see on the ЕПД and type at the kiosk; unique across the database.
    """

    ext_id = pw.TextField(null=True)
    number = pw.TextField()
    premises = pw.ForeignKeyField(Premises, backref="accounts", on_delete="RESTRICT")
    opened = pw.DateField()
    closed = pw.DateField(null=True)
    holder_person = pw.ForeignKeyField(Person, null=True, backref="accounts", on_delete="RESTRICT")
    holder_org_name = pw.TextField(null=True)
    holder_org_inn = pw.CharField(max_length=12, null=True)
    share = pw.TextField(null=True)
    extra = JsonTextField(null=True)
    els = pw.TextField(null=True)
    """ЕЛС — единый лицевой счёт of ГИС ЖКХ (10 characters; Приказ 589/944/пр; step 22), when known."""
    gis_id = pw.TextField(null=True)
    """Идентификатор ЖКУ of ГИС ЖКХ: the ЕЛС, «-», two digits (13 characters; step 22), when known."""

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_account_ext_id UNIQUE (ext_id)"),
            constraint("CONSTRAINT uq_account_number UNIQUE (number)"),
            constraint("CONSTRAINT ck_account_holder CHECK ((holder_person_id IS NULL) <> (holder_org_name IS NULL))"),
            constraint("CONSTRAINT ck_account_interval CHECK (closed IS NULL OR closed >= opened)"),
        ]


class AccountService(BaseModel):
    """A service connected to an account over an interval ``[valid_from, valid_to)``."""

    account = pw.ForeignKeyField(Account, backref="services", on_delete="RESTRICT", index=False)  # the unique key
    service = pw.ForeignKeyField(Service, backref="+", on_delete="RESTRICT")
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)

    class Meta:
        constraints = [constraint("CONSTRAINT uq_account_service UNIQUE (account_id, service_id, valid_from)")]


class Registration(BaseModel):
    """A registration fact (регистрация по месту жительства / пребывания, Закон 5242-1) over [from, to)."""

    ext_id = pw.TextField(null=True)
    person = pw.ForeignKeyField(Person, backref="registrations", on_delete="RESTRICT")
    premises = pw.ForeignKeyField(Premises, backref="registrations", on_delete="RESTRICT")
    kind = pw.CharField(max_length=10)
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)
    relation = pw.TextField(null=True)
    supersedes = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_registration_ext_id UNIQUE (ext_id)"),
            constraint(f"CONSTRAINT ck_registration_kind CHECK ({_in('kind', REGISTRATION_KINDS)})"),
            constraint("CONSTRAINT ck_registration_interval CHECK (valid_to IS NULL OR valid_to > valid_from)"),
        ]


class Ownership(BaseModel):
    """An ownership fact (право собственности) with a share ("1/2") over [from, to)."""

    ext_id = pw.TextField(null=True)
    owner_person = pw.ForeignKeyField(Person, null=True, backref="ownership", on_delete="RESTRICT")
    owner_org_name = pw.TextField(null=True)
    owner_org_inn = pw.CharField(max_length=12, null=True)
    premises = pw.ForeignKeyField(Premises, backref="ownership", on_delete="RESTRICT")
    share = pw.TextField()
    valid_from = pw.DateField()
    valid_to = pw.DateField(null=True)
    supersedes = pw.ForeignKeyField("self", null=True, backref="+", on_delete="RESTRICT")
    extra = JsonTextField(null=True)

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_ownership_ext_id UNIQUE (ext_id)"),
            constraint("CONSTRAINT ck_ownership_owner CHECK ((owner_person_id IS NULL) <> (owner_org_name IS NULL))"),
            constraint("CONSTRAINT ck_ownership_interval CHECK (valid_to IS NULL OR valid_to > valid_from)"),
        ]


PASSPORT_DOCUMENT_KINDS = ("form9", "form10", "form11", "extract", "family")


class PassportDocument(BaseModel):
    """A document the passport desk issued (карточка формы 9, 10, 11, выписка, справка; step 32): numbered, logged,
    reprinted from what it printed — the payload (sealed: it holds documents and birth dates) and the template
    version — so a reprint is byte for byte the first print (DOMAIN.md §6)."""

    kind = pw.CharField(max_length=10)
    number = pw.TextField()
    issued_on = pw.DateField()
    house = pw.ForeignKeyField(House, null=True, backref="+", on_delete="RESTRICT")
    premises = pw.ForeignKeyField(Premises, null=True, backref="+", on_delete="RESTRICT")
    person = pw.ForeignKeyField(Person, null=True, backref="+", on_delete="RESTRICT")
    issued_by = pw.TextField()
    template = pw.TextField()
    payload = pw.TextField()
    sha256 = pw.TextField()

    class Meta:
        constraints = [
            constraint("CONSTRAINT uq_passport_document_number UNIQUE (number)"),
            constraint(f"CONSTRAINT ck_passport_document_kind CHECK ({_in('kind', PASSPORT_DOCUMENT_KINDS)})"),
        ]
