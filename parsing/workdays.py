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

import chinese_calendar  # type: ignore[import-untyped]

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

# 端午 (5th day of the 5th lunar month) and 中秋 (15th day of the 8th lunar month) for 2008–2026, the years
# the package ships with both as statutory holidays. The package marks holiday blocks, not the festival
# day (端午 2012 fell on an unmarked Saturday; 中秋 2020 is filed under National Day; a Sat–Mon block may
# hold the festival on the Saturday, 2025, or the Monday, 2024), so the day itself is kept here. Each date
# was computed from the new moon (Meeus ch. 49) and the month holding 夏至 / 秋分, agrees with the Hong
# Kong Observatory tables, and is checked in tests against the package's blocks and the 春节 table.
# No date beyond 2026: festival_day returns None and the deadline is flagged, never guessed.
DRAGON_BOAT: dict[int, date] = {
    y: date(y, m, d)
    for y, m, d in (
        (2008, 6, 8), (2009, 5, 28), (2010, 6, 16), (2011, 6, 6), (2012, 6, 23), (2013, 6, 12),
        (2014, 6, 2), (2015, 6, 20), (2016, 6, 9), (2017, 5, 30), (2018, 6, 18), (2019, 6, 7),
        (2020, 6, 25), (2021, 6, 14), (2022, 6, 3), (2023, 6, 22), (2024, 6, 10), (2025, 5, 31),
        (2026, 6, 19),
    )
}
MID_AUTUMN: dict[int, date] = {
    y: date(y, m, d)
    for y, m, d in (
        (2008, 9, 14), (2009, 10, 3), (2010, 9, 22), (2011, 9, 12), (2012, 9, 30), (2013, 9, 19),
        (2014, 9, 8), (2015, 9, 27), (2016, 9, 15), (2017, 10, 4), (2018, 9, 24), (2019, 9, 13),
        (2020, 10, 1), (2021, 9, 21), (2022, 9, 10), (2023, 9, 29), (2024, 9, 17), (2025, 10, 6),
        (2026, 9, 25),
    )
}
_LUNAR_TABLES: dict[str, dict[int, date]] = {"春节": LUNAR_NEW_YEAR, "端午": DRAGON_BOAT, "中秋": MID_AUTUMN}

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


@lru_cache(maxsize=256)
def qingming(year: int) -> date | None:
    """The day of 清明 (the solar term Pure Brightness) in `year`, or None outside 1900–2100.

    The package computes solar terms by the 寿星 formula with its own corrections; 清明 is the statutory
    holiday day itself, which the tests check for every year the package ships.
    """
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 30))
    except (NotImplementedError, ValueError):
        return None
    return next((day for day, term in terms if term == "清明"), None)


def festival_day(name: str, year: int) -> date | None:
    """The (first) day of a named festival in `year`: 春节, 元旦, 清明, 劳动节, 端午, 中秋, 国庆节.

    None when the name is unknown or the year is outside the festival's data.
    """
    if name in _LUNAR_TABLES:
        return _LUNAR_TABLES[name].get(year)
    if name == "清明":
        return qingming(year)
    if name in FIXED_HOLIDAYS:
        month, day = FIXED_HOLIDAYS[name]
        return _safe_day(year, month, day)
    return None


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # a year outside 1..9999
        return None


@lru_cache(maxsize=1)
def _holidays_by_name_and_year() -> dict[tuple[str, int], tuple[date, ...]]:
    """The package's holiday table indexed once (it lists every holiday day of every year it knows)."""
    index: dict[tuple[str, int], list[date]] = {}
    for d, holiday in chinese_calendar.holidays.items():
        index.setdefault((holiday, d.year), []).append(d)
    return {key: tuple(sorted(days)) for key, days in index.items()}


def _package_holidays(english: str, year: int) -> tuple[date, ...]:
    """The package's days of one holiday in one year, in order."""
    return _holidays_by_name_and_year().get((english, year), ())


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
            if type(d) is date:  # the package's own rule, without its per-call scan for the years it covers
                return d in chinese_calendar.workdays or (d.weekday() <= 4 and d not in chinese_calendar.holidays)
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
        off (including adjoining weekends) that contains the package's days for that holiday, or,
        when the package files the festival under another holiday (中秋 2020 under National Day),
        the run that contains the festival day itself.
        """
        english = _PACKAGE_NAMES.get(name)
        if english is None or not self.confirmed(year):
            return None
        days = [d for d in _package_holidays(english, year) if not self.is_workday(d)]
        if not days:
            day = festival_day(name, year)
            if day is None or self.is_workday(day):
                return None
            days = [day]
        first, last = days[0], days[-1]
        while not self.is_workday(first - timedelta(days=1)):
            first -= timedelta(days=1)
        while not self.is_workday(last + timedelta(days=1)):
            last += timedelta(days=1)
        return first, last


DEFAULT_CALENDAR = WorkCalendar()
