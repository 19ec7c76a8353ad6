"""Query vocabulary for tasks and their units' parts. "Overdue" is defined here, once; everything else calls it.

Each unit answers for its own part of a task (Assignment). A lead unit's part owes its own *due items*: its
open occurrences (DeadlineOccurrence rows made for it at 交办: one per dated one-off deadline, one per period
of a recurring deadline). An occurrence is completed (本期已完成) by the unit's progress report that fulfils it
or by the office; completed occurrences stay, and the unit's due date moves on to its next open one. An
approved extension moves the unit's own occurrence, never a co-lead's. Ongoing (长期) and undated deadlines
have no occurrence and are never due. Support (配合) units own no due item.

Acceptance (已办结) completes every occurrence still open, at the acceptance time. For an accepted part the
due items are what it still owed at acceptance: occurrences completed at or after `accepted_at` count as
open, so `current_due` keeps the date its on-time record (按期办结) is judged on.

`AssignmentQuerySet.overdue(as_of)`: the unit still owes the work (已交办, 已签收, 办理中) and its earliest due
item is strictly before `as_of` — a part due today is not overdue. 待交办, 申请办结 (the office's turn),
已办结 and 已退回 never are. A task is overdue when one of its lead units is (`TaskQuerySet.overdue`).
`late(as_of)`: overdue now, or accepted on a later local day than its current due date; an accepted part
that is not late was done on time. `extended()`: the unit has an approved extension (延期), counted apart.

Storage: the current due dates are stored (`Assignment.current_due`, `Task.current_due`) so that lists,
dashboards and the reminder scan filter and sort on a column. `assignment_due_expression()` and
`task_due_expression()` below are their one definition; `tracker.services.deadlines.task_due_refresh`
copies them into the columns, and every service that writes deadlines, occurrences or assignment statuses
calls it. "Overdue" itself is never stored: it depends on `as_of`.

The task's current due date is the earliest one owed by its lead units still working; once every lead unit
is done, the earliest of the accepted ones; before 交办 (and when every lead unit handed the task back),
the earliest date its deadlines state. `due_between(start, end)` means that date falls in the range.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import Case, DateField, Exists, Min, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import TruncDate

# Assignment statuses (the task's statuses use the same codes for the same stages).
OPEN_STATUSES: tuple[str, ...] = ("assigned", "signed", "in_progress", "completion_requested")
# The statuses in which a unit still owes the work: only these can be overdue.
OWED_STATUSES: tuple[str, ...] = ("assigned", "signed", "in_progress")
# In the departments' hands: 已交办 through 已办结 — the set every statistic counts by default.
IN_HANDS_STATUSES: tuple[str, ...] = (*OPEN_STATUSES, "accepted")
# The task's own statuses from 交办 to 销号.
TASK_IN_HANDS_STATUSES: tuple[str, ...] = (*OPEN_STATUSES, "signed_off")
RECURRING: tuple[str, ...] = ("daily", "weekly", "monthly", "bimonthly", "quarterly", "half-yearly", "yearly")
LEAD = "lead"


def _model(name: str) -> Any:
    return apps.get_model("tracker", name)


def assignment_due_expression() -> Subquery:
    """The current due date of the outer assignment: its earliest occurrence still owed (module docstring)."""
    owed = _model("DeadlineOccurrence").objects.filter(assignment=OuterRef("pk")).filter(
        Q(completed_at__isnull=True) | Q(completed_at__gte=OuterRef("accepted_at"))
    )
    return Subquery(owed.order_by("due_on").values("due_on")[:1], output_field=DateField())


def task_due_expression() -> Case:
    """The current due date of the outer task, from its lead assignments' stored dates (module docstring)."""
    assignment, deadline = _model("Assignment"), _model("Deadline")
    leads = assignment.objects.filter(task=OuterRef("pk"), role=LEAD).order_by().values("task")
    working = leads.filter(status__in=OPEN_STATUSES)
    accepted = leads.filter(status="accepted")
    stated = (deadline.objects.filter(task=OuterRef("pk"), due_on__isnull=False).exclude(recurrence="ongoing")
              .order_by().values("task").annotate(first=Min("due_on")).values("first"))
    return Case(
        When(Exists(working), then=Subquery(working.annotate(first=Min("current_due")).values("first"))),
        When(Exists(accepted), then=Subquery(accepted.annotate(first=Min("current_due")).values("first"))),
        default=Subquery(stated),
        output_field=DateField(),
    )


def overdue_q(as_of: date) -> Q:
    """The overdue condition on an assignment row (for filters and CASE/COUNT expressions): see `overdue`."""
    return Q(status__in=OWED_STATUSES, current_due__lt=as_of)


def accepted_late_q() -> Q:
    """Accepted (已办结) on a later local day than the current due date."""
    return Q(status="accepted", accepted_at__isnull=False, current_due__lt=TruncDate("accepted_at"))


def late_q(as_of: date) -> Q:
    """Overdue now, or accepted late."""
    return overdue_q(as_of) | accepted_late_q()


def extended_q() -> Q:
    """The assignment has an approved extension request (延期获批)."""
    # IN (uncorrelated) rather than EXISTS: PostgreSQL hashes the few approved ids once.
    return Q(pk__in=_model("ExtensionRequest").objects.filter(status="approved", assignment__isnull=False)
             .values("assignment_id"))


class AssignmentQuerySet(QuerySet[Any]):
    def lead(self) -> AssignmentQuerySet:
        """Lead (牵头/责任) units' parts: the ones answerable for the deadlines."""
        return self.filter(role=LEAD)

    def in_hands(self) -> AssignmentQuerySet:
        """已交办 through 已办结: what every figure counts unless asked for 待交办 / 已退回."""
        return self.filter(status__in=IN_HANDS_STATUSES)

    def open(self) -> AssignmentQuerySet:
        """Assigned and not yet accepted (including parts awaiting the office's acceptance)."""
        return self.filter(status__in=OPEN_STATUSES)

    def owed(self) -> AssignmentQuerySet:
        """Still owed by the unit: 已交办, 已签收, 办理中."""
        return self.filter(status__in=OWED_STATUSES)

    def overdue(self, as_of: date) -> AssignmentQuerySet:
        """Owed parts with a due item strictly before `as_of`: their earliest one is (module docstring)."""
        return self.filter(overdue_q(as_of))

    def late(self, as_of: date) -> AssignmentQuerySet:
        """Overdue now, or accepted after the due date."""
        return self.filter(late_q(as_of))

    def extended(self) -> AssignmentQuerySet:
        return self.filter(extended_q())

    def due_between(self, start: date, end: date) -> AssignmentQuerySet:
        """Parts whose current due date is from `start` to `end`, both included (any status)."""
        return self.filter(current_due__range=(start, end))

    def for_departments(self, department_ids: Iterable[int]) -> AssignmentQuerySet:
        return self.filter(department_id__in=list(department_ids))

    def computed_due(self) -> AssignmentQuerySet:
        """Annotate `computed_due`: the current due date recomputed from the occurrences (checks, refresh)."""
        return self.annotate(computed_due=assignment_due_expression())


class TaskQuerySet(QuerySet[Any]):
    def open(self) -> TaskQuerySet:
        """Assigned and not yet signed off (including tasks awaiting acceptance)."""
        return self.filter(status__in=OPEN_STATUSES)

    def in_hands(self) -> TaskQuerySet:
        """已交办 through 已销号."""
        return self.filter(status__in=TASK_IN_HANDS_STATUSES)

    def overdue(self, as_of: date) -> TaskQuerySet:
        """Tasks with an overdue lead unit (AssignmentQuerySet.overdue)."""
        return self.filter(pk__in=_model("Assignment").objects.overdue(as_of).values("task_id"))

    def due_between(self, start: date, end: date) -> TaskQuerySet:
        """Tasks whose current due date is from `start` to `end`, both included (any status)."""
        return self.filter(current_due__range=(start, end))

    def for_departments(self, department_ids: Iterable[int]) -> TaskQuerySet:
        """Tasks assigned (lead or support) to any of the departments."""
        ids = list(department_ids)
        assignment = _model("Assignment")
        return self.filter(Exists(assignment.objects.filter(task=OuterRef("pk"), department_id__in=ids)))

    def computed_due(self) -> TaskQuerySet:
        """Annotate `computed_due`: the current due date recomputed from the assignments (checks, refresh)."""
        return self.annotate(computed_due=task_due_expression())
