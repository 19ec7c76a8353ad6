"""Builders for workflow tests: users in their role groups, departments, tasks whose units' parts stand in a
given status (with the timestamps and occurrences the services would have written)."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import DeadlineFactory, DepartmentFactory, DirectiveFactory, TaskFactory
from tracker.models import Assignment, DeadlineOccurrence, Department, DepartmentMembership, Task
from tracker.services.deadlines import task_due_refresh
from tracker.transitions import task_status_from

_seq = count(1)
PASSWORD = "pw-test-123"
A = Assignment.Status
# The unit status a task status stands for (a single lead unit).
UNIT_STATUS = {
    Task.Status.PENDING_REVIEW: A.PROPOSED, Task.Status.ASSIGNED: A.ASSIGNED, Task.Status.SIGNED: A.SIGNED,
    Task.Status.IN_PROGRESS: A.IN_PROGRESS, Task.Status.COMPLETION_REQUESTED: A.COMPLETION_REQUESTED,
    Task.Status.SIGNED_OFF: A.ACCEPTED, Task.Status.RETURNED: A.RETURNED,
}


def _user(username: str, group: str, password: str, **extra: Any) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password=password, email=f"{username}@example.gov.cn", **extra
    )
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def office_user(*, username: str = "office", password: str = PASSWORD) -> Any:
    return _user(username, "督查室", password, is_staff=True)


def manager_user(*, username: str = "leader", password: str = PASSWORD) -> Any:
    return _user(username, "领导", password)


def department_user(
    *, username: str, department_name: str | None = None, department: Department | None = None,
    password: str = PASSWORD,
) -> tuple[Any, Department]:
    if department is None:
        department = DepartmentFactory(name=department_name or f"测试局{next(_seq)}",
                                       contact_email=f"{username}-unit@example.gov.cn")
    user = _user(username, "承办单位", password)
    DepartmentMembership.objects.create(user=user, department=department)
    return user, department


def unit_stamps(status: str, *, role: str = Assignment.Role.LEAD, assigned_days_ago: int = 10) -> dict[str, Any]:
    """The fields the services would have set on a part in `status`."""
    now = timezone.now()
    if status == A.PROPOSED:
        return {"status": status}
    fields: dict[str, Any] = {"status": status, "assigned_at": now - timedelta(days=assigned_days_ago)}
    if status in (A.SIGNED, A.IN_PROGRESS, A.COMPLETION_REQUESTED, A.ACCEPTED):
        fields["signed_at"] = now - timedelta(days=assigned_days_ago - 1)
    if status in (A.IN_PROGRESS, A.COMPLETION_REQUESTED, A.ACCEPTED):
        fields["first_report_at"] = now - timedelta(days=max(assigned_days_ago - 2, 0))
    if status in (A.COMPLETION_REQUESTED, A.ACCEPTED) and role == Assignment.Role.LEAD:
        fields["completion_requested_at"] = now - timedelta(days=1)
    if status == A.ACCEPTED:
        fields["accepted_at"] = now
    if status == A.RETURNED:
        fields["returned_at"] = now
    return fields


def unit_add(task: Task, department: Department, *, role: str = Assignment.Role.LEAD, status: str | None = None,
             assigned_days_ago: int = 10) -> Assignment:
    """Add a unit's part in `status` (default: the one the task's status stands for), owing the task's dates."""
    status = status or UNIT_STATUS[task.status]
    if role == Assignment.Role.SUPPORT and status == A.COMPLETION_REQUESTED:
        status = A.IN_PROGRESS
    assignment = Assignment.objects.create(task=task, department=department, role=role, as_written=department.name,
                                           **unit_stamps(status, role=role, assigned_days_ago=assigned_days_ago))
    if role == Assignment.Role.LEAD and status != A.PROPOSED:
        for deadline in task.deadlines.exclude(due_on__isnull=True).exclude(recurrence="ongoing"):
            DeadlineOccurrence.objects.create(
                deadline=deadline, assignment=assignment, due_on=deadline.due_on,
                completed_at=assignment.accepted_at)
    task_due_refresh(task_ids=[task.pk])
    return assignment


def workflow_task(
    *,
    lead: Department,
    support: tuple[Department, ...] = (),
    status: str = Task.Status.ASSIGNED,
    due_on: date | None = None,
    text: str = "加快推进重点项目建设，确保按期完成年度目标任务。",
    category: str = "ordinary",
    assigned_days_ago: int = 10,
    directive: Any = None,
    co_leads: tuple[Department, ...] = (),
) -> Task:
    """A task with a lead (co-leads, support) unit and one deadline, every part put straight into the unit
    status `status` stands for; the task's status is then derived from its lead units, as the services do."""
    directive = directive or DirectiveFactory()
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "text": text, "title": text[:40], "category": category}
    if status != Task.Status.PENDING_REVIEW:
        fields["assigned_at"] = now - timedelta(days=assigned_days_ago)
    if status == Task.Status.SIGNED_OFF:
        fields["signed_off_at"] = now
    task = TaskFactory(directive=directive, **fields)
    task.assignments.all().delete()
    task.deadlines.all().delete()
    if due_on is not None:
        DeadlineFactory(task=task, due_on=due_on, parsed_due_on=due_on, text=f"{due_on:%Y年%m月%d日}前")
    for department in (lead, *co_leads):
        unit_add(task, department, assigned_days_ago=assigned_days_ago)
    for department in support:
        unit_add(task, department, role=Assignment.Role.SUPPORT, assigned_days_ago=assigned_days_ago)
    derived = task_status_from(lead_statuses=task.assignments.filter(role="lead").values_list("status", flat=True))
    assert derived == status, (derived, status)
    task.refresh_from_db()
    return task


def lead_of(task: Task, department: Department | None = None) -> Assignment:
    """The task's lead part (of `department`, when it has several)."""
    leads = task.assignments.filter(role=Assignment.Role.LEAD)
    return leads.get(department=department) if department is not None else leads.get()
