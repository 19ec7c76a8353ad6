"""Outgoing webhooks (issue 15.1): other systems hear of every step of the 督办 cycle, signed, exactly once.

Exactly-once rests on the database, as the reminders' does (tracker.services.reminders):

1. Recording. An action's TaskEvent (services.lifecycle.event_record), a 立项, or the daily scan's overdue parts
   become one WebhookDelivery row per subscribed endpoint, in the transaction of the write that caused them,
   under a unique (endpoint, event_id): the event ids are derived from what happened ("task-event-<id>",
   "assignment.overdue-<part>-<due date>"), so a repeated scan records nothing twice. Sending is enqueued after
   commit (`tasks.enqueue_on_commit`: a broker that is down loses nothing, the sweep sends the row); the payload is built right after commit (the state the action left), kept on the
   row, and every retry sends the same body.
2. Sending. `webhook_deliver` claims the row with one conditional UPDATE (pending, or failed and due for a
   retry → sending) before the POST, so two workers holding the same id, a retried task or a redelivered one
   never send twice. A failure is recorded (attempts, last error, response code, next attempt after an
   exponential backoff) and retried by Celery; a row left "sending" by a killed worker is not resent
   automatically (the receiver may have it): `webhooks_sweep` marks it failed, and the office may resend it.

Each request carries `X-Duban-Signature: sha256=<HMAC-SHA256 of the body with the endpoint's secret>`, the
event id (`X-Duban-Event-Id`: receivers deduplicate on it), the event name and a timestamp.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from tracker.models import (
    Assignment,
    ExtensionRequest,
    Task,
    TaskEvent,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from tracker.secrets import url_secrets_redact
from tracker.tasks import enqueue_on_commit
from tracker.tasks import webhook_deliver as webhook_deliver_task

logger = logging.getLogger(__name__)
E = WebhookEvent
D = WebhookDelivery.Status
# The audit trail's actions that other systems hear of (TaskEvent.Action → webhook event).
EVENT_OF_ACTION: dict[str, str] = {
    TaskEvent.Action.ASSIGN: E.TASK_ASSIGNED,
    TaskEvent.Action.SIGN: E.ASSIGNMENT_SIGNED,
    TaskEvent.Action.RETURN: E.ASSIGNMENT_RETURNED,
    TaskEvent.Action.REASSIGN: E.ASSIGNMENT_REASSIGNED,
    TaskEvent.Action.REPORT: E.ASSIGNMENT_REPORTED,
    TaskEvent.Action.OCCURRENCE_COMPLETE: E.ASSIGNMENT_PERIOD_COMPLETED,
    TaskEvent.Action.URGE: E.ASSIGNMENT_URGED,
    TaskEvent.Action.URGE_REPLY: E.ASSIGNMENT_URGE_REPLIED,
    TaskEvent.Action.EXTENSION_REQUEST: E.EXTENSION_REQUESTED,
    TaskEvent.Action.EXTENSION_APPROVE: E.EXTENSION_DECIDED,
    TaskEvent.Action.EXTENSION_REJECT: E.EXTENSION_DECIDED,
    TaskEvent.Action.COMPLETION_REQUEST: E.ASSIGNMENT_COMPLETION_REQUESTED,
    TaskEvent.Action.ACCEPT: E.ASSIGNMENT_COMPLETED,
    TaskEvent.Action.SEND_BACK: E.ASSIGNMENT_SENT_BACK,
    TaskEvent.Action.SIGN_OFF: E.TASK_SIGNED_OFF,
}
SENDING_LEASE = timedelta(minutes=15)  # longer than any delivery (the timeout is seconds)
EARLY_TOLERANCE = timedelta(seconds=1)  # a retry's countdown may fire a moment before next_attempt_at
USER_AGENT = "duban-tracker-webhooks/1"


class DeliveryFailed(Exception):
    """The receiver refused or could not be reached; the text (never the secret) is kept on the row."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one delivery attempt did: sent, failed (retry_in seconds, None when given up), not_due, skipped."""

    status: str
    retry_in: float | None = None


# --- recording ----------------------------------------------------------------------------------------------


def _subscribed(event: str) -> list[WebhookEndpoint]:
    # A handful of endpoints: read them all rather than rely on JSON containment (SQLite has none).
    return [e for e in WebhookEndpoint.objects.filter(active=True) if e.subscribes(event)]


def _enqueue(ids: Sequence[int]) -> None:
    """After commit: freeze the payloads (the state the action left), then send each row."""
    if not ids:
        return
    ids = list(ids)
    transaction.on_commit(lambda: _freeze_quietly(ids))
    for delivery_id in ids:
        enqueue_on_commit(webhook_deliver_task, delivery_id)


def webhook_event_record(*, event: str, event_id: str, occurred_at: datetime, task_id: int | None = None,
                         assignment_id: int | None = None, task_event: TaskEvent | None = None) -> list[int]:
    """Record one event for every active endpoint subscribed to it (in the caller's transaction) and send the
    new rows after commit; an event id already recorded for an endpoint is not recorded again."""
    endpoints = _subscribed(event)
    if not endpoints:
        return []
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create([
            WebhookDelivery(endpoint=endpoint, event_id=event_id, event=event, occurred_at=occurred_at,
                            task_id=task_id, assignment_id=assignment_id, task_event=task_event)
            for endpoint in endpoints
        ], ignore_conflicts=True)
        ids = list(WebhookDelivery.objects.filter(event_id=event_id, endpoint__in=endpoints, status=D.PENDING,
                                                  attempts=0).values_list("pk", flat=True))
        _enqueue(ids)
    return ids


def task_event_publish(*, event: TaskEvent) -> list[int]:
    """The webhook side of an audit-trail line (called by services.lifecycle.event_record)."""
    name = EVENT_OF_ACTION.get(event.action)
    if name is None:
        return []
    return webhook_event_record(event=name, event_id=f"task-event-{event.pk}", occurred_at=event.created_at,
                                task_id=event.task_id, assignment_id=event.assignment_id, task_event=event)


def task_created_publish(*, task: Task, event: TaskEvent) -> list[int]:
    """立项 (services.register)."""
    return webhook_event_record(event=E.TASK_CREATED, event_id=f"task-created-{task.pk}",
                                occurred_at=event.created_at, task_id=task.pk, task_event=event)


def webhook_overdue_record(*, as_of: date, now: datetime | None = None) -> int:
    """assignment.overdue, once per unit's part and due date: the parts overdue on `as_of` (the one definition,
    AssignmentQuerySet.overdue) whose date passed within WEBHOOK_OVERDUE_LOOKBACK_DAYS. Returns rows recorded."""
    endpoints = _subscribed(E.ASSIGNMENT_OVERDUE)
    if not endpoints:
        return 0
    now = now or timezone.now()
    since = as_of - timedelta(days=settings.WEBHOOK_OVERDUE_LOOKBACK_DAYS)
    parts = list(Assignment.objects.overdue(as_of).filter(current_due__gte=since)
                 .values_list("pk", "task_id", "current_due"))
    rows = [WebhookDelivery(endpoint=endpoint, event=E.ASSIGNMENT_OVERDUE, occurred_at=now, task_id=task_id,
                            assignment_id=pk, event_id=f"assignment.overdue-{pk}-{due:%Y%m%d}")
            for endpoint in endpoints for pk, task_id, due in parts]
    with transaction.atomic():
        before = WebhookDelivery.objects.filter(event=E.ASSIGNMENT_OVERDUE).count()
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        created = WebhookDelivery.objects.filter(event=E.ASSIGNMENT_OVERDUE).count() - before
        ids = list(WebhookDelivery.objects.filter(
            event=E.ASSIGNMENT_OVERDUE, event_id__in={r.event_id for r in rows}, status=D.PENDING, attempts=0,
            payload__isnull=True).values_list("pk", flat=True))
        _enqueue(ids)
    return created


# --- payloads -----------------------------------------------------------------------------------------------


def _person(user: Any) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.get_username(), "name": user.get_full_name() or user.get_username()}


def webhook_payload(*, delivery: WebhookDelivery) -> dict[str, Any]:
    """The body of a delivery: the event, and the task (and the unit's part, report or extension request) in the
    shapes the API returns for them (tracker.api.serializers)."""
    from tracker.api import serializers as shapes
    from tracker.selectors_api import task_card

    as_of = timezone.localdate(delivery.occurred_at)
    data: dict[str, Any] = {}
    task = Task.objects.select_related("directive", "leader").filter(pk=delivery.task_id).first()
    if task is not None:
        card = task_card(task=task, as_of=as_of)
        data["task"] = shapes.TaskSerializer(card).data
        part = next((a for a in card.assignments if a.pk == delivery.assignment_id), None)
        if part is not None:
            data["assignment"] = shapes.AssignmentSerializer(part).data
    event = delivery.task_event
    if event is not None:
        data["action"] = {
            "code": event.action, "label": event.get_action_display(),
            "from_status": event.from_status, "to_status": event.to_status,
            "from_status_label": event.status_labels()[0], "to_status_label": event.status_labels()[1],
            "note": event.note, "actor": _person(event.actor),
            "department": {"id": event.department_id, "name": event.department.name} if event.department else None,
        }
    if delivery.assignment_id is not None and delivery.event in (E.ASSIGNMENT_REPORTED,
                                                                 E.ASSIGNMENT_COMPLETION_REQUESTED):
        report = (delivery.assignment.progress_reports.filter(created_at__lte=delivery.occurred_at)
                  .select_related("department").prefetch_related("attachments").order_by("-created_at", "-pk")
                  .first()) if delivery.assignment else None
        data["report"] = shapes.ProgressReportSerializer(report).data if report else None
    if delivery.assignment_id is not None and delivery.event in (E.EXTENSION_REQUESTED, E.EXTENSION_DECIDED):
        extensions = ExtensionRequest.objects.filter(assignment_id=delivery.assignment_id).select_related(
            "department")
        if delivery.event == E.EXTENSION_DECIDED:
            extensions = extensions.filter(decided_at__isnull=False).order_by("-decided_at", "-pk")
        data["extension_request"] = shapes.ExtensionRequestSerializer(
            extensions.order_by("-created_at", "-pk").first() if delivery.event == E.EXTENSION_REQUESTED
            else extensions.first()).data
    return {
        "id": delivery.event_id,
        "event": delivery.event,
        "event_label": delivery.get_event_display(),
        "occurred_at": timezone.localtime(delivery.occurred_at).isoformat(timespec="seconds"),
        "data": data,
    }


def _freeze_quietly(ids: list[int]) -> None:
    """After commit the action is done: a payload that cannot be built now is built at sending, never a 500."""
    try:
        webhook_payloads_freeze(delivery_ids=ids)
    except Exception:
        logger.exception("webhook payloads not built after commit: %s", ids)


def webhook_payloads_freeze(*, delivery_ids: Iterable[int]) -> int:
    """Build and keep the payload of rows that have none yet (each event's once for all its endpoints)."""
    rows = list(WebhookDelivery.objects.filter(pk__in=list(delivery_ids), payload__isnull=True)
                .select_related("task_event__actor", "task_event__department", "assignment"))
    built: dict[str, dict[str, Any]] = {}
    for row in rows:
        payload = built.get(row.event_id) or webhook_payload(delivery=row)
        built[row.event_id] = payload
        WebhookDelivery.objects.filter(pk=row.pk, payload__isnull=True).update(payload=payload)
    return len(rows)


# --- sending ------------------------------------------------------------------------------------------------


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed): compact UTF-8 JSON with sorted keys, the same for every retry."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


@sensitive_variables("secret")
def signature(*, secret: str, body: bytes) -> str:
    """The X-Duban-Signature value: "sha256=" and the hex HMAC-SHA256 of the body keyed with the secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: the body is never re-posted somewhere the office did not register."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@sensitive_variables("secret", "url")
def _post(*, url: str, secret: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        **headers, "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
        "X-Duban-Timestamp": str(int(time.time())), "X-Duban-Signature": signature(secret=secret, body=body),
    })
    try:
        with _OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            response.read(65536)
            code = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"对方返回 HTTP {exc.code}", code=exc.code) from exc
    except OSError as exc:  # URLError, timeouts, refused connections
        raise DeliveryFailed(url_secrets_redact(f"连接失败：{exc.__class__.__name__}: {exc}")) from exc
    if not 200 <= code < 300:
        raise DeliveryFailed(f"对方返回 HTTP {code}", code=code)
    return code


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones: base × 2^(attempts − 1)."""
    return float(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))


def _sendable(now: datetime) -> Q:
    return Q(status=D.PENDING) | Q(status=D.FAILED, attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_TOLERANCE))


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> Outcome:
    """Send one delivery row if it is still owed: claim it, POST it signed, record the outcome."""
    now = now or timezone.now()
    claim = uuid.uuid4().hex
    # The claim is committed before the POST: a second worker's UPDATE then matches nothing.
    claimed = WebhookDelivery.objects.filter(_sendable(now), pk=delivery_id).update(
        status=D.SENDING, claim_token=claim, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        row = WebhookDelivery.objects.filter(pk=delivery_id).only("status", "attempts", "next_attempt_at").first()
        if (row is not None and row.status == D.FAILED and row.attempts < settings.WEBHOOK_MAX_ATTEMPTS
                and row.next_attempt_at is not None and row.next_attempt_at > now):
            return Outcome("not_due", retry_in=(row.next_attempt_at - now).total_seconds())
        return Outcome("skipped")
    mine = WebhookDelivery.objects.filter(pk=delivery_id, claim_token=claim)
    try:
        if WebhookDelivery.objects.filter(pk=delivery_id, payload__isnull=True).exists():
            webhook_payloads_freeze(delivery_ids=[delivery_id])
    except Exception as exc:  # a bug, not the receiver's fault: kept on the row, retried, never a lost claim
        logger.exception("webhook payload of delivery %s", delivery_id)
        mine.update(status=D.FAILED, last_error=f"生成推送内容失败：{exc.__class__.__name__}", claim_token="",
                    next_attempt_at=now + timedelta(seconds=retry_delay(1)))
        return Outcome("failed", retry_in=retry_delay(1))
    row = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    try:
        if not row.endpoint.active:
            raise DeliveryFailed("推送地址已停用")
        code = _post(url=row.endpoint.url, secret=row.endpoint.secret, body=body_bytes(row.payload), headers={
            "X-Duban-Event": row.event, "X-Duban-Event-Id": row.event_id, "X-Duban-Delivery": str(row.pk)})
    except DeliveryFailed as exc:
        last = row.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not row.endpoint.active
        delay = None if last else retry_delay(row.attempts)
        mine.update(status=D.FAILED, last_error=str(exc)[:2000], response_code=exc.code, claim_token="",
                    next_attempt_at=None if delay is None else now + timedelta(seconds=delay))
        return Outcome("failed", retry_in=delay)
    mine.update(status=D.SENT, sent_at=timezone.now(), response_code=code, last_error="", claim_token="",
                next_attempt_at=None)
    return Outcome("sent")


def webhooks_sweep(*, now: datetime | None = None) -> list[int]:
    """Periodic: give up on rows a killed worker left "sending" (never resent: the receiver may have them), and
    enqueue failed rows whose backoff has passed and pending rows that lost their enqueue."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(status=D.SENDING, claimed_at__lt=now - SENDING_LEASE).update(
        status=D.FAILED, attempts=settings.WEBHOOK_MAX_ATTEMPTS, next_attempt_at=None, claim_token="",
        last_error="投递结果未知：发送进程中断（未自动重发，以免重复；可在推送记录中重新发送）")
    due = Q(status=D.FAILED, attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS, next_attempt_at__lte=now) | Q(
        status=D.PENDING, created_at__lte=now - timedelta(seconds=settings.WEBHOOK_REQUEUE_AFTER_SECONDS))
    ids = list(WebhookDelivery.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:5000])
    for delivery_id in ids:  # no transaction is open here (a beat task): enqueue now
        webhook_deliver_task.delay(delivery_id)
    return ids


@transaction.atomic
def webhook_deliveries_retry(*, delivery_ids: Iterable[int]) -> int:
    """重新发送 (the office's admin action): failed rows get a fresh set of attempts and are sent after commit."""
    rows = WebhookDelivery.objects.filter(pk__in=list(delivery_ids), status=D.FAILED)
    ids = list(rows.values_list("pk", flat=True))
    rows.update(attempts=0, next_attempt_at=None)
    for delivery_id in ids:
        enqueue_on_commit(webhook_deliver_task, delivery_id)
    return len(ids)
