"""The 督办工作台 (/portal/): each role's to-do inbox, read in a fixed number of queries whatever the data.

Every entry is a count and its first few items, each item linking to the task (or the directive under
review), and — where the task list can show exactly the same rows — a link to that filtered list. The
office decides and urges; a unit signs, reports, redoes and answers; a manager watches the late units and the
tasks in his or her charge (分管领导). "Overdue" is tracker.querysets' definition; "today" is `as_of`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from tracker import selectors_review
from tracker.clocks import work_calendar
from tracker.models import Assignment, Department, Directive, ExtensionRequest, Message, Task, TaskEvent, Urge
from tracker.permissions import (
    assignment_for,
    user_department_ids,
    user_is_manager,
    user_is_office,
)
from tracker.querysets import OWED_STATUSES

A = Assignment.Status
ITEMS = 5  # items shown under each entry; the count and the list link cover the rest
DECISIONS_DAYS = 14  # how long the office's decisions on a unit's requests stay in its inbox
DECISION_ACTIONS = (TaskEvent.Action.EXTENSION_APPROVE, TaskEvent.Action.EXTENSION_REJECT, TaskEvent.Action.ACCEPT,
                    TaskEvent.Action.SEND_BACK)


@dataclass(frozen=True, slots=True)
class InboxItem:
    url: str
    title: str
    unit: str = ""
    note: str = ""
    when: date | datetime | None = None


@dataclass(frozen=True, slots=True)
class InboxEntry:
    key: str
    label: str
    count: int
    items: list[InboxItem] = field(default_factory=list)
    url: str = ""  # the filtered list holding exactly these rows, when there is one
    url_label: str = "查看全部"
    hint: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


@dataclass(frozen=True, slots=True)
class Inbox:
    role: str  # office | department | manager
    role_label: str
    as_of: date
    entries: list[InboxEntry]

    @property
    def total(self) -> int:
        return sum(e.count for e in self.entries)


def _task_url(task_id: int, anchor: str = "") -> str:
    return reverse("tracker:task_detail", args=[task_id]) + (f"#{anchor}" if anchor else "")


def _list_url(**params: Any) -> str:
    return f"{reverse('tracker:task_list')}?{urlencode(params, doseq=True)}"


def _label(task: Task) -> str:
    return task.title or task.text[:40]


def _parts(rows: QuerySet[Assignment], *, order: Any = ("current_due", "pk")) -> list[Assignment]:
    """The first few parts: chosen on the assignment table alone, then joined (at 100,000 tasks, joining every
    overdue part to its task before the LIMIT took 200 ms)."""
    first = rows.order_by(*order).values("pk")[:ITEMS]
    return list(rows.filter(pk__in=Subquery(first)).select_related("task", "department").order_by(*order))


def _due_note(assignment: Assignment, as_of: date) -> str:
    due = assignment.current_due
    if due is None:
        return ""
    if due < as_of:
        return f"时限 {due:%Y-%m-%d}，已逾期 {(as_of - due).days} 天"
    return f"时限 {due:%Y-%m-%d}"


def _part_items(parts: list[Assignment], as_of: date, *, anchor: str = "", note: Any = None) -> list[InboxItem]:
    """Items linking to the task page; anchor "card" opens at the unit's own card (its forms: 办结确认, 重新交办)."""
    return [InboxItem(url=_task_url(a.task_id, f"unit-card-{a.pk}" if anchor == "card" else anchor),
                      title=_label(a.task), unit=a.department.name, note=note(a) if note else _due_note(a, as_of))
            for a in parts]


# --- the office (督查室) ----------------------------------------------------------------------------------------


def _office_entries(*, as_of: date) -> list[InboxEntry]:
    entries = []
    # The review list's directives (selectors_review.review_directives), counted and listed from the pending
    # tasks' index: grouping every task of every directive cost 150 ms at 100,000 tasks.
    pending = Task.objects.filter(status=Task.Status.PENDING_REVIEW)
    waiting = pending.filter(directive=OuterRef("pk"))
    directives = (Directive.objects.filter(Exists(waiting))
                  .annotate(pending=Subquery(waiting.order_by().values("directive").annotate(n=Count("pk"))
                                             .values("n")))
                  .order_by("-created_at", "-pk")[:ITEMS])
    review_items = [InboxItem(url=reverse("tracker:review_directive", args=[d.pk]),
                              title=f"{d.doc_number} {d.title}".strip(), note=f"待审核 {d.pending} 项")
                    for d in directives]
    hand_count = selectors_review.registered_drafts().count()
    directive_count = pending.filter(directive__isnull=False).values("directive_id").distinct().count()
    entries.append(InboxEntry(
        key="review", label="待审核", count=directive_count + hand_count, items=review_items,
        url=reverse("tracker:review_list"), url_label="进入审核",
        hint=f"其中立项未交办 {hand_count} 项" if hand_count else ""))

    pending = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING)
    entries.append(InboxEntry(
        key="extensions", label="延期申请待审批", count=pending.count(),
        items=[InboxItem(url=_task_url(e.task_id, f"unit-card-{e.assignment_id}" if e.assignment_id else ""), title=_label(e.task), unit=e.department.name,
                         note=f"申请延至 {e.requested_due_on:%Y-%m-%d}", when=e.created_at)
               for e in pending.select_related("task", "department").order_by("created_at", "pk")[:ITEMS]]))

    requested = Assignment.objects.lead().filter(status=A.COMPLETION_REQUESTED)
    entries.append(InboxEntry(
        key="completions", label="申请办结待审核", count=requested.count(),
        items=_part_items(_parts(requested, order=("completion_requested_at", "pk")), as_of, anchor="card",
                          note=lambda a: "申请办结" + (f" {timezone.localtime(a.completion_requested_at):%m-%d %H:%M}"
                                                    if a.completion_requested_at else ""))))

    returned = Assignment.objects.filter(status=A.RETURNED)
    entries.append(InboxEntry(
        key="returned", label="退回待重新交办", count=returned.count(),
        items=_part_items(_parts(returned, order=("returned_at", "pk")), as_of, anchor="card",
                          note=lambda a: f"{a.get_role_display()}单位退回")))

    overdue = Assignment.objects.lead().overdue(as_of)
    entries.append(InboxEntry(
        key="overdue", label="逾期待催办", count=overdue.count(), items=_part_items(_parts(overdue), as_of),
        url=_list_url(overdue="true"), url_label="查看逾期事项", hint="按牵头单位计"))
    return entries


# --- a unit (承办单位) -------------------------------------------------------------------------------------------


def _feedback_due(mine: QuerySet[Assignment], *, as_of: date) -> QuerySet[Assignment]:
    """Lead parts owing a report: a first report not yet made (node clock), or a period or deadline due within
    the due-soon window or already past."""
    soon_until = work_calendar().add_workdays(as_of, settings.REMINDER_DUE_SOON_WORKDAYS)
    return mine.lead().filter(status__in=OWED_STATUSES).filter(
        Q(status=A.SIGNED, first_report_at__isnull=True) | Q(current_due__lte=soon_until))


def _decision_note(event: TaskEvent) -> str:
    """The decision in words: an extension's note already says it (批准延期至 …, 驳回延期申请), others get the action."""
    if event.action in (TaskEvent.Action.EXTENSION_APPROVE, TaskEvent.Action.EXTENSION_REJECT):
        return event.note
    return f"{event.get_action_display()}：{event.note}" if event.note else str(event.get_action_display())


def _department_entries(*, user: Any, as_of: date) -> list[InboxEntry]:
    mine = assignment_for(user=user)
    entries = []
    to_sign = mine.filter(status=A.ASSIGNED)
    entries.append(InboxEntry(
        key="sign", label="待签收", count=to_sign.count(), items=_part_items(_parts(to_sign), as_of),
        url=_list_url(status=A.ASSIGNED)))

    feedback = _feedback_due(mine, as_of=as_of)
    entries.append(InboxEntry(
        key="feedback", label="待反馈", count=feedback.count(),
        items=_part_items(_parts(feedback), as_of, anchor="units",
                          note=lambda a: _due_note(a, as_of) if a.first_report_at or a.status != A.SIGNED
                          else "尚未首次反馈"),
        hint="首次反馈及临近、已过的时限（含周期报送）"))

    sent_back = TaskEvent.objects.filter(assignment=OuterRef("pk"), action=TaskEvent.Action.SEND_BACK)
    redo = mine.filter(status=A.IN_PROGRESS).filter(Exists(sent_back)).annotate(
        reason=Subquery(sent_back.order_by("-created_at", "-pk").values("note")[:1]))
    entries.append(InboxEntry(
        key="redo", label="退办待重新办理", count=redo.count(),
        items=_part_items(_parts(redo), as_of, note=lambda a: f"退办理由：{a.reason}")))

    urges = Urge.objects.filter(assignment__in=mine.open().values("pk"), reply="")
    entries.append(InboxEntry(
        key="urges", label="催办待答复", count=urges.count(),
        items=[InboxItem(url=_task_url(u.task_id, f"unit-card-{u.assignment_id}"), title=_label(u.task), unit=u.assignment.department.name,
                         note=u.note, when=u.created_at)
               for u in urges.select_related("task", "assignment__department").order_by("-created_at", "-pk")[:ITEMS]]))

    since = timezone.now() - timedelta(days=DECISIONS_DAYS)
    decisions = TaskEvent.objects.filter(department_id__in=user_department_ids(user), action__in=DECISION_ACTIONS,
                                         created_at__gte=since, task__in=mine.values("task_id"))
    entries.append(InboxEntry(
        key="decisions", label="申请的审批结果", count=decisions.count(),
        items=[InboxItem(url=_task_url(e.task_id), title=_label(e.task), unit=e.department.name if e.department
                         else "", note=_decision_note(e), when=e.created_at)
               for e in decisions.select_related("task", "department").order_by("-created_at", "-pk")[:ITEMS]],
        hint=f"近 {DECISIONS_DAYS} 天"))

    overdue = mine.lead().overdue(as_of)
    entries.append(InboxEntry(
        key="overdue", label="已逾期", count=overdue.count(), items=_part_items(_parts(overdue), as_of),
        url=_list_url(overdue="true")))
    return entries


# --- a manager (领导) ---------------------------------------------------------------------------------------------


def _manager_entries(*, user: Any, as_of: date) -> list[InboxEntry]:
    overdue = Assignment.objects.lead().overdue(as_of)
    # Every late unit with its count in one grouped query (a few hundred rows at most): the entry's count is
    # their number, its items the worst few.
    late = list(overdue.order_by().values_list("department_id").annotate(n=Count("pk")))
    worst = sorted(late, key=lambda row: (-row[1], row[0]))[:ITEMS]
    names = dict(Department.objects.filter(pk__in=[d for d, _ in worst]).values_list("pk", "name"))
    entries = [InboxEntry(
        key="overdue_units", label="逾期单位", count=len(late),
        items=[InboxItem(url=_list_url(overdue="true", department=d), title=names[d], note=f"逾期 {n} 项")
               for d, n in worst],
        url=_list_url(overdue="true"), url_label="查看逾期事项")]

    charge = Task.objects.filter(leader=user).open()
    entries.append(InboxEntry(
        key="charge", label="我分管的在办事项", count=charge.count(),
        items=[InboxItem(url=_task_url(t.pk), title=_label(t), note=t.get_status_display()
                         + (f"，时限 {t.current_due:%Y-%m-%d}" if t.current_due else ""))
               for t in charge.order_by("current_due", "pk")[:ITEMS]]))

    charge_late = overdue.filter(task__leader=user)
    entries.append(InboxEntry(
        key="charge_overdue", label="我分管的逾期单位", count=charge_late.count(),
        items=_part_items(_parts(charge_late), as_of)))
    return entries


def workbench_inbox(*, user: Any, as_of: date) -> Inbox:
    """The user's inbox: the office's if the user is in the office, a manager's, else the user's units'."""
    if user_is_office(user):
        return Inbox("office", "督查室", as_of, _office_entries(as_of=as_of))
    if user_is_manager(user):
        return Inbox("manager", "领导", as_of, _manager_entries(user=user, as_of=as_of))
    return Inbox("department", "承办单位", as_of, _department_entries(user=user, as_of=as_of))


# --- messages (站内消息) --------------------------------------------------------------------------------------------


def message_list(*, user: Any) -> QuerySet[Message]:
    """The user's own messages, newest first (nobody reads another user's)."""
    return Message.objects.filter(recipient_id=user.pk).select_related("task", "department")


def unread_message_count(*, user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
