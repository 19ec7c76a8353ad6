"""Reminders (issue 6): one row per notice, written before anything is sent."""
from __future__ import annotations

from django.db import models
from django.db.models import Q


class Reminder(models.Model):
    """One notice to one department on one channel on one day; its unique identity makes sends idempotent."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "即将到期"
        DUE_TODAY = "due_today", "今日到期"
        OVERDUE = "overdue", "已逾期"
        ESCALATION = "escalation", "逾期抄送领导"
        NODE_BREACH = "node_breach", "节点超时"
        URGE = "urge", "催办"

    class Node(models.TextChoices):
        NONE = "", "—"
        SIGN = "sign", "签收"
        FIRST_REPORT = "first_report", "首次反馈"

    class Channel(models.TextChoices):
        EMAIL = "email", "邮件"
        WEBHOOK = "webhook", "群机器人"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    occurrence = models.ForeignKey(
        "tracker.DeadlineOccurrence", null=True, blank=True, on_delete=models.CASCADE,
        related_name="reminders", verbose_name="时限",
    )
    node = models.CharField("节点", max_length=16, choices=Node.choices, default="", blank=True)
    urge = models.ForeignKey(
        "tracker.Urge", null=True, blank=True, on_delete=models.CASCADE, related_name="reminders",
        verbose_name="催办",
    )
    task = models.ForeignKey("tracker.Task", on_delete=models.CASCADE, related_name="reminders", verbose_name="任务")
    department = models.ForeignKey(
        "tracker.Department", on_delete=models.CASCADE, related_name="reminders", verbose_name="单位"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    channel = models.CharField("渠道", max_length=8, choices=Channel.choices)
    sent_on = models.DateField("提醒日期")
    due_on = models.DateField("办理时限", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    error = models.TextField("错误", blank=True, default="")
    # The scan run that inserted the row: a run sends only the rows it created itself.
    run_token = models.CharField("批次", max_length=32, db_index=True)
    # Who holds the row while sending it; a row is claimed by one conditional UPDATE.
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次重试", null=True, blank=True)
    # A digest split into several robot messages: how many reached the robot, so a retry sends only the rest.
    parts_sent = models.PositiveSmallIntegerField("已发送分段", default=0, db_default=0)  # raw INSERT … SELECT omits it
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-sent_on", "department_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "department", "kind", "channel", "sent_on"],
                condition=Q(occurrence__isnull=False),
                name="%(app_label)s_%(class)s_once_per_occurrence_day",
                violation_error_message="这条时限提醒今天已经记录过。",
            ),
            models.UniqueConstraint(
                fields=["task", "node", "department", "kind", "channel", "sent_on"],
                condition=Q(occurrence__isnull=True, urge__isnull=True),
                name="%(app_label)s_%(class)s_once_per_node_day",
                violation_error_message="这条节点提醒今天已经记录过。",
            ),
            models.UniqueConstraint(
                fields=["urge", "department", "channel"],
                condition=Q(urge__isnull=False),
                name="%(app_label)s_%(class)s_once_per_urge",
                violation_error_message="这次催办已经通知过该单位。",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"),
                name="%(app_label)s_%(class)s_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "sent_on"], name="tracker_reminder_status_day"),
            models.Index(fields=["claim_token"], name="tracker_reminder_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sent_on} → {self.department_id} ({self.get_channel_display()})"


class RobotMessage(models.Model):
    """One message posted to a group robot, kept a few minutes for the per-robot rate limit."""

    robot = models.CharField(max_length=64)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = "机器人消息"
        verbose_name_plural = "机器人消息"
        indexes = [models.Index(fields=["robot", "sent_at"], name="tracker_robotmsg_robot_time")]

    def __str__(self) -> str:
        return f"{self.robot[:8]} {self.sent_at:%H:%M:%S}"
