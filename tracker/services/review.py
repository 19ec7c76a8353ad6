"""The office's review of extracted tasks (待审核): edit, units, split, merge, mark as not a task, confirm and
交办 one by one or in bulk.

Every function here is the office's (督查室) alone, locks the task row, records a TaskEvent with a readable note
and marks a changed draft `edited`: re-extracting a directive (services.directives.directive_reextract) keeps
edited, confirmed and dismissed tasks exactly as they are, and re-importing a file never touches stored
directives. The deadline edits live beside the other deadline writes (services.deadlines: deadline_add,
deadline_set, deadline_remove).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from tracker.flags import UNIT_FLAGS
from tracker.models import Assignment, Deadline, Department, Task, TaskEvent
from tracker.permissions import user_is_office
from tracker.selectors import task_assign_plan
from tracker.services.deadlines import task_due_refresh
from tracker.services.lifecycle_office import OPEN_ENDED, task_assign
from tracker.transitions import TransitionError

EDITABLE_FIELDS = ("ref", "title", "text", "line_start", "line_end", "category", "flags", "parent")
PENDING = Task.Status.PENDING_REVIEW
ROLE_LABELS = dict(Assignment.Role.choices)


def _office_check(actor: Any, what: str) -> None:
    if not user_is_office(actor):
        raise TransitionError(f"只有督查室可以{what}")


def _locked_draft(task: Task | int, *, actor: Any, what: str) -> Task:
    """The task row, locked, after checking the actor is the office and the task still awaits review."""
    _office_check(actor, what)
    task = Task.objects.select_for_update().get(pk=task if isinstance(task, int) else task.pk)
    if task.status != PENDING:
        raise TransitionError(f"任务「{_name(task)}」当前状态为「{task.get_status_display()}」，不能{what}")
    return task


def _name(task: Task) -> str:
    return f"{task.ref} {(task.title or task.text)[:20]}".strip()


def _event(task: Task, actor: Any, action: str, note: str, *, edited: bool = True) -> TaskEvent:
    fields = ["updated_at"]
    if edited and not task.edited:
        task.edited = True
        fields.append("edited")
    task.save(update_fields=fields)
    return TaskEvent.objects.create(task=task, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    action=action, from_status=task.status, to_status=task.status, note=note)


def _short(text: str, length: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length] + "…"


# --- confirm and 交办 -------------------------------------------------------------------------------------


@transaction.atomic
def task_confirm(*, task: Task, user: Any, as_of: date, assign: bool = True, **assign_options: Any) -> Task:
    """Confirm an extracted task (待审核) and, by default, assign it to its units (已交办) as proposed, groups
    expanded (lifecycle_office.task_assign; `assign_options` are its units/due_on/keep_due/open_ended).

    Raises TransitionError (Chinese message) when the task is not awaiting review, the user is not office
    staff, or 交办 needs a decision first (no lead unit, a group with unknown members, a due date already
    past or missing): the office then assigns it from the task page.
    """
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != PENDING:
        raise TransitionError(f"任务「{task}」当前状态为「{task.get_status_display()}」，不是待审核")
    if task.confirmed_at is None:
        task.confirmed_at = timezone.now()
        task.confirmed_by = user
        task.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        TaskEvent.objects.create(task=task, actor=user, action=TaskEvent.Action.CONFIRM,
                                 from_status=task.status, to_status=task.status)
    if assign:
        task = task_assign(task=task, actor=user, as_of=as_of, **assign_options)
    return task


@dataclass(slots=True)
class BulkResult:
    confirmed: list[Task] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    held: list[tuple[Task, str]] = field(default_factory=list)  # (task, why it was not assigned)


def tasks_confirm(*, tasks: Iterable[Task], user: Any, as_of: date, assign: bool = True) -> BulkResult:
    """Confirm many tasks, each in its own transaction; a task held back is reported with why, not fatal."""
    result = BulkResult()
    for task in tasks:
        try:
            result.confirmed.append(task_confirm(task=task, user=user, as_of=as_of, assign=assign))
        except TransitionError as error:
            result.errors.append(f"「{task.ref} {(task.title or task.text)[:20]}」未交办：{error}")
            result.held.append((task, str(error)))
    return result


@dataclass(frozen=True, slots=True)
class AssignDecisions:
    """The office's choices for bulk 交办, applied to every task that needs them (tasks_assign).

    past_due: "hold" (leave the task for one-by-one 交办), "keep" (按原时限) or "new" (`new_due_on`);
    undated: "hold", "date" (`undated_due_on`), "ongoing" (长期) or "clock" (按节点时限办结);
    excluded: group id → the member unit ids unticked in the check list (not assigned through that group).
    """

    past_due: str = "hold"
    new_due_on: date | None = None
    undated: str = "hold"
    undated_due_on: date | None = None
    excluded: dict[int, frozenset[int]] = field(default_factory=dict)


def _assign_options(task: Task, decisions: AssignDecisions, as_of: date) -> dict[str, Any]:
    """task_assign's arguments for one task under the bulk decisions; TransitionError when it must wait."""
    if task.status != PENDING:
        raise TransitionError(f"当前状态为「{task.get_status_display()}」，不是待审核")
    plan = task_assign_plan(task=task, as_of=as_of)
    options: dict[str, Any] = {}
    if plan.past_due is not None:
        if decisions.past_due == "keep":
            options["keep_due"] = True
        elif decisions.past_due == "new" and decisions.new_due_on is not None:
            options["due_on"] = decisions.new_due_on
        else:
            raise TransitionError(f"办理时限（{plan.past_due:%Y-%m-%d}）在交办之日已过：请设定新的办理时限，或选择「按原时限」")
    elif plan.undated:
        if decisions.undated == "date" and decisions.undated_due_on is not None:
            options["due_on"] = decisions.undated_due_on
        elif decisions.undated in OPEN_ENDED:
            options["open_ended"] = decisions.undated
        else:
            raise TransitionError("没有明确的办理时限：请指定办理时限，或选择「长期」或「按节点时限办结」")
    if decisions.excluded and not plan.unresolved_groups:
        groups = {d.name: d.pk for d in Department.objects.filter(pk__in=list(decisions.excluded))}
        options["units"] = [
            (c.department, c.role) for c in plan.candidates
            if not (c.via and c.department.pk in decisions.excluded.get(groups.get(c.via, -1), frozenset()))
        ]
    return options


def tasks_assign(*, tasks: Iterable[Task], actor: Any, as_of: date, decisions: AssignDecisions | None = None
                 ) -> BulkResult:
    """确认并交办 in bulk with the assign-time checks: each task in its own transaction; a task that still needs
    a decision the bulk choices do not give (a past or missing date left on "hold", no lead unit, a group with
    unknown members, a unit not verified) is held back and reported with why."""
    _office_check(actor, "交办")
    decisions = decisions or AssignDecisions()
    result = BulkResult()
    for task in tasks:
        try:
            with transaction.atomic():
                options = _assign_options(Task.objects.get(pk=task.pk), decisions, as_of)
                result.confirmed.append(task_confirm(task=task, user=actor, as_of=as_of, **options))
        except TransitionError as error:
            result.held.append((task, str(error)))
            result.errors.append(f"「{_name(task)}」未交办：{error}")
    return result


# --- text -------------------------------------------------------------------------------------------------


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
    """The office changes a task's editable fields (EDITABLE_FIELDS); the task is marked edited and the event
    names each changed field (with the new title or the new text's beginning)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    _office_check(user, "修改任务")
    task = Task.objects.select_for_update().get(pk=task.pk)
    changed = [name for name, value in changes.items() if getattr(task, name) != value]
    if not changed:
        return task
    for name in changed:
        setattr(task, name, changes[name])
    task.edited = True
    task.save(update_fields=[*changed, "edited", "updated_at"])
    parts = []
    for name in changed:
        label = str(Task._meta.get_field(name).verbose_name)
        value = changes[name]
        parts.append(f"{label}改为「{_short(value)}」" if name in ("title", "text", "ref") and value else label)
    TaskEvent.objects.create(task=task, actor=user, action=TaskEvent.Action.EDIT,
                             from_status=task.status, to_status=task.status, note="修改：" + "；".join(parts))
    return task


# --- units ----------------------------------------------------------------------------------------------


def _flags_after_units(task: Task) -> None:
    """未写明单位 and the parser's unit doubts no longer hold once a person has set the units."""
    kept = [f for f in task.flags if f not in UNIT_FLAGS]
    if kept != task.flags:
        task.flags = kept
        task.save(update_fields=["flags", "updated_at"])


@transaction.atomic
def assignment_set(*, task: Task, department: Department, role: str, actor: Any) -> Assignment:
    """The office proposes a unit for a draft task, or changes its role (牵头 ↔ 配合)."""
    task = _locked_draft(task, actor=actor, what="修改承办单位")
    if role not in ROLE_LABELS:
        raise TransitionError("职责须为牵头或配合")
    if not department.active:
        raise TransitionError(f"「{department.name}」已停用")
    assignment = Assignment.objects.filter(task=task, department=department).first()
    if assignment is None:
        assignment = Assignment.objects.create(task=task, department=department, role=role,
                                               as_written="", status=Assignment.Status.PROPOSED)
        note = f"增加承办单位：{department.name}（{ROLE_LABELS[role]}）"
    elif assignment.role != role:
        before = assignment.role
        assignment.role = role
        assignment.save(update_fields=["role"])
        note = f"{department.name}由{ROLE_LABELS[before]}改为{ROLE_LABELS[role]}"
    else:
        return assignment
    task_due_refresh(task_ids=[task.pk])
    _flags_after_units(task)
    _event(task, actor, TaskEvent.Action.EDIT, note)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, actor: Any) -> None:
    """The office takes a unit off a draft task (a unit the parser read wrongly)."""
    task = _locked_draft(assignment.task_id, actor=actor, what="修改承办单位")
    assignment = Assignment.objects.select_related("department").get(pk=assignment.pk, task=task)
    name, role = assignment.department.name, assignment.get_role_display()
    assignment.delete()
    task_due_refresh(task_ids=[task.pk])
    _flags_after_units(task)
    _event(task, actor, TaskEvent.Action.EDIT, f"删除承办单位：{name}（{role}）")


# --- split, merge ---------------------------------------------------------------------------------------


def _split_line(task: Task, second: str) -> int | None:
    """The source line where the second part begins: its first characters looked up in the task's own lines
    (shorter probes for a beginning that straddles a line break)."""
    if task.directive_id is None or task.line_start is None:
        return None
    lines = [(n, "".join(line.split()))
             for n, line in task.directive.source.numbered_lines(task.line_start, task.line_end or task.line_start)]
    compact = "".join(second.split())
    for length in (12, 6, 3):
        probe = compact[:length]
        found = next((n for n, line in lines if probe and probe in line), None)
        if found is not None:
            return found
    return None


def _next_ref(task: Task) -> str:
    """The part split off gets the task's outline number with 之二, 之三 … (unique within its directive)."""
    taken = set(Task.objects.filter(directive_id=task.directive_id).values_list("ref", flat=True)) \
        if task.directive_id else set()
    base = task.ref.split("之")[0] if task.ref else ""
    numerals = "二三四五六七八九十"
    for numeral in numerals:
        candidate = f"{base}之{numeral}"
        if candidate not in taken:
            return candidate[:100]
    return f"{base}之{len(taken) + 1}"[:100]


@transaction.atomic
def task_split(*, task: Task, actor: Any, at: int, units: Sequence[Assignment] | None = None,
               deadlines: Sequence[Deadline] | None = None) -> Task:
    """拆分: the draft's text is cut at character `at`; the second part becomes a new draft just after it, with the
    chosen units (None: all of them) and deadlines (None: all) copied. A deadline whose phrase went with the
    second part only moves instead. Returns the new task."""
    task = _locked_draft(task, actor=actor, what="拆分")
    text = task.text
    first, second = text[:at].rstrip(), text[at:].strip()
    if not (0 < at < len(text)) or not first or not second:
        raise TransitionError("请在任务内容中间选择拆分位置（前后两部分都不能为空）")
    line = _split_line(task, second)
    new = Task.objects.create(
        directive=task.directive, parent=task.parent, ref=_next_ref(task), title=second[:200], text=second,
        line_start=line if line is not None else task.line_start, line_end=task.line_end,
        status=PENDING, origin=task.origin, category=task.category, flags=list(task.flags), edited=True,
        source_kind=task.source_kind, source_ref=task.source_ref, instructed_by=task.instructed_by,
        instructed_on=task.instructed_on, leader=task.leader,
    )
    task.text = first
    if task.title == text[:200] or task.title.startswith(first[:20]) or not task.title:
        task.title = first[:200]
    if line is not None:
        task.line_end = line
    task.save(update_fields=["text", "title", "line_end", "updated_at"])
    chosen_units = list(task.assignments.all()) if units is None else [a for a in units if a.task_id == task.pk]
    for assignment in chosen_units:
        Assignment.objects.create(task=new, department_id=assignment.department_id, role=assignment.role,
                                  as_written=assignment.as_written, status=Assignment.Status.PROPOSED)
    chosen = list(task.deadlines.all()) if deadlines is None else [d for d in deadlines if d.task_id == task.pk]
    moved = []
    for deadline in chosen:
        if deadline.text and deadline.text in second and deadline.text not in first:
            deadline.task = new
            deadline.save(update_fields=["task"])
            moved.append(deadline.text)
            continue
        deadline.pk = None  # a copy: the same phrase, dates and who resolved them
        deadline.task = new
        deadline.save()
    task_due_refresh(task_ids=[task.pk, new.pk])
    note = (f"拆分：自「{_short(second, 15)}」起另立为第 {new.ref} 项"
            + (f"；时限{'、'.join(moved)}随之移出" if moved else ""))
    _event(task, actor, TaskEvent.Action.SPLIT, note)
    _event(new, actor, TaskEvent.Action.SPLIT, f"由第 {task.ref} 项拆分而来")
    return new


@transaction.atomic
def task_merge(*, task: Task, other: Task, actor: Any) -> Task:
    """合并: two drafts of the same source become one — the one earlier in the text keeps its place and takes
    the other's text (appended), units (lead wins), deadlines and flags; the other is deleted (its history
    stays in the audit tables) and the event names what was merged in. Returns the task kept."""
    _office_check(actor, "合并")
    if task.pk == other.pk:
        raise TransitionError("不能将任务与其自身合并")
    keep, gone = sorted([task, other], key=lambda t: (t.line_start or 0, t.pk))
    keep = _locked_draft(keep, actor=actor, what="合并")
    gone = _locked_draft(gone, actor=actor, what="合并")
    if keep.directive_id != gone.directive_id:
        raise TransitionError("只能合并同一文件中的任务")
    # After a punctuation mark the second part follows as is; otherwise a semicolon keeps the two apart.
    first_text = keep.text.rstrip()
    joiner = "" if first_text and unicodedata.category(first_text[-1]).startswith("P") else "；"
    keep.text = keep.text.rstrip() + joiner + gone.text.strip()
    if gone.line_start and keep.line_start:
        keep.line_start = min(keep.line_start, gone.line_start)
        keep.line_end = max(keep.line_end or keep.line_start, gone.line_end or gone.line_start)
    keep.flags = [*keep.flags, *(f for f in gone.flags if f not in keep.flags)]
    keep.save(update_fields=["text", "line_start", "line_end", "flags", "updated_at"])
    mine = {a.department_id: a for a in keep.assignments.all()}
    for assignment in gone.assignments.all():
        kept = mine.get(assignment.department_id)
        if kept is None:
            assignment.task = keep
            assignment.save(update_fields=["task"])
        elif assignment.role == Assignment.Role.LEAD and kept.role != assignment.role:
            kept.role = Assignment.Role.LEAD
            kept.save(update_fields=["role"])
    stated = {(d.text, d.due_on) for d in keep.deadlines.all()}
    for deadline in gone.deadlines.all():
        if (deadline.text, deadline.due_on) not in stated:
            deadline.task = keep
            deadline.save(update_fields=["task"])
    Task.objects.filter(parent=gone).update(parent=keep)
    note = f"合并：第 {gone.ref} 项「{_short(gone.text, 20)}」并入本项"
    gone.delete()  # one row: simple-history records the deletion
    task_due_refresh(task_ids=[keep.pk])
    _event(keep, actor, TaskEvent.Action.MERGE, note)
    return keep


# --- not a task ------------------------------------------------------------------------------------------


@transaction.atomic
def task_dismiss(*, task: Task, actor: Any, reason: str = "") -> Task:
    """标记为非任务: the draft is kept with its units and deadlines, hidden from every list unless asked for
    (status 非任务), and can be restored (task_restore)."""
    task = _locked_draft(task, actor=actor, what="标记为非任务")
    task.status = Task.Status.DISMISSED
    task.edited = True
    task.save(update_fields=["status", "edited", "updated_at"])
    reason = (reason or "").strip()
    TaskEvent.objects.create(task=task, actor=actor, action=TaskEvent.Action.DISMISS, from_status=PENDING,
                             to_status=task.status, note=f"标记为非任务{'：' + reason if reason else ''}")
    return task


@transaction.atomic
def task_restore(*, task: Task, actor: Any) -> Task:
    """恢复为任务: a task marked as not a task awaits review again."""
    _office_check(actor, "恢复任务")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != Task.Status.DISMISSED:
        raise TransitionError(f"任务「{_name(task)}」未被标记为非任务")
    task.status = PENDING
    task.save(update_fields=["status", "updated_at"])
    TaskEvent.objects.create(task=task, actor=actor, action=TaskEvent.Action.RESTORE,
                             from_status=Task.Status.DISMISSED, to_status=PENDING, note="恢复为待审核任务")
    return task
