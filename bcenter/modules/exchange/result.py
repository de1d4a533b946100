"""What an import did: rows written per table, objects found already there, master data updated."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (rows per table) and what it found already there (objects per array)."""

    inserted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    updated: list[str] = field(default_factory=list)
    readings: Counter = field(default_factory=Counter)
    """New individual readings the validation rules kept out of the month, by status (``rejected``,
    ``unconfirmed``), and those with only a note (``accepted``)."""
    reading_notes: list[str] = field(default_factory=list)
    """The first of them: where in the document and why."""

    @property
    def changed(self) -> bool:
        return bool(sum(self.inserted.values()) or self.updated)
