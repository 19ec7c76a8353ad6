"""Audit trails as people read them (issue 14.7): the task page's 数据修改记录 and the admin's history show
Chinese field names, choice labels, people's names and 北京时间 to the minute — no ids, codes, ISO times, JSON."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tests.tracker.workflow import department_user, office_user, workflow_task
from tracker.models import Deadline, Task
from tracker.readable import value_shown, when
from tracker.services.deadlines import deadline_correct
from tracker.services.review import task_edit

pytestmark = pytest.mark.django_db

RAW = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d|\+00:00|pk=|\bNone\b|pending_review|\bassigned\b|\"|\[|\]|"
                 r"\bperson\b|\brule\b|corrected_(?:at|by)|resolved_by")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _named_office():
    office = office_user(username="office_reader")
    office.first_name, office.last_name = "督查", "王"
    office.save(update_fields=["first_name", "last_name"])
    return office


def test_a_utc_time_reads_as_beijing_time_to_the_minute():
    assert when(datetime(2026, 12, 4, 21, 3, 37, 395392, tzinfo=ZoneInfo("UTC"))) == "2026-12-05 05:03"
    assert when(date(2026, 12, 4)) == "2026-12-04"


def test_field_values_read_as_labels_names_and_words():
    field = Task._meta.get_field
    assert value_shown(field("status"), "pending_review") == "待审核"
    assert value_shown(field("flags"), ["no_unit", "deadline_unresolved"]) == "未写明单位、时限无法解析"
    assert value_shown(field("flags"), []) == "无"
    office = _named_office()
    assert value_shown(Deadline._meta.get_field("corrected_by"), office.pk) == office.get_full_name()
    assert value_shown(Deadline._meta.get_field("corrected_by"), None) == "无"


def test_the_task_page_shows_a_corrected_deadline_in_words(as_of):
    office = _named_office()
    _, unit = department_user(username="reader_unit", department_name="市水务局")
    task = workflow_task(lead=unit, due_on=date(2026, 6, 30))
    deadline_correct(deadline=task.deadlines.get(), due_on=date(2026, 7, 31), user=office)
    page = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    history = page[page.index("数据修改记录"):]
    line = re.search(r"<li>(.*?)</li>", history, re.S).group(1)
    assert "2026-07-31" in line and "2026-06-30" in line
    assert "人工核定" in line or "人工" in line, line
    assert line.count(office.get_full_name()) == 2  # who changed it, and the 修改人 field's new value
    assert not RAW.search(line.replace("2026-06-30", "").replace("2026-07-31", "")), line


def test_the_admin_history_shows_labels_names_and_minutes():
    office = _named_office()
    office.is_superuser = True
    office.save(update_fields=["is_superuser"])
    _, unit = department_user(username="history_unit", department_name="市林业局")
    task = workflow_task(lead=unit, status=Task.Status.PENDING_REVIEW, due_on=date(2026, 6, 30))
    task.flags = ["no_unit"]
    task.save(update_fields=["flags"])
    task_edit(task=task, user=office, title="改过的标题")
    Task.objects.filter(pk=task.pk).update(status=Task.Status.ASSIGNED)
    task.refresh_from_db()
    task.status = Task.Status.ASSIGNED
    task.flags = []
    task._history_user = office  # what simple-history's middleware records in a request
    task.save(update_fields=["status", "flags"])
    page = _client(office).get(f"/admin/tracker/task/{task.pk}/history/").content.decode()
    start = page.index('id="change-history"')
    table = page[start:page.index("</table>", start)]
    assert "待审核" in table and "已交办" in table
    assert "未写明单位" in table
    assert office.get_full_name() in table
    assert not re.search(r"pending_review|\bassigned\b|no_unit|\d\d:\d\d:\d\d|pk=None|Deleted", table), table
    version = page[page.index('id="change-history"'):]
    link = re.search(r'href="(/admin/tracker/task/\d+/history/\d+/)"', version).group(1)
    detail = _client(office).get(link).content.decode()
    assert "待审核" in detail or "已交办" in detail
    assert not re.search(r"pending_review|\d\d:\d\d:\d\d\.\d+|\+00:00", detail)
