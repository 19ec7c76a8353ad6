"""Deadlines: the working-day calendar with the office's overrides, date corrections, and the
rolling horizon of occurrences of recurring deadlines."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from parsing.deadlines import occurrences as rule_occurrences
from parsing.results import DeadlineSpec
from parsing.workdays import WorkCalendar
from tracker.models import Deadline, DeadlineOccurrence, HolidayOverride, Task, TaskEvent
from tracker.querysets import RECURRING, computed_due_expression

DEFAULT_HORIZON_DAYS = 90


def work_calendar() -> WorkCalendar:
    """The Chinese working-day calendar, with the office's HolidayOverride rows winning over the package."""
    return WorkCalendar(overrides=dict(HolidayOverride.objects.values_list("day", "is_workday")))


def task_due_refresh(*, task_ids: Iterable[int] | None = None) -> int:
    """Store the current due date (tracker.querysets.computed_due_expression) of the given tasks, or of all.

    One set-based UPDATE; every service that writes Deadline.due_on or DeadlineOccurrence rows calls it
    in its own transaction. Returns the number of rows updated.
    """
    tasks = Task.objects.all() if task_ids is None else Task.objects.filter(pk__in=list(task_ids))
    return tasks.order_by().update(current_due=computed_due_expression())


def deadline_dates(*, deadline: Deadline, start: date, end: date) -> list[date]:
    """The due dates of a recurring deadline within [start, end] (its stored rule, read by the parser)."""
    if deadline.recurrence not in RECURRING or not deadline.rule:
        return []
    spec = DeadlineSpec(text=deadline.text, start=0, end=0, kind=deadline.kind, due=deadline.due_on,
                        recurrence=deadline.recurrence, rule=deadline.rule)
    return rule_occurrences(spec, start=start, end=end)


def deadline_occurrences_sync(*, deadline: Deadline, as_of: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> int:
    """Create the missing occurrences of one deadline up to `as_of + horizon_days`; returns how many.

    A one-off deadline has one occurrence on its date. A recurring one gets its dates from the later of
    its first due date and `as_of` (or the day after its last occurrence): past periods of a directive
    imported late are not invented as overdue. Completed occurrences are never touched. The caller
    refreshes the task's stored current due date (task_due_refresh), once for all the deadlines it syncs.
    """
    if deadline.recurrence == "":
        if deadline.due_on is None or deadline.occurrences.exists():
            return 0
        DeadlineOccurrence.objects.create(deadline=deadline, due_on=deadline.due_on)
        return 1
    last = deadline.occurrences.order_by("-due_on").values_list("due_on", flat=True).first()
    start = last + timedelta(days=1) if last else max(deadline.due_on or as_of, as_of)
    dates = deadline_dates(deadline=deadline, start=start, end=as_of + timedelta(days=horizon_days))
    if not dates and last is None and deadline.due_on is not None and deadline.recurrence in RECURRING:
        dates = [deadline.due_on] if deadline.due_on >= as_of else []
    created = DeadlineOccurrence.objects.bulk_create(
        [DeadlineOccurrence(deadline=deadline, due_on=d) for d in dates], ignore_conflicts=True
    )
    return len(created)


@dataclass(frozen=True, slots=True)
class OccurrenceRun:
    deadlines: int
    created: int


@transaction.atomic
def occurrences_generate(*, as_of: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> OccurrenceRun:
    """Extend every dated deadline of a task not yet signed off up to `as_of + horizon_days` (idempotent)."""
    deadlines = Deadline.objects.exclude(task__status=Task.Status.SIGNED_OFF).exclude(recurrence="ongoing")
    seen = created = 0
    changed: set[int] = set()
    for deadline in deadlines.iterator():
        seen += 1
        made = deadline_occurrences_sync(deadline=deadline, as_of=as_of, horizon_days=horizon_days)
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
        open_occurrences = deadline.occurrences.filter(completed_at__isnull=True)
        if due_on is None:
            open_occurrences.delete()
        elif not open_occurrences.update(due_on=due_on) and not deadline.occurrences.exists():
            DeadlineOccurrence.objects.create(deadline=deadline, due_on=due_on)
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
