"""Ставка для пеней: ключевая ставка, ограничение 9,5 % и моратории (ч. 14 ст. 155 ЖК РФ; DOMAIN.md §3.2, §3.4).

Rules and sources:

* ч. 14 ст. 155 ЖК РФ — пени are 1/300 (1/130 from day 91) of the refinancing rate «действующей на день фактической
  оплаты»; since 01.01.2016 the refinancing rate equals the Bank of Russia key rate (``KeyRate`` rows: the rate holds
  from ``start`` until the next row).
* ПП 474 of 26.03.2022 and its extensions (ПП 1681, 2479, 2382, 329, up to 01.01.2027) — a cap on that rate
  (``RateCap``): ``mode="fixed"`` — the rate *is* ``max_rate`` (9.5 %, the key rate of 27.02.2022) whatever the key
  rate; ``mode="min"`` — the rate is min(``max_rate``, key rate).
* ПП 424 of 02.04.2020 (all debts) and ПП 497 of 28.03.2022 (bankruptcy moratorium: only obligations that arose
  before 01.04.2022) — days without penalties (``Moratorium``).

``effective_rate(day)`` is the rate for money paid on ``day``: the cap row is chosen by the same day as the key
rate (DOMAIN.md §3.2 «min(cap, key_rate(payment_date)) where a cap is in force»). Which day the penalty engine
asks about — the repayment day or the calculation date — is decided in ``bcenter.engine.penalties``.

Dated intervals of caps and moratoria are half-open ``[start, end)`` like ``assets/law/*.json`` and the exchange
format (EXCHANGE.md): ``end`` is the first day *not* covered. The engine reads no files: whoever loads the law
tables passes them in (``RateTable(...)`` or ``RateTable.from_tables`` over the parsed JSON rows).
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bcenter.core.dates import parse_date
from bcenter.core.errors import InvalidValue
from bcenter.core.money import to_decimal
from bcenter.engine.guards import check_date as _check_date

__all__ = ["CAP_MODES", "KeyRate", "Moratorium", "RateCap", "RateTable"]

CAP_MODES = ("fixed", "min")
"""``fixed``: rate = max_rate (ПП 474 before 01.08.2022); ``min``: rate = min(max_rate, key rate) (ПП 1681 and later)."""



def _check_rate(value: object, name: str) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name}: ставка — Decimal, получено {type(value).__name__} (rates are Decimal)")
    if not value.is_finite() or value < 0:
        raise InvalidValue("ставка должна быть неотрицательным числом", value=value, path=name)


@dataclass(frozen=True, slots=True)
class KeyRate:
    """Ключевая ставка Банка России from a day on (= ставка рефинансирования since 01.01.2016).

    Attributes:
        start: the first day the rate is in force; it holds until the next row's ``start``.
        rate: percent per year, e.g. ``Decimal("21.0")``.
    """

    start: date
    rate: Decimal

    def __post_init__(self) -> None:
        _check_date(self.start, "KeyRate.start")
        _check_rate(self.rate, "KeyRate.rate")


@dataclass(frozen=True, slots=True)
class RateCap:
    """A cap on the penalty rate (ПП 474 / 1681 / 2479 / 2382 / 329), in force on ``[start, end)``.

    Attributes:
        start: the first day covered.
        end: the first day *not* covered (half-open, as ``assets/law/penalty_rate_caps.json``).
        max_rate: percent per year, 9.5 in every decree so far.
        mode: ``"fixed"`` (rate = max_rate) or ``"min"`` (rate = min(max_rate, key rate)).
    """

    start: date
    end: date
    max_rate: Decimal
    mode: str = "min"

    def __post_init__(self) -> None:
        _check_date(self.start, "RateCap.start")
        _check_date(self.end, "RateCap.end")
        _check_rate(self.max_rate, "RateCap.max_rate")
        if self.end <= self.start:
            raise InvalidValue("конец ограничения ставки должен быть позже начала", value=self.end, path="RateCap.end")
        if self.mode not in CAP_MODES:
            raise InvalidValue("режим ограничения ставки: fixed или min", value=self.mode, path="RateCap.mode")

    def covers(self, day: date) -> bool:
        """``start <= day < end``."""
        return self.start <= day < self.end


@dataclass(frozen=True, slots=True)
class Moratorium:
    """Days on which penalties are not accrued (ПП 424 of 02.04.2020; ПП 497 of 28.03.2022), ``[start, end)``.

    Attributes:
        start: the first day without penalties.
        end: the first day penalties accrue again (half-open, as ``assets/law/moratoria.json``).
        debts_before: None — applies to every debt (ПП 424); a date — only to debts that arose before it
            (ПП 497: ``2022-04-01``; ст. 9.1, 63 Закона о банкротстве, п. 7 Пленума ВС № 44).
    """

    start: date
    end: date
    debts_before: date | None = None

    def __post_init__(self) -> None:
        _check_date(self.start, "Moratorium.start")
        _check_date(self.end, "Moratorium.end")
        if self.debts_before is not None:
            _check_date(self.debts_before, "Moratorium.debts_before")
        if self.end <= self.start:
            raise InvalidValue("конец моратория должен быть позже начала", value=self.end, path="Moratorium.end")

    def applies_to(self, debt_arose: date) -> bool:
        """Whether this moratorium covers a debt that arose on ``debt_arose`` (any day of the moratorium)."""
        return self.debts_before is None or debt_arose < self.debts_before

    def covers(self, day: date, *, debt_arose: date) -> bool:
        """True if ``day`` is in ``[start, end)`` and the moratorium applies to that debt."""
        return self.start <= day < self.end and self.applies_to(debt_arose)


@dataclass(frozen=True, slots=True)
class RateTable:
    """The dated tables the penalty calculation needs, sorted and checked; immutable.

    Build it from sequences of rows in any order: ``RateTable(key_rates, caps, moratoria)``. Two key rates on the
    same day and overlapping caps are errors (``InvalidValue``) — use ``overridden_by`` to let a document's rows
    win over the law's (EXCHANGE.md ``settings.penalty_rate_caps``, ``key_rates``, ``moratoria``).

    Attributes:
        key_rates: ``KeyRate`` rows sorted by ``start``.
        caps: ``RateCap`` rows sorted by ``start``, not overlapping.
        moratoria: ``Moratorium`` rows sorted by ``start`` (they may overlap: a day is free if any covers it).
    """

    key_rates: tuple[KeyRate, ...]
    caps: tuple[RateCap, ...] = ()
    moratoria: tuple[Moratorium, ...] = ()
    _starts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _cap_starts: tuple[date, ...] = field(init=False, repr=False, compare=False)
    _effective: dict = field(init=False, repr=False, compare=False)
    _shapes: dict = field(init=False, repr=False, compare=False)
    _cuts: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key_rates = tuple(sorted(_typed(self.key_rates, KeyRate, "key_rates"), key=lambda r: r.start))
        caps = tuple(sorted(_typed(self.caps, RateCap, "caps"), key=lambda c: c.start))
        moratoria = tuple(sorted(_typed(self.moratoria, Moratorium, "moratoria"), key=lambda m: (m.start, m.end)))
        for before, after in itertools.pairwise(key_rates):
            if before.start == after.start:
                raise InvalidValue("две ключевые ставки с одной даты", value=after.start.isoformat())
        for before, after in itertools.pairwise(caps):
            if after.start < before.end:
                raise InvalidValue(
                    "периоды ограничения ставки пересекаются", value=f"{before.start}…{before.end} и {after.start}"
                )
        object.__setattr__(self, "key_rates", key_rates)
        object.__setattr__(self, "caps", caps)
        object.__setattr__(self, "moratoria", moratoria)
        object.__setattr__(self, "_starts", tuple(r.start for r in key_rates))
        object.__setattr__(self, "_cap_starts", tuple(c.start for c in caps))
        object.__setattr__(self, "_effective", {})  # day → effective rate (the table never changes)
        object.__setattr__(self, "_shapes", {})  # the penalty runs of an unpaid debt (``penalties``), by its days
        object.__setattr__(self, "_cuts", {})  # whether a fraction or a moratorium starts between two days (the same)

    # --- construction -------------------------------------------------------------------------------------------

    @classmethod
    def from_tables(
        cls,
        *,
        key_rates: Iterable[Mapping[str, object]] = (),
        caps: Iterable[Mapping[str, object]] = (),
        moratoria: Iterable[Mapping[str, object]] = (),
    ) -> RateTable:
        """A table from parsed JSON rows shaped as ``assets/law/*.json`` and EXCHANGE.md.

        ``key_rates``: ``{from, rate}``; ``caps``: ``{from, to, max_rate, mode?}`` (mode defaults to ``"min"``, the
        form of ``settings.penalty_rate_caps``); ``moratoria``: ``{from, to, applies_to: "all" | {"debts_before"}}``.
        Other keys (``source``, ``verified``, ``note``) are ignored.
        """
        return cls(
            tuple(KeyRate(parse_date(r["from"]), to_decimal(r["rate"])) for r in key_rates),
            tuple(
                RateCap(parse_date(r["from"]), parse_date(r["to"]), to_decimal(r["max_rate"]), r.get("mode", "min"))
                for r in caps
            ),
            tuple(_moratorium_row(r) for r in moratoria),
        )

    def overridden_by(
        self,
        *,
        key_rates: Iterable[KeyRate] = (),
        caps: Iterable[RateCap] = (),
        moratoria: Iterable[Moratorium] = (),
    ) -> RateTable:
        """A new table where the given rows win: a key rate replaces the one with the same ``start``; a cap replaces
        this table's caps on the days it covers (they are clipped around it); moratoria are added (EXCHANGE.md: a
        document's moratoria are added to the law's)."""
        new_rates = {r.start: r for r in self.key_rates}
        new_rates.update({r.start: r for r in key_rates})
        new_caps = tuple(caps)
        kept: list[RateCap] = list(self.caps)
        for cap in new_caps:
            clipped = []
            for old in kept:
                if old.end <= cap.start or cap.end <= old.start:
                    clipped.append(old)
                    continue
                if old.start < cap.start:
                    clipped.append(RateCap(old.start, cap.start, old.max_rate, old.mode))
                if cap.end < old.end:
                    clipped.append(RateCap(cap.end, old.end, old.max_rate, old.mode))
            kept = clipped
        return RateTable(tuple(new_rates.values()), (*kept, *new_caps), (*self.moratoria, *moratoria))

    # --- questions ----------------------------------------------------------------------------------------------

    def key_rate(self, day: date) -> Decimal:
        """The key rate in force on ``day``; ``InvalidValue`` if the table starts later."""
        _check_date(day, "day")
        index = bisect_right(self._starts, day) - 1
        if index < 0:
            raise InvalidValue("в таблице нет ключевой ставки на эту дату", value=day.isoformat())
        return self.key_rates[index].rate

    def cap(self, day: date) -> RateCap | None:
        """The cap in force on ``day``, or None."""
        _check_date(day, "day")
        index = bisect_right(self._cap_starts, day) - 1
        if index >= 0 and self.caps[index].covers(day):
            return self.caps[index]
        return None

    def effective_rate(self, day: date) -> Decimal:
        """The penalty rate for money paid on ``day`` (DOMAIN.md §3.2): the key rate in force that day, capped by
        the cap in force that day — ``fixed``: max_rate; ``min``: min(max_rate, key rate); no cap: the key rate."""
        found = self._effective.get(day)
        if found is None:
            found = self._effective[day] = self._effective_rate(day)
        return found

    def _effective_rate(self, day: date) -> Decimal:
        cap = self.cap(day)
        if cap is not None and cap.mode == "fixed":
            return cap.max_rate
        rate = self.key_rate(day)
        if cap is not None:
            return min(cap.max_rate, rate)
        return rate

    def in_moratorium(self, day: date, *, debt_arose: date) -> bool:
        """True if no penalty accrues on ``day`` for a debt that arose on ``debt_arose`` (ПП 424, ПП 497)."""
        _check_date(day, "day")
        _check_date(debt_arose, "debt_arose")
        return any(m.covers(day, debt_arose=debt_arose) for m in self.moratoria)

    def moratoria_for(self, debt_arose: date) -> tuple[Moratorium, ...]:
        """The moratoria that apply to a debt that arose on ``debt_arose`` (any of their days)."""
        return tuple(m for m in self.moratoria if m.applies_to(debt_arose))


def _typed(rows: Iterable[object], kind: type, name: str) -> list:
    rows = list(rows)
    for row in rows:
        if not isinstance(row, kind):
            raise TypeError(f"RateTable.{name}: ожидается {kind.__name__}, получено {type(row).__name__}")
    return rows


def _moratorium_row(row: Mapping[str, object]) -> Moratorium:
    applies_to = row.get("applies_to", "all")
    if applies_to == "all":
        debts_before = None
    elif isinstance(applies_to, Mapping) and "debts_before" in applies_to:
        debts_before = parse_date(applies_to["debts_before"])
    else:
        raise InvalidValue('applies_to: "all" или {"debts_before": "ГГГГ-ММ-ДД"}', value=applies_to)
    return Moratorium(parse_date(row["from"]), parse_date(row["to"]), debts_before)
