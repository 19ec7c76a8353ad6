"""Reads for the portal: traffic lights per unit, list rows, the task page, and the 交办 plan.

A unit's part has a traffic light, one SQL CASE (`assignment_light_sql`) annotated on every list, page and
export: red is the overdue condition of tracker.querysets (the one definition). Yellow: an open part due
within settings.TASK_YELLOW_WITHIN_WORKDAYS working days, or behind 序时进度 (its reported % is more than
settings.TASK_BEHIND_SCHEDULE_MARGIN points below the share of time elapsed between its 交办 and its due
date). Green: every other open part (申请办结 included: the office's turn). Parts not in a unit's hands
(待交办, 已办结, 已退回) have no light ("none"). A task shows its worst lead unit's light.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Least, TruncDate
from django.utils import timezone

from tracker.clocks import NodeClock, assignment_node_clocks, work_calendar
from tracker.models import (
    Assignment,
    Deadline,
    DeadlineOccurrence,
    Department,
    Directive,
    ExtensionRequest,
    ProgressReport,
    Task,
    Urge,
)
from tracker.permissions import (
    extension_request_visible_to,
    progress_report_visible_to,
    task_event_visible_to,
    urge_visible_to,
    user_department_ids,
    user_is_office,
    user_sees_all,
)
from tracker.querysets import OPEN_STATUSES, OWED_STATUSES, RECURRING, overdue_q
from tracker.readable import field_label, value_shown
from tracker.transitions import (
    TransitionError,
    assignment_allowed_actions,
    extension_request_check,
    task_allowed_actions,
)

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
LIGHT_LABELS = {GREEN: "正常", YELLOW: "预警", RED: "逾期", NONE: "—"}
LIGHT_RANK = {NONE: 0, GREEN: 1, YELLOW: 2, RED: 3}
A = Assignment.Status


def yellow_within_workdays() -> int:
    return int(getattr(settings, "TASK_YELLOW_WITHIN_WORKDAYS", 3))


def behind_schedule_margin() -> int:
    return int(getattr(settings, "TASK_BEHIND_SCHEDULE_MARGIN", 20))


def yellow_until(as_of: date) -> date:
    """The last due date that shows yellow on `as_of`."""
    return work_calendar().add_workdays(as_of, yellow_within_workdays())


def behind_schedule(*, assigned_on: date | None, due_on: date | None, percent: int, as_of: date) -> bool:
    """序时进度: reported % more than the margin below the share of time elapsed since 交办."""
    if assigned_on is None or due_on is None or due_on <= assigned_on:
        return False
    elapsed = (as_of - assigned_on).days / (due_on - assigned_on).days
    expected = max(0.0, min(1.0, elapsed)) * 100
    return percent < expected - behind_schedule_margin()


class EpochDay(Func):
    """Whole days since 1970-01-01 of a date expression: portable day arithmetic (SQLite, PostgreSQL)."""

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra
        )


def epoch(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def assignment_light_sql(*, as_of: date) -> Case:
    """The light of each Assignment row (module docstring); red is exactly overdue_q."""
    assigned_day = EpochDay(TruncDate("assigned_at"))
    due_day = EpochDay(F("current_due"))
    # Same float operations, in the same order, as behind_schedule.
    elapsed = Cast(Value(epoch(as_of)) - assigned_day, FloatField()) / Cast(due_day - assigned_day, FloatField())
    expected = Least(Greatest(elapsed, Value(0.0)), Value(1.0)) * Value(100.0)
    behind = Q(assigned_at__isnull=False, current_due__isnull=False, current_due__gt=TruncDate("assigned_at")) & Q(
        progress_percent__lt=expected - Value(float(behind_schedule_margin()))
    )
    return Case(
        When(~Q(status__in=OPEN_STATUSES), then=Value(NONE)),
        When(overdue_q(as_of), then=Value(RED)),
        When(status=A.COMPLETION_REQUESTED, then=Value(GREEN)),
        When(current_due__lte=yellow_until(as_of), then=Value(YELLOW)),
        When(behind, then=Value(YELLOW)),
        default=Value(GREEN),
        output_field=CharField(),
    )


def assignments_with_light(assignments: QuerySet[Assignment], *, as_of: date) -> QuerySet[Assignment]:
    """Annotate `light` (green/yellow/red/none) in SQL."""
    return assignments.annotate(light=assignment_light_sql(as_of=as_of))


def task_filter_by_light(*, tasks: QuerySet[Task], light: str, as_of: date) -> QuerySet[Task]:
    """Tasks whose worst lead unit shows `light` (red: a lead unit is overdue)."""
    leads = Assignment.objects.filter(task=OuterRef("pk"), role=Assignment.Role.LEAD).alias(
        light=assignment_light_sql(as_of=as_of))
    worse = [value for value, rank in LIGHT_RANK.items() if rank > LIGHT_RANK[light]]
    return tasks.filter(Exists(leads.filter(light=light))).exclude(Exists(leads.filter(light__in=worse)))


def task_light(assignments: Collection[Assignment]) -> str:
    """The task's light: its worst lead unit's (from parts annotated by assignments_with_light)."""
    lights = [a.light for a in assignments if a.role == Assignment.Role.LEAD]
    return max(lights, key=LIGHT_RANK.__getitem__, default=NONE)


def light_counts(*, assignments: QuerySet[Assignment], as_of: date) -> dict[str, int]:
    """Parts per light (one grouped query)."""
    counts = {GREEN: 0, YELLOW: 0, RED: 0, NONE: 0}
    for row in assignments_with_light(assignments.order_by(), as_of=as_of).values("light").annotate(
            n=Count("pk")):
        counts[row["light"]] += row["n"]
    return counts


def light_counts_kept(*, assignments: QuerySet[Assignment], as_of: date, scope: str) -> dict[str, int]:
    """light_counts, kept LIGHT_COUNTS_CACHE_SECONDS per `scope` (whose parts these are) and day. The summary line
    is a glance; its grouped CASE over every open part costs more than the rest of a list page at 100,000 tasks."""
    seconds = int(getattr(settings, "LIGHT_COUNTS_CACHE_SECONDS", 0))
    if seconds <= 0:
        return light_counts(assignments=assignments, as_of=as_of)
    key = f"tracker:light-counts:{scope}:{as_of.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = light_counts(assignments=assignments, as_of=as_of)
        cache.set(key, counts, seconds)
    return dict(counts)


# --- list rows ---------------------------------------------------------------------------------------


def _overdue_days(light: str, due_on: date | None, as_of: date) -> int:
    return (as_of - due_on).days if light == RED and due_on else 0


@dataclass(frozen=True, slots=True)
class AssignmentRow:
    """One unit's part, as a department's list shows it."""

    assignment: Assignment
    light: str
    due_on: date | None
    overdue_days: int

    @property
    def task(self) -> Task:
        return self.assignment.task

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


def assignment_rows_queryset(*, assignments: QuerySet[Assignment], as_of: date) -> QuerySet[Assignment]:
    """Units' parts in list order, most urgent first, with what a row shows (slice it for a page)."""
    return (assignments_with_light(assignments, as_of=as_of).select_related("task__directive", "department")
            .order_by(*ASSIGNMENT_LIST_ORDER))


def assignment_rows_for(*, ids: Iterable[int], as_of: date) -> list[AssignmentRow]:
    """The rows of one page, from its part ids in list order (task_rows_for)."""
    return assignment_rows_from(assignment_rows_queryset(assignments=Assignment.objects.filter(pk__in=list(ids)),
                                                         as_of=as_of), as_of=as_of)


def assignment_rows_from(objects: Iterable[Assignment], *, as_of: date) -> list[AssignmentRow]:
    """Rows of units' parts (a support part shows its task's date: it owns none)."""
    rows = []
    for assignment in objects:
        light = assignment.light
        due = assignment.current_due if assignment.role == Assignment.Role.LEAD else assignment.task.current_due
        rows.append(AssignmentRow(assignment, light, due, _overdue_days(light, due, as_of)))
    return rows


def assignment_rows(*, assignments: QuerySet[Assignment], as_of: date, limit: int = 500) -> list[AssignmentRow]:
    """The first `limit` rows of units' parts, most urgent first."""
    return assignment_rows_from(assignment_rows_queryset(assignments=assignments, as_of=as_of)[:limit], as_of=as_of)


@dataclass(frozen=True, slots=True)
class TaskRow:
    task: Task
    light: str
    due_on: date | None
    overdue: bool
    overdue_days: int
    assignments: list[Assignment]

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]

    @property
    def leads(self) -> list[Assignment]:
        return [a for a in self.assignments if a.role == Assignment.Role.LEAD]

    @property
    def accepted(self) -> int:
        return sum(1 for a in self.leads if a.status == A.ACCEPTED)


TASK_LIST_ORDER = (F("current_due").asc(nulls_last=True), "pk")  # the index tracker_task_list_order
ASSIGNMENT_LIST_ORDER = (F("current_due").asc(nulls_last=True), "task_id", "pk")


def task_rows_queryset(*, tasks: QuerySet[Task], as_of: date) -> QuerySet[Task]:
    """Tasks in the office's list order (earliest due first) with every unit and its light (slice it)."""
    units = assignments_with_light(Assignment.objects.select_related("department"), as_of=as_of)
    return (tasks.select_related("directive")
            .prefetch_related(Prefetch("assignments", queryset=units.order_by("role", "pk")))
            .order_by(*TASK_LIST_ORDER))


def task_rows_for(*, ids: Iterable[int], as_of: date) -> list[TaskRow]:
    """The rows of one page, from its task ids in list order (a page is found on the ids alone: a far page is
    then an index-only scan, and only its 50 rows are joined and loaded)."""
    return task_rows_from(task_rows_queryset(tasks=Task.objects.filter(pk__in=list(ids)), as_of=as_of),
                          as_of=as_of)


def task_rows_from(objects: Iterable[Task], *, as_of: date) -> list[TaskRow]:
    """List rows for the office: the task, its worst lead light, its current due date and every unit."""
    rows = []
    for task in objects:
        assignments = list(task.assignments.all())
        light = task_light(assignments)
        overdue = light == RED
        worst = min((a.current_due for a in assignments if a.role == Assignment.Role.LEAD
                     and a.status in OWED_STATUSES and a.current_due), default=task.current_due)
        rows.append(TaskRow(task, light, task.current_due, overdue, _overdue_days(light, worst, as_of), assignments))
    return rows


def task_rows(*, tasks: QuerySet[Task], as_of: date, limit: int = 500) -> list[TaskRow]:
    """The first `limit` rows of the office's list."""
    return task_rows_from(task_rows_queryset(tasks=tasks, as_of=as_of)[:limit], as_of=as_of)


# --- the task page -------------------------------------------------------------------------------------


OCCURRENCES_PAST_SHOWN = 24  # a daily duty would otherwise list years of days
OCCURRENCES_NEXT_SHOWN = 3


def occurrence_window_end(*, as_of: date) -> date:
    """The last due date a report may fulfil now: today plus the due-soon window (the reminders' one)."""
    return work_calendar().add_workdays(as_of, int(getattr(settings, "REMINDER_DUE_SOON_WORKDAYS", 3)))


def report_occurrence_choices(*, assignment: Assignment, user: Any, as_of: date
                              ) -> QuerySet[DeadlineOccurrence] | None:
    """The periods the unit's report may fulfil now (None: offer no choice): a lead unit's own open periods of
    recurring deadlines due by the end of the due-soon window, earliest first (本次反馈对应的时限（期）)."""
    if assignment.role != Assignment.Role.LEAD or assignment.department_id not in user_department_ids(user):
        return None
    choices = (DeadlineOccurrence.objects.filter(
        assignment=assignment, deadline__recurrence__in=RECURRING, completed_at__isnull=True,
        due_on__lte=occurrence_window_end(as_of=as_of)).select_related("deadline").order_by("due_on", "pk"))
    return choices if choices.exists() else None


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    occurrence: DeadlineOccurrence
    state: str  # done | overdue | open
    can_complete: bool

    @property
    def state_label(self) -> str:
        return {"done": "已完成", "overdue": "逾期未完成", "open": "待完成"}[self.state]


def assignment_occurrence_rows(*, assignment: Assignment, office: bool, as_of: date) -> list[OccurrenceRow]:
    """One unit's periods of recurring deadlines, latest due first: the next few ahead of the due-soon window,
    then every period up to it (completed ones stay, with who completed them and the report)."""
    base = (DeadlineOccurrence.objects.filter(assignment=assignment, deadline__recurrence__in=RECURRING)
            .select_related("deadline", "completed_by", "report"))
    window_end = occurrence_window_end(as_of=as_of)
    ahead = list(base.filter(due_on__gt=window_end).order_by("due_on", "pk")[:OCCURRENCES_NEXT_SHOWN])
    past = list(base.filter(due_on__lte=window_end).order_by("-due_on", "-pk")[:OCCURRENCES_PAST_SHOWN])
    can = office and assignment.status in OWED_STATUSES
    rows = []
    for occurrence in [*reversed(ahead), *past]:
        if occurrence.completed_at is not None:
            state = "done"
        else:
            state = "overdue" if occurrence.due_on < as_of else "open"
        rows.append(OccurrenceRow(occurrence, state, can and state != "done"))
    return rows


@dataclass(frozen=True, slots=True)
class UnitRow:
    """One unit's part on the task page: its status, date, light, clocks, and what the viewer may do on it."""

    assignment: Assignment
    light: str
    due_on: date | None
    original_due_on: date | None
    overdue_days: int
    behind: bool
    clocks: list[NodeClock]
    allowed: set[str]
    mine: bool
    latest_report: ProgressReport | None
    occurrences: list[OccurrenceRow]
    urges: list[Urge] = field(default_factory=list)
    pending_extension: ExtensionRequest | None = None
    rating_label: str = ""  # 办结评价, shown only to the office, managers and the rated unit

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS[self.light]


@dataclass(frozen=True, slots=True)
class ExcerptLine:
    number: int
    text: str


def _lines(text: str, start: int | None, end: int | None) -> list[ExcerptLine]:
    if not text or not start:
        return []
    all_lines = text.splitlines()
    end = end or start
    return [ExcerptLine(n, all_lines[n - 1]) for n in range(start, min(end, len(all_lines)) + 1)
            if all_lines[n - 1].strip()]


def task_excerpt(*, task: Task) -> list[ExcerptLine]:
    """The source lines of the task (1-based line numbers of the imported file); none for an item registered by
    hand (立项), which has no document."""
    if task.directive_id is None:
        return []
    return _lines(task.directive.source.text, task.line_start, task.line_end)


def directive_excerpt(*, directive: Directive) -> list[ExcerptLine]:
    return _lines(directive.source.text, directive.line_start, directive.line_end)


def task_changes(*, task: Task) -> list[dict[str, Any]]:
    """simple-history changes of the task's deadlines (edits by the office), as people read them: Chinese field
    names, choice labels, names, 北京时间 (tracker.readable)."""
    changes = []
    for deadline in task.deadlines.all():
        for record in deadline.history.all().select_related("history_user"):
            prev = record.prev_record
            if prev is None:
                continue
            delta = record.diff_against(prev, foreign_keys_are_objs=True)
            what = "；".join(
                f"{field_label(Deadline, c.field)}：{value_shown(Deadline._meta.get_field(c.field), c.old)} → "
                f"{value_shown(Deadline._meta.get_field(c.field), c.new)}" for c in delta.changes)
            if what:
                # Edits made outside a request (a service called by a command) carry no history user: the
                # deadline's own corrected_by then says who.
                who = record.history_user or (record.corrected_by if "corrected_by" in delta.changed_fields
                                              else None)
                changes.append({"when": record.history_date, "who": who,
                                "what": f"时限「{deadline.text}」{what}"})
    changes.sort(key=lambda c: c["when"], reverse=True)
    return changes


def _unit_rows(*, task: Task, assignments: list[Assignment], user: Any, as_of: date) -> list[UnitRow]:
    office = user_is_office(user)
    sees_all = user_sees_all(user)
    mine_ids = user_department_ids(user)
    has_due = task.deadlines.exclude(due_on__isnull=True).exists()
    reports: dict[int, ProgressReport] = {}
    for report in (progress_report_visible_to(user=user).filter(task=task, assignment__isnull=False)
                   .order_by("created_at", "pk")):
        reports[report.assignment_id] = report  # the latest wins
    urges: dict[int, list[Urge]] = defaultdict(list)
    for urge in urge_visible_to(user=user).filter(task=task).select_related("urged_by").order_by("-created_at"):
        urges[urge.assignment_id].append(urge)
    pending = {e.assignment_id: e for e in extension_request_visible_to(user=user).filter(
        task=task, status=ExtensionRequest.Status.PENDING)}
    extended = dict(DeadlineOccurrence.objects.filter(assignment__task=task, original_due_on__isnull=False,
                                                      completed_at__isnull=True)
                    .order_by("due_on").values_list("assignment_id", "original_due_on"))
    rows = []
    for assignment in assignments:
        light = assignment.light
        mine = assignment.department_id in mine_ids
        assigned_on = timezone.localtime(assignment.assigned_at).date() if assignment.assigned_at else None
        rows.append(UnitRow(
            assignment=assignment, light=light, due_on=assignment.current_due,
            original_due_on=extended.get(assignment.pk),
            overdue_days=_overdue_days(light, assignment.current_due, as_of),
            behind=assignment.status in OPEN_STATUSES and behind_schedule(
                assigned_on=assigned_on, due_on=assignment.current_due, percent=assignment.progress_percent,
                as_of=as_of),
            clocks=assignment_node_clocks(assignment=assignment, as_of=as_of, category=task.category,
                                          has_due_date=has_due),
            allowed=_unit_allowed(assignment=assignment, user=user, as_of=as_of),
            mine=mine, latest_report=reports.get(assignment.pk),
            occurrences=assignment_occurrence_rows(assignment=assignment, office=office, as_of=as_of)
            if (mine or office) and assignment.role == Assignment.Role.LEAD else [],
            urges=urges.get(assignment.pk, []), pending_extension=pending.get(assignment.pk),
            rating_label=assignment.get_rating_display() if assignment.rating and (sees_all or mine) else "",
        ))
    return rows


def _unit_allowed(*, assignment: Assignment, user: Any, as_of: date) -> set[str]:
    """The forms a unit's part shows: its status and the user's role allow them, and, for 延期申请, its dates do
    (a date passed, none at all, or a request already waiting: the form would only be refused)."""
    allowed = assignment_allowed_actions(assignment=assignment, actor=user)
    if "extension_request" in allowed:
        try:
            extension_request_check(assignment=assignment, as_of=as_of)
        except TransitionError:
            allowed.discard("extension_request")
    return allowed


def task_page(*, task: Task, user: Any, as_of: date) -> dict[str, Any]:
    """Everything the task page shows, read through the user's scoped querysets."""
    assignments = list(assignments_with_light(task.assignments.select_related("department"), as_of=as_of)
                       .order_by("role", "pk"))
    units = _unit_rows(task=task, assignments=assignments, user=user, as_of=as_of)
    leads = [row for row in units if row.assignment.role == Assignment.Role.LEAD]
    light = max((row.light for row in leads), key=LIGHT_RANK.__getitem__, default=NONE)
    events = list(task_event_visible_to(user=user).filter(task=task).select_related("actor", "department")
                  .order_by("created_at", "pk"))
    for event in events:
        event.from_label, event.to_label = event.status_labels()
    return {
        "task": task,
        "light": light,
        "light_label": LIGHT_LABELS[light],
        "units": units,
        "my_units": [row for row in units if row.mine],
        "leads_total": len([r for r in leads if r.assignment.status not in (A.RETURNED, A.PROPOSED)]),
        "leads_accepted": len([r for r in leads if r.assignment.status == A.ACCEPTED]),
        "deadlines": list(task.deadlines.order_by("due_on", "pk")),
        "excerpt": task_excerpt(task=task),
        "events": events,
        "reports": list(progress_report_visible_to(user=user).filter(task=task)
                        .select_related("department", "author", "assignment").prefetch_related("attachments")
                        .order_by("-created_at", "-pk")),
        "extensions": list(extension_request_visible_to(user=user).filter(task=task)
                           .select_related("department", "decided_by").order_by("-created_at", "-pk")),
        "changes": task_changes(task=task),
        "allowed": task_allowed_actions(task=task, actor=user),
        "assign_plan": task_assign_plan(task=task, as_of=as_of) if task.status == Task.Status.PENDING_REVIEW
        else None,
        "as_of": as_of,
    }


# --- the 交办 plan -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssignCandidate:
    """A unit the task would go to: named in the text, or a member of a named group (`via`)."""

    department: Department
    role: str
    via: str = ""

    @property
    def problem(self) -> str:
        if not self.department.verified:
            return "尚未核实"
        return "" if self.department.active else "已停用"


@dataclass(frozen=True, slots=True)
class AssignPlan:
    """What 交办 would do by default, and what the office must decide first."""

    candidates: list[AssignCandidate]
    unresolved_groups: list[Department]
    past_due: date | None  # the earliest one-off date already past on the day of 交办
    undated: bool  # no dated and no ongoing deadline: a date, 长期 or the close clock must be chosen

    def expansion_notes(self, kept: Collection[int]) -> list[str]:
        """"各县区人民政府展开为：A、B" per group, naming only the members kept."""
        groups: dict[str, list[str]] = defaultdict(list)
        for candidate in self.candidates:
            if candidate.via and candidate.department.pk in kept:
                groups[candidate.via].append(candidate.department.name)
        return [f"{group}展开为：{'、'.join(names)}" for group, names in groups.items()]


def task_assign_plan(*, task: Task, as_of: date) -> AssignPlan:
    """The proposed units with every group (单位组) expanded to its active members (lead wins over support),
    the groups whose members are unknown, and the deadline decisions 交办 needs on `as_of`."""
    proposed = task.assignments.filter(status=A.PROPOSED).select_related("department").order_by("role", "pk")
    return assign_plan_from(
        proposed=proposed, deadlines=list(task.deadlines.all()), as_of=as_of,
        members_of=lambda group: list(group.members.filter(active=True).exclude(kind=Department.Kind.GROUP)
                                      .order_by("name")),
    )


def group_members(*, group_ids: Collection[int]) -> dict[int, list[Department]]:
    """The active member units of each group, by name (one query for a whole page of drafts)."""
    links = (Department.members.through.objects.filter(from_department_id__in=list(group_ids),
                                                        to_department__active=True)
             .exclude(to_department__kind=Department.Kind.GROUP).select_related("to_department")
             .order_by("to_department__name"))
    members: dict[int, list[Department]] = defaultdict(list)
    for link in links:
        members[link.from_department_id].append(link.to_department)
    return members


def assign_plan_from(*, proposed: Iterable[Assignment], deadlines: Iterable[Deadline], as_of: date,
                     members_of: Callable[[Department], list[Department]]) -> AssignPlan:
    """task_assign_plan's rules over rows already read: the task's proposed parts (ordered by role, then id),
    its deadlines, and a group's active members."""
    candidates: dict[int, AssignCandidate] = {}
    unresolved = []

    def add(department: Department, role: str, via: str) -> None:
        kept = candidates.get(department.pk)
        if kept is None or (role == Assignment.Role.LEAD and kept.role != role):
            candidates[department.pk] = AssignCandidate(department, role, via if kept is None else kept.via)

    for assignment in proposed:
        department = assignment.department
        if department.kind != Department.Kind.GROUP:
            add(department, assignment.role, "")
            continue
        members = members_of(department)
        if not members:
            unresolved.append(department)
        for member in members:
            add(member, assignment.role, department.name)
    deadlines = list(deadlines)
    past = sorted(d.due_on for d in deadlines if d.recurrence == "" and d.due_on is not None and d.due_on < as_of)
    return AssignPlan(
        candidates=sorted(candidates.values(), key=lambda c: (c.role != Assignment.Role.LEAD, bool(c.via))),
        unresolved_groups=unresolved,
        past_due=past[0] if past else None,
        undated=not any(d.due_on is not None or d.recurrence == "ongoing" for d in deadlines),
    )
