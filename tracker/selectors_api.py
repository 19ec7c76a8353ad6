"""Reads for the REST API and the webhook payloads: tasks with everything another system needs in one object
(lights, units' parts, deadlines, source lines), in a few queries per page whatever its size.

The lights, the task light and the excerpt rules are tracker.selectors' (the portal's); this module only
gathers them per page: one query for the parts, one for the deadlines, one per distinct source file.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet

from tracker.models import Assignment, Deadline, SourceFile, Task
from tracker.selectors import ExcerptLine, _lines, assignments_with_light, task_light

TASK_ORDER = (F("current_due").asc(nulls_last=True), "pk")  # the portal's list order (selectors.task_rows)
ASSIGNMENT_ORDER = (F("current_due").asc(nulls_last=True), "task_id", "pk")  # selectors.assignment_rows


@dataclass(frozen=True, slots=True)
class TaskCard:
    """One task as the API shows it: its worst lead light, every unit's part (with its light), its
    deadlines and the lines of the source file it was extracted from."""

    task: Task
    light: str
    assignments: list[Assignment]
    deadlines: list[Deadline]
    source_lines: list[ExcerptLine]

    @property
    def leads(self) -> list[Assignment]:
        return [a for a in self.assignments if a.role == Assignment.Role.LEAD]

    @property
    def units_total(self) -> int:
        return len([a for a in self.leads if a.status not in (Assignment.Status.RETURNED, Assignment.Status.PROPOSED)])

    @property
    def units_accepted(self) -> int:
        return len([a for a in self.leads if a.status == Assignment.Status.ACCEPTED])


def task_cards(*, tasks: Iterable[Task], as_of: date) -> list[TaskCard]:
    """Cards for `tasks`, in the order given (a page of an ordered queryset)."""
    tasks = list(tasks)
    ids = [t.pk for t in tasks]
    parts: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments_with_light(
            Assignment.objects.filter(task_id__in=ids).select_related("department"), as_of=as_of
    ).order_by("role", "pk"):
        parts[assignment.task_id].append(assignment)
    deadlines: dict[int, list[Deadline]] = defaultdict(list)
    for deadline in Deadline.objects.filter(task_id__in=ids).order_by("due_on", "pk"):
        deadlines[deadline.task_id].append(deadline)
    # A gazette's text is large and shared by all its tasks: read each source once, not once per task.
    source_ids = {t.directive.source_id for t in tasks if t.directive_id is not None}
    texts = dict(SourceFile.objects.filter(pk__in=source_ids).values_list("pk", "text"))
    cards = []
    for task in tasks:
        lines = (_lines(texts.get(task.directive.source_id, ""), task.line_start, task.line_end)
                 if task.directive_id is not None else [])
        units = parts.get(task.pk, [])
        cards.append(TaskCard(task=task, light=task_light(units), assignments=units,
                              deadlines=deadlines.get(task.pk, []), source_lines=lines))
    return cards


def task_card(*, task: Task, as_of: date) -> TaskCard:
    return task_cards(tasks=[task], as_of=as_of)[0]


def task_page_queryset(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """What a list of task cards reads per task row, in the portal's order."""
    return tasks.select_related("directive", "leader").order_by(*TASK_ORDER)


def assignment_list(*, assignments: QuerySet[Assignment], as_of: date) -> QuerySet[Assignment]:
    """Units' parts with their light, task and unit, in the portal's order (most urgent first)."""
    return (assignments_with_light(assignments, as_of=as_of)
            .select_related("task__directive", "department").order_by(*ASSIGNMENT_ORDER))


__all__ = ["ExcerptLine", "TaskCard", "assignment_list", "task_card", "task_cards", "task_page_queryset"]
