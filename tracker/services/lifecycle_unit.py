"""What a unit (承办单位) does on its own part of a task: 签收, 退回, 反馈, 延期申请, 申请办结, 答复催办.

Each function takes the unit's Assignment, checks that the actor works for that unit (a co-lead never acts
for another), runs one transition in one transaction under the task-then-assignment row locks, records the
event and re-derives the task's status (tracker.services.lifecycle).
The transaction is opened inside each function, not by `@transaction.atomic`: mutmut skips decorated functions.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tracker.models import (
    Assignment,
    DeadlineOccurrence,
    ExtensionRequest,
    ProgressReport,
    Urge,
)
from tracker.services.lifecycle import (
    assignment_move,
    attachments_create,
    event_record,
    locked_assignment,
    locked_occurrence,
    min_chars,
    occurrence_close,
    report_text_check,
    text_require,
)
from tracker.transitions import TransitionError, assignment_transition_check, extension_request_check


def assignment_sign(*, assignment: Assignment, actor: Any, note: str = "") -> Assignment:
    """签收: the unit acknowledges its part (已交办 → 已签收)."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="sign")
        assignment.signed_at = timezone.now()
        return assignment_move(task=task, assignment=assignment, actor=actor, action="sign", note=note,
                               fields=["signed_at"])


def assignment_return(*, assignment: Assignment, actor: Any, reason: str) -> Assignment:
    """退回: the unit hands back a part that is not its job, with its reason (已交办 → 已退回)."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="return")
        reason = text_require(reason, what="退回理由", min_length=4)
        assignment.returned_at = timezone.now()
        return assignment_move(task=task, assignment=assignment, actor=actor, action="return", note=reason,
                               fields=["returned_at"])


def progress_report_create(
    *,
    assignment: Assignment,
    actor: Any,
    text: str,
    percent: int,
    files: Sequence[UploadedFile] = (),
    occurrence: DeadlineOccurrence | None = None,
) -> ProgressReport:
    """反馈: the unit reports its progress (a support unit: its input to the leads); the first report moves
    已签收 → 办理中. With `occurrence`, the report fulfils that period of the unit's recurring deadline
    (本期已完成) in the same transaction: a refused completion refuses the report too."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="report")
        if not 0 <= int(percent) <= 100:
            raise TransitionError("完成进度应在 0 到 100 之间")
        previous = assignment.progress_reports.order_by("-created_at", "-pk").first()
        text = report_text_check(text=text, previous=previous.text if previous else None)
        report = ProgressReport.objects.create(task=task, assignment=assignment, department=assignment.department,
                                               author=actor, text=text, percent=int(percent))
        attachments_create(report=report, files=files, actor=actor)
        assignment.progress_percent = int(percent)
        fields = ["progress_percent"]
        if assignment.first_report_at is None:
            assignment.first_report_at = report.created_at
            fields.append("first_report_at")
        assignment_move(task=task, assignment=assignment, actor=actor, action="report", note=f"{percent}%",
                        fields=fields)
        if occurrence is not None:
            occurrence_close(task=task, assignment=assignment, occurrence=locked_occurrence(occurrence), actor=actor,
                             report=report)
        return report


def extension_request_create(
    *,
    assignment: Assignment,
    actor: Any,
    reason: str,
    requested_due_on: date,
    current_progress: str,
    as_of: date,
) -> ExtensionRequest:
    """延期申请: a lead unit asks to move its own date, before that date has passed."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="extension_request")
        occurrence = extension_request_check(assignment=assignment, as_of=as_of)
        if requested_due_on <= occurrence.due_on:
            raise TransitionError("申请的新时限应晚于当前办理时限")
        reason = text_require(reason, what="延期理由", min_length=min_chars())
        current_progress = text_require(current_progress, what="当前进展", min_length=4)
        request = ExtensionRequest.objects.create(
            task=task, assignment=assignment, deadline=occurrence.deadline, department=assignment.department,
            requested_by=actor, reason=reason, current_progress=current_progress, requested_due_on=requested_due_on,
            original_due_on=occurrence.due_on, status=ExtensionRequest.Status.PENDING,
        )
        assignment_move(task=task, assignment=assignment, actor=actor, action="extension_request",
                        note=f"申请将时限由 {occurrence.due_on:%Y-%m-%d} 延至 {requested_due_on:%Y-%m-%d}：{reason}")
        return request


def assignment_completion_request(
    *, assignment: Assignment, actor: Any, text: str, files: Sequence[UploadedFile] = ()
) -> ProgressReport:
    """申请办结: a lead unit asks for its part to be accepted, with evidence (办理中 → 申请办结)."""
    with transaction.atomic():
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="completion_request")
        text = text_require(text, what="办结情况说明", min_length=min_chars())
        report = ProgressReport.objects.create(task=task, assignment=assignment, department=assignment.department,
                                               author=actor, text=text, percent=100, is_completion=True)
        attachments_create(report=report, files=files, actor=actor)
        assignment.completion_requested_at = report.created_at
        assignment.progress_percent = 100
        assignment_move(task=task, assignment=assignment, actor=actor, action="completion_request", note=text,
                        fields=["completion_requested_at", "progress_percent"])
        return report


def urge_reply(*, urge: Urge, actor: Any, reply: str) -> Urge:
    """答复催办: the urged unit answers (logged on the urge and as an event)."""
    with transaction.atomic():
        assignment = urge.assignment
        if assignment is None:
            raise TransitionError("该催办未指定单位，无需答复")
        task, assignment = locked_assignment(assignment)
        assignment_transition_check(assignment=assignment, actor=actor, action="urge_reply")
        urge = Urge.objects.select_for_update().get(pk=urge.pk)
        if urge.replied_at is not None:
            raise TransitionError("该催办已答复")
        urge.reply = text_require(reply, what="答复内容", min_length=4)
        urge.replied_at = timezone.now()
        urge.save(update_fields=["reply", "replied_at"])
        event_record(task=task, actor=actor, action="urge_reply", assignment=assignment,
                     from_status=assignment.status, to_status=assignment.status, note=urge.reply)
        return urge
