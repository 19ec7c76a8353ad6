"""The working-day calendar: statutory holidays, 调休 make-up days, fallback years, overrides."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from parsing.workdays import (
    DRAGON_BOAT,
    LUNAR_NEW_YEAR,
    MID_AUTUMN,
    WorkCalendar,
    festival_day,
    qingming,
)


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
    assert festival_day("春节", 2023) == date(2023, 1, 22)
    assert festival_day("春节", 2030) == date(2030, 2, 3)
    assert festival_day("春节", 1999) is None
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


# --- 清明, 端午, 中秋 ---------------------------------------------------------------------------------

PACKAGE_FESTIVAL_YEARS = range(2008, 2027)  # 清明, 端午 and 中秋 are statutory holidays from 2008 on


@pytest.mark.parametrize("year", PACKAGE_FESTIVAL_YEARS)
def test_qingming_is_the_package_holiday_day(year: int) -> None:
    # the statutory 清明 holiday is the solar-term day itself, and the package marks it in every year
    assert chinese_calendar.get_holiday_detail(qingming(year)) == (True, "Tomb-sweeping Day")


def test_qingming_beyond_the_package_and_out_of_range() -> None:
    assert qingming(2024) == date(2024, 4, 4)
    assert qingming(2023) == date(2023, 4, 5)
    assert qingming(2027) == date(2027, 4, 5)  # computed: the solar term needs no holiday data
    assert festival_day("清明", 2030) == date(2030, 4, 5)
    assert qingming(1899) is None  # the package's solar-term formula covers 1900–2100 only
    assert qingming(2101) is None


@pytest.mark.parametrize(("name", "expected"), [
    ("中秋", date(2023, 9, 29)),  # merged into the 国庆 break
    ("端午", date(2024, 6, 10)),
    ("中秋", date(2024, 9, 17)),
    ("端午", date(2025, 5, 31)),  # a Saturday at the start of a Sat–Mon block (2024's fell on the Monday)
    ("中秋", date(2025, 10, 6)),  # inside the 国庆 break
    ("端午", date(2012, 6, 23)),  # a Saturday the package leaves unmarked
    ("中秋", date(2020, 10, 1)),  # the package files it under National Day
])
def test_lunar_festivals_on_known_dates(name: str, expected: date) -> None:
    assert festival_day(name, expected.year) == expected


def test_lunar_festival_tables_hold_only_the_package_years() -> None:
    assert sorted(DRAGON_BOAT) == sorted(MID_AUTUMN) == list(PACKAGE_FESTIVAL_YEARS)
    assert festival_day("端午", 2027) is None  # beyond the data: None, so the deadline is flagged
    assert festival_day("中秋", 2007) is None
    assert festival_day("重阳", 2024) is None  # a name the calendar does not know


def _off_run(day: date) -> list[date]:
    """The run of consecutive days off (weekends included) that contains `day`."""
    first = last = day
    while chinese_calendar.is_holiday(first - timedelta(days=1)):
        first -= timedelta(days=1)
    while chinese_calendar.is_holiday(last + timedelta(days=1)):
        last += timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.mark.parametrize("year", PACKAGE_FESTIVAL_YEARS)
@pytest.mark.parametrize(("table", "english"), [
    (DRAGON_BOAT, "Dragon Boat Festival"), (MID_AUTUMN, "Mid-autumn Festival"),
])
def test_lunar_festival_lies_in_the_package_block(year: int, table: dict[int, date], english: str) -> None:
    day = table[year]
    assert chinese_calendar.is_holiday(day)
    names = {chinese_calendar.get_holiday_detail(d)[1] for d in _off_run(day)}
    assert english in names or (english == "Mid-autumn Festival" and "National Day" in names)


@pytest.mark.parametrize("year", PACKAGE_FESTIVAL_YEARS)
def test_lunar_festivals_agree_with_the_spring_festival(year: int) -> None:
    # 5th day of the 5th month: four lunar months (five with a leap month) of 29 or 30 days, plus 4 days,
    # after 春节; 中秋 (15th of the 8th) three (or four) months plus 10 days after 端午
    to_dragon = (DRAGON_BOAT[year] - LUNAR_NEW_YEAR[year]).days
    to_moon = (MID_AUTUMN[year] - DRAGON_BOAT[year]).days
    assert 4 * 29 + 4 <= to_dragon <= 4 * 30 + 4 or 5 * 29 + 4 <= to_dragon <= 5 * 30 + 4
    assert 3 * 29 + 10 <= to_moon <= 3 * 30 + 10 or 4 * 29 + 10 <= to_moon <= 4 * 30 + 10


def test_festival_blocks() -> None:
    cal = WorkCalendar()
    assert cal.holiday_span("端午", 2024) == (date(2024, 6, 8), date(2024, 6, 10))
    assert cal.holiday_span("中秋", 2023) == (date(2023, 9, 29), date(2023, 10, 6))
    assert cal.holiday_span("中秋", 2020) == (date(2020, 10, 1), date(2020, 10, 8))  # found from the day
    assert cal.holiday_span("清明", 2024) == (date(2024, 4, 4), date(2024, 4, 6))
    assert cal.holiday_span("端午", 2027) is None
