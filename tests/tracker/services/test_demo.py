from __future__ import annotations

from datetime import date

import pytest

from tests.factories import DepartmentFactory
from tests.tracker.workflow import workflow_task
from tracker.models import Task, TaskEvent
from tracker.services.demo import PLAN, demo_workflow_seed

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)


def test_demo_seed_puts_tasks_in_every_state_with_some_overdue_and_is_idempotent():
    unit = DepartmentFactory(name="市发展和改革委员会")
    for _ in range(len(PLAN) + 2):
        workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2024, 12, 31))
    accounts = demo_workflow_seed(as_of=AS_OF)
    assert {a.username for a in accounts} == {"duban", "lingdao", "unit1"}
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert Task.objects.overdue(AS_OF).count() == 2
    assert Task.objects.get(extension_requests__isnull=False).extension_requests.get().status == "pending"
    events = TaskEvent.objects.count()
    demo_workflow_seed(as_of=AS_OF)
    assert TaskEvent.objects.count() == events


def test_demo_seed_on_the_sample_gazettes_as_make_run_does():
    from pathlib import Path

    from tracker.services.directives import directive_import

    for path in sorted((Path(__file__).resolve().parents[3] / "fixtures" / "gazettes").glob("*.txt")):
        directive_import(name=path.name, data=path.read_bytes(), as_of=AS_OF)
    accounts = demo_workflow_seed(as_of=AS_OF)
    assert {a.username for a in accounts} == {"duban", "lingdao", "unit1", "unit2", "unit3"}
    assert set(Task.Status.values) <= set(Task.objects.values_list("status", flat=True))
    assert Task.objects.overdue(AS_OF).exists()
