"""Tasks (任务) of a directive, who carries them (Assignment) and when they are due (Deadline)."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tracker.querysets import AssignmentQuerySet, TaskQuerySet


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
        # The office judged an extracted item not to be a task: kept (with its trail), hidden from every list
        # unless asked for, and restored to 待审核 by services.review.task_restore.
        DISMISSED = "dismissed", "非任务"

    class Origin(models.TextChoices):
        EXTRACTED = "extracted", "自动提取"
        MANUAL = "manual", "手工录入"

    class SourceKind(models.TextChoices):
        """Where a 督办 item comes from (DOMAIN.md): most offices type more from 批示 and meetings than from gazettes."""

        DIRECTIVE = "directive", "文件"
        INSTRUCTION = "instruction", "领导批示"
        MEETING = "meeting", "会议纪要"
        WORK_REPORT = "work_report", "政府工作报告"
        PROPOSAL = "proposal", "建议提案"
        PETITION = "petition", "群众来信"
        OTHER = "other", "其他"

    class Category(models.TextChoices):
        ORDINARY = "ordinary", "一般"
        MAJOR = "major", "重大"

    # Empty for an item registered by hand (立项) from a 批示, a meeting or another source without a document.
    directive = models.ForeignKey(
        "tracker.Directive", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks",
        verbose_name="文件",
    )
    source_kind = models.CharField(
        "来源类别", max_length=16, choices=SourceKind.choices, default=SourceKind.DIRECTIVE
    )
    source_ref = models.CharField(
        "来源文号", max_length=200, blank=True, default="", help_text="如 会议纪要〔2026〕12号、市长批示件编号"
    )
    instructed_by = models.CharField("批示人", max_length=100, blank=True, default="")
    instructed_on = models.DateField("批示（会议）日期", null=True, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_tasks",
        verbose_name="分管领导",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name="上级任务"
    )
    ref = models.CharField("编号", max_length=100, blank=True, default="")
    title = models.CharField("标题", max_length=200, blank=True, default="")
    text = models.TextField("任务内容")
    line_start = models.PositiveIntegerField("起始行", null=True, blank=True)
    line_end = models.PositiveIntegerField("结束行", null=True, blank=True)
    # Derived from the lead assignments' statuses by tracker.transitions.task_status_from, and written only by
    # services.lifecycle.task_status_sync: stored because every list, filter and dashboard figure selects on it
    # (indexed), and 待审核 is the task's own state before any unit holds it.
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.PENDING_REVIEW)
    origin = models.CharField("来源", max_length=12, choices=Origin.choices, default=Origin.EXTRACTED)
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.ORDINARY)
    flags = models.JSONField("待核标记", default=list, blank=True)
    edited = models.BooleanField("已人工修改", default=False, help_text="督查室改过：重新导入不会覆盖")
    confirmed_at = models.DateTimeField("审核时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="审核人",
    )
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    # Set when the last lead unit's part is accepted (销号); each unit's own times are on its Assignment.
    signed_off_at = models.DateTimeField("销号时间", null=True, blank=True)
    # Derived: tracker.querysets.task_due_expression, kept by services.deadlines.task_due_refresh.
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
                condition=~Q(source_kind="directive") | Q(directive__isnull=False),
                name="%(app_label)s_%(class)s_directive_source_has_directive",
                violation_error_message="来源为文件的任务须关联文件。",
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
            models.Index(fields=["status", "current_due"], name="tracker_task_status_due"),
            # The portal list's order (earliest due first), status carried along: a far page of 100,000 tasks
            # is an index-only scan, not a sort of every row.
            models.Index(fields=["current_due", "id"], include=["status"], name="tracker_task_list_order"),
        ]

    def __str__(self) -> str:
        label = self.title or self.text[:30]
        return f"{self.ref} {label}".strip()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def source_number(self) -> str:
        """The directive's 文号, or for an item registered by hand (立项) its reference (or its source kind)."""
        if self.directive_id is not None:
            return self.directive.doc_number
        return self.source_ref or self.get_source_kind_display()

    @property
    def source_label(self) -> str:
        """Where the task comes from, in one line: the directive's 文号 and title, or the source kind, the
        reference, who gave the instruction and when ("领导批示 · 市长批示〔2026〕3号 · 王市长 2026-01-05")."""
        if self.directive_id is not None:
            return f"{self.directive.doc_number} {self.directive.title}".strip()
        parts = [str(self.get_source_kind_display())]
        if self.source_ref:
            parts.append(self.source_ref)
        given = " ".join(p for p in (self.instructed_by, f"{self.instructed_on:%Y-%m-%d}" if self.instructed_on
                                     else "") if p)
        if given:
            parts.append(given)
        return " · ".join(parts)


class Assignment(models.Model):
    """One unit's part of a task (牵头/责任 = lead, 配合 = support), carried through its own 督办 cycle.

    Each lead unit signs, reports, asks for extensions and completion and is accepted (已办结) on its own;
    a support unit signs and sends its input to the leads. Transitions: tracker.transitions (rules) and
    tracker.services.lifecycle_unit / lifecycle_office (writes). The task's status is derived from its
    lead assignments (tracker.transitions.task_status_from).
    """

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        SUPPORT = "support", "配合"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "待交办"
        ASSIGNED = "assigned", "已交办"
        SIGNED = "signed", "已签收"
        IN_PROGRESS = "in_progress", "办理中"
        COMPLETION_REQUESTED = "completion_requested", "申请办结"
        ACCEPTED = "accepted", "已办结"
        RETURNED = "returned", "已退回"

    class Rating(models.TextChoices):
        """The office's rating of a lead unit's accepted completion (办结评价), feeding the 考评."""

        EXCELLENT = "excellent", "优秀"
        GOOD = "good", "良好"
        ADEQUATE = "adequate", "合格"
        POOR = "poor", "不合格"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", verbose_name="任务")
    # A copy of task.directive (a task never moves to another directive), filled by save(): the dashboard's
    # per-directive figures then group 100,000 parts without joining their tasks (70 ms of a 300 ms page).
    # Empty with the task's: an item registered by hand (立项) has no directive.
    directive = models.ForeignKey(
        "tracker.Directive", null=True, blank=True, on_delete=models.CASCADE, related_name="+", editable=False,
        db_index=False, verbose_name="文件",
    )  # empty for a task registered by hand (立项), which has no directive
    department = models.ForeignKey(
        "tracker.Department", on_delete=models.PROTECT, related_name="assignments", verbose_name="单位"
    )
    role = models.CharField("职责", max_length=8, choices=Role.choices, default=Role.LEAD)
    as_written = models.CharField("原文写法", max_length=100, blank=True, default="")
    status = models.CharField("办理状态", max_length=24, choices=Status.choices, default=Status.PROPOSED)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    first_report_at = models.DateTimeField("首次反馈时间", null=True, blank=True)
    completion_requested_at = models.DateTimeField("申请办结时间", null=True, blank=True)
    accepted_at = models.DateTimeField("办结时间", null=True, blank=True)
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(
        "完成进度（%）", default=0, validators=[MaxValueValidator(100)]
    )
    # Derived: the earliest date this unit still owes (tracker.querysets.assignment_due_expression), stored
    # for the indexed lists, dashboard and reminders; kept by services.deadlines.task_due_refresh.
    current_due = models.DateField("当前时限", null=True, blank=True, editable=False)
    # 办结评价: set at 办结确认 (required there), corrected by the office (services.lifecycle_office).
    rating = models.CharField("办结评价", max_length=10, choices=Rating.choices, blank=True, default="")
    rating_note = models.CharField("评价说明", max_length=1000, blank=True, default="")
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="评价人",
    )

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["task_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "department"], name="%(app_label)s_%(class)s_unique_task_department",
                violation_error_message="该单位已是此任务的承办单位。",
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="%(app_label)s_%(class)s_percent_range",
                violation_error_message="完成进度不能超过100%。",
            ),
            models.CheckConstraint(
                condition=Q(status="accepted", accepted_at__isnull=False) | (~Q(status="accepted")
                                                                            & Q(accepted_at__isnull=True)),
                name="%(app_label)s_%(class)s_accepted_has_time",
                violation_error_message="已办结的承办单位须有办结时间。",
            ),
            models.CheckConstraint(
                condition=~Q(role="support", status="completion_requested"),
                name="%(app_label)s_%(class)s_support_never_requests_completion",
                violation_error_message="配合单位不申请办结。",
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status="accepted", role="lead"),
                name="%(app_label)s_%(class)s_rating_only_when_accepted_lead",
                violation_error_message="只有已办结的牵头单位才有办结评价。",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="tracker_assignment_dept_status"),
            # The dashboard's and the reminder scan's aggregates: role and status, then the stored due date. Kept
            # narrow: with the columns INCLUDEd it was larger than the table and PostgreSQL scanned the table.
            models.Index(fields=["role", "status", "current_due"], name="tracker_assignment_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name}（{self.get_role_display()}）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.directive_id is None:  # the task's, once (the column is a copy: see `directive`)
            self.directive_id = self.task.directive_id
        super().save(*args, **kwargs)

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD


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
    """One due date one lead unit owes on a deadline (one for a one-off deadline, many for a recurring one).

    Occurrences are made per lead assignment at 交办, so that one unit's extension or completed period moves
    that unit's date only; the deadline keeps the date the task itself states.
    """

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="occurrences", verbose_name="办理时限"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="occurrences", verbose_name="承办单位"
    )
    due_on = models.DateField("到期日")
    original_due_on = models.DateField("原到期日", null=True, blank=True, help_text="批准延期前的到期日")
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
                fields=["deadline", "assignment", "due_on"], name="%(app_label)s_%(class)s_unique_unit_day",
                violation_error_message="该单位的这一时限在这一天已有节点。",
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="tracker_occurrence_due")]

    def __str__(self) -> str:
        return f"{self.due_on:%Y-%m-%d}"
