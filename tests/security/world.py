"""Two departments' worth of data for the security walks, every row made through the services.

Unit A (市教育局) is the guesser; unit B (市卫生健康委) owns the objects guessed at. Before B's rows are
made, every tracker table's id sequence jumps to its own range far above A's ids
(`ids_start_above`), so an id of B's never names one of A's objects by accident, and ids of B's
objects of different models differ: a view that returns 200 for one of B's ids has leaked B's row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from tests.factories import DirectiveFactory, SourceFileFactory
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import (
    Deadline,
    DepartmentAlias,
    HolidayOverride,
    Message,
    Reminder,
    Task,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tracker.periods import month_of
from tracker.services import lifecycle_office, lifecycle_unit, printables
from tracker.services.deadlines import deadline_occurrences_sync, task_due_refresh
from tracker.services.messages import messages_mark_read
from tracker.services.register import task_register
from tracker.services.review import task_dismiss, task_edit

S = Task.Status
B_IDS_FROM = 100_000
# Text that appears only in unit B's rows: a response to unit A containing any of it is a leak.
B_MARKERS = ("医共体", "卫健专项通知", "卫健委进展", "%PDF-1.4 B-secret")
ROBOT_TOKEN = "b0t7oKeN9f3a"
ROBOT_URL = f"https://oapi.dingtalk.com/robot/send?access_token={ROBOT_TOKEN}"
ROBOT_SECRET = "SECd1ngTalkS1gn1ngKey"
REPORT = "已完成项目立项和可研批复，正在开展施工招标。"
# Outgoing webhooks: the endpoint's signing secret is write-only; its URL answers nothing (the discard port).
WEBHOOK_SECRET = "whS3cr3tSigningKey2026"
WEBHOOK_URL = "http://127.0.0.1:9/duban-hook"


@dataclass
class World:
    office: Any
    manager: Any
    user_a: Any
    unit_a: Any
    user_b: Any
    unit_b: Any
    task_a: Task
    tasks_b: list[Task]
    b_objects: list[Model] = field(default_factory=list)


def tracker_models() -> list[type[Model]]:
    """Every concrete tracker table, the simple-history tables included."""
    return [m for m in apps.get_app_config("tracker").get_models() if not m._meta.proxy and m._meta.managed]


def ids_start_above(start: int) -> None:
    """Move each tracker table's next id past start + 1000 × its position (SQLite and PostgreSQL).

    PostgreSQL sequences ignore the test's rollback, so the world sets them on both sides of the jump.
    """
    with connection.cursor() as cursor:
        for index, model in enumerate(tracker_models(), start=1):
            table, column, value = model._meta.db_table, model._meta.pk.column, start + 1000 * index
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, column, value])
            else:
                cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [value, table])
                if cursor.rowcount == 0:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value])


def build_world(*, media_root: Any) -> World:
    ids_start_above(0)
    office = office_user()
    manager = manager_user()
    manager.is_staff = True  # managers read the admin (dashboards, lists), as in the demo
    manager.save(update_fields=["is_staff"])
    user_a, unit_a = department_user(username="unit_a", department_name="市教育局")
    task_a = workflow_task(lead=unit_a, status=S.SIGNED, due_on=date(2030, 6, 30),
                           text="推进校园安全隐患排查整治，年底前完成。")

    ids_start_above(B_IDS_FROM)
    user_b, unit_b = department_user(username="unit_b", department_name="市卫生健康委")
    unit_b.webhook_url, unit_b.webhook_kind, unit_b.webhook_secret = ROBOT_URL, "dingtalk", ROBOT_SECRET
    unit_b.save(update_fields=["webhook_url", "webhook_kind", "webhook_secret"])
    DepartmentAlias.objects.create(department=unit_b, alias="市卫健委")
    directive_b = DirectiveFactory(title="关于卫健专项通知", source=SourceFileFactory(text="卫健专项通知\n一、医共体建设。\n"))
    text = "推进紧密型县域医共体建设，年底前实现全覆盖。"
    working = workflow_task(lead=unit_b, status=S.SIGNED, due_on=date(2030, 6, 30), text=text, directive=directive_b)
    part = lead_of(working)
    lifecycle_unit.progress_report_create(
        assignment=part, actor=user_b, text=f"卫健委进展：{REPORT}", percent=40,
        files=[SimpleUploadedFile("卫健委进展.pdf", b"%PDF-1.4 B-secret", content_type="application/pdf")])
    lifecycle_unit.extension_request_create(
        assignment=part, actor=user_b, reason="医共体信息平台需等待省级批复，无法按期完成。",
        requested_due_on=date(2030, 9, 30), current_progress="已完成40%", as_of=date(2030, 6, 1))
    lifecycle_office.task_urge(task=working, actor=office, note="请加快医共体建设进度")  # also records its notices
    Deadline.objects.create(task=working, text="每月28日前报送医共体进展", kind="monthly",
                                      due_on=timezone.localdate() + timedelta(days=10), recurrence="monthly",
                                      rule="M:28")
    for deadline in working.deadlines.all():
        deadline_occurrences_sync(deadline=deadline, assignment=part, as_of=timezone.localdate())
    task_due_refresh(task_ids=[working.pk])
    task_edit(task=working, user=office, title="推进医共体建设（修改）")  # a second history version

    requested = workflow_task(lead=unit_b, status=S.COMPLETION_REQUESTED, due_on=date(2030, 3, 31),
                              text="医共体牵头医院确定并挂牌。", directive=directive_b)
    signed_off = workflow_task(lead=unit_b, status=S.SIGNED_OFF, due_on=date(2029, 12, 31),
                               text="医共体章程制定印发。", directive=directive_b)
    draft = workflow_task(lead=unit_b, status=S.PENDING_REVIEW, due_on=date(2030, 12, 31),
                          text="医共体绩效考核办法待审核。", directive=directive_b)
    # Printables: B's 督办通知单 (addressed to B only) and this month's 督查通报 (office and managers only).
    printables.notice_issue(task=working, actor=office, as_of=timezone.localdate())
    printables.bulletin_issue(period=month_of(timezone.localdate()), actor=office, as_of=timezone.localdate())
    # 立项 from a meeting, with its minutes attached; and a draft the office judged not to be a task.
    registered = task_register(
        actor=office, as_of=timezone.localdate(), source_kind=Task.SourceKind.MEETING,
        source_ref="卫健专项会议纪要〔2030〕1号", instructed_by="分管副市长", text="医共体专题会议议定：建立双向转诊平台。",
        leads=[unit_b], due_on=date(2030, 12, 31), assign=True,
        files=[SimpleUploadedFile("医共体会议纪要.pdf", b"%PDF-1.4 B-secret minutes", content_type="application/pdf")])
    not_a_task = workflow_task(lead=unit_b, status=S.PENDING_REVIEW, due_on=None, text="医共体工作要求，不是任务。",
                               directive=directive_b)
    task_dismiss(task=not_a_task, actor=office, reason="属工作要求")
    Reminder.objects.create(task=working, department=unit_b, kind=Reminder.Kind.OVERDUE,
                            channel=Reminder.Channel.WEBHOOK, sent_on=date(2030, 7, 2), status=Reminder.Status.FAILED,
                            attempts=5, error="webhook: URLError: timed out", run_token="walk")
    HolidayOverride.objects.create(day=date(2030, 10, 8), is_workday=False, note="国庆调休")
    AccessAttempt.objects.create(username="unit_b", ip_address="10.9.8.7", user_agent="walk", get_data="",
                                 post_data="", http_accept="*/*", path_info="/portal/login/",
                                 failures_since_start=9, attempt_time=timezone.now())
    # Made last, so that the world's own actions recorded no delivery: one failed delivery, by hand.
    endpoint = WebhookEndpoint.objects.create(name="卫健委OA", url=WEBHOOK_URL, secret=WEBHOOK_SECRET,
                                              events=[WebhookEvent.ASSIGNMENT_SIGNED, WebhookEvent.TASK_ASSIGNED])
    WebhookDelivery.objects.create(endpoint=endpoint, event=WebhookEvent.ASSIGNMENT_SIGNED, event_id="walk-1",
                                   occurred_at=timezone.now(), task=working, assignment=part,
                                   payload={"id": "walk-1", "event": "assignment.signed", "data": {}},
                                   status=WebhookDelivery.Status.FAILED, attempts=6, last_error="对方返回 HTTP 500",
                                   response_code=500)
    # In-app messages: the services wrote B's (交办, 催办) to unit_b's user; one read, the others unread.
    messages_mark_read(user=user_b, message_ids=[Message.objects.filter(recipient=user_b).order_by("pk").first().pk])
    b_objects = [row for model in tracker_models() for row in model._base_manager.filter(pk__gt=B_IDS_FROM)]
    return World(office=office, manager=manager, user_a=user_a, unit_a=unit_a, user_b=user_b, unit_b=unit_b,
                 task_a=task_a, tasks_b=[working, requested, signed_off, draft, registered, not_a_task],
                 b_objects=b_objects)
