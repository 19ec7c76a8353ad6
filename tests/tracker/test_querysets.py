"""AssignmentQuerySet / TaskQuerySet boundaries: the one definition of overdue, per unit."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import AssignmentFactory, DeadlineFactory, DepartmentFactory, TaskFactory, UserFactory
from tests.tracker.workflow import unit_add
from tracker.models import Assignment, DeadlineOccurrence, ExtensionRequest, Task
from tracker.services.deadlines import task_due_refresh

pytestmark = pytest.mark.django_db

AS_OF = date(2023, 6, 15)
A = Assignment.Status


def part_due(due: date | None, status: str = A.IN_PROGRESS, **deadline: object) -> Assignment:
    """A lead unit's part in `status` owing one deadline."""
    task = TaskFactory(status=Task.Status.IN_PROGRESS)
    if due is not None or deadline:
        DeadlineFactory(task=task, due_on=due, **deadline)
    return unit_add(task, DepartmentFactory(), status=status)


def overdue() -> set[Assignment]:
    # These tests write due items directly (not through services): store the derived due dates first.
    task_due_refresh()
    return set(Assignment.objects.overdue(AS_OF))


def test_due_yesterday_is_overdue_due_today_is_not():
    late = part_due(date(2023, 6, 14))
    part_due(AS_OF)
    assert overdue() == {late}


@pytest.mark.parametrize("status", [A.PROPOSED, A.RETURNED, A.COMPLETION_REQUESTED, A.ACCEPTED])
def test_parts_not_owed_by_the_unit_are_never_overdue(status):
    part_due(date(2023, 1, 1), status=status)
    assert overdue() == set()


@pytest.mark.parametrize("status", [A.ASSIGNED, A.SIGNED, A.IN_PROGRESS])
def test_owed_statuses_can_be_overdue(status):
    late = part_due(date(2023, 1, 1), status=status)
    assert overdue() == {late}


def test_undated_and_ongoing_deadlines_are_never_overdue():
    part_due(None, text="汛期前", kind="holiday")
    part_due(date(2023, 1, 1), recurrence="ongoing", text="长期坚持")
    part_due(None)
    assert overdue() == set()


def test_a_support_part_owes_no_date_and_is_never_overdue():
    task = TaskFactory(status=Task.Status.IN_PROGRESS)
    DeadlineFactory(task=task, due_on=date(2023, 1, 1))
    lead = unit_add(task, DepartmentFactory())
    unit_add(task, DepartmentFactory(), role=Assignment.Role.SUPPORT)
    assert overdue() == {lead}


def test_the_earliest_open_occurrence_counts():
    part = part_due(date(2023, 12, 31))
    DeadlineOccurrence.objects.create(deadline=DeadlineFactory(task=part.task, due_on=date(2023, 4, 30)),
                                      assignment=part, due_on=date(2023, 4, 30))
    assert overdue() == {part}


def test_a_completed_occurrence_is_not_owed():
    part = part_due(date(2023, 4, 30))
    part.occurrences.update(completed_at=timezone.now())
    assert overdue() == set()


def test_an_extension_moves_the_units_own_date_only():
    part = part_due(date(2023, 4, 30))
    co_lead = unit_add(part.task, DepartmentFactory())
    part.occurrences.update(due_on=date(2023, 7, 31), original_due_on=date(2023, 4, 30))
    assert overdue() == {co_lead}


def test_a_recurring_deadline_is_overdue_by_its_open_occurrences():
    part = part_due(None)
    deadline = DeadlineFactory(task=part.task, due_on=date(2023, 3, 31), recurrence="monthly", rule="M:end",
                               text="每月底前")
    may = DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=date(2023, 5, 31))
    DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=date(2023, 6, 30))
    assert overdue() == {part}
    may.completed_at = timezone.now()
    may.save(update_fields=["completed_at"])
    # March (its first stated date) is not an occurrence of this unit: only open occurrences count.
    assert overdue() == set()


def test_an_accepted_part_keeps_what_it_owed_at_acceptance_and_is_late_when_accepted_after_it():
    part = part_due(date(2023, 5, 31), status=A.ACCEPTED)
    accepted = datetime(2023, 6, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    Assignment.objects.filter(pk=part.pk).update(accepted_at=accepted)
    part.occurrences.update(completed_at=accepted)
    task_due_refresh()
    part.refresh_from_db()
    assert part.current_due == date(2023, 5, 31)
    assert set(Assignment.objects.late(AS_OF)) == {part}
    Assignment.objects.filter(pk=part.pk).update(accepted_at=accepted - timedelta(days=3))
    part.occurrences.update(completed_at=accepted - timedelta(days=3))
    task_due_refresh()
    assert not Assignment.objects.late(AS_OF).exists()


def test_a_task_is_overdue_when_one_lead_unit_is():
    part = part_due(date(2023, 6, 1))
    on_time = unit_add(part.task, DepartmentFactory())
    on_time.occurrences.update(due_on=date(2023, 12, 31))
    task_due_refresh()
    assert set(Task.objects.overdue(AS_OF)) == {part.task}
    part.occurrences.update(completed_at=timezone.now())
    task_due_refresh()
    assert not Task.objects.overdue(AS_OF).exists()


def test_the_tasks_due_date_is_its_working_leads_earliest_then_the_accepted_then_the_stated():
    task = TaskFactory(status=Task.Status.PENDING_REVIEW)
    DeadlineFactory(task=task, due_on=date(2023, 9, 30))
    task_due_refresh()
    assert Task.objects.get(pk=task.pk).current_due == date(2023, 9, 30)  # a draft: the stated date
    done = unit_add(task, DepartmentFactory(), status=A.ACCEPTED)
    working = unit_add(task, DepartmentFactory(), status=A.IN_PROGRESS)
    done.occurrences.update(due_on=date(2023, 7, 1))
    working.occurrences.update(due_on=date(2023, 8, 1))
    task_due_refresh()
    assert Task.objects.get(pk=task.pk).current_due == date(2023, 8, 1)  # the accepted part no longer counts
    Assignment.objects.filter(pk=working.pk).update(status=A.ACCEPTED, accepted_at=timezone.now())
    task_due_refresh()
    assert Task.objects.get(pk=task.pk).current_due == date(2023, 7, 1)


def test_due_between_includes_both_ends():
    first, last = part_due(date(2023, 6, 15)), part_due(date(2023, 6, 30))
    part_due(date(2023, 7, 1))
    task_due_refresh()
    assert set(Assignment.objects.due_between(date(2023, 6, 15), date(2023, 6, 30))) == {first, last}
    assert set(Task.objects.due_between(date(2023, 6, 15), date(2023, 6, 30))) == {first.task, last.task}
    assert Assignment.objects.computed_due().get(pk=last.pk).computed_due == date(2023, 6, 30)


def test_extended_is_the_units_approved_extension():
    part, other = part_due(date(2023, 6, 30)), part_due(date(2023, 6, 30))
    ExtensionRequest.objects.create(
        task=part.task, assignment=part, department=part.department, requested_by=UserFactory(),
        reason="等待批复", requested_due_on=date(2023, 9, 30), original_due_on=date(2023, 6, 30), status="approved")
    assert set(Assignment.objects.extended()) == {part}
    assert other not in Assignment.objects.extended()


def test_in_hands_open_and_for_departments():
    unit, other = DepartmentFactory(), DepartmentFactory()
    mine = part_due(None, status=A.SIGNED)
    support = AssignmentFactory(task=mine.task, department=unit, role="support", status=A.SIGNED)
    theirs = part_due(None, status=A.ACCEPTED)
    draft = part_due(None, status=A.PROPOSED)
    returned = part_due(None, status=A.RETURNED)
    assert set(Assignment.objects.for_departments([unit.pk])) == {support}
    assert set(Task.objects.for_departments([unit.pk])) == {mine.task}
    assert set(Assignment.objects.open()) == {mine, support}
    assert set(Assignment.objects.in_hands()) == {mine, support, theirs}
    assert draft not in Assignment.objects.in_hands() and returned not in Assignment.objects.in_hands()
    assert set(Assignment.objects.lead().in_hands()) == {mine, theirs}
    assert not Assignment.objects.for_departments([other.pk]).exists()


def test_a_pending_or_rejected_extension_is_not_extended():
    """Only an approved request counts; a request from another part of the task does not extend this one."""
    pending, rejected, other = (part_due(date(2023, 6, 30)) for _ in range(3))
    for part, status in ((pending, "pending"), (rejected, "rejected")):
        ExtensionRequest.objects.create(
            task=part.task, assignment=part, department=part.department, requested_by=UserFactory(),
            reason="等待批复", requested_due_on=date(2023, 9, 30), original_due_on=date(2023, 6, 30), status=status)
    ExtensionRequest.objects.create(
        task=other.task, assignment=None, department=other.department, requested_by=UserFactory(),
        reason="等待批复", requested_due_on=date(2023, 9, 30), original_due_on=date(2023, 6, 30), status="approved")
    assert not Assignment.objects.extended().exists()


def test_a_drafts_stated_date_ignores_ongoing_and_undated_deadlines():
    task = TaskFactory(status=Task.Status.PENDING_REVIEW)
    DeadlineFactory(task=task, text="长期", kind="ongoing", recurrence="ongoing", due_on=date(2023, 1, 1),
                    parsed_due_on=None)
    DeadlineFactory(task=task, text="定期", kind="recurring", due_on=None, parsed_due_on=None)
    DeadlineFactory(task=task, due_on=date(2023, 9, 30))
    other = TaskFactory(status=Task.Status.PENDING_REVIEW)
    DeadlineFactory(task=other, due_on=date(2023, 5, 31))
    task_due_refresh()
    assert Task.objects.get(pk=task.pk).current_due == date(2023, 9, 30)
    assert Task.objects.get(pk=other.pk).current_due == date(2023, 5, 31)
