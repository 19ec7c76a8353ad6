"""Append-only records of the 督办 cycle: events, progress reports, attachments, extensions, urges."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone


class TaskEvent(models.Model):
    """One action on a task or on one unit's part of it, with the status before and after; never updated or
    deleted. With `assignment`, the statuses are the unit's (Assignment.Status), else the task's (Task.Status);
    `department` keeps the unit named even after its assignment is rerouted."""

    class Action(models.TextChoices):
        CONFIRM = "confirm", "审核确认"
        ASSIGN = "assign", "交办"
        SIGN = "sign", "签收"
        RETURN = "return", "退回"
        REPORT = "report", "反馈进展"
        EXTENSION_REQUEST = "extension_request", "申请延期"
        EXTENSION_APPROVE = "extension_approve", "批准延期"
        EXTENSION_REJECT = "extension_reject", "驳回延期"
        COMPLETION_REQUEST = "completion_request", "申请办结"
        SIGN_OFF = "sign_off", "销号"
        SEND_BACK = "send_back", "退办"
        URGE = "urge", "催办"
        REASSIGN = "reassign", "重新交办"
        EDIT = "edit", "修改"
        DEADLINE_CORRECT = "deadline_correct", "修改时限"
        OCCURRENCE_COMPLETE = "occurrence_complete", "完成本期"
        ACCEPT = "accept", "办结确认"
        URGE_REPLY = "urge_reply", "答复催办"
        STATUS = "status", "任务状态变更"
        # Ratings: shown only to the office, managers and the rated unit (permissions.task_event_visible_to).
        RATE = "rate", "办结评价"
        RATE_CORRECT = "rate_correct", "修改评价"
        REGISTER = "register", "立项"
        SPLIT = "split", "拆分"
        MERGE = "merge", "合并"
        DISMISS = "dismiss", "标记为非任务"
        RESTORE = "restore", "恢复为任务"
        DEADLINE_ADD = "deadline_add", "增加时限"

    task = models.ForeignKey("tracker.Task", on_delete=models.CASCADE, related_name="events", verbose_name="任务")
    assignment = models.ForeignKey(
        "tracker.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="events",
        verbose_name="承办单位记录",
    )
    department = models.ForeignKey(
        "tracker.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="events",
        verbose_name="单位",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="操作人",
    )
    action = models.CharField("操作", max_length=24, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=24, blank=True, default="")
    to_status = models.CharField("新状态", max_length=24, blank=True, default="")
    note = models.TextField("说明", blank=True, default="")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}（{self.status_labels()[0]} → {self.status_labels()[1]}）"

    def status_labels(self) -> tuple[str, str]:
        """The statuses before and after, as Chinese labels (the unit's or the task's vocabulary)."""
        from tracker.models.tasks import Assignment, Task

        choices = dict((Assignment.Status if self.department_id else Task.Status).choices)
        return (str(choices.get(self.from_status, self.from_status or "—")),
                str(choices.get(self.to_status, self.to_status or "—")))


class ProgressReport(models.Model):
    """A unit's progress report (反馈) on its part of a task; `is_completion` marks a 申请办结 report. A
    support unit's report is its input to the lead units (配合意见)."""

    task = models.ForeignKey(
        "tracker.Task", on_delete=models.CASCADE, related_name="progress_reports", verbose_name="任务"
    )
    assignment = models.ForeignKey(
        "tracker.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="progress_reports",
        verbose_name="承办单位记录",
    )
    department = models.ForeignKey(
        "tracker.Department", on_delete=models.PROTECT, related_name="progress_reports", verbose_name="单位"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人"
    )
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0, validators=[MaxValueValidator(100)])
    is_completion = models.BooleanField("办结申请", default=False)
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "进展反馈"
        verbose_name_plural = "进展反馈"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="%(app_label)s_%(class)s_percent_range",
                violation_error_message="完成进度不能超过100%。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.percent}%"


class Attachment(models.Model):
    """A file attached to a progress report (evidence of progress or completion), or to a task registered by
    hand (立项: the 批示件, 会议纪要 or letter it comes from) — then `task` is set and `report` is empty."""

    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name="反馈",
    )
    task = models.ForeignKey(
        "tracker.Task", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments",
        verbose_name="任务（立项材料）",
    )
    file = models.FileField("文件", upload_to="attachments/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）", default=0)
    content_type = models.CharField("类型", max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="上传人",
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(models.Model):
    """A lead unit's request (延期申请) to move its own date on a deadline, and the office's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    task = models.ForeignKey(
        "tracker.Task", on_delete=models.CASCADE, related_name="extension_requests", verbose_name="任务"
    )
    assignment = models.ForeignKey(
        "tracker.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="extension_requests",
        verbose_name="承办单位记录",
    )
    deadline = models.ForeignKey(
        "tracker.Deadline", null=True, blank=True, on_delete=models.SET_NULL, related_name="extension_requests",
        verbose_name="办理时限",
    )
    department = models.ForeignKey(
        "tracker.Department", on_delete=models.PROTECT, related_name="extension_requests", verbose_name="申请单位"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    reason = models.TextField("延期理由")
    current_progress = models.TextField("当前进展", blank=True, default="")
    requested_due_on = models.DateField("申请时限")
    original_due_on = models.DateField("原时限", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True, default="")
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.department.name} 申请延至 {self.requested_due_on:%Y-%m-%d}（{self.get_status_display()}）"


class Urge(models.Model):
    """The office urging (催办) one unit on its part of a task, and the unit's reply."""

    task = models.ForeignKey("tracker.Task", on_delete=models.CASCADE, related_name="urges", verbose_name="任务")
    assignment = models.ForeignKey(
        "tracker.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="urges",
        verbose_name="承办单位记录",
    )
    urged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="催办人"
    )
    note = models.TextField("催办意见", blank=True, default="")
    created_at = models.DateTimeField("催办时间", auto_now_add=True)
    reply = models.TextField("答复", blank=True, default="")
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "催办"
        verbose_name_plural = "催办"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["assignment", "created_at"], name="tracker_urge_recent")]

    def __str__(self) -> str:
        return f"催办 {self.task} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class FormSubmission(models.Model):
    """A submitted portal form's one-time token: a double click or a resubmission after "back" is recognised
    by the unique key and records nothing twice (services.submissions.submission_run)."""

    key = models.CharField("表单标识", max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="提交人",
    )
    action = models.CharField("操作", max_length=40, blank=True, default="")
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    # An API write with an Idempotency-Key keeps its answer, so that a retry is answered the same (tracker/api).
    response_status = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    response_body = models.JSONField("响应内容", null=True, blank=True)

    class Meta:
        verbose_name = "表单提交"
        verbose_name_plural = "表单提交"

    def __str__(self) -> str:
        return f"{self.action} {self.key[:8]}"
