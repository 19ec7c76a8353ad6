"""What the supervision office (督查室) does: 交办, 办结确认 (one unit) and 销号 (every requested unit at once),
each with its 办结评价 (and 修改评价), 退办, 重新交办 of a part handed back, 延期审批, 催办, 本期已完成.

Every function runs in one transaction under the row locks of tracker.services.lifecycle, checks the rules
of tracker.transitions, records its events and re-derives the task's status.
The transaction is opened inside each function, not by `@transaction.atomic`: mutmut skips decorated functions.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from tracker.clocks import clock_due, clock_rules, work_calendar
from tracker.models import (
    Assignment,
    Deadline,
    DeadlineOccurrence,
    Department,
    ExtensionRequest,
    Message,
    Task,
    TaskEvent,
    Urge,
)
from tracker.querysets import OWED_STATUSES
from tracker.selectors import AssignPlan, task_assign_plan
from tracker.services.deadlines import task_due_refresh, unit_occurrences_sync
from tracker.services.lifecycle import (
    assignment_move,
    event_record,
    locked_assignment,
    locked_occurrence,
    locked_task,
    occurrence_close,
    task_status_sync,
    text_require,
)
from tracker.services.messages import assignment_message_send, task_label, unit_message_send
from tracker.services.reminders import urge_notify
from tracker.transitions import (
    TransitionError,
    assignment_transition_check,
    task_transition_check,
)

A = Assignment.Status
URGE_REPEAT_WINDOW = timedelta(minutes=10)
OPEN_ENDED = {"ongoing": "长期", "clock": "按节点时限办结"}


# --- 交办 -----------------------------------------------------------------------------------------


def _departments_usable(departments: Iterable[Department]) -> None:
    """No group (单位组) and no unit the directory does not vouch for ever holds a part."""
    departments = list(departments)
    groups = [d.name for d in departments if d.kind == Department.Kind.GROUP]
    if groups:
        raise TransitionError(f"「{'、'.join(groups)}」是单位组，交办时须展开为具体单位")
    unusable = [d.name for d in departments if not d.verified or not d.active]
    if unusable:
        raise TransitionError(f"「{'、'.join(unusable)}」尚未核实或已停用，请先在单位目录中合并、确认，或取消勾选")


def _units_check(units: Sequence[tuple[Department, str]], plan: AssignPlan) -> list[tuple[Department, str]]:
    """The units the task goes to, each once (lead wins): usable, and at least one lead."""
    chosen: dict[int, tuple[Department, str]] = {}
    for department, role in units:
        kept = chosen.get(department.pk)
        if kept is None or (role == Assignment.Role.LEAD and kept[1] != role):
            chosen[department.pk] = (department, role)
    _departments_usable(d for d, _ in chosen.values())
    if not any(role == Assignment.Role.LEAD for _, role in chosen.values()):
        if plan.unresolved_groups:
            raise TransitionError(_unresolved_message(plan))
        raise TransitionError("该事项尚未指定牵头单位，不能交办")
    return list(chosen.values())


def _unresolved_message(plan: AssignPlan) -> str:
    names = "、".join(g.name for g in plan.unresolved_groups)
    return f"「{names}」的成员单位未知：请勾选或添加具体承办单位，或先在单位目录中设定其成员单位"


def _deadlines_decide(*, task: Task, plan: AssignPlan, actor: Any, as_of: date, due_on: date | None,
                      keep_due: bool, open_ended: str) -> list[str]:
    """Apply the office's choice for a past or missing deadline; returns the notes for the 交办 event."""
    if due_on is not None and due_on < as_of:
        raise TransitionError(f"新的办理时限（{due_on:%Y-%m-%d}）不能早于交办当天")
    if open_ended and open_ended not in OPEN_ENDED:
        raise TransitionError("请选择「长期」或「按节点时限办结」")
    if plan.undated and due_on is None and not open_ended:
        raise TransitionError("该事项没有明确的办理时限：请在交办时指定办理时限，或选择「长期」或「按节点时限办结」")
    if plan.past_due is not None and due_on is None and not keep_due:
        raise TransitionError(f"该事项的办理时限（{plan.past_due:%Y-%m-%d}）在交办之日已过：请设定新的办理时限，"
                              "或选择「按原时限」")
    now, notes = timezone.now(), []
    person = {"resolved_by": Deadline.ResolvedBy.PERSON, "corrected_by": actor, "corrected_at": now}
    if plan.past_due is not None and due_on is not None:
        for deadline in task.deadlines.filter(recurrence="", due_on__lt=as_of):
            notes.append(f"时限「{deadline.text}」由 {deadline.due_on:%Y-%m-%d} 改为 {due_on:%Y-%m-%d}")
            for name, value in {"due_on": due_on, **person}.items():
                setattr(deadline, name, value)
            deadline.save(update_fields=["due_on", *person])
    elif plan.past_due is not None:
        notes.append(f"按原时限（{plan.past_due:%Y-%m-%d}）交办")
    if plan.undated and due_on is not None:
        Deadline.objects.create(task=task, text=f"{due_on:%Y年%m月%d日}前（交办时指定）", kind="date", due_on=due_on,
                                **person)
        notes.append(f"交办时指定办理时限 {due_on:%Y-%m-%d}")
    elif plan.undated and open_ended == "ongoing":
        Deadline.objects.create(task=task, text="长期", kind="ongoing", recurrence=Deadline.Recurrence.ONGOING,
                                **person)
        notes.append("办理时限：长期")
    elif plan.undated and open_ended == "clock":
        rule = clock_rules(category=task.category)["close"]
        close_on = clock_due(start=as_of, rule=rule, calendar=work_calendar())
        unit = {"workdays": "个工作日", "days": "日", "months": "个月"}[rule.unit]
        Deadline.objects.create(task=task, text=f"按节点时限办结（{rule.amount}{unit}内）", kind="node_clock",
                                due_on=close_on, **person)
        notes.append(f"按节点时限办结：{close_on:%Y-%m-%d} 前")
    return notes


def task_assign(
    *,
    task: Task,
    actor: Any,
    as_of: date,
    units: Sequence[tuple[Department, str]] | None = None,
    due_on: date | None = None,
    keep_due: bool = False,
    open_ended: str = "",
    note: str = "",
) -> Task:
    """交办: the office sends a reviewed task to its units (待审核 → 已交办); each unit's part starts its own cycle.

    `units` are the (department, role) pairs the office ticked in the 交办 form; None takes the proposed units
    with every group expanded to all its members (bulk 交办). A group never holds a part; one whose members
    the directory does not know stops the 交办 until the office picks units. A due date already past on
    `as_of` needs a new date (`due_on`) or `keep_due` (按原时限); a task without a date needs `due_on`, or
    `open_ended` "ongoing" (长期) or "clock" (the node clock's close rule).
    """
    with transaction.atomic():
        task = locked_task(task.pk)
        task_transition_check(task=task, actor=actor, action="assign")
        plan = task_assign_plan(task=task, as_of=as_of)
        if units is None:
            if plan.unresolved_groups:
                raise TransitionError(_unresolved_message(plan))
            units = [(c.department, c.role) for c in plan.candidates]
        chosen = _units_check(units, plan)
        notes = _deadlines_decide(task=task, plan=plan, actor=actor, as_of=as_of, due_on=due_on, keep_due=keep_due,
                                  open_ended=open_ended)
        now = timezone.now()
        keep = {department.pk: role for department, role in chosen}
        existing = {a.department_id: a for a in task.assignments.all()}
        # Assignment rows carry simple-history: delete and save one by one (no bulk) to keep the trail.
        for department_id, assignment in existing.items():
            if department_id not in keep:
                assignment.delete()
        for department, role in chosen:
            assignment = existing.get(department.pk) or Assignment(task=task, department=department, as_written="")
            assignment.role, assignment.status, assignment.assigned_at = role, A.ASSIGNED, now
            assignment.save()
            unit_occurrences_sync(assignment=assignment, as_of=as_of)
        task.assigned_at = now
        task.save(update_fields=["assigned_at", "updated_at"])
        task_due_refresh(task_ids=[task.pk])
        leads = "、".join(d.name for d, role in chosen if role == Assignment.Role.LEAD)
        supports = "、".join(d.name for d, role in chosen if role == Assignment.Role.SUPPORT)
        text = "；".join([f"牵头：{leads}", *([f"配合：{supports}"] if supports else []), *plan.expansion_notes(keep),
                         *notes, *([note] if note else [])])
        task = task_status_sync(task=task, actor=actor, action=TaskEvent.Action.ASSIGN, note=text)
        _assign_messages(task=task, chosen=chosen, note=note)
        return task


def _assign_messages(*, task: Task, chosen: Sequence[tuple[Department, str]], note: str) -> None:
    """交办 lands in each unit's in-app messages, saying its role and its date."""
    task.refresh_from_db(fields=["current_due"])
    due = f"，办理时限 {task.current_due:%Y-%m-%d}" if task.current_due else ""
    for role, label in Assignment.Role.choices:
        ids = [d.pk for d, r in chosen if r == role]
        if ids:
            unit_message_send(task=task, department_ids=ids, kind=Message.Kind.ASSIGN,
                              text=f"督查室交办「{task_label(task)}」（{label}）{due}，请及时签收。"
                                   + (f"交办意见：{note}" if note else ""))


# --- acceptance, 销号, 退办 ----------------------------------------------------------------------------


RATING_LABELS: dict[str, str] = dict(Assignment.Rating.choices)


def _rating_check(rating: str, *, unit: str) -> str:
    if rating not in RATING_LABELS:
        raise TransitionError(f"请评价{unit}的办结质量（优秀、良好、合格或不合格）")
    return rating


def _rate(*, task: Task, assignment: Assignment, actor: Any, rating: str, note: str, action: str) -> None:
    """Store the rating on a locked, accepted lead part and record it (its own event: a co-lead never sees it)."""
    before = assignment.rating
    assignment.rating, assignment.rating_note = rating, note[:1000]
    assignment.rated_at, assignment.rated_by = timezone.now(), actor
    assignment.save(update_fields=["rating", "rating_note", "rated_at", "rated_by"])
    if action == TaskEvent.Action.RATE_CORRECT:
        text = f"评价由「{RATING_LABELS.get(before, '未评价')}」改为「{RATING_LABELS[rating]}」：{note}"
    else:
        text = f"评价：{RATING_LABELS[rating]}" + (f"。{note}" if note else "")
    event_record(task=task, actor=actor, action=action, assignment=assignment, from_status=assignment.status,
                 to_status=assignment.status, note=text)


def _accept(*, task: Task, assignment: Assignment, actor: Any, rating: str, note: str) -> Assignment:
    """办结确认 of one locked part: its open periods close at the acceptance time (judged on what it owed), and the
    office's rating is stored with it."""
    assignment_transition_check(assignment=assignment, actor=actor, action="accept")
    _rating_check(rating, unit=assignment.department.name)
    assignment.accepted_at = timezone.now()
    DeadlineOccurrence.objects.filter(assignment=assignment, completed_at__isnull=True).update(
        completed_at=assignment.accepted_at, completed_by=actor)
    assignment_move(task=task, assignment=assignment, actor=actor, action="accept", note=note,
                    fields=["accepted_at"], then=lambda: _rate(task=task, assignment=assignment, actor=actor,
                                                               rating=rating, note=note,
                                                               action=TaskEvent.Action.RATE))
    task_due_refresh(task_ids=[task.pk])
    assignment_message_send(task=task, assignment=assignment, kind=Message.Kind.DECISION,
                            text=f"「{task_label(task)}」的办结申请已确认办结，评价：{RATING_LABELS[rating]}"
                                 + (f"。{note}" if note else "。"))
    return assignment


def assignment_accept(*, assignment: Assignment, actor: Any, rating: str, note: str = "") -> Assignment:
    """办结确认: the office accepts one unit's completion (申请办结 → 已办结) and rates it (Assignment.Rating:
    required — every accepted part counts in the 考评); the last lead unit accepted is 销号."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        return _accept(task=task, assignment=assignment, actor=actor, rating=rating, note=(note or "").strip())


def task_sign_off(*, task: Task, actor: Any, note: str, ratings: Mapping[int, str]) -> Task:
    """销号 at once: the office accepts every lead unit's pending completion request, with one note, rating each
    unit (`ratings`: assignment id → Assignment.Rating, one for every pending request)."""
    with transaction.atomic():
        task = locked_task(task.pk)
        task_transition_check(task=task, actor=actor, action="sign_off")
        note = text_require(note, what="销号意见", min_length=2)
        leads = list(task.assignments.select_for_update().filter(role=Assignment.Role.LEAD)
                     .exclude(status=A.RETURNED).select_related("department").order_by("pk"))
        waiting = [a.department.name for a in leads if a.status not in (A.COMPLETION_REQUESTED, A.ACCEPTED)]
        if waiting:
            raise TransitionError(f"「{'、'.join(waiting)}」尚未申请办结，不能整体销号")
        pending = [a for a in leads if a.status == A.COMPLETION_REQUESTED]
        unrated = [a.department.name for a in pending if ratings.get(a.pk) not in RATING_LABELS]
        if unrated:
            raise TransitionError(f"请评价「{'、'.join(unrated)}」的办结质量（优秀、良好、合格或不合格）")
        for assignment in pending:
            _accept(task=task, assignment=assignment, actor=actor, rating=ratings[assignment.pk], note=note)
        return task


def assignment_rating_correct(*, assignment: Assignment, actor: Any, rating: str, reason: str) -> Assignment:
    """修改评价: the office corrects the rating of an accepted lead part, with its reason (audited)."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="rate")
        _rating_check(rating, unit=assignment.department.name)
        reason = text_require(reason, what="修改理由", min_length=4)
        if rating == assignment.rating:
            raise TransitionError(f"评价已是「{RATING_LABELS[rating]}」，无需修改")
        _rate(task=task, assignment=assignment, actor=actor, rating=rating, note=reason,
              action=TaskEvent.Action.RATE_CORRECT)
        return assignment


def assignment_send_back(*, assignment: Assignment, actor: Any, reason: str) -> Assignment:
    """退办: the office refuses one unit's completion request, with its reason (申请办结 → 办理中)."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="send_back")
        reason = text_require(reason, what="退办理由", min_length=4)
        assignment.completion_requested_at = None
        # The 100 % of the refused request no longer stands: back to the unit's last progress report.
        last = assignment.progress_reports.filter(is_completion=False).order_by("-created_at", "-pk").first()
        assignment.progress_percent = last.percent if last else 0
        assignment_move(task=task, assignment=assignment, actor=actor, action="send_back", note=reason,
                        fields=["completion_requested_at", "progress_percent"])
        assignment_message_send(task=task, assignment=assignment, kind=Message.Kind.SEND_BACK,
                                text=f"「{task_label(task)}」的办结申请被退办，请补充办理后重新申请办结。退办理由：{reason}")
        return assignment


# --- 重新交办 ----------------------------------------------------------------------------------------


def assignment_reassign(
    *, assignment: Assignment, actor: Any, departments: Sequence[Department], as_of: date, note: str = ""
) -> list[Assignment]:
    """重新交办 of a part handed back (已退回): to the same unit again, to other units (the part moves, in the
    same role), or to none (a support part dropped; a lead part only while another lead unit remains)."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="reassign")
        now, role, previous = timezone.now(), assignment.role, assignment.department
        if [d.pk for d in departments] == [previous.pk]:
            assignment.assigned_at, assignment.signed_at, assignment.returned_at = now, None, None
            assignment_move(task=task, assignment=assignment, actor=actor, action="reassign",
                            note=f"再次交办{previous.name}" + (f"：{note}" if note else ""),
                            fields=["assigned_at", "signed_at", "returned_at"])
            task_due_refresh(task_ids=[task.pk])
            assignment_message_send(task=task, assignment=assignment, kind=Message.Kind.ASSIGN,
                                    text=f"督查室再次交办「{task_label(task)}」，请及时签收。" + (f"说明：{note}" if note else ""))
            return [assignment]
        taken = set(task.assignments.exclude(pk=assignment.pk).values_list("department_id", flat=True))
        targets = [d for d in departments if d.pk not in taken]
        _departments_usable(targets)
        if role == Assignment.Role.LEAD and not targets and not task.assignments.filter(
                role=Assignment.Role.LEAD).exclude(pk=assignment.pk).exists():
            raise TransitionError("该事项须至少有一个牵头单位，请指定重新交办的单位")
        text = f"{previous.name}退回的部分改由{'、'.join(d.name for d in targets) or '（不再交办）'}承办"
        event_record(task=task, actor=actor, action=TaskEvent.Action.REASSIGN, assignment=assignment,
                     from_status=assignment.status, to_status=assignment.status,
                     note=text + (f"：{note}" if note else ""))
        assignment.delete()
        created = []
        for department in targets:
            new = Assignment.objects.create(task=task, department=department, role=role, status=A.ASSIGNED,
                                            assigned_at=now)
            unit_occurrences_sync(assignment=new, as_of=as_of)
            event_record(task=task, actor=actor, action=TaskEvent.Action.REASSIGN, assignment=new,
                         from_status="", to_status=new.status, note=text)
            created.append(new)
        task_due_refresh(task_ids=[task.pk])
        task_status_sync(task=task, actor=actor, note=text)
        if created:
            unit_message_send(task=task, department_ids=[a.department_id for a in created], kind=Message.Kind.ASSIGN,
                              text=f"督查室交办「{task_label(task)}」（{dict(Assignment.Role.choices)[role]}，{text}），请及时签收。")
        return created


# --- extensions ------------------------------------------------------------------------------------


def extension_decide(*, extension: ExtensionRequest, actor: Any, approve: bool, note: str = "") -> ExtensionRequest:
    """审批延期: approve (the unit's own date moves; its first date is kept) or reject, with a reason."""
    with transaction.atomic():
        if extension.assignment_id is None:
            raise TransitionError("该延期申请未关联承办单位，请联系管理员")
        task, assignment = locked_assignment(extension.assignment_id)
        extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
        assignment_transition_check(assignment=assignment, actor=actor, action="extension_decide")
        if extension.status != ExtensionRequest.Status.PENDING:
            raise TransitionError(f"该延期申请已「{extension.get_status_display()}」，不能重复审批")
        if not approve:
            note = text_require(note, what="驳回理由", min_length=2)
        extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
        extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note
        extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            occurrence = (DeadlineOccurrence.objects.select_for_update()
                          .filter(assignment=assignment, deadline_id=extension.deadline_id, completed_at__isnull=True)
                          .order_by("due_on").first())
            if occurrence is None:
                raise TransitionError("该单位的这一时限已完成，无需延期")
            if occurrence.original_due_on is None:  # keep the first date across several extensions
                occurrence.original_due_on = occurrence.due_on
            occurrence.due_on = extension.requested_due_on
            occurrence.save(update_fields=["original_due_on", "due_on"])
            task_due_refresh(task_ids=[task.pk])
            text = f"批准延期至 {extension.requested_due_on:%Y-%m-%d}（原时限 {extension.original_due_on:%Y-%m-%d}）"
        else:
            text = "驳回延期申请"
        event_record(task=task, actor=actor, assignment=assignment,
                     action=TaskEvent.Action.EXTENSION_APPROVE if approve else TaskEvent.Action.EXTENSION_REJECT,
                     from_status=assignment.status, to_status=assignment.status,
                     note=text + (f"：{note}" if note else ""))
        assignment_message_send(task=task, assignment=assignment, kind=Message.Kind.DECISION,
                                text=f"「{task_label(task)}」的延期申请：{text}" + (f"。审批意见：{note}" if note else "。"))
        return extension


# --- 催办 -------------------------------------------------------------------------------------------


def _local_time(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def task_urge(*, task: Task, actor: Any, note: str = "", assignment: Assignment | None = None,
              now: datetime | None = None) -> list[Urge]:
    """催办: the office urges one unit's part, or every lead unit still owing the task; each unit is notified
    of its own urge once the transaction commits.

    A unit urged by the office less than URGE_REPEAT_WINDOW ago is not urged again (a double click, two
    office users at once): the task row lock makes the check and the insert one step.
    """
    with transaction.atomic():
        task = locked_task(task.pk)
        if assignment is not None:
            assignment = Assignment.objects.select_for_update().select_related("department").get(pk=assignment.pk,
                                                                                                  task=task)
            assignment_transition_check(assignment=assignment, actor=actor, action="urge")
            targets = [assignment]
        else:
            task_transition_check(task=task, actor=actor, action="urge")
            targets = list(task.assignments.select_for_update().filter(role=Assignment.Role.LEAD,
                                                                       status__in=OWED_STATUSES)
                           .select_related("department").order_by("pk"))
            if not targets:
                raise TransitionError("该事项没有待办理的牵头单位，无需催办")
        now = now or timezone.now()
        recent = dict(Urge.objects.filter(assignment__in=targets, created_at__gt=now - URGE_REPEAT_WINDOW)
                      .order_by("created_at").values_list("assignment_id", "created_at"))
        if all(t.pk in recent for t in targets):
            latest = max(recent.values())
            raise TransitionError(f"已于 {_local_time(latest)} 催办，{int(URGE_REPEAT_WINDOW.total_seconds() // 60)}"
                                  "分钟内不重复催办")
        note = (note or "").strip() or "请抓紧办理并及时反馈进展。"
        urges = []
        for target in targets:
            if target.pk in recent:
                continue
            urge = Urge.objects.create(task=task, assignment=target, urged_by=actor, note=note)
            event_record(task=task, actor=actor, action=TaskEvent.Action.URGE, assignment=target,
                         from_status=target.status, to_status=target.status, note=note)
            # One logged, retried notice per channel of this unit, recorded here and sent after commit.
            urge_notify(urge_id=urge.pk)
            assignment_message_send(task=task, assignment=target, kind=Message.Kind.URGE,
                                    text=f"督查室催办「{task_label(task)}」：{note} 请在任务页答复催办。")
            urges.append(urge)
        return urges


# --- 本期已完成 ---------------------------------------------------------------------------------------


def occurrence_complete(*, occurrence: DeadlineOccurrence, actor: Any, note: str = "") -> DeadlineOccurrence:
    """本期已完成 (the office's button): one period of one unit is done; that unit's due date moves on."""
    with transaction.atomic():
        task, assignment = locked_assignment(occurrence.assignment_id)
        return occurrence_close(task=task, assignment=assignment, occurrence=locked_occurrence(occurrence),
                                actor=actor, note=note)

