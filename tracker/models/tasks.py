"""Tasks (任务) of a directive, who carries them (Assignment) and when they are due (Deadline)."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tracker.querysets import TaskQuerySet


class Task(models.Model):
    """One task of a directive, a node in its outline tree, carried through the 督办 cycle."""

    class Status(models.TextChoices):
        PENDING_REVIEW = "pending_review", "待审核"
        ASSIGNED = "assigned", "已交办"
        SIGNED = "signed", "已签收"
        IN_PROGRESS = "in_progress", "办理中"
        COMPLETION_REQUESTED = "completion_requested", "申请办结"
        SIGNED_OFF = "signed_off", "已销号"
        RETURNED = "returned", "已退回"

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "自动提取"
        MANUAL = "manual", "手工录入"

    class Category(models.TextChoices):
        ORDINARY = "ordinary", "一般"
        MAJOR = "major", "重大"

    directive = models.ForeignKey(
        "tracker.Directive", on_delete=models.CASCADE, related_name="tasks", verbose_name="文件"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name="上级任务"
    )
    ref = models.CharField("编号", max_length=100, blank=True, default="")
    title = models.CharField("标题", max_length=200, blank=True, default="")
    text = models.TextField("任务内容")
    line_start = models.PositiveIntegerField("起始行", null=True, blank=True)
    line_end = models.PositiveIntegerField("结束行", null=True, blank=True)
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.PENDING_REVIEW)
    origin = models.CharField("来源", max_length=12, choices=Origin.choices, default=Origin.EXTRACTED)
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.ORDINARY)
    flags = models.JSONField("待核标记", default=list, blank=True)
    edited = models.BooleanField("已人工修改", default=False, help_text="督查室改过：重新导入不会覆盖")
    progress_percent = models.PositiveSmallIntegerField(
        "完成进度（%）", default=0, validators=[MaxValueValidator(100)]
    )
    confirmed_at = models.DateTimeField("审核时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="审核人",
    )
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    first_report_at = models.DateTimeField("首次反馈时间", null=True, blank=True)
    completion_requested_at = models.DateTimeField("申请办结时间", null=True, blank=True)
    signed_off_at = models.DateTimeField("销号时间", null=True, blank=True)
    # Derived: the earliest due item (tracker.querysets), kept by services.deadlines.task_due_refresh.
    current_due = models.DateField("当前时限", null=True, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["directive_id", "line_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="%(app_label)s_%(class)s_percent_range",
                violation_error_message="完成进度不能超过100%。",
            ),
            models.CheckConstraint(
                condition=Q(line_start__isnull=True) | Q(line_end__isnull=True)
                | Q(line_end__gte=models.F("line_start")),
                name="%(app_label)s_%(class)s_line_range",
                violation_error_message="结束行不能早于起始行。",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="tracker_task_status"),
            # Overdue / due-soon / light: status IN (…) AND current_due < as_of. On PostgreSQL the dashboard's
            # aggregates read only this index (index-only scans): a task row is ten times wider.
            models.Index(
                fields=["status", "current_due"], name="tracker_task_status_due_cover",
                include=["id", "directive", "progress_percent", "category", "assigned_at", "signed_at",
                         "first_report_at", "signed_off_at"],
            ),
        ]

    def __str__(self) -> str:
        label = self.title or self.text[:30]
        return f"{self.ref} {label}".strip()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class Assignment(models.Model):
    """A department responsible for a task, as lead (牵头/责任) or support (配合)."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        SUPPORT = "support", "配合"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name="任务")
    department = models.ForeignKey(
        "tracker.Department", on_delete=models.PROTECT, related_name="assignments", verbose_name="单位"
    )
    role = models.CharField("职责", max_length=8, choices=Role.choices, default=Role.LEAD)
    as_written = models.CharField("原文写法", max_length=100, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["task_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department"], name="%(app_label)s_%(class)s_unique_task_department",
                violation_error_message="该单位已是此任务的承办单位。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department.name}（{self.get_role_display()}）"


class Deadline(models.Model):
    """A deadline stated by a task's text: the words as written, the parser's date and the current one."""

    class Recurrence(models.TextChoices):
        NONE = "", "一次性"
        DAILY = "daily", "每日"
        WEEKLY = "weekly", "每周"
        MONTHLY = "monthly", "每月"
        BIMONTHLY = "bimonthly", "每两个月"
        QUARTERLY = "quarterly", "每季度"
        HALF_YEARLY = "half-yearly", "每半年"
        YEARLY = "yearly", "每年"
        ONGOING = "ongoing", "长期"

    class ResolvedBy(models.TextChoices):
        RULE = "rule", "规则识别"
        PERSON = "person", "人工核定"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="deadlines", verbose_name="任务")
    text = models.CharField("原文", max_length=200)
    kind = models.CharField("类型", max_length=30, blank=True, default="")
    due_on = models.DateField("办理时限", null=True, blank=True)
    parsed_due_on = models.DateField("识别时限", null=True, blank=True, help_text="程序从原文识别出的日期，保留备查")
    original_due_on = models.DateField("原时限", null=True, blank=True, help_text="批准延期前的时限")
    recurrence = models.CharField("周期", max_length=12, choices=Recurrence.choices, blank=True, default="")
    rule = models.CharField("周期规则", max_length=40, blank=True, default="")
    offset = models.CharField("相对期限", max_length=40, blank=True, default="")
    anchor = models.CharField("起算事件", max_length=100, blank=True, default="")
    range_start = models.DateField("起始日期", null=True, blank=True)
    confidence = models.FloatField("置信度", default=1.0)
    flags = models.JSONField("标记", default=list, blank=True)
    calendar = models.CharField("日历", max_length=40, blank=True, default="")
    resolved_by = models.CharField("核定方式", max_length=8, choices=ResolvedBy.choices, default=ResolvedBy.RULE)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="修改人",
    )
    corrected_at = models.DateTimeField("修改时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = "办理时限"
        ordering = ["task_id", "due_on", "pk"]

    def __str__(self) -> str:
        due = f"{self.due_on:%Y-%m-%d}" if self.due_on else "待定"
        return f"{self.text}（{due}）"


class DeadlineOccurrence(models.Model):
    """One due date of a deadline (one for a one-off deadline, many for a recurring one), tracked on its own."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="occurrences", verbose_name="办理时限"
    )
    due_on = models.DateField("到期日")
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="确认人",
    )
    report = models.ForeignKey(
        "tracker.ProgressReport", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="fulfilled_occurrences", verbose_name="对应反馈",
    )

    class Meta:
        verbose_name = "时限节点"
        verbose_name_plural = "时限节点"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "due_on"], name="%(app_label)s_%(class)s_unique_deadline_day",
                violation_error_message="该时限在这一天已有节点。",
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="tracker_occurrence_due")]

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d}"
