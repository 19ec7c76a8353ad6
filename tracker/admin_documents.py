"""Admin: the register of issued documents (出具文书: 督办通知单, 催办通知单, 督查通报) — read-only, an audit of what the
office sent; each row links to the document as issued. The documents are issued from the portal."""
from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from tracker.models import IssuedDocument
from tracker.permissions import user_sees_all


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "title", "period", "issued_on", "issued_by", "download")
    list_filter = ("kind", "year")
    search_fields = ("number", "title")
    date_hierarchy = "issued_on"
    list_select_related = ("issued_by",)
    fields = ("number", "kind", "title", "task", "period", "addressees", "issued_on", "issued_at", "issued_by",
              "download")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("content")

    @admin.display(description="主送单位")
    def addressees(self, obj: IssuedDocument) -> str:
        return "、".join(obj.departments.order_by("name").values_list("name", flat=True)) or "—"

    @admin.display(description="文件")
    def download(self, obj: IssuedDocument) -> str:
        return format_html('<a href="{}">下载</a>', reverse("tracker:document_download", args=[obj.pk]))

    # The office and managers read the register; nobody adds, edits or deletes a row (numbers are audited).
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_sees_all(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_sees_all(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
