"""Faults: Redis down while the office urges or assigns, the SMTP server refusing, a webhook receiver timing out.

Each test breaks a real server (its own Redis, a fake SMTP server, a local HTTP receiver), takes the action
through the page or the service the interface calls, mends the server, lets the sweep do its work, and checks
that nothing was lost (the action is saved, the notice arrives) and nothing doubled (one row, one message).
The PostgreSQL fault is in test_postgres_drop.py.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.models import Assignment, Reminder, Task, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tracker.services.reminders import reminders_scan, reminders_sweep
from tracker.services.webhooks import webhooks_sweep
from tracker.tasks import reminder_send, webhook_deliver

S = Task.Status
DUE = date(2099, 6, 30)
AS_OF = date(2023, 6, 15)  # a Thursday, a working day


@pytest.fixture
def working_morning():
    """The clock at 10:00 on AS_OF (the sweep reads today from it), ticking."""
    with time_machine.travel(datetime(2023, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _run(queued) -> None:
    """What a worker would do with the messages the test took off the queue."""
    tasks = {"tracker.tasks.reminder_send": reminder_send, "tracker.tasks.webhook_deliver": webhook_deliver}
    for name, args in queued:
        tasks[name].apply(args=args)


def _form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    form = html.split(f'id="{form_id}"')[1].split("</form>")[0]
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        fields.setdefault(name.group(1), []).append(value.group(1) if value else "")
    return fields


# --- Redis down ---------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_urge_while_redis_is_down_is_saved_and_its_notice_sent_once_by_the_sweep(celery_on_redis, settings):
    settings.REMINDER_SEND_WINDOW = False
    office = office_user()
    _, unit = department_user(username="unit", department_name="市农业农村局")
    task = workflow_task(lead=unit, status=S.SIGNED, due_on=DUE)
    client = _client(office)
    celery_on_redis.stop()

    response = client.post(f"/portal/tasks/{task.pk}/urge/", {"urge-note": "请本周内报送进展"})
    assert response.status_code == 302  # the page answers as usual
    assert task.urges.count() == 1  # the action is saved
    [row] = Reminder.objects.filter(kind=Reminder.Kind.URGE)
    assert (row.status, row.department_id, row.channel) == (Reminder.Status.PENDING, unit.pk, Reminder.Channel.EMAIL)
    # A second click (the broker still down) is refused as a repeat: still one urge, one notice row.
    again = client.post(f"/portal/tasks/{task.pk}/urge/", {"urge-note": "请本周内报送进展"}, follow=True)
    assert again.status_code == 200 and "分钟内不重复催办" in again.content.decode()
    assert task.urges.count() == 1 and Reminder.objects.count() == 1
    assert mail.outbox == []

    celery_on_redis.start()
    # Within REQUEUE_AFTER the row may still be on its way: the sweep leaves it alone.
    assert reminders_sweep(now=timezone.now()) == []
    later = timezone.now() + timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS + 1)
    assert reminders_sweep(now=later) == [row.pk]
    queued = celery_on_redis.queued()
    assert queued == [("tracker.tasks.reminder_send", [[row.pk]])]
    _run(queued + queued)  # delivered twice (a redelivery, a second sweep): sent once
    assert len(mail.outbox) == 1 and "请本周内报送进展" in mail.outbox[0].body
    assert mail.outbox[0].to == [unit.contact_email]
    row.refresh_from_db()
    assert row.status == Reminder.Status.SENT and row.attempts == 1
    assert reminders_sweep(now=later + timedelta(hours=1)) == []
    assert celery_on_redis.queued() == []


@pytest.mark.django_db(transaction=True)
def test_assign_while_redis_is_down_is_saved_and_its_webhook_sent_once_by_the_sweep(
        celery_on_redis, receiver, settings):
    settings.WEBHOOK_REQUEUE_AFTER_SECONDS = 300
    office = office_user()
    _, unit = department_user(username="unit", department_name="市农业农村局")
    endpoint = WebhookEndpoint.objects.create(name="市政府OA", url=receiver.url, secret="s3cret-for-tests",
                                              events=[WebhookEvent.TASK_ASSIGNED])
    task = workflow_task(lead=unit, status=S.PENDING_REVIEW, due_on=DUE)
    client = _client(office)
    fields = _form_fields(client.get(f"/portal/tasks/{task.pk}/").content.decode(), "form-assign")
    celery_on_redis.stop()

    response = client.post(f"/portal/tasks/{task.pk}/assign/", fields)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == S.ASSIGNED
    assert lead_of(task).status == Assignment.Status.ASSIGNED and lead_of(task).department_id == unit.pk
    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.endpoint_id, delivery.event, delivery.status, delivery.attempts) == (
        endpoint.pk, WebhookEvent.TASK_ASSIGNED, WebhookDelivery.Status.PENDING, 0)
    assert delivery.payload is not None  # frozen after commit although the enqueue failed
    assert receiver.requests == []

    celery_on_redis.start()
    assert webhooks_sweep(now=timezone.now()) == []
    later = timezone.now() + timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS + 1)
    assert webhooks_sweep(now=later) == [delivery.pk]
    queued = celery_on_redis.queued()
    assert queued == [("tracker.tasks.webhook_deliver", [delivery.pk])]
    _run(queued + queued)
    assert len(receiver.requests) == 1
    headers, _ = receiver.requests[0]
    assert headers["x-duban-event"] == "task.assigned" and headers["x-duban-event-id"] == delivery.event_id
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SENT and delivery.attempts == 1
    assert webhooks_sweep(now=later + timedelta(hours=1)) == []


@pytest.mark.django_db(transaction=True)
def test_a_refused_publish_does_not_stop_the_other_enqueues_of_the_same_commit(celery_on_redis, settings,
                                                                                receiver):
    """Django runs on-commit callbacks in order and stops at the first that raises: one refused publish used
    to drop every later one (here: the second unit's notice)."""
    settings.REMINDER_SEND_WINDOW = False
    office = office_user()
    _, unit_a = department_user(username="unit_a", department_name="市农业农村局")
    _, unit_b = department_user(username="unit_b", department_name="市水务局")
    task = workflow_task(lead=unit_a, co_leads=(unit_b,), status=S.SIGNED, due_on=DUE)
    celery_on_redis.stop()
    response = _client(office).post(f"/portal/tasks/{task.pk}/urge/", {"urge-note": "请本周内报送进展"})
    assert response.status_code == 302
    assert task.urges.count() == 2
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 2
    celery_on_redis.start()
    later = timezone.now() + timedelta(seconds=settings.REMINDER_REQUEUE_AFTER_SECONDS + 1)
    reminders_sweep(now=later)
    _run(celery_on_redis.queued())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([unit_a.contact_email, unit_b.contact_email])
    assert not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()


# --- the SMTP server refusing --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("refuse", ["greeting", "sender", "data"])
def test_smtp_refusing_then_accepting_delivers_each_digest_once(fake_smtp, refuse, settings, working_morning,
                                                                django_capture_on_commit_callbacks):
    settings.REMINDER_SEND_WINDOW = False
    as_of = AS_OF
    _, unit = department_user(username="unit", department_name="市农业农村局")
    workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=as_of)
    workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=as_of, text="推进农村人居环境整治，按期完成。")
    now = timezone.now()
    fake_smtp.refuse = refuse

    with django_capture_on_commit_callbacks(execute=True):
        scan = reminders_scan(as_of=as_of, now=now)
    assert scan.created == {Reminder.Kind.DUE_TODAY: 2}
    rows = Reminder.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {(Reminder.Status.FAILED, 1)}
    assert all(r.error.startswith("e-mail: SMTP") and r.next_attempt_at is not None for r in rows)
    assert fake_smtp.messages == [] and fake_smtp.refusals == 1
    # Before the backoff has passed the sweep leaves the rows alone (no hammering a refusing server).
    assert reminders_sweep(now=now) == []

    fake_smtp.refuse = ""
    later = now + timedelta(seconds=settings.REMINDER_RETRY_BASE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sorted(reminders_sweep(now=later)) == sorted(r.pk for r in rows)
    assert len(fake_smtp.messages) == 1  # one digest of both tasks
    assert {(r.status, r.attempts) for r in Reminder.objects.all()} == {(Reminder.Status.SENT, 2)}
    # Nothing doubles afterwards: another sweep, the scan run again the same day.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_sweep(now=later + timedelta(hours=1)) == []
        assert reminders_scan(as_of=as_of, now=later).created == {}
    assert len(fake_smtp.messages) == 1 and Reminder.objects.count() == 2


@pytest.mark.django_db
def test_smtp_refusing_every_attempt_gives_up_visibly(fake_smtp, settings, working_morning,
                                                    django_capture_on_commit_callbacks):
    settings.REMINDER_SEND_WINDOW = False
    settings.REMINDER_MAX_ATTEMPTS = 3
    as_of = AS_OF
    _, unit = department_user(username="unit", department_name="市农业农村局")
    workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=as_of)
    fake_smtp.refuse = "sender"
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan(as_of=as_of, now=now)
    for hours in (1, 2, 3, 4):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_sweep(now=now + timedelta(hours=hours))
    [row] = Reminder.objects.all()
    # Kept as failed with the server's answer (the office's log shows it and may resend it); never sent.
    assert (row.status, row.attempts) == (Reminder.Status.FAILED, 3) and "550" in row.error
    assert fake_smtp.refusals == 3 and fake_smtp.messages == []


# --- a webhook receiver timing out ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_webhook_timing_out_is_retried_with_the_same_event_and_body_and_sent_once(
        receiver, settings, django_capture_on_commit_callbacks):
    from tracker.services.lifecycle_unit import assignment_sign

    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.slow, receiver.delay = 1, 1.0
    endpoint = WebhookEndpoint.objects.create(name="市政府OA", url=receiver.url, secret="s3cret-for-tests",
                                              events=[WebhookEvent.ASSIGNMENT_SIGNED])
    user, unit = department_user(username="unit", department_name="市农业农村局")
    task = workflow_task(lead=unit, status=S.ASSIGNED, due_on=DUE)

    with django_capture_on_commit_callbacks(execute=True):
        assignment_sign(assignment=lead_of(task), actor=user)
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.endpoint_id == endpoint.pk
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 1)
    assert "timed out" in delivery.last_error and delivery.next_attempt_at is not None
    assert lead_of(task).status == Assignment.Status.SIGNED  # the unit's action stands

    assert webhooks_sweep(now=timezone.now()) == []  # backoff not passed
    later = delivery.next_attempt_at + timedelta(seconds=1)
    with time_machine.travel(later, tick=True):  # the backoff has passed: the sweep sends it (eager here)
        assert webhooks_sweep() == [delivery.pk]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.SENT, 2)
    # The receiver saw the late request and the retry: the same event id, delivery and body, so it keeps one
    # event (receivers deduplicate on X-Duban-Event-Id, README "Webhooks"); the tracker holds one row.
    assert len(receiver.requests) == 2
    (first, body1), (second, body2) = receiver.requests
    assert first["x-duban-event-id"] == second["x-duban-event-id"] == delivery.event_id
    assert first["x-duban-delivery"] == second["x-duban-delivery"] == str(delivery.pk)
    assert body1 == body2
    assert webhooks_sweep(now=later + timedelta(hours=1)) == []
    assert len(receiver.requests) == 2 and WebhookDelivery.objects.count() == 1


# --- a group robot failing half-way through a split digest ------------------------------------------------------


@pytest.mark.django_db
def test_a_robot_failing_half_way_gets_only_the_rest_on_retry(receiver, settings, working_morning,
                                                              django_capture_on_commit_callbacks):
    """Robots do not deduplicate: a digest split into parts that failed at part 2 used to be resent whole."""
    settings.REMINDER_SEND_WINDOW = False
    settings.REMINDER_WEBHOOK_MAX_BYTES = 300
    receiver.refuse = {2}
    _, unit = department_user(username="unit", department_name="市农业农村局")
    unit.contact_email, unit.webhook_url, unit.webhook_kind = "", receiver.url, "wecom"
    unit.save(update_fields=["contact_email", "webhook_url", "webhook_kind"])
    for n in range(4):
        workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=AS_OF, text=f"第{n + 1}项：推进农村人居环境整治，按期完成。")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_scan(as_of=AS_OF, now=now)
    rows = list(Reminder.objects.all())
    assert len(rows) == 4 and {(r.status, r.parts_sent) for r in rows} == {(Reminder.Status.FAILED, 1)}
    assert len(receiver.requests) == 2  # part 1 delivered, part 2 refused

    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(now=now + timedelta(seconds=settings.REMINDER_RETRY_BASE_SECONDS + 1))
    parts = [json.loads(body)["text"]["content"] for _, body in receiver.requests]
    total = len(parts) - 1  # the refused request is not a delivered part
    assert total >= 3
    delivered = [parts[0], *parts[2:]]
    assert [p.split("\n", 1)[0] for p in delivered] == [f"({i}/{total})" for i in range(1, total + 1)]
    assert len(set(delivered)) == total  # no part twice
    assert {(r.status, r.parts_sent) for r in Reminder.objects.all()} == {(Reminder.Status.SENT, total)}


def test_the_sweeps_are_scheduled_and_the_scan_retries_on_database_errors(settings):
    from django.db import InterfaceError, OperationalError

    from config.celery import app
    from tracker.tasks import reminders_scan

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"tracker.tasks.reminders_sweep", "tracker.tasks.webhooks_sweep", "tracker.tasks.reminders_scan"} <= schedule
    assert {"tracker.tasks.reminders_sweep", "tracker.tasks.webhooks_sweep"} <= set(app.tasks)
    assert {OperationalError, InterfaceError} <= set(reminders_scan.autoretry_for)
