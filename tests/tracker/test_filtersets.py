"""TaskFilterSet, NetBox style: params → .qs. as_of 2024-06-14 is a Friday (端午: 8–10 June)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.tracker.workflow import department_user, office_user, workflow_task
from tracker.filtersets import TaskFilterSet
from tracker.models import Task
from tracker.services.deadlines import task_due_refresh

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)
S = Task.Status


@pytest.fixture
def tasks():
    user_a, unit_a = department_user(username="fa", department_name="市商务局")
    _, unit_b = department_user(username="fb", department_name="市文化和旅游局")
    made = {
        "overdue": workflow_task(lead=unit_a, status=S.IN_PROGRESS, due_on=date(2024, 6, 13)),
        "due_soon": workflow_task(lead=unit_a, status=S.SIGNED, due_on=date(2024, 6, 18)),
        "far": workflow_task(lead=unit_b, status=S.IN_PROGRESS, due_on=date(2024, 12, 31)),
        "done": workflow_task(lead=unit_b, status=S.SIGNED_OFF, due_on=date(2024, 6, 1)),
        "draft": workflow_task(lead=unit_a, status=S.PENDING_REVIEW, due_on=date(2024, 6, 30)),
    }
    # "far" reports 80 %, so it is on schedule and stays green.
    Task.objects.filter(pk=made["far"].pk).update(progress_percent=80)
    made["unit_a"], made["unit_b"], made["user_a"] = unit_a, unit_b, user_a
    return made


def _qs(params, user=None):
    return set(TaskFilterSet(params, queryset=Task.objects.all(), as_of=AS_OF, user=user).qs)


def test_no_params_returns_everything(tasks):
    assert len(_qs({})) == 5


def test_status_filter_takes_several_values(tasks):
    assert _qs({"status": [S.SIGNED, S.SIGNED_OFF]}) == {tasks["due_soon"], tasks["done"]}


def test_overdue_only_uses_the_overdue_queryset(tasks):
    assert _qs({"overdue": "true"}) == {tasks["overdue"]}
    assert _qs({"overdue": "true"}) == set(Task.objects.overdue(AS_OF))


def test_traffic_lights(tasks):
    assert _qs({"light": "red"}) == {tasks["overdue"]}
    # due 18 June = 2 working days after Friday 14 June: within the default 3.
    assert _qs({"light": "yellow"}) == {tasks["due_soon"]}
    assert _qs({"light": "green"}) == {tasks["far"]}


def test_behind_schedule_turns_yellow(tasks):
    far = tasks["far"]
    # Assigned 200 days before a due date 200 days ahead: half the time gone, 10 % reported.
    assigned = datetime.combine(AS_OF - timedelta(days=200), time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    Task.objects.filter(pk=far.pk).update(progress_percent=10, assigned_at=assigned)
    far.deadlines.update(due_on=AS_OF + timedelta(days=200))
    task_due_refresh(task_ids=[far.pk])  # a raw update: refresh the stored due date as the services do
    assert tasks["far"] in _qs({"light": "yellow"})
    Task.objects.filter(pk=far.pk).update(progress_percent=45)  # within the 20-point margin
    assert tasks["far"] in _qs({"light": "green"})


def test_due_range(tasks):
    assert _qs({"due_after": "2024-06-14", "due_before": "2024-06-30"}) == {tasks["due_soon"], tasks["draft"]}
    assert _qs({"due_before": "2024-06-13"}) == {tasks["overdue"], tasks["done"]}


def test_directive_and_department(tasks):
    assert _qs({"directive": tasks["far"].directive_id}) == {tasks["far"]}
    assert _qs({"department": tasks["unit_b"].pk}) == {tasks["far"], tasks["done"]}


def test_keyword(tasks):
    Task.objects.filter(pk=tasks["far"].pk).update(title="文旅消费季活动")
    assert _qs({"q": "文旅消费"}) == {tasks["far"]}


def test_choices_are_scoped_to_the_user(tasks):
    filterset = TaskFilterSet({}, queryset=Task.objects.all(), as_of=AS_OF, user=tasks["user_a"])
    assert set(filterset.filters["department"].queryset) == {tasks["unit_a"]}
    office = TaskFilterSet({}, queryset=Task.objects.all(), as_of=AS_OF, user=office_user())
    assert {tasks["unit_a"], tasks["unit_b"]} <= set(office.filters["department"].queryset)
