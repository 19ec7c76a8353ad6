"""Demo accounts and a workflow walk for `make run`: one account per role, units' parts in every state.

Called by the `demo_setup` command after the gazettes are ingested. Every status change goes through the
lifecycle services (so the history is real); only demo due dates and clock starts are set directly, so
that the portal shows green, yellow and red parts whatever day it is run. Each demo unit (unit1, unit2, …)
gets tasks of its own that the others cannot see, and unit1 and unit2 share a co-led task in different
states (one accepted, one still working: "1/2 单位已办结"). Accepted parts are rated (each demo unit its own
rating, one corrected), and a 督办通知单 and a 催办通知单 are issued. Idempotent: a second run only prints the
accounts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tracker.models import Assignment, Deadline, Department, DepartmentMembership, Task, TaskEvent
from tracker.permissions import DEPARTMENT_GROUP, MANAGER_GROUP, OFFICE_GROUP
from tracker.selectors import task_assign_plan
from tracker.services import lifecycle_office, lifecycle_unit, printables
from tracker.services.deadlines import task_due_refresh

DEMO_PASSWORD = "demo-12345"
DEMO_NOTE = "演示数据"
# 办结评价 given to the demo units' accepted parts, one per unit in turn.
DEMO_RATINGS = ("excellent", "good", "adequate", "poor")
A = Assignment.Status
# (the demo unit's target status, due-date offset in days from as_of, days since 交办)
PLAN: list[tuple[str, int, int]] = [
    (A.ASSIGNED, 20, 0),
    (A.ASSIGNED, 30, 5),  # sign clock breached
    (A.SIGNED, 40, 6),  # first-report clock breached
    (A.IN_PROGRESS, 60, 10),
    (A.IN_PROGRESS, 2, 20),  # yellow: due within 3 working days
    (A.IN_PROGRESS, -5, 40),  # red: overdue
    (A.IN_PROGRESS, 25, 5),  # with a pending extension request
    (A.COMPLETION_REQUESTED, 15, 15),
    (A.ACCEPTED, 10, 25),
    (A.RETURNED, 30, 1),
    (A.SIGNED, -3, 30),  # red: overdue, never reported
]
REPORT = "已召开专题会议部署“{}”，制定工作方案并明确责任人，目前完成约{}%。"
DONE = "各项工作已按要求全部完成，相关佐证材料已整理归档，申请办结。"


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


def _set_due(task: Task, due_on: date) -> None:
    # Every dated deadline moves: a task with two (4月底前, 6月底前) would otherwise keep the earlier one.
    dated = task.deadlines.exclude(due_on__isnull=True)
    if not dated.exists():
        Deadline.objects.create(task=task, text=f"{due_on:%Y年%m月%d日}前", due_on=due_on)
    else:
        dated.update(due_on=due_on)
    task_due_refresh(task_ids=[task.pk])


def _assign(task: Task, *, office: Any, as_of: date, leads: list[Department], untick: list[Department]) -> None:
    """交办 as the office would: the demo units as leads, the other usable proposed units kept (the other demo
    units unticked, so that they cannot see it), groups with unknown members left out; a date already past
    kept deliberately (按原时限)."""
    plan = task_assign_plan(task=task, as_of=as_of)
    skip = {d.pk for d in [*leads, *untick]}
    units = [(d, Assignment.Role.LEAD) for d in leads]
    units += [(c.department, c.role) for c in plan.candidates if not c.problem and c.department.pk not in skip]
    lifecycle_office.task_assign(task=task, actor=office, as_of=as_of, units=units, note=DEMO_NOTE,
                                 keep_due=plan.past_due is not None)


def _walk(assignment: Assignment, target: str, *, office: Any, staff: Any, rating: str = "good") -> None:
    """Move one unit's part to `target` through the services, as the unit and the office would."""
    if target == A.ASSIGNED:
        return
    if target == A.RETURNED:
        lifecycle_unit.assignment_return(assignment=assignment, actor=staff,
                                         reason="该事项不属于本单位职责范围，建议交由其他部门办理。")
        return
    lifecycle_unit.assignment_sign(assignment=assignment, actor=staff)
    if target == A.SIGNED:
        return
    task = assignment.task
    lifecycle_unit.progress_report_create(assignment=assignment, actor=staff, percent=40,
                                          text=REPORT.format((task.title or task.text)[:20], 40))
    if target == A.IN_PROGRESS:
        return
    lifecycle_unit.assignment_completion_request(assignment=assignment, actor=staff, text=DONE)
    if target == A.ACCEPTED:
        lifecycle_office.assignment_accept(assignment=assignment, actor=office, rating=rating,
                                           note="经核实已完成，同意办结。")


def _backdate(task: Task, *, as_of: date, days_ago: int) -> None:
    start = timezone.make_aware(datetime.combine(as_of - timedelta(days=days_ago), time(9)))
    Task.objects.filter(pk=task.pk).update(assigned_at=start)
    Assignment.objects.filter(task=task).update(assigned_at=start)


def _solo_drafts() -> Any:
    """Drafts with one lead unit (so the task stands where that unit stands), without a recurring duty (done
    period by period, never extended)."""
    return (Task.objects.filter(status=Task.Status.PENDING_REVIEW)
            .annotate(leads=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD))).filter(leads=1)
            .exclude(pk__in=Deadline.objects.filter(recurrence__gt="").values("task_id")))


def _demo_tasks(department: Department, *, exclude: set[int], count: int) -> list[Task]:
    """Drafts led by `department` alone."""
    led = Assignment.objects.filter(department=department, role=Assignment.Role.LEAD).values("task_id")
    return list(_solo_drafts().filter(pk__in=led).exclude(pk__in=exclude).order_by("pk")[:count])


@transaction.atomic
def demo_workflow_seed(*, as_of: date, departments: int = 3) -> list[DemoAccount]:
    """Create the demo accounts and walk some imported tasks through every state; returns the accounts."""
    office = _user("duban", OFFICE_GROUP, is_staff=True, full_name="督查室")
    # Managers open the admin (督办看板) read-only: their group has only view permissions.
    leader = _user("lingdao", MANAGER_GROUP, is_staff=True, full_name="市领导")
    accounts = [DemoAccount(office.username, DEMO_PASSWORD, "督查室（交办、办结确认、销号、催办、审批延期；可进入管理后台）"),
                DemoAccount(leader.username, DEMO_PASSWORD, "领导（只读，查看全部；可进入管理后台查看督办看板）")]
    if TaskEvent.objects.filter(note__contains=DEMO_NOTE).exists():
        # Already walked: the accounts as they stand (the busiest units have changed since, and a second run must
        # not give a demo account another unit).
        for m in (DepartmentMembership.objects.filter(user__username__startswith="unit",
                                                      user__groups__name=DEPARTMENT_GROUP)
                  .select_related("user", "department").order_by("user__username", "department__name")):
            accounts.append(DemoAccount(m.user.username, DEMO_PASSWORD, "承办单位", m.department.name))
        return accounts
    busiest = list(
        Department.objects.filter(verified=True, active=True).exclude(kind=Department.Kind.GROUP)
        .annotate(n=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD,
                                                  assignments__task__in=_solo_drafts().values("pk"))))
        .filter(n__gt=0).order_by("-n", "name")[:departments]
    )
    staff_by_department = {}
    for index, department in enumerate(busiest, 1):
        staff = _user(f"unit{index}", DEPARTMENT_GROUP, full_name=department.name)
        DepartmentMembership.objects.get_or_create(user=staff, department=department)
        staff_by_department[department.pk] = staff
        accounts.append(DemoAccount(staff.username, DEMO_PASSWORD, "承办单位", department.name))
    if TaskEvent.objects.filter(note__contains=DEMO_NOTE).exists():
        return accounts  # already walked
    used: set[int] = set()
    for index, department in enumerate(busiest):
        staff = staff_by_department[department.pk]
        others = [d for d in busiest if d.pk != department.pk]
        for task, (target, due_offset, days_ago) in zip(
                _demo_tasks(department, exclude=used, count=len(PLAN)), PLAN, strict=False):
            used.add(task.pk)
            _set_due(task, as_of + timedelta(days=due_offset))
            _assign(task, office=office, as_of=as_of, leads=[department], untick=others)
            mine = task.assignments.get(department=department)
            _walk(mine, target, office=office, staff=staff, rating=DEMO_RATINGS[index % len(DEMO_RATINGS)])
            if days_ago:
                _backdate(task, as_of=as_of, days_ago=days_ago)
            if target == A.IN_PROGRESS and due_offset == 25:
                lifecycle_unit.extension_request_create(
                    assignment=mine, actor=staff, reason="受上级审批进度影响，无法按原时限完成。",
                    requested_due_on=as_of + timedelta(days=60), current_progress="已完成约40%", as_of=as_of)
    if len(busiest) >= 2:
        _co_led(busiest[0], busiest[1], office=office, staff=staff_by_department, as_of=as_of, exclude=used)
    demo_printables_seed(office=office, as_of=as_of)
    return accounts


def demo_printables_seed(*, office: Any, as_of: date) -> None:
    """A rating corrected after a re-check (修改评价), a 督办通知单 and a 催办通知单 issued, so the 考评, the 通报 and the task pages
    show real content (the month's 督查通报 is left for the office to issue)."""
    demo = Assignment.objects.filter(task__in=Task.objects.filter(events__note__contains=DEMO_NOTE).values("pk"))
    accepted = demo.filter(role=Assignment.Role.LEAD, status=A.ACCEPTED, rating="good").order_by("pk").first()
    if accepted is not None:
        lifecycle_office.assignment_rating_correct(assignment=accepted, actor=office, rating="poor",
                                                   reason="复核发现佐证材料不完整，调整评价（演示）")
    co_led = (Task.objects.filter(pk__in=demo.values("task_id")).annotate(
        leads=Count("assignments", filter=Q(assignments__role=Assignment.Role.LEAD))).filter(leads__gte=2)
        .order_by("pk").first())
    if co_led is not None:
        printables.notice_issue(task=co_led, actor=office, as_of=as_of)
    late = demo.filter(role=Assignment.Role.LEAD).overdue(as_of).order_by("pk").first()
    if late is not None:
        printables.notice_issue(task=late.task, actor=office, as_of=as_of)
        printables.urge_notice_issue(task=late.task, actor=office, as_of=as_of)


def _co_led(first: Department, second: Department, *, office: Any, staff: dict[int, Any], as_of: date,
            exclude: set[int]) -> None:
    """One task led by both demo units: the first done and accepted, the second still reporting."""
    task = next(iter(_demo_tasks(first, exclude=exclude, count=1)), None)
    if task is None:
        return
    _set_due(task, as_of + timedelta(days=45))
    _assign(task, office=office, as_of=as_of, leads=[first, second], untick=[])
    one, two = task.assignments.get(department=first), task.assignments.get(department=second)
    _walk(one, A.ACCEPTED, office=office, staff=staff[first.pk])
    _walk(two, A.IN_PROGRESS, office=office, staff=staff[second.pk])
    _backdate(task, as_of=as_of, days_ago=12)
