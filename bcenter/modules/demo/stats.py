"""Counting what a demo town holds (for the CLI's summary line and for benchmarks)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass
class TownStats:
    """Objects per array over the documents seen.

    >>> stats = TownStats()
    >>> for doc in stats.watch(generate_town(accounts=100)):
    ...     importer.load(doc)
    >>> stats.counts["accounts"]
    100
    """

    documents: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, doc: dict) -> dict:
        """Counts one document and returns it unchanged."""
        self.documents += 1
        counts = self.counts
        for key, value in doc.items():
            if isinstance(value, list):
                counts[key] = counts.get(key, 0) + len(value)
        return doc

    def watch(self, docs: Iterable[dict]) -> Iterator[dict]:
        """Passes the documents through, counting them."""
        for doc in docs:
            yield self.add(doc)

    @classmethod
    def of(cls, docs: Iterable[dict]) -> "TownStats":
        stats = cls()
        for doc in docs:
            stats.add(doc)
        return stats

    @property
    def objects(self) -> int:
        return sum(self.counts.values())

    def per_accounts(self, per: int = 1000) -> dict[str, float]:
        """Objects of each kind per ``per`` accounts."""
        n = self.counts.get("accounts", 0)
        if not n:
            return {}
        return {k: round(v * per / n, 1) for k, v in sorted(self.counts.items())}


def summarize(docs: Iterable[dict]) -> dict[str, int]:
    """{array name: number of objects} over all documents."""
    return dict(TownStats.of(docs).counts)
