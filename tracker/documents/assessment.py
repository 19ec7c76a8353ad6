"""考评表 (.xlsx): one line per unit of a period — parts in hand, completions, 按期办结率, overdue parts and days,
and the office's ratings — with a 合计 line, written by the streaming sheet writer (title row, header repeated
on every printed page, landscape, one page wide). Values in, bytes out: the figures come from
selectors_ratings.department_assessment.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from tracker.documents.inputs import BulletinTotals, Ratings, UnitRow
from tracker.documents.xlsx import Percent, SheetWriter

COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 6),
    ("责任单位", 30),
    ("承办件数", 10),
    ("已办结", 9),
    ("按期办结", 10),
    ("延期后办结", 11),
    ("按期办结率", 11),
    ("逾期未办结", 11),
    ("平均逾期天数", 13),
    ("优秀", 7),
    ("良好", 7),
    ("合格", 7),
    ("不合格", 8),
)


def assessment_title(*, period_label: str, until: date) -> str:
    """2026年11月督查督办考评表（截至2026年11月30日）"""
    return f"{period_label}督查督办考评表（截至{until.year}年{until.month}月{until.day}日）"


def assessment_filename(*, period_label: str) -> str:
    return f"考评表_{period_label}.xlsx"


def _rate(value: float | None) -> Percent | None:
    return None if value is None else Percent(value)


def _ratings(ratings: Ratings) -> list[int]:
    return [ratings.excellent, ratings.good, ratings.adequate, ratings.poor]


def assessment_xlsx(*, period_label: str, until: date, units: Sequence[UnitRow], totals: BulletinTotals,
                    ratings: Ratings, extended: int) -> bytes:
    """The 考评表 of one period as .xlsx bytes (a unit with nothing completed shows no rate)."""
    out = io.BytesIO()
    sheet = SheetWriter(out, name="考评表", headers=[header for header, _ in COLUMNS],
                        widths=[width for _, width in COLUMNS],
                        title=assessment_title(period_label=period_label, until=until))
    for number, unit in enumerate(units, 1):
        days = None if unit.average_overdue_days is None else round(unit.average_overdue_days, 1)
        sheet.row([number, unit.unit, unit.assigned, unit.completed, unit.completed_on_time, unit.extended,
                   _rate(unit.on_time_rate), unit.overdue, days, *_ratings(unit.ratings)])
    sheet.row(["合计", "", totals.assignments, totals.completed, totals.completed_on_time, extended,
               _rate(totals.on_time_rate), totals.overdue, None, *_ratings(ratings)])
    sheet.close()
    return out.getvalue()
