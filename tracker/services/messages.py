"""In-app messages (站内消息): every 交办, 催办, 退办, reminder and decision also reaches the receiving unit's
users in the portal, whether or not the unit has an e-mail address or a group robot.

Written inside the caller's transaction (a refused action leaves no message); one INSERT per call, however
many users the units have. Reading and marking read are the recipient's alone.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.utils import timezone

from parsing.workdays import WorkCalendar
from tracker.clocks import node_breached_assignments
from tracker.models import Assignment, DepartmentMembership, Message, Task

K = Message.Kind


def task_label(task: Task) -> str:
    """The task as a message names it: its title, else the start of its text."""
    label = (task.title or task.text or "").strip().replace("\n", " ")
    return label if len(label) <= 40 else f"{label[:40]}…"


def _recipients(department_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(user, department) for every active user of the departments, each user once per department."""
    return list(DepartmentMembership.objects.filter(department_id__in=list(department_ids), user__is_active=True)
                .order_by("department_id", "user_id").values_list("user_id", "department_id"))


def unit_message_send(*, task: Task | None, department_ids: Iterable[int], kind: str, text: str,
                      key: str = "") -> int:
    """Write one message to each user of the departments; with `key`, a recipient already holding a message with
    that key gets none (a repeated run). Returns the number written (or attempted, with a key)."""
    rows = [Message(recipient_id=user_id, department_id=department_id, task=task, kind=kind, text=text, key=key)
            for user_id, department_id in _recipients(department_ids)]
    Message.objects.bulk_create(rows, ignore_conflicts=bool(key))
    return len(rows)


def assignment_message_send(*, task: Task, assignment: Assignment, kind: str, text: str) -> int:
    """The message of an action on one unit's part, to that unit's users."""
    return unit_message_send(task=task, department_ids=[assignment.department_id], kind=kind, text=text)


def messages_mark_read(*, user: Any, message_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark the user's own unread messages read (all of them when `message_ids` is None); returns how many.
    Another user's message id is silently not the user's: nothing happens to it."""
    rows = Message.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if message_ids is not None:
        rows = rows.filter(pk__in=list(message_ids))
    return rows.update(read_at=now or timezone.now())


# --- the daily reminder digest ------------------------------------------------------------------------------


def _per_department(rows: QuerySet[Any], department: str, task: str) -> dict[int, tuple[int, int, int]]:
    """department → (distinct tasks, lowest task id, highest task id): one grouped query, no row loaded."""
    grouped = (rows.order_by().values(department)
               .annotate(n=Count(task, distinct=True), low=Min(task), high=Max(task))
               .values_list(department, "n", "low", "high"))
    return {d: (n, low, high) for d, n, low, high in grouped}


def reminder_messages_record(*, as_of: date, calendar: WorkCalendar) -> int:
    """One reminder message a day to each user of every unit owing something today: parts due today, due
    within the due-soon window, overdue, and node clocks (签收, 首次反馈) run out. A unit without e-mail or
    robot is reminded here too. Idempotent per unit and day (the message key). Set-based: a few grouped
    queries and one INSERT, whatever the number of units and occurrences."""
    # On the parts' stored current due date (tracker.querysets), not on the occurrences: the same words as the
    # workbench, and no join of the occurrences (a million of them in the reminder benchmark).
    owed = Assignment.objects.owed()
    soon_until = calendar.add_workdays(as_of, settings.REMINDER_DUE_SOON_WORKDAYS)
    unit, task = "department_id", "task_id"
    parts = {
        "今日到期": _per_department(owed.filter(current_due=as_of), unit, task),
        "即将到期": _per_department(owed.filter(current_due__gt=as_of, current_due__lte=soon_until), unit, task),
        "已逾期": _per_department(owed.overdue(as_of), unit, task),
        "超时未签收": _per_department(node_breached_assignments(node="sign", as_of=as_of, calendar=calendar),
                                  "department_id", "task_id"),
        "超时未首次反馈": _per_department(
            node_breached_assignments(node="first_report", as_of=as_of, calendar=calendar), "department_id", "task_id"),
    }
    digests: dict[int, tuple[str, int | None]] = {}
    for department_id in sorted({d for found in parts.values() for d in found}):
        counts = [(label, found[department_id]) for label, found in parts.items() if department_id in found]
        ids = {bound for _, (_, low, high) in counts for bound in (low, high)}
        text = (f"{as_of:%Y年%m月%d日}提醒：" + "，".join(f"{label} {n} 项" for label, (n, _, _) in counts)
                + "。请在工作台查看并办理。")
        digests[department_id] = (text, next(iter(ids)) if len(ids) == 1 else None)  # one task: link it
    rows = [Message(recipient_id=user_id, department_id=department_id, task_id=digests[department_id][1],
                    kind=K.REMINDER, text=digests[department_id][0],
                    key=f"reminder:{department_id}:{as_of:%Y-%m-%d}")
            for user_id, department_id in _recipients(digests)]
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)
