"""Values of a registry line as banks write them: every way of writing an amount reads back to the same kopecks,
and what is not an amount, a date or a period is named."""
from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, strategies as st

from bcenter.core.period import Period
from bcenter.modules.finance.registry_formats import MAX_RUBLES, _date, _money, _period, _time


@given(st.integers(min_value=0, max_value=MAX_RUBLES * 100 - 1), st.sampled_from([".", ","]), st.booleans(),
       st.booleans())
def test_an_amount_written_any_way_reads_back_to_its_kopecks(kop, point, grouped, short):
    rubles, kopecks = divmod(kop, 100)
    whole = f"{rubles:,}".replace(",", "\u00a0") if grouped else str(rubles)
    text = whole if short and kopecks == 0 else f"{whole}{point}{kopecks:02d}"
    assert _money(text) == kop


@pytest.mark.parametrize("text, reason", [("12.345", "двух знаков"), ("1.2.3", "не сумма"), ("abc", "не сумма"),
                                          ("", "не сумма"), ("-", "не сумма"), ("1e3", "не сумма")])
def test_what_is_not_an_amount_is_named(text, reason):
    with pytest.raises(ValueError, match=reason):
        _money(text)


def test_dates_times_and_periods_in_the_layouts_banks_use():
    assert _date("04-12-2026", "%d-%m-%Y") == _date("04/12/2026", "%d/%m/%Y") == date(2026, 12, 4)
    assert _date("04.12.26", "%d.%m.%y") == date(2026, 12, 4)
    assert _time("09-05-07", "%H-%M-%S") == time(9, 5, 7)
    assert _period("1126") == _period("11.2026") == _period("2026-11") == Period(2026, 11)
    for bad in ("31-11-2026", "2026-12-04", "4-12-2026 "):
        if bad.strip() == "4-12-2026":
            assert _date(bad, "%d-%m-%Y") == date(2026, 12, 4)  # one digit and spaces around: as strptime reads
            continue
        with pytest.raises(ValueError, match="не дата в формате ДД-ММ-ГГГГ"):
            _date(bad, "%d-%m-%Y")
    with pytest.raises(ValueError, match="месяц должен быть от 01 до 12"):
        _period("13/2026")
    with pytest.raises(ValueError, match="не период"):
        _period("ноябрь")
