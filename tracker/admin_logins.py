"""Admin: failed logins and lockouts (django-axes' rows); the office unlocks a user here."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tracker.models import LoginLockout
from tracker.permissions import user_is_office


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "locked", "path_info")
    list_filter = ("path_info",)
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    fields = ("username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time")
    readonly_fields = fields
    actions = ("unlock_selected",)

    @admin.display(description="状态")
    def locked(self, obj: LoginLockout) -> str:
        recent = obj.attempt_time >= timezone.now() - settings.AXES_COOLOFF_TIME
        return "已锁定" if recent and obj.failures_since_start >= settings.AXES_FAILURE_LIMIT else "—"

    @admin.action(description="解除锁定（清除所选失败记录）", permissions=["delete"])
    def unlock_selected(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        count, _ = queryset.delete()
        self.message_user(request, f"已解除锁定，清除 {count} 条失败记录。")

    # Only the office (and superusers) see who failed to log in, and unlock; nobody edits the rows.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_office(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_office(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_office(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
