from __future__ import annotations

from datetime import date

import pytest

from tests.factories import AssignmentFactory, DeadlineFactory, DepartmentFactory, TaskFactory, UserFactory
from tests.tracker.workflow import department_user, office_user
from tracker.models import Task, TaskEvent
from tracker.services.review import task_confirm, task_edit, task_mark_edited, tasks_confirm
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 3, 1)


def _draft(**deadline):
    task = TaskFactory()
    DeadlineFactory(task=task, **({"due_on": date(2024, 6, 30)} | deadline))
    return task


@pytest.fixture
def office():
    return office_user()


def test_confirm_records_who_and_assigns(office):
    task = _draft()
    AssignmentFactory(task=task)
    task = task_confirm(task=task, user=office, as_of=AS_OF)
    assert task.status == Task.Status.ASSIGNED and task.confirmed_by == office and task.assigned_at
    assert list(TaskEvent.objects.filter(task=task).values_list("action", flat=True)) == ["confirm", "assign"]


def test_confirm_without_assign_keeps_pending_review(office):
    task = task_confirm(task=TaskFactory(), user=office, as_of=AS_OF, assign=False)
    assert task.status == Task.Status.PENDING_REVIEW and task.confirmed_at is not None


def test_confirm_refuses_a_task_without_lead_and_rolls_back(office):
    task = _draft()
    with pytest.raises(TransitionError, match="牵头单位"):
        task_confirm(task=task, user=office, as_of=AS_OF)
    task.refresh_from_db()
    assert task.confirmed_at is None and not TaskEvent.objects.exists()


def test_confirm_refuses_a_department_user():
    user, unit = department_user(username="staff")
    task = TaskFactory()
    AssignmentFactory(task=task, department=unit)
    with pytest.raises(TransitionError):
        task_confirm(task=task, user=user, as_of=AS_OF)


def test_bulk_assign_reports_which_tasks_were_held_back_and_why(office):
    good = _draft()
    AssignmentFactory(task=good)
    no_lead = _draft()
    past = _draft(due_on=date(2020, 10, 31))
    AssignmentFactory(task=past)
    undated = _draft(due_on=None)
    AssignmentFactory(task=undated)
    unknown_group = _draft()
    AssignmentFactory(task=unknown_group, department=DepartmentFactory(name="市直各有关单位", kind="group"))
    result = tasks_confirm(tasks=[good, no_lead, past, undated, unknown_group], user=office, as_of=AS_OF)
    assert [t.pk for t in result.confirmed] == [good.pk]
    assert Task.objects.get(pk=good.pk).status == Task.Status.ASSIGNED
    reasons = "\n".join(result.errors)
    assert len(result.errors) == 4
    assert "尚未指定牵头单位" in result.errors[0] and f"「{no_lead.ref}" in result.errors[0]
    assert "办理时限（2020-10-31）在交办之日已过" in result.errors[1]
    assert "没有明确的办理时限" in result.errors[2]
    assert "「市直各有关单位」的成员单位未知" in result.errors[3]
    assert set(Task.objects.exclude(pk=good.pk).values_list("status", flat=True)) == {Task.Status.PENDING_REVIEW}
    assert "未交办" in reasons


def test_confirming_twice_is_refused(office):
    task = _draft()
    AssignmentFactory(task=task)
    task_confirm(task=task, user=office, as_of=AS_OF)
    with pytest.raises(TransitionError, match="不是待审核"):
        task_confirm(task=task, user=office, as_of=AS_OF)


def test_edit_marks_edited_and_logs_changed_fields(office):
    task = task_edit(task=TaskFactory(title="旧"), user=office, title="新", text="新内容")
    assert task.edited and task.title == "新"
    assert TaskEvent.objects.get(task=task, action="edit").note == "修改：标题改为「新」；任务内容改为「新内容」"
    with pytest.raises(ValueError):
        task_edit(task=task, user=office, status="signed_off")


def test_only_the_office_edits_a_task():
    task = TaskFactory(title="旧")
    with pytest.raises(TransitionError, match="只有督查室"):
        task_edit(task=task, user=UserFactory(), title="新")
    task.refresh_from_db()
    assert task.title == "旧" and not task.edited and not TaskEvent.objects.exists()


def test_mark_edited_is_idempotent_on_the_flag():
    task = TaskFactory()
    task_mark_edited(task=task, user=None, changed=["承办单位"])
    task_mark_edited(task=task, user=None)
    assert Task.objects.get(pk=task.pk).edited and TaskEvent.objects.filter(action="edit").count() == 2
