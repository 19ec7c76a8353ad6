"""The database turned into the printables' values (tracker/documents/inputs.py): one 督办通知单 or 催办通知单
per task, one 督查通报 per period. The builders lay out what they get; everything they print is decided here,
from the one definition of each figure (overdue: AssignmentQuerySet.overdue; on-time rates and ratings:
selectors_ratings). The office's name, contact and standard wording come from settings.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from tracker.clocks import work_calendar
from tracker.documents.bulletin import bulletin_title, summary_text
from tracker.documents.inputs import (
    BulletinData,
    LateUnit,
    NoticeData,
    OverdueItem,
    UrgedUnit,
    UrgeNoticeData,
)
from tracker.models import Assignment, Deadline, IssuedDocument, ProgressReport, Task, Urge
from tracker.periods import Period
from tracker.permissions import issued_document_visible_to, user_is_office
from tracker.querysets import IN_HANDS_STATUSES
from tracker.selectors_ratings import Assessment, department_assessment, period_parts

OVERDUE_ITEMS_LISTED = 100  # the 通报 lists the longest-overdue parts; the 台账 has them all
TITLE_CHARS = 40
REPORT_CHARS = 60
K = IssuedDocument.Kind


def _person(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _local_day(moment: Any) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_title(task: Task) -> str:
    """The task's title (or its text), shortened for a table cell or a document title."""
    return _short(task.title or task.text, TITLE_CHARS)


def heading(task: Task) -> str:
    """The task's own heading, when it has one: extraction fills `title` with the start of the text, which
    the notices would otherwise print twice."""
    title = " ".join(task.title.split())
    return "" if not title or " ".join(task.text.split()).startswith(title.rstrip("…")) else title


def task_source(task: Task) -> str:
    """事项来源: 《标题》（文号）, 张市长2026年3月5日批示（…）, 会议纪要〔2026〕12号, …"""
    directive = task.directive
    if directive is not None:
        title = f"《{directive.title}》" if directive.title else ""
        return f"{title}（{directive.doc_number}）" if directive.doc_number else title
    kind = task.get_source_kind_display()
    when = f"{task.instructed_on.year}年{task.instructed_on.month}月{task.instructed_on.day}日" \
        if task.instructed_on else ""
    if task.source_kind == Task.SourceKind.INSTRUCTION:
        head = f"{task.instructed_by}{when}批示" if (task.instructed_by or when) else kind
    else:
        head = task.source_ref if task.source_ref.startswith(kind) else kind
        if when:
            head += f"（{when}）"
    ref = task.source_ref if task.source_ref and task.source_ref not in head else ""
    return f"{head}（{ref}）" if ref else head


def task_reference(task: Task) -> str:
    """事项编号: the directive's 文号 (or the source's reference) and the item's number in it."""
    base = task.directive.doc_number if task.directive is not None else task.source_ref
    return " ".join(part for part in (base, task.ref) if part)


def due_wording(task: Task) -> tuple[date | None, str]:
    """(办理时限, wording when it is not one date): the earliest dated one-off deadline; else 长期 or the
    recurring rule as written ("每月28日前报送"); else nothing."""
    deadlines = list(task.deadlines.order_by("due_on", "pk"))
    dated = [d.due_on for d in deadlines if d.due_on and d.recurrence == Deadline.Recurrence.NONE]
    if dated:
        return min(dated), ""
    if any(d.recurrence == Deadline.Recurrence.ONGOING for d in deadlines):
        return None, "长期"
    recurring = next((d for d in deadlines if d.recurrence), None)
    return (None, recurring.text) if recurring else (None, "")


def _units(task: Task, role: str) -> tuple[str, ...]:
    return tuple(task.assignments.filter(role=role, status__in=IN_HANDS_STATUSES).order_by("pk")
                 .values_list("department__name", flat=True))


def notice_data(*, task: Task, number: str, issued_on: date) -> NoticeData:
    """The 督办通知单 of a task as assigned: its lead and support units in hands, the deadline, the source."""
    due, due_text = due_wording(task)
    return NoticeData(
        number=number, issued_on=issued_on, office_name=settings.OFFICE_NAME, task_text=task.text,
        lead_units=_units(task, Assignment.Role.LEAD), support_units=_units(task, Assignment.Role.SUPPORT),
        task_ref=task_reference(task), task_title=heading(task), source=task_source(task), due=due,
        due_text=due_text, requirements=tuple(settings.NOTICE_REQUIREMENTS),
        leader_in_charge=_person(task.leader), contact_name=settings.OFFICE_CONTACT_NAME,
        contact_phone=settings.OFFICE_CONTACT_PHONE,
    )


def late_parts(*, task: Task, as_of: date) -> QuerySet[Assignment]:
    """The task's lead units overdue on `as_of` (AssignmentQuerySet.overdue), most overdue first."""
    return (task.assignments.lead().overdue(as_of).select_related("department")
            .order_by("current_due", "pk"))


def urge_notice_data(*, task: Task, number: str, issued_on: date, urge_round: int = 1,
                     notice_number: str = "") -> UrgeNoticeData:
    """The 催办通知单 of a task to its units overdue on `issued_on`: each one's date, days and latest report."""
    parts = list(late_parts(task=task, as_of=issued_on))
    latest: dict[int, ProgressReport] = {}
    for report in (ProgressReport.objects.filter(assignment__in=parts, is_completion=False)
                   .order_by("created_at", "pk")):
        latest[report.assignment_id] = report  # the latest wins
    units = tuple(
        UrgedUnit(
            name=part.department.name, due=part.current_due,
            days_overdue=(issued_on - part.current_due).days if part.current_due else 0,
            latest_report=_short(latest[part.pk].text, REPORT_CHARS) if part.pk in latest else "",
            latest_report_on=_local_day(latest[part.pk].created_at) if part.pk in latest else None,
        )
        for part in parts
    )
    urge = Urge.objects.filter(assignment__in=parts).order_by("-created_at", "-pk").first()
    due, due_text = due_wording(task)
    return UrgeNoticeData(
        number=number, issued_on=issued_on, office_name=settings.OFFICE_NAME, task_text=task.text, units=units,
        task_ref=task_reference(task), task_title=heading(task), source=task_source(task),
        notice_number=notice_number, assigned_on=_local_day(task.assigned_at), original_due=due,
        due_text=due_text, urge_round=urge_round, urge_note=urge.note if urge else "",
        reply_by=work_calendar().add_workdays(issued_on, settings.URGE_REPLY_WORKDAYS),
        leader_in_charge=_person(task.leader), contact_name=settings.OFFICE_CONTACT_NAME,
        contact_phone=settings.OFFICE_CONTACT_PHONE,
    )


def _overdue_items(*, period: Period, as_of: date) -> tuple[list[OverdueItem], int]:
    """The period's parts overdue on its `until`, longest overdue first (at most OVERDUE_ITEMS_LISTED), and how
    many more there are."""
    scope = period_parts(period=period, as_of=as_of)
    overdue = scope.parts.overdue(scope.until)
    listed = list(overdue.select_related("task__directive", "department")
                  .order_by("current_due", "department__name", "pk")[:OVERDUE_ITEMS_LISTED])
    items = [
        OverdueItem(task_title=task_title(part.task), unit=part.department.name, due=part.current_due,
                    days_overdue=(scope.until - part.current_due).days, task_ref=task_reference(part.task))
        for part in listed
    ]
    more = overdue.count() - len(items) if len(items) == OVERDUE_ITEMS_LISTED else 0
    return items, more


def bulletin_data(*, period: Period, as_of: date, number: str, issued_on: date,
                  assessment: Assessment | None = None) -> BulletinData:
    """The 督查通报 of `period` counted to its `until`: totals, each unit's line (with its ratings), the late units
    and the overdue parts; the summary paragraph composed from the totals, noting extensions and ratings."""
    assessment = assessment or department_assessment(period=period, as_of=as_of)
    late = sorted((line.unit for line in assessment.lines if line.unit.overdue),
                  key=lambda unit: (-unit.overdue, unit.unit))
    items, more = _overdue_items(period=period, as_of=as_of)
    data = BulletinData(
        number=number, period_label=period.label, period_end=assessment.until, issued_on=issued_on,
        office_name=settings.OFFICE_NAME, totals=assessment.totals, units=assessment.units,
        overdue_items=tuple(items), late_units=tuple(LateUnit(unit.unit, unit.overdue) for unit in late),
        requirements=tuple(settings.BULLETIN_REQUIREMENTS), recipients=settings.BULLETIN_RECIPIENTS,
        scope_label=settings.BULLETIN_SCOPE_LABEL, contact_name=settings.OFFICE_CONTACT_NAME,
        contact_phone=settings.OFFICE_CONTACT_PHONE,
    )
    summary = summary_text(data)
    if assessment.extended:
        summary += f"另有{assessment.extended}件经批准延期后办结，不计入按期办结率。"
    ratings = assessment.ratings
    if ratings.total:
        summary += (f"本期办结事项经督查室评价，优秀{ratings.excellent}件、良好{ratings.good}件、"
                    f"合格{ratings.adequate}件、不合格{ratings.poor}件。")
    if more:
        summary += f"逾期事项表列出逾期时间最长的{len(items)}件，另有{more}件详见督办台账。"
    return replace(data, summary_paragraph=summary)


def bulletin_document_title(period: Period) -> str:
    return "".join(bulletin_title(period.label))


# --- what the task page and the period picker offer --------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskPrintables:
    """The task page's 督办通知单 / 催办通知单 card, as the viewer may see and act on it."""

    notice: IssuedDocument | None
    urge_notices: list[IssuedDocument] = field(default_factory=list)
    can_issue_notice: bool = False
    late_units: list[str] = field(default_factory=list)  # the office may issue a 催办通知单 to these
    urged_today: IssuedDocument | None = None

    @property
    def shown(self) -> bool:
        return bool(self.notice or self.urge_notices or self.can_issue_notice or self.late_units)


def task_printables(*, task: Task, user: Any, as_of: date) -> TaskPrintables:
    visible = issued_document_visible_to(user=user).filter(task=task).defer("content").select_related("issued_by")
    documents = list(visible.order_by("issued_at", "pk"))
    notice = next((d for d in documents if d.kind == K.NOTICE), None)
    urges = [d for d in documents if d.kind == K.URGE]
    office = user_is_office(user) and task.status != Task.Status.PENDING_REVIEW
    return TaskPrintables(
        notice=notice, urge_notices=urges,
        can_issue_notice=office and notice is None and task.assignments.lead().in_hands().exists(),
        late_units=[p.department.name for p in late_parts(task=task, as_of=as_of)] if office else [],
        urged_today=next((d for d in urges if d.issued_on == as_of), None),
    )


def issued_bulletin(*, period: Period) -> IssuedDocument | None:
    return (IssuedDocument.objects.filter(kind=K.BULLETIN, period=period.key).defer("content")
            .select_related("issued_by").first())
