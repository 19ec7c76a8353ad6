from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from tests.factories import DepartmentFactory
from tests.tracker.workflow import workflow_task
from tracker.models import Assignment, Task, TaskEvent
from tracker.permissions import task_visible_to
from tracker.services.demo import PLAN, demo_workflow_seed
from tracker.services.demo_review import demo_review_seed

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)


def test_demo_seed_puts_parts_in_every_state_with_some_overdue_and_is_idempotent():
    unit = DepartmentFactory(name="市发展和改革委员会")
    for _ in range(len(PLAN) + 2):
        workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2024, 12, 31))
    accounts = demo_workflow_seed(as_of=AS_OF)
    demo_review_seed(as_of=AS_OF)  # as demo_setup does: the review screen's and 立项's content
    assert {a.username for a in accounts} == {"duban", "lingdao", "unit1"}
    assert set(Task.objects.values_list("status", flat=True)) == set(Task.Status.values)
    assert set(Assignment.objects.values_list("status", flat=True)) == set(Assignment.Status.values)
    assert Task.objects.overdue(AS_OF).count() == 2
    assert Task.objects.get(extension_requests__isnull=False).extension_requests.get().status == "pending"
    events = TaskEvent.objects.count()
    demo_workflow_seed(as_of=AS_OF)
    assert demo_review_seed(as_of=AS_OF) == []
    assert TaskEvent.objects.count() == events


def test_demo_seed_on_the_sample_gazettes_as_make_run_does():
    import json
    from pathlib import Path

    from tracker.services.departments import departments_seed_if_empty
    from tracker.services.directives import directive_import

    root = Path(__file__).resolve().parents[3] / "fixtures"
    departments_seed_if_empty(entries=json.loads((root / "departments.json").read_text(encoding="utf-8")))
    for path in sorted((root / "gazettes").glob("*.txt")):
        directive_import(name=path.name, data=path.read_bytes(), as_of=AS_OF)
    accounts = demo_workflow_seed(as_of=AS_OF)
    demo_review_seed(as_of=AS_OF)
    assert {a.username for a in accounts} == {"duban", "lingdao", "unit1", "unit2", "unit3"}
    assert set(Task.Status.values) <= set(Task.objects.values_list("status", flat=True))
    assert Task.objects.overdue(AS_OF).exists()
    # No group or unverified placeholder holds a part once assigned.
    held = Assignment.objects.exclude(status=Assignment.Status.PROPOSED)
    assert not held.filter(department__kind="group").exists() and not held.filter(department__verified=False).exists()
    # Isolation and co-leading: unit1 and unit2 each see tasks the other cannot, and share one co-led task
    # where their parts stand in different states.
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["unit1", "unit2"])}
    one = set(task_visible_to(user=users["unit1"]).values_list("pk", flat=True))
    two = set(task_visible_to(user=users["unit2"]).values_list("pk", flat=True))
    assert one - two and two - one
    [shared] = one & two
    parts = Assignment.objects.filter(task_id=shared, role="lead", department__memberships__user__in=users.values())
    assert sorted(parts.values_list("status", flat=True)) == ["accepted", "in_progress"]


def test_demo_seed_rates_accepted_parts_and_issues_notices():
    from tracker.models import IssuedDocument
    from tracker.periods import month_of
    from tracker.selectors_ratings import department_assessment

    units = [DepartmentFactory(name=name) for name in ("市发展和改革委员会", "市教育局", "市财政局")]
    for unit in units:
        for _ in range(len(PLAN)):
            workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2024, 12, 31))
    with time_machine.travel(datetime(2024, 6, 14, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        demo_workflow_seed(as_of=AS_OF, departments=3)
    ratings = set(Assignment.objects.exclude(rating="").values_list("rating", flat=True))
    assert len(ratings) >= 3  # each unit its own rating, one of them corrected
    assert not Assignment.objects.filter(role="lead", status="accepted", rating="").exists()
    assert TaskEvent.objects.filter(action="rate_correct").count() == 1
    kinds = sorted(IssuedDocument.objects.values_list("kind", flat=True))
    assert "notice" in kinds and "urge" in kinds
    table = department_assessment(period=month_of(AS_OF), as_of=AS_OF)
    assert table.ratings.total >= 3 and table.totals.overdue >= 3 and len(table.lines) == 3
    events = TaskEvent.objects.count()
    demo_workflow_seed(as_of=AS_OF, departments=3)  # idempotent: nothing issued or rated twice
    assert TaskEvent.objects.count() == events and IssuedDocument.objects.count() == len(kinds)


def test_demo_review_seed_leaves_a_flagged_directive_to_review_and_a_meeting_task_assigned():
    from tracker.flags import flag_labels
    from tracker.models import Attachment, Directive

    unit = DepartmentFactory(name="市发展和改革委员会")
    DepartmentFactory(name="市应急管理局")
    for _ in range(3):
        workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2024, 12, 31))
    demo_workflow_seed(as_of=AS_OF, departments=1)
    added = demo_review_seed(as_of=AS_OF)
    assert added == ["待审核文件：阳政办发〔2024〕58号 阳泉市人民政府办公室关于做好2024年安全生产和防汛重点工作的通知",
                     "会议纪要立项并交办：加快推进城区老旧小区改造"]
    notice = Directive.objects.get(doc_number="阳政办发〔2024〕58号")
    drafts = notice.tasks.filter(status=Task.Status.PENDING_REVIEW)
    assert drafts.count() == 4
    flags = {label for task in drafts for label in flag_labels(task.flags)}
    assert {"未写明单位", "时限无法解析"} <= flags
    assert notice.tasks.get(status=Task.Status.DISMISSED).text.startswith("五、严格值班值守")
    assert drafts.filter(assignments__department__verified=False).exists()  # 市融媒体中心, not in the directory
    meeting = Task.objects.get(source_kind=Task.SourceKind.MEETING)
    assert meeting.directive is None and meeting.status == Task.Status.ASSIGNED
    assert meeting.leader.username == "lingdao" and meeting.instructed_on == date(2024, 6, 7)
    assert meeting.assignments.get(role="lead").department == unit
    assert meeting.current_due > AS_OF and Attachment.objects.filter(task=meeting).count() == 1
