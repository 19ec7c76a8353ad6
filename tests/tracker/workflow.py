"""Builders for workflow tests: users in their role groups, departments, tasks in a given status."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import DeadlineFactory, DepartmentFactory, DirectiveFactory, TaskFactory
from tracker.models import Assignment, Department, DepartmentMembership, Task
from tracker.services.deadlines import task_due_refresh

_seq = count(1)
PASSWORD = "pw-test-123"


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
) -> Task:
    """A task with a lead (and support) assignment and one deadline, put straight into `status`."""
    directive = directive or DirectiveFactory()
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "text": text, "title": text[:40], "category": category}
    if status != Task.Status.PENDING_REVIEW:
        fields["assigned_at"] = now - timedelta(days=assigned_days_ago)
    if status in (Task.Status.SIGNED, Task.Status.IN_PROGRESS, Task.Status.COMPLETION_REQUESTED,
                  Task.Status.SIGNED_OFF):
        fields["signed_at"] = now - timedelta(days=assigned_days_ago - 1)
    if status in (Task.Status.IN_PROGRESS, Task.Status.COMPLETION_REQUESTED, Task.Status.SIGNED_OFF):
        fields["first_report_at"] = now - timedelta(days=max(assigned_days_ago - 2, 0))
    if status in (Task.Status.COMPLETION_REQUESTED, Task.Status.SIGNED_OFF):
        fields["completion_requested_at"] = now - timedelta(days=1)
    if status == Task.Status.SIGNED_OFF:
        fields["signed_off_at"] = now
    task = TaskFactory(directive=directive, **fields)
    task.assignments.all().delete()
    Assignment.objects.create(task=task, department=lead, role=Assignment.Role.LEAD, as_written=lead.name)
    for department in support:
        Assignment.objects.create(task=task, department=department, role=Assignment.Role.SUPPORT,
                                  as_written=department.name)
    task.deadlines.all().delete()
    if due_on is not None:
        DeadlineFactory(task=task, due_on=due_on, parsed_due_on=due_on, text=f"{due_on:%Y年%m月%d日}前")
    task_due_refresh(task_ids=[task.pk])
    task.refresh_from_db(fields=["current_due"])
    return task
