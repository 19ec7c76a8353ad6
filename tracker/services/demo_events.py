"""Demo events (`demo_setup`, after the workflow walk and the review content): every kind of event a user meets,
made through the services on the demo units' tasks, so that the workbench, the task pages, the messages and
the audit trails show real content — a corrected deadline, an extension granted and one refused, a 催办
answered and one waiting, a 退办, a reroute of a part handed back (the 退回 and the rating are the walk's, the
task from a 会议纪要 is demo_review's), and the day's reminder digest in the units' messages.

Each step picks a part standing where the walk left it and is skipped when there is none. Idempotent: the
events carry DEMO_EVENTS_NOTE, and a second run adds nothing.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from tracker.clocks import work_calendar
from tracker.models import Assignment, DepartmentMembership, Task, TaskEvent
from tracker.permissions import OFFICE_GROUP
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.deadlines import deadline_correct
from tracker.services.demo import DEMO_NOTE
from tracker.services.messages import reminder_messages_record

DEMO_EVENTS_NOTE = "（演示事件）"
A = Assignment.Status


def _demo_parts(staff: Any) -> Any:
    """The lead parts the walk gave this demo account's unit."""
    walked = Task.objects.filter(events__note__contains=DEMO_NOTE).values("pk")
    return (Assignment.objects.filter(department__memberships__user=staff, role=Assignment.Role.LEAD,
                                      task__in=walked)
            .select_related("task", "department").order_by("current_due", "pk"))


def _unused(parts: Any, used: set[int]) -> Assignment | None:
    for part in parts:
        if part.pk not in used and not part.extension_requests.exists():
            used.add(part.pk)
            return part
    return None


@transaction.atomic
def demo_events_seed(*, as_of: date, office_username: str = "duban") -> list[str]:
    """Add the demo events; returns what was added (for the command's output)."""
    office = get_user_model().objects.filter(username=office_username, groups__name=OFFICE_GROUP).first()
    if office is None or TaskEvent.objects.filter(note__contains=DEMO_EVENTS_NOTE).exists():
        return []
    memberships = (DepartmentMembership.objects.filter(user__username__startswith="unit")
                   .select_related("user").order_by("user__username"))
    staff = next(iter(memberships), None)
    if staff is None:
        return []
    unit, added, used = staff.user, [], set()
    parts = _demo_parts(unit)

    late = [p for p in parts.filter(status__in=(A.SIGNED, A.IN_PROGRESS)) if p.current_due and p.current_due < as_of]
    if late:  # 催办 and its answer; a second late part urged and left for the unit to answer
        [urge] = lifecycle_office.task_urge(task=late[0].task, actor=office, assignment=late[0],
                                            note=f"该事项已逾期，请于3个工作日内报送进展{DEMO_EVENTS_NOTE}")
        lifecycle_unit.urge_reply(urge=urge, actor=unit, reply=f"已召开专题会议研究，本周五前报送书面进展{DEMO_EVENTS_NOTE}")
        used.add(late[0].pk)
        added.append(f"催办并答复：{late[0].task}")
        for other in late[1:2]:
            lifecycle_office.task_urge(task=other.task, actor=office, assignment=other,
                                       note=f"请尽快签收并报送首次反馈{DEMO_EVENTS_NOTE}")
            used.add(other.pk)

    working = parts.filter(status=A.IN_PROGRESS, current_due__gte=as_of)
    for approve in (True, False):  # an extension granted, one refused
        part = _unused(working, used)
        if part is None:
            continue
        request = lifecycle_unit.extension_request_create(
            assignment=part, actor=unit, reason=f"项目需等待上级审批，现有时限内无法完成{DEMO_EVENTS_NOTE}",
            requested_due_on=part.current_due + timedelta(days=30), current_progress="已完成约六成", as_of=as_of)
        lifecycle_office.extension_decide(extension=request, actor=office, approve=approve,
                                          note=("同意延期，请按新时限完成" if approve else "理由不充分，请按原时限完成")
                                          + DEMO_EVENTS_NOTE)
        added.append(f"延期{'批准' if approve else '驳回'}：{part.task}")

    signed = _unused(parts.filter(status=A.SIGNED, current_due__gte=as_of), used)
    deadline = signed.task.deadlines.exclude(due_on__isnull=True).filter(recurrence="").first() if signed else None
    if deadline is not None:  # a corrected deadline (the 常务会议 moved it)
        deadline_correct(deadline=deadline, due_on=deadline.due_on + timedelta(days=10), user=office,
                         note=f"按市政府常务会议要求调整{DEMO_EVENTS_NOTE}")
        added.append(f"修改时限：{signed.task}")

    requested = parts.filter(status=A.COMPLETION_REQUESTED).first()
    if requested is not None:  # 退办
        lifecycle_office.assignment_send_back(assignment=requested, actor=office,
                                              reason=f"佐证材料不全，请补充现场照片和验收报告{DEMO_EVENTS_NOTE}")
        added.append(f"退办：{requested.task}")

    returned = Assignment.objects.filter(status=A.RETURNED, task__events__note__contains=DEMO_NOTE).exclude(
        department__memberships__user=unit).select_related("task").order_by("pk").first()
    if returned is not None:  # a part handed back, rerouted to the same unit (the others stay for the office)
        lifecycle_office.assignment_reassign(assignment=returned, actor=office, departments=[returned.department],
                                             as_of=as_of, note=f"经核实属该单位职责，请按时办理{DEMO_EVENTS_NOTE}")
        added.append(f"重新交办：{returned.task}")

    if reminder_messages_record(as_of=as_of, calendar=work_calendar()):
        added.append("今日提醒已写入各单位的站内消息")
    return added
