"""Платежи: bank registries loaded, payments looked up, the suspense queue worked off (issue 12)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.modules.finance import payments
from bcenter.modules.finance.registry_formats import PROFILES, Profile, load_profile, profile_names
from bcenter.modules.finance.registry_import import RegistryImport, import_registry


def registry_profiles() -> tuple[list[Profile], Path]:
    """The registry profiles shipped with bcenter, and the folder they are in (a user copies one to make another);
    no database needed."""
    return [load_profile(name) for name in profile_names()], PROFILES


class PaymentsCases(UseCases):
    @use_case(P.PAYMENTS_IMPORT, "загрузка реестра платежей", writes=True)
    def import_registry(self, path: Path, *, profile: str, agent: str | None = None,
                        dry_run: bool = False, repeats: bool = False) -> RegistryImport:
        """All or nothing: a file with any problem is refused whole, every problem named by its line; payments to
        unknown accounts go to the suspense queue; lines loaded before are skipped; a file whose every line repeats
        earlier lines without an operation number is refused unless ``repeats`` (the operator checked: new
        payments)."""
        self.app.system.ensure_initialized()
        return import_registry(self.db, path, load_profile(profile), today=self.app.clock.today(),
                               actor=self.app.actor.user, agent=agent, dry_run=dry_run, repeats=repeats)

    @use_case(P.FINANCE_READ, "просмотр платежей")
    def list(self, *, account: str | None = None, day: date | None = None,
             limit: int = 1000) -> list[payments.PaymentRow]:
        return payments.list_payments(self.db, account=account, day=day, limit=limit)

    @use_case(P.FINANCE_READ, "просмотр невыясненных платежей")
    def suspense(self, *, open_only: bool = True) -> list[payments.SuspenseRow]:
        return payments.list_suspense(self.db, open_only=open_only)

    @use_case(P.PAYMENTS_IMPORT, "разнесение невыясненного платежа", writes=True)
    def resolve(self, suspense_id: str, *, account: str, reason: str | None = None) -> payments.Resolved:
        """The suspense line made a payment of ``account`` (its id: ``.payment``), and the meter readings its line
        carried taken for that account."""
        return payments.resolve_suspense(self.db, suspense_id, account, actor=self.app.actor.user, reason=reason)

    @use_case(P.PAYMENTS_IMPORT, "возврат невыясненного платежа", writes=True)
    def return_(self, suspense_id: str, *, reason: str) -> None:
        payments.return_suspense(self.db, suspense_id, reason, actor=self.app.actor.user)

    @use_case(P.PAYMENTS_IMPORT, "сторно платежа", writes=True)
    def storno(self, payment_id: str, *, reason: str, to_account: str | None = None) -> payments.StornoResult:
        """Reverse a wrong payment (never edited); with ``to_account``, post it again there with its own day."""
        return payments.storno_payment(self.db, payment_id, reason=reason, actor=self.app.actor.user,
                                       to_account=to_account)
