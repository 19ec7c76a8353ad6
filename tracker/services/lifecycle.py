"""The 督办 cycle's shared machinery: row locks, the audit trail, the derived task status, and the checks on
what units write (feedback text, attachments).

The transitions themselves are split by actor: `lifecycle_office` (督查室: 交办, 办结确认 and 销号, 退办,
重新交办, 延期审批, 催办, 本期已完成) and `lifecycle_unit` (承办单位: 签收, 退回, 反馈, 延期申请, 申请办结, 答复催办);
the rules they enforce are in `tracker.transitions`. Every transition runs in one transaction, locks the
task row and then the assignment row (two clicks, or two co-lead units, cannot both pass a status check, and
the derived task status is computed from committed rows), changes one unit's part (or the task at 交办),
records a TaskEvent naming the unit, and re-derives the task's status in the same transaction.

Task-level events mark the task's milestones only (交办, 销号, handed back to the office and rerouted); its
intermediate statuses follow from the units' events.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from tracker.models import (
    Assignment,
    Attachment,
    DeadlineOccurrence,
    ProgressReport,
    Task,
    TaskEvent,
)
from tracker.permissions import user_is_office
from tracker.querysets import OWED_STATUSES, RECURRING
from tracker.services.deadlines import task_due_refresh
from tracker.services.webhooks import task_event_publish
from tracker.transitions import (
    ACTION_LABELS,
    ASSIGNMENT_TRANSITIONS,
    TransitionError,
    actor_speaks_for,
    status_label,
    task_status_from,
)

__all__ = ["TransitionError"]

A = Assignment.Status
S = Task.Status

# Feedback that says nothing (指尖上的形式主义): refused however it is punctuated.
BOILERPLATE_REPORTS = frozenset({
    "无", "暂无", "没有", "正在推进", "推进中", "正在办理", "办理中", "正在落实", "落实中", "按计划推进",
    "稳步推进", "有序推进", "持续推进", "已完成", "完成", "同上", "已落实", "正常推进", "进展顺利",
})
_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def min_chars() -> int:
    return int(getattr(settings, "PROGRESS_REPORT_MIN_CHARS", 10))


# --- locks and the audit trail --------------------------------------------------------------------


def locked_task(task_id: int) -> Task:
    """The task row, locked until the transaction ends (every transition locks it first)."""
    return Task.objects.select_for_update().get(pk=task_id)


def locked_assignment(assignment: Assignment | int) -> tuple[Task, Assignment]:
    """Lock the unit's task, then the unit's part: always in this order, so concurrent transitions queue."""
    pk = assignment if isinstance(assignment, int) else assignment.pk
    task_id = Assignment.objects.values_list("task_id", flat=True).get(pk=pk)
    task = locked_task(task_id)
    return task, Assignment.objects.select_for_update().select_related("department").get(pk=pk)


def event_record(*, task: Task, actor: Any, action: str, assignment: Assignment | None = None,
                 from_status: str = "", to_status: str = "", note: str = "") -> TaskEvent:
    """One line of the audit trail; with `assignment`, the statuses are the unit's and the unit is named. Other
    systems subscribed to the action hear of it (services.webhooks), recorded in the same transaction."""
    event = TaskEvent.objects.create(
        task=task, assignment=assignment, department_id=assignment.department_id if assignment else None,
        actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        from_status=from_status, to_status=to_status, note=note,
    )
    task_event_publish(event=event)
    return event


def assignment_move(*, task: Task, assignment: Assignment, actor: Any, action: str, note: str = "",
                    event_action: str | None = None, fields: Sequence[str] = (),
                    then: Callable[[], Any] | None = None) -> Assignment:
    """Apply the transition's target status to a locked part, record its event (and `then` what follows it, e.g.
    the rating of an acceptance) and re-derive the task."""
    rule = ASSIGNMENT_TRANSITIONS[action]
    before = assignment.status
    update = list(fields)
    if rule.target is not None and rule.target != before:
        assignment.status = rule.target
        update.append("status")
    if update:
        assignment.save(update_fields=update)
    event_record(task=task, actor=actor, action=event_action or action, assignment=assignment,
                 from_status=before, to_status=assignment.status, note=note)
    if then is not None:
        then()
    if "status" in update:
        task_status_sync(task=task, actor=actor)
    return assignment


def task_status_sync(*, task: Task, actor: Any, action: str = "", note: str = "") -> Task:
    """Store the task's status derived from its lead units (tracker.transitions.task_status_from).

    The only writer of Task.status after review. At 销号 (every lead unit 已办结) it stamps the sign-off time
    and closes the support units' parts with it. `action` names the milestone event when the caller's own
    action is the milestone (交办); otherwise 销号 and 已退回 (in and out) are recorded as task events.
    """
    leads = list(task.assignments.filter(role=Assignment.Role.LEAD).values_list("status", flat=True))
    derived = task_status_from(lead_statuses=leads)
    before = task.status
    if derived == before:
        return task
    task.status = derived
    fields = ["status", "updated_at"]
    if derived == S.SIGNED_OFF:  # the moment the last lead unit was accepted
        task.signed_off_at = max(task.assignments.filter(role=Assignment.Role.LEAD, status=A.ACCEPTED)
                                 .values_list("accepted_at", flat=True))
        fields.append("signed_off_at")
        for support in task.assignments.filter(role=Assignment.Role.SUPPORT, status__in=OWED_STATUSES):
            support.status, support.accepted_at = A.ACCEPTED, task.signed_off_at
            support.save(update_fields=["status", "accepted_at"])
    elif before == S.SIGNED_OFF:
        task.signed_off_at = None
        fields.append("signed_off_at")
    task.save(update_fields=fields)
    milestone = action or (TaskEvent.Action.SIGN_OFF if derived == S.SIGNED_OFF else
                           TaskEvent.Action.STATUS if S.RETURNED in (before, derived) else "")
    if milestone:
        event_record(task=task, actor=actor, action=milestone, from_status=before, to_status=derived, note=note)
    return task


# --- what units write -----------------------------------------------------------------------------


def text_require(text: str, *, what: str, min_length: int) -> str:
    """The stripped text, unless it has fewer than `min_length` meaningful characters."""
    text = (text or "").strip()
    meaningful = _PUNCT_RE.sub("", text)
    if len(meaningful) < min_length:
        raise TransitionError(f"{what}过于简单（至少{min_length}个字），请写明具体内容")
    return text


def report_text_check(*, text: str, previous: str | None = None) -> str:
    """Refuse empty, boilerplate or copied feedback; returns the stripped text."""
    core = _PUNCT_RE.sub("", text or "")
    if core in BOILERPLATE_REPORTS or (core and set(core) <= set("无")):
        raise TransitionError("反馈内容不能是空话套话（如「正在推进」「无」），请写明已做的具体工作")
    text = text_require(text, what="反馈内容", min_length=min_chars())
    if previous is not None and _PUNCT_RE.sub("", previous) == core:
        raise TransitionError("反馈内容与上次反馈完全相同，请写明新的进展")
    return text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def attachment_check(*, name: str, size: int) -> None:
    """Refuse uploads over settings.UPLOAD_MAX_BYTES or outside settings.UPLOAD_ALLOWED_EXTENSIONS."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    allowed = [e.lower().lstrip(".") for e in settings.UPLOAD_ALLOWED_EXTENSIONS]
    if suffix not in allowed:
        raise TransitionError(f"不允许上传该类型的文件（{name}），允许：{'、'.join(allowed)}")
    if size > settings.UPLOAD_MAX_BYTES:
        raise TransitionError(f"文件「{name}」超过大小限制（{_megabytes(settings.UPLOAD_MAX_BYTES)} MB）")
    if size == 0:
        raise TransitionError(f"文件「{name}」是空文件")


def attachments_total_check(*, sizes: Iterable[int]) -> None:
    """Refuse a report whose attachments together exceed settings.UPLOAD_REPORT_MAX_BYTES."""
    total, limit = sum(sizes), settings.UPLOAD_REPORT_MAX_BYTES
    if total > limit:
        raise TransitionError(f"本次反馈的附件合计 {_megabytes(total)} MB，超过每次反馈 {_megabytes(limit)} MB "
                              "的上限，请压缩文件或分次反馈")


def attachments_create(*, report: ProgressReport, files: Iterable[UploadedFile], actor: Any) -> list[Attachment]:
    uploads = list(files)
    for upload in uploads:
        attachment_check(name=PurePath(upload.name or "file").name, size=upload.size or 0)
    attachments_total_check(sizes=[upload.size or 0 for upload in uploads])
    return [
        Attachment.objects.create(
            report=report, file=upload, original_name=PurePath(upload.name or "file").name[:255],
            size=upload.size or 0, content_type=(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=actor,
        )
        for upload in uploads
    ]


# --- periods (本期已完成) -----------------------------------------------------------------------------


def locked_occurrence(occurrence: DeadlineOccurrence) -> DeadlineOccurrence:
    return DeadlineOccurrence.objects.select_for_update().select_related("deadline").get(pk=occurrence.pk)


def occurrence_close(
    *, task: Task, assignment: Assignment, occurrence: DeadlineOccurrence, actor: Any,
    report: ProgressReport | None = None, note: str = "",
) -> DeadlineOccurrence:
    """One period of one unit is done (task, part and occurrence locked by the caller); its due date moves on.

    The office may complete any open occurrence; a lead unit only a period of a recurring deadline, and only
    with the progress report that fulfils it (a one-off deadline ends with 申请办结 and 办结确认).
    """
    label = ACTION_LABELS["occurrence_complete"]
    deadline = occurrence.deadline
    if occurrence.assignment_id != assignment.pk:
        raise TransitionError("所选时限不属于该单位的这项任务")
    if assignment.status not in OWED_STATUSES:
        raise TransitionError(f"{assignment.department.name}当前状态「{status_label(assignment.status)}」"
                              f"不能执行「{label}」")
    if occurrence.completed_at is not None:
        done_on = timezone.localtime(occurrence.completed_at).date()
        raise TransitionError(f"{occurrence.due_on:%Y-%m-%d} 这一期已于 {done_on:%Y-%m-%d} 完成")
    is_office = user_is_office(actor)
    if not is_office:
        if not (actor_speaks_for(actor=actor, assignment=assignment) and assignment.role == Assignment.Role.LEAD):
            raise TransitionError(f"只有牵头单位或督查室可以执行「{label}」")
        if deadline.recurrence not in RECURRING:
            raise TransitionError("一次性时限须通过申请办结、办结确认完成")
        if report is None:
            raise TransitionError("承办单位须通过反馈进展完成本期，请在反馈时选择对应的时限（期）")
    if report is not None and report.assignment_id != assignment.pk:
        raise TransitionError("所选反馈不属于该单位的这项任务")
    occurrence.completed_at = timezone.now()
    occurrence.completed_by = actor
    occurrence.report = report
    occurrence.save(update_fields=["completed_at", "completed_by", "report"])
    task_due_refresh(task_ids=[task.pk])
    text = f"{occurrence.due_on:%Y-%m-%d} 这一期已完成（{deadline.text}）"
    if report is not None:
        text += "，见本单位的反馈"
    event_record(task=task, actor=actor, action=TaskEvent.Action.OCCURRENCE_COMPLETE, assignment=assignment,
                 from_status=assignment.status, to_status=assignment.status,
                 note=text + (f"：{note}" if note else ""))
    return occurrence

