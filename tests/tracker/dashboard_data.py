"""A small hand-built data set for the dashboard and export tests, every timestamp explicit.

AS_OF is Friday 2024-06-14 (端午 holiday on Monday 10 June), so "due within 3 working days" ends on
Wednesday 2024-06-19. Each task has one lead unit (its part stands where the task stands) and maybe support
units; the expected figures in the tests were worked out by hand from this table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.factories import DeadlineFactory, DepartmentFactory, DirectiveFactory, TaskFactory
from tests.tracker.workflow import UNIT_STATUS
from tracker.models import (
    Assignment,
    DeadlineOccurrence,
    Department,
    DepartmentMembership,
    ExtensionRequest,
    Task,
)
from tracker.services.deadlines import task_due_refresh

AS_OF = date(2024, 6, 14)
SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Task.Status
PASSWORD = "pw-dash-123"


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def user(username: str, group: str | None, *, staff: bool = False, department: Department | None = None) -> Any:
    made = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=staff)
    if group:
        made.groups.add(Group.objects.get_or_create(name=group)[0])
    if department is not None:
        DepartmentMembership.objects.create(user=made, department=department)
    return made


def task(*, directive: Any, lead: Department, status: str, due: date | None, support: tuple[Department, ...] = (),
         assigned: date | None = date(2024, 5, 1), percent: int = 0, signed_off: date | None = None,
         text: str = "加快推进重点项目建设。", signed: bool | None = None, reported: bool | None = None) -> Task:
    """A task whose single lead unit stands at the unit status `status` stands for (support units beside it)."""
    unit = UNIT_STATUS[status]
    owed_or_later = unit not in (Assignment.Status.PROPOSED, Assignment.Status.ASSIGNED)
    in_hands = unit != Assignment.Status.PROPOSED
    made = TaskFactory(directive=directive, status=status, text=text, title=text[:40],
                       assigned_at=at(assigned) if assigned and in_hands else None,
                       signed_off_at=at(signed_off, 11) if status == S.SIGNED_OFF else None)  # type: ignore[arg-type]
    stamps: dict[str, Any] = {
        "status": unit, "progress_percent": percent,
        "assigned_at": at(assigned) if assigned and in_hands else None,
        "signed_at": at(assigned, 15) if assigned and (owed_or_later if signed is None else signed) else None,
        "first_report_at": at(assigned, 16) if assigned and (
            status in (S.IN_PROGRESS, S.COMPLETION_REQUESTED, S.SIGNED_OFF) if reported is None else reported
        ) else None,
    }
    if status in (S.COMPLETION_REQUESTED, S.SIGNED_OFF):
        stamps["completion_requested_at"] = at(signed_off or AS_OF, 9)
    if status == S.SIGNED_OFF:
        stamps["accepted_at"] = at(signed_off, 11)  # type: ignore[arg-type]
    part = Assignment.objects.create(task=made, department=lead, role=Assignment.Role.LEAD, as_written=lead.name,
                                     **stamps)
    for other in support:
        Assignment.objects.create(task=made, department=other, role=Assignment.Role.SUPPORT, as_written=other.name,
                                  status=Assignment.Status.SIGNED if owed_or_later and unit != "accepted" else unit,
                                  assigned_at=stamps["assigned_at"], signed_at=stamps["signed_at"],
                                  accepted_at=stamps.get("accepted_at"))
    if due is not None:
        deadline = DeadlineFactory(task=made, due_on=due, parsed_due_on=due, text=f"{due:%Y年%-m月%-d日}前")
        if in_hands:
            DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=due,
                                              completed_at=stamps.get("accepted_at"))
    task_due_refresh(task_ids=[made.pk])
    return made


@dataclass
class DataSet:
    a: Department
    b: Department
    c: Department
    d1: Any
    d2: Any
    tasks: dict[str, Task]


def build() -> DataSet:
    a = DepartmentFactory(name="市商务局")
    b = DepartmentFactory(name="市水务局")
    c = DepartmentFactory(name="市文化和旅游局")
    d1 = DirectiveFactory(doc_number="阳政办发〔2024〕1号", title="关于重点项目建设的通知", issuer="阳泉市人民政府办公室",
                          issued_on=date(2024, 1, 10))
    d2 = DirectiveFactory(doc_number="阳政发〔2023〕9号", title="关于营商环境的意见", issuer="阳泉市人民政府",
                          issued_on=date(2023, 12, 1))
    t = {
        # red: overdue 4 days (due on the 端午 Monday)
        "over_a1": task(directive=d1, lead=a, status=S.IN_PROGRESS, due=date(2024, 6, 10), percent=30,
                        text="=HYPERLINK(\"http://evil\")推进商贸中心建设"),
        # red: overdue 1 day; signed 6-01, never reported (first-report clock breached)
        "over_a2": task(directive=d1, lead=a, support=(b,), status=S.SIGNED, due=date(2024, 6, 13),
                        assigned=date(2024, 6, 1)),
        # red: overdue 14 days; never signed (sign and first-report clocks breached)
        "over_b": task(directive=d1, lead=b, status=S.ASSIGNED, due=date(2024, 5, 31), assigned=date(2024, 5, 20)),
        # yellow: due Tuesday 6-18, within 3 working days
        "soon": task(directive=d1, lead=c, status=S.IN_PROGRESS, due=date(2024, 6, 18), percent=50),
        # green: far away and on schedule
        "far": task(directive=d1, lead=c, status=S.IN_PROGRESS, due=date(2024, 12, 31), percent=80,
                    assigned=date(2024, 6, 1)),
        # yellow: behind 序时进度 (44 of 91 days gone, 0 % reported)
        "behind": task(directive=d1, lead=b, status=S.IN_PROGRESS, due=date(2024, 7, 31), percent=0),
        # signed off on time (due 5-31, signed off 5-30)
        "done_on_time": task(directive=d2, lead=a, status=S.SIGNED_OFF, due=date(2024, 5, 31), percent=100,
                             signed_off=date(2024, 5, 30)),
        # signed off late (due 4-30, signed off 5-10)
        "done_late": task(directive=d2, lead=b, status=S.SIGNED_OFF, due=date(2024, 4, 30), percent=100,
                          signed_off=date(2024, 5, 10)),
        # extended from 5-15 to 6-10, signed off 6-05: on time against the new date, counted apart
        "done_extended": task(directive=d2, lead=c, status=S.SIGNED_OFF, due=date(2024, 6, 10), percent=100,
                              signed_off=date(2024, 6, 5)),
        # awaiting sign-off: past due but not overdue, green
        "requested": task(directive=d2, lead=a, status=S.COMPLETION_REQUESTED, due=date(2024, 6, 1), percent=100),
        # the office's draft: no light
        "draft": task(directive=d2, lead=c, status=S.PENDING_REVIEW, due=date(2024, 6, 1)),
        # signed off on time in June (due 6-30, signed off 6-03)
        "done_june": task(directive=d2, lead=c, status=S.SIGNED_OFF, due=date(2024, 6, 30), percent=100,
                          signed_off=date(2024, 6, 3)),
    }
    requester = user("req-c", "承办单位", department=c)
    extended = t["done_extended"]
    extended_part = extended.assignments.get(role=Assignment.Role.LEAD)
    extended_part.occurrences.update(original_due_on=date(2024, 5, 15))
    ExtensionRequest.objects.create(task=extended, assignment=extended_part, deadline=extended.deadlines.get(),
                                    department=c, requested_by=requester, reason="等待上级批复",
                                    requested_due_on=date(2024, 6, 10), original_due_on=date(2024, 5, 15),
                                    status=ExtensionRequest.Status.APPROVED)
    requester_a = user("req-a", "承办单位", department=a)
    ExtensionRequest.objects.create(task=t["over_a1"], assignment=t["over_a1"].assignments.get(role="lead"),
                                    deadline=t["over_a1"].deadlines.get(), department=a, requested_by=requester_a,
                                    reason="资金未到位", requested_due_on=date(2024, 7, 31),
                                    original_due_on=date(2024, 6, 10))
    return DataSet(a, b, c, d1, d2, t)


def bulk(*, directive: Any, departments: list[Department], count: int, as_of: date) -> None:
    """`count` extra tasks spread over statuses and departments (for query-count tests at two sizes)."""
    statuses = [S.ASSIGNED, S.SIGNED, S.IN_PROGRESS, S.COMPLETION_REQUESTED, S.SIGNED_OFF, S.PENDING_REVIEW]
    for index in range(count):
        status = statuses[index % len(statuses)]
        due = date.fromordinal(as_of.toordinal() - 20 + (index * 7) % 60)
        task(directive=directive, lead=departments[index % len(departments)], status=status, due=due,
             support=(departments[(index + 1) % len(departments)],), percent=(index * 13) % 100,
             signed_off=due if status == S.SIGNED_OFF else None)
