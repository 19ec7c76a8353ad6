"""TaskQuerySet boundaries: the one definition of overdue."""
from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import AssignmentFactory, DeadlineFactory, DepartmentFactory, TaskFactory
from tracker.models import DeadlineOccurrence, Task
from tracker.services.deadlines import task_due_refresh

pytestmark = pytest.mark.django_db

AS_OF = date(2023, 6, 15)
S = Task.Status


def task_due(due: date | None, status: str = S.IN_PROGRESS, **deadline: object) -> Task:
    task = TaskFactory(status=status)
    if due is not None or deadline:
        DeadlineFactory(task=task, due_on=due, **deadline)
    return task


def overdue() -> set[Task]:
    # These tests write due items directly (not through services): store the derived due date first.
    task_due_refresh()
    return set(Task.objects.overdue(AS_OF))


def test_due_yesterday_is_overdue_due_today_is_not():
    late = task_due(date(2023, 6, 14))
    task_due(AS_OF)
    assert overdue() == {late}


@pytest.mark.parametrize("status", [S.PENDING_REVIEW, S.RETURNED, S.COMPLETION_REQUESTED, S.SIGNED_OFF])
def test_tasks_not_owed_by_departments_are_never_overdue(status):
    task_due(date(2023, 1, 1), status=status)
    assert overdue() == set()


@pytest.mark.parametrize("status", [S.ASSIGNED, S.SIGNED, S.IN_PROGRESS])
def test_owed_statuses_can_be_overdue(status):
    late = task_due(date(2023, 1, 1), status=status)
    assert overdue() == {late}


def test_undated_and_ongoing_deadlines_are_never_overdue():
    task_due(None, text="汛期前", kind="holiday")
    task_due(date(2023, 1, 1), recurrence="ongoing", text="长期坚持")
    task_due(None)
    assert overdue() == set()


def test_the_earliest_open_deadline_counts():
    task = task_due(date(2023, 12, 31))
    DeadlineFactory(task=task, due_on=date(2023, 4, 30))
    assert overdue() == {task}


def test_completed_one_off_deadline_is_not_overdue():
    task = task_due(date(2023, 4, 30))
    DeadlineOccurrence.objects.create(deadline=task.deadlines.get(), due_on=date(2023, 4, 30),
                                      completed_at=timezone.now())
    assert overdue() == set()


def test_extension_moves_the_date_that_counts():
    task = task_due(date(2023, 4, 30))
    deadline = task.deadlines.get()
    DeadlineOccurrence.objects.create(deadline=deadline, due_on=date(2023, 4, 30))
    deadline.original_due_on, deadline.due_on = deadline.due_on, date(2023, 7, 31)
    deadline.save(update_fields=["original_due_on", "due_on"])
    assert overdue() == set()


def test_recurring_deadline_is_overdue_by_its_open_occurrences():
    task = task_due(date(2023, 3, 31), recurrence="monthly", rule="M:end", text="每月底前")
    deadline = task.deadlines.get()
    may = DeadlineOccurrence.objects.create(deadline=deadline, due_on=date(2023, 5, 31))
    DeadlineOccurrence.objects.create(deadline=deadline, due_on=date(2023, 6, 30))
    assert overdue() == {task}
    may.completed_at = timezone.now()
    may.save(update_fields=["completed_at"])
    # March (its first due date) is not an occurrence any more: only open occurrences count.
    assert overdue() == set()


def test_due_between_includes_both_ends_and_with_current_due():
    first = task_due(date(2023, 6, 15))
    last = task_due(date(2023, 6, 30))
    task_due(date(2023, 7, 1))
    assert set(Task.objects.due_between(date(2023, 6, 15), date(2023, 6, 30))) == {first, last}
    DeadlineFactory(task=last, due_on=date(2023, 6, 20))
    assert Task.objects.get(pk=last.pk).current_due == date(2023, 6, 20)
    assert Task.objects.computed_due().get(pk=last.pk).computed_due == date(2023, 6, 20)
    assert Task.objects.get(pk=TaskFactory().pk).current_due is None


def test_open_and_for_departments():
    unit, other = DepartmentFactory(), DepartmentFactory()
    mine = task_due(None, status=S.SIGNED)
    AssignmentFactory(task=mine, department=unit, role="support")
    theirs = task_due(None, status=S.SIGNED_OFF)
    AssignmentFactory(task=theirs, department=other)
    assert set(Task.objects.for_departments([unit.pk])) == {mine}
    assert set(Task.objects.open()) == {mine}
