"""Deadlines: date corrections, the stored current due dates, and the occurrences each lead unit owes (one per
dated one-off deadline, a rolling horizon of periods for a recurring one)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from parsing.deadlines import occurrences as rule_occurrences
from parsing.results import DeadlineSpec
from tracker.clocks import work_calendar
from tracker.models import Assignment, Deadline, DeadlineOccurrence, Task, TaskEvent
from tracker.querysets import OPEN_STATUSES, RECURRING, assignment_due_expression, task_due_expression

__all__ = ["work_calendar"]  # re-exported: the calendar itself lives on the read side (tracker.clocks)
DEFAULT_HORIZON_DAYS = 90


def task_due_refresh(*, task_ids: Iterable[int] | None = None) -> int:
    """Store the current due dates (tracker.querysets) of the given tasks' assignments, then of the tasks.

    Two set-based UPDATEs; every service that writes deadlines, occurrences or assignment statuses calls it
    in its own transaction. Returns the number of tasks updated.
    """
    ids = None if task_ids is None else list(task_ids)
    assignments = Assignment.objects.all() if ids is None else Assignment.objects.filter(task_id__in=ids)
    assignments.order_by().update(current_due=assignment_due_expression())
    tasks = Task.objects.all() if ids is None else Task.objects.filter(pk__in=ids)
    return tasks.order_by().update(current_due=task_due_expression())


def deadline_dates(*, deadline: Deadline, start: date, end: date) -> list[date]:
    """The due dates of a recurring deadline within [start, end] (its stored rule, read by the parser)."""
    if deadline.recurrence not in RECURRING or not deadline.rule:
        return []
    spec = DeadlineSpec(text=deadline.text, start=0, end=0, kind=deadline.kind, due=deadline.due_on,
                        recurrence=deadline.recurrence, rule=deadline.rule)
    return rule_occurrences(spec, start=start, end=end)


def deadline_occurrences_sync(
    *, deadline: Deadline, assignment: Assignment, as_of: date, horizon_days: int = DEFAULT_HORIZON_DAYS
) -> int:
    """Create the missing occurrences one lead unit owes on one deadline, up to `as_of + horizon_days`.

    A one-off deadline gives one occurrence on its date. A recurring one gives its dates from the later of
    its first due date and `as_of` (or the day after the unit's last occurrence): past periods of a task
    assigned late are not invented as overdue. Completed occurrences are never touched. The caller refreshes
    the stored due dates (task_due_refresh), once for everything it syncs. Returns how many were created.
    """
    mine = deadline.occurrences.filter(assignment=assignment)
    if deadline.recurrence == "":
        if deadline.due_on is None or mine.exists():
            return 0
        DeadlineOccurrence.objects.create(deadline=deadline, assignment=assignment, due_on=deadline.due_on)
        return 1
    if deadline.recurrence not in RECURRING:
        return 0
    last = mine.order_by("-due_on").values_list("due_on", flat=True).first()
    start = last + timedelta(days=1) if last else max(deadline.due_on or as_of, as_of)
    dates = deadline_dates(deadline=deadline, start=start, end=as_of + timedelta(days=horizon_days))
    if not dates and last is None and deadline.due_on is not None:
        # A rule the calendar cannot expand (or a first date beyond the horizon): owe the stated date.
        dates = [max(deadline.due_on, as_of)]
    created = DeadlineOccurrence.objects.bulk_create(
        [DeadlineOccurrence(deadline=deadline, assignment=assignment, due_on=d) for d in dates],
        ignore_conflicts=True,
    )
    return len(created)


def unit_occurrences_sync(*, assignment: Assignment, as_of: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> int:
    """The occurrences a lead unit owes on every dated deadline of its task (at 交办 and when rerouted)."""
    if assignment.role != Assignment.Role.LEAD:
        return 0
    return sum(deadline_occurrences_sync(deadline=deadline, assignment=assignment, as_of=as_of,
                                         horizon_days=horizon_days)
               for deadline in Deadline.objects.filter(task_id=assignment.task_id).exclude(recurrence="ongoing"))


@dataclass(frozen=True, slots=True)
class OccurrenceRun:
    deadlines: int
    created: int


@transaction.atomic
def occurrences_generate(*, as_of: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> OccurrenceRun:
    """Extend every recurring deadline of every open lead part up to `as_of + horizon_days` (idempotent)."""
    leads = {a.pk: a for a in Assignment.objects.filter(role=Assignment.Role.LEAD, status__in=OPEN_STATUSES)}
    by_task: dict[int, list[Assignment]] = {}
    for assignment in leads.values():
        by_task.setdefault(assignment.task_id, []).append(assignment)
    seen = created = 0
    changed: set[int] = set()
    deadlines = Deadline.objects.filter(task_id__in=list(by_task), recurrence__in=RECURRING)
    for deadline in deadlines.iterator():
        seen += 1
        for assignment in by_task[deadline.task_id]:
            made = deadline_occurrences_sync(deadline=deadline, assignment=assignment, as_of=as_of,
                                             horizon_days=horizon_days)
            created += made
            if made:
                changed.add(deadline.task_id)
    if changed:
        task_due_refresh(task_ids=changed)
    return OccurrenceRun(deadlines=seen, created=created)


@transaction.atomic
def deadline_correct(*, deadline: Deadline, due_on: date | None, user: Any, note: str = "") -> Deadline:
    """The office sets a deadline's date; the text as written and the parser's date stay, with who changed it."""
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    before = deadline.due_on
    deadline.due_on = due_on
    deadline.resolved_by = Deadline.ResolvedBy.PERSON
    deadline.corrected_by = user if getattr(user, "is_authenticated", False) else None
    deadline.corrected_at = timezone.now()
    flags = [f for f in deadline.flags if f != "unresolved"]
    deadline.flags = flags
    deadline.save(update_fields=["due_on", "resolved_by", "corrected_by", "corrected_at", "flags"])
    if deadline.recurrence == "":
        # Every unit's open occurrence moves, except one an approved extension already moved for that unit.
        open_occurrences = deadline.occurrences.filter(completed_at__isnull=True, original_due_on__isnull=True)
        if due_on is None:
            open_occurrences.delete()
        else:
            open_occurrences.update(due_on=due_on)
            for assignment in Assignment.objects.filter(task_id=deadline.task_id, role=Assignment.Role.LEAD,
                                                        status__in=OPEN_STATUSES):  # units not owing it yet
                deadline_occurrences_sync(deadline=deadline, assignment=assignment, as_of=due_on)
    task_due_refresh(task_ids=[deadline.task_id])
    task = deadline.task
    if not task.edited:
        task.edited = True
        task.save(update_fields=["edited", "updated_at"])
    old = f"{before:%Y-%m-%d}" if before else "无"
    new = f"{due_on:%Y-%m-%d}" if due_on else "无"
    TaskEvent.objects.create(
        task=task, actor=deadline.corrected_by, action=TaskEvent.Action.DEADLINE_CORRECT,
        from_status=task.status, to_status=task.status,
        note=f"时限「{deadline.text}」由 {old} 改为 {new}" + (f"：{note}" if note else ""),
    )
    return deadline


@transaction.atomic
def deadlines_delete(*, deadlines: Iterable[Deadline]) -> int:
    """Delete deadlines (one by one: simple-history records each) and refresh their tasks' due dates."""
    task_ids: set[int] = set()
    count = 0
    for deadline in deadlines:
        task_ids.add(deadline.task_id)
        deadline.delete()
        count += 1
    if task_ids:
        task_due_refresh(task_ids=task_ids)
    return count
