"""Query vocabulary for tasks. "Overdue" is defined here, once; everything else calls it.

A task's *due items* are what it still owes:
- a one-off deadline (recurrence "") with a date and no completed occurrence: due on `Deadline.due_on`
  (the current date: an approved extension or an office correction moves it);
- each uncompleted occurrence of a recurring deadline (daily … yearly): due on its own `due_on`;
- a recurring deadline whose occurrences were never generated: due on `Deadline.due_on` (its first one).
Ongoing deadlines (长期坚持) and undated ones are never due. An occurrence is completed (本期已完成) by a
progress report that fulfils it or by the office (services.lifecycle.occurrence_complete); completed
occurrences stay, and the task's due date moves on to its next open one.

Sign-off (销号) completes every occurrence still open, at the sign-off time. For a signed-off task the
due items are what it still owed at sign-off: occurrences completed at or after `signed_off_at` count
as open, so `current_due` keeps the date the on-time rate (late / 按期办结) is judged on.

`extended()`: the task has an approved extension (延期): the on-time rate counts these apart.
`late(as_of)`: overdue now, or signed off (已销号) on a later day than its current due date; a signed-off
task that is not late was signed off on time (按期办结).

`overdue(as_of)`: the task is in the departments' hands (已交办, 已签收, 办理中) and one of its due items
is due strictly before `as_of` — a task due today is not overdue. Tasks awaiting review (待审核), handed
back (已退回), awaiting sign-off (申请办结: the department has reported completion) or signed off
(已销号) are never overdue. The current due date of a task is the earliest of its due items.

Storage: the current due date is stored on the task (`Task.current_due`, indexed) so lists and the
dashboard filter and sort on a column instead of recomputing it per row. `computed_due_expression()`
below is its one definition; `tracker.services.deadlines.task_due_refresh` copies it into the column,
and every service that writes deadlines or occurrences calls it. "Overdue" itself is never stored: it
depends on `as_of`, so it stays a filter on the stored date (a due item before `as_of` exists iff the
earliest one is before `as_of`).

`due_between(start, end)` (and the FilterSet's due range) means: the task's current due date — the next
thing it owes — falls in the range. A task owing a monthly report and a year-end deliverable is "due"
on the next report date, not also at year end.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.apps import apps
from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least, TruncDate
from django.db.models.lookups import IsNull, LessThan

OPEN_STATUSES: tuple[str, ...] = ("assigned", "signed", "in_progress", "completion_requested")
# The statuses in which the departments still owe the work: only these can be overdue.
OWED_STATUSES: tuple[str, ...] = ("assigned", "signed", "in_progress")
RECURRING: tuple[str, ...] = ("daily", "weekly", "monthly", "bimonthly", "quarterly", "half-yearly", "yearly")


def _model(name: str) -> Any:
    return apps.get_model("tracker", name)


def _deadline_items() -> QuerySet[Any]:
    """Deadlines of the outer task that are due items themselves (one-off, or recurring never expanded)."""
    deadline, occurrence = _model("Deadline"), _model("DeadlineOccurrence")
    signed_off_at = OuterRef(OuterRef("signed_off_at"))
    # Completed before the task's sign-off (or the task is not signed off): no longer owed.
    completed = occurrence.objects.filter(deadline=OuterRef("pk"), completed_at__isnull=False).filter(
        Q(IsNull(signed_off_at, True)) | Q(LessThan(F("completed_at"), signed_off_at))
    )
    any_occurrence = occurrence.objects.filter(deadline=OuterRef("pk"))
    return deadline.objects.filter(task=OuterRef("pk"), due_on__isnull=False).filter(
        (Q(recurrence="") & ~Exists(completed)) | (Q(recurrence__in=RECURRING) & ~Exists(any_occurrence))
    )


def _occurrence_items() -> QuerySet[Any]:
    """Open occurrences of the outer task's recurring deadlines (for a signed-off task: open at sign-off)."""
    return _model("DeadlineOccurrence").objects.filter(
        Q(completed_at__isnull=True) | Q(completed_at__gte=OuterRef("signed_off_at")),
        deadline__task=OuterRef("pk"), deadline__recurrence__in=RECURRING,
    )


def computed_due_expression() -> Any:
    """The current due date of the outer task, computed from its deadlines and occurrences (see above)."""
    first_deadline = Subquery(_deadline_items().order_by("due_on").values("due_on")[:1], output_field=DateField())
    first_occurrence = Subquery(
        _occurrence_items().order_by("due_on").values("due_on")[:1], output_field=DateField()
    )
    # LEAST ignores NULLs on PostgreSQL but not on SQLite: coalesce each side with the other.
    return Least(Coalesce(first_deadline, first_occurrence), Coalesce(first_occurrence, first_deadline),
                 output_field=DateField())


def overdue_q(as_of: date) -> Q:
    """The overdue condition on a task row (for filters and CASE/COUNT expressions): see `overdue`."""
    return Q(status__in=OWED_STATUSES, current_due__lt=as_of)


def signed_off_late_q() -> Q:
    """Signed off (已销号) on a later local day than the current due date."""
    return Q(status="signed_off", signed_off_at__isnull=False, current_due__lt=TruncDate("signed_off_at"))


def late_q(as_of: date) -> Q:
    """Overdue now, or signed off late."""
    return overdue_q(as_of) | signed_off_late_q()


def extended_q() -> Q:
    """The task has an approved extension request (延期获批)."""
    # IN (uncorrelated) rather than EXISTS: PostgreSQL hashes the few approved ids once.
    return Q(pk__in=_model("ExtensionRequest").objects.filter(status="approved").values("task_id"))


class TaskQuerySet(QuerySet[Any]):
    def open(self) -> TaskQuerySet:
        """Assigned and not yet signed off (including tasks awaiting sign-off)."""
        return self.filter(status__in=OPEN_STATUSES)

    def owed(self) -> TaskQuerySet:
        """In the departments' hands: 已交办, 已签收, 办理中."""
        return self.filter(status__in=OWED_STATUSES)

    def overdue(self, as_of: date) -> TaskQuerySet:
        """Owed tasks with a due item strictly before `as_of`: their earliest one is (module docstring)."""
        return self.filter(overdue_q(as_of))

    def due_between(self, start: date, end: date) -> TaskQuerySet:
        """Tasks whose current due date is from `start` to `end`, both included (any status)."""
        return self.filter(current_due__range=(start, end))

    def for_departments(self, department_ids: Iterable[int]) -> TaskQuerySet:
        """Tasks assigned (lead or support) to any of the departments."""
        ids = list(department_ids)
        assignment = _model("Assignment")
        return self.filter(Exists(assignment.objects.filter(task=OuterRef("pk"), department_id__in=ids)))

    def with_current_due(self) -> TaskQuerySet:
        """Kept for callers: `current_due` is a stored column now (Task.current_due)."""
        return self

    def computed_due(self) -> TaskQuerySet:
        """Annotate `computed_due`: the current due date recomputed from the due items (checks, refresh)."""
        return self.annotate(computed_due=computed_due_expression())

    def extended(self) -> TaskQuerySet:
        """Tasks with an approved extension request (延期获批)."""
        return self.filter(extended_q())

    def signed_off_late(self) -> TaskQuerySet:
        """Signed off (已销号) on a later local day than the current due date."""
        return self.filter(signed_off_late_q())

    def late(self, as_of: date) -> TaskQuerySet:
        """Overdue now, or signed off after the due date: the complement, among signed-off tasks, of 按期办结."""
        return self.filter(late_q(as_of))
