"""Outgoing webhooks: recorded with the action (same transaction), signed (a receiving server verifies the
HMAC), retried with exponential backoff, sent once (claimed before sending), overdue parts reported once by
the daily scan, the secret write-only in the admin and the office's 重新发送."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from celery.exceptions import Retry
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.api.conftest import lead, token_client
from tests.api.webhook_receiver import Receiver, verify
from tests.tracker.workflow import workflow_task
from tracker.models import Task, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tracker.services import lifecycle_office, lifecycle_unit, webhooks
from tracker.services.reminders import reminders_scan
from tracker.tasks import webhook_deliver as webhook_deliver_task
from tracker.transitions import TransitionError

pytestmark = pytest.mark.django_db
SECRET = "test-signing-secret-0123456789"
D = WebhookDelivery.Status
E = WebhookEvent


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(secret=SECRET)
    yield r
    r.close()


def _endpoint(url: str, *events: str, active: bool = True) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="市政府OA", url=url, secret=SECRET, events=list(events), active=active)


def test_an_action_records_one_delivery_per_subscribed_endpoint_in_its_transaction(people, receiver,
                                                                                  django_capture_on_commit_callbacks):
    signed = _endpoint(receiver.url, E.ASSIGNMENT_SIGNED)
    _endpoint(receiver.url, E.ASSIGNMENT_REPORTED)  # not this event
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED, active=False)
    part = lead(people.task_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lifecycle_unit.assignment_sign(assignment=part, actor=people.user_a)
    row = WebhookDelivery.objects.get()
    event = part.events.get(action="sign")
    assert (row.endpoint, row.event, row.event_id, row.task_event, row.assignment_id, row.status) == (
        signed, E.ASSIGNMENT_SIGNED, f"task-event-{event.pk}", event, part.pk, D.PENDING)
    assert row.payload is None and len(callbacks) == 2  # freeze the payload, then send — after commit only
    assert receiver.count() == 0


def test_a_refused_or_rolled_back_action_records_nothing(people, receiver):
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED, E.ASSIGNMENT_COMPLETION_REQUESTED)
    part = lead(people.task_a)
    with pytest.raises(TransitionError):
        lifecycle_unit.assignment_completion_request(assignment=part, actor=people.user_a, text="已全部完成并通过验收。")
    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle_unit.assignment_sign(assignment=part, actor=people.user_a)
        raise RuntimeError("the request failed after the service call")
    assert not WebhookDelivery.objects.exists()


def test_a_delivery_is_signed_and_carries_the_apis_shapes(people, receiver, django_capture_on_commit_callbacks):
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED, E.TASK_SIGNED_OFF)
    part = lead(people.task_a)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle_unit.assignment_sign(assignment=part, actor=people.user_a, note="已收到")
    assert receiver.count() == 1
    got = receiver.received[0]
    assert got.signature_ok and verify(secret=SECRET, body=got.body, header=got.headers["X-Duban-Signature"])
    assert not verify(secret="another-secret", body=got.body, header=got.headers["X-Duban-Signature"])
    assert got.headers["X-Duban-Event"] == "assignment.signed"
    assert got.headers["X-Duban-Event-Id"] == got.json["id"] == f"task-event-{part.events.get(action='sign').pk}"
    assert abs(int(got.headers["X-Duban-Timestamp"]) - timezone.now().timestamp()) < 60
    assert got.headers["Content-Type"] == "application/json; charset=utf-8"
    body = got.json
    assert (body["event"], body["event_label"]) == ("assignment.signed", "签收") and body["occurred_at"].endswith("+08:00")
    api_task = token_client(people.office).get(f"/api/v1/tasks/{people.task_a.pk}/").json()
    assert body["data"]["task"] == api_task  # the state the action left, in the API's shape
    assert body["data"]["assignment"]["status"] == "signed" and body["data"]["assignment"]["id"] == part.pk
    action = body["data"]["action"]
    assert (action["label"], action["from_status_label"], action["to_status_label"], action["note"]) == (
        "签收", "已交办", "已签收", "已收到")
    assert action["actor"]["username"] == "api_a" and action["department"]["name"] == "市教育局"
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.response_code) == (D.SENT, 1, 200) and row.sent_at is not None


def test_a_failing_receiver_is_retried_with_exponential_backoff_until_it_answers(people, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.fail_first = 2
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_a), actor=people.user_a)
    row = WebhookDelivery.objects.get()
    t0 = timezone.now()
    first = webhooks.webhook_deliver(delivery_id=row.pk, now=t0)
    assert first == webhooks.Outcome("failed", retry_in=30.0)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.response_code, row.last_error) == (D.FAILED, 1, 500, "对方返回 HTTP 500")
    assert row.next_attempt_at == t0 + timedelta(seconds=30)
    early = webhooks.webhook_deliver(delivery_id=row.pk, now=t0 + timedelta(seconds=10))
    assert early == webhooks.Outcome("not_due", retry_in=20.0) and receiver.count() == 1
    second = webhooks.webhook_deliver(delivery_id=row.pk, now=t0 + timedelta(seconds=30))
    assert second == webhooks.Outcome("failed", retry_in=60.0)  # doubled
    third = webhooks.webhook_deliver(delivery_id=row.pk, now=t0 + timedelta(seconds=90))
    assert third == webhooks.Outcome("sent")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.response_code, row.last_error) == (D.SENT, 3, 200, "")
    bodies = {r.body for r in receiver.received}
    assert len(receiver.received) == 3 and len(bodies) == 1 and all(r.signature_ok for r in receiver.received)


def test_the_celery_task_retries_with_the_rows_backoff_and_gives_up_at_the_limit(people, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_MAX_ATTEMPTS = 30, 2
    receiver.fail_first = 5
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_a), actor=people.user_a)
    row = WebhookDelivery.objects.get()
    webhook_deliver_task.push_request(is_eager=False, called_directly=False, retries=0, id="t-1", delivery_info={},
                                      args=[row.pk], kwargs={})
    try:
        with pytest.raises(Retry) as retry:
            webhook_deliver_task.run(row.pk)
        assert retry.value.when == 30.0
        WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert webhook_deliver_task.run(row.pk) == "failed"  # the 2nd attempt was the last: no retry raised
    finally:
        webhook_deliver_task.pop_request()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == (D.FAILED, 2, None)
    assert webhooks.webhooks_sweep() == []  # given up: only the office's 重新发送 sends it again


def test_a_delivery_is_sent_once_however_often_it_is_enqueued(people, receiver):
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_a), actor=people.user_a)
    row = WebhookDelivery.objects.get()
    outcomes = [webhooks.webhook_deliver(delivery_id=row.pk).status for _ in range(3)]
    assert outcomes == ["sent", "skipped", "skipped"] and receiver.count() == 1
    assert webhooks.webhooks_sweep() == []


def test_a_row_left_sending_by_a_killed_worker_is_given_up_not_resent(people, receiver):
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_a), actor=people.user_a)
    WebhookDelivery.objects.update(status=D.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(minutes=20))
    assert webhooks.webhooks_sweep() == []
    row = WebhookDelivery.objects.get()
    assert row.status == D.FAILED and "投递结果未知" in row.last_error and receiver.count() == 0
    assert webhooks.webhook_deliver(delivery_id=row.pk).status == "skipped"


def test_the_sweep_sends_failed_rows_whose_backoff_passed_and_orphans(people, receiver, settings):
    _endpoint(receiver.url, E.ASSIGNMENT_SIGNED, E.TASK_ASSIGNED)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_a), actor=people.user_a)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_b), actor=people.user_b)
    failed, orphan = WebhookDelivery.objects.order_by("pk")
    WebhookDelivery.objects.filter(pk=failed.pk).update(status=D.FAILED, attempts=1,
                                                        next_attempt_at=timezone.now() - timedelta(seconds=1))
    WebhookDelivery.objects.filter(pk=orphan.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert sorted(webhooks.webhooks_sweep()) == sorted([failed.pk, orphan.pk])
    assert receiver.count() == 2 and set(WebhookDelivery.objects.values_list("status", flat=True)) == {D.SENT}


def test_each_step_of_the_cycle_is_its_own_event(people, receiver):
    endpoint = _endpoint(receiver.url, *E.values)
    task = workflow_task(lead=people.unit_a, status=Task.Status.PENDING_REVIEW, due_on=date(2030, 6, 30))
    lifecycle_office.task_assign(task=task, actor=people.office, as_of=date(2026, 1, 5))
    part = lead(task)
    lifecycle_unit.assignment_sign(assignment=part, actor=people.user_a)
    lifecycle_unit.progress_report_create(assignment=part, actor=people.user_a, text="已完成现场排查并建立整改台账。", percent=50)
    extension = lifecycle_unit.extension_request_create(
        assignment=part, actor=people.user_a, reason="需等待省级批复后方可实施，无法按期完成。",
        requested_due_on=date(2030, 9, 30), current_progress="已完成方案", as_of=date(2030, 6, 1))
    lifecycle_office.extension_decide(extension=extension, actor=people.office, approve=False, note="理由不充分")
    lifecycle_unit.assignment_completion_request(assignment=part, actor=people.user_a, text="已全部完成并通过验收。")
    lifecycle_office.assignment_send_back(assignment=part, actor=people.office, reason="佐证材料不全")
    lifecycle_unit.assignment_completion_request(assignment=part, actor=people.user_a, text="已补充验收报告，申请办结。")
    lifecycle_office.assignment_accept(assignment=part, actor=people.office, rating="good")
    events = list(endpoint.deliveries.order_by("pk").values_list("event", flat=True))
    assert events == [E.TASK_ASSIGNED, E.ASSIGNMENT_SIGNED, E.ASSIGNMENT_REPORTED, E.EXTENSION_REQUESTED,
                      E.EXTENSION_DECIDED, E.ASSIGNMENT_COMPLETION_REQUESTED, E.ASSIGNMENT_SENT_BACK,
                      E.ASSIGNMENT_COMPLETION_REQUESTED, E.ASSIGNMENT_COMPLETED, E.TASK_SIGNED_OFF]
    webhooks.webhook_payloads_freeze(delivery_ids=endpoint.deliveries.values_list("pk", flat=True))
    decided = endpoint.deliveries.get(event=E.EXTENSION_DECIDED).payload["data"]
    assert decided["extension_request"]["status"] == "rejected" and decided["extension_request"]["decision_note"] == \
        "理由不充分"
    reported = endpoint.deliveries.get(event=E.ASSIGNMENT_REPORTED).payload["data"]
    assert reported["report"]["text"] == "已完成现场排查并建立整改台账。" and reported["report"]["percent"] == 50
    signed_off = endpoint.deliveries.get(event=E.TASK_SIGNED_OFF).payload["data"]["task"]
    assert signed_off["status_label"] == "已销号" and signed_off["units_accepted"] == 1


def test_overdue_parts_are_reported_once_by_the_daily_scan(people, receiver, settings):
    settings.REMINDER_SEND_WINDOW = False
    endpoint = _endpoint(receiver.url, E.ASSIGNMENT_OVERDUE)
    as_of = date(2030, 7, 13)  # a Saturday: the reminders defer, other systems still hear of it
    late = workflow_task(lead=people.unit_a, co_leads=(people.unit_b,), status=Task.Status.SIGNED,
                         due_on=date(2030, 7, 10))
    workflow_task(lead=people.unit_a, status=Task.Status.SIGNED, due_on=date(2030, 5, 1))  # long overdue
    workflow_task(lead=people.unit_a, status=Task.Status.SIGNED, due_on=as_of)  # due today: not overdue
    for _ in range(2):
        reminders_scan(as_of=as_of, dispatch=False)
    rows = endpoint.deliveries.order_by("pk")
    assert [(r.assignment.department.name, r.task_id) for r in rows] == [("市教育局", late.pk), ("市卫生健康委", late.pk)]
    assert {r.event_id for r in rows} == {f"assignment.overdue-{a.pk}-20300710" for a in late.assignments.all()}
    reminders_scan(as_of=as_of, dry_run=True)
    assert endpoint.deliveries.count() == 2


# --- the admin ---------------------------------------------------------------------------------------------


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_office_registers_an_endpoint_and_its_secret_stays_write_only(people):
    office = _admin(people.office)
    response = office.post("/admin/tracker/webhookendpoint/add/", {
        "name": "区督查系统", "url": "https://duban.example.gov.cn/hooks", "secret": "s3cret-signing-key-2026",
        "events": [E.TASK_ASSIGNED, E.ASSIGNMENT_OVERDUE], "active": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    endpoint = WebhookEndpoint.objects.get(name="区督查系统")
    assert endpoint.secret == "s3cret-signing-key-2026" and endpoint.created_by == people.office
    page = office.get(f"/admin/tracker/webhookendpoint/{endpoint.pk}/change/").content.decode()
    assert "s3cret-signing-key-2026" not in page and "••••2026" in page
    kept = office.post(f"/admin/tracker/webhookendpoint/{endpoint.pk}/change/", {
        "name": "区督查系统", "url": "https://duban.example.gov.cn/hooks", "secret": "",
        "events": [E.TASK_ASSIGNED], "active": "on"})
    assert kept.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == "s3cret-signing-key-2026" and endpoint.events == [E.TASK_ASSIGNED]
    short = office.post("/admin/tracker/webhookendpoint/add/", {"name": "x", "url": "https://x.example.gov.cn/",
                                                                "secret": "short", "events": [E.TASK_ASSIGNED]})
    assert "签名密钥至少16个字符" in short.content.decode()


def test_only_the_office_sees_webhooks_and_only_it_resends(people, receiver, django_capture_on_commit_callbacks):
    endpoint = _endpoint(receiver.url, E.ASSIGNMENT_SIGNED)
    lifecycle_unit.assignment_sign(assignment=lead(people.task_a), actor=people.user_a)
    WebhookDelivery.objects.update(status=D.FAILED, attempts=6, last_error="对方返回 HTTP 500")
    people.manager.is_staff = True
    people.manager.save(update_fields=["is_staff"])
    manager = _admin(people.manager)
    for url in ("/admin/tracker/webhookendpoint/", f"/admin/tracker/webhookendpoint/{endpoint.pk}/change/",
                "/admin/tracker/webhookdelivery/"):
        assert manager.get(url).status_code == 403, url
    row = WebhookDelivery.objects.get()
    data = {"action": "resend", ACTION_CHECKBOX_NAME: [str(row.pk)], "index": "0"}
    manager.post("/admin/tracker/webhookdelivery/", data)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (D.FAILED, 6)
    office = _admin(people.office)
    listing = office.get("/admin/tracker/webhookdelivery/").content.decode()
    assert "对方返回 HTTP 500" in listing and SECRET not in listing
    with django_capture_on_commit_callbacks(execute=True):
        office.post("/admin/tracker/webhookdelivery/", data)  # eager Celery: sent after commit
    row.refresh_from_db()
    assert (row.status, row.attempts) == (D.SENT, 1) and receiver.count() == 1


def test_a_task_registered_through_the_api_is_announced_once(people, receiver):
    endpoint = _endpoint(receiver.url, E.TASK_CREATED, E.TASK_ASSIGNED)
    body = {"source_kind": "meeting", "source_ref": "会议纪要〔2026〕12号", "text": "研究推进老旧小区改造，年底前完成。",
            "leads": [people.unit_a.pk], "due_on": "2030-12-31", "assign": True}
    created = token_client(people.office).post("/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="register-1")
    again = token_client(people.office).post("/api/v1/tasks/", body, format="json", HTTP_IDEMPOTENCY_KEY="register-1")
    assert created.status_code == again.status_code == 201 and again.json()["id"] == created.json()["id"]
    rows = endpoint.deliveries.order_by("pk")
    assert [(r.event, r.task_id) for r in rows] == [(E.TASK_CREATED, created.json()["id"]),
                                                   (E.TASK_ASSIGNED, created.json()["id"])]
