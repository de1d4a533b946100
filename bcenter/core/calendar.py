"""Рабочие и нерабочие дни: производственный календарь РФ и перенос срока на ближайший рабочий день.

Rules and sources:

* ст. 111 ТК РФ — at a five-day working week the two days off are Saturday and Sunday (the usual case, used here).
* ст. 112 ТК РФ — public holidays (нерабочие праздничные дни): 1–6 and 8 January (новогодние каникулы), 7 January
  (Рождество), 23 February, 8 March, 1 May, 9 May, 12 June, 4 November. When a holiday falls on a Saturday or Sunday,
  that day off moves to the next working day — except for the January holidays (1–8 January): the Government moves
  two of those to other days of the year by an annual decree «О переносе выходных дней в … году», which may also move
  ordinary Saturdays (they become working days, «рабочая суббота») and replace an automatic move (2014, 2025).
* ст. 193 ГК РФ — when the last day of a term falls on a non-working day, the term ends on the next working day:
  a payment due on Sunday 15.03.2026 is due on Monday 16.03.2026 (DOMAIN.md §3.3).

So a ``WorkCalendar`` is the weekend rule plus two override sets: weekdays that are not worked (holidays and
transferred days off) and weekend days that are worked (transferred working Saturdays). The published calendar is a
dated table (``assets/law/production_calendar.json``); an exchange document may add to it
(``settings.non_working_days`` / ``settings.working_days``, EXCHANGE.md). This module is pure: it reads no files —
whoever loads the table passes the parsed mapping to ``WorkCalendar.from_table``.

Days declared non-working by presidential decrees (30.03–08.05.2020, 24.06 and 01.07.2020, 04–07.05.2021,
30.10–07.11.2021) are not non-working days for ст. 193 ГК РФ (Обзор ВС РФ № 1 от 21.04.2020, вопрос 5), so they
are not in the default calendar; the table lists them apart for reference.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bcenter.core.errors import InvalidValue

__all__ = ["DEFAULT_HOLIDAY_RULE", "HolidayRule", "WorkCalendar"]

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class HolidayRule:
    """The statutory rule that produces a year's days off before (and with) the Government's transfers.

    Attributes:
        new_year_holidays: (month, day) of holidays that do NOT move automatically when they fall on a weekend
            (ст. 112 ч. 1 абз. 2–3 and ч. 2 ТК РФ: 1–8 January); the Government transfers them by decree.
        holidays: (month, day) of the other holidays; on a weekend they move to the next working day (ст. 112 ч. 2).
        weekend: ``date.weekday()`` numbers of the weekly days off (ст. 111 ТК РФ: Saturday = 5, Sunday = 6).
    """

    new_year_holidays: tuple[tuple[int, int], ...]
    holidays: tuple[tuple[int, int], ...]
    weekend: frozenset[int] = frozenset({5, 6})

    def holidays_of(self, year: int) -> frozenset[date]:
        """All public holidays of ``year`` (on any day of the week)."""
        return frozenset(date(year, m, d) for m, d in (*self.new_year_holidays, *self.holidays))

    def derive(self, year: int, transfers: Iterable[tuple[date, date]] = ()) -> tuple[frozenset[date], frozenset[date]]:
        """Days off of ``year`` by ст. 112 ТК РФ and the Government's transfers for that year.

        ``transfers`` are the decree's pairs «перенести выходной день с ``from`` на ``to``»: ``from`` is a Saturday or
        Sunday — an ordinary one (it becomes a working day) or a holiday (it stays a holiday, and when it is not a
        January holiday the decree replaces its automatic move). Returns ``(non_working_days, working_days)``:
        the Monday–Friday days that are not worked and the weekend days that are worked — the shape of the table.
        Without transfers the result is what the law alone fixes (the January moves are then missing).
        """
        holidays = self.holidays_of(year)
        new_year = frozenset(date(year, m, d) for m, d in self.new_year_holidays)
        pairs = [(_as_date(a, "transfers"), _as_date(b, "transfers")) for a, b in transfers]
        off = {d for d in _days_of(year) if d.weekday() in self.weekend or d in holidays}
        replaced = set()
        for source, target in pairs:
            if source.year != year or target.year != year:
                raise InvalidValue(f"перенос выходного {source} → {target} выходит за пределы {year} года")
            if source.weekday() not in self.weekend:
                raise InvalidValue(f"перенести можно только выходной день (субботу или воскресенье): {source}")
            if source in holidays:
                replaced.add(source)
            else:
                off.discard(source)
            off.add(target)
        for holiday in sorted(holidays - new_year - replaced):
            if holiday.weekday() in self.weekend:
                moved = holiday + _ONE_DAY
                while moved in off:
                    moved += _ONE_DAY
                off.add(moved)
        non_working = frozenset(d for d in off if d.weekday() not in self.weekend)
        working = frozenset(d for d in _days_of(year) if d.weekday() in self.weekend and d not in off)
        return non_working, working


#: ст. 112 ТК РФ (в ред. ФЗ от 23.04.2012 № 35-ФЗ, с 2013 года): the holidays in force since 2013.
#: ст. 112 ч. 2: a holiday on a weekend moves that day off to the next working day, except 1–8 January, two of
#: which the Government moves by its annual decree. ст. 193 ГК РФ: a term ending on such a day ends on the next
#: working day (``WorkCalendar.next_working_day``).
DEFAULT_HOLIDAY_RULE = HolidayRule(
    new_year_holidays=(
        (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 8),  # новогодние каникулы (ст. 112 ч. 1 абз. 2)
        (1, 7),  # Рождество Христово (ст. 112 ч. 1 абз. 3)
    ),
    holidays=(
        (2, 23),  # День защитника Отечества
        (3, 8),  # Международный женский день
        (5, 1),  # Праздник Весны и Труда
        (5, 9),  # День Победы
        (6, 12),  # День России
        (11, 4),  # День народного единства
    ),
)


class WorkCalendar:
    """Working days: Monday–Friday, except listed days off; plus listed working weekend days.

    ``non_working_days`` are holidays and transferred days off (on any weekday; a listed Saturday is harmless);
    ``working_days`` are weekend days worked by transfer. A day in both lists is an error (``InvalidValue``).
    The calendar is immutable; ``with_overrides`` makes a new one.
    """

    __slots__ = ("_non_working", "_working", "_non_working_weekdays", "_working_weekends", "_weekend")

    def __init__(
        self,
        non_working_days: Iterable[date] = (),
        working_days: Iterable[date] = (),
        *,
        weekend: Iterable[int] = DEFAULT_HOLIDAY_RULE.weekend,
    ) -> None:
        self._non_working = frozenset(_as_date(d, "non_working_days") for d in non_working_days)
        self._working = frozenset(_as_date(d, "working_days") for d in working_days)
        self._weekend = frozenset(weekend)
        both = self._non_working & self._working
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise InvalidValue(f"день не может быть одновременно рабочим и нерабочим: {listed}")
        # Sorted lists of the days that change the weekend rule, for counting by bisection.
        self._non_working_weekdays = sorted(d for d in self._non_working if d.weekday() not in self._weekend)
        self._working_weekends = sorted(d for d in self._working if d.weekday() in self._weekend)

    @classmethod
    def from_table(cls, table: Mapping[str, object], *, derive_years: Iterable[int] = ()) -> WorkCalendar:
        """A calendar from the parsed production-calendar table (``{"years": {"2026": {...}}}``).

        Each year gives ``non_working_days`` and ``working_days`` as "YYYY-MM-DD" strings. ``derive_years`` adds
        years missing from the table by ``DEFAULT_HOLIDAY_RULE`` alone (without the Government's January transfers,
        which are not known before the decree) — better than weekends only, still to be replaced by the decree.
        """
        years = table.get("years") if isinstance(table, Mapping) else None
        if not isinstance(years, Mapping):
            raise InvalidValue("в таблице производственного календаря нет раздела years")
        non_working: set[date] = set()
        working: set[date] = set()
        for year_key, year_data in years.items():
            if not isinstance(year_data, Mapping):
                raise InvalidValue("год календаря должен быть объектом", value=year_key)
            for key, target in (("non_working_days", non_working), ("working_days", working)):
                for text in year_data.get(key, ()):
                    day = _parse_iso_date(text, f"years.{year_key}.{key}")
                    if str(day.year) != str(year_key):
                        raise InvalidValue(f"дата {text} записана в год {year_key}", path=f"years.{year_key}.{key}")
                    target.add(day)
        known = {int(y) for y in years}
        for year in derive_years:
            if year not in known:
                derived_off, derived_on = DEFAULT_HOLIDAY_RULE.derive(year)
                non_working |= derived_off
                working |= derived_on
        return cls(non_working, working)

    def with_overrides(self, non_working_days: Iterable[date] = (), working_days: Iterable[date] = ()) -> WorkCalendar:
        """A new calendar where the given days win over this one's lists (a document's settings over the law table)."""
        extra_off = {_as_date(d, "non_working_days") for d in non_working_days}
        extra_on = {_as_date(d, "working_days") for d in working_days}
        both = extra_off & extra_on
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise InvalidValue(f"день не может быть одновременно рабочим и нерабочим: {listed}")
        return WorkCalendar(
            (self._non_working - extra_on) | extra_off,
            (self._working - extra_off) | extra_on,
            weekend=self._weekend,
        )

    @property
    def non_working_days(self) -> frozenset[date]:
        """The listed days off (holidays and transferred days off)."""
        return self._non_working

    @property
    def working_days(self) -> frozenset[date]:
        """The listed working days (transferred working Saturdays and the like)."""
        return self._working

    def is_working(self, d: date) -> bool:
        """True for a working day: a listed working day, else not listed as a day off and not a Saturday/Sunday."""
        d = _as_date(d, "d")
        if d in self._working:
            return True
        if d in self._non_working:
            return False
        return d.weekday() not in self._weekend

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it (ст. 193 ГК РФ)."""
        d = _as_date(d, "d")
        while not self.is_working(d):
            d += _ONE_DAY
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in the half-open range ``[start, end)``; negative when ``end < start``."""
        start, end = _as_date(start, "start"), _as_date(end, "end")
        if end < start:
            return -self.working_days_between(end, start)
        total = _count_weekdays(start, end, self._weekend)
        total -= bisect_left(self._non_working_weekdays, end) - bisect_left(self._non_working_weekdays, start)
        total += bisect_left(self._working_weekends, end) - bisect_left(self._working_weekends, start)
        return total

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkCalendar):
            return NotImplemented
        return (self._non_working, self._working, self._weekend) == (other._non_working, other._working, other._weekend)

    def __hash__(self) -> int:
        return hash((self._non_working, self._working, self._weekend))

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self._non_working)} non-working days, {len(self._working)} working days)"


def _count_weekdays(start: date, end: date, weekend: frozenset[int]) -> int:
    """Days in ``[start, end)`` whose weekday is not a weekend day: whole weeks by arithmetic, the rest by hand."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * (7 - len(weekend))
    first = start.weekday()
    count += sum(1 for i in range(rest) if (first + i) % 7 not in weekend)
    return count


def _days_of(year: int) -> Iterable[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += _ONE_DAY


def _as_date(value: object, name: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name}: ожидается date, получено {type(value).__name__} (expected datetime.date)")
    return value


def _parse_iso_date(text: object, path: str) -> date:
    if not isinstance(text, str) or len(text) != 10:
        raise InvalidValue("ожидается дата в формате ГГГГ-ММ-ДД", value=text, path=path)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue("ожидается дата в формате ГГГГ-ММ-ДД", value=text, path=path) from None
