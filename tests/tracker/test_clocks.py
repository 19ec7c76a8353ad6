"""Node clocks per unit: 2024-06-07 is a Friday; 8–10 June 2024 are the 端午 days off (10 June a Monday)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import DepartmentFactory
from tests.tracker.workflow import department_user, lead_of, unit_add, workflow_task
from tracker.clocks import assignment_node_clocks, node_breached_assignments
from tracker.models import Assignment, Task

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_LATE = datetime(2024, 6, 7, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC: still Friday locally


@pytest.fixture
def unit():
    return department_user(username="clock_unit", department_name="市生态环境局")[1]


def _task(unit, *, status=Task.Status.ASSIGNED, category="ordinary", due_on=None, **stamps):
    """The task's lead part (clocks are per unit), its timestamps set as given."""
    task = workflow_task(lead=unit, status=status, category=category, due_on=due_on)
    fields = {"assigned_at": FRIDAY_LATE, "signed_at": None, "first_report_at": None,
              "completion_requested_at": None}
    Assignment.objects.filter(task=task).update(**{**fields, **stamps})
    return lead_of(task)


def _clocks(part, as_of):
    has_due = part.task.deadlines.exclude(due_on__isnull=True).exists()
    return {c.node: c for c in assignment_node_clocks(assignment=part, as_of=as_of, category=part.task.category,
                                                      has_due_date=has_due)}


def test_sign_clock_counts_one_working_day_skipping_the_dragon_boat_holiday(unit):
    clocks = _clocks(_task(unit), date(2024, 6, 11))
    assert clocks["sign"].due_on == date(2024, 6, 11)
    assert clocks["sign"].state == "pending"


def test_first_report_clock_counts_calendar_days(unit):
    assert _clocks(_task(unit), date(2024, 6, 8))["first_report"].due_on == date(2024, 6, 10)


def test_unsigned_task_breaches_the_sign_clock_the_day_after(unit):
    clocks = _clocks(_task(unit), date(2024, 6, 12))
    assert clocks["sign"].breached and clocks["sign"].state == "breached"
    assert clocks["first_report"].state == "breached"


def test_signing_late_shows_met_late_and_on_time_shows_met(unit):
    late = _task(unit, status=Task.Status.SIGNED, signed_at=datetime(2024, 6, 12, 9, tzinfo=SHANGHAI))
    on_time = _task(unit, status=Task.Status.SIGNED, signed_at=datetime(2024, 6, 11, 17, tzinfo=SHANGHAI))
    assert _clocks(late, date(2024, 6, 20))["sign"].state == "met_late"
    assert _clocks(on_time, date(2024, 6, 20))["sign"].state == "met"


def test_close_clock_applies_only_to_undated_tasks_and_depends_on_category(unit):
    ordinary = _clocks(_task(unit), date(2024, 6, 8))
    major = _clocks(_task(unit, category="major"), date(2024, 6, 8))
    dated = _clocks(_task(unit, due_on=date(2024, 12, 31)), date(2024, 6, 8))
    assert ordinary["close"].due_on == date(2024, 6, 14)
    assert major["close"].due_on == date(2024, 7, 7)
    assert "close" not in dated


def test_clocks_are_configurable_per_category(unit, settings):
    settings.TASK_NODE_CLOCKS = {
        "ordinary": {"sign": (2, "days"), "first_report": (3, "workdays")},
        "major": {"sign": (1, "workdays")},
    }
    clocks = _clocks(_task(unit), date(2024, 6, 8))
    assert clocks["sign"].due_on == date(2024, 6, 9)
    assert clocks["first_report"].due_on == date(2024, 6, 13)  # Tue 11, Wed 12, Thu 13
    assert "close" not in clocks


def test_no_clocks_before_assignment(unit):
    task = workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW)
    assert assignment_node_clocks(assignment=lead_of(task), as_of=date(2024, 6, 8), category="ordinary",
                                  has_due_date=False) == []


def test_a_support_unit_has_only_the_sign_clock(unit):
    part = _task(unit)
    support = unit_add(part.task, DepartmentFactory(), role=Assignment.Role.SUPPORT, status="assigned")
    Assignment.objects.filter(pk=support.pk).update(assigned_at=FRIDAY_LATE)
    support.refresh_from_db()
    assert set(_clocks(support, date(2024, 6, 20))) == {"sign"}


def test_node_breached_assignments_is_set_based_and_matches_the_per_unit_clock(unit):
    unsigned = _task(unit)
    signed = _task(unit, status=Task.Status.SIGNED, signed_at=datetime(2024, 6, 11, 9, tzinfo=SHANGHAI))
    assert set(node_breached_assignments(node="sign", as_of=date(2024, 6, 11))) == set()
    assert set(node_breached_assignments(node="sign", as_of=date(2024, 6, 12))) == {unsigned}
    assert _clocks(unsigned, date(2024, 6, 12))["sign"].breached
    # first report: due 10 June (calendar days), neither has reported.
    assert set(node_breached_assignments(node="first_report", as_of=date(2024, 6, 10))) == set()
    assert set(node_breached_assignments(node="first_report", as_of=date(2024, 6, 11))) == {unsigned, signed}


def test_co_leads_clocks_are_their_own(unit):
    part = _task(unit)
    co_lead = unit_add(part.task, DepartmentFactory(), status="signed")
    Assignment.objects.filter(pk=co_lead.pk).update(assigned_at=FRIDAY_LATE,
                                                   signed_at=datetime(2024, 6, 11, 9, tzinfo=SHANGHAI))
    assert set(node_breached_assignments(node="sign", as_of=date(2024, 6, 12))) == {part}


def test_node_breached_assignments_ignores_reported_returned_and_closed_parts(unit):
    _task(unit, status=Task.Status.IN_PROGRESS, signed_at=FRIDAY_LATE, first_report_at=FRIDAY_LATE)
    _task(unit, status=Task.Status.SIGNED_OFF)
    _task(unit, status=Task.Status.RETURNED)
    assert not node_breached_assignments(node="sign", as_of=date(2024, 7, 1)).exists()
    assert not node_breached_assignments(node="first_report", as_of=date(2024, 7, 1)).exists()


def test_breached_parts_follow_each_categorys_own_clock(unit, settings):
    settings.TASK_NODE_CLOCKS = {
        "ordinary": {"sign": (1, "workdays"), "first_report": (3, "days")},
        "major": {"sign": (10, "days"), "first_report": (20, "days")},
    }
    ordinary, major = _task(unit), _task(unit, category="major")
    # Assigned Friday 7 June: the ordinary part had to sign by 11 June, the major one by 17 June.
    assert set(node_breached_assignments(node="sign", as_of=date(2024, 6, 12))) == {ordinary}
    assert set(node_breached_assignments(node="sign", as_of=date(2024, 6, 18))) == {ordinary, major}
