"""Delivery channels for reminders: e-mail and 企业微信 / 钉钉 group-robot webhooks.

Everything here is about one message to one recipient: rendering the Chinese digest text, splitting
it to the robots' size limit, signing DingTalk requests and keeping each robot under its rate
limit. Which notices exist and whether they were already sent is decided in `reminders.py`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from tracker.secrets import url_secrets_redact

WECOM = "wecom"
DINGTALK = "dingtalk"

KIND_LABELS: dict[str, str] = {
    "due_soon": "即将到期",
    "due_today": "今日到期",
    "overdue": "已逾期",
    "escalation": "逾期督办（抄送领导）",
    "node_breach": "节点超时",
    "urge": "催办",
}
NODE_LABELS: dict[str, str] = {"sign": "未按时签收", "first_report": "未按时首次反馈"}
ROLE_LABELS: dict[str, str] = {"lead": "牵头", "support": "配合"}


class DeliveryError(Exception):
    """A channel refused or failed a message; the text is recorded on the reminder rows."""


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """One line of a digest: a task, why it is listed, and where to open it."""

    kind: str
    task_id: int
    task_title: str
    doc_number: str
    due_on: date | None
    overdue_workdays: int = 0
    remaining_workdays: int = 0
    node: str = ""
    role: str = ""
    department_name: str = ""
    note: str = ""


def task_url(*, task_id: int) -> str:
    """Absolute link to the department portal's task page."""
    return f"{settings.SITE_URL.rstrip('/')}/portal/tasks/{task_id}/"


def _date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def notice_line(*, item: NoticeItem) -> str:
    """The Chinese text of one digest line."""
    label = KIND_LABELS.get(item.kind, item.kind)
    if item.kind in ("overdue", "escalation"):
        label = f"{label}{item.overdue_workdays}个工作日"
    elif item.kind == "due_soon" and item.remaining_workdays:
        label = f"{label}（剩{item.remaining_workdays}个工作日）"
    elif item.kind == "node_breach":
        label = f"{label}：{NODE_LABELS.get(item.node, item.node)}"
    parts = [f"【{label}】{item.task_title}"]
    if item.doc_number:
        parts.append(f"文号：{item.doc_number}")
    if item.department_name:
        role = ROLE_LABELS.get(item.role, "")
        parts.append(f"责任单位：{item.department_name}{f'（{role}）' if role else ''}")
    elif item.role in ROLE_LABELS:
        parts.append(f"本单位：{ROLE_LABELS[item.role]}")
    if item.due_on is not None:
        parts.append(f"办理时限：{_date_zh(item.due_on)}")
    if item.note:
        parts.append(f"说明：{item.note}")
    parts.append(f"详情：{task_url(task_id=item.task_id)}")
    return parts[0] + "\n   " + "；".join(parts[1:])


def digest_render(*, recipient: str, as_of: date, items: Sequence[NoticeItem]) -> tuple[str, str]:
    """Subject and body of one department's (or the managers') daily digest."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    summary = "，".join(f"{KIND_LABELS[k]}{n}项" for k, n in counts.items() if k in KIND_LABELS)
    subject = f"督查督办提醒（{_date_zh(as_of)}）：{summary}"
    lines = [f"{recipient}：", f"截至{_date_zh(as_of)}，请关注以下督办事项（{summary}）：", ""]
    lines += [f"{i}. {notice_line(item=item)}" for i, item in enumerate(items, 1)]
    lines += ["", "请按时办理并在督查督办系统中反馈进展。——市政府督查室"]
    return subject, "\n".join(lines)


def message_split(*, text: str, max_bytes: int) -> list[str]:
    """Split `text` at line boundaries into parts of at most `max_bytes` UTF-8 bytes.

    Robots reject texts over ~2 KB; a single overlong line is cut at character boundaries.
    """
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line.encode()) > max_bytes:
            cut = max_bytes
            while len(line[:cut].encode()) > max_bytes:
                cut -= 1
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate.encode()) > max_bytes:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    if len(parts) > 1:
        total = len(parts)
        parts = [f"({i}/{total})\n{p}" if len(f"({i}/{total})\n{p}".encode()) <= max_bytes + 16 else p
                 for i, p in enumerate(parts, 1)]
    return parts


def email_send(*, recipients: Sequence[str], subject: str, body: str) -> None:
    """Send one e-mail through Django's configured backend (SMTP settings come from the environment)."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients), fail_silently=False)
    except Exception as exc:  # SMTP errors, refused connections, bad addresses
        raise DeliveryError(f"e-mail: {exc.__class__.__name__}: {exc}") from exc


@sensitive_variables("url", "secret", "digest", "sign")
def dingtalk_signed_url(*, url: str, secret: str, timestamp_ms: int) -> str:
    """Append DingTalk's signature: base64(HMAC-SHA256(key=secret, "timestamp\\nsecret"))."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def robot_key(url: str) -> str:
    """A stable key for one robot (its URL without any signature), for the rate limiter."""
    return hashlib.sha256(url.split("&timestamp=")[0].encode()).hexdigest()


def webhook_slot_acquire(*, key: str, limit: int, window: float = 60.0) -> float:
    """Take one of the robot's `limit` messages per `window` seconds; 0.0 when taken, else seconds to wait.

    Backed by the database (RobotMessage) so that every worker process shares the count; the insert
    comes first so that concurrent takers serialise on it (PostgreSQL: an advisory lock per robot).
    """
    from tracker.models import RobotMessage

    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])
        since = now - timedelta(seconds=window)
        RobotMessage.objects.filter(robot=key, sent_at__lt=now - timedelta(seconds=window * 10)).delete()
        recent = list(
            RobotMessage.objects.filter(robot=key, sent_at__gt=since).order_by("sent_at").values_list(
                "sent_at", flat=True
            )[:limit]
        )
        if len(recent) >= limit:
            return max(0.05, (recent[0] - since).total_seconds())
        RobotMessage.objects.create(robot=key, sent_at=now)
    return 0.0


@sensitive_variables("url")
def _post_json(url: str, payload: dict[str, object], timeout: float) -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (URL set by the office)
        body = response.read().decode("utf-8", "replace")
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = {"errcode": -1, "errmsg": f"not JSON: {body[:200]}"}
    return data if isinstance(data, dict) else {}


@sensitive_variables("url", "secret", "target")
def webhook_send(
    *,
    url: str,
    kind: str,
    secret: str,
    text: str,
    sleep: Callable[[float], None] = time.sleep,
    skip: int = 0,
    on_part_sent: Callable[[int], None] | None = None,
) -> int:
    """POST `text` to a 企业微信 or 钉钉 group robot, split and rate-limited; returns messages sent.

    `skip` parts already reached the robot in an earlier attempt (robots do not deduplicate: they are not sent
    again); `on_part_sent(n)` is told after each part that n parts have now been sent.
    """
    parts = message_split(text=text, max_bytes=settings.REMINDER_WEBHOOK_MAX_BYTES)
    key = robot_key(url)
    for number, part in enumerate(parts, 1):
        if number <= skip:
            continue
        while (wait := webhook_slot_acquire(key=key, limit=settings.REMINDER_WEBHOOK_RATE_PER_MINUTE)) > 0:
            sleep(wait)
        target = url
        if kind == DINGTALK and secret:
            target = dingtalk_signed_url(url=url, secret=secret, timestamp_ms=int(time.time() * 1000))
        payload: dict[str, object] = {"msgtype": "text", "text": {"content": part}}
        try:
            reply = _post_json(target, payload, settings.REMINDER_WEBHOOK_TIMEOUT)
        except OSError as exc:  # URLError, HTTPError, timeouts
            # The error text is shown in the reminder log: never the robot's access token or signature.
            raise DeliveryError(url_secrets_redact(f"webhook: {exc.__class__.__name__}: {exc}")) from exc
        if reply.get("errcode", 0) not in (0, "0"):
            raise DeliveryError(url_secrets_redact(
                f"webhook: errcode {reply.get('errcode')}: {reply.get('errmsg', '')}"))
        if on_part_sent is not None:
            on_part_sent(number)
    return max(0, len(parts) - skip)
