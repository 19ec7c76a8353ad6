"""The working-day calendar and the node clocks (节点时限) after Shanxi's 13710 rule, per unit: read-side
computations, used by selectors, the reminder scan and the services alike.

Defaults: sign within 1 working day of assignment, first report within 3 days, ordinary tasks
closed within 7 days, major ones within 1 month. Each rule counts working days, calendar days or
months (settings.TASK_NODE_CLOCKS), by the task's category. Each unit's clocks start at its own 交办
(Assignment.assigned_at). Every unit signs; only lead units owe the first report and the close. The
"close" clock applies only to tasks without a dated deadline: a date written in the directive wins over
the generic rule. Nothing is stored: a breach is derived from the timestamps and `as_of`, like overdue.
"""
from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from parsing.workdays import WorkCalendar
from tracker.memo import memoized
from tracker.models import Assignment, HolidayOverride, Task

NODES: dict[str, str] = {"sign": "签收", "first_report": "首次反馈", "close": "办结"}
UNITS = ("workdays", "days", "months")

DEFAULT_NODE_CLOCKS: dict[str, dict[str, tuple[int, str]]] = {
    "ordinary": {"sign": (1, "workdays"), "first_report": (3, "days"), "close": (7, "days")},
    "major": {"sign": (1, "workdays"), "first_report": (3, "days"), "close": (1, "months")},
}


@dataclass(frozen=True, slots=True)
class ClockRule:
    amount: int
    unit: str  # workdays | days | months


@dataclass(frozen=True, slots=True)
class NodeClock:
    """One node of one task: when it was due, when (if) it was met, and whether it is breached."""

    node: str
    label: str
    rule: ClockRule
    due_on: date
    met_on: date | None
    breached: bool

    @property
    def state(self) -> str:
        if self.met_on is not None:
            return "met_late" if self.breached else "met"
        return "breached" if self.breached else "pending"

    @property
    def state_label(self) -> str:
        return {"met": "按时完成", "met_late": "超时完成", "breached": "已超时", "pending": "进行中"}[self.state]


def work_calendar() -> WorkCalendar:
    """The Chinese working-day calendar, with the office's HolidayOverride rows winning over the package."""
    overrides = memoized("holiday_overrides", lambda: dict(HolidayOverride.objects.values_list("day", "is_workday")))
    return WorkCalendar(overrides=dict(overrides))


def clock_rules(*, category: str) -> dict[str, ClockRule]:
    """The node rules of a task category, from settings.TASK_NODE_CLOCKS (defaults: 13710)."""
    configured: dict[str, dict[str, Any]] = getattr(settings, "TASK_NODE_CLOCKS", None) or DEFAULT_NODE_CLOCKS
    table = configured.get(category) or configured.get("ordinary") or DEFAULT_NODE_CLOCKS["ordinary"]
    rules = {}
    for node, (amount, unit) in table.items():
        if unit not in UNITS:
            raise ValueError(f"TASK_NODE_CLOCKS[{category!r}][{node!r}]: unknown unit {unit!r}")
        rules[node] = ClockRule(int(amount), unit)
    return rules


def _add_months(start: date, months: int) -> date:
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, pycalendar.monthrange(year, month)[1]))


def clock_due(*, start: date, rule: ClockRule, calendar: WorkCalendar) -> date:
    """The last day a node may be met when its clock starts on `start` (the start day never counts)."""
    if rule.unit == "workdays":
        return calendar.add_workdays(start, rule.amount)
    if rule.unit == "months":
        return _add_months(start, rule.amount)
    return start + timedelta(days=rule.amount)


def _local_date(moment: datetime | None) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def _met_on(assignment: Assignment, node: str) -> date | None:
    if node == "sign":
        # A part handed back (退回) answered the assignment too: that is not a breach of the sign clock.
        return _local_date(assignment.signed_at or assignment.returned_at)
    if node == "first_report":
        return _local_date(assignment.first_report_at)
    if node == "close":
        return _local_date(assignment.completion_requested_at or assignment.accepted_at)
    return None


def assignment_node_clocks(
    *, assignment: Assignment, as_of: date, category: str, has_due_date: bool,
    calendar: WorkCalendar | None = None,
) -> list[NodeClock]:
    """The node clocks of one unit's part (empty before its 交办); a support unit has the sign clock only."""
    assigned_on = _local_date(assignment.assigned_at)
    if assigned_on is None:
        return []
    calendar = calendar or work_calendar()
    clocks = []
    for node, rule in clock_rules(category=category).items():
        if (node == "close" and has_due_date) or (node != "sign" and assignment.role != Assignment.Role.LEAD):
            continue
        due = clock_due(start=assigned_on, rule=rule, calendar=calendar)
        met = _met_on(assignment, node)
        breached = (met > due) if met is not None else (
            as_of > due and assignment.status in (Assignment.Status.ASSIGNED, Assignment.Status.SIGNED,
                                                  Assignment.Status.IN_PROGRESS)
        )
        clocks.append(NodeClock(node, NODES.get(node, node), rule, due, met, breached))
    return clocks


def _latest_start_breached(*, as_of: date, rule: ClockRule, calendar: WorkCalendar) -> date:
    """The latest assignment day whose clock has run out by `as_of` (due < as_of)."""
    if rule.unit == "days":
        return as_of - timedelta(days=rule.amount + 1)
    if rule.unit == "months":
        start = _add_months(as_of, -rule.amount) - timedelta(days=1)
        while _add_months(start, rule.amount) >= as_of:
            start -= timedelta(days=1)
        return start
    # Working days: walk back from yesterday; bounded by the calendar's own ten-year scan.
    start = as_of - timedelta(days=1)
    while calendar.add_workdays(start, rule.amount) >= as_of:
        start -= timedelta(days=1)
    return start


def node_breached_assignments(
    *, node: str, as_of: date, queryset: QuerySet[Assignment] | None = None, calendar: WorkCalendar | None = None
) -> QuerySet[Assignment]:
    """Units' parts whose `node` ("sign" / "first_report") clock ran out before `as_of` and is still unmet:
    unsigned parts (any role), lead parts signed but never reported. Set-based (one cutoff per category),
    for the reminder scan and dashboards."""
    if node not in ("sign", "first_report"):
        raise ValueError(f"node must be 'sign' or 'first_report', not {node!r}")
    calendar = calendar or work_calendar()
    queryset = queryset if queryset is not None else Assignment.objects.all()
    if node == "sign":
        queryset = queryset.filter(status=Assignment.Status.ASSIGNED, signed_at__isnull=True)
    else:
        queryset = queryset.filter(
            role=Assignment.Role.LEAD, status__in=[Assignment.Status.ASSIGNED, Assignment.Status.SIGNED],
            first_report_at__isnull=True,
        )
    cutoffs: dict[datetime, list[str]] = {}
    for category in Task.Category.values:
        rule = clock_rules(category=category).get(node)
        if rule is None:
            continue
        cutoff = _latest_start_breached(as_of=as_of, rule=rule, calendar=calendar)
        day_after = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
        cutoffs.setdefault(day_after, []).append(category)
    if not cutoffs:
        return queryset.none()
    if len(cutoffs) == 1 and len(next(iter(cutoffs.values()))) == len(Task.Category.values):
        # Every category has the same clock (the 13710 default for 签收 and 首次反馈): no join to the task.
        return queryset.filter(assigned_at__lt=next(iter(cutoffs)))
    per_category = Q()
    for day_after, categories in cutoffs.items():
        per_category |= Q(task__category__in=categories, assigned_at__lt=day_after)
    return queryset.filter(per_category, assigned_at__isnull=False)
