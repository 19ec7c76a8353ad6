from __future__ import annotations

import pytest

from tests.factories import AssignmentFactory, TaskFactory, UserFactory
from tests.tracker.workflow import department_user, office_user
from tracker.models import Task, TaskEvent
from tracker.services.lifecycle import TransitionError
from tracker.services.review import task_confirm, task_edit, task_mark_edited, tasks_confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return office_user()


def test_confirm_records_who_and_assigns(office):
    task = TaskFactory()
    AssignmentFactory(task=task)
    task = task_confirm(task=task, user=office)
    assert task.status == Task.Status.ASSIGNED and task.confirmed_by == office and task.assigned_at
    assert list(TaskEvent.objects.filter(task=task).values_list("action", flat=True)) == ["confirm", "assign"]


def test_confirm_without_assign_keeps_pending_review(office):
    task = task_confirm(task=TaskFactory(), user=office, assign=False)
    assert task.status == Task.Status.PENDING_REVIEW and task.confirmed_at is not None


def test_confirm_refuses_a_task_without_lead_and_rolls_back(office):
    task = TaskFactory()
    with pytest.raises(TransitionError, match="牵头单位"):
        task_confirm(task=task, user=office)
    task.refresh_from_db()
    assert task.confirmed_at is None and not TaskEvent.objects.exists()


def test_confirm_refuses_a_department_user():
    user, unit = department_user(username="staff")
    task = TaskFactory()
    AssignmentFactory(task=task, department=unit)
    with pytest.raises(TransitionError):
        task_confirm(task=task, user=user)


def test_bulk_confirm_reports_failures_and_confirms_the_rest(office):
    good = TaskFactory()
    AssignmentFactory(task=good)
    bad = TaskFactory()
    result = tasks_confirm(tasks=[good, bad], user=office)
    assert [t.pk for t in result.confirmed] == [good.pk] and len(result.errors) == 1
    assert Task.objects.get(pk=good.pk).status == Task.Status.ASSIGNED


def test_confirming_twice_is_refused(office):
    task = TaskFactory()
    AssignmentFactory(task=task)
    task_confirm(task=task, user=office)
    with pytest.raises(TransitionError, match="不是待审核"):
        task_confirm(task=task, user=office)


def test_edit_marks_edited_and_logs_changed_fields():
    user = UserFactory()
    task = task_edit(task=TaskFactory(title="旧"), user=user, title="新", text="新内容")
    assert task.edited and task.title == "新"
    assert "标题" in TaskEvent.objects.get(task=task, action="edit").note
    with pytest.raises(ValueError):
        task_edit(task=task, user=user, status="signed_off")


def test_mark_edited_is_idempotent_on_the_flag():
    task = TaskFactory()
    task_mark_edited(task=task, user=None, changed=["承办单位"])
    task_mark_edited(task=task, user=None)
    assert Task.objects.get(pk=task.pk).edited and TaskEvent.objects.filter(action="edit").count() == 2
