"""The 督办 cycle per unit: each transition on one unit's part, the task's derived status, who may act, the
audit trail, extensions and urges per unit."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DepartmentFactory
from tests.tracker.workflow import lead_of, manager_user, office_user, workflow_task
from tracker.models import Assignment, DepartmentMembership, ExtensionRequest, Task, TaskEvent, Urge
from tracker.services import lifecycle_office as office_actions
from tracker.services import lifecycle_unit as unit_actions
from tracker.transitions import (
    TransitionError,
    assignment_allowed_actions,
    task_allowed_actions,
    task_status_from,
)

pytestmark = pytest.mark.django_db

S = Task.Status
A = Assignment.Status
REPORT = "已完成项目立项和可研批复，正在开展施工招标。"
DONE = "已全部完成并通过验收，佐证材料见附件。"
AS_OF = date(2030, 1, 10)


def _task(unit, status, **kw):
    return workflow_task(lead=unit[1], status=status, due_on=kw.pop("due_on", date(2030, 6, 30)), **kw)


def _events(task, *, units=True):
    rows = TaskEvent.objects.filter(task=task).order_by("pk")
    if not units:
        rows = rows.filter(assignment__isnull=True, department__isnull=True)
    return list(rows.values_list("action", "from_status", "to_status"))


def _status(task):
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


# --- the derived task status (one rule) ----------------------------------------------------------------


@pytest.mark.parametrize(("leads", "expected"), [
    ([], S.PENDING_REVIEW),
    ([A.PROPOSED, A.PROPOSED], S.PENDING_REVIEW),
    ([A.ASSIGNED], S.ASSIGNED),
    ([A.SIGNED, A.ASSIGNED], S.ASSIGNED),
    ([A.SIGNED, A.IN_PROGRESS], S.SIGNED),
    ([A.IN_PROGRESS, A.COMPLETION_REQUESTED], S.IN_PROGRESS),
    ([A.ACCEPTED, A.IN_PROGRESS], S.IN_PROGRESS),
    ([A.ACCEPTED, A.COMPLETION_REQUESTED], S.COMPLETION_REQUESTED),
    ([A.ACCEPTED, A.ACCEPTED], S.SIGNED_OFF),
    ([A.RETURNED], S.RETURNED),
    ([A.RETURNED, A.RETURNED], S.RETURNED),
    ([A.RETURNED, A.ACCEPTED], S.SIGNED_OFF),
    ([A.RETURNED, A.SIGNED], S.SIGNED),
])
def test_task_status_is_derived_from_the_lead_units(leads, expected):
    assert task_status_from(lead_statuses=leads) == expected


# --- 交办 ---------------------------------------------------------------------------------------------


def test_assign_starts_every_units_part_and_records_the_event(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], support=(unit_b[1],), status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, note="请按时办理")
    task.refresh_from_db()
    assert task.status == S.ASSIGNED and task.assigned_at is not None
    parts = {a.department_id: a for a in task.assignments.all()}
    assert {a.status for a in parts.values()} == {A.ASSIGNED}
    assert all(a.assigned_at == task.assigned_at for a in parts.values())
    # The lead owes the date (one occurrence, its own); the support unit owes none.
    assert list(parts[unit_a[1].pk].occurrences.values_list("due_on", flat=True)) == [date(2030, 6, 30)]
    assert not parts[unit_b[1].pk].occurrences.exists()
    assert parts[unit_a[1].pk].current_due == date(2030, 6, 30) and task.current_due == date(2030, 6, 30)
    event = TaskEvent.objects.get(task=task)
    assert (event.actor, event.action, event.from_status, event.to_status, event.assignment) == (
        office, "assign", S.PENDING_REVIEW, S.ASSIGNED, None)
    assert "牵头：市住房和城乡建设局" in event.note and "配合：市自然资源局" in event.note and "请按时办理" in event.note


def test_assign_refuses_a_task_without_a_lead_unit(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW)
    task.assignments.all().delete()
    with pytest.raises(TransitionError, match="牵头单位"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF)


def test_only_the_office_can_assign(unit_a):
    task = _task(unit_a, S.PENDING_REVIEW)
    for actor in (unit_a[0], manager_user()):
        with pytest.raises(TransitionError, match="只有督查室"):
            office_actions.task_assign(task=task, actor=actor, as_of=AS_OF)
    assert _status(task) == S.PENDING_REVIEW
    assert not TaskEvent.objects.filter(task=task).exists()


def _county_group():
    counties = [DepartmentFactory(name=n, kind="county_government") for n in ("城区人民政府", "矿区人民政府", "郊区人民政府")]
    group = DepartmentFactory(name="各县区人民政府", kind="group")
    group.members.set(counties)
    return group, counties


def test_a_group_becomes_its_members_at_assign_and_never_holds_a_part(office):
    group, counties = _county_group()
    task = workflow_task(lead=group, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF)
    parts = task.assignments.all()
    assert {a.department for a in parts} == set(counties)
    assert {(a.role, a.status) for a in parts} == {(Assignment.Role.LEAD, A.ASSIGNED)}
    assert not Assignment.objects.filter(department__kind="group").exclude(status=A.PROPOSED).exists()
    assert "各县区人民政府展开为：城区人民政府、矿区人民政府、郊区人民政府" in task.events.get().note
    # Each county owes its own date.
    assert all(a.occurrences.count() == 1 for a in parts)


def test_members_unticked_in_the_assign_form_are_not_assigned(office):
    group, (city, mine, suburb) = _county_group()
    task = workflow_task(lead=group, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, units=[(city, "lead"), (suburb, "lead")])
    assert set(task.assignments.values_list("department__name", flat=True)) == {"城区人民政府", "郊区人民政府"}
    assert "城区人民政府、郊区人民政府" in task.events.get().note and "矿区" not in task.events.get().note


def test_a_group_whose_members_are_unknown_waits_for_the_office_to_pick_units(office, unit_a):
    group = DepartmentFactory(name="市直各有关单位", kind="group")
    task = workflow_task(lead=group, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    with pytest.raises(TransitionError, match="「市直各有关单位」的成员单位未知"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF)
    with pytest.raises(TransitionError, match="单位组"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF, units=[(group, "lead")])
    assert _status(task) == S.PENDING_REVIEW
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, units=[(unit_a[1], "lead")])
    assert list(task.assignments.values_list("department", flat=True)) == [unit_a[1].pk]


def test_an_unverified_unit_cannot_be_assigned(office):
    placeholder = DepartmentFactory(name="省属以上企业", verified=False)
    task = workflow_task(lead=placeholder, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    with pytest.raises(TransitionError, match="「省属以上企业」尚未核实"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF)


def test_a_due_date_already_past_needs_a_new_date_or_keeping_it(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW, due_on=date(2020, 10, 31))
    with pytest.raises(TransitionError, match=r"办理时限（2020-10-31）在交办之日已过"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF)
    with pytest.raises(TransitionError, match="不能早于交办当天"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF, due_on=date(2030, 1, 9))
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, due_on=date(2030, 3, 31))
    deadline = task.deadlines.get()
    assert (deadline.due_on, deadline.parsed_due_on, deadline.resolved_by) == (
        date(2030, 3, 31), date(2020, 10, 31), "person")
    assert lead_of(task).current_due == date(2030, 3, 31)
    assert "由 2020-10-31 改为 2030-03-31" in task.events.get().note


def test_keeping_the_past_date_is_an_explicit_choice(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW, due_on=date(2020, 10, 31))
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, keep_due=True)
    assert lead_of(task).current_due == date(2020, 10, 31)
    assert Task.objects.overdue(AS_OF).filter(pk=task.pk).exists()
    assert "按原时限（2020-10-31）交办" in task.events.get().note


@pytest.mark.parametrize(("choice", "expected_text", "expected_due"), [
    ({"due_on": date(2030, 2, 28)}, "2030年02月28日前（交办时指定）", date(2030, 2, 28)),
    ({"open_ended": "ongoing"}, "长期", None),
    ({"open_ended": "clock"}, "按节点时限办结（7日内）", date(2030, 1, 17)),
])
def test_a_task_without_a_date_gets_one_at_assign(office, unit_a, choice, expected_text, expected_due):
    task = _task(unit_a, S.PENDING_REVIEW, due_on=None)
    with pytest.raises(TransitionError, match="没有明确的办理时限"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF)
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, **choice)
    deadline = task.deadlines.get()
    assert (deadline.text, deadline.due_on) == (expected_text, expected_due)
    assert lead_of(task).current_due == expected_due


# --- one unit's part, transition by transition ---------------------------------------------------------


def test_a_lead_unit_signs_its_own_part(unit_a):
    task = _task(unit_a, S.ASSIGNED)
    part = unit_actions.assignment_sign(assignment=lead_of(task), actor=unit_a[0])
    part.refresh_from_db()
    assert part.status == A.SIGNED and part.signed_at is not None
    assert _status(task) == S.SIGNED
    event = TaskEvent.objects.get(task=task)
    assert (event.action, event.from_status, event.to_status, event.assignment, event.department) == (
        "sign", A.ASSIGNED, A.SIGNED, part, unit_a[1])


def test_co_leads_sign_each_for_itself_and_the_task_waits_for_both(unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.ASSIGNED, due_on=date(2030, 6, 30))
    a, b = lead_of(task, unit_a[1]), lead_of(task, unit_b[1])
    with pytest.raises(TransitionError, match="只有本单位"):
        unit_actions.assignment_sign(assignment=b, actor=unit_a[0])  # never for a co-lead
    unit_actions.assignment_sign(assignment=a, actor=unit_a[0])
    assert _status(task) == S.ASSIGNED
    b.refresh_from_db()
    assert b.status == A.ASSIGNED and b.signed_at is None
    unit_actions.assignment_sign(assignment=b, actor=unit_b[0])
    assert _status(task) == S.SIGNED


def test_a_support_unit_signs_and_reports_its_input_but_never_asks_for_completion(unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], support=(unit_b[1],), status=S.ASSIGNED, due_on=date(2030, 6, 30))
    support = task.assignments.get(role="support")
    unit_actions.assignment_sign(assignment=support, actor=unit_b[0])
    report = unit_actions.progress_report_create(assignment=support, actor=unit_b[0], text=REPORT, percent=20)
    assert (report.department, report.assignment) == (unit_b[1], support)
    assert _status(task) == S.ASSIGNED  # the lead unit has not signed: support parts do not move the task
    with pytest.raises(TransitionError, match="配合单位不能「申请办结」"):
        unit_actions.assignment_completion_request(assignment=support, actor=unit_b[0], text=DONE)
    with pytest.raises(TransitionError, match="配合单位不能「申请延期」"):
        unit_actions.extension_request_create(assignment=support, actor=unit_b[0], reason="配合工作需要更多时间。",
                                              requested_due_on=date(2030, 9, 30), current_progress="已完成二成",
                                              as_of=AS_OF)


def test_another_units_user_cannot_act_on_a_part(unit_a, unit_b):
    task = _task(unit_a, S.ASSIGNED)
    for call in (lambda: unit_actions.assignment_sign(assignment=lead_of(task), actor=unit_b[0]),
                 lambda: unit_actions.assignment_return(assignment=lead_of(task), actor=unit_b[0],
                                                        reason="不属于本单位职责")):
        with pytest.raises(TransitionError, match="只有本单位"):
            call()
    assert not TaskEvent.objects.filter(task=task).exists()


def test_return_needs_a_reason_then_the_office_reroutes_the_part(office, unit_a, unit_b):
    task = _task(unit_a, S.ASSIGNED)
    part = lead_of(task)
    with pytest.raises(TransitionError, match="退回理由"):
        unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="  ")
    unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="该事项属于自然资源部门职责")
    assert _status(task) == S.RETURNED
    part.refresh_from_db()
    assert part.status == A.RETURNED and part.returned_at is not None
    [moved] = office_actions.assignment_reassign(assignment=part, actor=office, departments=[unit_b[1]], as_of=AS_OF)
    assert (moved.department, moved.role, moved.status) == (unit_b[1], "lead", A.ASSIGNED)
    moved.refresh_from_db()
    assert moved.occurrences.count() == 1 and moved.current_due == date(2030, 6, 30)
    assert not Assignment.objects.filter(pk=part.pk).exists()
    assert _status(task) == S.ASSIGNED
    actions = [e[0] for e in _events(task)]
    assert actions == ["return", "status", "reassign", "reassign", "status"]
    assert "市住房和城乡建设局退回的部分改由市自然资源局承办" in TaskEvent.objects.filter(action="reassign").first().note
    unit_actions.assignment_sign(assignment=moved, actor=unit_b[0])  # the new lead can now sign


def test_the_office_may_send_a_returned_part_back_to_the_same_unit(office, unit_a):
    task = _task(unit_a, S.ASSIGNED)
    part = lead_of(task)
    unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="材料不全无法办理")
    [same] = office_actions.assignment_reassign(assignment=part, actor=office, departments=[unit_a[1]], as_of=AS_OF)
    assert same.pk == part.pk and same.status == A.ASSIGNED and same.returned_at is None
    assert _status(task) == S.ASSIGNED


def test_a_returned_support_part_may_be_dropped_but_the_last_lead_may_not(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], support=(unit_b[1],), status=S.ASSIGNED, due_on=date(2030, 6, 30))
    support = task.assignments.get(role="support")
    unit_actions.assignment_return(assignment=support, actor=unit_b[0], reason="本单位不涉及该项工作")
    assert _status(task) == S.ASSIGNED  # a support part handed back does not hold the task
    assert office_actions.assignment_reassign(assignment=support, actor=office, departments=[], as_of=AS_OF) == []
    assert list(task.assignments.values_list("department", flat=True)) == [unit_a[1].pk]
    lead = lead_of(task)
    unit_actions.assignment_return(assignment=lead, actor=unit_a[0], reason="该事项属于其他部门职责")
    with pytest.raises(TransitionError, match="至少有一个牵头单位"):
        office_actions.assignment_reassign(assignment=lead, actor=office, departments=[], as_of=AS_OF)


def test_first_report_moves_signed_to_in_progress_and_sets_the_units_percent(unit_a):
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    report = unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text=REPORT, percent=30)
    part.refresh_from_db()
    assert (part.status, part.progress_percent, part.first_report_at) == (A.IN_PROGRESS, 30, report.created_at)
    assert _status(task) == S.IN_PROGRESS
    first = part.first_report_at
    unit_actions.progress_report_create(assignment=part, actor=unit_a[0],
                                        text="施工招标已完成，已进场施工，完成总量的一半。", percent=50)
    part.refresh_from_db()
    assert (part.status, part.progress_percent, part.first_report_at) == (A.IN_PROGRESS, 50, first)


@pytest.mark.parametrize("text", ["", "无", "正在推进", "正在推进中。", "推进中！！", "暂无", "同上", "好的，在办"])
def test_empty_or_boilerplate_reports_are_refused(unit_a, text):
    task = _task(unit_a, S.SIGNED)
    with pytest.raises(TransitionError):
        unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=text, percent=10)
    assert lead_of(task).status == A.SIGNED


def test_a_report_identical_to_the_units_previous_one_is_refused(unit_a):
    task = _task(unit_a, S.SIGNED)
    unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=10)
    with pytest.raises(TransitionError, match="上次"):
        unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT + " ", percent=20)


@pytest.mark.parametrize("percent", [-1, 101, 120])
def test_percent_outside_0_100_is_refused(unit_a, percent):
    task = _task(unit_a, S.SIGNED)
    with pytest.raises(TransitionError, match="0 到 100"):
        unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=percent)


@pytest.mark.parametrize("percent", [0, 100])
def test_percent_bounds_are_accepted(unit_a, percent):
    task = _task(unit_a, S.SIGNED)
    unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=percent)
    assert lead_of(task).progress_percent == percent


def test_report_before_signing_is_refused(unit_a):
    task = _task(unit_a, S.ASSIGNED)
    with pytest.raises(TransitionError, match="当前状态「已交办」不能执行「反馈进展」"):
        unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=10)


def test_report_attachments_are_stored_and_checked(unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = _task(unit_a, S.SIGNED)
    report = unit_actions.progress_report_create(
        assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=10,
        files=[SimpleUploadedFile("进展照片.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")])
    attachment = report.attachments.get()
    assert attachment.original_name == "进展照片.jpg" and attachment.size == 8
    assert (tmp_path / attachment.file.name).is_file()
    with pytest.raises(TransitionError, match="不允许上传"):
        unit_actions.progress_report_create(
            assignment=lead_of(task), actor=unit_a[0], text="第二次反馈：主体工程完成三成。", percent=30,
            files=[SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")])
    assert task.progress_reports.count() == 1  # the refused report rolled back entirely


def test_the_attachments_of_one_report_together_have_a_limit(unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES, settings.UPLOAD_REPORT_MAX_BYTES = 1024 * 1024, 2 * 1024 * 1024
    task = _task(unit_a, S.SIGNED)
    files = [SimpleUploadedFile(f"照片{i}.jpg", b"x" * (900 * 1024), content_type="image/jpeg") for i in range(3)]
    with pytest.raises(TransitionError, match=r"本次反馈的附件合计 2\.6 MB，超过每次反馈 2 MB 的上限"):
        unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=10,
                                            files=files)
    assert not task.progress_reports.exists() and not list(tmp_path.rglob("*.jpg"))
    for upload in files:
        upload.seek(0)
    unit_actions.progress_report_create(assignment=lead_of(task), actor=unit_a[0], text=REPORT, percent=10,
                                        files=files[:2])
    assert task.progress_reports.get().attachments.count() == 2


# --- completion, acceptance, 销号, 退办 -----------------------------------------------------------------


def test_completion_request_then_acceptance_signs_off_a_single_lead_task(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    part = lead_of(task)
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE)
    part.refresh_from_db()
    assert (part.status, part.progress_percent) == (A.COMPLETION_REQUESTED, 100)
    assert part.completion_requested_at is not None and _status(task) == S.COMPLETION_REQUESTED
    office_actions.assignment_accept(assignment=part, actor=office, rating="good")
    part.refresh_from_db()
    task.refresh_from_db()
    assert part.status == A.ACCEPTED and part.accepted_at is not None and part.rating == "good"
    assert task.status == S.SIGNED_OFF and task.signed_off_at is not None
    assert _events(task) == [
        ("completion_request", A.IN_PROGRESS, A.COMPLETION_REQUESTED),
        ("accept", A.COMPLETION_REQUESTED, A.ACCEPTED),
        ("rate", A.ACCEPTED, A.ACCEPTED),  # the rating follows the acceptance, before the task's 销号
        ("sign_off", S.COMPLETION_REQUESTED, S.SIGNED_OFF),
    ]


def test_co_leads_are_accepted_one_by_one_and_the_task_is_signed_off_with_the_last(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), support=(DepartmentFactory(name="市财政局"),),
                         status=S.COMPLETION_REQUESTED, due_on=date(2030, 6, 30))
    a, b = lead_of(task, unit_a[1]), lead_of(task, unit_b[1])
    office_actions.assignment_accept(assignment=a, actor=office, rating="good")
    assert _status(task) == S.COMPLETION_REQUESTED  # 1/2 单位已办结
    assert task.assignments.get(role="support").status == A.IN_PROGRESS
    office_actions.assignment_accept(assignment=b, actor=office, rating="good")
    task.refresh_from_db()
    assert task.status == S.SIGNED_OFF
    support = task.assignments.get(role="support")
    assert (support.status, support.accepted_at) == (A.ACCEPTED, task.signed_off_at)  # closed with the task


def test_one_co_lead_accepted_and_the_other_sent_back(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.COMPLETION_REQUESTED,
                         due_on=date(2030, 6, 30))
    a, b = lead_of(task, unit_a[1]), lead_of(task, unit_b[1])
    office_actions.assignment_accept(assignment=a, actor=office, rating="good", note="材料齐全")
    office_actions.assignment_send_back(assignment=b, actor=office, reason="缺少验收报告，请补充")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.completion_requested_at) == (A.ACCEPTED, A.IN_PROGRESS, None)
    assert _status(task) == S.IN_PROGRESS


def test_sign_off_all_at_once_needs_a_note_and_every_lead_to_have_asked(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.IN_PROGRESS, due_on=date(2030, 6, 30))
    a, b = lead_of(task, unit_a[1]), lead_of(task, unit_b[1])
    unit_actions.assignment_completion_request(assignment=a, actor=unit_a[0], text=DONE)
    with pytest.raises(TransitionError, match="当前状态「办理中」不能执行「销号」"):
        office_actions.task_sign_off(task=task, actor=office, note="同意销号", ratings={a.pk: "good", b.pk: "good"})
    unit_actions.assignment_completion_request(assignment=b, actor=unit_b[0], text=DONE)
    with pytest.raises(TransitionError, match="销号意见"):
        office_actions.task_sign_off(task=task, actor=office, note=" ", ratings={a.pk: "good", b.pk: "good"})
    office_actions.task_sign_off(task=task, actor=office, note="两单位均已完成，同意销号",
                                 ratings={a.pk: "good", b.pk: "excellent"})
    assert _status(task) == S.SIGNED_OFF
    accepts = TaskEvent.objects.filter(task=task, action="accept")
    assert {e.department_id for e in accepts} == {unit_a[1].pk, unit_b[1].pk}
    assert {e.note for e in accepts} == {"两单位均已完成，同意销号"}


def test_sign_off_all_refuses_while_a_lead_has_not_asked(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.IN_PROGRESS, due_on=date(2030, 6, 30))
    unit_actions.assignment_completion_request(assignment=lead_of(task, unit_a[1]), actor=unit_a[0], text=DONE)
    office_actions.assignment_accept(assignment=lead_of(task, unit_a[1]), actor=office, rating="good")
    Task.objects.filter(pk=task.pk).update(status=S.COMPLETION_REQUESTED)  # as if the check were at the task level
    task.refresh_from_db()
    with pytest.raises(TransitionError, match="「市自然资源局」尚未申请办结"):
        office_actions.task_sign_off(task=task, actor=office, note="同意销号", ratings={})


def test_completion_request_needs_evidence_text(unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    with pytest.raises(TransitionError, match="办结情况说明"):
        unit_actions.assignment_completion_request(assignment=lead_of(task), actor=unit_a[0], text="完成")


def test_send_back_needs_a_reason(office, unit_a):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    with pytest.raises(TransitionError, match="退办理由"):
        office_actions.assignment_send_back(assignment=lead_of(task), actor=office, reason="  ")
    office_actions.assignment_send_back(assignment=lead_of(task), actor=office, reason="佐证材料不全，请补充验收报告")
    assert _events(task) == [("send_back", A.COMPLETION_REQUESTED, A.IN_PROGRESS)]
    assert _status(task) == S.IN_PROGRESS


def test_send_back_restores_the_units_last_reported_percent(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text=REPORT, percent=70)
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE)
    assert lead_of(task).progress_percent == 100
    office_actions.assignment_send_back(assignment=part, actor=office, reason="佐证材料不全，请补充验收报告")
    assert lead_of(task).progress_percent == 70


# --- illegal transitions ----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "call"), [
    (S.ASSIGNED, "accept"),
    (S.SIGNED_OFF, "send_back"),
    (S.SIGNED, "completion"),
    (S.SIGNED_OFF, "urge"),
    (S.RETURNED, "sign"),
    (S.IN_PROGRESS, "sign"),
    (S.COMPLETION_REQUESTED, "report"),
    (S.ASSIGNED, "reassign"),
])
def test_illegal_transitions_raise_with_a_chinese_message(office, unit_a, status, call):
    task = _task(unit_a, status)
    part = lead_of(task)
    calls = {
        "accept": lambda: office_actions.assignment_accept(assignment=part, actor=office, rating="good"),
        "send_back": lambda: office_actions.assignment_send_back(assignment=part, actor=office, reason="材料不全请补充"),
        "completion": lambda: unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE),
        "urge": lambda: office_actions.task_urge(task=task, actor=office, assignment=part),
        "sign": lambda: unit_actions.assignment_sign(assignment=part, actor=unit_a[0]),
        "report": lambda: unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text=REPORT,
                                                              percent=50),
        "reassign": lambda: office_actions.assignment_reassign(assignment=part, actor=office,
                                                               departments=[unit_a[1]], as_of=AS_OF),
    }
    with pytest.raises(TransitionError) as info:
        calls[call]()
    assert str(info.value).startswith(f"市住房和城乡建设局当前状态「{part.get_status_display()}」不能执行")
    assert (lead_of(task).status, _status(task)) == (part.status, status)
    assert not TaskEvent.objects.filter(task=task).exists()


def test_assign_twice_is_refused(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    with pytest.raises(TransitionError, match="^当前状态「办理中」不能执行「交办」$"):
        office_actions.task_assign(task=task, actor=office, as_of=AS_OF)


def test_units_cannot_judge_completion_and_the_office_not_its_own_unit(office, unit_a):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    for actor in (unit_a[0], manager_user()):
        with pytest.raises(TransitionError, match="只有督查室"):
            office_actions.assignment_accept(assignment=lead_of(task), actor=actor, rating="good")
        with pytest.raises(TransitionError, match="只有督查室"):
            office_actions.assignment_send_back(assignment=lead_of(task), actor=actor, reason="自己退回自己的")
    DepartmentMembership.objects.create(user=office, department=unit_a[1])
    for call in (lambda: office_actions.assignment_accept(assignment=lead_of(task), actor=office, rating="good"),
                 lambda: office_actions.assignment_send_back(assignment=lead_of(task), actor=office,
                                                             reason="材料不全请补充")):
        with pytest.raises(TransitionError, match="本单位"):
            call()
    assert "accept" not in assignment_allowed_actions(assignment=lead_of(task), actor=office)
    assert "sign_off" not in task_allowed_actions(task=task, actor=office)
    assert _status(task) == S.COMPLETION_REQUESTED


def test_an_inactive_user_may_do_nothing(unit_a, office):
    task = _task(unit_a, S.ASSIGNED)
    for user in (unit_a[0], office):
        user.is_active = False
        user.save(update_fields=["is_active"])
    assert assignment_allowed_actions(assignment=lead_of(task), actor=unit_a[0]) == set()
    assert task_allowed_actions(task=task, actor=office) == set()
    with pytest.raises(TransitionError):
        unit_actions.assignment_sign(assignment=lead_of(task), actor=unit_a[0])


@pytest.mark.parametrize(("status", "unit_actions_allowed", "office_actions_allowed"), [
    (S.ASSIGNED, {"sign", "return", "urge_reply"}, {"urge", "extension_decide"}),
    (S.SIGNED, {"report", "extension_request", "urge_reply"}, {"urge", "extension_decide"}),
    (S.IN_PROGRESS, {"report", "extension_request", "completion_request", "urge_reply"},
     {"urge", "extension_decide"}),
    (S.COMPLETION_REQUESTED, {"urge_reply"}, {"accept", "send_back", "extension_decide"}),
    (S.SIGNED_OFF, set(), {"rate"}),  # 修改评价
    (S.RETURNED, set(), {"reassign"}),
])
def test_allowed_actions_follow_the_units_status_and_role(office, unit_a, unit_b, status, unit_actions_allowed,
                                                          office_actions_allowed):
    task = _task(unit_a, status)
    part = lead_of(task)
    assert assignment_allowed_actions(assignment=part, actor=unit_a[0]) == unit_actions_allowed
    assert assignment_allowed_actions(assignment=part, actor=office) == office_actions_allowed
    assert assignment_allowed_actions(assignment=part, actor=unit_b[0]) == set()
    assert assignment_allowed_actions(assignment=part, actor=manager_user()) == set()


# --- extensions, per unit --------------------------------------------------------------------------------


def _extension(part, unit, new=date(2024, 9, 30), as_of=date(2024, 6, 1)):
    return unit_actions.extension_request_create(
        assignment=part, actor=unit[0], reason="受汛期影响，施工无法按期进行。", requested_due_on=new,
        current_progress="主体工程完成60%", as_of=as_of)


def test_extension_request_only_before_the_units_due_date(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    with pytest.raises(TransitionError, match="已过"):
        _extension(lead_of(task), unit_a, as_of=date(2024, 7, 1))
    request = _extension(lead_of(task), unit_a, as_of=date(2024, 6, 30))
    assert (request.status, request.original_due_on, request.department) == (
        ExtensionRequest.Status.PENDING, date(2024, 6, 30), unit_a[1])
    assert request.assignment == lead_of(task)


def test_extension_request_needs_a_later_date_and_one_at_a_time(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    with pytest.raises(TransitionError, match="晚于"):
        _extension(lead_of(task), unit_a, new=date(2024, 6, 30))
    _extension(lead_of(task), unit_a, new=date(2024, 8, 31))
    with pytest.raises(TransitionError, match="待审批"):
        _extension(lead_of(task), unit_a)


def test_extension_request_on_an_undated_task_is_refused(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=None)
    with pytest.raises(TransitionError, match="没有明确的办理时限"):
        _extension(lead_of(task), unit_a)


def test_an_extension_granted_to_one_unit_moves_that_units_date_only(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(lead_of(task, unit_a[1]), unit_a)
    office_actions.extension_decide(extension=request, actor=office, approve=True, note="同意")
    a, b = lead_of(task, unit_a[1]), lead_of(task, unit_b[1])
    assert (a.current_due, b.current_due) == (date(2024, 9, 30), date(2024, 6, 30))
    occurrence = a.occurrences.get()
    assert (occurrence.due_on, occurrence.original_due_on) == (date(2024, 9, 30), date(2024, 6, 30))
    assert task.deadlines.get().due_on == date(2024, 6, 30)  # the task's stated date stays
    overdue = set(Assignment.objects.overdue(date(2024, 7, 1)).values_list("department_id", flat=True))
    assert overdue == {unit_b[1].pk}
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ExtensionRequest.Status.APPROVED, office)
    events = [(e[0]) for e in _events(task)]
    assert events == ["extension_request", "extension_approve"]
    # A second extension keeps the very first date.
    second = _extension(lead_of(task, unit_a[1]), unit_a, new=date(2024, 10, 31), as_of=date(2024, 9, 1))
    office_actions.extension_decide(extension=second, actor=office, approve=True)
    occurrence.refresh_from_db()
    assert (occurrence.due_on, occurrence.original_due_on) == (date(2024, 10, 31), date(2024, 6, 30))


def test_rejected_extension_leaves_the_date(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(lead_of(task), unit_a)
    with pytest.raises(TransitionError, match="驳回理由"):
        office_actions.extension_decide(extension=request, actor=office, approve=False)
    office_actions.extension_decide(extension=request, actor=office, approve=False, note="理由不充分")
    assert lead_of(task).current_due == date(2024, 6, 30)
    assert lead_of(task).occurrences.get().original_due_on is None
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REJECTED
    with pytest.raises(TransitionError, match="不能重复审批"):
        office_actions.extension_decide(extension=request, actor=office, approve=True)


def test_a_unit_cannot_approve_its_own_extension(office, unit_a, unit_b):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(lead_of(task), unit_a)
    for actor in (unit_a[0], unit_b[0], manager_user()):
        with pytest.raises(TransitionError):
            office_actions.extension_decide(extension=request, actor=actor, approve=True)
    DepartmentMembership.objects.create(user=office, department=unit_a[1])
    with pytest.raises(TransitionError, match="本单位"):
        office_actions.extension_decide(extension=request, actor=office, approve=True)
    assert lead_of(task).current_due == date(2024, 6, 30)


# --- 催办, per unit ------------------------------------------------------------------------------------


def test_urge_records_one_urge_per_owing_lead_and_emails_only_that_unit(
    office, unit_a, unit_b, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_SEND_WINDOW = False  # an urge goes out at once, except in quiet hours
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.SIGNED, due_on=date(2030, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        [urge] = office_actions.task_urge(task=task, actor=office, note="请于本周内报送进展",
                                          assignment=lead_of(task, unit_a[1]))
    assert (urge.urged_by, urge.assignment) == (office, lead_of(task, unit_a[1]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "催办" in message.subject and message.to == ["unit_a-unit@example.gov.cn"]
    assert "请于本周内报送进展" in message.body and f"/portal/tasks/{task.pk}/" in message.body
    assert _events(task) == [("urge", A.SIGNED, A.SIGNED)]
    assert TaskEvent.objects.get(task=task).department == unit_a[1]


def test_urging_the_task_urges_each_lead_unit_still_owing(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.IN_PROGRESS, due_on=date(2030, 6, 30))
    unit_actions.assignment_completion_request(assignment=lead_of(task, unit_a[1]), actor=unit_a[0], text=DONE)
    urges = office_actions.task_urge(task=task, actor=office)
    assert [u.assignment.department for u in urges] == [unit_b[1]]  # 申请办结 is the office's turn


def test_a_repeated_urge_within_ten_minutes_is_refused_and_records_nothing(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    first = office_actions.task_urge(task=task, actor=office)[0]
    with pytest.raises(TransitionError, match="10分钟内不重复催办"):
        office_actions.task_urge(task=task, actor=office)
    with pytest.raises(TransitionError, match="10分钟内不重复催办"):
        office_actions.task_urge(task=task, actor=office_user(username="office2"), assignment=lead_of(task))
    assert Urge.objects.filter(task=task).count() == 1
    later = office_actions.task_urge(task=task, actor=office, now=first.created_at + timedelta(minutes=11))
    assert len(later) == 1 and Urge.objects.filter(task=task).count() == 2


def test_urge_is_office_only(unit_a):
    task = _task(unit_a, S.SIGNED)
    with pytest.raises(TransitionError, match="只有督查室"):
        office_actions.task_urge(task=task, actor=unit_a[0])


def test_the_urged_unit_replies_once_and_a_co_lead_cannot(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.SIGNED, due_on=date(2030, 6, 30))
    [urge] = office_actions.task_urge(task=task, actor=office, assignment=lead_of(task, unit_a[1]))
    with pytest.raises(TransitionError, match="只有本单位"):
        unit_actions.urge_reply(urge=urge, actor=unit_b[0], reply="不是催我们单位的。")
    unit_actions.urge_reply(urge=urge, actor=unit_a[0], reply="已安排专人负责，周五前报送。")
    urge.refresh_from_db()
    assert urge.reply == "已安排专人负责，周五前报送。" and urge.replied_at is not None
    with pytest.raises(TransitionError, match="已答复"):
        unit_actions.urge_reply(urge=urge, actor=unit_a[0], reply="再次答复内容如下。")


# --- the audit trail ------------------------------------------------------------------------------------


def test_full_cycle_event_trail(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW, due_on=date(2030, 1, 31))
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF)
    part = lead_of(task)
    unit_actions.assignment_sign(assignment=part, actor=unit_a[0])
    unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text=REPORT, percent=50)
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE)
    office_actions.assignment_send_back(assignment=part, actor=office, reason="缺少验收报告")
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text="已补充竣工验收报告及现场照片。")
    office_actions.assignment_accept(assignment=part, actor=office, rating="good")
    assert _events(task) == [
        ("assign", S.PENDING_REVIEW, S.ASSIGNED),
        ("sign", A.ASSIGNED, A.SIGNED),
        ("report", A.SIGNED, A.IN_PROGRESS),
        ("completion_request", A.IN_PROGRESS, A.COMPLETION_REQUESTED),
        ("send_back", A.COMPLETION_REQUESTED, A.IN_PROGRESS),
        ("completion_request", A.IN_PROGRESS, A.COMPLETION_REQUESTED),
        ("accept", A.COMPLETION_REQUESTED, A.ACCEPTED),
        ("rate", A.ACCEPTED, A.ACCEPTED),
        ("sign_off", S.COMPLETION_REQUESTED, S.SIGNED_OFF),
    ]
    labels = [e.status_labels() for e in TaskEvent.objects.filter(task=task).order_by("pk")]
    assert labels[0] == ("待审核", "已交办") and labels[-3] == ("申请办结", "已办结") and labels[-1] == ("申请办结", "已销号")


@pytest.mark.parametrize(("status", "expected"), [
    (S.PENDING_REVIEW, {"assign"}),
    (S.ASSIGNED, {"urge"}),
    (S.IN_PROGRESS, {"urge"}),
    (S.COMPLETION_REQUESTED, {"sign_off"}),  # nobody owes the work: nothing to urge
    (S.SIGNED_OFF, set()),
    (S.RETURNED, set()),
])
def test_task_level_actions_follow_the_derived_status(office, unit_a, status, expected):
    task = _task(unit_a, status)
    assert task_allowed_actions(task=task, actor=office) == expected
    assert task_allowed_actions(task=task, actor=unit_a[0]) == set()
    assert task_allowed_actions(task=task, actor=manager_user()) == set()
