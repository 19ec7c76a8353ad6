"""A hand-built data set for the 考评, the 督查通报 and the notices: two units, one late, every timestamp explicit.

AS_OF is Friday 2026-12-04. 市住房和城乡建设局 (U1) finishes everything in November, one part late and one
after an approved extension; 市交通运输局 (U2) finishes one part on its due day and leaves two overdue (one of
them its share of a task it co-leads with U1). Figures worked out by hand:

November 2026 (counted to 11-30)
  U1: parts t1, t2, t5(U1), t8 — 4 assigned, 4 completed; t8 extended (apart); of t1, t2, t5: t2 late →
      on time 2 of 3 = 66.7%; overdue 0; ratings 优秀 2 (t1, t5), 良好 1 (t2), 不合格 1 (t8).
  U2: parts t3, t4, t5(U2) — 3 assigned, 1 completed (t4, on its due day: on time) = 100%; overdue t3 (due
      11-10: 20 days) and t5 (due 11-15: 15 days) → 2, average 17.5 days; ratings 合格 1.
  Totals: 7 parts, 5 completed, 3 on time, 1 extended → 3/4 = 75%; 2 overdue; tasks t1 t2 t3 t4 t5 t8 = 6, of
      which signed off in November t1 t2 t4 t8 = 4.
Q4 2026 (counted to 12-04): U1 as in November (t6 was accepted in September); U2 adds t7 (assigned 12-01,
  not due): 4 assigned, overdue 24 and 19 days → average 21.5. Totals 8 parts, 7 tasks.
December 2026 (to 12-04): U1 has nothing in hand; U2 has t3, t5, t7: nothing completed (no rate), 2 overdue.
Not counted anywhere: t9 (the office's draft) and t10 (handed back).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tests.factories import DeadlineFactory, DepartmentFactory, DirectiveFactory, TaskFactory
from tests.tracker.workflow import department_user, manager_user, office_user
from tracker.models import Assignment, DeadlineOccurrence, Department, ExtensionRequest, Task
from tracker.services.deadlines import task_due_refresh
from tracker.transitions import task_status_from

AS_OF = date(2026, 12, 4)
SHANGHAI = ZoneInfo("Asia/Shanghai")
A = Assignment.Status


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def part(task: Task, department: Department, *, status: str, assigned: date, due: date,
         accepted: date | None = None, rating: str = "", original_due: date | None = None) -> Assignment:
    """A lead unit's part standing in `status`, owing one occurrence of the task's deadline (moved from
    `original_due` by an approved extension, when given)."""
    stamps: dict[str, Any] = {"status": status, "assigned_at": at(assigned)}
    if status not in (A.ASSIGNED, A.RETURNED):
        stamps["signed_at"] = at(assigned, 15)
    if status in (A.IN_PROGRESS, A.COMPLETION_REQUESTED, A.ACCEPTED):
        stamps["first_report_at"] = at(assigned, 16)
    if status == A.ACCEPTED:
        stamps.update(completion_requested_at=at(accepted, 9), accepted_at=at(accepted),  # type: ignore[arg-type]
                      progress_percent=100, rating=rating, rated_at=at(accepted))  # type: ignore[arg-type]
    if status == A.RETURNED:
        stamps["returned_at"] = at(assigned, 11)
    made = Assignment.objects.create(task=task, department=department, role=Assignment.Role.LEAD,
                                     as_written=department.name, **stamps)
    deadline = task.deadlines.first() or DeadlineFactory(task=task, due_on=original_due or due,
                                                         text=f"{(original_due or due):%Y年%-m月%-d日}前")
    if status != A.RETURNED:
        DeadlineOccurrence.objects.create(deadline=deadline, assignment=made, due_on=due,
                                          original_due_on=original_due, completed_at=stamps.get("accepted_at"))
    return made


def task_with(text: str, *, directive: Any, parts: list[dict[str, Any]], title: str = "") -> Task:
    """A task carried by the given lead parts; its status derived from theirs, as the services derive it."""
    made = TaskFactory(directive=directive, text=text, title=title or text[:20],
                       assigned_at=at(min(p["assigned"] for p in parts)))
    made.assignments.all().delete()
    made.deadlines.all().delete()
    for spec in parts:
        part(made, **spec)
    statuses = list(made.assignments.values_list("status", flat=True))
    made.status = task_status_from(lead_statuses=statuses)
    accepted = [a.accepted_at for a in made.assignments.all() if a.accepted_at]
    if made.status == Task.Status.SIGNED_OFF:
        made.signed_off_at = max(accepted)
    made.save(update_fields=["status", "signed_off_at"])
    task_due_refresh(task_ids=[made.pk])
    made.refresh_from_db()
    return made


@dataclass
class RatingsData:
    u1: Department
    u2: Department
    office: Any
    manager: Any
    user1: Any
    user2: Any
    tasks: dict[str, Task]


def build() -> RatingsData:
    office, manager = office_user(), manager_user()
    user1, u1 = department_user(username="zhujian", department_name="市住房和城乡建设局")
    user2, u2 = department_user(username="jiaotong", department_name="市交通运输局")
    directive = DirectiveFactory(doc_number="南政发〔2026〕3号", title="关于印发2026年重点工作任务分解方案的通知",
                                 issuer="南山市人民政府", issued_on=date(2026, 3, 1))
    d = date
    t = {
        "t1": task_with("推进城区老旧小区改造", directive=directive, parts=[
            {"department": u1, "status": A.ACCEPTED, "assigned": d(2026, 10, 10), "due": d(2026, 11, 20),
             "accepted": d(2026, 11, 18), "rating": "excellent"}]),
        "t2": task_with("完成保障性住房配建", directive=directive, parts=[
            {"department": u1, "status": A.ACCEPTED, "assigned": d(2026, 10, 15), "due": d(2026, 11, 25),
             "accepted": d(2026, 11, 28), "rating": "good"}]),
        "t3": task_with("实施国道改线工程前期工作", directive=directive, parts=[
            {"department": u2, "status": A.IN_PROGRESS, "assigned": d(2026, 10, 1), "due": d(2026, 11, 10)}]),
        "t4": task_with("开通城乡公交新线路", directive=directive, parts=[
            {"department": u2, "status": A.ACCEPTED, "assigned": d(2026, 11, 5), "due": d(2026, 11, 30),
             "accepted": d(2026, 11, 30), "rating": "adequate"}]),
        "t5": task_with("整治城区道路积水点", directive=directive, parts=[
            {"department": u1, "status": A.ACCEPTED, "assigned": d(2026, 11, 2), "due": d(2026, 11, 15),
             "accepted": d(2026, 11, 14), "rating": "excellent"},
            {"department": u2, "status": A.IN_PROGRESS, "assigned": d(2026, 11, 2), "due": d(2026, 11, 15)}]),
        "t6": task_with("清理违规占用公租房", directive=directive, parts=[
            {"department": u1, "status": A.ACCEPTED, "assigned": d(2026, 9, 1), "due": d(2026, 9, 30),
             "accepted": d(2026, 9, 29), "rating": "good"}]),
        "t7": task_with("编制冬季道路除雪预案", directive=directive, parts=[
            {"department": u2, "status": A.SIGNED, "assigned": d(2026, 12, 1), "due": d(2026, 12, 31)}]),
        "t8": task_with("推进物业管理专项整治", directive=directive, parts=[
            {"department": u1, "status": A.ACCEPTED, "assigned": d(2026, 10, 20), "due": d(2026, 11, 26),
             "original_due": d(2026, 11, 10), "accepted": d(2026, 11, 24), "rating": "poor"}]),
        "t10": task_with("治理货车超限超载", directive=directive, parts=[
            {"department": u2, "status": A.RETURNED, "assigned": d(2026, 11, 3), "due": d(2026, 11, 20)}]),
    }
    draft = TaskFactory(directive=directive, text="待审核：拓宽城郊道路", status=Task.Status.PENDING_REVIEW)
    draft.assignments.all().delete()
    Assignment.objects.create(task=draft, department=u2, role=Assignment.Role.LEAD, status=A.PROPOSED)
    t["t9"] = draft
    extended = t["t8"].assignments.get()
    ExtensionRequest.objects.create(task=t["t8"], assignment=extended, deadline=t["t8"].deadlines.get(),
                                    department=u1, requested_by=user1, reason="受汛期影响需延期",
                                    requested_due_on=d(2026, 11, 26), original_due_on=d(2026, 11, 10),
                                    status=ExtensionRequest.Status.APPROVED)
    DepartmentFactory(name="市水务局")  # in the directory, with nothing in hand: never in the table
    return RatingsData(u1=u1, u2=u2, office=office, manager=manager, user1=user1, user2=user2, tasks=t)
