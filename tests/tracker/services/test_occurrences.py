"""Recurring deadlines are tracked period by period, per lead unit: a unit's report or the office completes
one of its occurrences (本期已完成), its due date (and the task's) moves to the next open one, acceptance
closes the rest, and reminders leave completed periods alone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import DeadlineFactory
from tests.tracker.services.test_current_due import stale
from tests.tracker.workflow import department_user, lead_of, workflow_task
from tracker.models import Assignment, DeadlineOccurrence, ProgressReport, Reminder, Task, TaskEvent
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.deadlines import task_due_refresh
from tracker.services.reminders import reminders_scan
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db

S = Task.Status
REPORT = "本月完成入户走访120户，整改隐患8处，报送月度进展表。"
JAN, FEB, MAR = date(2024, 1, 29), date(2024, 2, 28), date(2024, 3, 28)


@pytest.fixture
def unit():
    return department_user(username="occ_lead", department_name="市应急管理局")


def monthly_task(lead, dues, *, status=S.IN_PROGRESS, support=(), text="每月28日前报送进展"):
    """A task whose only deadline is a monthly duty, expanded into the given occurrences of its lead unit."""
    task = workflow_task(lead=lead, support=support, status=status)
    deadline = DeadlineFactory(task=task, text=text, kind="recurring", due_on=dues[0], recurrence="monthly")
    part = lead_of(task)
    occurrences = [DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=d) for d in dues]
    task_due_refresh(task_ids=[task.pk])
    task.refresh_from_db()
    return task, occurrences


def current_due(task: Task) -> date | None:
    return Task.objects.values_list("current_due", flat=True).get(pk=task.pk)


def test_completing_an_occurrence_moves_the_due_date_to_the_next_open_one(office, unit):
    task, (jan, feb, _) = monthly_task(unit[1], [JAN, FEB, MAR])
    assert current_due(task) == JAN
    assert Task.objects.overdue(date(2024, 2, 5)).filter(pk=task.pk).exists()

    lifecycle_office.occurrence_complete(occurrence=jan, actor=office)

    jan.refresh_from_db()
    assert jan.completed_at is not None and jan.completed_by == office and jan.report is None
    assert current_due(task) == FEB
    assert not Task.objects.overdue(date(2024, 2, 5)).filter(pk=task.pk).exists()
    assert Task.objects.overdue(date(2024, 2, 29)).filter(pk=task.pk).exists()  # February is still owed
    event = task.events.get(action=TaskEvent.Action.OCCURRENCE_COMPLETE)
    assert event.actor == office and "2024-01-29" in event.note
    assert DeadlineOccurrence.objects.filter(pk=jan.pk).exists()  # completed periods stay
    assert stale() == []


def test_a_progress_report_fulfils_the_period_it_names(unit):
    user, department = unit
    task, (jan, feb, _) = monthly_task(department, [JAN, FEB, MAR])

    report = lifecycle_unit.progress_report_create(assignment=lead_of(task), actor=user, text=REPORT, percent=30, occurrence=jan)

    jan.refresh_from_db()
    feb.refresh_from_db()
    assert jan.completed_at is not None and jan.report == report and jan.completed_by == user
    assert feb.completed_at is None
    assert current_due(task) == FEB
    assert list(task.events.values_list("action", flat=True)) == ["report", "occurrence_complete"]


def test_a_report_naming_no_period_completes_none(unit):
    user, department = unit
    task, (jan, _) = monthly_task(department, [JAN, FEB])
    lifecycle_unit.progress_report_create(assignment=lead_of(task), actor=user, text=REPORT, percent=30)
    assert not DeadlineOccurrence.objects.filter(completed_at__isnull=False).exists()
    assert current_due(task) == JAN


def test_a_refused_period_refuses_the_report_too(unit):
    user, department = unit
    task, _ = monthly_task(department, [JAN, FEB])
    _, (foreign, _) = monthly_task(department, [JAN, FEB], text="每月28日前报送另一项进展")
    with pytest.raises(TransitionError, match="不属于该单位的这项任务"):
        lifecycle_unit.progress_report_create(assignment=lead_of(task), actor=user, text=REPORT, percent=30, occurrence=foreign)
    assert not ProgressReport.objects.exists()
    assert not DeadlineOccurrence.objects.filter(completed_at__isnull=False).exists()


def test_sign_off_closes_the_open_periods_and_keeps_the_completed_ones(office, unit):
    user, department = unit
    today = timezone.localdate()
    past, soon, later = today - timedelta(days=30), today + timedelta(days=10), today + timedelta(days=40)
    task, (first, second, third) = monthly_task(department, [past, soon, later])
    report = lifecycle_unit.progress_report_create(assignment=lead_of(task), actor=user, text=REPORT, percent=60,
                                                   occurrence=first)
    first.refresh_from_db()
    first_done = first.completed_at

    lifecycle_unit.assignment_completion_request(assignment=lead_of(task), actor=user,
                                                 text="全年走访及隐患整改工作已全部完成，附台账。")
    lifecycle_office.assignment_accept(assignment=lead_of(task), actor=office, rating="good")

    task.refresh_from_db()
    first.refresh_from_db()
    assert (first.completed_at, first.completed_by, first.report) == (first_done, user, report)
    for occurrence in (second, third):
        occurrence.refresh_from_db()
        assert occurrence.completed_at == lead_of(task).accepted_at == task.signed_off_at
        assert occurrence.completed_by == office
    # What it owed at acceptance stays its due date: the next period, not yet due, so accepted on time.
    assert task.current_due == soon and lead_of(task).current_due == soon
    assert not Assignment.objects.late(today).filter(task=task).exists()
    assert stale() == []


def test_sign_off_with_an_unfulfilled_past_period_is_late(office, unit):
    user, department = unit
    past = timezone.localdate() - timedelta(days=30)
    task, _ = monthly_task(department, [past, past + timedelta(days=30)])
    lifecycle_unit.assignment_completion_request(assignment=lead_of(task), actor=user,
                                                 text="全年走访及隐患整改工作已全部完成，附台账。")
    lifecycle_office.assignment_accept(assignment=lead_of(task), actor=office, rating="good")
    task.refresh_from_db()
    assert not DeadlineOccurrence.objects.filter(completed_at__isnull=True).exists()
    assert task.current_due == past
    assert Assignment.objects.late(timezone.localdate()).filter(task=task).exists()
    assert stale() == []


def test_a_completed_period_cannot_be_completed_again(office, unit):
    task, (jan, _) = monthly_task(unit[1], [JAN, FEB])
    lifecycle_office.occurrence_complete(occurrence=jan, actor=office)
    with pytest.raises(TransitionError, match="已于"):
        lifecycle_office.occurrence_complete(occurrence=jan, actor=office)
    assert task.events.filter(action=TaskEvent.Action.OCCURRENCE_COMPLETE).count() == 1


@pytest.mark.parametrize("status", [S.PENDING_REVIEW, S.RETURNED, S.COMPLETION_REQUESTED, S.SIGNED_OFF])
def test_only_a_task_in_the_departments_hands_has_periods_to_complete(office, unit, status):
    _, (jan, _) = monthly_task(unit[1], [JAN, FEB], status=status)
    with pytest.raises(TransitionError, match="不能执行「完成本期」"):
        lifecycle_office.occurrence_complete(occurrence=jan, actor=office)
    jan.refresh_from_db()
    assert jan.completed_at is None


def test_support_and_unrelated_departments_cannot_complete_a_period(unit):
    support_user, support = department_user(username="occ_support", department_name="市公安局")
    stranger, _ = department_user(username="occ_stranger", department_name="市林业局")
    task, (jan, _) = monthly_task(unit[1], [JAN, FEB], support=(support,))
    support_part = task.assignments.get(role="support")
    lifecycle_unit.progress_report_create(assignment=support_part, actor=support_user, text=REPORT, percent=20)
    for actor in (support_user, stranger):
        with pytest.raises(TransitionError, match="只有牵头单位或督查室"):
            lifecycle_office.occurrence_complete(occurrence=jan, actor=actor)
    # The support unit's report may not fulfil the lead's period either (and is refused with it).
    with pytest.raises(TransitionError, match="不属于该单位"):
        lifecycle_unit.progress_report_create(assignment=support_part, actor=support_user, text=REPORT + "补充。",
                                              percent=25, occurrence=jan)
    jan.refresh_from_db()
    assert jan.completed_at is None and task.progress_reports.count() == 1


def test_a_lead_department_completes_a_period_only_with_a_report(unit):
    user, department = unit
    _, (jan, _) = monthly_task(department, [JAN, FEB])
    with pytest.raises(TransitionError, match="须通过反馈进展"):
        lifecycle_office.occurrence_complete(occurrence=jan, actor=user)


def test_a_one_off_deadline_is_not_completed_as_a_period_by_the_department(unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.IN_PROGRESS, due_on=date(2024, 6, 30))
    occurrence = lead_of(task).occurrences.get()
    with pytest.raises(TransitionError, match="申请办结"):
        lifecycle_unit.progress_report_create(assignment=lead_of(task), actor=user, text=REPORT, percent=50,
                                              occurrence=occurrence)
    occurrence.refresh_from_db()
    assert occurrence.completed_at is None and current_due(task) == date(2024, 6, 30)


def test_an_approved_extension_moves_the_open_occurrence_of_a_one_off_deadline(office, unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.IN_PROGRESS, due_on=date(2024, 6, 30))
    occurrence = lead_of(task).occurrences.get()
    request = lifecycle_unit.extension_request_create(
        assignment=lead_of(task), actor=user, reason="受汛期影响，施工无法按期进行。", requested_due_on=date(2024, 9, 30),
        current_progress="主体工程完成60%", as_of=date(2024, 6, 1))
    lifecycle_office.extension_decide(extension=request, actor=office, approve=True, note="同意")
    occurrence.refresh_from_db()
    assert occurrence.due_on == date(2024, 9, 30) and current_due(task) == date(2024, 9, 30)


def test_an_extension_applies_to_the_one_off_deadline_not_the_monthly_duty(office, unit):
    user, department = unit
    task, _ = monthly_task(department, [JAN, FEB, MAR])
    year_end = DeadlineFactory(task=task, text="年底前完成整治", due_on=date(2024, 12, 31))
    DeadlineOccurrence.objects.create(deadline=year_end, assignment=lead_of(task), due_on=year_end.due_on)
    request = lifecycle_unit.extension_request_create(
        assignment=lead_of(task), actor=user, reason="整治范围扩大，需增加两个片区的工作量。", requested_due_on=date(2025, 3, 31),
        current_progress="已完成六个片区", as_of=date(2024, 2, 5))
    assert request.deadline == year_end


def test_a_monthly_duty_alone_is_not_extended(unit):
    user, department = unit
    task, _ = monthly_task(department, [JAN, FEB])
    with pytest.raises(TransitionError, match="周期性时限"):
        lifecycle_unit.extension_request_create(
            assignment=lead_of(task), actor=user, reason="本月数据尚未汇总完毕，需推迟报送时间。", requested_due_on=date(2024, 2, 10),
            current_progress="已汇总八成", as_of=date(2024, 1, 20))


# ---------------------------------------------------------------- reminders


def test_reminders_skip_completed_occurrences(office, unit):
    # 2024-02-28 is a Wednesday: both tasks are due today; only the open period is reminded.
    task, (done, _) = monthly_task(unit[1], [FEB, MAR])
    open_task, (still_open, _) = monthly_task(unit[1], [FEB, MAR], text="每月28日前报送统计报表")
    lifecycle_office.occurrence_complete(occurrence=done, actor=office)
    now = datetime.combine(FEB, time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    result = reminders_scan(as_of=FEB, now=now)
    reminded = set(Reminder.objects.filter(id__in=result.reminder_ids).values_list("occurrence_id", "kind"))
    assert (still_open.pk, Reminder.Kind.DUE_TODAY) in reminded
    assert not any(occurrence_id == done.pk for occurrence_id, _ in reminded)
    assert not Reminder.objects.filter(task=task, kind=Reminder.Kind.DUE_TODAY).exists()


# ---------------------------------------------------------------- portal


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_task_page_lists_periods_and_offers_the_due_ones_to_the_lead_report(office, unit):
    user, department = unit
    today = timezone.localdate()
    dues = [today - timedelta(days=60), today - timedelta(days=30), today + timedelta(days=1),
            today + timedelta(days=60), today + timedelta(days=90)]
    task, occurrences = monthly_task(department, dues)
    DeadlineOccurrence.objects.filter(pk=occurrences[0].pk).update(completed_at=timezone.now())

    html = _client(user).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "分期时限" in html and "已完成" in html and "逾期未完成" in html and "待完成" in html
    assert "本次反馈对应的时限（期）" in html
    select = html.split(f'name="report-{lead_of(task).pk}-occurrence"')[1].split("</select>")[0]
    offered = [f'value="{o.pk}"' in select for o in occurrences]
    assert offered == [False, True, True, False, False]  # open and due within the window only
    assert "本期已完成" not in html  # the button is the office's
    # Most recent first: the later periods come before the earlier ones.
    listed = html.split('class="occurrences"')[1].split("</ul>")[0]
    positions = [listed.index(f"{d:%Y-%m-%d}") for d in reversed(dues)]
    assert positions == sorted(positions)

    office_html = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert f'name="complete-occurrence-{occurrences[1].pk}"' in office_html
    assert f'name="complete-occurrence-{occurrences[0].pk}"' not in office_html


def test_portal_report_fulfils_the_chosen_period(unit):
    user, department = unit
    today = timezone.localdate()
    task, (due, later) = monthly_task(department, [today - timedelta(days=3), today + timedelta(days=28)])
    part = lead_of(task)
    response = _client(user).post(f"/portal/assignments/{part.pk}/report/", {
        f"report-{part.pk}-text": REPORT, f"report-{part.pk}-percent": "40",
        f"report-{part.pk}-occurrence": str(due.pk)})
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.completed_at is not None and due.report == task.progress_reports.get()
    assert current_due(task) == later.due_on


def test_office_button_completes_a_period(office, unit):
    task, (jan, _) = monthly_task(unit[1], [JAN, FEB])
    response = _client(office).post(f"/portal/occurrences/{jan.pk}/complete/")
    assert response.status_code == 302 and response["Location"] == f"/portal/tasks/{task.pk}/"
    jan.refresh_from_db()
    assert jan.completed_by == office


def test_another_departments_user_cannot_complete_a_period(unit):
    stranger, _ = department_user(username="occ_other", department_name="市林业局")
    _, (jan, _) = monthly_task(unit[1], [JAN, FEB])
    assert _client(stranger).post(f"/portal/occurrences/{jan.pk}/complete/").status_code == 404
    # The lead department itself is refused without a report (message, nothing completed).
    response = _client(unit[0]).post(f"/portal/occurrences/{jan.pk}/complete/", follow=True)
    assert "须通过反馈进展" in response.content.decode()
    jan.refresh_from_db()
    assert jan.completed_at is None


def test_completing_a_period_needs_a_post(office, unit):
    _, (jan, _) = monthly_task(unit[1], [JAN, FEB])
    assert _client(office).get(f"/portal/occurrences/{jan.pk}/complete/").status_code == 405
