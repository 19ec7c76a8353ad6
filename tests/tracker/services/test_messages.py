"""In-app messages written by the services: every 交办, 催办, 退办, reminder and decision reaches the receiving
unit's users (and nobody else), inside the action's transaction; marking read touches only one's own."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parsing.workdays import WorkCalendar
from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.models import DepartmentMembership, Message, Task
from tracker.readable import urge_outcome_text
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.messages import messages_mark_read, reminder_messages_record
from tracker.services.reminders import reminders_scan
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db

S = Task.Status
K = Message.Kind
AS_OF = date(2030, 3, 4)  # a Monday
REPORT = "已完成项目立项和可研批复，正在开展施工招标。"


@pytest.fixture
def people():
    office = office_user()
    user, unit = department_user(username="unit_user", department_name="市住建局")
    colleague, _ = department_user(username="unit_colleague", department=unit)
    outsider, other = department_user(username="other_user", department_name="市林业局")
    return office, user, colleague, unit, outsider, other


def _kinds(user) -> list[str]:
    return list(Message.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_assign_writes_one_message_to_each_user_of_each_unit_with_its_role(people):
    office, user, colleague, unit, outsider, other = people
    task = workflow_task(lead=unit, support=(other,), status=S.PENDING_REVIEW, due_on=date(2030, 6, 30),
                         text="推进老旧小区改造，6月底前完成。")
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF, note="请按时办理")
    mine = Message.objects.get(recipient=user)
    assert (mine.kind, mine.task, mine.department, mine.read_at) == (K.ASSIGN, task, unit, None)
    assert "（牵头）" in mine.text and "2030-06-30" in mine.text and "请按时办理" in mine.text
    assert _kinds(colleague) == [K.ASSIGN]
    assert "（配合）" in Message.objects.get(recipient=outsider).text
    assert not Message.objects.filter(recipient=office).exists()


def test_an_inactive_user_gets_no_message(people):
    office, user, colleague, unit, *_ = people
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    lifecycle_office.task_assign(task=task, actor=office, as_of=AS_OF)
    assert _kinds(user) == [K.ASSIGN] and _kinds(colleague) == []


def test_a_refused_action_leaves_no_message(people):
    office, user, _, unit, *_ = people
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=date(2030, 6, 30))
    with pytest.raises(TransitionError):
        lifecycle_office.task_assign(task=task, actor=user, as_of=AS_OF)  # a unit cannot 交办
    assert not Message.objects.exists()


def test_urge_messages_only_the_urged_unit_and_a_repeat_writes_none(people):
    office, user, colleague, unit, outsider, other = people
    task = workflow_task(lead=unit, co_leads=(other,), status=S.SIGNED, due_on=date(2030, 6, 30))
    [urge] = lifecycle_office.task_urge(task=task, actor=office, note="请加快进度", assignment=lead_of(task, unit))
    assert _kinds(user) == [K.URGE] and _kinds(colleague) == [K.URGE] and _kinds(outsider) == []
    assert "请加快进度" in Message.objects.get(recipient=user).text
    with pytest.raises(TransitionError):  # within ten minutes: refused as a duplicate, no second message
        lifecycle_office.task_urge(task=task, actor=office, assignment=lead_of(task, unit))
    assert Message.objects.filter(recipient=user).count() == 1
    assert urge.pk


def test_urge_outcome_is_truthful_about_channels(people):
    office, _, _, unit, _, other = people
    other.contact_email = ""
    other.save(update_fields=["contact_email"])
    silent = workflow_task(lead=other, status=S.SIGNED, due_on=date(2030, 6, 30))
    assert urge_outcome_text(lifecycle_office.task_urge(task=silent, actor=office)) == \
        "该单位未配置通知渠道，已生成站内消息"
    reached = workflow_task(lead=unit, co_leads=(other,), status=S.SIGNED, due_on=date(2030, 6, 30))
    text = urge_outcome_text(lifecycle_office.task_urge(task=reached, actor=office))
    assert "已催办并发送通知：市住建局（邮件）" in text and "市林业局未配置通知渠道，已生成站内消息" in text


def test_send_back_and_acceptance_are_messaged_with_reason_and_rating(people):
    office, user, _, unit, *_ = people
    task = workflow_task(lead=unit, status=S.COMPLETION_REQUESTED, due_on=date(2030, 6, 30))
    part = lead_of(task)
    lifecycle_office.assignment_send_back(assignment=part, actor=office, reason="佐证材料不全，请补充验收报告")
    back = Message.objects.get(recipient=user)
    assert back.kind == K.SEND_BACK and "佐证材料不全" in back.text
    lifecycle_unit.assignment_completion_request(assignment=part, actor=user, text="已补充验收报告，请予办结。")
    lifecycle_office.assignment_accept(assignment=part, actor=office, rating="good", note="按期完成")
    decision = Message.objects.filter(recipient=user, kind=K.DECISION).get()
    assert "确认办结" in decision.text and "良好" in decision.text


@pytest.mark.parametrize("approve,words", [(True, "批准延期至 2030-09-30"), (False, "驳回延期申请")])
def test_extension_decisions_are_messaged(people, approve, words):
    office, user, _, unit, *_ = people
    task = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=date(2030, 6, 30))
    extension = lifecycle_unit.extension_request_create(
        assignment=lead_of(task), actor=user, reason="需等待省级批复，无法按期完成。", requested_due_on=date(2030, 9, 30),
        current_progress="已完成四成", as_of=AS_OF)
    lifecycle_office.extension_decide(extension=extension, actor=office, approve=approve, note="理由不充分" if not
                                      approve else "")
    message = Message.objects.get(recipient=user)
    assert message.kind == K.DECISION and words in message.text


def test_reassign_messages_the_new_unit(people):
    office, user, _, unit, outsider, other = people
    task = workflow_task(lead=unit, status=S.ASSIGNED, due_on=date(2030, 6, 30))
    lifecycle_unit.assignment_return(assignment=lead_of(task), actor=user, reason="不属于本单位职责，建议交林业局")
    lifecycle_office.assignment_reassign(assignment=lead_of(task), actor=office, departments=[other], as_of=AS_OF)
    assert _kinds(outsider) == [K.ASSIGN] and "市林业局" not in Message.objects.get(recipient=outsider).text[:4]
    assert _kinds(user) == []


def test_the_reminder_scan_writes_one_digest_a_day_per_unit_even_without_channels(people, settings):
    _, user, colleague, unit, outsider, other = people
    unit.contact_email = ""
    unit.save(update_fields=["contact_email"])
    workflow_task(lead=unit, status=S.SIGNED, due_on=AS_OF, text="今日到期的任务。")
    workflow_task(lead=unit, status=S.SIGNED, due_on=date(2030, 2, 1), text="已逾期的任务。")
    workflow_task(lead=other, status=S.IN_PROGRESS, due_on=date(2030, 12, 31), text="远未到期、已反馈的任务。")
    now = timezone.make_aware(datetime.combine(AS_OF, time(9)))
    reminders_scan(as_of=AS_OF, now=now, dispatch=False)
    reminders_scan(as_of=AS_OF, now=now, dispatch=False)  # a repeated run: nothing twice
    [digest] = Message.objects.filter(recipient=user)
    assert digest.kind == K.REMINDER and "今日到期 1 项" in digest.text and "已逾期 1 项" in digest.text
    assert digest.task is None  # two tasks: the digest links to the workbench, not to one task
    assert Message.objects.filter(recipient=colleague).count() == 1
    assert not Message.objects.filter(recipient=outsider).exists()


def test_a_dry_run_scan_writes_no_message(people):
    _, user, _, unit, *_ = people
    workflow_task(lead=unit, status=S.SIGNED, due_on=AS_OF)
    reminders_scan(as_of=AS_OF, now=timezone.make_aware(datetime.combine(AS_OF, time(9))), dry_run=True)
    assert not Message.objects.exists()


def test_mark_read_touches_only_the_users_own_messages(people):
    office, user, colleague, unit, *_ = people
    task = workflow_task(lead=unit, status=S.SIGNED, due_on=date(2030, 6, 30))
    lifecycle_office.task_urge(task=task, actor=office)
    mine, theirs = Message.objects.get(recipient=user), Message.objects.get(recipient=colleague)
    assert messages_mark_read(user=user, message_ids=[mine.pk, theirs.pk]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert messages_mark_read(user=colleague) == 1 and messages_mark_read(user=colleague) == 0


def test_a_membership_added_later_does_not_see_earlier_messages(people):
    office, user, _, unit, outsider, _ = people
    task = workflow_task(lead=unit, status=S.SIGNED, due_on=date(2030, 6, 30))
    lifecycle_office.task_urge(task=task, actor=office)
    DepartmentMembership.objects.create(user=outsider, department=unit)
    assert not Message.objects.filter(recipient=outsider).exists()


def test_a_digest_of_one_task_links_it(people):
    _, user, _, unit, *_ = people
    task = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=AS_OF, text="唯一今日到期的任务。")
    reminders_scan(as_of=AS_OF, now=timezone.make_aware(datetime.combine(AS_OF, time(9))), dispatch=False)
    digest = Message.objects.get(recipient=user)
    assert digest.task == task and digest.text.startswith("2030年03月04日提醒：今日到期 1 项。")


def test_the_digest_is_written_in_the_same_queries_for_one_unit_or_many(people, django_assert_num_queries):
    _, _, _, unit, *_ = people
    calendar = WorkCalendar({})
    workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=AS_OF)
    with CaptureQueriesContext(connection) as one:
        assert reminder_messages_record(as_of=AS_OF, calendar=calendar) == 2  # the unit's two users
    Message.objects.all().delete()
    for n in range(3):
        _, more = department_user(username=f"more_{n}", department_name=f"市第{n + 1}局")
        workflow_task(lead=more, status=S.IN_PROGRESS, due_on=date(2030, 2, n + 1))
    with django_assert_num_queries(len(one.captured_queries)):
        assert reminder_messages_record(as_of=AS_OF, calendar=calendar) == 5
