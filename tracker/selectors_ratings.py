"""Reads for 办结评价 and the 考评 table: per department and period, the parts in hand, completions and their
ratings, 按期办结率, overdue parts and their average days.

Definitions are reused, never restated: 按期办结率 from selectors_dashboard (`on_time_rates_by_department`,
`on_time_rate`: accepted parts without an approved extension, on time ÷ all; extended ones counted apart),
overdue and its days from `department_overdue_ranking` (AssignmentQuerySet.overdue). A period's figures count
lead units' parts in hands (已交办 through 已办结) that were assigned by the day the figures are counted to
(`until`: the period's last day, or today while it runs) and not accepted before the period began:

- 承办件数: those parts; 已办结 / ratings / 按期办结: the ones accepted within the period;
- 逾期未办结 and average overdue days: the ones overdue on `until`, from the records as they stand when the
  table is drawn up (a part finished since the period ended is counted where it was finished).

The table (and the 督查通报 built from it) ranks units: only the office and managers may read it (the views
check `permissions.user_sees_all`); a unit sees its own ratings on its own task pages only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tracker.documents.inputs import BulletinTotals, Ratings, UnitRow
from tracker.models import Assignment, Department, Task
from tracker.periods import Period
from tracker.selectors_dashboard import (
    department_overdue_ranking,
    on_time_rate,
    on_time_rates_by_department,
)

A = Assignment.Status
R = Assignment.Rating
RATING_FIELDS: dict[str, str] = {R.EXCELLENT: "excellent", R.GOOD: "good", R.ADEQUATE: "adequate", R.POOR: "poor"}


def completion_requests(*, task: Task) -> list[Assignment]:
    """The lead units' parts awaiting 办结确认 (the 销号 form rates each of them)."""
    return list(task.assignments.filter(role=Assignment.Role.LEAD, status=A.COMPLETION_REQUESTED)
                .select_related("department").order_by("pk"))


def _midnight(day: date) -> datetime:
    """The start of `day` in Beijing time (bounds on timestamps, so that indexes on them can be used)."""
    return timezone.make_aware(datetime.combine(day, time()))


@dataclass(frozen=True, slots=True)
class PeriodParts:
    """The parts a period counts, and the bounds of its completions."""

    period: Period
    until: date
    parts: QuerySet[Assignment]
    completed_q: Q  # accepted within the period

    @property
    def completed(self) -> QuerySet[Assignment]:
        return self.parts.filter(self.completed_q)


def period_parts(*, period: Period, as_of: date) -> PeriodParts:
    """Lead parts in hands, assigned by `until` and not accepted before the period began (module docstring)."""
    until = period.until(as_of)
    start, end = _midnight(period.start), _midnight(until + timedelta(days=1))
    parts = (Assignment.objects.lead().in_hands().filter(assigned_at__lt=end)
             .filter(Q(accepted_at__isnull=True) | Q(accepted_at__gte=start)))
    completed = Q(status=A.ACCEPTED, accepted_at__gte=start, accepted_at__lt=end)
    return PeriodParts(period=period, until=until, parts=parts, completed_q=completed)


@dataclass(frozen=True, slots=True)
class AssessmentLine:
    """One unit's line of the 考评 table (`unit` is the 督查通报's row, ratings and extensions included)."""

    department_id: int
    unit: UnitRow

    @property
    def rated(self) -> int:
        return self.unit.ratings.total


@dataclass(frozen=True, slots=True)
class Assessment:
    period: Period
    until: date
    lines: tuple[AssessmentLine, ...]
    totals: BulletinTotals
    ratings: Ratings
    extended: int

    @property
    def units(self) -> tuple[UnitRow, ...]:
        return tuple(line.unit for line in self.lines)


def _rank_key(line: AssessmentLine) -> tuple[Any, ...]:
    """Highest 按期办结率 first (units with nothing completed after the rated ones), then fewer overdue parts,
    more completions, and the name."""
    unit = line.unit
    return (unit.on_time_rate is None, -(unit.on_time_rate or 0.0), unit.overdue, -unit.completed, unit.unit)


def department_assessment(*, period: Period, as_of: date) -> Assessment:
    """The 考评 table of `period`, counted to `period.until(as_of)` (a fixed number of grouped queries)."""
    scope = period_parts(period=period, as_of=as_of)
    parts, completed, until = scope.parts, scope.completed, scope.until
    rating_counts = {field: Count("pk", filter=scope.completed_q & Q(rating=value))
                     for value, field in RATING_FIELDS.items()}
    counted = {row["department_id"]: row for row in (
        parts.order_by().values("department_id")
        .annotate(assigned=Count("pk"), completed=Count("pk", filter=scope.completed_q), **rating_counts)
    )}
    on_time = on_time_rates_by_department(assignments=completed, scope={})
    overdue = {rank.department_id: rank for rank in
               department_overdue_ranking(assignments=parts, as_of=until, scope={})}
    names = dict(Department.objects.filter(pk__in=list(counted)).values_list("pk", "name"))
    lines = []
    for department_id, row in counted.items():
        rate, rank = on_time.get(department_id), overdue.get(department_id)
        lines.append(AssessmentLine(
            department_id=department_id,
            unit=UnitRow(
                unit=names[department_id], assigned=row["assigned"], completed=row["completed"],
                completed_on_time=rate.on_time.value if rate else 0,
                overdue=rank.overdue.value if rank else 0,
                on_time_rate=rate.rate if rate else None,
                average_overdue_days=rank.days_overdue_average if rank else None,
                ratings=Ratings(**{field: row[field] for field in RATING_FIELDS.values()}),
                extended=rate.extended.value if rate else 0,
            ),
        ))
    lines.sort(key=_rank_key)
    total_rate = on_time_rate(assignments=completed, scope={})
    task_ids = parts.order_by().values("task_id")
    totals = BulletinTotals(
        tasks=Task.objects.filter(pk__in=task_ids).count(),
        tasks_completed=Task.objects.filter(pk__in=task_ids, status=Task.Status.SIGNED_OFF,
                                            signed_off_at__gte=_midnight(period.start),
                                            signed_off_at__lt=_midnight(until + timedelta(days=1))).count(),
        assignments=sum(line.unit.assigned for line in lines),
        completed=total_rate.accepted.value,
        completed_on_time=total_rate.on_time.value,
        overdue=sum(line.unit.overdue for line in lines),
        on_time_rate=total_rate.rate,
    )
    return Assessment(
        period=period, until=until, lines=tuple(lines), totals=totals,
        ratings=Ratings(**{field: sum(getattr(line.unit.ratings, field) for line in lines)
                           for field in RATING_FIELDS.values()}),
        extended=total_rate.extended.value,
    )
