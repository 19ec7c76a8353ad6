"""The Chinese working-day calendar: statutory holidays, 调休 make-up days, office overrides.

`chinese_calendar` (package `chinesecalendar`) knows the State Council's holiday arrangements for the
years it ships (2004–2026 in 1.11) and raises NotImplementedError outside them. For those years we
fall back to "Monday–Friday are working days" and report the year as unconfirmed, so that callers
can flag any deadline computed across it. Overrides (date → is a working day), typically the
office's own HolidayOverride table, win over both.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

# 春节 (first day of the first lunar month). The package marks the whole holiday block, which may
# start on 除夕, so the festival day itself is kept here as data; 2027–2035 are beyond the package
# and come from the published lunar calendar (Purple Mountain Observatory tables).
LUNAR_NEW_YEAR: dict[int, date] = {
    y: date(y, m, d)
    for y, m, d in (
        (2000, 2, 5), (2001, 1, 24), (2002, 2, 12), (2003, 2, 1), (2004, 1, 22), (2005, 2, 9),
        (2006, 1, 29), (2007, 2, 18), (2008, 2, 7), (2009, 1, 26), (2010, 2, 14), (2011, 2, 3),
        (2012, 1, 23), (2013, 2, 10), (2014, 1, 31), (2015, 2, 19), (2016, 2, 8), (2017, 1, 28),
        (2018, 2, 16), (2019, 2, 5), (2020, 1, 25), (2021, 2, 12), (2022, 2, 1), (2023, 1, 22),
        (2024, 2, 10), (2025, 1, 29), (2026, 2, 17), (2027, 2, 6), (2028, 1, 26), (2029, 2, 13),
        (2030, 2, 3), (2031, 1, 23), (2032, 2, 11), (2033, 1, 31), (2034, 2, 19), (2035, 2, 8),
    )
}

# Holidays with a fixed Gregorian date: name → (month, day) of the festival's first day.
FIXED_HOLIDAYS: dict[str, tuple[int, int]] = {
    "元旦": (1, 1),
    "劳动节": (5, 1),
    "国庆节": (10, 1),
}

# chinese_calendar's English holiday names for the Chinese names the grammar uses.
_PACKAGE_NAMES: dict[str, str] = {
    "元旦": chinese_calendar.Holiday.new_years_day.value,
    "春节": chinese_calendar.Holiday.spring_festival.value,
    "清明": chinese_calendar.Holiday.tomb_sweeping_day.value,
    "劳动节": chinese_calendar.Holiday.labour_day.value,
    "端午": chinese_calendar.Holiday.dragon_boat_festival.value,
    "国庆节": chinese_calendar.Holiday.national_day.value,
    "中秋": chinese_calendar.Holiday.mid_autumn_festival.value,
}

_MAX_SCAN_DAYS = 3660  # ten years: bounds every day-by-day walk


def spring_festival(year: int) -> date | None:
    """The day of 春节 in `year`, or None when the year is outside the table."""
    return LUNAR_NEW_YEAR.get(year)


def festival_day(name: str, year: int) -> date | None:
    """The (first) day of a named festival in `year`: 春节, 元旦, 劳动节, 国庆节; None if unknown."""
    if name == "春节":
        return spring_festival(year)
    if name in FIXED_HOLIDAYS:
        month, day = FIXED_HOLIDAYS[name]
        return date(year, month, day)
    return None


@lru_cache(maxsize=64)
def _package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers "is this a working day?" and counts working days, on the official calendar.

    `overrides` maps a date to True (working day) or False (day off) and wins over the package.
    """

    __slots__ = ("_overrides",)

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        self._overrides: dict[date, bool] = dict(overrides or {})

    def confirmed(self, year: int) -> bool:
        """True when the holiday arrangement of `year` is known (not the weekends-only fallback)."""
        return _package_knows(year)

    def range_confirmed(self, first: date, last: date) -> bool:
        """True when every year touched by [first, last] is confirmed."""
        lo, hi = min(first, last), max(first, last)
        return all(self.confirmed(y) for y in range(lo.year, hi.year + 1))

    def is_workday(self, d: date) -> bool:
        if d in self._overrides:
            return self._overrides[d]
        if _package_knows(d.year):
            return bool(chinese_calendar.is_workday(d))
        return d.weekday() < 5

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after `start` (before it when n < 0); `start` itself never counts.

        "3个工作日内" issued on a Friday ends on the third working day from the next Monday: the period
        starts the day after the issue date, as for 期间 in 民法典 art. 201.
        """
        if n == 0:
            return start
        step = timedelta(days=1 if n > 0 else -1)
        remaining, d = abs(n), start
        for _ in range(_MAX_SCAN_DAYS):
            d += step
            if self.is_workday(d):
                remaining -= 1
                if remaining == 0:
                    return d
        raise ValueError(f"no {n} working days within ten years of {start}")

    def next_workday(self, d: date) -> date:
        """The first working day strictly after `d`."""
        return self.add_workdays(d, 1)

    def holiday_span(self, name: str, year: int) -> tuple[date, date] | None:
        """First and last day off of a statutory holiday (e.g. 春节) in `year`, from the package.

        None when the package does not know the year or the name; the block is the run of days
        off (including adjoining weekends) that contains the package's days for that holiday.
        """
        english = _PACKAGE_NAMES.get(name)
        if english is None or not self.confirmed(year):
            return None
        days = sorted(
            d for d, holiday in chinese_calendar.holidays.items()
            if holiday == english and d.year == year and not self.is_workday(d)
        )
        if not days:
            return None
        first, last = days[0], days[-1]
        while not self.is_workday(first - timedelta(days=1)):
            first -= timedelta(days=1)
        while not self.is_workday(last + timedelta(days=1)):
            last += timedelta(days=1)
        return first, last


DEFAULT_CALENDAR = WorkCalendar()
