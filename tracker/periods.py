"""Reporting periods of the 督查通报 and the 考评: a month (2026年11月), a quarter (2026年第四季度) or a year (2026年度).

Plain values: the key is what URLs and forms carry ("2026-11", "2026-Q4", "2026"), the label what documents print.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KIND_LABELS = {MONTH: "月度", QUARTER: "季度", YEAR: "年度"}
QUARTER_NAMES = "一二三四"
_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|Q(?P<quarter>[1-4])))?$")
MONTHS_OFFERED, QUARTERS_OFFERED, YEARS_OFFERED = 12, 4, 2


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    kind: str  # month | quarter | year
    number: int  # the month (1–12), the quarter (1–4), or 0 for a year

    @property
    def start(self) -> date:
        if self.kind == MONTH:
            return date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        if self.kind == YEAR or (self.kind == QUARTER and self.number == 4) or (self.kind == MONTH and self.number == 12):
            return date(self.year, 12, 31)
        last_month = self.number if self.kind == MONTH else 3 * self.number
        return date(self.year, last_month + 1, 1) - timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind == QUARTER:
            return f"{self.year}年第{QUARTER_NAMES[self.number - 1]}季度"
        return f"{self.year}年度"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def until(self, as_of: date) -> date:
        """The day the figures are counted to: the period's last day, or today while it runs."""
        return min(self.end, as_of)

    def started(self, as_of: date) -> bool:
        return self.start <= as_of


def period_parse(key: str | None) -> Period | None:
    """"2026-11" / "2026-Q4" / "2026" → Period; anything else → None."""
    match = _KEY.match((key or "").strip())
    if not match:
        return None
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        return Period(year, MONTH, month) if 1 <= month <= 12 else None
    if match["quarter"]:
        return Period(year, QUARTER, int(match["quarter"]))
    return Period(year, YEAR, 0)


def month_of(day: date) -> Period:
    return Period(day.year, MONTH, day.month)


def period_choices(*, as_of: date) -> list[Period]:
    """What the period picker offers: this month and the 11 before, this quarter and the 3 before, this year and
    the last (newest first within each kind)."""
    months, quarters = [], []
    index = as_of.year * 12 + as_of.month - 1
    for back in range(MONTHS_OFFERED):
        year, month = divmod(index - back, 12)
        months.append(Period(year, MONTH, month + 1))
    quarter_index = as_of.year * 4 + (as_of.month - 1) // 3
    for back in range(QUARTERS_OFFERED):
        year, quarter = divmod(quarter_index - back, 4)
        quarters.append(Period(year, QUARTER, quarter + 1))
    years = [Period(as_of.year - back, YEAR, 0) for back in range(YEARS_OFFERED)]
    return [*months, *quarters, *years]
