"""demo_setup's events: every kind a user meets is made through the services (so the pages, the audit trails
and the in-app messages show real content), and a second run adds nothing."""
from __future__ import annotations

from datetime import date

import pytest

from tests.factories import DepartmentFactory
from tests.tracker.workflow import workflow_task
from tracker.models import Deadline, ExtensionRequest, Message, Task, TaskEvent, Urge
from tracker.services.demo import PLAN, demo_workflow_seed
from tracker.services.demo_events import DEMO_EVENTS_NOTE, demo_events_seed
from tracker.services.demo_review import demo_review_seed

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)  # a Friday
E = TaskEvent.Action


@pytest.fixture
def seeded():
    for name in ("市发展和改革委员会", "市教育局"):
        unit = DepartmentFactory(name=name)
        for _ in range(len(PLAN) + 2):
            workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2024, 12, 31))
    demo_workflow_seed(as_of=AS_OF, departments=2)
    demo_review_seed(as_of=AS_OF)
    return demo_events_seed(as_of=AS_OF)


def test_demo_events_cover_every_kind_of_event(seeded):
    actions = set(TaskEvent.objects.values_list("action", flat=True))
    assert {E.DEADLINE_CORRECT, E.EXTENSION_APPROVE, E.EXTENSION_REJECT, E.URGE, E.URGE_REPLY, E.RETURN,
            E.SEND_BACK, E.RATE, E.REASSIGN, E.REGISTER} <= actions
    assert Task.objects.filter(source_kind=Task.SourceKind.MEETING, status__in=["assigned", "signed"]).exists()
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) == {"pending", "approved", "rejected"}
    assert Urge.objects.exclude(reply="").exists() and Urge.objects.filter(reply="").exists()
    assert Deadline.objects.filter(resolved_by=Deadline.ResolvedBy.PERSON, corrected_by__username="duban").exists()
    assert len(seeded) >= 6 and all("None" not in line for line in seeded)


def test_demo_events_land_in_the_units_messages(seeded):
    kinds = set(Message.objects.filter(recipient__username="unit1").values_list("kind", flat=True))
    assert kinds == set(Message.Kind.values)  # 交办, 催办, 退办, 提醒 and 审批结果 alike
    assert not Message.objects.filter(recipient__username__in=["duban", "lingdao"]).exists()


def test_demo_events_are_idempotent(seeded):
    events, messages = TaskEvent.objects.count(), Message.objects.count()
    assert demo_events_seed(as_of=AS_OF) == []
    assert (TaskEvent.objects.count(), Message.objects.count()) == (events, messages)
    assert TaskEvent.objects.filter(note__contains=DEMO_EVENTS_NOTE).exists()
