"""Node clocks: 2024-06-07 is a Friday; 8–10 June 2024 are the 端午 days off (10 June a Monday)."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.tracker.workflow import department_user, workflow_task
from tracker.models import Task
from tracker.services.clocks import node_breached_tasks, task_node_clocks

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY_LATE = datetime(2024, 6, 7, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC: still Friday locally


@pytest.fixture
def unit():
    return department_user(username="clock_unit", department_name="市生态环境局")[1]


def _task(unit, *, status=Task.Status.ASSIGNED, category="ordinary", due_on=None, **stamps):
    task = workflow_task(lead=unit, status=status, category=category, due_on=due_on)
    fields = {"assigned_at": FRIDAY_LATE, "signed_at": None, "first_report_at": None,
              "completion_requested_at": None, "signed_off_at": None}
    Task.objects.filter(pk=task.pk).update(**{**fields, **stamps})
    task.refresh_from_db()
    return task


def _clocks(task, as_of):
    return {c.node: c for c in task_node_clocks(task=task, as_of=as_of)}


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
    assert task_node_clocks(task=task, as_of=date(2024, 6, 8)) == []


def test_node_breached_tasks_is_set_based_and_matches_the_per_task_clock(unit):
    unsigned = _task(unit)
    signed = _task(unit, status=Task.Status.SIGNED, signed_at=datetime(2024, 6, 11, 9, tzinfo=SHANGHAI))
    assert set(node_breached_tasks(node="sign", as_of=date(2024, 6, 11))) == set()
    assert set(node_breached_tasks(node="sign", as_of=date(2024, 6, 12))) == {unsigned}
    # first report: due 10 June (calendar days), neither has reported.
    assert set(node_breached_tasks(node="first_report", as_of=date(2024, 6, 10))) == set()
    assert set(node_breached_tasks(node="first_report", as_of=date(2024, 6, 11))) == {unsigned, signed}


def test_node_breached_tasks_ignores_reported_and_closed_tasks(unit):
    _task(unit, status=Task.Status.IN_PROGRESS, signed_at=FRIDAY_LATE, first_report_at=FRIDAY_LATE)
    _task(unit, status=Task.Status.SIGNED_OFF)
    assert not node_breached_tasks(node="sign", as_of=date(2024, 7, 1)).exists()
    assert not node_breached_tasks(node="first_report", as_of=date(2024, 7, 1)).exists()
