"""The office's review of extracted tasks: confirm (审核确认, then 交办), edit, bulk confirm.

A confirmed or edited task is the office's: re-ingesting a gazette never overwrites it (the importer
skips directives already stored), and `edited` records that a person changed what the parser said.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tracker.models import Task, TaskEvent
from tracker.services.lifecycle_office import task_assign
from tracker.transitions import TransitionError

EDITABLE_FIELDS = ("ref", "title", "text", "line_start", "line_end", "category", "flags", "parent")


@transaction.atomic
def task_confirm(*, task: Task, user: Any, as_of: date, assign: bool = True) -> Task:
    """Confirm an extracted task (待审核) and, by default, assign it to its units (已交办) as proposed, groups
    expanded (lifecycle_office.task_assign with its defaults).

    Raises TransitionError (Chinese message) when the task is not awaiting review, the user is not office
    staff, or 交办 needs a decision first (no lead unit, a group with unknown members, a due date already
    past or missing): the office then assigns it from the task page.
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != Task.Status.PENDING_REVIEW:
        raise TransitionError(f"任务「{task}」当前状态为「{task.get_status_display()}」，不是待审核")
    if task.confirmed_at is None:
        task.confirmed_at = timezone.now()
        task.confirmed_by = user
        task.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        TaskEvent.objects.create(task=task, actor=user, action=TaskEvent.Action.CONFIRM,
                                 from_status=task.status, to_status=task.status)
    if assign:
        task = task_assign(task=task, actor=user, as_of=as_of)
    return task


@dataclass(slots=True)
class BulkResult:
    confirmed: list[Task] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def tasks_confirm(*, tasks: Iterable[Task], user: Any, as_of: date, assign: bool = True) -> BulkResult:
    """Confirm many tasks, each in its own transaction; a task held back is reported with why, not fatal."""
    result = BulkResult()
    for task in tasks:
        try:
            result.confirmed.append(task_confirm(task=task, user=user, as_of=as_of, assign=assign))
        except TransitionError as error:
            result.errors.append(f"「{task.ref} {(task.title or task.text)[:20]}」未交办：{error}")
    return result


@transaction.atomic
def task_mark_edited(*, task: Task, user: Any, changed: Sequence[str] = ()) -> Task:
    """Record that the office changed a task (its text, tree place, departments or deadlines)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if not task.edited:
        task.edited = True
        task.save(update_fields=["edited", "updated_at"])
    note = "修改：" + "、".join(changed) if changed else "修改"
    TaskEvent.objects.create(task=task, actor=user, action=TaskEvent.Action.EDIT,
                             from_status=task.status, to_status=task.status, note=note)
    return task


@transaction.atomic
def task_edit(*, task: Task, user: Any, **changes: Any) -> Task:
    """Change a task's editable fields (EDITABLE_FIELDS) and mark it edited."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    task = Task.objects.select_for_update().get(pk=task.pk)
    changed = [name for name, value in changes.items() if getattr(task, name) != value]
    if not changed:
        return task
    for name in changed:
        setattr(task, name, changes[name])
    task.edited = True
    task.save(update_fields=[*changed, "edited", "updated_at"])
    labels = [str(Task._meta.get_field(name).verbose_name) for name in changed]
    TaskEvent.objects.create(task=task, actor=user, action=TaskEvent.Action.EDIT,
                             from_status=task.status, to_status=task.status, note="修改：" + "、".join(labels))
    return task
