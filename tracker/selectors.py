"""Reads for the portal and dashboards: traffic lights, task rows, the task page.

Red is `TaskQuerySet.overdue(as_of)`, the one overdue definition. Yellow: an open task due within
settings.TASK_YELLOW_WITHIN_WORKDAYS working days, or behind 序时进度 (its reported % is more than
settings.TASK_BEHIND_SCHEDULE_MARGIN points below the share of time elapsed between 交办 and the due
date). Green: every other open task. Tasks not in the departments' hands (待审核, 已退回, 已销号) have
no light ("none").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from tracker.models import Assignment, DeadlineOccurrence, Directive, Task
from tracker.permissions import (
    extension_request_visible_to,
    progress_report_visible_to,
    urge_visible_to,
    user_department_ids,
)
from tracker.querysets import OWED_STATUSES, RECURRING
from tracker.services.clocks import task_node_clocks, work_calendar
from tracker.services.lifecycle import LEAD, OFFICE, OPEN_STATUSES, actor_has_role, task_allowed_actions

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
LIGHT_LABELS = {GREEN: "正常", YELLOW: "预警", RED: "逾期", NONE: "—"}


def yellow_within_workdays() -> int:
    return int(getattr(settings, "TASK_YELLOW_WITHIN_WORKDAYS", 3))


def behind_schedule_margin() -> int:
    return int(getattr(settings, "TASK_BEHIND_SCHEDULE_MARGIN", 20))


def tasks_with_due(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate `current_due`: the earliest date the task still owes (TaskQuerySet.with_current_due)."""
    return tasks.with_current_due()


def behind_schedule(*, assigned_on: date | None, due_on: date | None, percent: int, as_of: date) -> bool:
    """序时进度: reported % more than the margin below the share of time elapsed since 交办."""
    if assigned_on is None or due_on is None or due_on <= assigned_on:
        return False
    elapsed = (as_of - assigned_on).days / (due_on - assigned_on).days
    expected = max(0.0, min(1.0, elapsed)) * 100
    return percent < expected - behind_schedule_margin()


def _light(*, status: str, overdue: bool, due_on: date | None, assigned_on: date | None, percent: int,
           as_of: date, yellow_until: date) -> str:
    if status not in OPEN_STATUSES:
        return NONE
    if overdue:
        return RED
    if status == Task.Status.COMPLETION_REQUESTED:  # the office's turn: never overdue, never behind
        return GREEN
    if due_on is not None and due_on <= yellow_until:
        return YELLOW
    if behind_schedule(
        assigned_on=assigned_on, due_on=due_on, percent=percent, as_of=as_of
    ):
        return YELLOW
    return GREEN


def _yellow_until(as_of: date) -> date:
    return work_calendar().add_workdays(as_of, yellow_within_workdays())


def task_lights(*, tasks: QuerySet[Task], as_of: date) -> dict[int, str]:
    """Traffic light of every task in `tasks` (one query for the rows, one for overdue)."""
    overdue_ids = set(tasks.overdue(as_of).values_list("pk", flat=True))
    yellow_until = _yellow_until(as_of)
    lights = {}
    for pk, status, due_on, assigned_at, percent in tasks_with_due(tasks.order_by()).values_list(
        "pk", "status", "current_due", "assigned_at", "progress_percent"
    ):
        lights[pk] = _light(
            status=status, overdue=pk in overdue_ids, due_on=due_on,
            assigned_on=timezone.localtime(assigned_at).date() if assigned_at else None,
            percent=percent or 0, as_of=as_of, yellow_until=yellow_until,
        )
    return lights


def task_filter_by_light(*, tasks: QuerySet[Task], light: str, as_of: date) -> QuerySet[Task]:
    """The tasks of `tasks` showing `light`; red straight from the overdue queryset."""
    if light == RED:
        return tasks.overdue(as_of)
    lights = task_lights(tasks=tasks, as_of=as_of)
    return tasks.filter(pk__in=[pk for pk, value in lights.items() if value == light])


def task_light_counts(*, tasks: QuerySet[Task], as_of: date) -> dict[str, int]:
    counts = {GREEN: 0, YELLOW: 0, RED: 0, NONE: 0}
    for value in task_lights(tasks=tasks, as_of=as_of).values():
        counts[value] += 1
    return counts


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


def task_rows(*, tasks: QuerySet[Task], as_of: date, limit: int = 500) -> list[TaskRow]:
    """List rows for the portal: the task, its light, current due date and departments."""
    lights = task_lights(tasks=tasks, as_of=as_of)
    objects = (
        tasks_with_due(tasks)
        .select_related("directive")
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.select_related("department")))
        .order_by(F("current_due").asc(nulls_last=True), "pk")[:limit]
    )
    rows = []
    for task in objects:
        light = lights.get(task.pk, NONE)
        due = task.current_due
        overdue = light == RED
        rows.append(TaskRow(task, light, due, overdue, (as_of - due).days if overdue and due else 0,
                            list(task.assignments.all())))
    return rows


OCCURRENCES_PAST_SHOWN = 24  # a daily duty would otherwise list years of days
OCCURRENCES_NEXT_SHOWN = 3


def occurrence_window_end(*, as_of: date) -> date:
    """The last due date a report may fulfil now: today plus the due-soon window (the reminders' one)."""
    return work_calendar().add_workdays(as_of, int(getattr(settings, "REMINDER_DUE_SOON_WORKDAYS", 3)))


def task_fulfillable_occurrences(*, task: Task, as_of: date) -> QuerySet[DeadlineOccurrence]:
    """Open periods of the task's recurring deadlines due by the end of the due-soon window, earliest first:
    the choices of "本次反馈对应的时限（期）"."""
    return (
        DeadlineOccurrence.objects.filter(
            deadline__task=task, deadline__recurrence__in=RECURRING, completed_at__isnull=True,
            due_on__lte=occurrence_window_end(as_of=as_of),
        )
        .select_related("deadline")
        .order_by("due_on", "pk")
    )


def report_occurrence_choices(*, task: Task, user: Any, as_of: date) -> QuerySet[DeadlineOccurrence] | None:
    """The periods `user`'s report may fulfil (None: offer no choice): lead departments only, as the
    service allows (tracker.services.lifecycle.occurrence_complete)."""
    if not actor_has_role(task=task, actor=user, role=LEAD):
        return None
    choices = task_fulfillable_occurrences(task=task, as_of=as_of)
    return choices if choices.exists() else None


@dataclass(frozen=True, slots=True)
class OccurrenceRow:
    occurrence: DeadlineOccurrence
    state: str  # done | overdue | open
    can_complete: bool

    @property
    def state_label(self) -> str:
        return {"done": "已完成", "overdue": "逾期未完成", "open": "待完成"}[self.state]


def task_occurrence_rows(*, task: Task, user: Any, as_of: date) -> list[OccurrenceRow]:
    """Periods of the task's recurring deadlines, latest due first: the next few ahead of the due-soon
    window, then every period up to it (completed ones stay, with who completed them and the report)."""
    base = (
        DeadlineOccurrence.objects.filter(deadline__task=task, deadline__recurrence__in=RECURRING)
        .select_related("deadline", "completed_by", "report__department")
    )
    window_end = occurrence_window_end(as_of=as_of)
    ahead = list(base.filter(due_on__gt=window_end).order_by("due_on", "pk")[:OCCURRENCES_NEXT_SHOWN])
    past = list(base.filter(due_on__lte=window_end).order_by("-due_on", "-pk")[:OCCURRENCES_PAST_SHOWN])
    office = task.status in OWED_STATUSES and actor_has_role(task=task, actor=user, role=OFFICE)
    rows = []
    for occurrence in [*reversed(ahead), *past]:
        if occurrence.completed_at is not None:
            state = "done"
        else:
            state = "overdue" if occurrence.due_on < as_of else "open"
        rows.append(OccurrenceRow(occurrence, state, office and state != "done"))
    return rows


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
    """The source lines of the task (1-based line numbers of the imported file)."""
    return _lines(task.directive.source.text, task.line_start, task.line_end)


def directive_excerpt(*, directive: Directive) -> list[ExcerptLine]:
    return _lines(directive.source.text, directive.line_start, directive.line_end)


def _status_label(status: str) -> str:
    return str(Task.Status(status).label) if status in Task.Status.values else status or "—"


def task_changes(*, task: Task) -> list[dict[str, Any]]:
    """simple-history changes of the task's deadlines and assignments (edits by the office)."""
    changes = []
    for deadline in task.deadlines.all():
        for record in deadline.history.all().select_related("history_user"):
            prev = record.prev_record
            if prev is None:
                continue
            delta = record.diff_against(prev)
            what = "；".join(f"{c.field}: {c.old} → {c.new}" for c in delta.changes)
            if what:
                changes.append({"when": record.history_date, "who": record.history_user,
                                "what": f"时限「{deadline.text or deadline.pk}」{what}"})
    changes.sort(key=lambda c: c["when"], reverse=True)
    return changes


def task_page(*, task: Task, user: Any, as_of: date) -> dict[str, Any]:
    """Everything the task page shows, read through the user's scoped querysets."""
    tasks = Task.objects.filter(pk=task.pk)
    light = task_lights(tasks=tasks, as_of=as_of).get(task.pk, NONE)
    deadlines = list(task.deadlines.order_by("due_on", "pk"))
    due = tasks_with_due(tasks).values_list("current_due", flat=True).first()
    assigned_on = timezone.localtime(task.assigned_at).date() if task.assigned_at else None
    events = list(task.events.select_related("actor").order_by("created_at", "pk"))
    for event in events:
        event.from_label = _status_label(event.from_status)
        event.to_label = _status_label(event.to_status)
    return {
        "task": task,
        "light": light,
        "light_label": LIGHT_LABELS[light],
        "overdue": light == RED,
        "overdue_days": (as_of - due).days if light == RED and due else 0,
        "behind_schedule": task.status in OPEN_STATUSES and behind_schedule(
            assigned_on=assigned_on, due_on=due, percent=task.progress_percent or 0, as_of=as_of),
        "assignments": list(task.assignments.select_related("department").order_by("role", "pk")),
        "deadlines": deadlines,
        "occurrences": task_occurrence_rows(task=task, user=user, as_of=as_of),
        "clocks": task_node_clocks(task=task, as_of=as_of, has_due_date=due is not None),
        "excerpt": task_excerpt(task=task),
        "events": events,
        "reports": list(progress_report_visible_to(user=user).filter(task=task)
                        .select_related("department", "author").prefetch_related("attachments")
                        .order_by("-created_at", "-pk")),
        "extensions": list(extension_request_visible_to(user=user).filter(task=task)
                           .select_related("department", "decided_by").order_by("-created_at", "-pk")),
        "urges": list(urge_visible_to(user=user).filter(task=task).select_related("urged_by")
                      .order_by("-created_at", "-pk")),
        "changes": task_changes(task=task),
        "allowed": task_allowed_actions(task=task, actor=user),
        "my_department_ids": user_department_ids(user),
        "as_of": as_of,
    }
