"""Imported gazette files and the directives (文件) split out of them."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class SourceFile(models.Model):
    """One imported file, kept verbatim (decoded) so that every line number can be shown again."""

    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField("大小（字节）")
    encoding = models.CharField("编码", max_length=20)
    text = models.TextField("全文")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="导入人",
    )

    class Meta:
        verbose_name = "导入文件"
        verbose_name_plural = "导入文件"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name

    def numbered_lines(self, start: int = 1, end: int | None = None) -> list[tuple[int, str]]:
        """(1-based number, text) of the file's lines from `start` to `end` inclusive."""
        lines = self.text.splitlines()
        end = len(lines) if end is None else min(end, len(lines))
        return [(n, lines[n - 1]) for n in range(max(start, 1), end + 1)]


class Directive(models.Model):
    """One document (文件) of a gazette: 文号, title, issuer, date, recipients, and its source lines."""

    source = models.ForeignKey(SourceFile, on_delete=models.PROTECT, related_name="directives", verbose_name="来源文件")
    doc_number = models.CharField("文号", max_length=64, blank=True, default="")
    title = models.CharField("标题", max_length=500)
    issuer = models.CharField("发文机关", max_length=100, blank=True, default="")
    issued_on = models.DateField("成文日期", null=True, blank=True)
    recipients = models.JSONField("主送", default=list, blank=True)
    kind = models.CharField("文种", max_length=20, blank=True, default="")
    task_bearing = models.BooleanField("含任务", default=True)
    line_start = models.PositiveIntegerField("起始行")
    line_end = models.PositiveIntegerField("结束行")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates", verbose_name="重复于"
    )
    flags = models.JSONField("标记", default=list, blank=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "文件"
        verbose_name_plural = "文件"
        ordering = ["-issued_on", "doc_number"]
        constraints = [
            # Documents without a 文号 (some reports) are not deduplicated by number.
            models.UniqueConstraint(
                fields=["doc_number", "issuer"], condition=~models.Q(doc_number=""),
                name="%(app_label)s_%(class)s_unique_number_issuer",
                violation_error_message="该发文机关的这个文号已经导入过。",
            ),
            models.CheckConstraint(
                condition=models.Q(line_end__gte=models.F("line_start")),
                name="%(app_label)s_%(class)s_line_range",
                violation_error_message="结束行不能早于起始行。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}" if self.doc_number else self.title

    def numbered_lines(self) -> list[tuple[int, str]]:
        """The directive's own lines of its source file, numbered as in the file."""
        return self.source.numbered_lines(self.line_start, self.line_end)
