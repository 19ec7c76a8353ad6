"""The working-day calendar: statutory holidays, 调休 make-up days, fallback years, overrides."""
from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from parsing.workdays import LUNAR_NEW_YEAR, WorkCalendar, festival_day, spring_festival


def test_holidays_and_make_up_days() -> None:
    cal = WorkCalendar()
    assert not cal.is_workday(date(2023, 1, 23))  # Monday inside the Spring Festival holiday
    assert cal.is_workday(date(2023, 1, 28))  # Saturday 调休 working day
    assert not cal.is_workday(date(2023, 3, 18))  # plain Saturday


def test_add_workdays_skips_holidays_and_counts_make_up_days() -> None:
    cal = WorkCalendar()
    # 2023-09-29..10-06 off, 10-07 and 10-08 (weekend) worked
    assert cal.add_workdays(date(2023, 9, 28), 1) == date(2023, 10, 7)
    assert cal.add_workdays(date(2023, 3, 17), 1) == date(2023, 3, 20)  # the issue day never counts
    assert cal.add_workdays(date(2023, 3, 20), -1) == date(2023, 3, 17)
    assert cal.add_workdays(date(2023, 3, 20), 0) == date(2023, 3, 20)


def test_unknown_years_fall_back_to_weekends_and_are_unconfirmed() -> None:
    cal = WorkCalendar()
    assert cal.confirmed(2026)
    assert not cal.confirmed(2027)
    assert cal.is_workday(date(2027, 1, 1))  # a Friday: the fallback knows no holidays
    assert not cal.is_workday(date(2027, 1, 2))
    assert not cal.range_confirmed(date(2026, 12, 1), date(2027, 1, 5))


def test_overrides_win() -> None:
    cal = WorkCalendar({date(2027, 1, 1): False, date(2023, 3, 18): True})
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2023, 3, 18))
    assert cal.add_workdays(date(2023, 3, 17), 1) == date(2023, 3, 18)


def test_spring_festival_dates() -> None:
    assert spring_festival(2023) == date(2023, 1, 22)
    assert spring_festival(2030) == date(2030, 2, 3)
    assert spring_festival(1999) is None
    assert festival_day("国庆节", 2024) == date(2024, 10, 1)
    assert festival_day("元旦", 2031) == date(2031, 1, 1)


@pytest.mark.parametrize("year", range(2004, 2027))
def test_lunar_table_agrees_with_the_package(year: int) -> None:
    # the festival day itself is always a statutory Spring Festival holiday
    assert chinese_calendar.get_holiday_detail(LUNAR_NEW_YEAR[year]) == (True, "Spring Festival")


def test_holiday_span() -> None:
    cal = WorkCalendar()
    assert cal.holiday_span("春节", 2023) == (date(2023, 1, 21), date(2023, 1, 27))
    assert cal.holiday_span("春节", 2030) is None
