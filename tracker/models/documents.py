"""Imported gazette files and the directives (文件) split out of them."""
from __future__ import annotations

import io
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models


def source_file_path(instance: SourceFile, filename: str) -> str:
    """Content-addressed: the same bytes always land at the same path, whatever the file was called."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"sources/{instance.sha256[:2]}/{instance.sha256}{suffix}"


class SourceFile(models.Model):
    """One imported file: the original as received, and the text read from it, which line numbers refer to."""

    class Format(models.TextChoices):
        TXT = "txt", "文本"
        DOCX = "docx", "Word（.docx）"
        PDF = "pdf", "PDF"
        HTML = "html", "网页"

    CONTENT_TYPES = {
        Format.TXT: "text/plain", Format.HTML: "text/html", Format.PDF: "application/pdf",
        Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }

    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField("大小（字节）")
    format = models.CharField("格式", max_length=10, choices=Format, default=Format.TXT)
    encoding = models.CharField("编码", max_length=20)
    # Files live under MEDIA_ROOT, like attachments: a 50 MB PDF in a table row would ride along every query
    # that joins the source, and the media directory is backed up with the database.
    original = models.FileField("原始文件", upload_to=source_file_path, blank=True, max_length=200)
    text = models.TextField("全文")
    origins = models.JSONField("行的出处", default=list, blank=True)  # "第 3 页", "表格 1 第 2 行" per line of text
    metadata = models.JSONField("网页元数据", default=dict, blank=True)  # 索引号, 文号, 成文日期… of a web page
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
        lines = self.text.splitlines()  # as parsing.normalize.source_lines numbers them
        end = len(lines) if end is None else min(end, len(lines))
        return [(n, lines[n - 1]) for n in range(max(start, 1), end + 1)]

    def content_type(self) -> str:
        """The original's media type; text formats name the encoding they were read in."""
        kind = self.CONTENT_TYPES.get(self.format, "application/octet-stream")
        if not kind.startswith("text/"):
            return kind
        return f"{kind}; charset={self.encoding if self.original else 'utf-8'}"

    def original_bytes(self) -> Any:
        """An open binary file of the original; a file imported before originals were kept gives its text."""
        if self.original:
            return self.original.open("rb")
        return io.BytesIO(self.text.encode("utf-8"))


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
