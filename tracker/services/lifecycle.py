"""The 督办 cycle: every status change of a Task, checked, locked, and recorded as a TaskEvent.

待审核 → 已交办 → 已签收 → 办理中 → 申请办结 → 已销号, with 退回 (a department hands a misrouted task
back; the office reassigns it), 退办 (the office sends a completion request back to 办理中), extension
requests and 催办. Every function runs in one transaction, locks the task row first (so two clicks
cannot both pass the status check) and raises TransitionError, in Chinese, when the status or the
actor's role does not allow the action.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tracker import querysets
from tracker.models import (
    Assignment,
    Attachment,
    Deadline,
    DeadlineOccurrence,
    Department,
    ExtensionRequest,
    ProgressReport,
    Task,
    TaskEvent,
    Urge,
)
from tracker.permissions import user_department_ids, user_is_office
from tracker.services.deadlines import task_due_refresh
from tracker.services.reminders import urge_notify

S = Task.Status
ACTION_LABELS: dict[str, str] = {
    "assign": "交办",
    "sign": "签收",
    "return": "退回",
    "reassign": "重新交办",
    "report": "反馈进展",
    "extension_request": "申请延期",
    "extension_decide": "审批延期",
    "completion_request": "申请办结",
    "sign_off": "销号",
    "send_back": "退办",
    "urge": "催办",
    "urge_reply": "答复催办",
    "occurrence_complete": "完成本期",
}

OFFICE, LEAD, DEPARTMENT = "office", "lead", "department"
OPEN_STATUSES = frozenset(querysets.OPEN_STATUSES)


@dataclass(frozen=True, slots=True)
class Transition:
    """Which statuses allow an action, where it leads (None: unchanged) and who may take it."""

    sources: frozenset[str]
    target: str | None
    role: str  # office | lead (a member of a lead department) | department (any assigned department)


TRANSITIONS: dict[str, Transition] = {
    "assign": Transition(frozenset({S.PENDING_REVIEW}), S.ASSIGNED, OFFICE),
    "sign": Transition(frozenset({S.ASSIGNED}), S.SIGNED, LEAD),
    "return": Transition(frozenset({S.ASSIGNED}), S.RETURNED, LEAD),
    "reassign": Transition(frozenset({S.RETURNED}), S.ASSIGNED, OFFICE),
    "report": Transition(frozenset({S.SIGNED, S.IN_PROGRESS}), S.IN_PROGRESS, DEPARTMENT),
    "extension_request": Transition(frozenset({S.SIGNED, S.IN_PROGRESS}), None, LEAD),
    "extension_decide": Transition(OPEN_STATUSES, None, OFFICE),
    "completion_request": Transition(frozenset({S.IN_PROGRESS}), S.COMPLETION_REQUESTED, LEAD),
    "sign_off": Transition(frozenset({S.COMPLETION_REQUESTED}), S.SIGNED_OFF, OFFICE),
    "send_back": Transition(frozenset({S.COMPLETION_REQUESTED}), S.IN_PROGRESS, OFFICE),
    "urge": Transition(OPEN_STATUSES, None, OFFICE),
    "urge_reply": Transition(OPEN_STATUSES, None, DEPARTMENT),
}

# Feedback that says nothing (指尖上的形式主义): refused however it is punctuated.
BOILERPLATE_REPORTS = frozenset({
    "无", "暂无", "没有", "正在推进", "推进中", "正在办理", "办理中", "正在落实", "落实中", "按计划推进",
    "稳步推进", "有序推进", "持续推进", "已完成", "完成", "同上", "已落实", "正常推进", "进展顺利",
})
_PUNCT_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def _min_chars() -> int:
    return int(getattr(settings, "PROGRESS_REPORT_MIN_CHARS", 10))


class TransitionError(ValueError):
    """The task's status, or the actor's role, does not allow the action; the message is for users."""


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def _lead_department_ids(task: Task) -> set[int]:
    return set(task.assignments.filter(role=Assignment.Role.LEAD).values_list("department_id", flat=True))


def _assigned_department_ids(task: Task) -> set[int]:
    return set(task.assignments.values_list("department_id", flat=True))


def actor_has_role(*, task: Task, actor: Any, role: str) -> bool:
    """Whether `actor` plays `role` (office / lead / department) on `task`."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    if role == OFFICE:
        return user_is_office(actor)
    mine = user_department_ids(actor)
    if role == LEAD:
        return bool(mine & _lead_department_ids(task))
    return bool(mine & _assigned_department_ids(task))


def transition_check(*, task: Task, actor: Any, action: str) -> None:
    """Raise TransitionError unless `actor` may take `action` on `task` in its current status."""
    rule = TRANSITIONS[action]
    if task.status not in rule.sources:
        raise TransitionError(f"当前状态「{_status_label(task.status)}」不能执行「{ACTION_LABELS[action]}」")
    if not actor_has_role(task=task, actor=actor, role=rule.role):
        who = {OFFICE: "督查室", LEAD: "牵头单位", DEPARTMENT: "承办单位"}[rule.role]
        raise TransitionError(f"只有{who}可以执行「{ACTION_LABELS[action]}」")


def task_allowed_actions(*, task: Task, actor: Any) -> set[str]:
    """The actions `actor` may take on `task` now (the portal shows only these forms)."""
    allowed = set()
    for action in TRANSITIONS:
        try:
            transition_check(task=task, actor=actor, action=action)
        except TransitionError:
            continue
        allowed.add(action)
    if "extension_decide" in allowed and not task.extension_requests.filter(
        status=ExtensionRequest.Status.PENDING
    ).exclude(department_id__in=user_department_ids(actor)).exists():
        allowed.discard("extension_decide")
    if "sign_off" in allowed and _office_is_also_requester(task=task, actor=actor):
        allowed -= {"sign_off", "send_back"}
    return allowed


def _office_is_also_requester(*, task: Task, actor: Any) -> bool:
    # A user who is both office staff and a member of the lead department must not approve its own work.
    return bool(user_department_ids(actor) & _lead_department_ids(task))


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _event(*, task: Task, actor: Any, action: str, from_status: str, to_status: str, note: str = "") -> TaskEvent:
    return TaskEvent.objects.create(
        task=task, actor=actor, action=action, from_status=from_status, to_status=to_status, note=note
    )


def _move(*, task: Task, actor: Any, action: str, event_action: str | None = None, note: str = "",
          fields: Sequence[str] = ()) -> Task:
    """Apply the transition's target status (if any) and record the event; `task` must be locked."""
    rule = TRANSITIONS[action]
    before = task.status
    update = list(fields)
    if rule.target is not None and rule.target != before:
        task.status = rule.target
        update.append("status")
    if update:
        task.updated_at = timezone.now()
        task.save(update_fields=[*update, "updated_at"])
    _event(task=task, actor=actor, action=event_action or action, from_status=before, to_status=task.status,
           note=note)
    return task


def _require_text(text: str, *, what: str, min_chars: int) -> str:
    text = (text or "").strip()
    meaningful = _PUNCT_RE.sub("", text)
    if len(meaningful) < min_chars:
        raise TransitionError(f"{what}过于简单（至少{min_chars}个字），请写明具体内容")
    return text


def report_text_check(*, text: str, previous: str | None = None) -> str:
    """Refuse empty, boilerplate or copied feedback; returns the stripped text."""
    core = _PUNCT_RE.sub("", text or "")
    if core in BOILERPLATE_REPORTS or (core and set(core) <= set("无")):
        raise TransitionError("反馈内容不能是空话套话（如「正在推进」「无」），请写明已做的具体工作")
    text = _require_text(text, what="反馈内容", min_chars=_min_chars())
    if previous is not None and _PUNCT_RE.sub("", previous) == core:
        raise TransitionError("反馈内容与上次反馈完全相同，请写明新的进展")
    return text


def attachment_check(*, name: str, size: int) -> None:
    """Refuse uploads over settings.UPLOAD_MAX_BYTES or outside settings.UPLOAD_ALLOWED_EXTENSIONS."""
    suffix = PurePath(name).suffix.lower().lstrip(".")
    allowed = [e.lower().lstrip(".") for e in settings.UPLOAD_ALLOWED_EXTENSIONS]
    if suffix not in allowed:
        raise TransitionError(f"不允许上传该类型的文件（{name}），允许：{'、'.join(allowed)}")
    if size > settings.UPLOAD_MAX_BYTES:
        limit_mb = settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        raise TransitionError(f"文件「{name}」超过大小限制（{limit_mb:g} MB）")
    if size == 0:
        raise TransitionError(f"文件「{name}」是空文件")


def _attachments_create(*, report: ProgressReport, files: Iterable[UploadedFile], actor: Any) -> list[Attachment]:
    created = []
    for upload in files:
        name = PurePath(upload.name or "file").name
        attachment_check(name=name, size=upload.size or 0)
        created.append(Attachment.objects.create(
            report=report,
            file=upload,
            original_name=name[:255],
            size=upload.size or 0,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=actor,
        ))
    return created


def _actor_department(*, task: Task, actor: Any, lead_only: bool) -> Department:
    """The department the actor speaks for on this task (a lead one first)."""
    mine = user_department_ids(actor)
    assignments = task.assignments.filter(department_id__in=mine).select_related("department")
    if lead_only:
        assignments = assignments.filter(role=Assignment.Role.LEAD)
    ordered = sorted(assignments, key=lambda a: (a.role != Assignment.Role.LEAD, a.department_id))
    if not ordered:
        raise TransitionError("您所在单位不是该事项的承办单位")
    return ordered[0].department


# --- the transitions ----------------------------------------------------------------------------


@transaction.atomic
def task_assign(*, task: Task, actor: Any, note: str = "") -> Task:
    """交办: the office sends a confirmed task to its departments (待审核 → 已交办)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="assign")
    if not _lead_department_ids(task):
        raise TransitionError("该事项尚未指定牵头单位，不能交办")
    task.assigned_at = timezone.now()
    return _move(task=task, actor=actor, action="assign", note=note, fields=["assigned_at"])


@transaction.atomic
def task_sign(*, task: Task, actor: Any, note: str = "") -> Task:
    """签收: a lead department acknowledges the task (已交办 → 已签收)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="sign")
    task.signed_at = timezone.now()
    return _move(task=task, actor=actor, action="sign", note=note, fields=["signed_at"])


@transaction.atomic
def task_return(*, task: Task, actor: Any, reason: str) -> Task:
    """退回: a lead department hands back a misrouted task, with its reason (已交办 → 已退回)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="return")
    reason = _require_text(reason, what="退回理由", min_chars=4)
    return _move(task=task, actor=actor, action="return", note=reason)


@transaction.atomic
def task_reassign(
    *,
    task: Task,
    actor: Any,
    lead_departments: Sequence[Department],
    support_departments: Sequence[Department] = (),
    note: str = "",
) -> Task:
    """重新交办: the office sends a returned task to other departments (已退回 → 已交办)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="reassign")
    if not lead_departments:
        raise TransitionError("请至少指定一个牵头单位")
    lead_ids = {d.pk for d in lead_departments}
    support = [d for d in support_departments if d.pk not in lead_ids]
    before = ", ".join(str(a.department) for a in task.assignments.select_related("department"))
    # Assignment rows carry simple-history, so delete/create one by one (no bulk) to keep the trail.
    for assignment in task.assignments.all():
        assignment.delete()
    for department, role in [(d, Assignment.Role.LEAD) for d in lead_departments] + [
        (d, Assignment.Role.SUPPORT) for d in support
    ]:
        Assignment.objects.create(task=task, department=department, role=role, as_written="")
    task.assigned_at = timezone.now()
    task.signed_at = None
    after = ", ".join(d.name for d in [*lead_departments, *support])
    text = f"原承办单位：{before or '无'}；改为：{after}" + (f"；{note}" if note else "")
    return _move(task=task, actor=actor, action="reassign", note=text, fields=["assigned_at", "signed_at"])


@transaction.atomic
def progress_report_create(
    *,
    task: Task,
    actor: Any,
    text: str,
    percent: int,
    files: Sequence[UploadedFile] = (),
    occurrence: DeadlineOccurrence | None = None,
) -> ProgressReport:
    """反馈: a department reports progress; the first report moves 已签收 → 办理中.

    With `occurrence`, the report fulfils that period of a recurring deadline (本期已完成), in the same
    transaction: a refused completion refuses the report too.
    """
    task = _locked(task)
    transition_check(task=task, actor=actor, action="report")
    if not 0 <= int(percent) <= 100:
        raise TransitionError("完成进度应在 0 到 100 之间")
    department = _actor_department(task=task, actor=actor, lead_only=False)
    previous = task.progress_reports.filter(department=department).order_by("-created_at", "-pk").first()
    text = report_text_check(text=text, previous=previous.text if previous else None)
    report = ProgressReport.objects.create(
        task=task, department=department, author=actor, text=text, percent=int(percent)
    )
    _attachments_create(report=report, files=files, actor=actor)
    fields = ["progress_percent"]
    task.progress_percent = int(percent)
    if task.first_report_at is None:
        task.first_report_at = report.created_at
        fields.append("first_report_at")
    _move(task=task, actor=actor, action="report", note=f"{department.name}：{percent}%", fields=fields)
    if occurrence is not None:
        _occurrence_complete(task=task, occurrence=_locked_occurrence(occurrence), actor=actor, report=report)
    return report


def _locked_occurrence(occurrence: DeadlineOccurrence) -> DeadlineOccurrence:
    return DeadlineOccurrence.objects.select_for_update().select_related("deadline").get(pk=occurrence.pk)


@transaction.atomic
def occurrence_complete(
    *, occurrence: DeadlineOccurrence, actor: Any, report: ProgressReport | None = None, note: str = ""
) -> DeadlineOccurrence:
    """本期已完成: one occurrence of a task's deadline is done; the task's due date moves to its next open one.

    The office may complete any open occurrence; a lead department only a period of a recurring deadline
    and only with the progress report that fulfils it (a one-off deadline ends with 申请办结 and 销号).
    """
    task_id = DeadlineOccurrence.objects.values_list("deadline__task_id", flat=True).get(pk=occurrence.pk)
    task = Task.objects.select_for_update().get(pk=task_id)  # the task first, as every transition locks it
    return _occurrence_complete(task=task, occurrence=_locked_occurrence(occurrence), actor=actor,
                                report=report, note=note)


def _occurrence_complete(
    *, task: Task, occurrence: DeadlineOccurrence, actor: Any, report: ProgressReport | None = None,
    note: str = "",
) -> DeadlineOccurrence:
    """occurrence_complete on a locked task and occurrence."""
    label = ACTION_LABELS["occurrence_complete"]
    deadline = occurrence.deadline
    if deadline.task_id != task.pk:
        raise TransitionError("所选时限不属于该事项")
    if task.status not in querysets.OWED_STATUSES:
        raise TransitionError(f"当前状态「{_status_label(task.status)}」不能执行「{label}」")
    if occurrence.completed_at is not None:
        done_on = timezone.localtime(occurrence.completed_at).date()
        raise TransitionError(f"{occurrence.due_on:%Y-%m-%d} 这一期已于 {done_on:%Y-%m-%d} 完成")
    is_office = actor_has_role(task=task, actor=actor, role=OFFICE)
    if not is_office and not actor_has_role(task=task, actor=actor, role=LEAD):
        raise TransitionError(f"只有牵头单位或督查室可以执行「{label}」")
    if report is not None and report.task_id != task.pk:
        raise TransitionError("所选反馈不属于该事项")
    if not is_office:
        if deadline.recurrence not in querysets.RECURRING:
            raise TransitionError("一次性时限须通过申请办结、销号完成")
        if report is None:
            raise TransitionError("承办单位须通过反馈进展完成本期，请在反馈时选择对应的时限（期）")
    occurrence.completed_at = timezone.now()
    occurrence.completed_by = actor
    occurrence.report = report
    occurrence.save(update_fields=["completed_at", "completed_by", "report"])
    task_due_refresh(task_ids=[task.pk])
    text = f"{occurrence.due_on:%Y-%m-%d} 这一期已完成（{deadline.text}）"
    if report is not None:
        text += f"，见{report.department.name}的反馈"
    _event(task=task, actor=actor, action=TaskEvent.Action.OCCURRENCE_COMPLETE, from_status=task.status,
           to_status=task.status, note=text + (f"：{note}" if note else ""))
    return occurrence


def task_current_deadline(*, task: Task) -> Deadline | None:
    """The deadline an extension applies to: the earliest dated one-off deadline still owed.

    A recurring duty is fulfilled period by period (occurrence_complete); moving its first date would
    change none of its occurrences, so it is never the one extended.
    """
    return (
        task.deadlines.filter(recurrence="", due_on__isnull=False)
        .exclude(occurrences__completed_at__isnull=False)
        .order_by("due_on", "pk")
        .first()
    )


@transaction.atomic
def extension_request_create(
    *,
    task: Task,
    actor: Any,
    reason: str,
    requested_due_on: date,
    current_progress: str,
    as_of: date,
    deadline: Deadline | None = None,
) -> ExtensionRequest:
    """延期申请: a lead department asks for a later date, before the current one has passed."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="extension_request")
    deadline = deadline or task_current_deadline(task=task)
    if deadline is None and task.deadlines.filter(recurrence__in=querysets.RECURRING).exists():
        raise TransitionError("周期性时限按期逐期完成，不适用延期申请")
    if deadline is None or deadline.task_id != task.pk or deadline.due_on is None:
        raise TransitionError("该事项没有明确的办理时限，无需申请延期")
    if deadline.recurrence != "":
        raise TransitionError("周期性时限按期逐期完成，不适用延期申请")
    # "Before the due date": on the due date itself the task is not yet overdue, so it may still ask.
    if as_of > deadline.due_on:
        raise TransitionError(f"办理时限（{deadline.due_on:%Y-%m-%d}）已过，不能再申请延期")
    if requested_due_on <= deadline.due_on:
        raise TransitionError("申请的新时限应晚于当前办理时限")
    if task.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise TransitionError("已有待审批的延期申请，请等待督查室审批")
    reason = _require_text(reason, what="延期理由", min_chars=_min_chars())
    current_progress = _require_text(current_progress, what="当前进展", min_chars=4)
    department = _actor_department(task=task, actor=actor, lead_only=True)
    request = ExtensionRequest.objects.create(
        task=task,
        deadline=deadline,
        department=department,
        requested_by=actor,
        reason=reason,
        current_progress=current_progress,
        requested_due_on=requested_due_on,
        original_due_on=deadline.due_on,
        status=ExtensionRequest.Status.PENDING,
    )
    _move(task=task, actor=actor, action="extension_request",
          note=f"申请将时限由 {deadline.due_on:%Y-%m-%d} 延至 {requested_due_on:%Y-%m-%d}：{reason}")
    return request


@transaction.atomic
def extension_decide(*, extension: ExtensionRequest, actor: Any, approve: bool, note: str = "") -> ExtensionRequest:
    """审批延期: the office approves (the deadline moves, the original date is kept) or rejects."""
    task = _locked(extension.task)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    transition_check(task=task, actor=actor, action="extension_decide")
    if extension.status != ExtensionRequest.Status.PENDING:
        raise TransitionError(f"该延期申请已「{extension.get_status_display()}」，不能重复审批")
    if extension.department_id in user_department_ids(actor):
        raise TransitionError("不能审批本单位提出的延期申请")
    if not approve:
        note = _require_text(note, what="驳回理由", min_chars=2)
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        deadline = Deadline.objects.select_for_update().get(pk=extension.deadline_id)
        if deadline.original_due_on is None:  # keep the first date across several extensions
            deadline.original_due_on = deadline.due_on
        deadline.due_on = extension.requested_due_on
        deadline.save(update_fields=["original_due_on", "due_on"])
        if deadline.recurrence == "":  # its single occurrence moves with it (as deadline_correct does)
            deadline.occurrences.filter(completed_at__isnull=True).update(due_on=deadline.due_on)
        task_due_refresh(task_ids=[task.pk])
        text = f"批准延期至 {extension.requested_due_on:%Y-%m-%d}（原时限 {extension.original_due_on:%Y-%m-%d}）"
    else:
        text = "驳回延期申请"
    _move(task=task, actor=actor, action="extension_decide",
          event_action="extension_approve" if approve else "extension_reject",
          note=f"{text}" + (f"：{note}" if note else ""))
    return extension


@transaction.atomic
def task_completion_request(
    *, task: Task, actor: Any, text: str, files: Sequence[UploadedFile] = ()
) -> ProgressReport:
    """申请办结: a lead department asks for sign-off, with evidence (办理中 → 申请办结)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="completion_request")
    text = _require_text(text, what="办结情况说明", min_chars=_min_chars())
    department = _actor_department(task=task, actor=actor, lead_only=True)
    report = ProgressReport.objects.create(
        task=task, department=department, author=actor, text=text, percent=100, is_completion=True
    )
    _attachments_create(report=report, files=files, actor=actor)
    task.completion_requested_at = report.created_at
    task.progress_percent = 100
    _move(task=task, actor=actor, action="completion_request", note=text,
          fields=["completion_requested_at", "progress_percent"])
    return report


@transaction.atomic
def task_sign_off(*, task: Task, actor: Any, note: str = "") -> Task:
    """销号: the office accepts the completion (申请办结 → 已销号)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="sign_off")
    if _office_is_also_requester(task=task, actor=actor):
        raise TransitionError("不能为本单位承办的事项销号")
    task.signed_off_at = timezone.now()
    _move(task=task, actor=actor, action="sign_off", note=note, fields=["signed_off_at"])
    # Every occurrence still open is closed by the sign-off, at its time: tracker.querysets then still
    # judges the task's on-time sign-off on what it owed at that moment.
    DeadlineOccurrence.objects.filter(deadline__task=task, completed_at__isnull=True).update(
        completed_at=task.signed_off_at, completed_by=actor
    )
    task_due_refresh(task_ids=[task.pk])
    return task


@transaction.atomic
def task_send_back(*, task: Task, actor: Any, reason: str) -> Task:
    """退办: the office refuses the completion request (申请办结 → 办理中)."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="send_back")
    if _office_is_also_requester(task=task, actor=actor):
        raise TransitionError("不能审核本单位承办的事项")
    reason = _require_text(reason, what="退办理由", min_chars=4)
    task.completion_requested_at = None
    return _move(task=task, actor=actor, action="send_back", note=reason, fields=["completion_requested_at"])


@transaction.atomic
def task_urge(*, task: Task, actor: Any, note: str = "") -> Urge:
    """催办: the office urges the task's departments; they are notified as soon as the transaction commits."""
    task = _locked(task)
    transition_check(task=task, actor=actor, action="urge")
    note = (note or "").strip() or "请抓紧办理并及时反馈进展。"
    urge = Urge.objects.create(task=task, urged_by=actor, note=note)
    _move(task=task, actor=actor, action="urge", note=note)
    # The reminder service records one logged, retried notice per department and channel (e-mail,
    # robot webhook) in this transaction and sends them once it commits.
    urge_notify(urge_id=urge.pk)
    return urge


@transaction.atomic
def urge_reply(*, urge: Urge, actor: Any, reply: str) -> Urge:
    """答复催办: a department answers an urge (logged on the urge and as an event)."""
    task = _locked(urge.task)
    transition_check(task=task, actor=actor, action="urge_reply")
    urge = Urge.objects.select_for_update().get(pk=urge.pk)
    if urge.replied_at is not None:
        raise TransitionError("该催办已答复")
    urge.reply = _require_text(reply, what="答复内容", min_chars=4)
    urge.replied_at = timezone.now()
    urge.save(update_fields=["reply", "replied_at"])
    _move(task=task, actor=actor, action="urge_reply", event_action="urge", note=f"答复催办：{urge.reply}")
    return urge
