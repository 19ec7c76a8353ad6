"""tracker.transitions as a table: for every unit status, each kind of actor gets exactly its actions, with the
message a refused one shows. The lead unit's table and the office's are in tests/tracker/services/test_lifecycle.py;
here are the support unit's, the office member who also works for the unit (it never judges its own unit's
work), the manager, strangers, the inactive, and the messages (docs/mutation.md: the survivors these kill)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Assignment, DepartmentMembership, Task
from tracker.transitions import (
    ASSIGNMENT_TRANSITIONS,
    TransitionError,
    actor_speaks_for,
    assignment_allowed_actions,
    assignment_transition_check,
    status_label,
    task_allowed_actions,
    task_transition_check,
)

pytestmark = pytest.mark.django_db

A, S = Assignment.Status, Task.Status
DUE = date(2030, 6, 30)
UNIT_ACTIONS = {
    A.ASSIGNED: {"sign", "return", "urge_reply"},
    A.SIGNED: {"report", "extension_request", "urge_reply"},
    A.IN_PROGRESS: {"report", "extension_request", "completion_request", "urge_reply"},
    A.COMPLETION_REQUESTED: {"urge_reply"},
    A.ACCEPTED: set(),
    A.RETURNED: set(),
}
OFFICE_ACTIONS = {
    A.ASSIGNED: {"urge", "extension_decide"},
    A.SIGNED: {"urge", "extension_decide"},
    A.IN_PROGRESS: {"urge", "extension_decide"},
    A.COMPLETION_REQUESTED: {"accept", "send_back", "extension_decide"},
    A.ACCEPTED: {"rate"},
    A.RETURNED: {"reassign"},
}
JUDGEMENTS = {"accept", "send_back", "extension_decide", "rate"}


@pytest.fixture
def world():
    office = office_user()
    lead_user, lead = department_user(username="lead", department_name="市住房和城乡建设局")
    support_user, support = department_user(username="support", department_name="市财政局")
    stranger, _ = department_user(username="stranger", department_name="市民政局")
    task = workflow_task(lead=lead, support=(support,), status=S.IN_PROGRESS, due_on=DUE)
    return {"office": office, "lead_user": lead_user, "lead": lead, "support_user": support_user,
            "support": support, "stranger": stranger, "task": task}


def _part(task: Task, department, status: str) -> Assignment:
    part = task.assignments.get(department=department)
    part.status = status
    return part  # unsaved: the checks read the status they are given


@pytest.mark.parametrize("status", list(UNIT_ACTIONS))
def test_the_lead_units_and_the_offices_actions(world, status):
    part = _part(world["task"], world["lead"], status)
    assert assignment_allowed_actions(assignment=part, actor=world["lead_user"]) == UNIT_ACTIONS[status]
    assert assignment_allowed_actions(assignment=part, actor=world["office"]) == OFFICE_ACTIONS[status]


@pytest.mark.parametrize("status", [A.ASSIGNED, A.SIGNED, A.IN_PROGRESS, A.ACCEPTED, A.RETURNED])
def test_a_support_unit_never_asks_for_extension_or_completion_and_is_not_rated(world, status):
    part = _part(world["task"], world["support"], status)
    expected = UNIT_ACTIONS[status] - {"extension_request", "completion_request"}
    assert assignment_allowed_actions(assignment=part, actor=world["support_user"]) == expected
    assert assignment_allowed_actions(assignment=part, actor=world["office"]) == OFFICE_ACTIONS[status] - {"rate"}
    # Neither unit acts on the other's part.
    assert assignment_allowed_actions(assignment=part, actor=world["lead_user"]) == set()


@pytest.mark.parametrize("status", list(UNIT_ACTIONS))
def test_an_office_member_of_the_unit_acts_for_it_but_never_judges_it(world, status):
    office = world["office"]
    DepartmentMembership.objects.create(user=office, department=world["lead"])
    office._tracker_groups = None  # a fresh request
    part = _part(world["task"], world["lead"], status)
    expected = (UNIT_ACTIONS[status] | OFFICE_ACTIONS[status]) - JUDGEMENTS
    assert assignment_allowed_actions(assignment=part, actor=office) == expected


@pytest.mark.parametrize("status", list(UNIT_ACTIONS))
def test_managers_strangers_and_inactive_users_may_do_nothing(world, status):
    part = _part(world["task"], world["lead"], status)
    inactive = world["lead_user"]
    inactive.is_active = False
    assert assignment_allowed_actions(assignment=part, actor=manager_user()) == set()
    assert assignment_allowed_actions(assignment=part, actor=world["stranger"]) == set()
    assert assignment_allowed_actions(assignment=part, actor=inactive) == set()


def test_actor_speaks_for_its_own_department_only(world):
    part = lead_of(world["task"])
    assert actor_speaks_for(actor=world["lead_user"], assignment=part)
    assert not actor_speaks_for(actor=world["support_user"], assignment=part)
    assert not actor_speaks_for(actor=world["office"], assignment=part)
    world["lead_user"].is_active = False
    assert not actor_speaks_for(actor=world["lead_user"], assignment=part)


@pytest.mark.parametrize(("actor", "action", "message"), [
    ("office", "sign", "只有本单位可以执行「签收」"),
    ("stranger", "return", "只有本单位可以执行「退回」"),
    ("lead_user", "reassign", "只有督查室可以执行「重新交办」"),
    ("support_user", "extension_request", "配合单位不能「申请延期」，由牵头单位办理"),
    ("office", "completion_request", "只有牵头单位可以执行「申请办结」"),
])
def test_a_refused_action_says_who_may_take_it(world, actor, action, message):
    status = next(iter(ASSIGNMENT_TRANSITIONS[action].sources))
    department = world["support"] if actor == "support_user" else world["lead"]
    part = _part(world["task"], department, status)
    with pytest.raises(TransitionError) as info:
        assignment_transition_check(assignment=part, actor=world[actor], action=action)
    assert str(info.value) == message


def test_a_wrong_status_names_the_unit_and_its_status(world):
    part = _part(world["task"], world["lead"], A.ACCEPTED)
    with pytest.raises(TransitionError) as info:
        assignment_transition_check(assignment=part, actor=world["lead_user"], action="report")
    assert str(info.value) == "市住房和城乡建设局当前状态「已办结」不能执行「反馈进展」"


def test_rating_a_support_part_is_refused_with_its_reason(world):
    part = _part(world["task"], world["support"], A.ACCEPTED)
    with pytest.raises(TransitionError) as info:
        assignment_transition_check(assignment=part, actor=world["office"], action="rate")
    assert str(info.value) == "配合单位不单独评价，办结评价针对牵头（责任）单位"


def test_an_office_member_judging_its_own_unit_is_told_why(world):
    DepartmentMembership.objects.create(user=world["office"], department=world["lead"])
    part = _part(world["task"], world["lead"], A.COMPLETION_REQUESTED)
    for action in ("accept", "send_back", "extension_decide"):
        with pytest.raises(TransitionError) as info:
            assignment_transition_check(assignment=part, actor=world["office"], action=action)
        assert str(info.value) == "不能审核本单位承办的事项"


# --- task level ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "office_actions"), [
    (S.PENDING_REVIEW, {"assign"}),
    (S.ASSIGNED, {"urge"}),
    (S.SIGNED, {"urge"}),
    (S.IN_PROGRESS, {"urge"}),
    (S.COMPLETION_REQUESTED, {"sign_off"}),
    (S.SIGNED_OFF, set()),
    (S.RETURNED, set()),
])
def test_task_actions(world, status, office_actions):
    task = world["task"]
    task.status = status
    assert task_allowed_actions(task=task, actor=world["office"]) == office_actions
    for actor in (world["lead_user"], manager_user()):
        assert task_allowed_actions(task=task, actor=actor) == set()


def test_the_office_does_not_sign_off_a_task_its_own_unit_leads(world):
    task = world["task"]
    task.status = S.COMPLETION_REQUESTED
    DepartmentMembership.objects.create(user=world["office"], department=world["support"])
    assert task_allowed_actions(task=task, actor=world["office"]) == {"sign_off"}  # support: not judged
    DepartmentMembership.objects.create(user=world["office"], department=world["lead"])
    assert task_allowed_actions(task=task, actor=world["office"]) == set()


def test_task_level_refusals(world):
    task = world["task"]
    with pytest.raises(TransitionError) as info:
        task_transition_check(task=task, actor=world["office"], action="assign")
    assert str(info.value) == "当前状态「办理中」不能执行「交办」"
    with pytest.raises(TransitionError) as info:
        task_transition_check(task=task, actor=world["lead_user"], action="urge")
    assert str(info.value) == "只有督查室可以执行「催办」"


def test_status_labels():
    assert status_label(A.IN_PROGRESS) == "办理中"
    assert status_label(S.SIGNED_OFF, unit=False) == "已销号"
    assert status_label(A.ACCEPTED) == "已办结"
    assert status_label("no-such-status") == "no-such-status"


@pytest.mark.parametrize(("status", "label"), [(S.SIGNED_OFF, "已销号"), (S.PENDING_REVIEW, "待审核")])
def test_a_task_level_refusal_names_the_tasks_own_status(world, status, label):
    """The task's statuses are not the units' (已销号, 待审核 have no unit twin): the message never shows a code."""
    task = world["task"]
    task.status = status
    action = "urge"
    with pytest.raises(TransitionError) as info:
        task_transition_check(task=task, actor=world["office"], action=action)
    assert str(info.value) == f"当前状态「{label}」不能执行「催办」"
