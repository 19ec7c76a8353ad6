"""立项: a task without a directive, from a 批示, a meeting or another source, through the same cycle."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DepartmentFactory
from tests.tracker.workflow import department_user, manager_user, office_user
from tracker.models import Assignment, Attachment, Task, TaskEvent
from tracker.permissions import attachment_visible_to, task_visible_to
from tracker.services.lifecycle_unit import assignment_sign
from tracker.services.register import task_register
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 10)


@pytest.fixture
def office():
    return office_user()


def _register(office, **overrides):
    values = {
        "actor": office, "as_of": AS_OF, "source_kind": Task.SourceKind.MEETING,
        "source_ref": "会议纪要〔2026〕12号", "instructed_by": "王市长", "instructed_on": date(2026, 3, 2),
        "text": "加快推进城区老旧小区改造，年内完成供热管网改造30公里。", "leads": [DepartmentFactory(name="市住房和城乡建设局")],
        "supports": [DepartmentFactory(name="市财政局")], "deadline_text": "6月底前",
    }
    return task_register(**{**values, **overrides})


def test_register_creates_a_draft_without_directive_with_its_source_units_and_parsed_deadline(office):
    leader = manager_user()
    task = _register(office, leader=leader, category=Task.Category.MAJOR)
    assert task.directive is None and task.status == Task.Status.PENDING_REVIEW
    assert (task.source_kind, task.source_ref, task.instructed_by, task.instructed_on) == (
        "meeting", "会议纪要〔2026〕12号", "王市长", date(2026, 3, 2))
    assert task.leader == leader and task.category == "major" and task.origin == Task.Origin.MANUAL
    assert task.title == task.text[:200] and task.confirmed_by == office
    assert sorted(task.assignments.values_list("department__name", "role", "status")) == [
        ("市住房和城乡建设局", "lead", "proposed"), ("市财政局", "support", "proposed")]
    # "6月底前" counts from the meeting's date.
    assert list(task.deadlines.values_list("text", "due_on")) == [("6月底前", date(2026, 6, 30))]
    assert task.current_due == date(2026, 6, 30)
    assert task.source_number == "会议纪要〔2026〕12号"
    assert task.source_label == "会议纪要 · 会议纪要〔2026〕12号 · 王市长 2026-03-02"
    notes = list(TaskEvent.objects.filter(task=task).values_list("action", "note"))
    assert notes[0] == ("register", "立项（会议纪要 · 会议纪要〔2026〕12号 · 王市长 2026-03-02）；"
                                    "牵头：市住房和城乡建设局；配合：市财政局")
    assert notes[1] == ("deadline_add", "增加时限：「6月底前」（2026-06-30）")


def test_register_and_assign_at_once_goes_through_the_assign_checks_and_the_units_work_on_it(office):
    user, unit = department_user(username="zjj", department_name="市住建局")
    task = _register(office, leads=[unit], supports=[], assign=True)
    assert task.status == Task.Status.ASSIGNED
    part = task.assignments.get()
    assert part.status == Assignment.Status.ASSIGNED and part.directive_id is None
    assert part.current_due == date(2026, 6, 30) and part.occurrences.count() == 1
    assert task in task_visible_to(user=user)
    assignment_sign(assignment=part, actor=user)
    assert Task.objects.get(pk=task.pk).status == Task.Status.SIGNED


def test_register_and_assign_refuses_a_past_date_and_writes_nothing(office):
    with pytest.raises(TransitionError, match="在交办之日已过"):
        _register(office, deadline_text="", due_on=date(2026, 3, 1), assign=True)
    assert not Task.objects.exists() and not TaskEvent.objects.exists()
    task = _register(office, deadline_text="", due_on=date(2026, 3, 1), assign=True, keep_due=True)
    assert task.status == Task.Status.ASSIGNED


def test_register_without_a_deadline_and_assign_needs_ongoing_or_the_clock(office):
    with pytest.raises(TransitionError, match="没有明确的办理时限"):
        _register(office, deadline_text="", assign=True)
    task = _register(office, deadline_text="", assign=True, open_ended="ongoing")
    assert task.deadlines.get().recurrence == "ongoing"


def test_register_keeps_the_attachment_for_those_who_may_see_the_task(office):
    user, unit = department_user(username="zjj", department_name="市住建局")
    outsider, _ = department_user(username="other", department_name="市林业局")
    task = _register(office, leads=[unit], assign=True, files=[
        SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")])
    attachment = Attachment.objects.get(task=task)
    assert attachment.report is None and attachment.original_name == "会议纪要.pdf"
    assert attachment in attachment_visible_to(user=user)
    assert attachment not in attachment_visible_to(user=outsider)


def test_register_refuses_a_disallowed_attachment_and_writes_nothing(office):
    with pytest.raises(TransitionError, match="不允许上传该类型的文件"):
        _register(office, files=[SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")])
    assert not Task.objects.exists()


@pytest.mark.parametrize("change, message", [
    ({"source_kind": Task.SourceKind.DIRECTIVE}, "请选择督办事项的来源"),
    ({"leads": []}, "牵头"),
    ({"text": "改"}, "任务内容过于简单"),
    ({"instructed_on": date(2026, 4, 1)}, "不能晚于今天"),
])
def test_register_refuses_bad_input(office, change, message):
    with pytest.raises(TransitionError, match=message):
        _register(office, **change)
    assert not Task.objects.exists()


def test_only_a_manager_can_be_the_leader_and_only_the_office_registers(office):
    user, _ = department_user(username="zjj")
    with pytest.raises(TransitionError, match="不是领导"):
        _register(office, leader=user)
    for actor in (user, manager_user()):
        with pytest.raises(TransitionError, match="只有督查室可以立项"):
            _register(office, actor=actor)
    assert not Task.objects.exists()
