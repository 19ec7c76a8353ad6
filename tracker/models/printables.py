"""Numbered documents the office issues (督办通知单, 催办通知单, 督查通报) and the counters behind their numbers."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class IssuedDocument(models.Model):
    """One numbered document as the office issued it: the number, what it is about (a task or a period), to
    whom, when and by whom, and the .docx exactly as issued, so that downloading it again gives the same file
    (services.printables hands out the numbers; `key` makes a second download the same document)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "督办通知单"
        URGE = "urge", "催办通知单"
        BULLETIN = "bulletin", "督查通报"

    kind = models.CharField("文书种类", max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("文号", max_length=60)
    # notice:<task id> / urge:<task id>:<day> / bulletin:<period key>
    key = models.CharField("出具标识", max_length=80, unique=True)
    task = models.ForeignKey(
        "tracker.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="issued_documents",
        verbose_name="任务",
    )
    period = models.CharField("期间", max_length=10, blank=True, default="")  # 2026-11, 2026-Q4, 2026
    title = models.CharField("标题", max_length=200)
    # 主送: the units it was sent to (a unit may download only what was addressed to it).
    departments = models.ManyToManyField(
        "tracker.Department", blank=True, related_name="issued_documents", verbose_name="主送单位"
    )
    issued_on = models.DateField("出具日期")
    issued_at = models.DateTimeField("出具时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="出具人"
    )
    filename = models.CharField("文件名", max_length=200)
    content = models.BinaryField("文件内容")

    class Meta:
        verbose_name = "出具文书"
        verbose_name_plural = "出具文书"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "serial"], name="%(app_label)s_%(class)s_unique_number",
                violation_error_message="该文号已被使用。",
            )
        ]
        indexes = [models.Index(fields=["task", "kind"], name="tracker_issued_task_kind")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DocumentCounter(models.Model):
    """The last serial handed out per kind and year; its row is locked while the next number is taken."""

    kind = models.CharField("文书种类", max_length=10, choices=IssuedDocument.Kind.choices)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "文号计数"
        verbose_name_plural = "文号计数"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"], name="%(app_label)s_%(class)s_unique_kind_year",
                violation_error_message="该种类该年度已有计数。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}：{self.last}"
