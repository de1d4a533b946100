"""All peewee models of bcenter, in dependency order (a table comes after those it refers to)."""
from db.models.base import BaseModel, LocalModel, UnitOfWorkRequired
from db.models.reference import (
    BankDetail, CalendarDay, IncreasingCoefficient, KeyRate, Moratorium, Organization, PenaltyRateCap,
    Service, Setting, Supplier,
)
from db.models.registry import (
    Account, AccountService, House, HouseService, Ownership, PassportDocument, Person, Premises, Registration,
)
from db.models.pricing import Norm, Tariff
from db.models.meters import HouseReading, Meter, MeterEvent, MeterReading, MeterVerification, Route, RouteStop
from db.models.events import Absence, QualityEvent
from db.models.finance import (
    BankRegistry, CashShift, CashOperation, OpeningBalance, Payment, PaymentDocument, PaymentServiceSplit,
    SupplierContract, SupplierTransfer, SuspensePayment,
)
from db.models.ledger import (
    AccountCarry, AccountSnapshot, BalanceKey, BalanceSnapshot, BillingPeriod, ChargeLine, Derivation, JournalEntry, Posting,
)
from db.models.cases import (
    Claim, ClaimEvent, ClaimKind, CollectionDocument, CourtCase, CourtCaseEvent, CourtCaseLine, CourtRecovery, DebtorFilter,
)
from db.models.system import (
    AppUser, AuditLog, CalcRun, CalcState, IntakeClient, JobLock, LocalSetting, Outbox, SignIn, Site, SyncAlarm, SyncBatch,
    SyncConflict, SyncCursor, SyncFieldClock, SyncSite, UserRole, UserSession,
)

DOMAIN_MODELS = [
    Organization, Supplier, BankDetail, Service, IncreasingCoefficient, KeyRate, PenaltyRateCap, Moratorium,
    CalendarDay, Setting,
    House, HouseService, Premises, Person, Account, AccountService, Registration, Ownership,
    Tariff, Norm,
    Meter, MeterVerification, MeterEvent, MeterReading, HouseReading, Route, RouteStop,
    Absence, QualityEvent,
    BankRegistry, CashShift, Payment, PaymentServiceSplit, SuspensePayment, CashOperation, OpeningBalance,
    SupplierContract, SupplierTransfer, PaymentDocument,
    BillingPeriod, JournalEntry, Posting, ChargeLine, BalanceSnapshot, AccountSnapshot,
    ClaimKind, Claim, ClaimEvent, CourtCase, PassportDocument,
    CourtCaseLine, CourtCaseEvent, CourtRecovery, CollectionDocument, DebtorFilter,
    Site, AppUser, UserRole,
]
"""Synced domain tables: written only through the unit of work (outbox + audit)."""

LOCAL_MODELS = [LocalSetting, IntakeClient, Outbox, AuditLog, SyncCursor, CalcRun, CalcState, JobLock, Derivation, AccountCarry,
                BalanceKey, UserSession, SignIn, SyncBatch, SyncAlarm, SyncSite, SyncFieldClock, SyncConflict]
"""Written directly, without outbox rows: technical tables, and the derivation texts (content-addressed; a charge
line's text travels with the line, which is in the outbox), the accounts' carries (a cache every site derives) and the numbers of the (service, supplier) pairs
in packed balance snapshots (local to the database: a snapshot leaves it with the pairs' UUIDs)."""
ALL_MODELS = DOMAIN_MODELS + LOCAL_MODELS

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS", "DOMAIN_MODELS", "LOCAL_MODELS", "BaseModel", "LocalModel", "UnitOfWorkRequired",
]
