"""What the office's actions tell the user and keep, where the mutation run found no test looking
(docs/mutation.md): the 10-minute urge refusal's time, several unknown groups named, the rating note's limit."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import DepartmentFactory
from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.models import Task
from tracker.services import lifecycle_office
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db

S = Task.Status
DUE = date(2030, 6, 30)


def test_a_repeated_urge_says_when_the_first_was_made_in_local_time():
    office = office_user()
    _, unit = department_user(username="unit", department_name="市住房和城乡建设局")
    task = workflow_task(lead=unit, status=S.SIGNED, due_on=DUE)
    with time_machine.travel(datetime(2030, 1, 10, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        lifecycle_office.task_urge(task=task, actor=office)
    with time_machine.travel(datetime(2030, 1, 10, 9, 8, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        with pytest.raises(TransitionError) as info:
            lifecycle_office.task_urge(task=task, actor=office)
    assert str(info.value) == "已于 09:05 催办，10分钟内不重复催办"


def test_every_group_whose_members_are_unknown_is_named():
    office = office_user()
    first = DepartmentFactory(name="市直各有关单位", kind="group")
    second = DepartmentFactory(name="各乡镇人民政府", kind="group")
    task = workflow_task(lead=first, co_leads=(second,), status=S.PENDING_REVIEW, due_on=DUE)
    with pytest.raises(TransitionError) as info:
        lifecycle_office.task_assign(task=task, actor=office, as_of=date(2030, 1, 10))
    assert str(info.value).startswith("「市直各有关单位、各乡镇人民政府」的成员单位未知")


def test_the_rating_note_is_kept_up_to_its_limit():
    office = office_user()
    _, unit = department_user(username="unit", department_name="市住房和城乡建设局")
    task = workflow_task(lead=unit, status=S.COMPLETION_REQUESTED, due_on=DUE)
    lifecycle_office.assignment_accept(assignment=lead_of(task), actor=office, rating="good", note="好" * 1200)
    part = lead_of(task)
    assert part.rating_note == "好" * 1000
    assert part.rating == "good" and part.rated_by == office


def test_the_rating_events_name_the_office_the_unit_and_the_rating():
    from tracker.models import Assignment, TaskEvent

    office = office_user()
    _, unit = department_user(username="unit", department_name="市住房和城乡建设局")
    with_note = workflow_task(lead=unit, status=S.COMPLETION_REQUESTED, due_on=DUE)
    without = workflow_task(lead=unit, status=S.COMPLETION_REQUESTED, due_on=DUE, text="推进老旧小区改造，年底前完成。")
    lifecycle_office.assignment_accept(assignment=lead_of(with_note), actor=office, rating="good", note="资料齐全")
    lifecycle_office.assignment_accept(assignment=lead_of(without), actor=office, rating="excellent")
    rated = TaskEvent.objects.filter(action=TaskEvent.Action.RATE).order_by("pk")
    assert [(e.task_id, e.note) for e in rated] == [(with_note.pk, "评价：良好。资料齐全"), (without.pk, "评价：优秀")]
    assert {(e.actor_id, e.assignment_id, e.department_id) for e in rated} == {
        (office.pk, lead_of(with_note).pk, unit.pk), (office.pk, lead_of(without).pk, unit.pk)}
    # A part accepted before ratings existed is corrected from 未评价.
    Assignment.objects.filter(pk=lead_of(without).pk).update(rating="")
    lifecycle_office.assignment_rating_correct(assignment=lead_of(without), actor=office, rating="good",
                                               reason="复核后补评")
    fixed = TaskEvent.objects.get(action=TaskEvent.Action.RATE_CORRECT)
    assert fixed.note == "评价由「未评价」改为「良好」：复核后补评"
    assert (fixed.actor_id, fixed.assignment_id) == (office.pk, lead_of(without).pk)


def test_acceptance_closes_only_the_units_open_periods_by_the_office_at_its_time():
    from datetime import timedelta

    from django.utils import timezone

    from tracker.models import DeadlineOccurrence, TaskEvent

    office = office_user()
    _, unit_a = department_user(username="unit_a", department_name="市住房和城乡建设局")
    _, unit_b = department_user(username="unit_b", department_name="市自然资源局")
    task = workflow_task(lead=unit_a, co_leads=(unit_b,), status=S.COMPLETION_REQUESTED, due_on=DUE)
    part_a, part_b = lead_of(task, unit_a), lead_of(task, unit_b)
    earlier = timezone.now() - timedelta(days=30)
    done = DeadlineOccurrence.objects.create(deadline=task.deadlines.get(), assignment=part_a,
                                             due_on=date(2030, 3, 31), completed_at=earlier)
    lifecycle_office.assignment_accept(assignment=part_a, actor=office, rating="good")
    part_a.refresh_from_db()
    open_a = part_a.occurrences.get(due_on=DUE)
    assert (open_a.completed_at, open_a.completed_by) == (part_a.accepted_at, office)
    done.refresh_from_db()
    assert (done.completed_at, done.completed_by) == (earlier, None)  # a period done earlier keeps its date
    assert not part_b.occurrences.exclude(completed_at=None).exists()  # the co-lead still owes its own
    accept = TaskEvent.objects.get(action=TaskEvent.Action.ACCEPT)
    assert (accept.actor_id, accept.assignment_id) == (office.pk, part_a.pk)
