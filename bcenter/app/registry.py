"""Картотека: finding accounts; houses, premises, accounts, tariffs and norms edited one record at a time
(``modules.registry.editing``: through the exchange importer, so a form's edit is checked, audited and sent to the
outbox as a file's would be)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
from bcenter.modules.registry import editing
from bcenter.modules.registry.card import AccountCard, account_card
from bcenter.modules.registry.editing import FIELDS, KINDS, Field, FieldErrors, Record  # noqa: F401  (for the faces)
from db.search import search_accounts


@dataclass(frozen=True, slots=True)
class AccountFound:
    """An account found: its number, address and the names of its holder and residents."""

    account_id: str
    number: str
    address: str
    names: str


class RegistryCases(UseCases):
    @use_case(P.ACCOUNTS_SEARCH, "поиск лицевых счетов")
    def search(self, text: str, *, limit: int = 20) -> tuple[AccountFound, ...]:
        """Accounts whose number, address or names contain every word of ``text`` as a prefix."""
        return tuple(AccountFound(**row) for row in search_accounts(self.db, text, limit=limit))

    @use_case(P.ACCOUNTS_SEARCH, "карточка лицевого счёта")
    def card(self, number: str) -> AccountCard:
        """The premises, holder, residents and owners today, the services billed (names only). Who is registered
        and who owns — names, dates, shares — only for a role that reads the passport desk's cards
        (``PASSPORT_READ``, docs/design.md «Who sees»): for a cashier, an accountant or a meter reader
        ``residents`` and ``owners`` are None (the payer stays: it is on the bill)."""
        card = account_card(self.db, number, day=self.app.clock.today())
        if not self.app.actor.may(P.PASSPORT_READ):
            card = dataclasses.replace(card, residents=None, owners=None)
        return card

    @use_case(P.REGISTRY_WRITE, "картотека: список записей")
    def records(self, kind: str, text: str = "", *, limit: int = 50) -> list[tuple[str, str]]:
        """(code, title) of the records of ``kind`` (house, premises, account, tariff, norm) matching ``text``."""
        return editing.listing(self.db, kind, text, limit=limit)

    @use_case(P.REGISTRY_WRITE, "картотека: запись")
    def record(self, kind: str, code: str) -> Record:
        return editing.read(self.db, kind, code)

    @use_case(P.REGISTRY_WRITE, "картотека: изменение записи", writes=True)
    def edit(self, kind: str, code: str, values: dict[str, str | None]) -> tuple[Record, list[str]]:
        """Save the changed fields (path → text as typed); ``FieldErrors`` names each field refused."""
        self.app.system.ensure_initialized()
        return editing.edit(self.db, kind, code, values, actor=self.app.actor.user, today=self.app.clock.today())

    @use_case(P.REGISTRY_WRITE, "картотека: новый тариф или норматив с даты", writes=True)
    def new_rate(self, kind: str, code: str, *, start: str, value: str) -> Record:
        self.app.system.ensure_initialized()
        return editing.new_rate(self.db, kind, code, start=start, value=value, actor=self.app.actor.user,
                                today=self.app.clock.today())
