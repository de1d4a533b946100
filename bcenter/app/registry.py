"""Картотека: finding accounts."""
from __future__ import annotations

from dataclasses import dataclass

from bcenter.app.base import UseCases, use_case
from bcenter.core.access import Permission as P
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
