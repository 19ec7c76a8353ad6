"""Admin: the reminder log (read-only; rows are written only by the reminder service)."""
from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from tracker.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("sent_on", "department", "kind", "node", "channel", "status", "attempts", "task",
                    "due_on", "sent_at", "short_error")
    list_filter = ("status", "kind", "channel", "sent_on", ("department", admin.RelatedOnlyFieldListFilter))
    search_fields = ("task__title", "task__directive__doc_number", "department__name", "error")
    date_hierarchy = "sent_on"
    list_select_related = ("department", "task")
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["retry_failed"]

    @admin.display(description="错误")
    def short_error(self, obj: Reminder) -> str:
        return obj.error[:80]

    @admin.action(description="重新发送所选失败提醒", permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Reminder]) -> None:
        from tracker.services.reminders import reminders_retry

        count = reminders_retry(reminder_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(request, f"已重新排队 {count} 条提醒。")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Reminder | None = None) -> bool:
        return False
