"""TaskFilterSet and AssignmentFilterSet, NetBox style: params → .qs. as_of 2024-06-14 is a Friday (端午: 8–10
June)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.filtersets import AssignmentFilterSet, TaskFilterSet
from tracker.models import Assignment, Task
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
        "returned": workflow_task(lead=unit_a, status=S.RETURNED, due_on=date(2024, 6, 30)),
    }
    # "far" reports 80 %, so it is on schedule and stays green.
    Assignment.objects.filter(task=made["far"]).update(progress_percent=80)
    made["unit_a"], made["unit_b"], made["user_a"] = unit_a, unit_b, user_a
    return made


def _qs(params, user=None):
    return set(TaskFilterSet(params, queryset=Task.objects.all(), as_of=AS_OF, user=user).qs)


def _parts(params, **kwargs):
    return set(AssignmentFilterSet(params, queryset=Assignment.objects.all(), as_of=AS_OF, **kwargs).qs)


def test_no_params_returns_what_is_in_the_departments_hands(tasks):
    in_hands = {tasks[n] for n in ("overdue", "due_soon", "far", "done")}
    assert _qs({}) == in_hands
    assert set(TaskFilterSet(None, queryset=Task.objects.all(), as_of=AS_OF).qs) == in_hands  # unbound too
    assert _parts({}) == {lead_of(t) for t in in_hands}


def test_drafts_and_returned_are_listed_when_asked_for(tasks):
    assert _qs({"status": [S.PENDING_REVIEW, S.RETURNED]}) == {tasks["draft"], tasks["returned"]}
    assert _parts({"status": ["proposed"]}) == {lead_of(tasks["draft"])}
    assert _parts({"status": ["returned"]}) == {lead_of(tasks["returned"])}


def test_status_filter_takes_several_values(tasks):
    assert _qs({"status": [S.SIGNED, S.SIGNED_OFF]}) == {tasks["due_soon"], tasks["done"]}
    assert _parts({"status": ["signed", "accepted"]}) == {lead_of(tasks["due_soon"]), lead_of(tasks["done"])}


def test_overdue_only_uses_the_overdue_queryset(tasks):
    assert _qs({"overdue": "true"}) == {tasks["overdue"]} == set(Task.objects.overdue(AS_OF))
    assert _parts({"overdue": "true"}) == {lead_of(tasks["overdue"])} == set(Assignment.objects.overdue(AS_OF))


def test_traffic_lights(tasks):
    assert _qs({"light": "red"}) == {tasks["overdue"]}
    # due 18 June = 2 working days after Friday 14 June: within the default 3.
    assert _qs({"light": "yellow"}) == {tasks["due_soon"]}
    assert _qs({"light": "green"}) == {tasks["far"]}
    assert _parts({"light": "red"}) == {lead_of(tasks["overdue"])}
    assert _parts({"light": "green"}) == {lead_of(tasks["far"])}


def test_a_tasks_light_is_its_worst_lead_units(tasks):
    _, other = department_user(username="fc", department_name="市水务局")
    shared = workflow_task(lead=tasks["unit_b"], co_leads=(other,), status=S.IN_PROGRESS, due_on=date(2024, 12, 31))
    Assignment.objects.filter(task=shared).update(progress_percent=80)
    assert shared in _qs({"light": "green"})
    lead_of(shared, other).occurrences.update(due_on=date(2024, 6, 1))
    task_due_refresh(task_ids=[shared.pk])
    assert shared in _qs({"light": "red"}) and shared not in _qs({"light": "green"})
    assert _parts({"light": "red", "department": other.pk}) == {lead_of(shared, other)}


def test_behind_schedule_turns_yellow(tasks):
    far = lead_of(tasks["far"])
    # Assigned 200 days before a due date 200 days ahead: half the time gone, 10 % reported.
    assigned = datetime.combine(AS_OF - timedelta(days=200), time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    Assignment.objects.filter(pk=far.pk).update(progress_percent=10, assigned_at=assigned)
    far.occurrences.update(due_on=AS_OF + timedelta(days=200))
    task_due_refresh(task_ids=[far.task_id])  # a raw update: refresh the stored due date as the services do
    assert tasks["far"] in _qs({"light": "yellow"}) and far in _parts({"light": "yellow"})
    Assignment.objects.filter(pk=far.pk).update(progress_percent=45)  # within the 20-point margin
    assert tasks["far"] in _qs({"light": "green"})


def test_due_range(tasks):
    assert _qs({"due_after": "2024-06-14", "due_before": "2024-06-30"}) == {tasks["due_soon"]}
    assert _qs({"due_before": "2024-06-13"}) == {tasks["overdue"], tasks["done"]}
    assert _parts({"due_before": "2024-06-13"}) == {lead_of(tasks["overdue"]), lead_of(tasks["done"])}


def test_directive_and_department(tasks):
    assert _qs({"directive": tasks["far"].directive_id}) == {tasks["far"]}
    assert _qs({"department": tasks["unit_b"].pk}) == {tasks["far"], tasks["done"]}
    assert _parts({"department": tasks["unit_b"].pk}) == {lead_of(tasks["far"]), lead_of(tasks["done"])}
    assert _parts({"directive": tasks["far"].directive_id}) == {lead_of(tasks["far"])}


def test_keyword_searches_the_task_and_for_parts_the_unit_too(tasks):
    Task.objects.filter(pk=tasks["far"].pk).update(title="文旅消费季活动")
    assert _qs({"q": "文旅消费"}) == {tasks["far"]}
    assert _parts({"q": "文化和旅游"}) == {lead_of(tasks["far"]), lead_of(tasks["done"])}


def test_role_defaults_only_where_asked(tasks):
    _, support = department_user(username="fs", department_name="市财政局")
    shared = workflow_task(lead=tasks["unit_a"], support=(support,), status=S.SIGNED, due_on=date(2024, 12, 31))
    support_part = shared.assignments.get(role="support")
    assert support_part in _parts({})
    assert support_part not in _parts({}, default_role="lead")
    assert _parts({"role": "support"}, default_role="lead") == {support_part}


def test_extended_late_and_accepted_dates(tasks):
    done, shanghai = lead_of(tasks["done"]), ZoneInfo("Asia/Shanghai")
    Assignment.objects.filter(pk=done.pk).update(accepted_at=datetime(2024, 6, 1, 9, tzinfo=shanghai))
    assert _parts({"late": "true"}) == {lead_of(tasks["overdue"])}  # "done" was accepted on its due day
    Assignment.objects.filter(pk=done.pk).update(accepted_at=datetime(2024, 6, 5, 9, tzinfo=shanghai))
    assert _parts({"late": "true"}) == {lead_of(tasks["overdue"]), done}
    assert _parts({"accepted_after": "2024-06-05", "accepted_before": "2024-06-05"}) == {done}
    assert _parts({"extended": "true"}) == set()


def test_choices_are_scoped_to_the_user_and_never_offer_a_group(tasks):
    from tests.factories import DepartmentFactory

    DepartmentFactory(name="各县区人民政府", kind="group")
    filterset = TaskFilterSet({}, queryset=Task.objects.all(), as_of=AS_OF, user=tasks["user_a"])
    assert set(filterset.filters["department"].queryset) == {tasks["unit_a"]}
    office = TaskFilterSet({}, queryset=Task.objects.all(), as_of=AS_OF, user=office_user())
    names = set(office.filters["department"].queryset.values_list("name", flat=True))
    assert {"市商务局", "市文化和旅游局"} <= names and "各县区人民政府" not in names
