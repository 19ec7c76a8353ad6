"""Roles and row-level security, in one place.

The office (督查室) and managers (领导) see every row; department staff (承办单位) see only the tasks
assigned to their departments (DepartmentMembership), and what hangs off those tasks: the task page shows
co-lead units' progress, but a unit acts only on its own part (`assignment_for`), sees urges
addressed to itself, and sees a support unit's input only where it leads or wrote it. Portal views, the
attachment download, exports and admin `get_queryset` all start from these querysets, so a department user
who guesses an id gets a 404, never another department's row.
"""
from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tracker.models import (
    Assignment,
    Attachment,
    DeadlineOccurrence,
    Department,
    DepartmentMembership,
    Directive,
    ExtensionRequest,
    IssuedDocument,
    ProgressReport,
    SourceFile,
    Task,
    TaskEvent,
    Urge,
)

OFFICE_GROUP = "督查室"
DEPARTMENT_GROUP = "承办单位"
MANAGER_GROUP = "领导"
OFFICE_DRAFTS = (Task.Status.PENDING_REVIEW, Task.Status.DISMISSED)


def _groups(user: Any) -> set[str]:
    cached = getattr(user, "_tracker_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._tracker_groups = cached
    return cached


def user_is_office(user: Any) -> bool:
    """督查室: assigns, signs off, sends back, urges, decides extensions."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or OFFICE_GROUP in _groups(user)))


def user_is_manager(user: Any) -> bool:
    """领导: reads everything, changes nothing."""
    return bool(user.is_authenticated and user.is_active and MANAGER_GROUP in _groups(user))


def user_is_read_only(user: Any) -> bool:
    """A manager outside the office: every write is refused, even marking his or her own messages read."""
    return user_is_manager(user) and not user_is_office(user)


def user_sees_all(user: Any) -> bool:
    return user_is_office(user) or user_is_manager(user)


def user_department_ids(user: Any) -> set[int]:
    """The departments a user works for (empty for anonymous or inactive users)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    return set(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True))


def department_visible_to(*, user: Any) -> QuerySet[Department]:
    if user_sees_all(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=user_department_ids(user))


def task_visible_to(*, user: Any) -> QuerySet[Task]:
    """Tasks the user may read: all for office/managers, else those assigned to the user's departments."""
    if user_sees_all(user):
        return Task.objects.all()
    department_ids = user_department_ids(user)
    if not department_ids:
        return Task.objects.none()
    # Drafts (待审核, and those marked 非任务) are the office's: departments see a task once it is assigned.
    return Task.objects.for_departments(department_ids).exclude(status__in=OFFICE_DRAFTS)


def assignment_visible_to(*, user: Any) -> QuerySet[Assignment]:
    """Units' parts the user may read: all for office/managers, else every part of the user's visible tasks."""
    if user_sees_all(user):
        return Assignment.objects.all()
    return Assignment.objects.filter(task__in=task_visible_to(user=user).values("pk"))


def assignment_for(*, user: Any) -> QuerySet[Assignment]:
    """The parts a user works on or oversees — what its lists, 台账 and actions reach (the services still
    check each action): all for the office and managers (managers are refused by the services, with a
    message); a unit only its own, never a co-lead's."""
    if user_sees_all(user):
        return Assignment.objects.all()
    department_ids = user_department_ids(user)
    return Assignment.objects.filter(department_id__in=department_ids).exclude(task__status__in=OFFICE_DRAFTS)


def directive_visible_to(*, user: Any) -> QuerySet[Directive]:
    if user_sees_all(user):
        return Directive.objects.all()
    return Directive.objects.filter(pk__in=task_visible_to(user=user).values("directive_id"))


def source_file_visible_to(*, user: Any) -> QuerySet[SourceFile]:
    """Imported files the user may download: those holding a directive the user may read."""
    if user_sees_all(user):
        return SourceFile.objects.all()
    return SourceFile.objects.filter(directives__in=directive_visible_to(user=user).values("pk")).distinct()


def _report_scope(user: Any, prefix: str = "") -> Q:
    """Reports a unit may read: its own, the lead units' on its tasks, and every report where it leads."""
    department_ids = user_department_ids(user)
    tasks = task_visible_to(user=user).values("pk")
    led = Assignment.objects.filter(department_id__in=department_ids, role=Assignment.Role.LEAD).values("task_id")
    return Q(**{f"{prefix}task__in": tasks}) & (
        Q(**{f"{prefix}department_id__in": department_ids})
        | Q(**{f"{prefix}assignment__role": Assignment.Role.LEAD})
        | Q(**{f"{prefix}task__in": led})
    )


def progress_report_visible_to(*, user: Any) -> QuerySet[ProgressReport]:
    if user_sees_all(user):
        return ProgressReport.objects.all()
    return ProgressReport.objects.filter(_report_scope(user))


def attachment_visible_to(*, user: Any) -> QuerySet[Attachment]:
    """A report's attachments as its report; a task's own papers (立项材料) to whoever may read the task."""
    if user_sees_all(user):
        return Attachment.objects.all()
    own_papers = Q(report__isnull=True, task__in=task_visible_to(user=user).values("pk"))
    return Attachment.objects.filter(Q(report__isnull=False) & _report_scope(user, "report__") | own_papers)


def extension_request_visible_to(*, user: Any) -> QuerySet[ExtensionRequest]:
    """Extension requests: all for office/managers; a unit sees its own."""
    if user_sees_all(user):
        return ExtensionRequest.objects.all()
    return ExtensionRequest.objects.filter(department_id__in=user_department_ids(user),
                                           task__in=task_visible_to(user=user).values("pk"))


def occurrence_visible_to(*, user: Any) -> QuerySet[DeadlineOccurrence]:
    if user_sees_all(user):
        return DeadlineOccurrence.objects.all()
    return DeadlineOccurrence.objects.filter(assignment__in=assignment_visible_to(user=user).values("pk"))


def urge_visible_to(*, user: Any) -> QuerySet[Urge]:
    """Urges: all for office/managers; a unit sees the urges addressed to itself."""
    if user_sees_all(user):
        return Urge.objects.all()
    return Urge.objects.filter(assignment__in=assignment_for(user=user).values("pk"))


# Ratings (办结评价) feed rankings: only the office, managers and the rated unit itself see them.
RATING_EVENTS: tuple[str, ...] = (TaskEvent.Action.RATE, TaskEvent.Action.RATE_CORRECT)


def task_event_visible_to(*, user: Any) -> QuerySet[TaskEvent]:
    """Audit-trail lines: all for office/managers; a unit those of its visible tasks, without other units'
    ratings."""
    if user_sees_all(user):
        return TaskEvent.objects.all()
    department_ids = user_department_ids(user)
    return TaskEvent.objects.filter(task__in=task_visible_to(user=user).values("pk")).exclude(
        Q(action__in=RATING_EVENTS) & ~Q(department_id__in=department_ids))


def issued_document_visible_to(*, user: Any) -> QuerySet[IssuedDocument]:
    """Issued documents: all for office/managers; a unit only the 督办/催办通知单 addressed to it (主送), never a
    督查通报 (it ranks every unit)."""
    if user_sees_all(user):
        return IssuedDocument.objects.all()
    addressed = IssuedDocument.departments.through.objects.filter(
        department_id__in=user_department_ids(user)).values("issueddocument_id")
    return IssuedDocument.objects.filter(pk__in=addressed).exclude(kind=IssuedDocument.Kind.BULLETIN)
