"""The database turned into the notices' values, on the hand-built set of ratings_data.py."""
from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import DeadlineFactory
from tests.tracker import ratings_data
from tests.tracker.ratings_data import AS_OF
from tracker.models import ProgressReport, Task, Urge
from tracker.selectors_documents import due_wording, heading, notice_data, task_source, urge_notice_data

pytestmark = pytest.mark.django_db

SOURCE = "《关于印发2026年重点工作任务分解方案的通知》（南政发〔2026〕3号）"


@pytest.fixture
def data():
    return ratings_data.build()


def test_notice_values_of_a_co_led_task(data, settings):
    settings.OFFICE_NAME, settings.OFFICE_CONTACT_NAME = "南山市人民政府督查室", "李明"
    settings.NOTICE_REQUIREMENTS = ["第一条要求。", "第二条要求。"]
    task = data.tasks["t5"]
    task.leader = data.manager
    data.manager.first_name = "王建国副市长"
    data.manager.save(update_fields=["first_name"])
    values = notice_data(task=task, number="督办〔2026〕12号", issued_on=AS_OF)
    assert values.lead_units == ("市住房和城乡建设局", "市交通运输局") and values.support_units == ()
    assert (values.due, values.due_text, values.source) == (date(2026, 11, 15), "", SOURCE)
    assert values.task_ref == f"南政发〔2026〕3号 {task.ref}" and values.task_text == task.text
    assert values.task_title == ""  # the title is the start of the text: not printed twice
    assert values.requirements == ("第一条要求。", "第二条要求。") and values.leader_in_charge == "王建国副市长"
    assert (values.office_name, values.contact_name, values.number) == ("南山市人民政府督查室", "李明", "督办〔2026〕12号")


def test_urge_values_name_only_the_late_unit_with_its_days_and_latest_report(data):
    task = data.tasks["t5"]
    late = task.assignments.get(department=data.u2)
    ProgressReport.objects.create(task=task, assignment=late, department=data.u2, author=data.user2,
                                  text="已完成积水点排查，正在开展管网改造设计。", percent=30)
    Urge.objects.create(task=task, assignment=late, urged_by=data.office, note="请于本周内报送整改计划。")
    values = urge_notice_data(task=task, number="催办〔2026〕3号", issued_on=AS_OF, urge_round=2,
                              notice_number="督办〔2026〕12号")
    [unit] = values.units
    assert (unit.name, unit.due, unit.days_overdue) == ("市交通运输局", date(2026, 11, 15), 19)
    assert unit.latest_report == "已完成积水点排查，正在开展管网改造设计。"
    assert unit.latest_report_on == timezone.localdate()  # the report's day, in Beijing time
    assert values.reply_by == date(2026, 12, 9)  # three working days after Friday 12-04
    assert (values.urge_round, values.notice_number, values.urge_note) == (2, "督办〔2026〕12号", "请于本周内报送整改计划。")
    assert values.assigned_on == date(2026, 11, 2) and values.original_due == date(2026, 11, 15)


def test_sources_of_tasks_without_a_directive():
    instruction = Task(source_kind=Task.SourceKind.INSTRUCTION, instructed_by="张市长",
                       instructed_on=date(2026, 3, 5), source_ref="市长批示〔2026〕8号", text="x")
    assert task_source(instruction) == "张市长2026年3月5日批示（市长批示〔2026〕8号）"
    meeting = Task(source_kind=Task.SourceKind.MEETING, source_ref="会议纪要〔2026〕12号", text="x")
    assert task_source(meeting) == "会议纪要〔2026〕12号"
    report = Task(source_kind=Task.SourceKind.WORK_REPORT, text="x")
    assert task_source(report) == "政府工作报告"
    assert heading(Task(title="推进老旧小区改造", text="2026年完成改造42个。")) == "推进老旧小区改造"
    assert heading(Task(title="2026年完成改造", text="2026年完成改造42个。")) == ""


def test_due_wording_for_recurring_and_ongoing_deadlines(data):
    task = data.tasks["t9"]  # the draft: no deadline yet
    assert due_wording(task) == (None, "")
    DeadlineFactory(task=task, due_on=date(2026, 12, 28), text="每月28日前报送进展", recurrence="monthly")
    assert due_wording(task) == (None, "每月28日前报送进展")
    DeadlineFactory(task=task, due_on=None, text="长期坚持", recurrence="ongoing")
    assert due_wording(task) == (None, "长期")
    DeadlineFactory(task=task, due_on=date(2027, 6, 30), text="2027年6月底前")
    assert due_wording(task) == (date(2027, 6, 30), "")
