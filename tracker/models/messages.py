"""In-app messages (站内消息): what the services tell a unit's users, kept until each user reads it."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Message(models.Model):
    """One notice to one user about one task: a 交办, 催办, 退办, reminder or decision addressed to the user's
    unit. Written only by tracker.services.messages; read by its recipient alone."""

    class Kind(models.TextChoices):
        ASSIGN = "assign", "交办"
        URGE = "urge", "催办"
        SEND_BACK = "send_back", "退办"
        REMINDER = "reminder", "提醒"
        DECISION = "decision", "审批结果"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tracker_messages", verbose_name="接收人"
    )
    task = models.ForeignKey(
        "tracker.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="messages",
        verbose_name="任务",
    )
    department = models.ForeignKey(
        "tracker.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="致单位",
    )
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    text = models.TextField("内容")
    # Set for messages a repeated job may write twice (the daily reminder digest): one per recipient and key.
    key = models.CharField("去重标识", max_length=100, blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="%(app_label)s_%(class)s_once_per_key",
                violation_error_message="这条消息已经发送过。",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="tracker_message_unread"),
            models.Index(fields=["recipient", "-created_at"], name="tracker_message_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:30]}"
