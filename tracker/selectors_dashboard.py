"""Reads for the supervision dashboard and the per-department page, counted per unit.

Every figure counts units' parts (Assignment) in the departments' hands (已交办 through 已办结), of lead
(牵头/责任) units — the ones answerable for the dates — unless the AssignmentFilterSet scope asks otherwise; a
group never holds a part, so none is ranked. 按期办结率 and overdue days are each unit's own. Everything is
aggregated in the database, in a fixed number of queries whatever the number of rows. Definitions are reused,
never restated: overdue / extended / late from AssignmentQuerySet, the light from tracker.selectors, node
clock breaches from tracker.clocks. Every figure carries the AssignmentFilterSet query string of the list
behind it, so the page links each number to its rows.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import BooleanField, Count, DateField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth

from tracker.clocks import NODES, node_breached_assignments, work_calendar
from tracker.models import Assignment, Department, Directive, ExtensionRequest
from tracker.querysets import OPEN_STATUSES, OWED_STATUSES, accepted_late_q, extended_q
from tracker.selectors import (
    GREEN,
    LIGHT_LABELS,
    NONE,
    RED,
    YELLOW,
    AssignmentRow,
    EpochDay,
    assignment_light_sql,
    assignment_rows,
    epoch,
)

LIGHTS: tuple[str, ...] = (RED, YELLOW, GREEN, NONE)
TREND_MONTHS = 12
DIRECTIVE_TOP = 30
DUE_SOON_DAYS = 7
A = Assignment.Status
IN_HANDS_CHOICES = [(value, label) for value, label in A.choices if value not in (A.PROPOSED, A.RETURNED)]


def query(base: dict[str, Any] | None = None, /, **params: Any) -> str:
    """An AssignmentFilterSet query string: `base` overridden by `params` (lists repeat the key, booleans 1/0)."""
    pairs: list[tuple[str, str]] = []
    for key, value in {**(base or {}), **params}.items():
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, "1" if item is True else "0" if item is False else str(item)))
    return urlencode(pairs)


OWED_QUERY: dict[str, Any] = {"status": list(OWED_STATUSES)}
OPEN_QUERY: dict[str, Any] = {"status": list(OPEN_STATUSES)}


@dataclass(frozen=True, slots=True)
class Figure:
    """One number on the dashboard and the AssignmentFilterSet query of the rows behind it."""

    label: str
    value: int
    query: str
    key: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OnTimeRate:
    """按期办结率: accepted parts without an approved extension, on time ÷ all; extended ones apart."""

    accepted: Figure
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
    accepted: Figure
    overdue: Figure
    average_percent: float

    @property
    def done_share(self) -> float:
        return self.accepted.value / self.total.value if self.total.value else 0.0


@dataclass(frozen=True, slots=True)
class Dashboard:
    as_of: date
    total: Figure
    by_status: list[Figure]
    by_light: list[Figure]
    returned: Figure
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


def assignment_counts(*, assignments: QuerySet[Assignment], as_of: date) -> list[dict[str, Any]]:
    """Parts and their summed reported % per (directive, status, light): one scan feeding the status and light
    figures and the directive progress table (red is exactly AssignmentQuerySet.overdue)."""
    return list(
        assignments.order_by().annotate(light=assignment_light_sql(as_of=as_of))
        .values("directive_id", "status", "light").annotate(n=Count("pk"), percent=Sum("progress_percent"))
    )


def _on_time_rows(assignments: QuerySet[Assignment], *group_by: str) -> QuerySet[Any]:
    """Accepted parts counted by (group_by…, extended, late): each condition evaluated once per row (a FILTER
    per figure would repeat them)."""
    return (
        assignments.order_by().filter(status=A.ACCEPTED)
        .annotate(is_extended=ExpressionWrapper(extended_q(), output_field=BooleanField()),
                  is_late=ExpressionWrapper(accepted_late_q(), output_field=BooleanField()))
        .values(*group_by, "is_extended", "is_late").annotate(n=Count("pk"))
    )


def _on_time_add(counts: dict[str, int], row: dict[str, Any]) -> None:
    extended, late = bool(row["is_extended"]), bool(row["is_late"])  # NULL (no due date): not late
    counts["total"] += row["n"]
    if extended:
        counts["extended"] += row["n"]
        counts["extended_on_time"] += 0 if late else row["n"]
    else:
        counts["late" if late else "on_time"] += row["n"]


def _on_time_figures(counts: dict[str, int], scope: dict[str, Any]) -> OnTimeRate:
    done = {**scope, "status": A.ACCEPTED}
    return OnTimeRate(
        accepted=Figure("已办结", counts["total"], query(**done)),
        counted=Figure("计入按期率", counts["total"] - counts["extended"], query(done, extended=False)),
        on_time=Figure("按期办结", counts["on_time"], query(done, extended=False, late=False)),
        late=Figure("逾期办结", counts["late"], query(done, extended=False, late=True)),
        extended=Figure("获批延期后办结", counts["extended"], query(done, extended=True)),
        extended_on_time=Figure("延期后按期办结", counts["extended_on_time"], query(done, extended=True, late=False)),
    )


def _on_time_zero() -> dict[str, int]:
    return {"total": 0, "extended": 0, "extended_on_time": 0, "on_time": 0, "late": 0}


def on_time_rate(*, assignments: QuerySet[Assignment], scope: dict[str, Any]) -> OnTimeRate:
    """按期办结率 of `assignments` (one query). `scope` is the AssignmentFilterSet query of `assignments`."""
    counts = _on_time_zero()
    for row in _on_time_rows(assignments):
        _on_time_add(counts, row)
    return _on_time_figures(counts, scope)


def on_time_rates_by_department(*, assignments: QuerySet[Assignment], scope: dict[str, Any]
                                ) -> dict[int, OnTimeRate]:
    """按期办结率 of each department's parts among `assignments` (one grouped query; departments with no accepted
    part are absent). Same definition as `on_time_rate`."""
    counts: dict[int, dict[str, int]] = defaultdict(_on_time_zero)
    for row in _on_time_rows(assignments, "department_id"):
        _on_time_add(counts[row["department_id"]], row)
    return {department_id: _on_time_figures(figures, {**scope, "department": department_id})
            for department_id, figures in counts.items()}


def department_overdue_ranking(*, assignments: QuerySet[Assignment], as_of: date, scope: dict[str, Any]
                               ) -> list[DepartmentRank]:
    """Departments by their own overdue parts, worst first; ties by total days overdue, then name (two queries:
    the counts grouped by department, then the names of the departments counted)."""
    rows = list(
        assignments.order_by().overdue(as_of).values("department_id")
        .annotate(n=Count("pk"), days=Sum(Value(epoch(as_of)) - EpochDay(F("current_due"))))
    )
    names = dict(Department.objects.filter(pk__in=[row["department_id"] for row in rows]).values_list("pk", "name"))
    rows.sort(key=lambda row: (-row["n"], -(row["days"] or 0), names[row["department_id"]]))
    ranking, previous, rank = [], None, 0
    for index, row in enumerate(rows, 1):
        key = (row["n"], row["days"])
        if key != previous:
            rank, previous = index, key
        department_id = row["department_id"]
        ranking.append(DepartmentRank(
            rank=rank, department_id=department_id, name=names[department_id],
            overdue=Figure("逾期", row["n"], query(scope, department=department_id, overdue=True)),
            days_overdue_total=row["days"] or 0,
        ))
    return ranking


def due_soon_counts(*, assignments: QuerySet[Assignment], as_of: date, scope: dict[str, Any]) -> list[Figure]:
    """Owed parts whose current due date is today or within the next 7 days, per day (one query)."""
    end = as_of + timedelta(days=DUE_SOON_DAYS)
    rows = (assignments.order_by().owed().filter(current_due__range=(as_of, end))
            .values("current_due").annotate(n=Count("pk")))
    counts = {row["current_due"]: row["n"] for row in rows}
    days = [as_of + timedelta(days=offset) for offset in range(DUE_SOON_DAYS + 1)]
    return [
        Figure(f"{day.month}/{day.day}", counts.get(day, 0), query(scope, **OWED_QUERY, due_after=day, due_before=day),
               key=day.isoformat())
        for day in days
    ]


def breach_counts(*, assignments: QuerySet[Assignment], as_of: date, scope: dict[str, Any]) -> list[Figure]:
    """Parts whose sign / first-report node clock ran out (two queries)."""
    calendar = work_calendar()
    return [
        Figure(f"超时未{NODES[node]}", node_breached_assignments(node=node, as_of=as_of, queryset=assignments.order_by(),
                                                              calendar=calendar).count(),
               query(scope, breach=node), key=node)
        for node in ("sign", "first_report")
    ]


def monthly_trends(*, assignments: QuerySet[Assignment], as_of: date, scope: dict[str, Any]) -> list[MonthTrend]:
    """Per month: parts accepted, and parts falling due that month that went late (two queries)."""
    months = _months(as_of)
    first = months[0]
    completed_rows = (
        assignments.order_by().filter(status=A.ACCEPTED, accepted_at__date__gte=first)
        .annotate(month=TruncMonth("accepted_at")).values("month").annotate(n=Count("pk"))
    )
    completed = {_as_date(row["month"]): row["n"] for row in completed_rows}
    late_rows = (
        # status__in adds nothing to late() but lets PostgreSQL range-scan (role, status, current_due)
        assignments.order_by().late(as_of)
        .filter(status__in=[*OWED_STATUSES, A.ACCEPTED], current_due__gte=first, current_due__lte=as_of)
        .annotate(month=TruncMonth("current_due", output_field=DateField())).values("month").annotate(n=Count("pk"))
    )
    late = {_as_date(row["month"]): row["n"] for row in late_rows}
    trends = []
    for month in months:
        end = _month_end(month)
        trends.append(MonthTrend(
            month=month,
            completed=Figure(f"{month:%Y-%m}", completed.get(month, 0), query(
                **scope, status=A.ACCEPTED, accepted_after=month, accepted_before=end)),
            new_overdue=Figure(f"{month:%Y-%m}", late.get(month, 0), query(
                **scope, late=True, due_after=month, due_before=end)),
        ))
    return trends


def directive_progress(*, counts: list[dict[str, Any]], scope: dict[str, Any],
                       limit: int = DIRECTIVE_TOP) -> list[DirectiveProgress]:
    """Per directive (from `assignment_counts` rows): parts, accepted, overdue, mean reported %; most overdue
    first, then the newest (two queries: the directives' dates, then the top rows' titles)."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # parts, accepted, overdue, % sum
    for row in counts:
        if row["directive_id"] is None:  # items registered by hand (立项) have no directive to show here
            continue
        total = totals[row["directive_id"]]
        total[0] += row["n"]
        total[1] += row["n"] if row["status"] == A.ACCEPTED else 0
        total[2] += row["n"] if row["light"] == RED else 0
        total[3] += row["percent"] or 0
    issued = dict(Directive.objects.filter(pk__in=list(totals)).values_list("pk", "issued_on"))
    top = sorted(totals, key=lambda pk: (-totals[pk][2], -(issued[pk] or date.min).toordinal(), pk))[:limit]
    directives = Directive.objects.only("doc_number", "title").in_bulk(top)
    progress = []
    for directive_id in top:
        directive, (total, accepted, overdue, percent_sum) = directives[directive_id], totals[directive_id]
        progress.append(DirectiveProgress(
            directive_id=directive_id, doc_number=directive.doc_number, title=directive.title,
            total=Figure("单位事项", total, query(scope, directive=directive_id)),
            accepted=Figure("已办结", accepted, query(**scope, directive=directive_id, status=A.ACCEPTED)),
            overdue=Figure("逾期", overdue, query(scope, directive=directive_id, overdue=True)),
            average_percent=percent_sum / total,
        ))
    return progress


def dashboard_summary(*, assignments: QuerySet[Assignment], as_of: date, scope: dict[str, Any] | None = None,
                      returned: int = 0) -> Dashboard:
    """Everything the dashboard shows, for `assignments` (already scoped and filtered: AssignmentFilterSet
    with default_role="lead"), in a constant number of queries. `scope` is the query that produced them; every
    drill-down adds to it. `returned` is the number of parts handed back in the same scope (shown apart)."""
    scope = dict(scope or {})
    counts = assignment_counts(assignments=assignments, as_of=as_of)
    per_status: dict[str, int] = defaultdict(int)
    per_light: dict[str, int] = defaultdict(int)
    for row in counts:
        per_status[row["status"]] += row["n"]
        per_light[row["light"]] += row["n"]
    statuses = IN_HANDS_CHOICES if not scope.get("status") else A.choices
    by_status = [Figure(str(label), per_status[value], query(scope, status=value), key=value)
                 for value, label in statuses]
    by_light = [Figure(LIGHT_LABELS[light], per_light[light], query(scope, light=light), key=light)
                for light in (RED, YELLOW, GREEN)]
    due_soon = due_soon_counts(assignments=assignments, as_of=as_of, scope=scope)
    return Dashboard(
        as_of=as_of,
        total=Figure("单位事项", sum(per_status.values()), query(scope)),
        by_status=by_status,
        by_light=by_light,
        returned=Figure("已退回待重新交办", returned, query(scope, status=A.RETURNED), key=A.RETURNED),
        on_time=on_time_rate(assignments=assignments, scope=scope),
        ranking=department_overdue_ranking(assignments=assignments, as_of=as_of, scope=scope),
        due_soon=due_soon,
        due_soon_total=Figure(
            f"{DUE_SOON_DAYS}日内到期", sum(f.value for f in due_soon),
            query(scope, **OWED_QUERY, due_after=as_of, due_before=as_of + timedelta(days=DUE_SOON_DAYS))),
        breaches=breach_counts(assignments=assignments, as_of=as_of, scope=scope),
        trends=monthly_trends(assignments=assignments, as_of=as_of, scope=scope),
        directives=directive_progress(counts=counts, scope=scope),
    )


# Per-department page -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RankPoint:
    month: date
    rank: int | None  # None: nothing fell overdue that month for this department
    late: int
    ranked: int  # departments with at least one late part that month


@dataclass(frozen=True, slots=True)
class DepartmentPage:
    department: Department
    as_of: date
    total: Figure
    open: Figure
    overdue: Figure
    support: Figure
    on_time: OnTimeRate
    days_overdue_average: float
    current_rank: int | None
    ranked: int
    extension_requests: list[ExtensionRequest]
    rank_history: list[RankPoint]
    rows: list[AssignmentRow]


def department_rank_history(*, department_id: int, as_of: date, assignments: QuerySet[Assignment]
                            ) -> list[RankPoint]:
    """Per month, the department's place among all departments by lead parts falling due that month and going
    late (1 = most), from one grouped query over `assignments` (every unit's lead parts in hands)."""
    months = _months(as_of)
    rows = (
        assignments.order_by().late(as_of)
        .filter(status__in=[*OWED_STATUSES, A.ACCEPTED], current_due__gte=months[0], current_due__lte=as_of)
        .annotate(month=TruncMonth("current_due", output_field=DateField()))
        .values("month", "department_id").annotate(n=Count("pk"))
    )
    per_month: dict[date, dict[int, int]] = defaultdict(dict)
    for row in rows:
        per_month[_as_date(row["month"])][row["department_id"]] = row["n"]
    history = []
    for month in months:
        counts = per_month.get(month, {})
        mine = counts.get(department_id, 0)
        rank = 1 + sum(1 for n in counts.values() if n > mine) if mine else None
        history.append(RankPoint(month=month, rank=rank, late=mine, ranked=len(counts)))
    return history


def department_page(*, department: Department, as_of: date) -> DepartmentPage:
    """The department's own record: its lead parts in hands (figures, on-time rate, overdue days, its place in
    the ranking and its rank history), its support parts counted apart, and its open parts, most urgent first."""
    scope = {"department": department.pk}
    everyone = Assignment.objects.lead().in_hands()
    mine = everyone.filter(department=department)
    counts = mine.order_by().aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
    overdue = mine.order_by().overdue(as_of).aggregate(
        n=Count("pk"), days=Sum(Value(epoch(as_of)) - EpochDay(F("current_due"))))
    ranking = department_overdue_ranking(assignments=everyone, as_of=as_of, scope={})
    current_rank = next((r.rank for r in ranking if r.department_id == department.pk), None)
    supports = Assignment.objects.in_hands().filter(department=department, role=Assignment.Role.SUPPORT)
    return DepartmentPage(
        department=department,
        as_of=as_of,
        total=Figure("牵头事项", counts["total"], query(scope)),
        open=Figure("在办事项", counts["open"], query(scope, **OPEN_QUERY)),
        overdue=Figure("逾期事项", overdue["n"], query(scope, overdue=True)),
        support=Figure("配合事项", supports.count(), query(scope, role=Assignment.Role.SUPPORT)),
        on_time=on_time_rate(assignments=mine, scope=scope),
        days_overdue_average=(overdue["days"] or 0) / overdue["n"] if overdue["n"] else 0.0,
        current_rank=current_rank,
        ranked=len(ranking),
        extension_requests=list(
            ExtensionRequest.objects.filter(department=department, status=ExtensionRequest.Status.PENDING)
            .select_related("task", "task__directive", "requested_by").order_by("created_at", "pk")
        ),
        rank_history=department_rank_history(department_id=department.pk, as_of=as_of, assignments=everyone),
        rows=assignment_rows(assignments=Assignment.objects.open().filter(department=department), as_of=as_of,
                             limit=100),
    )
