from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.tracker.workflow import department_user, manager_user, office_user, workflow_task
from tracker.models import Assignment, ExtensionRequest, Task, TaskEvent, Urge
from tracker.services import lifecycle
from tracker.services.lifecycle import TransitionError

pytestmark = pytest.mark.django_db

S = Task.Status
REPORT = "已完成项目立项和可研批复，正在开展施工招标。"


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def unit_a():
    return department_user(username="unit_a", department_name="市住房和城乡建设局")


@pytest.fixture
def unit_b():
    return department_user(username="unit_b", department_name="市自然资源局")


def _task(unit, status, **kw):
    return workflow_task(lead=unit[1], status=status, due_on=kw.pop("due_on", date(2030, 6, 30)), **kw)


def _events(task):
    return list(TaskEvent.objects.filter(task=task).order_by("pk").values_list(
        "action", "from_status", "to_status"))


# --- the happy path, transition by transition -------------------------------------------------


def test_assign_moves_pending_review_to_assigned_and_records_actor(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW)
    lifecycle.task_assign(task=task, actor=office, note="请按时办理")
    task.refresh_from_db()
    assert task.status == S.ASSIGNED
    assert task.assigned_at is not None
    event = TaskEvent.objects.get(task=task)
    assert (event.actor, event.action, event.from_status, event.to_status, event.note) == (
        office, "assign", S.PENDING_REVIEW, S.ASSIGNED, "请按时办理")


def test_assign_refuses_a_task_without_a_lead_department(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW)
    task.assignments.all().delete()
    with pytest.raises(TransitionError, match="牵头单位"):
        lifecycle.task_assign(task=task, actor=office)


def test_only_the_office_can_assign(unit_a):
    task = _task(unit_a, S.PENDING_REVIEW)
    with pytest.raises(TransitionError, match="只有督查室"):
        lifecycle.task_assign(task=task, actor=unit_a[0])
    with pytest.raises(TransitionError):
        lifecycle.task_assign(task=task, actor=manager_user())
    assert Task.objects.get(pk=task.pk).status == S.PENDING_REVIEW
    assert not TaskEvent.objects.filter(task=task).exists()


def test_lead_department_signs(unit_a):
    task = _task(unit_a, S.ASSIGNED)
    lifecycle.task_sign(task=task, actor=unit_a[0])
    task.refresh_from_db()
    assert task.status == S.SIGNED and task.signed_at is not None
    assert _events(task) == [("sign", S.ASSIGNED, S.SIGNED)]


def test_support_department_cannot_sign_but_can_report(unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], support=(unit_b[1],), status=S.ASSIGNED, due_on=date(2030, 6, 30))
    with pytest.raises(TransitionError, match="牵头单位"):
        lifecycle.task_sign(task=task, actor=unit_b[0])
    lifecycle.task_sign(task=task, actor=unit_a[0])
    report = lifecycle.progress_report_create(task=task, actor=unit_b[0], text=REPORT, percent=20)
    assert report.department == unit_b[1]


def test_other_department_cannot_sign(unit_a, unit_b):
    task = _task(unit_a, S.ASSIGNED)
    with pytest.raises(TransitionError):
        lifecycle.task_sign(task=task, actor=unit_b[0])


def test_return_needs_a_reason_and_office_reassigns_to_other_departments(office, unit_a, unit_b):
    task = _task(unit_a, S.ASSIGNED)
    with pytest.raises(TransitionError, match="退回理由"):
        lifecycle.task_return(task=task, actor=unit_a[0], reason="  ")
    lifecycle.task_return(task=task, actor=unit_a[0], reason="该事项属于自然资源部门职责")
    task.refresh_from_db()
    assert task.status == S.RETURNED
    lifecycle.task_reassign(task=task, actor=office, lead_departments=[unit_b[1]], support_departments=[unit_a[1]])
    task.refresh_from_db()
    assert task.status == S.ASSIGNED
    roles = dict(task.assignments.values_list("department_id", "role"))
    assert roles == {unit_b[1].pk: Assignment.Role.LEAD, unit_a[1].pk: Assignment.Role.SUPPORT}
    assert [e[0] for e in _events(task)] == ["return", "reassign"]
    assert "市住房和城乡建设局" in TaskEvent.objects.get(task=task, action="reassign").note
    lifecycle.task_sign(task=task, actor=unit_b[0])  # the new lead can now sign


def test_first_report_moves_signed_to_in_progress_and_sets_percent(unit_a):
    task = _task(unit_a, S.SIGNED)
    report = lifecycle.progress_report_create(task=task, actor=unit_a[0], text=REPORT, percent=30)
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS
    assert task.progress_percent == 30
    assert task.first_report_at == report.created_at
    first = task.first_report_at
    lifecycle.progress_report_create(task=task, actor=unit_a[0], text="施工招标已完成，已进场施工，完成总量的一半。",
                                     percent=50)
    task.refresh_from_db()
    assert (task.status, task.progress_percent, task.first_report_at) == (S.IN_PROGRESS, 50, first)


@pytest.mark.parametrize("text", ["", "无", "正在推进", "正在推进中。", "推进中！！", "暂无", "同上", "好的，在办"])
def test_empty_or_boilerplate_reports_are_refused(unit_a, text):
    task = _task(unit_a, S.SIGNED)
    with pytest.raises(TransitionError):
        lifecycle.progress_report_create(task=task, actor=unit_a[0], text=text, percent=10)
    assert Task.objects.get(pk=task.pk).status == S.SIGNED


def test_a_report_identical_to_the_previous_one_is_refused(unit_a):
    task = _task(unit_a, S.SIGNED)
    lifecycle.progress_report_create(task=task, actor=unit_a[0], text=REPORT, percent=10)
    with pytest.raises(TransitionError, match="上次"):
        lifecycle.progress_report_create(task=task, actor=unit_a[0], text=REPORT + " ", percent=20)


def test_percent_outside_0_100_is_refused(unit_a):
    task = _task(unit_a, S.SIGNED)
    with pytest.raises(TransitionError, match="0 到 100"):
        lifecycle.progress_report_create(task=task, actor=unit_a[0], text=REPORT, percent=120)


def test_report_before_signing_is_refused(unit_a):
    task = _task(unit_a, S.ASSIGNED)
    with pytest.raises(TransitionError, match="当前状态「已交办」不能执行「反馈进展」"):
        lifecycle.progress_report_create(task=task, actor=unit_a[0], text=REPORT, percent=10)


def test_report_attachments_are_stored_and_checked(unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = _task(unit_a, S.SIGNED)
    report = lifecycle.progress_report_create(
        task=task, actor=unit_a[0], text=REPORT, percent=10,
        files=[SimpleUploadedFile("进展照片.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")])
    attachment = report.attachments.get()
    assert attachment.original_name == "进展照片.jpg" and attachment.size == 8
    assert (tmp_path / attachment.file.name).is_file()
    with pytest.raises(TransitionError, match="不允许上传"):
        lifecycle.progress_report_create(
            task=task, actor=unit_a[0], text="第二次反馈：主体工程完成三成。", percent=30,
            files=[SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")])
    assert task.progress_reports.count() == 1  # the refused report rolled back entirely


def test_completion_request_then_sign_off(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    lifecycle.task_completion_request(task=task, actor=unit_a[0], text="已全部完成并通过验收，佐证材料见附件。")
    task.refresh_from_db()
    assert task.status == S.COMPLETION_REQUESTED and task.completion_requested_at is not None
    assert task.progress_percent == 100
    lifecycle.task_sign_off(task=task, actor=office)
    task.refresh_from_db()
    assert task.status == S.SIGNED_OFF and task.signed_off_at is not None
    assert [e[0] for e in _events(task)] == ["completion_request", "sign_off"]


def test_completion_request_needs_evidence_text(unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    with pytest.raises(TransitionError, match="办结情况说明"):
        lifecycle.task_completion_request(task=task, actor=unit_a[0], text="完成")


def test_send_back_returns_to_in_progress_with_reason(office, unit_a):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    lifecycle.task_send_back(task=task, actor=office, reason="佐证材料不全，请补充验收报告")
    task.refresh_from_db()
    assert task.status == S.IN_PROGRESS and task.completion_requested_at is None
    assert _events(task) == [("send_back", S.COMPLETION_REQUESTED, S.IN_PROGRESS)]


# --- illegal transitions ----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "call"), [
    (S.ASSIGNED, "sign_off"),
    (S.PENDING_REVIEW, "sign"),
    (S.SIGNED_OFF, "send_back"),
    (S.IN_PROGRESS, "assign"),
    (S.SIGNED, "completion"),
    (S.SIGNED_OFF, "urge"),
    (S.PENDING_REVIEW, "urge"),
    (S.RETURNED, "sign"),
])
def test_illegal_transitions_raise_with_a_chinese_message(office, unit_a, status, call):
    task = _task(unit_a, status)
    calls = {
        "sign_off": lambda: lifecycle.task_sign_off(task=task, actor=office),
        "sign": lambda: lifecycle.task_sign(task=task, actor=unit_a[0]),
        "send_back": lambda: lifecycle.task_send_back(task=task, actor=office, reason="材料不全请补充"),
        "assign": lambda: lifecycle.task_assign(task=task, actor=office),
        "completion": lambda: lifecycle.task_completion_request(task=task, actor=unit_a[0], text=REPORT),
        "urge": lambda: lifecycle.task_urge(task=task, actor=office),
    }
    with pytest.raises(TransitionError) as info:
        calls[call]()
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(f"当前状态「{S(status).label}」不能执行")
    assert Task.objects.get(pk=task.pk).status == status
    assert not TaskEvent.objects.filter(task=task).exists()


def test_error_message_names_status_and_action(office, unit_a):
    task = _task(unit_a, S.ASSIGNED)
    with pytest.raises(TransitionError, match="^当前状态「已交办」不能执行「销号」$"):
        lifecycle.task_sign_off(task=task, actor=office)


def test_department_cannot_sign_off_or_send_back(unit_a):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    with pytest.raises(TransitionError, match="只有督查室"):
        lifecycle.task_sign_off(task=task, actor=unit_a[0])
    with pytest.raises(TransitionError, match="只有督查室"):
        lifecycle.task_send_back(task=task, actor=unit_a[0], reason="自己退回自己的")


def test_office_member_of_the_lead_department_cannot_sign_off_its_own_task(office, unit_a):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    from tracker.models import DepartmentMembership
    DepartmentMembership.objects.create(user=office, department=unit_a[1])
    with pytest.raises(TransitionError, match="本单位"):
        lifecycle.task_sign_off(task=task, actor=office)
    assert "sign_off" not in lifecycle.task_allowed_actions(task=task, actor=office)


def test_allowed_actions_follow_status_and_role(office, unit_a, unit_b):
    task = _task(unit_a, S.IN_PROGRESS)
    assert lifecycle.task_allowed_actions(task=task, actor=unit_a[0]) == {
        "report", "extension_request", "completion_request", "urge_reply"}
    assert lifecycle.task_allowed_actions(task=task, actor=office) == {"urge"}
    assert lifecycle.task_allowed_actions(task=task, actor=unit_b[0]) == set()
    assert lifecycle.task_allowed_actions(task=task, actor=manager_user()) == set()


# --- extensions -------------------------------------------------------------------------------


def test_extension_request_only_before_the_due_date(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    with pytest.raises(TransitionError, match="已过"):
        lifecycle.extension_request_create(task=task, actor=unit_a[0], reason="受汛期影响，施工无法按期进行。",
                                           requested_due_on=date(2024, 9, 30), current_progress="已完成60%",
                                           as_of=date(2024, 7, 1))
    request = lifecycle.extension_request_create(
        task=task, actor=unit_a[0], reason="受汛期影响，施工无法按期进行。",
        requested_due_on=date(2024, 9, 30), current_progress="已完成60%", as_of=date(2024, 6, 30))
    assert request.status == ExtensionRequest.Status.PENDING
    assert request.original_due_on == date(2024, 6, 30)
    assert request.department == unit_a[1]


def test_extension_request_needs_a_later_date_and_one_at_a_time(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    kwargs = dict(task=task, actor=unit_a[0], reason="受汛期影响，施工无法按期进行。", current_progress="已完成60%",
                  as_of=date(2024, 6, 1))
    with pytest.raises(TransitionError, match="晚于"):
        lifecycle.extension_request_create(requested_due_on=date(2024, 6, 30), **kwargs)
    lifecycle.extension_request_create(requested_due_on=date(2024, 8, 31), **kwargs)
    with pytest.raises(TransitionError, match="待审批"):
        lifecycle.extension_request_create(requested_due_on=date(2024, 9, 30), **kwargs)


def test_extension_request_on_an_undated_task_is_refused(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=None)
    with pytest.raises(TransitionError, match="没有明确的办理时限"):
        lifecycle.extension_request_create(task=task, actor=unit_a[0], reason="受汛期影响，施工无法按期进行。",
                                           requested_due_on=date(2024, 9, 30), current_progress="已完成60%",
                                           as_of=date(2024, 6, 1))


def _extension(task, unit, new=date(2024, 9, 30)):
    return lifecycle.extension_request_create(
        task=task, actor=unit[0], reason="受汛期影响，施工无法按期进行。", requested_due_on=new,
        current_progress="主体工程完成60%", as_of=date(2024, 6, 1))


def test_approved_extension_moves_the_due_date_and_keeps_the_original(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(task, unit_a)
    lifecycle.extension_decide(extension=request, actor=office, approve=True, note="同意")
    deadline = task.deadlines.get()
    assert deadline.due_on == date(2024, 9, 30)
    assert deadline.original_due_on == date(2024, 6, 30)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ExtensionRequest.Status.APPROVED, office)
    assert request.decided_at is not None
    assert [e[0] for e in _events(task)] == ["extension_request", "extension_approve"]
    # A second extension keeps the very first date.
    second = lifecycle.extension_request_create(
        task=task, actor=unit_a[0], reason="设备供货延迟，需顺延一个月。", requested_due_on=date(2024, 10, 31),
        current_progress="主体工程完成80%", as_of=date(2024, 9, 1))
    lifecycle.extension_decide(extension=second, actor=office, approve=True)
    deadline.refresh_from_db()
    assert (deadline.due_on, deadline.original_due_on) == (date(2024, 10, 31), date(2024, 6, 30))


def test_rejected_extension_leaves_the_due_date(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(task, unit_a)
    with pytest.raises(TransitionError, match="驳回理由"):
        lifecycle.extension_decide(extension=request, actor=office, approve=False)
    lifecycle.extension_decide(extension=request, actor=office, approve=False, note="理由不充分")
    deadline = task.deadlines.get()
    assert deadline.due_on == date(2024, 6, 30) and deadline.original_due_on is None
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REJECTED
    with pytest.raises(TransitionError, match="不能重复审批"):
        lifecycle.extension_decide(extension=request, actor=office, approve=True)


def test_department_cannot_approve_its_own_extension(office, unit_a, unit_b):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(task, unit_a)
    for actor in (unit_a[0], unit_b[0], manager_user()):
        with pytest.raises(TransitionError):
            lifecycle.extension_decide(extension=request, actor=actor, approve=True)
    from tracker.models import DepartmentMembership
    DepartmentMembership.objects.create(user=office, department=unit_a[1])
    with pytest.raises(TransitionError, match="本单位"):
        lifecycle.extension_decide(extension=request, actor=office, approve=True)
    assert task.deadlines.get().due_on == date(2024, 6, 30)


# --- urge -------------------------------------------------------------------------------------


def test_urge_records_and_emails_the_departments_after_commit(
    office, unit_a, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_SEND_WINDOW = False  # an urge goes out at once, except in quiet hours
    task = _task(unit_a, S.SIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        urge = lifecycle.task_urge(task=task, actor=office, note="请于本周内报送进展")
    assert Urge.objects.get(task=task) == urge
    assert urge.urged_by == office
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "催办" in message.subject
    assert message.to == ["unit_a-unit@example.gov.cn"]  # the department's contact address
    assert "请于本周内报送进展" in message.body and f"/portal/tasks/{task.pk}/" in message.body
    assert _events(task) == [("urge", S.SIGNED, S.SIGNED)]


def test_urge_is_office_only(unit_a):
    task = _task(unit_a, S.SIGNED)
    with pytest.raises(TransitionError):
        lifecycle.task_urge(task=task, actor=unit_a[0])


def test_department_replies_to_an_urge_once(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    urge = lifecycle.task_urge(task=task, actor=office)
    lifecycle.urge_reply(urge=urge, actor=unit_a[0], reply="已安排专人负责，周五前报送。")
    urge.refresh_from_db()
    assert urge.reply == "已安排专人负责，周五前报送。" and urge.replied_at is not None
    with pytest.raises(TransitionError, match="已答复"):
        lifecycle.urge_reply(urge=urge, actor=unit_a[0], reply="再次答复内容如下。")


def test_full_cycle_event_trail(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW, due_on=date(2030, 1, 31))
    lifecycle.task_assign(task=task, actor=office)
    lifecycle.task_sign(task=task, actor=unit_a[0])
    lifecycle.progress_report_create(task=task, actor=unit_a[0], text=REPORT, percent=50)
    lifecycle.task_completion_request(task=task, actor=unit_a[0], text="已全部完成并通过验收，佐证材料见附件。")
    lifecycle.task_send_back(task=task, actor=office, reason="缺少验收报告")
    lifecycle.task_completion_request(task=task, actor=unit_a[0], text="已补充竣工验收报告及现场照片。")
    lifecycle.task_sign_off(task=task, actor=office)
    assert _events(task) == [
        ("assign", S.PENDING_REVIEW, S.ASSIGNED),
        ("sign", S.ASSIGNED, S.SIGNED),
        ("report", S.SIGNED, S.IN_PROGRESS),
        ("completion_request", S.IN_PROGRESS, S.COMPLETION_REQUESTED),
        ("send_back", S.COMPLETION_REQUESTED, S.IN_PROGRESS),
        ("completion_request", S.IN_PROGRESS, S.COMPLETION_REQUESTED),
        ("sign_off", S.COMPLETION_REQUESTED, S.SIGNED_OFF),
    ]
