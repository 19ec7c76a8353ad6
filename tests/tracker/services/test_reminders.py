"""Reminder rules, as of fixed days around the 2023 国庆/中秋 holiday.

Calendar (State Council notice for 2023, hand-checked): 2023-09-29 (Fri, 中秋) to 2023-10-06 are days
off; Saturday 2023-10-07 and Sunday 2023-10-08 are 调休 working days; 2023-10-09 is a Monday.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
from base64 import b64encode
from datetime import date, datetime, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote_plus, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from tracker.models import (
    Assignment,
    Deadline,
    DeadlineOccurrence,
    Department,
    Directive,
    HolidayOverride,
    Reminder,
    SourceFile,
    Task,
)
from tracker.services import notifications
from tracker.services.reminders import reminder_send, reminders_scan

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DOC = "阳政办发〔2023〕12号"


def morning(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def scan(day: date, **kwargs: object) -> set[tuple[str, str]]:
    """Run the scan as of `day` at 09:00 and return (task title, kind) of the rows it created."""
    result = reminders_scan(as_of=day, now=morning(day), **kwargs)  # type: ignore[arg-type]
    return set(Reminder.objects.filter(id__in=result.reminder_ids).values_list("task__title", "kind"))


@pytest.fixture
def directive() -> Directive:
    source = SourceFile.objects.create(name="g.txt", sha256="a" * 64, size=1, encoding="utf-8", text="…")
    return Directive.objects.create(source=source, doc_number=DOC, title="关于做好秋季督办工作的通知",
                                    issuer="市政府办公室", line_start=1, line_end=9)


@pytest.fixture
def department() -> Department:
    return Department.objects.create(name="市住建局", contact_email="zjj@example.gov.cn")


UNIT = {"pending_review": "proposed", "signed_off": "accepted"}


def make_task(directive: Directive, department: Department, title: str, *dues: date,
              status: str = "in_progress", recurrence: str = "", co_leads: tuple[Department, ...] = ()) -> Task:
    """A task whose lead units (each owing `dues`) stand where `status` says."""
    task = Task.objects.create(directive=directive, ref=title, title=title, text=title, status=status,
                               assigned_at=morning(date(2023, 9, 1)))
    deadline = Deadline.objects.create(task=task, text="…", due_on=dues[0], recurrence=recurrence)
    for unit in (department, *co_leads):
        unit_status = UNIT.get(status, status)
        part = Assignment.objects.create(
            task=task, department=unit, role="lead", status=unit_status, assigned_at=morning(date(2023, 9, 1)),
            signed_at=morning(date(2023, 9, 1)), first_report_at=morning(date(2023, 9, 2)),
            accepted_at=morning(date(2023, 9, 3)) if unit_status == "accepted" else None)
        for due in dues:
            DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=due)
    return task


# ---------------------------------------------------------------- the rules


def test_due_soon_counts_the_adjusted_saturday_and_sunday_as_working_days(directive, department):
    make_task(directive, department, "十月八日到期", date(2023, 10, 8))
    make_task(directive, department, "十月九日到期", date(2023, 10, 9))
    # 3 working days after Wed 9-27: Thu 9-28, Sat 10-07, Sun 10-08 (the holiday in between does not count).
    assert scan(date(2023, 9, 26)) == set()
    assert scan(date(2023, 9, 27)) == {("十月八日到期", "due_soon")}
    assert scan(date(2023, 9, 28)) == {("十月九日到期", "due_soon")}
    # Once per due date: the next scans inside the window stay silent.
    assert scan(date(2023, 10, 7)) == set()


def test_due_today_on_the_due_day_only(directive, department):
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    assert scan(date(2023, 10, 9)) == {("当天到期", "due_today")}


def test_overdue_repeats_every_two_working_days_and_escalates_from_the_fifth(directive, department, settings):
    settings.REMINDER_MANAGER_EMAILS = ["leader@example.gov.cn"]
    make_task(directive, department, "节前到期", date(2023, 9, 28))
    # Working days overdue: 10-07 → 1, 10-08 → 2, 10-09 → 3, 10-10 → 4, 10-11 → 5, 10-12 → 6, 10-13 → 7.
    expected = {
        date(2023, 10, 7): {("节前到期", "overdue")},
        date(2023, 10, 8): set(),
        date(2023, 10, 9): {("节前到期", "overdue")},
        date(2023, 10, 10): set(),
        date(2023, 10, 11): {("节前到期", "overdue"), ("节前到期", "escalation")},
        date(2023, 10, 12): set(),
        date(2023, 10, 13): {("节前到期", "overdue"), ("节前到期", "escalation")},
    }
    assert {day: scan(day) for day in expected} == expected


def test_holiday_scan_is_deferred_and_records_nothing(directive, department):
    make_task(directive, department, "节前到期", date(2023, 9, 28))
    result = reminders_scan(as_of=date(2023, 10, 2), now=morning(date(2023, 10, 2)))
    assert result.deferred == "non-working day"
    assert not Reminder.objects.exists()


def test_quiet_hours_defer_the_scan(directive, department):
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    result = reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9), hour=21))
    assert result.deferred == "quiet hours"
    assert not Reminder.objects.exists()


def test_holiday_override_makes_a_working_day_a_day_off(directive, department):
    make_task(directive, department, "当天到期", date(2023, 10, 10))
    HolidayOverride.objects.create(day=date(2023, 10, 10), is_workday=False, note="防汛停工")
    assert reminders_scan(as_of=date(2023, 10, 10), now=morning(date(2023, 10, 10))).deferred == "non-working day"


def test_every_occurrence_of_a_recurring_deadline_is_reminded(directive, department):
    task = make_task(directive, department, "每月报送", date(2023, 10, 9), date(2023, 11, 9), recurrence="monthly")
    assert scan(date(2023, 10, 9)) == {("每月报送", "due_today")}
    DeadlineOccurrence.objects.filter(deadline__task=task, due_on=date(2023, 10, 9)).update(
        completed_at=morning(date(2023, 10, 9))
    )
    assert scan(date(2023, 11, 9)) == {("每月报送", "due_today")}
    occurrences = set(Reminder.objects.values_list("occurrence__due_on", flat=True))
    assert occurrences == {date(2023, 10, 9), date(2023, 11, 9)}


@pytest.mark.parametrize("status", ["signed_off", "completion_requested", "pending_review", "returned"])
def test_closed_or_unassigned_tasks_are_never_reminded(directive, department, status):
    make_task(directive, department, "已办结", date(2023, 10, 9), status=status)
    make_task(directive, department, "逾期已办结", date(2023, 9, 28), status=status)
    assert scan(date(2023, 10, 9)) == set()


def test_an_approved_extension_moves_the_units_reminders(directive, department):
    task = make_task(directive, department, "申请延期", date(2023, 10, 9))
    DeadlineOccurrence.objects.filter(deadline__task=task).update(original_due_on=date(2023, 10, 9),
                                                                  due_on=date(2023, 10, 20))
    assert scan(date(2023, 10, 9)) == set()  # no longer due today
    assert scan(date(2023, 10, 17)) == {("申请延期", "due_soon")}  # 18, 19, 20
    assert scan(date(2023, 10, 20)) == {("申请延期", "due_today")}


def _who(result) -> set[tuple[str, str]]:
    return set(Reminder.objects.filter(id__in=result.reminder_ids).values_list("department__name", "kind"))


def test_each_co_lead_is_reminded_of_its_own_date_only(directive, department, settings):
    settings.REMINDER_MANAGER_EMAILS = ["leader@example.gov.cn"]
    co_lead = Department.objects.create(name="市交通运输局", contact_email="jtj@example.gov.cn")
    task = make_task(directive, department, "共同牵头", date(2023, 9, 28), co_leads=(co_lead,))
    # 市交通运输局 got an extension; 市住建局 did not and is overdue.
    DeadlineOccurrence.objects.filter(assignment__department=co_lead).update(
        original_due_on=date(2023, 9, 28), due_on=date(2023, 10, 31))
    assert _who(reminders_scan(as_of=date(2023, 10, 7), now=morning(date(2023, 10, 7)))) == {("市住建局", "overdue")}
    result = reminders_scan(as_of=date(2023, 10, 11), now=morning(date(2023, 10, 11)))
    assert _who(result) == {("市住建局", "overdue"), ("市住建局", "escalation")}
    reminder_send(reminder_ids=result.reminder_ids, now=morning(date(2023, 10, 11)))
    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    assert set(by_recipient) == {("zjj@example.gov.cn",), ("leader@example.gov.cn",)}  # nothing to 交通局
    assert "市住建局" in by_recipient[("leader@example.gov.cn",)]  # the copy names the late unit
    assert "市交通运输局" not in by_recipient[("leader@example.gov.cn",)]
    # The accepted co-lead is never reminded, the other one still is.
    Assignment.objects.filter(task=task, department=department).update(status="accepted",
                                                                        accepted_at=morning(date(2023, 10, 11)))
    assert _who(reminders_scan(as_of=date(2023, 10, 27), now=morning(date(2023, 10, 27)))) == {
        ("市交通运输局", "due_soon")}


def test_a_digest_lists_only_the_units_own_items(directive, department):
    co_lead = Department.objects.create(name="市交通运输局", contact_email="jtj@example.gov.cn")
    make_task(directive, department, "住建局自己的", date(2023, 10, 9))
    make_task(directive, co_lead, "交通局自己的", date(2023, 10, 9))
    result = reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    reminder_send(reminder_ids=result.reminder_ids, now=morning(date(2023, 10, 9)))
    bodies = {tuple(m.to): m.body for m in mail.outbox}
    assert "住建局自己的" in bodies[("zjj@example.gov.cn",)] and "交通局自己的" not in bodies[("zjj@example.gov.cn",)]
    assert "交通局自己的" in bodies[("jtj@example.gov.cn",)] and "住建局自己的" not in bodies[("jtj@example.gov.cn",)]


def test_sign_clock_breach_is_reminded_once_per_unit(directive, department):
    support = Department.objects.create(name="市财政局", contact_email="czj@example.gov.cn")
    task = make_task(directive, department, "未签收", date(2023, 12, 29), status="assigned")
    Assignment.objects.create(task=task, department=support, role="support", status="signed",
                              assigned_at=morning(date(2023, 9, 27)), signed_at=morning(date(2023, 9, 27)))
    Assignment.objects.filter(task=task).update(assigned_at=morning(date(2023, 9, 27)))
    Assignment.objects.filter(task=task, role="lead").update(signed_at=None, first_report_at=None)
    # Sign within 1 working day: due Thu 9-28, breached from Sat 10-07 (the next working day).
    assert scan(date(2023, 9, 28)) == set()
    assert ("未签收", "node_breach") in scan(date(2023, 10, 7))
    assert ("未签收", "node_breach") not in scan(date(2023, 10, 8))
    assert set(Reminder.objects.values_list("node", flat=True)) >= {"sign"}
    # The support unit signed in time: only the lead was reminded.
    assert set(Reminder.objects.values_list("department__name", flat=True)) == {"市住建局"}


# ---------------------------------------------------------------- exactly once, digests, channels


def test_a_second_scan_the_same_day_records_and_sends_nothing(directive, department):
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    make_task(directive, department, "节前到期", date(2023, 9, 28))
    first = reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    second = reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    assert len(first.reminder_ids) == 2 and second.reminder_ids == []
    reminder_send(reminder_ids=first.reminder_ids, now=morning(date(2023, 10, 9)))
    reminder_send(reminder_ids=first.reminder_ids, now=morning(date(2023, 10, 9)))  # a retried task
    assert len(mail.outbox) == 1  # one digest for the department, both tasks in it
    body = mail.outbox[0].body
    assert "当天到期" in body and "节前到期" in body and DOC in body
    assert "已逾期3个工作日" in body and "2023年10月9日" in body
    task_id = Task.objects.get(title="当天到期").pk
    assert f"/portal/tasks/{task_id}/" in body
    assert mail.outbox[0].to == ["zjj@example.gov.cn"]
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_scan_sends_after_commit(directive, department, django_capture_on_commit_callbacks):
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    assert len(callbacks) == 1 and mail.outbox == []


def test_escalation_copy_goes_to_managers(directive, department, settings):
    settings.REMINDER_MANAGER_EMAILS = ["leader@example.gov.cn"]
    make_task(directive, department, "节前到期", date(2023, 9, 28))
    result = reminders_scan(as_of=date(2023, 10, 11), now=morning(date(2023, 10, 11)))
    reminder_send(reminder_ids=result.reminder_ids, now=morning(date(2023, 10, 11)))
    by_recipient = {tuple(m.to): m.body for m in mail.outbox}
    assert set(by_recipient) == {("zjj@example.gov.cn",), ("leader@example.gov.cn",)}
    assert "市住建局" in by_recipient[("leader@example.gov.cn",)]
    assert "已逾期5个工作日" in by_recipient[("zjj@example.gov.cn",)]


class _Robot:
    def __init__(self, fail: bool = False) -> None:
        self.requests: list[tuple[str, dict]] = []
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                robot.requests.append((self.path, body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"errcode": 310000, "errmsg": "keywords not in content"}' if fail
                                 else b'{"errcode": 0, "errmsg": "ok"}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def robot():
    r = _Robot()
    yield r
    r.server.shutdown()


def test_dingtalk_robot_gets_a_signed_json_post(directive, robot):
    dept = Department.objects.create(name="市水务局", webhook_url=robot.url, webhook_kind="dingtalk",
                                     webhook_secret="SECxyz")
    make_task(directive, dept, "当天到期", date(2023, 10, 9))
    result = reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    sent = reminder_send(reminder_ids=result.reminder_ids, now=morning(date(2023, 10, 9)))
    assert sent.messages == 1
    path, body = robot.requests[0]
    assert body["msgtype"] == "text" and "当天到期" in body["text"]["content"]
    query = parse_qs(urlsplit(path).query)
    timestamp = query["timestamp"][0]
    expected = b64encode(hmac.new(b"SECxyz", f"{timestamp}\nSECxyz".encode(), hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected] and query["access_token"] == ["abc"]


def test_failed_delivery_is_recorded_with_backoff_and_retried_by_the_next_scan(directive):
    failing = _Robot(fail=True)
    dept = Department.objects.create(name="市水务局", webhook_url=failing.url, webhook_kind="wecom")
    make_task(directive, dept, "当天到期", date(2023, 10, 9))
    result = reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    sent = reminder_send(reminder_ids=result.reminder_ids, now=morning(date(2023, 10, 9)))
    failing.server.shutdown()
    row = Reminder.objects.get()
    assert sent.failed_ids == [row.id]
    assert (row.status, row.attempts) == ("failed", 1)
    assert "310000" in row.error and row.next_attempt_at > morning(date(2023, 10, 9))
    # Once the backoff has passed, the next scan picks the row up again.
    later = reminders_scan(as_of=date(2023, 10, 10), now=morning(date(2023, 10, 10)))
    assert row.id in later.swept_ids


# ---------------------------------------------------------------- channel helpers


def test_long_robot_messages_are_split_under_the_byte_limit():
    text = "\n".join(f"{i}. 关于推进城市更新项目的督办事项，请按时办理并反馈。" for i in range(200))
    parts = notifications.message_split(text=text, max_bytes=2000)
    assert len(parts) > 1
    assert all(len(p.encode()) <= 2000 + 16 for p in parts)
    assert "199. 关于推进" in parts[-1] and "0. 关于推进" in parts[0]


def test_robot_rate_limit_is_twenty_a_minute():
    key = notifications.robot_key("http://robot.example/send?key=1")
    waits = [notifications.webhook_slot_acquire(key=key, limit=20) for _ in range(21)]
    assert waits[:20] == [0.0] * 20 and waits[20] > 0


def test_dingtalk_signature_matches_the_documented_algorithm():
    url = notifications.dingtalk_signed_url(url="https://oapi.dingtalk.com/robot/send?access_token=t",
                                            secret="SEC1", timestamp_ms=1700000000000)
    digest = hmac.new(b"SEC1", b"1700000000000\nSEC1", hashlib.sha256).digest()
    assert url.endswith(f"&timestamp=1700000000000&sign={quote_plus(b64encode(digest).decode())}")


# ---------------------------------------------------------------- interfaces


def test_send_reminders_dry_run_records_nothing(directive, department, capsys, settings):
    settings.REMINDER_SEND_WINDOW = False
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    call_command("send_reminders", "--dry-run", "--date", "2023-10-09")
    out = capsys.readouterr().out
    assert "1 new reminders" in out and "市住建局" in out and "dry run" in out
    assert not Reminder.objects.exists() and mail.outbox == []


def test_send_reminders_command_sends(directive, department, settings):
    settings.REMINDER_SEND_WINDOW = False
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    call_command("send_reminders", "--date", "2023-10-09")
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().status == "sent"


def test_celery_scan_task_delegates_to_the_service(directive, department, settings):
    from tracker.tasks import reminders_scan as reminders_scan_task

    settings.REMINDER_SEND_WINDOW = False
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    out = reminders_scan_task.apply(args=["2023-10-09"]).get()
    assert out["created"] == {"due_today": 1}


def test_reminder_log_admin_lists_and_filters(directive, department, admin_client):
    make_task(directive, department, "当天到期", date(2023, 10, 9))
    reminders_scan(as_of=date(2023, 10, 9), now=morning(date(2023, 10, 9)))
    response = admin_client.get("/admin/tracker/reminder/", {"status": "pending", "kind": "due_today",
                                                            "channel": "email"})
    assert response.status_code == 200
    assert "当天到期" in response.content.decode()
