"""Read-only history pages for the admin (django-simple-history).

simple-history's version page is a change form that saves on POST (a "revert") after checking only
the view permission, and bypasses the state machine and the event log. Here the version page shows
the old values and nothing else, and anything but GET is refused, for every user: corrections go
through the services (task_edit, deadline_correct, the lifecycle), which record who changed what.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from tracker.readable import field_label, value_shown
from tracker.secrets import secret_fields


class ReadableChanges(HistoricalRecordContextHelper):
    """A version's changes as people read them (tracker.readable): 待审核 → 已交办, names, 北京时间, no JSON."""

    def format_delta_change(self, change: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        return dataclasses.replace(change, field=field_label(self.model, change.field),
                                   old=value_shown(field, change.old), new=value_shown(field, change.new))


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
                value = getattr(instance, field.attname)  # the id of a row since deleted
            shown = value_shown(field, value)
        else:
            shown = value_shown(field, getattr(instance, field.attname))
        rows.append((str(field.verbose_name), shown))
    return rows


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/tracker/object_history_list.html"

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record: Any) -> Any:
        return ReadableChanges(self.model, historical_record)

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
