"""Deadlines: date corrections, the stored current due dates, and the occurrences each lead unit owes (one per
dated one-off deadline, a rolling horizon of periods for a recurring one)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from parsing.deadlines import extract_deadlines
from parsing.deadlines import occurrences as rule_occurrences
from parsing.results import DeadlineSpec
from tracker.clocks import work_calendar
from tracker.models import Assignment, Deadline, DeadlineOccurrence, Task, TaskEvent
from tracker.permissions import user_is_office
from tracker.querysets import OPEN_STATUSES, RECURRING, assignment_due_expression, task_due_expression
from tracker.transitions import TransitionError

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


# --- phrases typed by the office (review screen, 立项, the task page's 增加时限) ---------------------------

_ISO_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:前|之前|以前)?\s*$")
_ONGOING_WORDS = frozenset({"长期", "长期坚持", "持续推进", "常态化", "长期推进", "持续"})


def deadline_parse(*, text: str, reference: date) -> list[DeadlineSpec]:
    """The deadlines the grammar reads in a phrase typed by the office, resolved against `reference` (the
    directive's issue date, the 批示 date or today).

    A typed phrase is a deadline by intent, so a bare date ("2026年6月30日", "2026-06-30") counts as one and a
    word for "ongoing" (长期, 常态化) is 长期; an empty list means the phrase says no date the grammar knows.
    """
    text = (text or "").strip()[:200]
    if not text:
        return []
    calendar = work_calendar()
    specs = list(extract_deadlines(text, issued_on=reference, calendar=calendar))
    if not specs and not text.endswith("前"):
        specs = [replace(s, text=text if s.text == f"{text}前" else s.text)
                 for s in extract_deadlines(f"{text}前", issued_on=reference, calendar=calendar)]
    if specs:
        return specs
    if text in _ONGOING_WORDS:
        return [DeadlineSpec(text=text, start=0, end=len(text), kind="ongoing", due=None, recurrence="ongoing")]
    match = _ISO_DATE_RE.match(text)
    if match:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return []
        return [DeadlineSpec(text=text, start=0, end=len(text), kind="date", due=day)]
    return []


def _spec_flags(spec: DeadlineSpec) -> list[str]:
    """The parser's flags, and 时限无法解析 when the phrase gives neither a date nor a cycle."""
    unresolved = spec.due is None and not spec.recurrence and "unresolved" not in spec.flags
    return [*spec.flags, *(["unresolved"] if unresolved else [])]


def _deadline_from_spec(*, task: Task, spec: DeadlineSpec, actor: Any, now: Any) -> Deadline:
    return Deadline.objects.create(
        task=task, text=spec.text[:200], kind=spec.kind[:30], due_on=spec.due, parsed_due_on=spec.due,
        recurrence=spec.recurrence or "", rule=(spec.rule or "")[:40], offset=(spec.offset or "")[:40],
        anchor=(spec.anchor or "")[:100], range_start=spec.range_start, confidence=spec.confidence,
        flags=_spec_flags(spec), resolved_by=Deadline.ResolvedBy.PERSON, corrected_by=actor, corrected_at=now,
    )


def _office_required(actor: Any, what: str) -> None:
    if not user_is_office(actor):
        raise TransitionError(f"只有督查室可以{what}")


def deadline_reference(*, task: Task, as_of: date) -> date:
    """The day a typed phrase counts from: a draft of a directive reads as the directive does (its issue date);
    an item registered by hand from its 批示/meeting date; any task already in the units' hands from today."""
    if task.status in (Task.Status.PENDING_REVIEW, Task.Status.DISMISSED):
        if task.directive_id is not None and task.directive.issued_on is not None:
            return task.directive.issued_on
        if task.instructed_on is not None:
            return task.instructed_on
    return as_of


def _describe(deadline: Deadline) -> str:
    if deadline.recurrence == "ongoing":
        return f"「{deadline.text}」（长期）"
    due = f"{deadline.due_on:%Y-%m-%d}" if deadline.due_on else "日期待定"
    every = f"，{deadline.get_recurrence_display()}" if deadline.recurrence else ""
    return f"「{deadline.text}」（{due}{every}）"


@transaction.atomic
def deadline_add(*, task: Task, actor: Any, as_of: date, text: str = "", due_on: date | None = None) -> list[Deadline]:
    """增加时限: the office adds a deadline to any task, from a phrase (parsed against deadline_reference) or a
    date (a date given beside a phrase wins over what the phrase resolves to).

    The lead units already holding the task owe it at once (their occurrences are made), the stored due dates
    are refreshed and an event names what was added. A phrase the grammar cannot read is kept, flagged
    时限无法解析, unless a date is given.
    """
    _office_required(actor, "增加办理时限")
    task = Task.objects.select_for_update(of=("self",)).select_related("directive").get(pk=task.pk)
    if task.status in (Task.Status.SIGNED_OFF, Task.Status.DISMISSED):
        raise TransitionError(f"任务当前状态为「{task.get_status_display()}」，不能增加时限")
    text = (text or "").strip()
    if not text and due_on is None:
        raise TransitionError("请填写时限（如“6月底前”“每月25日前”）或选择日期")
    now = timezone.now()
    specs = deadline_parse(text=text, reference=deadline_reference(task=task, as_of=as_of)) if text else []
    if due_on is not None:
        # The office's date is the deadline; the phrase (if any) is kept as written beside it.
        spec = specs[0] if len(specs) == 1 and not specs[0].recurrence else None
        label = text or f"{due_on:%Y年%m月%d日}前"
        specs = [DeadlineSpec(text=label, start=0, end=len(label), kind=spec.kind if spec else "date", due=due_on)]
    elif not specs:
        specs = [DeadlineSpec(text=text, start=0, end=len(text), kind="", due=None, flags=("unresolved",))]
    in_hands = task.status != Task.Status.PENDING_REVIEW
    past = [s for s in specs if in_hands and not s.recurrence and s.due is not None and s.due < as_of]
    if past:  # units already hold the task: a date behind today would make them late at once
        raise TransitionError(f"新增时限「{past[0].text}」（{past[0].due:%Y-%m-%d}）早于今天，请重新填写")
    created = [_deadline_from_spec(task=task, spec=spec, actor=actor, now=now) for spec in specs]
    leads = Assignment.objects.filter(task=task, role=Assignment.Role.LEAD, status__in=OPEN_STATUSES)
    for deadline in created:
        for assignment in leads:
            deadline_occurrences_sync(deadline=deadline, assignment=assignment, as_of=as_of)
    task_due_refresh(task_ids=[task.pk])
    _flags_after_deadlines(task)
    _edited_event(task=task, actor=actor, action=TaskEvent.Action.DEADLINE_ADD,
                  note="增加时限：" + "；".join(_describe(d) for d in created))
    return created


@transaction.atomic
def deadline_set(*, deadline: Deadline, actor: Any, as_of: date, text: str = "", due_on: date | None = None
                 ) -> Deadline:
    """The office rewrites a draft task's deadline: a new phrase (parsed again) and/or its date. The parser's
    first reading stays in `parsed_due_on` only when the phrase is unchanged. Tasks in the units' hands change
    their dates through deadline_correct (which moves each unit's occurrences)."""
    _office_required(actor, "修改办理时限")
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("task__directive").get(pk=deadline.pk)
    task = deadline.task
    if task.status != Task.Status.PENDING_REVIEW:
        return deadline_correct(deadline=deadline, due_on=due_on if due_on is not None else deadline.due_on,
                                user=actor)
    text = (text or "").strip()[:200]
    if not text and due_on is None:
        raise TransitionError("请填写时限或选择日期")
    before = _describe(deadline)
    if text and text != deadline.text:
        specs = deadline_parse(text=text, reference=deadline_reference(task=task, as_of=as_of))
        spec = specs[0] if specs else DeadlineSpec(text=text, start=0, end=len(text), kind="", due=None,
                                                  flags=("unresolved",))
        deadline.text, deadline.kind, deadline.due_on = text, spec.kind[:30], spec.due
        deadline.recurrence, deadline.rule = spec.recurrence or "", (spec.rule or "")[:40]
        deadline.offset, deadline.anchor = (spec.offset or "")[:40], (spec.anchor or "")[:100]
        deadline.range_start, deadline.confidence = spec.range_start, spec.confidence
        deadline.flags = _spec_flags(spec)
    if due_on is not None:
        deadline.due_on = due_on
        deadline.flags = [f for f in deadline.flags if f != "unresolved"]
    deadline.resolved_by, deadline.corrected_by, deadline.corrected_at = (
        Deadline.ResolvedBy.PERSON, actor, timezone.now())
    deadline.save()
    task_due_refresh(task_ids=[task.pk])
    _flags_after_deadlines(task)
    _edited_event(task=task, actor=actor, action=TaskEvent.Action.DEADLINE_CORRECT,
                  note=f"时限 {before} 改为 {_describe(deadline)}")
    return deadline


@transaction.atomic
def deadline_remove(*, deadline: Deadline, actor: Any) -> None:
    """The office removes a deadline the parser read wrongly from a draft task (待审核)."""
    _office_required(actor, "删除办理时限")
    deadline = Deadline.objects.select_for_update().select_related("task").get(pk=deadline.pk)
    task = deadline.task
    if task.status != Task.Status.PENDING_REVIEW:
        raise TransitionError("已交办任务的时限不能删除，可修改日期或由承办单位申请延期")
    described = _describe(deadline)
    deadline.delete()
    task_due_refresh(task_ids=[task.pk])
    _flags_after_deadlines(task)
    _edited_event(task=task, actor=actor, action=TaskEvent.Action.EDIT, note=f"删除时限 {described}")


def _flags_after_deadlines(task: Task) -> None:
    """时限无法解析 no longer holds once every deadline of the task has a date, a cycle or is 长期."""
    if "deadline_unresolved" not in task.flags:
        return
    unresolved = Deadline.objects.filter(task=task, due_on__isnull=True, recurrence="").exists()
    if not unresolved:
        task.flags = [f for f in task.flags if f != "deadline_unresolved"]
        task.save(update_fields=["flags", "updated_at"])


def _edited_event(*, task: Task, actor: Any, action: str, note: str) -> TaskEvent:
    """A draft changed by the office is the office's from now on: re-extraction never overwrites it."""
    if task.status == Task.Status.PENDING_REVIEW and not task.edited:
        task.edited = True
        task.save(update_fields=["edited", "updated_at"])
    return TaskEvent.objects.create(task=task, actor=actor if getattr(actor, "is_authenticated", False) else None,
                                    action=action, from_status=task.status, to_status=task.status, note=note)
