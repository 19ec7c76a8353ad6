"""交办's choices about dates and units, value by value (docs/mutation.md: the survivors of `_deadlines_decide` and
`_units_check`): what is stored for each choice, and the message of each refusal."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import DeadlineFactory, DepartmentFactory
from tests.tracker.workflow import department_user, office_user, workflow_task
from tracker.models import Assignment, Deadline, Task, TaskEvent
from tracker.services import lifecycle_office
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db

S = Task.Status
AS_OF = date(2030, 1, 10)  # a Thursday


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def unit():
    return department_user(username="unit", department_name="市住房和城乡建设局")[1]


def _undated(unit, category="ordinary"):
    return workflow_task(lead=unit, status=S.PENDING_REVIEW, category=category)


def _refusal(**kwargs) -> str:
    with pytest.raises(TransitionError) as info:
        lifecycle_office.task_assign(**kwargs)
    return str(info.value)


def test_a_new_date_may_be_the_day_of_assignment_but_not_before(office, unit):
    task = _undated(unit)
    assert _refusal(task=task, actor=office, as_of=AS_OF, due_on=AS_OF - timedelta(days=1)) == \
        "新的办理时限（2030-01-09）不能早于交办当天"
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, due_on=AS_OF)
    deadline = task.deadlines.get()
    assert (deadline.kind, deadline.due_on, deadline.text) == ("date", AS_OF, "2030年01月10日前（交办时指定）")
    assert (deadline.resolved_by, deadline.corrected_by) == (Deadline.ResolvedBy.PERSON, office)
    assert deadline.corrected_at is not None


def test_the_refusals_say_what_to_choose(office, unit):
    task = _undated(unit)
    assert _refusal(task=task, actor=office, as_of=AS_OF, open_ended="forever") == "请选择「长期」或「按节点时限办结」"
    assert _refusal(task=task, actor=office, as_of=AS_OF) == (
        "该事项没有明确的办理时限：请在交办时指定办理时限，或选择「长期」或「按节点时限办结」")
    late = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2029, 12, 31), text="已过期的事项。")
    assert _refusal(task=late, actor=office, as_of=AS_OF) == (
        "该事项的办理时限（2029-12-31）在交办之日已过：请设定新的办理时限，或选择「按原时限」")


def test_ongoing_is_stored_as_such(office, unit):
    task = _undated(unit)
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, open_ended="ongoing")
    deadline = task.deadlines.get()
    assert (deadline.text, deadline.kind, deadline.recurrence, deadline.due_on) == (
        "长期", "ongoing", Deadline.Recurrence.ONGOING, None)
    assert (deadline.resolved_by, deadline.corrected_by) == (Deadline.ResolvedBy.PERSON, office)
    assert "办理时限：长期" in TaskEvent.objects.get(task=task, action=TaskEvent.Action.ASSIGN).note.split("；")


@pytest.mark.parametrize(("category", "clocks", "text", "due"), [
    ("ordinary", None, "按节点时限办结（7日内）", date(2030, 1, 17)),
    ("major", None, "按节点时限办结（1个月内）", date(2030, 2, 10)),
    ("ordinary", (5, "workdays"), "按节点时限办结（5个工作日内）", date(2030, 1, 17)),
])
def test_the_node_clock_close_rule_gives_the_date(office, unit, settings, category, clocks, text, due):
    if clocks is not None:
        settings.TASK_NODE_CLOCKS = {**settings.TASK_NODE_CLOCKS, "ordinary": {
            **settings.TASK_NODE_CLOCKS["ordinary"], "close": clocks}}
    task = _undated(unit, category=category)
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, open_ended="clock")
    deadline = task.deadlines.get()
    assert (deadline.text, deadline.kind, deadline.due_on) == (text, "node_clock", due)
    assert (deadline.resolved_by, deadline.corrected_by) == (Deadline.ResolvedBy.PERSON, office)
    assert f"按节点时限办结：{due:%Y-%m-%d} 前" in TaskEvent.objects.get(task=task, action=TaskEvent.Action.ASSIGN).note


def test_a_dated_task_assigned_with_the_clock_choice_keeps_its_own_date(office, unit):
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, open_ended="clock")
    assert list(task.deadlines.values_list("kind", "due_on")) == [("date", date(2030, 6, 30))]


def test_a_new_date_moves_only_the_past_one_off_deadlines(office, unit):
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2029, 12, 31), text="已过期的事项。")
    monthly = DeadlineFactory(task=task, text="每月底前报送", kind="recurring", recurrence="monthly",
                              due_on=date(2029, 12, 31), parsed_due_on=date(2029, 12, 31))
    future = DeadlineFactory(task=task, text="2030年9月30日前", due_on=date(2030, 9, 30), parsed_due_on=date(2030, 9, 30))
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, due_on=date(2030, 3, 31))
    past = task.deadlines.exclude(pk__in=[monthly.pk, future.pk]).get()
    assert (past.due_on, past.resolved_by, past.corrected_by) == (date(2030, 3, 31), Deadline.ResolvedBy.PERSON,
                                                                  office)
    monthly.refresh_from_db()
    future.refresh_from_db()
    assert (monthly.due_on, future.due_on) == (date(2029, 12, 31), date(2030, 9, 30))
    assert monthly.corrected_by is None and future.corrected_by is None


@pytest.mark.parametrize("order", [("support", "lead"), ("lead", "support")])
def test_a_unit_ticked_twice_is_assigned_once_and_lead_wins(office, unit, order):
    other = DepartmentFactory(name="市自然资源局")
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    units = [(unit, order[0]), (unit, order[1]), (other, "support"), (other, "support")]
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, units=units)
    assert sorted(task.assignments.values_list("department__name", "role")) == sorted([
        ("市住房和城乡建设局", Assignment.Role.LEAD), ("市自然资源局", Assignment.Role.SUPPORT)])


def test_without_a_lead_an_unknown_group_is_named(office, unit):
    group = DepartmentFactory(name="市直各有关单位", kind="group")
    task = workflow_task(lead=group, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    message = _refusal(task=task, actor=office, as_of=AS_OF, units=[(unit, "support")])
    assert message.startswith("「市直各有关单位」的成员单位未知")


def test_units_that_cannot_hold_a_part_are_all_named(office, unit):
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    groups = [DepartmentFactory(name=n, kind="group") for n in ("市直各有关单位", "各乡镇人民政府")]
    assert _refusal(task=task, actor=office, as_of=AS_OF, units=[(g, "lead") for g in groups]) == \
        "「市直各有关单位、各乡镇人民政府」是单位组，交办时须展开为具体单位"
    stale = [DepartmentFactory(name="某某局", verified=False), DepartmentFactory(name="原某某办", active=False)]
    assert _refusal(task=task, actor=office, as_of=AS_OF, units=[(d, "lead") for d in stale]) == \
        "「某某局、原某某办」尚未核实或已停用，请先在单位目录中合并、确认，或取消勾选"
    assert _refusal(task=task, actor=office, as_of=AS_OF, units=[(unit, "support")]) == "该事项尚未指定牵头单位，不能交办"


def test_an_extension_applies_to_the_units_earliest_open_one_off_date(unit):
    from django.utils import timezone

    from tests.tracker.workflow import lead_of
    from tracker.models import DeadlineOccurrence
    from tracker.transitions import extension_request_check

    task = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=date(2030, 9, 30))
    part = lead_of(task)
    earlier = DeadlineFactory(task=task, text="2030年6月30日前", due_on=date(2030, 6, 30), parsed_due_on=date(2030, 6, 30))
    done = DeadlineFactory(task=task, text="2030年3月31日前", due_on=date(2030, 3, 31), parsed_due_on=date(2030, 3, 31))
    monthly = DeadlineFactory(task=task, text="每月底前报送", kind="recurring", recurrence="monthly",
                              due_on=date(2030, 1, 31), parsed_due_on=date(2030, 1, 31))
    DeadlineOccurrence.objects.create(deadline=earlier, assignment=part, due_on=date(2030, 6, 30))
    DeadlineOccurrence.objects.create(deadline=done, assignment=part, due_on=date(2030, 3, 31),
                                      completed_at=timezone.now())
    DeadlineOccurrence.objects.create(deadline=monthly, assignment=part, due_on=date(2030, 1, 31))
    current = extension_request_check(assignment=part, as_of=date(2030, 1, 2))
    assert (current.deadline_id, current.due_on) == (earlier.pk, date(2030, 6, 30))
