"""Перерасчёт: what is posted for a period against what it comes to now — the repair lines (in the spirit of Kill
Bill's repair items), a pure function.

Rules (ARCHITECTURE.md §3; ПП 354 п. 61 for late readings; the seed's «автоматический перерасчёт»):

* The month's own calculation: an account with nothing posted for the month (or whose every entry was reversed
  by a storno) gets a CHARGE entry with every line as calculated, each keeping its kind (charge, common property,
  quality, absence).
* Everything else is compared per account × service: calculated total − posted total (every kind together). A
  non-zero difference is a RECALC entry with one line of that amount, naming the period it corrects and the reason
  in words an accountant reads on the bill (method, tariff, volume, quality, absence — what changed). Equal totals
  post nothing, so running the same month twice changes nothing.
* A service no longer charged (nothing calculated, something posted) is repaired by a line that takes the posted
  amount back.
* Posted facts are never edited: a repair is a new entry in the open period.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Set
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bcenter.core.period import Period
from bcenter.core.quantity import canonical
from bcenter.engine.types import Derivation, Line

__all__ = ["MAIN_KINDS", "Posted", "Repair", "RepairLine", "reason", "repairs", "stored_volume"]

MAIN_KINDS = ("charge", "common_property")
"""Line kinds that carry a service's method, volume and tariff (reductions hide them)."""


@dataclass(frozen=True, slots=True)
class Posted:
    """What the ledger holds for one account × service of a period (every kind together).

    Attributes:
        amount: kopecks posted so far.
        method, volume, tariff: of the latest line that carried them (volume and tariff as stored text).
    """

    amount: int
    method: str | None = None
    volume: str | None = None
    tariff: str | None = None


@dataclass(frozen=True, slots=True)
class RepairLine:
    """A line to post: ``line`` gives the service, method, volume, tariff and derivation; ``kind`` and ``amount``
    are what is posted (a recalculation line posts the difference under the calculated line's particulars)."""

    line: Line
    kind: str
    amount: int


@dataclass(frozen=True, slots=True)
class Repair:
    """An entry to post: ``CHARGE`` (the month's own lines of an account) or ``RECALC`` (one account × service)."""

    account: str
    kind: str
    lines: tuple[RepairLine, ...]
    corrects: Period | None = None
    reason: str | None = None


def stored_volume(volume: Decimal) -> str:
    """The volume as the ledger and the ЕПД keep it: at most 7 decimals (ГИС ЖКХ NUMERIC(22,7), DOMAIN §0). Money
    was computed from the unrounded volume; this rounding is for showing only."""
    exact = canonical(volume)
    if "." in exact and len(exact.split(".")[1]) > 7:
        return canonical(volume.quantize(Decimal("0.0000001"), rounding=ROUND_HALF_UP))
    return exact


def reason(old: Posted | None, new: list[Line], corrects: Period) -> str:
    """Why a line was recalculated, in words an accountant reads on the bill."""
    parts = []
    main = next((ln for ln in new if ln.kind in MAIN_KINDS), None)
    if old is None or old.method is None:
        parts.append("начисление не проводилось")
    elif main is None:
        parts.append("услуга больше не начисляется")
    else:
        if main.method != old.method:
            parts.append(f"способ расчёта: {old.method} → {main.method}")
        if main.tariff is not None and old.tariff is not None and Decimal(old.tariff) != main.tariff:
            parts.append(f"тариф {old.tariff} → {canonical(main.tariff)}")
        if main.volume is not None and old.volume is not None and old.volume != stored_volume(main.volume):
            parts.append(f"объём {old.volume} → {stored_volume(main.volume)}")
    kinds = {ln.kind for ln in new} - set(MAIN_KINDS)
    if "quality" in kinds:
        parts.append("снижение платы за качество")
    if "absence" in kinds:
        parts.append("временное отсутствие")
    return f"перерасчёт за {corrects.label_ru}: " + ("; ".join(parts) or "изменились исходные данные")


def _withdrawn(service: str) -> Line:
    return Line(service=service, kind="recalc", method="fixed", volume=None, tariff=None, coefficient=Decimal(1),
                amount=0, excess=0,
                derivation=Derivation("fixed", "услуга больше не начисляется", "ПП 354, п. 61"))


def repairs(calculated: Mapping[str, tuple[Line, ...]], posted: Mapping[tuple[str, str], Posted],
            charged: Set[str], *, corrects: Period, own: bool) -> list[Repair]:
    """The entries that bring what is posted for period ``corrects`` to what is ``calculated`` now.

    ``calculated``: lines per account (in posting order); ``posted``: per (account, service); ``charged``: accounts
    with a live (not reversed) entry for the period; ``own``: ``corrects`` is the period being run, so an account
    with nothing live gets its lines as a CHARGE entry. CHARGE entries come first, in ``calculated`` order, then
    RECALC entries by (account, service)."""
    by_key: dict[tuple[str, str], list[Line]] = defaultdict(list)
    fresh: set[str] = set()
    out: list[Repair] = []
    for account, lines in calculated.items():
        if own and account not in charged:
            fresh.add(account)
            continue
        for line in lines:
            by_key[(account, line.service)].append(line)
    for account, lines in calculated.items():
        if account in fresh and lines:
            out.append(Repair(account, "CHARGE", tuple(RepairLine(ln, ln.kind, ln.amount) for ln in lines)))
    for key in sorted(set(by_key) | {k for k in posted if k[0] not in fresh}):
        account, service = key
        new_lines = by_key.get(key, [])
        old = posted.get(key)
        diff = sum(ln.amount for ln in new_lines) - (old.amount if old else 0)
        if diff == 0:
            continue
        why = reason(old, new_lines, corrects)
        template = next((ln for ln in new_lines if ln.kind in MAIN_KINDS), None) or \
            (new_lines[0] if new_lines else _withdrawn(service))
        out.append(Repair(account, "RECALC", (RepairLine(template, "recalc", diff),), corrects, why))
    return out
