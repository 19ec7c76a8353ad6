"""Reads for the supervision dashboard and the per-department page (issue 7).

Everything is aggregated in the database, in a fixed number of queries whatever the number of tasks.
Definitions are reused, never restated: overdue / extended / late from TaskQuerySet, the traffic light
from tracker.selectors (`task_light_sql` below is its SQL form, checked against it by a test), node
clock breaches from tracker.services.clocks. Every figure carries the TaskFilterSet query string of
the task list behind it, so the page can link each number to its rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Least, TruncDate, TruncMonth

from tracker.models import Department, Directive, ExtensionRequest, Task
from tracker.querysets import OPEN_STATUSES, OWED_STATUSES, extended_q, overdue_q, signed_off_late_q
from tracker.selectors import (
    GREEN,
    LIGHT_LABELS,
    NONE,
    RED,
    YELLOW,
    behind_schedule_margin,
    yellow_within_workdays,
)
from tracker.services.clocks import NODES, node_breached_tasks, work_calendar

LIGHTS: tuple[str, ...] = (RED, YELLOW, GREEN, NONE)
TREND_MONTHS = 12
RANK_TOP = 20
DIRECTIVE_TOP = 30
DUE_SOON_DAYS = 7


class EpochDay(Func):
    """Whole days since 1970-01-01 of a date expression: portable day arithmetic (SQLite, PostgreSQL)."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra
        )


def _epoch(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def query(base: dict[str, Any] | None = None, /, **params: Any) -> str:
    """A TaskFilterSet query string: `base` overridden by `params` (lists repeat the key, booleans 1/0)."""
    pairs: list[tuple[str, str]] = []
    for key, value in {**(base or {}), **params}.items():
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, "1" if item is True else "0" if item is False else str(item)))
    return urlencode(pairs)


OWED_QUERY: dict[str, Any] = {"status": list(OWED_STATUSES)}
OPEN_QUERY: dict[str, Any] = {"status": list(OPEN_STATUSES)}


def task_light_sql(*, as_of: date) -> Case:
    """selectors._light as one SQL CASE: red = TaskQuerySet.overdue (its condition), yellow = due within N working days
    or behind 序时进度, green otherwise; tasks outside OPEN_STATUSES get "none"."""
    yellow_until = work_calendar().add_workdays(as_of, yellow_within_workdays())
    assigned_day = EpochDay(TruncDate("assigned_at"))
    due_day = EpochDay(F("current_due"))
    # Same float operations, in the same order, as selectors.behind_schedule.
    elapsed = Cast(Value(_epoch(as_of)) - assigned_day, FloatField()) / Cast(due_day - assigned_day, FloatField())
    expected = Least(Greatest(elapsed, Value(0.0)), Value(1.0)) * Value(100.0)
    behind = Q(assigned_at__isnull=False, current_due__isnull=False, current_due__gt=TruncDate("assigned_at")) & Q(
        progress_percent__lt=expected - Value(float(behind_schedule_margin()))
    )
    return Case(
        When(~Q(status__in=OPEN_STATUSES), then=Value(NONE)),
        When(overdue_q(as_of), then=Value(RED)),
        When(status=Task.Status.COMPLETION_REQUESTED, then=Value(GREEN)),
        When(current_due__lte=yellow_until, then=Value(YELLOW)),
        When(behind, then=Value(YELLOW)),
        default=Value(GREEN),
        output_field=CharField(),
    )


def tasks_with_light(tasks: QuerySet[Task], *, as_of: date) -> QuerySet[Task]:
    """Annotate `current_due` and `light` (green/yellow/red/none) in SQL."""
    return tasks.with_current_due().annotate(light=task_light_sql(as_of=as_of))


@dataclass(frozen=True, slots=True)
class Figure:
    """One number on the dashboard and the TaskFilterSet query of the rows behind it."""

    label: str
    value: int
    query: str
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OnTimeRate:
    """按期办结率: signed-off tasks without an approved extension, on time ÷ all; extended ones apart."""

    signed_off: Figure
    counted: Figure
    on_time: Figure
    late: Figure
    extended: Figure
    extended_on_time: Figure

    @property
    def rate(self) -> float | None:
        return self.on_time.value / self.counted.value if self.counted.value else None

    @property
    def extended_rate(self) -> float | None:
        return self.extended_on_time.value / self.extended.value if self.extended.value else None


@dataclass(frozen=True, slots=True)
class DepartmentRank:
    rank: int
    department_id: int
    name: str
    overdue: Figure
    days_overdue_total: int

    @property
    def days_overdue_average(self) -> float:
        return self.days_overdue_total / self.overdue.value if self.overdue.value else 0.0


@dataclass(frozen=True, slots=True)
class MonthTrend:
    month: date
    completed: Figure
    new_overdue: Figure


@dataclass(frozen=True, slots=True)
class DirectiveProgress:
    directive_id: int
    doc_number: str
    title: str
    total: Figure
    signed_off: Figure
    overdue: Figure
    average_percent: float

    @property
    def done_share(self) -> float:
        return self.signed_off.value / self.total.value if self.total.value else 0.0


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    total: Figure
    by_status: list[Figure]
    by_light: list[Figure]
    on_time: OnTimeRate
    ranking: list[DepartmentRank]
    due_soon: list[Figure]
    due_soon_total: Figure
    breaches: list[Figure]
    trends: list[MonthTrend]
    directives: list[DirectiveProgress]


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(start: date) -> date:
    return _month_start(start, -1) - timedelta(days=1)


def _months(as_of: date, count: int = TREND_MONTHS) -> list[date]:
    return [_month_start(as_of, back) for back in range(count - 1, -1, -1)]


def _as_date(value: Any) -> date:
    # TruncMonth yields a date, or a datetime when the backend returns one.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def task_counts(*, tasks: QuerySet[Task], as_of: date) -> list[dict[str, Any]]:
    """Tasks and their summed reported % per (directive, status, light): one scan feeding the status and light
    figures and the directive progress table (red is exactly TaskQuerySet.overdue)."""
    return list(
        tasks_with_light(tasks.order_by(), as_of=as_of).values("directive_id", "status", "light")
        .annotate(n=Count("pk"), percent=Sum("progress_percent"))
    )


def on_time_rate(*, tasks: QuerySet[Task], scope: dict[str, Any]) -> OnTimeRate:
    """按期办结率 of `tasks` (one query). `scope` is the TaskFilterSet query of `tasks` itself."""
    # Group by the two conditions: each is evaluated once per row (a FILTER per figure would repeat them).
    rows = (
        tasks.order_by().filter(status=Task.Status.SIGNED_OFF)
        .annotate(is_extended=ExpressionWrapper(extended_q(), output_field=BooleanField()),
                  is_late=ExpressionWrapper(signed_off_late_q(), output_field=BooleanField()))
        .values("is_extended", "is_late").annotate(n=Count("pk"))
    )
    counts = {"total": 0, "extended": 0, "extended_on_time": 0, "on_time": 0, "late": 0}
    for row in rows:
        extended, late = bool(row["is_extended"]), bool(row["is_late"])  # NULL (no due date): not late
        counts["total"] += row["n"]
        if extended:
            counts["extended"] += row["n"]
            counts["extended_on_time"] += 0 if late else row["n"]
        else:
            counts["late" if late else "on_time"] += row["n"]
    signed = {**scope, "status": Task.Status.SIGNED_OFF}
    return OnTimeRate(
        signed_off=Figure("已销号", counts["total"], query(**signed)),
        counted=Figure("计入按期率", counts["total"] - counts["extended"], query(signed, extended=False)),
        on_time=Figure("按期销号", counts["on_time"], query(signed, extended=False, late=False)),
        late=Figure("逾期销号", counts["late"], query(signed, extended=False, late=True)),
        extended=Figure("获批延期后销号", counts["extended"], query(signed, extended=True)),
        extended_on_time=Figure("延期后按期销号", counts["extended_on_time"], query(signed, extended=True, late=False)),
    )


def department_overdue_ranking(*, tasks: QuerySet[Task], as_of: date, scope: dict[str, Any]) -> list[DepartmentRank]:
    """Departments by overdue tasks (lead or support), worst first; ties by total days overdue, then name
    (two queries: the counts grouped by department id alone, then the names of the departments counted)."""
    rows = list(
        tasks.order_by().overdue(as_of).filter(assignments__department__isnull=False)  # inner join, reused below
        .values("assignments__department_id")
        .annotate(n=Count("pk"), days=Sum(Value(_epoch(as_of)) - EpochDay(F("current_due"))))
    )
    names = dict(Department.objects.filter(pk__in=[row["assignments__department_id"] for row in rows])
                 .values_list("pk", "name"))
    rows.sort(key=lambda row: (-row["n"], -(row["days"] or 0), names[row["assignments__department_id"]]))
    ranking, previous, rank = [], None, 0
    for index, row in enumerate(rows, 1):
        key = (row["n"], row["days"])
        if key != previous:
            rank, previous = index, key
        department_id = row["assignments__department_id"]
        ranking.append(DepartmentRank(
            rank=rank, department_id=department_id, name=names[department_id],
            overdue=Figure("逾期", row["n"], query(scope, department=department_id, overdue=True)),
            days_overdue_total=row["days"] or 0,
        ))
    return ranking


def due_soon_counts(*, tasks: QuerySet[Task], as_of: date, scope: dict[str, Any]) -> list[Figure]:
    """Owed tasks whose current due date is today or within the next 7 days, per day (one query)."""
    end = as_of + timedelta(days=DUE_SOON_DAYS)
    rows = (
        tasks.order_by().owed().with_current_due().filter(current_due__range=(as_of, end))
        .values("current_due").annotate(n=Count("pk"))
    )
    counts = {row["current_due"]: row["n"] for row in rows}
    days = [as_of + timedelta(days=offset) for offset in range(DUE_SOON_DAYS + 1)]
    return [
        Figure(f"{day.month}/{day.day}", counts.get(day, 0), query(scope, **OWED_QUERY, due_after=day, due_before=day),
               key=day.isoformat())
        for day in days
    ]


def breach_counts(*, tasks: QuerySet[Task], as_of: date, scope: dict[str, Any]) -> list[Figure]:
    """Open tasks whose sign / first-report node clock ran out (two queries)."""
    calendar = work_calendar()
    return [
        Figure(f"超时未{NODES[node]}", node_breached_tasks(node=node, as_of=as_of, queryset=tasks.order_by(),
                                                        calendar=calendar).count(),
               query(scope, breach=node), key=node)
        for node in ("sign", "first_report")
    ]


def monthly_trends(*, tasks: QuerySet[Task], as_of: date, scope: dict[str, Any]) -> list[MonthTrend]:
    """Per month: tasks signed off, and tasks falling due that month that went overdue (two queries)."""
    months = _months(as_of)
    first = months[0]
    completed_rows = (
        tasks.order_by().filter(status=Task.Status.SIGNED_OFF, signed_off_at__date__gte=first)
        .annotate(month=TruncMonth("signed_off_at")).values("month").annotate(n=Count("pk"))
    )
    completed = {_as_date(row["month"]): row["n"] for row in completed_rows}
    late_rows = (
        # status__in adds nothing to late() but lets PostgreSQL range-scan (status, current_due)
        tasks.order_by().late(as_of).with_current_due()
        .filter(status__in=[*OWED_STATUSES, Task.Status.SIGNED_OFF], current_due__gte=first, current_due__lte=as_of)
        .annotate(month=TruncMonth("current_due", output_field=DateField())).values("month").annotate(n=Count("pk"))
    )
    late = {_as_date(row["month"]): row["n"] for row in late_rows}
    trends = []
    for month in months:
        end = _month_end(month)
        trends.append(MonthTrend(
            month=month,
            completed=Figure(f"{month:%Y-%m}", completed.get(month, 0), query(
                **scope, status=Task.Status.SIGNED_OFF, signed_off_after=month, signed_off_before=end)),
            new_overdue=Figure(f"{month:%Y-%m}", late.get(month, 0), query(
                **scope, late=True, due_after=month, due_before=end)),
        ))
    return trends


def directive_progress(*, counts: list[dict[str, Any]], scope: dict[str, Any],
                       limit: int = DIRECTIVE_TOP) -> list[DirectiveProgress]:
    """Per directive with assigned work (from `task_counts` rows): tasks, signed off, overdue, mean reported %;
    most overdue first, then the newest (two queries: the directives' dates, then the top rows' titles)."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tasks, signed off, overdue, % sum
    for row in counts:
        if row["status"] == Task.Status.PENDING_REVIEW:
            continue
        total = totals[row["directive_id"]]
        total[0] += row["n"]
        total[1] += row["n"] if row["status"] == Task.Status.SIGNED_OFF else 0
        total[2] += row["n"] if row["light"] == RED else 0
        total[3] += row["percent"] or 0
    issued = dict(Directive.objects.filter(pk__in=list(totals)).values_list("pk", "issued_on"))
    top = sorted(totals, key=lambda pk: (-totals[pk][2], -(issued[pk] or date.min).toordinal(), pk))[:limit]
    directives = Directive.objects.only("doc_number", "title").in_bulk(top)
    progress = []
    for directive_id in top:
        directive, (total, signed_off, overdue, percent_sum) = directives[directive_id], totals[directive_id]
        progress.append(DirectiveProgress(
            directive_id=directive_id, doc_number=directive.doc_number, title=directive.title,
            total=Figure("事项", total, query(scope, directive=directive_id)),
            signed_off=Figure("已销号", signed_off, query(
                **scope, directive=directive_id, status=Task.Status.SIGNED_OFF)),
            overdue=Figure("逾期", overdue, query(scope, directive=directive_id, overdue=True)),
            average_percent=percent_sum / total,
        ))
    return progress


def dashboard_summary(*, tasks: QuerySet[Task], as_of: date, scope: dict[str, Any] | None = None) -> Dashboard:
    """Everything the dashboard shows, for `tasks` (already scoped and filtered), in a constant number of queries.

    `scope` is the TaskFilterSet query that produced `tasks`; every drill-down adds to it.
    """
    scope = dict(scope or {})
    counts = task_counts(tasks=tasks, as_of=as_of)
    per_status: dict[str, int] = defaultdict(int)
    per_light: dict[str, int] = defaultdict(int)
    for row in counts:
        per_status[row["status"]] += row["n"]
        per_light[row["light"]] += row["n"]
    by_status = [Figure(str(label), per_status[value], query(scope, status=value), key=value)
                 for value, label in Task.Status.choices]
    by_light = [Figure(LIGHT_LABELS[light], per_light[light], query(scope, light=light), key=light)
                for light in (RED, YELLOW, GREEN)]
    due_soon = due_soon_counts(tasks=tasks, as_of=as_of, scope=scope)
    return Dashboard(
        as_of=as_of,
        total=Figure("全部事项", sum(per_status.values()), query(scope)),
        by_status=by_status,
        by_light=by_light,
        on_time=on_time_rate(tasks=tasks, scope=scope),
        ranking=department_overdue_ranking(tasks=tasks, as_of=as_of, scope=scope),
        due_soon=due_soon,
        due_soon_total=Figure(
            f"{DUE_SOON_DAYS}日内到期", sum(f.value for f in due_soon),
            query(scope, **OWED_QUERY, due_after=as_of, due_before=as_of + timedelta(days=DUE_SOON_DAYS))),
        breaches=breach_counts(tasks=tasks, as_of=as_of, scope=scope),
        trends=monthly_trends(tasks=tasks, as_of=as_of, scope=scope),
        directives=directive_progress(counts=counts, scope=scope),
    )


# Per-department page -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankPoint:
    month: date
    rank: int | None  # None: nothing fell overdue that month for this department
    late: int
    ranked: int  # departments with at least one late task that month


@dataclass(frozen=True, slots=True)
class DepartmentPage:
    department: Department
    as_of: date
    total: Figure
    open: Figure
    overdue: Figure
    on_time: OnTimeRate
    days_overdue_average: float
    current_rank: int | None
    ranked: int
    extension_requests: list[ExtensionRequest]
    rank_history: list[RankPoint]
    tasks: list[Task]


def department_rank_history(*, department_id: int, as_of: date, tasks: QuerySet[Task] | None = None
                            ) -> list[RankPoint]:
    """Per month, the department's place among all departments by tasks falling due that month and going
    overdue (1 = most), from one grouped query."""
    months = _months(as_of)
    base = (tasks if tasks is not None else Task.objects.all()).order_by()
    rows = (
        base.late(as_of).with_current_due().filter(current_due__gte=months[0], current_due__lte=as_of)
        .annotate(month=TruncMonth("current_due", output_field=DateField()))
        .values("month", "assignments__department_id").annotate(n=Count("pk"))
    )
    per_month: dict[date, dict[int, int]] = defaultdict(dict)
    for row in rows:
        per_month[_as_date(row["month"])][row["assignments__department_id"]] = row["n"]
    history = []
    for month in months:
        counts = per_month.get(month, {})
        mine = counts.get(department_id, 0)
        rank = 1 + sum(1 for n in counts.values() if n > mine) if mine else None
        history.append(RankPoint(month=month, rank=rank, late=mine, ranked=len(counts)))
    return history


def department_page(*, department: Department, as_of: date) -> DepartmentPage:
    """The department's figures, its current place in the overdue ranking and its rank history."""
    scope = {"department": department.pk}
    tasks = Task.objects.for_departments([department.pk])
    counts = tasks.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    overdue = (
        tasks.order_by().overdue(as_of).with_current_due()
        .aggregate(n=Count("pk"), days=Sum(Value(_epoch(as_of)) - EpochDay(F("current_due"))))
    )
    ranking = department_overdue_ranking(tasks=Task.objects.all(), as_of=as_of, scope={})
    current_rank = next((r.rank for r in ranking if r.department_id == department.pk), None)
    return DepartmentPage(
        department=department,
        as_of=as_of,
        total=Figure("全部事项", counts["total"], query(scope)),
        open=Figure("在办事项", counts["open"], query(scope, **OPEN_QUERY)),
        overdue=Figure("逾期事项", overdue["n"], query(scope, overdue=True)),
        on_time=on_time_rate(tasks=tasks, scope=scope),
        days_overdue_average=(overdue["days"] or 0) / overdue["n"] if overdue["n"] else 0.0,
        current_rank=current_rank,
        ranked=len(ranking),
        extension_requests=list(
            ExtensionRequest.objects.filter(department=department, status=ExtensionRequest.Status.PENDING)
            .select_related("task", "task__directive", "requested_by").order_by("created_at", "pk")
        ),
        rank_history=department_rank_history(department_id=department.pk, as_of=as_of),
        tasks=department_open_tasks(department=department, as_of=as_of),
    )


def department_open_tasks(*, department: Department, as_of: date, limit: int = 100) -> list[Task]:
    """The department's open tasks, most urgent first, each with `light`, `current_due`, `overdue_days`."""
    tasks = list(
        tasks_with_light(Task.objects.for_departments([department.pk]).filter(status__in=OPEN_STATUSES), as_of=as_of)
        .select_related("directive")
        .order_by(F("current_due").asc(nulls_last=True), "pk")[:limit]
    )
    for task in tasks:
        task.overdue_days = (as_of - task.current_due).days if task.light == RED and task.current_due else 0
        task.light_label = LIGHT_LABELS[task.light]
    return tasks
