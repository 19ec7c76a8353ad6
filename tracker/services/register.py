"""立项: the office registers a task by hand, from a 领导批示, a meeting's minutes, the government work report, a
proposal, a letter or any other source (DOMAIN.md: most 督办 items do not come from a gazette).

A small service for the API's POST /api/v1/tasks/ until the review screen's own 立项 (issue 14.3, branch
w/review) lands: the task starts as a draft (待审核) with its proposed units and its deadline (the phrase read by
the deadline grammar, or a date), and follows the same cycle; with `assign` it is assigned at once (交办).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from parsing.deadlines import extract_deadlines
from tracker.clocks import work_calendar
from tracker.models import Assignment, Deadline, Department, Directive, Task, TaskEvent
from tracker.permissions import user_is_office
from tracker.services.deadlines import task_due_refresh
from tracker.services.lifecycle import event_record, text_require
from tracker.services.lifecycle_office import task_assign
from tracker.services.webhooks import task_created_publish
from tracker.transitions import TransitionError


def _deadline_from_phrase(*, task: Task, phrase: str, issued_on: date) -> Deadline:
    specs = extract_deadlines(phrase, issued_on=issued_on, calendar=work_calendar())
    if not specs:
        raise TransitionError(f"无法识别时限「{phrase}」，请写成如“6月底前”“2026年3月31日前”“每月28日前”，或直接填写日期")
    spec = specs[0]
    return Deadline.objects.create(
        task=task, text=phrase[:200], kind=spec.kind[:30], due_on=spec.due, parsed_due_on=spec.due,
        recurrence=spec.recurrence or "", rule=(spec.rule or "")[:40], offset=(spec.offset or "")[:40],
        anchor=(spec.anchor or "")[:100], range_start=spec.range_start, confidence=spec.confidence,
        flags=list(spec.flags), resolved_by=Deadline.ResolvedBy.PERSON,
    )


@transaction.atomic
def task_register(
    *,
    actor: Any,
    as_of: date,
    source_kind: str,
    text: str,
    leads: Sequence[Department],
    supports: Sequence[Department] = (),
    title: str = "",
    source_ref: str = "",
    instructed_by: str = "",
    instructed_on: date | None = None,
    directive: Directive | None = None,
    category: str = Task.Category.ORDINARY,
    deadline: str = "",
    due_on: date | None = None,
    leader: Any = None,
    assign: bool = False,
) -> Task:
    """立项: create a task (待审核) with its proposed units and deadline; with `assign`, 交办 it too."""
    if not user_is_office(actor):
        raise TransitionError("只有督查室可以立项")
    if source_kind not in Task.SourceKind.values:
        raise TransitionError("请选择来源类别")
    if source_kind == Task.SourceKind.DIRECTIVE and directive is None:
        raise TransitionError("来源为文件的任务须选择文件")
    text = text_require(text, what="任务内容", min_length=4)
    if not leads:
        raise TransitionError("请至少指定一个牵头（责任）单位")
    task = Task.objects.create(
        directive=directive, source_kind=source_kind, source_ref=source_ref.strip()[:200],
        instructed_by=instructed_by.strip()[:100], instructed_on=instructed_on, leader=leader,
        title=(title.strip() or text)[:200], text=text, category=category, origin=Task.Origin.MANUAL,
        status=Task.Status.PENDING_REVIEW, confirmed_at=timezone.now(), confirmed_by=actor,
    )
    roles = {d.pk: (d, Assignment.Role.LEAD) for d in leads}
    for department in supports:
        roles.setdefault(department.pk, (department, Assignment.Role.SUPPORT))
    for department, role in roles.values():
        Assignment.objects.create(task=task, department=department, role=role, as_written=department.name)
    if due_on is not None:
        Deadline.objects.create(task=task, text=deadline.strip()[:200] or f"{due_on:%Y年%m月%d日}前", kind="date",
                                due_on=due_on, parsed_due_on=due_on, resolved_by=Deadline.ResolvedBy.PERSON)
    elif deadline.strip():
        _deadline_from_phrase(task=task, phrase=deadline.strip(), issued_on=instructed_on or as_of)
    task_due_refresh(task_ids=[task.pk])
    source = " ".join(filter(None, [task.get_source_kind_display(), task.source_ref, task.instructed_by]))
    event = event_record(task=task, actor=actor, action=TaskEvent.Action.CONFIRM, from_status="",
                         to_status=task.status, note=f"立项（{source}）")
    task_created_publish(task=task, event=event)
    if assign:
        task = task_assign(task=task, actor=actor, as_of=as_of)
    return task
