"""Outgoing webhooks (issue 15.1): endpoints other systems register with the office, and one delivery row per
event and endpoint, written in the transaction of the action it reports and sent once by Celery."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class WebhookEvent(models.TextChoices):
    """The events an endpoint may subscribe to (the `event` field of every payload)."""

    TASK_CREATED = "task.created", "立项"
    TASK_ASSIGNED = "task.assigned", "交办"
    ASSIGNMENT_SIGNED = "assignment.signed", "签收"
    ASSIGNMENT_RETURNED = "assignment.returned", "退回"
    ASSIGNMENT_REASSIGNED = "assignment.reassigned", "重新交办"
    ASSIGNMENT_REPORTED = "assignment.reported", "反馈进展"
    ASSIGNMENT_PERIOD_COMPLETED = "assignment.period_completed", "完成本期"
    ASSIGNMENT_URGED = "assignment.urged", "催办"
    ASSIGNMENT_URGE_REPLIED = "assignment.urge_replied", "答复催办"
    ASSIGNMENT_OVERDUE = "assignment.overdue", "逾期"
    EXTENSION_REQUESTED = "extension.requested", "申请延期"
    EXTENSION_DECIDED = "extension.decided", "审批延期"
    ASSIGNMENT_COMPLETION_REQUESTED = "assignment.completion_requested", "申请办结"
    ASSIGNMENT_COMPLETED = "assignment.completed", "办结确认"
    ASSIGNMENT_SENT_BACK = "assignment.sent_back", "退办"
    TASK_SIGNED_OFF = "task.signed_off", "销号"


class WebhookEndpoint(models.Model):
    """Another system's URL that receives the events it subscribed to, signed with its own secret."""

    name = models.CharField("名称", max_length=100, help_text="如 市政府OA、某区督查系统")
    url = models.URLField("接收地址", max_length=500)
    # Write-only (tracker.secrets.SECRET_FIELDS): shown masked, never serialized.
    secret = models.CharField("签名密钥", max_length=200, help_text="HMAC-SHA256 签名所用密钥，对方系统据此验证来源")
    events = models.JSONField("订阅事件", default=list, blank=True)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="创建人",
    )

    class Meta:
        verbose_name = "推送地址"
        verbose_name_plural = "推送地址（Webhook）"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def subscribes(self, event: str) -> bool:
        return self.active and event in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one endpoint: recorded with the action, claimed before sending, sent at most once."""

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已送达"
        FAILED = "failed", "发送失败"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name="推送地址"
    )
    event_id = models.CharField("事件编号", max_length=100)
    event = models.CharField("事件", max_length=40, choices=WebhookEvent.choices)
    occurred_at = models.DateTimeField("发生时间")
    task = models.ForeignKey(
        "tracker.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="任务"
    )
    assignment = models.ForeignKey(
        "tracker.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="承办单位记录",
    )
    task_event = models.ForeignKey(
        "tracker.TaskEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="办理记录",
    )
    # The body as first sent (built right after the action's commit); retries send the same bytes.
    payload = models.JSONField("推送内容", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True, default="")
    response_code = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    # Who holds the row while sending it; a row is claimed by one conditional UPDATE.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次重试", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录（Webhook）"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="%(app_label)s_%(class)s_once_per_endpoint_event",
                violation_error_message="该事件已向这个推送地址记录过。",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="%(app_label)s_%(class)s_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="tracker_webhook_status_next")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.endpoint}"
