"""Demo accounts and a workflow walk for `make run`: one account per role, tasks in every state.

Called by the `demo_setup` command after the gazettes are ingested. Every status change goes
through the lifecycle services (so the history is real); only demo due dates and clock starts are
set directly, so that the portal shows green, yellow and red tasks whatever day it is run.
Idempotent: a second run only prints the accounts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from tracker.models import Assignment, Deadline, Department, DepartmentMembership, Task, TaskEvent
from tracker.permissions import DEPARTMENT_GROUP, MANAGER_GROUP, OFFICE_GROUP
from tracker.services import lifecycle
from tracker.services.deadlines import task_due_refresh

DEMO_PASSWORD = "demo-12345"
DEMO_NOTE = "演示数据"
# (target status, due-date offset in days from as_of or None to keep the parsed one, days since 交办)
PLAN: list[tuple[str, int | None, int]] = [
    (Task.Status.ASSIGNED, 20, 0),
    (Task.Status.ASSIGNED, 30, 5),  # sign clock breached
    (Task.Status.SIGNED, 40, 6),  # first-report clock breached
    (Task.Status.IN_PROGRESS, 60, 10),
    (Task.Status.IN_PROGRESS, 2, 20),  # yellow: due within 3 working days
    (Task.Status.IN_PROGRESS, -5, 40),  # red: overdue
    (Task.Status.IN_PROGRESS, 25, 5),  # with a pending extension request
    (Task.Status.COMPLETION_REQUESTED, 15, 15),
    (Task.Status.SIGNED_OFF, 10, 25),
    (Task.Status.RETURNED, 30, 1),
    (Task.Status.SIGNED, -3, 30),  # red: overdue, never reported
]


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    password: str
    role: str
    departments: str = ""


def _user(username: str, group: str, *, is_staff: bool = False, full_name: str = "") -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": is_staff, "email": f"{username}@demo.gov.cn", "first_name": full_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    elif is_staff and not user.is_staff:  # accounts made before managers got the read-only admin
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def _report_text(task: Task, percent: int) -> str:
    return f"已召开专题会议部署“{(task.title or task.text)[:20]}”，制定工作方案并明确责任人，目前完成约{percent}%。"


def _walk(task: Task, target: str, *, office: Any, staff: Any, as_of: date) -> None:
    """Move a pending task to `target` through the services, as the office and the department would."""
    lifecycle.task_assign(task=task, actor=office, note=DEMO_NOTE)
    if target == Task.Status.ASSIGNED:
        return
    if target == Task.Status.RETURNED:
        lifecycle.task_return(task=task, actor=staff, reason="该事项不属于本单位职责范围，建议交由其他部门办理。")
        return
    lifecycle.task_sign(task=task, actor=staff)
    if target == Task.Status.SIGNED:
        return
    lifecycle.progress_report_create(task=task, actor=staff, text=_report_text(task, 40), percent=40)
    if target == Task.Status.IN_PROGRESS:
        return
    lifecycle.task_completion_request(task=task, actor=staff,
                                      text="各项工作已按要求全部完成，相关佐证材料已整理归档，申请销号。")
    if target == Task.Status.SIGNED_OFF:
        lifecycle.task_sign_off(task=task, actor=office, note="经核实已完成，同意销号。")


def _set_due(task: Task, due_on: date) -> None:
    # Every dated deadline moves: a task with two (4月底前, 6月底前) would otherwise keep the earlier one.
    dated = task.deadlines.exclude(due_on__isnull=True)
    if not dated.exists():
        Deadline.objects.create(task=task, text=f"{due_on:%Y年%m月%d日}前", due_on=due_on)
    else:
        dated.update(due_on=due_on)
    task_due_refresh(task_ids=[task.pk])


@transaction.atomic
def demo_workflow_seed(*, as_of: date, departments: int = 3) -> list[DemoAccount]:
    """Create the demo accounts and walk some imported tasks through every state; returns the accounts."""
    office = _user("duban", OFFICE_GROUP, is_staff=True, full_name="督查室")
    # Managers open the admin (督办看板) read-only: their group has only view permissions.
    leader = _user("lingdao", MANAGER_GROUP, is_staff=True, full_name="市领导")
    accounts = [DemoAccount(office.username, DEMO_PASSWORD, "督查室（交办、销号、催办、审批延期；可进入管理后台）"),
                DemoAccount(leader.username, DEMO_PASSWORD, "领导（只读，查看全部；可进入管理后台查看督办看板）")]
    busiest = list(
        Department.objects.filter(assignments__role=Assignment.Role.LEAD, assignments__task__status=Task.Status.PENDING_REVIEW)
        .annotate(n=Count("assignments")).order_by("-n", "name")[:departments]
    )
    staff_by_department = {}
    for index, department in enumerate(busiest, 1):
        staff = _user(f"unit{index}", DEPARTMENT_GROUP, full_name=department.name)
        DepartmentMembership.objects.get_or_create(user=staff, department=department)
        staff_by_department[department.pk] = staff
        accounts.append(DemoAccount(staff.username, DEMO_PASSWORD, "承办单位", department.name))
    if TaskEvent.objects.filter(note=DEMO_NOTE).exists():
        return accounts  # already walked
    for department in busiest:
        staff = staff_by_department[department.pk]
        tasks = list(
            Task.objects.filter(status=Task.Status.PENDING_REVIEW, assignments__department=department,
                                assignments__role=Assignment.Role.LEAD)
            .exclude(deadlines__recurrence__gt="")  # recurring duties are done period by period, never extended
            .order_by("pk")[:len(PLAN)]
        )
        for task, (target, due_offset, days_ago) in zip(tasks, PLAN, strict=False):
            if due_offset is not None:
                _set_due(task, as_of + timedelta(days=due_offset))
            _walk(task, target, office=office, staff=staff, as_of=as_of)
            if days_ago:
                start = timezone.make_aware(datetime.combine(as_of - timedelta(days=days_ago), time(9)))
                Task.objects.filter(pk=task.pk).update(assigned_at=start)
            if target == Task.Status.IN_PROGRESS and due_offset == 25:
                lifecycle.extension_request_create(
                    task=task, actor=staff, reason="受上级审批进度影响，无法按原时限完成。",
                    requested_due_on=as_of + timedelta(days=60), current_progress="已完成约40%", as_of=as_of)
    return accounts
