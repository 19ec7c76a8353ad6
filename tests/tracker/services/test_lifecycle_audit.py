"""What each transition leaves for the user and the auditor, where the mutation run of the state machine's
services found no test looking (docs/mutation.md): every event's actor, unit, statuses and note, every message a
unit receives, the fields each transition sets, and each refusal's exact words."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DeadlineFactory
from tests.tracker.workflow import department_user, lead_of, unit_add, workflow_task
from tracker.models import (
    Assignment,
    DeadlineOccurrence,
    ExtensionRequest,
    Message,
    ProgressReport,
    Task,
    TaskEvent,
    Urge,
)
from tracker.services import lifecycle_office as office_actions
from tracker.services import lifecycle_unit as unit_actions
from tracker.services.lifecycle import min_chars
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db

S = Task.Status
A = Assignment.Status
AS_OF = date(2030, 1, 10)
DUE = date(2030, 6, 30)
DONE = "已全部完成并通过验收，佐证材料见附件。"
REASON = "受汛期影响，施工无法按期进行。"
LOCAL = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def unit_c():
    return department_user(username="unit_c", department_name="市交通运输局")


@pytest.fixture
def unit_d():
    return department_user(username="unit_d", department_name="市水利局")


def _task(unit, status, due_on=DUE, **kw):
    return workflow_task(lead=unit[1], status=status, due_on=due_on, **kw)


def _last_event(task, **filters):
    return TaskEvent.objects.filter(task=task, **filters).order_by("pk").last()


def _event_row(event):
    return (event.action, event.actor_id, event.assignment_id, event.department_id, event.from_status,
            event.to_status, event.note)


def _inbox(user):
    """The unit user's in-app messages: (kind, task, text), oldest first."""
    return list(Message.objects.filter(recipient=user).order_by("pk").values_list("kind", "task_id", "text"))


def _extension(part, unit, *, new=date(2024, 9, 30), as_of=date(2024, 6, 1)):
    return unit_actions.extension_request_create(assignment=part, actor=unit[0], reason=REASON, requested_due_on=new,
                                                 current_progress="主体工程完成60%", as_of=as_of)


# --- every transition's event: who, which unit, which statuses, why ---------------------------------------

UNIT_STEPS = {
    # name: (task status before, the call, the unit statuses (from, to), the note)
    "sign": (S.ASSIGNED, lambda part, user: unit_actions.assignment_sign(assignment=part, actor=user),
             (A.ASSIGNED, A.SIGNED), ""),
    "sign with a note": (S.ASSIGNED, lambda part, user: unit_actions.assignment_sign(
        assignment=part, actor=user, note="已安排专人负责"), (A.ASSIGNED, A.SIGNED), "已安排专人负责"),
    "return": (S.ASSIGNED, lambda part, user: unit_actions.assignment_return(
        assignment=part, actor=user, reason="该事项属于其他部门职责"), (A.ASSIGNED, A.RETURNED), "该事项属于其他部门职责"),
    "report": (S.SIGNED, lambda part, user: unit_actions.progress_report_create(
        assignment=part, actor=user, text="已完成项目立项和可研批复，正在开展施工招标。", percent=30),
        (A.SIGNED, A.IN_PROGRESS), "30%"),
    "completion_request": (S.IN_PROGRESS, lambda part, user: unit_actions.assignment_completion_request(
        assignment=part, actor=user, text=DONE), (A.IN_PROGRESS, A.COMPLETION_REQUESTED), DONE),
    "extension_request": (S.IN_PROGRESS, lambda part, user: unit_actions.extension_request_create(
        assignment=part, actor=user, reason=REASON, requested_due_on=date(2030, 9, 30), current_progress="主体工程完成六成",
        as_of=AS_OF), (A.IN_PROGRESS, A.IN_PROGRESS), f"申请将时限由 2030-06-30 延至 2030-09-30：{REASON}"),
}


@pytest.mark.parametrize("step", list(UNIT_STEPS))
def test_each_unit_transition_is_recorded_with_its_user_its_part_and_its_reason(unit_a, step):
    status, call, (before, after), note = UNIT_STEPS[step]
    task = _task(unit_a, status)
    part = lead_of(task)
    call(part, unit_a[0])
    event = _last_event(task, assignment=part)
    assert _event_row(event) == (step.split()[0], unit_a[0].pk, part.pk, unit_a[1].pk, before, after, note)


def test_an_urge_and_its_reply_are_recorded_with_who_and_what(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    [urge] = office_actions.task_urge(task=task, actor=office, note="请于本周内报送进展")
    unit_actions.urge_reply(urge=urge, actor=unit_a[0], reply="已安排专人负责，周五前报送。")
    rows = [_event_row(e) for e in TaskEvent.objects.filter(task=task).order_by("pk")]
    assert rows == [
        ("urge", office.pk, part.pk, unit_a[1].pk, A.SIGNED, A.SIGNED, "请于本周内报送进展"),
        ("urge_reply", unit_a[0].pk, part.pk, unit_a[1].pk, A.SIGNED, A.SIGNED, "已安排专人负责，周五前报送。"),
    ]
    urge.refresh_from_db()
    assert urge.reply == "已安排专人负责，周五前报送。" and urge.replied_at is not None
    assert _inbox(unit_a[0]) == [
        ("urge", task.pk, f"督查室催办「{task.title}」：请于本周内报送进展 请在任务页答复催办。")]


def test_an_urge_without_a_note_says_the_default_one(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    [urge] = office_actions.task_urge(task=task, actor=office)
    assert urge.note == "请抓紧办理并及时反馈进展。"
    assert _last_event(task).note == "请抓紧办理并及时反馈进展。"
    assert _inbox(unit_a[0]) == [("urge", task.pk, f"督查室催办「{task.title}」：请抓紧办理并及时反馈进展。 请在任务页答复催办。")]


@pytest.mark.parametrize(("note", "event_note", "message_end"), [
    ("资料齐全", "资料齐全", "评价：良好。资料齐全"),
    ("", "", "评价：良好。"),
])
def test_acceptance_tells_the_unit_its_rating_and_the_offices_note(office, unit_a, note, event_note, message_end):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    part = lead_of(task)
    office_actions.assignment_accept(assignment=part, actor=office, rating="good", note=note)
    accept = _last_event(task, action="accept")
    assert _event_row(accept) == ("accept", office.pk, part.pk, unit_a[1].pk, A.COMPLETION_REQUESTED, A.ACCEPTED,
                                  event_note)
    assert _inbox(unit_a[0]) == [("decision", task.pk, f"「{task.title}」的办结申请已确认办结，{message_end}")]


def test_a_send_back_is_recorded_and_told_and_the_percent_falls_to_0_without_an_earlier_report(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    part = lead_of(task)
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE)
    office_actions.assignment_send_back(assignment=part, actor=office, reason="缺少验收报告")
    event = _last_event(task)
    assert _event_row(event) == ("send_back", office.pk, part.pk, unit_a[1].pk, A.COMPLETION_REQUESTED,
                                 A.IN_PROGRESS, "缺少验收报告")
    part.refresh_from_db()
    assert (part.progress_percent, part.completion_requested_at) == (0, None)
    assert _inbox(unit_a[0]) == [
        ("send_back", task.pk, f"「{task.title}」的办结申请被退办，请补充办理后重新申请办结。退办理由：缺少验收报告")]


def test_the_send_back_percent_is_that_of_the_last_report_even_written_in_the_same_instant(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    with time_machine.travel(datetime(2030, 1, 10, 9, 0, tzinfo=LOCAL), tick=False):
        for text, percent in (("第一次反馈：完成立项批复。", 40), ("第二次反馈：完成施工招标。", 70)):
            unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text=text, percent=percent)
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE)
    office_actions.assignment_send_back(assignment=part, actor=office, reason="缺少验收报告")
    part.refresh_from_db()
    assert part.progress_percent == 70


def test_a_report_identical_to_the_last_one_written_in_the_same_instant_is_refused(unit_a):
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    with time_machine.travel(datetime(2030, 1, 10, 9, 0, tzinfo=LOCAL), tick=False):
        for text in ("第一次反馈：完成立项批复。", "第二次反馈：完成施工招标。"):
            unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text=text, percent=40)
        with pytest.raises(TransitionError, match="与上次反馈完全相同"):
            unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text="第二次反馈：完成施工招标。",
                                                percent=50)


def test_the_last_report_is_the_newest_by_its_time_as_the_task_page_lists_them(office, unit_a):
    """The page lists a part's reports newest first by time (ProgressReport.Meta.ordering); the copy check and
    the percent a send back restores take that same last report, even when the ids disagree (a clock set back)."""
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    first = unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text="第一次反馈：完成立项批复。",
                                                percent=40)
    second = unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text="第二次反馈：完成施工招标。",
                                                 percent=70)
    ProgressReport.objects.filter(pk=first.pk).update(created_at=second.created_at + timedelta(hours=1))
    assert list(part.progress_reports.all()) == [first, second]
    with pytest.raises(TransitionError, match="与上次反馈完全相同"):
        unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text="第一次反馈：完成立项批复。",
                                            percent=50)
    unit_actions.assignment_completion_request(assignment=part, actor=unit_a[0], text=DONE)
    office_actions.assignment_send_back(assignment=part, actor=office, reason="缺少验收报告")
    part.refresh_from_db()
    assert part.progress_percent == 40


# --- reports, completion requests and extension requests keep what the unit wrote --------------------------


def test_the_files_of_a_report_and_of_a_completion_request_are_the_units_users(unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = _task(unit_a, S.SIGNED)
    part = lead_of(task)
    report = unit_actions.progress_report_create(
        assignment=part, actor=unit_a[0], text="已完成项目立项和可研批复。", percent=60,
        files=[SimpleUploadedFile("进展照片.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")])
    completion = unit_actions.assignment_completion_request(
        assignment=part, actor=unit_a[0], text=DONE,
        files=[SimpleUploadedFile("验收报告.pdf", b"%PDF-1.4 report", content_type="application/pdf")])
    assert [(a.original_name, a.uploaded_by) for a in report.attachments.all()] == [("进展照片.jpg", unit_a[0])]
    assert [(a.original_name, a.uploaded_by) for a in completion.attachments.all()] == [("验收报告.pdf", unit_a[0])]
    stored = ProgressReport.objects.get(pk=completion.pk)
    assert (stored.assignment, stored.department, stored.author, stored.text, stored.percent, stored.is_completion) == (
        part, unit_a[1], unit_a[0], DONE, 100, True)


def test_a_report_fulfilling_a_period_closes_it_by_the_unit_with_that_report(unit_a):
    task = _task(unit_a, S.IN_PROGRESS)
    monthly = DeadlineFactory(task=task, text="每月底前报送进展", kind="recurring", recurrence="monthly", rule="M:end",
                              due_on=date(2030, 1, 31), parsed_due_on=date(2030, 1, 31))
    part = lead_of(task)
    period = DeadlineOccurrence.objects.create(deadline=monthly, assignment=part, due_on=date(2030, 1, 31))
    report = unit_actions.progress_report_create(assignment=part, actor=unit_a[0], text="一月份工作进展：完成立项。",
                                                 percent=20, occurrence=period)
    period.refresh_from_db()
    assert (period.completed_by, period.report) == (unit_a[0], report) and period.completed_at is not None
    closed = _last_event(task, action="occurrence_complete")
    assert _event_row(closed) == ("occurrence_complete", unit_a[0].pk, part.pk, unit_a[1].pk, A.IN_PROGRESS,
                                  A.IN_PROGRESS, "2030-01-31 这一期已完成（每月底前报送进展），见本单位的反馈")


def test_an_extension_request_keeps_the_reason_and_the_progress_written(unit_a):
    task = _task(unit_a, S.IN_PROGRESS, due_on=date(2024, 6, 30))
    request = _extension(lead_of(task), unit_a)
    request.refresh_from_db()
    assert (request.reason, request.current_progress, request.requested_by, request.status) == (
        REASON, "主体工程完成60%", unit_a[0], ExtensionRequest.Status.PENDING)


# --- refusals: each says what is missing, at its exact limit ----------------------------------------------


def _too_short(what, n):
    return f"{what}过于简单（至少{n}个字），请写明具体内容"


def _return(ctx, text):
    return unit_actions.assignment_return(assignment=lead_of(ctx["assigned"]), actor=ctx["a"][0], reason=text)


def _send_back(ctx, text):
    return office_actions.assignment_send_back(assignment=lead_of(ctx["requested"]), actor=ctx["office"], reason=text)


def _reject(ctx, text):
    if "request" not in ctx:
        ctx["request"] = _extension(lead_of(ctx["dated"]), ctx["a"])
    return office_actions.extension_decide(extension=ctx["request"], actor=ctx["office"], approve=False, note=text)


def _ask_reason(ctx, text):
    return unit_actions.extension_request_create(
        assignment=lead_of(ctx["dated"]), actor=ctx["a"][0], reason=text, requested_due_on=date(2024, 9, 30),
        current_progress="主体工程完成六成", as_of=date(2024, 6, 1))


def _ask_progress(ctx, text):
    return unit_actions.extension_request_create(
        assignment=lead_of(ctx["dated"]), actor=ctx["a"][0], reason=REASON, requested_due_on=date(2024, 9, 30),
        current_progress=text, as_of=date(2024, 6, 1))


def _completion(ctx, text):
    return unit_actions.assignment_completion_request(assignment=lead_of(ctx["working"]), actor=ctx["a"][0], text=text)


def _reply(ctx, text):
    urge = Urge.objects.create(task=ctx["signed"], assignment=lead_of(ctx["signed"]), urged_by=ctx["office"])
    return unit_actions.urge_reply(urge=urge, actor=ctx["a"][0], reply=text)


def _sign_off(ctx, text):
    task = ctx["requested"]
    return office_actions.task_sign_off(task=task, actor=ctx["office"], note=text, ratings={lead_of(task).pk: "good"})


def _rate_correct(ctx, text):
    return office_actions.assignment_rating_correct(assignment=lead_of(ctx["accepted"]), actor=ctx["office"],
                                                    rating="excellent", reason=text)


TEXT_LIMITS = {
    # the call: (what the refusal names, the shortest text accepted)
    "return": (_return, "退回理由", 4),
    "send_back": (_send_back, "退办理由", 4),
    "extension_reject": (_reject, "驳回理由", 2),
    "extension_reason": (_ask_reason, "延期理由", None),  # None: settings.PROGRESS_REPORT_MIN_CHARS
    "extension_progress": (_ask_progress, "当前进展", 4),
    "completion_request": (_completion, "办结情况说明", None),
    "urge_reply": (_reply, "答复内容", 4),
    "sign_off": (_sign_off, "销号意见", 2),
    "rating_correct": (_rate_correct, "修改理由", 4),
}


@pytest.mark.parametrize("name", list(TEXT_LIMITS))
def test_a_text_one_character_short_is_refused_by_name_and_the_shortest_accepted(office, unit_a, name):
    call, what, n = TEXT_LIMITS[name]
    n = n or min_chars()
    ctx = {"office": office, "a": unit_a, "assigned": _task(unit_a, S.ASSIGNED),
           "requested": _task(unit_a, S.COMPLETION_REQUESTED), "dated": _task(unit_a, S.IN_PROGRESS, date(2024, 6, 30)),
           "working": _task(unit_a, S.IN_PROGRESS), "signed": _task(unit_a, S.SIGNED),
           "accepted": _task(unit_a, S.SIGNED_OFF)}
    if name == "rating_correct":
        Assignment.objects.filter(pk=lead_of(ctx["accepted"]).pk).update(rating="good")
    with pytest.raises(TransitionError) as info:
        call(ctx, "办" * (n - 1))
    assert str(info.value) == _too_short(what, n)
    call(ctx, "办" * n)


def test_refusals_say_exactly_why(office, unit_a, unit_b):
    signed, working = _task(unit_a, S.SIGNED), _task(unit_a, S.IN_PROGRESS, date(2024, 6, 30))
    refusals = [
        (lambda: unit_actions.progress_report_create(assignment=lead_of(signed), actor=unit_a[0],
                                                     text="已完成项目立项和可研批复。", percent=101),
         "完成进度应在 0 到 100 之间"),
        (lambda: _extension(lead_of(working), unit_a, new=date(2024, 6, 30)), "申请的新时限应晚于当前办理时限"),
        (lambda: office_actions.assignment_rating_correct(assignment=lead_of(_task(unit_b, S.SIGNED_OFF)),
                                                          actor=office, rating="perfect", reason="复核后调整"),
         "请评价市自然资源局的办结质量（优秀、良好、合格或不合格）"),
    ]
    for call, message in refusals:
        with pytest.raises(TransitionError) as info:
            call()
        assert str(info.value) == message


def test_an_urge_whose_part_is_gone_needs_no_reply_and_a_reply_is_given_once(office, unit_a):
    task = _task(unit_a, S.SIGNED)
    orphan = Urge.objects.create(task=task, assignment=None, urged_by=office)
    with pytest.raises(TransitionError) as info:
        unit_actions.urge_reply(urge=orphan, actor=unit_a[0], reply="已安排专人负责。")
    assert str(info.value) == "该催办未指定单位，无需答复"
    [urge] = office_actions.task_urge(task=task, actor=office)
    unit_actions.urge_reply(urge=urge, actor=unit_a[0], reply="已安排专人负责。")
    with pytest.raises(TransitionError) as info:
        unit_actions.urge_reply(urge=urge, actor=unit_a[0], reply="再次答复内容。")
    assert str(info.value) == "该催办已答复"


# --- 交办 ----------------------------------------------------------------------------------------------


def test_assign_names_every_unit_in_its_role_and_tells_each_its_role_and_date(office, unit_a, unit_b, unit_c, unit_d):
    task = _task(unit_a, S.PENDING_REVIEW)
    units = [(unit_a[1], "lead"), (unit_b[1], "lead"), (unit_c[1], "support"), (unit_d[1], "support")]
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, units=units, note="请各单位密切配合")
    event = _last_event(task, action="assign")
    assert (event.actor, event.note) == (office, "牵头：市住房和城乡建设局、市自然资源局；配合：市交通运输局、市水利局；请各单位密切配合")
    for user, role in ((unit_a[0], "牵头"), (unit_b[0], "牵头"), (unit_c[0], "配合"), (unit_d[0], "配合")):
        assert _inbox(user) == [("assign", task.pk, f"督查室交办「{task.title}」（{role}），办理时限 2030-06-30，请及时签收。"
                                                    "交办意见：请各单位密切配合")]
    written = dict(task.assignments.values_list("department__name", "as_written"))
    assert written == {"市住房和城乡建设局": "市住房和城乡建设局", "市自然资源局": "", "市交通运输局": "", "市水利局": ""}


def test_assign_without_a_note_or_a_date_says_only_what_there_is(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW, due_on=None)
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF, open_ended="ongoing")
    assert _last_event(task, action="assign").note == "牵头：市住房和城乡建设局；办理时限：长期"
    assert _inbox(unit_a[0]) == [("assign", task.pk, f"督查室交办「{task.title}」（牵头），请及时签收。")]


def test_assign_of_a_dated_task_without_a_note(office, unit_a):
    task = _task(unit_a, S.PENDING_REVIEW)
    office_actions.task_assign(task=task, actor=office, as_of=AS_OF)
    assert _last_event(task, action="assign").note == "牵头：市住房和城乡建设局"
    assert _inbox(unit_a[0]) == [("assign", task.pk, f"督查室交办「{task.title}」（牵头），办理时限 2030-06-30，请及时签收。")]


# --- 销号 ------------------------------------------------------------------------------------------------


def test_sign_off_names_every_unit_it_waits_for_or_needs_a_rating_for(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.IN_PROGRESS, due_on=DUE)
    Task.objects.filter(pk=task.pk).update(status=S.COMPLETION_REQUESTED)  # as if the check were at the task level
    task.refresh_from_db()
    with pytest.raises(TransitionError) as info:
        office_actions.task_sign_off(task=task, actor=office, note="同意销号", ratings={})
    assert str(info.value) == "「市住房和城乡建设局、市自然资源局」尚未申请办结，不能整体销号"
    both = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.COMPLETION_REQUESTED, due_on=DUE)
    with pytest.raises(TransitionError) as info:
        office_actions.task_sign_off(task=both, actor=office, note="同意销号", ratings={})
    assert str(info.value) == "请评价「市住房和城乡建设局、市自然资源局」的办结质量（优秀、良好、合格或不合格）"


def test_sign_off_passes_over_a_lead_part_handed_back(office, unit_a, unit_b):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    unit_add(task, unit_b[1], status=A.RETURNED)
    office_actions.task_sign_off(task=task, actor=office, note="同意销号", ratings={lead_of(task, unit_a[1]).pk: "good"})
    assert Task.objects.get(pk=task.pk).status == S.SIGNED_OFF
    assert lead_of(task, unit_b[1]).status == A.RETURNED


# --- 重新交办 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("note", "event_note", "message"), [
    ("", "再次交办市住房和城乡建设局", "督查室再次交办「{}」，请及时签收。"),
    ("补充材料后办理", "再次交办市住房和城乡建设局：补充材料后办理", "督查室再次交办「{}」，请及时签收。说明：补充材料后办理"),
])
def test_a_part_sent_back_to_the_same_unit_starts_again_and_the_unit_is_told(office, unit_a, note, event_note,
                                                                              message):
    task = _task(unit_a, S.ASSIGNED)
    part = lead_of(task)
    unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="材料不全无法办理")
    office_actions.assignment_reassign(assignment=part, actor=office, departments=[unit_a[1]], as_of=AS_OF, note=note)
    part.refresh_from_db()
    assert (part.status, part.signed_at, part.returned_at) == (A.ASSIGNED, None, None)
    assert part.assigned_at > TaskEvent.objects.get(task=task, action="return").created_at
    event = _last_event(task, action="reassign")
    assert _event_row(event) == ("reassign", office.pk, part.pk, unit_a[1].pk, A.RETURNED, A.ASSIGNED, event_note)
    assert _inbox(unit_a[0]) == [("assign", task.pk, message.format(task.title))]


def test_a_part_moved_to_other_units_is_recorded_on_both_sides(office, unit_a, unit_b, unit_c, unit_d):
    task = workflow_task(lead=unit_a[1], support=(unit_b[1],), status=S.ASSIGNED, due_on=DUE)
    part = lead_of(task)
    unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="该事项属于其他部门职责")
    with time_machine.travel(datetime(2030, 1, 10, 9, 0, tzinfo=LOCAL), tick=False):
        created = office_actions.assignment_reassign(assignment=part, actor=office, as_of=AS_OF,
                                                     departments=[unit_b[1], unit_c[1], unit_d[1]], note="请尽快对接")
    # unit_b already holds a (support) part: it keeps it and gets no second one.
    assert [(a.department, a.role, a.status) for a in created] == [(unit_c[1], "lead", A.ASSIGNED),
                                                                  (unit_d[1], "lead", A.ASSIGNED)]
    assert {a.assigned_at for a in created} == {datetime(2030, 1, 10, 9, 0, tzinfo=LOCAL)}
    assert sorted(task.assignments.values_list("department_id", "role")) == sorted(
        [(unit_b[1].pk, "support"), (unit_c[1].pk, "lead"), (unit_d[1].pk, "lead")])
    text = "市住房和城乡建设局退回的部分改由市交通运输局、市水利局承办"
    rows = [_event_row(e) for e in TaskEvent.objects.filter(task=task, action__in=["reassign", "status"])
            .order_by("pk")][1:]  # after the status event of the return
    c, d = created
    assert rows == [
        ("reassign", office.pk, None, unit_a[1].pk, A.RETURNED, A.RETURNED, f"{text}：请尽快对接"),
        ("reassign", office.pk, c.pk, unit_c[1].pk, "", A.ASSIGNED, text),
        ("reassign", office.pk, d.pk, unit_d[1].pk, "", A.ASSIGNED, text),
        ("status", office.pk, None, None, S.RETURNED, S.ASSIGNED, text),
    ]
    for user in (unit_c[0], unit_d[0]):
        assert _inbox(user) == [("assign", task.pk, f"督查室交办「{task.title}」（牵头，{text}），请及时签收。")]
    assert _inbox(unit_b[0]) == []


def test_the_unit_that_handed_a_part_back_may_be_named_again_with_another(office, unit_a, unit_c):
    task = _task(unit_a, S.ASSIGNED)
    part = lead_of(task)
    unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="需与交通部门共同办理")
    created = office_actions.assignment_reassign(assignment=part, actor=office, as_of=AS_OF,
                                                 departments=[unit_a[1], unit_c[1]])
    assert [a.department for a in created] == [unit_a[1], unit_c[1]]
    assert _last_event(task, action="reassign", assignment=None).note == (
        "市住房和城乡建设局退回的部分改由市住房和城乡建设局、市交通运输局承办")


def test_a_support_part_moves_as_a_support_part_or_is_dropped(office, unit_a, unit_b, unit_c):
    task = workflow_task(lead=unit_a[1], support=(unit_b[1],), status=S.ASSIGNED, due_on=DUE)
    support = task.assignments.get(role="support")
    unit_actions.assignment_return(assignment=support, actor=unit_b[0], reason="本单位不涉及该项工作")
    [moved] = office_actions.assignment_reassign(assignment=support, actor=office, departments=[unit_c[1]],
                                                 as_of=AS_OF)
    assert moved.role == "support"
    assert _inbox(unit_c[0]) == [("assign", task.pk, f"督查室交办「{task.title}」（配合，市自然资源局退回的部分改由"
                                                     "市交通运输局承办），请及时签收。")]
    unit_actions.assignment_return(assignment=moved, actor=unit_c[0], reason="本单位不涉及该项工作")
    assert office_actions.assignment_reassign(assignment=moved, actor=office, departments=[], as_of=AS_OF) == []
    assert _last_event(task, action="reassign").note == "市交通运输局退回的部分改由（不再交办）承办"


def test_a_lead_part_may_be_dropped_while_another_lead_remains_never_the_last(office, unit_a, unit_b):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), status=S.ASSIGNED, due_on=DUE)
    part_a, part_b = lead_of(task, unit_a[1]), lead_of(task, unit_b[1])
    unit_actions.assignment_return(assignment=part_a, actor=unit_a[0], reason="该事项属于其他部门职责")
    assert office_actions.assignment_reassign(assignment=part_a, actor=office, departments=[], as_of=AS_OF) == []
    unit_actions.assignment_return(assignment=part_b, actor=unit_b[0], reason="该事项属于其他部门职责")
    with pytest.raises(TransitionError) as info:
        office_actions.assignment_reassign(assignment=part_b, actor=office, departments=[], as_of=AS_OF)
    assert str(info.value) == "该事项须至少有一个牵头单位，请指定重新交办的单位"


def test_a_part_moved_owes_the_recurring_periods_from_the_day_of_the_move(office, unit_a, unit_b):
    task = _task(unit_a, S.ASSIGNED)
    DeadlineFactory(task=task, text="每月底前报送进展", kind="recurring", recurrence="monthly", rule="M:end",
                    due_on=date(2029, 10, 31), parsed_due_on=date(2029, 10, 31))
    part = lead_of(task)
    unit_actions.assignment_return(assignment=part, actor=unit_a[0], reason="该事项属于其他部门职责")
    [moved] = office_actions.assignment_reassign(assignment=part, actor=office, departments=[unit_b[1]],
                                                 as_of=date(2030, 1, 10))
    monthly = moved.occurrences.filter(deadline__recurrence="monthly").order_by("due_on")
    assert monthly.first().due_on == date(2030, 1, 31)  # no period before the move is owed


# --- 延期审批 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("approve", "note", "action", "event_note", "message_end"), [
    (True, "同意", "extension_approve", "批准延期至 2024-09-30（原时限 2024-06-30）：同意",
     "批准延期至 2024-09-30（原时限 2024-06-30）。审批意见：同意"),
    (True, "", "extension_approve", "批准延期至 2024-09-30（原时限 2024-06-30）",
     "批准延期至 2024-09-30（原时限 2024-06-30）。"),
    (False, "理由不充分", "extension_reject", "驳回延期申请：理由不充分", "驳回延期申请。审批意见：理由不充分"),
])
def test_an_extension_decision_is_recorded_and_told_to_the_unit(office, unit_a, approve, note, action, event_note,
                                                                 message_end):
    task = _task(unit_a, S.IN_PROGRESS, date(2024, 6, 30))
    part = lead_of(task)
    request = _extension(part, unit_a)
    office_actions.extension_decide(extension=request, actor=office, approve=approve, note=note)
    event = _last_event(task)
    assert _event_row(event) == (action, office.pk, part.pk, unit_a[1].pk, A.IN_PROGRESS, A.IN_PROGRESS, event_note)
    assert _inbox(unit_a[0]) == [("decision", task.pk, f"「{task.title}」的延期申请：{message_end}")]
    request.refresh_from_db()
    assert (request.decided_by, request.decision_note) == (office, note)


def test_an_extension_of_a_date_done_meanwhile_is_refused_and_moves_no_other_date(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS, date(2024, 6, 30))
    DeadlineFactory(task=task, text="2024年9月15日前", due_on=date(2024, 9, 15), parsed_due_on=date(2024, 9, 15))
    part = lead_of(task)
    later = DeadlineOccurrence.objects.create(deadline=task.deadlines.get(due_on=date(2024, 9, 15)), assignment=part,
                                              due_on=date(2024, 9, 15))
    request = _extension(part, unit_a)
    first = part.occurrences.get(due_on=date(2024, 6, 30))
    office_actions.occurrence_complete(occurrence=first, actor=office)
    with pytest.raises(TransitionError) as info:
        office_actions.extension_decide(extension=request, actor=office, approve=True)
    assert str(info.value) == "该单位的这一时限已完成，无需延期"
    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.due_on, later.due_on, later.original_due_on) == (date(2024, 6, 30), date(2024, 9, 15), None)


def test_an_extension_without_a_unit_is_refused(office, unit_a):
    task = _task(unit_a, S.IN_PROGRESS, date(2024, 6, 30))
    request = _extension(lead_of(task), unit_a)
    ExtensionRequest.objects.filter(pk=request.pk).update(assignment=None)
    request.refresh_from_db()
    with pytest.raises(TransitionError) as info:
        office_actions.extension_decide(extension=request, actor=office, approve=True)
    assert str(info.value) == "该延期申请未关联承办单位，请联系管理员"


# --- 催办 -------------------------------------------------------------------------------------------------


def test_urging_the_task_urges_the_lead_units_not_the_support_ones_nor_one_just_urged(office, unit_a, unit_b,
                                                                                       unit_c):
    task = workflow_task(lead=unit_a[1], co_leads=(unit_b[1],), support=(unit_c[1],), status=S.SIGNED, due_on=DUE)
    office_actions.task_urge(task=task, actor=office, assignment=lead_of(task, unit_a[1]))
    urges = office_actions.task_urge(task=task, actor=office)
    assert [u.assignment.department for u in urges] == [unit_b[1]]
    assert _inbox(unit_c[0]) == []


def test_an_urge_names_a_part_of_the_task_it_urges(office, unit_a):
    task, other = _task(unit_a, S.SIGNED), _task(unit_a, S.SIGNED)
    with pytest.raises(Assignment.DoesNotExist):
        office_actions.task_urge(task=task, actor=office, assignment=lead_of(other))
    assert not Urge.objects.exists()


def test_a_repeated_urge_names_the_time_of_its_own_units_urge_not_another_tasks(office, unit_a, unit_b):
    first, second = _task(unit_a, S.SIGNED), _task(unit_b, S.SIGNED)
    with time_machine.travel(datetime(2030, 1, 10, 9, 5, tzinfo=LOCAL), tick=False):
        office_actions.task_urge(task=first, actor=office)
    with time_machine.travel(datetime(2030, 1, 10, 9, 7, tzinfo=LOCAL), tick=False):
        office_actions.task_urge(task=second, actor=office)
    with time_machine.travel(datetime(2030, 1, 10, 9, 8, tzinfo=LOCAL), tick=False):
        with pytest.raises(TransitionError) as info:
            office_actions.task_urge(task=first, actor=office)
    assert str(info.value) == "已于 09:05 催办，10分钟内不重复催办"


def test_urging_a_task_whose_leads_owe_nothing_is_refused(office, unit_a):
    task = _task(unit_a, S.COMPLETION_REQUESTED)
    Task.objects.filter(pk=task.pk).update(status=S.IN_PROGRESS)  # as if the task level allowed it
    task.refresh_from_db()
    with pytest.raises(TransitionError) as info:
        office_actions.task_urge(task=task, actor=office)
    assert str(info.value) == "该事项没有待办理的牵头单位，无需催办"


# --- 本期已完成 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("note", "event_note"), [
    ("已报送书面材料", "2030-06-30 这一期已完成（2030年06月30日前）：已报送书面材料"),
    ("", "2030-06-30 这一期已完成（2030年06月30日前）"),
])
def test_the_office_completing_a_period_records_it_with_its_note(office, unit_a, note, event_note):
    task = _task(unit_a, S.IN_PROGRESS)
    part = lead_of(task)
    period = part.occurrences.get()
    office_actions.occurrence_complete(occurrence=period, actor=office, **({"note": note} if note else {}))
    period.refresh_from_db()
    assert period.completed_by == office and period.report is None
    assert _event_row(_last_event(task)) == ("occurrence_complete", office.pk, part.pk, unit_a[1].pk, A.IN_PROGRESS,
                                             A.IN_PROGRESS, event_note)


# --- 延期申请: what it needs -----------------------------------------------------------------------------


def test_an_extension_request_says_why_it_cannot_be_made(unit_a):
    undated = _task(unit_a, S.IN_PROGRESS, due_on=None)
    recurring = _task(unit_a, S.IN_PROGRESS, due_on=None)
    monthly = DeadlineFactory(task=recurring, text="每月底前报送进展", kind="recurring", recurrence="monthly",
                              rule="M:end", due_on=date(2024, 6, 30), parsed_due_on=date(2024, 6, 30))
    DeadlineOccurrence.objects.create(deadline=monthly, assignment=lead_of(recurring), due_on=date(2024, 6, 30))
    waiting = _task(unit_a, S.IN_PROGRESS, date(2024, 6, 30))
    _extension(lead_of(waiting), unit_a)
    for task, message in ((undated, "该事项没有明确的办理时限，无需申请延期"),
                          (recurring, "周期性时限按期逐期完成，不适用延期申请"),
                          (waiting, "已有待审批的延期申请，请等待督查室审批")):
        with pytest.raises(TransitionError) as info:
            _extension(lead_of(task), unit_a)
        assert str(info.value) == message
