"""Read-only history pages for the admin (django-simple-history).

simple-history's version page is a change form that saves on POST (a "revert") after checking only
the view permission, and bypasses the state machine and the event log. Here the version page shows
the old values and nothing else, and anything but GET is refused, for every user: corrections go
through the services (task_edit, deadline_correct, the lifecycle), which record who changed what.
"""
from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import display_for_field
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from tracker.secrets import secret_fields


def _field_rows(instance: Model) -> list[tuple[str, Any]]:
    hidden = secret_fields(type(instance))
    rows = []
    for field in instance._meta.concrete_fields:
        if field.name in hidden or field.primary_key:
            continue
        if field.is_relation:
            try:
                value: Any = getattr(instance, field.name)
            except ObjectDoesNotExist:
                value = "（已删除）"
            shown = "-" if value is None else str(value)
        else:
            shown = display_for_field(getattr(instance, field.attname), field, "-")
        rows.append((str(field.verbose_name), shown))
    return rows


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/tracker/object_history_list.html"

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def set_history_delta_changes(self, request: HttpRequest, historical_records: Any,
                                  foreign_keys_are_objs: bool = True) -> None:
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        hidden = secret_fields(self.model)
        if not hidden:
            return
        labels = {str(self.model._meta.get_field(name).verbose_name) for name in hidden}
        for record in historical_records:
            changes = getattr(record, "history_delta_changes", None)
            if changes:
                record.history_delta_changes = [c for c in changes if str(c["field"]) not in labels]

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str,
                          extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("历史版本只读，不能恢复；请在对象页面修改，系统会记录修改人和时间。")
        opts = self.model._meta
        record = get_object_or_404(self.model.history.model, **{opts.pk.attname: object_id, "history_id": version_id})
        instance = record.instance
        if not self.has_view_history_or_change_history_permission(request, instance):
            raise PermissionDenied
        info = opts.app_label, opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": f"历史版本：{instance}",
            "opts": opts,
            "record": record,
            "rows": _field_rows(instance),
            "change_url": reverse("admin:{}_{}_change".format(*info), args=[object_id]),
            "history_url": reverse("admin:{}_{}_history".format(*info), args=[object_id]),
            "original": instance,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/tracker/history_version.html", context)
