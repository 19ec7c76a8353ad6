"""立项: the office registers a 督办 item that comes without a document — a 领导批示, a 会议纪要, the 政府工作报告's
task split, a 建议提案, a 群众来信 — and it follows the same cycle as an extracted task (待审核, or 交办 at once)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tracker.models import Assignment, Attachment, Department, Task, TaskEvent
from tracker.permissions import user_is_manager, user_is_office
from tracker.services.deadlines import deadline_add, task_due_refresh
from tracker.services.lifecycle import attachment_check, attachments_total_check, event_record, text_require
from tracker.services.lifecycle_office import task_assign
from tracker.services.webhooks import task_created_publish
from tracker.transitions import TransitionError

ROLE_LABELS = dict(Assignment.Role.choices)


def _attachments_create(*, task: Task, files: Iterable[UploadedFile], actor: Any) -> list[Attachment]:
    """Store the item's own papers (the 批示件, the 纪要) as report attachments are stored, within the same limits."""
    uploads = list(files)
    for upload in uploads:
        attachment_check(name=PurePath(upload.name or "file").name, size=upload.size or 0)
    attachments_total_check(sizes=[upload.size or 0 for upload in uploads])
    return [
        Attachment.objects.create(
            task=task, file=upload, original_name=PurePath(upload.name or "file").name[:255], size=upload.size or 0,
            content_type=(getattr(upload, "content_type", "") or "")[:100], uploaded_by=actor,
        )
        for upload in uploads
    ]


@transaction.atomic
def task_register(
    *,
    actor: Any,
    as_of: date,
    source_kind: str,
    text: str,
    leads: Sequence[Department],
    supports: Sequence[Department] = (),
    source_ref: str = "",
    instructed_by: str = "",
    instructed_on: date | None = None,
    title: str = "",
    deadline_text: str = "",
    due_on: date | None = None,
    leader: Any = None,
    category: str = Task.Category.ORDINARY,
    files: Iterable[UploadedFile] = (),
    assign: bool = False,
    keep_due: bool = False,
    open_ended: str = "",
) -> Task:
    """立项: create a task without a directive, with its source (kind, reference, 批示人 and date), text, units
    (proposed: 牵头 `leads`, 配合 `supports`), deadline (a phrase parsed against the 批示 date, or a date),
    分管领导 (`leader`, a user of the 领导 group), category and attachments.

    The task lands as 待审核 (confirmed: the office wrote it), or with `assign` goes straight to 交办 through
    lifecycle_office.task_assign and its checks (`keep_due`, `open_ended` as there); if 交办 is refused
    nothing is written (TransitionError, in Chinese).
    """
    if not user_is_office(actor):
        raise TransitionError("只有督查室可以立项")
    if source_kind not in Task.SourceKind.values or source_kind == Task.SourceKind.DIRECTIVE:
        raise TransitionError("请选择督办事项的来源（领导批示、会议纪要、政府工作报告、建议提案、群众来信或其他）")
    text = text_require(text, what="任务内容", min_length=4)
    if not leads:
        raise TransitionError("请至少指定一个牵头（责任）单位")
    if leader is not None and not user_is_manager(leader):
        raise TransitionError(f"「{leader.get_full_name() or leader.get_username()}」不是领导，不能作为分管领导")
    if category not in Task.Category.values:
        raise TransitionError("类别须为一般或重大")
    if instructed_on is not None and instructed_on > as_of:
        raise TransitionError("批示（会议）日期不能晚于今天")
    now = timezone.now()
    task = Task.objects.create(
        directive=None, source_kind=source_kind, source_ref=source_ref.strip()[:200],
        instructed_by=instructed_by.strip()[:100], instructed_on=instructed_on,
        title=(title.strip() or text)[:200], text=text, leader=leader, category=category,
        status=Task.Status.PENDING_REVIEW, origin=Task.Origin.MANUAL, confirmed_at=now, confirmed_by=actor,
    )
    roles: dict[int, tuple[Department, str]] = {}
    for department in supports:
        roles[department.pk] = (department, Assignment.Role.SUPPORT)
    for department in leads:  # a unit named in both lists leads
        roles[department.pk] = (department, Assignment.Role.LEAD)
    for department, role in roles.values():
        if not department.active:
            raise TransitionError(f"「{department.name}」已停用")
        Assignment.objects.create(task=task, department=department, role=role, as_written="")
    source = task.source_label
    units = "；".join(f"{ROLE_LABELS[role]}：{'、'.join(d.name for d, r in roles.values() if r == role)}"
                     for role in (Assignment.Role.LEAD, Assignment.Role.SUPPORT)
                     if any(r == role for _, r in roles.values()))
    event = event_record(task=task, actor=actor, action=TaskEvent.Action.REGISTER, to_status=task.status,
                         note=f"立项（{source}）；{units}")
    task_created_publish(task=task, event=event)
    if deadline_text.strip() or due_on is not None:
        deadline_add(task=task, actor=actor, as_of=as_of, text=deadline_text, due_on=due_on)
    _attachments_create(task=task, files=files, actor=actor)
    task_due_refresh(task_ids=[task.pk])
    if assign:
        return task_assign(task=task, actor=actor, as_of=as_of, keep_due=keep_due, open_ended=open_ended)
    task.refresh_from_db()
    return task
