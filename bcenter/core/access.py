"""Кто что может: роли и права (ARCHITECTURE.md §8).

Every use case of ``bcenter.app`` names the permission it needs; an actor has a role, and a role a set of
permissions. Personal data (ФИО in search, unmasked exports) goes only to roles that need it. The table is data,
checked by the application object (``bcenter.app``), never by a face alone.
"""
from __future__ import annotations

from enum import StrEnum

__all__ = ["PERSONAL_FIELDS", "PERSONAL_MASK", "PERSON_SEALED", "ROLES", "ROLE_NAMES", "ROLE_PERMISSIONS", "Permission", "masked"]

ROLE_NAMES = {"administrator": "администратор", "operator": "оператор", "accountant": "бухгалтер", "cashier": "кассир",
              "passport_officer": "паспортист", "meter_reader": "контролёр", "analyst": "аналитик"}
"""The roles and how people call them (the meter reader is «контролёр»: he reads meters on a route)."""
ROLES = tuple(ROLE_NAMES)


class Permission(StrEnum):
    """What a use case needs."""

    SYSTEM_SETUP = "system.setup"            # init, backup, restore
    SYSTEM_INFO = "system.info"              # what the database holds (counts, periods)
    DEMO_BUILD = "demo.build"                # build the demo town
    ACCOUNTS_SEARCH = "accounts.search"      # find accounts by number, address or name (personal data)
    EXCHANGE_IMPORT = "exchange.import"      # load an exchange document
    EXCHANGE_EXPORT = "exchange.export"      # export with personal data masked
    PERSONAL_DATA_EXPORT = "personal_data.export"  # export with documents, СНИЛС, phones
    MONTH_CALC = "month.calc"                # calculate a month (and recalculate the past)
    MONTH_STORNO = "month.storno"            # reverse a period's charges
    MONTH_CLOSE = "month.close"              # close a period
    LEDGER_READ = "ledger.read"              # charges, explain, balances
    FINANCE_READ = "finance.read"            # debts, penalties, payments, the suspense queue
    PAYMENTS_IMPORT = "payments.import"      # load bank registries, resolve or return suspense payments
    SETTLEMENTS_WRITE = "settlements.write"  # contracts with suppliers, transfers to them
    BILLS_PRINT = "bills.print"              # payment documents
    CASH_DESK = "cash.desk"                  # shifts and payments at the cash desk (fiscal register, printer)
    METERS_READ = "meters.read"              # meters and their verification due dates
    READINGS_WRITE = "readings.write"        # enter meter readings (by hand, from a meter's line, a route's file)
    READINGS_ACCEPT = "readings.accept"      # accept a rejected or unconfirmed reading, with a reason
    ROUTES_MANAGE = "routes.manage"          # make readers' routes
    METERS_WRITE = "meters.write"            # a meter's life: install, seal, verify, fault, replace, remove
    USERS_MANAGE = "users.manage"            # users, their roles and passwords
    REGISTRY_WRITE = "registry.write"        # edit houses, premises, accounts, tariffs and norms
    PASSPORT_READ = "passport.read"          # the passport desk's cards: who is registered, owners (names, dates)
    PASSPORT_WRITE = "passport.write"        # register, de-register, ownership, absences, persons
    PERSONAL_DATA_VIEW = "personal_data.view"  # documents, СНИЛС, birth dates, phones (every view audited)
    PASSPORT_DOCUMENTS = "passport.documents"  # forms 9, 10, 11, extracts, справки (they show personal data)
    CLAIMS_WRITE = "claims.write"            # requests (take, assign, close), acts of interruptions and poor quality
    CLAIMS_READ = "claims.read"              # a request's state by its number (the kiosk tells the resident)
    CLAIMS_TAKE = "claims.take"              # take a resident's request (the office, the kiosk)
    COLLECTION_READ = "collection.read"      # debtor lists, court cases and their documents
    COLLECTION_WRITE = "collection.write"    # notices to debtors, cases (file, stages, recoveries, write-off)
    REPORTS_READ = "reports.read"            # the registry's reports of the whole town (ОСВ, collection, registers)


P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "administrator": frozenset(Permission),
    "operator": frozenset({P.SYSTEM_INFO, P.ACCOUNTS_SEARCH, P.EXCHANGE_IMPORT, P.EXCHANGE_EXPORT, P.MONTH_CALC,
                           P.MONTH_STORNO, P.MONTH_CLOSE, P.LEDGER_READ, P.FINANCE_READ, P.BILLS_PRINT,
                           P.PAYMENTS_IMPORT, P.SETTLEMENTS_WRITE, P.METERS_READ, P.READINGS_WRITE,
                           P.READINGS_ACCEPT, P.ROUTES_MANAGE, P.METERS_WRITE, P.REGISTRY_WRITE, P.PASSPORT_READ,
                           P.CLAIMS_WRITE, P.CLAIMS_READ, P.CLAIMS_TAKE, P.COLLECTION_READ, P.COLLECTION_WRITE,
                           P.REPORTS_READ}),
    "accountant": frozenset({P.SYSTEM_INFO, P.ACCOUNTS_SEARCH, P.EXCHANGE_EXPORT, P.LEDGER_READ, P.FINANCE_READ,
                             P.PAYMENTS_IMPORT, P.SETTLEMENTS_WRITE, P.BILLS_PRINT, P.METERS_READ, P.COLLECTION_READ,
                             P.COLLECTION_WRITE, P.REPORTS_READ}),
    "cashier": frozenset({P.ACCOUNTS_SEARCH, P.LEDGER_READ, P.FINANCE_READ, P.BILLS_PRINT, P.CASH_DESK,
                          P.CLAIMS_READ, P.CLAIMS_TAKE}),
    "passport_officer": frozenset({P.ACCOUNTS_SEARCH, P.PASSPORT_READ, P.PASSPORT_WRITE, P.PERSONAL_DATA_VIEW,
                                   P.PASSPORT_DOCUMENTS}),
    "meter_reader": frozenset({P.ACCOUNTS_SEARCH, P.METERS_READ, P.READINGS_WRITE}),
    "analyst": frozenset({P.SYSTEM_INFO, P.EXCHANGE_EXPORT, P.LEDGER_READ, P.FINANCE_READ, P.METERS_READ,
                          P.COLLECTION_READ, P.REPORTS_READ}),
}


PERSON_SEALED = ("birth_date", "birth_place", "document_series", "document_number", "document_issued_by",
                 "document_issued_on", "snils", "phone", "email")
"""What of a person is sealed at rest (``person.sealed``, ``db.sealing``) and shown only to the passport desk."""

PERSONAL_FIELDS: dict[str, frozenset[str]] = {
    "person": frozenset({"sealed", *PERSON_SEALED}),
    "app_user": frozenset({"password_hash"}),
}
"""Columns that identify a person beyond their name (паспорт, СНИЛС, телефон, e-mail): masked in masked exports
and in the audit log, shown only to roles that need them."""
PERSONAL_MASK = "***"


def masked(table: str, values: dict) -> dict:
    """``values`` of a row of ``table`` with its personal fields hidden (an audit record keeps that they changed,
    not what they were)."""
    personal = PERSONAL_FIELDS.get(table)
    if not personal:
        return values
    return {k: (PERSONAL_MASK if k in personal and v is not None else v) for k, v in values.items()}
