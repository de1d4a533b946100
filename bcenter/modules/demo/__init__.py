"""Demo town generator: a believable Russian town in the bcenter exchange format v1 (EXCHANGE.md).

    from bcenter.modules.demo import generate_town, TownStats
    for doc in generate_town(accounts=2000, seed=1, until="2026-10"):
        ...   # the first document is the town-wide reference data, then one document per house
"""

from .reference import KEY_RATES
from .stats import TownStats, summarize
from .town import generate_town

__all__ = ["generate_town", "TownStats", "summarize", "KEY_RATES"]
